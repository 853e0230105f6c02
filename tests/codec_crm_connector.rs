//! CRM Connector codec: every documented message (docs/protocols.md#crm-connector-actions), both directions,
//! lenient spellings, the outbound encoder, and hostile input.

mod common;

use common::{arb_json, decode, decode_one, fixtures};
use cti_bridge::codec::crm_connector::{
    bare, envelope, request_custom_fields_values, request_enable_click_to_dial,
    request_get_crm_directory, request_navigate_to_click_to_dial_result, request_open_reports,
    request_perform_interaction_screen_pop, request_save_interaction_log, request_sync_omnichannel,
};
use cti_bridge::codec::{self, MAX_DEPTH, MAX_MESSAGE_BYTES};
use cti_bridge::config::DecodeConfig;
use cti_bridge::model::Source;
use cti_bridge::DecodeError;
use proptest::prelude::*;
use serde_json::{json, Value};

const SRC: Source = Source::CrmConnector;

fn client(action: &str, data: Value) -> Value {
    json!({"type": "ClientAppMessage", "action": action, "data": data})
}

fn connector(action: &str, data: Value) -> Value {
    json!({"type": "CRMConnectMessage", "action": action, "data": data})
}

fn error_of(raw: &Value) -> String {
    decode(SRC, raw).expect_err(&raw.to_string()).to_string()
}

// --- Seed samples -----------------------------------------------------------

#[test]
fn seed_omnichannel_response_with_plain_id_is_presence() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[0]),
        json!({"kind": "presence", "name": "Available", "statusId": "Available",
               "available": true, "success": true})
    );
}

#[test]
fn seed_request_sync_omnichannel_is_kept_as_crm_message() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[1]),
        json!({"kind": "crmMessage", "action": "requestSyncOmnichannel",
               "data": {"statusId": "0N58d000000CaZ7CAK;Busy", "success": true}})
    );
}

#[test]
fn seed_crm_directory_is_a_crm_directory() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[2]),
        json!({"kind": "directory", "list": "crm", "entries": [
            {"id": "0038d00000MfXzQAAV", "name": "Jane Doe", "number": "+14155550123",
             "email": "jane.doe@example.com"},
            {"id": "0038d00000MfXzRAAV", "name": "John Roe", "number": "+14155550188",
             "email": "john.roe@example.com"}]})
    );
}

// --- omnichannelResponse ----------------------------------------------------

#[test]
fn omnichannel_response_id_and_label_split_on_first_semicolon() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[3]),
        json!({"kind": "presence", "name": "Available", "statusId": "0N58d000000CaZ2CAK",
               "available": true, "success": true})
    );
    let raw = client(
        "omnichannelResponse",
        json!({"statusId": "0N5;Away; back soon", "success": true}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "presence", "name": "Away; back soon", "statusId": "0N5",
               "available": false, "success": true})
    );
    let raw = client("omnichannelResponse", json!({"statusId": "Busy;"}));
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "presence", "name": "Busy", "statusId": "Busy", "available": false})
    );
}

#[test]
fn omnichannel_response_success_false_is_kept() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[4]),
        json!({"kind": "presence", "name": "Busy", "statusId": "0N58d000000CaZ7CAK",
               "available": false, "success": false})
    );
}

#[test]
fn availability_follows_the_configured_ids_and_labels() {
    let config = DecodeConfig {
        available_statuses: vec!["0n58d000000cab1cak".into(), "Online for Voice".into()],
        ..DecodeConfig::default()
    };
    let cases = [
        ("0N58d000000CaB1CAK", true),
        ("0N58d000000CaB1CAK;Anything", true),
        ("0N5000000000XYZ;ONLINE FOR VOICE", true),
        ("Available", false),
        ("0N5000000000XYZ;Available", false),
    ];
    for (status, available) in cases {
        let raw = client(
            "omnichannelResponse",
            json!({"statusId": status, "success": true}),
        );
        let decoded = codec::decode(SRC, &raw, &config).expect(status);
        let v = serde_json::to_value(&decoded.bodies).expect("serializable");
        assert_eq!(v[0]["available"], available, "{status}");
    }
}

