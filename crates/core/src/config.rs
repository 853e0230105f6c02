//! Bridge configuration: how each side's own status ids and reason codes map
//! to the normalized states, and how the sync engine behaves.

use crate::json::JsonParser;
use crate::model::Source;
use serde::Deserialize;

/// What decoders need to know about the deployment.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DecodeConfig {
    /// CRM status ids or labels (compared case-insensitively) that mean the
    /// user is available for work. A CRM Connector `omnichannelResponse`
    /// whose id or label is in this list decodes as an available presence.
    pub available_statuses: Vec<String>,
    /// The parser for JSON text inside messages (a CCDef posted as text) and
    /// for text frames: set by the edge, not by configuration files.
    #[serde(skip)]
    pub json: JsonParser,
}

/// Two configurations are equal when their settings are (the parser is not a setting).
impl PartialEq for DecodeConfig {
    fn eq(&self, other: &Self) -> bool {
        self.available_statuses == other.available_statuses
    }
}

impl Eq for DecodeConfig {}

impl Default for DecodeConfig {
    fn default() -> Self {
        DecodeConfig {
            available_statuses: vec!["Available".into(), "Online".into(), "Ready".into()],
            json: JsonParser::default(),
        }
    }
}

impl DecodeConfig {
    /// Whether a CRM status (id and/or label) means available.
    pub fn is_available(&self, id: &str, label: Option<&str>) -> bool {
        self.available_statuses
            .iter()
            .any(|s| s.eq_ignore_ascii_case(id) || label.is_some_and(|l| s.eq_ignore_ascii_case(l)))
    }
}

/// How the CRM side is driven.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CrmConfig {
    /// CRM status id sent to make the user available (`requestSyncOmnichannel`).
    pub ready_status: String,
    /// CRM status id sent to make the user not available.
    pub not_ready_status: String,
    /// The CRM protocol commands go over; detected from traffic when absent.
    pub source: Option<Source>,
    /// When the CRM Connector screen pop is requested for a contact that has
    /// no vendor screen-pop event of its own (`crm.screenPopOn`).
    pub screen_pop_on: ScreenPopOn,
}

/// When a contact's screen pop (`requestPerformInteractionScreenPop`) is requested.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScreenPopOn {
    /// When the contact is offered or rings at the agent (the default), so the
    /// record is open before the agent answers.
    #[default]
    Offered,
    /// When the agent answers (the contact connects).
    Answered,
}

impl Default for CrmConfig {
    fn default() -> Self {
        CrmConfig {
            ready_status: "Available".into(),
            not_ready_status: "Busy".into(),
            source: None,
            screen_pop_on: ScreenPopOn::default(),
        }
    }
}

/// How the contact-centre side is driven.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CcConfig {
    /// Pause reason / sub-state code used when the bridge makes the agent
    /// Not Ready (xuc `pauseAgent` reason, AgentDesktop pause sub-state).
    pub not_ready_reason: Option<String>,
    /// Agent id for commands when the traffic has not told it yet.
    pub agent_id: Option<String>,
    /// The contact-centre protocol commands go over; detected when absent.
    pub source: Option<Source>,
}

/// The whole configuration, as read from `--config FILE`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Config {
    /// What the decoders need to know (`decode`).
    pub decode: DecodeConfig,
    /// How the CRM side is driven (`crm`).
    pub crm: CrmConfig,
    /// How the contact-centre side is driven (`cc`).
    pub cc: CcConfig,
    /// After the bridge made a side Not Ready because of work on the other
    /// side, put it back to Ready when that work is done (if nobody changed it meanwhile).
    pub restore_after_work: bool,
    /// A requested change not confirmed within this many milliseconds is
    /// reported as rejected (timeout). Needs timestamps (`at`) on the input.
    pub command_timeout_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            decode: DecodeConfig::default(),
            crm: CrmConfig::default(),
            cc: CcConfig::default(),
            restore_after_work: true,
            command_timeout_ms: 10_000,
        }
    }
}
