//! AgentDesktop codec: every fixture (one per documented event name, full contact
//! life cycles), lenient spellings, hostile input and the outbound commands.

mod common;

use common::{arb_json, decode, decode_one, fixtures};
use cti_bridge::codec::agentdesktop;
use cti_bridge::model::Source;
use cti_bridge::DecodeError;
use proptest::prelude::*;
use serde_json::{json, Value};

const SRC: Source = Source::Agentdesktop;

/// Merges `extra` into the object `base` (test-side shorthand for shared fields).
fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

/// The normalized inbound telephony contact of fixtures 1..=13.
fn tel(phase: &str, vendor: &str, data: Value, call_data: Value) -> Value {
    let data = with(
        json!({"id": "1184562", "job_type": "inbound", "service": "ASSISTENZA", "isACD": true,
               "callData": call_data}),
        data,
    );
    json!({"kind": "interaction", "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
           "phase": phase, "media": "telephony", "direction": "inbound",
           "from": "0612345678", "to": "800123456", "queue": "Supporto_Tecnico",
           "vendorEvent": vendor, "data": data})
}

fn tel_cd() -> Value {
    json!({"CUSTOMER_ID": "C-000427", "LINGUA": "it"})
}

fn tel_cd2() -> Value {
    json!({"CUSTOMER_ID": "C-000427", "LINGUA": "it", "TICKET_ID": "INC0012345"})
}

/// The normalized chat contact of fixtures 14..=21.
fn chat(phase: &str, vendor: &str, data: Value) -> Value {
    let data = with(
        json!({"id": "1184590", "chat_id": "vvc-5f1a2b3c4d", "job_type": "inbound",
               "service": "CHAT_WEB", "isACD": true,
               "callData": {"NOME": "Mario Rossi", "ORDINE": "4711"}}),
        data,
    );
    json!({"kind": "interaction", "id": "3f2b8c1d-5e6a-4b7c-9d8e-0a1b2c3d4e5f",
           "phase": phase, "media": "chat", "direction": "inbound",
           "from": "mario.rossi@example.it", "to": "CHAT_SITO", "queue": "Chat_Vendite",
           "vendorEvent": vendor, "data": data})
}

/// The normalized manual outbound call of fixtures 23..=26.
fn out(phase: &str, vendor: &str, data: Value) -> Value {
    let data = with(
        json!({"id": "1184620", "job_type": "manual", "isACD": false}),
        data,
    );
    json!({"kind": "interaction", "id": "9a8b7c6d-1e2f-4a3b-8c5d-6e7f8091a2b3",
           "phase": phase, "media": "telephony", "direction": "outbound",
           "from": "0287654321", "to": "3351234567",
           "vendorEvent": vendor, "data": data})
}

fn check(indexes: std::ops::RangeInclusive<usize>, expected: Vec<Value>) {
    let f = fixtures(SRC);
    let got: Vec<Value> = indexes.clone().map(|i| decode_one(SRC, &f[i])).collect();
    assert_eq!(got.len(), expected.len());
    for ((i, g), e) in indexes.zip(got).zip(expected) {
        assert_eq!(g, e, "fixture {i}: {}", f[i]);
    }
}

#[test]
fn every_fixture_decodes() {
    let f = fixtures(SRC);
    assert_eq!(f.len(), 36);
    for raw in &f {
        decode_one(SRC, raw);
    }
}

#[test]
fn operator_events_decode_as_agent_states() {
    let f = fixtures(SRC);
    let cases = [
        (
            0,
            json!({"kind": "agentState", "state": "ready", "vendorState": "LOGGEDIN"}),
        ),
        (
            28,
            json!({"kind": "agentState", "state": "notReady", "vendorState": "PAUSE"}),
        ),
        (
            29,
            json!({"kind": "agentState", "state": "notReady", "reason": "1701",
                    "vendorState": "PAUSESUBSTATE"}),
        ),
        (
            30,
            json!({"kind": "agentState", "state": "ready", "vendorState": "LOGGEDIN"}),
        ),
        (
            31,
            json!({"kind": "agentState", "state": "notReady", "cause": "forced",
                    "vendorState": "FORCED"}),
        ),
        (
            32,
            json!({"kind": "agentState", "state": "loggedOut", "vendorState": "LOGGEDOUT"}),
        ),
    ];
    for (i, expected) in cases {
        assert_eq!(decode_one(SRC, &f[i]), expected, "fixture {i}");
    }
}

