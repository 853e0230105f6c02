//! The browser driver shared by the live clients: executes a [`Session`]'s
//! effects with `fetch`, `WebSocket` and one timer, feeds browser events
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

use super::edge::{self, kind, Callback, Handle, Target};
use crate::client::{Action, Client, Effect, Input, Session};
use crate::error::DecodeError;
use crate::json_write::ToJson;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

/// What the host's provider answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provides {
    /// A token string (AXP).
    Token,
    /// `{login, password}` (xuc).
    Credentials,
}

/// One open socket (its events go to the driver's sink); dropping it stops
/// listening and closes the socket if it is connecting or open.
struct Socket {
    id: u32,
    ws: JsValue,
}

impl Drop for Socket {
    fn drop(&mut self) {
        edge::socket_close(&self.ws, 1000, "client closed");
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

/// The provider's answer ([`Link::ask_provider`]).
const ANSWERED: u32 = 0;
/// The provider threw instead of answering.
const THREW: u32 = 1;

/// The driver of one client: its session, and the browser resources in a
/// [`Link`] (not generic: compiled once for both clients).
pub(crate) struct Driver<C: Client + 'static> {
    session: RefCell<Session<C>>,
    link: Link,
}

/// What the [`Link`] feeds back into its driver's session.
trait Feed {
    /// Feeds one input and carries out what follows.
    fn input(&self, input: Input);
    /// A frame that did not decode, and what follows.
    fn refused(&self, id: u32, error: DecodeError);
    /// The driver's browser resources.
    fn link(&self) -> &Link;
}

impl<C: Client + 'static> Feed for Driver<C> {
    fn input(&self, input: Input) {
        Driver::input(self, input)
    }
    fn refused(&self, id: u32, error: DecodeError) {
        let effects = self.session.borrow_mut().refused(now(), id, error);
        self.link.run(effects);
    }
    fn link(&self) -> &Link {
        &self.link
    }
}

/// The browser resources of a driver: its socket, timer, requests in
/// flight and page listeners, its sink, provider and trace.
pub(crate) struct Link {
    sink: Sink,
    provider: Provider,
    provides: Provides,
    tap: RefCell<Option<Tap>>,
    socket: RefCell<Option<Socket>>,
    timer: RefCell<Option<Handle>>,
    /// Requests in flight: their `AbortController`s.
    requests: RefCell<Vec<(u32, JsValue)>>,
    page: RefCell<Vec<Handle>>,
    /// Where the sockets, requests and the provider report (`edge.js`), and
    /// its callback (nothing is reported once the driver is dropped).
    browser: JsValue,
    _on: Callback,
    /// The driver this link feeds.
    feed: Weak<dyn Feed>,
}

impl Drop for Link {
    fn drop(&mut self) {
        edge::sink_close(&self.browser);
        for (_, controller) in self.requests.get_mut().drain(..) {
            edge::http_abort(&controller);
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
    edge::parse_url(url).ok().map(|u| u.origin)
}

/// The text of a JS string, `None` for any other value (one copy of the
/// conversion, not one per browser answer read).
#[inline(never)]
pub(crate) fn text_of(value: &JsValue) -> Option<String> {
    value.as_string()
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
        let driver = Rc::new_cyclic(|me: &Weak<Driver<C>>| {
            let feed: Weak<dyn Feed> = me.clone();
            let on = Link::callback(feed.clone());
            let link = Link {
                sink,
                provider,
                provides,
                tap: RefCell::new(None),
                socket: RefCell::new(None),
                timer: RefCell::new(None),
                requests: RefCell::new(Vec::new()),
                page: RefCell::new(Vec::new()),
                browser: edge::sink_open(&on),
                _on: on,
                feed,
            };
            Driver {
                session: RefCell::new(session),
                link,
            }
        });
        driver.link.listen_to_page();
        driver
    }

    /// Feeds one input and carries out what follows.
    pub fn input(&self, input: Input) {
        let effects = self.session.borrow_mut().handle(now(), input);
        self.link.run(effects);
    }

    /// Read access to the session (health, stats, snapshot).
    pub fn with<R>(&self, f: impl FnOnce(&mut Session<C>) -> R) -> R {
        f(&mut self.session.borrow_mut())
    }

    /// The bridge in the session, borrowed.
    pub fn bridge(&self) -> std::cell::RefMut<'_, crate::Bridge> {
        std::cell::RefMut::map(self.session.borrow_mut(), |s| &mut s.bridge)
    }

