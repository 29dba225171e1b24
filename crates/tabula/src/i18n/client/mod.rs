//! The registry client's errors in words (`tabula_station::client::ClientError` and the
//! transport's `TransportError`): unreachable, timed out, TLS, refused with its status, and what
//! checking the registry's answers found. The system's and the registry's own text follows as
//! they give it. A block of its own in both catalogues ([`de::CLIENT`], [`en::CLIENT`]).

pub mod de;
pub mod en;

use tabula_station::transport::TlsProblem;

#[derive(Debug)]
pub struct Client {
    /// The registry does not answer at all (connection refused, no route, name not found).
    pub unreachable: fn(base: &str) -> String,
    /// It did not answer in time.
    pub timeout: fn(base: &str) -> String,
    /// The TLS handshake failed: (base, the problem in words).
    pub tls: fn(base: &str, problem: &str) -> String,
    pub tls_problem: fn(TlsProblem) -> String,
    /// An error document of the registry: (HTTP status, code, its message).
    pub refused: fn(status: u16, code: &str, message: &str) -> String,
    /// Any other error answer: (HTTP status, the start of its body).
    pub unexpected: fn(status: u16, body: &str) -> String,
    /// An answer that cannot be read: (what was asked for, in English).
    pub answer: fn(what: &str) -> String,
    pub log_key: fn(what: &str) -> String,
    pub log_key_file: fn(path: &str) -> String,
    pub no_receipt: &'static str,
    pub malformed_receipt: &'static str,
    pub receipt: &'static str,
    pub checkpoint: &'static str,
    /// (current tree size, the receipt's tree size).
    pub rollback: fn(now: u64, then: u64) -> String,
    pub inconsistent: &'static str,
    pub leaf: &'static str,
    pub bad_url: fn(url: &str) -> String,
    pub insecure_http: fn(url: &str) -> String,
    pub ca_file: fn(path: &str) -> String,
    pub ca_pem: fn(path: &str) -> String,
    pub build: &'static str,
}