#[test]
fn inbound_telephony_life_cycle_before_the_conversation() {
    let pop = json!({"kind": "screenPop", "interactionId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                     "ani": ["0612345678"], "dnis": "800123456", "media": "telephony",
                     "queue": "Supporto_Tecnico",
                     "fields": [{"name": "CUSTOMER_ID", "value": "C-000427", "type": "text"},
                                {"name": "LINGUA", "value": "it", "type": "text"}],
                     "data": {"id": "1184562", "type": "inbound", "job_type": "inbound",
                              "service": "ASSISTENZA", "isACD": true}});
    check(
        1..=5,
        vec![
            tel("offered", "JOBSCHEDULED", json!({}), tel_cd()),
            tel("offered", "JOBCHANGED - Setup", json!({}), tel_cd()),
            tel("created", "CONNECTIONSTARTED", json!({}), tel_cd()),
            tel("alerting", "RINGING", json!({}), tel_cd()),
            pop,
        ],
    );
}

#[test]
fn inbound_telephony_life_cycle_conversation_and_wrap_up() {
    let st = json!({"startTime": 1718093415123_i64});
    let on = json!({"startTime": 1718093415123_i64, "job_state": "online"});
    let ended = json!({"startTime": 1718093415123_i64, "endTime": 1718093702456_i64,
                       "job_state": "online"});
    let acw = json!({"startTime": 1718093415123_i64, "endTime": 1718093702456_i64,
                     "job_state": "offline", "offlineStartTime": 1718093702501_i64});
    let done = with(acw.clone(), json!({"offlineEndTime": 1718093760830_i64}));
    check(
        6..=13,
        vec![
            tel("connected", "ESTABLISHED", st, tel_cd()),
            tel("connected", "JOBSTARTED", on.clone(), tel_cd()),
            tel("updated", "DATACHANGED", on.clone(), tel_cd2()),
            tel("held", "HELD", on.clone(), tel_cd2()),
            tel("resumed", "RETRIEVED", on, tel_cd2()),
            tel("ended", "CONNECTIONCLEARED", ended, tel_cd2()),
            tel("wrapUp", "JOBCHANGED - Offline", acw, tel_cd2()),
            with(
                tel("done", "JOBFINISHED", done, tel_cd2()),
                json!({"reason": "RISOLTO"}),
            ),
        ],
    );
}

#[test]
fn chat_life_cycle() {
    let st = json!({"startTime": 1718094001200_i64, "job_state": "online"});
    let ended = json!({"startTime": 1718094001200_i64, "endTime": 1718094388950_i64,
                       "job_state": "online"});
    let acw = json!({"startTime": 1718094001200_i64, "endTime": 1718094388950_i64,
                     "job_state": "offline", "offlineStartTime": 1718094389002_i64});
    let done = with(acw.clone(), json!({"offlineEndTime": 1718094420117_i64}));
    check(
        14..=21,
        vec![
            chat("offered", "JOBSCHEDULED", json!({})),
            chat("offered", "JOBCHANGED - Setup", json!({})),
            json!({"kind": "screenPop", "interactionId": "3f2b8c1d-5e6a-4b7c-9d8e-0a1b2c3d4e5f",
                   "ani": ["mario.rossi@example.it"], "dnis": "CHAT_SITO", "media": "chat",
                   "queue": "Chat_Vendite",
                   "fields": [{"name": "NOME", "value": "Mario Rossi", "type": "text"},
                              {"name": "ORDINE", "value": "4711", "type": "text"}],
                   "data": {"id": "1184590", "chat_id": "vvc-5f1a2b3c4d", "type": "inbound",
                            "job_type": "inbound", "service": "CHAT_WEB", "isACD": true}}),
            chat(
                "connected",
                "ESTABLISHED",
                json!({"startTime": 1718094001200_i64}),
            ),
            chat("connected", "JOBSTARTED", st),
            chat("ended", "CONNECTIONCLEARED", ended),
            chat("wrapUp", "JOBCHANGED - Offline", acw),
            with(
                chat("done", "JOBFINISHED", done),
                json!({"reason": "INFORMAZIONI"}),
            ),
        ],
    );
}

#[test]
fn email_channel_contact_uses_content_type_as_media() {
    check(
        22..=22,
        vec![
            json!({"kind": "interaction", "id": "c0ffee00-1234-4abc-8def-0123456789ab",
                    "phase": "offered", "media": "email", "direction": "inbound",
                    "from": "cliente@example.it", "to": "assistenza@example.it",
                    "queue": "Backoffice_Email", "vendorEvent": "JOBSCHEDULED",
                    "data": {"id": "1184611", "media_type": "channel",
                             "content_description": "Richiesta rimborso ordine 4711",
                             "job_type": "inbound", "service": "EMAIL", "isACD": true}}),
        ],
    );
}

