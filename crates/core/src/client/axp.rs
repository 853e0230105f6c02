//! The Avaya Experience Platform "Agent and Engagement" live client (docs/protocols.md#axp).
//!
//! Life cycle: token from the host's provider -> `POST
//! {restBase}/accounts/{accountId}/subscriptions` -> open the returned
//! WebSocket endpoint -> `authentication` first -> `authenticationResponse`:
//!
//! | status | what the client does |
//! |---|---|
//! | `CONNECTION_CONFIRMED` | `live`; pings, renews, delivers notifications |
//! | `CONNECTION_FAILED_INVALID_TOKEN` | asks the provider for a fresh token and retries once; a second refusal is `failed` |
//! | `CONNECTION_FAILED_UNKNOWN_SUBSCRIPTION` | creates a new subscription (at once the first time, then with back-off) |
//! | `CONNECTION_FAILED_INTERNAL_SERVER_ERROR` | reconnects with jittered back-off |
//! | `CONNECTION_FAILED_CONSTRAINT_VIOLATION` | stops: `failed` |
//!
//! While live it sends `{"event":"ping"}` every `min(heartbeat, pingInterval/2)`
//! (30 s by default) and treats a missing `pong` as a dead link, renews the
//! subscription (`:renew`) when three quarters of `expiresIn` have passed,
//! and reconnects with back-off after a drop, at once after a sleep.

use super::link::{earliest, Link};
use super::policy::{self, UrlKind};
use super::{
    Action, Frame, Header, HealthState, HttpRequest, Input, Method, Secret, Target, Timing,
};
use crate::codec;
use crate::model::{ConnectionStatus, EventBody};
use serde::Deserialize;
use serde_json::{json, Value};
use thiserror::Error;
use url::Url;

/// Configuration of the AXP client, as given by the host (camelCase keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AxpConfig {
    /// Notification API base, e.g. `https://uk.api.avayacloud.com/api/notification/v1`.
    pub rest_base: String,
    /// The account id (path segment).
    pub account_id: String,
    /// The `appkey` header value.
    pub app_key: String,
    /// WebSocket endpoint to use instead of the one the subscription returns.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The agent this widget belongs to: notifications naming another agent
    /// (body `agentId`) are observed, not taken as the agent's own.
    #[serde(default)]
    pub agent_id: Option<String>,
    /// Same, by login handle (envelope `loginId`).
    #[serde(default)]
    pub login_id: Option<String>,
    /// Seed of the back-off jitter.
    #[serde(default)]
    pub seed: u64,
    /// Timings (milliseconds).
    #[serde(default)]
    pub timing: Timing,
}

/// A configuration the client cannot work with.
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

/// The AXP subscription request body.
pub fn subscription_request() -> Value {
    json!({"family": "AGENT_ENGAGEMENT", "events": ["ALL"], "transport": {"type": "WEBSOCKET"}})
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Subscribe,
    Connect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Idle,
    Token { then: Step, deadline: u64 },
    Subscribing { req: u32, deadline: u64 },
    Opening { sock: u32, deadline: u64 },
    Authenticating { sock: u32, deadline: u64 },
    Live { sock: u32 },
    Waiting { then: Step, at: u64 },
    Failed,
    Stopped,
}

