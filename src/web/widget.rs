//! The widget side of the host channel (wasm32 only).
//!
//! - Window messages are accepted only from an allowed host origin **and**
//!   from `window.parent`; everything else is dropped and counted.
//! - The host's `connect` carries a `MessagePort`; all further traffic uses it.
//! - Every output of the core gets a channel `seq` and goes to a bounded
//!   outbox, persisted in session storage, so a reload of this iframe (or a
//!   host that re-attaches) resumes without loss or duplicates.
//! - The widget plays the CRM Connector towards the host page: `ready`,
//!   `requestCrmData`, `requestSyncOmnichannel`, and consumes the Client
//!   Application's answers.

use super::contact::{error_event, health_event, observed_event, CommandRefused, Core, Options};
use super::trace::{frame_type, Entry, Peer, Tracer};
use crate::bridge::Output;
use crate::channel::{
    host_message_from_value, AllowList, ErrorCode, HostMessage, Outbox, RequestError,
    WidgetMessage, MAX_CHANNEL_MESSAGE, PROTOCOL_VERSION,
};
use crate::client::{Action, Effect};
use crate::codec::check_text_depth;
use crate::command::{CommandStatus, Desired};
use crate::config::Config;
use crate::model::{Side, Source};
use crate::sync::Mode;
use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use js_sys::Function;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, MessagePort};

/// How often pending commands are checked for time-outs and the CRM
/// Connector `ready` is repeated until answered.
const TICK_MS: u32 = 1_000;
/// How many outbox events are persisted for a reload.
const PERSISTED_EVENTS: usize = 512;
/// Saves are batched: at most one every this many milliseconds (and one on pagehide).
const SAVE_DELAY_MS: u32 = 250;
/// How many answers are kept for requests re-sent after a reload.
const ANSWERS_KEPT: usize = 128;

/// The widget's configuration (the object passed to `startWidget`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WidgetConfig {
    /// Exact origins of the host pages allowed to talk to this widget.
    pub allowed_host_origins: Vec<String>,
    /// Sync mode; when absent, the CRM's CCDef (`S` / `C`) decides, else synchronized.
    #[serde(default)]
    pub mode: Option<String>,
    /// The core's configuration.
    #[serde(default)]
    pub bridge: Option<Config>,
    /// Allow the host to inject vendor messages (demo and tests only).
    #[serde(default)]
    pub allow_inject: bool,
    /// Session-storage key for the outbox (one per widget instance on a page).
    #[serde(default)]
    pub storage_key: Option<String>,
    /// The contact centre the widget connects to itself:
    /// `{kind: "axp" | "xuc", ...}` with the `AxpClient` / `XucClient` options.
    #[serde(default)]
    pub contact_centre: Option<Value>,
    /// Send the host a trace of every message in and out (names and sizes only).
    #[serde(default)]
    pub trace: bool,
}

/// How many asks for credentials may wait for the host at once.
const ASKS_KEPT: usize = 8;

/// What is persisted across a reload of the widget iframe.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Saved {
    epoch: String,
    next_seq: u64,
    events: Vec<(u64, Value)>,
    #[serde(default)]
    host_id: Option<String>,
    #[serde(default)]
    answered: Vec<(u64, Value)>,
}

/// Messages dropped before anything acted on them, by reason.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Dropped {
    /// From an origin not on the allow-list.
    origin: u64,
    /// From an allowed origin but not from the parent window.
    source: u64,
    /// From the right sender, but not a valid message.
    malformed: u64,
    /// A handshake with another protocol version.
    version: u64,
}

