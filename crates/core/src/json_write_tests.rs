//! Samples of every type the host, the port, storage and the TypeScript
//! declarations see, written by [`ToJson`](super::ToJson): [`to_string`] and
//! [`to_value`] assert in tests that the result is serde_json's (the types
//! derive `Serialize` in tests), so each call below is a comparison.

use super::{to_string, to_value};
use crate::channel::{
    Dropped, ErrorCode, EventText, LinkStatus, Peer, RequestError, Saved, TraceEntry, WidgetEvent,
    WidgetMessage,
};
use crate::client::{Fault, Health, HealthState};
use crate::command::Desired;
use crate::diagnose::CheckId;
use crate::model::{EventBody, Side, Source};
use crate::tabs::{Forward, ReplyError, TabMessage};
use crate::{Bridge, Config, Mode, Output};
use serde_json::{json, Value};

const FIXTURES: [(Source, &str); 5] = [
    (Source::Xuc, "xuc"),
    (Source::Axp, "axp"),
    (Source::Agentdesktop, "agentdesktop"),
    (Source::Openframe, "openframe"),
    (Source::CrmConnector, "crm-connector"),
];

#[test]
fn the_fixtures_outputs_snapshots_and_stats_match_serde_json() {
    let mut outputs = 0;
    let mut errors = 0;
    for mode in [Mode::Synchronized, Mode::Complementary, Mode::Off] {
        let mut bridge = Bridge::new(mode, Config::default());
        for (i, (source, name)) in FIXTURES.into_iter().enumerate() {
            let path = format!(
                "{}/../../tests/fixtures/{name}.jsonl",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(path).unwrap();
            let lines = text.lines().filter(|l| !l.trim().is_empty());
            // And messages that do not decode (their `error` events).
            for line in lines.chain(["[]", r#"{"msgType": 5}"#, "\"\\u0007\""]) {
                let raw: Value = serde_json::from_str(line).unwrap();
                match bridge.ingest(source, &raw, Some(1_000 * i as u64)) {
                    Ok(out) => {
                        outputs += out.len();
                        to_string(&out);
                        for output in &out {
                            to_value(output);
                            if let Output::Event(e) = output {
                                to_string(&e.body);
                            }
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        to_string(&WidgetEvent::decode_error(source, &e));
                    }
                }
                to_string(&bridge.snapshot());
            }
            to_string(&bridge.tick(60_000 * (i as u64 + 1)));
            to_string(&bridge.request(Side::Cc, Desired::NotReady, Some("lunch"), None));
            to_string(&bridge.request(Side::Crm, Desired::Ready, None, None));
            to_string(bridge.stats());
            to_value(bridge.stats());
        }
    }
    assert!(outputs > 300, "{outputs} outputs");
    assert!(errors > 0);
}

fn health(retry: Option<u64>, fault: Option<Fault>) -> Health {
    Health {
        state: HealthState::Reconnecting,
        reason: "socket closed \"1006\"\n".into(),
        retry_in_ms: retry,
        fault,
    }
}

#[test]
fn every_widget_event_and_message_matches_serde_json() {
    let body = EventBody::Rights {
        profile: "p".into(),
        rights: vec!["dial".into()],
    };
    let events = [
        WidgetEvent::Health {
            status: LinkStatus::Unresponsive,
            dropped: Dropped {
                origin: 1,
                source: 2,
                malformed: 3,
                version: 4,
            },
        },
        WidgetEvent::cc_health(Source::Xuc, health(Some(500), Some(Fault::BadCredentials))),
        WidgetEvent::cc_health(Source::Axp, health(None, None)),
        WidgetEvent::CcHealth {
            source: Source::Axp,
            health: health(None, Some(Fault::Unreachable)),
            code: Some(CheckId::CcSocket),
            fix: None,
        },
        WidgetEvent::Observed {
            source: Source::Xuc,
            events: vec![body.clone(), body],
        },
        WidgetEvent::Error {
            source: Source::Openframe,
            code: "parse".into(),
            reason: "\u{1} é".into(),
        },
        WidgetEvent::Gap { from: 3, to: 9 },
    ];
    for event in &events {
        to_string(event);
        to_value(event);
    }
    for state in [
        HealthState::Connecting,
        HealthState::Authenticating,
        HealthState::Live,
        HealthState::Degraded,
        HealthState::Failed,
        HealthState::Stopped,
    ] {
        to_string(&Health {
            state,
            ..health(Some(0), Some(Fault::Misconfigured))
        });
    }
    let value = json!({"kind": "agentState", "n": [1, -2, 0.5]});
    let entry = TraceEntry {
        at: 5,
        dir: "in",
        peer: Peer::Window,
        kind: "crm ready".into(),
        origin: Some("https://crm.example.com".into()),
        bytes: 12,
        dropped: Some("origin".into()),
    };
    let quiet = TraceEntry {
        bytes: 0,
        origin: None,
        dropped: None,
        peer: Peer::Cc,
        ..entry.clone()
    };
    let error = RequestError {
        code: ErrorCode::NotSupported,
        message: "no".into(),
    };
    let messages = [
        WidgetMessage::Ready {
            v: 2,
            epoch: "e1",
            last_seq: 7,
            snapshot: value.clone(),
        },
        WidgetMessage::Event {
            seq: 8,
            event: &value,
        },
        WidgetMessage::Response {
            id: 1,
            result: Some(value.clone()),
            error: None,
        },
        WidgetMessage::Response {
            id: 2,
            result: None,
            error: Some(error.clone()),
        },
        WidgetMessage::Response {
            id: 3,
            result: Some(Value::Null),
            error: Some(error),
        },
        WidgetMessage::Crm { msg: &value },
        WidgetMessage::Bye,
        WidgetMessage::Ask {
            id: 4,
            what: "login",
        },
        WidgetMessage::Trace { entry: &entry },
        WidgetMessage::Trace { entry: &quiet },
        WidgetMessage::Notice { event: &value },
        WidgetMessage::Pong { n: 9 },
    ];
    for message in &messages {
        to_string(message);
    }
    for code in [
        ErrorCode::UnknownMethod,
        ErrorCode::InvalidParams,
        ErrorCode::Rejected,
        ErrorCode::Forbidden,
    ] {
        to_value(&code);
    }
    to_string(&Saved {
        epoch: "e1".into(),
        next_seq: 3,
        events: vec![(1, EventText::of(&value)), (2, EventText::of(&json!("x")))],
        host_id: None,
        answered: vec![(5, r#"{"t":"response"}"#.into())],
    });
    to_string(&Saved {
        epoch: "e2".into(),
        next_seq: 1,
        events: Vec::new(),
        host_id: Some("h".into()),
        answered: Vec::new(),
    });
}

#[test]
fn every_tab_message_matches_serde_json() {
    let value = json!({"kind": "screenPop", "ani": ["1"]});
    let calls = [
        Forward::SetState {
            target: Side::Cc,
            desired: Desired::NotReady,
            reason: Some("lunch".into()),
        },
        Forward::SetState {
            target: Side::Crm,
            desired: Desired::Ready,
            reason: None,
        },
        Forward::CcCommand {
            name: "dial".into(),
            args: vec![json!("123"), json!({"a": 1})],
        },
        Forward::Crm { msg: value.clone() },
    ];
    let tab = || "t-1".to_owned();
    let mut messages = vec![
        TabMessage::Hello { v: 1, tab: tab() },
        TabMessage::Lead {
            v: 1,
            tab: tab(),
            epoch: "e".into(),
            since: 10,
            seq: 11,
            count: 2,
        },
        TabMessage::Event {
            v: 1,
            tab: tab(),
            epoch: "e".into(),
            seq: 12,
            event: value.clone(),
        },
        TabMessage::Reply {
            v: 1,
            tab: tab(),
            to: "t-2".into(),
            rid: 3,
            result: Some(value.clone()),
            error: None,
        },
        TabMessage::Reply {
            v: 1,
            tab: tab(),
            to: "t-2".into(),
            rid: 4,
            result: None,
            error: Some(ReplyError {
                code: "rejected".into(),
                message: "busy".into(),
            }),
        },
        TabMessage::View {
            v: 1,
            tab: tab(),
            visible: true,
            focused: false,
            active_at: 99,
        },
        TabMessage::State {
            v: 1,
            tab: tab(),
            snapshot: value.clone(),
            cc: Value::Null,
            health: None,
        },
        TabMessage::State {
            v: 1,
            tab: tab(),
            snapshot: value.clone(),
            cc: json!({"source": "xuc"}),
            health: Some(value.clone()),
        },
        TabMessage::Pop {
            v: 1,
            tab: tab(),
            to: "t-3".into(),
            event: value,
        },
        TabMessage::Bye { v: 1, tab: tab() },
    ];
    messages.extend(
        calls
            .into_iter()
            .enumerate()
            .map(|(i, call)| TabMessage::Call {
                v: 1,
                tab: tab(),
                rid: i as u64,
                call,
            }),
    );
    for message in &messages {
        to_string(message);
        to_value(message);
    }
}

/// The page's expansion of [`crate::bridge::Compact`] (`src/web`'s
/// `expandOutputs`), in Rust: the objects `ToJson` writes for each output.
fn expand_compact(items: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut at = items;
    while let [tag, rest @ ..] = at {
        let (object, used) = match (tag.as_u64(), rest) {
            (Some(1), [seq, source, state, agent_id, vendor_state, phone, queues, data, ..]) => (
                json!({"seq": seq, "source": source, "kind": "agentState", "state": state,
                    "agentId": agent_id, "vendorState": vendor_state, "phoneNumber": phone,
                    "queues": queues, "data": data}),
                8,
            ),
            (Some(tag @ 2..=5), [id, target, source, state, cause, wire, status, more @ ..]) => {
                let wire = match tag {
                    4 | 5 => json!({"action": "requestSyncOmnichannel",
                        "data": {"statusId": wire, "success": true}, "type": "CRMConnectMessage"}),
                    _ => wire.clone(),
                };
                let mut o = json!({"kind": "command", "id": id, "target": target,
                    "source": source, "state": state, "cause": cause, "wire": wire,
                    "status": status});
                match (tag, more) {
                    (3 | 5, [detail, ..]) => {
                        o["detail"] = detail.clone();
                        (o, 8)
                    }
                    _ => (o, 7),
                }
            }
            (Some(0), [object, ..]) => (object.clone(), 1),
            _ => panic!("not a compact output: {tag} {rest:?}"),
        };
        out.push(object);
        at = &rest[used..];
    }
    out
}

/// Every fixture's outputs, in every mode, written compact and expanded, are
/// the objects written one by one (same members and values), and the
/// compact forms are used.
#[test]
fn compact_outputs_expand_to_the_outputs_objects() {
    let mut tags = std::collections::BTreeSet::new();
    for mode in [Mode::Synchronized, Mode::Complementary, Mode::Off] {
        let mut bridge = Bridge::new(mode, Config::default());
        let mut outputs = Vec::new();
        for (i, (source, name)) in FIXTURES.into_iter().enumerate() {
            let path = format!(
                "{}/../../tests/fixtures/{name}.jsonl",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(path).unwrap();
            let extra = [
                r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentOnPause","agentId":19,"phoneNb":"1000","since":0,"queues":[1],"cause":"lunch"}}"#,
                r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":19,"phoneNb":"1000","since":0,"queues":[],"cause":""}}"#,
                r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentOnPause","agentId":19,"phoneNb":"1000","since":0,"queues":[1,4],"cause":""}}"#,
            ];
            let extra = extra.iter().filter(|_| source == Source::Xuc).copied();
            for line in text.lines().filter(|l| !l.trim().is_empty()).chain(extra) {
                let now = Some(1_000 * i as u64);
                let _ = bridge.ingest_text_into(source, line, now, &mut outputs);
            }
        }
        let mut text = String::new();
        super::write_to(&mut text, &crate::bridge::Compact(&outputs));
        let items: Vec<Value> = serde_json::from_str(&text).unwrap();
        // The tags used (each output's first item).
        let mut at = &items[..];
        while let [tag, ..] = at {
            tags.insert(tag.as_u64().unwrap());
            let skip = match tag.as_u64() {
                Some(1 | 3 | 5) => 9,
                Some(2 | 4) => 8,
                _ => 2,
            };
            at = &at[skip..];
        }
        let expected: Vec<Value> = outputs
            .iter()
            .map(|o| serde_json::to_value(o).unwrap())
            .collect();
        let expanded = expand_compact(&items);
        // (Member order is the browser test's: `tests/web.rs` compares texts.)
        assert_eq!(expanded, expected, "{mode:?}");
        assert!(!outputs.is_empty());
    }
    assert_eq!(tags, (0..=5).collect(), "every form used");
}

/// Unsigned integers, one digit (pushed as a byte) and longer (`itoa`),
/// as serde_json writes them (`to_string` compares).
#[test]
fn unsigned_integers_are_written_as_serde_json_writes_them() {
    for n in [
        0u64,
        1,
        9,
        10,
        11,
        99,
        100,
        255,
        256,
        1_000,
        u64::from(u32::MAX),
        u64::MAX,
    ] {
        assert_eq!(to_string(&n), n.to_string());
    }
}
