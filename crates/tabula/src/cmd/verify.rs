//! `tabula verify FILE... [--key PEM]`: one verdict line per certificate bundle.

use std::path::{Path, PathBuf};

use anyhow::Context;
use tabula_certificate::{Bundle, KeySource, PublicKey, Verified};

use super::Outcome;

/// Verify certificate bundles: signature, canonical form, schema version, audit digest.
#[derive(Debug, clap::Args)]
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
    /// PEM file with the CA certificate(s) to trust for --registry (a registry behind a private CA).
    #[arg(long, value_name = "FILE", requires = "registry")]
    pub ca_file: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let trusted = args
        .key
        .as_deref()
        .map(|path| {
            PublicKey::load(path).with_context(|| format!("reading --key {}", path.display()))
        })
        .transpose()?;
    let log = args
        .registry
        .as_deref()
        .map(|url| {
            crate::registry_client::LogCheck::new(
                url,
                args.log_key.as_deref(),
                args.ca_file.as_deref(),
            )
        })
        .transpose()?;
    let mut failed = 0usize;
    for file in &args.files {
        let checked = check_file(file, trusted.as_ref()).and_then(|(bundle, verified)| {
            let log_line = log.as_ref().map(|l| l.check(&bundle)).transpose()?;
            Ok((verified, log_line))
        });
        match checked {
            Ok((verified, log_line)) => {
                println!("{}", ok_line(file, &verified));
                if let Some(line) = log_line {
                    println!("        {line}");
                    if verified.key_source != KeySource::Given {
                        // The log's inclusion is the registry's word on the signer.
                        println!(
                            "        origin: the registry logs only certificates signed by a station enrolled with it"
                        );
                    }
                }
            }
            Err(err) => {
                failed += 1;
                println!("FAILED  {}: {err}", file.display());
            }
        }
    }
    if args.files.len() > 1 {
        println!("{} verified, {} failed", args.files.len() - failed, failed);
    }
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Read and verify one bundle.
pub fn check_file(path: &Path, trusted: Option<&PublicKey>) -> anyhow::Result<(Bundle, Verified)> {
    let bundle = Bundle::read(path)?;
    let verified = tabula_certificate::verify(&bundle, trusted)?;
    Ok((bundle, verified))
}

/// The verdict line of a certificate that verified.
pub fn ok_line(path: &Path, v: &Verified) -> String {
    format!(
        "OK      {}: certificate {} ({}), {}",
        path.display(),
        v.certificate.id,
        v.certificate.result,
        key_note(v)
    )
}

/// Which key verified, and what that proves.
pub fn key_note(v: &Verified) -> String {
    match v.key_source {
        KeySource::Given => format!("signed by the given key {}", v.fingerprint),
        _ => format!(
            "signed by its embedded key {} (proves integrity, not origin, until the registry vouches for the station)",
            v.fingerprint
        ),
    }
}
