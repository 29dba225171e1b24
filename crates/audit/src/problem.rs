//! What went wrong while collecting, as typed data ([`Problem`]) so front ends word it in their
//! language; the `Display` forms are the English `problems` strings the audit document has always
//! carried. The details are the technical causes (I/O errors, SMBIOS structure errors).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::acpi::AcpiError;
use crate::smbios::SmbiosError;

/// One thing that went wrong while collecting; the audit goes on without that source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Problem {
    /// The SMBIOS entry point is unusable: the tables are ignored.
    SmbiosIgnored {
        detail: String,
        /// `detail` typed (absent in documents from before it was kept).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<SmbiosError>,
    },
    /// The SMBIOS files exist but cannot be read.
    SmbiosUnreadable {
        detail: String,
    },
    /// The SMBIOS table stops early or has a broken structure; what came before is kept.
    SmbiosTable {
        detail: String,
        /// `detail` typed (absent in documents from before it was kept).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<SmbiosError>,
    },
    DriveDiscovery {
        detail: String,
    },
    /// An ACPI licence table (`MSDM`, `SLIC`) exists but cannot be read.
    AcpiUnreadable {
        table: String,
        detail: String,
    },
    /// An ACPI licence table failed validation; nothing in it is trusted.
    AcpiMalformed {
        table: String,
        error: AcpiError,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SmbiosIgnored { detail, .. } => write!(f, "SMBIOS tables ignored: {detail}"),
            Self::SmbiosUnreadable { detail } => write!(f, "cannot read SMBIOS tables: {detail}"),
            Self::SmbiosTable { detail, .. } => f.write_str(detail),
            Self::DriveDiscovery { detail } => write!(f, "drive discovery failed: {detail}"),
            Self::AcpiUnreadable { table, detail } => {
                write!(f, "cannot read ACPI {table}: {detail}")
            }
            Self::AcpiMalformed { table, error } => {
                write!(f, "ACPI {table} table is malformed: {error}")
            }
        }
    }
}
