//! Decoding the CRM Connector envelopes (feature `crm-connector`).

use super::{CLIENT_TYPE, CONNECTOR_TYPE};
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error;
use crate::codec::{as_object, discriminator, parse_text, read, read_by, read_with, type_name};
use crate::config::DecodeConfig;
use crate::error::{DecodeError, Fault};
use crate::lenient;
use crate::model::{
    ConnectionStatus, Decoded, DirectoryEntry, DirectoryKind, EventBody, PresenceChannel,
};
use serde_json::{Map, Value};

/// Who posted a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// `CRMConnectMessage`: connector -> client application.
    Connector,
    /// `ClientAppMessage`: client application -> connector.
    Client,
}

impl Direction {
    fn type_name(self) -> &'static str {
        match self {
            Direction::Connector => CONNECTOR_TYPE,
            Direction::Client => CLIENT_TYPE,
        }
    }

    fn actions(self) -> &'static [Action] {
        match self {
            Direction::Connector => &CONNECTOR_ACTIONS,
            Direction::Client => &CLIENT_ACTIONS,
        }
    }

    fn other(self) -> Direction {
        match self {
            Direction::Connector => Direction::Client,
            Direction::Client => Direction::Connector,
        }
    }

    fn unknown_what(self) -> &'static str {
        match self {
            Direction::Connector => "CRMConnectMessage action",
            Direction::Client => "ClientAppMessage action",
        }
    }
}

/// Every documented action of both directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    // Connector -> client.
    ConnectorReady,
    RequestCrmData,
    RequestGetCrmDirectory,
    RequestEnableClickToDial,
    RequestNavigateToClickToDialResult,
    RequestPerformInteractionScreenPop,
    RequestOpenReports,
    RequestSaveInteractionLog,
    RequestCustomFieldsValues,
    RequestSyncOmnichannel,
    // Client -> connector.
    ClientReady,
    OmnichannelResponse,
    CrmDirectory,
    ClickToDialResponse,
    CrmData,
    CreateHistoryItem,
    DisplayErrorNotification,
    CustomFieldsDataResponse,
}

impl Action {
    /// The action's name as documented (used in events and error messages).
    fn name(self) -> &'static str {
        match self {
            Action::ConnectorReady | Action::ClientReady => "ready",
            Action::RequestCrmData => "requestCrmData",
            Action::RequestGetCrmDirectory => "requestGetCrmDirectory",
            Action::RequestEnableClickToDial => "requestEnableClickToDial",
            Action::RequestNavigateToClickToDialResult => "requestNavigateToClickToDialResult",
            Action::RequestPerformInteractionScreenPop => "requestPerformInteractionScreenPop",
            Action::RequestOpenReports => "requestOpenReports",
            Action::RequestSaveInteractionLog => "requestSaveInteractionLog",
            Action::RequestCustomFieldsValues => "requestCustomFieldsValues",
            Action::RequestSyncOmnichannel => "requestSyncOmnichannel",
            Action::OmnichannelResponse => "omnichannelResponse",
            Action::CrmDirectory => "crmDirectory",
            Action::ClickToDialResponse => "clickToDialResponse",
            Action::CrmData => "crmData",
            Action::CreateHistoryItem => "createHistoryItem",
            Action::DisplayErrorNotification => "displayErrorNotification",
            Action::CustomFieldsDataResponse => "customFieldsDataResponse",
        }
    }
}

/// Connector -> client actions, matched by [`Action::name`] (in any case,
/// [`lenient::match_event_by`]).
const CONNECTOR_ACTIONS: [Action; 10] = [
    Action::ConnectorReady,
    Action::RequestCrmData,
    Action::RequestGetCrmDirectory,
    Action::RequestEnableClickToDial,
    Action::RequestNavigateToClickToDialResult,
    Action::RequestPerformInteractionScreenPop,
    Action::RequestOpenReports,
    Action::RequestSaveInteractionLog,
    Action::RequestCustomFieldsValues,
    Action::RequestSyncOmnichannel,
];

/// Client -> connector actions, matched as [`CONNECTOR_ACTIONS`].
const CLIENT_ACTIONS: [Action; 8] = [
    Action::ClientReady,
    Action::OmnichannelResponse,
    Action::CrmDirectory,
    Action::ClickToDialResponse,
    Action::CrmData,
    Action::CreateHistoryItem,
    Action::DisplayErrorNotification,
    Action::CustomFieldsDataResponse,
];

