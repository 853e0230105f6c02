//! OpenFrame AWA codec: every seed sample, the wrappers, and hostile input.

mod common;

use common::{arb_json, decode, decode_one, fixtures};
use cti_bridge::model::Source;
use cti_bridge::DecodeError;
use proptest::prelude::*;
use serde_json::json;

const SRC: Source = Source::Openframe;

#[test]
fn presence_sample_decodes_with_channels() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[0]),
        json!({"kind": "presence", "name": "Available",
               "statusId": "0b10223c57a313005baaaa65ef94f970", "available": true,
               "channels": [
                 {"name": "Case", "available": true, "id": "d4a675e3739713004a905ee515f6a7e7"},
                 {"name": "Phone", "available": true, "id": "f6281cc39335330090813a53177ffb32"},
                 {"name": "Chat", "available": true, "id": "27f675e3739713004a905ee515f6a7c3"}]})
    );
}

#[test]
fn offered_and_accepted_samples_decode_as_work_items() {
    let f = fixtures(SRC);
    for (raw, phase) in [(&f[1], "offered"), (&f[2], "accepted")] {
        assert_eq!(
            decode_one(SRC, raw),
            json!({"kind": "workItem", "id": "ade107591bf66410b8e3ea06624bcbce",
                   "phase": phase, "channel": "Case", "size": 1,
                   "document": {"table": "sn_customerservice_case",
                                "id": "37a187591bf66410b8e3ea06624bcbef"}})
        );
    }
}

#[test]
fn rejected_sample_uses_payload_wrapper_and_keeps_reason() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[3]),
        json!({"kind": "workItem", "id": "66c4071d1bf66410b8e3ea06624bcb59",
               "phase": "rejected", "channel": "Case", "size": 1,
               "reason": "Not my expertise",
               "document": {"table": "sn_customerservice_case",
                            "id": "b6a4c31d1bf66410b8e3ea06624bcb93"}})
    );
}

#[test]
fn off_interaction_sample_ends_the_crm_interaction() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[4]),
        json!({"kind": "interaction", "id": "da1dc9651bbe6410b8e3ea06624bcb51",
               "phase": "done", "media": "chat", "reason": "INTERACTION_INACTIVE",
               "vendorEvent": "openframe_agent_off_interaction",
               "data": {"number": "IMS0000050"}})
    );
}

#[test]
fn wrappers_are_interchangeable_and_names_are_lenient() {
    let body = json!({"workItem": {"sys_id": "w1", "size": "1"}});
    for (event, data) in [
        (
            "openframe_awa_workitem_accepted",
            json!({"payload": body.clone()}),
        ),
        (
            "OPENFRAME_AWA_WORKITEM_ACCEPTED",
            json!({"result": body.clone()}),
        ),
        ("openframe_awa_workitem_accepted", body.clone()),
    ] {
        let v = decode_one(SRC, &json!({"event": event, "data": data}));
        assert_eq!(v["phase"], "accepted");
        assert_eq!(v["size"], 1);
    }
}

#[test]
fn malformed_messages_say_what_was_wrong() {
    let cases = [
        (json!([]), "expected a JSON object, got an array"),
        (json!({"data": {}}), "missing field `event`"),
        (json!({"event": 5, "data": {}}), "field `event`: expected a string, got a number"),
        (json!({"event": "openframe_awa_teleport", "data": {}}), "unknown OpenFrame event `openframe_awa_teleport`"),
        (json!({"event": "openframe_awa_agent_presence"}), "missing field `data`"),
        (json!({"event": "openframe_awa_agent_presence", "data": {"result": {"presence": {"name": "A"}}}}),
         "openframe_awa_agent_presence at presence: missing field `available`"),
        (json!({"event": "openframe_awa_workitem_offered", "data": {"result": {"workItem": {"sys_id": []}}}}),
         "openframe_awa_workitem_offered at workItem.sys_id: invalid type: sequence, expected a string or a number"),
        (json!({"event": "openframe_awa_workitem_offered", "data": "x"}), "data: expected a JSON object, got a string"),
    ];
    common::assert_errors(SRC, &cases);
}

#[test]
fn too_deep_input_is_refused() {
    let v = common::nested("result");
    let raw = json!({"event": "openframe_awa_agent_presence", "data": v});
    assert!(matches!(
        decode(SRC, &raw),
        Err(DecodeError::TooDeep { .. })
    ));
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let _ = decode(SRC, &v);
        let _ = decode(SRC, &json!({"event": "openframe_awa_agent_presence", "data": v}));
    }

}

#[test]
fn api_reference_samples_decode() {
    // The three samples of ServiceNow's openFrameAPI reference (subscribe):
    // presence with two channels; accepted with isAutoAccepted /
    // isQueueTransferred / previousWorkItem; rejected with "size": "1" and
    // serviceChannel.sysID (docs/protocols.md#lenient-decoding).
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[5]),
        json!({"kind": "presence", "name": "Available",
               "statusId": "27f675e3739713004a905ee515f6a7c3", "available": true,
               "channels": [
                 {"name": "Chat", "available": true, "id": "36f675e4239713124a905fe515f6a832"},
                 {"name": "Phone", "available": true, "id": "9378a530a1820610f809018efd9bc01e"}]})
    );
    assert_eq!(
        decode_one(SRC, &f[6]),
        json!({"kind": "workItem", "id": "14c86c40a1650610f87701807d9bc0be",
               "phase": "accepted", "channel": "Chat", "size": 1,
               "document": {"table": "interaction", "id": "aa582040a1650610f87701807d9bc076"}})
    );
    // "size": "1" becomes 1; serviceChannel.sysID is tolerated (the name is what is used).
    assert_eq!(
        decode_one(SRC, &f[7]),
        json!({"kind": "workItem", "id": "2c3bdc4824250610f8775e73b116f8de",
               "phase": "rejected", "channel": "Chat", "size": 1, "reason": "Busy",
               "document": {"table": "interaction", "id": "cf0a180824250610f8775e73b116f80c"}})
    );
}
