//! The HTML templates (maud). Every label is German first, then English.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use super::chain::Link;
use super::verdict::{Check, Verdict, row_erasure};
use crate::store::{CertificateFilter, CertificateRow, Page, StationRow};
use tabula_certificate::{Erasure, LocalZone, NistCategory, bilingual};

const CSS: &str = r#"
body { font-family: system-ui, sans-serif; margin: 0; color: #1d2327; background: #f6f7f7; }
header { background: #143d59; color: #fff; padding: .8rem 1.5rem; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem; }
section { background: #fff; border: 1px solid #dcdcde; border-radius: 6px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 0; }
form.search { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .6rem 1rem; }
label { display: flex; flex-direction: column; font-size: .85rem; gap: .2rem; }
input, select { padding: .35rem; font-size: .95rem; }
button { padding: .45rem 1rem; font-size: .95rem; background: #143d59; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f0f0f1; }
.verdict { font-size: 1.05rem; border-left: 6px solid; }
.verdict.ok { border-color: #1a7f37; } .verdict.bad { border-color: #cf222e; }
.ok-mark { color: #1a7f37; font-weight: 700; } .bad-mark { color: #cf222e; font-weight: 700; }
.muted { color: #646970; font-size: .85rem; }
code { font-size: .85rem; word-break: break-all; }
"#;

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="de" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Tabula-Zertifikatsregister" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header { a href="/" { "Tabula-Zertifikatsregister · Tabula Registry" } " · " a href="/log" { "Transparenzlog / log" } }
                main { (body) }
            }
        }
    }
}

pub fn error(status: u16, message: &str) -> Markup {
    layout(
        "Fehler / Error",
        html! {
            section {
                h1 { "Fehler / Error " (status) }
                p id="error" { (message) }
                p { a href="/" { "Zur Suche / back to search" } }
            }
        },
    )
}

pub fn login(problem: Option<&str>, next: Option<&str>) -> Markup {
    layout(
        "Anmeldung / Sign in",
        html! {
            section {
                h1 { "Lesezugang / Read access" }
                p { "Bitte Lese-Token eingeben. / Please enter your read token." }
                @if let Some(p) = problem { p.bad-mark id="login-error" { (p) } }
                form method="post" action="/login" {
                    label { "Token" input type="password" name="token" autocomplete="off" required; }
                    @if let Some(n) = next { input type="hidden" name="next" value=(n); }
                    p { button type="submit" { "Anmelden / Sign in" } }
                }
            }
        },
    )
}

fn field(name: &str, de: &str, en: &str, value: Option<&str>, kind: &str) -> Markup {
    html! {
        label { (de) " / " (en)
            input type=(kind) name=(name) id=(name) value=[value];
        }
    }
}

/// Vendor, model and serial of a machine, leaving out what is unknown; "unknown" when nothing is.
fn machine_text(vendor: &str, model: &str, serial: &str) -> String {
    let name = [vendor.trim(), model.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    match (name.is_empty(), serial.trim()) {
        (true, "") => "unbekannt / unknown".to_owned(),
        (true, sn) => format!("SN {sn}"),
        (false, "") => name,
        (false, sn) => format!("{name}, SN {sn}"),
    }
}

/// A stored RFC 3339 time for people: local date and time in `zone`, whole seconds, with the
/// zone's abbreviation (`07.12.2026 02:58:58 CET`); as stored when it is not a time.
fn when(zone: &LocalZone, stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored.trim())
        .map(|t| zone.date_time(&t.to_utc()))
        .unwrap_or_else(|_| stored.to_owned())
}

/// A drive size people can read: MiB below 1 GiB, never "0.0 GiB"; unknown when 0.
fn size_text(bytes: u64) -> String {
    const MIB: f64 = (1u64 << 20) as f64;
    const GIB: f64 = (1u64 << 30) as f64;
    match bytes {
        0 => "unbekannt / unknown".to_owned(),
        b if b < 1 << 20 => format!("{b} B"),
        b if b < 1 << 30 => format!("{:.1} MiB", b as f64 / MIB),
        b => format!("{:.1} GiB", b as f64 / GIB),
    }
}

/// The verdict of one result row: signature, log, erasure, each with its mark.
fn verdict_cell(v: &Verdict) -> Markup {
    let mark = |ok: bool, de: &str, en: &str| {
        html! {
            @if ok { span.ok-mark { "✔ " (de) " / " (en) } } @else { span.bad-mark { "✘ " (de) " / " (en) } }
            br;
        }
    };
    html! {
        (mark(v.signature.ok, "Signatur", "signature"))
        (mark(v.log.ok, "Log", "log"))
        (erasure_mark(v.erasure.as_ref()))
    }
}

/// What the search page shows below its form.
pub enum Outcome<'a> {
    /// No search asked for yet.
    Form,
    /// A search that could not run (a too short id prefix): why.
    Refused(&'a str),
    /// The results, each with its verdict.
    Results(&'a Page, &'a [Verdict]),
}

pub fn search(filter: &CertificateFilter, outcome: Outcome<'_>, zone: &LocalZone) -> Markup {
    let result_options = [
        ("", "alle / any"),
        ("erased", "gelöscht / erased"),
        (
            "erased-with-errors",
            "gelöscht mit Fehlern / erased with errors",
        ),
        ("failed", "fehlgeschlagen / failed"),
        ("interrupted", "abgebrochen / interrupted"),
    ];
    layout(
        "Suche / Search",
        html! {
            section {
                h1 { "Löschzertifikate suchen / Search wipe certificates" }
                form.search method="get" action="/" {
                    (field("drive_serial", "Seriennummer Laufwerk", "drive serial", filter.drive_serial.as_deref(), "text"))
                    (field("machine_serial", "Seriennummer Gerät", "machine serial", filter.machine_serial.as_deref(), "text"))
                    (field("id", "Zertifikats-ID", "certificate id", filter.id.as_deref(), "text"))
                    (field("station", "Station", "station", filter.station.as_deref(), "text"))
                    (field("organisation", "Organisation", "organisation", filter.organisation.as_deref(), "text"))
                    label { "Ergebnis / result"
                        select name="result" id="result" {
                            @for (value, text) in result_options {
                                option value=(value) selected[filter.result.as_deref() == Some(value)] { (text) }
                            }
                        }
                    }
                    (field("from", "Beendet ab", "finished from", filter.from.as_deref(), "date"))
                    (field("to", "Beendet bis", "finished to", filter.to.as_deref(), "date"))
                    div { button type="submit" id="search" { "Suchen / Search" } }
                }
            }
            @if let Outcome::Refused(problem) = outcome {
                section id="refused" { p.bad-mark { (problem) } }
            }
            @if let Outcome::Results(page, verdicts) = outcome {
                section id="results" {
                    h2 { "Ergebnisse / Results (" (page.items.len()) @if page.next.is_some() { "+" } ")" }
                    @if page.items.is_empty() {
                        p id="no-results" { "Keine Zertifikate gefunden. / No certificates found." }
                    } @else {
                        table {
                            thead { tr {
                                th { "Zertifikat / Certificate" } th { "Gerät / Machine" }
                                th { "Laufwerke / Drives" } th { "Prüfung / Verdict" }
                                th { "Beendet / Finished" } th { "Station" }
                            } }
                            tbody {
                                @for (i, c) in page.items.iter().enumerate() {
                                    tr {
                                        td { a.cert-link href={ "/certificates/" (c.id) } { code { (c.id) } } }
                                        td { (machine_text(&c.machine_vendor, &c.machine_model, &c.machine_serial)) }
                                        td { @for d in &c.drives { (d.model) " " span.muted { (d.serial) } br; } }
                                        td.erasure {
                                            @match verdicts.get(i) {
                                                Some(v) => (verdict_cell(v)),
                                                None => (erasure_mark(row_erasure(c).as_ref())),
                                            }
                                            span.muted { (result_text(&c.result)) }
                                        }
                                        td { (when(zone, &c.finished)) }
                                        td { (c.station) }
                                    }
                                }
                            }
                        }
                        @if let Some(next) = page.next {
                            p { a href={ "?" (next_query(filter, next)) } { "Weitere / More" } }
                        }
                    }
                }
            }
        },
    )
}

fn next_query(f: &CertificateFilter, cursor: u64) -> String {
    let mut parts = Vec::new();
    for (k, v) in f.text_fields() {
        if let Some(v) = v {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            parts.push(format!("{k}={enc}"));
        }
    }
    parts.push(format!("cursor={cursor}"));
    parts.join("&")
}

/// The erasure verdict with its mark; `None` (unreadable or unverified) is never shown as erased.
fn erasure_mark(erasure: Option<&Erasure>) -> Markup {
    html! {
        @match erasure {
            Some(e) if e.is_complete() => span.ok-mark { "✔ " (e.label_de()) " / " (e.label_en()) },
            Some(e) => span.bad-mark { "✘ " (e.label_de()) " / " (e.label_en()) },
            None => span.bad-mark { "✘ Löschung nicht nachgewiesen / Erasure not proven" },
        }
    }
}

fn check_row(label: &str, check: &Check, id: &str) -> Markup {
    html! {
        tr id=(id) {
            th { (label) }
            td {
                @if check.ok { span.ok-mark { "✔ " } } @else { span.bad-mark { "✘ " } }
                (check.text)
            }
        }
    }
}

fn pointer<'a>(v: &'a Value, ptrs: &[&str]) -> Option<&'a Value> {
    ptrs.iter()
        .find_map(|p| v.pointer(p).filter(|x| !x.is_null()))
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "—".into(),
        Some(other) => other.to_string(),
    }
}

