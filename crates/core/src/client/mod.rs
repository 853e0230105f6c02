//! Live contact-centre clients as deterministic, sans-IO state machines.
//!
//! A client never touches the network or a clock. The driver (the browser
//! edge in `web::axp` / `web::xuc`, or a test) feeds it [`Input`]s stamped
//! with the current time and carries out the [`Action`]s it returns: REST
//! requests, WebSocket open / send / close, one re-armable timer, health
//! reports, and frames to hand to the [`crate::Bridge`]. [`Session`] pairs a
//! client with a Bridge so that notifications are decoded, deduplicated by
//! event id across reconnects, and fed to the sync engine in one place.
//!
//! Secrets (tokens, passwords, URLs and frames that carry them) travel in
//! [`Secret`], [`Frame`] and [`Target`], whose `Debug` / `Display` redact them.

#[cfg(feature = "axp")]
pub mod axp;
mod backoff;
#[cfg(any(feature = "axp", feature = "xuc"))]
mod conn;
pub mod jwt;
#[cfg(any(feature = "axp", feature = "xuc"))]
mod link;
pub mod policy;
mod secret;
mod session;
#[cfg(any(feature = "axp", feature = "xuc"))]
mod timer;
#[cfg(feature = "xuc")]
pub mod xuc;
#[cfg(feature = "xuc")]
pub mod xuc_command;

#[cfg(test)]
#[path = "config_tests.rs"]
mod config_tests;

pub use backoff::{Backoff, Rng};
pub use policy::{UrlError, UrlKind};
pub use secret::{Frame, Secret, Target};

pub use session::{Client, Effect, Session};

use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error;
use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

/// A client configuration that cannot be worked with.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// A URL that is malformed or not allowed.
    #[error(transparent)]
    Url(#[from] policy::UrlError),
    /// Another setting.
    #[error("{field}: {reason}")]
    Invalid {
        /// The setting's name.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// The connection health reported to the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum HealthState {
    /// Getting a token / logging in / opening the socket for the first time.
    Connecting,
    /// Socket open, waiting for the server to accept us.
    Authenticating,
    /// Events flow.
    Live,
    /// Still connected, but something needs attention (renewal failing, browser offline).
    Degraded,
    /// The link was lost; a new attempt is scheduled.
    Reconnecting,
    /// Stopped for good (the reason says why); `start()` tries again.
    Failed,
    /// Stopped by the host (`stop()`); `start()` starts again.
    Stopped,
}

/// One health report: the state and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct Health {
    /// The new state.
    pub state: HealthState,
    /// Human-readable cause; never contains a secret.
    pub reason: String,
    /// When reconnecting: the delay before the next attempt.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub retry_in_ms: Option<u64>,
    /// Why signing in or connecting failed, as a code (set by the client
    /// where it decides, never read back from `reason`).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub fault: Option<Fault>,
}

/// Why a live client could not sign in or connect: the typed code on
/// [`Health`] that the panel's sign-in messages and the diagnostics use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CcFault"))]
#[serde(rename_all = "camelCase")]
pub enum Fault {
    /// The host's provider gave no token or credentials (declined, threw, bad shape).
    NoCredentials,
    /// The widget's credentials endpoint (`credentialsUrl`) refused (HTTP 401 / 403).
    EndpointRefused,
    /// The credentials endpoint could not be reached or gave nothing usable.
    EndpointFailed,
    /// xuc: the login was refused (HTTP 401 / 403): wrong user or password.
    BadCredentials,
    /// xuc: refused again with fresh credentials: the client gave up.
    RefusedAgain,
    /// The contact centre refused the token (AXP HTTP 401 or `INVALID_TOKEN`,
    /// xuc session token refused).
    TokenRefused,
    /// The configuration is wrong (xuc `baseUrl`; AXP `restBase`, `accountId`,
    /// `appKey`; `CONSTRAINT_VIOLATION`).
    Misconfigured,
    /// The server answered with an error (HTTP 5xx, `INTERNAL_SERVER_ERROR`).
    ServerUnavailable,
    /// No answer: network error, or the socket did not open.
    Unreachable,
}

