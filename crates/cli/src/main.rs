//! `laksana`: the one binary. Serves the web, Open311 and JSON API with its background worker, and
//! carries the operator's commands (migrate, seed, API keys).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use laksana_core::Clock;
use laksana_core::time::SystemClock;
use laksana_store::{Db, DbOptions, migrate, seed};
use laksana_web::{AppState, WebConfig};
use tokio::net::TcpListener;

use crate::config::Config;

/// Prints a line for the operator. A closed stdout (`laksana serve | head -1`, a supervisor that
/// stopped reading) must not take the server down, so write errors are ignored.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod admin;
mod config;
mod process;
mod region;

/// mimalloc, also standing in for the C library's malloc (SQLite's allocations included): glibc's
/// allocator spends a quarter of a busy server's time on locks between threads that allocate rows
/// and threads that free them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Laksana: receive, route, answer and account for citizens' complaints about public services.
///
/// Start with `laksana serve --demo` to try it with demo data for Kota Tangerang.
#[derive(Debug, Parser)]
#[command(name = "laksana", version, about, long_about)]
struct Cli {
    /// Configuration file (default: ./laksana.toml if it exists). Environment variables
    /// LAKSANA__SERVER__BIND, LAKSANA__DATABASE__URL, LAKSANA__DATA_DIR override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server, Open311 and JSON API, and the background worker.
    Serve {
        /// Load the Kota Tangerang demo data first (only once: running it again adds nothing).
        #[arg(long)]
        demo: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Fill the database with data.
    Seed(SeedArgs),
    /// Manage API keys for Open311 and API clients.
    Apikey {
        #[command(subcommand)]
        command: ApikeyCommand,
    },
    /// Manage accounts and their roles.
    User {
        #[command(subcommand)]
        command: admin::UserCommand,
    },
    /// Export a jurisdiction's catalog as a region pack, or import one (docs/onboarding.md).
    Region {
        #[command(subcommand)]
        command: region::RegionCommand,
    },
    /// Manage a jurisdiction's holiday calendar.
    Holidays {
        #[command(subcommand)]
        command: HolidaysCommand,
    },
    /// Run only the background worker and deadline ticker (no web server), e.g. on a second machine.
    Worker,
    /// Recompute the audit trail's hash chain; exits non-zero naming the first broken event.
    VerifyAudit,
}

#[derive(Debug, Subcommand)]
enum HolidaysCommand {
    /// Add the holidays of a CSV file (header `date,kind,name`; kind libur_nasional, cuti_bersama or
    /// libur_daerah) to a jurisdiction.
    Import {
        file: PathBuf,
        /// The jurisdiction; may be left out when there is only one.
        #[arg(long)]
        jurisdiction: Option<String>,
    },
}

#[derive(Debug, Args)]
struct SeedArgs {
    /// Demo data: Kota Tangerang (13 kecamatan, 16 agencies, 32 services, ~500 reports) and a small
    /// second jurisdiction. Skips jurisdictions that exist already.
    #[arg(long)]
    demo: bool,
    /// N random but plausible reports of the last 12 months, for benchmarks. The jurisdiction must
    /// exist; for the default one the demo is loaded first if it is missing.
    #[arg(long, value_name = "N")]
    synthetic: Option<u64>,
    /// The jurisdiction for --synthetic.
    #[arg(long, default_value = "tangerangkota.go.id", requires = "synthetic")]
    jurisdiction: String,
}

#[derive(Debug, Subcommand)]
enum ApikeyCommand {
    /// Create a key; it is printed once and only its hash is stored.
    Create {
        /// The jurisdiction the key submits to, e.g. tangerangkota.go.id.
        #[arg(long)]
        jurisdiction: String,
        /// Who the key is for, e.g. "Aplikasi LAKSA Android".
        #[arg(long)]
        name: String,
        /// Bind the key to this account: the key then acts with the account's roles (for systems that
        /// post Open311 service request updates).
        #[arg(long, value_name = "EMAIL")]
        user: Option<String>,
    },
    #[command(flatten)]
    Manage(admin::KeyCommand),
}

fn main() -> anyhow::Result<()> {
    process::tune();
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    init_tracing(&config);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")?;
    rt.block_on(run(cli.command, config))
}

fn init_tracing(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log.level));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if config.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open_db(config: &Config) -> anyhow::Result<Db> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    let url = config.database_url();
    let db = Db::connect(&url, &DbOptions { max_connections: config.database.max_connections, ..Default::default() })
        .await
        .with_context(|| format!("opening the database {}", config.redacted_database_url()))?;
    let applied = migrate::run(&db, SystemClock.now().as_micros()).await.context("migrating the database")?;
    if !applied.is_empty() {
        tracing::info!(versions = ?applied, "database migrated");
    }
    let sealed = laksana_store::audit::seal_pending(&db).await.context("sealing the audit chain")?;
    if sealed > 0 {
        tracing::info!(events = sealed, "audit events sealed");
    }
    Ok(db)
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Migrate => {
            open_db(&config).await?;
            say!("database is up to date: {}", config.redacted_database_url());
            Ok(())
        }
        Command::Seed(args) => {
            if !args.demo && args.synthetic.is_none() {
                bail!("say what to seed: --demo, --synthetic N, or both");
            }
            let db = open_db(&config).await?;
            let now = SystemClock.now();
            if args.demo {
                print_demo(&demo_with_passwords(&db, now).await?, &config);
            }
            if let Some(n) = args.synthetic {
                let demo_ids = seed::demo_data::JURISDICTIONS.iter().map(|j| j.id).collect::<Vec<_>>();
                if laksana_store::catalog::jurisdiction(&db, &args.jurisdiction).await?.is_none() {
                    if !demo_ids.contains(&args.jurisdiction.as_str()) {
                        bail!(
                            "no jurisdiction {:?}; the ones here: {}",
                            args.jurisdiction,
                            list_jurisdictions(&db).await?
                        );
                    }
                    print_demo(&demo_with_passwords(&db, now).await?, &config);
                }
                let bar = ProgressBar::new(n);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} reports ({per_sec}, {eta} left)",
                    )
                    .expect("a valid progress template"),
                );
                let started = std::time::Instant::now();
                let done = seed::synthetic(&db, &args.jurisdiction, n, now, &|done| bar.set_position(done)).await?;
                bar.finish();
                let secs = started.elapsed().as_secs_f64();
                say!("synthetic: {done} reports in {secs:.1} s ({:.0} reports/s)", done as f64 / secs.max(1e-9));
            }
            db.close().await;
            Ok(())
        }
        Command::User { command } => {
            let db = open_db(&config).await?;
            let out = admin::user(&db, command).await;
            db.close().await;
            out
        }
        Command::Holidays { command: HolidaysCommand::Import { file, jurisdiction } } => {
            let db = open_db(&config).await?;
            let out = match jurisdiction {
                Some(j) => admin::import_holidays(&db, &file, &j).await,
                None => match laksana_store::catalog::jurisdictions(&db).await?.as_slice() {
                    [only] => admin::import_holidays(&db, &file, &only.id).await,
                    _ => Err(anyhow::anyhow!(
                        "say which jurisdiction with --jurisdiction; the ones here: {}",
                        list_jurisdictions(&db).await?
                    )),
                },
            };
            db.close().await;
            out
        }
        // Checking a pack needs no database.
        Command::Region { command: region::RegionCommand::Import { dir, check: true } } => {
            region::check(&dir).map(|_| ())
        }
        Command::Region { command } => {
            let db = open_db(&config).await?;
            let out = region::run(&db, command).await;
            db.close().await;
            out
        }
        Command::VerifyAudit => {
            let db = open_db(&config).await?;
            let out = admin::verify_audit(&db).await;
            db.close().await;
            out
        }
        Command::Worker => worker(config).await,
        Command::Apikey { command: ApikeyCommand::Manage(command) } => {
            let db = open_db(&config).await?;
            let out = admin::keys(&db, command).await;
            db.close().await;
            out
        }
        Command::Apikey { command: ApikeyCommand::Create { jurisdiction, name, user } } => {
            let db = open_db(&config).await?;
            if laksana_store::catalog::jurisdiction(&db, &jurisdiction).await?.is_none() {
                bail!("no jurisdiction {jurisdiction:?}; the ones here: {}", list_jurisdictions(&db).await?);
            }
            let user_id = match &user {
                Some(email) => Some(
                    laksana_store::users::find_by_email(&db, email)
                        .await?
                        .with_context(|| format!("no account with email {email:?}"))?
                        .id,
                ),
                None => None,
            };
            let (key, plain) = laksana_store::apikeys::create(
                &db,
                &jurisdiction,
                &name,
                user_id,
                &admin::cli_actor(),
                SystemClock.now().as_micros(),
            )
            .await?;
            eprintln!(
                "Created API key #{} \"{}\" for {}. It is shown only now; store it safely.",
                key.id, key.name, key.jurisdiction_id
            );
            say!("api_key: {plain}");
            db.close().await;
            Ok(())
        }
    }
}