/// The two message types, matched in any case ([`lenient::match_event`]).
const TYPES: [&str; 2] = [CONNECTOR_TYPE, CLIENT_TYPE];

// ---------------------------------------------------------------------------
// Wire structs, read by hand (`codec::fields`): client -> connector.

struct OmnichannelResponse {
    status_id: String,
    success: Option<bool>,
}

impl Wire for OmnichannelResponse {
    const EXPECTED: &'static str = "struct OmnichannelResponse";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            status_id: o.string(&["statusId", "statusID"])?,
            success: o.opt_boolean(&["success"])?,
        })
    }
}

/// `struct CrmDirectory`, read straight into its event ([`read_by`]).
fn crm_directory_wire(o: Fields) -> Result<EventBody, Error> {
    Ok(EventBody::Directory {
        list: DirectoryKind::Crm,
        entries: o
            .get(&["results"], |v| {
                fields::list(v, |r| fields::wire(r).map(|r: DirectoryRecord| r.0))
            })?
            .unwrap_or_default(),
    })
}

/// A CRM contact, read straight into its directory entry.
struct DirectoryRecord(DirectoryEntry);

impl Wire for DirectoryRecord {
    const EXPECTED: &'static str = "struct DirectoryRecord";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self(DirectoryEntry {
            id: o.string(&["id", "Id"])?,
            name: o.opt_string(&["name", "Name"])?,
            number: o.opt_string(&["phone", "Phone", "phoneNumber", "number"])?,
            email: o.opt_string(&["email", "Email"])?,
            group: None,
            state: None,
        }))
    }
}

/// `callCenterSettings` is not read here: it is borrowed from the message
/// (`crm_data`), not copied (any value, `null` as absent, never an error).
struct CrmData {
    current_user: Option<CurrentUser>,
    capabilities: Option<Map<String, Value>>,
}

impl Wire for CrmData {
    const EXPECTED: &'static str = "struct CrmData";
    fn read(o: Fields) -> Result<Self, Error> {
        Ok(Self {
            current_user: o.opt_wire(&["currentUser"])?,
            capabilities: o
                .get(&["capabilities"], |v| fields::opt(v, fields::object))?
                .flatten(),
        })
    }
}

/// Salesforce spells the user's fields `Id`, `Name`, `Username`; other CRMs
/// use camelCase. Each spelling is read as its own field (so that both may
/// be present); the first present of each kind is kept.
struct CurrentUser {
    id: Option<String>,
    name: Option<String>,
}

impl Wire for CurrentUser {
    const EXPECTED: &'static str = "struct CurrentUser";
    fn read(o: Fields) -> Result<Self, Error> {
        let id_upper = o.opt_string(&["Id"])?;
        let id_lower = o.opt_string(&["id"])?;
        let name_upper = o.opt_string(&["Name"])?;
        let name_lower = o.opt_string(&["name"])?;
        let username_upper = o.opt_string(&["Username"])?;
        let username_lower = o.opt_string(&["username", "userName"])?;
        Ok(Self {
            id: id_upper.or(id_lower),
            name: name_upper
                .or(name_lower)
                .or(username_upper)
                .or(username_lower),
        })
    }
}

/// Shape check only: the message is kept whole.
struct CreateHistoryItem;

impl Wire for CreateHistoryItem {
    const EXPECTED: &'static str = "struct CreateHistoryItem";
    fn read(o: Fields) -> Result<Self, Error> {
        o.opt_string(&["taskId"])?;
        Ok(Self)
    }
}

// ---------------------------------------------------------------------------
// Wire structs: connector -> client (our own outbound messages).

/// Shape check only: the message is kept whole.
struct EnableClickToDial;

impl Wire for EnableClickToDial {
    const EXPECTED: &'static str = "struct EnableClickToDial";
    fn read(o: Fields) -> Result<Self, Error> {
        o.boolean(&["isEnabled"])?;
        Ok(Self)
    }
}

/// Shape check only: the message is kept whole.
struct NavigateToRecord;

impl Wire for NavigateToRecord {
    const EXPECTED: &'static str = "struct NavigateToRecord";
    fn read(o: Fields) -> Result<Self, Error> {
        o.string(&["recordId"])?;
        Ok(Self)
    }
}

