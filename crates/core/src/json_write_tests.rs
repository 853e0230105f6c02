//! Samples of every type the host, the port, storage and the TypeScript
//! declarations see, written by [`ToJson`](super::ToJson): [`to_string`] and
//! [`to_value`] assert in tests that the result is serde_json's (the types
//! derive `Serialize` in tests), so each call below is a comparison.

use super::{to_string, to_value};
use crate::channel::{
    Dropped, ErrorCode, LinkStatus, Peer, RequestError, TraceEntry, WidgetEvent, WidgetMessage,
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
/// `table` is the page's table of strings, kept between bursts.
fn expand_compact(nums: &[u32], values: &[Value], table: &mut [Value]) -> Vec<Value> {
    use crate::bridge::Compact;
    let mut values = values.iter().cloned();
    let mut nums = nums.iter().copied();
    let mut string = |r: u32, values: &mut dyn Iterator<Item = Value>| -> Value {
        if r == Compact::INLINE {
            values.next().expect("a value")
        } else if r >= Compact::NEW {
            let s = values.next().expect("a value");
            assert!(s.is_string());
            table[(r - Compact::NEW) as usize] = s.clone();
            s
        } else {
            table[r as usize].clone()
        }
    };
    let mut out = Vec::new();
    while let Some(tag) = nums.next() {
        let mut next = || nums.next().expect("a number");
        let object = match tag {
            1 => {
                let seq = next();
                let source = string(next(), &mut values);
                let state = string(next(), &mut values);
                let agent_id = string(next(), &mut values);
                let vendor_state = string(next(), &mut values);
                let phone = string(next(), &mut values);
                let n = next();
                let queues: Vec<Value> = (0..n).map(|_| string(next(), &mut values)).collect();
                json!({"seq": seq, "source": source, "kind": "agentState", "state": state,
                "agentId": agent_id, "vendorState": vendor_state, "phoneNumber": phone,
                "queues": queues, "data": match next() {
                    0 => values.next().expect("data"),
                    code => {
                        let key = string(next(), &mut values);
                        let value = match code {
                            1 => json!(next()),
                            _ => string(next(), &mut values),
                        };
                        json!({key.as_str().expect("a key"): value})
                    }
                }})
            }
            2..=5 => {
                let id = next();
                let target = string(next(), &mut values);
                let source = string(next(), &mut values);
                let state = string(next(), &mut values);
                let cause = string(next(), &mut values);
                let wire = match tag {
                    4 | 5 => json!({"action": "requestSyncOmnichannel",
                        "data": {"statusId": string(next(), &mut values), "success": true},
                        "type": "CRMConnectMessage"}),
                    _ => values.next().expect("wire"),
                };
                let status = string(next(), &mut values);
                let mut o = json!({"kind": "command", "id": id, "target": target,
                    "source": source, "state": state, "cause": cause, "wire": wire,
                    "status": status});
                if tag == 3 || tag == 5 {
                    o["detail"] = string(next(), &mut values);
                }
                o
            }
            0 => values.next().expect("an output"),
            _ => panic!("not a compact tag: {tag}"),
        };
        out.push(object);
    }
    assert!(values.next().is_none(), "every value used");
    out
}

/// A page's side of [`crate::bridge::Compact`]: its table, and the writer.
struct Page {
    compact: crate::bridge::Compact,
    table: Vec<Value>,
    /// Strings read from the table, sent and held, sent inline.
    refs: [usize; 3],
}

impl Page {
    fn new() -> Page {
        let table = serde_json::from_str(&crate::bridge::Compact::names()).unwrap();
        Page {
            compact: crate::bridge::Compact::new(),
            table,
            refs: [0; 3],
        }
    }

    /// A burst written and expanded: equal to the outputs written one by one.
    fn check(&mut self, outputs: &[Output], what: &str) {
        let mut nums = Vec::new();
        let mut w = super::JsonWriter::text(String::new());
        self.compact.write(outputs, &mut nums, &mut w);
        let values: Vec<Value> = serde_json::from_str(&w.into_text()).unwrap();
        let expanded = expand_compact(&nums, &values, &mut self.table);
        let expected: Vec<Value> = outputs
            .iter()
            .map(|o| serde_json::to_value(o).unwrap())
            .collect();
        // (Member order is the browser test's: `tests/web.rs` compares texts.)
        assert_eq!(expanded, expected, "{what}");
        let held_at = self.table.len() - crate::bridge::Compact::SLOTS;
        for n in nums {
            match n {
                crate::bridge::Compact::INLINE => self.refs[2] += 1,
                n if n >= crate::bridge::Compact::NEW => self.refs[1] += 1,
                n if (held_at..self.table.len()).contains(&(n as usize)) => self.refs[0] += 1,
                _ => {}
            }
        }
    }
}

/// Every fixture's outputs, in every mode, written compact in bursts of
/// 3 and expanded by one page, are the objects written one by one (same
/// members and values), and the compact forms are used.
#[test]
fn compact_outputs_expand_to_the_outputs_objects() {
    let mut tags = std::collections::BTreeSet::new();
    for mode in [Mode::Synchronized, Mode::Complementary, Mode::Off] {
        let mut bridge = Bridge::new(mode, Config::default());
        let mut page = Page::new();
        let mut all = Vec::new();
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
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .chain(extra)
                .collect();
            for burst in lines.chunks(3) {
                let mut outputs = Vec::new();
                for line in burst {
                    let now = Some(1_000 * i as u64);
                    let _ = bridge.ingest_text_into(source, line, now, &mut outputs);
                }
                page.check(&outputs, &format!("{mode:?} {name}"));
                all.extend(outputs);
            }
        }
        assert!(!all.is_empty());
        // The tags: the first number of each output, told apart by writing
        // each output alone.
        for output in &all {
            let mut nums = Vec::new();
            let mut w = super::JsonWriter::text(String::new());
            crate::bridge::Compact::new().write(std::slice::from_ref(output), &mut nums, &mut w);
            tags.insert(nums[0]);
        }
    }
    assert_eq!(tags, (0..=5).collect(), "every form used");
}

