//! The widget channel's decisions, driven natively with a real [`Bridge`]
//! the way the browser edge drives it.

use super::*;
use crate::bridge::Bridge;
use crate::channel::{AllowList, ErrorCode, MAX_CHANNEL_MESSAGE, OUTBOX_CAPACITY};
use crate::config::Config;
use serde_json::json;
use std::cell::RefCell;

const HOST: &str = "https://crm.example.com";

impl ChannelCore for RefCell<Bridge> {
    fn snapshot(&self) -> Value {
        serde_json::to_value(self.borrow().snapshot()).unwrap_or(Value::Null)
    }
    fn set_mode(&self, mode: Mode) {
        self.borrow_mut().set_mode(mode)
    }
    fn stats(&self) -> Value {
        serde_json::to_value(self.borrow().stats()).unwrap_or(Value::Null)
    }
    fn contact_centre(&self) -> Value {
        Value::Null
    }
}

/// The edge, natively: carries out effects, records what was posted.
struct Edge {
    channel: WidgetChannel,
    core: RefCell<Bridge>,
    now: u64,
    attached: bool,
    /// Messages posted on the port (parsed back, batches unpacked in
    /// order as the drop-in does), since the last `take`.
    port: Vec<Value>,
    /// The messages posted on the latest port attached (batches unpacked).
    latest_port: Vec<Value>,
    /// The posts themselves (a batch is one), parsed back.
    posts: Vec<Value>,
    /// The posts' texts, as posted.
    texts: Vec<String>,
    window: Vec<(Value, String)>,
    settled: Vec<(u64, Result<Value, String>)>,
    started: usize,
    saves: usize,
    fetched: Vec<(u64, String)>,
    diagnosing: Vec<(u64, bool, HostView)>,
}

/// A xuc agent state `name` (agent 19), as the tests inject it.
fn xuc_state(name: &str) -> Value {
    json!({"msgType": "AgentStateEvent", "ctiMessage": {"name": name, "agentId": 19, "phoneNb": "1000", "since": 0, "queues": []}})
}

/// The `i`th of a stream of xuc agent states, ready and paused in turn.
fn xuc_turn(i: u64) -> Value {
    xuc_state(if i % 2 == 0 {
        "AgentReady"
    } else {
        "AgentOnPause"
    })
}

fn options() -> WidgetOptions {
    WidgetOptions {
        allowed: AllowList::new([HOST]).unwrap(),
        allow_inject: true,
        mode_forced: false,
        trace: false,
        outbox_capacity: OUTBOX_CAPACITY,
        json: JsonParser::SERDE_JSON,
        crm_frame: false,
        credentials_url: None,
    }
}

impl Edge {
    fn new() -> Edge {
        Edge::with(options(), None)
    }

    fn with(options: WidgetOptions, saved: Option<&Value>) -> Edge {
        let (channel, error) = WidgetChannel::new(options, "e1".into(), saved, 1_000);
        assert_eq!(error, None);
        Edge {
            channel,
            core: RefCell::new(Bridge::new(Mode::Synchronized, Config::default())),
            now: 1_000,
            attached: false,
            port: Vec::new(),
            latest_port: Vec::new(),
            posts: Vec::new(),
            texts: Vec::new(),
            window: Vec::new(),
            settled: Vec::new(),
            started: 0,
            saves: 0,
            fetched: Vec::new(),
            diagnosing: Vec::new(),
        }
    }

    fn run(&mut self) {
        loop {
            let effects = self.channel.poll();
            if effects.is_empty() {
                return;
            }
            for effect in effects {
                match effect {
                    Effect::Port(text) => {
                        assert!(self.attached, "posted on a port never attached: {text}");
                        let post: Value = serde_json::from_str(&text).unwrap();
                        if post["t"] == "batch" {
                            let messages = post["m"].as_array().unwrap();
                            assert!(messages.len() > 1, "a batch of one: {text}");
                            assert!(text.len() <= MAX_BATCH_BYTES, "{} bytes", text.len());
                            self.port.extend(messages.iter().cloned());
                            self.latest_port.extend(messages.iter().cloned());
                        } else {
                            self.port.push(post.clone());
                            self.latest_port.push(post.clone());
                        }
                        self.posts.push(post);
                        self.texts.push(text);
                    }
                    Effect::Window { message, origin } => {
                        assert_ne!(origin, "*");
                        self.window.push((message, origin));
                    }
                    Effect::Attach => {
                        self.attached = true;
                        self.latest_port.clear();
                    }
                    Effect::Call(call) => self.call(call),
                    Effect::Settle { ask, result } => self.settled.push((ask, result)),
                    Effect::StartClient => self.started += 1,
                    Effect::FetchCredentials { ask, url } => self.fetched.push((ask, url)),
                    Effect::SaveSoon | Effect::SaveNow => self.saves += 1,
                    Effect::Diagnose {
                        request,
                        export,
                        host,
                    } => self.diagnosing.push((request, export, host)),
                }
            }
        }
    }

    fn call(&mut self, call: Call) {
        let now = self.now;
        match call {
            Call::Ingest {
                source,
                raw,
                request,
            } => {
                let result = self.core.borrow_mut().ingest(source, &raw, Some(now));
                match result {
                    Ok(outputs) => {
                        self.channel.on_outputs(now, outputs, &self.core);
                        self.channel.on_ingested(now, request);
                    }
                    Err(e) => self.channel.on_ingest_error(now, source, &e, request),
                }
            }
            Call::SetState {
                request,
                target,
                desired,
                reason,
            } => {
                let outputs =
                    self.core
                        .borrow_mut()
                        .request(target, desired, reason.as_deref(), Some(now));
                let command = Output::command_for(&outputs, target);
                self.channel.on_command_issued(now, request, command);
                self.channel.on_outputs(now, outputs, &self.core);
            }
            Call::CcCommand { request, name, .. } => {
                let refusal = RequestError {
                    code: ErrorCode::NotSupported,
                    message: "no contact-centre client".into(),
                };
                self.channel
                    .on_cc_command(now, request, &name, Err(refusal));
            }
        }
    }

    fn window(&mut self, origin: &str, from_parent: bool, data: Value) {
        let input = WindowInput {
            origin,
            from_parent,
            has_port: true,
        };
        let mut data = Some(data);
        let mut convert = || data.take().ok_or_else(|| "converted twice".to_owned());
        self.channel
            .on_window(self.now, input, &mut convert, &self.core);
        self.run();
    }

    fn connect(&mut self, epoch: Option<&str>, last_seq: u64, host_id: &str) {
        self.window(
            HOST,
            true,
            json!({"cti": "connect", "v": PROTOCOL_VERSION, "epoch": epoch, "lastSeq": last_seq, "hostId": host_id}),
        );
    }

    fn port_text(&mut self, message: Value) {
        let text = message.to_string();
        self.channel.on_port(self.now, Some(&text), &self.core);
        self.run();
    }

    fn request(&mut self, id: u64, method: &str, params: Value) {
        self.port_text(json!({"t": "request", "id": id, "method": method, "params": params}));
    }

    fn crm(&mut self, action: &str, data: Value) {
        self.port_text(json!({"t": "crm", "msg": {"type": "ClientAppMessage", "action": action, "data": data}}));
    }

    fn inject_xuc(&mut self, name: &str) {
        let msg = xuc_state(name);
        let output = self
            .core
            .borrow_mut()
            .ingest(Source::Xuc, &msg, Some(self.now))
            .unwrap();
        self.channel.on_outputs(self.now, output, &self.core);
        self.run();
    }

    /// The session the edge would persist now ([`WidgetChannel::save_text`]), parsed.
    fn saved(&mut self) -> Value {
        serde_json::from_str(&self.channel.save_text(self.now)).unwrap()
    }

    fn take(&mut self) -> Vec<Value> {
        self.posts.clear();
        self.texts.clear();
        std::mem::take(&mut self.port)
    }

