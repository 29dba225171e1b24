//! What the certificate says after a firmware erase, from the engine's own reports: the wipe
//! engine runs a firmware method on a file whose bytes a simulated NVMe drive erases (the
//! drive's medium is that file), and the station maps the reports into the signed certificate.
//!
//! - a confirmed Format NVM whose canaries are gone and samples read zeros: Purge, `erased`, the
//!   commands and the check recorded, and the bundle verifies;
//! - a drive that answers success and keeps its data: the canaries survive, category `none`,
//!   `erased-with-errors`, and the remark says the check found data, in German and English.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tabula_certificate as cert;
use tabula_certificate::{Bundle, StationKey};
use tabula_device::command::Transport;
use tabula_device::device::Bus;
use tabula_device::probe::probe_bus;
use tabula_device::sim::{Faults, Media, NvmeConfig, SimNvme};
use tabula_station::certify::{Issuer, certificate};
use tabula_wipe::engine::{self, EngineOptions};
use tabula_wipe::method::Method;
use tabula_wipe::plan::{Checked, Preflight, WipePlan};
use tabula_wipe::target::Target;

/// Runs `nvme-format` on a 4 MiB file erased by a simulated drive with `config`; the
/// certificate and whether the file still holds the drive's old data.
fn format_and_certify(dir: &Path, config: NvmeConfig) -> (cert::Certificate, bool) {
    let path = dir.join("nvme.img");
    std::fs::write(&path, vec![0u8; 4 << 20]).unwrap();
    let media = Media::on_file(&path).unwrap();
    let drive = SimNvme::with_media(config, media.clone());
    let caps = probe_bus(&mut drive.clone(), Bus::Nvme);
    let target = Checked {
        path: path.clone(),
        drive: None,
        preflight: Preflight::Passed {
            identity: Target::open(&path).unwrap().identity,
        },
        capabilities: Some(caps),
    };
    let plan = WipePlan::new(Method::by_name("nvme-format").unwrap(), None, vec![target]).unwrap();
    let mut opts = EngineOptions::default();
    opts.block_size = 1 << 20;
    opts.canaries = 16;
    opts.sample_share = 0.05;
    opts.firmware.poll_interval = Duration::from_millis(1);
    opts.open_transport = Arc::new(move |_| Ok(Box::new(drive.clone()) as Box<dyn Transport>));
    let (tx, _rx) = crossbeam_channel::unbounded();
    let started = chrono::Utc::now();
    let reports = engine::run(&plan, &opts, &tx);
    let issuer = Issuer {
        organisation: "Stadt Leipzig".into(),
        site: "Test bench".into(),
        operator: "Erika".into(),
        ..Issuer::default()
    };
    let key = StationKey::generate().unwrap();
    let audit = serde_json::json!({"system": {}});
    let c = certificate(&issuer, &key, &plan, &reports, &audit, None, started).unwrap();
    // What the certificate says is signed and verifies.
    let bundle = Bundle::sign(&c, audit, &key).unwrap();
    assert_eq!(cert::verify(&bundle, None).unwrap().certificate, c);
    (c, media.holds_user_data())
}

#[test]
fn a_confirmed_and_checked_format_is_certified_as_purge() {
    let dir = tempfile::tempdir().unwrap();
    let (c, data_left) = format_and_certify(dir.path(), NvmeConfig::default());
    assert!(!data_left);
    assert_eq!(c.schema_minor, cert::SCHEMA_MINOR);
    let d = &c.drives[0];
    assert_eq!(d.method.nist_category, cert::NistCategory::Purge, "{d:#?}");
    assert_eq!(d.method.name, "nvme-format");
    assert_eq!(d.status, cert::Status::Erased);
    assert_eq!(d.verification.outcome, cert::VerificationOutcome::Passed);
    let fw = d.firmware_erase.as_ref().unwrap();
    assert!(fw.confirmed && !fw.fell_back_to_overwrite);
    assert!(
        fw.commands
            .iter()
            .any(|c| c.command.contains("FORMAT NVM") && c.ok),
        "{:?}",
        fw.commands
    );
    let canaries = fw.canaries.unwrap();
    assert_eq!((canaries.written, canaries.survived), (16, 0));
    let sampling = fw.sampling.as_ref().unwrap();
    assert_eq!((sampling.reads_as.as_str(), sampling.other), ("zeros", 0));
    assert_eq!(sampling.share_ppm, 50_000);
}

#[test]
fn a_drive_that_keeps_its_data_is_certified_as_none() {
    let dir = tempfile::tempdir().unwrap();
    let liar = NvmeConfig {
        faults: Faults {
            ignores_erase: true,
            ..Faults::default()
        },
        ..NvmeConfig::qemu()
    };
    let (c, data_left) = format_and_certify(dir.path(), liar);
    assert!(data_left);
    let d = &c.drives[0];
    assert_eq!(d.method.nist_category, cert::NistCategory::None, "{d:#?}");
    assert_eq!(d.status, cert::Status::ErasedWithErrors);
    assert_eq!(d.verification.outcome, cert::VerificationOutcome::Failed);
    let fw = d.firmware_erase.as_ref().unwrap();
    assert_eq!(fw.canaries.unwrap().survived, 16);
    // The engine's typed note, worded German then English.
    assert!(
        c.remark.contains(
            "nvme-format: die Prüfung nach dem Löschen fand Daten (Kanarienblöcke übrig oder \
             Stichproben mit Daten) / nvme-format: the check after the erase found data"
        ),
        "{}",
        c.remark
    );
}
