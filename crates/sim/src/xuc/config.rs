//! The xuc simulator's configuration: users, agents, lines, queues, groups
//! and callback lists. JSON (see `crates/sim/scenarios/xuc-config.json`, which is also the
//! built-in default).

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The built-in configuration (the file `crates/sim/scenarios/xuc-config.json`).
const DEFAULT_CONFIG: &str = include_str!("../../scenarios/xuc-config.json");

/// Everything the xuc simulator knows at start (and after a restart).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct XucConfig {
    /// Accounts that may log in over REST.
    pub users: Vec<UserConfig>,
    /// Contact-centre agents.
    pub agents: Vec<AgentConfig>,
    /// Known phone lines (numbers an agent can log in on).
    pub lines: Vec<String>,
    /// Queues.
    #[serde(default)]
    pub queues: Vec<QueueConfig>,
    /// Agent groups.
    #[serde(default)]
    pub groups: Vec<GroupConfig>,
    /// Preferred callback periods (the `periodUuid` values `updateCallbackTicket` accepts).
    #[serde(default)]
    pub periods: Vec<Period>,
    /// Callback lists with their requests.
    #[serde(default)]
    pub callback_lists: Vec<CallbackList>,
}

/// A user of the REST login and the CTI socket.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserConfig {
    /// Login name.
    pub login: String,
    /// Password.
    pub password: String,
    /// The user's own agent, if the user is an agent.
    #[serde(default)]
    pub agent_id: Option<i64>,
    /// `Admin`, `Supervisor` or `NoRight`; none behaves as `Admin` (docs/protocols.md#xuc-profiles).
    #[serde(default)]
    pub profile: Option<String>,
    /// Extra rights (`recording`, `dissuasion`).
    #[serde(default)]
    pub rights: Vec<String>,
    /// Supervisor profile: the queues whose events the user receives.
    #[serde(default)]
    pub queues: Vec<i64>,
    /// Supervisor profile: the agent groups whose events the user receives.
    #[serde(default)]
    pub groups: Vec<i64>,
}

/// An agent.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentConfig {
    /// Agent id.
    pub id: i64,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// Agent number.
    pub number: String,
    /// Dialplan context.
    #[serde(default = "default_context")]
    pub context: String,
    /// Agent group.
    #[serde(default = "default_group")]
    pub group_id: i64,
    /// Queue memberships at start.
    #[serde(default)]
    pub queues: Vec<Membership>,
    /// Logged in (Ready) on this line at start.
    #[serde(default)]
    pub line: Option<String>,
}

fn default_context() -> String {
    "default".into()
}

fn default_group() -> i64 {
    1
}

/// A queue membership.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Membership {
    /// Queue id.
    pub queue_id: i64,
    /// Penalty (0 or more).
    pub penalty: i64,
}

/// A queue.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueConfig {
    /// Queue id.
    pub id: i64,
    /// Queue name.
    pub name: String,
    /// Queue number.
    #[serde(default)]
    pub number: Option<String>,
}

/// An agent group.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupConfig {
    /// Group id.
    pub id: i64,
    /// Group name.
    pub name: String,
}

/// A preferred callback period, as xuc's `preferredPeriod` (docs/protocols.md#xuc-callbacks).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Period {
    /// The default period of the list.
    #[serde(default)]
    pub default: bool,
    /// Label.
    pub name: String,
    /// `HH:MM:SS`.
    pub period_start: String,
    /// `HH:MM:SS`.
    pub period_end: String,
    /// Id.
    pub uuid: String,
}

/// A callback list (an xuc `CallbackLists` item, docs/protocols.md#xuc-callbacks).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallbackList {
    /// List id.
    pub uuid: String,
    /// List name.
    pub name: String,
    /// The queue the list belongs to.
    pub queue_id: i64,
    /// Requests of the list.
    #[serde(default)]
    pub callbacks: Vec<CallbackRequest>,
}

/// A callback request, serialized in xuc's shape (nulls included, docs/protocols.md#xuc-callbacks).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallbackRequest {
    /// Request id.
    pub uuid: String,
    /// The list it belongs to (filled in when absent).
    #[serde(default)]
    pub list_uuid: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Mobile number.
    #[serde(default)]
    pub mobile_phone_number: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Company.
    #[serde(default)]
    pub company: Option<String>,
    /// Free text (the ticket comment).
    #[serde(default)]
    pub description: Option<String>,
    /// The agent that took it.
    #[serde(default)]
    pub agent_id: Option<i64>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_date: Option<String>,
    /// Preferred period.
    #[serde(default)]
    pub preferred_period: Option<Period>,
}

