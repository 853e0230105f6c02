//! XiVO xuc codec: every seed sample, the extra message types, lenient
//! spellings, and hostile input.

mod common;

use common::{arb_json, decode, decode_one, fixtures};
use cti_bridge::model::Source;
use cti_bridge::DecodeError;
use proptest::prelude::*;
use serde_json::{json, Value};

const SRC: Source = Source::Xuc;

const CALLBACK_UUID: &str = "a967da84-bc41-4bf4-a4fc-2bcc54e11606";
const LIST_UUID: &str = "b0849ac0-4f4a-4ed0-9386-53ab2afd94b1";

/// Every body a message decodes to, as JSON.
fn decode_all(raw: &Value) -> Vec<Value> {
    let decoded = decode(SRC, raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
    decoded
        .bodies
        .iter()
        .map(|b| serde_json::to_value(b).expect("serializable"))
        .collect()
}

fn frame(msg_type: &str, cti: Value) -> Value {
    json!({"msgType": msg_type, "ctiMessage": cti})
}

fn callback_request() -> Value {
    json!({"uuid": CALLBACK_UUID, "listUuid": LIST_UUID,
           "phoneNumber": "0230210082", "mobilePhoneNumber": "0789654123",
           "firstName": "Alice", "lastName": "O'Neill", "company": "YourSociety",
           "description": null, "agentId": null, "dueDate": "2016-08-01",
           "preferredPeriod": {"default": false, "name": "Afternoon",
                               "periodStart": "14:00:00", "periodEnd": "17:00:00",
                               "uuid": "d3270038-e20e-498a-af71-3cf69b5cc792"}})
}

#[test]
fn every_fixture_decodes() {
    let f = fixtures(SRC);
    assert_eq!(f.len(), 41);
    for raw in &f {
        assert!(!decode_all(raw).is_empty(), "{raw}");
    }
}

// ---- Login errors (fixtures 0, 1; docs/protocols.md#xuc-agent-login) ----

#[test]
fn phone_number_unknown_is_an_agent_error() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[0]),
        json!({"kind": "agentError", "code": "PhoneNumberUnknown"})
    );
}

#[test]
fn logged_in_on_another_phone_keeps_both_numbers() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[1]),
        json!({"kind": "agentError", "code": "LoggedInOnAnotherPhone",
               "phoneNumber": "1002", "requestedNumber": "1001"})
    );
}

#[test]
fn login_errors_are_accepted_as_bare_frames() {
    assert_eq!(
        decode_one(SRC, &json!({"Error": "PhoneNumberUnknown"})),
        json!({"kind": "agentError", "code": "PhoneNumberUnknown"})
    );
    assert_eq!(
        decode_one(
            SRC,
            &json!({"Error": "LoggedInOnAnotherPhone", "phoneNb": "1002", "RequestedNb": "1001"})
        ),
        json!({"kind": "agentError", "code": "LoggedInOnAnotherPhone",
               "phoneNumber": "1002", "requestedNumber": "1001"})
    );
    // Lower-case keys and numbers for the phone numbers.
    assert_eq!(
        decode_one(
            SRC,
            &json!({"error": "LoggedInOnAnotherPhone", "phoneNb": 1002, "requestedNb": 1001, "agentId": 19})
        ),
        json!({"kind": "agentError", "code": "LoggedInOnAnotherPhone",
               "phoneNumber": "1002", "requestedNumber": "1001", "agentId": "19"})
    );
}

// ---- Queue membership (fixtures 2, 3; docs/protocols.md#xuc-queues) ----

#[test]
fn queue_member_event_sets_penalty() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[2]),
        json!({"kind": "queueMember", "agentId": "19", "queueId": "8", "penalty": 2})
    );
}

#[test]
fn queue_member_with_penalty_minus_one_is_a_removal() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[3]),
        json!({"kind": "queueMember", "agentId": "19", "queueId": "8", "penalty": -1})
    );
}

