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
use serde_json::{Map, Value};

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
    let mut map = Map::new();
    map.insert("type".into(), CONNECTOR_TYPE.into());
    map.insert("action".into(), action.into());
    Value::Object(map)
}

// The messages are built by hand: `json!` copies each member through
// serde (`to_value` and its error) where a map insert does.

/// `{key: value}`.
fn one(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.into(), value);
    Value::Object(map)
}

/// A list of strings.
fn texts(items: &[String]) -> Value {
    let mut list = Vec::with_capacity(items.len());
    for item in items {
        list.push(Value::String(item.clone()));
    }
    Value::Array(list)
}

/// Asks the CRM to set the user presence to `status_id` (`"id"` or
/// `"id;label"`; the client application applies the part before `;`). The
/// data follows the documented format `{statusId, success}` (docs/protocols.md#crm-connector-omnichannel).
pub fn request_sync_omnichannel(status_id: &str) -> Value {
    let mut data = Map::new();
    data.insert("statusId".into(), status_id.into());
    data.insert("success".into(), Value::Bool(true));
    envelope("requestSyncOmnichannel", Value::Object(data))
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
    envelope(
        "requestEnableClickToDial",
        one("isEnabled", Value::Bool(enabled)),
    )
}

/// Opens the CRM record a click-to-dial came from: `{recordId}`.
pub fn request_navigate_to_click_to_dial_result(record_id: &str) -> Value {
    envelope(
        "requestNavigateToClickToDialResult",
        one("recordId", record_id.into()),
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
    let mut lists = Map::new();
    lists.insert("voice".into(), texts(voice));
    lists.insert("digital".into(), texts(digital));
    envelope(
        "requestCustomFieldsValues",
        one("object", Value::Object(lists)),
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
    data.insert("aniValues".into(), texts(ani_values));
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
    let mut body = Map::new();
    body.insert("interactionId".into(), interaction_id.into());
    body.insert("interactionData".into(), interaction_data);
    let mut data = Map::new();
    data.insert("message".into(), one("body", Value::Object(body)));
    data.insert("header".into(), header);
    envelope("requestSaveInteractionLog", Value::Object(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The outbound messages against `json!` of their documented shape
    /// (bench/README.md, `lean-size-core5`: built by hand since).
    #[test]
    fn outbound_messages_are_their_documented_shapes() {
        let envelope_of = |action: &str, data: Value| json!({"type": "CRMConnectMessage", "action": action, "data": data});
        assert_eq!(
            bare("ready"),
            json!({"type": "CRMConnectMessage", "action": "ready"})
        );
        assert_eq!(
            envelope("x", json!([1, {"a": null}])),
            envelope_of("x", json!([1, {"a": null}]))
        );
        assert_eq!(
            request_sync_omnichannel("id;Label \"q\""),
            envelope_of(
                "requestSyncOmnichannel",
                json!({"statusId": "id;Label \"q\"", "success": true})
            )
        );
        for enabled in [true, false] {
            assert_eq!(
                request_enable_click_to_dial(enabled),
                envelope_of("requestEnableClickToDial", json!({"isEnabled": enabled}))
            );
        }
        assert_eq!(
            request_navigate_to_click_to_dial_result("r1"),
            envelope_of(
                "requestNavigateToClickToDialResult",
                json!({"recordId": "r1"})
            )
        );
        assert_eq!(
            request_get_crm_directory(),
            json!({"type": "CRMConnectMessage", "action": "requestGetCrmDirectory"})
        );
        assert_eq!(
            request_open_reports(),
            json!({"type": "CRMConnectMessage", "action": "requestOpenReports"})
        );
        let voice = vec!["a".to_owned(), String::new()];
        assert_eq!(
            request_custom_fields_values(&voice, &[]),
            envelope_of(
                "requestCustomFieldsValues",
                json!({"object": {"voice": ["a", ""], "digital": []}})
            )
        );
        for (ani, id) in [
            (vec![], None),
            (vec!["+331".to_owned(), "1000".to_owned()], Some("i-1")),
        ] {
            let mut data = json!({"aniValues": ani});
            if let Some(id) = id {
                data["interactionId"] = json!(id);
            }
            assert_eq!(
                request_perform_interaction_screen_pop(&ani, id),
                envelope_of("requestPerformInteractionScreenPop", data)
            );
        }
        assert_eq!(
            request_save_interaction_log("i-2", json!({"k": [1]}), json!({"h": 1})),
            envelope_of(
                "requestSaveInteractionLog",
                json!({"message": {"body": {"interactionId": "i-2", "interactionData": {"k": [1]}}},
                    "header": {"h": 1}})
            )
        );
    }
}
