//! ATA PASS-THROUGH(16) (SCSI / ATA Translation 4, "SAT-4" 12.2.2): how an [`AtaCommand`] becomes
//! a CDB and how the ATA registers come back in sense data. Pure functions, shared by the Linux
//! `SG_IO` transport and the simulators.

use super::scsi::{self, Sense};
use super::{AtaCommand, AtaOutput, AtaProtocol, TransportError};

pub const OPCODE: u8 = 0x85;

/// What to tell the technician when ATA commands do not reach the drive.
pub const NO_PASSTHROUGH: &str = "the drive or its USB bridge does not pass ATA commands \
     (no SAT ATA pass-through): attach the drive directly (SATA port or a bridge with SAT support)";

/// The 16-byte CDB (SAT-4 table 170); data is counted in 512-byte blocks in the COUNT field.
/// Non-data commands set CK_COND, so the drive's registers come back in sense data even on
/// success (SANITIZE STATUS, READ NATIVE MAX ADDRESS answer in them). Data commands do not
/// (as hdparm does not): Linux's libahci takes a PIO data-in command's status from the PIO
/// Setup FIS, which QEMU's AHCI sends with DRQ still set, and with CK_COND libata then reports
/// the successful IDENTIFY DEVICE as ABORTED COMMAND. Without CK_COND a data command that
/// succeeded answers GOOD without sense, and one that failed still brings its registers.
pub fn cdb(cmd: &AtaCommand) -> [u8; 16] {
    let protocol: u8 = match cmd.protocol {
        AtaProtocol::NonData => 3,
        AtaProtocol::PioIn => 4,
        AtaProtocol::PioOut => 5,
    };
    let mut c = [0u8; 16];
    c[0] = OPCODE;
    c[1] = protocol << 1 | u8::from(cmd.extend);
    // Byte 2: CK_COND (bit 5) without data; for data: T_DIR (bit 3, from device), BYTE_BLOCK
    // (bit 2) and T_LENGTH = 10b (length in the COUNT field).
    c[2] = match cmd.protocol {
        AtaProtocol::NonData => 0x20,
        AtaProtocol::PioIn => 0x08 | 0x04 | 0x02,
        AtaProtocol::PioOut => 0x04 | 0x02,
    };
    let [fh, fl] = cmd.features.to_be_bytes();
    let [ch, cl] = cmd.count.to_be_bytes();
    let lba = cmd.lba.to_le_bytes();
    let mut device = cmd.device;
    if cmd.extend {
        c[3] = fh;
        c[5] = ch;
        c[7] = lba[3];
        c[9] = lba[4];
        c[11] = lba[5];
    } else {
        // 28-bit commands carry LBA bits 27:24 in the device register.
        device |= lba[3] & 0x0F;
    }
    c[4] = fl;
    c[6] = cl;
    c[8] = lba[0];
    c[10] = lba[1];
    c[12] = lba[2];
    c[13] = device;
    c[14] = cmd.command;
    c
}

/// The outcome of `cmd` sent as [`cdb`] built it. A data command (no CK_COND) that answers GOOD
/// without sense succeeded; its registers are not returned, so the output shows the status of a
/// drive that completed a command (DRDY and DSC, 50h) and zeros. Everything else is [`decode`]d.
pub fn answer(cmd: &AtaCommand, status: u8, sense: &[u8]) -> Result<AtaOutput, TransportError> {
    if cmd.protocol != AtaProtocol::NonData && status == scsi::STATUS_GOOD && sense.is_empty() {
        return Ok(AtaOutput {
            status: 0x50,
            ..AtaOutput::default()
        });
    }
    decode(status, sense)
}

