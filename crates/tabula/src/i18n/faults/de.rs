//! Die Fehler der Zertifikats- und Audit-Bibliotheken auf Deutsch.

use tabula_audit::RulesError;
use tabula_certificate::dsse::DecodeError;
use tabula_certificate::jcs::JcsError;
use tabula_certificate::{BundleError, KeyError, VerifyError};

use super::Faults;

fn bundle(e: &BundleError) -> Option<String> {
    Some(match e {
        BundleError::Io { path, source } => {
            format!("{} lässt sich nicht lesen: {source}", path.display())
        }
        BundleError::Empty => "leere Datei: kein Tabula-Zertifikat".into(),
        BundleError::Truncated { line, column, .. } => format!(
            "abgeschnittene Datei: das JSON endet vorzeitig in Zeile {line}, Spalte {column} (unvollständige Kopie?)"
        ),
        BundleError::NotJson { source } => format!("kein JSON: {source}"),
        BundleError::NotABundle { source } => {
            format!("JSON, aber kein Tabula-Zertifikatsbündel: {source}")
        }
        BundleError::UnknownFormat { found } => format!(
            "unbekanntes Bündelformat {found:?} (dieses Tabula liest {:?})",
            tabula_certificate::BUNDLE_FORMAT
        ),
        BundleError::ProductKeyInAudit { pointer } => format!(
            "das Audit-Dokument enthält bei {pointer} einen Windows-Produktschlüssel; festgehalten werden nur sein Vorhandensein und seine Prüfsumme"
        ),
        BundleError::ProductKeyInCertificate { pointer } => format!(
            "das Zertifikat enthält bei {pointer} einen Windows-Produktschlüssel; festgehalten werden nur sein Vorhandensein und seine Prüfsumme"
        ),
        BundleError::SchemaVersion { found } => format!(
            "Schemaversion {found} lässt sich nicht signieren: dieses Tabula schreibt Schemaversion {}",
            tabula_certificate::SCHEMA_VERSION
        ),
        BundleError::AuditDigest { claimed, actual } => format!(
            "die Audit-Prüfsumme des Zertifikats {claimed} passt nicht zum Audit-Dokument ({actual})"
        ),
        BundleError::StationKey { claimed, actual } => format!(
            "das Zertifikat nennt den Stationsschlüssel {claimed}, signiert ist es mit {actual}"
        ),
        BundleError::Jcs(e) => jcs(e),
        BundleError::Key(e) => key(e),
        BundleError::Envelope(e) => format!("fehlerhafter Umschlag: {}", decode(e)),
        BundleError::Payload(e) => format!("der Inhalt ist kein gültiges Zertifikat: {e}"),
        BundleError::Encode(e) => format!("das Bündel lässt sich nicht als JSON schreiben: {e}"),
        _ => return None,
    })
}

/// The envelope's base64 that does not decode, with the decoder's detail.
fn decode(e: &DecodeError) -> String {
    match e {
        DecodeError::Payload(source) => format!("der Inhalt ist kein gültiges Base64: {source}"),
        DecodeError::Signature { index, source } => {
            format!("Signatur {index} ist kein gültiges Base64: {source}")
        }
        other => other.to_string(),
    }
}

/// RFC 8785 (JCS) that cannot be written or read, with the parser's detail.
fn jcs(e: &JcsError) -> String {
    match e {
        JcsError::Serialize(source) => {
            format!("kanonisches JSON (RFC 8785) lässt sich nicht schreiben: {source}")
        }
        JcsError::NonFinite => "kanonisches JSON (RFC 8785) lässt sich nicht schreiben: NaN und Unendlich sind keine JSON-Zahlen".into(),
        JcsError::Parse(source) => format!("kein JSON: {source}"),
        other => other.to_string(),
    }
}

/// The parser's own detail of a payload that is not JSON (the German words name the kind).
fn jcs_detail(e: &JcsError) -> String {
    match e {
        JcsError::Parse(source) => source.to_string(),
        other => jcs(other),
    }
}