/// `struct ScreenPop`, read straight into its event ([`read_by`]); the
/// other fields of the data are its `data`.
fn screen_pop_wire(o: Fields) -> Result<EventBody, Error> {
    let ani = o.req(&["aniValues"], string_list)?;
    Ok(EventBody::ScreenPop {
        interaction_id: o.opt_string(&["interactionId"])?,
        ani,
        dnis: None,
        media: None,
        queue: None,
        fields: Vec::new(),
        data: crate::codec::extras_of(o.map(), &["aniValues", "interactionId"]),
    })
}

/// Shape check only: the message is kept whole.
struct SaveInteractionLog;

impl Wire for SaveInteractionLog {
    const EXPECTED: &'static str = "struct SaveInteractionLog";
    fn read(o: Fields) -> Result<Self, Error> {
        o.req(&["message"], fields::wire::<LogMessage>)?;
        Ok(Self)
    }
}

/// Shape check only.
struct LogMessage;

impl Wire for LogMessage {
    const EXPECTED: &'static str = "struct LogMessage";
    fn read(o: Fields) -> Result<Self, Error> {
        o.req(&["body"], fields::wire::<LogBody>)?;
        Ok(Self)
    }
}

/// Shape check only.
struct LogBody;

impl Wire for LogBody {
    const EXPECTED: &'static str = "struct LogBody";
    fn read(o: Fields) -> Result<Self, Error> {
        o.string(&["interactionId"])?;
        Ok(Self)
    }
}

/// Shape check only: the message is kept whole.
struct CustomFieldsValues;

impl Wire for CustomFieldsValues {
    const EXPECTED: &'static str = "struct CustomFieldsValues";
    fn read(o: Fields) -> Result<Self, Error> {
        o.req(&["object"], fields::wire::<CustomFieldsObject>)?;
        Ok(Self)
    }
}

/// Shape check only.
struct CustomFieldsObject;

impl Wire for CustomFieldsObject {
    const EXPECTED: &'static str = "struct CustomFieldsObject";
    fn read(o: Fields) -> Result<Self, Error> {
        // Checked as lists, their items not copied.
        o.opt_list(&["voice"], |_| Ok(()))?;
        o.opt_list(&["digital"], |_| Ok(()))?;
        Ok(Self)
    }
}

/// Shape check only: the message is kept whole.
struct SyncOmnichannel;

impl Wire for SyncOmnichannel {
    const EXPECTED: &'static str = "struct SyncOmnichannel";
    fn read(o: Fields) -> Result<Self, Error> {
        OmnichannelResponse::read(o)?;
        Ok(Self)
    }
}

/// A list of strings (numbers accepted), or a single string taken as a
/// one-element list.
fn string_list(value: &Value) -> Result<Vec<String>, Error> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(_) => fields::list(value, fields::string),
        other => Err(fields::invalid_type(other, "an array of strings")),
    }
}

// ---------------------------------------------------------------------------
// Decoding.

/// Decodes one posted CRM Connector message `{"type", "action", "data"}`.
///
/// `config` says which CRM status ids or labels mean "available" for
/// `omnichannelResponse`.
pub fn decode(raw: &Value, config: &DecodeConfig) -> Result<Decoded, DecodeError> {
    decode_in(raw, config).map_err(|fault| *fault)
}

