//! An xuc agent and its live state: state name, line, queues, and the
//! time accounting behind `AgentStatistics`.

use super::config::AgentConfig;
use crate::clock;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

/// Agent state names used by the rules.
pub const LOGGED_OUT: &str = "AgentLoggedOut";
/// Ready.
pub const READY: &str = "AgentReady";
/// Paused.
pub const ON_PAUSE: &str = "AgentOnPause";
/// Wrap-up.
pub const ON_WRAPUP: &str = "AgentOnWrapup";
/// On a call (monitor pause / unpause apply).
pub const ON_CALL: &str = "AgentOnCall";
/// The `cause` of an agent made ready by login or unpause.
pub const READY_CAUSE: &str = "available";

/// An agent and its live state.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Static configuration.
    pub config: AgentConfig,
    /// State name (`AgentReady` ...).
    pub state: String,
    /// Cause of the state (pause reason).
    pub cause: Option<String>,
    /// The line the agent is logged on.
    pub phone: Option<String>,
    /// The last line the agent used (kept after logout, as xuc's samples show: docs/protocols.md#xuc-agent-states).
    pub last_phone: Option<String>,
    /// When the state began.
    pub since: Instant,
    /// Queue id -> penalty.
    pub queues: BTreeMap<i64, i64>,
    /// Time spent Ready, paused and in wrap-up (finished states only).
    totals: [Duration; 3],
    login_at: Option<SystemTime>,
    logout_at: Option<SystemTime>,
    /// `listenAgent` toggles this.
    pub listened: bool,
    /// `monitorState` while on a call.
    pub monitor: Option<&'static str>,
}

impl Agent {
    /// The agent at start (logged in when its configuration names a line).
    pub fn new(config: &AgentConfig, now: Instant) -> Agent {
        let logged = config.line.is_some();
        Agent {
            state: if logged { READY } else { LOGGED_OUT }.into(),
            cause: logged.then(|| READY_CAUSE.to_owned()),
            phone: config.line.clone(),
            last_phone: config.line.clone(),
            since: now,
            queues: config
                .queues
                .iter()
                .map(|m| (m.queue_id, m.penalty))
                .collect(),
            totals: [Duration::ZERO; 3],
            login_at: logged.then(SystemTime::now),
            logout_at: None,
            listened: false,
            monitor: None,
            config: config.clone(),
        }
    }

    /// Id.
    pub fn id(&self) -> i64 {
        self.config.id
    }

    /// Logged in (any state but `AgentLoggedOut`).
    pub fn logged(&self) -> bool {
        self.state != LOGGED_OUT
    }

    fn bucket(state: &str) -> Option<usize> {
        match state {
            READY => Some(0),
            ON_PAUSE => Some(1),
            ON_WRAPUP => Some(2),
            _ => None,
        }
    }

    /// Changes state, accounting the time spent in the previous one.
    pub fn set_state(&mut self, name: &str, cause: Option<String>, now: Instant) {
        if let Some(b) = Agent::bucket(&self.state) {
            if let Some(t) = self.totals.get_mut(b) {
                *t += now.saturating_duration_since(self.since);
            }
        }
        let was_logged = self.logged();
        self.state = name.to_owned();
        self.cause = cause;
        self.since = now;
        if name != ON_CALL {
            self.monitor = None;
        }
        match (was_logged, self.logged()) {
            (false, true) => self.login_at = Some(SystemTime::now()),
            (true, false) => {
                self.logout_at = Some(SystemTime::now());
                self.phone = None;
                self.listened = false;
            }
            _ => {}
        }
    }

    /// The `AgentStateEvent` payload.
    pub fn state_json(&self, now: Instant) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.state));
        m.insert("agentId".into(), json!(self.id()));
        let phone = self.phone.as_ref().or(self.last_phone.as_ref());
        m.insert("phoneNb".into(), json!(phone.map_or("", String::as_str)));
        m.insert(
            "since".into(),
            json!(now.saturating_duration_since(self.since).as_secs()),
        );
        m.insert(
            "queues".into(),
            json!(self.queues.keys().collect::<Vec<_>>()),
        );
        if let Some(c) = &self.cause {
            m.insert("cause".into(), json!(c));
        }
        if let Some(ms) = self.monitor {
            m.insert("monitorState".into(), json!(ms));
        }
        Value::Object(m)
    }

    /// The `AgentStatistics` payload (totals include the current state).
    pub fn statistics_json(&self, now: Instant) -> Value {
        let mut totals = self.totals;
        if let Some(t) = Agent::bucket(&self.state).and_then(|b| totals.get_mut(b)) {
            *t += now.saturating_duration_since(self.since);
        }
        let [ready, paused, wrapup] = totals;
        let mut stats = vec![
            json!({"name": "AgentPausedTotalTime", "value": paused.as_secs()}),
            json!({"name": "AgentWrapupTotalTime", "value": wrapup.as_secs()}),
            json!({"name": "AgentReadyTotalTime", "value": ready.as_secs()}),
        ];
        if let Some(t) = self.login_at {
            stats.push(json!({"name": "LoginDateTime", "value": clock::iso8601(t)}));
        }
        if let Some(t) = self.logout_at {
            stats.push(json!({"name": "LogoutDateTime", "value": clock::iso8601(t)}));
        }
        json!({"id": self.id(), "statistics": stats})
    }

    /// The agent as listed by `AgentList` and `AgentDirectory`.
    pub fn listing_json(&self) -> Value {
        let c = &self.config;
        json!({"id": c.id, "firstName": c.first_name, "lastName": c.last_name,
               "number": c.number, "context": c.context, "groupId": c.group_id})
    }
}
