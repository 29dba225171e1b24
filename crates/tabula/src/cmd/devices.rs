//! `tabula devices`: the drive table with verdicts.

use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;
use tabula_device::capabilities::Capabilities;
use tabula_device::probe::{FirmwareIdentity, inspect};
use tabula_device::{Drive, Verdict, discover};

use super::Outcome;
use crate::human::bytes;
use crate::i18n::reasons::exclusions;
use crate::i18n::t;
use crate::tui::theme::printable;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the full drive records as JSON.
    #[arg(long)]
    json: bool,
    /// Also list what is no drive to a technician: loop devices without a file, zram, and
    /// drives without a medium.
    #[arg(long)]
    all: bool,
    /// Read /sys and /proc below this directory instead of / (captured trees).
    #[arg(long, default_value = "/", hide = true)]
    root: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut drives = discover(&args.root).context(crate::i18n::t().commands.errors.discovering)?;
    let before = drives.len();
    if !args.all {
        drives.retain(shown_by_default);
    }
    let hidden = before - drives.len();
    if args.json {
        // Firmware capabilities come from the drives themselves: only on the running system.
        let live = args.root == std::path::Path::new("/");
        let listed: Vec<Listed<'_>> = drives
            .iter()
            .map(|drive| {
                let (capabilities, identify) = match live.then(|| inspect(drive)) {
                    Some((caps, id)) => (Some(caps), id),
                    None => (None, None),
                };
                Listed {
                    drive,
                    capabilities,
                    identify,
                }
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&listed)?);
    } else {
        print!("{}", table(&drives));
        if hidden > 0 {
            println!("{}", (t().cli.hidden)(hidden));
        }
    }
    Ok(Outcome::Success)
}

/// A drive record in `--json`; on a live system with a `capabilities` field: what its firmware
/// can do (NVMe/ATA/SCSI erase commands, frozen/locked, hidden areas), or why no command
/// reaches it. A probe that fails never fails the listing. `identify` is what the drive's own
/// Identify / IDENTIFY DEVICE answer said (model, serial, the erase-relevant fields), when the
/// probe reached it.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    drive: &'a Drive,
    #[serde(skip_serializing_if = "Option::is_none")]
    capabilities: Option<Capabilities>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identify: Option<FirmwareIdentity>,
}

/// Whether a technician wants to see this block device in a list of drives: not a loop device
/// with no file behind it, not compressed RAM (zram), not a drive without a medium (size 0: an
/// empty card reader slot, an unattached loop device).
pub fn shown_by_default(d: &Drive) -> bool {
    !d.is_virtual_noise() && d.size_bytes > 0
}

/// The drive table as technicians see it.
pub fn table(drives: &[Drive]) -> String {
    let tx = t();
    let [device, size, bus, model, serial, verdict] = tx.cli.columns;
    let mut out = format!(
        "{:<12} {:>9} {:<7} {:<24} {:<20} {}\n",
        device, size, bus, model, serial, verdict
    );
    for d in drives {
        let verdict = match &d.verdict {
            Verdict::Wipeable => tx.machine.wipeable.to_owned(),
            Verdict::ExplicitOnly { reasons } => (tx.cli.explicit_only)(&exclusions(reasons)),
            Verdict::Excluded { reasons } => (tx.machine.excluded)(&exclusions(reasons)),
        };
        out.push_str(&format!(
            "{:<12} {:>9} {:<7} {:<24} {:<20} {}\n",
            d.path.display(),
            bytes(d.size_bytes),
            d.transport.to_string(),
            truncate(&printable(&model_column(d)), 24),
            truncate(&printable(d.serial.as_deref().unwrap_or("-")), 20),
            verdict
        ));
    }
    out
}

/// The model, or for a loop device the file behind it (its end, where the name is).
pub(crate) fn model_column(d: &Drive) -> String {
    match (&d.backing_file, &d.model) {
        (Some(file), _) => {
            let file = file.display().to_string();
            let tail: String = file
                .chars()
                .rev()
                .take(22)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if tail.len() < file.len() {
                format!("…{tail}")
            } else {
                file
            }
        }
        (None, Some(m)) => m.clone(),
        (None, None) => "-".to_owned(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use tabula_device::device::Bus;

    use super::*;

    fn drive(name: &str, size: u64) -> Drive {
        crate::test_support::drive(name, size, Verdict::Wipeable)
    }

    #[test]
    fn no_drives_to_a_technician_are_hidden_by_default() {
        let mut attached = drive("loop0", 1 << 20);
        attached.backing_file = Some("/tmp/disk.img".into());
        let mut card_reader = drive("sdc", 0);
        card_reader.transport = Bus::Usb;
        let mut ssd = drive("sda", 256_060_514_304);
        ssd.transport = Bus::Sata;
        let shown = |d: &Drive| shown_by_default(d);
        assert!(shown(&attached) && shown(&ssd));
        // An unattached loop device, compressed RAM, an empty card reader slot.
        assert!(!shown(&drive("loop7", 0)));
        assert!(!shown(&drive("loop8", 1 << 20)), "no file behind it");
        assert!(!shown(&drive("zram0", 4 << 30)));
        assert!(!shown(&card_reader));
    }

    #[test]
    fn the_table_shows_a_loop_devices_file_and_no_control_characters() {
        let mut stick = drive("sdb", 16_000_000_000);
        stick.transport = Bus::Usb;
        // A hostile USB stick names itself with terminal escapes.
        stick.model = Some("Evil\x1b[2J\x1b]0;owned\x07Stick".to_owned());
        stick.serial = Some("SN\r\x1b[31m1".to_owned());
        let mut image = drive("loop0", 1 << 20);
        image.backing_file = Some("/var/tmp/images/pupil-laptop-17.img".into());
        let text = table(&[stick, image]);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("SN[31m1"), "{text}");
        assert!(text.contains("…es/pupil-laptop-17.img"), "{text}");
        assert!(
            text.contains("14.9 GiB") && text.contains("1.0 MiB"),
            "{text}"
        );
    }
}
