//! The in-page vendor SDKs, browser side (wasm32 only): finds
//! `window.openFrameAPI` / `window.AGENTDESKTOP`, feeds their events to the
//! [`VendorHub`] and carries out the calls it decides. No decision is made
//! here (see `crate::vendor` and docs/vendors.md).
//!
//! Every callback handed to a vendor object goes through a small JS relay
//! that this side detaches on drop, so a vendor that keeps the function
//! (OpenFrame has no unsubscribe) calls nothing once the [`Vendor`] is gone.

use super::contact::{health_event, observed_event, Core, Options};
use super::from_js;
use crate::channel::WidgetEvent;
use crate::client::{Action, Effect};
use crate::model::Source;
use crate::vendor::{
    check_functions, required_functions, ContactAction, Notice, Step, VendorCall, VendorConfig,
    VendorHub, AGENTDESKTOP_METHODS, OPENFRAME_METHODS,
};
use gloo::timers::callback::{Interval, Timeout};
use serde::Serialize;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How often command time-outs are checked.
const TICK_MS: u32 = 1_000;
/// Default wait for `openFrameAPI.init` (ServiceNow's own fails after about 3 s).
const INIT_TIMEOUT_MS: u32 = 5_000;

#[wasm_bindgen(inline_js = "export function relay(target) {
  const box = { f: target };
  const h = function (...args) { const f = box.f; if (f) { return f(...args); } };
  h.detach = () => { box.f = null; };
  return h;
}")]
extern "C" {
    /// A function that calls `target` until detached.
    fn relay(target: &JsValue) -> js_sys::Function;
}

#[wasm_bindgen(inline_js = "export function relay_args(target) {
  const box = { f: target };
  const h = function (...args) { const f = box.f; if (f) { return f(args); } };
  h.detach = () => { box.f = null; };
  return h;
}")]
extern "C" {
    /// Like `relay`, but hands `target` all the arguments as one array.
    fn relay_args(target: &JsValue) -> js_sys::Function;
}

/// A callback owned by the [`Vendor`]: detached (then freed) on drop.
struct Relay {
    func: js_sys::Function,
    _closure: Closure<dyn FnMut(JsValue)>,
}

impl Relay {
    fn new(f: impl FnMut(JsValue) + 'static) -> Relay {
        let closure = Closure::<dyn FnMut(JsValue)>::new(f);
        let func = relay(closure.as_ref());
        Relay {
            func,
            _closure: closure,
        }
    }

    /// A relay whose target receives all the call's arguments as an array.
    fn with_args(f: impl FnMut(JsValue) + 'static) -> Relay {
        let closure = Closure::<dyn FnMut(JsValue)>::new(f);
        let func = relay_args(closure.as_ref());
        Relay {
            func,
            _closure: closure,
        }
    }
}

