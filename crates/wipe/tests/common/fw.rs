//! Engine runs with firmware steps: a loop device checked as the station checks it, the engine
//! run to its reports, and a simulated drive handed to the engine as the drive's command path.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tabula_device::capabilities::Capabilities;
use tabula_device::command::Transport;
use tabula_wipe::engine::{self, EngineOptions};
use tabula_wipe::plan::{Checked, Preflight, WipePlan};
use tabula_wipe::progress::Event;
use tabula_wipe::report::DriveReport;
use tabula_wipe::target::Target;

/// The target as the station checks it, with its discovered drive record (a loop device).
pub fn checked(path: &Path, capabilities: Option<Capabilities>) -> Checked {
    let name = std::fs::canonicalize(path).unwrap();
    let name = name.file_name().unwrap().to_str().unwrap();
    let drive = tabula_device::discover(Path::new("/"))
        .unwrap()
        .into_iter()
        .find(|d| d.name == name);
    assert!(drive.is_some(), "{name} not discovered");
    Checked {
        path: path.to_path_buf(),
        drive,
        preflight: Preflight::Passed {
            identity: Target::open(path).unwrap().identity,
        },
        capabilities,
    }
}

/// Runs a one-drive plan; its report and every event.
pub fn run(plan: &WipePlan, opts: &EngineOptions) -> (DriveReport, Vec<Event>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut reports = engine::run(plan, opts, &tx);
    drop(tx);
    (reports.remove(0), rx.iter().collect())
}

/// 1 MiB requests, 16 canaries, 5 % sampled, firmware status polled every millisecond.
pub fn opts() -> EngineOptions {
    let mut o = EngineOptions::default();
    o.block_size = 1 << 20;
    o.canaries = 16;
    o.sample_share = 0.05;
    o.firmware.poll_interval = Duration::from_millis(1);
    o
}

/// `opts` whose command path for every drive is a clone of `drive` (clones share the drive).
pub fn with_drive<T: Transport + Clone + Sync + 'static>(drive: &T) -> EngineOptions {
    let mut o = opts();
    let drive = drive.clone();
    o.open_transport = Arc::new(move |_| Ok(Box::new(drive.clone()) as Box<dyn Transport>));
    o
}