/// A key that cannot be read, written or decoded.
fn key(e: &KeyError) -> String {
    match e {
        KeyError::Random(source) => {
            format!("keine Zufallszahlen für einen neuen Schlüssel: {source}")
        }
        KeyError::Io { path, source } => {
            format!(
                "{} lässt sich nicht lesen oder schreiben: {source}",
                path.display()
            )
        }
        KeyError::Exists { path } => format!(
            "{} gibt es schon; ein vorhandener Schlüssel wird nie überschrieben",
            path.display()
        ),
        KeyError::Permissions { path, mode } => format!(
            "{}: die Rechte {mode:04o} sind zu offen; geheime Dateien brauchen 0600 (chmod 600)",
            path.display()
        ),
        KeyError::PrivatePem(source) => {
            format!("kein privater Ed25519-Schlüssel (PKCS#8-PEM): {source}")
        }
        KeyError::PublicPem(source) => {
            format!("kein öffentlicher Ed25519-Schlüssel (SPKI-PEM): {source}")
        }
        other => other.to_string(),
    }
}

fn verify(e: &VerifyError) -> Option<String> {
    Some(match e {
        VerifyError::NoSignatures => "fehlerhafter Umschlag: er trägt keine Signatur".into(),
        VerifyError::BadSignature { fingerprint } => format!(
            "Signatur stimmt nicht: das Zertifikat wurde nach dem Signieren verändert (Inhalt, Inhaltstyp oder Signatur) [Schlüssel {fingerprint}]"
        ),
        VerifyError::WrongKey { signed_by, given } => format!(
            "falscher Schlüssel: das Zertifikat ist unversehrt, aber von {signed_by} signiert, nicht vom angegebenen Schlüssel {given}"
        ),
        VerifyError::PayloadType { found } => format!(
            "falscher Inhaltstyp {found:?}: erwartet {:?}",
            tabula_certificate::PAYLOAD_TYPE
        ),
        VerifyError::NotCanonical => {
            "nicht kanonisch: der Inhalt ist nicht in der Form nach RFC 8785 (JCS), neu serialisiert ändern sich die Bytes".into()
        }
        VerifyError::UnknownSchemaVersion { found } => format!(
            "unbekannte Schemaversion {found}: dieses Tabula liest Schemaversion {v} bis {v}.{minor}",
            v = tabula_certificate::SCHEMA_VERSION,
            minor = tabula_certificate::SCHEMA_MINOR
        ),
        VerifyError::StationKeyMismatch { claimed, signed_by } => format!(
            "Stationsschlüssel passt nicht: das Zertifikat nennt {claimed}, signiert hat {signed_by}"
        ),
        VerifyError::AuditDigest { claimed, actual } => format!(
            "Audit-Prüfsumme passt nicht: das Zertifikat bindet {claimed}, das beigefügte Audit-Dokument ergibt {actual}"
        ),
        VerifyError::Decode(e) => format!("fehlerhafter Umschlag: {}", decode(e)),
        VerifyError::EmbeddedKey(e) => format!(
            "fehlerhafter Umschlag: der mitgelieferte Stationsschlüssel ist unbrauchbar: {}",
            key(e)
        ),
        VerifyError::PayloadNotJson(e) => {
            format!("der signierte Inhalt ist kein JSON: {}", jcs_detail(e))
        }
        VerifyError::InvalidCertificate(e) => {
            format!("der signierte Inhalt ist kein gültiges Zertifikat der Version 1: {e}")
        }
        VerifyError::AuditNotCanonical(e) => format!(
            "das beigefügte Audit-Dokument lässt sich nicht kanonisch schreiben: {}",
            jcs(e)
        ),
        _ => return None,
    })
}

fn rules(e: &RulesError) -> Option<String> {
    Some(match e {
        RulesError::Read { path, source } => format!(
            "die Regeldatei {} lässt sich nicht lesen: {source}",
            path.display()
        ),
        RulesError::Toml(source) => format!("die Regeln sind ungültig: {source}"),
        RulesError::Schema(n) => {
            format!("Regelschema {n} wird nicht unterstützt (dieses Tabula kennt Schema 1)")
        }
        RulesError::Empty => "die Regeldatei enthält keine Regel".into(),
        RulesError::DuplicateId(id) => format!("die Regel-ID {id:?} kommt zweimal vor"),
        _ => return None,
    })
}

pub const FAULTS: Faults = Faults {
    bundle,
    verify,
    key: |e| Some(key(e)),
    rules,
};
