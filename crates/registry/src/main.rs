//! `tabula-registry`: flags and environment in, library calls out. See docs/registry.md.
#![forbid(unsafe_code)]

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Parser, Subcommand};
use tabula_certificate::read_secret_file;
use tabula_registry::auth::{Secret, check_admin_token};
use tabula_registry::cosign::WitnessEndpoint;
use tabula_registry::witness::{Witness, keyfile};
use tabula_registry::{
    Config, DEFAULT_MAX_BODY, DEFAULT_ORIGIN, LogKeySource, Registry, Store, log_key,
};
use tabula_tlog::NoteVerifier;

/// The Tabula registry: certificate upload, search and verification, with a transparency log.
#[derive(Debug, Parser)]
#[command(name = "tabula-registry", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct DbArgs {
    /// Database: sqlite://FILE (created if missing), a plain file path, or postgres://...
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://registry.db")]
    database: String,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server.
    Serve(ServeArgs),
    /// Manage stations.
    #[command(subcommand)]
    Station(StationCommand),
    /// Manage auditors' read tokens.
    #[command(subcommand, name = "read-token")]
    ReadToken(ReadTokenCommand),
    /// Recompute leaves, tree, summary columns and receipts from the signed bundles and name
    /// every row that differs, is missing or is extra (exit 1 if any).
    Check(CheckArgs),
    /// The log's signing key file: create it, or print its verifier key.
    #[command(subcommand, name = "log-key")]
    LogKey(LogKeyCommand),
    /// Run a witness (C2SP tlog-witness): cosign checkpoints of the given logs.
    Witness(WitnessArgs),
    /// Manage the witness's key.
    #[command(subcommand, name = "witness-key")]
    WitnessKey(WitnessKeyCommand),
}

#[derive(Debug, Args)]
struct WitnessArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8441")]
    listen: SocketAddr,
    /// The witness key file (`tabula-registry witness-key init`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The state file: per log, the latest cosigned checkpoint (created if missing).
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// A log to witness: "<origin> <log vkey>" (repeatable).
    #[arg(long = "log", value_name = "ORIGIN VKEY", required = true, value_parser = parse_log)]
    logs: Vec<tabula_tlog::NoteVerifier>,
    /// Log format on stderr.
    #[arg(long, value_parser = ["text", "json"], default_value = "text")]
    log_format: String,
}

fn parse_log(arg: &str) -> Result<tabula_tlog::NoteVerifier, String> {
    tabula_registry::witness::parse_log(arg)
}

#[derive(Debug, Subcommand)]
enum WitnessKeyCommand {
    /// Create a witness key file (mode 0600; never overwrites) and print its verifier key.
    Init {
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The witness's name, a schema-less URL such as witness.city.example/w1.
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "TABULA_LISTEN", default_value = "127.0.0.1:8440")]
    listen: SocketAddr,
    /// File holding the admin token (alternative to TABULA_ADMIN_TOKEN).
    #[arg(long, env = "TABULA_ADMIN_TOKEN_FILE")]
    admin_token_file: Option<PathBuf>,
    /// Let anyone read certificates and pages without a read token (the environment variable
    /// takes 1/0, true/false, yes/no, on/off).
    #[arg(
        long,
        env = "TABULA_PUBLIC_READ",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    public_read: bool,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "TABULA_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY)]
    max_body_bytes: usize,
    /// The log's origin (fixed when the database is created).
    #[arg(long, env = "TABULA_LOG_ORIGIN", default_value = DEFAULT_ORIGIN)]
    log_origin: String,
    /// The log's signing key file (from `tabula-registry log-key init`); default for SQLite:
    /// log.key beside the database file, created on first start. Required for PostgreSQL.
    #[arg(long, env = "TABULA_LOG_KEY", value_name = "FILE")]
    log_key: Option<PathBuf>,
    /// Public base URL of this registry, e.g. https://registry.example (goes into receipts;
    /// certificate PDFs link to <URL>/certificates/<id>).
    #[arg(long, env = "TABULA_PUBLIC_URL")]
    public_url: Option<String>,
    /// Time zone of the dates and times on the web pages (an IANA name).
    #[arg(long, env = "TABULA_TIME_ZONE", default_value = tabula_certificate::DEFAULT_TIME_ZONE,
          value_parser = parse_zone)]
    time_zone: tabula_certificate::LocalZone,
    /// Database connections in the pool.
    #[arg(long, env = "TABULA_DB_CONNECTIONS", default_value_t = 8)]
    db_connections: u32,
    /// Log format on stderr.
    #[arg(long, env = "TABULA_LOG_FORMAT", value_parser = ["text", "json"], default_value = "text")]
    log_format: String,
    /// A witness to collect cosignatures from, URL=VKEY (repeatable; the environment variable
    /// takes a comma-separated list).
    #[arg(long = "witness", env = "TABULA_WITNESSES", value_delimiter = ',', value_name = "URL=VKEY",
          value_parser = parse_witness)]
    witnesses: Vec<WitnessEndpoint>,
}