impl Default for XucConfig {
    /// The built-in configuration.
    fn default() -> Self {
        // The embedded file is checked by a unit test; an empty world is the
        // fallback that can never be reached from a released build.
        XucConfig::parse(DEFAULT_CONFIG).unwrap_or_else(|_| XucConfig {
            users: Vec::new(),
            agents: Vec::new(),
            lines: Vec::new(),
            queues: Vec::new(),
            groups: Vec::new(),
            periods: Vec::new(),
            callback_lists: Vec::new(),
        })
    }
}

impl XucConfig {
    /// Parses and checks a configuration.
    pub fn parse(text: &str) -> Result<XucConfig, String> {
        let config: XucConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    /// Reads a configuration file.
    pub fn load(path: &std::path::Path) -> Result<XucConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        XucConfig::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Cross-references: unique ids, known queues, lines, agents and profiles.
    fn check(&self) -> Result<(), String> {
        fn unique<T: Ord + std::fmt::Debug>(
            what: &str,
            items: impl Iterator<Item = T>,
        ) -> Result<BTreeSet<T>, String> {
            let mut seen = BTreeSet::new();
            for item in items {
                if let Some(dup) = seen.replace(item) {
                    return Err(format!("duplicate {what} {dup:?}"));
                }
            }
            Ok(seen)
        }
        let queues = unique("queue id", self.queues.iter().map(|q| q.id))?;
        let groups = unique("group id", self.groups.iter().map(|g| g.id))?;
        let agents = unique("agent id", self.agents.iter().map(|a| a.id))?;
        let lines = unique("line", self.lines.iter())?;
        unique("login", self.users.iter().map(|u| &u.login))?;
        unique("callback list", self.callback_lists.iter().map(|l| &l.uuid))?;
        unique(
            "callback request",
            self.callback_lists
                .iter()
                .flat_map(|l| l.callbacks.iter().map(|c| &c.uuid)),
        )?;
        for a in &self.agents {
            if !groups.is_empty() && !groups.contains(&a.group_id) {
                return Err(format!("agent {}: unknown group {}", a.id, a.group_id));
            }
            for m in &a.queues {
                if !queues.contains(&m.queue_id) {
                    return Err(format!("agent {}: unknown queue {}", a.id, m.queue_id));
                }
                if m.penalty < 0 {
                    return Err(format!("agent {}: negative penalty", a.id));
                }
            }
            if let Some(line) = &a.line {
                if !lines.contains(line) {
                    return Err(format!("agent {}: unknown line {line}", a.id));
                }
            }
        }
        for u in &self.users {
            if let Some(id) = u.agent_id {
                if !agents.contains(&id) {
                    return Err(format!("user {}: unknown agent {id}", u.login));
                }
            }
            if let Some(p) = &u.profile {
                if !matches!(p.as_str(), "Admin" | "Supervisor" | "NoRight") {
                    return Err(format!(
                        "user {}: profile `{p}` (expected Admin, Supervisor or NoRight)",
                        u.login
                    ));
                }
            }
        }
        for l in &self.callback_lists {
            if !queues.contains(&l.queue_id) {
                return Err(format!(
                    "callback list {}: unknown queue {}",
                    l.uuid, l.queue_id
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_configuration_is_valid() {
        let config = XucConfig::parse(DEFAULT_CONFIG).unwrap();
        assert!(config.users.len() >= 3);
        assert!(!config.callback_lists.is_empty());
        assert_eq!(XucConfig::default().agents.len(), config.agents.len());
    }

    #[test]
    fn broken_references_are_refused() {
        let bad = r#"{"users": [{"login": "u", "password": "p", "agentId": 9}],
                      "agents": [], "lines": []}"#;
        assert!(XucConfig::parse(bad)
            .unwrap_err()
            .contains("unknown agent 9"));
        let dup = r#"{"users": [], "agents": [], "lines": ["1", "1"]}"#;
        assert!(XucConfig::parse(dup)
            .unwrap_err()
            .contains("duplicate line"));
    }
}
