//! Which drives may be wiped: the boot medium, mounted or swapped-on drives, drives held by
//! device-mapper/md/LVM, read-only and memory-backed devices are excluded, each with a reason.
//! Loop devices are wiped only when a technician names them explicitly.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::device::{Drive, list_dir, partition_names, read_attr};

/// Whether a drive may be wiped, and if not, why.
///
/// In JSON: `{"verdict": "excluded", "reason": "<English>", "reasons": [{"kind": ...}]}`; the
/// typed `reasons` are for front ends that word them in their own language, `reason` is the
/// English wording for people reading the JSON and for older readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "VerdictRepr", from = "VerdictRepr")]
pub enum Verdict {
    /// Nothing on this machine uses it.
    Wipeable,
    /// Wiped only when named explicitly as a target (loop devices).
    ExplicitOnly { reasons: Vec<Exclusion> },
    /// Never wiped.
    Excluded { reasons: Vec<Exclusion> },
}

impl Verdict {
    /// True if naming the drive explicitly is enough to wipe it.
    pub fn allows_explicit(&self) -> bool {
        !matches!(self, Self::Excluded { .. })
    }

    /// The reasons, if any.
    pub fn reasons(&self) -> &[Exclusion] {
        match self {
            Self::Wipeable => &[],
            Self::ExplicitOnly { reasons } | Self::Excluded { reasons } => reasons,
        }
    }

    /// The reasons in English, if any ("mounted at /home; read-only device").
    pub fn reason(&self) -> Option<String> {
        match self {
            Self::Wipeable => None,
            _ => Some(join(self.reasons())),
        }
    }
}

/// One reason a drive is not wiped (or only when named). Typed, so each front end words it in
/// its own language; `Display` is the English wording. Not `non_exhaustive`: a front end's
/// wording must cover every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Exclusion {
    /// Boot medium: it holds the root file system `/`.
    RootFileSystem,
    /// Boot medium: the live system's medium (`/run/live/medium`).
    LiveMedium,
    /// Boot medium: the root device named on the kernel command line (`root=spec`).
    KernelRoot {
        spec: String,
    },
    /// Mounted at these points.
    Mounted {
        points: Vec<String>,
    },
    /// Swap in use on these areas.
    Swap {
        areas: Vec<String>,
    },
    /// Held by device-mapper, LVM or md RAID (these holders).
    Held {
        holders: Vec<String>,
    },
    ReadOnly,
    /// Not a drive at all.
    Virtual {
        device: VirtualKind,
    },
    /// Size 0: no medium in the drive.
    NoMedium,
    /// A loop device: wiped only when named explicitly.
    Loop,
    /// A file that says what the system uses could not be read (fail closed).
    Unreadable {
        path: PathBuf,
        error: String,
    },
    /// A file that backs a loop device which is refused, with that device's reasons.
    BacksRefused {
        device: PathBuf,
        reasons: Vec<Exclusion>,
    },
    /// A reason in words only (verdicts written before reasons were typed).
    Other {
        text: String,
    },
}

/// The kinds of block device that are not drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VirtualKind {
    Zram,
    RamDisk,
    DeviceMapper,
    MdRaid,
    Optical,
    Floppy,
}

impl std::fmt::Display for VirtualKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Zram => "compressed RAM disk",
            Self::RamDisk => "RAM disk",
            Self::DeviceMapper => "device-mapper volume",
            Self::MdRaid => "md RAID array",
            Self::Optical => "optical drive",
            Self::Floppy => "floppy drive",
        })
    }
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RootFileSystem => f.write_str("boot medium: holds the root file system /"),
            Self::LiveMedium => {
                f.write_str("boot medium: is the live boot medium (/run/live/medium)")
            }
            Self::KernelRoot { spec } => write!(
                f,
                "boot medium: is the root device named on the kernel command line (root={spec})"
            ),
            Self::Mounted { points } => write!(f, "mounted at {}", points.join(", ")),
            Self::Swap { areas } => write!(f, "swap in use on {}", areas.join(", ")),
            Self::Held { holders } => write!(
                f,
                "held by {} (device-mapper, LVM or md RAID)",
                holders.join(", ")
            ),
            Self::ReadOnly => f.write_str("read-only device"),
            Self::Virtual { device } => write!(f, "{device}, not a drive"),
            Self::NoMedium => f.write_str("no medium (size 0)"),
            Self::Loop => f.write_str("loop device: wiped only when named explicitly"),
            Self::Unreadable { path, error } => write!(
                f,
                "cannot read {}, so no drive can be shown to be unused: {error}",
                path.display()
            ),
            Self::BacksRefused { device, reasons } => write!(
                f,
                "it backs {}, which is refused: {}",
                device.display(),
                join(reasons)
            ),
            Self::Other { text } => f.write_str(text),
        }
    }
}

