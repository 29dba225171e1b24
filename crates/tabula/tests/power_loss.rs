//! Power loss, simulated: `tabula run --unattended` and `tabula resume` killed with SIGKILL at
//! seeded random points, again and again, on three loop devices over this test's own files, with
//! a registry on loopback (SQLite). See the "Power loss" section of docs/reliability.md.
//!
//! A kill comes either after a random delay (up to 1.2 times a whole job) or the moment the
//! entries of `certificates/`, `outbox/` or `journal/` change (so that the short windows while a
//! certificate or journal is stored, or a bundle leaves the outbox, are hit as well). After every
//! kill:
//! - every bundle in `certificates/` and `outbox/` parses and verifies against the station key,
//!   and a receipt it carries verifies against the pinned log key; nothing is in `outbox/rejected`;
//! - every PDF is whole, every journal parses, every line of the wipe logs is JSON;
//! - the only temporary files are those of processes killed since the last clean exit (the next
//!   `tabula` removes them when it opens the data directory).
//!
//! When a job is done (no journal left and a new certificate stored), every drive holds VSITR's
//! final 0xAA and is in exactly one certificate of that job; then the drives are refilled and a
//! new job starts. At the end a last unkilled `tabula resume` (or `tabula run`) completes the job,
//! `tabula upload` delivers every certificate and the figures are printed (`--nocapture`).
//!
//! `TABULA_POWER_LOSS_SEED=<u64>` replays the kill points of a seed (the machine's timing still
//! varies); `TABULA_POWER_LOSS_KILLS=<n>` sets the number of kills (default 50).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use support::{LoopDev, RunningRegistry, files, station, tabula, text};
use tabula_certificate::{Bundle, PublicKey, verify};
use tabula_station::journal::Journal;
use tabula_tlog::{NoteVerifier, Receipt};

/// Three drives of different sizes: a certificate's drive records tell them apart by size.
const SIZES: [u64; 3] = [8 << 20, 12 << 20, 16 << 20];
/// Seven passes, the last one 0xAA (verified).
const METHOD: &str = "bsi-vsitr";
const FINAL: u8 = 0xAA;
/// What the drives hold before each job.
const BEFORE: u8 = 0x5A;
const DEFAULT_KILLS: u64 = 50;
/// Longer than any one command may take here: past it the command counts as hung.
const HUNG: Duration = Duration::from_secs(120);

