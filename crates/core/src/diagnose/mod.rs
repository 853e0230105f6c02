//! Support and diagnostics: what is wrong, and how to fix it.
//!
//! The browser edge gathers [`Observations`] (timed fetch and WebSocket
//! probes, CSP violation reports, storage probes, the handshake's view); the
//! decisions are made here: each [`Check`]'s status, detail and fix, the
//! [`Report`], the start-up error codes ([`CheckId`], one row each in
//! docs/troubleshooting.md) and the support bundle ([`export_jsonl`]).
//!
//! Nothing secret goes in a report: URLs keep their origin and path only
//! (never a query, which may carry a token), health reasons are redacted.

mod log;
mod redact;

pub use log::{LogEntry, LogLevel, LogQuery, LogRing, LOG_CAPACITY, MAX_MESSAGE};
pub use redact::{redact_text, REDACTED};

use crate::channel::{AllowList, PROTOCOL_VERSION};
use crate::client::{Fault, Figures, Health, HealthState};
use crate::model::Source;
use crate::tabs::{Role, TabsInfo};

/// The checks must finish within this long (probes time out before it).
pub const DIAGNOSE_BUDGET_MS: u64 = 3_000;
/// How long one probe may take.
pub const PROBE_TIMEOUT_MS: u64 = 2_000;
/// A contact-centre round trip slower than this is a warning.
pub const SLOW_MS: u64 = 1_500;
/// Clock skew that is a warning (the `Date` header has one-second resolution).
pub const SKEW_WARN_MS: u64 = 10_000;
/// Clock skew that fails: tokens' `exp` / `nbf` and subscription expiry go wrong.
pub const SKEW_FAIL_MS: u64 = 60_000;
/// A token or subscription expiring sooner than this is a warning.
pub const EXPIRY_WARN_MS: u64 = 60_000;
/// A heartbeat round trip this slow (or a heartbeat unanswered this long,
/// from a server that answers them) fails.
pub const HEARTBEAT_FAIL_MS: u64 = 5_000;
/// The widget's version.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A check's (and a start-up error's) stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CheckId {
    /// The host page's origin is on the widget's `allowedHostOrigins`.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "origin.host"))]
    HostOrigin,
    /// The widget's origin is on the drop-in's `allowedOrigins`.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "origin.widget"))]
    WidgetOrigin,
    /// The widget page's CSP lets WebAssembly run.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "csp.wasm"))]
    CspWasm,
    /// The widget page's CSP `connect-src` covers the contact centre.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "csp.connect"))]
    CspConnect,
    /// The widget is framed by the page it talks to.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "framing"))]
    Framing,
    /// Whether the widget's storage is partitioned (third-party context).
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "storage.partition"))]
    StoragePartition,
    /// Session storage works (the outbox survives a reload).
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "storage.session"))]
    StorageSession,
    /// The Storage Access API's state.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "storage.access"))]
    StorageAccess,
    /// The contact centre's REST API answers, and how fast.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "cc.rest"))]
    CcRest,
    /// The contact centre's WebSocket opens, and how fast.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "cc.socket"))]
    CcSocket,
    /// The contact centre accepted the widget's credentials.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "cc.auth"))]
    CcAuth,
    /// The access token's expiry.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "cc.token"))]
    CcToken,
    /// The AXP subscription's expiry.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "cc.subscription"))]
    CcSubscription,
    /// The link's heartbeat round trip.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "cc.heartbeat"))]
    CcHeartbeat,
    /// The browser's clock against the server's `Date` header.
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "clock"))]
    Clock,
    /// The widget's role among the agent's tabs (leader, follower, alone).
    #[cfg_attr(any(test, feature = "ts"), serde(rename = "multiTab"))]
    MultiTab,
}

impl CheckId {
    /// Every check, in report order.
    pub const ALL: [CheckId; 16] = [
        CheckId::HostOrigin,
        CheckId::WidgetOrigin,
        CheckId::CspWasm,
        CheckId::CspConnect,
        CheckId::Framing,
        CheckId::StoragePartition,
        CheckId::StorageSession,
        CheckId::StorageAccess,
        CheckId::CcRest,
        CheckId::CcSocket,
        CheckId::CcAuth,
        CheckId::CcToken,
        CheckId::CcSubscription,
        CheckId::CcHeartbeat,
        CheckId::Clock,
        CheckId::MultiTab,
    ];

