//! `tabula wipe`: overwrite the named drives with a method, verify, report.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use tabula_wipe::engine::EngineOptions;
use tabula_wipe::plan::{Preflight, VerifyMode, WipePlan};
use tabula_wipe::report::DriveReport;

use super::Outcome;
use crate::bars::Bars;
use crate::human::bytes;
use crate::i18n::{clock, t};
use tabula_station::certify::{self, Issuer};
use tabula_station::job::audit_machine;
use tabula_station::targets;

/// The word an operator types to confirm that the listed drives will be destroyed.
pub const CONFIRM_WORD: &str = "ERASE";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Wipe method (`tabula wipe --list-methods`); nwipe names such as dodshort or ops2 work too.
    #[arg(long, short, default_value = "nist-800-88-clear")]
    method: String,
    /// Read back and compare: none, last (the last pass) or all passes. Default: the method's.
    #[arg(long, value_name = "MODE")]
    verify: Option<String>,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    /// Print the result records as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Report a drive as stalled after this many seconds without progress.
    #[arg(long, default_value_t = 60)]
    stall_timeout: u64,
    /// I/O request size in KiB (a power of two, at least 4).
    #[arg(long, default_value_t = 4096, hide = true)]
    block_kib: usize,
    /// List the wipe methods and exit.
    #[arg(long)]
    list_methods: bool,
    /// Station key (station.key): also audit the machine and sign the wipe's certificate.
    #[arg(long, value_name = "FILE", requires = "out")]
    key: Option<PathBuf>,
    /// With --key: where the signed certificate goes (`DIR/<id>.tabula.json`, `DIR/<id>.pdf`).
    /// Without: a plain record of the wipe (`DIR/wipe-<time>.json` and `.txt`), unsigned.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The certificate's issuing organisation (with --key; else $TABULA_ORGANISATION when signing).
    #[arg(long, requires = "key")]
    organisation: Option<String>,
    /// The certificate's site (with --key; else $TABULA_SITE when signing).
    #[arg(long, requires = "key")]
    site: Option<String>,
    /// The certificate's operator (with --key; else $TABULA_OPERATOR when signing).
    #[arg(long, requires = "key")]
    operator: Option<String>,
    /// Drives (/dev/sdX, /dev/disk/by-id/...) or regular files to wipe.
    #[arg(required_unless_present = "list_methods")]
    targets: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if args.list_methods {
        print!("{}", methods_table());
        return Ok(Outcome::Success);
    }
    if args.block_kib < 4 || !args.block_kib.is_power_of_two() {
        bail!(t().commands.errors.block_kib);
    }
    let method = targets::method(&args.method)?;
    let verify = args.verify.as_deref().map(verify_mode).transpose()?;
    let checked = targets::check_targets(&args.targets, std::path::Path::new("/"))?;
    let plan = targets::plan(method, verify, checked)?;
    // With --key: everything the certificate needs is checked before the first byte is written.
    let signing = match (&args.key, &args.out) {
        (Some(key), Some(out)) => Some(Signing::prepare(&args, key, out)?),
        _ => None,
    };
    // Without --key, --out gets a plain record: the directory must be usable before any byte
    // is written.
    let record_dir = match (&args.key, &args.out) {
        (None, Some(out)) => {
            std::fs::create_dir_all(out)
                .with_context(|| (t().commands.errors.creating)(&out.display().to_string()))?;
            Some(out.clone())
        }
        _ => None,
    };
    eprint!("{}", describe_plan(&plan));
    if !args.yes {
        confirm(&plan)?;
    }
    let started = chrono::Utc::now();
    let mut opts = EngineOptions::default();
    opts.block_size = args.block_kib * 1024;
    opts.stall_after = Duration::from_secs(args.stall_timeout.max(1));
    opts.cancel = targets::cancel_on_signals()?;
    let bars = Bars::new(&plan, std::io::stderr().is_terminal());
    let reports = targets::execute(&plan, &opts, |e| bars.handle(e))?;
    drop(bars);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    let finished = chrono::Utc::now();
    eprint!("{}", summary(&reports));
    eprintln!(
        "{}",
        (t().cli.finished_in)(&duration_text(finished - started))
    );
    if let Some(dir) = record_dir {
        let (json, text) = write_record(&dir, &plan, &reports, started, finished)?;
        eprintln!(
            "{}",
            (t().cli.record)(&json.display().to_string(), &text.display().to_string())
        );
    }
    if let Some(signing) = signing {
        signing.certify(&plan, &reports)?;
    }
    Ok(if reports.iter().all(|r| r.status.is_success()) {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// `--verify`: none (also off), last or all; a typo gets the closest in the error.
fn verify_mode(value: &str) -> anyhow::Result<VerifyMode> {
    value.parse().map_err(|_| {
        let known = ["none", "last", "all"];
        anyhow::anyhow!((t().commands.errors.unknown_value)(
            "--verify",
            value,
            tabula_wipe::method::closest(value, known),
            &known.join(", ")
        ))
    })
}

/// `--key FILE --out DIR`: the key, the issuer and the audit, ready before the wipe starts.
struct Signing {
    key: tabula_certificate::StationKey,
    out: PathBuf,
    issuer: Issuer,
    audit: tabula_audit::Audit,
    audit_json: serde_json::Value,
    started: chrono::DateTime<chrono::Utc>,
}

impl Signing {
    fn prepare(args: &Args, key: &Path, out: &Path) -> anyhow::Result<Self> {
        let key = tabula_certificate::StationKey::load(key)
            .with_context(|| (t().commands.enroll.reading_key)(&key.display().to_string()))?;
        // The issuer comes from the flags, else from the station's environment: only here,
        // where a certificate is signed (a plain wipe never needs it).
        let named = |value: &Option<String>, flag: &str, var: &str| {
            let from_env = std::env::var(var).ok();
            certify::given(value.as_deref().or(from_env.as_deref()))
                .with_context(|| (t().commands.errors.signing_needs)(flag, var))
        };
        let issuer = Issuer {
            organisation: named(&args.organisation, "organisation", "TABULA_ORGANISATION")?,
            site: named(&args.site, "site", "TABULA_SITE")?,
            operator: named(&args.operator, "operator", "TABULA_OPERATOR")?,
            station_id: None,
            remark: String::new(),
            zone: crate::i18n::clock::local_zone(),
        };
        std::fs::create_dir_all(out)
            .with_context(|| (t().commands.errors.creating)(&out.display().to_string()))?;
        let (audit, audit_json) = audit_machine(Path::new("/"), None)?;
        Ok(Self {
            key,
            out: out.to_owned(),
            issuer,
            audit,
            audit_json,
            started: chrono::Utc::now(),
        })
    }

    fn certify(self, plan: &WipePlan, reports: &[DriveReport]) -> anyhow::Result<()> {
        let cert = certify::certificate(
            &self.issuer,
            &self.key,
            plan,
            reports,
            &self.audit_json,
            Some(&self.audit),
            self.started,
        )?;
        let stored =
            certify::sign_and_store(&cert, self.audit_json, &self.key, &self.out, None, None)?;
        eprintln!(
            "{}",
            (t().cli.certificate)(
                &format!("{} ({})", stored.id, cert.result),
                &stored.bundle.display().to_string(),
                &stored.pdf.display().to_string()
            )
        );
        Ok(())
    }
}

/// A duration for people: "42 s", "3 min 05 s", "2 h 07 min".
pub fn duration_text(d: chrono::TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    match s {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {:02} s", s / 60, s % 60),
        s => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

/// `tabula wipe --out DIR` without `--key`: what was done, as JSON (the plan's method and the
/// engine's reports, with start and end) and as the text the terminal showed. Unsigned: a
/// record for the technician, not a certificate. Returns both paths.
fn write_record(
    dir: &Path,
    plan: &WipePlan,
    reports: &[DriveReport],
    started: chrono::DateTime<chrono::Utc>,
    finished: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let stem = format!("wipe-{}", started.format("%Y%m%dT%H%M%SZ"));
    let json_path = dir.join(format!("{stem}.json"));
    let text_path = dir.join(format!("{stem}.txt"));
    let record = serde_json::json!({
        "format": "tabula-wipe-record/1",
        "signed": false,
        "method": plan.method.name,
        "verify": plan.verify.to_string(),
        "started": started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "finished": finished.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "duration_seconds": (finished - started).num_seconds(),
        "drives": reports,
    });
    let mut json = serde_json::to_vec_pretty(&record)?;
    json.push(b'\n');
    let c = &t().cli;
    let text = format!(
        "{}\n{} {}\n{} {} ({})\n\n{}\n{}",
        c.record_title,
        c.record_times[0],
        clock::timestamp(started),
        c.record_times[1],
        clock::timestamp(finished),
        duration_text(finished - started),
        describe_plan(plan),
        summary(reports)
    );
    for (path, bytes) in [(&json_path, json.as_slice()), (&text_path, text.as_bytes())] {
        std::fs::write(path, bytes)
            .with_context(|| (t().commands.cert.writing)(&path.display().to_string()))?;
    }
    Ok((json_path, text_path))
}

/// What will be destroyed, shown before confirmation.
pub fn describe_plan(plan: &WipePlan) -> String {
    let passes = plan.drives.first().map_or(0, |d| d.passes.len());
    let tx = t();
    let mut out = (tx.cli.plan_head)(
        &plan.method.name,
        &(tx.common.method_label)(&plan.method.name, &plan.method.label),
        passes as u64,
        (tx.common.verify_mode)(plan.verify),
    );
    for d in &plan.drives {
        let (model, serial, size) = d.identity();
        out.push_str(&(tx.cli.plan_drive)(
            &d.path.display().to_string(),
            model,
            serial,
            &bytes(size),
        ));
        if let Some(Preflight::Failed { reason, error }) = &d.preflight {
            let why = super::preflight(reason, error.as_ref());
            out.push_str(&format!("  {}\n", (tx.confirm.will_fail)(&why)));
        }
    }
    out
}

pub fn confirm(plan: &WipePlan) -> anyhow::Result<()> {
    confirm_targets(plan.drives.len())
}

/// Asks for the typed word before `targets` devices (already listed) are destroyed.
pub fn confirm_targets(targets: usize) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("{}", t().cli.no_terminal);
    }
    eprint!("{}", (t().cli.type_to_destroy)(CONFIRM_WORD, targets));
    std::io::stderr().flush()?;
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    if line.trim() != CONFIRM_WORD {
        bail!("{}", t().cli.not_confirmed);
    }
    Ok(())
}

/// One line per drive, plus every bad range.
pub fn summary(reports: &[DriveReport]) -> String {
    let mut out = String::new();
    let tx = t();
    for r in reports {
        out.push_str(&format!(
            "{}: {}",
            r.drive.path.display(),
            (tx.result.drive_line)(
                (tx.common.status)(r.status),
                (tx.common.verification)(r.verification)
            )
        ));
        if let Some(e) = crate::i18n::engine::drive_error(r) {
            out.push_str(&format!(" - {e}"));
        }
        out.push('\n');
        let [write, read, mismatch] = tx.cli.errors;
        for (what, set) in [
            (write, &r.write_errors),
            (read, &r.read_errors),
            (mismatch, &r.mismatches),
        ] {
            for range in set.ranges() {
                out.push_str(&format!("  {what}: {range}\n"));
            }
        }
        for note in &r.notes {
            out.push_str(&format!("  {}: {}\n", tx.cli.note, (tx.reasons.note)(note)));
        }
    }
    out
}

fn methods_table() -> String {
    let mut out = String::new();
    for m in tabula_wipe::method::METHODS {
        out.push_str(&format!(
            "{:<20} {:<50} aliases: {}\n",
            m.name,
            m.label,
            m.aliases.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use tabula_wipe::method::Method;
    use tabula_wipe::plan::Checked;

    use super::*;

    #[test]
    fn the_plan_names_a_drive_that_will_fail_and_why() {
        let target = |path: &str, preflight| Checked {
            path: path.into(),
            drive: None,
            preflight,
            capabilities: None,
        };
        let failed = Preflight::Failed {
            reason: "/nonexistent/disk.img: in use".to_owned(),
            error: None,
        };
        let plan = WipePlan::new(
            Method::by_name("zero").expect("known method"),
            None,
            vec![target("/nonexistent/disk.img", failed)],
        )
        .expect("plan");
        let text = describe_plan(&plan);
        assert!(
            text.contains("  /nonexistent/disk.img  file  serial -")
                && text.contains("    will fail, nothing written: /nonexistent/disk.img: in use\n"),
            "{text}"
        );
        // A typed refusal reads in the station's language; the English words stay in the plan.
        use crate::i18n::{Language, set_thread_language};
        let typed = Preflight::failed(tabula_wipe::target::TargetError::NotFound {
            path: "/nonexistent/disk.img".into(),
        });
        let plan = WipePlan::new(
            Method::by_name("zero").expect("known method"),
            None,
            vec![target("/nonexistent/disk.img", typed)],
        )
        .expect("plan");
        set_thread_language(Language::De);
        let text = describe_plan(&plan);
        set_thread_language(Language::En);
        assert!(
            text.contains(
                "wird scheitern, nichts geschrieben: /nonexistent/disk.img: Gerät oder Datei \
                 nicht gefunden\n"
            ),
            "{text}"
        );
        assert!(describe_plan(&plan).contains(
            "will fail, nothing written: /nonexistent/disk.img: no such device or file\n"
        ));
    }

    #[test]
    fn the_summary_gives_a_failed_drive_its_reason_in_the_language() {
        use crate::i18n::{Language, set_thread_language};
        use tabula_wipe::note::Note;
        use tabula_wipe::report::{Failure, FirmwareFailure};
        let mut report = crate::i18n::engine::failed_report(
            "/dev/sdb",
            Failure::Firmware {
                method: "ata-secure-erase-enhanced".into(),
                reason: FirmwareFailure::Frozen,
            },
        );
        report.notes.push(Note::FirmwareFellBack {
            method: "nvme-sanitize-crypto".into(),
            reason: FirmwareFailure::NotConfirmed,
        });
        set_thread_language(Language::De);
        let text = summary(std::slice::from_ref(&report));
        assert!(
            text.starts_with(
                "/dev/sdb: fehlgeschlagen (Prüfung: unvollständig) - ata-secure-erase-enhanced: \
                 die Sicherheitsfunktionen des Laufwerks sind eingefroren"
            ) && text.contains("; nichts geschrieben\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "nvme-sanitize-crypto: das Laufwerk hat das Löschen nicht bestätigt; stattdessen \
                 überschrieben (nur NIST SP 800-88 Clear)"
            ),
            "{text}"
        );
        set_thread_language(Language::En);
        let text = summary(&[report]);
        assert!(
            text.contains(" - ata-secure-erase-enhanced: the drive's security is frozen")
                && text.contains("overwritten instead (NIST SP 800-88 Clear only)"),
            "{text}"
        );
    }
}
