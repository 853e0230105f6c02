//! The widget's browser edge for the host channel (wasm32 only).
//!
//! Every decision is made by the pure [`WidgetChannel`] (crates/core,
//! `channel::widget`, tested natively): which window messages to accept,
//! the handshake, replay and gaps, requests, the CRM Connector start-up,
//! credential asks. This file only owns the browser resources (the window
//! and port listeners, the tick, the save timer, session storage, the
//! live client's promises) and carries out the channel's [`Effect`]s.

mod diagnose;
mod effects;
mod panel;
mod tabs_glue;
mod waits;

use super::contact::{Core, Options};
use super::edge::{Handle, Target};
use super::guard;
use super::live::now;
use crate::channel::{
    frame_type, AllowList, Ask, ChannelCore, CredentialsUrl, WidgetChannel, WidgetOptions,
    WindowInput, OUTBOX_CAPACITY,
};
use crate::config::WidgetConfig;
use crate::json_write;
use crate::model::Source;
use crate::sync::Mode;
use effects::{drive, live_provider, live_sink};
use js_sys::Function;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::MessagePort;

/// How often pending commands are checked for time-outs and the CRM
/// Connector `ready` is repeated until answered.
const TICK_MS: u32 = 1_000;
/// At most this many window messages from before the start are handled
/// (`www/widget.js` keeps as many: tests/js/early-bound.test.mjs).
const EARLY_MAX: usize = 16;

/// The browser resources of one widget.
struct Inner {
    channel: RefCell<WidgetChannel>,
    core: Rc<Core>,
    /// The attached host's port and its listener.
    port: RefCell<Option<(MessagePort, Handle)>>,
    /// The port that came with the window message being handled.
    offered: RefCell<Option<MessagePort>>,
    /// The session storage key, where this frame has storage.
    storage: Option<String>,
    save_timer: RefCell<Option<Handle>>,
    /// The live client's asks, by id: its promise's resolve and reject.
    asks: RefCell<Vec<(u64, Function, Function)>>,
    /// Set while effects are carried out: effects produced meanwhile are
    /// picked up by the same loop, in order.
    driving: Cell<bool>,
    /// CSP violations seen on the widget page (bounded), for diagnostics.
    violations: RefCell<Vec<crate::diagnose::Violation>>,
    /// The live client's protocol and the URLs its diagnostics probe.
    cc_targets: Option<(Source, Option<String>, Option<String>)>,
    /// Widget config `multiTab`, when there is a contact centre to share.
    multi_tab: Option<crate::tabs::MultiTab>,
    /// The agent's panel (decisions) and its browser state.
    panel: RefCell<crate::panel::Panel>,
    panel_edge: RefCell<panel::PanelEdge>,
    /// The widget has a credentials endpoint.
    credentials_url: bool,
    /// Multi-tab (`multiTab: "shared"` with a contact centre): the tabs machine.
    tabs: RefCell<Option<Rc<super::tabs::TabsEdge>>>,
    /// The channel asked to start the live client while this tab follows.
    start_wanted: Cell<bool>,
    /// Effects held while this tab's role is not settled yet (multi-tab).
    held: RefCell<Vec<crate::channel::Effect>>,
    /// What the widget waits on from the browser (probes, the credentials
    /// GET, deferred work).
    waits: waits::Waits,
}

/// A running widget; dropping it removes its listeners and timers.
#[wasm_bindgen]
pub struct Widget {
    inner: Rc<Inner>,
    _window_listener: Handle,
    _pagehide_listener: Handle,
    _violation_listener: Handle,
    _ticker: Handle,
}

impl ChannelCore for Core {
    fn snapshot(&self) -> Value {
        self.with(|b| json_write::to_value(&b.snapshot()))
    }
    fn set_mode(&self, mode: Mode) {
        self.with(|b| b.set_mode(mode))
    }
    fn stats(&self) -> Value {
        self.with(|b| json_write::to_value(b.stats()))
    }
    fn contact_centre(&self) -> Value {
        self.live_source().map_or(Value::Null, |source| {
            json_write::object(&[("source", &source), ("health", &self.health())])
        })
    }
}