struct Inner {
    core: Rc<Core>,
    tracer: Rc<Tracer>,
    /// The contact-centre client's asks for a token or credentials, by id.
    asks: BTreeMap<u64, (&'static str, Function, Function)>,
    next_ask: u64,
    /// Whether the contact-centre client was started (on the first host).
    cc_started: bool,
    allowed: AllowList,
    allow_inject: bool,
    mode_forced: bool,
    parent: Option<web_sys::Window>,
    port: Option<MessagePort>,
    _port_listener: Option<EventListener>,
    /// The origin of the host that completed the handshake.
    host_origin: Option<String>,
    outbox: Outbox,
    epoch: String,
    storage_key: String,
    /// Session storage, where the browser allows it to this iframe.
    storage: Option<web_sys::Storage>,
    save_scheduled: Option<Timeout>,
    /// Command id -> host request id, answered when the command settles.
    waiting: HashMap<u64, u64>,
    /// The attached host instance (requests ids are per host instance).
    host_id: Option<String>,
    /// Recent answers by request id: a request the host re-sends after a
    /// reload of this iframe is answered again, not carried out twice.
    answered: VecDeque<(u64, Value)>,
    dropped: Dropped,
    crm_ready: bool,
    /// Whether any host has seen this outbox (until then it may be renumbered).
    delivered: bool,
    started_ms: f64,
    /// When the last `health` event went out (drops are reported at most every 500 ms).
    last_health_ms: f64,
    /// When the last refusal went out (at most one a second).
    last_refusal_ms: f64,
}

/// A running widget; dropping it removes its listeners and timers.
#[wasm_bindgen]
pub struct Widget {
    inner: Rc<RefCell<Inner>>,
    _window_listener: EventListener,
    _pagehide_listener: EventListener,
    _ticker: Interval,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

fn random_epoch() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{a:08x}{b:08x}")
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Starts the widget: listens for the host, restores a previous session of
/// this iframe, and announces itself to the allowed host origins.
#[wasm_bindgen(js_name = startWidget)]
pub fn start_widget(config: JsValue) -> Result<Widget, JsError> {
    let config: WidgetConfig = serde_wasm_bindgen::from_value(config)
        .map_err(|e| JsError::new(&format!("config: {e}")))?;
    let allowed = AllowList::new(config.allowed_host_origins.iter().map(String::as_str))
        .map_err(|e| JsError::new(&format!("allowedHostOrigins: {e}")))?;
    if allowed.is_empty() {
        return Err(JsError::new(
            "allowedHostOrigins is empty: no host could connect",
        ));
    }
    let mode = match config.mode.as_deref() {
        Some(m) => Mode::parse(m).ok_or_else(|| JsError::new(&format!("unknown mode `{m}`")))?,
        None => Mode::Synchronized,
    };
    let window = web_sys::window().ok_or_else(|| JsError::new("no window"))?;
    let storage_key = config
        .storage_key
        .clone()
        .unwrap_or_else(|| "cti-bridge/outbox".to_owned());
    let storage = session_storage();
    let saved: Option<Saved> = storage
        .as_ref()
        .and_then(|s| s.get_item(&storage_key).ok().flatten())
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok());
    let (epoch, outbox, host_id, answered) = match saved {
        Some(s) => (
            s.epoch,
            Outbox::restore(s.next_seq, s.events),
            s.host_id,
            s.answered.into_iter().collect(),
        ),
        None => (random_epoch(), Outbox::new(), None, VecDeque::new()),
    };
    let parent = window.parent().ok().flatten();
    let mut bridge_config = config.bridge.clone().unwrap_or_default();
    bridge_config.crm.source.get_or_insert(Source::CrmConnector);
    let live = match &config.contact_centre {
        Some(value) => {
            let options = Options::parse(value).map_err(|e| JsError::new(&e))?;
            bridge_config.cc.source.get_or_insert(options.source);
            Some(options)
        }
        None => None,
    };
    let tracer = Rc::new(Tracer::new(config.trace));
    let inner = Rc::new(RefCell::new(Inner {
        core: Rc::new(Core::Own(RefCell::new(super::new_bridge(
            mode,
            bridge_config.clone(),
        )))),
        tracer: tracer.clone(),
        asks: BTreeMap::new(),
        next_ask: 1,
        cc_started: false,
        allowed,
        allow_inject: config.allow_inject,
        mode_forced: config.mode.is_some(),
        parent,
        port: None,
        _port_listener: None,
        host_origin: None,
        outbox,
        epoch,
        storage_key,
        storage,
        save_scheduled: None,
        waiting: HashMap::new(),
        host_id,
        answered,
        dropped: Dropped::default(),
        crm_ready: false,
        delivered: false,
        started_ms: now_ms(),
        last_health_ms: 0.0,
        last_refusal_ms: 0.0,
    }));

    if let Some(options) = live {
        let weak = Rc::downgrade(&inner);
        let source = options.source;
        let what = if source == Source::Axp {
            "token"
        } else {
            "login"
        };
        let core = Core::live(
            options,
            super::new_bridge(mode, bridge_config),
            live_sink(weak.clone(), source),
            live_provider(weak, what),
        )
        .map_err(|e| JsError::new(&e))?;
        if tracer.is_on() {
            let tracer = tracer.clone();
            core.set_tap(Box::new(move |t| {
                let kind = match (t.frame, t.label.as_deref()) {
                    (Some(frame), _) => frame_type(frame),
                    (None, Some(label)) => label.to_owned(),
                    (None, None) => "frame".to_owned(),
                };
                tracer.record(Entry {
                    dir: t.dir,
                    peer: Peer::Cc,
                    origin: t.origin.as_deref(),
                    kind: &kind,
                    bytes: t.bytes,
                    dropped: t.dropped.as_deref(),
                });
            }));
        }
        inner.borrow_mut().core = Rc::new(core);
    }