include!("../testdata/varied_agent_states.rs");

/// Many different strings (agent ids, phone numbers, queues, some longer
/// than the page holds) through one page in bursts: places taken over
/// within a burst and between bursts, strings sent inline, all expanded
/// to the outputs written one by one.
#[test]
fn compact_strings_held_by_the_page_expand_to_the_same_outputs() {
    let mut bridge = Bridge::new(Mode::Synchronized, Config::default());
    let mut page = Page::new();
    let long = "9".repeat(80);
    for burst in 0..40u64 {
        let mut outputs = Vec::new();
        for i in 0..17u64 {
            let n = burst * 17 + i;
            let text = varied_agent_state(n, &long);
            bridge
                .ingest_text_into(Source::Xuc, &text, Some(n * 10_000), &mut outputs)
                .unwrap();
        }
        page.check(&outputs, &format!("burst {burst}"));
    }
    let [held, sent, inline] = page.refs;
    assert!(held > 1_000 && sent > 100 && inline > 50, "{:?}", page.refs);
}

/// The bench's stream (two xuc agent states in turn, bursts of 64): after
/// the first burst, every string is one the page holds and nothing is left
/// to parse (`[]`): no two of its strings keep taking one place.
#[test]
fn a_steady_stream_sends_each_string_once() {
    let texts = ["AgentReady", "AgentOnPause"].map(|name| {
        format!(
            r#"{{"msgType":"AgentStateEvent","ctiMessage":{{"name":"{name}","agentId":19,"phoneNb":"1000","since":0,"queues":[1,4],"cause":""}}}}"#
        )
    });
    let mut bridge = Bridge::new(Mode::Synchronized, Config::default());
    let mut page = Page::new();
    for burst in 0..4u64 {
        let mut outputs = Vec::new();
        for i in 0..64 {
            bridge
                .ingest_text_into(Source::Xuc, &texts[i & 1], Some(burst), &mut outputs)
                .unwrap();
        }
        if burst == 0 {
            // (The first burst sends the strings, and a CRM request.)
            page.check(&outputs, "burst 0");
            continue;
        }
        let mut nums = Vec::new();
        let mut w = super::JsonWriter::text(String::new());
        page.compact.write(&outputs, &mut nums, &mut w);
        assert_eq!(w.into_text(), "[]", "burst {burst}");
        assert!(nums.iter().all(|&n| n < crate::bridge::Compact::NEW));
    }
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