// --- Start-up ---------------------------------------------------------------

#[test]
fn connector_ready_is_a_crm_message() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[5]),
        json!({"kind": "crmMessage", "action": "ready"})
    );
}

#[test]
fn client_ready_is_connection_ready() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[6]),
        json!({"kind": "connection", "status": "ready"})
    );
}

#[test]
fn request_crm_data_is_a_crm_message() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[7]),
        json!({"kind": "crmMessage", "action": "requestCrmData"})
    );
}

#[test]
fn crm_data_gives_user_mode_and_capabilities() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[8]),
        json!({"kind": "crmData", "userId": "0058d000004FqRtAAK", "userName": "Jane Agent",
               "omnichannelMode": "S",
               "capabilities": {"directoryAvailable": true, "name": "Salesforce",
                                "reloadsOnNavigation": false}})
    );
}

#[test]
fn crm_data_finds_the_omnichannel_mode_leniently() {
    let settings = [
        json!({"omnichannelMode": "C"}),
        json!({"OmnichannelMode": "complementary"}),
        json!({"/reqAvaya/reqOmnichannelMode": " s "}),
        json!({"omnichannel": {"mode": "Synchronized"}}),
        json!({"omnichannel": "C"}),
        json!({"sections": [{"name": "reqOmnichannel", "items": [
            {"name": "omnichannel_mode", "value": "S"}]}]}),
        json!("{\"general\":{\"omnichannelMode\":\"C\"}}"),
    ];
    let expected = ["C", "C", "S", "S", "C", "S", "C"];
    for (s, mode) in settings.iter().zip(expected) {
        let raw = client("crmData", json!({"callCenterSettings": s}));
        assert_eq!(
            decode_one(SRC, &raw),
            json!({"kind": "crmData", "omnichannelMode": mode}),
            "{s}"
        );
    }
    // Next to the CCDef rather than inside it.
    let raw = client(
        "crmData",
        json!({"callCenterSettings": {}, "omnichannelMode": "S"}),
    );
    assert_eq!(decode_one(SRC, &raw)["omnichannelMode"], "S");
    // An unrecognized mode is reported as sent, not dropped; booleans are not modes.
    let raw = client(
        "crmData",
        json!({"callCenterSettings": {"omnichannelMode": "X", "enableOmnichannel": "true"}}),
    );
    assert_eq!(decode_one(SRC, &raw)["omnichannelMode"], "X");
    let raw = client(
        "crmData",
        json!({"callCenterSettings": {"omnichannel": "true"}}),
    );
    assert_eq!(decode_one(SRC, &raw), json!({"kind": "crmData"}));
}

#[test]
fn crm_data_user_fields_in_other_spellings() {
    let raw = client(
        "crmData",
        json!({"currentUser": {"id": 42, "userName": "jdoe@example.com"}}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "crmData", "userId": "42", "userName": "jdoe@example.com"})
    );
    let raw = client(
        "crmData",
        json!({"currentUser": {"Id": "005A", "id": "x", "name": "Jane", "Username": "j@x"}}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "crmData", "userId": "005A", "userName": "Jane"})
    );
}

// --- Connector -> client requests ------------------------------------------

#[test]
fn request_get_crm_directory_is_a_crm_message() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[9]),
        json!({"kind": "crmMessage", "action": "requestGetCrmDirectory"})
    );
}

#[test]
fn request_enable_click_to_dial_is_checked_and_kept() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[10]),
        json!({"kind": "crmMessage", "action": "requestEnableClickToDial",
               "data": {"isEnabled": true}})
    );
}

#[test]
fn request_navigate_to_click_to_dial_result_is_checked_and_kept() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[11]),
        json!({"kind": "crmMessage", "action": "requestNavigateToClickToDialResult",
               "data": {"recordId": "0038d00000MfXzQAAV"}})
    );
}

