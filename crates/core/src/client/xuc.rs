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

use super::link::{earliest, Link};
use super::policy::{self, UrlKind};
use super::xuc_command::{CommandError, XucCommand};
use super::{
    Action, Frame, Header, HealthState, HttpRequest, Input, Method, Secret, Target, Timing,
};
use crate::lenient;
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

pub use super::axp::ConfigError;

/// The REST login path.
pub const LOGIN_PATH: &str = "/xuc/api/2.0/auth/login";
/// The CTI WebSocket path.
pub const SOCKET_PATH: &str = "/xuc/api/2.0/cti";
/// Heartbeats in a row with nothing received that make a live link `degraded`
/// (and an authenticating one dead): the server closes a socket after three
/// of the client's heartbeats are missed (docs/protocols.md#xuc-heartbeat), it does not answer them.
pub const MISSED_HEARTBEATS: u32 = 3;

/// Configuration of the xuc client, as given by the host (camelCase keys).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct XucConfig {
    /// The xuc server, e.g. `https://xuc.example.com` (REST login there).
    pub base_url: String,
    /// The CTI socket URL when it is not `wss://<host>/xuc/api/2.0/cti`.
    #[serde(default)]
    pub socket_url: Option<String>,
    /// The agent this widget belongs to (xuc agent id).
    #[serde(default)]
    pub agent_id: Option<String>,
    /// Seed of the back-off jitter.
    #[serde(default)]
    pub seed: u64,
    /// Timings (milliseconds); the heartbeat defaults to 5 s.
    #[serde(default)]
    pub timing: Timing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Login,
    Connect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Idle,
    Credentials {
        deadline: u64,
    },
    LoggingIn {
        req: u32,
        deadline: u64,
    },
    Opening {
        sock: u32,
        deadline: u64,
    },
    /// Open, nothing received yet.
    Authenticating {
        sock: u32,
    },
    Live {
        sock: u32,
    },
    Waiting {
        then: Step,
        at: u64,
    },
    Failed,
    Stopped,
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