#[derive(Debug, Clone)]
struct Subscription {
    id: String,
    endpoint: Url,
    ping_interval_ms: Option<u64>,
    expires_in_ms: Option<u64>,
    expires_at: Option<u64>,
    renew_at: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Heartbeat {
    next_ping: u64,
    pong_deadline: Option<u64>,
}

/// The AXP connection state machine. Feed it with [`AxpClient::handle`].
#[derive(Debug, Clone)]
pub struct AxpClient {
    link: Link,
    rest: Url,
    account_id: String,
    app_key: Secret,
    endpoint: Option<Url>,
    agent_id: Option<String>,
    login_id: Option<String>,
    phase: Phase,
    token: Option<Secret>,
    token_retry_used: bool,
    sub: Option<Subscription>,
    hb: Option<Heartbeat>,
    renew_req: Option<(u32, u64)>,
    renew_wants_token: bool,
    renew_failing: bool,
    unknown_subscriptions: u32,
    live_since: Option<u64>,
    ever_live: bool,
    offline: bool,
}

impl AxpClient {
    /// A client for `config`; URLs and ids are checked here.
    pub fn new(config: AxpConfig) -> Result<Self, ConfigError> {
        let rest = policy::check(&config.rest_base, UrlKind::Http, "restBase")?;
        if rest.query().is_some() {
            return Err(ConfigError::Invalid {
                field: "restBase",
                reason: "must not have a query".into(),
            });
        }
        if !policy::is_plain_segment(&config.account_id) {
            return Err(ConfigError::Invalid {
                field: "accountId",
                reason: "must be letters, digits, `-` or `_`".into(),
            });
        }
        if config.app_key.trim().is_empty() {
            return Err(ConfigError::Invalid {
                field: "appKey",
                reason: "is empty".into(),
            });
        }
        let endpoint = match config.endpoint.as_deref() {
            Some(e) => Some(policy::check(e, UrlKind::Socket, "endpoint")?),
            None => None,
        };
        Ok(AxpClient {
            link: Link::new(config.timing, config.seed),
            rest,
            account_id: config.account_id,
            app_key: Secret::new(config.app_key),
            endpoint,
            agent_id: config.agent_id.filter(|s| !s.is_empty()),
            login_id: config.login_id.filter(|s| !s.is_empty()),
            phase: Phase::Idle,
            token: None,
            token_retry_used: false,
            sub: None,
            hb: None,
            renew_req: None,
            renew_wants_token: false,
            renew_failing: false,
            unknown_subscriptions: 0,
            live_since: None,
            ever_live: false,
            offline: false,
        })
    }

    /// The last health reported.
    pub fn health(&self) -> Option<&super::Health> {
        self.link.current()
    }

    /// The current subscription id, if any.
    pub fn subscription_id(&self) -> Option<&str> {
        self.sub.as_ref().map(|s| s.id.as_str())
    }

    /// Feeds one input at time `now` (ms); returns what to do.
    pub fn handle(&mut self, now: u64, input: Input) -> Vec<Action> {
        let active = !matches!(self.phase, Phase::Idle | Phase::Failed | Phase::Stopped);
        if active && self.link.jumped(now) && !matches!(input, Input::Start | Input::Stop) {
            self.wake(now, "the machine woke from sleep");
        }
        match input {
            Input::Start => self.start(now),
            Input::Stop => self.stop(),
            Input::Token(token) => self.on_token(now, token),
            Input::NoToken(reason) => self.on_no_token(now, &reason),
            Input::Credentials { .. } => {}
            Input::HttpDone { id, status, body } => self.on_http(now, id, Some(status), body),
            Input::HttpFailed { id, .. } => self.on_http(now, id, None, None),
            Input::SocketOpened { id } => self.on_open(now, id),
            Input::SocketClosed { id, code, .. } => self.on_closed(now, id, code),
            Input::Frame { id, value } => self.on_frame(now, id, value),
            Input::FrameRefused { .. } => {}
            Input::Tick => {
                self.link.fired();
                self.on_tick(now);
            }
            Input::Online => self.on_back(now, "the browser is back online"),
            Input::Visible => self.on_back(now, "the page is visible again"),
            Input::Offline => {
                self.offline = true;
                if matches!(self.phase, Phase::Live { .. }) {
                    self.link
                        .health(HealthState::Degraded, "the browser is offline", None);
                }
            }
        }
        let deadline = self.next_deadline();
        self.link.arm(now, deadline);
        self.link.take()
    }

