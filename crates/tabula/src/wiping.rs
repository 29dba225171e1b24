//! The station side of a wipe, shared by `tabula wipe` and `tabula run`: resolve and check
//! targets, build the plan, run the engine on its own thread and hand every event to a front end.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread;

use anyhow::{Context, bail};
use tabula_wipe::engine::{self, EngineOptions};
use tabula_wipe::method::Method;
use tabula_wipe::plan::{VerifyMode, WipePlan};
use tabula_wipe::progress::Event;
use tabula_wipe::report::DriveReport;
use tabula_wipe::target::{Target, check_allowed};
use tabula_wipe::{Drive, discover};

/// Looks up a method or explains which ones exist.
pub fn method(name: &str) -> anyhow::Result<&'static Method> {
    Method::by_name(name).with_context(|| {
        format!(
            "unknown wipe method '{name}'; known methods: {}",
            Method::names().join(", ")
        )
    })
}

/// Checks every target against the discovered drives and opens it once (exclusively, O_DIRECT)
/// so refusals surface before anything is confirmed or written. All targets must pass.
pub fn check_targets(
    targets: &[PathBuf],
    root: &Path,
) -> anyhow::Result<Vec<(PathBuf, Option<Drive>)>> {
    if targets.is_empty() {
        bail!("no targets given: name the drives to wipe (see `tabula devices`)");
    }
    let drives = discover(root).context("discovering drives")?;
    let mut checked = Vec::with_capacity(targets.len());
    for path in targets {
        if checked
            .iter()
            .any(|(p, _): &(PathBuf, _)| same_file(p, path))
        {
            bail!("{} is named twice", path.display());
        }
        let drive = check_allowed(path, &drives)?;
        // Preflight: exclusive O_DIRECT open, geometry, size. Closed again right away.
        let target = Target::open(path)?;
        let mut drive = drive;
        if let Some(d) = drive.as_mut() {
            d.size_bytes = target.size;
        }
        checked.push((path.clone(), drive));
    }
    Ok(checked)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Builds the plan for checked targets.
pub fn plan(
    method: &Method,
    verify: Option<VerifyMode>,
    targets: Vec<(PathBuf, Option<Drive>)>,
) -> anyhow::Result<WipePlan> {
    Ok(WipePlan::new(method, verify, targets)?)
}

/// SIGINT and SIGTERM set the returned flag; the engine then stops every drive cleanly.
pub fn cancel_on_signals() -> anyhow::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&flag))
            .context("installing signal handler")?;
    }
    Ok(flag)
}

/// Runs the plan, feeding every event to `on_event` on the calling thread.
pub fn execute(
    plan: &WipePlan,
    opts: &EngineOptions,
    mut on_event: impl FnMut(&Event),
) -> Vec<DriveReport> {
    let (tx, rx) = crossbeam_channel::unbounded();
    thread::scope(|scope| {
        let runner = scope.spawn(move || engine::run(plan, opts, &tx));
        for event in rx.iter() {
            on_event(&event);
        }
        runner.join().unwrap_or_default()
    })
}