/// [`decode`] with its error behind one pointer ([`Fault`]), as
/// `codec::decode` calls it.
pub(crate) fn decode_in(raw: &Value, config: &DecodeConfig) -> Result<Decoded, Fault> {
    let map = as_object(raw)?;
    let type_name = discriminator(map, "type")?;
    let direction = match lenient::match_event(type_name, &TYPES) {
        Some(0) => Direction::Connector,
        Some(_) => Direction::Client,
        None => {
            return Err(Box::new(DecodeError::Unknown {
                what: "CRM Connector message type",
                name: type_name.to_owned(),
            }))
        }
    };
    let action = find_action(direction, discriminator(map, "action")?)?;
    let data = map.get("data").filter(|d| !d.is_null());
    let body = match action {
        Action::ClientReady => EventBody::Connection {
            status: ConnectionStatus::Ready,
            detail: None,
            subscription_id: None,
            ping_interval: None,
            expires_interval: None,
        },
        Action::OmnichannelResponse => omnichannel_response(required(data)?, config)?,
        Action::CrmDirectory => crm_directory(required(data)?)?,
        Action::ClickToDialResponse => click_to_dial(required(data)?)?,
        Action::CrmData => crm_data(required(data)?, config)?,
        Action::CreateHistoryItem => checked::<CreateHistoryItem>(data, action)?,
        Action::CustomFieldsDataResponse => EventBody::CrmMessage {
            action: action.name().to_owned(),
            data: Some(embedded_json(required(data)?, action, config)?),
        },
        Action::RequestPerformInteractionScreenPop => {
            let data = object(required(data)?, action)?;
            read_by(data, action.name(), "struct ScreenPop", screen_pop_wire)?
        }
        Action::RequestEnableClickToDial => checked::<EnableClickToDial>(data, action)?,
        Action::RequestNavigateToClickToDialResult => checked::<NavigateToRecord>(data, action)?,
        Action::RequestSaveInteractionLog => checked::<SaveInteractionLog>(data, action)?,
        Action::RequestCustomFieldsValues => checked::<CustomFieldsValues>(data, action)?,
        Action::RequestSyncOmnichannel => checked::<SyncOmnichannel>(data, action)?,
        Action::ConnectorReady
        | Action::RequestCrmData
        | Action::RequestGetCrmDirectory
        | Action::RequestOpenReports
        | Action::DisplayErrorNotification => crm_message(action, data),
    };
    Ok(Decoded::one(body))
}

/// Finds `name` among the actions of `direction`; an action that belongs to
/// the other direction is refused rather than guessed.
fn find_action(direction: Direction, name: &str) -> Result<Action, Fault> {
    let key = lenient::event_key(name);
    let exact = |d: Direction| {
        d.actions()
            .iter()
            .find(|a| a.name().eq_ignore_ascii_case(&key))
            .copied()
    };
    let loose = |d: Direction| {
        lenient::match_event_by(name, d.actions(), |a| a.name())
            .and_then(|i| d.actions().get(i).copied())
    };
    let other = direction.other();
    if let Some(action) = exact(direction) {
        return Ok(action);
    }
    let wrong = exact(other);
    if wrong.is_none() {
        if let Some(action) = loose(direction) {
            return Ok(action);
        }
    }
    match wrong.or_else(|| loose(other)) {
        Some(action) => Err(Box::new(DecodeError::invalid(
            format!("action `{name}`"),
            format!(
                "`{}` is sent in a {}, not in a {}",
                action.name(),
                other.type_name(),
                direction.type_name()
            ),
        ))),
        None => Err(Box::new(DecodeError::Unknown {
            what: direction.unknown_what(),
            name: name.to_owned(),
        })),
    }
}

/// The `data` of an action that needs one.
fn required(data: Option<&Value>) -> Result<&Value, Fault> {
    data.ok_or_else(|| Box::new(DecodeError::MissingField("data")))
}

/// `data` as an object, or an error naming the action.
fn object(data: &Value, action: Action) -> Result<&Value, Fault> {
    if data.is_object() {
        Ok(data)
    } else {
        Err(Box::new(DecodeError::invalid(
            format!("{} data", action.name()),
            format!("expected a JSON object, got {}", type_name(data)),
        )))
    }
}

fn crm_message(action: Action, data: Option<&Value>) -> EventBody {
    EventBody::CrmMessage {
        action: action.name().to_owned(),
        data: data.cloned(),
    }
}

/// Checks `data` against the documented shape `T`, then keeps it whole.
fn checked<T: Wire>(data: Option<&Value>, action: Action) -> Result<EventBody, Fault> {
    checked_by(data, action, T::EXPECTED, |o| T::read(o).map(drop))
}

/// [`checked`] for every shape, compiled once: `check` reads the fields
/// of the shape named `expected`, errors as [`read`] words them.
#[inline(never)]
fn checked_by(
    data: Option<&Value>,
    action: Action,
    expected: &'static str,
    check: fn(Fields) -> Result<(), Error>,
) -> Result<EventBody, Fault> {
    let data = object(required(data)?, action)?;
    read_with(data, action.name(), |v| {
        check(fields::fields_of(v, expected)?)
    })?;
    Ok(crm_message(action, Some(data)))
}