impl Fault {
    /// Whether the fault is about the credentials (the `cc.auth` check),
    /// rather than reaching the contact centre (`cc.rest`).
    pub fn is_credentials(self) -> bool {
        !matches!(
            self,
            Fault::Misconfigured | Fault::ServerUnavailable | Fault::Unreachable
        )
    }

    /// The fault of a provider that could not answer, from its message.
    ///
    /// The one place text is read: the provider's refusal crosses the
    /// JavaScript boundary as a rejected promise's message. The widget's
    /// credentials endpoint says `the credentials endpoint ... answered HTTP
    /// 401` (or could not be reached / gave no token); anything else is the
    /// host declining.
    pub fn of_provider(message: &str) -> Fault {
        let m = message.to_ascii_lowercase();
        if !m.contains("credentials endpoint") {
            Fault::NoCredentials
        } else if m.contains("http 401") || m.contains("http 403") {
            Fault::EndpointRefused
        } else {
            Fault::EndpointFailed
        }
    }
}

/// What a live client measured of its link, for the diagnostics
/// (`cc.token`, `cc.subscription`, `cc.heartbeat`). Times are the driver's
/// clock (ms since the epoch).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// When the access token expires: the JWT's `exp` claim, or the xuc
    /// login answer's `TTL` (docs/protocols.md); `None` when the token does not say.
    pub token_expires_at: Option<u64>,
    /// AXP: when the subscription expires unless renewed (`expiresIn` /
    /// `expiresInterval`).
    pub subscription_expires_at: Option<u64>,
    /// The last heartbeat's round trip (AXP `ping` -> `pong`, xuc
    /// `{claz:"ping"}` -> `Pong`), in ms.
    pub heartbeat_rtt_ms: Option<u64>,
    /// When that round trip was measured.
    pub heartbeat_at: Option<u64>,
    /// A heartbeat sent and not answered yet: when it was sent.
    pub heartbeat_pending_since: Option<u64>,
}

/// HTTP method of a REST call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `POST` (AXP: create and renew a subscription).
    Post,
    /// `DELETE` (AXP: drop a subscription no longer used).
    Delete,
}

impl Method {
    /// The method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One header of a REST call; secret values are redacted when printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Header name.
    pub name: &'static str,
    /// Header value (redacted when printed).
    pub value: Secret,
}

/// A REST call for the driver to make; its answer comes back as
/// [`Input::HttpDone`] or [`Input::HttpFailed`] with the same `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Matches the [`Input::HttpDone`] / [`Input::HttpFailed`] that answers it.
    pub id: u32,
    /// HTTP method.
    pub method: Method,
    /// Absolute URL, already checked by [`policy`].
    pub url: String,
    /// Every header value is treated as secret (`Authorization`, `appkey`).
    pub headers: Vec<Header>,
    /// JSON body, if any.
    pub body: Option<Frame>,
}

