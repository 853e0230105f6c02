//! The XiVO xuc CTI live client (docs/protocols.md#xuc).
//!
//! Life cycle: credentials from the host's provider -> `POST
//! {baseUrl}/xuc/api/2.0/auth/login {login, password}` -> `{token}` -> open
//! `wss://<host>/xuc/api/2.0/cti?token=<token>` (the URL is a [`Target`]
//! whose query never shows) -> `{"claz":"ping"}` every 5 s, and, as xuc's own
//! `cti.js` does, a link with three heartbeats in a row and nothing received
//! is dead. After every (re)connection the agent's state is read again
//! (`getAgentDirectory`; the agent's own entry is delivered as an
//! `AgentStateEvent`) and the subscriptions the host made are replayed.
//!
//! Supervisor profiles receive other agents' events: an agent-bound event
//! (`AgentStateEvent`, `AgentStatistics`, `QueueMember`, `AgentListen`,
//! `AgentConfig`) naming another agent than the configured `agentId` is
//! observed, not taken as the agent's own.

use super::conn::{Attempt, Conn, Next, Protocol};
use super::link::{text, Link, Phase, Step};
use super::policy::Url;
use super::policy::{self, UrlKind};
use super::timer::Timer;
use super::xuc_command::{CommandError, XucCommand};
use super::{
    Action, Fault, Figures, Frame, Header, HealthState, HttpRequest, Input, Method, Secret, Target,
};
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error as FieldError;
use crate::lenient;
use serde::Deserialize;
use serde_json::{Map, Value};

pub use super::ConfigError;
use super::Timing;

/// The REST login path.
pub const LOGIN_PATH: &str = "/xuc/api/2.0/auth/login";
/// The CTI WebSocket path.
pub const SOCKET_PATH: &str = "/xuc/api/2.0/cti";
/// Heartbeats in a row with nothing received that make a live link `degraded`
/// (and an authenticating one dead), as xuc's own `cti.js` counts them
/// (docs/protocols.md#xuc-heartbeat). A server that answers heartbeats
/// (`Pong`, as the simulator does) keeps an idle link live; one that stays
/// silent shows the link degraded, and its own close is what reconnects.
pub const MISSED_HEARTBEATS: u32 = 3;

/// Configuration of the xuc client, as given by the host (camelCase keys;
/// unknown keys are refused). Read by hand ([`fields`]).
#[derive(Debug, Clone)]
pub struct XucConfig {
    /// The xuc server, e.g. `https://xuc.example.com` (REST login there).
    pub base_url: String,
    /// The CTI socket URL when it is not `wss://<host>/xuc/api/2.0/cti`.
    pub socket_url: Option<String>,
    /// The agent this widget belongs to (xuc agent id).
    pub agent_id: Option<String>,
    /// Seed of the back-off jitter.
    pub seed: u64,
    /// Timings (milliseconds); the heartbeat defaults to 5 s.
    pub timing: Timing,
}

impl Wire for XucConfig {
    const EXPECTED: &'static str = "struct XucConfig";
    fn read(o: Fields) -> Result<Self, FieldError> {
        let mut c = XucConfig {
            base_url: String::new(),
            socket_url: None,
            agent_id: None,
            seed: 0,
            timing: Timing::default(),
        };
        let known = &["baseUrl", "socketUrl", "agentId", "seed", "timing"];
        crate::config::settings(o, known, 1, &mut |i, v| {
            match i {
                0 => c.base_url = fields::text(v)?,
                1 => c.socket_url = fields::opt(v, fields::text)?,
                2 => c.agent_id = fields::opt(v, fields::text)?,
                3 => c.seed = fields::unsigned(v)?,
                _ => c.timing = fields::wire(v)?,
            }
            Ok(())
        })?;
        Ok(c)
    }
}

impl<'de> Deserialize<'de> for XucConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

/// The rights profile the server announced (`RightProfile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Sees its own events only.
    NoRight,
    /// Sees the agents of its groups (and queues of its list).
    Supervisor,
    /// Sees everything.
    Admin,
}

/// The xuc side of the connection: login, the CTI socket, heartbeats, the
/// agent's own events, and the subscriptions replayed on every connection.
#[derive(Debug, Clone)]
struct Xuc {
    login_url: String,
    socket_url: Url,
    credentials: Option<(String, Secret)>,
    credentials_retry_used: bool,
    token: Option<Secret>,
    /// Heartbeats in a row with nothing received.
    missed: u32,
    agent_id: Option<String>,
    profile: Option<Profile>,
    reread: bool,
    stats_subscribed: bool,
    callbacks_subscribed: bool,
    pending_sync: Option<Value>,
}

