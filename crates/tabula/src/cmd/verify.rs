//! `tabula verify FILE... [--key PEM] [--signature-only] [--registry URL [--witness-policy
//! FILE] [--state DIR]]`: with --registry first the log's head against this client's view of it
//! (rollback, fork, witness quorum), then per certificate bundle the erasure verdict first and
//! the signature verdict on its own line (exit codes: `EXIT_CODES`, also shown by `--help`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use tabula_certificate::{Bundle, Erasure, KeySource, PublicKey, Shortfall, Verified};
use tabula_station::client::ReceiptCheck;
use tabula_station::logview::HeadVerdict;
use tabula_tlog::WitnessPolicy;

use super::Outcome;
use super::transport::TransportArgs;
use crate::i18n::t;

/// Verify certificate bundles: signature, canonical form, schema version, audit digest, and
/// that every drive was erased and verified.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct Args {
    /// Certificate bundles (`<id>.tabula.json`).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Trusted station public key (SPKI PEM). Without it, the key embedded in each bundle is
    /// used, which proves integrity but not origin.
    #[arg(long, value_name = "PEM")]
    pub key: Option<PathBuf>,
    /// Also check each receipt against this registry's transparency log: inclusion, and that
    /// the current tree is consistent with the tree head in the receipt.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,
    /// The log's verifier key for --registry (text or file, e.g. registry-log.vkey); without it
    /// the key the registry announces is trusted.
    #[arg(long, value_name = "KEY", requires = "registry")]
    pub log_key: Option<String>,
    /// With --registry: require a quorum of witness cosignatures on the registry's checkpoint
    /// (lines `witness <name> <vkey>` and `quorum <n>`; see docs/verify.md).
    #[arg(long, value_name = "FILE", requires = "registry")]
    pub witness_policy: Option<PathBuf>,
    /// With --registry: where the newest checkpoint seen of each log is kept; every run checks
    /// the registry's log extends it [default: $XDG_STATE_HOME/tabula or ~/.local/state/tabula]
    #[arg(long, value_name = "DIR", requires = "registry")]
    pub state: Option<PathBuf>,
    #[command(flatten)]
    pub transport: TransportArgs,
    /// Check the signature only: a certificate whose drives were not all erased and verified
    /// (e.g. `interrupted`, `erased-with-errors`) still exits 0 when its signature verifies.
    #[arg(long)]
    pub signature_only: bool,
}

const EXIT_CODES: &str = "Exit status:
  0  every signature verifies and every drive was erased and verified
     (with --signature-only: every signature verifies)
  1  a file does not verify or cannot be read (signature, format, schema,
     audit digest, log), or with --registry the log was rolled back or
     forked since the last run, or lacks the witness quorum
  2  usage error, or --key or the --registry options are unusable
  3  every signature verifies, but some certificate is not fully erased";

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let tv = &t().commands.verify;
    let trusted = args
        .key
        .as_deref()
        .map(|path| {
            PublicKey::load(path).with_context(|| (tv.reading_key)(&path.display().to_string()))
        })
        .transpose()?;
    let log = args
        .registry
        .as_deref()
        .map(|url| {
            tabula_station::client::LogCheck::new(
                url,
                args.log_key.as_deref(),
                &args.transport.transport(),
            )
        })
        .transpose()?;
    if let Some(unpinned) = log.as_ref().and_then(|l| l.unpinned()) {
        eprintln!("{}: {}", t().cli.note, (tv.unpinned_key)(&unpinned));
    }
    let mut tally = Tally::default();
    if let Some(log) = &log {
        let (policy, state) = head_options(&args)?;
        match log.check_head(policy.as_ref(), &state) {
            Ok(verdict) => println!("{}{}", tv.ok, head_line(&verdict)),
            Err(err) => {
                tally.failed += 1;
                println!(
                    "{}{}: {:#}",
                    tv.failed,
                    tv.registry_log,
                    anyhow::Error::from(err)
                );
            }
        }
    }
    for file in &args.files {
        let checked = check_file(file, trusted.as_ref()).and_then(|(bundle, verified)| {
            let log_line = log.as_ref().map(|l| l.check(&bundle)).transpose()?;
            Ok((verified, log_line))
        });
        match checked {
            Ok((verified, log_line)) => {
                let erasure = Erasure::of(&verified.certificate);
                if args.signature_only {
                    tally.verified += 1;
                    println!("{}", ok_line(file, &verified));
                } else {
                    tally.count(&erasure);
                    print!("{}", verdict_lines(file, &verified, &erasure));
                }
                if let Some(check) = log_line {
                    println!("        {}", receipt_line(&check));
                    if verified.key_source != KeySource::Given {
                        // The log's inclusion is the registry's word on the signer.
                        println!("        {}", tv.origin);
                    }
                }
            }
            Err(err) => {
                tally.failed += 1;
                let why = crate::i18n::faults::certificate(&err);
                println!("{}{}: {why}", tv.failed, file.display());
            }
        }
    }
    if args.files.len() > 1 {
        println!("{}", tally.summary(args.signature_only));
    }
    Ok(tally.outcome())
}