#[test]
fn request_perform_interaction_screen_pop_is_a_screen_pop() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[12]),
        json!({"kind": "screenPop", "ani": ["+14155550123", "4155550123"]})
    );
    let raw = connector(
        "requestPerformInteractionScreenPop",
        json!({"aniValues": [4155550123u64, "+1 415"], "interactionId": "i-1"}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "screenPop", "interactionId": "i-1", "ani": ["4155550123", "+1 415"]})
    );
    let raw = connector(
        "requestPerformInteractionScreenPop",
        json!({"aniValues": "+14155550123"}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "screenPop", "ani": ["+14155550123"]})
    );
}

#[test]
fn request_open_reports_is_a_crm_message() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[13]),
        json!({"kind": "crmMessage", "action": "requestOpenReports"})
    );
}

#[test]
fn request_save_interaction_log_is_checked_and_kept() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[14]),
        json!({"kind": "crmMessage", "action": "requestSaveInteractionLog",
               "data": {"message": {"body": {
                   "interactionId": "b3f0c7a2-6a41-4b8e-9d7e-2f1c5e8a9d10",
                   "interactionData": {"subject": "Inbound call", "callType": "inbound",
                                       "durationInSeconds": 184,
                                       "customerNumber": "+14155550123"}}},
                        "header": {"messageType": "interactionLog",
                                   "timestamp": "2024-05-14T09:32:11Z"}}})
    );
}

#[test]
fn request_custom_fields_values_is_checked_and_kept() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[15]),
        json!({"kind": "crmMessage", "action": "requestCustomFieldsValues",
               "data": {"object": {"voice": ["Case_Number__c", "Account_Tier__c"],
                                   "digital": ["Case_Number__c"]}}})
    );
}

// --- Client -> connector -----------------------------------------------------

#[test]
fn click_to_dial_response_is_click_to_dial() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[16]),
        json!({"kind": "clickToDial", "number": "+14155550123",
               "recordId": "0038d00000MfXzQAAV",
               "data": {"number": "+14155550123", "recordId": "0038d00000MfXzQAAV",
                        "recordName": "Jane Doe", "objectType": "Contact"}})
    );
}

#[test]
fn click_to_dial_accepts_every_field_spelling() {
    let cases = [
        (
            json!({"phoneNumber": "+3312", "objectId": "o1"}),
            "+3312",
            Some("o1"),
        ),
        (
            json!({"phone": 4155550123u64, "id": 7}),
            "4155550123",
            Some("7"),
        ),
        (
            json!({"value": "425-555-0100", "entityId": "e1"}),
            "425-555-0100",
            Some("e1"),
        ),
        (
            json!({"number": "1", "phone": "2", "recordId": "r", "id": "i"}),
            "1",
            Some("r"),
        ),
        (json!({"number": "", "value": "3"}), "3", None),
    ];
    for (data, number, record) in cases {
        let v = decode_one(SRC, &client("clickToDialResponse", data.clone()));
        assert_eq!(v["number"], number, "{data}");
        assert_eq!(v.get("recordId").and_then(Value::as_str), record, "{data}");
        assert_eq!(v["data"], data);
    }
}

#[test]
fn create_history_item_is_a_crm_message() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[17]),
        json!({"kind": "crmMessage", "action": "createHistoryItem",
               "data": {"taskId": "00T8d00000AbCdEEAV",
                        "data": {"interactionId": "b3f0c7a2-6a41-4b8e-9d7e-2f1c5e8a9d10",
                                 "subject": "Inbound call", "status": "Completed"}}})
    );
}

#[test]
fn custom_fields_data_response_json_text_is_parsed() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[18]),
        json!({"kind": "crmMessage", "action": "customFieldsDataResponse",
               "data": {"voice": {"Case_Number__c": "00001026", "Account_Tier__c": "Gold"},
                        "digital": {"Case_Number__c": "00001026"}}})
    );
    // Lenient: already parsed.
    let raw = client("customFieldsDataResponse", json!({"voice": {}}));
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "crmMessage", "action": "customFieldsDataResponse",
               "data": {"voice": {}}})
    );
}

