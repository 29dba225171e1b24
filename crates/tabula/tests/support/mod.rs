//! Shared test support for the binary's end-to-end tests: loop devices over the test's own files,
//! an in-process registry on loopback, and running the built `tabula` binary.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tabula_registry::auth::Secret;
use tabula_registry::{Config, Registry};

pub const BIN: &str = env!("CARGO_BIN_EXE_tabula");

/// Runs `tabula` with `args`, no stdin, without inherited station settings.
pub fn tabula(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .env_remove("TABULA_REGISTRY")
        .env_remove("TABULA_DATA")
        // English, whatever the developer's locale (tests in German set LANG themselves).
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        // `tabula verify --registry` keeps its view of each log here unless --state says.
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join(format!("tabula-test-state-{}", std::process::id())),
        )
        .output()
        .unwrap()
}

/// Runs `tabula ARGS` in `dir` with `LANG=lang` and the data directory `dir/data`, without
/// inherited station settings: the language tests' runner.
pub fn tabula_in(lang: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("TABULA_REGISTRY")
        .env_remove("TABULA_REGISTRY_URL")
        .env("TABULA_DATA", dir.join("data"))
        .output()
        .unwrap()
}

/// stdout and stderr together, for assertions and failure messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A loop device over a file of this test's; detached on drop.
pub struct LoopDev {
    pub dev: PathBuf,
    pub file: PathBuf,
}

impl LoopDev {
    /// `size` bytes of 0x5A, attached with `losetup -f --show`.
    pub fn new(dir: &Path, name: &str, size: u64) -> Self {
        let file = dir.join(name);
        let f = std::fs::File::create(&file).unwrap();
        f.set_len(size).unwrap();
        // Fill with 0x5A in 1 MiB blocks (sparse files read back as zeros, which would hide a missing wipe).
        let block = vec![0x5Au8; 1 << 20];
        let mut left = size;
        let mut off = 0u64;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            std::os::unix::fs::FileExt::write_all_at(&f, &block[..n], off).unwrap();
            off += n as u64;
            left -= n as u64;
        }
        f.sync_all().unwrap();
        let out = Command::new("losetup")
            .args(["-f", "--show"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "losetup: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dev = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        assert!(dev.to_string_lossy().starts_with("/dev/loop"));
        Self { dev, file }
    }

    pub fn path(&self) -> &str {
        self.dev.to_str().unwrap()
    }

    /// Overwrites the whole device with `byte` (through the device, then synced).
    pub fn fill(&self, byte: u8) {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&self.dev)
            .unwrap();
        let size = std::fs::metadata(&self.file).unwrap().len();
        let block = vec![byte; 1 << 20];
        let mut off = 0u64;
        while off < size {
            let n = (size - off).min(block.len() as u64) as usize;
            std::os::unix::fs::FileExt::write_all_at(&f, &block[..n], off).unwrap();
            off += n as u64;
        }
        f.sync_all().unwrap();
    }

    /// True if every byte of the device equals `byte`.
    pub fn all(&self, byte: u8) -> bool {
        std::fs::read(&self.dev).unwrap().iter().all(|&b| b == byte)
    }
}

impl Drop for LoopDev {
    fn drop(&mut self) {
        let _ = Command::new("losetup").arg("-d").arg(&self.dev).status();
    }
}

/// A free loopback port (bound and released; good enough for a test).
pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A registry serving a SQLite file in `dir` on `127.0.0.1:port`; stopped on drop.
pub struct RunningRegistry {
    pub url: String,
    pub registry: Registry,
    pub runtime: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl RunningRegistry {
    /// A registry whose certificates anyone may read (as auditors' pages would be).
    pub fn start(dir: &Path, port: u16) -> Self {
        Self::start_with(dir, port, true)
    }

    /// A registry that needs a read token for certificates, on any free port.
    pub fn start_private(dir: &Path) -> Self {
        Self::start_with(dir, 0, false)
    }

    /// A registry that asks a witness (in-process, port 0, state in `dir`) to cosign its
    /// checkpoints, needing a read token for certificates. Returns the witness's key too.
    pub fn start_witnessed(dir: &Path) -> (Self, tabula_tlog::CosignatureSigner) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let wkey = tabula_tlog::CosignatureSigner::generate("witness.test.example/w1").unwrap();
        let witness_url = runtime.block_on(async {
            // The log key the registry will use (log.key beside its database), made now to
            // tell the witness.
            let log = tabula_registry::log_key::init_key_file(
                None,
                &dir.join("log.key"),
                tabula_registry::DEFAULT_ORIGIN,
            )
            .await
            .unwrap();
            let w = tabula_registry::witness::Witness::open(
                wkey.clone(),
                vec![log.verifier()],
                &dir.join("witness-state.json"),
            )
            .unwrap();
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let wurl = format!("http://{}", l.local_addr().unwrap());
            tokio::spawn(async move {
                let _ = w.serve(l, std::future::pending()).await;
            });
            wurl
        });
        let mut config = Self::config(dir, false);
        config.cosigning.witnesses = vec![
            tabula_registry::cosign::WitnessEndpoint::parse(&format!(
                "{witness_url}={}",
                wkey.verifier().to_vkey()
            ))
            .unwrap(),
        ];
        config.cosigning.debounce = std::time::Duration::from_millis(20);
        config.cosigning.retry = std::time::Duration::from_millis(200);
        (Self::serve(runtime, config, 0), wkey)
    }

