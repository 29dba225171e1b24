//! The raw command layer: one [`Transport`] trait for "send this NVMe admin command, ATA
//! PASS-THROUGH(16) or SCSI CDB and give me the status and the data".
//!
//! The Linux implementation (NVMe admin ioctl on the controller's char device, `SG_IO` on the
//! block or sg node) is the only place these commands touch a real drive; the firmware-erase state
//! machines in `tabula-wipe` and the capability probes in this crate only see the trait, so
//! scripted simulators can stand in for drives in tests. Command semantics (what a status means,
//! whether a drive's success can be trusted) belong to the callers, not to the transports.

use std::time::Duration;

pub mod ata;
mod linux;
pub mod nvme;
pub mod sat;
pub mod scsi;

pub use linux::{OpenError, open_transport, open_transport_as};

/// The data phase of a command.
#[derive(Debug)]
pub enum Data<'a> {
    /// No data transfer.
    None,
    /// The drive writes into this buffer (Identify, log pages, IDENTIFY DEVICE).
    In(&'a mut [u8]),
    /// The host sends this buffer (SECURITY SET PASSWORD, SANITIZE parameter lists).
    Out(&'a [u8]),
}

/// An NVMe admin command (NVMe Base Specification 2.0, figure 88: the submission queue entry's
/// command dwords; the transport fills in the data pointer and length from [`Data`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NvmeAdmin {
    pub opcode: u8,
    pub nsid: u32,
    pub cdw10: u32,
    pub cdw11: u32,
    pub cdw12: u32,
    pub cdw13: u32,
    pub cdw14: u32,
    pub cdw15: u32,
    pub timeout: Duration,
}

/// An NVMe completion as the kernel returns it: the status field (SCT << 8 | SC, without the
/// phase bit; 0 is success) and completion dword 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NvmeCompletion {
    pub status: u16,
    pub result: u32,
}

impl NvmeCompletion {
    pub fn is_success(self) -> bool {
        self.status == 0
    }
}

/// The ATA protocol of a pass-through command (SAT-4, table 131: the PROTOCOL field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtaProtocol {
    NonData,
    PioIn,
    PioOut,
}

/// An ATA command sent with ATA PASS-THROUGH(16) (SAT-4 12.2.2; ACS-4 for the registers).
/// 48-bit commands set `extend`; `lba` and `count` then use all their bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtaCommand {
    pub protocol: AtaProtocol,
    pub command: u8,
    pub features: u16,
    pub count: u16,
    pub lba: u64,
    pub device: u8,
    pub extend: bool,
    pub timeout: Duration,
}

/// The ATA registers after the command (from the ATA Status Return sense descriptor, SAT-4 12.2.5,
/// requested with CK_COND=1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AtaOutput {
    pub status: u8,
    pub error: u8,
    pub count: u16,
    pub lba: u64,
    pub device: u8,
}

impl AtaOutput {
    /// ERR (bit 0) or DF (bit 5) set in the status register: the drive aborted or failed it.
    pub fn failed(self) -> bool {
        self.status & 0x21 != 0
    }
}

/// A SCSI command: its CDB and timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScsiCommand {
    pub cdb: Vec<u8>,
    pub timeout: Duration,
}

/// The outcome of a SCSI command: the SCSI status byte (0 GOOD, 2 CHECK CONDITION) and the sense
/// data, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScsiOutput {
    pub status: u8,
    pub sense: Vec<u8>,
}

/// The command could not be delivered, or the transport cannot carry it at all. A command the
/// drive received and rejected is not an error here: it is a status in the output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// This transport cannot carry this kind of command (an NVMe command to a SATA drive, ATA
    /// pass-through to a loop device or a USB bridge that does not translate it).
    #[error("{0}")]
    Unsupported(String),
    /// The command did not complete within its timeout.
    #[error("the drive did not answer within {0:?}")]
    Timeout(Duration),
    /// The kernel refused or failed the request.
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// Sends raw commands to one drive. Implemented by the Linux transports and by the simulators.
pub trait Transport: Send {
    /// An NVMe admin command to the drive's controller.
    fn nvme_admin(
        &mut self,
        cmd: &NvmeAdmin,
        data: Data<'_>,
    ) -> Result<NvmeCompletion, TransportError>;
    /// An ATA command through ATA PASS-THROUGH(16).
    fn ata(&mut self, cmd: &AtaCommand, data: Data<'_>) -> Result<AtaOutput, TransportError>;
    /// A SCSI command.
    fn scsi(&mut self, cmd: &ScsiCommand, data: Data<'_>) -> Result<ScsiOutput, TransportError>;
    /// The NVMe namespace identifier of the drive, for commands addressed to one namespace
    /// (Identify Namespace, Format NVM); `None` when the drive is not an NVMe namespace.
    fn nvme_namespace(&self) -> Option<u32> {
        None
    }
}
