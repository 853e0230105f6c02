//! One agent, many tabs: the browser edge of [`crate::tabs::Tabs`] (every
//! decision is made there, tested natively). This file owns the Web Locks
//! (held promises, released on drop and on pagehide; the browser releases
//! them when a tab closes or crashes), the `BroadcastChannel` and its
//! listener (RAII), and carries out the [`TabEffect`]s on the widget.
//!
//! It also reports this page's view (shown, focused) to the machine on
//! `visibilitychange`, `focus` and `blur` (the screen-pop choice).
//!
//! Web Locks and `BroadcastChannel` are reached through `js_sys::Reflect`
//! (no extra web-sys features). Where `navigator.locks` is missing, the
//! widget runs as if `multiTab` were `"independent"` (documented fallback).

use super::guard;
use crate::tabs::{LocksView, Scope, TabEffect, Tabs};
use gloo::events::EventListener;
use js_sys::{Array, Function, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{EventTarget, MessageEvent};

/// What the widget does for the tabs machine (implemented by the widget edge).
pub(crate) trait TabsHost {
    /// Carries out one effect that touches the widget (relay, answer, run, start).
    fn on_tab_effect(self: Rc<Self>, effect: TabEffect);
    /// The widget's last event `seq`.
    fn last_seq(&self) -> u64;
}

/// The tabs resources of one widget instance.
pub(crate) struct TabsEdge {
    pub tabs: RefCell<Tabs>,
    scope: Scope,
    channel: JsValue,
    locks: JsValue,
    host: Weak<dyn TabsHost>,
    /// Resolving these releases the locks.
    releases: RefCell<Vec<Function>>,
    _listener: RefCell<Option<EventListener>>,
    /// `visibilitychange`, `focus`, `blur`: this page's view.
    _view_listeners: RefCell<Vec<EventListener>>,
    /// The closures the lock requests call (kept alive with the widget).
    _callbacks: RefCell<Vec<Closure<dyn FnMut(JsValue) -> Promise>>>,
    querying: Cell<bool>,
    driving: Cell<bool>,
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn random_id() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("t{a:08x}{b:08x}")
}

impl TabsEdge {
    /// Starts the tabs machine for `scope`: holds this tab's lock, asks for
    /// the election lock, listens on the channel. `None` where the browser
    /// has no Web Locks or no `BroadcastChannel` (the fallback: independent).
    pub fn start(scope: Scope, epoch: String, host: Weak<dyn TabsHost>) -> Option<Rc<TabsEdge>> {
        let window: JsValue = web_sys::window()?.into();
        let navigator = get(&window, "navigator")?;
        let locks = get(&navigator, "locks")?;
        get(&locks, "request")?.dyn_into::<Function>().ok()?;
        let ctor = get(&window, "BroadcastChannel")?
            .dyn_into::<Function>()
            .ok()?;
        let args = Array::of1(&JsValue::from_str(&scope.channel()));
        let channel = Reflect::construct(&ctor, &args).ok()?;
        let edge = Rc::new(TabsEdge {
            tabs: RefCell::new(Tabs::new(random_id(), epoch)),
            scope,
            channel,
            locks,
            host,
            releases: RefCell::new(Vec::new()),
            _listener: RefCell::new(None),
            _view_listeners: RefCell::new(Vec::new()),
            _callbacks: RefCell::new(Vec::new()),
            querying: Cell::new(false),
            driving: Cell::new(false),
        });
        let target: EventTarget = edge.channel.clone().dyn_into().ok()?;
        let weak = Rc::downgrade(&edge);
        let listener = EventListener::new(&target, "message", move |event| {
            if let (Some(edge), Some(event)) = (weak.upgrade(), event.dyn_ref::<MessageEvent>()) {
                let data = guard::to_json(&event.data()).map_err(|e| e.to_string());
                edge.tabs.borrow_mut().on_message(now_ms(), data);
                edge.drive();
            }
        });
        *edge._listener.borrow_mut() = Some(listener);
        edge.watch_view();
        let me = edge.tabs.borrow().me().to_owned();
        edge.hold(&edge.scope.tab_lock(&me), false);
        edge.hold(&edge.scope.leader_lock(), true);
        Some(edge)
    }

    /// Asks for lock `name`, held until released; `elect`: this is the
    /// election lock, reported granted to the machine.
    fn hold(self: &Rc<Self>, name: &str, elect: bool) {
        let weak = Rc::downgrade(self);
        let callback = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
            let mut release = None;
            let promise = Promise::new(&mut |resolve, _| release = Some(resolve));
            if let Some(edge) = weak.upgrade() {
                if let Some(release) = release {
                    edge.releases.borrow_mut().push(release);
                }
                if elect {
                    let last_seq = edge.last_seq();
                    edge.tabs.borrow_mut().on_lock_granted(now_ms(), last_seq);
                    edge.drive();
                }
            }
            promise
        });
        if let Some(request) =
            get(&self.locks, "request").and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = request.call2(&self.locks, &JsValue::from_str(name), callback.as_ref());
        }
        self._callbacks.borrow_mut().push(callback);
    }

    /// Reports this page's view now and on every change.
    fn watch_view(self: &Rc<Self>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let mut listeners = Vec::new();
        let on_change = |target: &EventTarget, name: &'static str| {
            let weak = Rc::downgrade(self);
            EventListener::new(target, name, move |_| {
                if let Some(edge) = weak.upgrade() {
                    edge.report_view();
                }
            })
        };
        if let Some(document) = window.document() {
            listeners.push(on_change(&document, "visibilitychange"));
        }
        listeners.push(on_change(&window, "focus"));
        listeners.push(on_change(&window, "blur"));
        *self._view_listeners.borrow_mut() = listeners;
        self.report_view();
    }

    fn report_view(self: &Rc<Self>) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let visible = document.visibility_state() == web_sys::VisibilityState::Visible;
        let focused = document.has_focus().unwrap_or(false);
        self.tabs.borrow_mut().on_view(now_ms(), visible, focused);
        self.drive();
    }

    fn last_seq(&self) -> u64 {
        self.host.upgrade().map_or(0, |h| h.last_seq())
    }

    /// The once-a-second tick.
    pub fn tick(self: &Rc<Self>) {
        self.tabs.borrow_mut().on_tick();
        self.drive();
    }

    /// Carries out the machine's effects until there are none.
    pub fn drive(self: &Rc<Self>) {
        if self.driving.replace(true) {
            return;
        }
        loop {
            let effects = self.tabs.borrow_mut().poll();
            if effects.is_empty() {
                break;
            }
            for effect in effects {
                match effect {
                    TabEffect::Broadcast(message) => self.post(&message),
                    TabEffect::QueryLocks => self.query(),
                    other => {
                        if let Some(host) = self.host.upgrade() {
                            host.on_tab_effect(other);
                        }
                    }
                }
            }
        }
        self.driving.set(false);
    }

    fn post<T: crate::json_write::ToJson>(&self, message: &T) {
        let Ok(value) = super::to_js(message) else {
            return;
        };
        if let Some(post) =
            get(&self.channel, "postMessage").and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = post.call1(&self.channel, &value);
        }
    }

    /// Reads the held locks (at most one query at a time).
    fn query(self: &Rc<Self>) {
        if self.querying.replace(true) {
            return;
        }
        let Some(query) = get(&self.locks, "query").and_then(|f| f.dyn_into::<Function>().ok())
        else {
            self.querying.set(false);
            return;
        };
        let Ok(promise) = query
            .call0(&self.locks)
            .and_then(|p| p.dyn_into::<Promise>())
        else {
            self.querying.set(false);
            return;
        };
        let weak = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            let snapshot = wasm_bindgen_futures::JsFuture::from(promise).await;
            let Some(edge) = weak.upgrade() else { return };
            edge.querying.set(false);
            if let Ok(snapshot) = snapshot {
                let view = edge.view(&snapshot);
                edge.tabs.borrow_mut().on_locks(view);
                edge.drive();
            }
        });
    }

    /// The machine's view of a `LockManagerSnapshot`: the tab locks held,
    /// and the tab whose lock the election lock's holder also holds.
    fn view(&self, snapshot: &JsValue) -> LocksView {
        let held: Vec<(String, String)> = get(snapshot, "held")
            .and_then(|h| h.dyn_into::<Array>().ok())
            .map(|a| {
                a.iter()
                    .filter_map(|l| {
                        let name = get(&l, "name")?.as_string()?;
                        let client = get(&l, "clientId")?.as_string()?;
                        Some((name, client))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let leader_lock = self.scope.leader_lock();
        let leader_client = held
            .iter()
            .find(|(name, _)| *name == leader_lock)
            .map(|(_, c)| c.clone());
        let mut view = LocksView::default();
        for (name, client) in &held {
            if let Some(tab) = self.scope.tab_of(name) {
                if leader_client.as_deref() == Some(client.as_str()) {
                    view.leader = Some(tab.to_owned());
                }
                view.tabs.push(tab.to_owned());
            }
        }
        view
    }

    /// The page is going away: say so, release the locks at once.
    pub fn pagehide(self: &Rc<Self>) {
        self.tabs.borrow_mut().on_pagehide();
        self.drive();
        self.release();
    }

    fn release(&self) {
        for resolve in self.releases.borrow_mut().drain(..) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }
}

impl Drop for TabsEdge {
    fn drop(&mut self) {
        self.release();
        if let Some(close) = get(&self.channel, "close").and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = close.call0(&self.channel);
        }
    }
}

/// Milliseconds since the Unix epoch (`leaderSince`).
fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
