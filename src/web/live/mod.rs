//! The browser driver shared by the live clients: executes a [`Session`]'s
//! effects with `fetch`, `WebSocket` and one gloo timer, feeds browser events
//! back as [`Input`]s, and posts outputs to the host's callback.
//!
//! Everything is owned and released on drop: the socket is closed and its
//! listeners removed, the timer cancelled, the page listeners (`online`,
//! `offline`, `visibilitychange`) removed, requests in flight aborted.
//! Callbacks hold a `Weak` reference, so nothing outlives the client and no
//! closure is leaked with `forget`.

// A build without one of the live clients (features `axp`, `xuc`) or without
// their JavaScript classes (`host-api`) keeps the driver types the widget
// names, partly unused.
#![cfg_attr(
    not(all(feature = "axp", feature = "xuc", feature = "host-api")),
    allow(dead_code, unused_imports, unused_macros)
)]

use crate::client::{Action, Client, Effect, Input, Session};
use crate::error::DecodeError;
use crate::json_write::ToJson;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::Promise;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, CloseEvent, MessageEvent, RequestInit, WebSocket};

/// What the host's provider answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provides {
    /// A token string (AXP).
    Token,
    /// `{login, password}` (xuc).
    Credentials,
}

/// One open socket with its listeners; dropping it closes the socket.
struct Socket {
    id: u32,
    ws: WebSocket,
    _listeners: [EventListener; 3],
}

impl Drop for Socket {
    fn drop(&mut self) {
        // CONNECTING (0) or OPEN (1): close; listeners go with `self`.
        if self.ws.ready_state() <= 1 {
            let _ = self.ws.close_with_code_and_reason(1000, "client closed");
        }
    }
}

/// Where a driver's effects go: the host's callback (`AxpClient` /
/// `XucClient`) or the widget's outbox.
pub(crate) type Sink = Box<dyn Fn(Effect)>;
/// Asks for the token or credentials: a value or a promise of one.
pub(crate) type Provider = Box<dyn Fn() -> Result<JsValue, JsValue>>;
/// Sees every frame and request in and out (type names and sizes only,
/// never contents): the widget's message trace.
pub(crate) type Tap = Box<dyn Fn(Traced<'_>)>;

/// One message seen by the [`Tap`].
pub(crate) struct Traced<'a> {
    /// `"in"` or `"out"`.
    pub dir: &'static str,
    /// The frame (for its type name), when there is one.
    pub frame: Option<&'a Value>,
    /// What it is when there is no frame (`POST /path`, `socket open`).
    pub label: Option<String>,
    /// Size in bytes (JSON text), when known.
    pub bytes: usize,
    /// The peer's origin (`ws://host:port`, `https://host`).
    pub origin: Option<String>,
    /// Why it was refused, for a frame that did not decode.
    pub dropped: Option<String>,
}

/// The driver of one client.
pub(crate) struct Driver<C: Client + 'static> {
    session: RefCell<Session<C>>,
    sink: Sink,
    provider: Provider,
    provides: Provides,
    tap: RefCell<Option<Tap>>,
    socket: RefCell<Option<Socket>>,
    timer: RefCell<Option<Timeout>>,
    requests: RefCell<Vec<(u32, AbortController)>>,
    page: RefCell<Vec<EventListener>>,
    me: Weak<Driver<C>>,
}

impl<C: Client + 'static> Drop for Driver<C> {
    fn drop(&mut self) {
        for (_, controller) in self.requests.get_mut().drain(..) {
            controller.abort();
        }
    }
}

/// The browser clock in milliseconds.
pub(crate) fn now() -> u64 {
    let t = js_sys::Date::now();
    if t.is_finite() && t > 0.0 {
        t as u64
    } else {
        0
    }
}

/// A JSON-compatible JS value of `value` (the edge's one conversion path).
pub(crate) fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    super::to_js(value)
}

/// The origin of a URL (`ws://127.0.0.1:8090`), for the trace.
fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}

/// JSON text of a value (`json_write`, as `JSON.stringify` writes it).
fn stringify(value: &Value) -> Option<String> {
    Some(crate::json_write::to_string(value))
}

