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

use super::conn::{Attempt, Conn, Next, Protocol};
use super::link::{text, Link, Phase, Step};
use super::policy::Url;
use super::policy::{self, UrlKind};
use super::timer::Timer;
use super::{
    Action, Fault, Figures, Frame, Header, HealthState, HttpRequest, Method, Secret, Target, Timing,
};
use crate::codec;
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error as FieldError;
use crate::model::{ConnectionStatus, EventBody};
use serde::Deserialize;
use serde_json::{json, Value};
use thiserror::Error;

pub use super::ConfigError;

/// Configuration of the AXP client, as given by the host (camelCase keys;
/// unknown keys are refused). Read by hand ([`fields`]).
#[derive(Debug, Clone, Default)]
pub struct AxpConfig {
    /// Notification API base, e.g. `https://uk.api.avayacloud.com/api/notification/v1`.
    pub rest_base: String,
    /// The account id (path segment).
    pub account_id: String,
    /// The `appkey` header value.
    pub app_key: String,
    /// WebSocket endpoint to use instead of the one the subscription returns.
    pub endpoint: Option<String>,
    /// The agent this widget belongs to: notifications naming another agent
    /// (body `agentId`) are observed, not taken as the agent's own.
    pub agent_id: Option<String>,
    /// Same, by login handle (envelope `loginId`).
    pub login_id: Option<String>,
    /// Seed of the back-off jitter.
    pub seed: u64,
    /// Timings (milliseconds).
    pub timing: Timing,
}

impl Wire for AxpConfig {
    const EXPECTED: &'static str = "struct AxpConfig";
    fn read(o: Fields) -> Result<Self, FieldError> {
        o.only(&[
            "restBase",
            "accountId",
            "appKey",
            "endpoint",
            "agentId",
            "loginId",
            "seed",
            "timing",
        ])?;
        let text = |name| Ok(o.get(&[name], |v| fields::opt(v, fields::text))?.flatten());
        Ok(AxpConfig {
            rest_base: o.text(&["restBase"])?,
            account_id: o.text(&["accountId"])?,
            app_key: o.text(&["appKey"])?,
            endpoint: text("endpoint")?,
            agent_id: text("agentId")?,
            login_id: text("loginId")?,
            seed: o.get(&["seed"], fields::unsigned)?.unwrap_or_default(),
            timing: o.get(&["timing"], fields::wire)?.unwrap_or_default(),
        })
    }
}

impl<'de> Deserialize<'de> for AxpConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

/// The AXP subscription request body.
pub fn subscription_request() -> Value {
    json!({"family": "AGENT_ENGAGEMENT", "events": ["ALL"], "transport": {"type": "WEBSOCKET"}})
}

/// Why a subscription answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
enum SubscriptionError {
    #[error("no JSON body")]
    NoBody,
    #[error("no subscriptionId")]
    NoId,
    #[error("subscriptionId is not a plain identifier")]
    BadId,
    #[error("no transport.endpoint")]
    NoEndpoint,
    #[error(transparent)]
    Endpoint(#[from] policy::UrlError),
}

/// A subscription; when it expires and when to renew it are timers
/// ([`Timer::Expiry`], [`Timer::Renew`]).
#[derive(Debug, Clone)]
struct Subscription {
    id: String,
    endpoint: Url,
    ping_interval_ms: Option<u64>,
    expires_in_ms: Option<u64>,
}

/// The AXP side of the connection: subscription, authentication frame,
/// ping / pong, renewal.
#[derive(Debug, Clone)]
struct Axp {
    rest: Url,
    account_id: String,
    app_key: Secret,
    endpoint: Option<Url>,
    agent_id: Option<String>,
    login_id: Option<String>,
    token: Option<Secret>,
    token_retry_used: bool,
    sub: Option<Subscription>,
    /// The renewal request's id; in flight while [`Timer::RenewRequest`] runs.
    renew_req: Option<u32>,
    renew_wants_token: bool,
    renew_failing: bool,
    unknown_subscriptions: u32,
}

/// The AXP connection state machine. Feed it with [`AxpClient::handle`].
#[derive(Debug, Clone)]
pub struct AxpClient {
    conn: Conn<Axp>,
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
        let axp = Axp {
            rest,
            account_id: config.account_id,
            app_key: Secret::new(config.app_key),
            endpoint,
            agent_id: config.agent_id.filter(|s| !s.is_empty()),
            login_id: config.login_id.filter(|s| !s.is_empty()),
            token: None,
            token_retry_used: false,
            sub: None,
            renew_req: None,
            renew_wants_token: false,
            renew_failing: false,
            unknown_subscriptions: 0,
        };
        Ok(AxpClient {
            conn: Conn::new(config.timing, config.seed, axp),
        })
    }

