//! The widget's browser edge for the host channel (wasm32 only).
//!
//! Every decision is made by the pure [`WidgetChannel`] (crates/core,
//! `channel::widget`, tested natively): which window messages to accept,
//! the handshake, replay and gaps, requests, the CRM Connector start-up,
//! credential asks. This file only owns the browser resources (the window
//! and port listeners, the tick, the save timer, session storage, the
//! live client's promises) and carries out the channel's [`Effect`]s.

use super::contact::{CommandRefused, Core, Options};
use super::guard;
use super::live::{now, Provider, Sink};
use crate::channel::{
    frame_type, AllowList, Ask, Call, ChannelCore, CredentialsUrl, Effect, ErrorCode, RequestError,
    WidgetChannel, WidgetEvent, WidgetOptions, WindowInput, OUTBOX_CAPACITY,
};
use crate::client::{Action, Effect as ClientEffect};
use crate::config::Config;
use crate::model::Source;
use crate::sync::Mode;
use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use js_sys::Function;
use serde::Deserialize;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, MessagePort};

/// How often pending commands are checked for time-outs and the CRM
/// Connector `ready` is repeated until answered.
const TICK_MS: u32 = 1_000;
/// Saves are batched: at most one every this many milliseconds (and one on pagehide).
const SAVE_DELAY_MS: u32 = 250;

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
    /// How many sent events are kept for a host that re-attaches (default 2048).
    #[serde(default)]
    pub outbox_capacity: Option<usize>,
    /// The contact centre the widget connects to itself:
    /// `{kind: "axp" | "xuc", ...}` with the `AxpClient` / `XucClient` options.
    #[serde(default)]
    pub contact_centre: Option<Value>,
    /// Send the host a trace of every message in and out (names and sizes only).
    #[serde(default)]
    pub trace: bool,
    /// Play Avaya's CRM Connector frame for an existing Client Application on
    /// the embedding page: speak first on the window, no drop-in needed.
    #[serde(default)]
    pub crm_connector_frame: bool,
    /// A path on the widget's origin that gives the live client its token or
    /// login (`{token}` / `{login, password}`) instead of the host page.
    #[serde(default)]
    pub credentials_url: Option<String>,
}

/// The browser resources of one widget.
struct Inner {
    channel: RefCell<WidgetChannel>,
    core: Rc<Core>,
    parent: Option<web_sys::Window>,
    /// The attached host's port and its listener.
    port: RefCell<Option<(MessagePort, EventListener)>>,
    /// The port that came with the window message being handled.
    offered: RefCell<Option<MessagePort>>,
    storage: Option<(web_sys::Storage, String)>,
    save_timer: RefCell<Option<Timeout>>,
    /// The live client's asks, by id: its promise's resolve and reject.
    asks: RefCell<Vec<(u64, Function, Function)>>,
    /// Set while effects are carried out: effects produced meanwhile are
    /// picked up by the same loop, in order.
    driving: Cell<bool>,
}

/// A running widget; dropping it removes its listeners and timers.
#[wasm_bindgen]
pub struct Widget {
    inner: Rc<Inner>,
    _window_listener: EventListener,
    _pagehide_listener: EventListener,
    _ticker: Interval,
}

impl ChannelCore for Core {
    fn snapshot(&self) -> Value {
        self.with(|b| serde_json::to_value(b.snapshot()).unwrap_or(Value::Null))
    }
    fn set_mode(&self, mode: Mode) {
        self.with(|b| b.set_mode(mode))
    }
    fn stats(&self) -> Value {
        self.with(|b| serde_json::to_value(b.stats()).unwrap_or(Value::Null))
    }
    fn contact_centre(&self) -> Value {
        self.live_source().map_or(
            Value::Null,
            |source| json!({"source": source, "health": self.health()}),
        )
    }
}