#[test]
fn queue_member_accepts_strings_and_snake_case() {
    let raw = frame(
        "QueueMember",
        json!({"agent_id": "19", "queue_id": "8", "queue_name": "bluesky", "penalty": "-1"}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "queueMember", "agentId": "19", "queueId": "8",
               "queueName": "bluesky", "penalty": -1})
    );
}

// ---- Sheet, RightProfile (fixtures 4, 5; docs/protocols.md#xuc-sheet) ----

#[test]
fn sheet_is_a_screen_pop_with_fields_in_display_order() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[4]),
        json!({"kind": "screenPop", "interactionId": "SIP/1k4yj2-00000013", "media": "voice",
               "fields": [
                 {"name": "popupUrl", "value": "http://www.google.fr/", "type": "url", "order": 10},
                 {"name": "popupUrl1", "value": "http://www.google.fr/", "type": "url", "order": 20},
                 {"name": "folderNumber", "value": "&folder=1234", "type": "text", "order": 30}],
               "data": {"timenow": 1425055334, "compressed": true, "serial": "xml"}})
    );
}

#[test]
fn sheet_fields_are_lenient() {
    let raw = frame(
        "Sheet",
        json!({"payload": {"profile": {"user": {"sheetInfo": [
            {"name": "noOrder", "value": 42},
            {"name": "second", "value": "b", "order": "2", "type": "text"},
            {"name": "first", "value": null, "order": 1, "type": "url"}]}}}}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "screenPop", "media": "voice", "fields": [
            {"name": "first", "value": "", "type": "url", "order": 1},
            {"name": "second", "value": "b", "type": "text", "order": 2},
            {"name": "noOrder", "value": "42", "type": "text"}]})
    );
}

#[test]
fn right_profile_lists_rights() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[5]),
        json!({"kind": "rights", "profile": "Supervisor", "rights": ["dissuasion", "recording"]})
    );
}

// ---- Agent states (fixtures 6..=13, field names 36..=38; docs/protocols.md#xuc-agent-states) ----

fn state(state: &str, vendor: &str, extra: Value) -> Value {
    let mut v = json!({"kind": "agentState", "state": state, "agentId": "19",
                       "vendorState": vendor, "phoneNumber": "1000",
                       "queues": ["8", "14", "170", "4", "1"]});
    if let (Some(obj), Some(more)) = (v.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    v
}

#[test]
fn agent_login_is_logged_in() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[6]),
        state(
            "loggedIn",
            "AgentLogin",
            json!({"data": {"since": 1423839787}})
        )
    );
}

#[test]
fn agent_ready_is_ready_with_cause() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[7]),
        state(
            "ready",
            "AgentReady",
            json!({"cause": "available", "data": {"since": 0}})
        )
    );
}

#[test]
fn agent_on_pause_is_not_ready_with_the_pause_reason() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[8]),
        state(
            "notReady",
            "AgentOnPause",
            json!({"reason": "available", "data": {"since": 0}})
        )
    );
}

#[test]
fn agent_on_wrapup_is_wrap_up() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[9]),
        state("wrapUp", "AgentOnWrapup", json!({"data": {"since": 2}}))
    );
}

#[test]
fn agent_ringing_dialing_and_on_call_are_busy() {
    let f = fixtures(SRC);
    // AgentOnCall also says how the call came (acd, direction, callType, monitorState).
    for (raw, vendor, data) in [
        (&f[10], "AgentRinging", json!({"since": 0})),
        (&f[11], "AgentDialing", json!({"since": 0})),
        (
            &f[12],
            "AgentOnCall",
            json!({"since": 0, "acd": false, "direction": "Incoming", "callType": "External",
                   "monitorState": "ACTIVE"}),
        ),
    ] {
        assert_eq!(
            decode_one(SRC, raw),
            state("busy", vendor, json!({"data": data}))
        );
    }
}

#[test]
fn agent_logged_out_is_logged_out() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[13]),
        state("loggedOut", "AgentLoggedOut", json!({"data": {"since": 0}}))
    );
}