    fn of_type<'a>(messages: &'a [Value], t: &str) -> Vec<&'a Value> {
        messages.iter().filter(|m| m["t"] == t).collect()
    }

    fn event_seqs(messages: &[Value]) -> Vec<u64> {
        Edge::of_type(messages, "event")
            .iter()
            .map(|m| m["seq"].as_u64().unwrap())
            .collect()
    }

    fn response(messages: &[Value], id: u64) -> Value {
        messages
            .iter()
            .find(|m| m["t"] == "response" && m["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no response {id} in {messages:?}"))
    }
}

#[test]
fn only_the_allowed_parent_may_connect_and_strangers_are_counted() {
    let mut edge = Edge::new();
    edge.window(
        "https://crm.example.com.evil.test",
        true,
        json!({"cti": "connect", "v": 1}),
    );
    edge.window(HOST, false, json!({"cti": "connect", "v": 1}));
    assert!(!edge.attached);
    let dropped = edge.channel.dropped();
    assert_eq!((dropped.origin, dropped.source), (1, 1));
    // The refused page learns why, at its exact origin, once a second at most.
    assert_eq!(
        edge.window,
        [(
            json!({"cti": "refused", "reason": "origin", "v": PROTOCOL_VERSION, "code": "origin.host", "fix": crate::diagnose::CheckId::HostOrigin.fix()}),
            "https://crm.example.com.evil.test".to_owned()
        )]
    );
    edge.window("https://evil.test", true, json!({"cti": "connect", "v": 1}));
    assert_eq!(edge.window.len(), 1, "a second refusal within a second");
    edge.now += 1_000;
    edge.window("https://evil.test", true, json!({"cti": "connect", "v": 1}));
    assert_eq!(edge.window.len(), 2);
}

#[test]
fn a_stranger_s_data_is_not_converted() {
    let mut edge = Edge::new();
    let input = WindowInput {
        origin: "https://evil.test",
        from_parent: false,
        has_port: false,
    };
    let mut converted = 0;
    let mut convert = || {
        converted += 1;
        Ok(json!({}))
    };
    edge.channel
        .on_window(edge.now, input, &mut convert, &edge.core);
    assert_eq!(converted, 0);
}

#[test]
fn a_guard_refusal_is_counted_as_malformed() {
    let mut edge = Edge::new();
    let input = WindowInput {
        origin: HOST,
        from_parent: true,
        has_port: false,
    };
    let mut convert = || Err("nested deeper than 32 levels".to_owned());
    edge.channel
        .on_window(edge.now, input, &mut convert, &edge.core);
    assert_eq!(edge.channel.dropped().malformed, 1);
}

#[test]
fn another_protocol_version_is_refused() {
    let mut edge = Edge::new();
    edge.window(HOST, true, json!({"cti": "connect", "v": 99}));
    assert!(!edge.attached);
    assert_eq!(edge.channel.dropped().version, 1);
    assert_eq!(edge.window[0].0["reason"], "version");
}

#[test]
fn a_connect_without_a_port_is_malformed() {
    let mut edge = Edge::new();
    let input = WindowInput {
        origin: HOST,
        from_parent: true,
        has_port: false,
    };
    let mut convert = || Ok(json!({"cti": "connect", "v": 1}));
    edge.channel
        .on_window(edge.now, input, &mut convert, &edge.core);
    edge.run();
    assert!(!edge.attached);
    assert_eq!(edge.channel.dropped().malformed, 1);
}

#[test]
fn announce_says_hello_to_each_allowed_origin_or_refuses_a_known_stranger() {
    let mut edge = Edge::new();
    edge.channel.announce(edge.now, None);
    edge.run();
    assert_eq!(
        edge.window,
        [(
            json!({"cti": "hello", "v": PROTOCOL_VERSION, "epoch": "e1"}),
            HOST.to_owned()
        )]
    );
    edge.window.clear();
    edge.channel.on_tick(edge.now, Some("https://evil.test"));
    edge.run();
    assert_eq!(edge.window[0].0["cti"], "refused");
    assert_eq!(edge.window[0].1, "https://evil.test");
}

#[test]
fn a_new_host_gets_everything_from_zero_and_the_client_starts_once() {
    let mut edge = Edge::new();
    edge.inject_xuc("AgentReady");
    edge.inject_xuc("AgentOnPause");
    assert!(
        edge.port.is_empty(),
        "nothing is posted before a host attaches"
    );
    edge.connect(None, 0, "h1");
    let messages = edge.take();
    assert_eq!(messages[0]["t"], "ready");
    assert_eq!(messages[0]["epoch"], "e1");
    let seqs = Edge::event_seqs(&messages);
    assert!(seqs.len() >= 2);
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    assert_eq!(edge.started, 1);
    // The same host re-attaching (its page kept the port) resumes.
    let last = *seqs.last().unwrap();
    edge.connect(Some("e1"), last, "h1");
    assert!(Edge::event_seqs(&edge.take()).is_empty());
    assert_eq!(
        edge.started, 1,
        "the client is started by the first host only"
    );
}

#[test]
fn a_fresh_widget_continues_the_numbering_of_the_host_it_joins() {
    let mut edge = Edge::new();
    edge.inject_xuc("AgentReady");
    // The host saw 40 events of a previous widget (another epoch).
    edge.connect(Some("old"), 40, "h1");
    let seqs = Edge::event_seqs(&edge.take());
    assert_eq!(seqs.first(), Some(&41));
    // Once seen, it is never renumbered again.
    edge.inject_xuc("AgentOnPause");
    let next = Edge::event_seqs(&edge.take());
    edge.connect(Some("other"), 7, "h2");
    let replayed = Edge::event_seqs(&edge.take());
    assert!(replayed.iter().all(|s| *s > 7));
    assert!(next.iter().all(|s| replayed.contains(s)));
}

#[test]
fn a_host_resuming_past_the_outbox_is_told_the_gap() {
    let options = WidgetOptions {
        outbox_capacity: 3,
        ..options()
    };
    let mut edge = Edge::with(options, None);
    edge.connect(None, 0, "h1");
    edge.take();
    for _ in 0..4 {
        edge.inject_xuc("AgentReady");
        edge.inject_xuc("AgentOnPause");
    }
    let all = Edge::event_seqs(&edge.take());
    let last = *all.last().unwrap();
    assert!(last > 5);
    // The host only saw up to 1: 2..=last-3 are gone.
    edge.connect(Some("e1"), 1, "h1");
    let messages = edge.take();
    let notices = Edge::of_type(&messages, "notice");
    assert_eq!(notices.len(), 1);
    assert_eq!(
        notices[0]["event"],
        json!({"kind": "gap", "from": 2, "to": last - 3})
    );
    // The gap comes after `ready` (its fresh snapshot) and before the replay.
    let position = |t: &str| messages.iter().position(|m| m["t"] == t).unwrap();
    assert!(position("ready") < position("notice"));
    assert!(position("notice") < position("event"));
    assert_eq!(Edge::event_seqs(&messages), [last - 2, last - 1, last]);
    // A host that saw everything hears of no gap.
    edge.connect(Some("e1"), last, "h1");
    assert!(Edge::of_type(&edge.take(), "notice").is_empty());
}

#[test]
fn a_reloaded_widget_restores_its_outbox_and_reports_what_it_did_not_persist() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    for _ in 0..(PERSISTED_EVENTS / 2 + 1) {
        edge.inject_xuc("AgentReady");
        edge.inject_xuc("AgentOnPause");
    }
    let seqs = Edge::event_seqs(&edge.take());
    let last = *seqs.last().unwrap();
    assert!(last as usize > PERSISTED_EVENTS);
    let saved = edge.saved();
    let mut reloaded = Edge::with(options(), Some(&saved));
    assert_eq!(reloaded.channel.epoch(), "e1");
    reloaded.connect(Some("e1"), 0, "h1");
    let messages = reloaded.take();
    let persisted_from = last - PERSISTED_EVENTS as u64 + 1;
    assert_eq!(
        Edge::of_type(&messages, "notice")[0]["event"],
        json!({"kind": "gap", "from": 1, "to": persisted_from - 1})
    );
    assert_eq!(Edge::event_seqs(&messages).first(), Some(&persisted_from));
}

