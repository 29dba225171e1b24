//! Die Fehler des Zertifikatsregister-Clients auf Deutsch.

use tabula_station::transport::TlsProblem;

use super::Client;

fn tls_problem(p: TlsProblem) -> String {
    match p {
        TlsProblem::UnknownCa => "das Zertifikat des Servers ist nicht von einer \
             vertrauenswürdigen Zertifizierungsstelle signiert (mit CA-Datei: nicht von dieser)"
            .to_owned(),
        TlsProblem::NameMismatch => {
            "das Zertifikat des Servers gilt nicht für diesen Hostnamen".to_owned()
        }
        TlsProblem::Expired => "das Zertifikat des Servers ist abgelaufen".to_owned(),
        TlsProblem::NotYetValid => {
            "das Zertifikat des Servers ist noch nicht gültig (geht die Uhr dieses Rechners \
             richtig?)"
                .to_owned()
        }
        TlsProblem::BadCertificate => "das Zertifikat des Servers wurde abgelehnt".to_owned(),
        TlsProblem::Handshake => "der TLS-Handshake ist gescheitert".to_owned(),
        other => other.to_string(),
    }
}

pub const CLIENT: Client = Client {
    unreachable: |base| format!("Zertifikatsregister nicht erreichbar ({base})"),
    timeout: |base| {
        format!("Zertifikatsregister antwortet nicht rechtzeitig (Zeitüberschreitung, {base})")
    },
    tls: |base, problem| {
        format!("TLS-Verbindung zum Zertifikatsregister {base} gescheitert: {problem}")
    },
    tls_problem,
    refused: |status, code, message| {
        format!("vom Zertifikatsregister abgelehnt (Status {status}, {code}): {message}")
    },
    unexpected: |status, body| {
        format!("Zertifikatsregister antwortete mit Status {status}: {body}")
    },
    answer: |what| format!("Antwort des Zertifikatsregisters nicht lesbar ({what})"),
    log_key: |what| format!("{what:?} ist kein Prüfschlüssel eines Logs"),
    log_key_file: |path| format!("Log-Schlüsseldatei {path} nicht lesbar"),
    no_receipt: "das Bündel hat keine Quittung: erst mit `tabula upload` hochladen",
    malformed_receipt: "die Quittung des Bündels ist beschädigt",
    receipt: "die Quittung des Zertifikatsregisters besteht die Prüfung nicht",
    checkpoint: "der aktuelle Prüfpunkt des Zertifikatsregisters passt nicht zum Log-Schlüssel",
    rollback: |now, then| {
        format!(
            "ROLLBACK: der aktuelle Baum des Zertifikatsregisters (Größe {now}) ist kleiner als \
             der Baumkopf der Quittung (Größe {then}): das Log wurde zurückgesetzt oder gegabelt"
        )
    },
    inconsistent: "der aktuelle Baum des Zertifikatsregisters ist NICHT konsistent mit dem \
         Baumkopf der Quittung (Log umgeschrieben?)",
    leaf: "die signierten Daten des Zertifikats sind nicht lesbar",
    bad_url: |url| {
        format!("Zertifikatsregister-URL {url:?} muss mit http:// oder https:// beginnen")
    },
    insecure_http: |url| {
        format!(
            "Zertifikatsregister-URL {url:?} ist unverschlüsseltes http zu einem anderen Rechner: \
             das Anmelde-Token und jedes Zertifikat gingen offen durchs Netz; https:// nehmen, \
             oder --insecure-http (`insecure_http = true` unter [registry]), wenn das wirklich \
             gemeint ist"
        )
    },
    ca_file: |path| format!("CA-Datei {path} nicht lesbar"),
    ca_pem: |path| format!("{path} enthält kein PEM-Zertifikat"),
    build: "der HTTP-Client ließ sich nicht einrichten",
};
