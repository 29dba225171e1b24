//! Tree shape and proof generation (RFC 9162 §2.1.2, §2.1.3.1, §2.1.4.1) from stored node hashes.
//!
//! A log stores the hash of every *perfect* subtree: node `(level, index)` covers leaves
//! `[index << level, (index + 1) << level)`. Appending leaf `n` stores `(0, n)` plus the parents it
//! completes ([`completed_by_append`]). Every hash RFC 9162 needs, `MTH(D[a:b])` of a range the
//! recursion produces, is a right fold over at most `log2(n)` perfect subtrees, so roots and proofs
//! need O(log n) lookups. The functions come in pairs: `*_nodes` lists the node ids a computation
//! reads (so a database can fetch them in one query), and the computation itself reads them from a
//! [`NodeSource`].

use std::collections::HashMap;

use crate::hash::{Hash, empty_root, leaf_hash, node_hash};

/// The position of a perfect subtree: it covers leaves `[index << level, (index + 1) << level)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

impl NodeId {
    pub const fn new(level: u8, index: u64) -> Self {
        Self { level, index }
    }
}

/// Why a root or proof cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    #[error("leaf index {index} is outside a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("invalid consistency request: first size {first}, second size {second}")]
    InvalidSizes { first: u64, second: u64 },
    #[error("the store has no hash for subtree at level {} index {}", .0.level, .0.index)]
    MissingNode(NodeId),
}

/// Where the hashes of perfect subtrees come from (a database, an in-memory tree, a cache).
pub trait NodeSource {
    fn node(&self, id: NodeId) -> Option<Hash>;
}

impl NodeSource for HashMap<NodeId, Hash> {
    fn node(&self, id: NodeId) -> Option<Hash> {
        self.get(&id).copied()
    }
}

/// Largest power of two strictly smaller than `n` (`n >= 2`).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The perfect subtrees covering `[begin, end)`, left to right (largest first for RFC ranges).
fn perfect_cover(mut begin: u64, end: u64, out: &mut Vec<NodeId>) {
    while begin < end {
        let align = if begin == 0 {
            63
        } else {
            begin.trailing_zeros()
        };
        let fit = 63 - (end - begin).leading_zeros();
        let level = align.min(fit);
        out.push(NodeId::new(level as u8, begin >> level));
        begin += 1u64 << level;
    }
}

/// MTH(D[begin:end]) for a range produced by the RFC 9162 recursion.
fn range_hash(begin: u64, end: u64, src: &impl NodeSource) -> Result<Hash, TreeError> {
    let mut ids = Vec::new();
    perfect_cover(begin, end, &mut ids);
    let mut acc: Option<Hash> = None;
    for id in ids.into_iter().rev() {
        let h = src.node(id).ok_or(TreeError::MissingNode(id))?;
        acc = Some(match acc {
            None => h,
            Some(right) => node_hash(&h, &right),
        });
    }
    Ok(acc.unwrap_or_else(empty_root))
}

/// RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]): the subtree ranges of an inclusion proof, bottom-up.
fn inclusion_ranges(m: u64, lo: u64, hi: u64, out: &mut Vec<(u64, u64)>) {
    if hi - lo <= 1 {
        return;
    }
    let k = split_point(hi - lo);
    if m < lo + k {
        inclusion_ranges(m, lo, lo + k, out);
        out.push((lo + k, hi));
    } else {
        inclusion_ranges(m, lo + k, hi, out);
        out.push((lo, lo + k));
    }
}

/// RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b) with `m` an absolute size.
fn consistency_ranges(m: u64, lo: u64, hi: u64, whole: bool, out: &mut Vec<(u64, u64)>) {
    if m == hi {
        if !whole {
            out.push((lo, hi));
        }
        return;
    }
    let k = split_point(hi - lo);
    if m <= lo + k {
        consistency_ranges(m, lo, lo + k, whole, out);
        out.push((lo + k, hi));
    } else {
        consistency_ranges(m, lo + k, hi, false, out);
        out.push((lo, lo + k));
    }
}

fn checked_inclusion(index: u64, size: u64) -> Result<Vec<(u64, u64)>, TreeError> {
    if index >= size {
        return Err(TreeError::IndexOutOfRange { index, size });
    }
    let mut out = Vec::new();
    inclusion_ranges(index, 0, size, &mut out);
    Ok(out)
}

fn checked_consistency(first: u64, second: u64) -> Result<Vec<(u64, u64)>, TreeError> {
    if first > second {
        return Err(TreeError::InvalidSizes { first, second });
    }
    let mut out = Vec::new();
    if first > 0 && first < second {
        consistency_ranges(first, 0, second, true, &mut out);
    }
    Ok(out)
}

fn nodes_of(ranges: &[(u64, u64)]) -> Vec<NodeId> {
    let mut out = Vec::new();
    for &(a, b) in ranges {
        perfect_cover(a, b, &mut out);
    }
    out
}

fn hashes_of(ranges: &[(u64, u64)], src: &impl NodeSource) -> Result<Vec<Hash>, TreeError> {
    ranges.iter().map(|&(a, b)| range_hash(a, b, src)).collect()
}

/// Node ids needed for the root of a tree of `size` leaves.
pub fn root_nodes(size: u64) -> Vec<NodeId> {
    nodes_of(&[(0, size)])
}

/// MTH of the first `size` leaves (the empty-tree hash for 0).
pub fn root(size: u64, src: &impl NodeSource) -> Result<Hash, TreeError> {
    range_hash(0, size, src)
}