/// The witness policy (if any) and the state directory for the log-head check.
fn head_options(args: &Args) -> anyhow::Result<(Option<WitnessPolicy>, PathBuf)> {
    let policy = args
        .witness_policy
        .as_deref()
        .map(|path| {
            let text = std::fs::read_to_string(path).with_context(|| {
                (t().commands.verify.reading_policy)(&path.display().to_string())
            })?;
            WitnessPolicy::parse(&text)
                .with_context(|| format!("--witness-policy {}", path.display()))
        })
        .transpose()?;
    let state = match &args.state {
        Some(dir) => dir.clone(),
        None => tabula_station::logview::default_state_dir()
            .context(t().commands.verify.no_state_dir)?,
    };
    Ok((policy, state))
}

/// How many files ended in which verdict.
#[derive(Debug, Default)]
struct Tally {
    /// Signature valid (and, unless --signature-only, every drive erased and verified).
    verified: usize,
    /// Signature valid, but not every drive erased and verified.
    not_erased: usize,
    /// Signature or format failure.
    failed: usize,
}

impl Tally {
    fn count(&mut self, erasure: &Erasure) {
        if erasure.is_complete() {
            self.verified += 1;
        } else {
            self.not_erased += 1;
        }
    }

    fn summary(&self, signature_only: bool) -> String {
        let tv = &t().commands.verify;
        if signature_only {
            (tv.summary_signature)(self.verified, self.failed)
        } else {
            (tv.summary)(self.verified, self.not_erased, self.failed)
        }
    }

    /// A signature failure outranks a missing erasure: exit 1 before exit 3.
    fn outcome(&self) -> Outcome {
        if self.failed > 0 {
            Outcome::Failure
        } else if self.not_erased > 0 {
            Outcome::NotFullyErased
        } else {
            Outcome::Success
        }
    }
}

/// The verdict of a bundle whose signature verified: the erasure result first, the signature
/// on its own line below.
pub fn verdict_lines(path: &Path, v: &Verified, erasure: &Erasure) -> String {
    let tv = &t().commands.verify;
    let (path, id) = (path.display().to_string(), v.certificate.id.to_string());
    let head = match erasure {
        Erasure::NotFullyErased { reasons } => {
            let reasons: Vec<String> = reasons.iter().map(shortfall).collect();
            format!(
                "{}{}",
                tv.not_fully_erased,
                (tv.not_erased)(
                    &path,
                    &id,
                    (tv.result)(v.certificate.result),
                    &reasons.join("; ")
                )
            )
        }
        _ => format!("{}{}", tv.ok, (tv.erased)(&path, &id)),
    };
    format!("{head}\n        {}\n", (tv.signature_valid)(&key_note(v)))
}

/// Why a certificate is not fully erased, in words.
fn shortfall(reason: &Shortfall) -> String {
    let tv = &t().commands.verify;
    match reason {
        Shortfall::Drive {
            serial,
            status,
            verification,
        } => {
            let verification = verification.map(|v| match v {
                tabula_certificate::VerificationOutcome::Failed => tv.verification_failed,
                _ => tv.not_verified,
            });
            let why: Vec<&str> = [status.map(tv.result), verification]
                .into_iter()
                .flatten()
                .collect();
            (tv.drive_shortfall)(serial, &why.join(", "))
        }
        Shortfall::NoDrives => tv.no_drives.to_owned(),
        Shortfall::Overall(status) => (tv.overall)((tv.result)(*status)),
        other => other.to_string(),
    }
}

/// The log head's verdict in words.
fn head_line(v: &HeadVerdict) -> String {
    (t().commands.verify.head)(&v.origin, v.size, v.previous, &v.witnesses)
}

/// A receipt's verdict in words.
fn receipt_line(c: &ReceiptCheck) -> String {
    (t().commands.verify.receipt)(
        &c.origin,
        c.log.leaf_index,
        c.log.receipt_size,
        c.log.current_size,
    )
}

/// Read and verify one bundle.
pub fn check_file(path: &Path, trusted: Option<&PublicKey>) -> anyhow::Result<(Bundle, Verified)> {
    let bundle = Bundle::read(path)?;
    let verified = tabula_certificate::verify(&bundle, trusted)?;
    Ok((bundle, verified))
}

/// The `--signature-only` verdict line of a certificate whose signature verified.
pub fn ok_line(path: &Path, v: &Verified) -> String {
    let tv = &t().commands.verify;
    format!(
        "{}{}",
        tv.ok,
        (tv.signature_only)(
            &path.display().to_string(),
            &v.certificate.id.to_string(),
            (tv.result)(v.certificate.result),
            &key_note(v)
        )
    )
}

/// Which key verified, and what that proves.
pub fn key_note(v: &Verified) -> String {
    let tv = &t().commands.verify;
    let fingerprint = v.fingerprint.to_string();
    match v.key_source {
        KeySource::Given => (tv.signed_given)(&fingerprint),
        _ => (tv.signed_embedded)(&fingerprint),
    }
}
