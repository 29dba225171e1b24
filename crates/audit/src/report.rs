//! The readable terminal report of an audit (the JSON document is [`Audit::to_json`]).

use std::fmt::Write as _;

use crate::disks::SmartState;
use crate::document::{Audit, IdentitySource, MsdmStatus, SlicStatus};
use crate::platform::{BootMode, SecureBoot};
use crate::rules::Status;

fn or_dash(v: Option<&str>) -> &str {
    v.unwrap_or("-")
}

/// Where the machine's identity came from, in plain words.
fn source_text(source: IdentitySource) -> &'static str {
    match source {
        IdentitySource::Smbios => "SMBIOS tables",
        IdentitySource::Sysfs => "the kernel's DMI view (no raw SMBIOS tables)",
        IdentitySource::None => "unknown, no SMBIOS tables on this machine",
    }
}

/// Why a drive has no SMART summary, in plain words.
fn smart_text(state: SmartState) -> &'static str {
    match state {
        SmartState::Ok => "read",
        SmartState::NoData => "no data",
        SmartState::Skipped => "not collected (switched off)",
        SmartState::NotApplicable => "none for this kind of drive",
        SmartState::SmartctlMissing => "smartctl is not installed",
        SmartState::NotCaptured => "not in the capture",
        SmartState::Error => "could not be read",
    }
}

fn boot_text(mode: BootMode) -> &'static str {
    match mode {
        BootMode::Uefi => "UEFI",
        BootMode::Legacy => "legacy BIOS",
    }
}

fn secure_boot_text(state: SecureBoot) -> &'static str {
    match state {
        SecureBoot::Enabled => "on",
        SecureBoot::Disabled => "off",
        SecureBoot::Unknown => "unknown",
        SecureBoot::NotApplicable => "not available (legacy boot)",
    }
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / f64::from(1u32 << 30))
}

/// Renders the audit as text, one section after another. The product key appears only masked
/// (or in full when the document was collected with `show_key`).
pub fn render(a: &Audit) -> String {
    let mut o = String::new();
    machine(&mut o, a);
    cpu(&mut o, a);
    memory(&mut o, a);
    disks(&mut o, a);
    batteries(&mut o, a);
    licence(&mut o, a);
    platform(&mut o, a);
    fitness(&mut o, a);
    windows11(&mut o, a);
    problems(&mut o, a);
    o
}

/// Machine identity: vendor, model, serial, UUID, chassis, BIOS.
fn machine(o: &mut String, a: &Audit) {
    let s = &a.system;
    let _ = writeln!(
        o,
        "Machine      {} {}",
        or_dash(s.vendor.as_deref()),
        or_dash(s.product.as_deref())
    );
    let _ = writeln!(
        o,
        "  serial     {}   uuid {}",
        or_dash(s.serial.as_deref()),
        or_dash(s.uuid.as_deref())
    );
    let _ = writeln!(
        o,
        "  chassis    {}   identity: {}{}",
        or_dash(a.chassis_kind()),
        source_text(s.source),
        s.smbios_version
            .as_deref()
            .map(|v| format!(" (SMBIOS {v})"))
            .unwrap_or_default()
    );
    if let Some(b) = &a.bios {
        let _ = writeln!(
            o,
            "  BIOS       {} {} ({})",
            or_dash(b.vendor.as_deref()),
            or_dash(b.version.as_deref()),
            or_dash(b.release_date.as_deref())
        );
    }
}

/// CPU model, cores and threads.
fn cpu(o: &mut String, a: &Audit) {
    let c = &a.cpu;
    let _ = writeln!(
        o,
        "CPU          {}   {} cores / {} threads{}{}",
        or_dash(c.model.as_deref()),
        c.cores.map_or("-".to_string(), |n| n.to_string()),
        c.threads,
        c.max_mhz
            .map(|m| format!(", max {m} MHz"))
            .unwrap_or_default(),
        if c.x86_64 { ", 64-bit" } else { "" }
    );
}

/// Memory totals and the populated modules.
fn memory(o: &mut String, a: &Audit) {
    let m = &a.memory;
    let _ = writeln!(
        o,
        "Memory       {} installed, {} usable, {} of {} slots empty",
        m.installed_bytes.map_or("-".into(), gib),
        m.kernel_total_bytes.map_or("-".into(), gib),
        m.empty_slots.map_or("-".into(), |n| n.to_string()),
        m.slots.map_or("-".into(), |n| n.to_string()),
    );
    for d in m.devices.iter().filter(|d| d.is_populated()) {
        let _ = writeln!(
            o,
            "  {:<14} {} {} {} {}",
            or_dash(d.locator.as_deref()),
            d.size_bytes.map_or("?".into(), gib),
            or_dash(d.memory_type.as_deref()),
            d.speed_mts.map_or("-".into(), |s| format!("{s} MT/s")),
            or_dash(d.part_number.as_deref())
        );
    }
}

