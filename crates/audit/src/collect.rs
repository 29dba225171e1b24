//! Putting an audit together: every collector reads through one [`Root`].

use std::path::PathBuf;

use crate::acpi::{self, AcpiError};
use crate::battery;
use crate::cpu;
use crate::disks::{self, Disk, SmartctlSource};
use crate::document::{
    Audit, IdentitySource, Licence, Memory, MsdmStatus, SCHEMA_VERSION, SlicStatus, SystemIdentity,
};
use crate::platform::{self, BootMode};
use crate::problem::Problem;
use crate::root::Root;
use crate::rules::{self, Rules, Subject};
use crate::smbios::{self, Bios, Board, Chassis, Smbios, chassis_kind, is_portable};
use crate::win11;

/// What to collect and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// `/` for the running machine, or a captured tree.
    pub root: PathBuf,
    pub smartctl: SmartctlSource,
    /// Put the full product key in the document (never by default).
    pub show_key: bool,
    /// Fitness rules; the built-in defaults when `None`.
    pub rules: Option<Rules>,
    /// On a live root, ask each drive for its firmware erase capabilities (read-only commands:
    /// NVMe Identify, ATA IDENTIFY DEVICE, SCSI INQUIRY).
    pub probe_capabilities: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            root: PathBuf::from("/"),
            smartctl: SmartctlSource::Auto,
            show_key: false,
            rules: None,
            probe_capabilities: true,
        }
    }
}

impl Options {
    /// Options reading from `root`, everything else default.
    pub fn with_root(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            ..Self::default()
        }
    }
}