/// The xuc connection state machine. Feed it with [`XucClient::handle`].
#[derive(Debug, Clone)]
pub struct XucClient {
    conn: Conn<Xuc>,
}

impl XucClient {
    /// A client for `config`; URLs are checked here.
    pub fn new(config: XucConfig) -> Result<Self, ConfigError> {
        let base = policy::check(&config.base_url, UrlKind::Http, "baseUrl")?;
        if base.query().is_some() {
            return Err(ConfigError::Invalid {
                field: "baseUrl",
                reason: "must not have a query".into(),
            });
        }
        let socket_url = match config.socket_url.as_deref() {
            Some(s) => policy::check(s, UrlKind::Socket, "socketUrl")?,
            None => {
                let scheme = if base.scheme() == "https" {
                    "wss"
                } else {
                    "ws"
                };
                let host = base.host_str().unwrap_or_default();
                let port = base.port().map(|p| format!(":{p}")).unwrap_or_default();
                let host = if host.contains(':') {
                    format!("[{}]", host.trim_matches(|c| c == '[' || c == ']'))
                } else {
                    host.to_owned()
                };
                let text = format!("{scheme}://{host}{port}{SOCKET_PATH}");
                policy::check(&text, UrlKind::Socket, "socketUrl")?
            }
        };
        let xuc = Xuc {
            login_url: policy::join(&base, LOGIN_PATH),
            socket_url,
            credentials: None,
            credentials_retry_used: false,
            token: None,
            missed: 0,
            agent_id: config.agent_id.filter(|a| !a.trim().is_empty()),
            profile: None,
            reread: false,
            stats_subscribed: false,
            callbacks_subscribed: false,
            pending_sync: None,
        };
        Ok(XucClient {
            conn: Conn::new(config.timing, config.seed, xuc),
        })
    }

    /// The last health reported.
    pub fn health(&self) -> Option<&super::Health> {
        self.conn.link.current()
    }

    /// What the client measured: token expiry and heartbeat round trip.
    pub fn figures(&self) -> Figures {
        self.conn.link.figures
    }

    /// The heartbeat period: 5 s unless configured.
    pub fn heartbeat(&self) -> u64 {
        heartbeat(&self.conn.link.timing)
    }

    /// The agent id events are filtered by, if known.
    pub fn agent_id(&self) -> Option<&str> {
        self.conn.proto.agent_id.as_deref()
    }

    /// The rights profile announced by the server, if any yet.
    pub fn profile(&self) -> Option<Profile> {
        self.conn.proto.profile
    }

    /// Feeds one input at time `now` (ms); returns what to do.
    pub fn handle(&mut self, now: u64, input: Input) -> Vec<Action> {
        self.conn.handle(now, input)
    }

    /// Sends a typed command; refused (and not sent) when the link is down.
    pub fn command(
        &mut self,
        _now: u64,
        command: &XucCommand,
    ) -> Result<Vec<Action>, CommandError> {
        let link = &mut self.conn.link;
        let Some(sock) = link.phase().open_socket() else {
            return Err(CommandError::NotConnected {
                command: command.name(),
            });
        };
        let xuc = &mut self.conn.proto;
        match command {
            XucCommand::SubscribeToAgentStats => xuc.stats_subscribed = true,
            XucCommand::GetCallbackLists => xuc.callbacks_subscribed = true,
            _ => {}
        }
        link.send(sock, Frame::plain(command.wire()));
        Ok(link.take())
    }

    /// A command by its JavaScript method name and positional arguments
    /// ([`XucCommand::from_call`]), sent as [`XucClient::command`] sends it.
    pub fn call(
        &mut self,
        now: u64,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Action>, CommandError> {
        let command = XucCommand::from_call(name, args)?;
        self.command(now, &command)
    }

    /// Sends a sync-engine command (`pauseAgent` / `unpauseAgent`); while the
    /// link is down the latest one waits and goes out once it is up.
    pub fn carry_out(&mut self, _now: u64, wire: &Value) -> Vec<Action> {
        let link = &mut self.conn.link;
        match link.phase().open_socket() {
            Some(id) => link.send(id, Frame::plain(wire.clone())),
            None => self.conn.proto.pending_sync = Some(wire.clone()),
        }
        link.take()
    }

    /// Forgets a sync command still waiting for the link if it is `wire`
    /// (the Bridge rejected it on time-out, or a newer one replaced it).
    pub fn cancel(&mut self, wire: &Value) {
        let xuc = &mut self.conn.proto;
        if xuc.pending_sync.as_ref() == Some(wire) {
            xuc.pending_sync = None;
        }
    }
}

/// The heartbeat period: 5 s unless configured, at least 100 ms.
fn heartbeat(timing: &Timing) -> u64 {
    timing.heartbeat_ms.unwrap_or(5_000).max(100)
}

/// xuc's own heartbeat frame.
fn ping() -> Frame {
    Frame::plain(strings(&[("claz", "ping")]))
}

/// An object of string members (`json!` without serde's `to_value` per member).
fn strings(members: &[(&str, &str)]) -> Value {
    let mut map = Map::new();
    for (key, text) in members {
        map.insert((*key).to_owned(), Value::String((*text).to_owned()));
    }
    Value::Object(map)
}

impl Protocol for Xuc {
    const ASKS: &'static str = "credentials";
    const REQUEST: &'static str = "login";

