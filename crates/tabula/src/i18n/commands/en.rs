//! The English words of the subcommands around the wipe.

use tabula_certificate::Status;

use super::{Audit, Cert, Commands, Enroll, Errors, Keygen, Upload, Verify};

/// " (did you mean X?)" after a mistyped name.
fn hint(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default()
}

fn head(origin: &str, size: u64, previous: Option<u64>, witnesses: &[String]) -> String {
    let seen = match previous {
        Some(p) => format!("consistent with the {p} entries seen before"),
        None => "first seen now, stored".to_owned(),
    };
    let cosigned = if witnesses.is_empty() {
        String::new()
    } else {
        format!(", cosigned by {}", witnesses.join(", "))
    };
    format!("log {origin}: {size} entries, {seen}{cosigned}")
}

pub const COMMANDS: Commands = Commands {
    verify: Verify {
        ok: "OK      ",
        failed: "FAILED  ",
        not_fully_erased: "NOT FULLY ERASED  ",
        registry_log: "registry log",
        head,
        receipt: |origin, entry, receipt_size, current_size| {
            format!(
                "in log {origin} as entry #{entry} (receipt tree size {receipt_size}), current tree size {current_size} is consistent with it"
            )
        },
        origin: "origin: the registry logs only certificates signed by a station enrolled with it",
        unpinned_key: |u| u.to_string(),
        erased: |path, id| format!("{path}: certificate {id}: erased and verified"),
        not_erased: |path, id, result, reasons| {
            format!("{path}: certificate {id} ({result}): {reasons}")
        },
        signature_only: |path, id, result, key| {
            format!("{path}: certificate {id} ({result}), {key}")
        },
        signature_valid: |key| format!("signature valid: {key}"),
        signed_given: |fp| format!("signed by the given key {fp}"),
        signed_embedded: |fp| {
            format!(
                "signed by its embedded key {fp} (proves integrity, not origin, until the registry vouches for the station)"
            )
        },
        result: |s| match s {
            Status::Erased => "erased",
            Status::ErasedWithErrors => "erased-with-errors",
            Status::Failed => "failed",
            Status::Interrupted => "interrupted",
        },
        drive_shortfall: |serial, why| match serial {
            "" => format!("drive without a serial number: {why}"),
            serial => format!("drive {serial}: {why}"),
        },
        verification_failed: "verification failed",
        not_verified: "not verified",
        no_drives: "no drives",
        overall: |result| format!("overall result {result}"),
        summary: |ok, not_erased, failed| {
            format!("{ok} erased and verified, {not_erased} not fully erased, {failed} failed")
        },
        summary_signature: |ok, failed| format!("{ok} verified, {failed} failed"),
        reading_key: |path| format!("reading --key {path}"),
        reading_policy: |path| format!("reading --witness-policy {path}"),
        no_state_dir: "no state directory: set HOME or XDG_STATE_HOME, or give --state DIR",
    },
    cert: Cert {
        labels: ["Erasure", "Signature", "Registry"],
        valid: |key| format!("valid, {key}"),
        not_valid: |e| format!("NOT VALID: {e}"),
        receipt_attached: "receipt attached",
        not_registered: "not registered yet",
        decoding: "decoding the certificate",
        refuse_pdf: |path| format!("{path}: refusing to render a certificate that does not verify"),
        wrote: |path| format!("wrote {path}"),
        writing: |path| format!("writing {path}"),
        check_with: "check with: openssl pkeyutl -verify -pubin -inkey station.pem -rawin -in pae.bin -sigfile sig.bin",
    },
    upload: Upload {
        flags_for_files: "--ca-file and --insecure-http apply to named FILEs; the outbox uses [registry] ca_file and insecure_http in tabula.toml",
        registry_needed: "--registry URL is needed to upload named files",
        left_unchanged: "bundle left unchanged",
        writing_receipt: |path| format!("writing the receipt into {path}"),
        registered: |entry, size, replay| {
            if replay {
                format!(
                    "already registered, log entry #{entry} (tree size {size}), receipt refreshed"
                )
            } else {
                format!("registered, log entry #{entry} (tree size {size})")
            }
        },
        cosigned: |size, path| format!("cosigned checkpoint (tree size {size}) stored in {path}"),
        no_cosigned: |e| format!("no cosigned checkpoint stored: {e}"),
        summary: |ok, failed| format!("{ok} uploaded, {failed} failed"),
        outbox_empty: "outbox is empty",
        warning: |w| format!("WARNING: {w}"),
        delivered: |name, entry, replay| {
            let what = if replay {
                "already registered"
            } else {
                "uploaded"
            };
            format!("{name}: {what} (log entry #{entry}), receipt stored")
        },
        pending: |name, why| format!("{name}: kept in outbox, will retry: {why}"),
        rejected: |name, why| format!("{name}: NOT UPLOADED, moved to outbox/rejected: {why}"),
    },
    enroll: Enroll {
        reading_key: |path| format!("reading station key {path}"),
        not_ed25519: |path| format!("{path} is not an Ed25519 key"),
        enrolled: |name, fp| format!("enrolled as station {name:?} (key {fp})"),
        pinned: |origin, path| format!("log {origin} key pinned in {path}"),
    },
    keygen: Keygen {
        generating: "generating a station key",
        private: |path| format!("private key  {path} (keep secret, mode 0600)"),
        public: |path| format!("public key   {path}"),
        fingerprint: |fp| format!("fingerprint  {fp}"),
    },
    audit: Audit {
        report: tabula_audit::ENGLISH,
        loading_rules: |path| format!("loading rules {path}"),
        capturing: "capturing",
        auditing: "auditing",
        captured: |files, smartctl, skipped, dir| {
            format!(
                "captured {files} files ({smartctl} smartctl outputs, {skipped} skipped) into {dir}"
            )
        },
        key_redacted: "the Windows product key in MSDM was redacted (all but its last five characters)",
        replay: |dir| format!("replay with: tabula audit --root {dir}"),
    },
    errors: Errors {
        error: "error",
        unknown_method: |name, suggestion, known| {
            format!(
                "unknown wipe method '{name}'{}; known methods: {known}",
                hint(suggestion)
            )
        },
        unknown_value: |what, value, suggestion, known| {
            format!(
                "{what}: unknown value '{value}'{}; possible: {known}",
                hint(suggestion)
            )
        },
        no_targets: "no targets given: name the drives to wipe (see `tabula devices`)",
        no_targets_named: "no targets named (name drives, or use --unattended with a configuration that enables it)",
        named_twice: |path| format!("{path} is named twice"),
        unattended_disabled: "unattended wiping is disabled: set `enabled = true` under [unattended] in tabula.toml to allow it",
        not_allow_listed: |path| format!("{path} is not in the [unattended] targets allow-list"),
        kept: |path| format!("{path}: refused: its serial is listed under [keep] serials"),
        missing_issuer: |what, config| {
            format!(
                "no {what} for the certificate: set [station] {what} in {config} or give --{what}"
            )
        },
        no_registry: "no registry: give --registry URL or set [registry] url in tabula.toml",
        unpinned_log_key: "unattended uploads need a pinned log key: run `tabula enroll` (it pins keys/registry-log.vkey) or set [registry] log_key in tabula.toml",
        drive_gone: |path, serial| {
            format!(
                "drive {path} (serial {}) from the journal is not present with the same size; not resuming",
                serial.unwrap_or("unknown")
            )
        },
        drive_excluded: |path, reason| format!("{path}: refused: {reason}"),
        config_read: |path| format!("cannot read {path}"),
        config_invalid: |path, line, message| format!("{path}, line {line}: {message}"),
        config_option: |error, option| format!("{error} (on the command line: {option})"),
        config_method: |path, method, suggestion| {
            format!("{path}: unknown wipe method '{method}'{}", hint(suggestion))
        },
        config_timezone: |path, name| {
            format!(
                "{path}: [station] timezone: unknown time zone '{name}' (an IANA name such as Europe/Berlin)"
            )
        },
        config_fitness: |path| format!("{path}: [fitness]"),
        terminal_setup: "setting up the terminal",
        signal_handler: "installing signal handler",
        discovering: "discovering drives",
        creating: |path| format!("creating {path}"),
        block_kib: "--block-kib must be a power of two of at least 4",
        tui_needs_terminal: "the TUI needs a terminal; use `tabula run` in scripts",
        poweroff_failed: |status| format!("systemctl poweroff failed ({status})"),
        signing_needs: |flag, var| {
            format!("--key signs a certificate, which needs --{flag} (or {var})")
        },
    },
};
