//! The in-page vendor SDKs, browser side (wasm32 only): finds
//! `window.openFrameAPI` / `window.AGENTDESKTOP`, feeds their events to the
//! [`VendorHub`] and carries out the calls it decides. No decision is made
//! here (see `crate::vendor` and docs/vendors.md).
//!
//! Every callback handed to a vendor object goes through a small JS relay
//! that this side detaches on drop, so a vendor that keeps the function
//! (OpenFrame has no unsubscribe) calls nothing once the [`Vendor`] is gone.

use super::contact::{Core, Options};
use super::edge::{Callback, Handle};
use super::from_js;
use super::live::now;
use crate::channel::WidgetEvent;
use crate::client::{Action, Effect};
use crate::json_write::ToJson;
use crate::model::Source;
use crate::vendor::{
    check_functions, required_functions, ContactAction, Notice, Step, VendorCall, VendorConfig,
    VendorHub, AGENTDESKTOP_METHODS, OPENFRAME_METHODS,
};
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

#[wasm_bindgen(inline_js = "export function relay(target, all) {
  const box = { f: target };
  const h = function (...args) { const f = box.f; if (f) { f(0, 0, 0, all ? args : args[0]); } };
  h.detach = () => { box.f = null; };
  return h;
}")]
extern "C" {
    /// A function that calls `target` (with its first argument, or `all`
    /// its arguments as one array) until detached.
    fn relay(target: &JsValue, all: bool) -> js_sys::Function;
}

/// A callback owned by the [`Vendor`]: detached (then freed) on drop.
struct Relay {
    func: js_sys::Function,
    _closure: Callback,
}

impl Relay {
    fn new(f: impl Fn(JsValue) + 'static) -> Relay {
        Self::relay(Box::new(f), false)
    }

    /// A relay whose target receives all the call's arguments as an array.
    fn with_args(f: impl Fn(JsValue) + 'static) -> Relay {
        Self::relay(Box::new(f), true)
    }

    fn relay(f: Box<dyn Fn(JsValue)>, all: bool) -> Relay {
        let closure: Callback = Closure::new(move |_, _, _, value| f(value));
        let func = relay(closure.as_ref(), all);
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
    init_timeout: RefCell<Option<Handle>>,
}

/// A running vendor integration; dropping it (or `stop()`) unbinds the
/// AgentDesktop callback, detaches every OpenFrame handler and stops the timer.
#[wasm_bindgen]
pub struct Vendor {
    shared: Rc<Shared>,
    _ticker: Handle,
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
    pub fn vendors(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared.state.borrow().hub.vendors())
    }

    /// The sync engine's snapshot.
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        self.with_bridge(|b| to_js(&b.snapshot()))
    }

    /// The bridge's counters.
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        self.with_bridge(|b| to_js(b.stats()))
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
            None => self.act(|hub| hub.request(target, state, Some(now()))),
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
    /// `f` on the bridge in use: the live client's, else the hub's.
    fn with_bridge(
        &self,
        f: impl Fn(&crate::bridge::Bridge) -> Result<JsValue, JsValue>,
    ) -> Result<JsValue, JsValue> {
        let state = self.shared.state.borrow();
        match &state.live {
            Some(core) => core.with(|b| f(b)),
            None => f(state.hub.bridge()),
        }
    }

    /// Runs `f` on the hub, then delivers its step with no borrow held.
    fn act(&self, f: impl FnOnce(&mut VendorHub) -> Step) {
        let step = f(&mut self.shared.state.borrow_mut().hub);
        deliver(&self.shared, step);
    }
}

/// One conversion for every kind of value (a `dyn`, so one copy in the wasm).
fn to_js(value: &dyn ToJson) -> Result<JsValue, JsValue> {
    super::to_js(value).map_err(JsValue::from)
}

/// Hands one item to the host's `onOutput`.
fn emit(on_output: &js_sys::Function, value: &dyn ToJson) {
    if let Ok(v) = to_js(value) {
        let _ = on_output.call1(&JsValue::NULL, &v);
    }
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

fn notice(source: Source, level: &'static str, text: String) -> Step {
    Step {
        notices: vec![Notice {
            source,
            level,
            text,
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
    for output in &step.outputs {
        emit(&on_output, output);
    }
    for notice in &step.notices {
        emit(&on_output, notice);
    }
    let mut failures = Vec::new();
    for call in &step.calls {
        emit(&on_output, call);
        if let Err(e) = carry_out(call, openframe.as_ref(), agentdesktop.as_ref()) {
            failures.push(Notice {
                source: call.target,
                level: "error",
                text: e,
            });
        }
    }
    for failure in &failures {
        emit(&on_output, failure);
    }
}

/// One vendor call; only the allow-listed methods are ever called.
fn carry_out(
    call: &VendorCall,
    openframe: Option<&JsValue>,
    agentdesktop: Option<&JsValue>,
) -> Result<(), String> {
    let m = call.method.as_str();
    let (root, path): (Option<&JsValue>, &[&str]) = match (call.target, &call.namespace) {
        (Source::Openframe, None) if OPENFRAME_METHODS.contains(&m) => (openframe, &[m]),
        (Source::Agentdesktop, Some(ns)) if AGENTDESKTOP_METHODS.contains(&(ns.as_str(), m)) => {
            (agentdesktop, &[ns.as_str(), m])
        }
        _ => return Err(format!("refused to call unknown method {m}")),
    };
    let root = root.ok_or_else(|| format!("{} is not on this page", call.target))?;
    let name = path.join(".");
    let (this, f) = method(root, path).ok_or_else(|| format!("{} has no {name}", call.target))?;
    // The arguments as one array (one conversion for all of them).
    let args = to_js(&call.args).map_err(|e| format!("{e:?}"))?;
    f.apply(&this, args.unchecked_ref())
        .map(|_| ())
        .map_err(|e| format!("{} {name} threw: {e:?}", call.target))
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
                emit_value(&shared, &WidgetEvent::cc_health(source, health))
            }
            Effect::Io(_) => {}
            Effect::Observed(events) => {
                emit_value(&shared, &WidgetEvent::Observed { source, events })
            }
            Effect::Rejected(error) => deliver(&shared, notice(source, "error", error.to_string())),
            Effect::DialRefused(why) => deliver(&shared, notice(source, "error", why)),
        }
    })
}

fn emit_value(shared: &Shared, value: &WidgetEvent) {
    let on_output = shared.state.borrow().on_output.clone();
    emit(&on_output, value);
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
                .ingest(source, &raw, Some(now()));
            result.unwrap_or_else(|e| notice(source, "error", e.to_string()))
        }
        Err(e) => notice(source, "error", e),
    };
    deliver(&shared, step);
}

mod start;

pub use start::start_vendor;
