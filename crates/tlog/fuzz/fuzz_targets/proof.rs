//! Merkle proofs as JSON, in the two shapes stations parse: the transparency-dev/merkle probe
//! files (base64 hashes: inclusion `leafIdx/treeSize/root/leafHash/proof`, consistency
//! `size1/size2/root1/root2/proof`) and upload receipts (hex hashes). Parsing and verifying must
//! never panic, and a proof that verifies must stop verifying when any one of its hashes changes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use tabula_tlog::{Hash, NoteSigner, Receipt, verify_consistency, verify_inclusion};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Inclusion {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    proof: Vec<String>,
}

#[derive(Deserialize)]
struct Consistency {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Vec<String>,
}

fn hash(b64: &str) -> Option<Hash> {
    Hash::from_base64(b64).ok()
}

fn hashes(b64: &[String]) -> Option<Vec<Hash>> {
    b64.iter().map(|h| hash(h)).collect()
}

/// Every proof with exactly one bit flipped in one hash.
fn tampered(proof: &[Hash]) -> impl Iterator<Item = Vec<Hash>> + '_ {
    (0..proof.len()).map(move |i| {
        let mut bad = proof.to_vec();
        bad[i].0[0] ^= 1;
        bad
    })
}

fn inclusion(p: &Inclusion) -> Option<()> {
    let (root, leaf, proof) = (hash(&p.root)?, hash(&p.leaf_hash)?, hashes(&p.proof)?);
    if verify_inclusion(p.leaf_idx, p.tree_size, &leaf, &proof, &root).is_ok() {
        for bad in tampered(&proof) {
            assert!(
                verify_inclusion(p.leaf_idx, p.tree_size, &leaf, &bad, &root).is_err(),
                "tampered inclusion proof verifies"
            );
        }
    }
    Some(())
}

fn consistency(p: &Consistency) -> Option<()> {
    let (root1, root2, proof) = (hash(&p.root1)?, hash(&p.root2)?, hashes(&p.proof)?);
    if verify_consistency(p.size1, p.size2, &root1, &root2, &proof).is_ok() {
        for bad in tampered(&proof) {
            assert!(
                verify_consistency(p.size1, p.size2, &root1, &root2, &bad).is_err(),
                "tampered consistency proof verifies"
            );
        }
    }
    Some(())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = serde_json::from_slice::<Inclusion>(data) {
        let _ = inclusion(&p);
    }
    if let Ok(p) = serde_json::from_slice::<Consistency>(data) {
        let _ = consistency(&p);
    }
    if let Ok(receipt) = serde_json::from_slice::<Receipt>(data) {
        let Ok(signer) = NoteSigner::from_seed(&receipt.log_origin, &[7; 32])
            .or_else(|_| NoteSigner::from_seed("fuzz.example/log", &[7; 32]))
        else {
            panic!("fixed signer key is invalid");
        };
        let _ = receipt.verify(b"", &signer.verifier());
        let json = match serde_json::to_vec(&receipt) {
            Ok(json) => json,
            Err(e) => panic!("a parsed receipt cannot be written: {e}"),
        };
        match serde_json::from_slice::<Receipt>(&json) {
            Ok(again) => assert_eq!(again, receipt, "receipt changed through JSON"),
            Err(e) => panic!("a written receipt does not parse: {e}"),
        }
    }
});
