//! Removing ATA hidden areas before a wipe: a Host Protected Area (SET MAX ADDRESS EXT to the
//! native max, right after READ NATIVE MAX ADDRESS EXT; ACS-2 7.30, 7.47) and a Device
//! Configuration Overlay (DEVICE CONFIGURATION RESTORE; ACS-2 7.10.2, which the drive aborts
//! while an HPA is set, so the HPA goes first). Before and after are read from the drive.

use serde::{Deserialize, Serialize};
use tabula_device::capabilities::HiddenAreas;
use tabula_device::command::{Data, Transport, ata};
use tabula_device::probe::{hidden_areas, identify_device};

use super::CommandRecord;
use super::record::{Recorder, plain};

/// What hidden-area removal found and left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenRemoval {
    pub before: Option<HiddenAreas>,
    pub after: Option<HiddenAreas>,
    pub commands: Vec<CommandRecord>,
    /// Why a hidden area is still there, when one is.
    pub error: Option<String>,
}

impl HiddenRemoval {
    /// No hidden area is left, as read back from the drive.
    pub fn clear(&self) -> bool {
        self.error.is_none() && self.after.is_some_and(|a| !a.has_hpa() && !a.has_dco())
    }
}

/// IDENTIFY DEVICE, READ NATIVE MAX ADDRESS and DEVICE CONFIGURATION IDENTIFY.
fn read(t: &mut Recorder<'_>) -> Result<HiddenAreas, String> {
    let id = identify_device(t).map_err(|e| plain(&e))?;
    hidden_areas(t, &id).map_err(|e| plain(&e))
}

/// Reads the hidden areas and removes those found. The kernel keeps the old size of the block
/// device until it re-reads the capacity (`echo 1 > /sys/block/sdX/device/rescan`).
pub fn remove_hidden_areas(transport: &mut dyn Transport) -> HiddenRemoval {
    let mut t = Recorder::new(transport);
    let mut before = None;
    let mut after = None;
    let result = (|| -> Result<(), String> {
        let found = read(&mut t)?;
        before = Some(found);
        if found.has_hpa() {
            let native = t
                .ata(&ata::read_native_max_ext(), Data::None)
                .map_err(|e| plain(&e))?;
            if native.failed() {
                return Err(format!(
                    "READ NATIVE MAX ADDRESS EXT failed: {}",
                    ata::status_text(&native)
                ));
            }
            let out = t
                .ata(&ata::set_max_address_ext(native.lba), Data::None)
                .map_err(|e| plain(&e))?;
            if out.failed() {
                return Err(format!(
                    "the drive refused SET MAX ADDRESS EXT (the HPA may be locked by a SET MAX \
                     password or frozen): {}",
                    ata::status_text(&out)
                ));
            }
        }
        let now = read(&mut t)?;
        if now.has_dco() {
            let out = t
                .ata(&ata::dco_restore(), Data::None)
                .map_err(|e| plain(&e))?;
            if out.failed() {
                return Err(format!(
                    "the drive refused DEVICE CONFIGURATION RESTORE (DCO frozen?): {}",
                    ata::status_text(&out)
                ));
            }
        }
        let left = read(&mut t)?;
        after = Some(left);
        if left.has_hpa() || left.has_dco() {
            return Err(format!(
                "a hidden area is still there after removal ({} sectors visible, native {:?}, \
                 DCO {:?})",
                left.current_sectors, left.native_sectors, left.dco_sectors
            ));
        }
        Ok(())
    })();
    if after.is_none() && before.is_some() {
        // A removal that failed half-way: what the drive has now (an HPA gone, a DCO left).
        after = read(&mut t).ok();
    }
    HiddenRemoval {
        before,
        after,
        commands: t.records,
        error: result.err(),
    }
}
