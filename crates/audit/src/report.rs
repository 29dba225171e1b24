//! The readable terminal report of an audit (the JSON document is [`Audit::to_json`]). The
//! layout is this module's; the words are the caller's ([`Words`]): [`ENGLISH`] here, other
//! languages from the front end's catalogue, so the library stays language-free.

use std::fmt::Write as _;

use crate::acpi::{AcpiError, SlicDefect};
use crate::disks::SmartState;
use crate::document::{Audit, IdentitySource, MsdmStatus, SlicStatus};
use crate::platform::{BootMode, SecureBoot};
use crate::problem::Problem;
use crate::reason::{CheckReason, RuleReason};
use crate::rules::{Grade, Status};
use crate::smart::Health;
use crate::win11::{CheckId, check_name};

/// The words of the report. Problems met while collecting, licence table faults, rule outcomes
/// and Windows 11 checks are worded from their typed data (documents made before those show
/// their English strings).
#[derive(Debug)]
pub struct Words {
    /// Section labels: machine, CPU, memory, disks, battery, licence, platform, grade,
    /// Windows 11, problem.
    pub sections: [&'static str; 10],
    /// Machine sub-labels: serial, uuid, chassis, identity, BIOS.
    pub machine: [&'static str; 5],
    /// Where the identity came from: SMBIOS, sysfs, none.
    pub source: [&'static str; 3],
    /// Why a drive has no SMART summary: read, no data, skipped, not applicable, smartctl
    /// missing, not captured, error.
    pub smart: [&'static str; 7],
    /// SMART health: passed, failed, unknown.
    pub health: [&'static str; 3],
    /// SMART line: (health, power-on hours, reallocated, wear).
    pub smart_line: fn(&str, &str, &str, &str) -> String,
    /// Signs of a worn drive: pending, offline-uncorrectable, reported-uncorrectable,
    /// uncorrected, media errors.
    pub worn: [&'static str; 5],
    /// (cores, threads).
    pub cores_threads: fn(&str, u64) -> String,
    pub max_mhz: fn(u64) -> String,
    pub bits64: &'static str,
    /// (installed, usable, empty slots, slots).
    pub memory: fn(&str, &str, &str, &str) -> String,
    /// (name, health, cycles).
    pub battery: fn(&str, &str, &str) -> String,
    pub no_msdm: &'static str,
    /// (key, OEM id).
    pub windows_key: fn(&str, &str) -> String,
    pub malformed: &'static str,
    pub no_slic: &'static str,
    pub unusable: &'static str,
    pub unknown: &'static str,
    /// Boot mode: UEFI, legacy.
    pub boot: [&'static str; 2],
    /// Secure Boot: on, off, unknown, not applicable.
    pub secure_boot: [&'static str; 4],
    /// (boot, Secure Boot, TPM, GPUs, NICs).
    pub platform: fn(&str, &str, &str, usize, usize) -> String,
    pub tpm_none: &'static str,
    pub wireless: &'static str,
    /// The grades: A, B, C, unfit.
    pub grades: [&'static str; 4],
    /// Rule marks, four wide: pass, fail, unknown, not applicable.
    pub marks: [&'static str; 4],
    pub windows11_meets: &'static str,
    pub windows11_not: &'static str,
    pub missing: &'static str,
    /// Decimal comma (German) instead of the point.
    pub decimal_comma: bool,
    /// Why a fitness rule came out as it did.
    pub rule_reason: fn(&RuleReason) -> String,
    /// Why a Windows 11 check failed.
    pub check_reason: fn(&CheckReason) -> String,
    /// A Windows 11 check's name for people.
    pub check_name: fn(CheckId) -> String,
    /// A problem met while collecting.
    pub problem: fn(&Problem) -> String,
    /// Why an MSDM or SLIC table is malformed.
    pub acpi_error: fn(&AcpiError) -> String,
    /// Why a SLIC table cannot activate anything.
    pub slic_defect: fn(SlicDefect) -> String,
}

/// The report's words in English.
pub const ENGLISH: Words = Words {
    sections: [
        "Machine",
        "CPU",
        "Memory",
        "Disks",
        "Battery",
        "Licence",
        "Platform",
        "Grade",
        "Windows 11",
        "Problem",
    ],
    machine: ["serial", "uuid", "chassis", "identity:", "BIOS"],
    source: [
        "SMBIOS tables",
        "the kernel's DMI view (no raw SMBIOS tables)",
        "unknown, no SMBIOS tables on this machine",
    ],
    smart: [
        "read",
        "no data",
        "not collected (switched off)",
        "none for this kind of drive",
        "smartctl is not installed",
        "not in the capture",
        "could not be read",
    ],
    health: ["passed", "failed", "unknown"],
    smart_line: |health, hours, realloc, wear| {
        format!("SMART {health}, {hours} h, realloc {realloc}, wear {wear}")
    },
    worn: [
        "pending",
        "offline-uncorrectable",
        "reported-uncorrectable",
        "uncorrected",
        "media errors",
    ],
    cores_threads: |cores, threads| format!("{cores} cores / {threads} threads"),
    max_mhz: |m| format!(", max {m} MHz"),
    bits64: ", 64-bit",
    memory: |installed, usable, empty, slots| {
        format!("{installed} installed, {usable} usable, {empty} of {slots} slots empty")
    },
    battery: |name, health, cycles| format!("{name} health {health}, {cycles} cycles"),
    no_msdm: "no MSDM table",
    windows_key: |key, oem| format!("Windows key {key} ({oem})"),
    malformed: "MALFORMED",
    no_slic: "no SLIC",
    unusable: "UNUSABLE",
    unknown: "unknown",
    boot: ["UEFI", "legacy BIOS"],
    secure_boot: ["on", "off", "unknown", "not available (legacy boot)"],
    platform: |boot, sb, tpm, gpus, nics| {
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{boot} boot, Secure Boot {sb}, TPM {tpm}, {}, {}",
            count(gpus, "GPU", "GPUs"),
            count(nics, "NIC", "NICs")
        )
    },
    tpm_none: "none",
    wireless: "wireless",
    grades: ["A", "B", "C", "unfit"],
    marks: ["ok  ", "FAIL", "??  ", "n/a "],
    windows11_meets: "meets the hardware floor",
    windows11_not: "no: install Linux",
    missing: "missing",
    decimal_comma: false,
    rule_reason: RuleReason::to_string,
    check_reason: CheckReason::to_string,
    check_name: |c| c.to_string(),
    problem: Problem::to_string,
    acpi_error: AcpiError::to_string,
    slic_defect: |d| d.to_string(),
};

fn or_dash(v: Option<&str>) -> &str {
    v.unwrap_or("-")
}

/// Where the machine's identity came from, in plain words.
fn source_text(w: &Words, source: IdentitySource) -> &'static str {
    match source {
        IdentitySource::Smbios => w.source[0],
        IdentitySource::Sysfs => w.source[1],
        IdentitySource::None => w.source[2],
    }
}

/// Why a drive has no SMART summary, in plain words.
fn smart_text(w: &Words, state: SmartState) -> &'static str {
    w.smart[match state {
        SmartState::Ok => 0,
        SmartState::NoData => 1,
        SmartState::Skipped => 2,
        SmartState::NotApplicable => 3,
        SmartState::SmartctlMissing => 4,
        SmartState::NotCaptured => 5,
        SmartState::Error => 6,
    }]
}

fn boot_text(w: &Words, mode: BootMode) -> &'static str {
    match mode {
        BootMode::Uefi => w.boot[0],
        BootMode::Legacy => w.boot[1],
    }
}

fn secure_boot_text(w: &Words, state: SecureBoot) -> &'static str {
    w.secure_boot[match state {
        SecureBoot::Enabled => 0,
        SecureBoot::Disabled => 1,
        SecureBoot::Unknown => 2,
        SecureBoot::NotApplicable => 3,
    }]
}

/// A number with one decimal, the caller's decimal mark.
fn one_decimal(w: &Words, value: f64) -> String {
    let text = format!("{value:.1}");
    if w.decimal_comma {
        text.replace('.', ",")
    } else {
        text
    }
}

/// A size in binary units as `tabula devices` writes it: GiB from 1 GiB on (RAM, disks), MiB
/// or KiB below (a small loop device is `32.0 MiB`, never `0.0 GiB`).
fn gib(w: &Words, bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    match UNITS.iter().find(|(unit, _)| bytes >= *unit) {
        Some((unit, name)) => format!("{} {name}", one_decimal(w, bytes as f64 / *unit as f64)),
        None => format!("{bytes} B"),
    }
}

/// A section's label, padded to the report's first column.
fn section(o: &mut String, label: &str) {
    let _ = write!(o, "{label:<12} ");
}

/// Renders the audit as text in English, one section after another. The product key appears
/// only masked (or in full when the document was collected with `show_key`).
pub fn render(a: &Audit) -> String {
    render_with(a, &ENGLISH)
}

/// Renders the audit as text with the given words.
pub fn render_with(a: &Audit, w: &Words) -> String {
    let mut o = String::new();
    machine(&mut o, a, w);
    cpu(&mut o, a, w);
    memory(&mut o, a, w);
    disks(&mut o, a, w);
    batteries(&mut o, a, w);
    licence(&mut o, a, w);
    platform(&mut o, a, w);
    fitness(&mut o, a, w);
    windows11(&mut o, a, w);
    problems(&mut o, a, w);
    o
}

/// Machine identity: vendor, model, serial, UUID, chassis, BIOS.
fn machine(o: &mut String, a: &Audit, w: &Words) {
    let s = &a.system;
    let [serial, uuid, chassis, identity, bios] = w.machine;
    section(o, w.sections[0]);
    let _ = writeln!(
        o,
        "{} {}",
        or_dash(s.vendor.as_deref()),
        or_dash(s.product.as_deref())
    );
    let _ = writeln!(
        o,
        "  {serial:<10} {}   {uuid} {}",
        or_dash(s.serial.as_deref()),
        or_dash(s.uuid.as_deref())
    );
    let _ = writeln!(
        o,
        "  {chassis:<10} {}   {identity} {}{}",
        or_dash(a.chassis_kind()),
        source_text(w, s.source),
        s.smbios_version
            .as_deref()
            .map(|v| format!(" (SMBIOS {v})"))
            .unwrap_or_default()
    );
    if let Some(b) = &a.bios {
        let _ = writeln!(
            o,
            "  {bios:<10} {} {} ({})",
            or_dash(b.vendor.as_deref()),
            or_dash(b.version.as_deref()),
            or_dash(b.release_date.as_deref())
        );
    }
}

/// CPU model, cores and threads.
fn cpu(o: &mut String, a: &Audit, w: &Words) {
    let c = &a.cpu;
    section(o, w.sections[1]);
    let _ = writeln!(
        o,
        "{}   {}{}{}",
        or_dash(c.model.as_deref()),
        (w.cores_threads)(
            &c.cores.map_or("-".to_string(), |n| n.to_string()),
            u64::from(c.threads)
        ),
        c.max_mhz
            .map(|m| (w.max_mhz)(u64::from(m)))
            .unwrap_or_default(),
        if c.x86_64 { w.bits64 } else { "" }
    );
}

/// Memory totals and the populated modules.
fn memory(o: &mut String, a: &Audit, w: &Words) {
    let m = &a.memory;
    let size = |b: Option<u64>| b.map_or("-".into(), |b| gib(w, b));
    section(o, w.sections[2]);
    let _ = writeln!(
        o,
        "{}",
        (w.memory)(
            &size(m.installed_bytes),
            &size(m.kernel_total_bytes),
            &m.empty_slots.map_or("-".into(), |n| n.to_string()),
            &m.slots.map_or("-".into(), |n| n.to_string()),
        )
    );
    for d in m.devices.iter().filter(|d| d.is_populated()) {
        let _ = writeln!(
            o,
            "  {:<14} {} {} {} {}",
            or_dash(d.locator.as_deref()),
            d.size_bytes.map_or("?".into(), |b| gib(w, b)),
            or_dash(d.memory_type.as_deref()),
            d.speed_mts.map_or("-".into(), |s| format!("{s} MT/s")),
            or_dash(d.part_number.as_deref())
        );
    }
}

/// One line per disk with its SMART summary.
fn disks(o: &mut String, a: &Audit, w: &Words) {
    let _ = writeln!(o, "{}", w.sections[3]);
    for d in &a.disks {
        let smart = match (d.smart.state, &d.smart.data) {
            (SmartState::Ok, Some(data)) => {
                let health = match data.health {
                    Some(Health::Passed) => w.health[0],
                    Some(Health::Failed) => w.health[1],
                    Some(Health::Unknown) | None => w.health[2],
                };
                let mut line = (w.smart_line)(
                    health,
                    &data.power_on_hours.map_or("-".into(), |h| h.to_string()),
                    &data
                        .reallocated_sectors
                        .or(data.grown_defects)
                        .map_or("-".into(), |r| r.to_string()),
                    &data
                        .percentage_used
                        .map_or("-".into(), |p| format!("{p} %")),
                );
                // The signs of a worn drive, where the drive reports any.
                for (what, value) in w.worn.iter().zip([
                    data.pending_sectors,
                    data.offline_uncorrectable,
                    data.reported_uncorrectable,
                    data.uncorrected_errors,
                    data.media_errors,
                ]) {
                    if let Some(n) = value.filter(|n| *n > 0) {
                        let _ = write!(line, ", {what} {n}");
                    }
                }
                line
            }
            (state, _) => format!(
                "SMART: {}{}",
                smart_text(w, state),
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
            gib(w, d.drive.size_bytes),
            if d.is_ssd() { "SSD" } else { "HDD" },
            or_dash(d.drive.model.as_deref()),
            smart
        );
    }
}

/// One line per battery.
fn batteries(o: &mut String, a: &Audit, w: &Words) {
    for b in &a.batteries {
        section(o, w.sections[4]);
        let _ = writeln!(
            o,
            "{}",
            (w.battery)(
                &b.name,
                &b.health_pct
                    .map_or("-".into(), |h| format!("{} %", one_decimal(w, h))),
                &b.cycle_count.map_or("-".into(), |n| n.to_string())
            )
        );
    }
}

/// Windows licence tables (MSDM key masked unless shown on purpose, SLIC).
fn licence(o: &mut String, a: &Audit, w: &Words) {
    let unknown = |field: &str| {
        if field.is_empty() {
            w.unknown.to_owned()
        } else {
            field.to_owned()
        }
    };
    let msdm = match &a.licence.msdm {
        MsdmStatus::Absent => w.no_msdm.to_string(),
        MsdmStatus::Present {
            key_masked,
            key,
            oem_id,
            ..
        } => (w.windows_key)(key.as_deref().unwrap_or(key_masked), &unknown(oem_id)),
        MsdmStatus::Malformed { error, fault } => {
            format!(
                "MSDM {}: {}",
                w.malformed,
                fault_text(w, error, fault.as_ref())
            )
        }
    };
    let slic = match &a.licence.slic {
        SlicStatus::Absent => w.no_slic.to_string(),
        SlicStatus::Present {
            oem_id,
            oem_table_id,
        } => format!("SLIC {}/{}", unknown(oem_id), unknown(oem_table_id)),
        SlicStatus::Unusable {
            oem_id,
            oem_table_id,
            reason,
            defect,
        } => format!(
            "SLIC {}/{} {}: {}",
            unknown(oem_id),
            unknown(oem_table_id),
            w.unusable,
            defect.map_or_else(|| reason.clone(), w.slic_defect)
        ),
        SlicStatus::Malformed { error, fault } => {
            format!(
                "SLIC {}: {}",
                w.malformed,
                fault_text(w, error, fault.as_ref())
            )
        }
    };
    section(o, w.sections[5]);
    let _ = writeln!(o, "{msdm}; {slic}");
}

/// A malformed table's fault: worded from the data, else the document's English.
fn fault_text(w: &Words, error: &str, fault: Option<&AcpiError>) -> String {
    fault.map_or_else(|| error.to_owned(), w.acpi_error)
}

/// Boot mode, Secure Boot, TPM, GPUs and network interfaces.
fn platform(o: &mut String, a: &Audit, w: &Words) {
    let p = &a.platform;
    section(o, w.sections[6]);
    let _ = writeln!(
        o,
        "{}",
        (w.platform)(
            boot_text(w, p.boot_mode),
            secure_boot_text(w, p.secure_boot),
            &p.tpm.as_ref().map_or(w.tpm_none.to_string(), |t| t
                .version
                .clone()
                .unwrap_or_else(|| "?".into())),
            p.gpus.len(),
            p.network_interfaces.len()
        )
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
            if n.wireless { w.wireless } else { "" }
        );
    }
}

/// The fitness grade and each rule.
fn fitness(o: &mut String, a: &Audit, w: &Words) {
    let f = &a.fitness;
    section(o, w.sections[7]);
    let _ = writeln!(
        o,
        "{}",
        w.grades[match f.grade {
            Grade::A => 0,
            Grade::B => 1,
            Grade::C => 2,
            Grade::Unfit => 3,
        }]
    );
    for r in &f.rules {
        let mark = w.marks[match r.status {
            Status::Pass => 0,
            Status::Fail => 1,
            Status::Unknown => 2,
            Status::NotApplicable => 3,
        }];
        let detail = r
            .reason
            .as_ref()
            .map_or_else(|| r.detail.clone(), w.rule_reason);
        let _ = writeln!(o, "  {mark} {:<18} {detail}", r.id);
    }
}

/// Windows 11 hardware floor and the checks it misses.
fn windows11(o: &mut String, a: &Audit, w: &Words) {
    let floor = &a.fitness.windows11;
    section(o, w.sections[8]);
    let _ = writeln!(
        o,
        "{}",
        if floor.meets_floor {
            w.windows11_meets
        } else {
            w.windows11_not
        }
    );
    for c in floor.checks.iter().filter(|c| !c.passed) {
        let detail = c
            .reason
            .as_ref()
            .map_or_else(|| c.detail.clone(), w.check_reason);
        let name = check_name(&c.name, w.check_name);
        let _ = writeln!(o, "  {} {name:<20} {detail}", w.missing);
    }
}

/// Problems met while collecting: worded from the data where the document has it for each.
fn problems(o: &mut String, a: &Audit, w: &Words) {
    let lines: Vec<String> = if a.problem_reasons.len() == a.problems.len() {
        a.problem_reasons.iter().map(w.problem).collect()
    } else {
        a.problems.clone()
    };
    for p in lines {
        section(o, w.sections[9]);
        let _ = writeln!(o, "{p}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_the_unit_that_fits_as_in_tabula_devices() {
        let german = Words {
            decimal_comma: true,
            ..ENGLISH
        };
        assert_eq!(gib(&ENGLISH, 256_060_514_304), "238.5 GiB");
        assert_eq!(gib(&german, 8 << 30), "8,0 GiB");
        assert_eq!(gib(&ENGLISH, 32 << 20), "32.0 MiB", "never 0.0 GiB");
        assert_eq!(gib(&ENGLISH, 1536), "1.5 KiB");
        assert_eq!(gib(&ENGLISH, 0), "0 B");
    }
}