impl<C: Client + 'static> Driver<C> {
    /// A driver for `session`; page listeners are attached at once.
    pub fn new(
        session: Session<C>,
        sink: Sink,
        provider: Provider,
        provides: Provides,
    ) -> Rc<Self> {
        let driver = Rc::new_cyclic(|me| Driver {
            session: RefCell::new(session),
            sink,
            provider,
            provides,
            tap: RefCell::new(None),
            socket: RefCell::new(None),
            timer: RefCell::new(None),
            requests: RefCell::new(Vec::new()),
            page: RefCell::new(Vec::new()),
            me: me.clone(),
        });
        driver.listen_to_page();
        driver
    }

    fn listen_to_page(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let mut listeners = Vec::new();
        for (name, input) in [("online", Input::Online), ("offline", Input::Offline)] {
            let me = self.me.clone();
            listeners.push(EventListener::new(&window, name, move |_| {
                if let Some(d) = me.upgrade() {
                    d.input(input.clone());
                }
            }));
        }
        if let Some(document) = window.document() {
            let me = self.me.clone();
            let doc = document.clone();
            listeners.push(EventListener::new(
                &document,
                "visibilitychange",
                move |_| {
                    if doc.visibility_state() == web_sys::VisibilityState::Visible {
                        if let Some(d) = me.upgrade() {
                            d.input(Input::Visible);
                        }
                    }
                },
            ));
        }
        *self.page.borrow_mut() = listeners;
    }

    /// Feeds one input and carries out what follows.
    pub fn input(&self, input: Input) {
        let effects = self.session.borrow_mut().handle(now(), input);
        self.run(effects);
    }

    /// Read access to the session (health, stats, snapshot).
    pub fn with<R>(&self, f: impl FnOnce(&mut Session<C>) -> R) -> R {
        f(&mut self.session.borrow_mut())
    }

    /// Carries out effects; no borrow of the session is held meanwhile, so
    /// the host's callback may call the client again.
    ///
    /// Network and timer work is done first, then the host is told, so a
    /// host that calls `stop()` from its callback leaves nothing half-done.
    pub fn run(&self, effects: Vec<Effect>) {
        let mut tell = Vec::new();
        for effect in effects {
            match effect {
                Effect::Io(Action::Health(health)) => tell.push(Effect::Io(Action::Health(health))),
                Effect::Io(action) => self.act(action),
                other => tell.push(other),
            }
        }
        for effect in tell {
            (self.sink)(effect);
        }
    }

    /// Sets the message trace.
    pub fn set_tap(&self, tap: Tap) {
        *self.tap.borrow_mut() = Some(tap);
    }

    fn trace(&self, traced: Traced<'_>) {
        if let Some(tap) = self.tap.borrow().as_ref() {
            tap(traced);
        }
    }

    fn act(&self, action: Action) {
        match action {
            Action::Http(request) => self.fetch(request),
            Action::Open { id, url } => self.open(id, url.expose()),
            Action::Send { id, frame } => {
                let socket = self.socket.borrow();
                // Only on an OPEN socket: a send on a closing one is lost anyway
                // (its close event follows) and the browser logs it as an error.
                if let (Some(s), Some(text)) = (
                    socket
                        .as_ref()
                        .filter(|s| s.id == id && s.ws.ready_state() == WebSocket::OPEN),
                    stringify(frame.expose()),
                ) {
                    // A failed send shows up as the socket's close event.
                    let _ = s.ws.send_with_str(&text);
                    self.trace(Traced {
                        dir: "out",
                        frame: Some(frame.expose()),
                        label: None,
                        bytes: text.len(),
                        origin: origin_of(&s.ws.url()),
                        dropped: None,
                    });
                }
            }
            Action::Close { id, code, reason } => {
                let socket = self.socket.borrow_mut().take_if(|s| s.id == id);
                if let Some(s) = socket {
                    let _ = s.ws.close_with_code_and_reason(code, &reason);
                }
            }
            Action::Timer { after_ms } => {
                let me = self.me.clone();
                // setTimeout takes at most 2^31 - 1 ms.
                let millis = u32::try_from(after_ms.min(i32::MAX as u64)).unwrap_or(0);
                let timeout = Timeout::new(millis, move || {
                    if let Some(d) = me.upgrade() {
                        d.input(Input::Tick);
                    }
                });
                *self.timer.borrow_mut() = Some(timeout);
            }
            Action::ClearTimer => {
                self.timer.borrow_mut().take();
            }
            Action::Health(health) => (self.sink)(Effect::Io(Action::Health(health))),
            Action::NeedToken => self.ask_provider(),
            // The session turns these into outputs; never seen here.
            Action::Deliver(_) | Action::Observe(_) => {}
        }
    }

    fn open(&self, id: u32, url: &str) {
        // Replacing the old socket (if any) closes it.
        self.socket.borrow_mut().take();
        let ws = match WebSocket::new(url) {
            Ok(ws) => ws,
            Err(_) => {
                // Invalid URL or blocked port: the same as a refused connection.
                let me = self.me.clone();
                spawn_local(async move {
                    if let Some(d) = me.upgrade() {
                        d.input(Input::SocketClosed {
                            id,
                            code: 1006,
                            reason: "could not create the socket".into(),
                        });
                    }
                });
                return;
            }
        };
        let on_open = {
            let me = self.me.clone();
            EventListener::new(&ws, "open", move |_| {
                if let Some(d) = me.upgrade() {
                    d.input(Input::SocketOpened { id });
                }
            })
        };
        let on_message = {
            let me = self.me.clone();
            EventListener::new(&ws, "message", move |event| {
                let Some(d) = me.upgrade() else {
                    return;
                };
                let data = event.dyn_ref::<MessageEvent>().map(MessageEvent::data);
                match data.and_then(|d| d.as_string()) {
                    Some(text) => d.frame(id, &text),
                    None => d.refused(
                        id,
                        DecodeError::invalid("frame", "binary frames are not part of the protocol"),
                    ),
                }
            })
        };
        let on_close = {
            let me = self.me.clone();
            EventListener::new(&ws, "close", move |event| {
                let (code, reason) = event
                    .dyn_ref::<CloseEvent>()
                    .map(|c| (c.code(), c.reason()))
                    .unwrap_or((1006, String::new()));
                if let Some(d) = me.upgrade() {
                    d.input(Input::SocketClosed { id, code, reason });
                }
            })
        };
        *self.socket.borrow_mut() = Some(Socket {
            id,
            ws,
            _listeners: [on_open, on_message, on_close],
        });
    }

    fn frame(&self, id: u32, text: &str) {
        match crate::codec::parse_text(text, crate::json::JsonParser::BUILT_IN) {
            Ok(value) => {
                if self.tap.borrow().is_some() {
                    self.trace(Traced {
                        dir: "in",
                        frame: Some(&value),
                        label: None,
                        bytes: text.len(),
                        origin: self.socket_origin(),
                        dropped: None,
                    });
                }
                self.input(Input::Frame { id, value })
            }
            Err(error) => self.refused(id, error),
        }
    }

    fn socket_origin(&self) -> Option<String> {
        self.socket
            .borrow()
            .as_ref()
            .and_then(|s| origin_of(&s.ws.url()))
    }

    fn refused(&self, id: u32, error: DecodeError) {
        if self.tap.borrow().is_some() {
            self.trace(Traced {
                dir: "in",
                frame: None,
                label: Some("frame".into()),
                bytes: 0,
                origin: self.socket_origin(),
                dropped: Some(error.to_string()),
            });
        }
        let effects = self.session.borrow_mut().refused(now(), id, error);
        self.run(effects);
    }

    fn fetch(&self, request: crate::client::HttpRequest) {
        let Some(window) = web_sys::window() else {
            return self.later(Input::HttpFailed {
                id: request.id,
                reason: "no window".into(),
            });
        };
        let controller = AbortController::new().ok();
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        if let Ok(headers) = web_sys::Headers::new() {
            for h in &request.headers {
                let _ = headers.set(h.name, h.value.expose());
            }
            init.set_headers(&headers);
        }
        if let Some(text) = request.body.as_ref().and_then(|b| stringify(b.expose())) {
            init.set_body(&JsValue::from_str(&text));
        }
        if let Some(c) = &controller {
            init.set_signal(Some(&c.signal()));
            self.requests.borrow_mut().push((request.id, c.clone()));
        }
        if self.tap.borrow().is_some() {
            // The path only: no query, no body (a login body holds a password).
            let path = web_sys::Url::new(&request.url)
                .map(|u| u.pathname())
                .unwrap_or_default();
            self.trace(Traced {
                dir: "out",
                frame: None,
                label: Some(format!("{} {path}", request.method.as_str())),
                bytes: 0,
                origin: origin_of(&request.url),
                dropped: None,
            });
        }
        let promise = window.fetch_with_str_and_init(&request.url, &init);
        let me = self.me.clone();
        let id = request.id;
        spawn_local(async move {
            let input = answer(id, promise).await;
            if let Some(d) = me.upgrade() {
                d.requests.borrow_mut().retain(|(r, _)| *r != id);
                if d.tap.borrow().is_some() {
                    let label = match &input {
                        Input::HttpDone { status, .. } => format!("HTTP {status}"),
                        _ => "HTTP failed".to_owned(),
                    };
                    d.trace(Traced {
                        dir: "in",
                        frame: None,
                        label: Some(label),
                        bytes: 0,
                        origin: None,
                        dropped: None,
                    });
                }
                d.input(input);
            }
        });
    }

    /// Delivers `input` on the next turn of the event loop (never re-entrantly).
    fn later(&self, input: Input) {
        let me = self.me.clone();
        spawn_local(async move {
            if let Some(d) = me.upgrade() {
                d.input(input);
            }
        });
    }

    fn ask_provider(&self) {
        let result = (self.provider)();
        let provides = self.provides;
        let me = self.me.clone();
        spawn_local(async move {
            let input = match result {
                Ok(value) => match JsFuture::from(Promise::resolve(&value)).await {
                    Ok(value) => secret_input(provides, &value),
                    Err(e) => Input::NoToken(format!(
                        "the provider's promise was rejected{}",
                        why(&e).map(|w| format!(": {w}")).unwrap_or_default()
                    )),
                },
                Err(_) => Input::NoToken("the provider threw".into()),
            };
            if let Some(d) = me.upgrade() {
                d.input(input);
            }
        });
    }
}

pub(crate) mod class;
mod inputs;

use inputs::{answer, secret_input, why};

pub(crate) use class::{build, live_client, seeded, BuildError, LiveClient};
