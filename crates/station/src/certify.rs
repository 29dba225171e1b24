//! Maps a wipe's result records and the machine's audit into the certificate schema, signs it,
//! and stores bundle and PDF in the data directory (certificates/ and outbox/).
//!
//! The certificate crate owns the schema; this module is the only place that knows both the
//! engine's records and the schema, so either can change without the other.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use tabula_audit::{Audit, MsdmStatus};
use tabula_certificate as cert;
use tabula_certificate::{Bundle, BundleError, Certificate, LocalZone, PdfOptions, StationKey};
use tabula_device::capabilities::HiddenAreas;
use tabula_wipe::note::Note;
use tabula_wipe::plan::WipePlan;
use tabula_wipe::ranges::RangeSet;
use tabula_wipe::report::{DriveReport, FirmwareReport, NistLevel, VerifyOutcome, WipeStatus};

use crate::datadir::{DataDir, write_atomic};
use crate::error::{Error, Result};

/// Who issues the certificate.
#[derive(Debug, Clone, Default)]
pub struct Issuer {
    pub organisation: String,
    pub site: String,
    pub operator: String,
    /// Station id; default derived from the key fingerprint.
    pub station_id: Option<String>,
    pub remark: String,
    /// The station's time zone, for the times in the remark's notes.
    pub zone: LocalZone,
}