/// The AgentDesktop event among a contact callback's arguments: JSON text
/// is parsed, then `vendor::agentdesktop`'s rule picks the event object
/// (the documented event object, or `(eventType, data)` as the vendor's
/// CT toolbar SDK calls it; docs/protocols.md#agentdesktop-callback).
fn contact_event(args: JsValue) -> Result<Value, String> {
    let args = js_sys::Array::from(&args);
    let values = args
        .iter()
        .map(|arg| {
            let arg = match arg.as_string() {
                Some(text) if text.trim_start().starts_with('{') => {
                    js_sys::JSON::parse(&text).unwrap_or(arg)
                }
                _ => arg,
            };
            from_js(arg).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<Value>, String>>()?;
    crate::codec::agentdesktop::pick_event(&values)
        .cloned()
        .map_err(|e| e.to_string())
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Ok(detach) = js_sys::Reflect::get(&self.func, &"detach".into()) {
            if let Some(detach) = detach.dyn_ref::<js_sys::Function>() {
                let _ = detach.call0(&JsValue::NULL);
            }
        }
    }
}

struct State {
    hub: VendorHub,
    /// A live AXP / xuc client holding the bridge, when the configuration
    /// names a `contactCentre` (the hub's own bridge is then unused).
    live: Option<Rc<Core>>,
    on_output: js_sys::Function,
    openframe: Option<JsValue>,
    agentdesktop: Option<JsValue>,
    /// Whether `openFrameAPI.init` answered (or timed out).
    init_settled: bool,
}

/// Shared by the callbacks; weak so the [`Vendor`] alone keeps it alive.
struct Shared {
    state: RefCell<State>,
    relays: RefCell<Vec<Relay>>,
    init_timeout: RefCell<Option<Timeout>>,
}

/// A running vendor integration; dropping it (or `stop()`) unbinds the
/// AgentDesktop callback, detaches every OpenFrame handler and stops the timer.
#[wasm_bindgen]
pub struct Vendor {
    shared: Rc<Shared>,
    _ticker: Interval,
}

impl Drop for Vendor {
    fn drop(&mut self) {
        let ad = self.shared.state.borrow().agentdesktop.clone();
        if let (Some(ad), Some(first)) = (ad, self.shared.relays.borrow().first()) {
            // The AgentDesktop contact callback is always the first relay.
            if let Some((widget, unbind)) = method(&ad, &["WIDGET", "unbindContactCallback"]) {
                let _ = unbind.call1(&widget, &first.func);
            }
        }
        self.shared.init_timeout.borrow_mut().take();
        self.shared.relays.borrow_mut().clear();
    }
}

#[wasm_bindgen]
impl Vendor {
    /// The vendors in use (`["openframe", "agentdesktop"]`).
    pub fn vendors(&self) -> Vec<String> {
        self.shared
            .state
            .borrow()
            .hub
            .vendors()
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect()
    }

    /// The sync engine's snapshot.
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        let state = self.shared.state.borrow();
        match &state.live {
            Some(core) => core.with(|b| to_js(&b.snapshot())),
            None => to_js(&state.hub.bridge().snapshot()),
        }
    }

    /// The bridge's counters.
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        let state = self.shared.state.borrow();
        match &state.live {
            Some(core) => core.with(|b| to_js(b.stats())),
            None => to_js(state.hub.bridge().stats()),
        }
    }

    /// The live contact-centre client's last health report, or `null`.
    #[wasm_bindgen(js_name = contactCentreHealth)]
    pub fn contact_centre_health(&self) -> Result<JsValue, JsValue> {
        let live = self.shared.state.borrow().live.clone();
        to_js(&live.and_then(|core| core.health()))
    }

    /// `AGENTDESKTOP.CONTACT.MakeCall(number)`.
    #[wasm_bindgen(js_name = makeCall)]
    pub fn make_call(&self, number: &str) {
        self.act(|hub| hub.contact(ContactAction::MakeCall(number)));
    }

    /// `AGENTDESKTOP.CONTACT.Hangup(contactId?)`.
    pub fn hangup(&self, contact_id: Option<String>) {
        self.act(|hub| hub.contact(ContactAction::Hangup(contact_id.as_deref())));
    }

    /// `AGENTDESKTOP.CONTACT.Hold()`.
    pub fn hold(&self) {
        self.act(|hub| hub.contact(ContactAction::Hold));
    }

    /// `AGENTDESKTOP.CONTACT.Answer()`.
    pub fn answer(&self) {
        self.act(|hub| hub.contact(ContactAction::Answer));
    }

    /// `AGENTDESKTOP.CHAT.SendMessage(contactId, text)` (needs `chat: true`;
    /// an unconfirmed name, checked at start-up).
    #[wasm_bindgen(js_name = sendChat)]
    pub fn send_chat(&self, contact_id: &str, text: &str) {
        self.act(|hub| hub.chat(contact_id, text));
    }

    /// Asks a side (`crm` or `cc`) for `ready` or `notReady`, through its SDK.
    pub fn request(&self, target: &str, state: &str) -> Result<(), JsError> {
        let (target, state) = super::side_and_state(target, state)?;
        let live = self.shared.state.borrow().live.clone();
        match live {
            Some(core) => {
                let done = core.request(target, state, None);
                run_live(&self.shared, &core, done);
            }
            None => self.act(|hub| hub.request(target, state, Some(now_ms()))),
        }
        Ok(())
    }

    /// One typed command on the live xuc link (`ccCommand("loginAgent", ["1000", 19])`);
    /// throws when there is no live contact centre, it is AXP (read-only),
    /// or the command or its arguments are invalid.
    #[wasm_bindgen(js_name = ccCommand)]
    pub fn cc_command(&self, name: &str, args: js_sys::Array) -> Result<(), JsError> {
        let args = args
            .iter()
            .map(|a| from_js(a).map_err(|e| JsError::new(&e.to_string())))
            .collect::<Result<Vec<Value>, JsError>>()?;
        let live = self.shared.state.borrow().live.clone();
        let core = live.ok_or_else(|| JsError::new("no contactCentre in this integration"))?;
        core.command(name, &args).map_err(|refused| {
            JsError::new(match &refused {
                super::contact::CommandRefused::NotSupported(why)
                | super::contact::CommandRefused::Invalid(why) => why,
            })
        })
    }

    /// Stops the integration (same as dropping it).
    pub fn stop(self) {}
}

