//! Sets of LBA ranges (failed writes, unreadable sectors, verify mismatches), kept merged.

use serde::{Deserialize, Serialize};

/// `count` consecutive logical blocks starting at `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LbaRange {
    pub first: u64,
    pub count: u64,
}

impl LbaRange {
    pub fn end(&self) -> u64 {
        self.first + self.count
    }
}

impl std::fmt::Display for LbaRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.count == 1 {
            write!(f, "LBA {}", self.first)
        } else {
            write!(f, "LBA {}-{}", self.first, self.end() - 1)
        }
    }
}

/// Sorted, non-overlapping, non-adjacent ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RangeSet(Vec<LbaRange>);

impl RangeSet {
    /// Adds a range, merging with neighbours it touches.
    pub fn insert(&mut self, first: u64, count: u64) {
        if count == 0 {
            return;
        }
        let mut new = LbaRange { first, count };
        let pos = self.0.partition_point(|r| r.end() < new.first);
        let mut end = pos;
        while end < self.0.len() && self.0[end].first <= new.end() {
            let r = self.0[end];
            let start = new.first.min(r.first);
            new = LbaRange {
                first: start,
                count: new.end().max(r.end()) - start,
            };
            end += 1;
        }
        self.0.splice(pos..end, [new]);
    }

    pub fn extend(&mut self, other: &RangeSet) {
        for r in &other.0 {
            self.insert(r.first, r.count);
        }
    }

    pub fn ranges(&self) -> &[LbaRange] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Total number of blocks in all ranges.
    pub fn blocks(&self) -> u64 {
        self.0.iter().map(|r| r.count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_adjacent_and_overlapping() {
        let mut s = RangeSet::default();
        s.insert(10, 1);
        s.insert(12, 1);
        s.insert(11, 1);
        s.insert(100, 5);
        s.insert(0, 2);
        s.insert(102, 10);
        assert_eq!(
            s.ranges(),
            &[
                LbaRange { first: 0, count: 2 },
                LbaRange {
                    first: 10,
                    count: 3
                },
                LbaRange {
                    first: 100,
                    count: 12
                }
            ]
        );
        assert_eq!(s.blocks(), 17);
        s.insert(2, 8);
        assert_eq!(
            s.ranges()[0],
            LbaRange {
                first: 0,
                count: 13
            }
        );
    }
}