/// One line per disk with its SMART summary.
fn disks(o: &mut String, a: &Audit) {
    let _ = writeln!(o, "Disks");
    for d in &a.disks {
        let smart = match (d.smart.state, &d.smart.data) {
            (SmartState::Ok, Some(data)) => {
                let mut line = format!(
                    "SMART {}, {} h, realloc {}, wear {}",
                    data.health
                        .map_or("unknown".into(), |h| format!("{h:?}").to_lowercase()),
                    data.power_on_hours.map_or("-".into(), |h| h.to_string()),
                    data.reallocated_sectors
                        .or(data.grown_defects)
                        .map_or("-".into(), |r| r.to_string()),
                    data.percentage_used
                        .map_or("-".into(), |p| format!("{p} %")),
                );
                // The signs of a worn drive, where the drive reports any.
                for (what, value) in [
                    ("pending", data.pending_sectors),
                    ("offline-uncorrectable", data.offline_uncorrectable),
                    ("reported-uncorrectable", data.reported_uncorrectable),
                    ("uncorrected", data.uncorrected_errors),
                    ("media errors", data.media_errors),
                ] {
                    if let Some(n) = value.filter(|n| *n > 0) {
                        let _ = write!(line, ", {what} {n}");
                    }
                }
                line
            }
            (state, _) => format!(
                "SMART: {}{}",
                smart_text(state),
                d.smart
                    .detail
                    .as_deref()
                    .map(|x| format!(": {x}"))
                    .unwrap_or_default()
            ),
        };
        let _ = writeln!(
            o,
            "  {:<8} {:<7} {:>10} {} {}   {}",
            d.drive.name,
            d.drive.transport.to_string(),
            gib(d.drive.size_bytes),
            if d.is_ssd() { "SSD" } else { "HDD" },
            or_dash(d.drive.model.as_deref()),
            smart
        );
    }
}

/// One line per battery.
fn batteries(o: &mut String, a: &Audit) {
    for b in &a.batteries {
        let _ = writeln!(
            o,
            "Battery      {} health {}, {} cycles",
            b.name,
            b.health_pct.map_or("-".into(), |h| format!("{h:.1} %")),
            b.cycle_count.map_or("-".into(), |n| n.to_string())
        );
    }
}

/// Windows licence tables (MSDM key masked unless shown on purpose, SLIC).
fn licence(o: &mut String, a: &Audit) {
    let msdm = match &a.licence.msdm {
        MsdmStatus::Absent => "no MSDM table".to_string(),
        MsdmStatus::Present {
            key_masked,
            key,
            oem_id,
            ..
        } => {
            format!(
                "Windows key {} ({oem_id})",
                key.as_deref().unwrap_or(key_masked)
            )
        }
        MsdmStatus::Malformed { error } => format!("MSDM MALFORMED: {error}"),
    };
    let slic = match &a.licence.slic {
        SlicStatus::Absent => "no SLIC".to_string(),
        SlicStatus::Present {
            oem_id,
            oem_table_id,
        } => format!("SLIC {}/{}", or_unknown(oem_id), or_unknown(oem_table_id)),
        SlicStatus::Unusable {
            oem_id,
            oem_table_id,
            reason,
        } => format!(
            "SLIC {}/{} UNUSABLE: {reason}",
            or_unknown(oem_id),
            or_unknown(oem_table_id)
        ),
        SlicStatus::Malformed { error } => format!("SLIC MALFORMED: {error}"),
    };
    let _ = writeln!(o, "Licence      {msdm}; {slic}");
}

/// Boot mode, Secure Boot, TPM, GPUs and network interfaces.
fn platform(o: &mut String, a: &Audit) {
    let p = &a.platform;
    let _ = writeln!(
        o,
        "Platform     {} boot, Secure Boot {}, TPM {}, {} GPU(s), {} NIC(s)",
        boot_text(p.boot_mode),
        secure_boot_text(p.secure_boot),
        p.tpm.as_ref().map_or("none".to_string(), |t| t
            .version
            .clone()
            .unwrap_or_else(|| "?".into())),
        p.gpus.len(),
        p.network_interfaces.len()
    );
    for g in &p.gpus {
        let _ = writeln!(
            o,
            "  GPU {}     {}:{} (class {})",
            g.address, g.vendor_id, g.device_id, g.class
        );
    }
    for n in &p.network_interfaces {
        let _ = writeln!(
            o,
            "  {:<14} {} {}",
            n.name,
            or_dash(n.mac.as_deref()),
            if n.wireless { "wireless" } else { "" }
        );
    }
}

/// The fitness grade and each rule.
fn fitness(o: &mut String, a: &Audit) {
    let f = &a.fitness;
    let _ = writeln!(o, "Grade        {}", f.grade);
    for r in &f.rules {
        let mark = match r.status {
            Status::Pass => "ok  ",
            Status::Fail => "FAIL",
            Status::Unknown => "??  ",
            Status::NotApplicable => "n/a ",
        };
        let _ = writeln!(o, "  {mark} {:<18} {}", r.id, r.detail);
    }
}

/// Windows 11 hardware floor and the checks it misses.
fn windows11(o: &mut String, a: &Audit) {
    let w = &a.fitness.windows11;
    let _ = writeln!(
        o,
        "Windows 11   {}",
        if w.meets_floor {
            "meets the hardware floor"
        } else {
            "no: install Linux"
        }
    );
    for c in w.checks.iter().filter(|c| !c.passed) {
        let _ = writeln!(o, "  missing {:<20} {}", c.name, c.detail);
    }
}

/// Problems met while collecting.
fn problems(o: &mut String, a: &Audit) {
    for p in &a.problems {
        let _ = writeln!(o, "Problem      {p}");
    }
}

/// An ACPI text field that could not be read (empty) is shown as unknown.
fn or_unknown(field: &str) -> &str {
    if field.is_empty() { "unknown" } else { field }
}
