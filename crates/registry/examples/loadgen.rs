//! `make bench-registry`: upload N signed certificates concurrently over loopback and report
//! certificates/s and latency percentiles.
//!
//! The registry runs in this process on its own 2-thread runtime (as `tabula-registry serve`
//! would), the load generator on another; both share the machine's cores. Bundles are signed
//! before the clock starts (signing is the stations' cost, not the registry's).
//!
//! Usage: `cargo run --release -p tabula-registry --example loadgen -- [sqlite|postgres] [N] [CONCURRENCY]`
//! PostgreSQL: `TABULA_TEST_POSTGRES` (default postgres://tabula:tabula@127.0.0.1:5432/tabula_test);
//! each run uses a fresh schema.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};

use tabula_certificate::{Bundle, StationKey, audit_digest, sample};
use tabula_registry::auth::Secret;
use tabula_registry::{Config, DEFAULT_ORIGIN, LogKeySource, Registry};
use tabula_tlog::NoteSigner;

const ADMIN: &str = "bench-admin-token-0123456789";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn database(kind: &str) -> anyhow::Result<(String, Option<tempfile::TempDir>)> {
    if kind == "sqlite" {
        let dir = tempfile::tempdir().context("creating a directory for the SQLite file")?;
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        return Ok((url, Some(dir)));
    }
    use sqlx::Connection as _;
    let base = std::env::var("TABULA_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://tabula:tabula@127.0.0.1:5432/tabula_test".into());
    let mut conn = sqlx::PgConnection::connect(&base).await.with_context(|| {
        format!("connecting to PostgreSQL at {base} (set TABULA_TEST_POSTGRES)")
    })?;
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).context("random schema name")?;
    let schema = format!("bench_{}", hex::encode(b));
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await
        .context("creating the benchmark schema")?;
    Ok((format!("{base}?options=-c%20search_path%3D{schema}"), None))
}

/// The positional argument `index` as a positive number, or `default` when absent.
fn count_arg(args: &[String], index: usize, what: &str, default: usize) -> anyhow::Result<usize> {
    match args.get(index) {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(v) if v > 0 => Ok(v),
            _ => bail!("{what} must be a positive number, not {s:?}"),
        },
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let kind = args.get(1).map_or("sqlite", String::as_str).to_owned();
    ensure!(
        kind == "sqlite" || kind == "postgres",
        "backend must be sqlite or postgres, not {kind:?}"
    );
    let n = count_arg(&args, 2, "N", 5000)?;
    let concurrency = count_arg(&args, 3, "CONCURRENCY", 16)?;

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;

    let (url, _dir) = server_rt.block_on(database(&kind))?;
    let mut config = Config::new(url);
    config.admin_token = Some(Secret::new(ADMIN));
    config.max_connections = 8;
    // A fresh key in memory (an external signer, as far as the registry knows): PostgreSQL has
    // no key file default, and the benchmark's log is thrown away afterwards.
    config.log_key = LogKeySource::Signer(Arc::new(
        NoteSigner::generate(DEFAULT_ORIGIN).context("generating a log key")?,
    ));
    let (registry, listener) = server_rt.block_on(async {
        let registry = Registry::open(config)
            .await
            .context("opening the registry")?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        anyhow::Ok((registry, listener))
    })?;
    let base = format!("http://{}", listener.local_addr()?);
    let r = registry.clone();
    server_rt.spawn(async move { r.serve(listener, std::future::pending()).await });

    // Enrol a station and sign N certificates up front.
    let (_, token) = server_rt
        .block_on(tabula_registry::add_station(
            registry.store(),
            "bench-station",
        ))
        .context("creating the bench station")?;
    let key = StationKey::generate()?;
    let pem = key.public().to_pem()?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    client_rt.block_on(async {
        let resp = http
            .post(format!("{base}/api/v1/stations/enroll"))
            .json(&serde_json::json!({"token": token.expose(), "public_key": pem}))
            .send()
            .await?;
        ensure!(resp.status() == 201, "enrolment refused: {}", resp.status());
        anyhow::Ok(())
    })?;
    eprintln!("signing {n} certificates...");
    let audit = sample::audit();
    let bodies = (0..n)
        .map(|i| {
            let mut cert = sample::certificate(&key);
            cert.drives[0].serial = format!("BENCH-{i:07}");
            cert.machine.audit_digest = audit_digest(&audit)?;
            Ok(Bundle::sign(&cert, audit.clone(), &key)?.to_json()?)
        })
        .collect::<anyhow::Result<Vec<Vec<u8>>>>()?;
    let bodies = Arc::new(bodies);

    eprintln!("uploading {n} certificates with {concurrency} concurrent clients ({kind})...");
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let latencies: Vec<Duration> = client_rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (http, base, bodies, next) = (
                http.clone(),
                base.clone(),
                Arc::clone(&bodies),
                Arc::clone(&next),
            );
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else {
                        return anyhow::Ok(lat);
                    };
                    let t = Instant::now();
                    let resp = http
                        .post(format!("{base}/api/v1/certificates"))
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .context("upload")?;
                    if resp.status() != 201 {
                        let status = resp.status();
                        bail!(
                            "upload {i} refused ({status}): {}",
                            resp.text().await.unwrap_or_default()
                        );
                    }
                    resp.bytes().await.context("reading the receipt")?;
                    lat.push(t.elapsed());
                }
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await??);
        }
        anyhow::Ok(all)
    })?;
    let elapsed = start.elapsed();
    let mut sorted = latencies;
    sorted.sort_unstable();
    let counts = server_rt.block_on(registry.store().counts())?;
    ensure!(
        counts.certificates as usize == n && counts.log_size as usize == n,
        "after {n} uploads the registry holds {} certificates and {} log leaves",
        counts.certificates,
        counts.log_size
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {kind} | {n} | {concurrency} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} |",
        n as f64 / elapsed.as_secs_f64(),
        ms(percentile(&sorted, 0.50)),
        ms(percentile(&sorted, 0.95)),
        ms(percentile(&sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or_default()),
    );
    Ok(())
}