/// A value of the audit for people: "unbekannt / unknown" when the audit has none.
fn text_or_unknown(v: Option<&Value>) -> String {
    match text_of(v).as_str() {
        "—" | "" => "unbekannt / unknown".to_owned(),
        t => t.to_owned(),
    }
}

fn audit_summary(audit: &Value, zone: &LocalZone) -> Vec<(&'static str, String)> {
    let memory = pointer(
        audit,
        &["/memory/installed_bytes", "/memory/kernel_total_bytes"],
    )
    .and_then(Value::as_u64)
    .or_else(|| {
        audit.get("memory")?.as_array().map(|mods| {
            mods.iter()
                .filter_map(|m| m.get("size_bytes").and_then(Value::as_u64))
                .sum()
        })
    });
    vec![
        (
            "Hersteller / vendor",
            text_or_unknown(pointer(audit, &["/system/vendor"])),
        ),
        (
            "Modell / model",
            text_or_unknown(pointer(audit, &["/system/product", "/system/model"])),
        ),
        (
            "Seriennummer / serial",
            text_or_unknown(pointer(audit, &["/system/serial"])),
        ),
        (
            "Prozessor / CPU",
            text_or_unknown(pointer(audit, &["/cpu/model"])),
        ),
        (
            "Arbeitsspeicher / memory",
            memory.map_or_else(|| "unbekannt / unknown".into(), size_text),
        ),
        (
            "Laufwerke im Audit / drives in audit",
            audit
                .get("disks")
                .and_then(Value::as_array)
                .map_or_else(|| "unbekannt / unknown".into(), |d| d.len().to_string()),
        ),
        (
            "Eignung / fitness grade",
            text_or_unknown(pointer(audit, &["/fitness/grade"])),
        ),
        (
            "Audit erstellt / collected",
            pointer(audit, &["/collected_at"])
                .and_then(Value::as_str)
                .map_or_else(|| "unbekannt / unknown".into(), |t| when(zone, t)),
        ),
    ]
}