    /// The id's text.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::HostOrigin => "origin.host",
            CheckId::WidgetOrigin => "origin.widget",
            CheckId::CspWasm => "csp.wasm",
            CheckId::CspConnect => "csp.connect",
            CheckId::Framing => "framing",
            CheckId::StoragePartition => "storage.partition",
            CheckId::StorageSession => "storage.session",
            CheckId::StorageAccess => "storage.access",
            CheckId::CcRest => "cc.rest",
            CheckId::CcSocket => "cc.socket",
            CheckId::CcAuth => "cc.auth",
            CheckId::CcToken => "cc.token",
            CheckId::CcSubscription => "cc.subscription",
            CheckId::CcHeartbeat => "cc.heartbeat",
            CheckId::Clock => "clock",
            CheckId::MultiTab => "multiTab",
        }
    }

    /// How to fix what this check finds (the docs/troubleshooting.md row).
    pub fn fix(self) -> &'static str {
        match self {
            CheckId::HostOrigin => "Add the host page's exact origin (scheme://host:port) to allowedHostOrigins in the widget's configuration (widget-config.json).",
            CheckId::WidgetOrigin => "Pass the widget's exact origin in allowedOrigins to CtiBridge.connect() (or leave allowedOrigins out).",
            CheckId::CspWasm => "Allow WebAssembly on the widget page: script-src 'self' 'wasm-unsafe-eval'.",
            CheckId::CspConnect => "Add the contact centre's origins (https: for REST, wss: for the socket) to connect-src of the widget page's Content-Security-Policy.",
            CheckId::Framing => "Embed widget.html with CtiBridge.connect() from an allowed host page; let the widget origin's CSP frame-ancestors include that page.",
            CheckId::StoragePartition => "Nothing to do: the widget keeps its state in partitioned storage. Serve the widget from the CRM's own site to share it with other tabs.",
            CheckId::StorageSession => "Allow site data for the widget's origin (browser settings, or the third-party storage policy): without it a reload of the widget loses unsent events.",
            CheckId::StorageAccess => "Allow third-party storage for the widget's origin, or serve the widget from the same site as the CRM page.",
            CheckId::CcRest => "Check that the contact centre's REST URL (restBase / baseUrl) is right and reachable from the agent's network (proxy, firewall, VPN).",
            CheckId::CcSocket => "Check that the contact centre's WebSocket URL is reachable (proxies must allow WebSocket upgrades) and allowed by connect-src.",
            CheckId::CcAuth => "Give the widget a valid token or login: the host's contactCentre.credentials provider or the widget's credentialsUrl.",
            CheckId::CcToken => "Renew the access token before it expires (the provider is asked again on a 401).",
            CheckId::CcSubscription => "Check the AXP subscription renewal (timing.renew) and that the token still has the notification scope.",
            CheckId::CcHeartbeat => "A slow or missing heartbeat means a congested or filtering network path: check proxies and idle timeouts.",
            CheckId::Clock => "Set the computer's clock from the network time (NTP): tokens and subscriptions expire on the server's time.",
            CheckId::MultiTab => "This tab opens its own contact-centre connection: allow third-party storage for the widget's origin (Web Locks need the frame's storage), or use a browser with Web Locks and BroadcastChannel.",
        }
    }
}

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum CheckStatus {
    /// Fine (or not applicable: the detail says so).
    Ok,
    /// Works, but needs attention.
    Warn,
    /// Broken: the fix says what to do.
    Fail,
}

/// One check of a [`Report`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DiagnoseCheck"))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct Check {
    /// Stable id (docs/troubleshooting.md has one row per id).
    pub id: CheckId,
    /// The outcome.
    pub status: CheckStatus,
    /// What was found.
    pub detail: String,
    /// What to do (`null` when the check is ok).
    pub fix: Option<String>,
}

/// Versions of the three parts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DiagnoseVersions"))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct Versions {
    /// The drop-in script's version (`null` when the report was made in the widget page).
    pub drop_in: Option<String>,
    /// The widget's version.
    pub widget: String,
    /// The channel protocol's version.
    pub protocol: u32,
}

/// What `bridge.diagnose()` resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DiagnoseReport"))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct Report {
    /// Every check, in a fixed order.
    pub checks: Vec<Check>,
    /// Versions of the drop-in, the widget and the protocol.
    pub versions: Versions,
    /// When the report was made (milliseconds since the Unix epoch).
    pub at: u64,
}

impl Report {
    /// The check with this id.
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}

/// The outcome of one timed probe.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Probe {
    /// Not attempted (no URL to probe).
    #[default]
    NotRun,
    /// An HTTP answer (any status: the server is reachable) after `ms`.
    Answered {
        /// The HTTP status.
        status: u16,
        /// Round trip in milliseconds.
        ms: u64,
    },
    /// The socket opened after `ms`.
    Opened {
        /// Milliseconds to `open`.
        ms: u64,
    },
    /// Failed (network error, refused, blocked) after `ms`.
    Failed {
        /// Milliseconds until it failed.
        ms: u64,
    },
    /// No answer within [`PROBE_TIMEOUT_MS`].
    TimedOut,
}

/// A `securitypolicyviolation` the widget page saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `effectiveDirective` (`connect-src`, `script-src` ...).
    pub directive: String,
    /// `blockedURI` (a URL, or a keyword such as `wasm-eval`, `inline`).
    pub blocked: String,
}

/// What the widget found out about its contact centre.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CcObservations {
    /// `axp` or `xuc`.
    pub source: Option<Source>,
    /// The REST URL probed.
    pub rest_url: Option<String>,
    /// The REST probe.
    pub rest: Probe,
    /// The WebSocket URL probed.
    pub socket_url: Option<String>,
    /// The WebSocket probe.
    pub socket: Probe,
    /// The live client's last health.
    pub health: Option<Health>,
    /// The REST answer's `Date` header, as sent.
    pub server_date: Option<String>,
    /// The browser clock halfway through the REST probe (ms since the epoch).
    pub probe_mid_ms: Option<u64>,
    /// What the live client measured: token and subscription expiry,
    /// heartbeat round trip.
    pub figures: Figures,
}