    /// The last health reported.
    pub fn health(&self) -> Option<&super::Health> {
        self.conn.link.current()
    }

    /// What the client measured: token and subscription expiry, heartbeat
    /// round trip.
    pub fn figures(&self) -> Figures {
        Figures {
            subscription_expires_at: self
                .conn
                .proto
                .sub
                .as_ref()
                .and(self.conn.link.timers.get(Timer::Expiry)),
            ..self.conn.link.figures
        }
    }

    /// The current subscription id, if any.
    pub fn subscription_id(&self) -> Option<&str> {
        self.conn.proto.sub.as_ref().map(|s| s.id.as_str())
    }

    /// Feeds one input at time `now` (ms); returns what to do.
    pub fn handle(&mut self, now: u64, input: super::Input) -> Vec<Action> {
        self.conn.handle(now, input)
    }

    /// How often to ping: at most `heartbeat_ms` (30 s), at most half the
    /// server's `pingInterval`, at least 100 ms (a server announcing 0 cannot
    /// make the client flood it).
    pub fn ping_every(&self) -> u64 {
        self.conn.proto.ping_every(&self.conn.link.timing)
    }
}

impl Protocol for Axp {
    const ASKS: &'static str = "token";
    const REQUEST: &'static str = "subscription";

    fn handle_start(&mut self) {
        self.token_retry_used = false;
        self.unknown_subscriptions = 0;
    }

    fn handle_stop(&mut self, link: &mut Link) {
        if let Some(sub) = self.drop_subscription(link) {
            self.delete_subscription(link, &sub.id);
        }
    }

    fn poll_step(&self, link: &Link, now: u64, step: Step) -> Step {
        let expired = self.sub.is_none() || link.timers.due(Timer::Expiry, now);
        if step == Step::Connect && expired {
            Step::Request
        } else {
            step
        }
    }

    fn poll_attempt(&mut self, link: &mut Link, _now: u64, step: Step) -> Attempt {
        if self.token.is_none() {
            return Attempt::Ask {
                reason: "asking the host for a token",
            };
        }
        match (step, &self.sub) {
            (Step::Connect, Some(sub)) => Attempt::Open {
                url: Target::plain(sub.endpoint.to_string()),
                reason: "opening the socket",
            },
            _ => {
                let req = link.id();
                let url = self.accounts_path("/subscriptions");
                Attempt::Request {
                    request: self.post(req, url, Some(Frame::plain(subscription_request()))),
                    reason: "creating the subscription",
                }
            }
        }
    }

    fn handle_token(&mut self, link: &mut Link, now: u64, token: Secret) -> Next {
        if token.is_empty() {
            return Next::Unanswered("the provider gave an empty token".into());
        }
        link.figures.token_expires_at = super::jwt::expiry_ms(token.expose());
        self.token = Some(token);
        if let Phase::Provider { then } = link.phase() {
            return Next::Begin(then);
        }
        if self.renew_wants_token && link.phase().live() {
            self.renew_wants_token = false;
            self.renew(link, now);
        }
        Next::Stay
    }