/// What the driver tells a client.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Begin (or begin again after `failed`).
    Start,
    /// Close everything and stay quiet.
    Stop,
    /// The host's token provider answered (AXP: access token).
    Token(Secret),
    /// The host's credentials provider answered (xuc: login and password).
    Credentials {
        /// xuc user name.
        login: String,
        /// xuc password.
        password: Secret,
    },
    /// The provider could not give a token or credentials.
    NoToken(String),
    /// A REST call finished with an HTTP status (any status) and a JSON body if it had one.
    HttpDone {
        /// The request's id.
        id: u32,
        /// HTTP status code.
        status: u16,
        /// The JSON body, if it parsed.
        body: Option<Value>,
    },
    /// A REST call failed without an HTTP answer (network, CORS, abort).
    HttpFailed {
        /// The request's id.
        id: u32,
        /// What the browser reported.
        reason: String,
    },
    /// The socket `id` is open.
    SocketOpened {
        /// The socket's id from [`Action::Open`].
        id: u32,
    },
    /// The socket `id` closed (or could not open).
    SocketClosed {
        /// The socket's id from [`Action::Open`].
        id: u32,
        /// WebSocket close code (1006 when the connection dropped).
        code: u16,
        /// Close reason sent by the server, if any.
        reason: String,
    },
    /// A text frame on socket `id`, parsed as JSON.
    Frame {
        /// The socket's id from [`Action::Open`].
        id: u32,
        /// The frame, parsed.
        value: Value,
    },
    /// A frame on socket `id` that was refused before decoding (not JSON,
    /// too large, too deep): the link is alive, the frame is lost.
    FrameRefused {
        /// The socket's id from [`Action::Open`].
        id: u32,
    },
    /// The timer armed by [`Action::Timer`] fired.
    Tick,
    /// The browser came back online.
    Online,
    /// The browser went offline.
    Offline,
    /// The page became visible again (often: the machine woke up).
    Visible,
}

/// What a client asks the driver to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Make a REST call.
    Http(HttpRequest),
    /// Open a WebSocket to `url`; later inputs about it carry `id`.
    Open {
        /// New socket id, unique per client.
        id: u32,
        /// The URL (`wss:`, `ws:` on loopback); a token in its query is redacted when printed.
        url: Target,
    },
    /// Send one JSON text frame on socket `id`.
    Send {
        /// The socket to send on.
        id: u32,
        /// The JSON text (redacted when printed).
        frame: Frame,
    },
    /// Close socket `id` (its later events are ignored).
    Close {
        /// The socket to close.
        id: u32,
        /// WebSocket close code.
        code: u16,
        /// Close reason, for the server's logs.
        reason: String,
    },
    /// (Re)arm the single timer: deliver [`Input::Tick`] after `after_ms`.
    Timer {
        /// Delay in milliseconds.
        after_ms: u64,
    },
    /// Disarm the timer.
    ClearTimer,
    /// Report a health change to the host.
    Health(Health),
    /// Ask the host's provider for a fresh token (AXP) or credentials (xuc).
    NeedToken,
    /// A frame for the Bridge: the agent's own events.
    Deliver(Value),
    /// A frame about someone else (another agent seen by a supervisor
    /// profile): decoded and shown, but not taken as the agent's own state.
    Observe(Value),
}

/// Timings shared by both clients (milliseconds). Unknown keys are refused.
///
/// Read by hand ([`fields`]), as the derive read it: camelCase names, an
/// absent field takes its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// Opening a socket longer than this counts as a failure.
    pub connect_timeout_ms: u64,
    /// Waiting longer than this for the server to accept us counts as a failure.
    pub auth_timeout_ms: u64,
    /// A REST call or provider answer slower than this counts as a failure.
    pub request_timeout_ms: u64,
    /// First reconnect delay ceiling.
    pub backoff_base_ms: u64,
    /// Largest reconnect delay.
    pub backoff_max_ms: u64,
    /// A timer that fires this much later than armed means the machine slept.
    pub wake_threshold_ms: u64,
    /// A connection live this long resets the back-off.
    pub stable_ms: u64,
    /// Heartbeat period (AXP: the most between pings, never above
    /// `pingInterval / 2`, 30 s when absent; xuc: the `{claz:"ping"}`
    /// period, 5 s when absent).
    pub heartbeat_ms: Option<u64>,
    /// AXP: a `pong` later than this after a `ping` means the link is dead.
    pub pong_timeout_ms: u64,
}

const TIMING_FIELDS: &[&str] = &[
    "connectTimeoutMs",
    "authTimeoutMs",
    "requestTimeoutMs",
    "backoffBaseMs",
    "backoffMaxMs",
    "wakeThresholdMs",
    "stableMs",
    "heartbeatMs",
    "pongTimeoutMs",
];