/// The widget's storage, as probed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageObservations {
    /// Writing and reading back a session-storage key worked (`None`: no storage at all).
    pub session_usable: Option<bool>,
    /// The top-level page's origin (`location.ancestorOrigins`, last entry;
    /// `None` when the browser does not tell). Compared by site with the
    /// widget's origin ([`site_of`]): another site means partitioned storage.
    pub top_origin: Option<String>,
    /// `document.hasStorageAccess()` (`None`: the API is missing).
    pub has_access: Option<bool>,
}

/// The widget's part among the agent's tabs (widget config `multiTab`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TabsObservations {
    /// No contact-centre client of its own: nothing to share.
    #[default]
    NotApplicable,
    /// `multiTab: "independent"`: every tab its own connection, by choice.
    Independent,
    /// Shared, and the tabs machine runs: this tab's part.
    Shared(TabsInfo),
    /// Shared was configured, but this frame runs alone (its own connection).
    Alone {
        /// The frame has storage (Web Locks live in the storage bucket).
        storage: bool,
        /// `navigator.locks` exists.
        web_locks: bool,
        /// `BroadcastChannel` exists.
        broadcast: bool,
    },
}

/// Everything the edge gathered for one report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observations {
    /// The browser clock when the report is made.
    pub now: u64,
    /// The widget page's origin.
    pub widget_origin: String,
    /// The attached host's origin (the channel fills it).
    pub host_origin: Option<String>,
    /// The embedding page's origin (`location.ancestorOrigins[0]`).
    pub parent_origin: Option<String>,
    /// Whether the widget page is in a frame.
    pub framed: bool,
    /// The drop-in's word on the widget's origin (it only connects to an allowed one).
    pub widget_origin_allowed: Option<bool>,
    /// The drop-in's version, from its request.
    pub drop_in: Option<String>,
    /// CSP violations seen since the widget started (bounded by the edge).
    pub violations: Vec<Violation>,
    /// Storage probes.
    pub storage: StorageObservations,
    /// The contact centre (`None`: the widget has no live client).
    pub cc: Option<CcObservations>,
    /// The widget's part among the agent's tabs.
    pub tabs: TabsObservations,
}

/// The REST and WebSocket URLs to probe for a live client's options
/// (`contactCentre` without `kind`): a path the server answers without
/// credentials (any HTTP status means reachable), and the socket URL.
pub fn probe_targets(
    source: Source,
    config: &serde_json::Value,
) -> (Option<String>, Option<String>) {
    let text = |key: &str| {
        config
            .get(key)
            .and_then(serde_json::Value::as_str)
            .map(|s| s.trim().trim_end_matches('/').to_owned())
            .filter(|s| !s.is_empty())
    };
    let socket_of = |base: &str, path: &str| {
        // `https://` -> `wss://`, `http://` -> `ws://` (one text written).
        let tail = base.strip_prefix("http")?;
        if !tail.starts_with("://") && !tail.starts_with("s://") {
            return None;
        }
        let ws = format!("ws{tail}");
        origin_of(&ws).map(|o| format!("{o}{path}"))
    };
    match source {
        #[cfg(feature = "xuc")]
        Source::Xuc => {
            let base = text("baseUrl");
            let rest = base
                .as_ref()
                .map(|b| format!("{b}{}", crate::client::xuc::LOGIN_PATH));
            let socket = text("socketUrl").or_else(|| {
                base.as_deref()
                    .and_then(|b| socket_of(b, crate::client::xuc::SOCKET_PATH))
            });
            (rest, socket)
        }
        Source::Axp => {
            let base = text("restBase");
            let rest = match (&base, text("accountId")) {
                (Some(b), Some(a)) => Some(format!("{b}/accounts/{a}/subscriptions")),
                (Some(b), None) => Some(b.clone()),
                _ => None,
            };
            let socket = text("endpoint").or_else(|| {
                base.as_deref()
                    .and_then(|b| socket_of(b, "/ws/notification/v1/agent-engagement"))
            });
            (rest, socket)
        }
        _ => (None, None),
    }
}

/// `scheme://host[:port]/path` of `url`: no query, fragment or credentials
/// (parsed by the URL parser the edge set, [`crate::client::policy::parser`]).
pub fn safe_url(url: &str) -> String {
    let Ok(parsed) = (crate::client::policy::parser().0)(url) else {
        return "(invalid URL)".into();
    };
    let rest = parsed.href.split(['?', '#']).next().unwrap_or_default();
    let path = rest
        .split_once("://")
        .and_then(|(_, r)| r.find('/').map(|i| &r[i..]))
        .unwrap_or("/");
    format!("{}{path}", origin(&parsed))
}

/// `scheme://host[:port]` of `url` (`ws:` / `wss:` kept as they are).
pub fn origin_of(url: &str) -> Option<String> {
    let parsed = (crate::client::policy::parser().0)(url).ok()?;
    parsed.host_str()?;
    Some(origin(&parsed))
}

fn origin(url: &crate::client::policy::Url) -> String {
    match url.port() {
        Some(port) => format!("{}://{}:{port}", url.scheme(), url.hostname),
        None => format!("{}://{}", url.scheme(), url.hostname),
    }
}