/// Reasons in English, joined with "; ".
pub fn join(reasons: &[Exclusion]) -> String {
    reasons
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// How a [`Verdict`] is written in JSON.
#[derive(Serialize, Deserialize)]
struct VerdictRepr {
    verdict: VerdictKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<Exclusion>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum VerdictKind {
    Wipeable,
    ExplicitOnly,
    Excluded,
}

impl From<Verdict> for VerdictRepr {
    fn from(v: Verdict) -> Self {
        let reason = v.reason();
        match v {
            Verdict::Wipeable => Self {
                verdict: VerdictKind::Wipeable,
                reason,
                reasons: Vec::new(),
            },
            Verdict::ExplicitOnly { reasons } => Self {
                verdict: VerdictKind::ExplicitOnly,
                reason,
                reasons,
            },
            Verdict::Excluded { reasons } => Self {
                verdict: VerdictKind::Excluded,
                reason,
                reasons,
            },
        }
    }
}

impl From<VerdictRepr> for Verdict {
    fn from(r: VerdictRepr) -> Self {
        // A verdict written with words only keeps them.
        let reasons = match (r.reasons.is_empty(), r.reason) {
            (true, Some(text)) => vec![Exclusion::Other { text }],
            _ => r.reasons,
        };
        match r.verdict {
            VerdictKind::Wipeable => Self::Wipeable,
            VerdictKind::ExplicitOnly => Self::ExplicitOnly { reasons },
            VerdictKind::Excluded => Self::Excluded { reasons },
        }
    }
}

/// A file that says what the system uses could not be read: then no drive can be shown to be
/// unused, and none may be wiped.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}, so no drive can be shown to be unused: {source}", path.display())]
pub struct SourceUnreadable {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl SourceUnreadable {
    /// The reason every drive is excluded when this file cannot be read.
    pub fn exclusion(&self) -> Exclusion {
        Exclusion::Unreadable {
            path: self.path.clone(),
            error: self.source.to_string(),
        }
    }
}

/// Reads one of the system's usage files (mounts, swaps, kernel command line).
fn read_source(root: &Path, rel: &str) -> Result<String, SourceUnreadable> {
    let path = root.join(rel);
    fs::read_to_string(&path).map_err(|source| SourceUnreadable { path, source })
}

/// What the running system uses: mounts, swap, the boot medium. Read once per discovery.
#[derive(Debug, Default)]
pub(crate) struct SystemState {
    /// Mount points by drive name.
    mounts: HashMap<String, Vec<String>>,
    /// Active swap areas by drive name.
    swaps: HashMap<String, Vec<String>>,
    /// Drives the system booted from, with the evidence.
    boot: HashMap<String, Exclusion>,
    /// Holders (dm-0, md0) by drive name.
    holders: HashMap<String, Vec<String>>,
}

impl SystemState {
    /// Reads mounts, swaps and the kernel command line; any of them unreadable is an error.
    pub(crate) fn read(root: &Path, drives: &[String]) -> Result<Self, SourceUnreadable> {
        let index = DeviceIndex::build(root, drives);
        let mut state = Self::default();
        let mountinfo = read_source(root, "proc/self/mountinfo")?;
        for mount in mountinfo.lines().filter_map(MountEntry::parse) {
            let Some(drive) = index
                .by_devnum(mount.devnum)
                .or_else(|| index.by_dev_path(mount.source))
            else {
                continue;
            };
            let point = unescape_mount(mount.point);
            if point == "/" {
                state.boot.insert(drive.clone(), Exclusion::RootFileSystem);
            } else if point == "/run/live/medium" {
                state.boot.insert(drive.clone(), Exclusion::LiveMedium);
            }
            state.mounts.entry(drive.clone()).or_default().push(point);
        }
        let swaps = read_source(root, "proc/swaps")?;
        for path in swaps
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
        {
            if let Some(drive) = index.by_dev_path(path) {
                state
                    .swaps
                    .entry(drive.clone())
                    .or_default()
                    .push(path.to_owned());
            }
        }
        let cmdline = read_source(root, "proc/cmdline")?;
        if let Some(spec) = cmdline
            .split_whitespace()
            .find_map(|w| w.strip_prefix("root="))
            && let Some(drive) = resolve_root_spec(root, spec).and_then(|n| index.by_name(&n))
        {
            state
                .boot
                .entry(drive.clone())
                .or_insert_with(|| Exclusion::KernelRoot {
                    spec: spec.to_owned(),
                });
        }
        for name in drives {
            let dir = root.join("sys/block").join(name);
            let mut held: Vec<String> = list_dir(&dir.join("holders")).collect();
            for part in partition_names(&dir) {
                held.extend(list_dir(&dir.join(&part).join("holders")));
            }
            if !held.is_empty() {
                held.sort();
                state.holders.insert(name.clone(), held);
            }
        }
        Ok(state)
    }

    /// The verdict for one drive; all reasons that apply are named.
    pub(crate) fn verdict(&self, drive: &Drive) -> Verdict {
        let mut reasons = Vec::new();
        if let Some(why) = self.boot.get(&drive.name) {
            reasons.push(why.clone());
        }
        if let Some(points) = self.mounts.get(&drive.name) {
            reasons.push(Exclusion::Mounted {
                points: points.clone(),
            });
        }
        if let Some(areas) = self.swaps.get(&drive.name) {
            reasons.push(Exclusion::Swap {
                areas: areas.clone(),
            });
        }
        if let Some(holders) = self.holders.get(&drive.name) {
            reasons.push(Exclusion::Held {
                holders: holders.clone(),
            });
        }
        if drive.read_only {
            reasons.push(Exclusion::ReadOnly);
        }
        if let Some(device) = virtual_kind(&drive.name) {
            reasons.push(Exclusion::Virtual { device });
        } else if drive.size_bytes == 0 {
            reasons.push(Exclusion::NoMedium);
        }
        if !reasons.is_empty() {
            return Verdict::Excluded { reasons };
        }
        if drive.name.starts_with("loop") {
            return Verdict::ExplicitOnly {
                reasons: vec![Exclusion::Loop],
            };
        }
        Verdict::Wipeable
    }
}

fn virtual_kind(name: &str) -> Option<VirtualKind> {
    [
        ("zram", VirtualKind::Zram),
        ("ram", VirtualKind::RamDisk),
        ("dm-", VirtualKind::DeviceMapper),
        ("md", VirtualKind::MdRaid),
        ("sr", VirtualKind::Optical),
        ("fd", VirtualKind::Floppy),
    ]
    .into_iter()
    .find(|(prefix, _)| name.starts_with(prefix))
    .map(|(_, kind)| kind)
}

/// Maps device numbers and kernel names of drives and their partitions to the drive's name.
struct DeviceIndex {
    devnums: HashMap<(u32, u32), String>,
    names: HashMap<String, String>,
}

impl DeviceIndex {
    fn build(root: &Path, drives: &[String]) -> Self {
        let mut index = Self {
            devnums: HashMap::new(),
            names: HashMap::new(),
        };
        for drive in drives {
            let dir = root.join("sys/block").join(drive);
            index.add(&dir, drive, drive);
            for part in partition_names(&dir) {
                index.add(&dir.join(&part), &part, drive);
            }
        }
        index
    }

    fn add(&mut self, dir: &Path, name: &str, drive: &str) {
        self.names.insert(name.to_owned(), drive.to_owned());
        if let Some(num) = read_attr(&dir.join("dev"))
            .as_deref()
            .and_then(parse_devnum)
        {
            self.devnums.insert(num, drive.to_owned());
        }
    }

    fn by_devnum(&self, num: (u32, u32)) -> Option<&String> {
        self.devnums.get(&num)
    }

    fn by_name(&self, name: &str) -> Option<&String> {
        self.names.get(name)
    }

    /// `/dev/sda1` -> `sda`.
    fn by_dev_path(&self, path: &str) -> Option<&String> {
        self.by_name(path.strip_prefix("/dev/")?)
    }
}

fn parse_devnum(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once(':')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// One line of `/proc/self/mountinfo` (see proc(5)).
struct MountEntry<'a> {
    devnum: (u32, u32),
    point: &'a str,
    source: &'a str,
}

impl<'a> MountEntry<'a> {
    fn parse(line: &'a str) -> Option<Self> {
        let (left, right) = line.split_once(" - ")?;
        let fields: Vec<&str> = left.split(' ').collect();
        let devnum = parse_devnum(fields.get(2)?)?;
        let point = fields.get(4)?;
        let source = right.split(' ').nth(1).unwrap_or("");
        Some(Self {
            devnum,
            point,
            source,
        })
    }
}

/// mountinfo escapes space, tab, newline and backslash as octal (`\040`).
fn unescape_mount(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('\\') {
        out.push_str(&rest[..pos]);
        let code = rest
            .get(pos + 1..pos + 4)
            .and_then(|o| u8::from_str_radix(o, 8).ok());
        match code {
            Some(byte) => {
                out.push(char::from(byte));
                rest = &rest[pos + 4..];
            }
            None => {
                out.push('\\');
                rest = &rest[pos + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `root=/dev/sda2`, `root=UUID=...`, `PARTUUID=`, `LABEL=` -> kernel name via /dev/disk/by-*.
fn resolve_root_spec(root: &Path, spec: &str) -> Option<String> {
    let link = [
        ("UUID=", "dev/disk/by-uuid/"),
        ("PARTUUID=", "dev/disk/by-partuuid/"),
        ("LABEL=", "dev/disk/by-label/"),
    ]
    .into_iter()
    .find_map(|(prefix, dir)| spec.strip_prefix(prefix).map(|v| root.join(dir).join(v)));
    let target = match link {
        Some(link) => fs::read_link(link).ok()?,
        None => spec.strip_prefix("/dev/").map(Into::into)?,
    };
    target.file_name()?.to_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    #[test]
    fn verdicts_keep_their_typed_reasons_and_english_words_in_json() {
        let v = super::Verdict::Excluded {
            reasons: vec![
                super::Exclusion::Mounted {
                    points: vec!["/home".into()],
                },
                super::Exclusion::ReadOnly,
            ],
        };
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["verdict"], "excluded");
        assert_eq!(json["reason"], "mounted at /home; read-only device");
        assert_eq!(json["reasons"][0]["kind"], "mounted");
        assert_eq!(json["reasons"][1]["kind"], "read-only");
        assert_eq!(serde_json::from_value::<super::Verdict>(json).unwrap(), v);
        // A verdict written before reasons were typed keeps its words.
        let old: super::Verdict =
            serde_json::from_str(r#"{"verdict":"explicit-only","reason":"loop device"}"#).unwrap();
        assert_eq!(old.reason().as_deref(), Some("loop device"));
        let w: super::Verdict = serde_json::from_str(r#"{"verdict":"wipeable"}"#).unwrap();
        assert_eq!(w, super::Verdict::Wipeable);
    }

    use super::*;

    #[test]
    fn mountinfo_line_with_escaped_space() {
        let line = "36 35 8:1 / /media/usb\\040stick rw,noatime - vfat /dev/sdb1 rw";
        let m = MountEntry::parse(line).unwrap();
        assert_eq!(m.devnum, (8, 1));
        assert_eq!(unescape_mount(m.point), "/media/usb stick");
        assert_eq!(m.source, "/dev/sdb1");
        assert!(MountEntry::parse("garbage").is_none());
    }

    #[test]
    fn root_spec_plain_device() {
        assert_eq!(
            resolve_root_spec(Path::new("/nonexistent"), "/dev/nvme0n1p2").as_deref(),
            Some("nvme0n1p2")
        );
        assert_eq!(
            resolve_root_spec(Path::new("/nonexistent"), "UUID=abcd"),
            None
        );
    }
}