    let weak = Rc::downgrade(&inner);
    let window_listener = EventListener::new(&window, "message", move |event| {
        if let (Some(inner), Some(event)) = (weak.upgrade(), event.dyn_ref::<MessageEvent>()) {
            on_window_message(&inner, event);
        }
    });
    let weak = Rc::downgrade(&inner);
    let ticker = Interval::new(TICK_MS, move || {
        if let Some(inner) = weak.upgrade() {
            on_tick(&inner);
        }
    });
    let weak = Rc::downgrade(&inner);
    let pagehide_listener = EventListener::new(&window, "pagehide", move |_| {
        if let Some(cell) = weak.upgrade() {
            // The contact-centre socket first (its `stopped` health goes out before `bye`).
            let core = cell.borrow().core.clone();
            core.stop();
            let inner = cell.borrow();
            save(&inner);
            send(&inner, &WidgetMessage::Bye);
        }
    });
    announce(&mut inner.borrow_mut());
    Ok(Widget {
        inner,
        _window_listener: window_listener,
        _pagehide_listener: pagehide_listener,
        _ticker: ticker,
    })
}

#[wasm_bindgen]
impl Widget {
    /// Counters and handshake state, for diagnostics.
    pub fn diagnostics(&self) -> Result<JsValue, JsValue> {
        to_js(&diagnostics(&self.inner.borrow()))
    }
}

fn diagnostics(inner: &Inner) -> Value {
    json!({
        "connected": inner.port.is_some(),
        "hostOrigin": inner.host_origin,
        "epoch": inner.epoch,
        "lastSeq": inner.outbox.last_seq(),
        "dropped": serde_json::to_value(&inner.dropped).unwrap_or(Value::Null),
        "stats": inner.core.with(|b| serde_json::to_value(b.stats()).unwrap_or(Value::Null)),
        "contactCentre": inner.core.live_source().map(|source| json!({
            "source": source,
            "health": inner.core.health(),
        })),
        "uptimeMs": (now_ms() - inner.started_ms).max(0.0) as u64,
    })
}

/// The embedding page's origin, where the browser tells it
/// (`location.ancestorOrigins`), for a refusal notice.
fn parent_origin() -> Option<String> {
    let window: JsValue = web_sys::window()?.into();
    let location = js_sys::Reflect::get(&window, &JsValue::from_str("location")).ok()?;
    let ancestors = js_sys::Reflect::get(&location, &JsValue::from_str("ancestorOrigins")).ok()?;
    js_sys::Reflect::get(&ancestors, &JsValue::from_f64(0.0))
        .ok()?
        .as_string()
}

/// Tells every allowed host origin that the widget is up (only the real
/// parent with a matching origin receives it; no `"*"`). An embedding page
/// known to be outside the allow-list gets a refusal notice instead.
fn announce(inner: &mut Inner) {
    if let Some(origin) = parent_origin().filter(|o| !inner.allowed.allows(o)) {
        refuse(inner, &origin, "origin");
        return;
    }
    let Some(parent) = inner.parent.as_ref() else {
        return;
    };
    let hello = json!({"cti": "hello", "v": PROTOCOL_VERSION, "epoch": inner.epoch});
    if let Ok(message) = to_js(&hello) {
        for origin in inner.allowed.origins() {
            let _ = parent.post_message(&message, origin.as_str());
        }
    }
}

fn on_window_message(cell: &Rc<RefCell<Inner>>, event: &MessageEvent) {
    let origin = event.origin();
    {
        let mut inner = cell.borrow_mut();
        let from_parent = match (event.source(), inner.parent.as_ref()) {
            (Some(source), Some(parent)) => js_sys::Object::is(&source, parent.as_ref()),
            _ => false,
        };
        if !inner.allowed.allows(&origin) {
            inner.dropped.origin += 1;
            trace_window(&inner, event, &origin, Some("origin not on the allow-list"));
            report_health(&mut inner);
            if from_parent && is_connect(&event.data()) {
                refuse(&mut inner, &origin, "origin");
            }
            return;
        }
        if !from_parent {
            inner.dropped.source += 1;
            trace_window(&inner, event, &origin, Some("not from the embedding page"));
            report_health(&mut inner);
            return;
        }
    }
    trace_window(&cell.borrow(), event, &origin, None);
    let data = event.data();
    let cti = js_sys::Reflect::get(&data, &JsValue::from_str("cti"))
        .ok()
        .and_then(|v| v.as_string());
    match cti.as_deref() {
        Some("connect") => on_connect(cell, event, &origin),
        // A Client Application speaking the CRM Connector protocol on the window.
        None if data.is_object() => {
            let value: Result<Value, _> = serde_wasm_bindgen::from_value(data);
            match value {
                // A decode error is reported to the host as an `error` event.
                Ok(raw) => {
                    let _ = ingest(cell, Source::CrmConnector, &raw);
                }
                Err(_) => cell.borrow_mut().dropped.malformed += 1,
            }
        }
        _ => cell.borrow_mut().dropped.malformed += 1,
    }
}

fn is_connect(data: &JsValue) -> bool {
    js_sys::Reflect::get(data, &JsValue::from_str("cti"))
        .ok()
        .and_then(|v| v.as_string())
        .is_some_and(|c| c == "connect")
}

/// Tells the embedding page (and only it: its exact origin) why its
/// handshake is refused (`origin` not allowed, protocol `version`), so its
/// `connect()` fails at once instead of timing out. At most once per second:
/// a page cannot make the widget echo a flood.
fn refuse(inner: &mut Inner, origin: &str, reason: &str) {
    let now = now_ms();
    if now - inner.last_refusal_ms < 1_000.0 {
        return;
    }
    inner.last_refusal_ms = now;
    let refusal = json!({"cti": "refused", "reason": reason, "v": PROTOCOL_VERSION});
    if let (Ok(message), Some(parent)) = (to_js(&refusal), inner.parent.as_ref()) {
        let _ = parent.post_message(&message, origin);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connect {
    v: u32,
    #[serde(default)]
    epoch: Option<String>,
    #[serde(default)]
    last_seq: u64,
    #[serde(default)]
    host_id: Option<String>,
}

fn on_connect(cell: &Rc<RefCell<Inner>>, event: &MessageEvent, origin: &str) {
    let connect: Option<Connect> = serde_wasm_bindgen::from_value(event.data()).ok();
    let port: Option<MessagePort> = event.ports().get(0).dyn_into().ok();
    let (Some(connect), Some(port)) = (connect, port) else {
        cell.borrow_mut().dropped.malformed += 1;
        return;
    };
    if connect.v != PROTOCOL_VERSION {
        let mut inner = cell.borrow_mut();
        inner.dropped.version += 1;
        refuse(&mut inner, origin, "version");
        return;
    }
    let weak = Rc::downgrade(cell);
    let listener = EventListener::new(&port, "message", move |event| {
        if let (Some(inner), Some(event)) = (weak.upgrade(), event.dyn_ref::<MessageEvent>()) {
            on_port_message(&inner, event);
        }
    });
    port.start();
    {
        let mut inner = cell.borrow_mut();
        if let Some(old) = inner.port.take() {
            old.close();
        }
        inner.tracer.attach(Some(port.clone()));
        inner.port = Some(port);
        inner._port_listener = Some(listener);
        inner.host_origin = Some(origin.to_owned());
        let same_epoch = connect.epoch.as_deref() == Some(inner.epoch.as_str());
        if !same_epoch && !inner.delivered {
            // A fresh widget (e.g. this iframe was reloaded and could not
            // restore its session): continue the host's numbering.
            inner.outbox.rebase(connect.last_seq);
        }
        inner.delivered = true;
        if inner.host_id != connect.host_id {
            inner.host_id = connect.host_id.clone();
            inner.answered.clear();
        }
        let snapshot = inner
            .core
            .with(|b| serde_json::to_value(b.snapshot()).unwrap_or(Value::Null));
        let epoch = inner.epoch.clone();
        let ready = WidgetMessage::Ready {
            v: PROTOCOL_VERSION,
            epoch: &epoch,
            last_seq: inner.outbox.last_seq(),
            snapshot,
        };
        send(&inner, &ready);
        // Replay what this host has not seen (all of it for a new host).
        let from = if same_epoch || connect.epoch.is_some() {
            connect.last_seq
        } else {
            0
        };
        for (seq, event) in inner.outbox.since(from) {
            send(&inner, &WidgetMessage::Event { seq: *seq, event });
        }
    }
    // CRM Connector start-up: the connector says it is ready until answered.
    let start = {
        let mut inner = cell.borrow_mut();
        if !inner.crm_ready {
            send_crm(
                &inner,
                &crate::codec::crm_connector::envelope("ready", json!({})),
            );
        }
        // Asks the previous host (or no host) left unanswered go to this one.
        for (id, (what, _, _)) in &inner.asks {
            send(&inner, &WidgetMessage::Ask { id: *id, what });
        }
        !std::mem::replace(&mut inner.cc_started, true)
    };
    if start {
        let core = cell.borrow().core.clone();
        core.start();
    }
}

/// Where the live client's effects go: outputs through [`deliver`], health
/// as `ccHealth` events, frames that did not decode as `error` events.
fn live_sink(weak: Weak<RefCell<Inner>>, source: Source) -> super::live::Sink {
    Box::new(move |effect| {
        let Some(cell) = weak.upgrade() else {
            return;
        };
        if cell.try_borrow_mut().is_err() {
            // Never expected (no borrow is held while a client runs), but a
            // re-entrant call must not abort the widget: finish it next turn.
            let weak = Rc::downgrade(&cell);
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(cell) = weak.upgrade() {
                    on_live_effect(&cell, source, effect);
                }
            });
            return;
        }
        on_live_effect(&cell, source, effect);
    })
}

fn on_live_effect(cell: &Rc<RefCell<Inner>>, source: Source, effect: Effect) {
    match effect {
        Effect::Output(output) => deliver(cell, vec![output]),
        Effect::Io(Action::Health(health)) => {
            push_event(&mut cell.borrow_mut(), health_event(source, &health))
        }
        Effect::Io(_) => {}
        Effect::Observed(events) => {
            push_event(&mut cell.borrow_mut(), observed_event(source, &events))
        }
        Effect::Rejected(e) => push_event(&mut cell.borrow_mut(), error_event(source, &e)),
    }
}

/// Asks the host for the live client's `token` or `login`; the answer
/// comes back on the port ([`HostMessage::Answer`]) and stays in the widget.
fn live_provider(weak: Weak<RefCell<Inner>>, what: &'static str) -> super::live::Provider {
    Box::new(move || {
        let cell = weak
            .upgrade()
            .ok_or_else(|| JsValue::from_str("the widget is gone"))?;
        let mut inner = cell
            .try_borrow_mut()
            .map_err(|_| JsValue::from_str("the widget is busy"))?;
        let mut slot = None;
        let promise = js_sys::Promise::new(&mut |resolve, reject| slot = Some((resolve, reject)));
        let (resolve, reject) = slot.ok_or_else(|| JsValue::from_str("no promise"))?;
        if inner.asks.len() >= ASKS_KEPT {
            if let Some((_, (_, _, reject))) = inner.asks.pop_first() {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("superseded"));
            }
        }
        let id = inner.next_ask;
        inner.next_ask += 1;
        inner.asks.insert(id, (what, resolve, reject));
        send(&inner, &WidgetMessage::Ask { id, what });
        Ok(promise.into())
    })
}