/// Why no audit could be made at all (individual sources failing only leave gaps and `problems`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    #[error("audit root {path} is not a readable directory")]
    Root {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Collects an audit as `options` say.
pub fn collect(options: &Options) -> Result<Audit, AuditError> {
    std::fs::read_dir(&options.root).map_err(|source| AuditError::Root {
        path: options.root.clone(),
        source,
    })?;
    let root = Root::new(&options.root);
    Ok(collect_from(&root, options))
}

/// Collects through an existing [`Root`] (whose record of touched files a capture then copies).
pub fn collect_from(root: &Root, options: &Options) -> Audit {
    let mut problems = Vec::new();
    let smbios = read_smbios(root, &mut problems);
    let (system, board, chassis, bios) = identity(root, smbios.as_ref());
    let memory = memory(root, smbios.as_ref());
    let mut cpu = cpu::collect(root);
    if cpu.cores.is_none()
        && let Some(s) = &smbios
    {
        // /proc/cpuinfo without "core id" (some hypervisors): the firmware's core counts.
        let cores: u32 = s
            .processors
            .iter()
            .filter(|p| p.populated)
            .filter_map(|p| p.core_count)
            .map(u32::from)
            .sum();
        cpu.cores = (cores > 0).then_some(cores);
    }
    let disks = read_disks(root, options, &mut problems);
    let batteries = battery::collect(root);
    let licence = licence(root, options.show_key, &mut problems);
    let platform = platform::collect(root);

    let portable = chassis.as_ref().is_some_and(|c| is_portable(&c.kind));
    let windows11 = win11::judge(&win11::Facts {
        tpm_version: platform.tpm.as_ref().and_then(|t| t.version.as_deref()),
        uefi_booted: platform.boot_mode == BootMode::Uefi,
        uefi_supported_by_firmware: bios.as_ref().and_then(|b| b.uefi_supported),
        secure_boot_capable: platform.secure_boot_capable,
        cpu_model: cpu.model.as_deref(),
        x86_64: cpu.x86_64,
        ram_bytes: memory.effective_bytes(),
        largest_internal_disk_bytes: disks
            .iter()
            .filter(|d| d.is_internal())
            .map(|d| d.drive.size_bytes)
            .max(),
    });
    let rule_set = options.rules.clone().unwrap_or_else(Rules::defaults);
    let subject = Subject {
        ram_bytes: memory.effective_bytes(),
        x86_64: cpu.model.is_some().then_some(cpu.x86_64),
        threads: (cpu.threads > 0).then_some(cpu.threads),
        disks: &disks,
        batteries: &batteries,
        portable,
        windows11: &windows11,
    };
    let fitness = rules::evaluate(&rule_set, &subject, windows11.clone());

    Audit {
        schema_version: SCHEMA_VERSION,
        tabula_version: env!("CARGO_PKG_VERSION").to_string(),
        collected_at: chrono::Utc::now(),
        root: root.dir().to_path_buf(),
        system,
        board,
        chassis,
        bios,
        cpu,
        memory,
        disks,
        batteries,
        licence,
        platform,
        fitness,
        problems: problems.iter().map(Problem::to_string).collect(),
        problem_reasons: problems,
    }
}

fn read_smbios(root: &Root, problems: &mut Vec<Problem>) -> Option<Smbios> {
    let entry = root.read_opt("sys/firmware/dmi/tables/smbios_entry_point");
    let table = root.read_opt("sys/firmware/dmi/tables/DMI");
    match (entry, table) {
        (Ok(Some(entry)), Ok(Some(table))) => match smbios::parse(&entry, &table) {
            Ok(parsed) => {
                problems.extend(parsed.errors.iter().map(|e| Problem::SmbiosTable {
                    detail: e.to_string(),
                    error: Some(e.clone()),
                }));
                Some(parsed)
            }
            Err(err) => {
                problems.push(Problem::SmbiosIgnored {
                    detail: err.to_string(),
                    error: Some(err),
                });
                None
            }
        },
        (Err(err), _) | (_, Err(err)) => {
            problems.push(Problem::SmbiosUnreadable {
                detail: err.to_string(),
            });
            None
        }
        _ => None,
    }
}

type Identity = (SystemIdentity, Option<Board>, Option<Chassis>, Option<Bios>);

fn identity(root: &Root, smbios: Option<&Smbios>) -> Identity {
    if let Some(s) = smbios
        && let Some(sys) = s.system.clone()
    {
        let system = SystemIdentity {
            source: IdentitySource::Smbios,
            smbios_version: Some(s.version.clone()),
            vendor: sys.manufacturer,
            product: sys.product,
            version: sys.version,
            serial: sys.serial,
            uuid: sys.uuid,
            sku: sys.sku,
            family: sys.family,
        };
        return (system, s.board.clone(), s.chassis.clone(), s.bios.clone());
    }
    // The kernel passes the vendor's placeholders through ("To be filled by O.E.M.").
    let id = |name: &str| crate::smbios::real(root.attr(format!("sys/class/dmi/id/{name}")));
    let vendor = id("sys_vendor");
    let product = id("product_name");
    let source = if vendor.is_some() || product.is_some() {
        IdentitySource::Sysfs
    } else {
        IdentitySource::None
    };
    let system = SystemIdentity {
        source,
        smbios_version: None,
        vendor,
        product,
        version: id("product_version"),
        serial: id("product_serial"),
        uuid: id("product_uuid").map(|u| u.to_ascii_lowercase()),
        sku: id("product_sku"),
        family: id("product_family"),
    };
    let board = id("board_vendor").or(id("board_name")).map(|_| Board {
        manufacturer: id("board_vendor"),
        product: id("board_name"),
        version: id("board_version"),
        serial: id("board_serial"),
    });
    let chassis = id("chassis_type")
        .and_then(|t| t.parse::<u8>().ok())
        .map(|code| Chassis {
            manufacturer: id("chassis_vendor"),
            type_code: code,
            kind: chassis_kind(code).to_string(),
            version: id("chassis_version"),
            serial: id("chassis_serial"),
            asset_tag: id("chassis_asset_tag"),
        });
    let bios = id("bios_vendor").or(id("bios_version")).map(|_| Bios {
        vendor: id("bios_vendor"),
        version: id("bios_version"),
        release_date: id("bios_date"),
        uefi_supported: None,
        virtual_machine: None,
    });
    (system, board, chassis, bios)
}

fn memory(root: &Root, smbios: Option<&Smbios>) -> Memory {
    let kernel_total_bytes = cpu::total_ram_bytes(root);
    match smbios.filter(|s| !s.memory_devices.is_empty()) {
        Some(s) => {
            let slots = s.system_memory_devices().count();
            Memory {
                kernel_total_bytes,
                installed_bytes: Some(s.installed_memory_bytes()),
                slots: u32::try_from(slots).ok(),
                empty_slots: u32::try_from(s.empty_slots()).ok(),
                devices: s.memory_devices.clone(),
            }
        }
        None => Memory {
            kernel_total_bytes,
            installed_bytes: None,
            slots: None,
            empty_slots: None,
            devices: Vec::new(),
        },
    }
}

fn read_disks(root: &Root, options: &Options, problems: &mut Vec<Problem>) -> Vec<Disk> {
    match tabula_device::device::discover(root.dir()) {
        // The machine's drives: not the loop devices without a file or zram a live system has
        // (a drive without a medium, an empty card reader, is hardware and stays).
        Ok(drives) => drives
            .into_iter()
            .filter(|d| !d.is_virtual_noise())
            .map(|drive| {
                let smart = disks::smart_for(&drive, root, &options.smartctl);
                let capabilities = (root.is_live() && options.probe_capabilities)
                    .then(|| tabula_device::probe::capabilities_of(&drive));
                Disk {
                    drive,
                    smart,
                    capabilities,
                }
            })
            .collect(),
        Err(err) => {
            problems.push(Problem::DriveDiscovery {
                detail: err.to_string(),
            });
            Vec::new()
        }
    }
}

fn licence(root: &Root, show_key: bool, problems: &mut Vec<Problem>) -> Licence {
    let mut read = |name: &str| match root.read_opt(format!("sys/firmware/acpi/tables/{name}")) {
        Ok(bytes) => bytes.map(Ok),
        Err(err) => {
            problems.push(Problem::AcpiUnreadable {
                table: name.to_owned(),
                detail: err.to_string(),
            });
            Some(Err(AcpiError::Unreadable {
                detail: err.to_string(),
            }))
        }
    };
    let msdm = match read("MSDM") {
        None => MsdmStatus::Absent,
        Some(Err(fault)) => MsdmStatus::malformed(fault),
        Some(Ok(bytes)) => match acpi::parse_msdm(&bytes) {
            Ok(t) => MsdmStatus::Present {
                oem_id: t.header.oem_id,
                oem_table_id: t.header.oem_table_id,
                key_masked: t.key.masked(),
                key_blake3: t.key.blake3_hex(),
                key: show_key.then(|| t.key.reveal().to_string()),
            },
            Err(fault) => MsdmStatus::malformed(fault),
        },
    };
    let slic = match read("SLIC") {
        None => SlicStatus::Absent,
        Some(Err(fault)) => SlicStatus::malformed(fault),
        Some(Ok(bytes)) => match acpi::parse_slic(&bytes) {
            Ok(t) => match t.defect {
                None => SlicStatus::Present {
                    oem_id: t.header.oem_id,
                    oem_table_id: t.header.oem_table_id,
                },
                Some(defect) => SlicStatus::Unusable {
                    oem_id: t.header.oem_id,
                    oem_table_id: t.header.oem_table_id,
                    reason: defect.to_string(),
                    defect: Some(defect),
                },
            },
            Err(fault) => SlicStatus::malformed(fault),
        },
    };
    for (name, fault) in [("MSDM", msdm.fault()), ("SLIC", slic.fault())] {
        if let Some(error) = fault {
            problems.push(Problem::AcpiMalformed {
                table: name.to_owned(),
                error: error.clone(),
            });
        }
    }
    Licence { msdm, slic }
}