/// An issuer field as given: trimmed, `None` when absent or blank.
pub fn given(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Builds the certificate for one machine: every wiped drive, the audit's digest and identity.
pub fn certificate(
    issuer: &Issuer,
    key: &StationKey,
    plan: &WipePlan,
    reports: &[DriveReport],
    audit: &serde_json::Value,
    machine: Option<&Audit>,
    started: DateTime<Utc>,
) -> Result<Certificate, Error> {
    let zone = &issuer.zone;
    let fingerprint = key.public().fingerprint();
    let mut c = Certificate::new();
    c.organisation = issuer.organisation.clone();
    c.site = issuer.site.clone();
    c.operator = issuer.operator.clone();
    c.station = cert::Station {
        id: issuer
            .station_id
            .clone()
            .unwrap_or_else(|| default_station_id(&fingerprint)),
        key_fingerprint: fingerprint,
        tabula_version: env!("CARGO_PKG_VERSION").to_owned(),
        image_id: image_id(),
    };
    c.started = seconds(started);
    c.finished = seconds(
        reports
            .iter()
            .map(|r| r.finished)
            .max()
            .unwrap_or_else(Utc::now),
    );
    c.machine = machine_record(machine, audit)?;
    c.drives = reports
        .iter()
        .enumerate()
        .map(|(i, r)| drive_record(plan, i, r))
        .collect();
    c.result = cert::Status::overall(c.drives.iter().map(|d| d.status));
    let notes: Vec<String> = reports
        .iter()
        .flat_map(|r| {
            // Why a drive failed or stopped comes first, so the certificate says it. The
            // engine's "resumed at pass N from byte B" is left out: the journal's history says
            // when and after how many passes, in both languages.
            crate::remarks::failed_both(r)
                .into_iter()
                .chain(
                    r.notes
                        .iter()
                        .filter(|n| !matches!(n, Note::Resumed { .. }))
                        .map(|n| crate::remarks::note_both(n, zone)),
                )
                .map(move |n| format!("{}: {n}", r.drive.path.display()))
        })
        .collect();
    c.remark = [issuer.remark.clone(), notes.join("; ")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    Ok(c)
}

fn default_station_id(fingerprint: &str) -> String {
    let hex = fingerprint.trim_start_matches("sha256:");
    format!("station-{}", &hex[..hex.len().min(12)])
}

/// The live image's id (`/etc/tabula-image-id`, written by the image build), else `dev`.
fn image_id() -> String {
    std::fs::read_to_string("/etc/tabula-image-id")
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "dev".to_owned())
}

fn seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

fn machine_record(audit: Option<&Audit>, doc: &serde_json::Value) -> Result<cert::Machine, Error> {
    let text = |v: Option<&String>| v.cloned().unwrap_or_default();
    let audit_digest = cert::audit_digest(doc).map_err(|e| Error::Bundle {
        what: "digesting the audit document",
        source: BundleError::Jcs(e),
    })?;
    let Some(a) = audit else {
        return Ok(cert::Machine {
            audit_digest,
            ..Default::default()
        });
    };
    Ok(cert::Machine {
        vendor: text(a.system.vendor.as_ref()),
        model: text(a.system.product.as_ref()),
        serial: text(a.system.serial.as_ref()),
        uuid: text(a.system.uuid.as_ref()),
        chassis: a
            .chassis
            .as_ref()
            .map(|c| c.kind.clone())
            .unwrap_or_default(),
        audit_digest,
        // Presence and a digest only: the key itself never enters a certificate.
        windows_product_key: match &a.licence.msdm {
            MsdmStatus::Present { key_blake3, .. } => Some(cert::ProductKeyNote {
                digest: key_blake3.clone(),
            }),
            _ => None,
        },
    })
}

fn drive_record(plan: &WipePlan, index: usize, r: &DriveReport) -> cert::DriveRecord {
    let passes = plan
        .drives
        .get(index)
        .map_or(&[][..], |d| d.passes.as_slice());
    let sector = u64::from(r.drive.logical_sector_size);
    let mut error_ranges = Vec::new();
    for (set, what) in [
        (&r.write_errors, "write error"),
        (&r.read_errors, "read error"),
        (&r.mismatches, "verify mismatch"),
        (&r.unwritten, "not written (retry stopped)"),
        (&r.unverified, "not verified (retry stopped)"),
    ] {
        error_ranges.extend(ranges(set, sector, what));
    }
    let media = match (r.drive.transport, r.drive.rotational) {
        (None, _) => "file",
        (Some(tabula_device::Bus::Loop), _) => "virtual",
        (_, Some(true)) => "hdd",
        (_, _) => "ssd",
    };
    // A firmware erase that stood alone was checked by canaries and sampling; one that fell
    // back was followed by the overwrite's own verification.
    let firmware_only = r.firmware.as_ref().filter(|f| !f.fell_back);
    let overwritten = firmware_only.is_none();
    let verified: u64 = match firmware_only {
        Some(f) => firmware_bytes_checked(f),
        None => r
            .passes
            .iter()
            .filter(|p| p.phase == tabula_wipe::progress::Phase::Verify)
            .map(|p| p.bytes)
            .sum(),
    };
    let mode = if firmware_only.is_some() {
        cert::VerificationMode::Sample
    } else if passes.iter().any(|p| p.verify) {
        cert::VerificationMode::Full
    } else {
        cert::VerificationMode::None
    };
    cert::DriveRecord {
        model: r.drive.model.clone().unwrap_or_default(),
        serial: r.drive.serial.clone().unwrap_or_default(),
        firmware: r.drive.firmware.clone().unwrap_or_default(),
        size_bytes: r.drive.size_bytes,
        media_type: media.to_owned(),
        transport: r
            .drive
            .transport
            .map_or_else(|| "file".to_owned(), |t| t.to_string()),
        method: cert::Method {
            name: method_name(r),
            passes: if overwritten {
                u32::try_from(passes.len()).unwrap_or(u32::MAX)
            } else {
                0
            },
            patterns: if overwritten {
                passes.iter().map(|p| p.pattern.describe()).collect()
            } else {
                Vec::new()
            },
            nist_category: match r.nist_reached {
                Some(NistLevel::Purge) => cert::NistCategory::Purge,
                Some(NistLevel::Clear) => cert::NistCategory::Clear,
                None => cert::NistCategory::None,
            },
            bsi_method: r.method.bsi_name.clone(),
        },
        verification: cert::Verification {
            mode,
            outcome: match r.verification {
                VerifyOutcome::Passed => cert::VerificationOutcome::Passed,
                VerifyOutcome::Failed => cert::VerificationOutcome::Failed,
                VerifyOutcome::NotRequested | VerifyOutcome::Incomplete => {
                    cert::VerificationOutcome::NotRun
                }
            },
            bytes_checked: verified,
        },
        error_ranges,
        hidden_areas: hidden_areas(r.hidden_before, r.hidden_after),
        firmware_erase: r.firmware.as_ref().map(firmware_erase),
        passes: r
            .passes
            .iter()
            .filter(|p| p.phase == tabula_wipe::progress::Phase::Write)
            .map(|p| cert::PassRecord {
                pattern: p.pattern.clone(),
                started: seconds(p.started),
                finished: seconds(p.finished),
                bytes_written: p.bytes,
                number: u32::try_from(p.number).ok(),
            })
            .collect(),
        status: match r.status {
            WipeStatus::Completed => cert::Status::Erased,
            WipeStatus::CompletedWithErrors => cert::Status::ErasedWithErrors,
            WipeStatus::Failed => cert::Status::Failed,
            WipeStatus::Interrupted => cert::Status::Interrupted,
        },
    }
}

/// The method as done: `auto` names what it ran (`auto: nvme-format`, `auto: nist-800-88-clear`).
fn method_name(r: &DriveReport) -> String {
    if r.method.name != "auto" {
        return r.method.name.clone();
    }
    let done = match &r.firmware {
        Some(f) if !f.fell_back => f.method.as_str(),
        _ => tabula_wipe::auto::OVERWRITE_METHOD,
    };
    format!("auto: {done}")
}

/// Canary and sample bytes read after a firmware erase.
fn firmware_bytes_checked(f: &FirmwareReport) -> u64 {
    let canaries = f.canaries.as_ref().map_or(0, |c| {
        (c.written - c.unreadable.len().min(c.written)) as u64 * u64::from(c.block)
    });
    canaries + f.sampling.as_ref().map_or(0, |s| s.bytes_read)
}

fn firmware_erase(f: &FirmwareReport) -> cert::FirmwareErase {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    cert::FirmwareErase {
        operation: f.method.clone(),
        commands: f
            .commands
            .iter()
            .map(|c| cert::FirmwareCommand {
                command: c.command.clone(),
                status: c.status.clone(),
                ok: c.ok,
            })
            .collect(),
        confirmed: f.confirmed,
        fell_back_to_overwrite: f.fell_back,
        canaries: f.canaries.as_ref().map(|c| cert::CanaryCheck {
            written: count(c.written),
            block_bytes: c.block,
            survived: count(c.survived.len()),
            unreadable: count(c.unreadable.len()),
        }),
        sampling: f.sampling.as_ref().map(|s| cert::Sampling {
            share_ppm: (s.share * 1_000_000.0).round() as u32,
            samples: s.samples,
            bytes_read: s.bytes_read,
            reads_as: s.reads_as.as_str().to_owned(),
            other: s.other,
            unreadable: s.unreadable,
        }),
    }
}

/// HPA and DCO states and the drive's sizes from what it said before and after the wipe (None:
/// never asked).
fn hidden_areas(
    before: Option<HiddenAreas>,
    after: Option<HiddenAreas>,
) -> Option<cert::HiddenAreas> {
    let before = before?;
    let state = |had: bool, has: Option<bool>| match (had, has) {
        (false, _) => cert::HiddenAreaState::Absent,
        (true, Some(false)) => cert::HiddenAreaState::Removed,
        (true, _) => cert::HiddenAreaState::Present,
    };
    let sectors = |h: HiddenAreas| cert::HiddenSectors {
        visible: h.current_sectors,
        native: h.native_sectors,
        dco: h.dco_sectors,
    };
    Some(cert::HiddenAreas {
        hpa: state(before.has_hpa(), after.map(|a| a.has_hpa())),
        dco: state(before.has_dco(), after.map(|a| a.has_dco())),
        before: Some(sectors(before)),
        after: after.map(sectors),
    })
}

fn ranges(set: &RangeSet, sector: u64, what: &str) -> Vec<cert::ErrorRange> {
    set.ranges()
        .iter()
        .map(|r| cert::ErrorRange {
            offset: r.first * sector,
            length: r.count * sector,
            error: format!("{what} ({r})"),
        })
        .collect()
}

/// Where a signed certificate was stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub bundle: PathBuf,
    pub pdf: PathBuf,
    pub outbox: Option<PathBuf>,
}