/// A session saved after three events, then four more the host sees before
/// the widget dies: the save, the last `seq` it keeps, the last the host saw.
fn saved_then_four_more() -> (Value, u64, u64) {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    for _ in 0..3 {
        edge.inject_xuc("AgentReady");
    }
    let saved = edge.saved();
    for _ in 0..4 {
        edge.inject_xuc("AgentOnPause");
    }
    let kept = saved["nextSeq"].as_u64().unwrap() - 1;
    let seen = *Edge::event_seqs(&edge.take()).last().unwrap();
    (saved, kept, seen)
}

#[test]
fn a_widget_restored_from_an_older_save_numbers_on_after_what_the_host_saw() {
    let (saved, kept, seen) = saved_then_four_more();
    assert!(seen > kept, "the host saw events the save did not keep");
    let mut reloaded = Edge::with(options(), Some(&saved));
    reloaded.connect(Some("e1"), seen, "h1");
    let messages = reloaded.take();
    assert!(Edge::event_seqs(&messages).is_empty(), "nothing to replay");
    assert_eq!(Edge::of_type(&messages, "ready")[0]["lastSeq"], json!(seen));
    reloaded.inject_xuc("AgentReady");
    let fresh = Edge::event_seqs(&reloaded.take());
    assert_eq!(fresh.first(), Some(&(seen + 1)));
    // A host of the same epoch that saw less still gets what is kept.
    reloaded.connect(Some("e1"), 1, "h1");
    let replayed = Edge::event_seqs(&reloaded.take());
    let want: Vec<u64> = (2..=kept).chain(fresh).collect();
    assert_eq!(replayed, want);
}

/// The numbers a restored session skipped (issued by the session that died
/// after its last save) are a gap for every host of the epoch that resumes
/// from below them: told, range by range and in order, before the replay.
#[test]
fn a_host_resuming_from_below_the_numbers_a_restored_session_skipped_is_told_of_them() {
    let gap = |from: u64, to: u64| json!({"kind": "gap", "from": from, "to": to});
    let (saved, kept, seen) = saved_then_four_more();
    let mut reloaded = Edge::with(options(), Some(&saved));
    reloaded.connect(Some("e1"), seen, "h1");
    assert!(Edge::of_type(&reloaded.take(), "notice").is_empty());
    reloaded.inject_xuc("AgentReady");
    let fresh = Edge::event_seqs(&reloaded.take());
    // A host (another, or this one reloaded) resuming from 1: the kept
    // events, then the fresh ones; kept+1..=seen in between are gone.
    reloaded.connect(Some("e1"), 1, "h1");
    let messages = reloaded.take();
    let notices: Vec<&Value> = Edge::of_type(&messages, "notice")
        .iter()
        .map(|m| &m["event"])
        .collect();
    assert_eq!(notices, [&gap(kept + 1, seen)]);
    let position = |t: &str| messages.iter().position(|m| m["t"] == t).unwrap();
    assert!(position("ready") < position("notice"));
    assert!(position("notice") < position("event"), "before the replay");
    let want: Vec<u64> = (2..=kept).chain(fresh.iter().copied()).collect();
    assert_eq!(Edge::event_seqs(&messages), want);
    // From inside the skipped range: the rest of it.
    reloaded.connect(Some("e1"), kept + 2, "h1");
    let messages = reloaded.take();
    assert_eq!(
        Edge::of_type(&messages, "notice")[0]["event"],
        gap(kept + 3, seen)
    );
    assert_eq!(Edge::event_seqs(&messages), fresh);
    // Saved and restored again, and a second stale restore: every range, in order.
    let again = reloaded.saved();
    reloaded.inject_xuc("AgentOnPause");
    let seen2 = *Edge::event_seqs(&reloaded.take()).last().unwrap();
    let kept2 = again["nextSeq"].as_u64().unwrap() - 1;
    let mut third = Edge::with(options(), Some(&again));
    third.connect(Some("e1"), seen2, "h1");
    third.inject_xuc("AgentReady");
    let fresh2 = Edge::event_seqs(&third.take());
    third.connect(Some("e1"), 0, "h1");
    let messages = third.take();
    let notices: Vec<&Value> = Edge::of_type(&messages, "notice")
        .iter()
        .map(|m| &m["event"])
        .collect();
    assert_eq!(notices, [&gap(kept + 1, seen), &gap(kept2 + 1, seen2)]);
    let last_notice = messages.iter().rposition(|m| m["t"] == "notice").unwrap();
    assert!(
        last_notice < position_of(&messages, "event"),
        "all before the replay"
    );
    let want: Vec<u64> = (1..=kept).chain(fresh).chain(fresh2).collect();
    assert_eq!(Edge::event_seqs(&messages), want);
    // A host that saw it all hears of no gap.
    third.connect(Some("e1"), third.channel.last_seq(), "h1");
    assert!(Edge::of_type(&third.take(), "notice").is_empty());
}

fn position_of(messages: &[Value], t: &str) -> usize {
    messages.iter().position(|m| m["t"] == t).unwrap()
}

#[test]
fn a_corrupt_saved_session_is_reported_and_a_fresh_one_starts() {
    let (channel, error) =
        WidgetChannel::new(options(), "fresh".into(), Some(&json!({"epoch": 5})), 0);
    assert!(error.is_some());
    assert_eq!(channel.epoch(), "fresh");
}

#[test]
fn a_request_resent_after_a_reload_is_answered_again_not_run_twice() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    edge.request(7, "setMode", json!({"mode": "complementary"}));
    let first = Edge::response(&edge.take(), 7);
    assert_eq!(first["result"], json!({"mode": "complementary"}));
    edge.request(8, "inject", json!({"source": "xuc", "msg": {"msgType": "AgentStateEvent", "ctiMessage": {"name": "AgentReady", "agentId": 19}}}));
    edge.take();
    let saved = edge.saved();
    let mut reloaded = Edge::with(options(), Some(&saved));
    reloaded.connect(Some("e1"), 0, "h1");
    reloaded.take();
    let received = reloaded.core.borrow().stats().clone();
    reloaded.request(8, "inject", json!({"source": "xuc", "msg": {}}));
    assert_eq!(
        Edge::response(&reloaded.take(), 8)["result"],
        json!({"ok": true})
    );
    assert_eq!(
        reloaded.core.borrow().stats(),
        &received,
        "the resent inject was not carried out"
    );
    // Another host instance: ids start again, nothing is answered from the cache.
    reloaded.connect(Some("e1"), 0, "h2");
    reloaded.take();
    reloaded.request(8, "inject", json!({"source": "xuc", "msg": 5}));
    assert_eq!(
        Edge::response(&reloaded.take(), 8)["error"]["code"],
        "invalidParams"
    );
}

#[test]
fn requests_are_typed_and_refusals_have_codes() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    edge.request(1, "teleport", json!({}));
    edge.request(2, "setAgentState", json!({"state": "dancing"}));
    edge.request(3, "setAgentState", json!({"state": "ready", "extra": 1}));
    edge.request(4, "setMode", json!({"mode": "sometimes"}));
    edge.request(5, "ccCommand", json!({"name": "dial", "args": ["100"]}));
    edge.request(6, "snapshot", Value::Null);
    let messages = edge.take();
    let code = |id| Edge::response(&messages, id)["error"]["code"].clone();
    assert_eq!(code(1), "unknownMethod");
    assert_eq!(code(2), "invalidParams");
    assert_eq!(code(3), "invalidParams");
    assert_eq!(code(4), "invalidParams");
    assert_eq!(code(5), "notSupported");
    let snapshot = Edge::response(&messages, 6);
    assert_eq!(snapshot["result"]["snapshot"]["kind"], "snapshot");
    assert_eq!(snapshot["result"]["diagnostics"]["hostOrigin"], HOST);

    let mut closed = Edge::with(
        WidgetOptions {
            allow_inject: false,
            ..options()
        },
        None,
    );
    closed.connect(None, 0, "h1");
    closed.request(1, "inject", json!({"source": "xuc", "msg": {}}));
    assert_eq!(
        Edge::response(&closed.take(), 1)["error"]["code"],
        "forbidden"
    );
}

