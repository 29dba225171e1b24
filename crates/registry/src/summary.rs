//! A certificate's summary columns (what search filters on and result lists show), derived from
//! its signed payload in exactly one place: at upload to fill the columns, at every view to
//! show the payload's values rather than the columns', and in `tabula-registry check` to find
//! columns that were edited behind the registry's back.

use tabula_certificate::Certificate;

use crate::request::time_text;
use crate::store::{CertificateRow, DriveRow};

/// The summary of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    pub organisation: String,
    pub site: String,
    pub machine_vendor: String,
    pub machine_model: String,
    pub machine_serial: String,
    pub result: String,
    pub started: String,
    pub finished: String,
    /// The interrupted certificate a resumed wipe continues.
    pub continues: Option<String>,
    /// `(model, serial)` per drive, in certificate order.
    pub drives: Vec<(String, String)>,
}

impl Summary {
    /// The summary the signed payload states.
    pub fn of(cert: &Certificate) -> Self {
        Self {
            organisation: cert.organisation.clone(),
            site: cert.site.clone(),
            machine_vendor: cert.machine.vendor.clone(),
            machine_model: cert.machine.model.clone(),
            machine_serial: cert.machine.serial.clone(),
            result: cert.result.as_str().to_owned(),
            started: time_text(&cert.started),
            finished: time_text(&cert.finished),
            continues: cert.continues.map(|id| id.to_string()),
            drives: cert
                .drives
                .iter()
                .map(|d| (d.model.clone(), d.serial.clone()))
                .collect(),
        }
    }

    /// The summary a stored row's columns hold.
    pub fn of_row(row: &CertificateRow) -> Self {
        Self {
            organisation: row.organisation.clone(),
            site: row.site.clone(),
            machine_vendor: row.machine_vendor.clone(),
            machine_model: row.machine_model.clone(),
            machine_serial: row.machine_serial.clone(),
            result: row.result.clone(),
            started: row.started.clone(),
            finished: row.finished.clone(),
            continues: row.continues.clone(),
            drives: row
                .drives
                .iter()
                .map(|d| (d.model.clone(), d.serial.clone()))
                .collect(),
        }
    }

    /// Names of the columns in which `stored` differs from `self`.
    pub fn differences(&self, stored: &Self) -> Vec<&'static str> {
        let pairs = [
            ("organisation", &self.organisation, &stored.organisation),
            ("site", &self.site, &stored.site),
            (
                "machine_vendor",
                &self.machine_vendor,
                &stored.machine_vendor,
            ),
            ("machine_model", &self.machine_model, &stored.machine_model),
            (
                "machine_serial",
                &self.machine_serial,
                &stored.machine_serial,
            ),
            ("result", &self.result, &stored.result),
            ("started", &self.started, &stored.started),
            ("finished", &self.finished, &stored.finished),
        ];
        let mut out: Vec<&'static str> = pairs
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(name, _, _)| name)
            .collect();
        if self.continues != stored.continues {
            out.push("continues");
        }
        if self.drives != stored.drives {
            out.push("drives");
        }
        out
    }

    /// Put this summary into `row`, replacing what its columns said.
    pub fn apply_to(self, row: &mut CertificateRow) {
        row.organisation = self.organisation;
        row.site = self.site;
        row.machine_vendor = self.machine_vendor;
        row.machine_model = self.machine_model;
        row.machine_serial = self.machine_serial;
        row.result = self.result;
        row.started = self.started;
        row.finished = self.finished;
        row.continues = self.continues;
        row.drives = self
            .drives
            .into_iter()
            .map(|(model, serial)| DriveRow { model, serial })
            .collect();
    }
}
