//! How the station reaches its registry: which URLs it accepts, which CA it trusts, and what a
//! failed TLS handshake is called on screen.
//!
//! - `https://` is the norm. `http://` carries the enrolment token and every bundle in clear
//!   text, so it is refused for anything but a loopback address unless the operator says
//!   `insecure_http` (a test bench, a registry behind a TLS tunnel on the same host).
//! - A `ca_file` pins: only the CA certificate(s) in that file are trusted for the registry, not
//!   the built-in web roots as well, so a certificate from any public CA for the registry's name
//!   is not enough.
//! - A handshake that fails says why (unknown CA, name mismatch, expired, not yet valid), not
//!   just "cannot reach the registry".

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rustls::CertificateError;

/// How to connect to the registry: `--ca-file` / `[registry] ca_file` and `--insecure-http` /
/// `[registry] insecure_http`.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    /// PEM file with the only CA certificate(s) trusted for the registry.
    pub ca_file: Option<PathBuf>,
    /// Allow `http://` to a host that is not a loopback address.
    pub insecure_http: bool,
}

/// Why a registry URL or its transport settings are not acceptable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    #[error("registry URL {0:?} must start with http:// or https://")]
    BadUrl(String),
    #[error(
        "registry URL {0:?} is plain http to a host that is not this machine: the enrolment token and every certificate would cross the network unencrypted; use https://, or --insecure-http (`insecure_http = true` under [registry]) if that is really meant"
    )]
    InsecureHttp(String),
    #[error("reading CA file {}", path.display())]
    CaFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} holds no PEM certificate", path.display())]
    CaPem {
        path: PathBuf,
        #[source]
        source: Option<reqwest::Error>,
    },
    #[error("building the HTTP client")]
    Build(#[source] reqwest::Error),
}

/// What went wrong in a TLS handshake with the registry, in the words an operator needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsProblem {
    /// The server's certificate chain does not lead to a trusted CA (with a `ca_file`: to it).
    UnknownCa,
    /// The certificate is not for the host name (or address) in the registry URL.
    NameMismatch,
    Expired,
    NotYetValid,
    /// Any other refusal of the server's certificate.
    BadCertificate,
    /// The handshake failed for a reason that is not about the certificate.
    Handshake,
}

impl std::fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::UnknownCa => {
                "the server's certificate is not signed by a trusted CA (with a CA file: not by that CA)"
            }
            Self::NameMismatch => "the server's certificate is not valid for this host name",
            Self::Expired => "the server's certificate has expired",
            Self::NotYetValid => {
                "the server's certificate is not valid yet (is this machine's clock right?)"
            }
            Self::BadCertificate => "the server's certificate was refused",
            Self::Handshake => "the TLS handshake failed",
        })
    }
}

impl Transport {
    /// Checks `base` against this transport and builds the HTTP client for it. Returns the base
    /// URL without a trailing slash.
    pub fn client(
        &self,
        base: &str,
    ) -> Result<(String, reqwest::blocking::Client), TransportError> {
        let base = base.trim().trim_end_matches('/').to_owned();
        self.check_url(&base)?;
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("tabula/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &self.ca_file {
            builder = builder.tls_built_in_root_certs(false);
            for cert in read_ca_file(path)? {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(TransportError::Build)?;
        Ok((base, http))
    }

    fn check_url(&self, base: &str) -> Result<(), TransportError> {
        let url = reqwest::Url::parse(base).map_err(|_| TransportError::BadUrl(base.to_owned()))?;
        match url.scheme() {
            "https" => Ok(()),
            "http" if self.insecure_http || is_loopback(&url) => Ok(()),
            "http" => Err(TransportError::InsecureHttp(base.to_owned())),
            _ => Err(TransportError::BadUrl(base.to_owned())),
        }
    }
}

/// `localhost`, 127.0.0.0/8 and ::1: traffic that never leaves the machine.
fn is_loopback(url: &reqwest::Url) -> bool {
    url.host_str().is_some_and(|host| {
        host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|a| a.is_loopback())
    })
}

fn read_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>, TransportError> {
    let pem = std::fs::read(path).map_err(|source| TransportError::CaFile {
        path: path.to_owned(),
        source,
    })?;
    let certs =
        reqwest::Certificate::from_pem_bundle(&pem).map_err(|source| TransportError::CaPem {
            path: path.to_owned(),
            source: Some(source),
        })?;
    if certs.is_empty() {
        return Err(TransportError::CaPem {
            path: path.to_owned(),
            source: None,
        });
    }
    Ok(certs)
}

/// The TLS problem behind a failed request, if the failure was in the TLS handshake.
pub fn tls_problem(err: &(dyn std::error::Error + 'static)) -> Option<TlsProblem> {
    let mut source = Some(err);
    while let Some(e) = source {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(classify(tls));
        }
        // An io::Error's source() skips the error it wraps (hyper and rustls nest theirs there).
        source = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

fn classify(err: &rustls::Error) -> TlsProblem {
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => TlsProblem::UnknownCa,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsProblem::NameMismatch
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsProblem::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                TlsProblem::NotYetValid
            }
            _ => TlsProblem::BadCertificate,
        },
        _ => TlsProblem::Handshake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(t: &Transport, url: &str) -> bool {
        t.check_url(url).is_ok()
    }

    #[test]
    fn plain_http_only_to_this_machine_unless_asked() {
        let strict = Transport::default();
        for ok in [
            "https://registry.leipzig.de",
            "http://127.0.0.1:8440",
            "http://127.3.4.5",
            "http://[::1]:8440",
            "http://localhost:8440",
            "http://LOCALHOST",
        ] {
            assert!(accepts(&strict, ok), "{ok}");
        }
        for refused in [
            "http://registry.leipzig.de",
            "http://10.0.0.5:8440",
            "http://[fe80::1]",
            "http://localhost.attacker.example",
            "http://127.0.0.1.nip.io",
        ] {
            assert!(
                matches!(
                    strict.check_url(refused),
                    Err(TransportError::InsecureHttp(_))
                ),
                "{refused}"
            );
        }
        let lab = Transport {
            insecure_http: true,
            ..Transport::default()
        };
        assert!(accepts(&lab, "http://registry.leipzig.de"));
        for bad in ["ftp://registry", "registry.leipzig.de", "https://"] {
            assert!(!accepts(&lab, bad), "{bad}");
        }
    }

    #[test]
    fn a_ca_file_without_certificates_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("ca.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let t = Transport {
            ca_file: Some(empty),
            ..Transport::default()
        };
        assert!(matches!(
            t.client("https://registry.example"),
            Err(TransportError::CaPem { .. })
        ));
        let missing = Transport {
            ca_file: Some(dir.path().join("absent.pem")),
            ..Transport::default()
        };
        assert!(matches!(
            missing.client("https://registry.example"),
            Err(TransportError::CaFile { .. })
        ));
    }

    #[test]
    fn certificate_errors_are_named() {
        let named = |c| classify(&rustls::Error::InvalidCertificate(c));
        assert_eq!(
            named(CertificateError::UnknownIssuer),
            TlsProblem::UnknownCa
        );
        assert_eq!(
            named(CertificateError::NotValidForName),
            TlsProblem::NameMismatch
        );
        assert_eq!(named(CertificateError::Expired), TlsProblem::Expired);
        assert_eq!(
            named(CertificateError::NotValidYet),
            TlsProblem::NotYetValid
        );
        assert_eq!(
            named(CertificateError::BadSignature),
            TlsProblem::BadCertificate
        );
        assert_eq!(
            classify(&rustls::Error::DecryptError),
            TlsProblem::Handshake
        );
    }
}