/// The chain of an interrupted and resumed wipe, oldest first, this certificate marked.
fn chain_section(chain: &[Link], zone: &LocalZone) -> Markup {
    html! {
        section id="chain" {
            h2 { "Unterbrochen und fortgesetzt / Interrupted and resumed" }
            p {
                "Eine Löschung, mehrere Zertifikate: jedes fortgesetzte nennt das abgebrochene, das es fortsetzt. / "
                "One wipe, several certificates: each resumed one names the interrupted one it continues."
            }
            ol {
                @for link in chain {
                    li.chain-link {
                        @if link.here {
                            strong { code { (link.id) } " (dieses Zertifikat / this certificate)" }
                        } @else {
                            a.chain-link href={ "/certificates/" (link.id) } { code { (link.id) } }
                        }
                        @match &link.row {
                            Some(r) => { " · " (result_text(&r.result)) " · " span.muted { (when(zone, &r.finished)) } }
                            None => { " · " span.bad-mark { "nicht im Zertifikatsregister / not in the registry" } }
                        }
                    }
                }
            }
        }
    }
}

/// A result in German and English.
fn result_text(result: &str) -> String {
    let de = match result {
        "erased" => "gelöscht",
        "erased-with-errors" => "gelöscht mit Fehlern",
        "failed" => "fehlgeschlagen",
        "interrupted" => "abgebrochen",
        other => other,
    };
    format!("{de} / {result}")
}