    /// Carries out effects ([`Link::run`]).
    pub fn run(&self, effects: Vec<Effect>) {
        self.link.run(effects)
    }

    /// Sets the message trace.
    pub fn set_tap(&self, tap: Tap) {
        *self.link.tap.borrow_mut() = Some(tap);
    }
}

impl Link {
    /// The callback `edge.js` reports a link's browser events to (made
    /// here, not in the generic [`Driver::new`]: one copy for both clients).
    fn callback(feed: Weak<dyn Feed>) -> Callback {
        Closure::new(move |kind, id, code, value: JsValue| {
            if let Some(d) = feed.upgrade() {
                d.link().on_browser(kind, id, code, value);
            }
        })
    }

    /// Feeds one input to the driver.
    fn input(&self, input: Input) {
        if let Some(d) = self.feed.upgrade() {
            d.input(input);
        }
    }

    fn listen_to_page(&self) {
        let mut listeners = Vec::new();
        for online in [true, false] {
            let me = self.feed.clone();
            let name = if online { "online" } else { "offline" };
            // The input made on each event (no `Input` clone code for two unit variants).
            listeners.push(Handle::listen(Target::Window, name, move |_| {
                if let Some(d) = me.upgrade() {
                    d.input(if online {
                        Input::Online
                    } else {
                        Input::Offline
                    });
                }
            }));
        }
        let me = self.feed.clone();
        listeners.push(Handle::listen(
            Target::Document,
            "visibilitychange",
            move |_| {
                // `edge::page_view`: bit 0 is "visible".
                if edge::page_view() & 1 != 0 {
                    if let Some(d) = me.upgrade() {
                        d.input(Input::Visible);
                    }
                }
            },
        ));
        *self.page.borrow_mut() = listeners;
    }

    /// Carries out effects; no borrow of the session is held meanwhile, so
    /// the host's callback may call the client again.
    ///
    /// Network and timer work is done first, then the host is told, so a
    /// host that calls `stop()` from its callback leaves nothing half-done.
    fn run(&self, effects: Vec<Effect>) {
        let mut tell = Vec::new();
        for effect in effects {
            match effect {
                Effect::Io(action) => self.act_or_keep(action, &mut tell),
                other => tell.push(other),
            }
        }
        self.tell(tell);
    }

    /// Carries out a command's actions as [`Link::run`] does (health last),
    /// without making each an [`Effect`] first.
    fn run_actions(&self, actions: Vec<Action>) {
        let mut tell = Vec::new();
        for action in actions {
            self.act_or_keep(action, &mut tell);
        }
        self.tell(tell);
    }

    /// Does `action` now, or keeps a health report in `tell` for the host
    /// (told after the network and timer work: [`Link::run`]).
    fn act_or_keep(&self, action: Action, tell: &mut Vec<Effect>) {
        match action {
            health @ Action::Health(_) => tell.push(Effect::Io(health)),
            action => self.act(action),
        }
    }