/// The ATA registers from the SCSI status and sense of a pass-through command: the ATA Status
/// Return descriptor (SAT-4 12.2.5, type 09h) in descriptor format, or the fixed-format fields
/// (SAT-4 12.2.6). Without either, the command never reached an ATA drive.
pub fn decode(status: u8, sense: &[u8]) -> Result<AtaOutput, TransportError> {
    let parsed = Sense::decode(sense);
    if let Some(s) = &parsed {
        if let Some(d) = s.descriptor(0x09).filter(|d| d.len() >= 14) {
            let lba = u64::from(d[7])
                | u64::from(d[9]) << 8
                | u64::from(d[11]) << 16
                | u64::from(d[6]) << 24
                | u64::from(d[8]) << 32
                | u64::from(d[10]) << 40;
            return Ok(failed_by_key(
                s.key,
                AtaOutput {
                    error: d[3],
                    count: u16::from_be_bytes([d[4], d[5]]),
                    lba,
                    device: d[12],
                    status: d[13],
                },
            ));
        }
        // Fixed format carries ATA registers only with ASC/ASCQ 00h/1Dh (ATA pass-through
        // information available) or when the SATL reports an aborted ATA command.
        if let Some(info) = s.fixed_info {
            let ata_info =
                (s.asc == 0x00 && s.ascq == 0x1D) || s.key == scsi::SENSE_ABORTED_COMMAND;
            if ata_info {
                // info[0..9] are sense bytes 3..11: ERROR, STATUS, DEVICE, COUNT(7:0), flags,
                // LOG INDEX, LBA(7:0), LBA(15:8), LBA(23:16).
                return Ok(failed_by_key(
                    s.key,
                    AtaOutput {
                        error: info[0],
                        status: info[1],
                        device: info[2],
                        count: u16::from(info[3]),
                        lba: u64::from(info[6])
                            | u64::from(info[7]) << 8
                            | u64::from(info[8]) << 16,
                    },
                ));
            }
        }
        if s.key == scsi::SENSE_ILLEGAL_REQUEST {
            return Err(TransportError::Unsupported(NO_PASSTHROUGH.to_owned()));
        }
        return Err(TransportError::Unsupported(format!(
            "ATA pass-through failed without ATA registers ({})",
            scsi::status_text(&super::ScsiOutput {
                status,
                sense: sense.to_vec(),
            })
        )));
    }
    // GOOD without sense although CK_COND asked for the registers: a translator that ignores
    // the pass-through bits.
    Err(TransportError::Unsupported(NO_PASSTHROUGH.to_owned()))
}

/// A command the SATL reports with sense key ABORTED COMMAND, MEDIUM ERROR or HARDWARE ERROR
/// failed, whatever the registers say: Linux before 6.10 (Debian 12's 6.1 included, unless its
/// stable update carries the fix) writes the registers of a fixed-format answer 5 bytes too far
/// on ("ata: libata-scsi: Fix offsets for the fixed format sense data"), so an aborted command
/// reads back with a zero status register there. Such an answer keeps its registers and gets
/// ERR set, so it is never taken for success.
fn failed_by_key(key: u8, mut out: AtaOutput) -> AtaOutput {
    let failing = matches!(
        key,
        scsi::SENSE_ABORTED_COMMAND | scsi::SENSE_MEDIUM_ERROR | SENSE_HARDWARE_ERROR
    );
    if failing && !out.failed() {
        out.status |= 0x01;
    }
    out
}

const SENSE_HARDWARE_ERROR: u8 = 0x4;

