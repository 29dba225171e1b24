//! Platform: firmware boot mode (UEFI or legacy), Secure Boot from efivars, the TPM, and PCI
//! display/network devices with network interfaces and their MAC addresses.

use serde::{Deserialize, Serialize};

use crate::root::Root;

/// The EFI global variable GUID (UEFI spec §3.3).
pub const EFI_GLOBAL: &str = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

/// How the running system was booted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BootMode {
    Uefi,
    Legacy,
}

/// Secure Boot as the `SecureBoot` EFI variable reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecureBoot {
    Enabled,
    /// Supported by the firmware but switched off (or in setup mode).
    Disabled,
    /// UEFI, but the variable is absent or unreadable.
    Unknown,
    /// Legacy boot: no Secure Boot.
    NotApplicable,
}

/// A TPM as `/sys/class/tpm` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tpm {
    pub name: String,
    /// `"2.0"`, `"1.2"`, or `None` when the kernel does not say.
    pub version: Option<String>,
}

/// A PCI function (`/sys/bus/pci/devices/<address>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PciDevice {
    pub address: String,
    /// PCI class code, 24 bits as hex (`030000`: VGA controller).
    pub class: String,
    pub vendor_id: String,
    pub device_id: String,
    pub subsystem_vendor_id: Option<String>,
    pub subsystem_device_id: Option<String>,
}

/// A network interface with hardware behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetInterface {
    pub name: String,
    pub mac: Option<String>,
    pub wireless: bool,
    pub driver: Option<String>,
    /// PCI address when the device is on PCI (`0000:00:19.0`).
    pub pci_address: Option<String>,
}

/// The platform section of the audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Platform {
    pub boot_mode: BootMode,
    pub secure_boot: SecureBoot,
    /// UEFI with the `SecureBoot` variable present: the firmware can do Secure Boot.
    pub secure_boot_capable: bool,
    pub tpm: Option<Tpm>,
    pub gpus: Vec<PciDevice>,
    pub network_controllers: Vec<PciDevice>,
    pub network_interfaces: Vec<NetInterface>,
}

/// Reads the platform through the root.
pub fn collect(root: &Root) -> Platform {
    let uefi = root.exists("sys/firmware/efi");
    let (secure_boot, capable) = if uefi {
        secure_boot(root)
    } else {
        (SecureBoot::NotApplicable, false)
    };
    let pci = pci_devices(root);
    Platform {
        boot_mode: if uefi {
            BootMode::Uefi
        } else {
            BootMode::Legacy
        },
        secure_boot,
        secure_boot_capable: capable,
        tpm: tpm(root),
        gpus: pci
            .iter()
            .filter(|d| d.class.starts_with("03"))
            .cloned()
            .collect(),
        network_controllers: pci
            .iter()
            .filter(|d| d.class.starts_with("02"))
            .cloned()
            .collect(),
        network_interfaces: net_interfaces(root),
    }
}

/// Value byte of an efivarfs file (4 attribute bytes, then the data).
fn efivar_byte(root: &Root, name: &str) -> Option<u8> {
    let bytes = root
        .read(format!("sys/firmware/efi/efivars/{name}-{EFI_GLOBAL}"))
        .ok()?;
    bytes.get(4).copied()
}

fn secure_boot(root: &Root) -> (SecureBoot, bool) {
    match efivar_byte(root, "SecureBoot") {
        Some(1) if efivar_byte(root, "SetupMode") != Some(1) => (SecureBoot::Enabled, true),
        Some(_) => (SecureBoot::Disabled, true),
        None => (SecureBoot::Unknown, false),
    }
}