#[test]
fn manual_outbound_call_life_cycle() {
    check(
        23..=26,
        vec![
            out("created", "CONNECTIONSTARTED", json!({})),
            out("dialing", "DIALING", json!({})),
            out(
                "connected",
                "ESTABLISHED",
                json!({"startTime": 1718095010000_i64}),
            ),
            // A manual call (isACD false) has no Offline phase: cleared is done.
            out(
                "done",
                "CONNECTIONCLEARED",
                json!({"startTime": 1718095010000_i64, "endTime": 1718095125400_i64}),
            ),
        ],
    );
}

#[test]
fn call_task_dials_outbound_and_keeps_its_type() {
    check(
        27..=27,
        vec![
            json!({"kind": "interaction", "id": "5d4c3b2a-9f8e-4d7c-b6a5-0f1e2d3c4b5a",
                    "phase": "dialing", "media": "telephony", "direction": "outbound",
                    "from": "0287654321", "to": "0698765432", "queue": "Richiamate",
                    "vendorEvent": "DIALING",
                    "data": {"id": "1184633", "type": "callTask", "job_type": "previewAgent",
                             "service": "RICHIAMATE", "isACD": true,
                             "callData": {"CALLBACK_ID": "CB-2231"}}}),
        ],
    );
}

#[test]
fn event_names_are_case_separator_and_prefix_insensitive() {
    for name in ["ringing", "Ringing", "AD_RINGING", "onRinging", "RING-ING"] {
        let v = decode_one(SRC, &json!({"event": name, "id": "7"}));
        assert_eq!(
            v,
            json!({"kind": "interaction", "id": "7", "phase": "alerting",
                   "vendorEvent": "RINGING"}),
            "{name}"
        );
    }
    let v = decode_one(SRC, &json!({"event": "loggedIn"}));
    assert_eq!(v["state"], "ready");
}

#[test]
fn pause_substate_code_in_name_or_field() {
    let expected = |code: &str| {
        json!({"kind": "agentState", "state": "notReady", "reason": code,
               "vendorState": "PAUSESUBSTATE"})
    };
    for raw in [
        json!({"event": "PAUSESUBSTATE [1701]"}),
        json!({"event": "PAUSESUBSTATE 1701"}),
        json!({"event": "pausesubstate(1701)"}),
        json!({"event": "PAUSESUBSTATE_1701"}),
        json!({"event": "AD.PAUSESUBSTATE [1701]"}),
        json!({"event": "PAUSESUBSTATE", "code": 1701}),
        json!({"event": "PAUSESUBSTATE", "substate": "1701"}),
        json!({"event": "PAUSESUBSTATE", "subState": 1701}),
        json!({"event": "PAUSESUBSTATE", "reason": "1701"}),
        // The name wins over a field.
        json!({"event": "PAUSESUBSTATE [1701]", "code": "9999"}),
    ] {
        assert_eq!(decode_one(SRC, &raw), expected("1701"), "{raw}");
    }
    // A qualifier that happens to end like another event name stays a code.
    assert_eq!(
        decode_one(SRC, &json!({"event": "PAUSESUBSTATE [HELD]"})),
        expected("HELD")
    );
    // Without any code it is still a pause.
    assert_eq!(
        decode_one(SRC, &json!({"event": "PAUSESUBSTATE"})),
        json!({"kind": "agentState", "state": "notReady", "vendorState": "PAUSESUBSTATE"})
    );
}