/// `omnichannelResponse`: the CRM presence, `statusId` being `"id"` or `"id;label"`.
fn omnichannel_response(data: &Value, config: &DecodeConfig) -> Result<EventBody, Fault> {
    let action = Action::OmnichannelResponse;
    let wire: OmnichannelResponse = read(object(data, action)?, action.name())?;
    let (id, label) = match wire.status_id.split_once(';') {
        Some((id, label)) => (id.trim(), Some(label.trim()).filter(|l| !l.is_empty())),
        None => (wire.status_id.trim(), None),
    };
    if id.is_empty() {
        return Err(Box::new(DecodeError::invalid(
            "omnichannelResponse at statusId",
            {
                let mut text = String::from("empty status id in ");
                crate::text::push_debug_str(&mut text, &wire.status_id);
                text
            },
        )));
    }
    Ok(EventBody::Presence {
        name: label.unwrap_or(id).to_owned(),
        status_id: Some(id.to_owned()),
        available: config.is_available(id, label),
        channels: Vec::<PresenceChannel>::new(),
        success: wire.success,
    })
}

/// `crmDirectory`: CRM contacts.
fn crm_directory(data: &Value) -> Result<EventBody, Fault> {
    let action = Action::CrmDirectory;
    read_by(
        object(data, action)?,
        action.name(),
        "struct CrmDirectory",
        crm_directory_wire,
    )
}

/// `clickToDialResponse`: the number the agent clicked, with its record.
///
/// Avaya's documented shape (docs/protocols.md#crm-connector-click-to-dial)
/// nests the clicked record: `onClickToDialResponse {number, recordId,
/// recordName, objectType, email, url}`, `clickToDialLogDetails {id, name,
/// type}`, `crmPhones: [number]`, `relatedToObjects: [{pageInfo}]` and
/// `pageInfo` (the same record again). Flat payloads (`number` / `phoneNumber`
/// / `phone` / `value`, `recordId` / `objectId` / `entityId` / `id`) are
/// accepted too. The first non-empty spelling wins, in that order.
fn click_to_dial(data: &Value) -> Result<EventBody, Fault> {
    let action = Action::ClickToDialResponse;
    let data = object(data, action)?;
    let nested = |outer: &str, key: &str| data.get(outer).and_then(|o| text_at(o, key));
    let first_phone = || {
        data.get("crmPhones")
            .and_then(Value::as_array)
            .and_then(|phones| phones.iter().find_map(text))
    };
    let related = || {
        data.get("relatedToObjects")
            .and_then(Value::as_array)
            .and_then(|objects| {
                objects
                    .iter()
                    .find_map(|o| o.get("pageInfo").and_then(|p| text_at(p, "recordId")))
            })
    };
    let number = nested("onClickToDialResponse", "number")
        .or_else(first_phone)
        .or_else(|| nested("pageInfo", "number"))
        .or_else(|| {
            ["number", "phoneNumber", "phone", "value"]
                .iter()
                .find_map(|k| text_at(data, k))
        })
        .ok_or_else(|| {
            DecodeError::invalid(
                action.name(),
                "no number (expected `onClickToDialResponse.number`, `crmPhones`, \
                 `pageInfo.number`, `number`, `phoneNumber`, `phone` or `value`)",
            )
        })?;
    let record_id = nested("onClickToDialResponse", "recordId")
        .or_else(|| nested("clickToDialLogDetails", "id"))
        .or_else(|| nested("pageInfo", "recordId"))
        .or_else(related)
        .or_else(|| {
            ["recordId", "objectId", "entityId", "id"]
                .iter()
                .find_map(|k| text_at(data, k))
        });
    Ok(EventBody::ClickToDial {
        number,
        record_id,
        data: Some(data.clone()),
    })
}

/// A non-empty, trimmed string (numbers accepted) at `key` of an object.
fn text_at(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(text)
}

/// A non-empty, trimmed string, or a number as text.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(crate::text::number(n)),
        _ => None,
    }
}

/// The CCDef's key in `crmData`.
const SETTINGS: &str = "callCenterSettings";

