//! The English catalogue.

use tabula_wipe::plan::VerifyMode;
use tabula_wipe::report::{VerifyOutcome, WipeStatus};

use super::{
    App, Cli, Common, Confirm, Firmware, Machine, MethodScreen, Network, Progress, ResultScreen,
    Resume, Setup, Text, plural,
};
use tabula_wipe::auto::Why;

pub static EN: Text = Text {
    common: Common {
        passes: |n| plural(n, "pass", "passes"),
        drives: |n| plural(n as u64, "drive", "drives"),
        verify_mode: |v| match v {
            VerifyMode::None => "none",
            VerifyMode::Last => "last pass",
            VerifyMode::All => "every pass",
        },
        method_label: |_, label| label.to_owned(),
        status: |s| match s {
            WipeStatus::Completed => "erased",
            WipeStatus::CompletedWithErrors => "erased with errors",
            WipeStatus::Failed => "failed",
            WipeStatus::Interrupted => "interrupted",
        },
        verification: |v| match v {
            VerifyOutcome::NotRequested => "not requested",
            VerifyOutcome::Passed => "passed",
            VerifyOutcome::Failed => "FAILED",
            VerifyOutcome::Incomplete => "incomplete",
        },
    },
    commands: super::commands::en::COMMANDS,
    reasons: super::reasons::en::REASONS,
    certificate: super::certificate::en::WORDS,
    faults: super::faults::EN,
    app: App {
        auditing: "Auditing this machine (SMART data can take a minute)...",
        too_small: |mw, mh, w, h| {
            format!(
                "Tabula needs a terminal of at least {mw}x{mh}; this one is {w}x{h}. Enlarge the window (or use the console)."
            )
        },
        cannot_continue: "Tabula cannot continue:",
        step_loading: "Starting",
        step_resume: "Interrupted wipe",
        step_machine: "Machine and drives",
        step_method: "Method and operator",
        step_confirm: "Confirm",
        step_progress: "Wiping",
        step_result: "Result",
        keys_fatal: "q quit",
        keys_loading: "Ctrl-C quit",
        keys_resume: "r resume   s skip (resume later)   Ctrl-C quit",
        keys_machine: "Up/Down move  Space select  a all  n none  r rescan  Enter next  q quit",
        keys_method: "Up/Down method  type operator  Enter next  Esc back",
        keys_confirm: "type the word, Enter  Esc back",
        keys_progress: "q stop the wipe (asks first)",
        keys_result: "Enter finish (next machine)  p power off",
        keys_wait: "please wait",
        not_a_drive: |list| {
            format!(
                "not a drive of this machine, not listed: {list} (partitions and files: use `tabula run`)"
            )
        },
        rescan_failed: |e| format!("rescan failed: {e}"),
        wipe_thread_died: "the wipe stopped unexpectedly; see the log in DATA/logs and resume with `tabula resume`",
        no_plan: "internal error: no plan or audit to wipe with",
    },
    confirm: Confirm {
        title: " THE FOLLOWING DRIVES WILL BE DESTROYED ",
        title_resume: " RESUMING: THE FOLLOWING DRIVES WILL BE DESTROYED ",
        columns: ["DEVICE", "MODEL", "SERIAL", "SIZE"],
        will_fail: |why| format!("  will fail, nothing written: {why}"),
        method: "Method:   ",
        operator: "Operator: ",
        method_line: |name, label, passes, verify| {
            format!(
                "{name} ({label}), {}, verify: {verify}",
                (EN.common.passes)(passes)
            )
        },
        all_data_lost: |n| {
            let these = if n == 1 { "this drive" } else { "these drives" };
            format!(
                "All data on {these} ({}) will be overwritten and cannot be recovered.",
                (EN.common.drives)(n)
            )
        },
        type_word: |w| format!(" Type {w} and press Enter "),
        not_confirmed: |w| {
            format!("not confirmed: type {w} exactly (capital letters), or Esc to go back")
        },
    },
    machine: Machine {
        title: " Machine ",
        labels: [
            "Vendor", "Model", "Serial", "Grade", "CPU", "RAM", "Battery", "Licence",
        ],
        unknown_cpu: "unknown CPU",
        unfit: "unfit",
        cpu: |model, cores, threads| match cores {
            Some(c) => format!("{model} ({c} cores / {threads} threads)"),
            None => format!("{model} ({threads} threads)"),
        },
        ram_unknown: "unknown",
        slots_used: |used, slots| format!(", {used} of {slots} slots used"),
        battery_none: "none",
        battery_health: |h| format!("{h:.0} % of design capacity"),
        battery_unknown: |name| format!("{name} (health unknown)"),
        licence_key: |key| format!("Windows key in firmware ({key})"),
        licence_none: "no Windows key in firmware",
        licence_malformed: "MSDM table malformed (not trusted)",
        excluded: |why| format!("EXCLUDED: {why}"),
        wipeable: "wipeable",
        wipeable_named: "wipeable (named on the command line)",
        by_hand: |why| format!("select by hand to wipe ({why})"),
        kept_serial: "serial listed under [keep] serials",
        select_one: "select at least one drive (Space)",
        cannot_select: |path, why| format!("{path} cannot be selected: {why}"),
        smart: [
            "PASSED",
            "FAILED",
            "?",
            "n/a",
            "no data",
            "smartctl is not installed",
            "error",
        ],
        power_on_hours: |h| format!(", {h} power-on hours"),
        drives_title: |n| format!(" Drives: {n} selected "),
        without_medium: |n| format!("({n} without medium not shown) "),
        not_named: |n| format!("({n} not named on the command line) "),
        columns: ["DEVICE", "MODEL", "SERIAL", "SIZE", "TYPE"],
        no_drives: "No drives found. Connect a drive and press r to rescan.",
        loop_kind: "loop",
        network: "Network",
        scroll: |first, last, total, above, below| {
            let more = match (above, below) {
                (true, true) => "more above and below",
                (true, false) => "more above",
                _ => "more below",
            };
            format!(" drives {first}-{last} of {total}, {more}: Up/Down scrolls ")
        },
    },
    method: MethodScreen {
        title: " Wipe method (Up/Down) ",
        verify: "verify:",
        nist: |c| format!("NIST SP 800-88 category: {c}"),
        bsi: |b| format!("; BSI: {b}"),
        operator_title: " Operator (type your name) ",
        operator_missing: "type the operator's name (it goes into the certificate)",
    },
    progress: Progress {
        method: "Method: ",
        elapsed: |t| format!("   elapsed {t}"),
        title: |n| format!(" Wiping {} ", (EN.common.drives)(n)),
        waiting: "waiting",
        write: "write",
        verify: "verify",
        pattern: str::to_owned,
        pass: |pass, passes, phase, pattern| format!("pass {pass}/{passes} {phase} {pattern}"),
        stalled: |s| format!(" STALLED {s} s"),
        bad_ranges: |n| {
            if n == 1 {
                " 1 bad range".to_owned()
            } else {
                format!(" {n} bad ranges")
            }
        },
        more: |above, below| {
            let mut parts = Vec::new();
            if above > 0 {
                parts.push(format!("{above} more ↑"));
            }
            if below > 0 {
                parts.push(format!("{below} more ↓"));
            }
            format!("{}  (Up/Down scrolls)", parts.join("  "))
        },
        stopping: "Stopping every drive... the certificate will record the interruption.",
        ask_stop: "Stop the wipe? Drives stay partly wiped; resume later with `tabula resume`. y = stop, n = continue",
        eta: "ETA",
        file: "file",
    },
    result: ResultScreen {
        uploading: "uploading to the registry...",
        no_registry: "no registry configured: kept in outbox/ for `tabula upload`",
        uploaded: |s| format!("uploaded: {s}"),
        log_entry: |i| format!("log entry #{i}, receipt stored"),
        kept: |why| format!("kept in outbox, will be retried: {why}"),
        rejected: |why| format!("NOT UPLOADED: {why}"),
        not_attempted: "not attempted",
        job_failed: |e| format!("The job failed: {e}"),
        all_verified: |n| {
            let all = if n == 1 {
                "The drive was"
            } else {
                "All drives were"
            };
            format!(
                "{all} erased and verified ({}). Certificate signed and stored.",
                (EN.common.drives)(n)
            )
        },
        all_unverified: |n| {
            let all = if n == 1 {
                "The drive was"
            } else {
                "All drives were"
            };
            format!(
                "{all} erased ({}; not verified: verification was off). Certificate signed and stored.",
                (EN.common.drives)(n)
            )
        },
        not_all: "NOT every drive was erased: see below. The certificate says so.",
        title: " Result ",
        more_erased: |n| {
            if n == 1 {
                "... and 1 more drive erased (all in the certificate)".to_owned()
            } else {
                format!("... and {n} more drives erased (all in the certificate)")
            }
        },
        drive_line: |status, verification| format!("{status} (verification: {verification})"),
        labels: ["Certificate", "Stored in", "PDF", "Bundle", "Registry"],
        interrupted_kept: |j| format!("Interrupted: progress kept in {j};"),
        offer_resume: "  the next start of tabula offers to resume (or `tabula resume`).",
        settled: "Everything is written. Enter: finish (next machine)   P: power off",
        unsettled: "Uploading... please wait before removing the stick or powering off.",
        outbox_sent: |n| format!("Outbox from earlier runs: {n} uploaded"),
        outbox_pending: |n| format!(", {n} kept in the outbox"),
        outbox_rejected: |n| format!(", {n} REJECTED (tampered, moved to outbox/rejected)"),
        warning: |w| format!(". WARNING: {w}"),
        outbox_failed: |e| format!("Outbox not uploaded: {e}"),
        journals_unreadable: |n, list| {
            let wipes = if n == 1 {
                "interrupted wipe"
            } else {
                "interrupted wipes"
            };
            format!("{n} {wipes} cannot be resumed, journal unreadable (kept): {list}")
        },
    },
    resume: Resume {
        title: " Interrupted wipe found ",
        intro: [
            "A wipe on this station did not finish (power loss, crash or stop).",
            "Its drives still hold data. Resume it now, or skip and resume later.",
        ],
        wipe_line: |id, started, operator, method| {
            format!("Wipe {id} started {started} by {operator} ({method})")
        },
        not_started: "not started",
        was_at: |pass, passes| format!("was at pass {pass}/{passes}"),
    },
    cli: Cli {
        plan_head: |name, label, passes, verify| {
            format!(
                "Method: {name} ({label}), {}, verify: {verify}\nTHE FOLLOWING WILL BE DESTROYED:\n",
                (EN.common.passes)(passes)
            )
        },
        plan_drive: |path, model, serial, size| {
            format!("  {path}  {model}  serial {serial}  {size}\n")
        },
        no_terminal: "refusing to wipe without confirmation: no terminal to ask on (use --yes to confirm in advance)",
        type_to_destroy: |word, n| {
            let targets = if n == 1 { "target" } else { "targets" };
            format!("Type {word} to destroy all data on {n} {targets}: ")
        },
        not_confirmed: "not confirmed; nothing was written",
        errors: ["write error", "read error", "mismatch"],
        io_error: "I/O error",
        note: "note",
        finished_in: |d| format!("finished in {d}"),
        record: |json, text| format!("record (unsigned): {json}\n                   {text}"),
        record_title: "Tabula wipe record (unsigned)",
        record_times: ["started ", "finished"],
        certificate: |id, bundle, pdf| {
            format!("certificate {id}\n  bundle: {bundle}\n  PDF:    {pdf}")
        },
        queued: |p| format!("  queued for upload: {p}"),
        interrupted: |data, journal| {
            format!("interrupted: continue with `tabula resume --data {data}` (journal {journal})")
        },
        nothing_to_wipe: "nothing to wipe: no drive is wipeable under this configuration",
        machine: |name, serial, grade| match serial {
            Some(serial) => format!("machine: {name} (serial {serial}), grade {grade}"),
            None => format!("machine: {name}, grade {grade}"),
        },
        unknown_machine: "unknown (no vendor data)",
        upload: |line| format!("upload: {line}"),
        upload_failed: |e| format!("upload: not attempted: {e}"),
        press_enter: "all results are written; press Enter to finish",
        powering_off: "all results are written; powering off",
        journal_unreadable: |path, e| {
            format!("journal {path} cannot be read, not resumed (the file is kept): {e}")
        },
        nothing_to_resume: "nothing to resume",
        interrupted_wipe: |id, started| format!("interrupted wipe {id}, started {started}"),
        resume_no_terminal: "refusing to resume without confirmation: no terminal to ask on (use --yes)",
        columns: ["DEVICE", "SIZE", "BUS", "MODEL", "SERIAL", "VERDICT"],
        explicit_only: |why| format!("explicit only: {why}"),
        hidden: |n| {
            format!(
                "({n} more not shown: loop devices without a file, zram, drives without a medium; --all lists them)"
            )
        },
        stalled: |s| format!("STALLED ({s} s without progress)"),
        moving_again: "moving again",
        flushing: "flushing the drive's cache",
        bad_range: |path, what, range| format!("{path}: {what} at {range}"),
        ended: |status, average, took| format!("{status}, {average} average, {took}"),
        ended_early: |status, percent, pass, average, took| {
            format!("{status} at {percent:.1} % ({pass}), {average} average, {took}")
        },
    },
    network: Network {
        no_interface: "no wired network interface",
        up: |name, addr| format!("{name} up {addr}"),
        up_no_address: |name| format!("{name} up, no address yet"),
        down: |name| format!("{name} down (cable?)"),
        no_registry: "no registry configured",
        checking: "registry: checking",
        answers: "registry answers",
        no_answer: |why| format!("registry does not answer ({why})"),
    },
    setup: Setup {
        offer_title: "Set up this stick",
        form_title: "Station setup",
        enrolled_title: "Enrolment",
        working_title: "Please wait",
        offer_keys: "Enter create the data partition   s skip   Ctrl-C quit",
        form_keys: "type  Up/Down/Tab field  Enter next / save  Ctrl-C quit",
        done_keys: "Enter continue",
        failed_keys: "r try again   Enter continue without   Ctrl-C quit",
        no_partition: "No data partition on this stick yet.",
        offer: |dev, free, n| {
            format!(
                "{dev} has {free} free behind the Tabula image. Tabula can make its data partition there (ext4, label TABULA, partition {n}): the station key, certificates, outbox and logs are then kept on the stick."
            )
        },
        offer_safe: "The image's own partitions are not touched. Skipped, everything stays in memory and is lost when the machine is switched off.",
        creating: |dev| format!("Creating the data partition on {dev} ..."),
        enrolling: "Enrolling with the registry ...",
        form_box: " This station still needs ",
        form_intro: |path| {
            format!("Every certificate names them. The answers are written to {path}.")
        },
        optional: "(optional: empty = no registry, certificates stay on the stick)",
        keymap_hint: "(Left/Right: choose the layout; it applies from the next field on)",
        keymap_loading: |layout| format!("Loading the keyboard layout {layout} ..."),
        keymap_loaded: |layout| format!("Keyboard layout {layout} is active."),
        labels: [
            "Keyboard",
            "Organisation",
            "Site",
            "Operator",
            "Registry URL",
            "Enrolment token",
        ],
        must_not_be_empty: "must not be empty",
        one_line: "must be one line of text",
        not_a_url: "must start with https:// (or http://)",
        not_a_keymap: "not a layout this stick offers",
        enrolled: "This station is enrolled with the registry.",
        enrolled_labels: ["Station name", "Key fingerprint", "Log"],
        compare: "Compare the fingerprint with the registry's station list (tabula-registry station list) before the first wipe.",
        enrol_failed: "Enrolment failed:",
        enrol_later: "Without enrolment certificates wait in the outbox; enrol later with `tabula enroll`.",
    },
    firmware: Firmware {
        auto_title: "auto, per drive",
        auto_none: "auto: no drive chosen",
        auto_line: |path, method, estimate| match estimate {
            Some(e) => format!("{path}: {method}, the drive's own estimate {e}"),
            None => format!("{path}: {method}"),
        },
        why: |why| {
            match why {
            Why::File => "a file: overwrite, Clear only".to_owned(),
            Why::Unknown => "capabilities unknown: overwrite, Clear only".to_owned(),
            Why::Unreachable { detail } => {
                format!("no firmware command reaches it ({detail}): overwrite, Clear only")
            }
            Why::Rotating => "rotating disk: hidden areas removed, one random pass, all verified".to_owned(),
            Why::Locked => "locked with an ATA password: overwrite, Clear only".to_owned(),
            Why::NoCommand { frozen: false } => {
                "no sanitize or secure erase: overwrite, Clear only".to_owned()
            }
            Why::NoCommand { frozen: true } => {
                "security erase blocked, the drive is frozen (a suspend to RAM may lift it): overwrite, Clear only".to_owned()
            }
            Why::Supported {
                all_namespaces: false,
            } => "the drive's own erase, then canaries and sampling: Purge".to_owned(),
            Why::Supported {
                all_namespaces: true,
            } => "the drive's own erase (every namespace of the controller), then canaries and sampling: Purge".to_owned(),
        }
        },
        canaries: "writing canaries",
        erasing: |percent| format!("erasing, {percent} % by the drive"),
        waiting: |elapsed, estimate| match estimate {
            Some(e) => format!("waiting for the drive, {elapsed} of about {e}"),
            None => format!("waiting for the drive, {elapsed}"),
        },
        checking: "checking: canaries and samples",
        checked: |survived, canaries, reads_as| {
            format!("checked: {survived} of {canaries} canaries left, samples read as {reads_as}")
        },
    },
    engine: super::engine::en::ENGINE,
    client: super::client::en::CLIENT,
};
