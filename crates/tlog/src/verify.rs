//! Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency).

use crate::hash::{Hash, node_hash};

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("first tree size {first} is larger than second tree size {second}")]
    SizesReversed { first: u64, second: u64 },
    #[error("a consistency proof from the empty tree proves nothing")]
    EmptyFirstTree,
    #[error("proof has the wrong length for this tree")]
    WrongLength,
    #[error("computed root {computed} does not match expected root {expected}")]
    RootMismatch { computed: Hash, expected: Hash },
}

/// Compute the root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1–5).
pub fn root_from_inclusion_proof(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    Ok(r)
}

/// Verify that `leaf` is at `index` in the tree of `size` leaves with root `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let computed = root_from_inclusion_proof(index, size, leaf, proof)?;
    matches(computed, *root)
}

fn matches(computed: Hash, expected: Hash) -> Result<(), ProofError> {
    if computed == expected {
        Ok(())
    } else {
        Err(ProofError::RootMismatch { computed, expected })
    }
}

/// Verify that the tree of `second` leaves with `second_root` extends the tree of `first` leaves
/// with `first_root` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots; a
/// first size of 0 is rejected as meaningless.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizesReversed { first, second });
    }
    if first == 0 {
        // Every tree extends the empty tree, so such a "proof" proves nothing; RFC 9162 defines
        // consistency only for 0 < first < second, and a caller asking is confused.
        return Err(ProofError::EmptyFirstTree);
    }
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return matches(*second_root, *first_root);
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    // Step 1: a power-of-two first tree is its own first subtree, so the proof omits it.
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    // Steps 2–3.
    let (mut fnode, mut snode) = (first - 1, second - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 4.
    let (mut fr, mut sr) = (path[0], path[0]);
    // Step 5.
    for c in &path[1..] {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 6.
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    matches(fr, *first_root)?;
    matches(sr, *second_root)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::tree::{MemoryTree, consistency_proof, inclusion_proof, root};

    #[test]
    fn generated_proofs_verify_and_tampering_fails() {
        let mut tree = MemoryTree::new();
        for i in 0..33u32 {
            tree.append(&i.to_le_bytes());
        }
        for size in 1..=33u64 {
            let r = root(size, &tree).unwrap();
            for index in 0..size {
                let proof = inclusion_proof(index, size, &tree).unwrap();
                let leaf = crate::hash::leaf_hash(&(index as u32).to_le_bytes());
                verify_inclusion(index, size, &leaf, &proof, &r).unwrap();
                if let Some(first) = proof.first() {
                    let mut bad = proof.clone();
                    bad[0].0[0] ^= 1;
                    assert!(verify_inclusion(index, size, &leaf, &bad, &r).is_err());
                    assert!(verify_inclusion(index, size, first, &proof, &r).is_err());
                }
            }
            for first in 1..=size {
                let proof = consistency_proof(first, size, &tree).unwrap();
                let r1 = root(first, &tree).unwrap();
                verify_consistency(first, size, &r1, &r, &proof).unwrap();
                if first > 0 && first < size {
                    let mut bad = proof.clone();
                    let last = bad.len() - 1;
                    bad[last].0[31] ^= 0x80;
                    assert!(verify_consistency(first, size, &r1, &r, &bad).is_err());
                }
            }
        }
    }
}