/// Node ids needed for [`inclusion_proof`].
pub fn inclusion_nodes(index: u64, size: u64) -> Result<Vec<NodeId>, TreeError> {
    Ok(nodes_of(&checked_inclusion(index, size)?))
}

/// The audit path of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1).
pub fn inclusion_proof(
    index: u64,
    size: u64,
    src: &impl NodeSource,
) -> Result<Vec<Hash>, TreeError> {
    hashes_of(&checked_inclusion(index, size)?, src)
}

/// Node ids needed for [`consistency_proof`].
pub fn consistency_nodes(first: u64, second: u64) -> Result<Vec<NodeId>, TreeError> {
    Ok(nodes_of(&checked_consistency(first, second)?))
}

/// The consistency proof between tree sizes `first <= second` (RFC 9162 §2.1.4.1; empty when
/// `first` is 0 or equal to `second`).
pub fn consistency_proof(
    first: u64,
    second: u64,
    src: &impl NodeSource,
) -> Result<Vec<Hash>, TreeError> {
    hashes_of(&checked_consistency(first, second)?, src)
}

/// The interior nodes that become complete when leaf `index` is appended, bottom-up. Each one's
/// hash is `node_hash(left child, right child)` with children at `level - 1`, indices `2i, 2i+1`.
pub fn completed_by_append(index: u64) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut level = 1u8;
    let n = index + 1;
    while level < 64 && n.is_multiple_of(1u64 << level) {
        out.push(NodeId::new(level, (n >> level) - 1));
        level += 1;
    }
    out
}

/// The children of an interior node.
pub fn children(id: NodeId) -> (NodeId, NodeId) {
    let level = id.level.saturating_sub(1);
    (
        NodeId::new(level, id.index * 2),
        NodeId::new(level, id.index * 2 + 1),
    )
}

/// An in-memory log: every perfect subtree hash, by level. Used by tests, tools and as a reference.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Append leaf data; returns its index.
    pub fn append(&mut self, data: &[u8]) -> u64 {
        self.append_hash(leaf_hash(data))
    }

    /// Append an already computed leaf hash; returns its index.
    pub fn append_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.size();
        self.push(0, leaf);
        for id in completed_by_append(index) {
            let level = usize::from(id.level - 1);
            let left = self.levels[level][id.index as usize * 2];
            let right = self.levels[level][id.index as usize * 2 + 1];
            self.push(usize::from(id.level), node_hash(&left, &right));
        }
        index
    }

    fn push(&mut self, level: usize, h: Hash) {
        if self.levels.len() <= level {
            self.levels.resize_with(level + 1, Vec::new);
        }
        self.levels[level].push(h);
    }

    /// Root of the current tree.
    pub fn root(&self) -> Hash {
        // Every node the current size needs is present by construction.
        root(self.size(), self).unwrap_or_else(|_| empty_root())
    }
}

impl NodeSource for MemoryTree {
    fn node(&self, id: NodeId) -> Option<Hash> {
        self.levels
            .get(usize::from(id.level))?
            .get(usize::try_from(id.index).ok()?)
            .copied()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    /// Reference MTH straight from the RFC 9162 §2.1.1 definition.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    #[test]
    fn roots_match_reference_definition_for_all_sizes_up_to_70() {
        let mut tree = MemoryTree::new();
        let mut leaves = Vec::new();
        assert_eq!(tree.root(), empty_root());
        for i in 0..70u32 {
            tree.append(&i.to_be_bytes());
            leaves.push(leaf_hash(&i.to_be_bytes()));
            assert_eq!(tree.root(), mth(&leaves), "size {}", i + 1);
            for size in 0..=leaves.len() {
                assert_eq!(root(size as u64, &tree).unwrap(), mth(&leaves[..size]));
            }
        }
    }

    #[test]
    fn node_lists_cover_exactly_what_the_computation_reads() {
        let mut tree = MemoryTree::new();
        for i in 0..37u32 {
            tree.append(&i.to_be_bytes());
        }
        for size in 1..=37u64 {
            for index in 0..size {
                let ids = inclusion_nodes(index, size).unwrap();
                let sub: HashMap<NodeId, Hash> =
                    ids.iter().map(|&id| (id, tree.node(id).unwrap())).collect();
                assert_eq!(
                    inclusion_proof(index, size, &sub).unwrap(),
                    inclusion_proof(index, size, &tree).unwrap()
                );
            }
            for first in 0..=size {
                let ids = consistency_nodes(first, size).unwrap();
                let sub: HashMap<NodeId, Hash> =
                    ids.iter().map(|&id| (id, tree.node(id).unwrap())).collect();
                assert!(consistency_proof(first, size, &sub).is_ok());
            }
        }
    }

    #[test]
    fn bad_requests_and_missing_nodes_are_errors() {
        let tree = MemoryTree::new();
        assert_eq!(
            inclusion_proof(0, 0, &tree),
            Err(TreeError::IndexOutOfRange { index: 0, size: 0 })
        );
        assert_eq!(
            consistency_proof(3, 2, &tree),
            Err(TreeError::InvalidSizes {
                first: 3,
                second: 2
            })
        );
        assert!(matches!(
            inclusion_proof(0, 2, &tree),
            Err(TreeError::MissingNode(_))
        ));
    }

    #[test]
    fn completed_nodes_on_append() {
        assert!(completed_by_append(0).is_empty());
        assert_eq!(completed_by_append(1), vec![NodeId::new(1, 0)]);
        assert!(completed_by_append(2).is_empty());
        assert_eq!(
            completed_by_append(7),
            vec![NodeId::new(1, 3), NodeId::new(2, 1), NodeId::new(3, 0)]
        );
    }
}