    fn handle_no_token(&mut self, link: &mut Link, now: u64, reason: &str) -> Next {
        if self.renew_wants_token {
            self.renew_wants_token = false;
            self.renewal_failed(link, now, &format!("no token from the host: {reason}"));
        }
        Next::Stay
    }

    fn handle_http(
        &mut self,
        link: &mut Link,
        now: u64,
        id: u32,
        status: Option<u16>,
        body: Option<Value>,
    ) -> Next {
        match link.phase() {
            Phase::Requesting { req } if req == id => self.on_subscribed(link, now, status, body),
            _ if self.renewing(link) == Some(id) => {
                link.timers.stop(Timer::RenewRequest);
                self.on_renewed(link, now, status, body)
            }
            _ => Next::Stay,
        }
    }

    fn handle_open(&mut self, link: &mut Link, now: u64, sock: u32) -> Next {
        let (Some(sub), Some(token)) = (self.sub.as_ref(), self.token.as_ref()) else {
            return Next::Retry(Step::Request, "no subscription to authenticate".into());
        };
        let frame = Frame::sensitive(codec::axp::authentication(&sub.id, token.expose()));
        link.send(sock, frame);
        link.heartbeat_reset();
        let deadline = now + link.timing.auth_timeout_ms;
        link.authenticating(sock, Some(deadline), "authenticating the socket");
        Next::Stay
    }

    fn handle_close(&mut self, link: &mut Link, _now: u64, code: u16) -> Next {
        match link.phase() {
            Phase::Opening { .. } => {
                link.blame(Fault::Unreachable);
                Next::Retry(
                    Step::Request,
                    format!("the socket could not be opened (code {code})"),
                )
            }
            Phase::Authenticating { .. } => Next::Retry(
                Step::Connect,
                format!("the socket closed during authentication (code {code})"),
            ),
            _ => Next::Retry(
                Step::Connect,
                format!("the connection was lost (code {code})"),
            ),
        }
    }

    fn handle_frame(&mut self, link: &mut Link, now: u64, value: Value) -> Next {
        let control = value
            .get("event")
            .is_some_and(|e| !e.is_null())
            .then(|| codec::axp::decode_in(&value));
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
            Some((status, ping, expires)) => {
                return self.on_status(link, now, status, ping, expires)
            }
            None if self.is_own(&value) => link.push(Action::Deliver(value)),
            None => link.push(Action::Observe(value)),
        }
        Next::Stay
    }

    fn handle_timeout(&mut self, link: &mut Link, _now: u64) -> Next {
        match link.phase() {
            Phase::Opening { .. } => {
                link.blame(Fault::Unreachable);
                Next::Retry(Step::Request, "the socket did not open in time".into())
            }
            _ => Next::Retry(Step::Connect, "no authentication response in time".into()),
        }
    }

    fn handle_tick(&mut self, link: &mut Link, now: u64) -> Next {
        if link.timers.get(Timer::Heartbeat).is_none() {
            return Next::Stay;
        }
        if link.timers.due(Timer::Pong, now) {
            let ms = self.pong_timeout(&link.timing);
            let within = if ms % 1000 == 0 {
                format!("{} s", ms / 1000)
            } else {
                format!("{ms} ms")
            };
            return Next::Retry(
                Step::Connect,
                format!("no pong within {within}: the connection is dead"),
            );
        }
        if link.timers.due(Timer::Expiry, now) {
            self.drop_subscription(link);
            return Next::Restart(
                Step::Request,
                "the subscription expired; creating a new one".into(),
            );
        }
        if link.timers.due(Timer::RenewRequest, now) {
            link.timers.stop(Timer::RenewRequest);
            self.renewal_failed(link, now, "the renewal request timed out");
        }
        if link.timers.due(Timer::Heartbeat, now) {
            self.ping(link, now);
        }
        if link.timers.due(Timer::Renew, now) && self.counts(link, Timer::Renew) {
            self.renew(link, now);
        }
        Next::Stay
    }

    fn poll_probe(&mut self, link: &mut Link, now: u64) {
        self.ping(link, now);
    }

    fn trouble(&self) -> Option<&'static str> {
        self.renew_failing
            .then_some("the subscription renewal is failing; retrying")
    }

    /// The renewal is held while one is in flight or waits for a token.
    fn counts(&self, link: &Link, timer: Timer) -> bool {
        timer != Timer::Renew || (self.renewing(link).is_none() && !self.renew_wants_token)
    }
}