#[test]
fn a_state_request_is_answered_when_its_command_settles() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.crm("ready", Value::Null);
    edge.take();
    edge.request(3, "setPresence", json!({"state": "notReady"}));
    let messages = edge.take();
    assert!(
        messages.iter().all(|m| m["t"] != "response"),
        "answered before it settled"
    );
    let crm: Vec<&Value> = Edge::of_type(&messages, "crm");
    assert!(
        crm.iter()
            .any(|m| m["msg"]["action"] == "requestSyncOmnichannel"),
        "{crm:?}"
    );
    edge.crm(
        "omnichannelResponse",
        json!({"statusId": "Busy", "success": true}),
    );
    let answer = Edge::response(&edge.take(), 3);
    assert_eq!(answer["result"]["status"], "confirmed");
    assert!(answer.get("error").is_none());
}

#[test]
fn the_crm_connector_ready_is_repeated_until_answered_then_crm_data_is_asked() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    let readies = |messages: &[Value]| {
        Edge::of_type(messages, "crm")
            .iter()
            .filter(|m| m["msg"]["action"] == "ready")
            .count()
    };
    assert_eq!(readies(&edge.take()), 1);
    edge.channel.on_tick(edge.now, None);
    edge.run();
    assert_eq!(readies(&edge.take()), 1, "repeated on the tick");
    edge.crm("ready", Value::Null);
    let messages = edge.take();
    assert!(Edge::of_type(&messages, "crm")
        .iter()
        .any(|m| m["msg"]["action"] == "requestCrmData"));
    edge.channel.on_tick(edge.now, None);
    edge.run();
    assert_eq!(readies(&edge.take()), 0, "not repeated once answered");
}

#[test]
fn the_mode_follows_the_crm_data_unless_the_config_set_it() {
    let ccdef = json!({"callCenterSettings": {"/reqOmnichannel/reqOmnichannelMode": "C"}});
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.crm("crmData", ccdef.clone());
    assert_eq!(edge.core.borrow().snapshot().mode, Mode::Complementary);

    let mut forced = Edge::with(
        WidgetOptions {
            mode_forced: true,
            ..options()
        },
        None,
    );
    forced.connect(None, 0, "h1");
    forced.crm("crmData", ccdef);
    assert_eq!(forced.core.borrow().snapshot().mode, Mode::Synchronized);
}

#[test]
fn asks_wait_for_a_host_are_resent_to_the_next_and_settle_once() {
    let mut edge = Edge::new();
    let first = edge.channel.ask(edge.now, Ask::Login);
    edge.run();
    assert!(edge.port.is_empty());
    edge.connect(None, 0, "h1");
    let asks = Edge::of_type(&edge.take(), "ask")
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(asks, [json!({"t": "ask", "id": first, "what": "login"})]);
    // The host reloads before answering: the new one is asked again.
    edge.connect(None, 0, "h2");
    assert_eq!(Edge::of_type(&edge.take(), "ask").len(), 1);
    edge.port_text(json!({"t": "answer", "id": first, "value": {"login": "a", "password": "p"}}));
    edge.port_text(json!({"t": "answer", "id": first, "value": "again"}));
    assert_eq!(
        edge.settled,
        [(first, Ok(json!({"login": "a", "password": "p"})))]
    );
    // A provider that gave nothing, or failed.
    let second = edge.channel.ask(edge.now, Ask::Token);
    let third = edge.channel.ask(edge.now, Ask::Token);
    edge.port_text(json!({"t": "answer", "id": second}));
    edge.port_text(json!({"t": "answer", "id": third, "error": "no session"}));
    assert_eq!(
        edge.settled[1],
        (second, Err("the host gave nothing".into()))
    );
    assert_eq!(edge.settled[2], (third, Err("no session".into())));
}

#[test]
fn too_many_waiting_asks_give_up_the_oldest() {
    let mut edge = Edge::new();
    let ids: Vec<u64> = (0..=ASKS_KEPT)
        .map(|_| edge.channel.ask(edge.now, Ask::Token))
        .collect();
    edge.run();
    assert_eq!(edge.settled, [(ids[0], Err("superseded".into()))]);
    let unique: std::collections::BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "ask ids are never reused");
}

#[test]
fn bad_port_messages_are_counted_and_answered_by_nothing() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    edge.channel.on_port(edge.now, None, &edge.core);
    for text in [
        "not json".to_owned(),
        r#"{"t":"teleport"}"#.to_owned(),
        format!("{}{}", "[".repeat(100), "]".repeat(100)),
        format!(
            r#"{{"t":"crm","msg":"{}"}}"#,
            "x".repeat(MAX_CHANNEL_MESSAGE)
        ),
    ] {
        edge.channel.on_port(edge.now, Some(&text), &edge.core);
    }
    edge.run();
    assert_eq!(edge.channel.dropped().malformed, 5);
    assert!(edge.take().is_empty());
}

#[test]
fn a_ping_is_answered_with_its_number() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    edge.port_text(json!({"t": "ping", "n": 41}));
    assert_eq!(edge.take(), [json!({"t": "pong", "n": 41})]);
}

#[test]
fn a_message_that_does_not_decode_becomes_an_error_event() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    edge.crm("noSuchAction", json!({}));
    let events = Edge::of_type(&edge.take(), "event")
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(events[0]["event"]["kind"], "error");
    assert_eq!(events[0]["event"]["source"], "crm-connector");
    assert!(
        events[0]["event"].get("seq").is_none(),
        "the channel's seq is on the envelope only"
    );
}

#[test]
fn events_keep_the_bridge_seq_and_the_envelope_has_the_channel_seq() {
    let mut edge = Edge::new();
    edge.inject_xuc("AgentReady");
    edge.connect(Some("old"), 100, "h1");
    let messages = edge.take();
    let event = Edge::of_type(&messages, "event")[0];
    assert_eq!(event["seq"], 101);
    assert_eq!(event["event"]["seq"], 1, "the bridge's own numbering");
}

#[test]
fn drops_are_reported_to_the_host_at_most_every_500_ms() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    for _ in 0..50 {
        edge.window("https://evil.test", false, json!({}));
    }
    let health = |messages: &[Value]| {
        Edge::of_type(messages, "event")
            .iter()
            .filter(|m| m["event"]["kind"] == "health")
            .count()
    };
    assert_eq!(health(&edge.take()), 1);
    edge.now += 500;
    edge.window("https://evil.test", false, json!({}));
    let messages = edge.take();
    assert_eq!(health(&messages), 1);
    let event = &Edge::of_type(&messages, "event")[0]["event"];
    assert_eq!(event["dropped"]["origin"], 51);
    assert_eq!(event["status"], "live");
}

#[test]
fn a_client_application_on_the_window_is_decoded() {
    let mut edge = Edge::new();
    edge.window(
        HOST,
        true,
        json!({"type": "ClientAppMessage", "action": "ready"}),
    );
    assert_eq!(edge.core.borrow().stats().events, 1);
    edge.window(HOST, true, json!(["not", "an", "object"]));
    assert_eq!(edge.channel.dropped().malformed, 1);
}

#[test]
fn pagehide_saves_then_says_bye() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    let saves = edge.saves;
    edge.channel.on_pagehide(edge.now);
    edge.run();
    assert_eq!(edge.saves, saves + 1);
    assert_eq!(edge.take(), [json!({"t": "bye"})]);
}

#[test]
fn the_trace_names_messages_never_their_content_and_waits_for_a_host() {
    let mut edge = Edge::with(
        WidgetOptions {
            trace: true,
            ..options()
        },
        None,
    );
    edge.window(
        "https://evil.test",
        true,
        json!({"cti": "x", "secret": "hunter2"}),
    );
    edge.channel.trace_cc(
        edge.now,
        "in",
        Some("ws://127.0.0.1:1".into()),
        "AgentStateEvent".into(),
        120,
        None,
    );
    edge.connect(None, 0, "h1");
    edge.request(1, "setMode", json!({"mode": "off", "password": "hunter2"}));
    let messages = edge.take();
    let traces: Vec<&Value> = Edge::of_type(&messages, "trace");
    assert!(traces.len() >= 4, "{traces:?}");
    assert_eq!(
        traces[0]["entry"]["dropped"],
        "origin not on the allow-list"
    );
    assert_eq!(traces[1]["entry"]["peer"], "cc");
    assert!(traces
        .iter()
        .any(|t| t["entry"]["type"] == "request setMode"));
    assert!(!serde_json::to_string(&traces).unwrap().contains("hunter2"));
}