#[test]
fn jobchanged_phase_is_told_apart_leniently() {
    let cases = [
        (json!({"event": "JOBCHANGED - Setup", "id": "1"}), "offered"),
        (json!({"event": "JOBCHANGED Setup", "id": "1"}), "offered"),
        (
            json!({"event": "jobchanged", "id": "1", "job_state": "setup"}),
            "offered",
        ),
        (
            json!({"event": "JOBCHANGED", "id": "1", "job_state": "Online"}),
            "offered",
        ),
        (
            json!({"event": "JOBCHANGED", "id": "1", "phase": "Setup"}),
            "offered",
        ),
        (json!({"event": "JOBCHANGED", "id": "1"}), "offered"),
        (
            json!({"event": "JOBCHANGED - Offline", "id": "1"}),
            "wrapUp",
        ),
        (json!({"event": "JOBCHANGED_OFFLINE", "id": "1"}), "wrapUp"),
        (
            json!({"event": "JOBCHANGED", "id": "1", "job_state": "Offline"}),
            "wrapUp",
        ),
        (
            json!({"event": "JOBCHANGED", "id": "1", "jobState": "OFFLINE"}),
            "wrapUp",
        ),
        (
            json!({"event": "JOBCHANGED", "id": "1", "job_phase": "offline"}),
            "wrapUp",
        ),
        // The name wins over the field.
        (
            json!({"event": "JOBCHANGED - Offline", "id": "1", "job_state": "online"}),
            "wrapUp",
        ),
    ];
    for (raw, phase) in cases {
        let v = decode_one(SRC, &raw);
        assert_eq!(v["phase"], phase, "{raw}");
        let vendor = if phase == "offered" {
            "JOBCHANGED - Setup"
        } else {
            "JOBCHANGED - Offline"
        };
        assert_eq!(v["vendorEvent"], vendor, "{raw}");
    }
    let v = decode_one(SRC, &json!({"event": "JOBSTARTED - Online", "uuid": "u"}));
    assert_eq!(v["phase"], "connected");
}

#[test]
fn lenient_fields_numbers_booleans_aliases_and_call_data_shapes() {
    let v = decode_one(
        SRC,
        &json!({"event": "ESTABLISHED", "id": 1184562, "mediaType": "telephony",
                "type": "INBOUND", "ani": 612345678, "isACD": "true",
                "startTime": "1718093415123", "endTime": "2024-06-11T08:10:15Z",
                "callData": {"A": 1, "B": "x"}, "campaign": "Estate24"}),
    );
    assert_eq!(
        v,
        json!({"kind": "interaction", "id": "1184562", "phase": "connected",
               "media": "telephony", "direction": "inbound", "from": "612345678",
               "vendorEvent": "ESTABLISHED",
               "data": {"isACD": true, "startTime": 1718093415123_i64,
                        "endTime": "2024-06-11T08:10:15Z",
                        "callData": {"A": 1, "B": "x"}, "campaign": "Estate24"}})
    );
    // The MakeCall "A=1;B=2" string form, and direction from job_type.
    let v = decode_one(
        SRC,
        &json!({"event": "DATACHANGED", "uuid": "u", "job_type": "predictive",
                "CallData": "A=1;B=2;FLAG"}),
    );
    assert_eq!(v["direction"], "outbound");
    assert_eq!(
        v["data"]["callData"],
        json!({"A": "1", "B": "2", "FLAG": ""})
    );
    // Screen pop values of other types become text; chat_id alone implies chat.
    let v = decode_one(
        SRC,
        &json!({"event": "popup", "chat_id": "c1",
                "CallData": [{"name": "N", "value": 5}, {"Name": "M", "Value": null}]}),
    );
    assert_eq!(
        v,
        json!({"kind": "screenPop", "media": "chat",
               "fields": [{"name": "N", "value": "5", "type": "text"},
                          {"name": "M", "value": "", "type": "text"}],
               "data": {"chat_id": "c1"}})
    );
}

#[test]
fn malformed_messages_say_what_was_wrong() {
    let cases = [
        (json!([]), "expected a JSON object, got an array"),
        (json!({"id": "1"}), "missing field `event`"),
        (json!({"event": 5}), "field `event`: expected a string, got a number"),
        (json!({"event": "TELEPORTED"}), "unknown AgentDesktop event `TELEPORTED`"),
        (json!({"event": ""}), "unknown AgentDesktop event ``"),
        (json!({"event": "HELD 7"}), "unknown AgentDesktop event `HELD 7`"),
        (json!({"event": "JOBSTARTED - Offline", "id": "1"}),
         "unknown AgentDesktop event `JOBSTARTED - Offline`"),
        (json!({"event": "JOBCHANGED - Preview", "id": "1"}),
         "unknown AgentDesktop JOBCHANGED phase `Preview`"),
        (json!({"event": "JOBCHANGED", "id": "1", "job_state": "paused"}),
         "unknown AgentDesktop job_state `paused`"),
        (json!({"event": "RINGING", "ani": "1"}), "RINGING: missing field `uuid` (or `id`)"),
        (json!({"event": "RINGING", "uuid": []}),
         "RINGING at uuid: invalid type: sequence, expected a string, a number or null"),
        (json!({"event": "RINGING", "id": "1", "isACD": "maybe"}),
         "RINGING at isACD: invalid value: string \"maybe\", expected a boolean, \"true\"/\"false\" or 0/1"),
        (json!({"event": "ESTABLISHED", "id": "1", "startTime": 1.5}),
         "ESTABLISHED at startTime: invalid value: floating point `1.5`, expected an integer or a string holding one"),
        (json!({"event": "DATACHANGED", "id": "1", "CallData": [{"value": "x"}]}),
         "DATACHANGED at CallData[0]: missing field `name`"),
        (json!({"event": "DATACHANGED", "id": "1", "CallData": 3}),
         "DATACHANGED at CallData: expected an array of {name, value}, an object or a string, got a number"),
        (json!({"event": "PAUSESUBSTATE", "code": {}}),
         "PAUSESUBSTATE at code: invalid type: map, expected a string, a number or null"),
    ];
    common::assert_errors(SRC, &cases);
}