impl Vendor {
    /// Runs `f` on the hub, then delivers its step with no borrow held.
    fn act(&self, f: impl FnOnce(&mut VendorHub) -> Step) {
        let step = f(&mut self.shared.state.borrow_mut().hub);
        deliver(&self.shared, step);
    }
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    super::to_js(value).map_err(JsValue::from)
}

/// `root.a.b`: the object holding the function, and the function.
fn method(root: &JsValue, path: &[&str]) -> Option<(JsValue, js_sys::Function)> {
    let (last, parents) = path.split_last()?;
    let mut this = root.clone();
    for key in parents {
        this = js_sys::Reflect::get(&this, &(*key).into()).ok()?;
        if !this.is_object() {
            return None;
        }
    }
    let f = js_sys::Reflect::get(&this, &(*last).into()).ok()?;
    f.dyn_into::<js_sys::Function>().ok().map(|f| (this, f))
}

/// `window[name]` when it is an object.
fn global(name: &str) -> Option<JsValue> {
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &name.into())
        .ok()
        .filter(JsValue::is_object)
}

fn notice(source: Source, level: &'static str, text: impl Into<String>) -> Step {
    Step {
        notices: vec![Notice {
            source,
            level,
            text: text.into(),
        }],
        ..Step::default()
    }
}

/// Hands a step to the host and carries out its calls (no borrow held, so a
/// vendor that answers synchronously may feed the hub again).
fn deliver(shared: &Shared, step: Step) {
    let (on_output, openframe, agentdesktop) = {
        let s = shared.state.borrow();
        (
            s.on_output.clone(),
            s.openframe.clone(),
            s.agentdesktop.clone(),
        )
    };
    let emit = |value: Result<JsValue, JsValue>| {
        if let Ok(v) = value {
            let _ = on_output.call1(&JsValue::NULL, &v);
        }
    };
    for output in &step.outputs {
        emit(to_js(output));
    }
    for notice in &step.notices {
        emit(to_js(notice));
    }
    let mut failures = Vec::new();
    for call in &step.calls {
        emit(to_js(call));
        if let Err(e) = carry_out(call, openframe.as_ref(), agentdesktop.as_ref()) {
            failures.push(Notice {
                source: call.target,
                level: "error",
                text: e,
            });
        }
    }
    for failure in &failures {
        emit(to_js(failure));
    }
}

