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
        /// One reason per shortfall, in drive order. Typed, so each front end words it in its
        /// own language; `Display` is the English wording for logs.
        reasons: Vec<Shortfall>,
    },
}

/// One reason a certificate does not count as erased and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shortfall {
    /// A drive not erased, or not verified, or both.
    Drive {
        serial: String,
        /// The drive's status when it is not `erased`.
        status: Option<Status>,
        /// The verification outcome when it did not pass.
        verification: Option<VerificationOutcome>,
    },
    /// The certificate names no drive.
    NoDrives,
    /// Every drive is clean but the overall result says otherwise.
    Overall(Status),
}

impl std::fmt::Display for Shortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Drive {
                serial,
                status,
                verification,
            } => {
                let verification = verification.map(|v| match v {
                    VerificationOutcome::Failed => "verification failed",
                    _ => "not verified",
                });
                let why = match (status, verification) {
                    (Some(s), Some(v)) => format!("{s}, {v}"),
                    (Some(s), None) => s.to_string(),
                    (None, Some(v)) => v.to_owned(),
                    (None, None) => "erased".to_owned(),
                };
                if serial.is_empty() {
                    write!(f, "drive without a serial number: {why}")
                } else {
                    write!(f, "drive {serial}: {why}")
                }
            }
            Self::NoDrives => f.write_str("no drives"),
            Self::Overall(status) => write!(f, "overall result {status}"),
        }
    }
}

impl Erasure {
    /// The erasure verdict of `cert`.
    pub fn of(cert: &Certificate) -> Self {
        let mut reasons: Vec<Shortfall> = cert.drives.iter().filter_map(shortfall).collect();
        if cert.drives.is_empty() {
            reasons.push(Shortfall::NoDrives);
        }
        if cert.result != Status::Erased && reasons.is_empty() {
            reasons.push(Shortfall::Overall(cert.result));
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
fn shortfall(drive: &DriveRecord) -> Option<Shortfall> {
    let status = (drive.status != Status::Erased).then_some(drive.status);
    let verification = (drive.verification.outcome != VerificationOutcome::Passed)
        .then_some(drive.verification.outcome);
    (status.is_some() || verification.is_some()).then(|| Shortfall::Drive {
        serial: drive.serial.clone(),
        status,
        verification,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {

    #[test]
    fn a_drive_without_a_serial_is_named_as_such() {
        let without = Shortfall::Drive {
            serial: String::new(),
            status: Some(Status::Interrupted),
            verification: None,
        };
        assert_eq!(
            without.to_string(),
            "drive without a serial number: interrupted"
        );
        let with = Shortfall::Drive {
            serial: "WX11A12B3456".into(),
            status: None,
            verification: Some(VerificationOutcome::Failed),
        };
        assert_eq!(with.to_string(), "drive WX11A12B3456: verification failed");
    }

    use super::*;
    use crate::key::StationKey;
    use crate::sample;

    fn reasons(e: &Erasure) -> Vec<String> {
        match e {
            Erasure::ErasedAndVerified => vec![],
            Erasure::NotFullyErased { reasons } => {
                reasons.iter().map(ToString::to_string).collect()
            }
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