/// A host that handshakes again (its hello crossed our answer) closes the
/// first port: the trace of the `connect` that attached the second goes on
/// the second, ahead of its `ready`. Refused handshakes say why.
#[test]
fn a_connect_is_traced_on_the_port_it_attaches() {
    let mut edge = Edge::with(
        WidgetOptions {
            trace: true,
            ..options()
        },
        None,
    );
    edge.connect(None, 0, "h1");
    edge.connect(None, 0, "h1");
    let on_second = &edge.latest_port;
    let traced = on_second
        .iter()
        .position(|m| m["t"] == "trace" && m["entry"]["type"] == "connect")
        .unwrap_or_else(|| panic!("no connect trace on the second port: {on_second:?}"));
    assert_eq!(on_second[traced]["entry"]["peer"], "window");
    assert_eq!(on_second[traced]["entry"]["origin"], HOST);
    let ready = on_second.iter().position(|m| m["t"] == "ready").unwrap();
    assert!(traced < ready, "{on_second:?}");
    let all = edge.take();
    let connects = Edge::of_type(&all, "trace")
        .into_iter()
        .filter(|t| t["entry"]["type"] == "connect")
        .count();
    assert_eq!(connects, 2, "one entry per handshake: {all:?}");

    edge.window(
        HOST,
        true,
        json!({"cti": "connect", "v": 99, "lastSeq": 0, "hostId": "h2"}),
    );
    edge.window(
        HOST,
        true,
        json!({"cti": "connect", "v": PROTOCOL_VERSION, "lastSeq": "x"}),
    );
    let traces = edge.take();
    let dropped: Vec<&Value> = Edge::of_type(&traces, "trace")
        .iter()
        .map(|t| &t["entry"]["dropped"])
        .collect();
    assert_eq!(dropped.len(), 2, "{traces:?}");
    assert_eq!(dropped[0], "protocol version not supported");
    assert_eq!(dropped[1], "malformed connect");
    assert!(!serde_json::to_string(&traces).unwrap().contains("\"x\""));
}

fn frame_options() -> WidgetOptions {
    WidgetOptions {
        crm_frame: true,
        credentials_url: Some(CredentialsUrl::parse("/cti/credentials").unwrap()),
        ..options()
    }
}

fn client_app(edge: &mut Edge, action: &str, data: Value) {
    edge.window(
        HOST,
        true,
        json!({"type": "ClientAppMessage", "action": action, "data": data}),
    );
}

#[test]
fn as_the_crm_connector_frame_the_widget_speaks_first_until_answered() {
    let mut edge = Edge::with(frame_options(), None);
    edge.channel.announce(edge.now, Some(HOST));
    edge.run();
    let ready = json!({"type": "CRMConnectMessage", "action": "ready"});
    assert_eq!(
        edge.window,
        [(ready.clone(), HOST.to_owned())],
        "ready, to the embedding page only"
    );
    assert_eq!(
        edge.started, 1,
        "no host will come: the client starts with the widget"
    );
    edge.channel.on_tick(edge.now, Some(HOST));
    edge.run();
    assert_eq!(edge.window.len(), 2, "repeated until answered");
    edge.window.clear();
    // The Client Application answers on the window: requestCrmData goes back to its exact origin.
    client_app(&mut edge, "ready", Value::Null);
    assert!(
        edge.window
            .iter()
            .any(|(m, o)| m["action"] == "requestCrmData" && o == HOST),
        "{:?}",
        edge.window
    );
    edge.window.clear();
    edge.channel.on_tick(edge.now, Some(HOST));
    edge.run();
    assert!(edge.window.is_empty(), "no more ready once answered");
    assert!(
        edge.port.is_empty() && !edge.attached,
        "no port in frame mode"
    );
    // The CRM presence request of the sync engine goes to the Client Application on the window.
    client_app(
        &mut edge,
        "crmData",
        json!({"callCenterSettings": {"/reqOmnichannel/reqOmnichannelMode": "S"}}),
    );
    edge.inject_xuc("AgentOnPause");
    edge.inject_xuc("AgentReady");
    assert!(edge.window.iter().all(|(_, o)| o == HOST));
    assert!(!edge.window.is_empty());
}

#[test]
fn in_frame_mode_a_stranger_or_another_window_is_still_refused() {
    let mut edge = Edge::with(frame_options(), None);
    edge.window(
        "https://evil.test",
        true,
        json!({"type": "ClientAppMessage", "action": "ready"}),
    );
    edge.window(
        HOST,
        false,
        json!({"type": "ClientAppMessage", "action": "ready"}),
    );
    assert_eq!(edge.core.borrow().stats().events, 0);
    let dropped = edge.channel.dropped();
    assert_eq!((dropped.origin, dropped.source), (1, 1));
}

#[test]
fn the_credentials_endpoint_answers_asks_instead_of_the_host() {
    let mut edge = Edge::with(frame_options(), None);
    let login = edge.channel.ask(edge.now, Ask::Login);
    edge.run();
    assert_eq!(edge.fetched, [(login, "/cti/credentials".to_owned())]);
    edge.channel.on_credentials_fetched(
        login,
        Ok(json!({"login": "alice", "password": "s3cret", "extra": 1})),
    );
    edge.run();
    assert_eq!(
        edge.settled,
        [(login, Ok(json!({"login": "alice", "password": "s3cret"})))]
    );
    let token = edge.channel.ask(edge.now, Ask::Token);
    edge.channel
        .on_credentials_fetched(token, Ok(json!({"user": "x"})));
    let failed = edge.channel.ask(edge.now, Ask::Token);
    edge.channel
        .on_credentials_fetched(failed, Err("HTTP 401".into()));
    edge.channel
        .on_credentials_fetched(failed, Ok(json!("late")));
    edge.run();
    assert_eq!(
        edge.settled[1],
        (
            token,
            Err("the credentials endpoint gave no token (expected {token})".into())
        )
    );
    assert_eq!(edge.settled[2], (failed, Err("HTTP 401".into())));
    assert_eq!(edge.settled.len(), 3, "an ask settles once");
    // A host attaching later is not asked what the endpoint answers.
    edge.channel.ask(edge.now, Ask::Token);
    edge.connect(None, 0, "h1");
    assert!(Edge::of_type(&edge.take(), "ask").is_empty());
}

#[test]
fn credentials_come_in_the_shape_the_client_wants() {
    assert_eq!(
        credentials_from(Ask::Token, &json!("abc")),
        Ok(json!("abc"))
    );
    assert_eq!(
        credentials_from(Ask::Token, &json!({"access_token": "abc"})),
        Ok(json!("abc"))
    );
    assert!(credentials_from(Ask::Token, &json!({"token": ""})).is_err());
    assert!(credentials_from(Ask::Login, &json!({"login": "a"}))
        .unwrap_err()
        .contains("{login, password}"));
    let refused = credentials_from(Ask::Login, &json!({"login": "a", "password": 5})).unwrap_err();
    assert!(!refused.contains('5'));
}

#[test]
fn a_credentials_url_is_a_path_on_the_widget_origin() {
    assert!(CredentialsUrl::parse("/cti/credentials?x=1").is_ok());
    for bad in [
        "https://evil.test/c",
        "//evil.test/c",
        "cti/credentials",
        "/\\evil.test",
        "",
        "/a b",
        "javascript:alert(1)",
    ] {
        assert!(CredentialsUrl::parse(bad).is_err(), "{bad}");
    }
}

// -- Diagnostics: `diagnose`, `exportLogs`, `logs` ---------------------------

fn observed(parent: &str) -> crate::diagnose::Observations {
    crate::diagnose::Observations {
        now: 5_000,
        widget_origin: "https://widget.example.net".into(),
        parent_origin: Some(parent.into()),
        framed: true,
        storage: crate::diagnose::StorageObservations {
            session_usable: Some(true),
            top_origin: None,
            has_access: Some(true),
        },
        ..Default::default()
    }
}

