//! A drive whose plan has a firmware erase: canaries are planted, the erase runs through the
//! drive's command path, then the canaries are read back and the drive is sampled.
//!
//! A firmware method the drive cannot carry out (a loop device, a USB bridge, an operation it
//! does not report) fails before anything is written. The block device and the command path are
//! never open at the same time (each claims the drive exclusively); every open checks the drive
//! is still the one confirmed.

use tabula_device::capabilities::{Capabilities, CommandSet, FirmwareOp};

use super::{Worker, lock, open_confirmed};
use crate::canary;
use crate::firmware;
use crate::method::Method;
use crate::note::Note;
use crate::plan::FirmwareStep;
use crate::progress::{Event, FirmwarePhase};
use crate::report::FirmwareReport;
use crate::sampling;
use crate::target::Target;

/// How the firmware step ended for the engine.
pub(super) enum StepEnd {
    /// Erased and checked (or erased and the check failed, for a method without fallback):
    /// nothing more to do.
    Done,
    /// Run the overwrite passes (`auto`'s fallback); the target is open again.
    Overwrite(Target),
    /// The drive fails; `error` in the report says why.
    Failed,
}

impl Worker {
    /// Runs `step` on the drive; `target` is the confirmed, open block device.
    pub(super) fn firmware_step(&self, step: FirmwareStep, target: Target) -> StepEnd {
        let method = Method::for_op(step.op).map_or("firmware erase", |m| m.name);
        let mut report = FirmwareReport {
            op: step.op,
            method: method.to_owned(),
            commands: Vec::new(),
            confirmed: false,
            error: None,
            canaries: None,
            sampling: None,
            fell_back: false,
        };
        let caps = match self.refusal(step, method) {
            Ok(caps) => caps,
            Err(why) => return self.give_up(report, step, why, Some(target)),
        };
        // The command path must open before anything is written: a drive it does not reach is
        // refused untouched.
        drop(target);
        if let Err(why) = (self.opts.open_transport)(&self.plan) {
            let why = format!("{method}: {why}; nothing written");
            return self.give_up(report, step, why, None);
        }
        let target = match open_confirmed(&self.plan) {
            Ok(t) => t,
            Err(why) => return self.give_up(report, step, why, None),
        };
        self.send(Event::FirmwareStarted {
            drive: self.index,
            operation: crate::auto::describe(step.op).to_owned(),
            estimate_secs: caps.estimate_secs,
        });
        self.phase(FirmwarePhase::Canaries);
        let planted = match canary::plant(&target, self.opts.canaries) {
            Ok(p) => p,
            Err(e) => {
                let why = format!("planting canaries before the erase failed: {e}");
                return self.give_up(report, step, why, Some(target));
            }
        };
        drop(target);
        let mut transport = match (self.opts.open_transport)(&self.plan) {
            Ok(t) => t,
            Err(why) => return self.give_up(report, step, why, None),
        };
        let index = self.index;
        self.phase(FirmwarePhase::Erase);
        let outcome = firmware::run_with(
            step.op,
            transport.as_mut(),
            &caps,
            &self.opts.firmware,
            &mut |percent| {
                self.send(Event::FirmwareProgress {
                    drive: index,
                    percent,
                });
            },
        );
        if let (Some(drive), true) = (&self.plan.drive, caps.hidden.is_some()) {
            let after = tabula_device::probe::probe(transport.as_mut(), drive);
            lock(&self.report).hidden_after = after.hidden;
        }
        drop(transport);
        report.commands = outcome.commands.clone();
        report.confirmed = outcome.confirmed;
        report.error = outcome.error.clone();
        let target = match open_confirmed(&self.plan) {
            Ok(t) => t,
            Err(why) => return self.give_up(report, step, why, None),
        };
        self.phase(FirmwarePhase::Check);
        let check = canary::check(&target, &planted);
        let sample = sampling::sample(&target, self.opts.sample_share).ok();
        let passed = check.passed() && sample.as_ref().is_some_and(|s| s.passed());
        self.send(Event::FirmwareChecked {
            drive: self.index,
            confirmed: outcome.confirmed,
            canaries: check.written,
            survived: check.survived.len(),
            reads_as: sample
                .as_ref()
                .map_or("unread", |s| s.reads_as.as_str())
                .to_owned(),
        });
        report.canaries = Some(check);
        report.sampling = sample;
        if outcome.succeeded() && passed {
            lock(&self.report).firmware = Some(report);
            return StepEnd::Done;
        }
        let why = match &outcome.error {
            Some(e) => format!("{method} failed: {e}"),
            None if !outcome.confirmed => format!("{method}: the drive did not confirm the erase"),
            None => format!(
                "{method}: the check after the erase found data (canaries survived or samples held data)"
            ),
        };
        if step.fallback {
            return self.fall_back(report, why, target);
        }
        let mut r = lock(&self.report);
        if outcome.succeeded() {
            r.notes.push(Note::Other { text: why });
        } else {
            r.error = Some(why);
        }
        r.firmware = Some(report);
        StepEnd::Done
    }

    fn phase(&self, phase: FirmwarePhase) {
        self.send(Event::FirmwarePhase {
            drive: self.index,
            phase,
        });
    }

    /// The drive's capabilities allow `step`, or why not.
    fn refusal(&self, step: FirmwareStep, method: &str) -> Result<Capabilities, String> {
        let caps = self.plan.capabilities.clone().ok_or_else(|| {
            format!("{method}: the drive's firmware capabilities are unknown; nothing written")
        })?;
        if caps.command_set == CommandSet::None {
            let why = caps
                .unreachable
                .as_deref()
                .unwrap_or("no firmware command reaches this drive");
            return Err(format!("{method}: {why}; nothing written"));
        }
        if !caps.supported.contains(&step.op) {
            return Err(format!(
                "{method}: the drive does not support {}; nothing written",
                crate::auto::describe(step.op)
            ));
        }
        let security_erase = matches!(
            step.op,
            FirmwareOp::AtaSecureErase | FirmwareOp::AtaSecureEraseEnhanced
        );
        if security_erase && caps.frozen && self.opts.firmware.unfreeze_by_suspend.is_none() {
            return Err(format!(
                "{method}: {}; nothing written",
                firmware::FROZEN_ADVICE
            ));
        }
        Ok(caps)
    }

    /// The step could not run: `auto` overwrites instead, a firmware method fails the drive.
    fn give_up(
        &self,
        mut report: FirmwareReport,
        step: FirmwareStep,
        why: String,
        target: Option<Target>,
    ) -> StepEnd {
        report.error = Some(why.clone());
        if !step.fallback {
            let mut r = lock(&self.report);
            r.error = Some(why);
            r.firmware = Some(report);
            return StepEnd::Failed;
        }
        let target = match target.map_or_else(|| open_confirmed(&self.plan), Ok) {
            Ok(t) => t,
            Err(e) => {
                let mut r = lock(&self.report);
                r.error = Some(e);
                report.fell_back = true;
                r.firmware = Some(report);
                return StepEnd::Failed;
            }
        };
        self.fall_back(report, why, target)
    }

    fn fall_back(&self, mut report: FirmwareReport, why: String, target: Target) -> StepEnd {
        report.fell_back = true;
        let mut r = lock(&self.report);
        r.notes.push(Note::Other {
            text: format!("{why}; overwritten instead (NIST SP 800-88 Clear only)"),
        });
        r.firmware = Some(report);
        StepEnd::Overwrite(target)
    }
}