/// The site of an origin (`scheme://host[:port]`): its scheme and
/// registrable domain, as browsers partition storage by.
///
/// Without a public suffix list (the widget stays small and offline) the
/// registrable domain is taken as the host's last two labels
/// (`crm.example.com` -> `example.com`); an IP address, `localhost` and a
/// one-label name are their whole host. A suffix of more than one label
/// (`example.co.uk`) is therefore seen as `co.uk`: two sites under it look
/// like one (the check then says "first-party", never the other way round).
pub fn site_of(origin: &str) -> Option<String> {
    let (scheme, rest) = origin.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    // Written in place and lowercased at the end (one buffer, no list of labels).
    let mut site = String::from(scheme);
    site.push_str("://");
    if let Some(v6) = authority.strip_prefix('[') {
        site.push('[');
        site.push_str(v6.split(']').next()?);
        site.push(']');
    } else {
        let host = authority.split(':').next()?.trim_end_matches('.');
        if host.is_empty() {
            return None;
        }
        let is_ip = host.split('.').count() == 4
            && host
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let last = host.rsplit('.').next().unwrap_or(host);
        site.push_str(if is_ip {
            host
        } else if last.eq_ignore_ascii_case("localhost") {
            "localhost"
        } else {
            // The last two labels (or the whole one-label host).
            match host.rmatch_indices('.').nth(1) {
                Some((dot, _)) => host.get(dot + 1..).unwrap_or(host),
                None => host,
            }
        });
    }
    site.make_ascii_lowercase();
    Some(site)
}

/// Whether two origins are of one site ([`site_of`]); `None` when either
/// does not parse.
pub fn same_site(a: &str, b: &str) -> Option<bool> {
    Some(site_of(a)? == site_of(b)?)
}