    fn handle_start(&mut self) {
        self.credentials_retry_used = false;
    }

    fn poll_step(&self, _link: &Link, _now: u64, step: Step) -> Step {
        if self.token.is_none() {
            Step::Request
        } else {
            step
        }
    }

    fn poll_attempt(&mut self, link: &mut Link, _now: u64, step: Step) -> Attempt {
        if let (Step::Connect, Some(token)) = (step, &self.token) {
            return Attempt::Open {
                url: self.target(token),
                reason: "opening the CTI socket",
            };
        }
        let Some((login, password)) = &self.credentials else {
            return Attempt::Ask {
                reason: "asking the host for credentials",
            };
        };
        let request = HttpRequest {
            id: link.id(),
            method: Method::Post,
            url: self.login_url.clone(),
            headers: vec![
                Header {
                    name: "Content-Type",
                    value: Secret::new("application/json"),
                },
                Header {
                    name: "Accept",
                    value: Secret::new("application/json"),
                },
            ],
            body: Some(Frame::sensitive(strings(&[
                ("login", login),
                ("password", password.expose()),
            ]))),
        };
        Attempt::Request {
            request,
            reason: "logging in",
        }
    }

    fn handle_credentials(
        &mut self,
        link: &mut Link,
        _now: u64,
        login: String,
        password: Secret,
    ) -> Next {
        let asked = matches!(link.phase(), Phase::Provider { .. });
        if login.trim().is_empty() || password.is_empty() {
            return match asked {
                true => Next::Retry(Step::Request, "the host gave empty credentials".into()),
                false => Next::Stay,
            };
        }
        self.credentials = Some((login, password));
        match asked {
            true => Next::Begin(Step::Request),
            false => Next::Stay,
        }
    }

    fn handle_http(
        &mut self,
        link: &mut Link,
        now: u64,
        id: u32,
        status: Option<u16>,
        body: Option<Value>,
    ) -> Next {
        let Phase::Requesting { req } = link.phase() else {
            return Next::Stay;
        };
        if req != id {
            return Next::Stay;
        }
        match status {
            Some(200..=299) => {
                let token = body
                    .as_ref()
                    .and_then(|b| b.get("token"))
                    .and_then(Value::as_str)
                    .filter(|t| !t.trim().is_empty());
                match token {
                    Some(token) => {
                        link.figures.token_expires_at = token_expiry(now, body.as_ref(), token);
                        self.token = Some(Secret::new(token));
                        self.credentials_retry_used = false;
                        Next::Begin(Step::Connect)
                    }
                    None => Next::Retry(Step::Request, "the login answer has no token".into()),
                }
            }
            Some(s @ (401 | 403)) if self.credentials_retry_used => {
                link.blame(Fault::RefusedAgain);
                Next::Fail(format!(
                    "the login was refused again (HTTP {s}) with fresh credentials; giving up"
                ))
            }
            Some(s @ (401 | 403)) => {
                link.blame(Fault::BadCredentials);
                self.credentials_retry_used = true;
                self.credentials = None;
                Next::Restart(
                    Step::Request,
                    format!("the login was refused (HTTP {s}); asking the host again"),
                )
            }
            Some(s @ (400 | 404 | 405 | 422)) => {
                link.blame(Fault::Misconfigured);
                Next::Fail(format!(
                    "the login request was refused (HTTP {s}); check baseUrl"
                ))
            }
            Some(s) => {
                link.blame(Fault::ServerUnavailable);
                Next::Retry(Step::Request, format!("the login failed (HTTP {s})"))
            }
            None => {
                link.blame(Fault::Unreachable);
                Next::Retry(Step::Request, "the login failed (network error)".into())
            }
        }
    }

