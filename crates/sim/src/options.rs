//! Settings of one simulator run.

use super::fault::FaultSpec;
use super::scenario::Line;
use super::xuc::config::XucConfig;
use std::time::Duration;

/// The token the simulators accept when none is configured.
pub const DEFAULT_TOKEN: &str = "sim-token";

/// How a simulator run behaves. [`Options::default`] is what `cti-bridge sim`
/// uses without flags, except the port (0 here: any free port).
#[derive(Debug, Clone)]
pub struct Options {
    /// Loopback port to bind (0: any free port).
    pub port: u16,
    /// AXP bearer tokens accepted by the REST API and the socket authentication.
    pub tokens: Vec<String>,
    /// The AXP `appkey` header value required (any non-empty value when `None`).
    pub appkey: Option<String>,
    /// AXP: the longest gap between pings before the server closes the socket
    /// (advertised as `pingInterval`, in whole seconds rounded up).
    pub ping_interval: Duration,
    /// AXP: lifetime of a subscription unless renewed (`expiresIn`).
    pub expires_in: Duration,
    /// xuc: heartbeat period; the socket is closed after three periods without one.
    pub heartbeat: Duration,
    /// AXP: the envelope `loginId` when a scenario line gives none.
    pub login_id: String,
    /// How long requests are refused after a `restart` fault.
    pub restart_downtime: Duration,
    /// Faults armed at start.
    pub faults: Vec<FaultSpec>,
    /// Scenario played once the first session is live.
    pub scenario: Vec<Line>,
    /// xuc users, agents, lines, queues, groups and callbacks.
    pub xuc: XucConfig,
    /// Log what happens on standard error.
    pub verbose: bool,
    /// Added to the clock of the HTTP `Date` header (milliseconds; negative:
    /// behind): a skewed server clock for the widget's diagnostics.
    pub clock_skew_ms: i64,
    /// xuc: session tokens expire this long after the login (the answer's
    /// `TTL`); `None`: they last until a restart.
    pub token_ttl: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 0,
            tokens: vec![DEFAULT_TOKEN.to_owned()],
            appkey: None,
            ping_interval: Duration::from_secs(300),
            expires_in: Duration::from_secs(900),
            heartbeat: Duration::from_secs(5),
            login_id: "agent@example.com".into(),
            restart_downtime: Duration::from_millis(300),
            faults: Vec::new(),
            scenario: Vec::new(),
            xuc: XucConfig::default(),
            verbose: false,
            clock_skew_ms: 0,
            token_ttl: None,
        }
    }
}