pub fn certificate(
    row: &CertificateRow,
    bundle: &Value,
    station: Option<&StationRow>,
    verdict: &Verdict,
    chain: &[Link],
    zone: &LocalZone,
) -> Markup {
    let cert = verdict.certificate.as_ref();
    let audit = bundle.get("audit").cloned().unwrap_or(Value::Null);
    layout(
        &format!("Zertifikat {}", row.id),
        html! {
            section.verdict.ok[verdict.all_ok()].bad[!verdict.all_ok()] id="verdict" {
                h1 id="verdict-erasure" { (erasure_mark(verdict.erasure.as_ref())) }
                p id="verdict-certificate" {
                    @if verdict.ok() { span.ok-mark { "✔ Signatur und Transparenzlog bestätigt / Signature and transparency log verified" } }
                    @else { span.bad-mark { "✘ Signatur oder Transparenzlog NICHT bestätigt / Signature or transparency log NOT verified" } }
                }
                table {
                    (check_row("Signatur / Signature", &verdict.signature, "verdict-signature"))
                    (check_row("Transparenzlog / Transparency log", &verdict.log, "verdict-log"))
                    @if let Some(at) = station.and_then(|s| s.revoked_at.as_deref()) {
                        tr { th { "Station" } td.bad-mark { "Station am " (when(zone, at)) " gesperrt (nach der Annahme) / station revoked at " (when(zone, at)) " (after acceptance)" } }
                    }
                }
                p.muted {
                    "Downloads: "
                    a href={ "/api/v1/certificates/" (row.id) } { "JSON" } " · "
                    a href={ "/api/v1/certificates/" (row.id) "/bundle" } { "Bündel / bundle (.tabula.json)" } " · "
                    a href={ "/certificates/" (row.id) "/pdf" } { "PDF" }
                }
            }
            section {
                h2 { "Zertifikat / Certificate" }
                table id="facts" {
                    tr { th { "ID" } td { code { (row.id) } } }
                    tr { th { "Organisation" } td { (row.organisation) } }
                    tr { th { "Standort / site" } td { (row.site) } }
                    @if let Some(c) = cert { tr { th { "Bediener / operator" } td { (c.operator) } } }
                    tr { th { "Station" } td { (row.station) } }
                    tr { th { "Beginn / started" } td { (when(zone, &row.started)) } }
                    tr { th { "Ende / finished" } td { (when(zone, &row.finished)) } }
                    tr { th { "Ergebnis / result" } td id="result" { (result_text(&row.result)) } }
                    @if let Some(previous) = &row.continues {
                        tr id="continues" { th { "Setzt fort / continues" } td {
                            a href={ "/certificates/" (previous) } { code { (previous) } }
                            " (abgebrochene Löschung / interrupted wipe)"
                        } }
                    }
                    @for link in chain.iter().skip_while(|l| !l.here).skip(1).take(1) {
                        tr id="continued-by" { th { "Fortgesetzt durch / continued by" } td {
                            a href={ "/certificates/" (link.id) } { code { (link.id) } }
                        } }
                    }
                    tr { th { "Gerät / machine" } td { (machine_text(&row.machine_vendor, &row.machine_model, &row.machine_serial)) } }
                    tr { th { "Registriert / registered" } td {
                        (when(zone, &row.received_at)) ", Logeintrag / log entry #" (row.leaf_index) " · "
                        a id="inclusion-proof" href={ "/api/v1/log/proof/inclusion?id=" (row.id) } { "Einschlussbeweis / inclusion proof" }
                        " · " a href="/log" { "Log" }
                    } }
                    @if let Some(c) = cert { @if !c.remark.is_empty() { tr { th { "Bemerkung / remark" } td { (c.remark) } } } }
                }
            }
            @if !chain.is_empty() { (chain_section(chain, zone)) }
            section {
                h2 { "Laufwerke / Drives" }
                table id="drives" {
                    thead { tr {
                        th { "Modell / model" } th { "Seriennummer / serial" } th { "Größe / size" }
                        th { "Verfahren / method" } th { "NIST" } th { "Prüfung / verification" } th { "Status" }
                    } }
                    tbody {
                        @if let Some(c) = cert {
                            @for d in &c.drives {
                                tr {
                                    td { (d.model) } td { code { (d.serial) } } td { (size_text(d.size_bytes)) }
                                    td { (d.method.name) @if let Some(b) = &d.method.bsi_method { " (" (b) ")" } }
                                    td { @if d.method.nist_category == NistCategory::None { "keine erreicht / " } (d.method.nist_category.label()) }
                                    td { (bilingual::verification(d.verification.mode, d.verification.outcome)) }
                                    td { (result_text(d.status.as_str())) }
                                }
                            }
                        } @else {
                            @for d in &row.drives { tr { td { (d.model) } td { code { (d.serial) } } td colspan="5" { "—" } } }
                        }
                    }
                }
            }
            section {
                h2 { "Audit (Zusammenfassung / summary)" }
                table id="audit" {
                    @for (label, value) in audit_summary(&audit, zone) { tr { th { (label) } td { (value) } } }
                }
            }
        },
    )
}