#[test]
fn field_call_states_are_busy() {
    let f = fixtures(SRC);
    for (raw, vendor) in [
        (&f[36], "AgentOnIncomingCall"),
        (&f[37], "AgentOnOutgoingCall"),
        (&f[38], "AgentOnAcdCall"),
    ] {
        assert_eq!(
            decode_one(SRC, raw),
            json!({"kind": "agentState", "state": "busy", "agentId": "19",
                   "vendorState": vendor, "phoneNumber": "1000", "queues": ["8"],
                   "data": {"since": 0}})
        );
    }
}

#[test]
fn agent_state_names_and_types_are_lenient() {
    for (msg_type, name) in [
        ("AgentStateEvent", "agentonpause"),
        ("agentstateevent", "AGENT_ON_PAUSE"),
        ("Cti.AgentStateEvent", "Agent-On-Pause"),
        ("AGENT_STATE_EVENT", "xuc.AgentOnPause"),
    ] {
        let raw = frame(
            msg_type,
            json!({"name": name, "agentId": "19", "phoneNb": 1000, "queues": ["8", 14],
                   "cause": "lunch"}),
        );
        assert_eq!(
            decode_one(SRC, &raw),
            json!({"kind": "agentState", "state": "notReady", "reason": "lunch",
                   "agentId": "19", "vendorState": "AgentOnPause",
                   "phoneNumber": "1000", "queues": ["8", "14"]}),
            "{raw}"
        );
    }
    // Empty cause, null queues, no agent: only the state.
    let raw = frame(
        "AgentStateEvent",
        json!({"name": "AgentReady", "cause": "", "queues": null}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "agentState", "state": "ready", "vendorState": "AgentReady"})
    );
}

// ---- Directories and configuration (fixtures 14..=19; docs/protocols.md#xuc-agent-states) ----

#[test]
fn agent_directory_lists_agents_with_state() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[14]),
        json!({"kind": "directory", "list": "agents", "entries": [
            {"id": "8", "name": "bj agent", "number": "2000", "group": "1", "state": "ready"}]})
    );
}

#[test]
fn agent_directory_entry_without_state_has_none() {
    let raw = frame(
        "AgentDirectory",
        json!({"directory": [{"agent": {"id": 8, "lastName": "agent"}}]}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "directory", "list": "agents", "entries": [{"id": "8", "name": "agent"}]})
    );
}

#[test]
fn agent_config_lists_queue_memberships() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[15]),
        json!({"kind": "agentConfig", "agentId": "23", "name": "Jack Flash", "number": "2501",
               "context": "default", "queues": [
                 {"agentId": "23", "queueId": "1", "queueName": "queue1", "penalty": 1},
                 {"agentId": "23", "queueId": "2", "queueName": "queue2", "penalty": 2}]})
    );
}

#[test]
fn agent_config_accepts_camel_case_and_string_penalties() {
    let raw = frame(
        "AgentConfig",
        json!({"id": "23", "firstName": "Jack", "number": 2501,
               "member": [{"queueId": "1", "queueName": "q", "penalty": "3"}]}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "agentConfig", "agentId": "23", "name": "Jack", "number": "2501",
               "queues": [{"agentId": "23", "queueId": "1", "queueName": "q", "penalty": 3}]})
    );
}

#[test]
fn agent_list_is_a_directory_of_agent_configs() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[16]),
        json!({"kind": "directory", "list": "agentConfigs", "entries": [
            {"id": "24", "name": "John Waynes", "number": "2601", "group": "1"},
            {"id": "20", "name": "Maricé Saprïtchà", "number": "2602", "group": "1"},
            {"id": "147", "name": "Etienne Burgad", "number": "30000", "group": "1"},
            {"id": "148", "name": "Caroline HERONDE", "number": "29000", "group": "2"},
            {"id": "149", "name": "Eude GARTEL", "number": "75000", "group": "3"},
            {"id": "22", "name": "Alice Johnson", "number": "2058", "group": "5"}]})
    );
}