    fn handle_open(&mut self, link: &mut Link, now: u64, sock: u32) -> Next {
        link.authenticating(sock, None, "socket open, waiting for the server");
        link.heartbeat_reset();
        self.missed = 0;
        link.timers
            .set(Timer::Heartbeat, now + heartbeat(&link.timing));
        // Read the agent's state again, and replay what the host subscribed to.
        self.reread = true;
        // Each frame sent as it is made (no list of them to send from).
        let send = |link: &mut Link, frame: Value| link.send(sock, Frame::plain(frame));
        send(link, XucCommand::GetAgentDirectory.wire());
        if self.stats_subscribed {
            send(link, XucCommand::SubscribeToAgentStats.wire());
        }
        if self.callbacks_subscribed {
            send(link, XucCommand::GetCallbackLists.wire());
        }
        if let Some(frame) = self.pending_sync.take() {
            send(link, frame);
        }
        Next::Stay
    }

    fn handle_close(&mut self, link: &mut Link, _now: u64, code: u16) -> Next {
        if matches!(link.phase(), Phase::Opening { .. }) {
            // Refused before opening: most likely the token; log in again.
            self.token = None;
            link.blame(Fault::Unreachable);
            Next::Retry(
                Step::Request,
                format!("the CTI socket could not be opened (code {code})"),
            )
        } else {
            Next::Retry(
                Step::Connect,
                format!("the CTI link was lost (code {code})"),
            )
        }
    }

    fn handle_frame(&mut self, link: &mut Link, now: u64, value: Value) -> Next {
        let kind = value
            .get("msgType")
            .and_then(Value::as_str)
            .map(lenient::event_key)
            .unwrap_or_default();
        let cti = value.get("ctiMessage");
        if kind == "ERROR" && is_token_error(cti) {
            // The server refused our token on an open socket (it expired, or
            // the server restarted): log in again rather than retry it.
            self.token = None;
            link.blame(Fault::TokenRefused);
            return Next::Retry(Step::Request, "the server refused the session token".into());
        }
        self.heard(link, now);
        if kind == "PONG" {
            // The server's answer to our heartbeat: the link is alive, the
            // round trip is measured, and there is nothing for the Bridge
            // (docs/protocols.md#xuc-heartbeat).
            link.ponged(now);
            return Next::Stay;
        }
        match kind.as_str() {
            "RIGHTPROFILE" => {
                let profile = cti
                    .and_then(|c| c.get("profile"))
                    .and_then(Value::as_str)
                    .map(lenient::event_key);
                self.profile = match profile.as_deref() {
                    Some("SUPERVISOR") => Some(Profile::Supervisor),
                    Some("ADMIN") => Some(Profile::Admin),
                    Some(_) => Some(Profile::NoRight),
                    None => self.profile,
                };
            }
            "AGENTDIRECTORY" if self.reread => {
                self.reread = false;
                if let Some(state) = self.own_directory_state(cti) {
                    let mut frame = serde_json::Map::new();
                    frame.insert("msgType".into(), Value::String("AgentStateEvent".into()));
                    frame.insert("ctiMessage".into(), state);
                    link.push(Action::Deliver(Value::Object(frame)));
                }
            }
            _ => {}
        }
        let agent = match kind.as_str() {
            "AGENTSTATEEVENT" | "QUEUEMEMBER" | "AGENTLISTEN" => {
                cti.and_then(|c| text(c.get("agentId").or_else(|| c.get("agentid"))))
            }
            "AGENTSTATISTICS" | "AGENTCONFIG" => {
                cti.and_then(|c| text(c.get("id").or_else(|| c.get("agentId"))))
            }
            _ => None,
        };
        let own = match (agent, &self.agent_id) {
            (None, _) => true,
            (Some(a), Some(me)) => a == *me,
            (Some(a), None) => match self.profile {
                Some(Profile::Supervisor | Profile::Admin) => false,
                Some(Profile::NoRight) => {
                    // A plain agent only hears about itself: learn who we are.
                    self.agent_id = Some(a);
                    true
                }
                None => true,
            },
        };
        link.push(if own {
            Action::Deliver(value)
        } else {
            Action::Observe(value)
        });
        Next::Stay
    }

    fn handle_refused(&mut self, link: &mut Link, now: u64) -> Next {
        self.heard(link, now);
        Next::Stay
    }

    fn handle_timeout(&mut self, link: &mut Link, _now: u64) -> Next {
        match link.phase() {
            Phase::Opening { .. } => {
                link.blame(Fault::Unreachable);
                Next::Retry(Step::Connect, "the CTI socket did not open in time".into())
            }
            _ => Next::Stay,
        }
    }