async fn list_jurisdictions(db: &Db) -> anyhow::Result<String> {
    let all = laksana_store::catalog::jurisdictions(db).await?;
    Ok(if all.is_empty() {
        "none (run `laksana seed --demo`)".into()
    } else {
        all.into_iter().map(|j| j.id).collect::<Vec<_>>().join(", ")
    })
}

fn print_demo(summary: &seed::DemoSummary, config: &Config) {
    if summary.created.is_empty() {
        say!("demo data: already loaded");
    } else {
        say!("demo data: loaded {}", summary.created.join(", "));
    }
    for id in &summary.incomplete {
        eprintln!(
            "warning: {id} exists but its demo data is incomplete (an earlier load stopped, or its demo key was removed); \
             it was left as it is. To reload the demo, stop the server and remove the data directory."
        );
    }
    say!("demo Open311 API key (tangerangkota.go.id): {}", summary.api_key);
    say!(
        "demo staff (sign in at /masuk with password {DEMO_PASSWORD}; API: Authorization: Bearer KEY, see docs/workflow.md):"
    );
    for (role, email, key) in &summary.staff {
        say!("  {role:<12} {key:<24} {email}");
    }
    say!("data directory: {}", config.data_dir.display());
    say!("database: {}", config.redacted_database_url());
}

