//! The erasure verdict of a certificate, separate from its signature verdict.
//!
//! A signature that verifies proves the certificate is what the station signed; it says nothing
//! about whether the drives were erased. Every front end (PDF, registry page, `tabula verify`)
//! leads with this verdict and shows the signature verdict as a second, separate line.

use crate::schema::{Certificate, DriveRecord, Status, VerificationOutcome};

/// Whether every drive of a certificate was erased and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Erasure {
    /// The certificate has drives, its result is `erased`, and every drive is `erased` with a
    /// verification read-back that passed.
    ErasedAndVerified,
    /// Anything else; each entry says why (a drive not erased, not verified, or no drives).
    NotFullyErased {
        /// One reason per shortfall, in drive order (English, for logs and the CLI).
        reasons: Vec<String>,
    },
}

impl Erasure {
    /// The erasure verdict of `cert`.
    pub fn of(cert: &Certificate) -> Self {
        let mut reasons: Vec<String> = cert
            .drives
            .iter()
            .filter_map(|d| shortfall(d).map(|why| format!("drive {}: {why}", d.serial)))
            .collect();
        if cert.drives.is_empty() {
            reasons.push("no drives".into());
        }
        if cert.result != Status::Erased && reasons.is_empty() {
            reasons.push(format!("overall result {}", cert.result));
        }
        if reasons.is_empty() {
            Self::ErasedAndVerified
        } else {
            Self::NotFullyErased { reasons }
        }
    }

    /// True for [`Erasure::ErasedAndVerified`].
    pub fn is_complete(&self) -> bool {
        matches!(self, Self::ErasedAndVerified)
    }

    /// The headline in German.
    pub fn label_de(&self) -> &'static str {
        match self {
            Self::ErasedAndVerified => "Gelöscht und geprüft",
            Self::NotFullyErased { .. } => "Nicht vollständig gelöscht",
        }
    }

    /// The headline in English.
    pub fn label_en(&self) -> &'static str {
        match self {
            Self::ErasedAndVerified => "Erased and verified",
            Self::NotFullyErased { .. } => "Not fully erased",
        }
    }
}

/// Why one drive does not count as erased and verified, if it does not.
fn shortfall(drive: &DriveRecord) -> Option<String> {
    let verification = match drive.verification.outcome {
        VerificationOutcome::Passed => None,
        VerificationOutcome::Failed => Some("verification failed"),
        VerificationOutcome::NotRun => Some("not verified"),
    };
    match (drive.status, verification) {
        (Status::Erased, None) => None,
        (Status::Erased, Some(v)) => Some(v.to_owned()),
        (status, None) => Some(status.to_string()),
        (status, Some(v)) => Some(format!("{status}, {v}")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::key::StationKey;
    use crate::sample;

    fn reasons(e: &Erasure) -> Vec<String> {
        match e {
            Erasure::ErasedAndVerified => vec![],
            Erasure::NotFullyErased { reasons } => reasons.clone(),
        }
    }

    #[test]
    fn clean_sample_is_erased_and_verified() {
        let key = StationKey::from_seed(&[1; 32]);
        let cert = sample::erased_certificate(&key);
        assert_eq!(Erasure::of(&cert), Erasure::ErasedAndVerified);
    }

    #[test]
    fn a_drive_with_errors_is_not_fully_erased() {
        let key = StationKey::from_seed(&[1; 32]);
        let cert = sample::certificate(&key);
        let e = Erasure::of(&cert);
        assert!(!e.is_complete());
        assert_eq!(
            reasons(&e),
            ["drive WD-WX11A12B3456: erased-with-errors, verification failed"]
        );
    }

    #[test]
    fn unverified_interrupted_or_empty_is_not_fully_erased() {
        let key = StationKey::from_seed(&[1; 32]);
        let mut cert = sample::erased_certificate(&key);
        cert.drives[0].verification.outcome = VerificationOutcome::NotRun;
        assert_eq!(
            reasons(&Erasure::of(&cert)),
            ["drive S3YJNX0K123456: not verified"]
        );

        let mut cert = sample::erased_certificate(&key);
        cert.drives[1].status = Status::Interrupted;
        assert_eq!(
            reasons(&Erasure::of(&cert)),
            ["drive WD-WX11A12B3456: interrupted"]
        );

        // Drives all clean but an overall result that says otherwise: not trusted as complete.
        let mut cert = sample::erased_certificate(&key);
        cert.result = Status::Interrupted;
        assert_eq!(reasons(&Erasure::of(&cert)), ["overall result interrupted"]);

        let mut cert = sample::erased_certificate(&key);
        cert.drives.clear();
        assert_eq!(reasons(&Erasure::of(&cert)), ["no drives"]);
    }
}