fn random_epoch() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{a:08x}{b:08x}")
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
    let storage = window.session_storage().ok().flatten();
    let saved = storage
        .as_ref()
        .and_then(|s| s.get_item(&storage_key).ok().flatten())
        .and_then(|text| crate::codec::parse_text(&text, super::BROWSER_JSON).ok());
    let credentials_url = match config.credentials_url.as_deref() {
        Some(url) => Some(CredentialsUrl::parse(url).map_err(|e| JsError::new(&e))?),
        None => None,
    };
    let options = WidgetOptions {
        allowed,
        allow_inject: config.allow_inject,
        mode_forced: config.mode.is_some(),
        trace: config.trace,
        outbox_capacity: config.outbox_capacity.unwrap_or(OUTBOX_CAPACITY),
        json: super::BROWSER_JSON,
        crm_frame: config.crm_connector_frame,
        credentials_url,
    };
    // A saved session that does not restore is replaced by a fresh one.
    let (channel, _) = WidgetChannel::new(options, random_epoch(), saved.as_ref(), now());

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
    let trace = config.trace;
    let mut refused = None;
    let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
        let own = |config: Config| Core::Own(RefCell::new(super::new_bridge(mode, config)));
        let core = match live {
            Some(options) => {
                let source = options.source;
                let what = if source == Source::Axp {
                    Ask::Token
                } else {
                    Ask::Login
                };
                let bridge = super::new_bridge(mode, bridge_config.clone());
                let sink = live_sink(weak.clone(), source);
                Core::live(options, bridge, sink, live_provider(weak.clone(), what)).unwrap_or_else(
                    |e| {
                        refused = Some(e);
                        own(bridge_config)
                    },
                )
            }
            None => own(bridge_config),
        };
        Inner {
            channel: RefCell::new(channel),
            core: Rc::new(core),
            parent: window.parent().ok().flatten(),
            port: RefCell::new(None),
            offered: RefCell::new(None),
            storage: storage.map(|s| (s, storage_key)),
            save_timer: RefCell::new(None),
            asks: RefCell::new(Vec::new()),
            driving: Cell::new(false),
        }
    });
    if let Some(e) = refused {
        return Err(JsError::new(&e));
    }
    if trace {
        let weak = Rc::downgrade(&inner);
        inner.core.set_tap(Box::new(move |t| {
            let Some(inner) = weak.upgrade() else { return };
            let kind = match (t.frame, t.label.as_deref()) {
                (Some(frame), _) => frame_type(frame),
                (None, Some(label)) => label.to_owned(),
                (None, None) => "frame".to_owned(),
            };
            if let Ok(mut channel) = inner.channel.try_borrow_mut() {
                channel.trace_cc(now(), t.dir, t.origin, kind, t.bytes, t.dropped);
            };
        }));
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
        if let Some(inner) = weak.upgrade() {
            // The contact-centre socket first (its `stopped` health goes out before `bye`).
            inner.core.stop();
            inner.channel.borrow_mut().on_pagehide(now());
            drive(&inner);
        }
    });
    inner
        .channel
        .borrow_mut()
        .announce(now(), parent_origin().as_deref());
    drive(&inner);
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
        let value = self
            .inner
            .channel
            .borrow()
            .diagnostics(now(), &*self.inner.core);
        Ok(super::to_js(&value)?)
    }
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

fn on_window_message(inner: &Rc<Inner>, event: &MessageEvent) {
    let origin = event.origin();
    let from_parent = match (event.source(), inner.parent.as_ref()) {
        (Some(source), Some(parent)) => js_sys::Object::is(&source, parent.as_ref()),
        _ => false,
    };
    let port: Option<MessagePort> = event.ports().get(0).dyn_into().ok();
    let input = WindowInput {
        origin: &origin,
        from_parent,
        has_port: port.is_some(),
    };
    *inner.offered.borrow_mut() = port;
    let mut data = || guard::to_json(&event.data()).map_err(|e| e.to_string());
    inner
        .channel
        .borrow_mut()
        .on_window(now(), input, &mut data, &*inner.core);
    drive(inner);
    inner.offered.borrow_mut().take();
}

fn on_port_message(inner: &Rc<Inner>, event: &MessageEvent) {
    let text = event.data().as_string();
    inner
        .channel
        .borrow_mut()
        .on_port(now(), text.as_deref(), &*inner.core);
    drive(inner);
}

fn on_tick(inner: &Rc<Inner>) {
    let done = inner.core.tick();
    let outputs = inner.core.run(done);
    let at = now();
    {
        let mut channel = inner.channel.borrow_mut();
        if !outputs.is_empty() {
            channel.on_outputs(at, outputs, &*inner.core);
        }
        channel.on_tick(at, parent_origin().as_deref());
    }
    drive(inner);
}