#[test]
fn too_deep_input_is_refused() {
    let v = common::nested("");
    let raw = json!({"event": "DATACHANGED", "id": "1", "extra": v});
    assert!(matches!(
        decode(SRC, &raw),
        Err(DecodeError::TooDeep { .. })
    ));
}

#[test]
fn outbound_commands() {
    assert_eq!(
        agentdesktop::agent_ready(),
        json!({"namespace": "AGENT", "method": "Ready", "args": []})
    );
    assert_eq!(
        agentdesktop::agent_pause(None),
        json!({"namespace": "AGENT", "method": "Pause", "args": []})
    );
    assert_eq!(
        agentdesktop::agent_pause(Some("1701")),
        json!({"namespace": "AGENT", "method": "Pause", "args": ["1701"]})
    );
    assert_eq!(
        agentdesktop::make_call("3351234567", &[]),
        json!({"namespace": "CONTACT", "method": "MakeCall", "args": ["3351234567"]})
    );
    assert_eq!(
        agentdesktop::make_call(
            "3351234567",
            &[("A".into(), "1".into()), ("B".into(), "2".into())]
        ),
        json!({"namespace": "CONTACT", "method": "MakeCall",
               "args": ["3351234567", null, null, null, "A=1;B=2"]})
    );
    assert_eq!(
        agentdesktop::hangup(None),
        json!({"namespace": "CONTACT", "method": "Hangup", "args": []})
    );
    assert_eq!(
        agentdesktop::hangup(Some("1184562")),
        json!({"namespace": "CONTACT", "method": "Hangup", "args": ["1184562"]})
    );
    assert_eq!(
        agentdesktop::hold(),
        json!({"namespace": "CONTACT", "method": "Hold", "args": []})
    );
    assert_eq!(
        agentdesktop::answer(),
        json!({"namespace": "CONTACT", "method": "Answer", "args": []})
    );
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let _ = decode(SRC, &v);
        for name in ["RINGING", "POPUP", "JOBCHANGED", "PAUSESUBSTATE"] {
            let _ = decode(SRC, &json!({"event": name, "id": "1", "CallData": v.clone()}));
            let _ = decode(SRC, &json!({"event": name, "job_state": v.clone(), "uuid": v.clone()}));
        }
    }

    #[test]
    fn arbitrary_event_names_never_panic(name in ".{0,40}") {
        let _ = decode(SRC, &json!({"event": name, "id": "1"}));
    }

    #[test]
    fn commands_never_panic(dest in ".{0,20}", k in ".{0,8}", v in ".{0,8}") {
        let c = agentdesktop::make_call(&dest, &[(k, v)]);
        prop_assert_eq!(&c["method"], "MakeCall");
        let _ = agentdesktop::agent_pause(Some(&dest));
        let _ = agentdesktop::hangup(Some(&dest));
    }
}

#[test]
fn field_spellings_of_the_ct_toolbar_decode() {
    // Shapes read by a CT toolbar integration (docs/protocols.md#agentdesktop-callback):
    // operator events prefixed `AGENT:`, lower-case names, a preview-queue call task.
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[33]),
        json!({"kind": "agentState", "state": "notReady", "vendorState": "PAUSE"})
    );
    assert_eq!(
        decode_one(SRC, &f[34]),
        json!({"kind": "agentState", "state": "ready", "vendorState": "LOGGEDIN"})
    );
    let pop = decode_one(SRC, &f[35]);
    assert_eq!(pop["kind"], "screenPop", "{pop}");
    assert_eq!(pop["interactionId"], "c-77", "{pop}");
    assert_eq!(pop["media"], "telephony", "{pop}");
}