/// `crmData`: the user, the capabilities and the CCDef's omnichannel mode.
fn crm_data(data: &Value, config: &DecodeConfig) -> Result<EventBody, Fault> {
    let action = Action::CrmData;
    let data = object(data, action)?;
    let wire: CrmData = read(data, action.name())?;
    // Some clients post the CCDef as JSON text.
    let parsed;
    let settings = match data.get(SETTINGS).filter(|v| !v.is_null()) {
        Some(Value::String(text)) => {
            parsed = parse_text(text, config.json).map_err(|e| {
                DecodeError::invalid("crmData at callCenterSettings", e.to_string())
            })?;
            Some(&parsed)
        }
        other => other,
    };
    let mode = settings
        .and_then(|s| omnichannel_mode(s, None))
        // Lenient: a mode posted next to the CCDef rather than inside it
        // (the object searched without its `callCenterSettings`).
        .or_else(|| omnichannel_mode(data, Some(SETTINGS)));
    let (user_id, user_name) = match wire.current_user {
        Some(user) => (user.id, user.name),
        None => (None, None),
    };
    Ok(EventBody::CrmData {
        user_id,
        user_name,
        omnichannel_mode: mode,
        capabilities: wire.capabilities.map(Value::Object),
    })
}

/// Keys (as [`lenient::event_key`]) naming the omnichannel mode; matched
/// against the whole key path, so `/reqSettings/reqOmnichannelMode` and
/// `{"omnichannel": {"mode": "S"}}` both qualify.
const MODE_KEYS: [&str; 2] = ["OMNICHANNELMODE", "OMNICHANNEL"];
/// The CCDef is shallow; deeper values are not searched.
const MODE_SEARCH_DEPTH: usize = 8;

/// The omnichannel mode found in a CCDef: `S` or `C` (also spelled
/// `Synchronized` / `Complementary`, any case). Another non-empty value of
/// a key ending in `omnichannelMode` is returned as sent, so that the sync
/// engine can refuse it visibly instead of it being dropped.
/// `skip`: a key of the outermost object left out of the search.
fn omnichannel_mode(settings: &Value, skip: Option<&str>) -> Option<String> {
    let mut unrecognized: Option<String> = None;
    let mut stack: Vec<(&Value, String, usize)> = vec![(settings, String::new(), 0)];
    while let Some((value, path, depth)) = stack.pop() {
        match value {
            Value::String(s) => {
                let Some(which) = lenient::match_event(&path, &MODE_KEYS) else {
                    continue;
                };
                if let Some(mode) = normalize_mode(s) {
                    return Some(mode.to_owned());
                }
                if which == 0 && unrecognized.is_none() && !s.trim().is_empty() {
                    unrecognized = Some(s.trim().to_owned());
                }
            }
            Value::Object(map) if depth < MODE_SEARCH_DEPTH => {
                // A `{name, value}` setting item names its own key.
                let item_name = ["name", "key"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(Value::as_str));
                if let (Some(name), Some(v)) = (item_name, map.get("value")) {
                    stack.push((v, format!("{path}{}", lenient::event_key(name)), depth + 1));
                }
                for (k, child) in map {
                    if depth == 0 && skip == Some(k.as_str()) {
                        continue;
                    }
                    stack.push((child, format!("{path}{}", lenient::event_key(k)), depth + 1));
                }
            }
            Value::Array(items) if depth < MODE_SEARCH_DEPTH => {
                for c in items {
                    stack.push((c, path.clone(), depth + 1));
                }
            }
            _ => {}
        }
    }
    unrecognized
}

fn normalize_mode(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if ["S", "Synchronized", "Synchronised", "Sync"]
        .iter()
        .any(|m| v.eq_ignore_ascii_case(m))
    {
        Some("S")
    } else if ["C", "Complementary"]
        .iter()
        .any(|m| v.eq_ignore_ascii_case(m))
    {
        Some("C")
    } else {
        None
    }
}

/// `customFieldsDataResponse` carries JSON *text*: parsed within the size and
/// depth limits. An already-parsed object or array is accepted as is.
fn embedded_json(data: &Value, action: Action, config: &DecodeConfig) -> Result<Value, Fault> {
    match data {
        Value::String(text) => parse_text(text, config.json).map_err(|e| {
            Box::new(DecodeError::invalid(
                format!("{} data", action.name()),
                e.to_string(),
            ))
        }),
        Value::Object(_) | Value::Array(_) => Ok(data.clone()),
        other => Err(Box::new(DecodeError::invalid(
            format!("{} data", action.name()),
            format!("expected a JSON string, got {}", type_name(other)),
        ))),
    }
}
