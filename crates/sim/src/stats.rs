//! Counters reported by `GET /sim/stats`.

use serde::Serialize;
use std::collections::BTreeMap;

/// AXP counters.
#[derive(Debug, Default, Clone, Serialize)]
pub struct AxpStats {
    /// WebSocket connections opened.
    pub connections: u64,
    /// Notifications delivered (first delivery to a subscription).
    pub events_sent: u64,
    /// Notifications sent again by the `replay` fault.
    pub replays_sent: u64,
    /// `ping` frames received.
    pub pings: u64,
    /// `pong` frames sent.
    pub pongs: u64,
    /// `authenticationResponse` statuses sent, by status.
    pub auth: BTreeMap<&'static str, u64>,
    /// Subscriptions created.
    pub subscriptions_created: u64,
    /// Subscriptions renewed.
    pub subscriptions_renewed: u64,
    /// Subscriptions deleted.
    pub subscriptions_deleted: u64,
    /// Subscriptions that turned INACTIVE (expiry, ping timeout, fault).
    pub subscriptions_expired: u64,
    /// Sockets closed for lack of a ping.
    pub ping_timeouts: u64,
    /// REST requests refused (401, 400, 404).
    pub rest_refused: u64,
    /// Client frames that made no sense after authentication.
    pub unexpected_frames: u64,
}

/// xuc counters.
#[derive(Debug, Default, Clone, Serialize)]
pub struct XucStats {
    /// WebSocket connections opened.
    pub connections: u64,
    /// Frames sent (replies, state events, scenario frames).
    pub events_sent: u64,
    /// Frames sent again by the `replay` fault.
    pub replays_sent: u64,
    /// Successful REST logins.
    pub logins: u64,
    /// Refused REST logins.
    pub login_failures: u64,
    /// Sockets refused for their token.
    pub token_rejections: u64,
    /// `{claz: "ping"}` heartbeats received.
    pub heartbeats: u64,
    /// Sockets closed after three missed heartbeats.
    pub heartbeat_timeouts: u64,
    /// Commands received, by name.
    pub commands: BTreeMap<String, u64>,
    /// Commands refused (bad arguments, unknown agent ...).
    pub rejected_commands: u64,
    /// Client frames that are neither a command nor a heartbeat.
    pub unexpected_frames: u64,
}

/// Scenario progress.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ScenarioStats {
    /// Lines in the scenario file.
    pub lines: usize,
    /// Scenario lines carried out so far.
    pub played: usize,
    /// Feed lines (stdin, `POST /sim/send`) carried out.
    pub fed: usize,
    /// The scenario clock has started (a session went live).
    pub started: bool,
    /// Every scenario line has been carried out.
    pub done: bool,
}

/// All counters.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// AXP.
    pub axp: AxpStats,
    /// xuc.
    pub xuc: XucStats,
    /// Scenario.
    pub scenario: ScenarioStats,
}

impl AxpStats {
    /// Counts one authentication answer.
    pub fn auth(&mut self, status: &'static str) {
        *self.auth.entry(status).or_insert(0) += 1;
    }
}

impl XucStats {
    /// Counts one command (names past the 100th distinct one count as `(other)`).
    pub fn command(&mut self, name: &str) {
        let known =
            name.len() <= 64 && (self.commands.len() < 100 || self.commands.contains_key(name));
        let key = if known { name } else { "(other)" };
        *self.commands.entry(key.to_owned()).or_insert(0) += 1;
    }
}