/// One vendor call; only the allow-listed methods are ever called.
fn carry_out(
    call: &VendorCall,
    openframe: Option<&JsValue>,
    agentdesktop: Option<&JsValue>,
) -> Result<(), String> {
    let (root, path): (Option<&JsValue>, Vec<&str>) = match (call.target, &call.namespace) {
        (Source::Openframe, None) if OPENFRAME_METHODS.contains(&call.method.as_str()) => {
            (openframe, vec![call.method.as_str()])
        }
        (Source::Agentdesktop, Some(ns))
            if AGENTDESKTOP_METHODS.contains(&(ns.as_str(), call.method.as_str())) =>
        {
            (agentdesktop, vec![ns.as_str(), call.method.as_str()])
        }
        _ => return Err(format!("refused to call unknown method {}", call.method)),
    };
    let root = root.ok_or_else(|| format!("{} is not on this page", call.target))?;
    let (this, f) =
        method(root, &path).ok_or_else(|| format!("{} has no {}", call.target, path.join(".")))?;
    let args = js_sys::Array::new();
    for arg in &call.args {
        args.push(&to_js(arg).map_err(|e| format!("{e:?}"))?);
    }
    f.apply(&this, &args)
        .map(|_| ())
        .map_err(|e| format!("{} {} threw: {e:?}", call.target, path.join(".")))
}

/// Runs what a live core produced: its effects go out through the sink
/// (see [`live_sink`]); plain outputs are planned and delivered here.
fn run_live(shared: &Shared, core: &Core, done: super::contact::Done) {
    let outputs = core.run(done);
    if !outputs.is_empty() {
        let step = shared.state.borrow_mut().hub.plan_outputs(outputs);
        deliver(shared, step);
    }
}

/// Where a live contact centre's effects go: outputs are planned into
/// vendor calls (e.g. OpenFrame's presence indicator) and delivered; health
/// and refused frames reach the host as `ccHealth` and notices.
fn live_sink(weak: Weak<Shared>, source: Source) -> super::live::Sink {
    Box::new(move |effect| {
        let Some(shared) = weak.upgrade() else { return };
        match effect {
            Effect::Output(output) => {
                let step = match shared.state.try_borrow_mut() {
                    Ok(mut state) => state.hub.plan_outputs(vec![output]),
                    // Never expected (no borrow is held while the client runs).
                    Err(_) => Step {
                        outputs: vec![output],
                        ..Step::default()
                    },
                };
                deliver(&shared, step);
            }
            Effect::Io(Action::Health(health)) => {
                emit_value(&shared, &health_event(source, &health))
            }
            Effect::Io(_) => {}
            Effect::Observed(events) => emit_value(&shared, &observed_event(source, &events)),
            Effect::Rejected(error) => deliver(&shared, notice(source, "error", error.to_string())),
            Effect::DialRefused(why) => deliver(&shared, notice(source, "error", why)),
        }
    })
}

fn emit_value(shared: &Shared, value: &WidgetEvent) {
    let on_output = shared.state.borrow().on_output.clone();
    if let Ok(v) = to_js(value) {
        let _ = on_output.call1(&JsValue::NULL, &v);
    }
}

/// Feeds one SDK event to the hub and delivers what it caused.
fn feed(weak: &Weak<Shared>, source: Source, raw: Result<Value, String>) {
    let Some(shared) = weak.upgrade() else { return };
    let live = shared.state.borrow().live.clone();
    if let (Some(core), Ok(raw)) = (live, raw.as_ref()) {
        let gated = shared.state.borrow_mut().hub.gate(source, raw);
        match gated {
            Some(step) => deliver(&shared, step),
            None => match core.ingest(source, raw) {
                Ok(done) => run_live(&shared, &core, done),
                Err(e) => deliver(&shared, notice(source, "error", e.to_string())),
            },
        }
        return;
    }
    let step = match raw {
        Ok(raw) => {
            let result = shared
                .state
                .borrow_mut()
                .hub
                .ingest(source, &raw, Some(now_ms()));
            result.unwrap_or_else(|e| notice(source, "error", e.to_string()))
        }
        Err(e) => notice(source, "error", e),
    };
    deliver(&shared, step);
}