#[test]
fn agent_listen_reports_start_and_stop() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[17]),
        json!({"kind": "listen", "agentId": "22", "started": false, "phoneNumber": "1058"})
    );
    let raw = frame("AgentListen", json!({"started": "true", "agentId": 22}));
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "listen", "agentId": "22", "started": true})
    );
}

#[test]
fn agent_group_list_is_a_directory_of_groups() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[18]),
        json!({"kind": "directory", "list": "agentGroups", "entries": [
            {"id": "1", "name": "default"}, {"id": "2", "name": "boats"},
            {"id": "3", "name": "broum"}, {"id": "4", "name": "bingba3nguh"},
            {"id": "5", "name": "salesexpert"}, {"id": "6", "name": "a_very_long_group_name"}]})
    );
}

#[test]
fn agent_statistics_map_names_to_values() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[19]),
        json!({"kind": "statistics", "agentId": "22", "values": {
            "AgentPausedTotalTime": 0, "AgentWrapupTotalTime": 0, "AgentReadyTotalTime": 434,
            "LoginDateTime": "2015-04-27T08:15:01.081+02:00",
            "LogoutDateTime": "2015-04-27T08:14:49.427+02:00"}})
    );
}

// ---- Callbacks (fixtures 20..=25; docs/protocols.md#xuc-callbacks) ----

#[test]
fn callback_lists_keep_the_list() {
    let raw = &fixtures(SRC)[20];
    assert_eq!(
        decode_one(SRC, raw),
        json!({"kind": "callback", "action": "lists", "listUuid": LIST_UUID,
               "data": {"uuid": LIST_UUID, "name": "Liste de test", "queueId": 1,
                        "callbacks": [callback_request()]}})
    );
}

#[test]
fn callback_lists_as_an_array_give_one_event_per_list() {
    let raw = frame(
        "CallbackLists",
        json!([{"uuid": "l1", "name": "A", "callbacks": []},
               {"uuid": "l2", "name": "B", "callbacks": []}]),
    );
    assert_eq!(
        decode_all(&raw),
        vec![
            json!({"kind": "callback", "action": "lists", "listUuid": "l1",
                   "data": {"uuid": "l1", "name": "A", "callbacks": []}}),
            json!({"kind": "callback", "action": "lists", "listUuid": "l2",
                   "data": {"uuid": "l2", "name": "B", "callbacks": []}}),
        ]
    );
    assert_eq!(
        decode_all(&frame("CallbackLists", json!([]))),
        vec![json!({"kind": "callback", "action": "lists", "data": []})]
    );
}

#[test]
fn callback_taken_names_the_agent() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[21]),
        json!({"kind": "callback", "action": "taken", "uuid": CALLBACK_UUID, "agentId": "2"})
    );
}

#[test]
fn callback_started_carries_the_ticket() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[22]),
        json!({"kind": "callback", "action": "started", "uuid": CALLBACK_UUID,
               "ticketUuid": "8e82de0f-847a-4606-97bf-bef5a18ea8b0"})
    );
}

#[test]
fn callback_clotured_and_released() {
    let f = fixtures(SRC);
    for (raw, action) in [(&f[23], "clotured"), (&f[24], "released")] {
        assert_eq!(
            decode_one(SRC, raw),
            json!({"kind": "callback", "action": action, "uuid": CALLBACK_UUID})
        );
    }
}

#[test]
fn callback_request_updated_keeps_the_request() {
    let expected = json!({"kind": "callback", "action": "updated", "uuid": CALLBACK_UUID,
                          "listUuid": LIST_UUID, "data": callback_request()});
    assert_eq!(decode_one(SRC, &fixtures(SRC)[25]), expected);
    // The request without its `request` wrapper.
    let raw = frame("CallbackRequestUpdated", callback_request());
    assert_eq!(decode_one(SRC, &raw), expected);
}

// ---- Connection frames (docs/protocols.md#xuc-frames, fixtures 26..=29) ----