#[test]
fn killed_runs_and_resumes_leave_verifiable_certificates_and_finish() {
    let seed = env_number("TABULA_POWER_LOSS_SEED").unwrap_or_else(time_seed);
    let wanted = env_number("TABULA_POWER_LOSS_KILLS").unwrap_or(DEFAULT_KILLS);
    eprintln!("power loss: seed {seed} (TABULA_POWER_LOSS_SEED={seed} replays it), {wanted} kills");
    let mut rng = fastrand::Rng::with_seed(seed);
    let began = Instant::now();

    let dir = tempfile::tempdir().unwrap();
    let reg = RunningRegistry::start(dir.path(), 0);
    let drives: Vec<LoopDev> = SIZES
        .iter()
        .enumerate()
        .map(|(i, &size)| LoopDev::new(dir.path(), &format!("d{i}.img"), size))
        .collect();
    let refs: Vec<&LoopDev> = drives.iter().collect();
    let data = station(dir.path(), Some(&reg), Some(&reg.url), METHOD, &refs);
    let bench = Bench {
        data: data.clone(),
        key: read_key(&data.join("keys/station.pem"), PublicKey::from_pem),
        log_key: read_key(&data.join("keys/registry-log.vkey"), |t| {
            NoteVerifier::from_vkey(t.trim())
        }),
        stderr: dir.path().join("stderr.txt"),
    };
    let mut figures = Figures::default();

    // One job without a kill: it must succeed, and it measures how long a job takes.
    let mut job = Job::start(&bench, &drives);
    let took = bench.run_to_end(&run_args(&bench));
    figures.runs += 1;
    job.finish(&bench, &drives, &mut figures);
    eprintln!("power loss: one job takes {} ms here", took.as_millis());
    let longest = took.mul_f64(1.2);

    job = Job::start(&bench, &drives);
    let mut killed_pids: Vec<u32> = Vec::new();
    while figures.kills < wanted {
        if bench.journals().is_empty() && job.certified(&bench) {
            job.finish(&bench, &drives, &mut figures);
            job = Job::start(&bench, &drives);
        }
        let args = job_command(&bench);
        let resuming = args[0] == "resume";
        let kill_at = KillAt::draw(&mut rng, longest, &bench.data);
        let (ended, _) = bench.command(&args, &kill_at);
        if resuming {
            figures.resumes += 1;
        } else {
            figures.runs += 1;
        }
        match ended {
            Ended::Exited(status) => {
                bench.assert_clean_exit(status, &format!("tabula {}", args[0]));
                assert_eq!(
                    bench.temp_files(),
                    Vec::<PathBuf>::new(),
                    "after a clean exit"
                );
                killed_pids.clear();
            }
            Ended::Killed(pid) => {
                figures.kills += 1;
                match kill_at {
                    KillAt::After(_) => figures.timed_kills += 1,
                    _ => figures.event_kills += 1,
                }
                killed_pids.push(pid);
                let seen = bench.check_files(&killed_pids);
                figures.verified += seen.verified;
                figures.receipts_verified += seen.receipts;
                if seen.temp_files > 0 {
                    figures.kills_leaving_temp_files += 1;
                }
            }
        }
    }

    // Power back for good: the last resume (or a run, when the kill came before the journal)
    // finishes the job, and an upload delivers whatever the kills left in the outbox.
    if !bench.journals().is_empty() {
        bench.run_to_end(&resume_args(&bench));
        figures.resumes += 1;
    } else if !job.certified(&bench) {
        bench.run_to_end(&run_args(&bench));
        figures.runs += 1;
    }
    job.finish(&bench, &drives, &mut figures);
    let out = tabula(&["upload", "--data", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(files(&data.join("outbox"), ".tabula.json").is_empty());
    assert_eq!(bench.temp_files(), Vec::<PathBuf>::new());
    let kept = files(&data.join("certificates"), ".tabula.json");
    assert_eq!(kept.len() as u64, figures.jobs, "one certificate per job");
    for path in &kept {
        let bundle = Bundle::read(path).unwrap();
        assert!(
            bundle.receipt.is_some(),
            "{} has no receipt",
            path.display()
        );
        let id = bundle.id().unwrap();
        let (status, body) = reg.get(&format!("/api/v1/certificates/{id}"));
        assert_eq!(status, 200, "{id} is not in the registry: {body}");
    }
    let seen = bench.check_files(&[]);
    figures.verified += seen.verified;
    figures.receipts_verified += seen.receipts;

    eprintln!(
        "power loss: seed {seed}: {} kills ({} timed, {} as a directory changed; {} left a temporary \
         file), {} runs, {} resumes, {} jobs completed, {} certificates, all in the registry; \
         {} certificate and {} receipt verifications passed; {:.1} s",
        figures.kills,
        figures.timed_kills,
        figures.event_kills,
        figures.kills_leaving_temp_files,
        figures.runs,
        figures.resumes,
        figures.jobs,
        kept.len(),
        figures.verified,
        figures.receipts_verified,
        began.elapsed().as_secs_f64()
    );
}

#[derive(Debug, Default)]
struct Figures {
    kills: u64,
    timed_kills: u64,
    event_kills: u64,
    kills_leaving_temp_files: u64,
    runs: u64,
    resumes: u64,
    jobs: u64,
    verified: u64,
    receipts_verified: u64,
}

/// The station under test: its data directory and the keys to check its files with.
struct Bench {
    data: PathBuf,
    key: PublicKey,
    log_key: NoteVerifier,
    /// The last command's stderr, for failure messages.
    stderr: PathBuf,
}

/// How a command ended.
enum Ended {
    Exited(ExitStatus),
    /// Killed by the test; the process id.
    Killed(u32),
}

/// When the test pulls the plug.
enum KillAt {
    Never,
    After(Duration),
    /// The moment an entry appears in or leaves this directory (temporary files count).
    EntriesChange(PathBuf),
}

impl KillAt {
    /// Three in five kill points are a random delay, the others a directory change.
    fn draw(rng: &mut fastrand::Rng, longest: Duration, data: &Path) -> Self {
        match rng.u32(0..5) {
            0 => Self::EntriesChange(data.join("certificates")),
            1 => Self::EntriesChange(data.join(if rng.bool() { "outbox" } else { "journal" })),
            _ => Self::After(longest.mul_f64(rng.f64())),
        }
    }
}

/// What one look at the data directory checked.
#[derive(Debug, Default)]
struct Seen {
    verified: u64,
    receipts: u64,
    temp_files: u64,
}

impl Bench {
    /// Runs `tabula args` and kills it (SIGKILL) at `kill_at`, unless it exits first.
    fn command(&self, args: &[String], kill_at: &KillAt) -> (Ended, Duration) {
        let before = match kill_at {
            KillAt::EntriesChange(dir) => entries(dir),
            _ => BTreeSet::new(),
        };
        let started = Instant::now();
        let mut child = Command::new(support::BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&self.stderr).unwrap())
            .env_remove("TABULA_REGISTRY")
            .env_remove("TABULA_DATA")
            .spawn()
            .unwrap();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (Ended::Exited(status), started.elapsed());
            }
            let now = match kill_at {
                KillAt::Never => false,
                KillAt::After(delay) => started.elapsed() >= *delay,
                KillAt::EntriesChange(dir) => entries(dir) != before,
            };
            if now {
                child.kill().unwrap();
                child.wait().unwrap();
                return (Ended::Killed(child.id()), started.elapsed());
            }
            assert!(
                started.elapsed() < HUNG,
                "tabula {args:?} hung: {}",
                self.last_stderr()
            );
            // Polling interval, not a synchronisation: the condition above is what counts.
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Runs `tabula args` without a kill; it must succeed. Returns how long it took.
    fn run_to_end(&self, args: &[String]) -> Duration {
        let (ended, took) = self.command(args, &KillAt::Never);
        match ended {
            Ended::Exited(status) => self.assert_clean_exit(status, &format!("tabula {args:?}")),
            Ended::Killed(_) => unreachable!("a command without a kill point is never killed"),
        }
        assert_eq!(
            self.temp_files(),
            Vec::<PathBuf>::new(),
            "after a clean exit"
        );
        took
    }

    fn assert_clean_exit(&self, status: ExitStatus, what: &str) {
        assert!(
            status.success(),
            "{what} failed ({status}): {}",
            self.last_stderr()
        );
    }

    fn last_stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn journals(&self) -> Vec<PathBuf> {
        files(&self.data.join("journal"), ".journal.json")
    }

    /// Checks every file a kill may have left, allowing temporary files only of `killed` pids.
    fn check_files(&self, killed: &[u32]) -> Seen {
        let mut seen = Seen::default();
        for sub in ["certificates", "outbox"] {
            for path in files(&self.data.join(sub), ".tabula.json") {
                let bundle = Bundle::read(&path)
                    .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
                verify(&bundle, Some(&self.key))
                    .unwrap_or_else(|e| panic!("{} does not verify: {e}", path.display()));
                seen.verified += 1;
                if let Some(receipt) = &bundle.receipt {
                    let receipt: Receipt = serde_json::from_value(receipt.clone()).unwrap();
                    let leaf = bundle.envelope.leaf_bytes().unwrap();
                    receipt.verify(&leaf, &self.log_key).unwrap_or_else(|e| {
                        panic!("the receipt in {} does not verify: {e}", path.display())
                    });
                    seen.receipts += 1;
                }
            }
        }
        let rejected = files(&self.data.join("outbox/rejected"), "");
        assert!(rejected.is_empty(), "rejected bundles: {rejected:?}");
        for pdf in files(&self.data.join("certificates"), ".pdf") {
            let bytes = std::fs::read(&pdf).unwrap();
            let end = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]);
            assert!(
                bytes.starts_with(b"%PDF-") && end.trim_end().ends_with("%%EOF"),
                "{} is not a whole PDF",
                pdf.display()
            );
        }
        for journal in self.journals() {
            Journal::read(&journal)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", journal.display()));
        }
        for log in files(&self.data.join("logs"), ".log") {
            if log.ends_with("upload.log") {
                continue;
            }
            let text = std::fs::read_to_string(&log).unwrap();
            assert!(
                text.is_empty() || text.ends_with('\n'),
                "{} ends in a torn line",
                log.display()
            );
            for line in text.lines() {
                assert!(
                    serde_json::from_str::<serde_json::Value>(line).is_ok(),
                    "{}: not a JSON line: {line}",
                    log.display()
                );
            }
        }
        for temp in self.temp_files() {
            let pid = temp_pid(&temp);
            assert!(
                pid.is_some_and(|p| killed.contains(&p)),
                "{} is not a temporary file of a process killed since the last clean exit \
                 ({killed:?})",
                temp.display()
            );
            seen.temp_files += 1;
        }
        seen
    }

    /// Temporary files of atomic writes (`.<name>.tmp<pid>-<n>`) anywhere in the data directory.
    fn temp_files(&self) -> Vec<PathBuf> {
        ["", "keys", "certificates", "outbox", "journal"]
            .iter()
            .flat_map(|sub| entries(&self.data.join(sub)))
            .filter(|p| temp_pid(p).is_some())
            .collect()
    }
}

