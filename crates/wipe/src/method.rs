//! Wipe methods as data: one table, one row per method, each pass a [`PassSpec`].
//!
//! Sources for every row are in `docs/methods.md`. A method is turned into concrete patterns
//! (random bytes chosen, Gutmann's middle passes shuffled, PRNG keys drawn) by [`crate::plan`].

use tabula_device::capabilities::FirmwareOp;

use crate::plan::VerifyMode;

/// How a method erases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erase {
    /// Writes its passes over every user-addressable sector.
    Overwrite,
    /// One firmware erase command set, confirmed by canaries and sampling.
    Firmware(FirmwareOp),
    /// Chosen per drive from its capabilities ([`crate::auto`]).
    Auto,
}

/// One pass as the method's source describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassSpec {
    /// A fixed byte value.
    Byte(u8),
    /// A fixed multi-byte pattern repeated over the device (Gutmann's 3-byte patterns).
    Bytes(&'static [u8]),
    /// A cryptographic PRNG stream, freshly keyed for this pass.
    Random,
    /// One byte value chosen at random when the wipe is planned ("a character").
    RandomByte,
    /// The bitwise complement of the byte written in the previous pass ("its complement").
    Complement,
}

/// A wipe method: name, passes and the verification its source asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    /// Tabula's name (`bsi-vsitr`).
    pub name: &'static str,
    /// Human-readable name.
    pub label: &'static str,
    /// Other names accepted on the command line (nwipe/ShredOS names first).
    pub aliases: &'static [&'static str],
    /// How it erases; only overwrite methods have passes.
    pub erase: Erase,
    pub passes: &'static [PassSpec],
    /// Passes (by index range) whose order is randomised per wipe (Gutmann 5-31).
    pub shuffle: Option<(usize, usize)>,
    /// Verification the method's source asks for, used unless the operator chooses otherwise.
    pub default_verify: VerifyMode,
    /// NIST SP 800-88 Rev. 1 category this overwrite achieves on magnetic media.
    pub nist_category: &'static str,
    /// Name in BSI publications, where the method comes from there.
    pub bsi_name: Option<&'static str>,
}

use PassSpec::{Byte, Bytes, Complement, Random, RandomByte};

/// A firmware method's row: no passes, verified by canaries and sampling, Purge when confirmed.
const fn firmware(name: &'static str, label: &'static str, op: FirmwareOp) -> Method {
    Method {
        name,
        label,
        aliases: &[],
        erase: Erase::Firmware(op),
        passes: &[],
        shuffle: None,
        default_verify: VerifyMode::None,
        nist_category: "purge",
        bsi_name: None,
    }
}

const GUTMANN: [PassSpec; 35] = [
    Random,
    Random,
    Random,
    Random,
    Byte(0x55),
    Byte(0xAA),
    Bytes(&[0x92, 0x49, 0x24]),
    Bytes(&[0x49, 0x24, 0x92]),
    Bytes(&[0x24, 0x92, 0x49]),
    Byte(0x00),
    Byte(0x11),
    Byte(0x22),
    Byte(0x33),
    Byte(0x44),
    Byte(0x55),
    Byte(0x66),
    Byte(0x77),
    Byte(0x88),
    Byte(0x99),
    Byte(0xAA),
    Byte(0xBB),
    Byte(0xCC),
    Byte(0xDD),
    Byte(0xEE),
    Byte(0xFF),
    Bytes(&[0x92, 0x49, 0x24]),
    Bytes(&[0x49, 0x24, 0x92]),
    Bytes(&[0x24, 0x92, 0x49]),
    Bytes(&[0x6D, 0xB6, 0xDB]),
    Bytes(&[0xB6, 0xDB, 0x6D]),
    Bytes(&[0xDB, 0x6D, 0xB6]),
    Random,
    Random,
    Random,
    Random,
];

