//! What the bridge asks of ServiceNow OpenFrame (docs/protocols.md#openframe).
//!
//! - A work item offered: `show()` (configurable), and `openServiceNowForm`
//!   when `openOn` lists `offered`.
//! - A work item accepted: `openServiceNowForm({entity, query: "sys_id=<id>"})`
//!   when `openOn` lists `accepted` (the default). Each work item's record
//!   is opened at most once.
//! - A contact-centre agent state or contact change: `setPresenceIndicator(text,
//!   color)` (display only: OpenFrame has no call to set AWA presence).
//! - `COMMUNICATION_EVENT` `{type: "OUTGOING_CALL", data: {metaData: {phoneNumber}}}`: the
//!   number to dial on the contact-centre side ([`click_to_dial`]).
//!
//! ServiceNow's library (docs/protocols.md#openframe-limits) refuses strings over 256 characters, URLs over 2,083
//! and message payloads over 4,400: display text is truncated, anything that
//! would change meaning if cut (table, sys_id, number, URL) is refused.

use super::VendorCall;
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error as FieldError;
use crate::model::{AgentStateKind, DocumentRef, WorkItemPhase};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::VecDeque;

/// Longest string argument ServiceNow accepts.
pub const MAX_STRING: usize = 256;
/// Longest URL ServiceNow accepts.
pub const MAX_URL: usize = 2_083;
/// Longest serialized message payload ServiceNow accepts.
pub const MAX_PAYLOAD: usize = 4_400;
/// How many opened work items are remembered (to open each record once).
const OPENED_KEPT: usize = 256;

/// A value ServiceNow would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// A string, URL or payload over ServiceNow's length limit.
    #[error("OpenFrame {what} is {len} characters, over ServiceNow's limit of {limit}")]
    TooLong {
        /// Which value (`table`, `query`, `URL`, `payload` ...).
        what: &'static str,
        /// Its length in characters.
        len: usize,
        /// The limit ([`MAX_STRING`], [`MAX_URL`] or [`MAX_PAYLOAD`]).
        limit: usize,
    },
    /// A value ServiceNow would misread: a number without a digit or with `;` / `=`,
    /// a table or sys_id with characters other than letters, digits, `_`, `-`, `.`.
    #[error("OpenFrame {what} `{value}` has characters ServiceNow would misread")]
    BadCharacters {
        /// Which value.
        what: &'static str,
        /// The value, truncated.
        value: String,
    },
    /// `openCustomURL` was given an absolute or protocol-relative URL (the URL, truncated).
    #[error("openCustomURL takes a relative URL, got `{0}`")]
    NotRelative(String),
}

/// How the bridge acts through OpenFrame (`openframe` in the vendor config).
/// Read by hand ([`Wire`], less wasm than a derive): absent fields take the
/// defaults, unknown ones are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFrameOptions {
    /// Which work-item phases open the record (`offered`, `accepted`).
    pub open_on: Vec<WorkItemPhase>,
    /// Table to open instead of the work item's document table.
    pub table: Option<String>,
    /// Call `show()` when a work item is offered.
    pub show_on_offer: bool,
    /// Mirror the contact-centre state with `setPresenceIndicator`.
    pub presence_indicator: bool,
}

impl<'de> Deserialize<'de> for OpenFrameOptions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

impl Wire for OpenFrameOptions {
    const EXPECTED: &'static str = "struct OpenFrameOptions";
    fn read(o: Fields) -> Result<Self, FieldError> {
        o.only(&["openOn", "table", "showOnOffer", "presenceIndicator"])?;
        let mut options = OpenFrameOptions::default();
        if let Some(v) = o.get(&["openOn"], |v| fields::list(v, fields::named))? {
            options.open_on = v;
        }
        options.table = o
            .get(&["table"], |v| fields::opt(v, fields::text))?
            .flatten();
        if let Some(v) = o.get(&["showOnOffer"], fields::flag)? {
            options.show_on_offer = v;
        }
        if let Some(v) = o.get(&["presenceIndicator"], fields::flag)? {
            options.presence_indicator = v;
        }
        Ok(options)
    }
}

impl Default for OpenFrameOptions {
    fn default() -> Self {
        OpenFrameOptions {
            open_on: vec![WorkItemPhase::Accepted],
            table: None,
            show_on_offer: true,
            presence_indicator: true,
        }
    }
}