    fn start(&mut self, now: u64) {
        if !matches!(self.phase, Phase::Idle | Phase::Failed | Phase::Stopped) {
            return;
        }
        self.token_retry_used = false;
        self.unknown_subscriptions = 0;
        self.link.backoff.reset();
        self.begin(now, Step::Subscribe, None);
    }

    fn stop(&mut self) {
        self.close_socket("stopped by the host");
        if let Some(sub) = self.sub.take() {
            self.delete_subscription(&sub.id);
        }
        self.phase = Phase::Stopped;
        self.hb = None;
        self.renew_req = None;
        self.link
            .health(HealthState::Stopped, "stopped by the host", None);
    }

    /// Moves to the next step: token first if there is none.
    /// `why` replaces the default health reason of the step.
    fn begin(&mut self, now: u64, step: Step, why: Option<&str>) {
        let expired = self
            .sub
            .as_ref()
            .is_none_or(|s| s.expires_at.is_some_and(|at| now >= at));
        let step = if step == Step::Connect && expired {
            Step::Subscribe
        } else {
            step
        };
        self.hb = None;
        self.renew_req = None;
        if self.token.is_none() {
            self.phase = Phase::Token {
                then: step,
                deadline: now + self.link.timing.request_timeout_ms,
            };
            self.link.push(Action::NeedToken);
            self.progress(why.unwrap_or("asking the host for a token"));
            return;
        }
        match step {
            Step::Subscribe => {
                let req = self.link.id();
                let url = self.accounts_path("/subscriptions");
                self.request(req, url, Some(Frame::plain(subscription_request())));
                self.phase = Phase::Subscribing {
                    req,
                    deadline: now + self.link.timing.request_timeout_ms,
                };
                self.progress(why.unwrap_or("creating the subscription"));
            }
            Step::Connect => {
                let Some(endpoint) = self.sub.as_ref().map(|s| s.endpoint.clone()) else {
                    return self.begin(now, Step::Subscribe, why);
                };
                let sock = self.link.id();
                self.link.push(Action::Open {
                    id: sock,
                    url: Target::plain(endpoint.to_string()),
                });
                self.phase = Phase::Opening {
                    sock,
                    deadline: now + self.link.timing.connect_timeout_ms,
                };
                self.progress(why.unwrap_or("opening the socket"));
            }
        }
    }

    /// `connecting` before the first live connection, `reconnecting` after.
    fn progress(&mut self, reason: &str) {
        let state = if self.ever_live {
            HealthState::Reconnecting
        } else {
            HealthState::Connecting
        };
        self.link.health(state, reason, None);
    }

    fn accounts_path(&self, rest: &str) -> String {
        policy::join(&self.rest, &format!("/accounts/{}{rest}", self.account_id))
    }

    fn request(&mut self, id: u32, url: String, body: Option<Frame>) {
        let token = self.token.clone().unwrap_or_default();
        self.link.push(Action::Http(HttpRequest {
            id,
            method: Method::Post,
            url,
            headers: self.headers(&token),
            body,
        }));
    }

    fn headers(&self, token: &Secret) -> Vec<Header> {
        vec![
            Header {
                name: "Authorization",
                value: Secret::new(format!("Bearer {}", token.expose())),
            },
            Header {
                name: "appkey",
                value: self.app_key.clone(),
            },
            Header {
                name: "Content-Type",
                value: Secret::new("application/json"),
            },
            Header {
                name: "Accept",
                value: Secret::new("application/json"),
            },
        ]
    }

    /// Fire-and-forget `DELETE` of a subscription we no longer use.
    fn delete_subscription(&mut self, id: &str) {
        let Some(token) = self.token.clone() else {
            return;
        };
        let req = self.link.id();
        let url = self.accounts_path(&format!("/subscriptions/{id}"));
        self.link.push(Action::Http(HttpRequest {
            id: req,
            method: Method::Delete,
            url,
            headers: self.headers(&token),
            body: None,
        }));
    }

