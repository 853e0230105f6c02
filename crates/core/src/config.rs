//! Bridge configuration: how each side's own status ids and reason codes map
//! to the normalized states, and how the sync engine behaves.
//!
//! The settings are read by hand ([`Wire`]) rather than by derived
//! `Deserialize` code (less wasm, bench/README.md); the rules are the
//! derives': camelCase names, absent fields take the defaults, unknown
//! fields are refused.

use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error;
use crate::json::JsonParser;
use crate::model::Source;
use serde::Deserialize;
use serde_json::Value;

/// `Deserialize` through the hand-written reader, for each settings type.
macro_rules! deserialize_by_hand {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                fields::deserialize(d)
            }
        }
    )*};
}

deserialize_by_hand!(DecodeConfig, CrmConfig, CcConfig, Config);

/// An optional protocol name (`null` is none).
fn source(value: &Value) -> Result<Option<Source>, Error> {
    fields::opt(value, fields::named)
}

impl Wire for DecodeConfig {
    const EXPECTED: &'static str = "struct DecodeConfig";
    fn read(o: Fields) -> Result<Self, Error> {
        o.only(&["availableStatuses"])?;
        let mut config = DecodeConfig::default();
        if let Some(list) = o.get(&["availableStatuses"], |v| fields::list(v, fields::text))? {
            config.available_statuses = list;
        }
        Ok(config)
    }
}

impl Wire for CrmConfig {
    const EXPECTED: &'static str = "struct CrmConfig";
    fn read(o: Fields) -> Result<Self, Error> {
        o.only(&["readyStatus", "notReadyStatus", "source", "screenPopOn"])?;
        let mut config = CrmConfig::default();
        if let Some(v) = o.get(&["readyStatus"], fields::text)? {
            config.ready_status = v;
        }
        if let Some(v) = o.get(&["notReadyStatus"], fields::text)? {
            config.not_ready_status = v;
        }
        config.source = o.get(&["source"], source)?.flatten();
        if let Some(v) = o.get(&["screenPopOn"], fields::named)? {
            config.screen_pop_on = v;
        }
        Ok(config)
    }
}

impl Wire for CcConfig {
    const EXPECTED: &'static str = "struct CcConfig";
    fn read(o: Fields) -> Result<Self, Error> {
        o.only(&["notReadyReason", "agentId", "source"])?;
        let text = |name| Ok(o.get(&[name], |v| fields::opt(v, fields::text))?.flatten());
        Ok(CcConfig {
            not_ready_reason: text("notReadyReason")?,
            agent_id: text("agentId")?,
            source: o.get(&["source"], source)?.flatten(),
        })
    }
}

impl Wire for Config {
    const EXPECTED: &'static str = "struct Config";
    fn read(o: Fields) -> Result<Self, Error> {
        o.only(&[
            "decode",
            "crm",
            "cc",
            "restoreAfterWork",
            "commandTimeoutMs",
        ])?;
        let mut config = Config::default();
        if let Some(v) = o.get(&["decode"], fields::wire)? {
            config.decode = v;
        }
        if let Some(v) = o.get(&["crm"], fields::wire)? {
            config.crm = v;
        }
        if let Some(v) = o.get(&["cc"], fields::wire)? {
            config.cc = v;
        }
        if let Some(v) = o.get(&["restoreAfterWork"], fields::flag)? {
            config.restore_after_work = v;
        }
        if let Some(v) = o.get(&["commandTimeoutMs"], fields::unsigned)? {
            config.command_timeout_ms = v;
        }
        Ok(config)
    }
}

/// What decoders need to know about the deployment.
#[derive(Debug, Clone)]
pub struct DecodeConfig {
    /// CRM status ids or labels (compared case-insensitively) that mean the
    /// user is available for work. A CRM Connector `omnichannelResponse`
    /// whose id or label is in this list decodes as an available presence.
    pub available_statuses: Vec<String>,
    /// The parser for JSON text inside messages (a CCDef posted as text) and
    /// for text frames: set by the edge, not by configuration files.
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ScreenPopOn {
    /// When the contact is offered or rings at the agent (the default), so the
    /// record is open before the agent answers.
    #[default]
    Offered,
    /// When the agent answers (the contact connects).
    Answered,
}

crate::codec::fields::by_name!(
    ScreenPopOn,
    &["offered", "answered"],
    &[ScreenPopOn::Offered, ScreenPopOn::Answered]
);

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(value: Value) -> Result<Config, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn absent_settings_take_the_defaults_and_set_ones_are_kept() {
        assert_eq!(config(json!({})).unwrap(), Config::default());
        let c = config(json!({
            "decode": {"availableStatuses": ["Free"]},
            "crm": {"readyStatus": "Go", "source": "crm-connector", "screenPopOn": "answered"},
            "cc": {"agentId": "7", "notReadyReason": null},
            "restoreAfterWork": false,
            "commandTimeoutMs": 5
        }))
        .unwrap();
        assert_eq!(c.decode.available_statuses, ["Free"]);
        assert_eq!(c.crm.ready_status, "Go");
        assert_eq!(c.crm.not_ready_status, "Busy");
        assert_eq!(c.crm.source, Some(Source::CrmConnector));
        assert_eq!(c.crm.screen_pop_on, ScreenPopOn::Answered);
        assert_eq!(c.cc.agent_id.as_deref(), Some("7"));
        assert_eq!(c.cc.not_ready_reason, None);
        assert!(!c.restore_after_work);
        assert_eq!(c.command_timeout_ms, 5);
    }

    #[test]
    fn wrong_settings_are_refused_with_the_field() {
        assert_eq!(
            config(json!({"colour": 1})).unwrap_err(),
            "unknown field `colour`, expected one of `decode`, `crm`, `cc`, `restoreAfterWork`, `commandTimeoutMs`"
        );
        assert_eq!(
            config(json!({"crm": {"source": "fax"}})).unwrap_err(),
            "crm.source: unknown variant `fax`, expected one of `openframe`, `crm-connector`, `agentdesktop`, `axp`, `xuc`"
        );
        assert_eq!(
            config(json!({"commandTimeoutMs": -1})).unwrap_err(),
            "commandTimeoutMs: invalid value: integer `-1`, expected u64"
        );
        assert_eq!(
            config(json!({"restoreAfterWork": "yes"})).unwrap_err(),
            "restoreAfterWork: invalid type: string \"yes\", expected a boolean"
        );
        assert_eq!(
            config(json!([])).unwrap_err(),
            "invalid type: sequence, expected struct Config"
        );
    }
}
