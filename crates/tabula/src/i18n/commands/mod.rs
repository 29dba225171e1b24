//! The words of the subcommands around the wipe: `verify`, `cert`, `upload`, `enroll`,
//! `keygen`, `audit`, and the errors shown at the command line's edge. A block of its own in
//! both catalogues ([`de::COMMANDS`], [`en::COMMANDS`]).

pub mod de;
pub mod en;

use tabula_certificate::Status;
use tabula_station::client::Unpinned;

/// Every subcommand's messages.
#[derive(Debug)]
pub struct Commands {
    pub verify: Verify,
    pub cert: Cert,
    pub upload: Upload,
    pub enroll: Enroll,
    pub keygen: Keygen,
    pub audit: Audit,
    pub errors: Errors,
}

/// `tabula verify`.
#[derive(Debug)]
pub struct Verify {
    /// The verdict column, padded to one width: OK, FAILED, NOT FULLY ERASED.
    pub ok: &'static str,
    pub failed: &'static str,
    pub not_fully_erased: &'static str,
    /// What failed when the log head does not check out.
    pub registry_log: &'static str,
    /// The log head's verdict: (origin, size, size seen before, cosigning witnesses).
    pub head: fn(origin: &str, size: u64, previous: Option<u64>, witnesses: &[String]) -> String,
    /// A receipt's verdict: (origin, entry, receipt's tree size, current tree size).
    pub receipt: fn(origin: &str, entry: u64, receipt_size: u64, current_size: u64) -> String,
    pub origin: &'static str,
    /// The log key was fetched from the registry, not pinned: (key, registry).
    pub unpinned_key: fn(&Unpinned) -> String,
    /// "{path}: certificate {id}: erased and verified".
    pub erased: fn(path: &str, id: &str) -> String,
    /// (path, id, overall result, reasons).
    pub not_erased: fn(path: &str, id: &str, result: &str, reasons: &str) -> String,
    /// The `--signature-only` line: (path, id, result, key note).
    pub signature_only: fn(path: &str, id: &str, result: &str, key: &str) -> String,
    pub signature_valid: fn(key: &str) -> String,
    pub signed_given: fn(fingerprint: &str) -> String,
    pub signed_embedded: fn(fingerprint: &str) -> String,
    /// A certificate's overall or a drive's result in plain words.
    pub result: fn(Status) -> &'static str,
    /// Why a drive does not count: (serial, why).
    /// A drive that is not erased and verified (`serial` empty when it has none).
    pub drive_shortfall: fn(serial: &str, why: &str) -> String,
    pub verification_failed: &'static str,
    pub not_verified: &'static str,
    pub no_drives: &'static str,
    pub overall: fn(result: &str) -> String,
    /// (erased and verified, not fully erased, failed).
    pub summary: fn(usize, usize, usize) -> String,
    /// With --signature-only: (verified, failed).
    pub summary_signature: fn(usize, usize) -> String,
    pub reading_key: fn(&str) -> String,
    pub reading_policy: fn(&str) -> String,
    pub no_state_dir: &'static str,
}

