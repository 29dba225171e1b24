//! Locating the failing sectors of a request that failed as a whole, by bisection: the range is
//! halved and each half tried again until every failing part is one logical sector. Sparse bad
//! sectors on a large request take a few dozen commands instead of one per sector. The search
//! stops on cancellation or when its budget (commands, time) is spent; whatever it did not get to
//! is returned as untried, so the report can say what was left unwritten or unverified.

use std::time::{Duration, Instant};

use crate::ranges::RangeSet;

/// How much effort goes into one failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    /// Retried commands per failed request.
    pub commands: u32,
    /// Time per failed request.
    pub time: Duration,
}

impl Default for RetryBudget {
    /// 256 commands and 30 s: enough to isolate a handful of bad sectors in a 4 MiB request
    /// (about 2 x 14 commands each), small enough that a dying drive moves on (or stops, when
    /// cancelled) within seconds per request instead of hours.
    fn default() -> Self {
        Self {
            commands: 256,
            time: Duration::from_secs(30),
        }
    }
}

/// What the search found, in LBAs.
#[derive(Debug, Default)]
pub(crate) struct Isolated {
    /// Sectors that failed on their own.
    pub failed: RangeSet,
    /// Sectors the search did not get to (cancelled or out of budget): not known to be good.
    pub untried: RangeSet,
    pub cancelled: bool,
    pub exhausted: bool,
}

/// The request and how to try a part of it.
pub(crate) struct Search {
    /// First byte of the failed request.
    pub offset: u64,
    /// Its length in bytes, a multiple of `sector`.
    pub len: usize,
    pub sector: usize,
    pub budget: RetryBudget,
}

impl Search {
    /// Bisects the failed request. `attempt(offset, len)` issues one command for the part and
    /// returns true if it succeeded; `cancelled` is asked before every command.
    pub(crate) fn run(
        &self,
        cancelled: impl Fn() -> bool,
        mut attempt: impl FnMut(u64, usize) -> bool,
    ) -> Isolated {
        let mut out = Isolated::default();
        let started = Instant::now();
        let mut commands = 0u32;
        // Parts still to look at, the next on top; `true` when the part is known to fail.
        let mut stack = vec![(self.offset, self.len, true)];
        while let Some((offset, len, known_bad)) = stack.pop() {
            let mut bad = known_bad;
            if !bad {
                out.cancelled = cancelled();
                out.exhausted =
                    commands >= self.budget.commands || started.elapsed() >= self.budget.time;
                if out.cancelled || out.exhausted {
                    stack.push((offset, len, false));
                    break;
                }
                commands += 1;
                bad = !attempt(offset, len);
            }
            if !bad {
                continue;
            }
            if len <= self.sector {
                out.failed.insert(self.lba(offset), 1);
                continue;
            }
            let half = len / self.sector / 2 * self.sector;
            stack.push((offset + half as u64, len - half, false));
            stack.push((offset, half, false));
        }
        for (offset, len, _) in stack {
            out.untried
                .insert(self.lba(offset), (len / self.sector) as u64);
        }
        out
    }

    fn lba(&self, offset: u64) -> u64 {
        offset / self.sector as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTOR: usize = 512;

    fn search(sectors: usize, commands: u32) -> Search {
        Search {
            offset: 100 * SECTOR as u64,
            len: sectors * SECTOR,
            sector: SECTOR,
            budget: RetryBudget {
                commands,
                time: Duration::from_secs(60),
            },
        }
    }

    /// `attempt` over a device whose sectors in `bad` fail; counts commands.
    fn device(bad: &[u64]) -> impl FnMut(u64, usize) -> bool + '_ {
        move |offset, len| {
            let first = offset / SECTOR as u64;
            let last = first + (len / SECTOR) as u64;
            !bad.iter().any(|b| (first..last).contains(b))
        }
    }

    fn ranges(set: &RangeSet) -> Vec<(u64, u64)> {
        set.ranges().iter().map(|r| (r.first, r.count)).collect()
    }

    #[test]
    fn isolates_exactly_the_failing_sectors() {
        let found = search(8192, 1000).run(|| false, device(&[103, 104, 5000, 8291]));
        assert_eq!(ranges(&found.failed), [(103, 2), (5000, 1), (8291, 1)]);
        assert!(found.untried.is_empty() && !found.cancelled && !found.exhausted);
    }

    #[test]
    fn sparse_bad_sectors_cost_few_commands() {
        let mut commands = 0;
        let mut dev = device(&[4242]);
        search(8192, 1000).run(
            || false,
            |o, l| {
                commands += 1;
                dev(o, l)
            },
        );
        assert!(commands <= 2 * 13, "{commands} commands");
    }

    #[test]
    fn a_spent_budget_leaves_the_rest_untried() {
        let found = search(8, 2).run(|| false, device(&[100, 101, 102, 103, 104, 105, 106, 107]));
        assert!(found.exhausted);
        // Every sector is either failed or untried; none is claimed good.
        let mut all = found.failed.clone();
        all.extend(&found.untried);
        assert_eq!(ranges(&all), [(100, 8)]);
    }

    #[test]
    fn cancellation_stops_before_the_next_command() {
        let found = search(8192, 1000).run(|| true, |_, _| panic!("no command after cancel"));
        assert!(found.cancelled);
        assert_eq!(ranges(&found.untried), [(100, 8192)]);
    }
}