fn now_ms() -> u64 {
    let t = js_sys::Date::now();
    if t.is_finite() && t > 0.0 {
        t as u64
    } else {
        0
    }
}

/// Starts the vendor integration: detects (or is told) which SDK objects
/// are on the page, binds their events and calls `onOutput(item)` with
/// every event, command, `vendorCall` and `vendorNotice`. With a
/// `contactCentre` in the config, a live AXP / xuc client is the contact
/// centre (OpenFrame + xuc, say): `credentials(what)` answers its ask for a
/// `"token"` (AXP) or a `"login"` (`{login, password}`, xuc).
#[wasm_bindgen(js_name = startVendor)]
pub fn start_vendor(
    config: JsValue,
    on_output: js_sys::Function,
    credentials: Option<js_sys::Function>,
) -> Result<Vendor, JsError> {
    let config: VendorConfig = if config.is_undefined() || config.is_null() {
        VendorConfig::default()
    } else {
        super::from_js_as(&config).map_err(|e| JsError::new(&format!("config: {e}")))?
    };
    let live_options = match &config.contact_centre {
        Some(value) => Some(Options::parse(value).map_err(|e| JsError::new(&e))?),
        None => None,
    };
    let openframe = global("openFrameAPI");
    // A configured contact centre is the contact-centre side: AgentDesktop
    // on the page is then left alone (forcing both is refused below).
    let agentdesktop = global("AGENTDESKTOP").filter(|_| {
        live_options.is_none()
            || config
                .vendors
                .as_ref()
                .is_some_and(|v| v.contains(&Source::Agentdesktop))
    });
    if live_options.is_some()
        && config
            .vendors
            .as_ref()
            .is_some_and(|v| v.contains(&Source::Agentdesktop))
    {
        return Err(JsError::new(
            "contactCentre and AgentDesktop are both contact centres: use one",
        ));
    }
    let vendors = match &config.vendors {
        Some(forced) => {
            for v in forced {
                let present = match v {
                    Source::Openframe => openframe.is_some(),
                    Source::Agentdesktop => agentdesktop.is_some(),
                    other => return Err(JsError::new(&format!("`{other}` is not an in-page SDK"))),
                };
                if !present {
                    return Err(JsError::new(&format!(
                        "vendor `{v}` forced but its SDK object is not on the page"
                    )));
                }
            }
            forced.clone()
        }
        None => [
            (Source::Openframe, openframe.is_some()),
            (Source::Agentdesktop, agentdesktop.is_some()),
        ]
        .into_iter()
        .filter_map(|(s, present)| present.then_some(s))
        .collect(),
    };
    if vendors.is_empty() {
        return Err(JsError::new(
            "no vendor SDK on the page (openFrameAPI, AGENTDESKTOP)",
        ));
    }
    // Every SDK function the configuration will call must be there now: a
    // missing one (an unconfirmed name, say) fails here, naming it, instead
    // of failing silently at the first call (docs/protocols.md#unconfirmed).
    check_functions(&required_functions(&config, &vendors), |f| {
        let root = match f.vendor {
            Source::Openframe => openframe.as_ref(),
            _ => agentdesktop.as_ref(),
        };
        root.is_some_and(|root| method(root, f.path).is_some())
    })
    .map_err(|e| JsError::new(&e.to_string()))?;
    let hub = VendorHub::new(&config, vendors.clone()).map_err(|e| JsError::new(&e))?;
    let shared = Rc::new(Shared {
        state: RefCell::new(State {
            hub,
            live: None,
            on_output,
            openframe: openframe.filter(|_| vendors.contains(&Source::Openframe)),
            agentdesktop: agentdesktop.filter(|_| vendors.contains(&Source::Agentdesktop)),
            init_settled: false,
        }),
        relays: RefCell::new(Vec::new()),
        init_timeout: RefCell::new(None),
    });
    let weak = Rc::downgrade(&shared);

    if let Some(options) = live_options {
        let source = options.source;
        let (mode, mut bridge_config) =
            VendorHub::bridge_config(&config, &vendors).map_err(|e| JsError::new(&e))?;
        bridge_config.cc.source.get_or_insert(source);
        let what = if source == Source::Axp {
            "token"
        } else {
            "login"
        };
        let provider: super::live::Provider = Box::new(move || match &credentials {
            Some(f) => f.call1(&JsValue::NULL, &JsValue::from_str(what)),
            None => Err(JsValue::from_str(
                "startVendor was given no credentials function",
            )),
        });
        let core = Core::live(
            options,
            super::new_bridge(mode, bridge_config),
            live_sink(weak.clone(), source),
            provider,
        )
        .map_err(|e| JsError::new(&e))?;
        shared.state.borrow_mut().live = Some(Rc::new(core));
    }

    let ad = shared.state.borrow().agentdesktop.clone();
    if let Some(ad) = ad {
        let (widget, bind) = method(&ad, &["WIDGET", "bindContactCallback"])
            .ok_or_else(|| JsError::new("AGENTDESKTOP.WIDGET.bindContactCallback missing"))?;
        let w = weak.clone();
        let relay =
            Relay::with_args(move |args| feed(&w, Source::Agentdesktop, contact_event(args)));
        bind.call1(&widget, &relay.func)
            .map_err(|e| JsError::new(&format!("bindContactCallback threw: {e:?}")))?;
        shared.relays.borrow_mut().push(relay);
        deliver(
            &shared,
            notice(Source::Agentdesktop, "ready", "contact callback bound"),
        );
    }

    let of = shared.state.borrow().openframe.clone();
    if let Some(of) = of {
        start_openframe(&shared, &of, &config);
    }

    let w = weak.clone();
    let ticker = Interval::new(TICK_MS, move || {
        if let Some(shared) = w.upgrade() {
            let live = shared.state.borrow().live.clone();
            match live {
                Some(core) => {
                    let done = core.tick();
                    run_live(&shared, &core, done);
                }
                None => {
                    let step = shared.state.borrow_mut().hub.tick(now_ms());
                    deliver(&shared, step);
                }
            }
        }
    });
    let live = shared.state.borrow().live.clone();
    if let Some(core) = live {
        core.start();
    }
    Ok(Vendor {
        shared,
        _ticker: ticker,
    })
}