impl Wire for Timing {
    const EXPECTED: &'static str = "struct Timing";
    fn read(o: Fields) -> Result<Self, Error> {
        let mut t = Timing::default();
        // `heartbeatMs` is read last, as the reader before `settings` did
        // (of two wrong fields, the same one is reported).
        let mut heartbeat = None;
        crate::config::settings(o, TIMING_FIELDS, 0, &mut |i, v| {
            let slot = match i {
                0 => &mut t.connect_timeout_ms,
                1 => &mut t.auth_timeout_ms,
                2 => &mut t.request_timeout_ms,
                3 => &mut t.backoff_base_ms,
                4 => &mut t.backoff_max_ms,
                5 => &mut t.wake_threshold_ms,
                6 => &mut t.stable_ms,
                7 => {
                    heartbeat = Some(v);
                    return Ok(());
                }
                _ => &mut t.pong_timeout_ms,
            };
            *slot = fields::unsigned(v)?;
            Ok(())
        })?;
        if let Some(v) = heartbeat {
            t.heartbeat_ms =
                fields::opt(v, fields::unsigned).map_err(|e| e.at_key("heartbeatMs"))?;
        }
        Ok(t)
    }
}

impl<'de> Deserialize<'de> for Timing {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            connect_timeout_ms: 15_000,
            auth_timeout_ms: 10_000,
            request_timeout_ms: 15_000,
            backoff_base_ms: 1_000,
            backoff_max_ms: 60_000,
            wake_threshold_ms: 90_000,
            stable_ms: 10_000,
            heartbeat_ms: None,
            pong_timeout_ms: 10_000,
        }
    }
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonFields, JsonObject, JsonWriter, ToJson};

impl HealthState {
    /// The state's name on the wire (`live`, `reconnecting` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            HealthState::Connecting => "connecting",
            HealthState::Authenticating => "authenticating",
            HealthState::Live => "live",
            HealthState::Degraded => "degraded",
            HealthState::Reconnecting => "reconnecting",
            HealthState::Failed => "failed",
            HealthState::Stopped => "stopped",
        }
    }
}

impl ToJson for HealthState {
    fn write_json(&self, w: &mut JsonWriter) {
        w.str(self.as_str());
    }
}

json_names!(Fault {
    NoCredentials => "noCredentials",
    EndpointRefused => "endpointRefused",
    EndpointFailed => "endpointFailed",
    BadCredentials => "badCredentials",
    RefusedAgain => "refusedAgain",
    TokenRefused => "tokenRefused",
    Misconfigured => "misconfigured",
    ServerUnavailable => "serverUnavailable",
    Unreachable => "unreachable",
});

impl JsonFields for Health {
    fn write_fields(&self, o: &mut JsonObject<'_>) {
        o.field("state", &self.state)
            .field("reason", &self.reason)
            .opt("retryInMs", &self.retry_in_ms)
            .opt("fault", &self.fault);
    }
}

impl ToJson for Health {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| self.write_fields(o));
    }
}

#[cfg(test)]
mod tests {
    use super::axp::AxpConfig;
    use super::xuc::XucConfig;
    use super::Timing;
    use serde_json::{from_value, json};

    fn err<T: serde::de::DeserializeOwned + std::fmt::Debug>(v: serde_json::Value) -> String {
        from_value::<T>(v).unwrap_err().to_string()
    }

    #[test]
    fn timing_takes_defaults_for_absent_fields() {
        assert_eq!(from_value::<Timing>(json!({})).unwrap(), Timing::default());
        let t: Timing = from_value(json!({"stableMs": 5, "heartbeatMs": 2000})).unwrap();
        assert_eq!(t.stable_ms, 5);
        assert_eq!(t.heartbeat_ms, Some(2000));
        assert_eq!(t.connect_timeout_ms, Timing::default().connect_timeout_ms);
        let t: Timing = from_value(json!({"heartbeatMs": null})).unwrap();
        assert_eq!(t.heartbeat_ms, None);
    }

