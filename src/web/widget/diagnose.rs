//! Gathering the diagnostics' observations in the browser (wasm32 only):
//! timed fetch and WebSocket probes of the contact centre, the CSP
//! violations seen, storage probes, `document.hasStorageAccess()`. Every
//! decision on them is the core's (`diagnose::report`).

use super::{parent_origin, Inner};
use crate::diagnose::{
    CcObservations, Observations, Probe, StorageObservations, TabsObservations, Violation,
    PROBE_TIMEOUT_MS,
};
use crate::model::Source;
use crate::tabs::MultiTab;
use crate::web::live::now;
use gloo::events::EventListener;
use js_sys::{Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::WebSocket;

/// CSP violations kept (the newest).
const VIOLATIONS_KEPT: usize = 32;

fn elapsed(since: u64) -> u64 {
    now().saturating_sub(since)
}

fn text_of(value: &JsValue, key: &str) -> String {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Listens for `securitypolicyviolation` on the widget page: each is kept
/// (bounded) for the report and logged.
pub(super) fn violation_listener(inner: &Rc<Inner>) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    let weak = Rc::downgrade(inner);
    Some(EventListener::new(
        &document,
        "securitypolicyviolation",
        move |event| {
            let Some(inner) = weak.upgrade() else { return };
            let event: &JsValue = event.as_ref();
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
        },
    ))
}

/// Times a GET of `url`: any HTTP answer means reachable. Gives the probe,
/// the `Date` header (when CORS exposes it) and the clock halfway through.
async fn probe_rest(url: &str) -> (Probe, Option<String>, Option<u64>) {
    let Some(window) = web_sys::window() else {
        return (Probe::NotRun, None, None);
    };
    let controller = web_sys::AbortController::new().ok();
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let timeout = controller
        .clone()
        .map(|c| gloo::timers::callback::Timeout::new(PROBE_TIMEOUT_MS as u32, move || c.abort()));
    let start = now();
    let answer = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await;
    drop(timeout);
    let ms = elapsed(start);
    match answer
        .ok()
        .and_then(|r| r.dyn_into::<web_sys::Response>().ok())
    {
        Some(response) => {
            let date = response.headers().get("date").ok().flatten();
            let mid = start + ms / 2;
            (
                Probe::Answered {
                    status: response.status(),
                    ms,
                },
                date,
                Some(mid),
            )
        }
        None if ms + 50 >= PROBE_TIMEOUT_MS => (Probe::TimedOut, None, None),
        None => (Probe::Failed { ms }, None, None),
    }
}

/// Times opening a WebSocket to `url` (closed at once).
async fn probe_socket(url: &str) -> Probe {
    let Ok(ws) = WebSocket::new(url) else {
        return Probe::Failed { ms: 0 };
    };
    let start = now();
    let outcome: Rc<RefCell<Option<Probe>>> = Rc::new(RefCell::new(None));
    let mut resolve_slot = None;
    let promise = Promise::new(&mut |resolve, _| resolve_slot = Some(resolve));
    let resolve = Rc::new(resolve_slot);
    let settle = |probe: fn(u64) -> Probe| {
        let outcome = Rc::clone(&outcome);
        let resolve = Rc::clone(&resolve);
        move |_: &web_sys::Event| {
            if outcome.borrow().is_none() {
                *outcome.borrow_mut() = Some(probe(elapsed(start)));
            }
            if let Some(r) = resolve.as_ref() {
                let _ = r.call0(&JsValue::NULL);
            }
        }
    };
    let _open = EventListener::new(&ws, "open", settle(|ms| Probe::Opened { ms }));
    let _error = EventListener::new(&ws, "error", settle(|ms| Probe::Failed { ms }));
    let _close = EventListener::new(&ws, "close", settle(|ms| Probe::Failed { ms }));
    let timer = {
        let resolve = Rc::clone(&resolve);
        gloo::timers::callback::Timeout::new(PROBE_TIMEOUT_MS as u32, move || {
            if let Some(r) = resolve.as_ref() {
                let _ = r.call0(&JsValue::NULL);
            }
        })
    };
    let _ = JsFuture::from(promise).await;
    drop(timer);
    let _ = ws.close_with_code(1000);
    let probe = outcome.borrow_mut().take();
    probe.unwrap_or(Probe::TimedOut)
}

/// Session storage, the top-level site and `document.hasStorageAccess()`.
async fn probe_storage() -> StorageObservations {
    let Some(window) = web_sys::window() else {
        return StorageObservations::default();
    };
    let session_usable = match window.session_storage() {
        Ok(Some(storage)) => {
            let key = "cti-bridge/diagnose-probe";
            let ok = storage.set_item(key, "1").is_ok()
                && storage.get_item(key).ok().flatten().as_deref() == Some("1");
            let _ = storage.remove_item(key);
            Some(ok)
        }
        _ => None,
    };
    // Compared by site in the core (`diagnose::site_of`).
    let top_origin = top_origin();
    let has_access = match window.document() {
        Some(document) => {
            let function = Reflect::get(&document, &JsValue::from_str("hasStorageAccess"))
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
            match function.and_then(|f| f.call0(&document).ok()) {
                Some(promise) => match promise.dyn_into::<Promise>() {
                    Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()),
                    Err(_) => None,
                },
                None => None,
            }
        }
        None => None,
    };
    StorageObservations {
        session_usable,
        top_origin,
        has_access,
    }
}

