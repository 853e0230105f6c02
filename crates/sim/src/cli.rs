//! `cti-bridge sim`: arguments, start-up line, stdin feed, shutdown.

use super::clock::parse_duration;
use super::fault::FaultSpec;
use super::options::{Options, DEFAULT_TOKEN};
use super::scenario;
use super::xuc::config::XucConfig;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

/// Arguments of `cti-bridge sim`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {
    /// Loopback port (0 picks a free one). The first stdout line is
    /// `{"listening":"127.0.0.1:PORT"}`.
    #[arg(long, default_value_t = 8090)]
    pub port: u16,
    /// Scenario file (JSON Lines, see docs/simulators.md), played once the
    /// first session is live.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Read feed lines (scenario format) from standard input and carry them out at once.
    #[arg(long)]
    pub stdin: bool,
    /// Arm a fault at start: `[axp:|xuc:]NAME[=COUNT]` (repeatable).
    #[arg(long = "fault", value_name = "FAULT")]
    pub faults: Vec<String>,
    /// xuc users, agents, lines, queues, groups and callbacks (JSON; built-in default).
    #[arg(long)]
    pub xuc_config: Option<PathBuf>,
    /// AXP bearer token accepted (repeatable; default `sim-token`).
    #[arg(long = "token", value_name = "TOKEN")]
    pub tokens: Vec<String>,
    /// AXP `appkey` header value required (any non-empty value by default).
    #[arg(long)]
    pub appkey: Option<String>,
    /// AXP pingInterval: the server closes a socket with no ping for this long
    /// (`300`, `30s`, `500ms`).
    #[arg(long, default_value = "300", value_parser = parse_duration)]
    pub ping_interval: Duration,
    /// AXP subscription lifetime unless renewed (`expiresIn`).
    #[arg(long, default_value = "900", value_parser = parse_duration)]
    pub expires_in: Duration,
    /// xuc heartbeat period; three missed heartbeats close the socket.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub heartbeat: Duration,
    /// AXP envelope `loginId` when a scenario line gives none.
    #[arg(long, default_value = "agent@example.com")]
    pub login_id: String,
    /// How long requests are refused after a `restart` fault.
    #[arg(long, default_value = "300ms", value_parser = parse_duration)]
    pub restart_downtime: Duration,
    /// Log nothing on standard error.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skew the HTTP `Date` header by this much (`3600s`, `-90s`, `500ms`):
    /// a server clock ahead of (or, negative, behind) the browser's.
    #[arg(long, default_value = "0", allow_hyphen_values = true, value_parser = super::clock::parse_skew)]
    pub clock_skew: i64,
    /// xuc: session tokens expire this long after the login (`TTL` in the
    /// login answer; a socket opened with an expired token is refused).
    #[arg(long, value_parser = parse_duration)]
    pub token_ttl: Option<Duration>,
}

impl SimArgs {
    /// The run's options (reads the scenario and configuration files).
    pub fn options(&self) -> Result<Options, String> {
        let faults = self
            .faults
            .iter()
            .map(|f| f.parse::<FaultSpec>())
            .collect::<Result<Vec<_>, _>>()?;
        let scenario = match &self.scenario {
            Some(path) => scenario::load(path)?,
            None => Vec::new(),
        };
        let xuc = match &self.xuc_config {
            Some(path) => XucConfig::load(path)?,
            None => XucConfig::default(),
        };
        let tokens = if self.tokens.is_empty() {
            vec![DEFAULT_TOKEN.to_owned()]
        } else {
            self.tokens.clone()
        };
        Ok(Options {
            port: self.port,
            tokens,
            appkey: self.appkey.clone(),
            ping_interval: self.ping_interval,
            expires_in: self.expires_in,
            heartbeat: self.heartbeat,
            login_id: self.login_id.clone(),
            restart_downtime: self.restart_downtime,
            faults,
            scenario,
            xuc,
            verbose: !self.quiet,
            clock_skew_ms: self.clock_skew,
            token_ttl: self.token_ttl,
        })
    }
}

/// Runs the simulators until Ctrl-C or SIGTERM; returns the process exit status.
pub fn run(args: SimArgs) -> ExitCode {
    let options = match args.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("cti-bridge sim: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cti-bridge sim: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(serve(options, args.stdin))
}

async fn serve(options: Options, stdin: bool) -> ExitCode {
    let running = match super::start(options).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cti-bridge sim: {e}");
            return ExitCode::from(1);
        }
    };
    println!(
        "{}",
        serde_json::json!({ "listening": running.addr().to_string() })
    );
    let shared = Arc::clone(&running.shared);
    let feeder = stdin.then(|| tokio::spawn(feed_stdin(shared)));
    wait_for_signal().await;
    if let Some(f) = feeder {
        f.abort();
    }
    println!("{}", serde_json::json!({ "stats": running.stats() }));
    running.stop().await;
    ExitCode::SUCCESS
}

/// Carries out each stdin line at once; reports bad lines on stderr.
async fn feed_stdin(shared: Arc<super::state::Shared>) {
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut n = 0usize;
    while let Ok(Some(line)) = lines.next_line().await {
        n += 1;
        if let Err(e) = shared.feed_line(&line) {
            eprintln!("cti-bridge sim: stdin line {n}: {e}");
        }
    }
    shared.log("stdin closed");
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