#[test]
fn display_error_notification_is_a_crm_message() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[19]),
        json!({"kind": "crmMessage", "action": "displayErrorNotification",
               "data": {"title": "Click to dial",
                        "message": "Unable to open the record 0038d00000MfXzQAAV"}})
    );
    let raw = client("displayErrorNotification", json!("CRM session expired"));
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "crmMessage", "action": "displayErrorNotification",
               "data": "CRM session expired"})
    );
}

#[test]
fn every_fixture_decodes_to_one_event() {
    let f = fixtures(SRC);
    assert_eq!(f.len(), 28);
    for raw in &f {
        decode_one(SRC, raw);
    }
}

// --- Real shapes (docs/protocols.md#crm-connector-actions) ----------------------
//
// Fixtures 20..27: the shapes Avaya's feature pages document and its published
// sample Client Application (Zendesk) sends or reads; values are made up.

#[test]
fn avaya_click_to_dial_response_gives_the_number_and_the_record() {
    let raw = &fixtures(SRC)[20];
    let v = decode_one(SRC, raw);
    assert_eq!(v["kind"], "clickToDial");
    assert_eq!(v["number"], "+14155550123");
    assert_eq!(v["recordId"], "381226748");
    assert_eq!(v["data"], raw["data"]);
}

#[test]
fn avaya_click_to_dial_response_number_from_every_documented_place() {
    let cases = [
        // Only crmPhones (the first non-empty one).
        (
            json!({"crmPhones": [null, " ", "+3312"], "clickToDialLogDetails": {"id": "u1"}}),
            "+3312",
            Some("u1"),
        ),
        // Only pageInfo, record from relatedToObjects.
        (
            json!({"pageInfo": {"number": 4155550123u64},
                "relatedToObjects": [{"isName": false, "pageInfo": {"recordId": 7}}]}),
            "4155550123",
            Some("7"),
        ),
        // onClickToDialResponse wins over the flat spellings.
        (
            json!({"onClickToDialResponse": {"number": "1", "recordId": "r"}, "number": "2", "id": "i"}),
            "1",
            Some("r"),
        ),
        // A null record name and no record at all.
        (
            json!({"onClickToDialResponse": {"number": "5", "recordName": null}}),
            "5",
            None,
        ),
    ];
    for (data, number, record) in cases {
        let v = decode_one(SRC, &client("clickToDialResponse", data.clone()));
        assert_eq!(v["number"], number, "{data}");
        assert_eq!(v.get("recordId").and_then(Value::as_str), record, "{data}");
    }
}

#[test]
fn sample_crm_directory_with_number_ids_and_a_null_phone() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[21]),
        json!({"kind": "directory", "list": "crm", "entries": [
            {"id": "381226748", "name": "Jane Doe", "number": "+14155550123",
             "email": "jane.doe@example.com"},
            {"id": "381226749", "name": "John Roe", "email": "john.roe@example.com"}]})
    );
}

#[test]
fn sample_crm_data_with_a_number_user_id_and_no_omnichannel_mode() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[22]),
        json!({"kind": "crmData", "userId": "422118", "userName": "Jane Agent",
               "capabilities": {"directoryAvailable": true, "name": "Zendesk",
                                "reloadsOnNavigation": true, "lightningComponentsAvailable": false}})
    );
}

#[test]
fn avaya_save_interaction_log_is_checked_and_kept() {
    let raw = &fixtures(SRC)[23];
    assert_eq!(
        decode_one(SRC, raw),
        json!({"kind": "crmMessage", "action": "requestSaveInteractionLog", "data": raw["data"]})
    );
}

#[test]
fn sample_custom_fields_request_keeps_its_empty_names() {
    let raw = &fixtures(SRC)[24];
    assert_eq!(
        decode_one(SRC, raw),
        json!({"kind": "crmMessage", "action": "requestCustomFieldsValues",
               "data": {"object": {"voice": ["case_id", "ticket_id", ""], "digital": ["", ""]}}})
    );
}