/// A text field of `window.location`.
fn location_text(key: &str) -> Option<String> {
    let window: JsValue = web_sys::window()?.into();
    let location = Reflect::get(&window, &JsValue::from_str("location")).ok()?;
    Reflect::get(&location, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// The top-level page's origin (`location.ancestorOrigins`, last entry).
fn top_origin() -> Option<String> {
    let window: JsValue = web_sys::window()?.into();
    let location = Reflect::get(&window, &JsValue::from_str("location")).ok()?;
    let ancestors = Reflect::get(&location, &JsValue::from_str("ancestorOrigins")).ok()?;
    let length = Reflect::get(&ancestors, &JsValue::from_str("length"))
        .ok()?
        .as_f64()?;
    if length < 1.0 {
        return None;
    }
    Reflect::get(&ancestors, &JsValue::from_f64(length - 1.0))
        .ok()?
        .as_string()
}

/// Gathers every observation; the probes run side by side, so this takes
/// at most [`PROBE_TIMEOUT_MS`] and a little.
pub(super) async fn observe(inner: Rc<Inner>) -> Observations {
    let window = web_sys::window();
    let framed = match (window.as_ref(), inner.parent.as_ref()) {
        (Some(w), Some(p)) => !js_sys::Object::is(w.as_ref(), p.as_ref()),
        _ => false,
    };
    let widget_origin = location_text("origin").unwrap_or_default();
    let targets = inner.cc_targets.clone();
    let cc_task = async {
        let (source, rest_url, socket_url) = targets?;
        let rest = async {
            match &rest_url {
                Some(url) => probe_rest(url).await,
                None => (Probe::NotRun, None, None),
            }
        };
        let socket = async {
            match &socket_url {
                Some(url) => probe_socket(url).await,
                None => Probe::NotRun,
            }
        };
        let ((rest, date, mid), socket) = join(rest, socket).await;
        Some(CcObservations {
            source: Some(source),
            rest_url,
            rest,
            socket_url,
            socket,
            health: inner.core.health_report(),
            server_date: date,
            probe_mid_ms: mid,
            figures: inner.core.figures(),
        })
    };
    let (cc, storage) = join(cc_task, probe_storage()).await;
    // A blocked request's violation report is queued as a task of its own.
    sleep(50).await;
    let tabs = tabs(&inner);
    Observations {
        now: now(),
        widget_origin,
        host_origin: None,
        parent_origin: parent_origin(),
        framed,
        widget_origin_allowed: None,
        drop_in: None,
        violations: inner.violations.borrow().clone(),
        storage,
        cc,
        tabs,
    }
}

/// This tab's part among the agent's tabs: the tabs machine's view, or
/// why it runs alone.
fn tabs(inner: &Inner) -> TabsObservations {
    match inner.multi_tab {
        None => TabsObservations::NotApplicable,
        Some(MultiTab::Independent) => TabsObservations::Independent,
        Some(MultiTab::Shared) => match inner.tabs.borrow().as_ref() {
            Some(edge) => TabsObservations::Shared(edge.tabs.borrow().info()),
            None => {
                let global: Option<JsValue> = web_sys::window().map(Into::into);
                let has = |object: Option<&JsValue>, key: &str| {
                    object.is_some_and(|o| {
                        Reflect::get(o, &JsValue::from_str(key))
                            .is_ok_and(|v| !v.is_undefined() && !v.is_null())
                    })
                };
                let navigator = global
                    .as_ref()
                    .and_then(|w| Reflect::get(w, &JsValue::from_str("navigator")).ok());
                TabsObservations::Alone {
                    storage: inner.storage.is_some(),
                    web_locks: has(navigator.as_ref(), "locks"),
                    broadcast: has(global.as_ref(), "BroadcastChannel"),
                }
            }
        },
    }
}

/// Resolves after `ms` milliseconds (the timer is cancelled if the future
/// is dropped first).
async fn sleep(ms: u32) {
    let mut slot = None;
    let promise = Promise::new(&mut |resolve, _| slot = Some(resolve));
    let Some(resolve) = slot else { return };
    let _timer = gloo::timers::callback::Timeout::new(ms, move || {
        let _ = resolve.call0(&JsValue::NULL);
    });
    let _ = JsFuture::from(promise).await;
}

/// Runs two futures side by side (single-threaded: polled in turn).
async fn join<A, B>(a: A, b: B) -> (A::Output, B::Output)
where
    A: std::future::Future,
    B: std::future::Future,
{
    use std::pin::pin;
    use std::task::Poll;
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut ra = None;
    let mut rb = None;
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if ra.is_some() && rb.is_some() {
            match (ra.take(), rb.take()) {
                (Some(x), Some(y)) => Poll::Ready((x, y)),
                _ => Poll::Pending,
            }
        } else {
            Poll::Pending
        }
    })
    .await
}

/// The live client's protocol and the URLs to probe, from the widget config.
pub(super) fn targets(
    contact_centre: Option<&serde_json::Value>,
) -> Option<(Source, Option<String>, Option<String>)> {
    let config = contact_centre?;
    let source = match config.get("kind").and_then(serde_json::Value::as_str) {
        Some("axp") => Source::Axp,
        Some("xuc") => Source::Xuc,
        _ => return None,
    };
    let (rest, socket) = crate::diagnose::probe_targets(source, config);
    Some((source, rest, socket))
}