/// One wipe job over all drives, from `tabula run` to its certificate.
struct Job {
    /// Bundles in certificates/ before the job started.
    before: BTreeSet<PathBuf>,
}

impl Job {
    /// Fills the drives with [`BEFORE`] and remembers the certificates that already exist.
    fn start(bench: &Bench, drives: &[LoopDev]) -> Self {
        for d in drives {
            d.fill(BEFORE);
        }
        Self {
            before: bench.certificates(),
        }
    }

    fn new_certificates(&self, bench: &Bench) -> Vec<PathBuf> {
        bench
            .certificates()
            .difference(&self.before)
            .cloned()
            .collect()
    }

    fn certified(&self, bench: &Bench) -> bool {
        !self.new_certificates(bench).is_empty()
    }

    /// The job is over: no journal, every drive holds the final pattern and is in exactly one
    /// new certificate, which says erased and verified.
    fn finish(&self, bench: &Bench, drives: &[LoopDev], figures: &mut Figures) {
        assert_eq!(
            bench.journals(),
            Vec::<PathBuf>::new(),
            "job over, journal left"
        );
        let new = self.new_certificates(bench);
        let mut sizes = Vec::new();
        for path in &new {
            let cert = Bundle::read(path).unwrap().certificate().unwrap();
            assert_eq!(cert.result.as_str(), "erased", "{}", path.display());
            for d in &cert.drives {
                assert_eq!(d.verification.outcome.as_str(), "passed");
                assert_eq!(d.method.name, METHOD);
                sizes.push(d.size_bytes);
            }
        }
        sizes.sort_unstable();
        assert_eq!(
            sizes,
            SIZES.to_vec(),
            "each drive in exactly one certificate of the job: {new:?}"
        );
        for d in drives {
            assert!(
                d.all(FINAL),
                "{} does not hold the final {FINAL:#04x}",
                d.path()
            );
        }
        figures.jobs += 1;
    }
}

