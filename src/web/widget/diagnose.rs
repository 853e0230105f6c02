//! Gathering the diagnostics' observations in the browser (wasm32 only):
//! timed fetch and WebSocket probes of the contact centre, the CSP
//! violations seen, storage probes, `document.hasStorageAccess()`. Every
//! decision on them is the core's (`diagnose::report`).

use super::super::edge::{Handle, Target};
use super::waits::Observed;
use super::{parent_origin, Inner};
use crate::diagnose::{
    CcObservations, Observations, Probe, StorageObservations, TabsObservations, Violation,
    PROBE_TIMEOUT_MS,
};
use crate::tabs::MultiTab;
#[cfg(doc)]
use crate::web::edge;
use crate::web::live::now;
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// CSP violations kept (the newest).
const VIOLATIONS_KEPT: usize = 32;

fn text_of(value: &JsValue, key: &str) -> String {
    crate::web::live::text_at(value, key).unwrap_or_default()
}

/// Listens for `securitypolicyviolation` on the widget page: each is kept
/// (bounded) for the report and logged.
pub(super) fn violation_listener(inner: &Rc<Inner>) -> Handle {
    let weak = Rc::downgrade(inner);
    Handle::listen(Target::Document, "securitypolicyviolation", move |event| {
        let Some(inner) = weak.upgrade() else { return };
        let event = &event;
        let violation = Violation {
            directive: text_of(event, "effectiveDirective"),
            blocked: text_of(event, "blockedURI"),
        };
        let message = format!(
            "blocked by the CSP ({}): {}",
            violation.directive,
            crate::diagnose::safe_url(&violation.blocked)
        );
        if let Ok(mut channel) = inner.channel.try_borrow_mut() {
            channel.log(now(), crate::diagnose::LogLevel::Error, "csp", &message);
        }
        let mut kept = inner.violations.borrow_mut();
        if kept.len() >= VIOLATIONS_KEPT {
            kept.remove(0);
        }
        kept.push(violation);
    })
}

/// Gathers every observation, then `then`: the browser's (`edge.js`
/// `observeBrowser`: the probes run side by side, so this takes at most
/// [`PROBE_TIMEOUT_MS`] and a little), read by [`observations`].
pub(super) fn observe(inner: &Inner, then: Observed) {
    let (rest, socket) = inner
        .cc_targets
        .as_ref()
        .map(|(_, rest, socket)| (rest.clone(), socket.clone()))
        .unwrap_or_default();
    inner.waits.observe(rest, socket, then);
}

/// The browser's observations (`seen`, see [`edge::observe_browser`]) and
/// the widget's, as the core's [`Observations`].
pub(super) fn observations(inner: &Inner, seen: &Value) -> Observations {
    let text = |key: &str| seen.get(key).and_then(Value::as_str).map(str::to_owned);
    let flag = |key: &str| seen.get(key).and_then(Value::as_bool);
    let cc = inner
        .cc_targets
        .clone()
        .map(|(source, rest_url, socket_url)| {
            let (rest, server_date, probe_mid_ms) = rest_probe(seen.get("rest"));
            CcObservations {
                source: Some(source),
                rest_url,
                rest,
                socket_url,
                socket: socket_probe(seen.get("socket")),
                health: inner.core.health_report(),
                server_date,
                probe_mid_ms,
                figures: inner.core.figures(),
            }
        });
    let storage = StorageObservations {
        session_usable: flag("session"),
        top_origin: text("topOrigin"),
        has_access: flag("hasAccess"),
    };
    let tabs = tabs(
        inner,
        flag("locks") == Some(true),
        flag("broadcast") == Some(true),
    );
    Observations {
        now: now(),
        widget_origin: text("widgetOrigin").unwrap_or_default(),
        host_origin: None,
        parent_origin: parent_origin(),
        framed: flag("framed") == Some(true),
        widget_origin_allowed: None,
        drop_in: None,
        violations: inner.violations.borrow().clone(),
        storage,
        cc,
        tabs,
    }
}

/// The REST probe (`{start, ms, status?, date?}`): any HTTP answer means
/// reachable; no answer near the time limit timed out. With the `Date`
/// header (when CORS exposes it) and the clock halfway through.
fn rest_probe(seen: Option<&Value>) -> (Probe, Option<String>, Option<u64>) {
    let Some(seen) = seen.filter(|v| v.is_object()) else {
        return (Probe::NotRun, None, None);
    };
    let number = |key: &str| seen.get(key).and_then(Value::as_u64);
    let ms = number("ms").unwrap_or_default();
    match number("status").and_then(|s| u16::try_from(s).ok()) {
        Some(status) => (
            Probe::Answered { status, ms },
            seen.get("date").and_then(Value::as_str).map(str::to_owned),
            number("start").map(|start| start + ms / 2),
        ),
        None if ms + 50 >= PROBE_TIMEOUT_MS => (Probe::TimedOut, None, None),
        None => (Probe::Failed { ms }, None, None),
    }
}

/// The socket probe (`{opened, ms}`; empty: no event in time).
fn socket_probe(seen: Option<&Value>) -> Probe {
    let Some(seen) = seen.filter(|v| v.is_object()) else {
        return Probe::NotRun;
    };
    let ms = seen.get("ms").and_then(Value::as_u64).unwrap_or_default();
    match seen.get("opened").and_then(Value::as_bool) {
        Some(true) => Probe::Opened { ms },
        Some(false) => Probe::Failed { ms },
        None => Probe::TimedOut,
    }
}

/// This tab's part among the agent's tabs: the tabs machine's view, or
/// why it runs alone.
fn tabs(inner: &Inner, web_locks: bool, broadcast: bool) -> TabsObservations {
    match inner.multi_tab {
        None => TabsObservations::NotApplicable,
        Some(MultiTab::Independent) => TabsObservations::Independent,
        Some(MultiTab::Shared) => match inner.tabs.borrow().as_ref() {
            Some(edge) => TabsObservations::Shared(edge.tabs.borrow().info()),
            None => TabsObservations::Alone {
                storage: inner.storage.is_some(),
                web_locks,
                broadcast,
            },
        },
    }
}