/// Parses an HTTP `Date` (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`)
/// into milliseconds since the Unix epoch.
pub fn parse_http_date(text: &str) -> Option<u64> {
    // Every number read as a `u64` (one number parser in the wasm, the JWT
    // reader's): a day out of range fails the check below, a negative year
    // (before 1970 in any case) fails to parse.
    let number = |part: Option<&str>| part?.parse::<u64>().ok();
    let mut parts = text.split_whitespace();
    let _weekday = parts.next()?;
    let day = number(parts.next())?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = i64::try_from(number(parts.next())?).ok()?;
    let mut hms = parts.next()?.split(':');
    let (h, m, s) = (
        number(hms.next())?,
        number(hms.next())?,
        number(hms.next())?,
    );
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day as i64);
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + s;
    secs.checked_mul(1000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// One check; its fix is the id's unless it is ok. One copy, not inlined into
/// each of the report's ~85 checks (bench/README.md, "Diagnostics report").
#[inline(never)]
fn check(id: CheckId, status: CheckStatus, detail: &str) -> Check {
    Check {
        id,
        status,
        detail: detail.to_owned(),
        fix: (status != CheckStatus::Ok).then(|| id.fix().to_owned()),
    }
}

/// [`check`] with a detail written from `args` (one `format` call site for all
/// the checks, not one per detail).
#[inline(never)]
fn check_fmt(id: CheckId, status: CheckStatus, args: std::fmt::Arguments<'_>) -> Check {
    check(id, status, &std::fmt::format(args))
}

fn ok_fmt(id: CheckId, args: std::fmt::Arguments<'_>) -> Check {
    check_fmt(id, CheckStatus::Ok, args)
}

fn warn_fmt(id: CheckId, args: std::fmt::Arguments<'_>) -> Check {
    check_fmt(id, CheckStatus::Warn, args)
}

fn fail_fmt(id: CheckId, args: std::fmt::Arguments<'_>) -> Check {
    check_fmt(id, CheckStatus::Fail, args)
}

fn ok(id: CheckId, detail: &str) -> Check {
    check(id, CheckStatus::Ok, detail)
}

fn warn(id: CheckId, detail: &str) -> Check {
    check(id, CheckStatus::Warn, detail)
}

fn fail(id: CheckId, detail: &str) -> Check {
    check(id, CheckStatus::Fail, detail)
}

/// The report for `obs`, with the widget's allow-list.
pub fn report(obs: &Observations, allowed: &AllowList) -> Report {
    let csp_blocked = |url: Option<&String>| -> Option<String> {
        let origin = url.and_then(|u| origin_of(u))?;
        obs.violations
            .iter()
            .filter(|v| matches!(v.directive.as_str(), "connect-src" | "default-src"))
            .find(|v| origin_of(&v.blocked).as_deref() == Some(origin.as_str()))
            .map(|_| origin)
    };
    let cc = obs.cc.as_ref();
    // The contact centre's origins that a violation blocked, each once.
    let mut blocked: Vec<String> = Vec::new();
    for url in cc.iter().flat_map(|cc| [&cc.rest_url, &cc.socket_url]) {
        if let Some(origin) = csp_blocked(url.as_ref()) {
            if blocked.last() != Some(&origin) {
                blocked.push(origin);
            }
        }
    }
    // Each check pushed as it is made (no arrays or `vec!`s of checks
    // moved into the list).
    let mut checks = Vec::with_capacity(CheckId::ALL.len());
    checks.push(check_host_origin(obs, allowed));
    checks.push(check_widget_origin(obs));
    checks.push(check_wasm(obs));
    checks.push(check_connect(obs, &blocked));
    checks.push(check_framing(obs, allowed));
    check_storage(obs, &mut checks);
    match cc {
        Some(cc) => check_cc(obs, cc, &blocked, &mut checks),
        None => {
            for id in [
                CheckId::CcRest,
                CheckId::CcSocket,
                CheckId::CcAuth,
                CheckId::CcToken,
                CheckId::CcSubscription,
                CheckId::CcHeartbeat,
                CheckId::Clock,
            ] {
                checks.push(ok(
                    id,
                    "not applicable: the widget has no contact-centre client of its own",
                ));
            }
        }
    }
    checks.push(check_tabs(obs));
    Report {
        checks,
        versions: Versions {
            drop_in: obs.drop_in.clone(),
            widget: WIDGET_VERSION.to_owned(),
            protocol: PROTOCOL_VERSION,
        },
        at: obs.now,
    }
}

fn check_host_origin(obs: &Observations, allowed: &AllowList) -> Check {
    let id = CheckId::HostOrigin;
    match (&obs.host_origin, &obs.parent_origin) {
        (Some(host), _) => ok_fmt(id, format_args!("{host} is allowed and connected")),
        (None, Some(parent)) if allowed.allows(parent) => ok_fmt(
            id,
            format_args!("{parent} is allowed (no host connected on the channel yet)"),
        ),
        (None, Some(parent)) => fail_fmt(
            id,
            format_args!("the embedding page {parent} is not on allowedHostOrigins: its connect() is refused"),
        ),
        (None, None) if obs.framed => warn(
            id,
            "the embedding page's origin is unknown (the browser does not tell) and no host connected",
        ),
        (None, None) => ok(id, "not framed: no host page to allow"),
    }
}

fn check_widget_origin(obs: &Observations) -> Check {
    let id = CheckId::WidgetOrigin;
    match obs.widget_origin_allowed {
        Some(true) => ok_fmt(
            id,
            format_args!("the drop-in connects to {}", obs.widget_origin),
        ),
        Some(false) => fail_fmt(
            id,
            format_args!(
                "{} is not on the drop-in's allowedOrigins",
                obs.widget_origin
            ),
        ),
        None if obs.host_origin.is_some() => ok_fmt(
            id,
            format_args!("a host connected to {}", obs.widget_origin),
        ),
        None => ok(
            id,
            "no drop-in connected yet: checked by connect() (error code origin.widget)",
        ),
    }
}

fn check_wasm(obs: &Observations) -> Check {
    let id = CheckId::CspWasm;
    let blocked = obs
        .violations
        .iter()
        .any(|v| v.directive.starts_with("script-src") && v.blocked.contains("wasm"));
    if blocked {
        fail(id, "the widget page's CSP blocked WebAssembly compilation")
    } else {
        ok(id, "WebAssembly runs (the widget is running)")
    }
}

fn check_connect(obs: &Observations, blocked: &[String]) -> Check {
    let id = CheckId::CspConnect;
    if !blocked.is_empty() {
        // Joined by hand: `[String]::join` is a second copy of the join
        // code beside `[&str]::join` in the wasm.
        let mut text = String::from("connect-src blocks ");
        for (i, origin) in blocked.iter().enumerate() {
            if i > 0 {
                text.push_str(" and ");
            }
            text.push_str(origin);
        }
        return fail(id, &text);
    }
    let other = obs
        .violations
        .iter()
        .filter(|v| v.directive == "connect-src")
        .map(|v| origin_of(&v.blocked).unwrap_or_else(|| v.blocked.clone()))
        .next();
    match (&obs.cc, other) {
        (_, Some(other)) => warn_fmt(
            id,
            format_args!("connect-src blocked {other} (not the contact centre)"),
        ),
        (Some(_), None) => ok(id, "the contact centre's REST and socket URLs are allowed"),
        (None, None) => ok(
            id,
            "no contact centre to reach; no connect-src violation seen",
        ),
    }
}

fn check_framing(obs: &Observations, allowed: &AllowList) -> Check {
    let id = CheckId::Framing;
    match (obs.framed, &obs.host_origin, &obs.parent_origin) {
        (true, Some(host), Some(parent)) if host == parent => ok_fmt(
            id,
            format_args!("framed by {parent}; the handshake is done"),
        ),
        (true, Some(host), Some(parent)) => warn_fmt(
            id,
            format_args!("framed by {parent} but the connected host is {host}"),
        ),
        (true, Some(host), None) => ok_fmt(
            id,
            format_args!("framed; the handshake with {host} is done"),
        ),
        (true, None, Some(parent)) if allowed.allows(parent) => warn_fmt(
            id,
            format_args!(
                "framed by {parent}, but no handshake yet (is the drop-in's connect() called?)"
            ),
        ),
        (true, None, Some(parent)) => ok_fmt(
            id,
            format_args!("framed by {parent}; its handshake is refused (see origin.host)"),
        ),
        (true, None, None) => fail(
            id,
            "framed, but no handshake: the host page never connected",
        ),
        (false, _, _) => warn(
            id,
            "not framed: the widget page is open on its own (no host page)",
        ),
    }
}

fn check_storage(obs: &Observations, checks: &mut Vec<Check>) {
    let s = &obs.storage;
    let sites = s.top_origin.as_deref().and_then(|top| {
        let (top, own) = (site_of(top)?, site_of(&obs.widget_origin)?);
        let same = top == own;
        Some((top, own, same))
    });
    checks.push(match sites {
        Some((top, own, false)) => ok_fmt(
            CheckId::StoragePartition,
            format_args!("third-party context: the widget's site {own} is not the top page's {top}; storage is partitioned by the top-level site"),
        ),
        Some((top, _, true)) => ok_fmt(
            CheckId::StoragePartition,
            format_args!("first-party context: the widget and the top page are both of {top}; storage is not partitioned"),
        ),
        None => ok(
            CheckId::StoragePartition,
            "unknown (the browser does not tell the top-level site)",
        ),
    });
    checks.push(match s.session_usable {
        Some(true) => ok(CheckId::StorageSession, "session storage works"),
        Some(false) => fail(CheckId::StorageSession, "session storage refuses writes"),
        None => fail(CheckId::StorageSession, "session storage is blocked"),
    });
    checks.push(match s.has_access {
        Some(true) => ok(CheckId::StorageAccess, "the widget has storage access"),
        Some(false) if s.session_usable != Some(true) => fail(
            CheckId::StorageAccess,
            "no storage access: third-party storage is blocked for the widget",
        ),
        Some(false) => ok(
            CheckId::StorageAccess,
            "no unpartitioned storage access; the partitioned storage works",
        ),
        None => ok(
            CheckId::StorageAccess,
            "the Storage Access API is not available",
        ),
    });
}

fn check_cc(obs: &Observations, cc: &CcObservations, blocked: &[String], checks: &mut Vec<Check>) {
    let kind = cc.source.map_or("contact centre", |s| match s {
        Source::Axp => "AXP",
        Source::Xuc => "xuc",
        _ => "contact centre",
    });
    let is_blocked = |u: &Option<String>| {
        u.as_deref()
            .and_then(origin_of)
            .is_some_and(|o| blocked.contains(&o))
    };
    checks.push(match (&cc.rest, is_blocked(&cc.rest_url)) {
        (_, true) => fail_fmt(
            CheckId::CcRest,
            format_args!(
                "{} is blocked by the widget page's connect-src",
                url(&cc.rest_url)
            ),
        ),
        (Probe::Answered { status, ms }, _) if *ms > SLOW_MS => warn_fmt(
            CheckId::CcRest,
            format_args!(
                "{kind} REST {} answered HTTP {status} in {ms} ms (slow)",
                url(&cc.rest_url)
            ),
        ),
        (Probe::Answered { status, ms }, _) => ok_fmt(
            CheckId::CcRest,
            format_args!(
                "{kind} REST {} answered HTTP {status} in {ms} ms",
                url(&cc.rest_url)
            ),
        ),
        (Probe::Failed { ms }, _) => fail_fmt(
            CheckId::CcRest,
            format_args!(
                "{kind} REST {} is unreachable (failed after {ms} ms)",
                url(&cc.rest_url)
            ),
        ),
        (Probe::TimedOut, _) => fail_fmt(
            CheckId::CcRest,
            format_args!(
                "{kind} REST {} gave no answer within {PROBE_TIMEOUT_MS} ms",
                url(&cc.rest_url)
            ),
        ),
        (Probe::Opened { ms }, _) => ok_fmt(CheckId::CcRest, format_args!("reachable in {ms} ms")),
        (Probe::NotRun, _) => warn(CheckId::CcRest, "no REST URL configured to probe"),
    });
    let live = cc
        .health
        .as_ref()
        .is_some_and(|h| h.state == HealthState::Live);
    checks.push(match (&cc.socket, is_blocked(&cc.socket_url)) {
        (_, true) => fail_fmt(
            CheckId::CcSocket,
            format_args!(
                "{} is blocked by the widget page's connect-src",
                url(&cc.socket_url)
            ),
        ),
        (Probe::Opened { ms }, _) if *ms > SLOW_MS => warn_fmt(
            CheckId::CcSocket,
            format_args!(
                "{kind} socket {} opened in {ms} ms (slow)",
                url(&cc.socket_url)
            ),
        ),
        (Probe::Opened { ms }, _) => ok_fmt(
            CheckId::CcSocket,
            format_args!("{kind} socket {} opened in {ms} ms", url(&cc.socket_url)),
        ),
        (_, false) if live => ok_fmt(
            CheckId::CcSocket,
            format_args!(
                "{kind} socket {} is live (the probe was refused without credentials)",
                url(&cc.socket_url)
            ),
        ),
        (Probe::Failed { ms }, _) => fail_fmt(
            CheckId::CcSocket,
            format_args!(
                "{kind} socket {} did not open (failed after {ms} ms)",
                url(&cc.socket_url)
            ),
        ),
        (Probe::TimedOut, _) => fail_fmt(
            CheckId::CcSocket,
            format_args!(
                "{kind} socket {} did not open within {PROBE_TIMEOUT_MS} ms",
                url(&cc.socket_url)
            ),
        ),
        (Probe::Answered { .. } | Probe::NotRun, _) => {
            warn(CheckId::CcSocket, "no socket URL to probe")
        }
    });
    let follower = matches!(
        obs.tabs,
        TabsObservations::Shared(TabsInfo {
            role: Role::Follower,
            ..
        })
    );
    if follower {
        // This tab's client is idle: the leader's tab holds the connection
        // (its own diagnose() reports it).
        for id in [
            CheckId::CcAuth,
            CheckId::CcToken,
            CheckId::CcSubscription,
            CheckId::CcHeartbeat,
        ] {
            checks.push(ok(
                id,
                "not applicable: this tab follows; the leader's tab holds the connection (see multiTab)",
            ));
        }
    } else {
        let unreachable = !matches!(cc.rest, Probe::Answered { .. } | Probe::NotRun);
        checks.push(check_auth(cc, unreachable));
        let now = obs.now;
        let f = &cc.figures;
        let expiry = |id: CheckId, what: &str, at: Option<u64>, unknown: &str| match at {
            Some(at) if at <= now => fail_fmt(
                id,
                format_args!("the {what} expired {} s ago", (now - at) / 1000),
            ),
            Some(at) if at - now < EXPIRY_WARN_MS => warn_fmt(
                id,
                format_args!("the {what} expires in {} s", (at - now) / 1000),
            ),
            Some(at) => ok_fmt(
                id,
                format_args!("the {what} expires in {} s", (at - now) / 1000),
            ),
            None => ok(id, unknown),
        };
        checks.push(expiry(
            CheckId::CcToken,
            "access token",
            f.token_expires_at,
            match cc.source {
                Some(Source::Xuc) => {
                    "not known: the login answer gives no TTL and the token is not a JWT"
                }
                _ => "not known: the token is not a JWT with an exp claim (or none was given yet)",
            },
        ));
        checks.push(if cc.source == Some(Source::Axp) {
            expiry(
                CheckId::CcSubscription,
                "subscription",
                f.subscription_expires_at,
                "no subscription yet",
            )
        } else {
            ok_fmt(
                CheckId::CcSubscription,
                format_args!("not applicable: {kind} has no subscription"),
            )
        });
        checks.push(check_heartbeat(kind, f, cc.health.as_ref(), now));
    }
    checks.push(check_clock(cc));
}

/// [`safe_url`] of a probed URL, `(none)` without one (one copy for the
/// probe checks' ten texts).
#[inline(never)]
fn url(u: &Option<String>) -> String {
    u.as_deref().map_or_else(|| "(none)".to_owned(), safe_url)
}

fn check_heartbeat(kind: &str, f: &Figures, health: Option<&Health>, now: u64) -> Check {
    let id = CheckId::CcHeartbeat;
    let ago = |at: Option<u64>| at.map_or(0, |t| now.saturating_sub(t) / 1000);
    let unanswered = f
        .heartbeat_pending_since
        .map(|t| now.saturating_sub(t))
        .filter(|ms| *ms >= HEARTBEAT_FAIL_MS);
    match (f.heartbeat_rtt_ms, unanswered, health) {
        (Some(last), Some(waiting), _) => fail_fmt(
            id,
            format_args!(
                "the heartbeat sent {} s ago has no answer (the last round trip was {last} ms)",
                waiting / 1000
            ),
        ),
        (Some(ms), None, _) if ms >= HEARTBEAT_FAIL_MS => fail_fmt(
            id,
            format_args!(
                "heartbeat round trip {ms} ms (measured {} s ago)",
                ago(f.heartbeat_at)
            ),
        ),
        (Some(ms), None, _) if ms >= SLOW_MS => warn_fmt(
            id,
            format_args!(
                "heartbeat round trip {ms} ms, slow (measured {} s ago)",
                ago(f.heartbeat_at)
            ),
        ),
        (Some(ms), None, _) => ok_fmt(
            id,
            format_args!(
                "heartbeat round trip {ms} ms (measured {} s ago)",
                ago(f.heartbeat_at)
            ),
        ),
        (None, _, Some(h)) if h.state == HealthState::Degraded => warn_fmt(
            id,
            format_args!("the link is degraded: {}", redact_text(&h.reason)),
        ),
        (None, _, _) => ok_fmt(
            id,
            format_args!(
                "no round trip measured yet (the {kind} server has not answered a heartbeat)"
            ),
        ),
    }
}

fn check_tabs(obs: &Observations) -> Check {
    let id = CheckId::MultiTab;
    let since = |at: Option<u64>| {
        at.map_or_else(
            || "since an unknown time".to_owned(),
            |t| format!("for {} s", obs.now.saturating_sub(t) / 1000),
        )
    };
    match &obs.tabs {
        TabsObservations::NotApplicable => ok(
            id,
            "not applicable: the widget runs no contact-centre client of its own",
        ),
        TabsObservations::Independent => ok(
            id,
            "independent (widget config multiTab): every tab has its own connection",
        ),
        TabsObservations::Shared(TabsInfo {
            role: Role::Leader,
            count,
            leader_since,
        }) => ok_fmt(
            id,
            format_args!(
                "leader of {count} tab(s) {}: this tab holds the contact-centre connection",
                since(*leader_since)
            ),
        ),
        TabsObservations::Shared(TabsInfo {
            role: Role::Follower,
            count,
            leader_since,
        }) => ok_fmt(
            id,
            format_args!(
                "follower, one of {count} tab(s): another tab has led {}; events and commands go through it",
                since(*leader_since)
            ),
        ),
        TabsObservations::Alone {
            storage,
            web_locks,
            broadcast,
        } => {
            let mut missing = Vec::new();
            if !storage {
                missing.push("no storage for this frame (third-party storage blocked)");
            }
            if !web_locks {
                missing.push("no Web Locks");
            }
            if !broadcast {
                missing.push("no BroadcastChannel");
            }
            let why = if missing.is_empty() {
                "the tabs could not be set up".to_owned()
            } else {
                missing.join(", ")
            };
            warn_fmt(
                id,
                format_args!("runs alone: {why}; every tab opens its own contact-centre connection"),
            )
        }
    }
}

fn check_auth(cc: &CcObservations, unreachable: bool) -> Check {
    let id = CheckId::CcAuth;
    let Some(h) = cc.health.as_ref() else {
        return ok(
            id,
            "not started yet: no host has connected to answer the credential ask",
        );
    };
    let reason = redact_text(&h.reason);
    let refused = auth_refused(h);
    match h.state {
        HealthState::Live => ok(id, "authenticated: events flow"),
        HealthState::Degraded => {
            ok_fmt(id, format_args!("authenticated (link degraded: {reason})"))
        }
        _ if refused => fail_fmt(
            id,
            format_args!("the contact centre refused the credentials: {reason}"),
        ),
        _ if unreachable => ok(
            id,
            "not checked: the contact centre is unreachable (see cc.rest)",
        ),
        HealthState::Connecting | HealthState::Authenticating => {
            warn_fmt(id, format_args!("authenticating: {reason}"))
        }
        HealthState::Reconnecting | HealthState::Failed => {
            warn_fmt(id, format_args!("not authenticated (link down: {reason})"))
        }
        HealthState::Stopped => ok(id, "stopped by the host"),
    }
}

/// Whether a health report says the credentials were refused (its typed
/// [`Fault`], never its text).
pub fn auth_refused(health: &Health) -> bool {
    health.fault.is_some_and(Fault::is_credentials)
}

/// The start-up error code a live client's health report names, if any:
/// sent with `ccHealth` so the host sees the fix without running `diagnose()`.
pub fn health_code(health: &Health) -> Option<CheckId> {
    match (health.state, health.fault) {
        (HealthState::Live | HealthState::Stopped, _) => None,
        (_, Some(fault)) if fault.is_credentials() => Some(CheckId::CcAuth),
        (_, Some(_)) => Some(CheckId::CcRest),
        (HealthState::Reconnecting | HealthState::Failed, None) => Some(CheckId::CcRest),
        // An attempt failed and the next one is scheduled.
        (HealthState::Connecting, None) if health.retry_in_ms.is_some() => Some(CheckId::CcRest),
        _ => None,
    }
}

fn check_clock(cc: &CcObservations) -> Check {
    let id = CheckId::Clock;
    let (Some(date), Some(mid)) = (cc.server_date.as_deref(), cc.probe_mid_ms) else {
        return ok(id, "not measured: the server's Date header is not readable (CORS Access-Control-Expose-Headers)");
    };
    let Some(server) = parse_http_date(date) else {
        return warn(id, "the server's Date header does not parse");
    };
    let skew = mid.abs_diff(server);
    let side = if mid > server { "ahead of" } else { "behind" };
    let status = if skew >= SKEW_FAIL_MS {
        CheckStatus::Fail
    } else if skew >= SKEW_WARN_MS {
        CheckStatus::Warn
    } else {
        return ok_fmt(
            id,
            format_args!("within {} s of the server's clock", SKEW_WARN_MS / 1000),
        );
    };
    check_fmt(
        id,
        status,
        format_args!("the browser clock is {} s {side} the server's", skew / 1000),
    )
}

/// The support bundle: the report on the first line, then one log entry per
/// line (JSON Lines).
pub fn export_jsonl<'a>(
    report: &Report,
    entries: impl IntoIterator<Item = &'a LogEntry>,
) -> String {
    let mut out = json_write::to_string(report);
    out.push('\n');
    for entry in entries {
        json_write::write_to(&mut out, entry);
        out.push('\n');
    }
    out
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{self, json_names, JsonWriter, ToJson};

impl ToJson for CheckId {
    fn write_json(&self, w: &mut JsonWriter) {
        w.str(self.as_str());
    }
}

json_names!(CheckStatus { Ok => "ok", Warn => "warn", Fail => "fail" });

impl ToJson for Check {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("id", &self.id)
                .field("status", &self.status)
                .field("detail", &self.detail)
                .field("fix", &self.fix);
        });
    }
}

impl ToJson for Versions {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("dropIn", &self.drop_in)
                .field("widget", &self.widget)
                .field("protocol", &self.protocol);
        });
    }
}

impl ToJson for Report {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("checks", &self.checks)
                .field("versions", &self.versions)
                .field("at", &self.at);
        });
    }
}

#[cfg(test)]
mod tests;
