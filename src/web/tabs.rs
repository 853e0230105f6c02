//! One agent, many tabs: the browser edge of [`crate::tabs::Tabs`] (every
//! decision is made there, tested natively). This file owns the tabs
//! resources opened by `edge.js` (the `BroadcastChannel`, the Web Locks
//! held, the page's view listeners: all released and removed on drop; the
//! locks also on pagehide, and by the browser when a tab closes or
//! crashes), and carries out the [`TabEffect`]s on the widget.
//!
//! It reports this page's view (shown, focused) to the machine on
//! `visibilitychange`, `focus` and `blur` (the screen-pop choice). Where
//! `navigator.locks` or `BroadcastChannel` is missing, the widget runs as if
//! `multiTab` were `"independent"` (documented fallback).

use super::edge::{self, kind, Callback, Handle, Target};
use super::guard;
use crate::tabs::{Scope, TabEffect, Tabs};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

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
    /// The `edge.js` tabs handle (channel, locks).
    handle: JsValue,
    host: Weak<dyn TabsHost>,
    /// What the handle reports to (kept alive with the widget).
    _on: Callback,
    /// The page's `visibilitychange`, `focus` and `blur` listeners (none
    /// where the handle was not opened).
    _view: Vec<Handle>,
    querying: Cell<bool>,
    driving: Cell<bool>,
}

impl TabsEdge {
    /// Starts the tabs machine for `scope`: holds this tab's lock, asks for
    /// the election lock, listens on the channel. `None` where the browser
    /// has no Web Locks or no `BroadcastChannel` (the fallback: independent).
    pub fn start(scope: Scope, epoch: String, host: Weak<dyn TabsHost>) -> Option<Rc<TabsEdge>> {
        let mut opened = true;
        let edge = Rc::new_cyclic(|me: &Weak<TabsEdge>| {
            let weak = me.clone();
            let on: Callback = Closure::new(move |what, _, _, value: JsValue| {
                if let Some(edge) = weak.upgrade() {
                    edge.on_browser(what, &value);
                }
            });
            let handle = edge::tabs_open(&scope.channel(), &on);
            opened = !handle.is_undefined();
            let view = if opened {
                vec![
                    view_listener(me, Target::Document, "visibilitychange"),
                    view_listener(me, Target::Window, "focus"),
                    view_listener(me, Target::Window, "blur"),
                ]
            } else {
                Vec::new()
            };
            TabsEdge {
                tabs: RefCell::new(Tabs::new(edge::random_hex("t"), epoch)),
                scope,
                handle,
                host,
                _on: on,
                _view: view,
                querying: Cell::new(false),
                driving: Cell::new(false),
            }
        });
        if !opened {
            return None;
        }
        edge.report_view();
        let me = edge.tabs.borrow().me().to_owned();
        edge::tabs_hold(&edge.handle, &edge.scope.tab_lock(&me), false);
        edge::tabs_hold(&edge.handle, &edge.scope.leader_lock(), true);
        Some(edge)
    }

    /// What the browser reported (`edge.js`): a channel message, the
    /// election lock granted, the held locks.
    fn on_browser(self: &Rc<Self>, what: u32, value: &JsValue) {
        match what {
            kind::TAB_MESSAGE => {
                let data = guard::to_json(value).map_err(|e| e.to_string());
                self.tabs.borrow_mut().on_message(now_ms(), data);
            }
            kind::LOCK_GRANTED => {
                let last_seq = self.last_seq();
                self.tabs.borrow_mut().on_lock_granted(now_ms(), last_seq);
            }
            kind::LOCKS_HELD => {
                self.querying.set(false);
                if value.is_null() {
                    return;
                }
                let Ok(held) = guard::to_json(value) else {
                    return;
                };
                let view = self.scope.locks_view(&held);
                self.tabs.borrow_mut().on_locks(view);
            }
            _ => return,
        }
        self.drive();
    }

    fn report_view(self: &Rc<Self>) {
        let view = edge::page_view();
        self.tabs
            .borrow_mut()
            .on_view(now_ms(), view & 1 != 0, view & 2 != 0);
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

    /// Posts one message as the object its JSON text parses to (the
    /// edge's one conversion path, [`super::to_js`]).
    fn post(&self, message: &crate::tabs::TabMessage) {
        if let Ok(value) = super::to_js(message) {
            edge::tabs_post(&self.handle, &value);
        }
    }

    /// Reads the held locks (at most one query at a time).
    fn query(&self) {
        if !self.querying.replace(true) {
            edge::tabs_query(&self.handle);
        }
    }

    /// The page is going away: say so, release the locks at once.
    pub fn pagehide(self: &Rc<Self>) {
        self.tabs.borrow_mut().on_pagehide();
        self.drive();
        self.release();
    }

    fn release(&self) {
        edge::tabs_release(&self.handle);
    }
}

impl Drop for TabsEdge {
    fn drop(&mut self) {
        // Releases the locks and closes the channel (none were opened where
        // the browser lacks them); the view listeners are removed as the
        // fields drop.
        if !self.handle.is_undefined() {
            edge::tabs_close(&self.handle);
        }
    }
}

/// Reports this page's view to the tabs machine on each `kind` event.
fn view_listener(edge: &Weak<TabsEdge>, target: Target<'_>, kind: &str) -> Handle {
    let edge = edge.clone();
    Handle::listen(target, kind, move |_| {
        if let Some(edge) = edge.upgrade() {
            edge.report_view();
        }
    })
}

/// Milliseconds since the Unix epoch (`leaderSince`).
fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