#[test]
fn avaya_create_history_item_is_kept_whole() {
    let raw = &fixtures(SRC)[25];
    let v = decode_one(SRC, raw);
    assert_eq!(v["action"], "createHistoryItem");
    assert_eq!(v["data"]["taskId"], "b3f0c7a2-6a41-4b8e-9d7e-2f1c5e8a9d10");
    assert_eq!(v["data"]["data"]["logParameters"]["case_id"], "00001026");
    assert_eq!(
        v["data"]["data"]["msgData"]["header"],
        json!({"source": "crmConnector"})
    );
}

#[test]
fn sample_custom_fields_response_text_is_parsed() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[26]),
        json!({"kind": "crmMessage", "action": "customFieldsDataResponse",
               "data": {"digital": {}, "voice": {
                   "case_id": {"customFieldInfo": {"customFieldType": "STRING", "customFieldLabel": "Case ID"}},
                   "ticket_id": {"customFieldInfo": {"customFieldType": "PICKLIST", "customFieldLabel": "Ticket"}}}}})
    );
}

#[test]
fn avaya_error_notification_is_kept_whole() {
    let raw = &fixtures(SRC)[27];
    assert_eq!(
        decode_one(SRC, raw),
        json!({"kind": "crmMessage", "action": "displayErrorNotification", "data": raw["data"]})
    );
}

// --- Lenient spellings --------------------------------------------------------

#[test]
fn type_and_action_are_case_separator_and_prefix_insensitive() {
    let data = json!({"statusId": 42, "success": "false"});
    let expected = json!({"kind": "presence", "name": "42", "statusId": "42",
                          "available": false, "success": false});
    for (kind, action) in [
        ("ClientAppMessage", "omnichannelResponse"),
        ("clientappmessage", "OMNICHANNEL_RESPONSE"),
        ("client-app-message", "crm.omnichannelResponse"),
        ("CLIENTAPPMESSAGE", "onOmnichannelResponse"),
    ] {
        let raw = json!({"type": kind, "action": action, "data": data.clone()});
        assert_eq!(decode_one(SRC, &raw), expected, "{raw}");
    }
    let raw = json!({"type": "crmconnectmessage", "action": "RequestSyncOmnichannel",
                     "data": {"statusID": "Busy"}});
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "crmMessage", "action": "requestSyncOmnichannel",
               "data": {"statusID": "Busy"}})
    );
}

#[test]
fn directory_accepts_capitalized_keys_and_number_ids() {
    let raw = client(
        "crmDirectory",
        json!({"count": "1", "results": [
            {"Id": 17, "Name": "Jane", "Phone": 33123456789u64, "Email": null, "extra": 1}]}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "directory", "list": "crm",
               "entries": [{"id": "17", "name": "Jane", "number": "33123456789"}]})
    );
    let raw = client("crmDirectory", json!({"count": 0}));
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "directory", "list": "crm", "entries": []})
    );
}

#[test]
fn booleans_may_be_strings_or_numbers() {
    for v in [json!("true"), json!(1), json!(true)] {
        let raw = connector("requestEnableClickToDial", json!({"isEnabled": v}));
        assert_eq!(decode_one(SRC, &raw)["action"], "requestEnableClickToDial");
    }
}

// --- Outbound encoder --------------------------------------------------------

#[test]
fn envelope_builds_the_connector_message() {
    assert_eq!(
        envelope("requestEnableClickToDial", json!({"isEnabled": false})),
        json!({"type": "CRMConnectMessage", "action": "requestEnableClickToDial",
               "data": {"isEnabled": false}})
    );
    assert_eq!(
        request_sync_omnichannel("0N58d000000CaZ7CAK;Busy"),
        json!({"type": "CRMConnectMessage", "action": "requestSyncOmnichannel",
               "data": {"statusId": "0N58d000000CaZ7CAK;Busy", "success": true}})
    );
}