/// `openFrameAPI.init(config, ok, fail)` with a time-out; on success the five
/// AWA events and `COMMUNICATION_EVENT` are subscribed.
fn start_openframe(shared: &Rc<Shared>, of: &JsValue, config: &VendorConfig) {
    let weak = Rc::downgrade(shared);
    let Some((api, init)) = method(of, &["init"]) else {
        deliver(
            shared,
            notice(Source::Openframe, "failed", "openFrameAPI.init missing"),
        );
        return;
    };
    let Ok(init_config) = to_js(config.openframe_init.as_ref().unwrap_or(&json!({}))) else {
        deliver(
            shared,
            notice(
                Source::Openframe,
                "failed",
                "openframeInit: not serializable",
            ),
        );
        return;
    };

    let settle = |weak: &Weak<Shared>| -> Option<Rc<Shared>> {
        let shared = weak.upgrade()?;
        let already = std::mem::replace(&mut shared.state.borrow_mut().init_settled, true);
        shared.init_timeout.borrow_mut().take();
        (!already).then_some(shared)
    };

    let w = weak.clone();
    let ok = Relay::new(move |_| {
        let Some(shared) = settle(&w) else { return };
        subscribe_all(&shared, &w);
    });
    let w = weak.clone();
    let fail = Relay::new(move |error| {
        let Some(shared) = settle(&w) else { return };
        let text = error
            .as_string()
            .or_else(|| {
                js_sys::JSON::stringify(&error)
                    .ok()
                    .and_then(|s| s.as_string())
            })
            .unwrap_or_else(|| "init failed".into());
        deliver(
            &shared,
            notice(Source::Openframe, "failed", format!("init: {text}")),
        );
    });
    let (ok_fn, fail_fn) = (ok.func.clone(), fail.func.clone());
    shared.relays.borrow_mut().extend([ok, fail]);

    let w = weak.clone();
    let timeout_ms = config.init_timeout_ms.unwrap_or(INIT_TIMEOUT_MS);
    *shared.init_timeout.borrow_mut() = Some(Timeout::new(timeout_ms, move || {
        let Some(shared) = w.upgrade() else { return };
        let already = std::mem::replace(&mut shared.state.borrow_mut().init_settled, true);
        if !already {
            deliver(
                &shared,
                notice(
                    Source::Openframe,
                    "timeout",
                    format!("openFrameAPI.init did not answer in {timeout_ms} ms"),
                ),
            );
        }
    }));
    if let Err(e) = init.call3(&api, &init_config, &ok_fn, &fail_fn) {
        if let Some(shared) = settle(&weak) {
            deliver(
                &shared,
                notice(Source::Openframe, "failed", format!("init threw: {e:?}")),
            );
        }
    }
}

