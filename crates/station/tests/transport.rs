//! The station's TLS to the registry against a real TLS server (`openssl s_server`) with
//! certificates this test makes: a pinned CA is trusted, anything else is refused, and each
//! refusal is named (unknown CA, name mismatch, expired).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tabula_station::client::{ClientError, RegistryClient};
use tabula_station::transport::{TlsProblem, Transport};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed (.ci/apt-packages)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA named `name`: `<name>.pem` and `<name>.key` in `dir`.
fn ca(dir: &Path, name: &str) -> PathBuf {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-days",
            "30",
            "-subj",
            &format!("/CN={name}"),
        ],
    );
    dir.join(format!("{name}.pem"))
}

/// A server certificate `<name>.pem`/`<name>.key` from `ca` for `san`, valid for `days` (a
/// negative number gives one that has expired).
fn server_cert(dir: &Path, ca: &str, name: &str, san: &str, days: i32) -> (PathBuf, PathBuf) {
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
            "-subj",
            "/CN=registry",
        ],
    );
    std::fs::write(
        dir.join(format!("{name}.ext")),
        format!("subjectAltName={san}\n"),
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            &days.to_string(),
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}.pem"),
        ],
    );
    (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    )
}

/// `openssl s_server -www` on a free loopback port with the given certificate.
struct TlsServer {
    child: Child,
    url: String,
}

impl TlsServer {
    fn start(cert: &Path, key: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(cert)
            .arg("-key")
            .arg(key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "openssl s_server did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            url: format!("https://127.0.0.1:{port}"),
        }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pinned(ca: &Path) -> Transport {
    Transport {
        ca_file: Some(ca.to_owned()),
        ..Transport::default()
    }
}

/// What a GET through `transport` to `server` ends in: `None` when TLS succeeded.
fn tls_outcome(server: &TlsServer, transport: &Transport) -> Option<TlsProblem> {
    let client = RegistryClient::new(&server.url, transport).unwrap();
    match client.checkpoint() {
        Ok(_) => None,
        Err(ClientError::Tls { problem, .. }) => Some(problem),
        Err(other) => panic!("not a TLS failure: {other:?}"),
    }
}

#[test]
fn only_the_pinned_ca_is_trusted_and_each_refusal_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let city_ca = ca(d, "city-ca");
    let other_ca = ca(d, "other-ca");
    let (good, good_key) = server_cert(d, "city-ca", "good", "IP:127.0.0.1", 30);
    let (wrong_name, wrong_name_key) =
        server_cert(d, "city-ca", "wrong-name", "DNS:registry.other.example", 30);
    let (expired, expired_key) = server_cert(d, "city-ca", "expired", "IP:127.0.0.1", -1);

    let server = TlsServer::start(&good, &good_key);
    assert_eq!(tls_outcome(&server, &pinned(&city_ca)), None);
    assert_eq!(
        tls_outcome(&server, &pinned(&other_ca)),
        Some(TlsProblem::UnknownCa),
        "pinned to another CA"
    );
    assert_eq!(
        tls_outcome(&server, &Transport::default()),
        Some(TlsProblem::UnknownCa),
        "a private CA is not among the built-in roots"
    );
    let err = RegistryClient::new(&server.url, &pinned(&other_ca))
        .unwrap()
        .checkpoint()
        .unwrap_err();
    assert!(
        err.to_string().contains("not signed by a trusted CA"),
        "{err}"
    );
    assert!(!err.is_retryable());

    let server = TlsServer::start(&wrong_name, &wrong_name_key);
    assert_eq!(
        tls_outcome(&server, &pinned(&city_ca)),
        Some(TlsProblem::NameMismatch)
    );

    let server = TlsServer::start(&expired, &expired_key);
    assert_eq!(
        tls_outcome(&server, &pinned(&city_ca)),
        Some(TlsProblem::Expired)
    );
}

#[test]
fn plain_http_to_another_host_is_refused_before_anything_is_sent() {
    // 192.0.2.0/24 is TEST-NET-1: nothing would answer there anyway.
    let err = RegistryClient::new("http://192.0.2.10:8440", &Transport::default()).unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
    assert!(err.is_permanent());
    let lab = Transport {
        insecure_http: true,
        ..Transport::default()
    };
    assert!(RegistryClient::new("http://192.0.2.10:8440", &lab).is_ok());
    assert!(RegistryClient::new("http://127.0.0.1:8440", &Transport::default()).is_ok());
}