/// Carries out the channel's effects, in order, until there are none. A
/// nested call (a live client reporting while an effect runs) returns at
/// once: the loop already running picks up what it added.
fn drive(inner: &Rc<Inner>) {
    if inner.driving.replace(true) {
        return;
    }
    loop {
        let effects = inner.channel.borrow_mut().poll();
        if effects.is_empty() {
            break;
        }
        for effect in effects {
            carry_out(inner, effect);
        }
    }
    inner.driving.set(false);
}

fn carry_out(inner: &Rc<Inner>, effect: Effect) {
    match effect {
        Effect::Port(text) => {
            if let Some((port, _)) = inner.port.borrow().as_ref() {
                let _ = port.post_message(&JsValue::from_str(&text));
            }
        }
        Effect::Window { message, origin } => {
            if let (Some(parent), Ok(message)) = (inner.parent.as_ref(), super::to_js(&message)) {
                let _ = parent.post_message(&message, &origin);
            }
        }
        Effect::Attach => attach(inner),
        Effect::Call(call) => run_call(inner, call),
        Effect::Settle { ask, result } => {
            let waiting = {
                let mut asks = inner.asks.borrow_mut();
                let at = asks.iter().position(|(id, _, _)| *id == ask);
                at.map(|at| asks.remove(at))
            };
            if let Some((_, resolve, reject)) = waiting {
                let _ = match result.map(|v| super::live::to_js(&v)) {
                    Ok(Ok(value)) => resolve.call1(&JsValue::NULL, &value),
                    Ok(Err(e)) => reject.call1(&JsValue::NULL, &e.into()),
                    Err(why) => reject.call1(&JsValue::NULL, &JsValue::from_str(&why)),
                };
            }
        }
        Effect::StartClient => inner.core.start(),
        Effect::FetchCredentials { ask, url } => {
            let weak = Rc::downgrade(inner);
            wasm_bindgen_futures::spawn_local(async move {
                let body = fetch_json(&url).await;
                if let Some(inner) = weak.upgrade() {
                    inner.channel.borrow_mut().on_credentials_fetched(ask, body);
                    drive(&inner);
                }
            });
        }
        Effect::SaveSoon => schedule_save(inner),
        Effect::SaveNow => save(inner),
    }
}

/// Keeps the port offered with the accepted `connect` (closing the old one).
fn attach(inner: &Rc<Inner>) {
    let Some(port) = inner.offered.borrow_mut().take() else {
        return;
    };
    let weak = Rc::downgrade(inner);
    let listener = EventListener::new(&port, "message", move |event| {
        if let (Some(inner), Some(event)) = (weak.upgrade(), event.dyn_ref::<MessageEvent>()) {
            on_port_message(&inner, event);
        }
    });
    port.start();
    if let Some((old, _)) = inner.port.borrow_mut().replace((port, listener)) {
        old.close();
    }
}

/// Runs one call on the core, with no borrow of the channel held while the
/// core runs (a live client reports back through [`live_sink`]).
fn run_call(inner: &Rc<Inner>, call: Call) {
    let core = &inner.core;
    match call {
        Call::Ingest {
            source,
            raw,
            request,
        } => match core.ingest(source, &raw) {
            Ok(done) => {
                let outputs = core.run(done);
                let mut channel = inner.channel.borrow_mut();
                channel.on_outputs(now(), outputs, &**core);
                channel.on_ingested(now(), request);
            }
            Err(e) => inner
                .channel
                .borrow_mut()
                .on_ingest_error(now(), source, &e, request),
        },
        Call::SetState {
            request,
            target,
            desired,
            reason,
        } => {
            let done = core.request(target, desired, reason.as_deref());
            inner
                .channel
                .borrow_mut()
                .on_command_issued(now(), request, done.command_for(target));
            let outputs = core.run(done);
            inner
                .channel
                .borrow_mut()
                .on_outputs(now(), outputs, &**core);
        }
        Call::CcCommand {
            request,
            name,
            args,
        } => {
            let outcome = core.command(&name, &args).map_err(|refused| match refused {
                CommandRefused::NotSupported(message) => RequestError {
                    code: ErrorCode::NotSupported,
                    message,
                },
                CommandRefused::Invalid(message) => RequestError {
                    code: ErrorCode::InvalidParams,
                    message,
                },
            });
            inner
                .channel
                .borrow_mut()
                .on_cc_command(now(), request, &name, outcome);
        }
    }
}