#[test]
fn every_connector_request_is_encoded_in_the_documented_shape() {
    let connector_bare = |action: &str| json!({"type": "CRMConnectMessage", "action": action});
    assert_eq!(bare("ready"), connector_bare("ready"));
    assert_eq!(
        request_get_crm_directory(),
        connector_bare("requestGetCrmDirectory")
    );
    assert_eq!(request_open_reports(), connector_bare("requestOpenReports"));
    assert_eq!(
        request_enable_click_to_dial(true),
        connector("requestEnableClickToDial", json!({"isEnabled": true}))
    );
    assert_eq!(
        request_navigate_to_click_to_dial_result("381226748"),
        connector(
            "requestNavigateToClickToDialResult",
            json!({"recordId": "381226748"})
        )
    );
    assert_eq!(
        request_custom_fields_values(&["case_id".into(), "".into()], &[]),
        connector(
            "requestCustomFieldsValues",
            json!({"object": {"voice": ["case_id", ""], "digital": []}})
        )
    );
    assert_eq!(
        request_perform_interaction_screen_pop(&["+14155550123".into()], None),
        connector(
            "requestPerformInteractionScreenPop",
            json!({"aniValues": ["+14155550123"]})
        )
    );
    let log = request_save_interaction_log(
        "c-1",
        json!({"interaction": {"intrinsics": {}}, "logDetails": {"customFields": []}}),
        json!({"seq": 3}),
    );
    assert_eq!(
        log,
        connector(
            "requestSaveInteractionLog",
            json!({
            "message": {"body": {"interactionId": "c-1",
                "interactionData": {"interaction": {"intrinsics": {}}, "logDetails": {"customFields": []}}}},
            "header": {"seq": 3}})
        )
    );
    // Each decodes back as the message it is.
    for (raw, kind) in [
        (request_get_crm_directory(), "crmMessage"),
        (request_open_reports(), "crmMessage"),
        (request_enable_click_to_dial(false), "crmMessage"),
        (request_navigate_to_click_to_dial_result("r"), "crmMessage"),
        (request_custom_fields_values(&[], &[]), "crmMessage"),
        (
            request_perform_interaction_screen_pop(&["1".into()], Some("c-1")),
            "screenPop",
        ),
        (log, "crmMessage"),
    ] {
        assert_eq!(decode_one(SRC, &raw)["kind"], kind, "{raw}");
    }
}

#[test]
fn encoded_messages_decode_back() {
    assert_eq!(
        decode_one(SRC, &request_sync_omnichannel("Busy")),
        json!({"kind": "crmMessage", "action": "requestSyncOmnichannel",
               "data": {"statusId": "Busy", "success": true}})
    );
    assert_eq!(
        decode_one(SRC, &envelope("requestCrmData", Value::Null)),
        json!({"kind": "crmMessage", "action": "requestCrmData"})
    );
    assert_eq!(
        decode_one(
            SRC,
            &envelope(
                "requestPerformInteractionScreenPop",
                json!({"aniValues": ["1"]})
            )
        ),
        json!({"kind": "screenPop", "ani": ["1"]})
    );
}

// --- Malformed input ---------------------------------------------------------

#[test]
fn malformed_envelopes_say_what_was_wrong() {
    let cases = [
        (json!([]), "expected a JSON object, got an array"),
        (json!("ready"), "expected a JSON object, got a string"),
        (json!({"action": "ready"}), "missing field `type`"),
        (json!({"type": 5, "action": "ready"}), "field `type`: expected a string, got a number"),
        (json!({"type": "WidgetMessage", "action": "ready"}),
         "unknown CRM Connector message type `WidgetMessage`"),
        (json!({"type": "ClientAppMessage"}), "missing field `action`"),
        (json!({"type": "ClientAppMessage", "action": null}), "missing field `action`"),
        (client("teleport", json!({})), "unknown ClientAppMessage action `teleport`"),
        (connector("requestTeleport", json!({})),
         "unknown CRMConnectMessage action `requestTeleport`"),
        (client("requestCrmData", json!({})),
         "action `requestCrmData`: `requestCrmData` is sent in a CRMConnectMessage, not in a ClientAppMessage"),
        (connector("omnichannelResponse", json!({"statusId": "A"})),
         "action `omnichannelResponse`: `omnichannelResponse` is sent in a ClientAppMessage, not in a CRMConnectMessage"),
        (connector("crm.omnichannel_response", json!({"statusId": "A"})),
         "action `crm.omnichannel_response`: `omnichannelResponse` is sent in a ClientAppMessage, not in a CRMConnectMessage"),
    ];
    for (raw, reason) in cases {
        assert_eq!(error_of(&raw), reason, "{raw}");
    }
}

