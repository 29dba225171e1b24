//! The upload receipt a station keeps in its bundle: where the certificate's envelope sits in the
//! log, the audit path, and the signed checkpoint the path leads to.

use serde::{Deserialize, Serialize};

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::hash::{Hash, leaf_hash};
use crate::note::NoteVerifier;
use crate::verify::{ProofError, verify_consistency, verify_inclusion};

/// Why a receipt does not prove inclusion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    #[error("the receipt's leaf hash does not match the certificate envelope")]
    LeafMismatch,
    #[error("receipt checkpoint")]
    Checkpoint(#[from] CheckpointError),
    #[error("receipt is for log {receipt:?} but the checkpoint is from {checkpoint:?}")]
    OriginMismatch { receipt: String, checkpoint: String },
    #[error("receipt says tree size {receipt} but its checkpoint has size {checkpoint}")]
    SizeMismatch { receipt: u64, checkpoint: u64 },
    #[error("inclusion proof")]
    Inclusion(#[source] ProofError),
    #[error("consistency with the newer tree head")]
    Consistency(#[source] ProofError),
    #[error("the newer tree head ({newer}) is smaller than the receipt's ({receipt})")]
    Rollback { receipt: u64, newer: u64 },
}

/// Proof that a log accepted a leaf: serialised into the bundle's `receipt` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Receipt {
    /// The log's origin line (also the name of its signing key).
    pub log_origin: String,
    pub leaf_index: u64,
    /// Size of the tree the inclusion proof and checkpoint are for.
    pub tree_size: u64,
    pub leaf_hash: Hash,
    pub inclusion_proof: Vec<Hash>,
    /// The signed checkpoint note of `tree_size`.
    pub checkpoint: String,
    /// The log's verifier key (`name+id+base64`), informational: verifiers must pin their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_public_key: Option<String>,
    /// When the registry accepted the upload (RFC 3339, UTC).
    pub received_at: String,
    /// The registry's public base URL, if it is configured with one (the PDF's QR code links to
    /// `<registry_url>/certificates/<id>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_url: Option<String>,
}

impl Receipt {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        log_origin: String,
        leaf_index: u64,
        tree_size: u64,
        leaf_hash: Hash,
        inclusion_proof: Vec<Hash>,
        checkpoint: String,
        log_public_key: Option<String>,
        received_at: String,
    ) -> Self {
        Self {
            log_origin,
            leaf_index,
            tree_size,
            leaf_hash,
            inclusion_proof,
            checkpoint,
            log_public_key,
            received_at,
            registry_url: None,
        }
    }

    /// Set the registry's public base URL.
    pub fn with_registry_url(mut self, url: Option<String>) -> Self {
        self.registry_url = url;
        self
    }

    /// Verify that `leaf_bytes` (the JCS envelope) is in the log signed by `log_key`: leaf hash,
    /// checkpoint signature and origin, and the audit path to the checkpoint's root.
    pub fn verify(
        &self,
        leaf_bytes: &[u8],
        log_key: &NoteVerifier,
    ) -> Result<Checkpoint, ReceiptError> {
        if leaf_hash(leaf_bytes) != self.leaf_hash {
            return Err(ReceiptError::LeafMismatch);
        }
        let cp = Checkpoint::verify(&self.checkpoint, log_key)?;
        if cp.origin != self.log_origin {
            return Err(ReceiptError::OriginMismatch {
                receipt: self.log_origin.clone(),
                checkpoint: cp.origin,
            });
        }
        if cp.size != self.tree_size {
            return Err(ReceiptError::SizeMismatch {
                receipt: self.tree_size,
                checkpoint: cp.size,
            });
        }
        verify_inclusion(
            self.leaf_index,
            self.tree_size,
            &self.leaf_hash,
            &self.inclusion_proof,
            &cp.root,
        )
        .map_err(ReceiptError::Inclusion)?;
        Ok(cp)
    }

    /// Check that a newer, already verified tree head extends the receipt's tree head.
    pub fn verify_consistent_with(
        &self,
        receipt_checkpoint: &Checkpoint,
        newer: &Checkpoint,
        proof: &[Hash],
    ) -> Result<(), ReceiptError> {
        if newer.size < receipt_checkpoint.size {
            return Err(ReceiptError::Rollback {
                receipt: receipt_checkpoint.size,
                newer: newer.size,
            });
        }
        verify_consistency(
            receipt_checkpoint.size,
            newer.size,
            &receipt_checkpoint.root,
            &newer.root,
            proof,
        )
        .map_err(ReceiptError::Consistency)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::note::NoteSigner;
    use crate::tree::{MemoryTree, consistency_proof, inclusion_proof};

    fn setup() -> (NoteSigner, MemoryTree) {
        let signer = NoteSigner::from_seed("log.example/t", &[9u8; 32]).unwrap();
        let mut tree = MemoryTree::new();
        for i in 0..5u8 {
            tree.append(&[i]);
        }
        (signer, tree)
    }

    fn receipt(signer: &NoteSigner, tree: &MemoryTree, index: u64) -> Receipt {
        let cp = Checkpoint::new("log.example/t", tree.size(), tree.root());
        Receipt::new(
            "log.example/t".into(),
            index,
            tree.size(),
            leaf_hash(&[index as u8]),
            inclusion_proof(index, tree.size(), tree).unwrap(),
            cp.sign(signer).unwrap(),
            Some(signer.verifier().to_vkey()),
            "2026-01-01T00:00:00Z".into(),
        )
    }

    #[test]
    fn receipt_verifies_and_serialises() {
        let (signer, tree) = setup();
        let r = receipt(&signer, &tree, 3);
        let json = serde_json::to_string(&r).unwrap();
        let back: Receipt = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        let cp = back.verify(&[3], &signer.verifier()).unwrap();
        assert_eq!(cp.size, 5);
        assert_eq!(
            back.verify(&[4], &signer.verifier()),
            Err(ReceiptError::LeafMismatch)
        );
    }

    #[test]
    fn tampered_receipts_fail() {
        let (signer, tree) = setup();
        let mut r = receipt(&signer, &tree, 3);
        r.leaf_index = 2;
        assert!(matches!(
            r.verify(&[3], &signer.verifier()),
            Err(ReceiptError::Inclusion(_))
        ));
        let mut r = receipt(&signer, &tree, 3);
        r.tree_size = 6;
        assert!(matches!(
            r.verify(&[3], &signer.verifier()),
            Err(ReceiptError::SizeMismatch { .. })
        ));
        let r = receipt(&signer, &tree, 3);
        let other = NoteSigner::from_seed("log.example/t", &[10u8; 32]).unwrap();
        assert!(matches!(
            r.verify(&[3], &other.verifier()),
            Err(ReceiptError::Checkpoint(_))
        ));
    }

    #[test]
    fn consistency_with_later_tree() {
        let (signer, mut tree) = setup();
        let r = receipt(&signer, &tree, 1);
        let old = r.verify(&[1], &signer.verifier()).unwrap();
        for i in 5..11u8 {
            tree.append(&[i]);
        }
        let newer = Checkpoint::new("log.example/t", tree.size(), tree.root());
        let proof = consistency_proof(5, tree.size(), &tree).unwrap();
        r.verify_consistent_with(&old, &newer, &proof).unwrap();
        let forked = Checkpoint::new("log.example/t", tree.size(), leaf_hash(b"fork"));
        assert!(r.verify_consistent_with(&old, &forked, &proof).is_err());
        let smaller = Checkpoint::new("log.example/t", 4, tree.root());
        assert!(matches!(
            r.verify_consistent_with(&old, &smaller, &[]),
            Err(ReceiptError::Rollback { .. })
        ));
    }
}
