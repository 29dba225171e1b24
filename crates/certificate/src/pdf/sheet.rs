//! What goes on the certificate, in order: title and QR code, the result in large type,
//! general facts, the machine with its audit verdict, one block per drive, and how to verify.

use pdf_writer::Rect;

use super::font::Weight;
use super::labels::{self, both, joined};
use super::page::{Doc, LEFT, RIGHT, TOP};
use super::qr::Qr;
use super::{PdfError, PdfOptions, facts};
use crate::erasure::Erasure;
use crate::local::LocalZone;
use crate::schema::{Certificate, DriveRecord, FirmwareErase, NistCategory};
use crate::text::human_bytes_de as human_bytes;

pub(crate) fn render(cert: &Certificate, options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    let mut doc = Doc::new()?;
    header(&mut doc, cert, options)?;
    general(&mut doc, cert, &options.zone);
    machine(&mut doc, cert, options.audit.as_ref());
    for (i, drive) in cert.drives.iter().enumerate() {
        drive_block(&mut doc, i + 1, drive);
    }
    if cert.drives.is_empty() {
        doc.heading(&both("Datenträger", "Drives"));
        doc.row(&both("Datenträger", "Drives"), &both("keine", "none"));
    }
    signature(&mut doc, cert, options);
    let footer = format!("{} {}", both("Zertifikat", "Certificate"), cert.id);
    doc.finish(
        &footer,
        &format!("Löschzertifikat / Certificate of Sanitization {}", cert.id),
    )
}

fn header(doc: &mut Doc, cert: &Certificate, options: &PdfOptions) -> Result<(), PdfError> {
    let black = (0.0, 0.0, 0.0);
    let grey = (0.35, 0.35, 0.35);
    // QR code in the top right corner, its link below it.
    let link = options.link(cert);
    let qr = Qr::new(&link)?;
    let side = qr.side();
    let qr_x = RIGHT - side;
    // The quiet zone may reach into the page margin: it is blank paper either way.
    let qr_y = super::page::HEIGHT - side;
    qr.draw(doc.content(), qr_x, qr_y);
    doc.link(Rect::new(qr_x, qr_y, qr_x + side, qr_y + side), &link);
    let mut link_y = qr_y - 2.0;
    for line in doc.wrap(Weight::Regular, &link, 6.0, side) {
        doc.text_at(Weight::Regular, 6.0, grey, qr_x, link_y, &line);
        link_y -= 7.5;
    }

    let mut y = TOP - 8.0;
    doc.text_at(Weight::Bold, 20.0, black, LEFT, y, "Löschzertifikat");
    y -= 19.0;
    doc.text_at(
        Weight::Bold,
        14.0,
        grey,
        LEFT,
        y,
        "Certificate of Sanitization",
    );
    y -= 14.0;
    doc.text_at(
        Weight::Regular,
        8.0,
        grey,
        LEFT,
        y,
        "nach / per NIST SP 800-88 Rev. 1, Anhang / Appendix G",
    );

    // The erasure verdict in large type, German above English; the signature is a separate,
    // smaller line: a valid signature is not a successful wipe.
    let erasure = Erasure::of(cert);
    let (de, en) = (erasure.label_de(), erasure.label_en());
    let rgb = labels::erasure_rgb(&erasure);
    let room = qr_x - LEFT - 12.0;
    let mut size = 28.0;
    while size > 14.0 && doc.width(Weight::Bold, de, size) > room {
        size -= 1.0;
    }
    y -= 12.0 + size;
    doc.text_at(Weight::Bold, size, rgb, LEFT, y, de);
    y -= size * 0.8;
    doc.text_at(Weight::Bold, size * 0.62, rgb, LEFT, y, en);
    y -= 13.0;
    let (status_de, status_en) = labels::status(cert.result);
    let result = format!(
        "{}: {} ({})",
        both("Ergebnis", "Result"),
        both(status_de, status_en),
        cert.result
    );
    for (i, line) in doc
        .wrap(Weight::Regular, &result, 9.0, room)
        .iter()
        .enumerate()
    {
        if i > 0 {
            y -= 10.5;
        }
        doc.text_at(Weight::Regular, 9.0, black, LEFT, y, line);
    }
    y -= 11.0;
    doc.text_at(
        Weight::Regular,
        8.0,
        grey,
        LEFT,
        y,
        &format!(
            "{}: tabula verify",
            both(
                "Signatur gesondert prüfen",
                "check the signature separately"
            )
        ),
    );
    doc.y = y.min(link_y) - 6.0;
    Ok(())
}