/// Every method Tabula knows, in the order menus show them.
pub static METHODS: &[Method] = &[
    Method {
        name: "zero",
        label: "Zero fill (1 pass)",
        aliases: &["quick", "zeros"],
        erase: Erase::Overwrite,
        passes: &[Byte(0x00)],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "one",
        label: "One fill, 0xFF (1 pass)",
        aliases: &["ones"],
        erase: Erase::Overwrite,
        passes: &[Byte(0xFF)],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "random",
        label: "PRNG stream (1 pass)",
        aliases: &["prng", "stream"],
        erase: Erase::Overwrite,
        passes: &[Random],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "bsi-vsitr",
        label: "BSI VSITR (7 passes)",
        aliases: &["vsitr", "bsi"],
        erase: Erase::Overwrite,
        passes: &[
            Byte(0x00),
            Byte(0xFF),
            Byte(0x00),
            Byte(0xFF),
            Byte(0x00),
            Byte(0xFF),
            Byte(0xAA),
        ],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: Some("VSITR (Verschlusssachen-IT-Richtlinien, 1999; withdrawn 2009)"),
    },
    Method {
        name: "dod-3pass",
        label: "DoD 5220.22-M (E), 3 passes",
        aliases: &["dodshort", "dod3pass", "dod-e"],
        erase: Erase::Overwrite,
        passes: &[RandomByte, Complement, Random],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "dod-ece-7pass",
        label: "DoD 5220.22-M (ECE), 7 passes",
        aliases: &["dod522022m", "dod", "dod-ece"],
        erase: Erase::Overwrite,
        passes: &[
            RandomByte, Complement, Random, RandomByte, RandomByte, Complement, Random,
        ],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "gutmann",
        label: "Gutmann (35 passes)",
        aliases: &[],
        erase: Erase::Overwrite,
        passes: &GUTMANN,
        shuffle: Some((4, 31)),
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "hmg-is5-baseline",
        label: "HMG IS5 Baseline (1 pass, verified)",
        aliases: &["is5base", "is5-baseline"],
        erase: Erase::Overwrite,
        passes: &[Byte(0x00)],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "hmg-is5-enhanced",
        label: "HMG IS5 Enhanced (3 passes, verified)",
        aliases: &["is5enh", "is5-enhanced"],
        erase: Erase::Overwrite,
        passes: &[Byte(0x00), Byte(0xFF), Random],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "schneier",
        label: "Bruce Schneier (7 passes)",
        aliases: &["bruce7", "schneier7"],
        erase: Erase::Overwrite,
        passes: &[
            Byte(0xFF),
            Byte(0x00),
            Random,
            Random,
            Random,
            Random,
            Random,
        ],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "rcmp-tssit-ops-ii",
        label: "RCMP TSSIT OPS-II (7 passes, verified)",
        aliases: &["ops2", "rcmp"],
        erase: Erase::Overwrite,
        passes: &[
            Byte(0x00),
            Byte(0xFF),
            Byte(0x00),
            Byte(0xFF),
            Byte(0x00),
            Byte(0xFF),
            RandomByte,
        ],
        shuffle: None,
        default_verify: VerifyMode::Last,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "nist-800-88-clear",
        label: "NIST SP 800-88 Clear (1 random pass, full verify)",
        aliases: &["nist", "clear"],
        erase: Erase::Overwrite,
        passes: &[Random],
        shuffle: None,
        default_verify: VerifyMode::All,
        nist_category: "clear",
        bsi_name: None,
    },
    Method {
        name: "auto",
        label: "Automatic: the drive's own purge if it has one, else overwrite",
        aliases: &[],
        erase: Erase::Auto,
        passes: &[],
        shuffle: None,
        default_verify: VerifyMode::All,
        nist_category: "per-drive",
        bsi_name: None,
    },
    firmware(
        "nvme-format",
        "NVMe Format NVM, user data erase (SES=1)",
        FirmwareOp::NvmeFormat,
    ),
    firmware(
        "nvme-format-crypto",
        "NVMe Format NVM, cryptographic erase (SES=2)",
        FirmwareOp::NvmeFormatCrypto,
    ),
    firmware(
        "nvme-sanitize-block",
        "NVMe Sanitize, block erase",
        FirmwareOp::NvmeSanitizeBlock,
    ),
    firmware(
        "nvme-sanitize-crypto",
        "NVMe Sanitize, crypto erase",
        FirmwareOp::NvmeSanitizeCrypto,
    ),
    firmware(
        "nvme-sanitize-overwrite",
        "NVMe Sanitize, overwrite",
        FirmwareOp::NvmeSanitizeOverwrite,
    ),
    firmware(
        "ata-secure-erase",
        "ATA SECURITY ERASE UNIT, normal",
        FirmwareOp::AtaSecureErase,
    ),
    firmware(
        "ata-secure-erase-enhanced",
        "ATA SECURITY ERASE UNIT, enhanced",
        FirmwareOp::AtaSecureEraseEnhanced,
    ),
    firmware(
        "ata-sanitize-block",
        "ATA SANITIZE, block erase",
        FirmwareOp::AtaSanitizeBlock,
    ),
    firmware(
        "ata-sanitize-crypto",
        "ATA SANITIZE, crypto scramble",
        FirmwareOp::AtaSanitizeCrypto,
    ),
    firmware(
        "ata-sanitize-overwrite",
        "ATA SANITIZE, overwrite",
        FirmwareOp::AtaSanitizeOverwrite,
    ),
    firmware(
        "scsi-sanitize-block",
        "SCSI SANITIZE, block erase",
        FirmwareOp::ScsiSanitizeBlock,
    ),
    firmware(
        "scsi-sanitize-crypto",
        "SCSI SANITIZE, cryptographic erase",
        FirmwareOp::ScsiSanitizeCrypto,
    ),
    firmware(
        "scsi-sanitize-overwrite",
        "SCSI SANITIZE, overwrite",
        FirmwareOp::ScsiSanitizeOverwrite,
    ),
];

// Size invariants of the table, checked at compile time.
const _: () = assert!(GUTMANN.len() == 35);
const _: () = {
    let mut i = 0;
    while i < METHODS.len() {
        let m = &METHODS[i];
        // Overwrite methods have passes; firmware methods and auto have none of their own.
        assert!(m.passes.is_empty() != matches!(m.erase, Erase::Overwrite));
        // A complement needs a byte pass before it.
        let mut p = 0;
        while p < m.passes.len() {
            if matches!(m.passes[p], Complement) {
                assert!(p > 0 && matches!(m.passes[p - 1], Byte(_) | RandomByte));
            }
            p += 1;
        }
        if let Some((from, to)) = m.shuffle {
            assert!(from < to && to <= m.passes.len());
        }
        i += 1;
    }
};