#[test]
fn malformed_client_data_says_what_was_wrong() {
    let cases = [
        (json!({"type": "ClientAppMessage", "action": "omnichannelResponse"}),
         "missing field `data`"),
        (client("omnichannelResponse", Value::Null), "missing field `data`"),
        (client("omnichannelResponse", json!("Available")),
         "omnichannelResponse data: expected a JSON object, got a string"),
        (client("omnichannelResponse", json!({"success": true})),
         "omnichannelResponse: missing field `statusId`"),
        (client("omnichannelResponse", json!({"statusId": " ;Busy"})),
         "omnichannelResponse at statusId: empty status id in \" ;Busy\""),
        (client("omnichannelResponse", json!({"statusId": "A", "success": "maybe"})),
         "omnichannelResponse at success: invalid value: string \"maybe\", expected a boolean, \"true\"/\"false\" or 0/1"),
        (client("crmDirectory", json!({"results": [{"name": "Jane"}]})),
         "crmDirectory at results[0]: missing field `id`"),
        (client("crmDirectory", json!({"results": {"id": "1"}})),
         "crmDirectory at results: invalid type: map, expected a sequence"),
        (client("clickToDialResponse", json!({"recordId": "r1"})),
         "clickToDialResponse: no number (expected `onClickToDialResponse.number`, `crmPhones`, \
          `pageInfo.number`, `number`, `phoneNumber`, `phone` or `value`)"),
        (client("clickToDialResponse", json!({"number": ["1"], "crmPhones": [null, ""]})),
         "clickToDialResponse: no number (expected `onClickToDialResponse.number`, `crmPhones`, \
          `pageInfo.number`, `number`, `phoneNumber`, `phone` or `value`)"),
        (client("crmData", json!({"currentUser": "jane"})),
         "crmData at currentUser: invalid type: string \"jane\", expected struct CurrentUser"),
        (client("crmData", json!({"capabilities": []})),
         "crmData at capabilities: invalid type: sequence, expected a map"),
        (client("crmData", json!({"callCenterSettings": "{oops"})),
         "crmData at callCenterSettings: not valid JSON: key must be a string at line 1 column 2"),
        (client("createHistoryItem", json!({"taskId": {}})),
         "createHistoryItem at taskId: invalid type: map, expected a string, a number or null"),
        (client("customFieldsDataResponse", json!("{\"voice\": ")),
         "customFieldsDataResponse data: not valid JSON: EOF while parsing a value at line 1 column 10"),
        (client("customFieldsDataResponse", json!(12)),
         "customFieldsDataResponse data: expected a JSON string, got a number"),
    ];
    for (raw, reason) in cases {
        assert_eq!(error_of(&raw), reason, "{raw}");
    }
}