fn general(doc: &mut Doc, cert: &Certificate, zone: &LocalZone) {
    doc.heading(&both("Allgemein", "General"));
    doc.row(
        &both("Zertifikat-Nr.", "Certificate ID"),
        &cert.id.to_string(),
    );
    if let Some(previous) = &cert.continues {
        doc.row(
            &both("Setzt fort", "Continues"),
            &format!(
                "{previous} ({})",
                both("abgebrochene Löschung", "interrupted wipe")
            ),
        );
    }
    doc.row(&both("Organisation", "Organisation"), &cert.organisation);
    doc.row(&both("Standort", "Site"), &cert.site);
    doc.row(&both("Bearbeiter", "Operator"), &cert.operator);
    doc.row(&both("Beginn", "Started"), &zone.date_time(&cert.started));
    doc.row(&both("Ende", "Finished"), &zone.date_time(&cert.finished));
    let version = (!cert.station.tabula_version.trim().is_empty())
        .then(|| format!("Tabula {}", cert.station.tabula_version));
    let image = (!cert.station.image_id.trim().is_empty())
        .then(|| format!("{} {}", both("Abbild", "image"), cert.station.image_id));
    doc.row(
        &both("Station", "Station"),
        &joined([
            cert.station.id.as_str(),
            version.as_deref().unwrap_or(""),
            image.as_deref().unwrap_or(""),
        ]),
    );
    doc.row(&both("Bemerkung", "Remark"), &cert.remark);
}

fn machine(doc: &mut Doc, cert: &Certificate, audit: Option<&serde_json::Value>) {
    let m = &cert.machine;
    doc.heading(&both("Gerät", "Machine"));
    doc.row(
        &both("Hersteller, Modell", "Vendor, model"),
        &joined([m.vendor.as_str(), m.model.as_str()]),
    );
    doc.row(&both("Seriennummer", "Serial number"), &m.serial);
    doc.row("UUID", &m.uuid);
    doc.row(&both("Bauform", "Chassis"), &m.chassis);
    if let Some((grade, reasons)) = audit.and_then(facts::fitness) {
        let mut text = facts::grade_label(&grade);
        if !reasons.is_empty() {
            text.push_str(&format!(": {}", reasons.join("; ")));
        }
        doc.row(&both("Eignung Schule", "Fit for school use"), &text);
    }
    if let Some(w11) = audit.and_then(facts::windows11) {
        doc.row("Windows 11", &w11);
    }
    if let Some(licence) = audit.and_then(facts::licence) {
        doc.row(&both("Windows-Lizenz", "Windows licence"), &licence);
    }
    doc.row(&both("Audit-Prüfsumme", "Audit digest"), &m.audit_digest);
    if let Some(key) = &m.windows_product_key {
        doc.row(
            &both("Windows-Produktschlüssel", "Windows product key"),
            &format!(
                "{}; {}",
                both("vorhanden (nur Prüfsumme)", "present (digest only)"),
                key.digest
            ),
        );
    }
}