impl Axp {
    /// The renewal request in flight, if any.
    fn renewing(&self, link: &Link) -> Option<u32> {
        link.timers.get(Timer::RenewRequest).and(self.renew_req)
    }

    fn accounts_path(&self, rest: &str) -> String {
        policy::join(&self.rest, &format!("/accounts/{}{rest}", self.account_id))
    }

    /// A `POST` with the token and app key.
    fn post(&self, id: u32, url: String, body: Option<Frame>) -> HttpRequest {
        let token = self.token.clone().unwrap_or_default();
        HttpRequest {
            id,
            method: Method::Post,
            url,
            headers: self.headers(&token),
            body,
        }
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
    fn delete_subscription(&mut self, link: &mut Link, id: &str) {
        let Some(token) = self.token.clone() else {
            return;
        };
        let req = link.id();
        let url = self.accounts_path(&format!("/subscriptions/{id}"));
        link.push(Action::Http(HttpRequest {
            id: req,
            method: Method::Delete,
            url,
            headers: self.headers(&token),
            body: None,
        }));
    }

    /// Forgets the subscription (and its timers); returns it.
    fn drop_subscription(&mut self, link: &mut Link) -> Option<Subscription> {
        link.timers.stop(Timer::Renew);
        link.timers.stop(Timer::Expiry);
        self.sub.take()
    }

    /// Sets when the subscription expires and when to renew it (at 3/4 of the interval).
    fn set_expiry(&mut self, link: &mut Link, now: u64, interval_ms: Option<u64>) {
        let Some(sub) = self.sub.as_mut() else {
            return;
        };
        sub.expires_in_ms = interval_ms;
        let at = |ms: u64| now.saturating_add(ms);
        link.timers.put(Timer::Expiry, interval_ms.map(at));
        link.timers
            .put(Timer::Renew, interval_ms.map(|ms| at(ms / 4 * 3)));
    }

    /// A token was rejected: ask for a fresh one once, then give up.
    fn token_rejected(&mut self, link: &mut Link, then: Step, what: &str) -> Next {
        link.blame(Fault::TokenRefused);
        if self.token_retry_used {
            return Next::Fail(format!("{what} again after a fresh token; giving up"));
        }
        self.token_retry_used = true;
        self.token = None;
        Next::Restart(then, format!("{what}; asking the host for a fresh token"))
    }

    fn on_subscribed(
        &mut self,
        link: &mut Link,
        now: u64,
        status: Option<u16>,
        body: Option<Value>,
    ) -> Next {
        match status {
            Some(200..=299) => match self.parse_subscription(body.as_ref()) {
                Ok((sub, expires_in_ms)) => {
                    if let Some(old) = self.sub.replace(sub) {
                        self.delete_subscription(link, &old.id);
                    }
                    self.set_expiry(link, now, expires_in_ms);
                    Next::Begin(Step::Connect)
                }
                Err(reason) => Next::Retry(
                    Step::Request,
                    format!("unusable subscription answer: {reason}"),
                ),
            },
            Some(401) => {
                self.token_rejected(link, Step::Request, "the token was refused (HTTP 401)")
            }
            Some(s @ (400 | 403 | 404 | 405 | 409 | 422)) => {
                link.blame(Fault::Misconfigured);
                Next::Fail(format!(
                    "the subscription was refused (HTTP {s}); check restBase, accountId and appKey"
                ))
            }
            Some(s) => {
                link.blame(Fault::ServerUnavailable);
                Next::Retry(
                    Step::Request,
                    format!("the subscription request failed (HTTP {s})"),
                )
            }
            None => {
                link.blame(Fault::Unreachable);
                Next::Retry(
                    Step::Request,
                    "the subscription request failed (network error)".into(),
                )
            }
        }
    }

    /// The subscription in an answer, and its `expiresIn`.
    fn parse_subscription(
        &self,
        body: Option<&Value>,
    ) -> Result<(Subscription, Option<u64>), SubscriptionError> {
        let body = body.ok_or(SubscriptionError::NoBody)?;
        let id = text(body.get("subscriptionId")).ok_or(SubscriptionError::NoId)?;
        if !policy::is_plain_segment(&id) {
            return Err(SubscriptionError::BadId);
        }
        let transport = body.get("transport");
        let endpoint = match (
            &self.endpoint,
            transport.and_then(|t| text(t.get("endpoint"))),
        ) {
            (Some(fixed), _) => fixed.clone(),
            (None, Some(e)) => policy::check(&e, UrlKind::Socket, "transport.endpoint")?,
            (None, None) => return Err(SubscriptionError::NoEndpoint),
        };
        let sub = Subscription {
            id,
            endpoint,
            ping_interval_ms: transport.and_then(|t| seconds(t.get("pingInterval"))),
            expires_in_ms: None,
        };
        Ok((sub, seconds(body.get("expiresIn"))))
    }

    fn on_status(
        &mut self,
        link: &mut Link,
        now: u64,
        status: ConnectionStatus,
        ping_interval: Option<i64>,
        expires_interval: Option<i64>,
    ) -> Next {
        match status {
            ConnectionStatus::Pong => {
                link.timers.stop(Timer::Pong);
                link.ponged(now);
            }
            ConnectionStatus::Confirmed => {
                if let Some(sub) = self.sub.as_mut() {
                    if let Some(ms) = positive_ms(ping_interval) {
                        sub.ping_interval_ms = Some(ms);
                    }
                }
                if let Some(ms) = positive_ms(expires_interval) {
                    self.set_expiry(link, now, Some(ms));
                }
                if link.go_live(now) {
                    self.token_retry_used = false;
                    self.unknown_subscriptions = 0;
                    self.renew_failing = false;
                    link.timers
                        .set(Timer::Heartbeat, now + self.ping_every(&link.timing));
                    link.timers.stop(Timer::Pong);
                    link.report_live("connection confirmed", self.trouble());
                }
            }
            ConnectionStatus::InvalidToken => {
                return self.token_rejected(
                    link,
                    Step::Connect,
                    "the server refused the token (INVALID_TOKEN)",
                )
            }
            ConnectionStatus::UnknownSubscription => {
                self.drop_subscription(link);
                self.unknown_subscriptions = self.unknown_subscriptions.saturating_add(1);
                let reason = "the server does not know the subscription (UNKNOWN_SUBSCRIPTION); creating a new one".to_owned();
                return if self.unknown_subscriptions == 1 {
                    Next::Restart(Step::Request, reason)
                } else {
                    Next::Retry(Step::Request, reason)
                };
            }
            ConnectionStatus::ServerError => {
                link.blame(Fault::ServerUnavailable);
                return Next::Retry(
                    Step::Connect,
                    "the server had an internal error (INTERNAL_SERVER_ERROR)".into(),
                );
            }
            ConnectionStatus::ConstraintViolation => {
                link.blame(Fault::Misconfigured);
                return Next::Fail(
                    "the server refused the client's request as malformed (CONSTRAINT_VIOLATION)"
                        .into(),
                );
            }
            _ => {}
        }
        Next::Stay
    }

    fn ping_every(&self, timing: &Timing) -> u64 {
        let cap = self
            .sub
            .as_ref()
            .and_then(|s| s.ping_interval_ms)
            .map_or(u64::MAX, |ms| ms / 2);
        timing.heartbeat_ms.unwrap_or(30_000).min(cap).max(100)
    }

    fn pong_timeout(&self, timing: &Timing) -> u64 {
        timing.pong_timeout_ms.min(self.ping_every(timing))
    }

    fn ping(&mut self, link: &mut Link, now: u64) {
        let Some(sock) = link.phase().socket() else {
            return;
        };
        if link.timers.get(Timer::Heartbeat).is_none() || link.timers.get(Timer::Pong).is_some() {
            return;
        }
        link.send(sock, Frame::plain(codec::axp::ping(None)));
        link.pinged(now);
        link.timers
            .set(Timer::Pong, now + self.pong_timeout(&link.timing));
        link.timers
            .set(Timer::Heartbeat, now + self.ping_every(&link.timing));
    }

    fn renew(&mut self, link: &mut Link, now: u64) {
        let Some(id) = self.sub.as_ref().map(|s| s.id.clone()) else {
            return;
        };
        link.timers.stop(Timer::Renew);
        if self.token.is_none() {
            self.renew_wants_token = true;
            link.push(Action::NeedToken);
            return;
        }
        let req = link.id();
        let url = self.accounts_path(&format!("/subscriptions/{id}:renew"));
        link.push(Action::Http(self.post(req, url, None)));
        self.renew_req = Some(req);
        link.timers
            .set(Timer::RenewRequest, now + link.timing.request_timeout_ms);
    }

    fn on_renewed(
        &mut self,
        link: &mut Link,
        now: u64,
        status: Option<u16>,
        body: Option<Value>,
    ) -> Next {
        if !link.phase().live() {
            return Next::Stay;
        }
        match status {
            Some(200..=299) => {
                let expires = body.as_ref().and_then(|b| seconds(b.get("expiresIn")));
                if let Some(interval) = self.sub.as_ref().map(|s| expires.or(s.expires_in_ms)) {
                    self.set_expiry(link, now, interval);
                }
                self.renew_failing = false;
                self.token_retry_used = false;
                link.report_live("subscription renewed", self.trouble());
            }
            Some(401) if !self.token_retry_used => {
                self.token_retry_used = true;
                self.token = None;
                self.renew_wants_token = true;
                link.push(Action::NeedToken);
            }
            Some(404 | 410) => {
                self.drop_subscription(link);
                return Next::Restart(
                    Step::Request,
                    "the subscription is gone on the server; creating a new one".into(),
                );
            }
            Some(s) => self.renewal_failed(link, now, &format!("the renewal failed (HTTP {s})")),
            None => self.renewal_failed(link, now, "the renewal failed (network error)"),
        }
        Next::Stay
    }

    /// Keeps the connection, reports `degraded`, and tries again before expiry.
    fn renewal_failed(&mut self, link: &mut Link, now: u64, reason: &str) {
        self.renew_failing = true;
        if self.sub.is_some() {
            let left = link
                .timers
                .get(Timer::Expiry)
                .map_or(60_000, |at| at.saturating_sub(now));
            link.timers
                .set(Timer::Renew, now + (left / 2).clamp(1_000, 30_000));
        }
        link.health(HealthState::Degraded, format!("{reason}; retrying"), None);
    }

    /// Whether a notification is about this widget's agent (or about no
    /// agent in particular). Without `agentId` / `loginId` every one is.
    fn is_own(&self, raw: &Value) -> bool {
        if self.agent_id.is_none() && self.login_id.is_none() {
            return true;
        }
        let body = raw.get("body");
        // Key by key (`Value::pointer` and its `~` unescaping would be in
        // the wasm for these three paths alone).
        let at = |path: &[&str]| path.iter().try_fold(body?, |value, key| value.get(*key));
        let agents: Vec<String> = [
            at(&["agentId"]),
            at(&["offeredQueue", "offeredAgentData", "agentId"]),
            at(&["offeredService", "offeredAgentData", "agentId"]),
            at(&[
                "offeredSpecifiedAgent",
                "offeredSpecifiedAgentData",
                "agentId",
            ]),
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