fn parse_witness(arg: &str) -> Result<WitnessEndpoint, String> {
    WitnessEndpoint::parse(arg)
}

fn parse_zone(arg: &str) -> Result<tabula_certificate::LocalZone, String> {
    tabula_certificate::LocalZone::named(arg).map_err(|e| e.to_string())
}

/// A station or read token by name, in a database.
#[derive(Debug, Args)]
struct Named {
    #[arg(long)]
    name: String,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Subcommand)]
enum StationCommand {
    /// Create a station and print its one-time enrolment token.
    Add(Named),
    /// Revoke a station: its future uploads are refused.
    Revoke(Named),
    /// List stations.
    List(DbArgs),
}

#[derive(Debug, Subcommand)]
enum ReadTokenCommand {
    /// Create a read token for an auditor and print it (shown once).
    Add(Named),
    /// Revoke an auditor's read token by name; it stops working at once.
    Revoke(Named),
    /// List read tokens (names and dates; the tokens themselves are not stored).
    List(DbArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The log's verifier key (text or a file holding it); default: from the key file beside
    /// the SQLite database.
    #[arg(long, value_name = "VKEY")]
    log_vkey: Option<String>,
    /// A checkpoint note known to be genuine (e.g. witness-cosigned, or kept by an auditor):
    /// the log must still have its root at its size. Repeatable.
    #[arg(long, value_name = "FILE")]
    checkpoint: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum LogKeyCommand {
    /// Create the log's signing key file (mode 0600; never overwritten). With --database, a key
    /// that an older version kept in the database is moved into the file instead.
    Init(LogKeyInit),
    /// Print the log's verifier key (for pinning: `tabula verify --log-key`, stations).
    Show(LogKeyShow),
}

#[derive(Debug, Args)]
struct LogKeyInit {
    /// Where to write the key.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The registry's database, to move an older version's key out of it.
    #[arg(long, env = "DATABASE_URL")]
    database: Option<String>,
    /// The log's origin (the database's, if it has one).
    #[arg(long, env = "TABULA_LOG_ORIGIN")]
    log_origin: Option<String>,
}

#[derive(Debug, Args)]
struct LogKeyShow {
    /// The key file; default: log.key beside the SQLite database.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    #[command(flatten)]
    db: DbArgs,
}

/// The admin token from `--admin-token-file` (which nobody but its owner may read) or
/// `TABULA_ADMIN_TOKEN`; either must pass [`check_admin_token`].
fn admin_token(file: Option<&PathBuf>) -> Result<Option<Secret>> {
    if let Some(path) = file {
        let text = read_secret_file(path).context("admin token file")?;
        check_admin_token(text.trim())
            .with_context(|| format!("admin token in {}", path.display()))?;
        return Ok(Some(Secret::new(text.trim())));
    }
    match std::env::var("TABULA_ADMIN_TOKEN") {
        Ok(t) if !t.trim().is_empty() => {
            check_admin_token(t.trim()).context("TABULA_ADMIN_TOKEN")?;
            Ok(Some(Secret::new(t.trim())))
        }
        _ => Ok(None),
    }
}

fn init_tracing(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    // No colour codes where nobody sees colours (journald, a file, `| tee`).
    let builder = tracing_subscriber::fmt()
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = ctrl_c.await;
}

async fn serve(args: ServeArgs) -> Result<()> {
    init_tracing(&args.log_format);
    let mut config = Config::new(args.db.database);
    config.admin_token = admin_token(args.admin_token_file.as_ref())?;
    config.public_read = args.public_read;
    config.max_body_bytes = args.max_body_bytes;
    config.log_origin = args.log_origin;
    if let Some(path) = args.log_key {
        config.log_key = LogKeySource::File(path);
    }
    config.max_connections = args.db_connections;
    config.public_url = args.public_url;
    config.cosigning.witnesses = args.witnesses;
    config.time_zone = args.time_zone;
    let admin = config.admin_token.is_some();
    let registry = Registry::open(config)
        .await
        .context("opening the registry database")?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    tracing::info!(
        listen = %listener.local_addr()?,
        log_key = %registry.log_key(),
        admin_api = admin,
        public_read = args.public_read,
        "tabula-registry listening"
    );
    registry.serve(listener, shutdown_signal()).await?;
    tracing::info!("shut down");
    Ok(())
}

async fn witness(args: WitnessArgs) -> Result<()> {
    init_tracing(&args.log_format);
    let signer = keyfile::load(&args.key)?;
    let witness = Witness::open(signer, args.logs, &args.state)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    tracing::info!(
        listen = %listener.local_addr()?,
        witness_key = %witness.vkey(),
        "tabula-registry witness listening"
    );
    witness.serve(listener, shutdown_signal()).await?;
    tracing::info!("shut down");
    Ok(())
}

async fn open_store(db: &DbArgs) -> Result<Store> {
    Store::open(&db.database, 2)
        .await
        .context("opening the registry database")
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Witness(args) => witness(args).await,
        Command::WitnessKey(WitnessKeyCommand::Init { key, name }) => {
            let signer = keyfile::init(&key, &name)?;
            eprintln!(
                "witness key written to {}; its verifier key:",
                key.display()
            );
            println!("{}", signer.verifier().to_vkey());
            Ok(())
        }
        Command::Station(StationCommand::Add(Named { name, db })) => {
            let store = open_store(&db).await?;
            let (row, token) = tabula_registry::add_station(&store, &name).await?;
            eprintln!(
                "station {:?} created (id {}); give it this one-time enrolment token:",
                row.name, row.id
            );
            println!("{}", token.expose());
            Ok(())
        }
        Command::Station(StationCommand::Revoke(Named { name, db })) => {
            let store = open_store(&db).await?;
            let row = store
                .revoke_station(&name)
                .await?
                .with_context(|| format!("no station named {name:?}"))?;
            println!(
                "station {:?} revoked at {}",
                row.name,
                row.revoked_at.unwrap_or_default()
            );
            Ok(())
        }
        Command::Station(StationCommand::List(db)) => {
            let store = open_store(&db).await?;
            for s in store.list_stations().await? {
                let state = match (&s.revoked_at, &s.enrolled_at) {
                    (Some(at), _) => format!("revoked {at}"),
                    (None, Some(at)) => format!("enrolled {at}"),
                    (None, None) => "waiting for enrolment".to_owned(),
                };
                println!(
                    "{}\t{}\t{}\t{}",
                    s.id,
                    s.name,
                    s.fingerprint.unwrap_or_default(),
                    state
                );
            }
            Ok(())
        }
        Command::ReadToken(ReadTokenCommand::Add(Named { name, db })) => {
            let store = open_store(&db).await?;
            let token = tabula_registry::add_read_token(&store, &name).await?;
            eprintln!("read token {name:?} created; it is shown only once:");
            println!("{}", token.expose());
            Ok(())
        }
        Command::ReadToken(ReadTokenCommand::Revoke(Named { name, db })) => {
            let store = open_store(&db).await?;
            anyhow::ensure!(
                store.revoke_read_token(&name).await?,
                "no read token named {name:?}"
            );
            eprintln!("read token {name:?} revoked");
            Ok(())
        }
        Command::ReadToken(ReadTokenCommand::List(db)) => {
            let store = open_store(&db).await?;
            for (name, created, revoked) in store.list_read_tokens().await? {
                let state =
                    revoked.map_or_else(|| "active".to_owned(), |at| format!("revoked {at}"));
                println!("{name}\tcreated {created}\t{state}");
            }
            Ok(())
        }
        Command::Check(args) => check(args).await,
        Command::LogKey(LogKeyCommand::Init(args)) => log_key_init(args).await,
        Command::LogKey(LogKeyCommand::Show(LogKeyShow { key, db })) => {
            let path = key
                .or_else(|| log_key::default_key_path(&db.database))
                .context("give the key file with --key (PostgreSQL registries have no default)")?;
            println!("{}", log_key::read_key_file(&path)?.verifier().to_vkey());
            Ok(())
        }
    }
}

/// `tabula-registry check`: exit 0 when clean, 1 with every finding on stdout.
async fn check(args: CheckArgs) -> Result<()> {
    let verifier = match &args.log_vkey {
        Some(v) => {
            let text = std::fs::read_to_string(v).unwrap_or_else(|_| v.clone());
            NoteVerifier::from_vkey(text.trim()).context("--log-vkey")?
        }
        None => {
            let path = log_key::default_key_path(&args.db.database)
                .context("give the log's verifier key with --log-vkey")?;
            log_key::read_key_file(&path)?.verifier()
        }
    };
    let mut trusted = Vec::new();
    for path in &args.checkpoint {
        trusted.push(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading checkpoint {}", path.display()))?,
        );
    }
    let store = open_store(&args.db).await?;
    let report = tabula_registry::check::check(&store, &verifier, &trusted).await?;
    for f in &report.findings {
        println!("{}: {}", f.subject, f.problem);
    }
    let root = report.root.map_or_else(|| "-".to_owned(), |r| r.to_hex());
    eprintln!(
        "checked {} certificates, log size {}, root {root}: {}",
        report.certificates,
        report.log_size,
        if report.is_clean() {
            "no differences".to_owned()
        } else {
            format!("{} problem(s)", report.findings.len())
        }
    );
    if !report.is_clean() {
        std::process::exit(1);
    }
    Ok(())
}

async fn log_key_init(args: LogKeyInit) -> Result<()> {
    let store = match &args.database {
        Some(url) => Some(
            Store::open(url, 2)
                .await
                .context("opening the registry database")?,
        ),
        None => None,
    };
    let stored = match &store {
        Some(s) => s.stored_origin().await?,
        None => None,
    };
    let origin = match (stored, args.log_origin) {
        (Some(stored), Some(given)) if stored != given => {
            bail!("the database's log origin is {stored:?}, not {given:?}")
        }
        (Some(o), _) | (None, Some(o)) => o,
        (None, None) => DEFAULT_ORIGIN.to_owned(),
    };
    let moved = match &store {
        Some(s) => s.legacy_log_key().await?.is_some(),
        None => false,
    };
    let signer = log_key::init_key_file(store.as_ref(), &args.key, &origin).await?;
    eprintln!(
        "{} {}",
        if moved {
            "moved the log key out of the database into"
        } else {
            "created a new log key in"
        },
        args.key.display()
    );
    println!("{}", signer.verifier().to_vkey());
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tabula-registry: error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tabula-registry: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
