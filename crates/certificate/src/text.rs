//! A plain-text rendering of a certificate for terminals (`tabula cert show`).

use std::fmt::Write;

use crate::schema::{Certificate, DriveRecord, FirmwareErase};

/// Binary size with unit and the exact byte count, e.g. `232.9 GiB (250059350016 bytes)`:
/// the units the station's CLI, TUI and audit report use.
pub fn human_bytes(bytes: u64) -> String {
    match binary_size(bytes) {
        Some(size) => format!("{size} ({bytes} bytes)"),
        None => format!("{bytes} B"),
    }
}

/// The PDF's size: as [`human_bytes`], with the German decimal comma (the sheet is German
/// first), e.g. `232,9 GiB (250059350016 Bytes)`.
pub(crate) fn human_bytes_de(bytes: u64) -> String {
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

/// The certificate as readable text, one fact per line, drives as indented blocks.
pub fn render_text(cert: &Certificate) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<16} {value}");
    };
    line("Certificate", &cert.id.to_string());
    line("Result", &cert.result.as_str().to_uppercase());
    line(
        "Schema",
        &format!("{}.{}", cert.schema_version, cert.schema_minor),
    );
    if let Some(previous) = &cert.continues {
        line("Continues", &format!("{previous} (interrupted wipe)"));
    }
    line("Organisation", &cert.organisation);
    line("Site", &cert.site);
    line("Operator", &cert.operator);
    line("Started", &timestamp(&cert.started));
    line("Finished", &timestamp(&cert.finished));
    line(
        "Station",
        &format!(
            "{} (Tabula {}, image {})",
            cert.station.id, cert.station.tabula_version, cert.station.image_id
        ),
    );
    line("Station key", &cert.station.key_fingerprint);
    let m = &cert.machine;
    line(
        "Machine",
        &format!("{} {} ({})", m.vendor, m.model, m.chassis),
    );
    line("Serial", &m.serial);
    line("System UUID", &m.uuid);
    line("Audit digest", &m.audit_digest);
    if let Some(key) = &m.windows_product_key {
        line("Windows key", &format!("present, {}", key.digest));
    }
    if !cert.remark.is_empty() {
        line("Remark", &cert.remark);
    }
    let _ = writeln!(out, "Drives           {}", cert.drives.len());
    for (i, drive) in cert.drives.iter().enumerate() {
        render_drive(&mut out, i + 1, drive);
    }
    out
}

fn render_drive(out: &mut String, n: usize, d: &DriveRecord) {
    let _ = writeln!(
        out,
        "  #{n} {} {}",
        d.model,
        d.status.as_str().to_uppercase()
    );
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(out, "    {label:<20} {value}");
    };
    line("Serial", &d.serial);
    line("Firmware", &d.firmware);
    line("Size", &human_bytes(d.size_bytes));
    line("Type", &format!("{} via {}", d.media_type, d.transport));
    let method = &d.method;
    let mut m = format!("{}, {} pass(es)", method.name, method.passes);
    if !method.patterns.is_empty() {
        let _ = write!(m, ": {}", method.patterns.join(" "));
    }
    line("Method", &m);
    line("NIST SP 800-88", method.nist_category.label());
    if let Some(bsi) = &method.bsi_method {
        line("BSI method", bsi);
    }
    let v = &d.verification;
    line(
        "Verification",
        &format!(
            "{}, {}, {} checked",
            v.mode.as_str(),
            v.outcome.as_str(),
            human_bytes(v.bytes_checked)
        ),
    );
    if let Some(h) = &d.hidden_areas {
        line(
            "Hidden areas",
            &match h.sectors_text() {
                Some(sectors) => {
                    format!("HPA {}, DCO {} ({sectors})", h.hpa.as_str(), h.dco.as_str())
                }
                None => format!("HPA {}, DCO {}", h.hpa.as_str(), h.dco.as_str()),
            },
        );
    }
    if let Some(f) = &d.firmware_erase {
        for (label, value) in firmware_lines(f) {
            line(label, &value);
        }
    }
    for r in &d.error_ranges {
        line(
            "Error range",
            &format!("offset {} length {}: {}", r.offset, r.length, r.error),
        );
    }
    for (number, p) in d.numbered_passes() {
        let secs = (p.finished - p.started).num_seconds();
        line(
            &format!("Pass {}", d.pass_label(number)),
            &format!(
                "{} {} .. {} ({secs} s, {})",
                p.pattern,
                timestamp(&p.started),
                timestamp(&p.finished),
                human_bytes(p.bytes_written)
            ),
        );
    }
}

/// A firmware erase as labelled lines (English), shared by the text and the PDF.
pub(crate) fn firmware_lines(f: &FirmwareErase) -> Vec<(&'static str, String)> {
    let mut out = vec![(
        "Firmware erase",
        format!(
            "{}, {}{}",
            f.operation,
            if f.confirmed {
                "confirmed by the drive"
            } else {
                "not confirmed"
            },
            if f.fell_back_to_overwrite {
                ", overwritten instead"
            } else {
                ""
            }
        ),
    )];
    for c in &f.commands {
        out.push(("Command", format!("{}: {}", c.command, c.status)));
    }
    if let Some(c) = &f.canaries {
        let mut text = format!(
            "{} written ({} bytes each), {} survived",
            c.written, c.block_bytes, c.survived
        );
        if c.unreadable > 0 {
            let _ = write!(text, ", {} unreadable", c.unreadable);
        }
        out.push(("Canaries", text));
    }
    if let Some(s) = &f.sampling {
        let mut text = format!(
            "{} % of the drive, {} samples ({}): reads as {}",
            share_percent(s.share_ppm),
            s.samples,
            human_bytes(s.bytes_read),
            s.reads_as
        );
        if s.other > 0 {
            let _ = write!(text, ", {} sample(s) held data", s.other);
        }
        if s.unreadable > 0 {
            let _ = write!(text, ", {} unreadable", s.unreadable);
        }
        out.push(("Sampling", text));
    }
    out
}

/// Parts per million as a percentage without trailing zeros (10000 -> "1", 2500 -> "0.25").
pub(crate) fn share_percent(ppm: u32) -> String {
    let text = format!("{:.4}", f64::from(ppm) / 10_000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// RFC 3339 UTC with a `Z`, as in the JSON.
pub(crate) fn timestamp(t: &chrono::DateTime<chrono::Utc>) -> String {
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