#[test]
fn logged_on_confirms_the_connection() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[26]),
        json!({"kind": "connection", "status": "confirmed"})
    );
    assert_eq!(
        decode_one(SRC, &json!({"msgType": "LoggedOn"})),
        json!({"kind": "connection", "status": "confirmed"})
    );
}

#[test]
fn link_status_update_reports_up_and_down() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[27]),
        json!({"kind": "connection", "status": "up"})
    );
    assert_eq!(
        decode_one(SRC, &f[28]),
        json!({"kind": "connection", "status": "down"})
    );
}

#[test]
fn link_status_update_opened_and_closed_as_cti_js_publishes_them() {
    // xuc's cti.js publishes {status: "opened"} / {status: "closed"} to the
    // page when its socket opens / closes (docs/protocols.md#xuc-link-status).
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[39]),
        json!({"kind": "connection", "status": "up"})
    );
    assert_eq!(
        decode_one(SRC, &f[40]),
        json!({"kind": "connection", "status": "down"})
    );
}

#[test]
fn heartbeat_answer_is_a_pong() {
    for raw in [
        json!({"msgType": "Pong", "ctiMessage": {}}),
        json!({"msgType": "pong"}),
        json!({"msgType": "PONG", "ctiMessage": null}),
    ] {
        assert_eq!(
            decode_one(SRC, &raw),
            json!({"kind": "connection", "status": "pong"}),
            "{raw}"
        );
    }
}

#[test]
fn link_status_update_is_lenient() {
    for (cti, status) in [
        (json!({"status": "Opened"}), "up"),
        (json!("closed"), "down"),
        (json!({"status": "UP"}), "up"),
        (json!({"status": "LinkDown"}), "down"),
        (json!("up"), "up"),
        (json!("Down"), "down"),
    ] {
        assert_eq!(
            decode_one(SRC, &frame("LinkStatusUpdate", cti.clone())),
            json!({"kind": "connection", "status": status}),
            "{cti}"
        );
    }
}

#[test]
fn error_frame_is_a_connection_error_with_detail() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[29]),
        json!({"kind": "connection", "status": "error", "detail": "Authentication failed"})
    );
    for (cti, detail) in [
        (json!("Invalid token"), json!("Invalid token")),
        (json!({"message": "Link lost"}), json!("Link lost")),
        (json!({"code": 7}), json!("{\"code\":7}")),
        (json!(7), json!("7")),
    ] {
        assert_eq!(
            decode_one(SRC, &frame("Error", cti.clone())),
            json!({"kind": "connection", "status": "error", "detail": detail}),
            "{cti}"
        );
    }
    assert_eq!(
        decode_one(SRC, &json!({"msgType": "Error"})),
        json!({"kind": "connection", "status": "error"})
    );
}

// ---- Phone events (docs/protocols.md#xuc-phone-events, fixtures 30..=35) ----

#[test]
fn phone_ringing_is_an_inbound_alerting_call_with_user_data() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[30]),
        json!({"kind": "interaction", "id": "1469709757.74", "phase": "alerting",
               "media": "voice", "direction": "inbound", "from": "0427466347", "to": "1000",
               "queue": "bluesky", "vendorEvent": "EventRinging",
               "data": {"XIVO_CONTEXT": "from-extern", "XIVO_USERID": "1",
                        "USR_var1": "val1", "USR_var2": "val2",
                        "XIVO_EXTENPATTERN": "_012305XXXX", "XIVO_SRCNUM": "0427466347",
                        "XIVO_DST_FIRSTNAME": "Brucé", "XIVO_DSTNUM": "0123053012",
                        "XIVO_DST_LASTNAME": "Wail", "uniqueId": "1469709960.78"}})
    );
}

