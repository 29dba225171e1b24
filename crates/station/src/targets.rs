//! The station side of a wipe, shared by `tabula wipe`, `tabula run` and the TUI: resolve and
//! check targets, build the plan, run the engine on its own thread and hand every event to a
//! front end.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread;

use tabula_device::{Drive, discover};
use tabula_wipe::engine::{self, EngineOptions};
use tabula_wipe::method::Method;
use tabula_wipe::plan::{Checked, Preflight, VerifyMode, WipePlan};
use tabula_wipe::progress::Event;
use tabula_wipe::report::DriveReport;
use tabula_wipe::target::{Target, TargetError, check_allowed};

use crate::error::{Error, Refusal, Result};

/// Looks up a method or explains which ones exist.
pub fn method(name: &str) -> Result<&'static Method> {
    Method::by_name(name).ok_or_else(|| {
        Refusal::UnknownMethod {
            name: name.to_owned(),
            suggestion: Method::closest(name).map(str::to_owned),
            known: Method::names().join(", "),
        }
        .into()
    })
}

/// Checks every target against the discovered drives and opens it once (exclusively, O_DIRECT)
/// so refusals surface before anything is confirmed or written, and records what was opened
/// (its [`Identity`](tabula_device::identity::Identity)) so the engine writes only to that. All
/// targets must pass.
pub fn check_targets(targets: &[PathBuf], root: &Path) -> Result<Vec<Checked>> {
    check(targets, root, |path, drives| {
        preflight(path, drives).map_err(Error::from)
    })
}

/// Like [`check_targets`], but a target that is refused or cannot be opened does not stop the
/// others: it is planned with the reason ([`Preflight::Failed`]), and the engine fails that drive
/// alone, writing nothing to it. For unattended runs over every discovered drive.
pub fn check_each(targets: &[PathBuf], root: &Path) -> Result<Vec<Checked>> {
    check(targets, root, |path, drives| {
        Ok(preflight(path, drives).unwrap_or_else(|e| Checked {
            path: path.to_owned(),
            drive: drives.iter().find(|d| same_file(&d.path, path)).cloned(),
            preflight: Preflight::failed(e),
            capabilities: None,
        }))
    })
}

fn check(
    targets: &[PathBuf],
    root: &Path,
    mut one: impl FnMut(&Path, &[Drive]) -> Result<Checked>,
) -> Result<Vec<Checked>> {
    if targets.is_empty() {
        return Err(Refusal::NoTargets.into());
    }
    let drives = discover(root)?;
    let mut checked: Vec<Checked> = Vec::with_capacity(targets.len());
    for path in targets {
        if checked.iter().any(|c| same_file(&c.path, path)) {
            return Err(Refusal::NamedTwice(path.clone()).into());
        }
        checked.push(one(path, &drives)?);
    }
    Ok(checked)
}

/// One target: allowed by its verdict, then opened (exclusive, O_DIRECT) and measured. Closed
/// again right away.
fn preflight(path: &Path, drives: &[Drive]) -> Result<Checked, TargetError> {
    let mut drive = check_allowed(path, drives)?;
    let target = Target::open(path)?;
    if let Some(d) = drive.as_mut() {
        d.size_bytes = target.size;
    }
    let identity = target.identity.clone();
    drop(target);
    // Read-only questions to the drive's firmware (what it can erase, frozen, hidden areas),
    // asked once the exclusive claim is released: `auto` decides from the answers.
    let capabilities = drive.as_ref().map(tabula_device::probe::capabilities_of);
    Ok(Checked {
        path: path.to_owned(),
        drive,
        preflight: Preflight::Passed { identity },
        capabilities,
    })
}

pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Builds the plan for checked targets.
pub fn plan(
    method: &Method,
    verify: Option<VerifyMode>,
    targets: Vec<Checked>,
) -> Result<WipePlan> {
    Ok(WipePlan::new(method, verify, targets)?)
}

/// SIGINT and SIGTERM set the returned flag; the engine then stops every drive cleanly.
pub fn cancel_on_signals() -> Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&flag)).map_err(Error::io(
            "installing a signal handler for",
            "SIGINT/SIGTERM",
        ))?;
    }
    Ok(flag)
}

/// Runs the plan, feeding every event to `on_event` on the calling thread. Returns one report per
/// planned drive, in plan order; an engine that crashed or lost a drive's report is an error, so
/// no front end can mistake "no reports" for "every drive succeeded".
pub fn execute(
    plan: &WipePlan,
    opts: &EngineOptions,
    on_event: impl FnMut(&Event),
) -> Result<Vec<DriveReport>> {
    execute_with(plan, on_event, |tx| engine::run(plan, opts, tx))
}