    fn socket(&self) -> Option<u32> {
        match self.phase {
            Phase::Opening { sock, .. }
            | Phase::Authenticating { sock, .. }
            | Phase::Live { sock } => Some(sock),
            _ => None,
        }
    }

    fn close_socket(&mut self, reason: &str) {
        let id = self.socket();
        self.link.close(id, reason);
    }

    /// Drops the current attempt and schedules `then` after a back-off delay.
    fn retry(&mut self, now: u64, then: Step, reason: &str) {
        self.close_socket(reason);
        let at = self
            .link
            .wait(now, self.live_since.take(), self.ever_live, reason);
        self.hb = None;
        self.renew_req = None;
        self.phase = Phase::Waiting { then, at };
    }

    /// Drops the current attempt and starts `then` at once.
    fn restart(&mut self, now: u64, then: Step, reason: &str) {
        self.close_socket(reason);
        self.live_since = None;
        self.begin(now, then, Some(reason));
    }

    fn fail(&mut self, reason: &str) {
        self.close_socket(reason);
        self.phase = Phase::Failed;
        self.hb = None;
        self.renew_req = None;
        self.live_since = None;
        self.link.health(HealthState::Failed, reason, None);
    }

    /// A token was rejected: ask for a fresh one once, then give up.
    fn token_rejected(&mut self, now: u64, then: Step, what: &str) {
        if self.token_retry_used {
            self.fail(&format!("{what} again after a fresh token; giving up"));
            return;
        }
        self.token_retry_used = true;
        self.token = None;
        self.restart(
            now,
            then,
            &format!("{what}; asking the host for a fresh token"),
        );
    }

    fn on_token(&mut self, now: u64, token: Secret) {
        if token.is_empty() {
            return self.on_no_token(now, "the provider gave an empty token");
        }
        self.token = Some(token);
        if let Phase::Token { then, .. } = self.phase {
            self.begin(now, then, None);
        } else if self.renew_wants_token && matches!(self.phase, Phase::Live { .. }) {
            self.renew_wants_token = false;
            self.renew(now);
        }
    }

    fn on_no_token(&mut self, now: u64, reason: &str) {
        if let Phase::Token { then, .. } = self.phase {
            self.retry(now, then, &format!("no token from the host: {reason}"));
        } else if self.renew_wants_token {
            self.renew_wants_token = false;
            self.renewal_failed(now, &format!("no token from the host: {reason}"));
        }
    }

    fn on_http(&mut self, now: u64, id: u32, status: Option<u16>, body: Option<Value>) {
        match self.phase {
            Phase::Subscribing { req, .. } if req == id => self.on_subscribed(now, status, body),
            _ if self.renew_req.is_some_and(|(r, _)| r == id) => {
                self.renew_req = None;
                self.on_renewed(now, status, body);
            }
            _ => {}
        }
    }

    fn on_subscribed(&mut self, now: u64, status: Option<u16>, body: Option<Value>) {
        match status {
            Some(200..=299) => match self.parse_subscription(now, body.as_ref()) {
                Ok(sub) => {
                    if let Some(old) = self.sub.replace(sub) {
                        self.delete_subscription(&old.id);
                    }
                    self.begin(now, Step::Connect, None);
                }
                Err(reason) => self.retry(
                    now,
                    Step::Subscribe,
                    &format!("unusable subscription answer: {reason}"),
                ),
            },
            Some(401) => {
                self.token_rejected(now, Step::Subscribe, "the token was refused (HTTP 401)")
            }
            Some(s @ (400 | 403 | 404 | 405 | 409 | 422)) => self.fail(&format!(
                "the subscription was refused (HTTP {s}); check restBase, accountId and appKey"
            )),
            Some(s) => self.retry(
                now,
                Step::Subscribe,
                &format!("the subscription request failed (HTTP {s})"),
            ),
            None => self.retry(
                now,
                Step::Subscribe,
                "the subscription request failed (network error)",
            ),
        }
    }

