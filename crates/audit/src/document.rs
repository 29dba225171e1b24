//! The audit document: one serde type, versioned by `schema_version`, documented in `docs/audit.md`.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::acpi::{AcpiError, SlicDefect};
use crate::battery::Battery;
use crate::cpu::Cpu;
use crate::disks::Disk;
use crate::platform::Platform;
use crate::problem::Problem;
use crate::rules::{Fitness, Grade};
use crate::smbios::{Bios, Board, Chassis, MemoryDevice};

/// The version of the JSON document's layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A complete hardware audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    pub schema_version: u32,
    /// Version of the `tabula-audit` crate that made the document.
    pub tabula_version: String,
    pub collected_at: DateTime<Utc>,
    /// The root the audit read (`/` for a live machine, or a capture directory).
    pub root: PathBuf,
    pub system: SystemIdentity,
    pub board: Option<Board>,
    pub chassis: Option<Chassis>,
    pub bios: Option<Bios>,
    pub cpu: Cpu,
    pub memory: Memory,
    pub disks: Vec<Disk>,
    pub batteries: Vec<Battery>,
    pub licence: Licence,
    pub platform: Platform,
    pub fitness: Fitness,
    /// Things that went wrong while collecting (malformed tables, unreadable files...), in
    /// English words.
    pub problems: Vec<String>,
    /// The same problems as data, in the same order, for words in any language; absent in
    /// documents made before it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problem_reasons: Vec<Problem>,
}

/// Where the system identity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentitySource {
    /// Raw SMBIOS tables (`/sys/firmware/dmi/tables`).
    Smbios,
    /// The kernel's decoded view (`/sys/class/dmi/id`), when the raw tables are missing or broken.
    Sysfs,
    /// Neither (e.g. a VM or board without DMI).
    None,
}

/// What machine this is (SMBIOS type 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemIdentity {
    pub source: IdentitySource,
    /// SMBIOS version (`"3.2"`) when read from the raw tables.
    pub smbios_version: Option<String>,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    pub serial: Option<String>,
    pub uuid: Option<String>,
    pub sku: Option<String>,
    pub family: Option<String>,
}

/// Memory: what the kernel sees and what sits in the slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// `MemTotal` from `/proc/meminfo` (less than installed: firmware and graphics reserve some).
    pub kernel_total_bytes: Option<u64>,
    /// Sum of the installed modules (SMBIOS type 17).
    pub installed_bytes: Option<u64>,
    /// Slots of system-memory arrays (SMBIOS type 17 devices).
    pub slots: Option<u32>,
    pub empty_slots: Option<u32>,
    /// Every memory device, populated or empty.
    pub devices: Vec<MemoryDevice>,
}

impl Memory {
    /// The RAM size rules judge: installed modules if known, else the kernel total rounded up to whole GiB.
    pub fn effective_bytes(&self) -> Option<u64> {
        const GIB: u64 = 1 << 30;
        self.installed_bytes
            .filter(|b| *b > 0)
            .or(self.kernel_total_bytes.map(|t| t.div_ceil(GIB) * GIB))
    }
}

/// Windows OEM licence tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licence {
    pub msdm: MsdmStatus,
    pub slic: SlicStatus,
}

/// The MSDM table (Windows 8+ OEM product key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MsdmStatus {
    Absent,
    Present {
        oem_id: String,
        oem_table_id: String,
        /// `XXXXX-XXXXX-XXXXX-XXXXX-ABCDE`: all but the last five characters masked.
        key_masked: String,
        /// BLAKE3 of the key's ASCII bytes, lower-case hex, for matching without the key.
        key_blake3: String,
        /// The full key: only present when asked for (`--show-key`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    },
    /// The table exists but failed validation; nothing in it is trusted.
    Malformed {
        /// What is wrong, in English words.
        error: String,
        /// The same as data; absent in documents made before it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fault: Option<AcpiError>,
    },
}

/// The SLIC table (Windows Vista/7 OEM activation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SlicStatus {
    Absent,
    Present {
        oem_id: String,
        oem_table_id: String,
    },
    /// A valid header around a body that cannot activate anything (blank, no key, no marker).
    Unusable {
        oem_id: String,
        oem_table_id: String,
        /// Why, in English words.
        reason: String,
        /// The same as data; absent in documents made before it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        defect: Option<SlicDefect>,
    },
    Malformed {
        error: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fault: Option<AcpiError>,
    },
}

/// `malformed` and `fault` for a licence table's status: both tables fail validation alike.
macro_rules! malformed_table {
    ($status:ty) => {
        impl $status {
            /// A table that failed validation, with the fault in words and as data.
            pub fn malformed(fault: AcpiError) -> Self {
                Self::Malformed {
                    error: fault.to_string(),
                    fault: Some(fault),
                }
            }

            /// The typed fault of a malformed table.
            pub fn fault(&self) -> Option<&AcpiError> {
                match self {
                    Self::Malformed { fault, .. } => fault.as_ref(),
                    _ => None,
                }
            }
        }
    };
}

malformed_table!(MsdmStatus);
malformed_table!(SlicStatus);

impl Audit {
    pub fn vendor(&self) -> Option<&str> {
        self.system.vendor.as_deref()
    }

    pub fn product(&self) -> Option<&str> {
        self.system.product.as_deref()
    }

    pub fn serial(&self) -> Option<&str> {
        self.system.serial.as_deref()
    }

    pub fn uuid(&self) -> Option<&str> {
        self.system.uuid.as_deref()
    }

    /// Chassis kind (`laptop`, `desktop`, `tower`...).
    pub fn chassis_kind(&self) -> Option<&str> {
        self.chassis.as_ref().map(|c| c.kind.as_str())
    }

    pub fn cpu_model(&self) -> Option<&str> {
        self.cpu.model.as_deref()
    }

    /// RAM in bytes as the rules judge it (see [`Memory::effective_bytes`]).
    pub fn ram_bytes(&self) -> Option<u64> {
        self.memory.effective_bytes()
    }

    /// Lowest battery health in percent, if the machine has batteries.
    pub fn battery_health_pct(&self) -> Option<f64> {
        self.batteries
            .iter()
            .filter_map(|b| b.health_pct)
            .reduce(f64::min)
    }

    /// A valid MSDM table with a product key is present.
    pub fn has_windows_key(&self) -> bool {
        matches!(self.licence.msdm, MsdmStatus::Present { .. })
    }

    /// BLAKE3 of the product key, if present.
    pub fn key_digest(&self) -> Option<&str> {
        match &self.licence.msdm {
            MsdmStatus::Present { key_blake3, .. } => Some(key_blake3),
            _ => None,
        }
    }

    pub fn grade(&self) -> Grade {
        self.fitness.grade
    }

    /// Serializes the document as pretty JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}
