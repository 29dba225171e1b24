//! The English catalogue.

use tabula_wipe::plan::VerifyMode;

use super::{App, Common, Confirm, Text};

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

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
    },
    app: App {
        auditing: "Auditing this machine (SMART data can take a minute)...",
        too_small: "Tabula: the terminal is too small (need 80x25).",
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
};