#[test]
fn phone_established_on_hold_and_released() {
    let f = fixtures(SRC);
    for (raw, phase, vendor) in [
        (&f[31], "connected", "EventEstablished"),
        (&f[32], "held", "EventOnHold"),
        (&f[33], "done", "EventReleased"),
    ] {
        assert_eq!(
            decode_one(SRC, raw),
            json!({"kind": "interaction", "id": "1469709757.74", "phase": phase,
                   "media": "voice", "queue": "bluesky", "vendorEvent": vendor,
                   "data": {"USR_var1": "val1", "DN": "1000", "otherDN": "0427466347",
                            "uniqueId": "1469709960.78"}})
        );
    }
}

#[test]
fn phone_dialing_is_an_outbound_call() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[34]),
        json!({"kind": "interaction", "id": "1469710000.80", "phase": "dialing",
               "media": "voice", "direction": "outbound", "from": "1000", "to": "0612345678",
               "vendorEvent": "EventDialing"})
    );
}

#[test]
fn phone_failure_is_done_with_a_reason() {
    assert_eq!(
        decode_one(SRC, &fixtures(SRC)[35]),
        json!({"kind": "interaction", "id": "1469710000.80", "phase": "done",
               "media": "voice", "reason": "failure", "vendorEvent": "EventFailure",
               "data": {"DN": "1000", "otherDN": "0612345678"}})
    );
}

#[test]
fn phone_events_are_lenient() {
    // Lower-case event type, only a uniqueId, an explicit call direction.
    let raw = frame(
        "phoneevent",
        json!({"eventType": "eventestablished", "DN": 1000, "otherDN": "0427466347",
               "uniqueId": 1469709960.78, "callDirection": "Incoming", "userData": null}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "interaction", "id": "1469709960.78", "phase": "connected",
               "media": "voice", "direction": "inbound", "from": "0427466347", "to": "1000",
               "vendorEvent": "EventEstablished"})
    );
    let raw = frame(
        "PhoneEvent",
        json!({"eventType": "EventOnHold", "DN": "1000", "otherDN": "0612345678",
               "linkedId": "L1", "callDirection": "Outgoing"}),
    );
    assert_eq!(
        decode_one(SRC, &raw),
        json!({"kind": "interaction", "id": "L1", "phase": "held", "media": "voice",
               "direction": "outbound", "from": "1000", "to": "0612345678",
               "vendorEvent": "EventOnHold"})
    );
}

// ---- Malformed input ----

