//! A plain-text rendering of a certificate for terminals (`tabula cert show`).

use std::fmt::Write;

mod words;

pub use words::{ENGLISH, Words};

use crate::schema::{Certificate, DriveRecord};

/// Binary size with unit and the exact byte count, e.g. `232.9 GiB (250059350016 bytes)`:
/// the units the station's CLI, TUI and audit report use.
pub fn human_bytes(bytes: u64) -> String {
    match binary_size(bytes) {
        Some(size) => format!("{size} ({bytes} bytes)"),
        None => format!("{bytes} B"),
    }
}

/// As [`human_bytes`], with the German decimal comma (the PDF's sheet is German first), e.g.
/// `232,9 GiB (250059350016 Bytes)`.
pub fn human_bytes_de(bytes: u64) -> String {
    match binary_size(bytes) {
        Some(size) => format!("{} ({bytes} Bytes)", size.replace('.', ",")),
        None => format!("{bytes} B"),
    }
}

/// `232.9 GiB`; `None` below 1 KiB (shown as a plain byte count).
fn binary_size(bytes: u64) -> Option<String> {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    (unit > 0).then(|| format!("{value:.1} {}", UNITS[unit]))
}

/// The certificate as readable text in English, one fact per line, drives as indented blocks.
pub fn render_text(cert: &Certificate) -> String {
    render_text_with(cert, &ENGLISH)
}

/// The certificate as readable text with the given words.
pub fn render_text_with(cert: &Certificate, w: &Words) -> String {
    let mut out = String::new();
    let [
        certificate,
        result,
        schema,
        continues,
        organisation,
        site,
        operator,
        started,
        finished,
        station,
        station_key,
        machine,
        serial,
        uuid,
        audit_digest,
        windows_key,
        remark,
        drives,
    ] = w.labels;
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<width$} {value}", width = w.width);
    };
    line(certificate, &cert.id.to_string());
    line(result, &(w.status)(cert.result));
    line(
        schema,
        &format!("{}.{}", cert.schema_version, cert.schema_minor),
    );
    if let Some(previous) = &cert.continues {
        line(continues, &(w.continues)(&previous.to_string()));
    }
    line(organisation, &cert.organisation);
    line(site, &cert.site);
    line(operator, &cert.operator);
    line(started, &(w.time)(&cert.started));
    line(finished, &(w.time)(&cert.finished));
    let s = &cert.station;
    line(station, &(w.station)(&s.id, &s.tabula_version, &s.image_id));
    line(station_key, &s.key_fingerprint);
    let m = &cert.machine;
    line(
        machine,
        &format!("{} {} ({})", m.vendor, m.model, m.chassis),
    );
    line(serial, &m.serial);
    line(uuid, &m.uuid);
    line(audit_digest, &m.audit_digest);
    if let Some(key) = &m.windows_product_key {
        line(windows_key, &(w.windows_key)(&key.digest));
    }
    if !cert.remark.is_empty() {
        line(remark, &cert.remark);
    }
    line(drives, &cert.drives.len().to_string());
    for (i, drive) in cert.drives.iter().enumerate() {
        render_drive(&mut out, w, i + 1, drive);
    }
    out
}

fn render_drive(out: &mut String, w: &Words, n: usize, d: &DriveRecord) {
    let _ = writeln!(out, "  #{n} {} {}", d.model, (w.status)(d.status));
    let [
        serial,
        firmware,
        size,
        kind,
        method_label,
        nist,
        bsi,
        verification,
        hidden,
        firmware_erase,
        command,
        canaries,
        sampling,
        error_range,
    ] = w.drive_labels;
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "    {label:<20} {value}");
    };
    line(serial, &d.serial);
    line(firmware, &d.firmware);
    line(size, &(w.bytes)(d.size_bytes));
    line(kind, &(w.media)(&d.media_type, &d.transport));
    let method = &d.method;
    let mut m = (w.method)(&method.name, method.passes);
    if !method.patterns.is_empty() {
        let _ = write!(m, ": {}", method.patterns.join(" "));
    }
    line(method_label, &m);
    line(nist, method.nist_category.label());
    if let Some(name) = &method.bsi_method {
        line(bsi, name);
    }
    let v = &d.verification;
    line(
        verification,
        &(w.verification)(v.mode, v.outcome, &(w.bytes)(v.bytes_checked)),
    );
    if let Some(h) = &d.hidden_areas {
        let mut text = format!(
            "HPA {}, DCO {}",
            (w.hidden_state)(h.hpa),
            (w.hidden_state)(h.dco)
        );
        if let Some(sectors) = (w.hidden_sectors)(h) {
            let _ = write!(text, " ({sectors})");
        }
        line(hidden, &text);
    }
    if let Some(f) = &d.firmware_erase {
        line(
            firmware_erase,
            &(w.firmware_erase)(&f.operation, f.confirmed, f.fell_back_to_overwrite),
        );
        for c in &f.commands {
            line(command, &format!("{}: {}", c.command, c.status));
        }
        if let Some(c) = &f.canaries {
            line(canaries, &(w.canaries)(c));
        }
        if let Some(s) = &f.sampling {
            line(
                sampling,
                &(w.sampling)(s, &(w.percent)(s.share_ppm), &(w.bytes)(s.bytes_read)),
            );
        }
    }
    for r in &d.error_ranges {
        line(error_range, &(w.error_range)(r.offset, r.length, &r.error));
    }
    for (number, p) in d.numbered_passes() {
        line(
            &(w.pass)(&d.pass_label(number)),
            &(w.pass_line)(
                &p.pattern,
                &(w.time)(&p.started),
                &(w.time)(&p.finished),
                (p.finished - p.started).num_seconds(),
                &(w.bytes)(p.bytes_written),
            ),
        );
    }
}

/// Parts per million as a percentage without trailing zeros (10000 -> "1", 2500 -> "0.25").
pub fn share_percent(ppm: u32) -> String {
    let text = format!("{:.4}", f64::from(ppm) / 10_000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// RFC 3339 UTC with a `Z`, as in the JSON.
pub fn timestamp(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(
            human_bytes(250_059_350_016),
            "232.9 GiB (250059350016 bytes)"
        );
        assert_eq!(
            human_bytes_de(250_059_350_016),
            "232,9 GiB (250059350016 Bytes)"
        );
    }

    #[test]
    fn shares_in_percent() {
        assert_eq!(share_percent(10_000), "1");
        assert_eq!(share_percent(2_500), "0.25");
        assert_eq!(share_percent(1_000_000), "100");
    }

    #[test]
    fn text_names_the_facts() {
        let key = crate::StationKey::from_seed(&[1; 32]);
        let mut cert = crate::sample::certificate(&key);
        cert.drives[0].firmware_erase = Some(crate::sample::firmware_erase());
        let text = render_text(&cert);
        for needle in [
            "ERASED-WITH-ERRORS",
            "Jürgen Weiß (T-042)",
            "S3YJNX0K123456",
            "NIST SP 800-88       Purge",
            "BSI-VSITR",
            "HPA removed, DCO unknown",
            "Firmware erase       ata-secure-erase-enhanced, confirmed by the drive",
            "Command              SECURITY ERASE UNIT (enhanced): success",
            "Canaries             64 written (4096 bytes each), 0 survived",
            "Sampling             1 % of the drive, 38157 samples",
            "reads as random",
            "offset 1048576 length 4096: write: EIO",
            "Pass 7/7",
            &key.public().fingerprint(),
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }
}