impl Method {
    /// Looks a method up by its name or any alias (case-insensitive).
    pub fn by_name(name: &str) -> Option<&'static Method> {
        let name = name.trim().to_ascii_lowercase();
        METHODS
            .iter()
            .find(|m| m.name == name || m.aliases.contains(&name.as_str()))
    }

    /// The method of a firmware operation (every operation has exactly one).
    pub fn for_op(op: FirmwareOp) -> Option<&'static Method> {
        METHODS.iter().find(|m| m.erase == Erase::Firmware(op))
    }

    /// All accepted names, for error messages and `--help`.
    pub fn names() -> Vec<&'static str> {
        METHODS.iter().map(|m| m.name).collect()
    }

    /// The accepted name (or alias) closest to a mistyped `name`, if one is close enough to
    /// be what was meant ("gutman" -> "gutmann"): at most one edit per three letters.
    pub fn closest(name: &str) -> Option<&'static str> {
        closest(
            name,
            METHODS
                .iter()
                .flat_map(|m| std::iter::once(m.name).chain(m.aliases.iter().copied())),
        )
    }
}

/// The candidate closest to a mistyped `name` (a method, a verify mode, a language...), if one
/// is close enough to be what was meant: at most one edit per three letters, case ignored.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.trim().to_ascii_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(&name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_the_closest_name() {
        assert_eq!(Method::closest("gutman"), Some("gutmann"));
        assert_eq!(Method::closest("Gutmnan"), Some("gutmann"));
        assert_eq!(Method::closest("zreo"), Some("zero"));
        assert_eq!(Method::closest("shred-it-all"), None);
        assert_eq!(Method::closest("x"), None);
        assert_eq!(closest("lats", ["none", "last", "all"]), Some("last"));
        assert_eq!(closest("dee", ["de", "en"]), Some("de"));
        assert_eq!(closest("fr", ["de", "en"]), None);
    }

    #[test]
    fn names_and_aliases_resolve() {
        assert_eq!(Method::by_name("dodshort").unwrap().name, "dod-3pass");
        assert_eq!(Method::by_name("DOD522022M").unwrap().name, "dod-ece-7pass");
        assert_eq!(Method::by_name("ops2").unwrap().name, "rcmp-tssit-ops-ii");
        assert_eq!(Method::by_name("is5enh").unwrap().name, "hmg-is5-enhanced");
        assert_eq!(Method::by_name("bruce7").unwrap().name, "schneier");
        assert_eq!(Method::by_name("prng").unwrap().name, "random");
        assert!(Method::by_name("nonsense").is_none());
    }

    #[test]
    fn names_are_unique() {
        let mut all: Vec<&str> = METHODS
            .iter()
            .flat_map(|m| std::iter::once(m.name).chain(m.aliases.iter().copied()))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn every_firmware_op_and_auto_has_its_interface_name() {
        use FirmwareOp::*;
        for (name, op) in [
            ("nvme-format", NvmeFormat),
            ("nvme-format-crypto", NvmeFormatCrypto),
            ("nvme-sanitize-block", NvmeSanitizeBlock),
            ("nvme-sanitize-crypto", NvmeSanitizeCrypto),
            ("nvme-sanitize-overwrite", NvmeSanitizeOverwrite),
            ("ata-secure-erase", AtaSecureErase),
            ("ata-secure-erase-enhanced", AtaSecureEraseEnhanced),
            ("ata-sanitize-block", AtaSanitizeBlock),
            ("ata-sanitize-crypto", AtaSanitizeCrypto),
            ("ata-sanitize-overwrite", AtaSanitizeOverwrite),
            ("scsi-sanitize-block", ScsiSanitizeBlock),
            ("scsi-sanitize-crypto", ScsiSanitizeCrypto),
            ("scsi-sanitize-overwrite", ScsiSanitizeOverwrite),
        ] {
            let m = Method::by_name(name).unwrap();
            assert_eq!(m.erase, Erase::Firmware(op), "{name}");
            assert_eq!(Method::for_op(op).unwrap().name, name);
            assert!(m.passes.is_empty());
        }
        assert_eq!(Method::by_name("AUTO").unwrap().erase, Erase::Auto);
    }

    #[test]
    fn pass_counts_match_sources() {
        let count = |n: &str| Method::by_name(n).unwrap().passes.len();
        assert_eq!(count("bsi-vsitr"), 7);
        assert_eq!(count("gutmann"), 35);
        assert_eq!(count("dod-3pass"), 3);
        assert_eq!(count("dod-ece-7pass"), 7);
        assert_eq!(count("schneier"), 7);
        assert_eq!(count("rcmp-tssit-ops-ii"), 7);
        assert_eq!(count("hmg-is5-enhanced"), 3);
    }
}