    fn parse_subscription(&self, now: u64, body: Option<&Value>) -> Result<Subscription, String> {
        let body = body.ok_or("no JSON body")?;
        let id = text(body.get("subscriptionId")).ok_or("no subscriptionId")?;
        if !policy::is_plain_segment(&id) {
            return Err("subscriptionId is not a plain identifier".into());
        }
        let transport = body.get("transport");
        let endpoint = match (
            &self.endpoint,
            transport.and_then(|t| text(t.get("endpoint"))),
        ) {
            (Some(fixed), _) => fixed.clone(),
            (None, Some(e)) => policy::check(&e, UrlKind::Socket, "transport.endpoint")
                .map_err(|e| e.to_string())?,
            (None, None) => return Err("no transport.endpoint".into()),
        };
        let ping_interval_ms = transport.and_then(|t| seconds(t.get("pingInterval")));
        let expires_in_ms = seconds(body.get("expiresIn"));
        let mut sub = Subscription {
            id,
            endpoint,
            ping_interval_ms,
            expires_in_ms: None,
            expires_at: None,
            renew_at: None,
        };
        set_expiry(&mut sub, now, expires_in_ms);
        Ok(sub)
    }

    fn on_open(&mut self, now: u64, id: u32) {
        let Phase::Opening { sock, .. } = self.phase else {
            return;
        };
        if sock != id {
            return;
        }
        let (Some(sub), Some(token)) = (self.sub.as_ref(), self.token.as_ref()) else {
            return self.retry(now, Step::Subscribe, "no subscription to authenticate");
        };
        let frame = Frame::sensitive(codec::axp::authentication(&sub.id, token.expose()));
        self.link.push(Action::Send { id, frame });
        self.phase = Phase::Authenticating {
            sock,
            deadline: now + self.link.timing.auth_timeout_ms,
        };
        self.link.health(
            HealthState::Authenticating,
            "authenticating the socket",
            None,
        );
    }

    fn on_closed(&mut self, now: u64, id: u32, code: u16) {
        if self.socket() != Some(id) {
            return;
        }
        match self.phase {
            Phase::Opening { .. } => self.retry(
                now,
                Step::Subscribe,
                &format!("the socket could not be opened (code {code})"),
            ),
            Phase::Authenticating { .. } => self.retry(
                now,
                Step::Connect,
                &format!("the socket closed during authentication (code {code})"),
            ),
            _ => self.retry(
                now,
                Step::Connect,
                &format!("the connection was lost (code {code})"),
            ),
        }
    }

    fn on_frame(&mut self, now: u64, id: u32, value: Value) {
        if self.socket() != Some(id) || matches!(self.phase, Phase::Opening { .. }) {
            return;
        }
        let control = value
            .get("event")
            .is_some_and(|e| !e.is_null())
            .then(|| codec::axp::decode(&value));
        let status = match control {
            Some(Ok(decoded)) => decoded.bodies.iter().find_map(|b| match b {
                EventBody::Connection {
                    status,
                    ping_interval,
                    expires_interval,
                    ..
                } => Some((*status, *ping_interval, *expires_interval)),
                _ => None,
            }),
            // Not a control frame after all, or an undecodable one: the
            // Bridge decodes (and counts) it.
            _ => None,
        };
        match status {
            Some((status, ping, expires)) => self.on_status(now, status, ping, expires),
            None if self.is_own(&value) => self.link.push(Action::Deliver(value)),
            None => self.link.push(Action::Observe(value)),
        }
    }