    /// Tells the host the effects kept for it, in order.
    fn tell(&self, tell: Vec<Effect>) {
        for effect in tell {
            (self.sink)(effect);
        }
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
                    socket.as_ref().filter(|s| s.id == id),
                    stringify(frame.expose()),
                ) {
                    if edge::socket_send(&s.ws, &text) && self.tap.borrow().is_some() {
                        self.trace(Traced {
                            dir: "out",
                            frame: Some(frame.expose()),
                            label: None,
                            bytes: text.len(),
                            origin: origin_of(&edge::socket_url(&s.ws)),
                            dropped: None,
                        });
                    }
                }
            }
            Action::Close { id, code, reason } => {
                let socket = self.socket.borrow_mut().take_if(|s| s.id == id);
                if let Some(s) = socket {
                    edge::socket_close(&s.ws, code, &reason);
                }
            }
            Action::Timer { after_ms } => {
                let me = self.feed.clone();
                // setTimeout takes at most 2^31 - 1 ms.
                let millis = u32::try_from(after_ms.min(i32::MAX as u64)).unwrap_or(0);
                let timeout = Handle::after(millis, move || {
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
        // An invalid URL or a blocked port is reported as a refused
        // connection (closed, 1006) on the next microtask.
        let ws = edge::socket_open(url, id, &self.browser);
        if !ws.is_undefined() {
            *self.socket.borrow_mut() = Some(Socket { id, ws });
        }
    }

    /// What the browser reported to this driver (`edge.js`): socket events,
    /// a finished request, the provider's answer.
    fn on_browser(&self, what: u32, id: u32, code: u32, value: JsValue) {
        match what {
            kind::SOCKET_OPEN => self.input(Input::SocketOpened { id }),
            kind::FRAME => match text_of(&value) {
                Some(text) => self.frame(id, &text),
                None => self.refused(id, DecodeError::invalid("frame", "not a text frame")),
            },
            kind::BINARY => self.refused(
                id,
                DecodeError::invalid("frame", "binary frames are not part of the protocol"),
            ),
            kind::SOCKET_CLOSED => self.input(Input::SocketClosed {
                id,
                code: u16::try_from(code).unwrap_or(1006),
                reason: text_of(&value).unwrap_or_default(),
            }),
            kind::HTTP_DONE | kind::HTTP_FAILED => {
                let input = if what == kind::HTTP_DONE {
                    answer(id, code, text_of(&value))
                } else {
                    Input::HttpFailed {
                        id,
                        reason: "network error".into(),
                    }
                };
                self.requests.borrow_mut().retain(|(r, _)| *r != id);
                if self.tap.borrow().is_some() {
                    let label = match &input {
                        Input::HttpDone { status, .. } => format!("HTTP {status}"),
                        _ => "HTTP failed".to_owned(),
                    };
                    self.trace(Traced {
                        dir: "in",
                        frame: None,
                        label: Some(label),
                        bytes: 0,
                        origin: None,
                        dropped: None,
                    });
                }
                self.input(input);
            }
            kind::PROVIDED if id == THREW => {
                self.input(Input::NoToken("the provider threw".into()))
            }
            kind::PROVIDED => self.input(secret_input(self.provides, &value)),
            kind::PROVIDER_REJECTED => {
                // One text built in place (no `format!` inside a `format!`).
                let mut reason = String::from("the provider's promise was rejected");
                if let Some(why) = why(&value) {
                    reason.push_str(": ");
                    reason.push_str(&why);
                }
                self.input(Input::NoToken(reason))
            }
            _ => {}
        }
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
            .and_then(|s| origin_of(&edge::socket_url(&s.ws)))
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
        if let Some(d) = self.feed.upgrade() {
            d.refused(id, error);
        }
    }

    fn fetch(&self, request: crate::client::HttpRequest) {
        // `[[name, value], ...]` written as JSON text where they are (no
        // `Value` per header; a loop, not an iterator adapter).
        let mut headers = Vec::with_capacity(request.headers.len());
        for h in &request.headers {
            headers.push((h.name, h.value.expose()));
        }
        let headers = to_js(&headers).unwrap_or(JsValue::UNDEFINED);
        let body = request.body.as_ref().and_then(|b| stringify(b.expose()));
        if self.tap.borrow().is_some() {
            // The path only: no query, no body (a login body holds a password).
            let path = edge::parse_url(&request.url)
                .map(|u| u.pathname)
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
        let controller = edge::http_fetch(
            request.method.as_str(),
            &request.url,
            &headers,
            body,
            request.id,
            &self.browser,
        );
        self.requests.borrow_mut().push((request.id, controller));
    }

    /// Asks the provider; its answer comes back as [`kind::PROVIDED`] (id
    /// [`ANSWERED`]) or [`kind::PROVIDER_REJECTED`], or, when it threw, as
    /// [`kind::PROVIDED`] with id [`THREW`]: always on a later turn.
    fn ask_provider(&self) {
        match (self.provider)() {
            Ok(value) => edge::settle(&value, ANSWERED, &self.browser),
            Err(_) => edge::settle(&JsValue::UNDEFINED, THREW, &self.browser),
        }
    }
}

pub(crate) mod class;
mod inputs;

pub(crate) use inputs::text_at;
use inputs::{answer, secret_input, why};

pub(crate) use class::{client, live_client, seeded, start, BuildError, LiveClient};
