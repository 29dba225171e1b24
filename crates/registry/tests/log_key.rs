//! The log's signing key never lives in the database: `log.key` beside an SQLite database
//! (created on first start, 0600), database files 0600, an older version's key moved out of
//! `log_config` on upgrade (and gone from the SQLite files), PostgreSQL refused without a key
//! file, a different key refused, and the `log-key` commands of the binary.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use common::{Db, Server, config, enrolled_station, get_text, signed, test_db, upload_ok};
use tabula_registry::log_key::{read_key_file, write_key_file};
use tabula_registry::{
    DEFAULT_ORIGIN, LogKeyError, LogKeySource, OpenError, Registry, Store, StoreError,
};
use tabula_tlog::{Checkpoint, NoteSigner};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// What an older version did at first start: origin and signing key in `log_config`.
async fn plant_legacy_key(url: &str, signer: &NoteSigner) {
    let store = Store::open(url, 1).await.unwrap();
    store.ensure_origin(DEFAULT_ORIGIN).await.unwrap();
    store.close().await;
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query("INSERT INTO log_config (name, value) VALUES ('signing_key', $1)")
        .bind(signer.to_skey())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

fn contains(path: &Path, needle: &str) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn sqlite_keeps_its_key_beside_the_database_and_everything_private() {
    let db = test_db(Db::Sqlite).await.unwrap();
    let server = Server::start(config(&db.url)).await;
    let (key, log_key) = enrolled_station(&server.url(""), "station-a").await;
    upload_ok(&server.url(""), &signed(&key, "station-a", 1), &log_key).await;

    let file = db.url.strip_prefix("sqlite://").unwrap();
    let dir = Path::new(file).parent().unwrap();
    let key_file = dir.join("log.key");
    assert_eq!(mode(&key_file), 0o600);
    for f in [
        file.to_owned(),
        format!("{file}-wal"),
        format!("{file}-shm"),
    ] {
        assert_eq!(mode(Path::new(&f)), 0o600, "{f}");
    }
    // The key in the file is the key the log signs with; the database holds no key.
    let signer = read_key_file(&key_file).unwrap();
    assert_eq!(signer.verifier(), log_key);
    let note = get_text(server.url("/api/v1/log/checkpoint")).await;
    Checkpoint::verify(&note, &signer.verifier()).unwrap();
    assert_eq!(
        server.registry.store().legacy_log_key().await.unwrap(),
        None
    );
    server.stop().await;

    // The same file is used on the next start.
    let again = Registry::open(config(&db.url)).await.unwrap();
    assert_eq!(again.log_key(), log_key.to_vkey());
}

#[tokio::test]
async fn an_older_databases_key_moves_into_the_file_and_out_of_the_sqlite_files() {
    let db = test_db(Db::Sqlite).await.unwrap();
    let legacy = NoteSigner::generate(DEFAULT_ORIGIN).unwrap();
    plant_legacy_key(&db.url, &legacy).await;
    let file = db.url.strip_prefix("sqlite://").unwrap().to_owned();
    let secret = legacy.to_skey();
    // `PRIVATE+KEY+<name>+<hash>+<base64>`: the base64 part may itself hold '+' signs.
    let secret = secret.splitn(5, '+').nth(4).unwrap().to_owned();
    assert!(secret.len() > 40, "{secret}");

    let registry = Registry::open(config(&db.url)).await.unwrap();
    assert_eq!(
        registry.log_key(),
        legacy.verifier().to_vkey(),
        "the log keeps its key"
    );
    assert_eq!(registry.store().legacy_log_key().await.unwrap(), None);
    registry.store().close().await;
    let key_file = Path::new(&file).parent().unwrap().join("log.key");
    assert_eq!(
        read_key_file(&key_file).unwrap().verifier(),
        legacy.verifier()
    );
    for f in [file.clone(), format!("{file}-wal")] {
        assert!(!contains(Path::new(&f), &secret), "the key lingers in {f}");
    }
}

#[tokio::test]
async fn a_key_file_others_can_read_or_another_key_is_refused() {
    let db = test_db(Db::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let loose = dir.path().join("loose.key");
    write_key_file(&loose, &NoteSigner::generate(DEFAULT_ORIGIN).unwrap()).unwrap();
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut c = config(&db.url);
    c.log_key = LogKeySource::File(loose);
    let err = Registry::open(c).await.unwrap_err();
    assert!(err.to_string().contains("0600"), "{err}");

    // A database that still holds its key, given another key file: refused, key kept.
    let legacy = NoteSigner::generate(DEFAULT_ORIGIN).unwrap();
    plant_legacy_key(&db.url, &legacy).await;
    let other = dir.path().join("other.key");
    write_key_file(&other, &NoteSigner::generate(DEFAULT_ORIGIN).unwrap()).unwrap();
    let mut c = config(&db.url);
    c.log_key = LogKeySource::File(other);
    let err = Registry::open(c).await.unwrap_err();
    assert!(
        matches!(err, OpenError::LogKey(LogKeyError::DifferentKey { .. })),
        "{err}"
    );
    let store = Store::open(&db.url, 1).await.unwrap();
    assert!(store.legacy_log_key().await.unwrap().is_some());

    // A key named for another log.
    let mut c = config(&db.url);
    c.log_key = LogKeySource::Signer(Arc::new(NoteSigner::generate("other.example/log").unwrap()));
    assert!(Registry::open(c).await.is_err());
}

#[tokio::test]
async fn postgres_needs_a_key_file_and_log_key_init_moves_an_older_key_out() {
    let Some(db) = test_db(Db::Postgres).await else {
        return;
    };
    let mut c = config(&db.url);
    c.log_key = LogKeySource::BesideDatabase;
    let err = Registry::open(c).await.unwrap_err();
    assert!(
        matches!(err, OpenError::LogKey(LogKeyError::NeedsKeyFile)),
        "{err}"
    );

    let legacy = NoteSigner::generate(DEFAULT_ORIGIN).unwrap();
    plant_legacy_key(&db.url, &legacy).await;
    let mut c = config(&db.url);
    c.log_key = LogKeySource::BesideDatabase;
    let err = Registry::open(c).await.unwrap_err();
    assert!(
        matches!(err, OpenError::LogKey(LogKeyError::KeyInDatabase)),
        "{err}"
    );

    // The operator's step, through the binary.
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("log.key");
    let out = Command::new(env!("CARGO_BIN_EXE_tabula-registry"))
        .args(["log-key", "init", "--key"])
        .arg(&key_file)
        .args(["--database", &db.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        legacy.verifier().to_vkey()
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("moved"));
    assert_eq!(mode(&key_file), 0o600);

    let mut c = config(&db.url);
    c.log_key = LogKeySource::File(key_file.clone());
    let registry = Registry::open(c).await.unwrap();
    assert_eq!(registry.log_key(), legacy.verifier().to_vkey());
    assert_eq!(registry.store().legacy_log_key().await.unwrap(), None);

    // `show` prints the same key; `init` never overwrites.
    let show = Command::new(env!("CARGO_BIN_EXE_tabula-registry"))
        .args(["log-key", "show", "--key"])
        .arg(&key_file)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&show.stdout).trim(),
        legacy.verifier().to_vkey()
    );
    let again = Command::new(env!("CARGO_BIN_EXE_tabula-registry"))
        .args(["log-key", "init", "--key"])
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(
        read_key_file(&key_file).unwrap().verifier(),
        legacy.verifier()
    );
}

#[tokio::test]
async fn the_origin_is_fixed_at_first_start() {
    let db = test_db(Db::Sqlite).await.unwrap();
    Registry::open(config(&db.url)).await.unwrap();
    let mut c = config(&db.url);
    c.log_origin = "other.example/log".into();
    let err = Registry::open(c).await.unwrap_err();
    assert!(
        matches!(err, OpenError::Store(StoreError::OriginMismatch { .. })),
        "{err}"
    );
}

/// `serve` logs where no terminal is (journald, a file): the log key it announces, and no
/// colour codes in the lines.
#[test]
fn serve_logs_plain_lines_without_a_terminal() {
    use std::io::{BufRead as _, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tabula-registry"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}", dir.path().join("r.db").display()))
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        let done = line.contains("listening");
        lines.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = lines.join("\n");
    assert!(text.contains("tabula-registry listening"), "{text}");
    assert!(text.contains("log_key=tabula.registry/log+"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "colour codes in a plain log: {text:?}"
    );
}