/// The host's answer to an ask: settles the client's promise.
fn on_answer(cell: &Rc<RefCell<Inner>>, id: u64, value: &Value, error: Option<&str>) {
    let Some((_, resolve, reject)) = cell.borrow_mut().asks.remove(&id) else {
        return;
    };
    match (error, super::live::to_js(value)) {
        (None, Ok(value)) if !value.is_null() && !value.is_undefined() => {
            let _ = resolve.call1(&JsValue::NULL, &value);
        }
        (Some(error), _) => {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(error));
        }
        _ => {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("the host gave nothing"));
        }
    }
}

fn on_port_message(cell: &Rc<RefCell<Inner>>, event: &MessageEvent) {
    let Some(text) = event.data().as_string() else {
        let mut inner = cell.borrow_mut();
        inner.dropped.malformed += 1;
        trace_in(
            &inner,
            Peer::Host,
            None,
            "message",
            0,
            Some("not JSON text"),
        );
        return;
    };
    if text.len() > MAX_CHANNEL_MESSAGE || check_text_depth(&text).is_err() {
        let mut inner = cell.borrow_mut();
        inner.dropped.malformed += 1;
        let why = if text.len() > MAX_CHANNEL_MESSAGE {
            "over the size limit"
        } else {
            "nested too deep"
        };
        trace_in(&inner, Peer::Host, None, "message", text.len(), Some(why));
        return;
    }
    let message = js_sys::JSON::parse(&text)
        .ok()
        .and_then(|v| serde_wasm_bindgen::from_value::<Value>(v).ok())
        .ok_or_else(|| "not JSON".to_owned())
        .and_then(|v| host_message_from_value(&v));
    if cell.borrow().tracer.is_on() {
        let inner = cell.borrow();
        let kind = match &message {
            Ok(HostMessage::Crm { msg }) => format!("crm {}", frame_type(msg)),
            Ok(HostMessage::Request { method, .. }) => format!("request {method}"),
            Ok(HostMessage::Answer { .. }) => "answer".to_owned(),
            Err(_) => "message".to_owned(),
        };
        let dropped = message.as_ref().err().map(String::as_str);
        trace_in(&inner, Peer::Host, None, &kind, text.len(), dropped);
    }
    match message {
        Ok(HostMessage::Crm { msg }) => {
            let _ = ingest(cell, Source::CrmConnector, &msg);
        }
        Ok(HostMessage::Request { id, method, params }) => on_request(cell, id, &method, &params),
        Ok(HostMessage::Answer { id, value, error }) => {
            on_answer(cell, id, &value, error.as_deref())
        }
        Err(_) => cell.borrow_mut().dropped.malformed += 1,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SetState {
    state: String,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CcCommand {
    name: String,
    #[serde(default)]
    args: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inject {
    source: String,
    msg: Value,
}

fn on_request(cell: &Rc<RefCell<Inner>>, id: u64, method: &str, params: &Value) {
    // Re-sent after a reload: answer again, do not act twice.
    let cached = cell
        .borrow()
        .answered
        .iter()
        .find(|(request, _)| *request == id)
        .map(|(_, reply)| reply.clone());
    if let Some(reply) = cached {
        let inner = cell.borrow();
        if let Some(port) = inner.port.as_ref() {
            post_text(port, &reply);
        }
        return;
    }
    let fail = |code, message: String| (None, Some(RequestError { code, message }));
    let (result, error) = match method {
        "snapshot" => {
            let inner = cell.borrow();
            let snapshot = inner
                .core
                .with(|b| serde_json::to_value(b.snapshot()).unwrap_or(Value::Null));
            (
                Some(json!({"snapshot": snapshot, "diagnostics": diagnostics(&inner)})),
                None,
            )
        }
        "setAgentState" | "setPresence" => {
            let target = if method == "setAgentState" {
                Side::Cc
            } else {
                Side::Crm
            };
            match SetState::deserialize(params) {
                Ok(p) => match p.state.as_str() {
                    "ready" | "notReady" => {
                        let desired = if p.state == "ready" {
                            Desired::Ready
                        } else {
                            Desired::NotReady
                        };
                        // Answered when the command settles (see `deliver`).
                        let core = cell.borrow().core.clone();
                        let done = core.request(target, desired, p.reason.as_deref());
                        if let Some(command_id) = done.command_for(target) {
                            cell.borrow_mut().waiting.insert(command_id, id);
                        }
                        let outputs = core.run(done);
                        deliver(cell, outputs);
                        return;
                    }
                    other => fail(ErrorCode::InvalidParams, format!("unknown state `{other}`")),
                },
                Err(e) => fail(ErrorCode::InvalidParams, e.to_string()),
            }
        }
        "setMode" => match params
            .get("mode")
            .and_then(Value::as_str)
            .and_then(Mode::parse)
        {
            Some(mode) => {
                cell.borrow().core.with(|b| b.set_mode(mode));
                (Some(json!({"mode": mode})), None)
            }
            None => fail(
                ErrorCode::InvalidParams,
                "expected {mode: synchronized|complementary|off}".into(),
            ),
        },
        "ccCommand" => match CcCommand::deserialize(params) {
            Ok(CcCommand { name, args }) => {
                let core = cell.borrow().core.clone();
                match core.command(&name, &args) {
                    Ok(()) => (Some(json!({"sent": name})), None),
                    Err(CommandRefused::NotSupported(why)) => fail(ErrorCode::NotSupported, why),
                    Err(CommandRefused::Invalid(why)) => fail(ErrorCode::InvalidParams, why),
                }
            }
            Err(e) => fail(ErrorCode::InvalidParams, e.to_string()),
        },
        "inject" if cell.borrow().allow_inject => match Inject::deserialize(params) {
            Ok(Inject { source, msg }) => match Source::parse(&source) {
                Some(src) => {
                    let decoded = ingest(cell, src, &msg);
                    match decoded {
                        Ok(()) => (Some(json!({"ok": true})), None),
                        Err(reason) => fail(ErrorCode::InvalidParams, reason),
                    }
                }
                None => fail(
                    ErrorCode::InvalidParams,
                    format!("unknown source `{source}`"),
                ),
            },
            Err(e) => fail(ErrorCode::InvalidParams, e.to_string()),
        },
        "inject" => fail(
            ErrorCode::Forbidden,
            "injection is off in this widget".into(),
        ),
        other => fail(
            ErrorCode::UnknownMethod,
            format!("unknown method `{other}`"),
        ),
    };
    respond(
        &mut cell.borrow_mut(),
        WidgetMessage::Response { id, result, error },
    );
}

/// Sends a response and remembers it for a request re-sent after a reload.
fn respond(inner: &mut Inner, reply: WidgetMessage<'_>) {
    send(inner, &reply);
    if let WidgetMessage::Response { id, .. } = &reply {
        if let Ok(value) = serde_json::to_value(&reply) {
            if inner.answered.len() >= ANSWERS_KEPT {
                inner.answered.pop_front();
            }
            inner.answered.push_back((*id, value));
        }
    }
}

/// Runs one vendor message through the core and delivers what it caused.
fn ingest(cell: &Rc<RefCell<Inner>>, source: Source, raw: &Value) -> Result<(), String> {
    let core = cell.borrow().core.clone();
    match core.ingest(source, raw) {
        Ok(done) => {
            let outputs = core.run(done);
            deliver(cell, outputs);
            Ok(())
        }
        Err(e) => {
            push_event(&mut cell.borrow_mut(), error_event(source, &e));
            Err(e.to_string())
        }
    }
}

/// Sends outputs to the host, carries out CRM commands, drives the CRM
/// Connector start-up, and answers requests whose command settled.
fn deliver(cell: &Rc<RefCell<Inner>>, outputs: Vec<Output>) {
    let mut inner = cell.borrow_mut();
    for output in outputs {
        match &output {
            Output::Command(c) => {
                if c.status == CommandStatus::Pending
                    && c.target == Side::Crm
                    && c.source == Some(Source::CrmConnector)
                {
                    send_crm(&inner, &c.wire);
                }
                if c.status != CommandStatus::Pending {
                    if let Some(request) = inner.waiting.remove(&c.id) {
                        let command = serde_json::to_value(c).unwrap_or(Value::Null);
                        let reply = if c.status == CommandStatus::Confirmed {
                            WidgetMessage::Response {
                                id: request,
                                result: Some(command),
                                error: None,
                            }
                        } else {
                            WidgetMessage::Response {
                                id: request,
                                result: Some(command),
                                error: Some(RequestError {
                                    code: if c.status == CommandStatus::NotSupported {
                                        ErrorCode::NotSupported
                                    } else {
                                        ErrorCode::Rejected
                                    },
                                    message: c
                                        .detail
                                        .clone()
                                        .unwrap_or_else(|| format!("{:?}", c.status)),
                                }),
                            }
                        };
                        respond(&mut inner, reply);
                    }
                }
            }
            Output::Event(e) if e.source == Source::CrmConnector => match &e.body {
                crate::EventBody::Connection {
                    status: crate::model::ConnectionStatus::Ready,
                    ..
                } => {
                    inner.crm_ready = true;
                    send_crm(
                        &inner,
                        &crate::codec::crm_connector::envelope("requestCrmData", json!({})),
                    );
                }
                crate::EventBody::CrmData {
                    omnichannel_mode: Some(m),
                    ..
                } if !inner.mode_forced => {
                    if let Some(mode) = Mode::parse(m) {
                        inner.core.with(|b| b.set_mode(mode));
                    }
                }
                _ => {}
            },
            Output::CrmRequest(r) => send_crm(&inner, &r.wire),
            Output::Event(_) => {}
        }
        if let Ok(value) = serde_json::to_value(&output) {
            push_event(&mut inner, value);
        }
    }
    drop(inner);
    schedule_save(cell);
}

/// A `health` event with the drop counters, at most every 500 ms (a flood
/// from an untrusted frame cannot flood the host).
fn report_health(inner: &mut Inner) {
    let now = now_ms();
    if now - inner.last_health_ms < 500.0 {
        return;
    }
    inner.last_health_ms = now;
    let health = json!({
        "kind": "health",
        "status": if inner.port.is_some() { "live" } else { "connecting" },
        "dropped": serde_json::to_value(&inner.dropped).unwrap_or(Value::Null),
    });
    push_event(inner, health);
}

/// Gives an output its channel `seq`, keeps it in the outbox and sends it.
fn push_event(inner: &mut Inner, mut value: Value) {
    let seq = inner.outbox.next_seq();
    if let Some(map) = value.as_object_mut() {
        map.insert("seq".into(), json!(seq));
    }
    inner.outbox.push(value);
    if let Some((seq, event)) = inner.outbox.last() {
        send(inner, &WidgetMessage::Event { seq: *seq, event });
    }
}

/// Posts a message on the port as JSON text: one string crosses from wasm
/// to JS and is cloned, where an object would be built field by field
/// (see bench/README.md: structured clone vs string).
pub(crate) fn post_text<T: Serialize + ?Sized>(port: &MessagePort, message: &T) {
    if let Ok(text) = serde_json::to_string(message) {
        let _ = port.post_message(&JsValue::from_str(&text));
    }
}

fn send(inner: &Inner, message: &WidgetMessage<'_>) {
    if let Some(port) = inner.port.as_ref() {
        post_text(port, message);
        if inner.tracer.is_on() {
            let kind = match message {
                WidgetMessage::Ready { .. } => "ready".to_owned(),
                WidgetMessage::Event { event, .. } => format!(
                    "event {}",
                    event.get("kind").and_then(Value::as_str).unwrap_or("?")
                ),
                WidgetMessage::Response { id, error, .. } => match error {
                    Some(e) => format!("response {id} error {:?}", e.code),
                    None => format!("response {id}"),
                },
                WidgetMessage::Crm { msg } => format!("crm {}", frame_type(msg)),
                WidgetMessage::Bye => "bye".to_owned(),
                WidgetMessage::Ask { what, .. } => format!("ask {what}"),
                WidgetMessage::Trace { .. } => return,
            };
            inner.tracer.record(Entry {
                dir: "out",
                peer: Peer::Host,
                origin: inner.host_origin.as_deref(),
                kind: &kind,
                bytes: 0,
                dropped: None,
            });
        }
    }
}

/// Traces one message from the host.
fn trace_in(
    inner: &Inner,
    peer: Peer,
    origin: Option<&str>,
    kind: &str,
    bytes: usize,
    dropped: Option<&str>,
) {
    inner.tracer.record(Entry {
        dir: "in",
        peer,
        origin: origin.or(inner.host_origin.as_deref()),
        kind,
        bytes,
        dropped,
    });
}

/// Traces one window message (with why it was dropped, if it was).
fn trace_window(inner: &Inner, event: &MessageEvent, origin: &str, dropped: Option<&str>) {
    if !inner.tracer.is_on() {
        return;
    }
    let data = event.data();
    let field = |name: &str| {
        js_sys::Reflect::get(&data, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    let kind = field("cti")
        .or_else(|| field("action"))
        .or_else(|| field("type"))
        .map(|k| k.chars().take(64).collect::<String>())
        .unwrap_or_else(|| "message".to_owned());
    inner.tracer.record(Entry {
        dir: "in",
        peer: Peer::Window,
        origin: Some(origin),
        kind: &kind,
        bytes: 0,
        dropped,
    });
}

/// A CRM Connector envelope for the Client Application: on the port when a
/// host is attached, else on the window to the host origin (never `"*"`).
fn send_crm(inner: &Inner, envelope: &Value) {
    if inner.port.is_some() {
        send(inner, &WidgetMessage::Crm { msg: envelope });
    } else if let (Some(parent), Some(origin), Ok(message)) = (
        inner.parent.as_ref(),
        inner.host_origin.as_deref(),
        to_js(envelope),
    ) {
        let _ = parent.post_message(&message, origin);
    }
}

fn on_tick(cell: &Rc<RefCell<Inner>>) {
    let core = cell.borrow().core.clone();
    let done = core.tick();
    let outputs = core.run(done);
    if !outputs.is_empty() {
        deliver(cell, outputs);
    }
    let mut inner = cell.borrow_mut();
    if inner.port.is_none() {
        announce(&mut inner);
    } else if !inner.crm_ready {
        send_crm(
            &inner,
            &crate::codec::crm_connector::envelope("ready", json!({})),
        );
    }
}

/// Persists the outbox soon (once per burst of events).
fn schedule_save(cell: &Rc<RefCell<Inner>>) {
    {
        let inner = cell.borrow();
        // Nothing to do where the browser gives this iframe no storage (a
        // cross-site iframe in Chromium), or when a save is already due.
        if inner.storage.is_none() || inner.save_scheduled.is_some() {
            return;
        }
    }
    let weak = Rc::downgrade(cell);
    let timeout = Timeout::new(SAVE_DELAY_MS, move || {
        if let Some(cell) = weak.upgrade() {
            let mut inner = cell.borrow_mut();
            inner.save_scheduled = None;
            save(&inner);
        }
    });
    cell.borrow_mut().save_scheduled = Some(timeout);
}

fn save(inner: &Inner) {
    let Some(storage) = inner.storage.as_ref() else {
        return;
    };
    let skip = inner
        .outbox
        .events()
        .count()
        .saturating_sub(PERSISTED_EVENTS);
    let saved = Saved {
        epoch: inner.epoch.clone(),
        next_seq: inner.outbox.next_seq(),
        events: inner.outbox.events().skip(skip).cloned().collect(),
        host_id: inner.host_id.clone(),
        answered: inner.answered.iter().cloned().collect(),
    };
    if let Ok(text) = serde_json::to_string(&saved) {
        let _ = storage.set_item(&inner.storage_key, &text);
    }
}