/// Where the live client's effects go: outputs and health through the
/// channel; frames that did not decode as `error` events.
fn live_sink(weak: Weak<Inner>, source: Source) -> Sink {
    Box::new(move |effect| {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        if inner.channel.try_borrow_mut().is_err() {
            // Never expected (no borrow is held while a client runs), but a
            // re-entrant call must not abort the widget: finish it next turn.
            let weak = Rc::downgrade(&inner);
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(inner) = weak.upgrade() {
                    on_live_effect(&inner, source, effect);
                }
            });
            return;
        }
        on_live_effect(&inner, source, effect);
    })
}

fn on_live_effect(inner: &Rc<Inner>, source: Source, effect: ClientEffect) {
    let at = now();
    {
        let mut channel = inner.channel.borrow_mut();
        match effect {
            ClientEffect::Output(output) => {
                channel.on_outputs(at, vec![output], &*inner.core);
            }
            ClientEffect::Io(Action::Health(health)) => {
                channel.push_host_event(at, &WidgetEvent::CcHealth { source, health })
            }
            ClientEffect::Io(_) => {}
            ClientEffect::Observed(events) => {
                channel.push_host_event(at, &WidgetEvent::Observed { source, events })
            }
            ClientEffect::Rejected(e) => {
                channel.push_host_event(at, &WidgetEvent::decode_error(source, &e))
            }
        }
    }
    drive(inner);
}

/// Asks the host for the live client's `token` or `login`; the answer
/// comes back on the port and settles the promise (it stays in the widget).
fn live_provider(weak: Weak<Inner>, what: Ask) -> Provider {
    Box::new(move || {
        let inner = weak
            .upgrade()
            .ok_or_else(|| JsValue::from_str("the widget is gone"))?;
        let mut slot = None;
        let promise = js_sys::Promise::new(&mut |resolve, reject| slot = Some((resolve, reject)));
        let (resolve, reject) = slot.ok_or_else(|| JsValue::from_str("no promise"))?;
        let id = inner
            .channel
            .try_borrow_mut()
            .map_err(|_| JsValue::from_str("the widget is busy"))?
            .ask(now(), what);
        inner.asks.borrow_mut().push((id, resolve, reject));
        drive(&inner);
        Ok(promise.into())
    })
}

/// GETs JSON from a path on the widget's own origin (its cookies go along:
/// the widget origin's session decides). Errors say what failed, never a body.
async fn fetch_json(url: &str) -> Result<Value, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    let headers = web_sys::Headers::new().map_err(|_| "no headers")?;
    let _ = headers.set("Accept", "application/json");
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| format!("the credentials endpoint {url} could not be reached"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!(
            "the credentials endpoint {url} answered HTTP {}",
            response.status()
        ));
    }
    let text = response.text().map_err(|_| "no body")?;
    let text = JsFuture::from(text)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or("the credentials endpoint's body could not be read")?;
    crate::codec::parse_text(&text, super::BROWSER_JSON)
        .map_err(|e| format!("the credentials endpoint {url} gave no JSON: {}", e.code()))
}

/// Persists the channel soon (once per burst of events).
fn schedule_save(inner: &Rc<Inner>) {
    // Nothing to do where the browser gives this iframe no storage, or when
    // a save is already due.
    if inner.storage.is_none() || inner.save_timer.borrow().is_some() {
        return;
    }
    let weak = Rc::downgrade(inner);
    let timeout = Timeout::new(SAVE_DELAY_MS, move || {
        if let Some(inner) = weak.upgrade() {
            inner.save_timer.borrow_mut().take();
            save(&inner);
        }
    });
    *inner.save_timer.borrow_mut() = Some(timeout);
}

fn save(inner: &Inner) {
    let Some((storage, key)) = inner.storage.as_ref() else {
        return;
    };
    let saved = inner.channel.borrow().saved();
    if let Ok(text) = serde_json::to_string(&saved) {
        let _ = storage.set_item(key, &text);
    }
}