/// Signs `cert` with the audit attached.
pub fn sign(cert: &Certificate, audit: serde_json::Value, key: &StationKey) -> Result<Bundle> {
    Bundle::sign(cert, audit, key).map_err(|source| Error::Bundle {
        what: "signing the certificate",
        source,
    })
}

/// Signs `cert` with the audit attached and writes `<id>.tabula.json` and `<id>.pdf` into `dir`
/// (and a copy of the bundle into `outbox`, if given). The PDF's times are in Europe/Berlin:
/// this is `tabula wipe`, which has no station configuration.
pub fn sign_and_store(
    cert: &Certificate,
    audit: serde_json::Value,
    key: &StationKey,
    dir: &Path,
    outbox: Option<&Path>,
    registry_url: Option<&str>,
) -> Result<Stored> {
    let bundle = sign(cert, audit, key)?;
    store_signed(&bundle, dir, outbox, registry_url, &LocalZone::default())
}

/// Writes a signed bundle as `<id>.tabula.json` and its PDF into `dir` and a copy into
/// `outbox`, each only if it is not there yet, so that storing again after a power loss
/// completes what is missing and changes nothing else: a kept bundle (which may carry a receipt
/// by now) is never overwritten, and the outbox copy is not made again once the kept copy has
/// its receipt (it was delivered). Every file is written atomically, so one that exists is whole.
/// The PDF shows times in `zone`.
pub fn store_signed(
    bundle: &Bundle,
    dir: &Path,
    outbox: Option<&Path>,
    registry_url: Option<&str>,
    zone: &LocalZone,
) -> Result<Stored> {
    let bundle_error = |what| move |source| Error::Bundle { what, source };
    let cert = bundle
        .certificate()
        .map_err(bundle_error("reading the signed certificate"))?;
    let name = cert.file_name();
    let bundle_path = dir.join(&name);
    let delivered = if bundle_path.exists() {
        Bundle::read(&bundle_path)
            .map_err(bundle_error("reading the stored certificate"))?
            .receipt
            .is_some()
    } else {
        bundle
            .write_into(dir)
            .map_err(bundle_error("storing the certificate"))?;
        false
    };
    let pdf_path = dir.join(format!("{}.pdf", cert.id));
    if !pdf_path.exists() {
        let options = PdfOptions::for_bundle(bundle, registry_url).with_zone(zone.clone());
        write_atomic(&pdf_path, &cert::render_pdf(&cert, &options)?)?;
    }
    let outbox = match outbox {
        Some(dir) if !delivered => {
            let queued = dir.join(&name);
            if !queued.exists() {
                bundle
                    .write_into(dir)
                    .map_err(bundle_error("queueing the certificate for upload"))?;
            }
            Some(queued)
        }
        _ => None,
    };
    Ok(Stored {
        id: cert.id.to_string(),
        bundle: bundle_path,
        pdf: pdf_path,
        outbox,
    })
}