/// Subscribes the five AWA events by name and `EVENTS.COMMUNICATION_EVENT`.
fn subscribe_all(shared: &Rc<Shared>, weak: &Weak<Shared>) {
    let Some(of) = shared.state.borrow().openframe.clone() else {
        return;
    };
    let Some((api, subscribe)) = method(&of, &["subscribe"]) else {
        deliver(
            shared,
            notice(
                Source::Openframe,
                "failed",
                "openFrameAPI.subscribe missing",
            ),
        );
        return;
    };
    let mut problems = Vec::new();
    for name in crate::codec::openframe::EVENTS {
        let w = weak.clone();
        let relay = Relay::new(move |data| {
            let raw = from_js(data)
                .map(|data| json!({"event": name, "data": data}))
                .map_err(|e| e.to_string());
            feed(&w, Source::Openframe, raw);
        });
        if let Err(e) = subscribe.call2(&api, &name.into(), &relay.func) {
            problems.push(format!("subscribe {name} threw: {e:?}"));
        }
        shared.relays.borrow_mut().push(relay);
    }
    let comm = js_sys::Reflect::get(&of, &"EVENTS".into())
        .ok()
        .and_then(|events| js_sys::Reflect::get(&events, &"COMMUNICATION_EVENT".into()).ok())
        .filter(|v| !v.is_undefined());
    match comm {
        Some(comm) => {
            let w = weak.clone();
            let relay = Relay::new(move |event| {
                let Some(shared) = w.upgrade() else { return };
                let step = match from_js(event) {
                    Ok(event) => shared.state.borrow_mut().hub.communication_event(&event),
                    Err(e) => notice(Source::Openframe, "error", e.to_string()),
                };
                deliver(&shared, step);
            });
            if let Err(e) = subscribe.call2(&api, &comm, &relay.func) {
                problems.push(format!("subscribe COMMUNICATION_EVENT threw: {e:?}"));
            }
            shared.relays.borrow_mut().push(relay);
        }
        None => problems.push("openFrameAPI.EVENTS.COMMUNICATION_EVENT missing".into()),
    }
    let mut step = notice(
        Source::Openframe,
        "ready",
        "init succeeded; events subscribed",
    );
    step.notices.extend(problems.into_iter().map(|text| Notice {
        source: Source::Openframe,
        level: "error",
        text,
    }));
    deliver(shared, step);
}