fn tpm(root: &Root) -> Option<Tpm> {
    let name = root
        .list("sys/class/tpm")
        .into_iter()
        .find(|n| n.starts_with("tpm"))?;
    let base = format!("sys/class/tpm/{name}");
    let version = match root.attr(format!("{base}/tpm_version_major")).as_deref() {
        Some("2") => Some("2.0".to_string()),
        Some("1") => Some("1.2".to_string()),
        _ if root.exists(format!(
            "sys/class/tpmrm/{}",
            name.replacen("tpm", "tpmrm", 1)
        )) =>
        {
            Some("2.0".to_string())
        }
        _ if root
            .attr(format!("{base}/caps"))
            .is_some_and(|c| c.contains("1.2")) =>
        {
            Some("1.2".to_string())
        }
        _ => root
            .attr(format!("{base}/device/description"))
            .and_then(|d| {
                if d.contains("2.0") {
                    Some("2.0".to_string())
                } else if d.contains("1.2") {
                    Some("1.2".to_string())
                } else {
                    None
                }
            }),
    };
    Some(Tpm { name, version })
}

fn hex_id(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim_start_matches("0x").to_ascii_lowercase())
}

fn pci_devices(root: &Root) -> Vec<PciDevice> {
    let base = "sys/bus/pci/devices";
    root.list(base)
        .into_iter()
        .filter_map(|address| {
            let attr = |a: &str| hex_id(root.attr(format!("{base}/{address}/{a}")));
            let class = attr("class")?;
            if !(class.starts_with("02") || class.starts_with("03")) {
                return None;
            }
            Some(PciDevice {
                class,
                vendor_id: attr("vendor")?,
                device_id: attr("device")?,
                subsystem_vendor_id: attr("subsystem_vendor"),
                subsystem_device_id: attr("subsystem_device"),
                address,
            })
        })
        .collect()
}

fn net_interfaces(root: &Root) -> Vec<NetInterface> {
    let base = "sys/class/net";
    root.list(base)
        .into_iter()
        .filter_map(|name| {
            // Interfaces without a `device` are virtual (lo, bridges, tunnels).
            let uevent = root.attr(format!("{base}/{name}/device/uevent"))?;
            let field = |key: &str| {
                uevent
                    .lines()
                    .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
                    .map(str::to_string)
            };
            Some(NetInterface {
                mac: root.attr(format!("{base}/{name}/address")),
                wireless: root.exists(format!("{base}/{name}/wireless"))
                    || root.exists(format!("{base}/{name}/phy80211")),
                driver: field("DRIVER"),
                pci_address: field("PCI_SLOT_NAME"),
                name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn legacy_machine_without_anything() {
        let dir = tempfile::tempdir().unwrap();
        let p = collect(&Root::new(dir.path()));
        assert_eq!(
            (p.boot_mode, p.secure_boot, p.secure_boot_capable),
            (BootMode::Legacy, SecureBoot::NotApplicable, false)
        );
        assert!(p.tpm.is_none() && p.gpus.is_empty() && p.network_interfaces.is_empty());
    }

    /// The name efivarfs gives the variable on a real machine (checked in the image's Secure Boot
    /// boot), written out rather than built from [`EFI_GLOBAL`].
    #[test]
    fn secure_boot_is_read_under_the_kernel_s_variable_name() {
        let dir = tempfile::tempdir().unwrap();
        let vars = dir.path().join("sys/firmware/efi/efivars");
        fs::create_dir_all(&vars).unwrap();
        fs::write(
            vars.join("SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"),
            [6, 0, 0, 0, 1],
        )
        .unwrap();
        let p = collect(&Root::new(dir.path()));
        assert_eq!(
            (p.secure_boot, p.secure_boot_capable),
            (SecureBoot::Enabled, true)
        );
    }

    #[test]
    fn uefi_secure_boot_setup_mode_counts_as_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let vars = dir.path().join("sys/firmware/efi/efivars");
        fs::create_dir_all(&vars).unwrap();
        fs::write(
            vars.join(format!("SecureBoot-{EFI_GLOBAL}")),
            [6, 0, 0, 0, 1],
        )
        .unwrap();
        let root = Root::new(dir.path());
        assert_eq!(collect(&root).secure_boot, SecureBoot::Enabled);
        fs::write(
            vars.join(format!("SetupMode-{EFI_GLOBAL}")),
            [6, 0, 0, 0, 1],
        )
        .unwrap();
        let p = collect(&root);
        assert_eq!(
            (p.boot_mode, p.secure_boot, p.secure_boot_capable),
            (BootMode::Uefi, SecureBoot::Disabled, true)
        );
    }
}
