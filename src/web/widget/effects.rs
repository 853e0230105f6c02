//! Carrying out the channel's effects: posts, the port, calls on the core
//! (with no borrow of the channel held), the live client's reports and asks,
//! the credentials endpoint and saves.

use super::super::edge::{self, kind, Handle, Target};
use super::waits::{Deferred, Observed};
use super::{deliver, Inner};
use crate::channel::{Ask, Call, Effect, RequestError, WidgetEvent};
use crate::client::{Action, Effect as ClientEffect};
use crate::model::Source;
use crate::web::live::{now, Provider, Sink};
use js_sys::Function;
use serde_json::Value;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

/// Carries out the channel's effects, in order, until there are none. A
/// nested call (a live client reporting while an effect runs) returns at
/// once: the loop already running picks up what it added.
pub(super) fn drive(inner: &Rc<Inner>) {
    if inner.driving.replace(true) {
        return;
    }
    loop {
        let effects = inner.channel.borrow_mut().poll();
        if effects.is_empty() {
            break;
        }
        for effect in effects {
            if let Some(effect) = super::tabs_glue::intercept(inner, effect) {
                carry_out(inner, effect);
            }
        }
    }
    inner.driving.set(false);
    super::panel::changed(inner);
    super::tabs_glue::after_drive(inner);
}

pub(super) fn carry_out(inner: &Rc<Inner>, effect: Effect) {
    match effect {
        Effect::Port(text) => {
            if let Some((port, _)) = inner.port.borrow().as_ref() {
                let _ = port.post_message(&JsValue::from_str(&text));
            }
        }
        Effect::Window { message, origin } => {
            if let Ok(message) = crate::web::to_js(&message) {
                edge::post_parent(&message, &origin);
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
                let (settle, value) = match result.map(|v| crate::web::live::to_js(&v)) {
                    Ok(Ok(value)) => (resolve, value),
                    Ok(Err(e)) => (reject, e.into()),
                    Err(why) => (reject, JsValue::from_str(&why)),
                };
                edge::call(&settle, &value);
            }
        }
        Effect::StartClient => inner.core.start(),
        Effect::FetchCredentials { ask, url } => inner.waits.fetch_credentials(ask, url),
        Effect::Diagnose {
            request,
            export,
            host,
        } => super::diagnose::observe(
            inner,
            Observed::Host {
                request,
                export,
                host,
            },
        ),
        Effect::SaveSoon => schedule_save(inner),
        Effect::SaveNow => save(inner),
    }
}

/// What `edge.js` reported to the widget ([`Waits`](super::waits::Waits)).
pub(super) fn on_edge(inner: &Rc<Inner>, what: u32, id: u32, value: JsValue) {
    match what {
        kind::OBSERVED => {
            if let Some(then) = inner.waits.observed(id) {
                let seen = crate::web::guard::to_json(&value).unwrap_or_default();
                observed(inner, super::diagnose::observations(inner, &seen), then);
            }
        }
        kind::FETCHED => {
            if let Some((ask, url)) = inner.waits.fetched(id) {
                let body = credentials_body(&url, &value);
                inner.channel.borrow_mut().on_credentials_fetched(ask, body);
                drive(inner);
            }
        }
        kind::LATER => match inner.waits.next_deferred() {
            Some(Deferred::LiveEffect(source, effect)) => on_live_effect(inner, source, effect),
            Some(Deferred::Panel(todo)) => {
                super::panel::carry_out(inner, todo);
                drive(inner);
            }
            None => {}
        },
        _ => {}
    }
}

/// Settles what waited on the observations.
fn observed(inner: &Rc<Inner>, obs: crate::diagnose::Observations, then: Observed) {
    let settle = |resolve: Function, reject: Function, value: Result<JsValue, JsError>| match value
    {
        Ok(value) => edge::call(&resolve, &value),
        Err(e) => edge::call(&reject, &e.into()),
    };
    match then {
        Observed::Report(resolve, reject) => {
            let report = inner.channel.borrow().report(obs);
            settle(resolve, reject, crate::web::to_js(&report));
        }
        Observed::Export(resolve, reject) => {
            let text = inner.channel.borrow().export(obs);
            settle(resolve, reject, Ok(JsValue::from_str(&text)));
        }
        Observed::Host {
            request,
            export,
            host,
        } => {
            inner
                .channel
                .borrow_mut()
                .on_observed(now(), request, export, host, obs);
            drive(inner);
        }
    }
}

/// Keeps the port offered with the accepted `connect` (closing the old one).
fn attach(inner: &Rc<Inner>) {
    let Some(port) = inner.offered.borrow_mut().take() else {
        return;
    };
    let weak = Rc::downgrade(inner);
    let listener = Handle::listen(Target::Object(&port), "message", move |event| {
        if let (Some(inner), Some(message)) = (weak.upgrade(), edge::message(&event)) {
            super::on_port_message(&inner, message);
        }
    });
    port.start();
    if let Some((old, _)) = inner.port.borrow_mut().replace((port, listener)) {
        old.close();
    }
}