    fn handle_tick(&mut self, link: &mut Link, now: u64) -> Next {
        let Some(sock) = link.phase().open_socket() else {
            return Next::Stay;
        };
        if !link.timers.due(Timer::Heartbeat, now) {
            return Next::Stay;
        }
        self.missed = self.missed.saturating_add(1);
        if self.missed >= MISSED_HEARTBEATS {
            if matches!(link.phase(), Phase::Authenticating { .. }) {
                return Next::Retry(
                    Step::Connect,
                    "3 heartbeats without an answer: the CTI link is dead".into(),
                );
            }
            // Whether a real server answers heartbeats is unconfirmed: a
            // silent live link may be idle rather than dead, and the server
            // closes a socket that misses three of ours (that close is what
            // reconnects). Silence is shown, not acted on.
            if self.missed == MISSED_HEARTBEATS {
                link.health(
                    HealthState::Degraded,
                    "no frame from the server for 3 heartbeats (idle, or the link is half-open)",
                    None,
                );
            }
        }
        link.send(sock, ping());
        link.pinged(now);
        link.timers
            .set(Timer::Heartbeat, now + heartbeat(&link.timing));
        Next::Stay
    }

    fn poll_probe(&mut self, link: &mut Link, now: u64) {
        // Probe at once: the next heartbeats tell whether the link survived.
        if let Some(sock) = link.phase().open_socket() {
            link.send(sock, ping());
            link.pinged(now);
        }
    }
}

impl Xuc {
    /// The socket URL for `token`, shown without its query.
    fn target(&self, token: &Secret) -> Target {
        Target::with_secret_query(self.socket_url.with_query_pair("token", token.expose()))
    }

    /// Something arrived: the link is alive.
    fn heard(&mut self, link: &mut Link, now: u64) {
        let was_silent = self.missed >= MISSED_HEARTBEATS;
        self.missed = 0;
        if was_silent && link.phase().live() {
            link.report_live("the server is heard again", None);
        }
        if link.go_live(now) {
            link.report_live("logged on", None);
        }
    }

    /// The `agentState` of this agent's entry in an `AgentDirectory`.
    fn own_directory_state(&self, cti: Option<&Value>) -> Option<Value> {
        let me = self.agent_id.as_ref()?;
        cti?.get("directory")?
            .as_array()?
            .iter()
            .find(|entry| {
                entry
                    .get("agent")
                    .and_then(|a| text(a.get("id")))
                    .is_some_and(|id| id == *me)
            })
            .and_then(|entry| entry.get("agentState"))
            .filter(|s| s.is_object())
            .cloned()
    }
}

/// When the session token of a login answer expires: its `TTL` (seconds;
/// the simulator sends it, a real server's is unconfirmed,
/// docs/protocols.md#xuc-login), else the token's own JWT `exp`.
fn token_expiry(now: u64, answer: Option<&Value>, token: &str) -> Option<u64> {
    let ttl = answer
        .and_then(|b| b.get("TTL").or_else(|| b.get("ttl")))
        .and_then(Value::as_u64)
        .filter(|s| *s > 0);
    match ttl {
        Some(secs) => Some(now.saturating_add(secs.saturating_mul(1000))),
        None => super::jwt::expiry_ms(token),
    }
}

/// Whether an xuc `Error` message is about the session token.
fn is_token_error(cti: Option<&Value>) -> bool {
    let text = match cti {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(m)) => ["Error", "error", "message", "reason"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    };
    lenient::event_key(&text).contains("TOKEN")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn socket_of(base_url: &str) -> String {
        let config = XucConfig {
            base_url: base_url.into(),
            socket_url: None,
            agent_id: None,
            seed: 0,
            timing: Timing::default(),
        };
        match XucClient::new(config) {
            Ok(client) => client.conn.proto.socket_url.as_str().to_owned(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_default_socket_url_is_the_base_urls_host_and_port() {
        assert_eq!(
            socket_of("https://xuc.example.com/some/path"),
            "wss://xuc.example.com/xuc/api/2.0/cti"
        );
        assert_eq!(
            socket_of("https://xuc.example.com:8443"),
            "wss://xuc.example.com:8443/xuc/api/2.0/cti"
        );
        assert_eq!(
            socket_of("http://[::1]:8090/"),
            "ws://[::1]:8090/xuc/api/2.0/cti"
        );
        assert_eq!(
            socket_of("http://localhost"),
            "ws://localhost/xuc/api/2.0/cti"
        );
        assert_eq!(
            socket_of("https://xuc.example.com/?a=1"),
            "baseUrl: must not have a query"
        );
    }
}