#[test]
fn diagnose_gathers_observations_then_answers_with_the_report() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    edge.request(
        7,
        "diagnose",
        json!({"dropIn": "0.1.0", "widgetOriginAllowed": true}),
    );
    // Nothing answered until the edge observed.
    assert!(Edge::of_type(&edge.take(), "response").is_empty());
    let (request, export, host) = edge.diagnosing.pop().unwrap();
    assert_eq!((request, export), (7, false));
    assert_eq!(host.drop_in.as_deref(), Some("0.1.0"));
    edge.channel
        .on_observed(edge.now, request, export, host, observed(HOST));
    edge.run();
    let reply = Edge::response(&edge.take(), 7);
    let report = &reply["result"];
    assert_eq!(report["versions"]["dropIn"], "0.1.0");
    assert_eq!(report["versions"]["protocol"], PROTOCOL_VERSION);
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), crate::diagnose::CheckId::ALL.len());
    for check in checks {
        assert_eq!(check["status"], "ok", "{check}");
    }
    assert_eq!(checks[0]["id"], "origin.host");
    assert!(checks[0]["detail"].as_str().unwrap().contains(HOST));
    // Bad parameters are refused at once.
    edge.request(8, "diagnose", json!({"secret": 1}));
    assert_eq!(
        Edge::response(&edge.take(), 8)["error"]["code"],
        "invalidParams"
    );
    assert!(edge.diagnosing.is_empty());
}

#[test]
fn logs_are_queried_by_time_and_level_and_exported_after_the_report() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.now = 2_000;
    edge.channel.log(
        2_000,
        crate::diagnose::LogLevel::Debug,
        "test",
        "dial +33 6 12 34 56 78",
    );
    edge.now = 3_000;
    edge.channel.push_host_event(
        3_000,
        &WidgetEvent::cc_health(
            Source::Axp,
            crate::client::Health {
                state: crate::client::HealthState::Failed,
                reason: "the token was refused (HTTP 401) again after a fresh token; giving up"
                    .into(),
                retry_in_ms: None,
                fault: Some(crate::client::Fault::TokenRefused),
            },
        ),
    );
    edge.run();
    let messages = edge.take();
    let health = Edge::of_type(&messages, "event")
        .into_iter()
        .find(|m| m["event"]["kind"] == "ccHealth")
        .cloned()
        .unwrap();
    assert_eq!(health["event"]["code"], "cc.auth");
    assert_eq!(
        health["event"]["fix"],
        crate::diagnose::CheckId::CcAuth.fix(),
        "the event names the fix of its code"
    );
    edge.request(9, "logs", json!({}));
    let all = Edge::response(&edge.take(), 9)["result"]["entries"].clone();
    let all = all.as_array().unwrap();
    assert_eq!(all[0]["source"], "channel");
    assert_eq!(all[1]["message"], "dial *********78");
    edge.request(10, "logs", json!({"since": 2_500, "level": "warn"}));
    let recent = Edge::response(&edge.take(), 10)["result"]["entries"].clone();
    assert_eq!(recent.as_array().unwrap().len(), 1);
    assert_eq!(recent[0]["level"], "error");
    assert_eq!(recent[0]["source"], "axp");
    assert!(recent[0]["message"]
        .as_str()
        .unwrap()
        .ends_with("[cc.auth]"));
    edge.request(11, "logs", json!({"level": "loud"}));
    assert_eq!(
        Edge::response(&edge.take(), 11)["error"]["code"],
        "invalidParams"
    );
    edge.request(12, "exportLogs", Value::Null);
    let (request, export, host) = edge.diagnosing.pop().unwrap();
    assert!(export);
    edge.channel
        .on_observed(edge.now, request, export, host, observed(HOST));
    edge.run();
    let text = Edge::response(&edge.take(), 12)["result"]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines[0]["checks"].is_array());
    assert_eq!(lines.len(), 1 + edge.channel.logs().len());
    assert!(!text.contains("12 34 56"));
}

#[test]
fn a_refusal_names_its_code_and_fix() {
    let mut edge = Edge::new();
    edge.window(
        "https://other.example.com",
        true,
        json!({"cti": "connect", "v": PROTOCOL_VERSION}),
    );
    let (refusal, origin) = edge.window[0].clone();
    assert_eq!(origin, "https://other.example.com");
    assert_eq!(refusal["code"], "origin.host");
    assert!(refusal["fix"]
        .as_str()
        .unwrap()
        .contains("allowedHostOrigins"));
    // The diagnosis in the widget page fails the same check.
    let report = edge.channel.report(observed("https://other.example.com"));
    let host = report.check(crate::diagnose::CheckId::HostOrigin).unwrap();
    assert_eq!(host.status, crate::diagnose::CheckStatus::Fail);
    assert_eq!(edge.channel.logs().len(), 1);
}

#[test]
fn each_contact_centre_configuration_saves_under_its_own_key() {
    let xuc = json!({"kind": "xuc", "baseUrl": "https://xuc.example.com", "agentId": "19"});
    let axp = json!({"kind": "axp", "restBase": "https://axp.example.com", "accountId": "DEMOAC"});
    let other = json!({"kind": "xuc", "baseUrl": "https://xuc.example.com", "agentId": "20"});
    let keys = [
        default_storage_key(None),
        default_storage_key(Some(&xuc)),
        default_storage_key(Some(&axp)),
        default_storage_key(Some(&other)),
    ];
    assert_eq!(keys[0], "cti-bridge/outbox");
    let unique: std::collections::BTreeSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), 4, "{keys:?}");
    assert_eq!(
        default_storage_key(Some(&xuc)),
        keys[1],
        "stable across reloads"
    );
}

#[path = "widget_batch_tests.rs"]
mod batch;

#[test]
fn a_stream_is_saved_once_a_second_and_the_last_save_holds_every_event() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    // The edge's save timer, natively: `save_soon` schedules, `save_text` is the timer firing.
    let mut due: Option<u64> = None;
    let mut saves = Vec::new();
    for i in 0..300u64 {
        // An inject every 10 ms for 3 s.
        edge.now = 2_000 + i * 10;
        if due.is_some_and(|t| edge.now >= t) {
            saves.push(edge.saved()["nextSeq"].as_u64().unwrap());
            due = None;
        }
        edge.request(
            i + 1,
            "inject",
            json!({"source": "xuc", "msg": xuc_turn(i)}),
        );
        assert!(edge.saves > 0, "the outputs ask for a save");
        if let Some(wait) = edge.channel.save_soon(edge.now) {
            due = Some(edge.now + wait);
        }
    }
    // 250 ms after the first change, then once a second: 3 saves in 3 s, not 12.
    assert_eq!(saves.len(), 3, "{saves:?}");
    // The stream ended: the save still scheduled holds every event.
    let at = due.expect("a save is scheduled after the last change");
    edge.now = at;
    let saved = edge.saved();
    assert_eq!(saved["nextSeq"], edge.channel.last_seq() + 1);
    assert_eq!(edge.channel.save_soon(at + 5_000), Some(SAVE_DELAY_MS));
}