/// [`store_signed`] into a data directory.
pub fn store(
    data: &DataDir,
    bundle: &Bundle,
    registry_url: Option<&str>,
    zone: &LocalZone,
) -> Result<Stored> {
    store_signed(
        bundle,
        &data.certificates(),
        Some(&data.outbox()),
        registry_url,
        zone,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas(current: u64, native: u64, dco: u64) -> HiddenAreas {
        HiddenAreas {
            current_sectors: current,
            native_sectors: Some(native),
            dco_sectors: Some(dco),
        }
    }

    #[test]
    fn hidden_areas_say_what_was_removed_what_is_left_and_the_sizes() {
        // HPA removed, DCO refused: the DCO is present, not wiped.
        let h = hidden_areas(Some(areas(1000, 2000, 3000)), Some(areas(2000, 2000, 3000))).unwrap();
        assert_eq!(
            (h.hpa, h.dco),
            (
                cert::HiddenAreaState::Removed,
                cert::HiddenAreaState::Present
            )
        );
        assert_eq!(h.before.unwrap().visible, 1000);
        assert_eq!(h.after.unwrap().visible, 2000);
        assert_eq!(h.after.unwrap().dco, Some(3000));
        // Never asked again: what was there is still there.
        let h = hidden_areas(Some(areas(1000, 2000, 2000)), None).unwrap();
        assert_eq!(h.hpa, cert::HiddenAreaState::Present);
        assert_eq!(h.after, None);
        assert_eq!(hidden_areas(None, None), None);
    }
}