/// The password of the demo's staff accounts, so that the staff pages can be tried at once. Demo data
/// is for trying Laksana, never for a real city: its keys and this password are printed in the open.
const DEMO_PASSWORD: &str = "laksana-demo";

/// Loads the demo; the staff accounts it creates get [`DEMO_PASSWORD`] (accounts that existed keep theirs).
async fn demo_with_passwords(
    db: &laksana_store::Db,
    now: laksana_core::Timestamp,
) -> anyhow::Result<seed::DemoSummary> {
    let summary = seed::demo(db, now).await?;
    // The demo staff belong to Kota Tangerang: only a Tangerang created now has them new.
    if summary.created.iter().any(|j| j == "tangerangkota.go.id") {
        for (_, email, _) in &summary.staff {
            laksana_store::users::set_password(db, email, DEMO_PASSWORD, "seed", now).await?;
        }
    }
    Ok(summary)
}

/// Loads the demo through connections of its own, closed afterwards: what loading leaves behind
/// (SQLite's page caches and prepared bulk statements, about 15 MB) then goes with them, and the
/// allocator returns the freed pages, so the server runs in the memory it needs to serve.
async fn load_demo(config: &Config) -> anyhow::Result<()> {
    let db = open_db(config).await?;
    let loaded = demo_with_passwords(&db, SystemClock.now()).await;
    db.close().await;
    print_demo(&loaded?, config);
    // SAFETY: mi_collect only returns free memory to the operating system; it takes no pointers.
    unsafe { libmimalloc_sys::mi_collect(true) };
    Ok(())
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    if demo {
        load_demo(&config).await?;
    }
    let db = open_db(&config).await?;
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .context("installing the metrics recorder")?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let web = WebConfig {
        media_dir: config.data_dir.join("media"),
        max_upload_bytes: config.server.max_upload_mib * 1024 * 1024,
        contact: config.server.contact.clone(),
        public_url: config.public_url(),
        secure_cookies: config.secure_cookies(),
        metrics_token: config.server.metrics_token.clone().filter(|t| !t.is_empty()),
        intake_per_key_per_minute: config.server.intake_per_key_per_minute,
        intake_per_address_per_minute: config.server.intake_per_address_per_minute,
        receipts_per_address_per_hour: config.server.receipts_per_address_per_hour,
        trusted_proxies: config.trusted_proxies()?,
        map_tiles_url: config.server.map_tiles_url.clone(),
        map_tiles_attribution: config.server.map_tiles_attribution.clone(),
    };
    let state = AppState::new(db.clone(), clock.clone(), web, Some(metrics)).await?;
    let listener = TcpListener::bind(&config.server.bind).await.with_context(|| {
        format!("listening on {} (is another server using it? set LAKSANA__SERVER__BIND)", config.server.bind)
    })?;
    let addr = listener.local_addr()?;

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let refresher = {
        let state = state.clone();
        let mut stop = stop_rx.clone();
        let every = Duration::from_secs(config.server.catalog_refresh_secs.max(1));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(every) => {
                        if let Err(e) = state.reload_catalog().await {
                            tracing::warn!(error = %e, "catalog refresh failed; keeping the previous one");
                        }
                    }
                    _ = stop.changed() => break,
                }
            }
        })
    };
    let mut background = start_background(&config, &db, &clock, &stop_rx)?;
    background.push(tokio::spawn(laksana_web::service::stats::keep_warm(state.clone(), stop_rx.clone())));
    backfill_working_days(db.clone(), config.public_url());

    say!("Laksana is serving at http://{addr}/");
    say!("  Open311:  http://{addr}/open311/v2/discovery.json");
    say!("  JSON API: http://{addr}/api/v1/openapi.json");
    say!("  Staff:    http://{addr}/masuk");
    let shutdown = async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = stop_tx.send(true);
    };
    let open_files = process::raise_open_files();
    // Room under the open-files limit for the database, media files and refusals.
    let room = usize::try_from(open_files.saturating_sub(512)).unwrap_or(usize::MAX).max(64);
    let limits = laksana_web::ServerLimits {
        max_connections: config.server.max_connections.clamp(1, room),
        max_per_client: config.server.max_connections_per_client.max(1),
        header_read_timeout: Duration::from_secs(config.server.header_read_timeout_secs.max(1)),
    };
    if limits.max_connections < config.server.max_connections {
        tracing::warn!(
            open_files,
            max_connections = limits.max_connections,
            "server.max_connections lowered to fit the open-files limit"
        );
    }
    laksana_web::serve_with(listener, state, limits, shutdown).await.context("serving HTTP")?;
    let _ = refresher.await;
    for task in background {
        let _ = task.await;
    }
    db.close().await;
    Ok(())
}