    fn on_status(
        &mut self,
        now: u64,
        status: ConnectionStatus,
        ping_interval: Option<i64>,
        expires_interval: Option<i64>,
    ) {
        match status {
            ConnectionStatus::Pong => {
                if let Some(hb) = self.hb.as_mut() {
                    hb.pong_deadline = None;
                }
            }
            ConnectionStatus::Confirmed => {
                if let Some(sub) = self.sub.as_mut() {
                    if let Some(ms) = positive_ms(ping_interval) {
                        sub.ping_interval_ms = Some(ms);
                    }
                    if let Some(ms) = positive_ms(expires_interval) {
                        set_expiry(sub, now, Some(ms));
                    }
                }
                if let Phase::Authenticating { sock, .. } = self.phase {
                    self.phase = Phase::Live { sock };
                    self.live_since = Some(now);
                    self.ever_live = true;
                    self.token_retry_used = false;
                    self.unknown_subscriptions = 0;
                    self.renew_failing = false;
                    self.hb = Some(Heartbeat {
                        next_ping: now + self.ping_every(),
                        pong_deadline: None,
                    });
                    self.report_live("connection confirmed");
                }
            }
            ConnectionStatus::InvalidToken => self.token_rejected(
                now,
                Step::Connect,
                "the server refused the token (INVALID_TOKEN)",
            ),
            ConnectionStatus::UnknownSubscription => {
                self.sub = None;
                self.unknown_subscriptions += 1;
                let reason = "the server does not know the subscription (UNKNOWN_SUBSCRIPTION); creating a new one";
                if self.unknown_subscriptions == 1 {
                    self.restart(now, Step::Subscribe, reason);
                } else {
                    self.retry(now, Step::Subscribe, reason);
                }
            }
            ConnectionStatus::ServerError => self.retry(
                now,
                Step::Connect,
                "the server had an internal error (INTERNAL_SERVER_ERROR)",
            ),
            ConnectionStatus::ConstraintViolation => self.fail(
                "the server refused the client's request as malformed (CONSTRAINT_VIOLATION)",
            ),
            _ => {}
        }
    }

    /// `live`, or `degraded` while something is still wrong.
    fn report_live(&mut self, reason: &str) {
        if self.offline {
            self.link
                .health(HealthState::Degraded, "the browser is offline", None);
        } else if self.renew_failing {
            self.link.health(
                HealthState::Degraded,
                "the subscription renewal is failing; retrying",
                None,
            );
        } else {
            self.link.health(HealthState::Live, reason, None);
        }
    }

    /// How often to ping: at most `heartbeat_ms` (30 s), at most half the
    /// server's `pingInterval`, at least 100 ms (a server announcing 0 cannot
    /// make the client flood it).
    pub fn ping_every(&self) -> u64 {
        let cap = self
            .sub
            .as_ref()
            .and_then(|s| s.ping_interval_ms)
            .map_or(u64::MAX, |ms| ms / 2);
        self.link
            .timing
            .heartbeat_ms
            .unwrap_or(30_000)
            .min(cap)
            .max(100)
    }

    fn pong_timeout(&self) -> u64 {
        self.link.timing.pong_timeout_ms.min(self.ping_every())
    }

    fn ping(&mut self, now: u64) {
        let (Some(sock), Some(hb)) = (self.socket(), self.hb) else {
            return;
        };
        if hb.pong_deadline.is_some() {
            return;
        }
        self.link.push(Action::Send {
            id: sock,
            frame: Frame::plain(codec::axp::ping(None)),
        });
        let pong_deadline = Some(now + self.pong_timeout());
        self.hb = Some(Heartbeat {
            next_ping: now + self.ping_every(),
            pong_deadline,
        });
    }

    fn on_tick(&mut self, now: u64) {
        match self.phase {
            Phase::Token { deadline, .. } if now >= deadline => {
                self.on_no_token(now, "the provider did not answer in time")
            }
            Phase::Subscribing { deadline, .. } if now >= deadline => {
                self.retry(now, Step::Subscribe, "the subscription request timed out")
            }
            Phase::Opening { deadline, .. } if now >= deadline => {
                self.retry(now, Step::Subscribe, "the socket did not open in time")
            }
            Phase::Authenticating { deadline, .. } if now >= deadline => {
                self.retry(now, Step::Connect, "no authentication response in time")
            }
            Phase::Waiting { then, at } if now >= at => self.begin(now, then, None),
            Phase::Live { .. } => self.live_tick(now),
            _ => {}
        }
    }

