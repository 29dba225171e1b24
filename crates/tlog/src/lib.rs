//! `tabula-tlog`: the transparency-log primitives of the Tabula registry.
//!
//! Owns: RFC 9162 §2.1 Merkle tree hashing over SHA-256 ([`leaf_hash`], [`node_hash`]), roots
//! and inclusion/consistency proof *generation* from stored perfect-subtree hashes
//! ([`tree`]), proof *verification* exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 ([`verify`]),
//! C2SP signed notes with Ed25519 ([`note`]), C2SP `tlog-checkpoint` tree heads ([`Checkpoint`]),
//! C2SP `tlog-cosignature` witness cosignatures ([`cosignature`]) and witness quorum policies
//! ([`policy`]),
//! and the upload [`Receipt`] stations keep in their bundles.
//!
//! Does not own: storage (the registry keeps node hashes in its database), networking, or the
//! certificate format (a leaf is opaque bytes: the JCS of a DSSE envelope).
//!
//! ```
//! use tabula_tlog::{Checkpoint, MemoryTree, NoteSigner, tree, verify};
//!
//! let mut log = MemoryTree::new();
//! for leaf in [&b"a"[..], b"b", b"c"] {
//!     log.append(leaf);
//! }
//! let proof = tree::inclusion_proof(1, 3, &log).unwrap();
//! verify::verify_inclusion(1, 3, &tabula_tlog::leaf_hash(b"b"), &proof, &log.root()).unwrap();
//!
//! let signer = NoteSigner::from_seed("registry.example/log", &[1; 32]).unwrap();
//! let note = Checkpoint::new("registry.example/log", 3, log.root()).sign(&signer).unwrap();
//! assert_eq!(Checkpoint::verify(&note, &signer.verifier()).unwrap().size, 3);
//! ```
#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod cosignature;
pub mod hash;
pub mod note;
pub mod policy;
pub mod receipt;
pub mod tree;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use cosignature::{CosignatureError, CosignatureSigner, CosignatureVerifier};
pub use hash::{Hash, ParseHashError, empty_root, leaf_hash, node_hash};
pub use note::{NoteError, NoteSigner, NoteVerifier, Sign, sign_note};
pub use policy::{PolicyError, WitnessPolicy};
pub use receipt::{Receipt, ReceiptError};
pub use tree::{MemoryTree, NodeId, NodeSource, TreeError};
pub use verify::{ProofError, verify_consistency, verify_inclusion};
