//! Avaya Workspaces for CRM "CRM Connector" postMessage envelopes (docs/protocols.md#crm-connector-envelope).
//!
//! Raw message: the posted plain object `{"type", "action", "data"}`. `type`
//! is `CRMConnectMessage` (connector -> client application) or
//! `ClientAppMessage` (client application -> connector); both directions are
//! decoded, each against its own list of actions. The type and the action are
//! matched case-, separator- and prefix-insensitively; an action of the other
//! direction is refused with a clear reason.
//!
//! The outbound side is here too: [`envelope`] and [`request_sync_omnichannel`]
//! build the messages the bridge posts to the client application.

use crate::json_write::JsonWriter;
use serde_json::{json, Map, Value};

#[cfg(feature = "crm-connector")]
mod decode;
#[cfg(feature = "crm-connector")]
pub use decode::decode;
#[cfg(feature = "crm-connector")]
pub(crate) use decode::decode_in;

/// `type` of the messages the CRM Connector posts to the client application.
pub const CONNECTOR_TYPE: &str = "CRMConnectMessage";
/// `type` of the messages the client application posts to the CRM Connector.
pub const CLIENT_TYPE: &str = "ClientAppMessage";

// ---------------------------------------------------------------------------
// Encoding (connector -> client application).

/// A message the bridge posts to the client application, in the CRM
/// Connector's envelope: `{"type": "CRMConnectMessage", "action", "data"}`.
pub fn envelope(action: &str, data: Value) -> Value {
    let mut envelope = bare(action);
    if let Value::Object(map) = &mut envelope {
        map.insert("data".into(), data);
    }
    envelope
}

/// A connector message without `data`, as Avaya documents `ready`,
/// `requestCrmData`, `requestGetCrmDirectory` and `requestOpenReports`:
/// `{"type": "CRMConnectMessage", "action"}` (docs/protocols.md#crm-connector-actions).
pub fn bare(action: &str) -> Value {
    json!({ "type": CONNECTOR_TYPE, "action": action })
}

/// Asks the CRM to set the user presence to `status_id` (`"id"` or
/// `"id;label"`; the client application applies the part before `;`). The
/// data follows the documented format `{statusId, success}` (docs/protocols.md#crm-connector-omnichannel).
pub fn request_sync_omnichannel(status_id: &str) -> Value {
    envelope(
        "requestSyncOmnichannel",
        json!({ "statusId": status_id, "success": true }),
    )
}

/// [`request_sync_omnichannel`]'s JSON text before and after its
/// `statusId` value, keys in the order serde_json writes them:
/// [`write_request_sync_omnichannel`] writes it, and a reader tells such a
/// message by its text (`bridge::Compact`).
pub const SYNC_OMNICHANNEL_TEXT: (&str, &str) = (
    r#"{"action":"requestSyncOmnichannel","data":{"statusId":"#,
    r#","success":true},"type":"CRMConnectMessage"}"#,
);

/// [`request_sync_omnichannel`] written as JSON text (serde_json's text of
/// it, without building the value).
pub fn write_request_sync_omnichannel(w: &mut JsonWriter, status_id: &str) {
    let (head, tail) = SYNC_OMNICHANNEL_TEXT;
    w.raw(head);
    w.str(status_id);
    w.raw(tail);
}

/// Turns the CRM's click-to-dial on or off: `{isEnabled}`.
pub fn request_enable_click_to_dial(enabled: bool) -> Value {
    envelope("requestEnableClickToDial", json!({ "isEnabled": enabled }))
}

/// Opens the CRM record a click-to-dial came from: `{recordId}`.
pub fn request_navigate_to_click_to_dial_result(record_id: &str) -> Value {
    envelope(
        "requestNavigateToClickToDialResult",
        json!({ "recordId": record_id }),
    )
}

/// Asks for the CRM contacts (answered with `crmDirectory`); no data.
pub fn request_get_crm_directory() -> Value {
    bare("requestGetCrmDirectory")
}

/// Asks the CRM to open its interaction reports; no data.
pub fn request_open_reports() -> Value {
    bare("requestOpenReports")
}

/// Asks for the CRM's definition of the custom log fields named in the CCDef
/// (answered with `customFieldsDataResponse`, JSON text): `{object: {voice,
/// digital}}`, each a list of field names (empty names are allowed; the
/// client application filters them out).
pub fn request_custom_fields_values(voice: &[String], digital: &[String]) -> Value {
    envelope(
        "requestCustomFieldsValues",
        json!({ "object": { "voice": voice, "digital": digital } }),
    )
}

/// Asks the CRM to open the record of a caller: `{aniValues: [..]}`, the
/// originating addresses to search by, best first (the client application
/// uses `aniValues[0] || aniValues[1]`). `interactionId` is added when known
/// (our addition; client applications ignore it).
pub fn request_perform_interaction_screen_pop(
    ani_values: &[String],
    interaction_id: Option<&str>,
) -> Value {
    let mut data = Map::new();
    data.insert("aniValues".into(), json!(ani_values));
    if let Some(id) = interaction_id {
        data.insert("interactionId".into(), Value::String(id.to_owned()));
    }
    envelope("requestPerformInteractionScreenPop", Value::Object(data))
}

/// Asks the CRM to save an interaction log, in the connector's shape:
/// `{message: {body: {interactionId, interactionData}}, header}`, with the
/// header beside the message (docs/protocols.md#crm-connector-interaction-log).
/// The client application echoes `message` and `header` back in
/// `createHistoryItem`.
pub fn request_save_interaction_log(
    interaction_id: &str,
    interaction_data: Value,
    header: Value,
) -> Value {
    // Built by hand: `json!` would copy both values through serde.
    let object = |members: Vec<(&str, Value)>| {
        Value::Object(super::map_of(
            members.into_iter().map(|(k, v)| (k.to_owned(), v)),
        ))
    };
    let body = object(vec![
        ("interactionId", Value::String(interaction_id.to_owned())),
        ("interactionData", interaction_data),
    ]);
    envelope(
        "requestSaveInteractionLog",
        object(vec![
            ("message", object(vec![("body", body)])),
            ("header", header),
        ]),
    )
}