/// `text` cut to at most `max` characters (never inside a character).
pub fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn check_len(what: &'static str, value: &str, limit: usize) -> Result<(), LimitError> {
    let len = value.chars().count();
    if len > limit {
        return Err(LimitError::TooLong { what, len, limit });
    }
    Ok(())
}

/// A call with its payload checked against [`MAX_PAYLOAD`].
fn call(method: &str, args: Vec<Value>) -> Result<VendorCall, LimitError> {
    let len = crate::json_write::to_string(&args).chars().count();
    if len > MAX_PAYLOAD {
        return Err(LimitError::TooLong {
            what: "payload",
            len,
            limit: MAX_PAYLOAD,
        });
    }
    Ok(VendorCall::openframe(method, args))
}

/// Table names and sys_ids are letters, digits, `_`, `-` and `.`; anything
/// else (`^` starts a new encoded-query term) is refused, not escaped.
fn check_token(what: &'static str, value: &str) -> Result<(), LimitError> {
    check_len(what, value, MAX_STRING)?;
    if value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(LimitError::BadCharacters {
            what,
            value: truncate(value, 64),
        });
    }
    Ok(())
}

/// `openServiceNowForm({entity: table, query: "sys_id=<id>"})`.
pub fn open_form(table: &str, sys_id: &str) -> Result<VendorCall, LimitError> {
    check_token("table", table)?;
    check_token("sys_id", sys_id)?;
    let query = format!("sys_id={sys_id}");
    check_len("query", &query, MAX_STRING)?;
    call(
        "openServiceNowForm",
        vec![json!({"entity": table, "query": query})],
    )
}

/// `setPresenceIndicator(text, color)`, the text truncated to 256 characters.
pub fn presence_indicator(text: &str, color: Color) -> Result<VendorCall, LimitError> {
    call(
        "setPresenceIndicator",
        vec![
            Value::String(truncate(text, MAX_STRING)),
            Value::String(color.as_str().into()),
        ],
    )
}

/// `openCustomURL(url)`: relative URLs only, at most 2,083 characters.
pub fn open_custom_url(url: &str) -> Result<VendorCall, LimitError> {
    check_len("URL", url, MAX_URL)?;
    if !url.starts_with('/') || url.starts_with("//") || url.starts_with("/\\") {
        return Err(LimitError::NotRelative(truncate(url, 64)));
    }
    call("openCustomURL", vec![Value::String(url.into())])
}

/// The four colours `setPresenceIndicator` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// Ready.
    Green,
    /// Not Ready.
    Red,
    /// Busy on a contact or in wrap-up.
    Orange,
    /// Logged in or out, not routable.
    Grey,
}

impl Color {
    /// The colour name `setPresenceIndicator` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Green => "green",
            Color::Red => "red",
            Color::Orange => "orange",
            Color::Grey => "grey",
        }
    }
}

/// The indicator for a contact-centre agent state (`reason`: pause code).
pub fn indicator_for(state: AgentStateKind, reason: Option<&str>) -> (String, Color) {
    match state {
        AgentStateKind::Ready => ("Ready".into(), Color::Green),
        AgentStateKind::NotReady => match reason {
            Some(r) if !r.is_empty() => (format!("Not Ready ({r})"), Color::Red),
            _ => ("Not Ready".into(), Color::Red),
        },
        AgentStateKind::Busy => ("Busy".into(), Color::Orange),
        AgentStateKind::WrapUp => ("Wrap-up".into(), Color::Orange),
        AgentStateKind::LoggedIn => ("Logged in".into(), Color::Grey),
        AgentStateKind::LoggedOut => ("Logged out".into(), Color::Grey),
    }
}

/// The number of a `COMMUNICATION_EVENT` click-to-dial (`OUTGOING_CALL`), or
/// `None` for any other communication event. A number over 256 characters
/// or with no digit is refused.
pub fn click_to_dial(event: &Value) -> Result<Option<String>, LimitError> {
    let kind = event
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !kind.eq_ignore_ascii_case("OUTGOING_CALL") {
        return Ok(None);
    }
    // ServiceNow's click-to-dial carries the number at `data.metaData.phoneNumber`
    // (integrations in the field read it there); `data.phoneNumber` and a
    // top-level `phone_number` are accepted too (docs/protocols.md#openframe-ui-events).
    let data = event.get("data");
    let number = [
        data.and_then(|d| d.get("metaData"))
            .and_then(|m| m.get("phoneNumber")),
        data.and_then(|d| d.get("phoneNumber")),
        event.get("phone_number"),
    ]
    .into_iter()
    .flatten()
    .find_map(|n| match n {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(crate::text::number(n)),
        _ => None,
    })
    .unwrap_or_default();
    check_number(&number)?;
    Ok(Some(number))
}

