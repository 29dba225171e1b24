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
use crate::failure::{Failure, FirmwareFailure};
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
        let caps = match self.refusal(step) {
            Ok(caps) => caps,
            Err(why) => return self.give_up(report, step, why, Some(target)),
        };
        // The command path must open before anything is written: a drive it does not reach is
        // refused untouched.
        drop(target);
        if let Err(error) = (self.opts.open_transport)(&self.plan) {
            let why = FirmwareFailure::CommandPath { error };
            return self.give_up(report, step, why, None);
        }
        let target = match open_confirmed(&self.plan) {
            Ok(t) => t,
            Err(why) => return self.give_up(report, step, reopen(why), None),
        };
        self.send(Event::FirmwareStarted {
            drive: self.index,
            operation: crate::auto::describe(step.op).to_owned(),
            op: Some(step.op),
            estimate_secs: caps.estimate_secs,
        });
        self.phase(FirmwarePhase::Canaries);
        let planted = match canary::plant(&target, self.opts.canaries) {
            Ok(p) => p,
            Err(e) => {
                let why = FirmwareFailure::Canaries {
                    error: e.to_string(),
                };
                return self.give_up(report, step, why, Some(target));
            }
        };
        drop(target);
        let mut transport = match (self.opts.open_transport)(&self.plan) {
            Ok(t) => t,
            Err(error) => {
                let why = FirmwareFailure::Command { error };
                return self.give_up(report, step, why, None);
            }
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
            Err(why) => return self.give_up(report, step, reopen(why), None),
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
            Some(e) => FirmwareFailure::Command { error: e.clone() },
            None if !outcome.confirmed => FirmwareFailure::NotConfirmed,
            None => FirmwareFailure::DataFound,
        };
        if step.fallback {
            return self.fall_back(report, why, target);
        }
        let mut r = lock(&self.report);
        if outcome.succeeded() {
            r.notes.push(Note::FirmwareFailed {
                method: report.method.clone(),
                reason: why,
            });
        } else {
            r.fail(Failure::Firmware {
                method: report.method.clone(),
                reason: why,
            });
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
    fn refusal(&self, step: FirmwareStep) -> Result<Capabilities, FirmwareFailure> {
        let caps = self
            .plan
            .capabilities
            .clone()
            .ok_or(FirmwareFailure::CapabilitiesUnknown)?;
        if caps.command_set == CommandSet::None {
            return Err(FirmwareFailure::Unreachable {
                detail: caps.unreachable.clone(),
            });
        }
        if !caps.supported.contains(&step.op) {
            return Err(FirmwareFailure::Unsupported { op: step.op });
        }
        let security_erase = matches!(
            step.op,
            FirmwareOp::AtaSecureErase | FirmwareOp::AtaSecureEraseEnhanced
        );
        if security_erase && caps.frozen && self.opts.firmware.unfreeze_by_suspend.is_none() {
            return Err(FirmwareFailure::Frozen);
        }
        Ok(caps)
    }

    /// The step could not run: `auto` overwrites instead, a firmware method fails the drive.
    fn give_up(
        &self,
        mut report: FirmwareReport,
        step: FirmwareStep,
        why: FirmwareFailure,
        target: Option<Target>,
    ) -> StepEnd {
        let failure = Failure::Firmware {
            method: report.method.clone(),
            reason: why.clone(),
        };
        report.error = Some(failure.to_string());
        if !step.fallback {
            let mut r = lock(&self.report);
            r.fail(failure);
            r.firmware = Some(report);
            return StepEnd::Failed;
        }
        let target = match target.map_or_else(|| open_confirmed(&self.plan), Ok) {
            Ok(t) => t,
            Err(e) => {
                let mut r = lock(&self.report);
                r.fail(e);
                report.fell_back = true;
                r.firmware = Some(report);
                return StepEnd::Failed;
            }
        };
        self.fall_back(report, why, target)
    }

    fn fall_back(
        &self,
        mut report: FirmwareReport,
        why: FirmwareFailure,
        target: Target,
    ) -> StepEnd {
        report.fell_back = true;
        let mut r = lock(&self.report);
        r.notes.push(Note::FirmwareFellBack {
            method: report.method.clone(),
            reason: why,
        });
        r.firmware = Some(report);
        StepEnd::Overwrite(target)
    }
}

/// The block device did not open again between the steps.
fn reopen(failure: Failure) -> FirmwareFailure {
    FirmwareFailure::Reopen {
        error: failure.to_string(),
    }
}