/// The xuc connection state machine. Feed it with [`XucClient::handle`].
#[derive(Debug, Clone)]
pub struct XucClient {
    link: Link,
    login_url: String,
    socket_url: Url,
    phase: Phase,
    credentials: Option<(String, Secret)>,
    credentials_retry_used: bool,
    token: Option<Secret>,
    next_ping: Option<u64>,
    missed: u32,
    agent_id: Option<String>,
    profile: Option<Profile>,
    reread: bool,
    stats_subscribed: bool,
    callbacks_subscribed: bool,
    pending_sync: Option<Value>,
    live_since: Option<u64>,
    ever_live: bool,
    offline: bool,
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
        let agent_id = config.agent_id.filter(|a| !a.trim().is_empty());
        Ok(XucClient {
            link: Link::new(config.timing, config.seed),
            login_url: policy::join(&base, LOGIN_PATH),
            socket_url,
            phase: Phase::Idle,
            credentials: None,
            credentials_retry_used: false,
            token: None,
            next_ping: None,
            missed: 0,
            agent_id,
            profile: None,
            reread: false,
            stats_subscribed: false,
            callbacks_subscribed: false,
            pending_sync: None,
            live_since: None,
            ever_live: false,
            offline: false,
        })
    }

    /// The last health reported.
    pub fn health(&self) -> Option<&super::Health> {
        self.link.current()
    }

    /// The heartbeat period: 5 s unless configured.
    pub fn heartbeat(&self) -> u64 {
        self.link.timing.heartbeat_ms.unwrap_or(5_000).max(100)
    }

    /// The agent id events are filtered by, if known.
    pub fn agent_id(&self) -> Option<&str> {
        self.agent_id.as_deref()
    }

    /// The rights profile announced by the server, if any yet.
    pub fn profile(&self) -> Option<Profile> {
        self.profile
    }

    /// The socket URL for `token`, shown without its query.
    fn target(&self, token: &Secret) -> Target {
        let mut url = self.socket_url.clone();
        url.query_pairs_mut().append_pair("token", token.expose());
        Target::with_secret_query(url.to_string())
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
            Input::Credentials { login, password } => self.on_credentials(now, login, password),
            Input::Token(_) => {}
            Input::NoToken(reason) => {
                if matches!(self.phase, Phase::Credentials { .. }) {
                    self.retry(
                        now,
                        Step::Login,
                        &format!("no credentials from the host: {reason}"),
                    );
                }
            }
            Input::HttpDone { id, status, body } => self.on_login(now, id, Some(status), body),
            Input::HttpFailed { id, .. } => self.on_login(now, id, None, None),
            Input::SocketOpened { id } => self.on_open(now, id),
            Input::SocketClosed { id, code, .. } => self.on_closed(now, id, code),
            Input::Frame { id, value } => self.on_frame(now, id, value),
            Input::FrameRefused { id } => {
                if self.socket() == Some(id) {
                    self.heard(now);
                }
            }
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

    /// Sends a typed command; refused (and not sent) when the link is down.
    pub fn command(
        &mut self,
        _now: u64,
        command: &XucCommand,
    ) -> Result<Vec<Action>, CommandError> {
        let Some(sock) = self.open_socket() else {
            return Err(CommandError::NotConnected {
                command: command.name(),
            });
        };
        match command {
            XucCommand::SubscribeToAgentStats => self.stats_subscribed = true,
            XucCommand::GetCallbackLists => self.callbacks_subscribed = true,
            _ => {}
        }
        self.link.push(Action::Send {
            id: sock,
            frame: Frame::plain(command.wire()),
        });
        Ok(self.link.take())
    }

    /// Sends a sync-engine command (`pauseAgent` / `unpauseAgent`); while the
    /// link is down the latest one waits and goes out once it is up.
    pub fn carry_out(&mut self, _now: u64, wire: &Value) -> Vec<Action> {
        match self.open_socket() {
            Some(id) => self.link.push(Action::Send {
                id,
                frame: Frame::plain(wire.clone()),
            }),
            None => self.pending_sync = Some(wire.clone()),
        }
        self.link.take()
    }

    /// Forgets a sync command still waiting for the link if it is `wire`
    /// (the Bridge rejected it on time-out, or a newer one replaced it).
    pub fn cancel(&mut self, wire: &Value) {
        if self.pending_sync.as_ref() == Some(wire) {
            self.pending_sync = None;
        }
    }

    fn start(&mut self, now: u64) {
        if !matches!(self.phase, Phase::Idle | Phase::Failed | Phase::Stopped) {
            return;
        }
        self.credentials_retry_used = false;
        self.link.backoff.reset();
        self.begin(now, Step::Login, None);
    }

    fn stop(&mut self) {
        self.close_socket("stopped by the host");
        self.phase = Phase::Stopped;
        self.next_ping = None;
        self.link
            .health(HealthState::Stopped, "stopped by the host", None);
    }

    /// `why` replaces the default health reason of the step.
    fn begin(&mut self, now: u64, step: Step, why: Option<&str>) {
        self.next_ping = None;
        let step = if self.token.is_none() {
            Step::Login
        } else {
            step
        };
        match step {
            Step::Login => {
                let Some((login, password)) = self.credentials.clone() else {
                    self.phase = Phase::Credentials {
                        deadline: now + self.link.timing.request_timeout_ms,
                    };
                    self.link.push(Action::NeedToken);
                    self.progress(why.unwrap_or("asking the host for credentials"));
                    return;
                };
                let req = self.link.id();
                self.link.push(Action::Http(HttpRequest {
                    id: req,
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
                    body: Some(Frame::sensitive(
                        json!({"login": login, "password": password.expose()}),
                    )),
                }));
                self.phase = Phase::LoggingIn {
                    req,
                    deadline: now + self.link.timing.request_timeout_ms,
                };
                self.progress(why.unwrap_or("logging in"));
            }
            Step::Connect => {
                let Some(token) = self.token.clone() else {
                    return;
                };
                let sock = self.link.id();
                self.link.push(Action::Open {
                    id: sock,
                    url: self.target(&token),
                });
                self.phase = Phase::Opening {
                    sock,
                    deadline: now + self.link.timing.connect_timeout_ms,
                };
                self.progress(why.unwrap_or("opening the CTI socket"));
            }
        }
    }

    fn progress(&mut self, reason: &str) {
        let state = if self.ever_live {
            HealthState::Reconnecting
        } else {
            HealthState::Connecting
        };
        self.link.health(state, reason, None);
    }

    fn socket(&self) -> Option<u32> {
        match self.phase {
            Phase::Opening { sock, .. } | Phase::Authenticating { sock } | Phase::Live { sock } => {
                Some(sock)
            }
            _ => None,
        }
    }

    fn open_socket(&self) -> Option<u32> {
        match self.phase {
            Phase::Authenticating { sock } | Phase::Live { sock } => Some(sock),
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
        self.next_ping = None;
        self.phase = Phase::Waiting { then, at };
    }

    fn restart(&mut self, now: u64, then: Step, reason: &str) {
        self.close_socket(reason);
        self.live_since = None;
        self.begin(now, then, Some(reason));
    }

    fn fail(&mut self, reason: &str) {
        self.close_socket(reason);
        self.phase = Phase::Failed;
        self.next_ping = None;
        self.live_since = None;
        self.link.health(HealthState::Failed, reason, None);
    }

    fn on_credentials(&mut self, now: u64, login: String, password: Secret) {
        if login.trim().is_empty() || password.is_empty() {
            if matches!(self.phase, Phase::Credentials { .. }) {
                self.retry(now, Step::Login, "the host gave empty credentials");
            }
            return;
        }
        self.credentials = Some((login, password));
        if matches!(self.phase, Phase::Credentials { .. }) {
            self.begin(now, Step::Login, None);
        }
    }

    fn on_login(&mut self, now: u64, id: u32, status: Option<u16>, body: Option<Value>) {
        let Phase::LoggingIn { req, .. } = self.phase else {
            return;
        };
        if req != id {
            return;
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
                        self.token = Some(Secret::new(token));
                        self.credentials_retry_used = false;
                        self.begin(now, Step::Connect, None);
                    }
                    None => self.retry(now, Step::Login, "the login answer has no token"),
                }
            }
            Some(s @ (401 | 403)) => {
                if self.credentials_retry_used {
                    self.fail(&format!(
                        "the login was refused again (HTTP {s}) with fresh credentials; giving up"
                    ));
                } else {
                    self.credentials_retry_used = true;
                    self.credentials = None;
                    self.restart(
                        now,
                        Step::Login,
                        &format!("the login was refused (HTTP {s}); asking the host again"),
                    );
                }
            }
            Some(s @ (400 | 404 | 405 | 422)) => self.fail(&format!(
                "the login request was refused (HTTP {s}); check baseUrl"
            )),
            Some(s) => self.retry(now, Step::Login, &format!("the login failed (HTTP {s})")),
            None => self.retry(now, Step::Login, "the login failed (network error)"),
        }
    }

    fn on_open(&mut self, now: u64, id: u32) {
        let Phase::Opening { sock, .. } = self.phase else {
            return;
        };
        if sock != id {
            return;
        }
        self.phase = Phase::Authenticating { sock };
        self.missed = 0;
        self.next_ping = Some(now + self.heartbeat());
        self.link.health(
            HealthState::Authenticating,
            "socket open, waiting for the server",
            None,
        );
        // Read the agent's state again, and replay what the host subscribed to.
        self.reread = true;
        let mut frames = vec![XucCommand::GetAgentDirectory.wire()];
        if self.stats_subscribed {
            frames.push(XucCommand::SubscribeToAgentStats.wire());
        }
        if self.callbacks_subscribed {
            frames.push(XucCommand::GetCallbackLists.wire());
        }
        frames.extend(self.pending_sync.take());
        for frame in frames {
            self.link.push(Action::Send {
                id,
                frame: Frame::plain(frame),
            });
        }
    }

    fn on_closed(&mut self, now: u64, id: u32, code: u16) {
        if self.socket() != Some(id) {
            return;
        }
        if matches!(self.phase, Phase::Opening { .. }) {
            // Refused before opening: most likely the token; log in again.
            self.token = None;
            self.retry(
                now,
                Step::Login,
                &format!("the CTI socket could not be opened (code {code})"),
            );
        } else {
            self.retry(
                now,
                Step::Connect,
                &format!("the CTI link was lost (code {code})"),
            );
        }
    }

    /// Something arrived: the link is alive.
    fn heard(&mut self, now: u64) {
        let was_silent = self.missed >= MISSED_HEARTBEATS;
        self.missed = 0;
        if was_silent && matches!(self.phase, Phase::Live { .. }) {
            self.report_live("the server is heard again");
        }
        if let Phase::Authenticating { sock } = self.phase {
            self.phase = Phase::Live { sock };
            self.live_since = Some(now);
            self.ever_live = true;
            self.report_live("logged on");
        }
    }

    fn report_live(&mut self, reason: &str) {
        if self.offline {
            self.link
                .health(HealthState::Degraded, "the browser is offline", None);
        } else {
            self.link.health(HealthState::Live, reason, None);
        }
    }

    fn on_frame(&mut self, now: u64, id: u32, value: Value) {
        if self.open_socket() != Some(id) {
            return;
        }
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
            return self.retry(now, Step::Login, "the server refused the session token");
        }
        self.heard(now);
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
                    self.link.push(Action::Deliver(
                        json!({"msgType": "AgentStateEvent", "ctiMessage": state}),
                    ));
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
        self.link.push(if own {
            Action::Deliver(value)
        } else {
            Action::Observe(value)
        });
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

    fn on_tick(&mut self, now: u64) {
        match self.phase {
            Phase::Credentials { deadline } if now >= deadline => self.retry(
                now,
                Step::Login,
                "no credentials from the host: the provider did not answer in time",
            ),
            Phase::LoggingIn { deadline, .. } if now >= deadline => {
                self.retry(now, Step::Login, "the login request timed out")
            }
            Phase::Opening { deadline, .. } if now >= deadline => {
                self.retry(now, Step::Connect, "the CTI socket did not open in time")
            }
            Phase::Waiting { then, at } if now >= at => self.begin(now, then, None),
            Phase::Authenticating { sock } | Phase::Live { sock }
                if self.next_ping.is_some_and(|t| now >= t) =>
            {
                self.missed += 1;
                if self.missed >= MISSED_HEARTBEATS {
                    if matches!(self.phase, Phase::Authenticating { .. }) {
                        return self.retry(
                            now,
                            Step::Connect,
                            "3 heartbeats without an answer: the CTI link is dead",
                        );
                    }
                    // A live xuc link may be idle: the server does not answer
                    // heartbeats, it closes a socket that misses three of ours
                    // (and the close is what reconnects). Silence is shown, not
                    // acted on.
                    if self.missed == MISSED_HEARTBEATS {
                        self.link.health(
                            HealthState::Degraded,
                            "no frame from the server for 3 heartbeats (idle, or the link is half-open)",
                            None,
                        );
                    }
                }
                self.link.push(Action::Send {
                    id: sock,
                    frame: Frame::plain(json!({"claz": "ping"})),
                });
                self.next_ping = Some(now + self.heartbeat());
            }
            _ => {}
        }
    }

    fn wake(&mut self, now: u64, reason: &str) {
        match self.phase {
            Phase::Waiting { then, .. } => self.restart(now, then, reason),
            Phase::Credentials { .. } | Phase::LoggingIn { .. } => {
                self.restart(now, Step::Login, reason)
            }
            Phase::Opening { .. } | Phase::Authenticating { .. } | Phase::Live { .. } => {
                self.restart(now, Step::Connect, reason)
            }
            Phase::Idle | Phase::Failed | Phase::Stopped => {}
        }
    }

    fn on_back(&mut self, now: u64, reason: &str) {
        let was_offline = std::mem::replace(&mut self.offline, false);
        match self.phase {
            Phase::Waiting { then, .. } => self.restart(now, then, reason),
            Phase::Live { sock } => {
                // Probe at once: the next heartbeats tell whether the link survived.
                self.link.push(Action::Send {
                    id: sock,
                    frame: Frame::plain(json!({"claz": "ping"})),
                });
                if was_offline {
                    self.report_live(reason);
                }
            }
            _ => {}
        }
    }

    fn next_deadline(&self) -> Option<u64> {
        match self.phase {
            Phase::Credentials { deadline }
            | Phase::LoggingIn { deadline, .. }
            | Phase::Opening { deadline, .. } => Some(deadline),
            Phase::Waiting { at, .. } => Some(at),
            Phase::Authenticating { .. } | Phase::Live { .. } => earliest(&[self.next_ping]),
            _ => None,
        }
    }
}

/// A string or number field as text.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
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