#[test]
fn malformed_messages_say_what_was_wrong() {
    let cases = [
        (json!([]), "expected a JSON object, got an array"),
        (json!({"ctiMessage": {}}), "missing field `msgType`"),
        (json!({"msgType": 5, "ctiMessage": {}}), "field `msgType`: expected a string, got a number"),
        (frame("AgentTeleport", json!({})), "unknown xuc message type `AgentTeleport`"),
        (json!({"msgType": "AgentStateEvent"}), "missing field `ctiMessage`"),
        (frame("AgentStateEvent", Value::Null), "missing field `ctiMessage`"),
        (frame("AgentStateEvent", json!({"name": "AgentFlying"})), "unknown xuc agent state `AgentFlying`"),
        (frame("AgentStateEvent", json!({"agentId": 19})), "AgentStateEvent: missing field `name`"),
        (frame("AgentStateEvent", json!({"name": "AgentReady", "queues": [[]]})),
         "AgentStateEvent at queues[0]: invalid type: sequence, expected a string or a number"),
        (frame("AgentStateEvent", json!("AgentReady")),
         "AgentStateEvent: invalid type: string \"AgentReady\", expected struct AgentStateWire"),
        (frame("PhoneEvent", json!({"eventType": "EventRinging", "DN": "1000"})),
         "PhoneEvent: missing field `linkedId` (or `uniqueId`)"),
        (frame("PhoneEvent", json!({"eventType": "EventTeleport", "linkedId": "1"})),
         "unknown xuc phone event `EventTeleport`"),
        (frame("PhoneEvent", json!({"eventType": "EventRinging", "linkedId": "1", "userData": "x"})),
         "PhoneEvent at userData: invalid type: string \"x\", expected a map"),
        (frame("LinkStatusUpdate", json!({"status": "sideways"})), "unknown xuc link status `sideways`"),
        (frame("LinkStatusUpdate", json!({})), "missing field `status`"),
        (frame("LinkStatusUpdate", json!(5)), "LinkStatusUpdate: expected an object or a string, got a number"),
        (frame("AgentList", json!({"id": 1})), "AgentList: invalid type: map, expected a sequence"),
        (frame("AgentGroupList", json!([{"name": "x"}])), "AgentGroupList at [0]: missing field `id`"),
        (frame("Sheet", json!({"payload": "eJzLSM3JyQcABiwCFQ=="})),
         "Sheet at payload: invalid type: string \"eJzLSM3JyQcABiwCFQ==\", expected struct SheetPayload"),
        (frame("QueueMember", json!({"agentId": 1, "queueId": 2, "penalty": "high"})),
         "QueueMember at penalty: invalid value: string \"high\", expected an integer or a string holding one"),
        (frame("AgentDirectory", json!({"directory": [{"agent": {"id": 1}, "agentState": {"name": "AgentX"}}]})),
         "unknown xuc agent state `AgentX`"),
        (frame("AgentStatistics", json!({"id": 22})), "AgentStatistics: missing field `statistics`"),
        (frame("AgentListen", json!({"started": "maybe", "agentId": 1})),
         "AgentListen at started: invalid value: string \"maybe\", expected a boolean, \"true\"/\"false\" or 0/1"),
        (frame("RightProfile", json!({"rights": []})), "RightProfile: missing field `profile`"),
        (frame("AgentError", json!({"phoneNb": "1002"})), "AgentError: missing field `Error`"),
        (json!({"Error": []}), "AgentError at Error: invalid type: sequence, expected a string or a number"),
        (frame("CallbackLists", json!([{"uuid": "l1"}, {"name": "B"}])), "CallbackLists[1]: missing field `uuid`"),
        (frame("CallbackTaken", json!({"agentId": 2})), "CallbackTaken: missing field `uuid`"),
        (frame("CallbackStarted", json!({"ticketUuid": "t"})), "CallbackStarted: missing field `requestUuid`"),
        (frame("CallbackRequestUpdated", json!({"request": {"listUuid": "l"}})),
         "CallbackRequestUpdated request: missing field `uuid`"),
    ];
    common::assert_errors(SRC, &cases);
}

#[test]
fn too_deep_input_is_refused() {
    let v = common::nested("payload");
    let raw = frame("Sheet", v);
    assert!(matches!(
        decode(SRC, &raw),
        Err(DecodeError::TooDeep { .. })
    ));
}

// ---- Hostile input never panics ----

const MSG_TYPES: [&str; 23] = [
    "AgentStateEvent",
    "Sheet",
    "RightProfile",
    "AgentDirectory",
    "AgentConfig",
    "AgentList",
    "AgentListen",
    "AgentGroupList",
    "AgentStatistics",
    "QueueMember",
    "AgentError",
    "LoggedOn",
    "LinkStatusUpdate",
    "Pong",
    "Error",
    "PhoneEvent",
    "CallbackLists",
    "CallbackTaken",
    "CallbackStarted",
    "CallbackClotured",
    "CallbackReleased",
    "CallbackRequestUpdated",
    "Unknown",
];

proptest! {
    #[test]
    fn arbitrary_json_never_panics(v in arb_json(), t in 0usize..MSG_TYPES.len()) {
        let _ = decode(SRC, &v);
        let _ = decode(SRC, &frame(MSG_TYPES[t], v));
    }

    #[test]
    fn arbitrary_agent_state_names_never_panic(name in ".{0,40}") {
        let _ = decode(SRC, &frame("AgentStateEvent", json!({"name": name})));
        let _ = decode(SRC, &frame("PhoneEvent", json!({"eventType": name, "linkedId": "1"})));
        let _ = decode(SRC, &frame(&name, json!({})));
    }
}