/// `tabula cert show|pdf|export`.
#[derive(Debug)]
pub struct Cert {
    /// Labels of `show`'s first lines: erasure, signature, registry.
    pub labels: [&'static str; 3],
    pub valid: fn(key: &str) -> String,
    pub not_valid: fn(error: &str) -> String,
    pub receipt_attached: &'static str,
    pub not_registered: &'static str,
    pub decoding: &'static str,
    pub refuse_pdf: fn(&str) -> String,
    pub wrote: fn(&str) -> String,
    pub writing: fn(&str) -> String,
    pub check_with: &'static str,
}

/// `tabula upload`.
#[derive(Debug)]
pub struct Upload {
    pub flags_for_files: &'static str,
    pub registry_needed: &'static str,
    pub left_unchanged: &'static str,
    pub writing_receipt: fn(&str) -> String,
    /// (log entry, tree size, already registered before).
    pub registered: fn(entry: u64, tree_size: u64, replay: bool) -> String,
    pub cosigned: fn(tree_size: u64, path: &str) -> String,
    pub no_cosigned: fn(&str) -> String,
    pub summary: fn(uploaded: usize, failed: usize) -> String,
    pub outbox_empty: &'static str,
    /// The outbox's report: warning, delivered (name, entry, replay), pending, rejected.
    pub warning: fn(&str) -> String,
    pub delivered: fn(name: &str, entry: u64, replay: bool) -> String,
    pub pending: fn(name: &str, why: &str) -> String,
    pub rejected: fn(name: &str, why: &str) -> String,
}

/// `tabula enroll`.
#[derive(Debug)]
pub struct Enroll {
    pub reading_key: fn(&str) -> String,
    pub not_ed25519: fn(&str) -> String,
    pub enrolled: fn(name: &str, fingerprint: &str) -> String,
    pub pinned: fn(origin: &str, path: &str) -> String,
}

/// `tabula keygen`.
#[derive(Debug)]
pub struct Keygen {
    pub generating: &'static str,
    pub private: fn(&str) -> String,
    pub public: fn(&str) -> String,
    pub fingerprint: fn(&str) -> String,
}

/// `tabula audit`: the report's words (its layout is the audit crate's) and the messages
/// around it.
#[derive(Debug)]
pub struct Audit {
    pub report: tabula_audit::Words,
    pub loading_rules: fn(&str) -> String,
    pub capturing: &'static str,
    pub auditing: &'static str,
    /// (files, smartctl outputs, skipped, directory).
    pub captured: fn(usize, usize, usize, &str) -> String,
    pub key_redacted: &'static str,
    pub replay: fn(&str) -> String,
}

/// Errors at the command line's edge: the prefix, and the station's typed refusals and
/// configuration errors in words.
#[derive(Debug)]
pub struct Errors {
    /// "tabula: error: ...".
    pub error: &'static str,
    /// Unknown method: (name, suggestion, known methods).
    pub unknown_method: fn(name: &str, suggestion: Option<&str>, known: &str) -> String,
    pub no_targets: &'static str,
    pub no_targets_named: &'static str,
    pub named_twice: fn(&str) -> String,
    pub unattended_disabled: &'static str,
    pub not_allow_listed: fn(&str) -> String,
    pub kept: fn(&str) -> String,
    /// (what: organisation, site or operator; configuration file).
    pub missing_issuer: fn(what: &str, config: &str) -> String,
    pub no_registry: &'static str,
    pub unpinned_log_key: &'static str,
    pub drive_gone: fn(path: &str, serial: Option<&str>) -> String,
    pub drive_excluded: fn(path: &str, reason: &str) -> String,
    /// Configuration errors: unreadable (path), invalid (path, line, parser's message),
    /// unknown method (path, method), unknown time zone (path, name), fitness rules (path).
    pub config_read: fn(&str) -> String,
    pub config_invalid: fn(path: &str, line: usize, message: &str) -> String,
    /// A configuration error whose value a command-line option also sets: (error, option).
    pub config_option: fn(error: &str, option: &str) -> String,
    /// (path, method, suggestion).
    pub config_method: fn(path: &str, method: &str, suggestion: Option<&str>) -> String,
    /// A value outside a fixed set (`--verify`, `[station] language`): (option or key, value,
    /// suggestion, the accepted values).
    pub unknown_value: fn(what: &str, value: &str, suggestion: Option<&str>, known: &str) -> String,
    pub config_timezone: fn(path: &str, name: &str) -> String,
    pub config_fitness: fn(&str) -> String,
    /// What was being done when something failed.
    pub terminal_setup: &'static str,
    pub signal_handler: &'static str,
    pub discovering: &'static str,
    pub creating: fn(&str) -> String,
    pub block_kib: &'static str,
    pub tui_needs_terminal: &'static str,
    /// `tabula wipe --key` without an issuer field: (option, environment variable).
    pub signing_needs: fn(flag: &str, var: &str) -> String,
    /// `systemctl poweroff` failed: (its exit status).
    pub poweroff_failed: fn(&str) -> String,
}