/// The transparency log page.
pub fn log(cp: &tabula_tlog::Checkpoint, note: &str, vkey: &str, verified: bool) -> Markup {
    layout(
        "Transparenzlog / Transparency log",
        html! {
            section {
                h1 { "Transparenzlog / Transparency log" }
                p {
                    "Jedes angenommene Zertifikat ist ein Eintrag in diesem Log (RFC 9162). Einträge werden nur angehängt, nie geändert. / "
                    "Every accepted certificate is an entry in this log (RFC 9162). Entries are only ever appended, never changed."
                }
                table id="log" {
                    tr { th { "Ursprung / origin" } td { code { (cp.origin) } } }
                    tr { th { "Einträge / entries" } td id="log-size" { (cp.size) } }
                    tr { th { "Wurzel / root hash" } td { code { (cp.root.to_hex()) } } }
                    tr { th { "Signatur / signature" } td id="log-signature" {
                        @if verified { span.ok-mark { "✔ gültig mit dem Log-Schlüssel / valid with the log key" } }
                        @else { span.bad-mark { "✘ ungültig / invalid" } }
                    } }
                    tr { th { "Log-Schlüssel / log key" } td { code id="log-key" { (vkey) } } }
                }
            }
            section {
                h2 { "Aktueller Checkpoint / Latest checkpoint" }
                pre id="checkpoint" { (note) }
                p.muted { a href="/api/v1/log/checkpoint" { "als Text / as text" } }
            }
            section {
                h2 { "Selbst prüfen / Check it yourself" }
                p {
                    "Den Log-Schlüssel einmal sicher aufbewahren (nicht bei jeder Prüfung neu laden). Dann prüft "
                    code { "tabula verify" } ", dass ein Zertifikat im Log steht und das Log seit der letzten Prüfung nur gewachsen ist. / "
                    "Keep the log key once, safely (do not fetch it anew for every check). Then "
                    code { "tabula verify" } " checks that a certificate is in the log and that the log has only grown since the last check."
                }
                pre { "tabula verify ZERTIFIKAT.tabula.json --registry https://… --log-key registry-log.vkey" }
                p {
                    "Konsistenz zwischen zwei Größen / consistency between two sizes: "
                    code { "/api/v1/log/proof/consistency?first=N&second=" (cp.size) }
                    "; Einschlussbeweis eines Zertifikats / inclusion proof of a certificate: "
                    code { "/api/v1/log/proof/inclusion?id=ID" }
                    " (RFC 9162 §2.1.3, §2.1.4)."
                }
            }
        },
    )
}
