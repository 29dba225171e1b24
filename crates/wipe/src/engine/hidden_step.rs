//! Hidden areas before an overwrite: the drive's HPA and DCO are removed through its command
//! path, the kernel is asked to re-read the capacity, and the drive is opened again only if the
//! kernel now sees exactly the size the drive reports. A hidden area that stays is recorded (the
//! drive is then not fully erased) and the visible sectors are still overwritten.

use tabula_device::identity::Identity;

use super::{Worker, lock, open_as_settled, open_confirmed};
use crate::failure::Failure;
use crate::firmware::hidden::remove_hidden_areas;
use crate::note::Note;
use crate::plan::Preflight;
use crate::target::Target;

impl Worker {
    /// Removes the hidden areas of the open, confirmed `target`; the target to overwrite, or
    /// `None` when the drive fails (the report says why, nothing was written).
    pub(super) fn hidden_step(&self, target: Target) -> Option<Target> {
        let sector = u64::from(target.logical_sector);
        let size_before = target.size;
        // The command path claims the drive exclusively: the block device closes first.
        drop(target);
        let removal = match (self.opts.open_transport)(&self.plan) {
            Ok(mut transport) => remove_hidden_areas(transport.as_mut()),
            Err(why) => {
                lock(&self.report)
                    .notes
                    .push(Note::HiddenAreasUnchecked { error: why });
                return self.reopen(open_confirmed(&self.plan));
            }
        };
        let after = removal.after;
        {
            let mut r = lock(&self.report);
            r.hidden_before = removal.before.or(r.hidden_before);
            r.hidden_after = after;
            if let Some(e) = &removal.error {
                r.notes.push(Note::HiddenAreaKept {
                    error: e.to_string(),
                });
            }
            r.hidden_removal = Some(removal);
        }
        let Some(size) = after.map(|a| a.current_sectors.saturating_mul(sector)) else {
            return self.reopen(open_confirmed(&self.plan));
        };
        if size == size_before {
            return self.reopen(open_confirmed(&self.plan));
        }
        if let Err(why) = (self.opts.rescan)(&self.plan) {
            lock(&self.report).fail(Failure::HiddenRescan { error: why });
            return None;
        }
        let Some(Preflight::Passed { identity }) = &self.plan.preflight else {
            return self.reopen(open_confirmed(&self.plan));
        };
        let opened = open_as_settled(&self.plan.path, &resized(identity, size)).map_err(|e| {
            Failure::HiddenResize {
                size,
                error: e.to_string(),
                target: Some(e.into()),
            }
        });
        self.reopen(opened)
    }

    fn reopen(&self, opened: Result<Target, Failure>) -> Option<Target> {
        opened.map_err(|e| lock(&self.report).fail(e)).ok()
    }
}

/// `identity` with the block device's size replaced: the confirmed drive at its new size.
fn resized(identity: &Identity, size: u64) -> Identity {
    let mut id = identity.clone();
    if let Identity::BlockDevice(d) = &mut id {
        d.size_bytes = size;
    }
    id
}