impl Bench {
    fn certificates(&self) -> BTreeSet<PathBuf> {
        files(&self.data.join("certificates"), ".tabula.json")
            .into_iter()
            .collect()
    }
}

/// `tabula resume` when a journal waits, else a new `tabula run --unattended`.
fn job_command(bench: &Bench) -> Vec<String> {
    if bench.journals().is_empty() {
        run_args(bench)
    } else {
        resume_args(bench)
    }
}

fn run_args(bench: &Bench) -> Vec<String> {
    let data = bench.data.display().to_string();
    ["run", "--unattended", "--data", &data]
        .map(String::from)
        .to_vec()
}

fn resume_args(bench: &Bench) -> Vec<String> {
    let data = bench.data.display().to_string();
    ["resume", "--yes", "--data", &data]
        .map(String::from)
        .to_vec()
}

/// Every entry of a directory (hidden ones too); empty if it does not exist.
fn entries(dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The process id in a temporary file's name `.<name>.tmp<pid>-<n>`, if it is one.
fn temp_pid(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix('.')?;
    let (_, tail) = rest.rsplit_once(".tmp")?;
    let (pid, n) = tail.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

fn read_key<K, E: std::fmt::Display>(path: &Path, parse: impl Fn(&str) -> Result<K, E>) -> K {
    let text = std::fs::read_to_string(path).unwrap();
    parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a whole number")),
    )
}

fn time_seed() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.as_secs() ^ (u64::from(now.subsec_nanos()) << 32)
}