#[test]
fn malformed_connector_data_says_what_was_wrong() {
    let cases = [
        (connector("requestEnableClickToDial", json!({})),
         "requestEnableClickToDial: missing field `isEnabled`"),
        (connector("requestEnableClickToDial", json!({"isEnabled": "yes"})),
         "requestEnableClickToDial at isEnabled: invalid value: string \"yes\", expected a boolean, \"true\"/\"false\" or 0/1"),
        (connector("requestNavigateToClickToDialResult", json!({"recordId": null})),
         "requestNavigateToClickToDialResult at recordId: invalid type: null, expected a string or a number"),
        (connector("requestPerformInteractionScreenPop", json!({"aniValues": ["1", []]})),
         "requestPerformInteractionScreenPop at aniValues[1]: invalid type: sequence, expected a string or a number"),
        (connector("requestPerformInteractionScreenPop", json!({"aniValues": 5})),
         "requestPerformInteractionScreenPop at aniValues: invalid type: integer `5`, expected an array of strings"),
        (connector("requestSaveInteractionLog", json!({"message": {"body": {}}})),
         "requestSaveInteractionLog at message.body: missing field `interactionId`"),
        (connector("requestCustomFieldsValues", json!({"object": {"voice": "Case"}})),
         "requestCustomFieldsValues at object.voice: invalid type: string \"Case\", expected a sequence"),
        (connector("requestSyncOmnichannel", json!({"success": true})),
         "requestSyncOmnichannel: missing field `statusId`"),
        (connector("requestSyncOmnichannel", json!([1])),
         "requestSyncOmnichannel data: expected a JSON object, got an array"),
    ];
    for (raw, reason) in cases {
        assert_eq!(error_of(&raw), reason, "{raw}");
    }
}

#[test]
fn embedded_json_is_held_to_the_limits() {
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(
        error_of(&client("customFieldsDataResponse", json!(deep))),
        format!("customFieldsDataResponse data: message nests deeper than {MAX_DEPTH} levels")
    );
    let big = format!("\"{}\"", "x".repeat(MAX_MESSAGE_BYTES));
    assert_eq!(
        error_of(&client("customFieldsDataResponse", json!(big))),
        format!(
            "customFieldsDataResponse data: message is {} bytes, over the {MAX_MESSAGE_BYTES}-byte limit",
            MAX_MESSAGE_BYTES + 2
        )
    );
}

#[test]
fn too_deep_input_is_refused() {
    let v = common::nested("a");
    let raw = client("crmData", json!({"callCenterSettings": v}));
    assert!(matches!(
        decode(SRC, &raw),
        Err(DecodeError::TooDeep { .. })
    ));
}

// --- Hostile input -----------------------------------------------------------

const ACTIONS: [(&str, &str); 19] = [
    ("CRMConnectMessage", "ready"),
    ("CRMConnectMessage", "requestCrmData"),
    ("CRMConnectMessage", "requestGetCrmDirectory"),
    ("CRMConnectMessage", "requestEnableClickToDial"),
    ("CRMConnectMessage", "requestNavigateToClickToDialResult"),
    ("CRMConnectMessage", "requestPerformInteractionScreenPop"),
    ("CRMConnectMessage", "requestOpenReports"),
    ("CRMConnectMessage", "requestSaveInteractionLog"),
    ("CRMConnectMessage", "requestCustomFieldsValues"),
    ("CRMConnectMessage", "requestSyncOmnichannel"),
    ("ClientAppMessage", "ready"),
    ("ClientAppMessage", "omnichannelResponse"),
    ("ClientAppMessage", "crmDirectory"),
    ("ClientAppMessage", "clickToDialResponse"),
    ("ClientAppMessage", "crmData"),
    ("ClientAppMessage", "createHistoryItem"),
    ("ClientAppMessage", "displayErrorNotification"),
    ("ClientAppMessage", "customFieldsDataResponse"),
    ("ClientAppMessage", "unknownAction"),
];

proptest! {
    #[test]
    fn arbitrary_json_never_panics(v in arb_json(), i in 0usize..ACTIONS.len()) {
        let _ = decode(SRC, &v);
        let (kind, action) = ACTIONS[i];
        let _ = decode(SRC, &json!({"type": kind, "action": action, "data": v}));
    }

    #[test]
    fn arbitrary_ccdef_never_panics(v in arb_json()) {
        let _ = decode(SRC, &client("crmData", json!({"callCenterSettings": v})));
    }

    #[test]
    fn arbitrary_embedded_text_never_panics(s in ".{0,200}") {
        let _ = decode(SRC, &client("customFieldsDataResponse", json!(s)));
        let _ = decode(SRC, &client("omnichannelResponse", json!({"statusId": s})));
    }

}
