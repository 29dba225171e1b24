//! `make bench`: what the check after a firmware erase costs on a block device, against a whole
//! verify of the same device. Plants the default number of canaries, reads them back, samples
//! the default share, then zeroes the device with `zero` and a verify pass through the engine.
//! Prints one line of seconds: `plant check sample sampled_bytes verify size_bytes`.
//!
//! Writes to DEVICE: run it only on a device made for the benchmark (scripts/bench.sh makes a
//! loop device).

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use tabula_wipe::engine::{self, EngineOptions};
use tabula_wipe::method::Method;
use tabula_wipe::plan::{Checked, Preflight, VerifyMode, WipePlan};
use tabula_wipe::progress::Phase;
use tabula_wipe::target::Target;
use tabula_wipe::{canary, sampling};

fn main() -> Result<(), Box<dyn Error>> {
    let path: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: check_cost DEVICE")?
        .into();
    let target = Target::open(&path)?;
    let identity = target.identity.clone();
    let size = target.size;
    let clock = Instant::now();
    let planted = canary::plant(&target, canary::DEFAULT_CANARIES)?;
    let plant = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let checked = canary::check(&target, &planted);
    let check = clock.elapsed().as_secs_f64();
    if checked.written != canary::DEFAULT_CANARIES {
        return Err(format!("only {} canaries read back", checked.written).into());
    }
    let clock = Instant::now();
    let sampled = sampling::sample(&target, sampling::DEFAULT_SHARE)?;
    let sample = clock.elapsed().as_secs_f64();
    drop(target);

    let method = Method::by_name("zero").ok_or("no method zero")?;
    let plan = WipePlan::new(
        method,
        Some(VerifyMode::Last),
        vec![Checked {
            path: path.clone(),
            drive: None,
            preflight: Preflight::Passed { identity },
            capabilities: None,
        }],
    )?;
    let (tx, _rx) = crossbeam_channel::unbounded();
    let reports = engine::run(&plan, &EngineOptions::default(), &tx);
    let verify = reports
        .first()
        .and_then(|r| r.passes.iter().find(|p| p.phase == Phase::Verify))
        .ok_or("the verify pass did not run")?;
    let verify_secs = (verify.finished - verify.started).as_seconds_f64();
    println!(
        "{plant:.4} {check:.4} {sample:.4} {} {verify_secs:.4} {size}",
        sampled.bytes_read
    );
    Ok(())
}