/// Runs one call on the core, with no borrow of the channel held while the
/// core runs (a live client reports back through [`live_sink`]).
pub(super) fn run_call(inner: &Rc<Inner>, call: Call) {
    let core = &inner.core;
    match call {
        Call::Ingest {
            source,
            raw,
            request,
        } => match core.ingest(source, &raw) {
            Ok(done) => {
                deliver(inner, core.run(done));
                inner.channel.borrow_mut().on_ingested(now(), request);
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
            deliver(inner, core.run(done));
        }
        Call::CcCommand {
            request,
            name,
            args,
        } => {
            let outcome = core.command(&name, &args).map_err(RequestError::from);
            inner
                .channel
                .borrow_mut()
                .on_cc_command(now(), request, &name, outcome);
        }
    }
}

/// Where the live client's effects go: outputs and health through the
/// channel; frames that did not decode as `error` events.
pub(super) fn live_sink(weak: Weak<Inner>, source: Source) -> Sink {
    Box::new(move |effect| {
        let Some(inner) = weak.upgrade() else {
            return;
        };
        if inner.channel.try_borrow_mut().is_err() {
            // Never expected (no borrow is held while a client runs), but a
            // re-entrant call must not abort the widget: finish it next turn.
            inner.waits.defer(Deferred::LiveEffect(source, effect));
            return;
        }
        on_live_effect(&inner, source, effect);
    })
}

pub(super) fn on_live_effect(inner: &Rc<Inner>, source: Source, effect: ClientEffect) {
    let at = now();
    match &effect {
        ClientEffect::Output(output) => super::panel::observe(inner, std::slice::from_ref(output)),
        ClientEffect::Io(Action::Health(health)) => super::panel::on_health(inner, health),
        _ => {}
    }
    {
        let mut channel = inner.channel.borrow_mut();
        match effect {
            // Multi-tab: a screen pop for another tab goes there instead.
            ClientEffect::Output(output) if super::tabs_glue::pop_here(inner, &output) => {
                channel.on_outputs(at, vec![output], &*inner.core);
            }
            ClientEffect::Output(_) => {}
            ClientEffect::Io(Action::Health(health)) => {
                channel.push_host_event(at, &WidgetEvent::cc_health(source, health))
            }
            ClientEffect::Io(_) => {}
            ClientEffect::Observed(events) => {
                channel.push_host_event(at, &WidgetEvent::Observed { source, events })
            }
            ClientEffect::Rejected(e) => {
                channel.push_host_event(at, &WidgetEvent::decode_error(source, &e))
            }
            ClientEffect::DialRefused(reason) => channel.push_host_event(
                at,
                &WidgetEvent::Error {
                    source,
                    code: "dialRefused".into(),
                    reason,
                },
            ),
        }
    }
    drive(inner);
}

/// Asks the host for the live client's `token` or `login`; the answer
/// comes back on the port and settles the promise (it stays in the widget).
pub(super) fn live_provider(weak: Weak<Inner>, what: Ask) -> Provider {
    Box::new(move || {
        let inner = weak
            .upgrade()
            .ok_or_else(|| JsValue::from_str("the widget is gone"))?;
        if let Some(answer) = super::panel::provide(&inner) {
            return answer.map(Into::into);
        }
        let (promise, resolve, reject) = edge::promise();
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

/// The credentials endpoint's answer (`edge.js` `getText`: `[status, ok,
/// body text]`, `null` when not reached) as JSON. The GET went to a path on
/// the widget's own origin with its cookies (the widget origin's session
/// decides). Errors say what failed, never a body.
pub(super) fn credentials_body(url: &str, answer: &JsValue) -> Result<Value, String> {
    if answer.is_null() || answer.is_undefined() {
        return Err(format!(
            "the credentials endpoint {url} could not be reached"
        ));
    }
    let answer = js_sys::Array::from(answer);
    if answer.get(1).as_bool() != Some(true) {
        let status = answer.get(0).as_f64().map_or(0, |s| s as u16);
        return Err(format!(
            "the credentials endpoint {url} answered HTTP {status}"
        ));
    }
    let text = answer
        .get(2)
        .as_string()
        .ok_or("the credentials endpoint's body could not be read")?;
    crate::codec::parse_text(&text, crate::json::JsonParser::BUILT_IN)
        .map_err(|e| format!("the credentials endpoint {url} gave no JSON: {}", e.code()))
}

/// Persists the channel soon: when the channel's save pace says (once per
/// burst, at most once a second while events stream in).
fn schedule_save(inner: &Rc<Inner>) {
    // Nothing to do where the browser gives this iframe no storage.
    if inner.storage.is_none() {
        return;
    }
    let Some(wait) = inner.channel.borrow_mut().save_soon(now()) else {
        return;
    };
    let weak = Rc::downgrade(inner);
    let timeout = Handle::after(u32::try_from(wait).unwrap_or(u32::MAX), move || {
        if let Some(inner) = weak.upgrade() {
            inner.save_timer.borrow_mut().take();
            save(&inner);
        }
    });
    *inner.save_timer.borrow_mut() = Some(timeout);
}

fn save(inner: &Inner) {
    let Some(key) = inner.storage.as_ref() else {
        return;
    };
    let text = inner.channel.borrow_mut().save_text(now());
    edge::storage_write(key, &text);
}