/// A number to dial: at most 256 characters, with a digit, and none of the
/// `;` / `=` that the MakeCall call-data format would misread.
pub fn check_number(number: &str) -> Result<(), LimitError> {
    check_len("phoneNumber", number, MAX_STRING)?;
    if !number.chars().any(|c| c.is_ascii_digit()) || number.contains([';', '=']) {
        return Err(LimitError::BadCharacters {
            what: "phoneNumber",
            value: truncate(number, 64),
        });
    }
    Ok(())
}

/// Decides the OpenFrame calls; remembers what it already did.
#[derive(Debug, Clone, Default)]
pub struct OpenFramePlanner {
    options: OpenFrameOptions,
    opened: VecDeque<String>,
    indicator: Option<(String, Color)>,
    /// The indicator of the agent state, restored when a contact ends.
    agent_indicator: Option<(String, Color)>,
}

impl OpenFramePlanner {
    /// A planner with these options and nothing done yet.
    pub fn new(options: OpenFrameOptions) -> Self {
        OpenFramePlanner {
            options,
            ..Default::default()
        }
    }

    /// Calls for a work item in `phase`.
    pub fn work_item(
        &mut self,
        id: &str,
        phase: WorkItemPhase,
        document: Option<&DocumentRef>,
    ) -> Vec<Result<VendorCall, LimitError>> {
        let mut out = Vec::new();
        if phase == WorkItemPhase::Offered && self.options.show_on_offer {
            out.push(call("show", Vec::new()));
        }
        if self.options.open_on.contains(&phase) && !self.opened.iter().any(|o| o == id) {
            if let Some(doc) = document {
                let table = self.options.table.as_deref().unwrap_or(&doc.table);
                let opened = open_form(table, &doc.id);
                if opened.is_ok() {
                    if self.opened.len() >= OPENED_KEPT {
                        self.opened.pop_front();
                    }
                    self.opened.push_back(id.to_owned());
                }
                out.push(opened);
            }
        }
        out
    }

    /// The indicator for a new agent state (none when unchanged or disabled).
    pub fn agent_state(
        &mut self,
        state: AgentStateKind,
        reason: Option<&str>,
    ) -> Option<Result<VendorCall, LimitError>> {
        let wanted = indicator_for(state, reason);
        self.agent_indicator = Some(wanted.clone());
        self.show(wanted)
    }

    /// The indicator while a contact is in progress (`true`) or after it (`false`).
    pub fn on_contact(&mut self, busy: bool) -> Option<Result<VendorCall, LimitError>> {
        let wanted = if busy {
            ("On a contact".to_owned(), Color::Orange)
        } else {
            self.agent_indicator.clone()?
        };
        self.show(wanted)
    }

    /// An indicator the sync engine asked for (its `setPresenceIndicator` fallback).
    /// Skipped when the indicator already shows that colour (the mirror
    /// said it with more detail, e.g. the pause code).
    pub fn forced(&mut self, text: &str, color: Color) -> Option<Result<VendorCall, LimitError>> {
        if self.indicator.as_ref().is_some_and(|(_, c)| *c == color) {
            return None;
        }
        self.show((text.to_owned(), color))
    }

    fn show(&mut self, wanted: (String, Color)) -> Option<Result<VendorCall, LimitError>> {
        if !self.options.presence_indicator || self.indicator.as_ref() == Some(&wanted) {
            return None;
        }
        let result = presence_indicator(&wanted.0, wanted.1);
        self.indicator = Some(wanted);
        Some(result)
    }
}

/// A colour name as `setPresenceIndicator` takes it.
pub fn parse_color(name: &str) -> Option<Color> {
    match name {
        "green" => Some(Color::Green),
        "red" => Some(Color::Red),
        "orange" => Some(Color::Orange),
        "grey" | "gray" => Some(Color::Grey),
        _ => None,
    }
}