    #[test]
    fn timing_refuses_unknown_fields_and_wrong_types() {
        assert_eq!(
            err::<Timing>(json!({"stable": 5})),
            "unknown field `stable`, expected one of `connectTimeoutMs`, `authTimeoutMs`, \
             `requestTimeoutMs`, `backoffBaseMs`, `backoffMaxMs`, `wakeThresholdMs`, \
             `stableMs`, `heartbeatMs`, `pongTimeoutMs`"
        );
        assert_eq!(
            err::<Timing>(json!({"stableMs": "5"})),
            "stableMs: invalid type: string \"5\", expected u64"
        );
        assert_eq!(
            err::<Timing>(json!({"pongTimeoutMs": -1})),
            "pongTimeoutMs: invalid value: integer `-1`, expected u64"
        );
        assert_eq!(
            err::<Timing>(json!([])),
            "invalid type: sequence, expected struct Timing"
        );
    }

    #[test]
    fn xuc_settings_are_read_with_their_defaults() {
        let c: XucConfig = from_value(json!({"baseUrl": "https://xuc.example"})).unwrap();
        assert_eq!(c.base_url, "https://xuc.example");
        assert_eq!((c.socket_url, c.agent_id, c.seed), (None, None, 0));
        assert_eq!(c.timing, Timing::default());
        let c: XucConfig = from_value(json!({
            "baseUrl": "https://xuc.example", "socketUrl": "wss://s.example/cti",
            "agentId": null, "seed": 7, "timing": {"heartbeatMs": 1000}
        }))
        .unwrap();
        assert_eq!(c.socket_url.as_deref(), Some("wss://s.example/cti"));
        assert_eq!((c.agent_id, c.seed), (None, 7));
        assert_eq!(c.timing.heartbeat_ms, Some(1000));
    }

    #[test]
    fn xuc_settings_errors_name_the_field() {
        assert_eq!(err::<XucConfig>(json!({})), "missing field `baseUrl`");
        assert_eq!(
            err::<XucConfig>(json!({"baseUrl": "https://x", "token": "t"})),
            "unknown field `token`, expected one of `baseUrl`, `socketUrl`, `agentId`, `seed`, `timing`"
        );
        assert_eq!(
            err::<XucConfig>(json!({"baseUrl": 5})),
            "baseUrl: invalid type: integer `5`, expected a string"
        );
        assert_eq!(
            err::<XucConfig>(json!({"baseUrl": "https://x", "timing": {"stableMs": true}})),
            "timing.stableMs: invalid type: boolean `true`, expected u64"
        );
    }

    #[test]
    fn axp_settings_are_read_with_their_defaults_and_errors() {
        let c: AxpConfig = from_value(json!({
            "restBase": "https://r.example/api", "accountId": "A", "appKey": "K",
            "loginId": "agent1", "seed": 3
        }))
        .unwrap();
        assert_eq!(
            (c.rest_base.as_str(), c.account_id.as_str()),
            ("https://r.example/api", "A")
        );
        assert_eq!(
            (c.app_key.as_str(), c.login_id.as_deref()),
            ("K", Some("agent1"))
        );
        assert_eq!((c.endpoint, c.agent_id, c.seed), (None, None, 3));
        assert_eq!(c.timing, Timing::default());
        assert_eq!(
            err::<AxpConfig>(json!({"restBase": "r", "accountId": "A"})),
            "missing field `appKey`"
        );
        assert_eq!(
            err::<AxpConfig>(json!({"restBase": "r", "accountId": "A", "appKey": "K", "x": 1})),
            "unknown field `x`, expected one of `restBase`, `accountId`, `appKey`, `endpoint`, \
             `agentId`, `loginId`, `seed`, `timing`"
        );
        assert_eq!(
            err::<AxpConfig>(
                json!({"restBase": "r", "accountId": "A", "appKey": "K", "endpoint": 1})
            ),
            "endpoint: invalid type: integer `1`, expected a string"
        );
    }
}
