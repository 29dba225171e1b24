//! Die Fehler der Zertifikats- und Audit-Bibliotheken auf Deutsch.

use tabula_audit::RulesError;
use tabula_certificate::{BundleError, VerifyError};

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
        _ => return None,
    })
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
    rules,
};