    fn live_tick(&mut self, now: u64) {
        let Some(hb) = self.hb else {
            return;
        };
        if hb.pong_deadline.is_some_and(|d| now >= d) {
            let ms = self.pong_timeout();
            let within = if ms % 1000 == 0 {
                format!("{} s", ms / 1000)
            } else {
                format!("{ms} ms")
            };
            return self.retry(
                now,
                Step::Connect,
                &format!("no pong within {within}: the connection is dead"),
            );
        }
        if self
            .sub
            .as_ref()
            .and_then(|s| s.expires_at)
            .is_some_and(|at| now >= at)
        {
            self.sub = None;
            return self.restart(
                now,
                Step::Subscribe,
                "the subscription expired; creating a new one",
            );
        }
        if self.renew_req.is_some_and(|(_, d)| now >= d) {
            self.renew_req = None;
            self.renewal_failed(now, "the renewal request timed out");
        }
        if now >= hb.next_ping {
            self.ping(now);
        }
        let due = self.sub.as_ref().and_then(|s| s.renew_at);
        if due.is_some_and(|at| now >= at) && self.renew_req.is_none() && !self.renew_wants_token {
            self.renew(now);
        }
    }

    fn renew(&mut self, now: u64) {
        let Some(id) = self.sub.as_ref().map(|s| s.id.clone()) else {
            return;
        };
        if let Some(sub) = self.sub.as_mut() {
            sub.renew_at = None;
        }
        if self.token.is_none() {
            self.renew_wants_token = true;
            self.link.push(Action::NeedToken);
            return;
        }
        let req = self.link.id();
        let url = self.accounts_path(&format!("/subscriptions/{id}:renew"));
        self.request(req, url, None);
        self.renew_req = Some((req, now + self.link.timing.request_timeout_ms));
    }

    fn on_renewed(&mut self, now: u64, status: Option<u16>, body: Option<Value>) {
        if !matches!(self.phase, Phase::Live { .. }) {
            return;
        }
        match status {
            Some(200..=299) => {
                let expires = body.as_ref().and_then(|b| seconds(b.get("expiresIn")));
                if let Some(sub) = self.sub.as_mut() {
                    let interval = expires.or(sub.expires_in_ms);
                    set_expiry(sub, now, interval);
                }
                self.renew_failing = false;
                self.token_retry_used = false;
                self.report_live("subscription renewed");
            }
            Some(401) if !self.token_retry_used => {
                self.token_retry_used = true;
                self.token = None;
                self.renew_wants_token = true;
                self.link.push(Action::NeedToken);
            }
            Some(404 | 410) => {
                self.sub = None;
                self.restart(
                    now,
                    Step::Subscribe,
                    "the subscription is gone on the server; creating a new one",
                );
            }
            Some(s) => self.renewal_failed(now, &format!("the renewal failed (HTTP {s})")),
            None => self.renewal_failed(now, "the renewal failed (network error)"),
        }
    }

    /// Keeps the connection, reports `degraded`, and tries again before expiry.
    fn renewal_failed(&mut self, now: u64, reason: &str) {
        self.renew_failing = true;
        if let Some(sub) = self.sub.as_mut() {
            let left = sub.expires_at.map_or(60_000, |at| at.saturating_sub(now));
            sub.renew_at = Some(now + (left / 2).clamp(1_000, 30_000));
        }
        self.link
            .health(HealthState::Degraded, format!("{reason}; retrying"), None);
    }