/// [`execute`] with the engine given as a function (tests pass one that panics).
fn execute_with(
    plan: &WipePlan,
    mut on_event: impl FnMut(&Event),
    engine: impl FnOnce(&crossbeam_channel::Sender<Event>) -> Vec<DriveReport> + Send,
) -> Result<Vec<DriveReport>> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let joined = thread::scope(|scope| {
        let runner = scope.spawn(move || engine(&tx));
        for event in rx.iter() {
            on_event(&event);
        }
        runner.join()
    });
    let reports = joined.map_err(|panic| Error::EngineCrashed(panic_message(&*panic)))?;
    if reports.len() != plan.drives.len() {
        return Err(Error::MissingReports {
            expected: plan.drives.len(),
            got: reports.len(),
        });
    }
    Ok(reports)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_plan(dir: &Path, n: usize) -> WipePlan {
        let paths: Vec<PathBuf> = (0..n)
            .map(|i| {
                let path = dir.join(format!("t{i}"));
                std::fs::write(&path, vec![0xAA; 1 << 20]).unwrap();
                path
            })
            .collect();
        let targets = check_targets(&paths, Path::new("/")).unwrap();
        WipePlan::new(Method::by_name("zero").unwrap(), None, targets).unwrap()
    }

    #[test]
    fn a_panicking_engine_is_an_error_not_an_empty_success() {
        let dir = tempfile::tempdir().unwrap();
        let plan = file_plan(dir.path(), 2);
        let err = execute_with(&plan, |_| {}, |_| panic!("boom in pass 2")).unwrap_err();
        assert!(
            matches!(&err, Error::EngineCrashed(m) if m.contains("boom")),
            "{err}"
        );
    }

    #[test]
    fn an_engine_that_loses_a_report_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let plan = file_plan(dir.path(), 2);
        let err = execute_with(&plan, |_| {}, |_| Vec::new()).unwrap_err();
        assert!(
            matches!(
                err,
                Error::MissingReports {
                    expected: 2,
                    got: 0
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_real_run_returns_one_report_per_drive() {
        let dir = tempfile::tempdir().unwrap();
        let plan = file_plan(dir.path(), 2);
        let reports = execute(&plan, &EngineOptions::default(), |_| {}).unwrap();
        assert_eq!(reports.len(), 2);
        assert!(reports.iter().all(|r| r.status.is_success()));
        let bytes = std::fs::read(dir.path().join("t1")).unwrap();
        assert!(bytes.iter().all(|&b| b == 0));
    }

    #[test]
    fn a_target_that_cannot_be_opened_fails_alone_with_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone.img");
        let file = dir.path().join("file.img");
        std::fs::write(&file, vec![0xAA; 1 << 20]).unwrap();
        let paths = [gone.clone(), file.clone()];
        assert!(check_targets(&paths, Path::new("/")).is_err());
        let checked = check_each(&paths, Path::new("/")).unwrap();
        assert!(
            matches!(&checked[0].preflight, Preflight::Failed { reason, .. } if reason.contains("no such device"))
        );
        let plan = WipePlan::new(Method::by_name("zero").unwrap(), None, checked).unwrap();
        // The missing file appears before the start: it was not confirmed, so it stays untouched.
        std::fs::write(&gone, vec![0xAA; 1 << 20]).unwrap();
        let reports = execute(&plan, &EngineOptions::default(), |_| {}).unwrap();
        assert_eq!(reports[0].status, tabula_wipe::report::WipeStatus::Failed);
        let error = reports[0].error.as_deref().unwrap();
        assert!(
            error.contains("refused when the wipe was confirmed")
                && error.contains("no such device"),
            "{error}"
        );
        assert!(std::fs::read(&gone).unwrap().iter().all(|&b| b == 0xAA));
        // Read back from the report's JSON (a certificate, `cert show`), the refusal is still
        // typed and reads in German, the system's words included.
        let json = serde_json::to_string(&reports[0]).unwrap();
        let back: tabula_wipe::report::DriveReport = serde_json::from_str(&json).unwrap();
        let german = crate::remarks::failure_de(back.failure.as_ref().unwrap());
        assert_eq!(
            german,
            format!(
                "bei der Bestätigung abgelehnt: {}: Gerät oder Datei nicht gefunden; nichts \
                 geschrieben",
                gone.display()
            )
        );
        assert!(reports[1].status.is_success(), "{:?}", reports[1].error);
        assert!(std::fs::read(&file).unwrap().iter().all(|&b| b == 0));
    }
}