fn drive_block(doc: &mut Doc, n: usize, d: &DriveRecord) {
    doc.ensure(120.0);
    let mut heading = format!("{} {n}", both("Datenträger", "Drive"));
    if !d.model.trim().is_empty() && d.model != "-" {
        heading.push_str(&format!(": {}", d.model));
    }
    doc.heading(&heading);
    let (de, en) = labels::status(d.status);
    doc.row_styled(
        "Status",
        &format!("{} ({})", both(de, en), d.status),
        Weight::Bold,
        labels::status_rgb(d.status),
    );
    doc.row(
        &both("Seriennr., Firmware", "Serial, firmware"),
        &joined([d.serial.as_str(), d.firmware.as_str()]),
    );
    let size = (d.size_bytes > 0).then(|| human_bytes(d.size_bytes));
    doc.row(
        &both("Kapazität, Medium", "Capacity, media"),
        &joined([
            size.as_deref().unwrap_or(""),
            d.media_type.as_str(),
            d.transport.as_str(),
        ]),
    );
    let method = &d.method;
    let mut text = format!(
        "{} · {} {}",
        method.name,
        method.passes,
        both("Durchgänge", "passes")
    );
    // The patterns stand in the passes row, with their timings, when passes were recorded.
    if !method.patterns.is_empty() && d.passes.is_empty() {
        text.push_str(&format!(" · {}", method.patterns.join(" ")));
    }
    doc.row(&both("Verfahren", "Method"), &text);
    // "Clear"/"Purge" are NIST's own words, in both languages; "none reached" is ours.
    let reached = match method.nist_category {
        NistCategory::None => both("keine erreicht", NistCategory::None.label()),
        other => other.label().to_owned(),
    };
    let mut category = format!("{reached} (NIST SP 800-88 Rev. 1)");
    if let Some(bsi) = &method.bsi_method {
        category.push_str(&format!(" · BSI: {bsi}"));
    }
    doc.row(&both("Kategorie", "Category"), &category);
    let v = &d.verification;
    // The capacity row has the exact size: "whole drive" says it without repeating it.
    let checked = if v.bytes_checked == d.size_bytes && d.size_bytes > 0 {
        both("ganzer Datenträger", "whole drive")
    } else {
        format!(
            "{} {}",
            human_bytes(v.bytes_checked),
            both("geprüft", "checked")
        )
    };
    doc.row(
        &both("Verifikation", "Verification"),
        &format!(
            "{} · {} · {checked}",
            labels::verification_mode(v.mode),
            labels::verification_outcome(v.outcome),
        ),
    );
    if let Some(h) = &d.hidden_areas {
        doc.row(
            &both("Versteckte Bereiche", "Hidden areas"),
            &[
                format!(
                    "HPA: {} · DCO: {}",
                    labels::hidden(h.hpa),
                    labels::hidden(h.dco)
                ),
                h.sectors_text().unwrap_or_default(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" · "),
        );
    }
    if let Some(f) = &d.firmware_erase {
        firmware_rows(doc, f);
    }
    let errors = d
        .error_ranges
        .iter()
        .map(|r| format!("{} +{}: {}", r.offset, r.length, r.error))
        .collect::<Vec<_>>()
        .join("; ");
    // A clean drive's status already says so; the rows are for the drives with errors.
    if !d.error_ranges.is_empty() {
        doc.row(&both("Fehlerbereiche", "Error ranges"), &errors);
    }
    if !d.passes.is_empty() {
        let passes = d
            .numbered_passes()
            .map(|(number, p)| {
                format!(
                    "{} {} {}",
                    d.pass_label(number),
                    p.pattern,
                    labels::duration((p.finished - p.started).num_seconds())
                )
            })
            .collect::<Vec<_>>()
            .join(" · ");
        doc.row(&both("Durchgänge", "Passes"), &passes);
    }
}

/// The drive's own erase: operation, commands with their status, canaries, sampling.
fn firmware_rows(doc: &mut Doc, f: &FirmwareErase) {
    let mut erase = format!(
        "{} · {}",
        f.operation,
        if f.confirmed {
            both("vom Laufwerk bestätigt", "confirmed by the drive")
        } else {
            both("nicht bestätigt", "not confirmed")
        }
    );
    if f.fell_back_to_overwrite {
        erase.push_str(&format!(
            " · {}",
            both("stattdessen überschrieben", "overwritten instead")
        ));
    }
    doc.row(&both("Firmware-Löschung", "Firmware erase"), &erase);
    if !f.commands.is_empty() {
        let commands = f
            .commands
            .iter()
            .map(|c| format!("{}: {}", c.command, c.status))
            .collect::<Vec<_>>()
            .join(" · ");
        doc.row(&both("Befehle", "Commands"), &commands);
    }
    if let Some(c) = &f.canaries {
        doc.row(
            &both("Kanarienblöcke", "Canaries"),
            &format!(
                "{} {} · {} {}",
                c.written,
                both("geschrieben", "written"),
                c.survived,
                both("überlebt", "survived")
            ),
        );
    }
    if let Some(s) = &f.sampling {
        doc.row(
            &both("Stichprobe", "Sampling"),
            &format!(
                "{} % · {} · {} · {}",
                crate::text::share_percent(s.share_ppm),
                s.samples,
                human_bytes(s.bytes_read),
                s.reads_as
            ),
        );
    }
}

fn signature(doc: &mut Doc, cert: &Certificate, options: &PdfOptions) {
    doc.heading(&both("Signatur", "Signature"));
    doc.row(
        &both("Verfahren", "Scheme"),
        "Ed25519 · DSSE · RFC 8785 (JCS)",
    );
    doc.row(
        &both("Fingerabdruck", "Fingerprint"),
        &cert.station.key_fingerprint,
    );
    let verify_at = if options.registry_url.is_some() {
        doc.row(&both("Prüfen", "Verify"), &options.link(cert));
        format!(
            "im Zertifikatsregister / in the registry: {}, oder / or tabula verify {}.tabula.json",
            options.link(cert),
            cert.id
        )
    } else {
        format!("tabula verify {}.tabula.json", cert.id)
    };
    doc.paragraph(
        &format!(
            "Darstellung; maßgeblich ist die signierte Datei / A rendering; the signed file is \
             authoritative: {id}.tabula.json. Prüfung / verify: {verify_at}.",
            id = cert.id
        ),
        7.0,
    );
}