/// Builds the descriptor-format sense that a SAT layer returns for `out` (RECOVERED ERROR 00h/1Dh
/// on success, ABORTED COMMAND when ERR or DF is set). For simulators and fixtures.
pub fn return_sense(out: &AtaOutput, extend: bool) -> Vec<u8> {
    let lba = out.lba.to_le_bytes();
    let [ch, cl] = out.count.to_be_bytes();
    let d = [
        0x09,
        0x0C,
        u8::from(extend),
        out.error,
        ch,
        cl,
        lba[3],
        lba[0],
        lba[4],
        lba[1],
        lba[5],
        lba[2],
        out.device,
        out.status,
    ];
    let key = if out.failed() {
        scsi::SENSE_ABORTED_COMMAND
    } else {
        scsi::SENSE_RECOVERED_ERROR
    };
    scsi::descriptor_sense(key, 0x00, 0x1D, &[&d])
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::command::ata;

    #[test]
    fn identify_cdb() {
        // PIO Data-In, no CK_COND (QEMU's AHCI: see `cdb`), T_DIR, BYTE_BLOCK, T_LENGTH in COUNT.
        let c = cdb(&ata::identify());
        assert_eq!(
            c,
            [
                0x85, 0x08, 0x0E, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x40, 0xEC, 0
            ]
        );
        // Non-data commands ask for the registers (CK_COND).
        assert_eq!(cdb(&ata::read_native_max_ext())[2], 0x20);
        assert_eq!(cdb(&ata::security_erase_prepare())[2], 0x20);
        assert_eq!(cdb(&ata::security_set_password())[2], 0x06);
    }

    #[test]
    fn data_command_good_without_sense_is_success() {
        // The regression: QEMU's AHCI with CK_COND answered IDENTIFY DEVICE with ABORTED
        // COMMAND; without CK_COND it answers GOOD and no sense.
        let out = answer(&ata::identify(), scsi::STATUS_GOOD, &[]).unwrap();
        assert!(!out.failed());
        assert_eq!(out.status, 0x50);
        // A non-data command must bring its registers: GOOD without sense is a translator that
        // ignored the pass-through.
        let err = answer(&ata::read_native_max_ext(), scsi::STATUS_GOOD, &[]).unwrap_err();
        assert!(matches!(err, TransportError::Unsupported(_)));
        // A data command that failed brings its registers and fails.
        let aborted = AtaOutput {
            status: 0x51,
            error: 0x04,
            ..AtaOutput::default()
        };
        let sense = return_sense(&aborted, false);
        let out = answer(&ata::identify(), scsi::STATUS_CHECK_CONDITION, &sense).unwrap();
        assert!(out.failed());
        // Refused by a bridge: ILLEGAL REQUEST.
        let sense = scsi::descriptor_sense(scsi::SENSE_ILLEGAL_REQUEST, 0x20, 0x00, &[]);
        assert!(answer(&ata::identify(), scsi::STATUS_CHECK_CONDITION, &sense).is_err());
    }

    #[test]
    fn extended_cdb_places_lba_bytes() {
        let cmd = AtaCommand {
            protocol: AtaProtocol::NonData,
            command: 0x37,
            features: 0x1234,
            count: 0x5678,
            lba: 0x0000_AABB_CCDD_EEFF,
            device: 0x40,
            extend: true,
            timeout: Duration::from_secs(1),
        };
        let c = cdb(&cmd);
        assert_eq!(&c[..3], &[0x85, 0x07, 0x20]);
        assert_eq!(&c[3..7], &[0x12, 0x34, 0x56, 0x78]);
        // LBA (31:24), (7:0), (39:32), (15:8), (47:40), (23:16)
        assert_eq!(&c[7..13], &[0xCC, 0xFF, 0xBB, 0xEE, 0xAA, 0xDD]);
        // 28-bit: LBA bits 27:24 go to the device register.
        let c = cdb(&AtaCommand {
            extend: false,
            lba: 0x0F12_3456,
            ..cmd
        });
        assert_eq!((c[7], c[13]), (0, 0x4F));
    }

    #[test]
    fn registers_round_trip_through_sense() {
        let out = AtaOutput {
            status: 0x50,
            error: 0,
            count: 0x8000,
            lba: 0x0000_1234_5678_9ABC,
            device: 0x40,
        };
        let sense = return_sense(&out, true);
        assert_eq!(decode(scsi::STATUS_CHECK_CONDITION, &sense).unwrap(), out);
        let aborted = AtaOutput {
            status: 0x51,
            error: 0x04,
            ..out
        };
        let sense = return_sense(&aborted, true);
        assert_eq!(sense[1], scsi::SENSE_ABORTED_COMMAND);
        assert!(decode(2, &sense).unwrap().failed());
    }

    #[test]
    fn fixed_format_registers() {
        let mut s = vec![0u8; 18];
        s[0] = 0x70;
        s[2] = scsi::SENSE_RECOVERED_ERROR;
        s[3] = 0x04; // error
        s[4] = 0x51; // status
        s[5] = 0x40; // device
        s[6] = 0x01; // count
        s[9] = 0x10; // LBA 7:0
        s[12] = 0x00;
        s[13] = 0x1D;
        let out = decode(2, &s).unwrap();
        assert_eq!(
            (out.error, out.status, out.count, out.lba),
            (4, 0x51, 1, 0x10)
        );
    }

    #[test]
    fn aborted_command_in_misplaced_fixed_sense_is_a_failure() {
        // Linux 6.1's fixed-format answer to an aborted command: sense key ABORTED COMMAND,
        // and ERROR / STATUS written at bytes 8 and 9 instead of 3 and 4.
        let mut s = vec![0u8; 18];
        s[0] = 0x70;
        s[2] = scsi::SENSE_ABORTED_COMMAND;
        s[7] = 10;
        s[8] = 0x04; // error: ABRT
        s[9] = 0x51; // status: DRDY DSC ERR
        let out = decode(scsi::STATUS_CHECK_CONDITION, &s).unwrap();
        assert!(out.failed(), "{out:?}");
        // A correct fixed-format abort keeps its registers.
        let mut s = vec![0u8; 18];
        s[0] = 0x70;
        s[2] = scsi::SENSE_ABORTED_COMMAND;
        s[3] = 0x04;
        s[4] = 0x51;
        let out = decode(scsi::STATUS_CHECK_CONDITION, &s).unwrap();
        assert_eq!((out.error, out.status), (0x04, 0x51));
        // RECOVERED ERROR 00h/1Dh with a clean status stays a success.
        let mut s = vec![0u8; 18];
        s[0] = 0x70;
        s[2] = scsi::SENSE_RECOVERED_ERROR;
        s[4] = 0x50;
        s[12] = 0x00;
        s[13] = 0x1D;
        assert!(!decode(2, &s).unwrap().failed());
    }

    #[test]
    fn bridge_without_passthrough_is_named() {
        // ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE (20h/00h), no ATA descriptor.
        let sense = scsi::descriptor_sense(scsi::SENSE_ILLEGAL_REQUEST, 0x20, 0x00, &[]);
        let err = decode(2, &sense).unwrap_err();
        assert!(
            err.to_string().contains("attach the drive directly"),
            "{err}"
        );
        // GOOD and no sense at all: the bits were ignored.
        let err = decode(0, &[]).unwrap_err();
        assert!(matches!(err, TransportError::Unsupported(_)));
    }
}