    fn config(dir: &Path, public_read: bool) -> Config {
        let mut config = Config::new(format!("sqlite://{}", dir.join("registry.db").display()));
        config.admin_token = Some(Secret::new("station-test-admin-token-0123456789abcdef"));
        config.public_read = public_read;
        config
    }

    fn start_with(dir: &Path, port: u16, public_read: bool) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        Self::serve(runtime, Self::config(dir, public_read), port)
    }

    fn serve(runtime: tokio::runtime::Runtime, config: Config, port: u16) -> Self {
        let (registry, listener) = runtime.block_on(async {
            let registry = Registry::open(config).await.unwrap();
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .unwrap();
            (registry, listener)
        });
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, rx) = tokio::sync::oneshot::channel::<()>();
        let r = registry.clone();
        runtime.spawn(async move {
            let _ = r
                .serve(listener, async {
                    let _ = rx.await;
                })
                .await;
        });
        Self {
            url,
            registry,
            runtime,
            stop: Some(stop),
        }
    }

    /// Creates a station and returns its one-time enrolment token.
    pub fn station_token(&self, name: &str) -> String {
        let (_, token) = self
            .runtime
            .block_on(tabula_registry::add_station(self.registry.store(), name))
            .unwrap();
        token.expose().to_owned()
    }

    /// GET a JSON API path.
    pub fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let resp = reqwest::blocking::get(format!("{}{path}", self.url)).unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(serde_json::Value::Null))
    }
}

impl Drop for RunningRegistry {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Creates the station key in `data/keys` and, with a registry, enrols it there. Returns the
/// `[registry]` line that pins the registry's log key (empty without a registry).
pub fn keygen_and_enroll(data: &Path, registry: Option<&RunningRegistry>) -> String {
    let keys = data.join("keys");
    let out = tabula(&["keygen", "--out", keys.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let Some(reg) = registry else {
        return String::new();
    };
    let token = reg.station_token("bench-test");
    let key = keys.join("station.key");
    let out = tabula(&[
        "enroll",
        "--registry",
        &reg.url,
        "--token",
        &token,
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    format!(
        "log_key = \"{}\"\n",
        keys.join("registry-log.vkey").display()
    )
}

/// A station data directory enrolled with `registry` (if any), configured for `targets`.
pub fn station(
    dir: &Path,
    registry: Option<&RunningRegistry>,
    url: Option<&str>,
    method: &str,
    targets: &[&LoopDev],
) -> PathBuf {
    let data = dir.join("data");
    let log_key = keygen_and_enroll(&data, registry);
    let url = url.map(|u| format!("url = \"{u}\"\n")).unwrap_or_default();
    let list: Vec<String> = targets
        .iter()
        .map(|t| format!("\"{}\"", t.path()))
        .collect();
    let config = format!(
        "[station]\norganisation = \"Stadt Leipzig\"\nsite = \"Test bench\"\noperator = \"Erika Mustermann\"\n\n\
         [registry]\n{url}{log_key}\n[wipe]\nmethod = \"{method}\"\n\n\
         [unattended]\nenabled = true\ntargets = [{}]\n",
        list.join(", ")
    );
    std::fs::write(data.join("tabula.toml"), config).unwrap();
    data
}

pub fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.to_string_lossy().ends_with(suffix));
    v.sort();
    v
}