/// Starts the widget: listens for the host, restores a previous session of
/// this iframe, handles `early` (the window messages the page received
/// before the module ran, e.g. the host's `connect` sent when the iframe
/// loaded: checked like any other), and unless that attached a host,
/// announces itself to the allowed host origins.
#[wasm_bindgen(js_name = startWidget)]
pub fn start_widget(config: JsValue, early: Option<js_sys::Array>) -> Result<Widget, JsError> {
    let mut config: WidgetConfig =
        super::from_js_as(&config).map_err(|e| JsError::new(&format!("config: {e}")))?;
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
    if !super::edge::is_window() {
        return Err(JsError::new("no window"));
    }
    let storage_key = config
        .storage_key
        .take()
        .unwrap_or_else(|| crate::channel::default_storage_key(config.contact_centre.as_ref()));
    let stored = super::edge::storage_read(&storage_key);
    let has_storage = !stored.is_undefined();
    let saved = stored
        .as_string()
        .and_then(|text| crate::codec::parse_text(&text, crate::json::JsonParser::BUILT_IN).ok());
    let credentials_url = match config.credentials_url.as_deref() {
        Some(url) => Some(CredentialsUrl::parse(url).map_err(|e| JsError::new(&e))?),
        None => None,
    };
    let credentials_url_set = credentials_url.is_some();
    let options = WidgetOptions {
        allowed,
        allow_inject: config.allow_inject,
        mode_forced: config.mode.is_some(),
        trace: config.trace,
        outbox_capacity: config.outbox_capacity.unwrap_or(OUTBOX_CAPACITY),
        json: crate::json::JsonParser::BUILT_IN,
        crm_frame: config.crm_connector_frame,
        credentials_url,
    };
    // A saved session that does not restore is replaced by a fresh one.
    let (channel, _) =
        WidgetChannel::new(options, super::edge::random_hex(""), saved.as_ref(), now());

    let mut bridge_config = config.bridge.take().unwrap_or_default();
    bridge_config.crm.source.get_or_insert(Source::CrmConnector);
    let live = match &config.contact_centre {
        Some(value) => {
            let options = Options::parse(value).map_err(|e| JsError::new(&e))?;
            bridge_config.cc.source.get_or_insert(options.source);
            Some(options)
        }
        None => None,
    };
    let pop_target = match config.screen_pop_tab.as_deref() {
        None => crate::tabs::PopTarget::default(),
        Some(text) => crate::tabs::PopTarget::parse(text)
            .ok_or_else(|| JsError::new(&format!("unknown screenPopTab `{text}`")))?,
    };
    let trace = config.trace;
    // The URL policy and the diagnostics parse URLs with the browser's parser.
    crate::client::policy::use_parser(super::BROWSER_URL);
    // The live client is built before the widget: a refused configuration
    // stops the start here.
    let live = match live {
        Some(options) => Some((
            options.source,
            options.client().map_err(|e| JsError::new(&e))?,
        )),
        None => None,
    };
    // The live client's protocol and the URLs its diagnostics probe.
    let cc_targets =
        live.as_ref()
            .zip(config.contact_centre.as_ref())
            .map(|((source, _), options)| {
                let (rest, socket) = crate::diagnose::probe_targets(*source, options);
                (*source, rest, socket)
            });
    let panel_config = crate::panel::PanelConfig {
        pause_reasons: std::mem::take(&mut config.pause_reasons),
        party: config.party_display,
        credentials_url: credentials_url_set,
        live: live.as_ref().map(|(source, _)| *source),
    };
    let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
        let bridge = super::new_bridge(mode, bridge_config);
        let core = match live {
            Some((source, client)) => {
                let what = if source == Source::Axp {
                    Ask::Token
                } else {
                    Ask::Login
                };
                let sink = live_sink(weak.clone(), source);
                Core::live(client, bridge, sink, live_provider(weak.clone(), what))
            }
            None => Core::Own(RefCell::new(bridge)),
        };
        Inner {
            channel: RefCell::new(channel),
            core: Rc::new(core),
            port: RefCell::new(None),
            offered: RefCell::new(None),
            storage: has_storage.then_some(storage_key),
            save_timer: RefCell::new(None),
            asks: RefCell::new(Vec::new()),
            driving: Cell::new(false),
            violations: RefCell::new(Vec::new()),
            cc_targets,
            multi_tab: config
                .contact_centre
                .as_ref()
                .map(|_| config.multi_tab.unwrap_or_default()),
            panel: RefCell::new(crate::panel::Panel::new(panel_config, now())),
            panel_edge: RefCell::new(panel::PanelEdge::default()),
            credentials_url: credentials_url_set,
            tabs: RefCell::new(None),
            start_wanted: Cell::new(false),
            held: RefCell::new(Vec::new()),
            waits: waits::Waits::new({
                let weak = weak.clone();
                Closure::new(move |what, id, _code, value: JsValue| {
                    if let Some(inner) = weak.upgrade() {
                        effects::on_edge(&inner, what, id, value);
                    }
                })
            }),
        }
    });
    // Web Locks live in the frame's storage bucket: where the browser denies
    // this frame storage (third-party storage blocked, no partitioning) its
    // lock requests are refused too, so the tab runs alone (the fallback).
    let shared = config.multi_tab.unwrap_or_default() == crate::tabs::MultiTab::Shared
        && inner.storage.is_some();
    if let Some(scope) = config
        .contact_centre
        .as_ref()
        .and_then(crate::tabs::Scope::from_contact_centre)
        .filter(|_| shared)
    {
        let epoch = inner.channel.borrow().epoch().to_owned();
        let host: Weak<dyn super::tabs::TabsHost> = Rc::downgrade(&inner) as Weak<Inner>;
        let edge = super::tabs::TabsEdge::start(scope, epoch, host);
        if let Some(edge) = &edge {
            edge.tabs.borrow_mut().set_pop_target(pop_target);
        }
        *inner.tabs.borrow_mut() = edge;
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

    let violation_listener = diagnose::violation_listener(&inner);
    inner.channel.borrow_mut().log(
        now(),
        crate::diagnose::LogLevel::Info,
        "widget",
        &format!(
            "widget {} started (protocol {})",
            crate::diagnose::WIDGET_VERSION,
            crate::channel::PROTOCOL_VERSION
        ),
    );
    let weak = Rc::downgrade(&inner);
    let window_listener = Handle::listen(Target::Window, "message", move |event| {
        if let (Some(inner), Some(message)) = (weak.upgrade(), super::edge::message(&event)) {
            on_window_message(&inner, message);
        }
    });
    let weak = Rc::downgrade(&inner);
    let ticker = Handle::every(TICK_MS, move || {
        if let Some(inner) = weak.upgrade() {
            on_tick(&inner);
        }
    });
    let weak = Rc::downgrade(&inner);
    let pagehide_listener = Handle::listen(Target::Window, "pagehide", move |_| {
        if let Some(inner) = weak.upgrade() {
            // The contact-centre socket first (its `stopped` health goes out before `bye`).
            inner.core.stop();
            let tabs = inner.tabs_edge();
            if let Some(tabs) = tabs {
                tabs.pagehide();
            }
            inner.channel.borrow_mut().on_pagehide(now());
            drive(&inner);
        }
    });
    // By index: a `flat_map` over the array's iterator is an adapter of its own in the wasm.
    if let Some(early) = early {
        for i in 0..early.length().min(EARLY_MAX as u32) {
            if let Some(message) = super::edge::message(&early.get(i)) {
                on_window_message(&inner, message);
            }
        }
    }
    // As on every tick: `hello` only while no host is attached.
    if !inner.channel.borrow().attached() {
        inner
            .channel
            .borrow_mut()
            .announce(now(), parent_origin().as_deref());
    }
    drive(&inner);
    Ok(Widget {
        inner,
        _window_listener: window_listener,
        _pagehide_listener: pagehide_listener,
        _violation_listener: violation_listener,
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

    /// Runs the checks in the widget page itself (the diagnostics page, or
    /// a widget whose host cannot connect): a promise of the report.
    pub fn diagnose(&self) -> js_sys::Promise {
        waits::promise(|resolve, reject| {
            diagnose::observe(&self.inner, waits::Observed::Report(resolve, reject))
        })
    }

    /// The log entries at or after `since` (ms since the epoch) with at
    /// least `level`: `{since?, level?}`.
    pub fn logs(&self, query: JsValue) -> Result<JsValue, JsValue> {
        let query: crate::diagnose::LogQuery = if query.is_undefined() || query.is_null() {
            Default::default()
        } else {
            super::from_js_as(&query).map_err(|e| JsValue::from_str(&format!("logs: {e}")))?
        };
        // The entries written where they are (no copies, no collected adapter).
        let channel = self.inner.channel.borrow();
        let mut entries = Vec::new();
        for entry in channel.logs().query(query) {
            entries.push(entry);
        }
        Ok(super::to_js(&entries)?)
    }

    /// Records one entry in the widget's support log, redacted like every
    /// entry: for the widget page's own scripts (a vendor integration).
    /// `level` is `debug`, `info`, `warn` or `error`.
    pub fn log(&self, level: &str, source: &str, message: &str) -> Result<(), JsError> {
        use crate::diagnose::LogLevel;
        // By the names the log's readers use (no match of its own).
        let level = crate::codec::fields::variant_named::<LogLevel>(level)
            .ok_or_else(|| JsError::new("log: level is debug, info, warn or error"))?;
        self.inner
            .channel
            .borrow_mut()
            .log(now(), level, source, message);
        Ok(())
    }

    /// A promise of the support bundle: the report, then the log (JSON Lines).
    #[wasm_bindgen(js_name = exportLogs)]
    pub fn export_logs(&self) -> js_sys::Promise {
        waits::promise(|resolve, reject| {
            diagnose::observe(&self.inner, waits::Observed::Export(resolve, reject))
        })
    }

    /// Renders the agent's panel: `render(view)` is called with the panel's
    /// view now and whenever it changes (`www/panel.js`).
    pub fn panel(&self, render: Function) {
        self.inner.panel_edge.borrow_mut().last.clear();
        self.inner.panel_edge.borrow_mut().listener = Some(render);
        panel::render(&self.inner);
    }

    /// The panel's language (`en`, `fr`; others fall back to English).
    #[wasm_bindgen(js_name = panelLocale)]
    pub fn panel_locale(&self, locale: Option<String>) -> String {
        let locale = crate::panel::locale(locale.as_deref());
        self.inner.panel_edge.borrow_mut().locale = Some(locale);
        panel::render(&self.inner);
        locale.to_owned()
    }

    /// One action of the agent in the panel (`{action: "setState", option}`,
    /// `{action: "answer", id}` ...); throws for one that does not parse.
    #[wasm_bindgen(js_name = panelAction)]
    pub fn panel_action(&self, action: JsValue) -> Result<(), JsError> {
        let action: crate::panel::PanelAction =
            super::from_js_as(&action).map_err(|e| JsError::new(&format!("panelAction: {e}")))?;
        panel::act(&self.inner, action).map_err(|e| JsError::new(&e))?;
        drive(&self.inner);
        Ok(())
    }
}

/// The embedding page's origin, where the browser tells it
/// (`location.ancestorOrigins`), for a refusal notice.
fn parent_origin() -> Option<String> {
    super::edge::ancestor_origin(false)
}

impl Inner {
    /// The tabs machine's edge, when this widget shares its contact centre
    /// among tabs (one copy of the borrow and clone its callers need).
    #[inline(never)]
    fn tabs_edge(&self) -> Option<Rc<super::tabs::TabsEdge>> {
        self.tabs.borrow().clone()
    }
}

fn on_window_message(inner: &Rc<Inner>, message: super::edge::Message) {
    let input = WindowInput {
        origin: &message.origin,
        from_parent: message.from_parent,
        has_port: message.port.is_some(),
    };
    *inner.offered.borrow_mut() = message.port;
    let mut data = || guard::to_json(&message.data).map_err(|e| e.to_string());
    inner
        .channel
        .borrow_mut()
        .on_window(now(), input, &mut data, &tabs_glue::core_view(inner));
    drive(inner);
    inner.offered.borrow_mut().take();
}

fn on_port_message(inner: &Rc<Inner>, message: super::edge::Message) {
    let text = message.data.as_string();
    inner
        .channel
        .borrow_mut()
        .on_port(now(), text.as_deref(), &tabs_glue::core_view(inner));
    drive(inner);
}

/// The core's `outputs`: seen by the panel, then delivered by the channel.
#[inline(never)]
fn deliver(inner: &Inner, outputs: Vec<crate::bridge::Output>) {
    panel::observe(inner, &outputs);
    inner
        .channel
        .borrow_mut()
        .on_outputs(now(), outputs, &*inner.core);
}

fn on_tick(inner: &Rc<Inner>) {
    let tabs = inner.tabs_edge();
    if let Some(tabs) = tabs {
        tabs.tick();
    }
    let done = inner.core.tick();
    let outputs = inner.core.run(done);
    if !outputs.is_empty() {
        deliver(inner, outputs);
    }
    inner
        .channel
        .borrow_mut()
        .on_tick(now(), parent_origin().as_deref());
    drive(inner);
}
