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
use serde::de::Error as _;
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

deserialize_by_hand!(DecodeConfig, CrmConfig, CcConfig, Config, WidgetConfig);

/// An optional protocol name (`null` is none).
fn source(value: &Value) -> Result<Option<Source>, Error> {
    fields::opt(value, fields::named)
}

/// An optional plain string (`null` is none).
fn opt_text(value: &Value) -> Result<Option<String>, Error> {
    fields::opt(value, fields::text)
}

/// The one reader of every settings object: refuses a field not in
/// `known` first (`#[serde(deny_unknown_fields)]`), then visits `known` in
/// order: the first `required` names must be there (`missing field`), and
/// each field present is handed to `set` with its index in `known`. A
/// failing field's error gets the field's name on its path. Each settings
/// type's reader is then one `match` on the index (smaller than a lookup,
/// an error path and a result per field, bench/README.md).
pub(crate) fn settings<'a>(
    o: Fields<'a>,
    known: &'static [&'static str],
    required: usize,
    set: &mut dyn FnMut(usize, &'a Value) -> Result<(), Error>,
) -> Result<(), Error> {
    o.only(known)?;
    for (i, name) in known.iter().enumerate() {
        match o.map().get(*name) {
            Some(value) => set(i, value).map_err(|e| e.at_key(name))?,
            None if i < required => return Err(Error::missing_field(name)),
            None => {}
        }
    }
    Ok(())
}

impl Wire for DecodeConfig {
    const EXPECTED: &'static str = "struct DecodeConfig";
    fn read(o: Fields) -> Result<Self, Error> {
        let mut config = DecodeConfig::default();
        settings(o, &["availableStatuses"], 0, &mut |_, v| {
            config.available_statuses = fields::list(v, fields::text)?;
            Ok(())
        })?;
        Ok(config)
    }
}

impl Wire for CrmConfig {
    const EXPECTED: &'static str = "struct CrmConfig";
    fn read(o: Fields) -> Result<Self, Error> {
        let mut config = CrmConfig::default();
        let known = &["readyStatus", "notReadyStatus", "source", "screenPopOn"];
        settings(o, known, 0, &mut |i, v| {
            match i {
                0 => config.ready_status = fields::text(v)?,
                1 => config.not_ready_status = fields::text(v)?,
                2 => config.source = source(v)?,
                _ => config.screen_pop_on = fields::named(v)?,
            }
            Ok(())
        })?;
        Ok(config)
    }
}

impl Wire for CcConfig {
    const EXPECTED: &'static str = "struct CcConfig";
    fn read(o: Fields) -> Result<Self, Error> {
        let mut config = CcConfig::default();
        let known = &["notReadyReason", "agentId", "source"];
        settings(o, known, 0, &mut |i, v| {
            match i {
                0 => config.not_ready_reason = opt_text(v)?,
                1 => config.agent_id = opt_text(v)?,
                _ => config.source = source(v)?,
            }
            Ok(())
        })?;
        Ok(config)
    }
}

impl Wire for Config {
    const EXPECTED: &'static str = "struct Config";
    fn read(o: Fields) -> Result<Self, Error> {
        let mut config = Config::default();
        let known = &[
            "decode",
            "crm",
            "cc",
            "restoreAfterWork",
            "commandTimeoutMs",
        ];
        settings(o, known, 0, &mut |i, v| {
            match i {
                0 => config.decode = fields::wire(v)?,
                1 => config.crm = fields::wire(v)?,
                2 => config.cc = fields::wire(v)?,
                3 => config.restore_after_work = fields::flag(v)?,
                _ => config.command_timeout_ms = fields::unsigned(v)?,
            }
            Ok(())
        })?;
        Ok(config)
    }
}

/// The widget's configuration (the object passed to `startWidget`):
/// camelCase keys, unknown keys refused, read by hand (`settings`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WidgetConfig {
    /// Exact origins of the host pages allowed to talk to this widget.
    pub allowed_host_origins: Vec<String>,
    /// Sync mode; when absent, the CRM's CCDef (`S` / `C`) decides, else synchronized.
    pub mode: Option<String>,
    /// The core's configuration.
    pub bridge: Option<Config>,
    /// Allow the host to inject vendor messages (demo and tests only).
    pub allow_inject: bool,
    /// Session-storage key for the outbox (one per widget instance on a page).
    pub storage_key: Option<String>,
    /// How many sent events are kept for a host that re-attaches (default 2048).
    pub outbox_capacity: Option<usize>,
    /// The contact centre the widget connects to itself:
    /// `{kind: "axp" | "xuc", ...}` with the `AxpClient` / `XucClient` options.
    pub contact_centre: Option<Value>,
    /// Send the host a trace of every message in and out (names and sizes only).
    pub trace: bool,
    /// Play Avaya's CRM Connector frame for an existing Client Application on
    /// the embedding page: speak first on the window, no drop-in needed.
    pub crm_connector_frame: bool,
    /// A path on the widget's origin that gives the live client its token or
    /// login (`{token}` / `{login, password}`) instead of the host page.
    pub credentials_url: Option<String>,
    /// Pause reasons the agent's panel offers (`[{id, label}]`, label a text or `{en, fr ...}`).
    pub pause_reasons: Vec<crate::panel::PauseReason>,
    /// How the panel shows the other party of a call: `full`, `masked`, `hidden`.
    pub party_display: crate::panel::PartyDisplay,
    /// `shared` (default): the tabs of one agent share one contact-centre
    /// connection, led by one tab; `independent`: each tab its own.
    pub multi_tab: Option<crate::tabs::MultiTab>,
    /// Multi-tab: where a screen pop opens: `focused` (default: the tab the
    /// agent looks at, else the leader's) or `leader`.
    pub screen_pop_tab: Option<String>,
}

impl Wire for WidgetConfig {
    const EXPECTED: &'static str = "struct WidgetConfig";
    fn read(o: Fields) -> Result<Self, Error> {
        let mut config = WidgetConfig::default();
        let known = &[
            "allowedHostOrigins",
            "mode",
            "bridge",
            "allowInject",
            "storageKey",
            "outboxCapacity",
            "contactCentre",
            "trace",
            "crmConnectorFrame",
            "credentialsUrl",
            "pauseReasons",
            "partyDisplay",
            "multiTab",
            "screenPopTab",
        ];
        settings(o, known, 1, &mut |i, v| {
            let c = &mut config;
            match i {
                0 => c.allowed_host_origins = fields::list(v, fields::text)?,
                1 => c.mode = opt_text(v)?,
                2 => c.bridge = fields::opt(v, fields::wire)?,
                3 => c.allow_inject = fields::flag(v)?,
                4 => c.storage_key = opt_text(v)?,
                5 => c.outbox_capacity = fields::opt(v, fields::small)?,
                6 => c.contact_centre = fields::opt(v, fields::any)?,
                7 => c.trace = fields::flag(v)?,
                8 => c.crm_connector_frame = fields::flag(v)?,
                9 => c.credentials_url = opt_text(v)?,
                10 => c.pause_reasons = fields::list(v, fields::wire)?,
                11 => c.party_display = fields::named(v)?,
                12 => c.multi_tab = fields::opt(v, fields::named)?,
                _ => c.screen_pop_tab = opt_text(v)?,
            }
            Ok(())
        })?;
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

#[cfg(test)]
#[path = "config_tests.rs"]
pub(crate) mod reader_tests;