    /// A sign of the machine waking: whatever was in progress is stale.
    fn wake(&mut self, now: u64, reason: &str) {
        match self.phase {
            Phase::Waiting { then, .. } => self.restart(now, then, reason),
            Phase::Token { then, .. } => self.restart(now, then, reason),
            Phase::Subscribing { .. } => self.restart(now, Step::Subscribe, reason),
            Phase::Opening { .. } | Phase::Authenticating { .. } | Phase::Live { .. } => {
                self.restart(now, Step::Connect, reason)
            }
            Phase::Idle | Phase::Failed | Phase::Stopped => {}
        }
    }

    /// Online again / visible again: retry now if waiting, probe if live.
    fn on_back(&mut self, now: u64, reason: &str) {
        let was_offline = std::mem::replace(&mut self.offline, false);
        match self.phase {
            Phase::Waiting { then, .. } => self.restart(now, then, reason),
            Phase::Live { .. } => {
                self.ping(now);
                if was_offline {
                    self.report_live(reason);
                }
            }
            _ => {}
        }
    }

    fn next_deadline(&self) -> Option<u64> {
        let phase = match self.phase {
            Phase::Token { deadline, .. }
            | Phase::Subscribing { deadline, .. }
            | Phase::Opening { deadline, .. }
            | Phase::Authenticating { deadline, .. } => Some(deadline),
            Phase::Waiting { at, .. } => Some(at),
            _ => None,
        };
        if !matches!(self.phase, Phase::Live { .. }) {
            return phase;
        }
        let sub = self.sub.as_ref();
        earliest(&[
            phase,
            self.hb.map(|h| h.next_ping),
            self.hb.and_then(|h| h.pong_deadline),
            sub.and_then(|s| s.renew_at)
                .filter(|_| self.renew_req.is_none() && !self.renew_wants_token),
            sub.and_then(|s| s.expires_at),
            self.renew_req.map(|(_, d)| d),
        ])
    }

    /// Whether a notification is about this widget's agent (or about no
    /// agent in particular). Without `agentId` / `loginId` every one is.
    fn is_own(&self, raw: &Value) -> bool {
        if self.agent_id.is_none() && self.login_id.is_none() {
            return true;
        }
        let body = raw.get("body");
        let agents: Vec<String> = [
            body.and_then(|b| b.get("agentId")),
            body.and_then(|b| b.pointer("/offeredQueue/offeredAgentData/agentId")),
            body.and_then(|b| b.pointer("/offeredService/offeredAgentData/agentId")),
            body.and_then(|b| {
                b.pointer("/offeredSpecifiedAgent/offeredSpecifiedAgentData/agentId")
            }),
        ]
        .into_iter()
        .filter_map(text)
        .collect();
        let logins: Vec<String> = ["loginId", "initiatingLoginId", "destinationLoginId"]
            .iter()
            .filter_map(|k| text(raw.get(*k)))
            .collect();
        if agents.is_empty() && logins.is_empty() {
            return true;
        }
        let by_agent = self
            .agent_id
            .as_ref()
            .is_some_and(|me| agents.iter().any(|a| a == me));
        let by_login = self
            .login_id
            .as_ref()
            .is_some_and(|me| logins.iter().any(|l| l.eq_ignore_ascii_case(me)));
        by_agent || by_login
    }
}

/// Sets when a subscription expires and when to renew it (at 3/4 of the interval).
fn set_expiry(sub: &mut Subscription, now: u64, interval_ms: Option<u64>) {
    sub.expires_in_ms = interval_ms;
    sub.expires_at = interval_ms.map(|ms| now + ms);
    sub.renew_at = interval_ms.map(|ms| now + ms / 4 * 3);
}

/// A string or number field as text.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A positive number of seconds (number or numeric string) in milliseconds.
fn seconds(value: Option<&Value>) -> Option<u64> {
    let secs = match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }?;
    (secs > 0).then(|| secs.saturating_mul(1000))
}

fn positive_ms(secs: Option<i64>) -> Option<u64> {
    secs.and_then(|s| u64::try_from(s).ok())
        .filter(|s| *s > 0)
        .map(|s| s.saturating_mul(1000))
}