/// Counts, in the background, the working days of first responses and resolutions recorded before
/// the public figures kept them (once; later starts find nothing to do).
fn backfill_working_days(db: Db, public_url: String) {
    tokio::spawn(async move {
        let done = match laksana_store::lifecycle::rules(&db, &public_url).await {
            Ok(rules) => laksana_store::stats::backfill_working_days(&db, &rules).await,
            Err(e) => Err(e),
        };
        match done {
            Ok(0) => {}
            Ok(n) => tracing::info!(reports = n, "working days of earlier responses and resolutions counted"),
            Err(e) => {
                tracing::warn!(error = %e, "counting working days of earlier reports failed; retried at the next start")
            }
        }
    });
}

type Background = Vec<tokio::task::JoinHandle<()>>;

/// Starts the job worker, the deadline ticker and the audit sealer.
fn start_background(
    config: &Config,
    db: &Db,
    clock: &Arc<dyn Clock>,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<Background> {
    let wc = laksana_jobs::WorkerConfig {
        media_dir: config.data_dir.join("media"),
        mail: config.mail_transport(),
        mail_from: config.mail.from.clone(),
        public_url: config.public_url(),
        webhooks_allow_private: config.worker.webhooks_allow_private,
    };
    let worker =
        laksana_jobs::Worker::new(db.clone(), clock.clone(), &wc).map_err(|e| anyhow::anyhow!("mail settings: {e}"))?;
    let ticker = laksana_jobs::Ticker::new(db.clone(), clock.clone(), config.public_url());
    let every = Duration::from_secs(config.worker.tick_secs.max(1));
    let sealer = laksana_jobs::Sealer::new(db.clone());
    Ok(vec![
        tokio::spawn(worker.run(stop.clone())),
        tokio::spawn(ticker.run(every, stop.clone())),
        tokio::spawn(sealer.run(laksana_jobs::SEAL_EVERY, stop.clone())),
    ])
}

/// `laksana worker`: the background work without the web server.
async fn worker(config: Config) -> anyhow::Result<()> {
    let db = open_db(&config).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let background = start_background(&config, &db, &clock, &stop_rx)?;
    say!(
        "Laksana worker running (jobs, audit sealer and deadline ticker every {} s); stop with Ctrl-C",
        config.worker.tick_secs.max(1)
    );
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    for task in background {
        let _ = task.await;
    }
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