/// The hand-written readers of the host's parameters, connect and saved
/// session against the serde derives they replaced (kept here as the
/// reference): the same values, the same error texts.
#[test]
fn the_readers_agree_with_the_derives_they_replaced() {
    mod derived {
        use serde_json::Value;

        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(rename_all = "camelCase")]
        pub struct Connect {
            pub v: u32,
            #[serde(default)]
            pub epoch: Option<String>,
            #[serde(default)]
            pub last_seq: u64,
            #[serde(default)]
            pub host_id: Option<String>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct SetState {
            pub state: String,
            #[serde(default)]
            pub reason: Option<String>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(deny_unknown_fields)]
        pub struct CcCommand {
            pub name: String,
            #[serde(default)]
            pub args: Vec<Value>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(deny_unknown_fields)]
        pub struct Inject {
            pub source: String,
            pub msg: Value,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct HostView {
            #[serde(default)]
            pub drop_in: Option<String>,
            #[serde(default)]
            pub widget_origin_allowed: Option<bool>,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct Saved {
            pub epoch: String,
            pub next_seq: u64,
            pub events: Vec<(u64, Value)>,
            #[serde(default)]
            pub host_id: Option<String>,
            #[serde(default)]
            pub answered: Vec<(u64, String)>,
        }
    }
    fn same<D: serde::de::DeserializeOwned + std::fmt::Debug + PartialEq, R>(
        value: &Value,
        read: impl Fn(&Value) -> Result<R, FieldError>,
        as_derived: impl Fn(R) -> D,
    ) {
        let read = read(value).map(as_derived).map_err(|e| e.to_string());
        if value.is_array() {
            // One difference: a derive also took a struct as an array of its
            // fields in order; the readers want an object.
            assert!(read.unwrap_err().starts_with("invalid type: sequence"));
            return;
        }
        let derived = D::deserialize(value).map_err(|e| e.to_string());
        assert_eq!(read, derived, "{value}");
    }
    // Each reader with its own samples (valid, and one fault each: with
    // two, a derive named the first in key order, the readers the unknown
    // field first) and the shapes every reader refuses.
    let common = [
        json!(null),
        json!(5),
        json!("x"),
        json!([]),
        json!([2, "e1"]),
        json!({}),
    ];
    let with = |own: Vec<Value>| common.iter().cloned().chain(own).collect::<Vec<_>>();
    for value in &with(vec![
        json!({"v": 2}),
        json!({"v": 2, "epoch": "e1", "lastSeq": 7, "hostId": "h"}),
        json!({"v": 2, "epoch": null, "lastSeq": 7, "hostId": null, "x": 1}),
        json!({"v": -1}),
        json!({"v": 5_000_000_000u64}),
        json!({"v": 1.5}),
        json!({"v": "2"}),
        json!({"v": 2, "epoch": 5}),
        json!({"v": 2, "lastSeq": -3}),
        json!({"v": 2, "lastSeq": null}),
        json!({"v": 2, "hostId": []}),
    ]) {
        same(value, fields::wire::<Connect>, |c| derived::Connect {
            v: c.v,
            epoch: c.epoch,
            last_seq: c.last_seq,
            host_id: c.host_id,
        });
    }
    for value in &with(vec![
        json!({"state": "ready"}),
        json!({"state": "notReady", "reason": "lunch"}),
        json!({"state": "notReady", "reason": null}),
        json!({"state": "ready", "extra": 1}),
        json!({"state": 5}),
        json!({"state": "ready", "reason": 5}),
        json!({"reason": "lunch"}),
    ]) {
        same(value, fields::wire::<SetState>, |s| derived::SetState {
            state: s.state,
            reason: s.reason,
        });
    }
    for value in &with(vec![
        json!({"name": "dial", "args": ["100", 5, null]}),
        json!({"name": "dial"}),
        json!({"name": "dial", "args": null}),
        json!({"name": "dial", "args": 5}),
        json!({"name": "dial", "args": [], "x": 1}),
        json!({"args": []}),
        json!({"name": 1}),
    ]) {
        same(value, fields::wire::<CcCommand>, |c| derived::CcCommand {
            name: c.name,
            args: c.args,
        });
    }
    for value in &with(vec![
        json!({"source": "xuc", "msg": {"a": [1]}}),
        json!({"source": "xuc", "msg": null}),
        json!({"source": "xuc"}),
        json!({"msg": 1}),
        json!({"source": 1, "msg": 1}),
        json!({"source": "xuc", "msg": 1, "x": 1}),
    ]) {
        same(
            value,
            |v| inject_params(v.clone()),
            |(source, msg)| derived::Inject { source, msg },
        );
    }
    for value in &with(vec![
        json!({"dropIn": "1.2.0", "widgetOriginAllowed": true}),
        json!({"dropIn": null, "widgetOriginAllowed": null}),
        json!({"dropIn": 1}),
        json!({"widgetOriginAllowed": "yes"}),
        json!({"dropIn": "1", "other": 1}),
    ]) {
        same(value, opt_wire::<HostView>, |h| {
            h.map(|h| derived::HostView {
                drop_in: h.drop_in,
                widget_origin_allowed: h.widget_origin_allowed,
            })
        });
    }
    let saved = |extra: Value| {
        let mut saved =
            json!({"epoch": "e", "nextSeq": 3, "events": [[1, {"kind": "x"}], [2, null]]});
        for (k, v) in extra.as_object().unwrap() {
            match v {
                Value::Null if k.starts_with('-') => saved.as_object_mut().unwrap().remove(&k[1..]),
                v => saved.as_object_mut().unwrap().insert(k.clone(), v.clone()),
            };
        }
        saved
    };
    for value in &with(vec![
        saved(json!({})),
        saved(json!({"hostId": "h", "answered": [[4, "{}"]]})),
        saved(json!({"hostId": null, "answered": []})),
        saved(json!({"-events": null})),
        saved(json!({"-epoch": null})),
        saved(json!({"events": [[1]]})),
        saved(json!({"events": [[1, 2, 3]]})),
        saved(json!({"events": [{"seq": 1}]})),
        saved(json!({"events": [[-1, 2]]})),
        saved(json!({"answered": [[1, 2]]})),
        saved(json!({"answered": null})),
        saved(json!({"nextSeq": "3"})),
        saved(json!({"outbox": []})),
    ]) {
        same(value, fields::wire::<Saved>, |s| derived::Saved {
            epoch: s.epoch,
            next_seq: s.next_seq,
            events: s
                .events
                .into_iter()
                .map(|(n, e)| (n, e.to_value()))
                .collect(),
            host_id: s.host_id,
            answered: s.answered,
        });
    }
}

#[test]
fn each_event_is_written_once_and_sent_replayed_and_saved_as_that_text() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    edge.take();
    // A burst in one task: one batch assembled from the outbox's texts.
    for name in ["AgentReady", "AgentOnPause", "AgentReady"] {
        let msg = json!({"msgType": "AgentStateEvent", "ctiMessage": {"name": name, "agentId": 19, "phoneNb": "1000", "since": 0, "queues": []}});
        let outputs = edge
            .core
            .borrow_mut()
            .ingest(Source::Xuc, &msg, Some(edge.now))
            .unwrap();
        edge.channel.on_outputs(edge.now, outputs, &edge.core);
    }
    edge.run();
    let kept: Vec<(u64, EventText)> = edge.channel.events_after(0).cloned().collect();
    assert!(kept.len() >= 3);
    let messages: Vec<String> = kept.iter().map(|(seq, e)| e.message(*seq)).collect();
    assert_eq!(edge.texts.len(), 1, "one post for the burst");
    let batch = edge.texts[0].clone();
    assert!(batch.starts_with(r#"{"t":"batch","m":["#));
    // The kept texts, verbatim and in order (the CRM envelopes between them).
    let mut at = 0;
    for message in &messages {
        let found = batch[at..].find(message.as_str());
        assert!(
            found.is_some(),
            "{message} not in the batch after byte {at}"
        );
        at += found.unwrap() + message.len();
    }
    // Each text is what the event writes, and parses back to the message
    // the host gets.
    let sent: Vec<Value> = Edge::of_type(&edge.port, "event")
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(sent.len(), kept.len());
    for (((seq, event), message), got) in kept.iter().zip(&messages).zip(&sent) {
        assert_eq!(got["seq"], *seq);
        assert_eq!(&serde_json::from_str::<Value>(message).unwrap(), got);
        assert_eq!(got["event"], event.to_value());
    }
    let last = kept.last().unwrap().0;
    edge.take();

    // The same host re-attaching after the first of them: the rest again,
    // the same texts, in order, once each, `seq` unchanged.
    edge.connect(Some("e1"), kept[0].0, "h1");
    let posted = edge.texts.concat();
    assert!(!posted.contains(messages[0].as_str()), "seen: not replayed");
    let mut at = 0;
    for message in &messages[1..] {
        let found = posted[at..].find(message.as_str());
        assert!(found.is_some(), "{message} not replayed after byte {at}");
        at += found.unwrap() + message.len();
        assert_eq!(posted.matches(message.as_str()).count(), 1, "once");
    }
    assert_eq!(
        Edge::event_seqs(&edge.take()),
        kept[1..].iter().map(|(seq, _)| *seq).collect::<Vec<_>>()
    );
    edge.connect(Some("e1"), last, "h1");
    assert!(Edge::event_seqs(&edge.take()).is_empty(), "no duplicates");

    // The saved session embeds the texts: the same JSON shape as before
    // (`[[seq, event], ...]`), so a reload reads old and new sessions alike.
    let text = edge.channel.save_text(edge.now);
    for (seq, event) in &kept {
        assert!(text.contains(&format!("[{seq},{}]", event.as_str())));
    }
    let saved: Value = serde_json::from_str(&text).unwrap();
    let events = saved["events"].as_array().unwrap();
    assert_eq!(events.len(), kept.len());
    for (pair, (seq, event)) in events.iter().zip(&kept) {
        assert_eq!(pair, &json!([seq, event.to_value()]));
    }
    let mut reloaded = Edge::with(options(), Some(&saved));
    reloaded.connect(Some("e1"), 0, "h1");
    let again = reloaded.take();
    let again: Vec<Value> = Edge::of_type(&again, "event")
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(again, sent, "the same events, in order");
}

#[test]
fn a_session_saved_before_the_outbox_kept_text_is_restored() {
    // As `main` saved it before: events as values written by serde_json
    // (keys sorted), every other field as now.
    let old = json!({
        "epoch": "e0",
        "nextSeq": 3,
        "events": [
            [1, {"kind": "event", "source": "xuc", "body": {"type": "agentState", "state": "ready"}}],
            [2, {"kind": "health", "status": "live", "dropped": {"origin": 0}}]
        ],
        "hostId": "h1",
        "answered": [[4, r#"{"t":"response","id":4,"result":{"ok":true}}"#]]
    });
    let mut reloaded = Edge::with(options(), Some(&old));
    assert_eq!(reloaded.channel.epoch(), "e0");
    reloaded.connect(Some("e0"), 1, "h1");
    let messages = reloaded.take();
    let events = Edge::of_type(&messages, "event");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["seq"], 2);
    assert_eq!(events[0]["event"], old["events"][1][1]);
    // A session whose events are not `[seq, event]` pairs is refused with a reason.
    let (_, error) = WidgetChannel::new(
        options(),
        "fresh".into(),
        Some(&json!({"epoch": "e0", "nextSeq": 3, "events": [{"seq": 1}]})),
        0,
    );
    assert!(error.is_some_and(|e| e.to_string().contains("saved widget session not restored")));
}

/// The saved session's reader against the one it replaced (a
/// `Fields::get` per field): same session, or same error path and reason.
#[test]
fn the_saved_session_reads_and_refuses_as_before() {
    /// A pair with its item read, as the reader before read it (its own
    /// copy: an oracle independent of the `pair` under test).
    fn pair_with<'a, T>(
        value: &'a Value,
        item: impl Fn(&'a Value) -> Result<T, FieldError>,
    ) -> Result<(u64, T), FieldError> {
        match value {
            Value::Array(items) => match items.as_slice() {
                [n, v] => Ok((fields::unsigned(n)?, item(v)?)),
                [_, _, ..] => Err(FieldError::invalid_length(
                    items.len(),
                    &"fewer elements in array",
                )),
                _ => Err(FieldError::invalid_length(
                    items.len(),
                    &"a tuple of size 2",
                )),
            },
            other => Err(fields::invalid_type(other, "a tuple of size 2")),
        }
    }
    struct Before(Saved);
    impl Wire for Before {
        const EXPECTED: &'static str = "struct Saved";
        fn read(o: Fields) -> Result<Self, FieldError> {
            o.only(&["epoch", "nextSeq", "events", "hostId", "answered"])?;
            Ok(Before(Saved {
                epoch: o.text(&["epoch"])?,
                next_seq: o.req(&["nextSeq"], fields::unsigned)?,
                events: o.req(&["events"], |v| {
                    fields::list(v, |p| pair_with(p, |e| Ok(EventText::of(e))))
                })?,
                host_id: opt_field(o, "hostId", fields::text)?,
                answered: o
                    .get(&["answered"], |v| {
                        fields::list(v, |p| pair_with(p, fields::text))
                    })?
                    .unwrap_or_default(),
            }))
        }
    }
    crate::config::reader_tests::check(
        &["epoch", "nextSeq", "events", "hostId", "answered"],
        |s: Saved| s,
        |s: Before| s.0,
        json!({"epoch": "e", "nextSeq": 3, "events": [[1, {"kind": "x"}]], "answered": [[2, "{}"]]}),
    );
}

/// The session the edge persists (`save_text`, its one writer), read back
/// as a reload reads it: the newest events as the outbox keeps them, the
/// next `seq`, the host id and its answers; restored, the same session.
#[test]
fn the_saved_text_reads_back_as_the_session_it_was_written_from() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    for i in 0..(PERSISTED_EVENTS as u64 + 40) {
        edge.now = 2_000 + i;
        edge.request(
            i + 1,
            "inject",
            json!({"source": "xuc", "msg": xuc_turn(i)}),
        );
    }
    let text = edge.channel.save_text(edge.now);
    let value: Value = serde_json::from_str(&text).unwrap();
    let saved = fields::wire::<Saved>(&value).unwrap();
    assert_eq!(saved.epoch, "e1");
    assert_eq!(saved.next_seq, edge.channel.last_seq() + 1);
    let kept: Vec<(u64, EventText)> = edge.channel.events_after(0).cloned().collect();
    assert!(kept.len() > PERSISTED_EVENTS);
    // Only the newest, each copied as the outbox keeps its text (read
    // back through a value, so compared as values).
    let newest = &kept[kept.len() - PERSISTED_EVENTS..];
    assert_eq!(saved.events.len(), PERSISTED_EVENTS);
    for ((seq, event), (kept_seq, kept_event)) in saved.events.iter().zip(newest) {
        assert_eq!((seq, event.to_value()), (kept_seq, kept_event.to_value()));
        assert!(text.contains(&format!("[{seq},{}]", kept_event.as_str())));
    }
    assert_eq!(saved.host_id.as_deref(), Some("h1"));
    assert!(!saved.answered.is_empty());
    assert_eq!(saved.answered, Vec::from(edge.channel.answered.clone()));
    // Restored from it: the same session, saved again.
    let mut reloaded = Edge::with(options(), Some(&value));
    assert_eq!(reloaded.saved(), value);
}

/// A diagnose run logs its failing checks' ids (`none` at `info`, else at `warn`).
#[test]
fn a_diagnose_run_logs_its_failing_checks() {
    let mut edge = Edge::new();
    edge.connect(None, 0, "h1");
    let run = |edge: &mut Edge, id: u64, obs: crate::diagnose::Observations| {
        edge.take();
        edge.request(id, "diagnose", json!({}));
        let (request, export, host) = edge.diagnosing.pop().unwrap();
        edge.channel
            .on_observed(edge.now, request, export, host, obs);
        edge.run();
        let reply = Edge::response(&edge.take(), id);
        let failing: Vec<String> = reply["result"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "fail")
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        let entry = edge
            .channel
            .logs()
            .query(LogQuery::default())
            .filter(|e| e.source == "diagnose")
            .last()
            .cloned()
            .unwrap();
        (failing, entry.level, entry.message)
    };
    let (failing, level, message) = run(&mut edge, 7, observed(HOST));
    assert!(failing.is_empty());
    assert_eq!(
        (level, message.as_str()),
        (LogLevel::Info, "checks run; failing: none")
    );
    // No storage, not framed, another origin: several checks fail.
    let mut obs = observed("https://elsewhere.example");
    obs.framed = false;
    obs.widget_origin = String::new();
    obs.storage.session_usable = Some(false);
    obs.storage.has_access = Some(false);
    let (failing, level, message) = run(&mut edge, 8, obs);
    assert!(failing.len() > 1, "{failing:?}");
    assert_eq!(level, LogLevel::Warn);
    assert_eq!(
        message,
        format!("checks run; failing: {}", failing.join(", "))
    );
}
