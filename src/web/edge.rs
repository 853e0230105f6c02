//! The browser plumbing the edge calls (`edge.js`, shipped beside the glue as a
//! wasm-bindgen snippet): a few coarse functions that open, send, listen,
//! release and close, and hand back opaque handles, instead of one import (and
//! one glue function) per property and method. They move bytes and own
//! nothing: the handles are owned here (closed on drop by their owners), and
//! every decision is in Rust.
//!
//! The snippet is kept small (it ships as is, so its documentation is here):
//! no function throws; what happens to a resource is reported to the one
//! callback given when it was opened, always on a later turn (an event, a
//! promise, a microtask), never re-entrantly, and never after the sink or
//! the tabs handle was closed.
//!
//! Event listeners and timers are [`Handle`]s (removed or cancelled on
//! drop); the widget's window messages, its posts to the parent and session
//! storage go through it too ([`message`], [`post_parent`], [`storage_read`]),
//! and so does the inbound guard's walk ([`json_of`]). Every callback given
//! to it is one [`Callback`] kind: one wasm-bindgen adapter for all.

use wasm_bindgen::prelude::*;

/// The one kind of callback the edge hands to JavaScript (one wasm-bindgen
/// adapter for all): `(kind, id, code, value)`. A sink's (the live
/// driver's, the widget's) and the tabs handle's, `kind` one of [`kind`];
/// a listener's or a timer's, called with the event (`undefined` for a
/// timer) as `value`.
pub(crate) type Callback = Closure<dyn Fn(u32, u32, u32, JsValue)>;

/// What a sink reports (`on(kind, ...)` in `edge.js`); the tabs handle's
/// kinds are its own (its `id` and `code` are 0).
pub(crate) mod kind {
    pub const SOCKET_OPEN: u32 = 0;
    pub const FRAME: u32 = 1;
    pub const BINARY: u32 = 2;
    pub const SOCKET_CLOSED: u32 = 3;
    pub const HTTP_DONE: u32 = 4;
    pub const HTTP_FAILED: u32 = 5;
    pub const PROVIDED: u32 = 6;
    pub const PROVIDER_REJECTED: u32 = 7;
    pub const OBSERVED: u32 = 8;
    pub const FETCHED: u32 = 9;
    pub const LATER: u32 = 10;
    pub const TAB_MESSAGE: u32 = 0;
    pub const LOCK_GRANTED: u32 = 1;
    pub const LOCKS_HELD: u32 = 2;
}

#[wasm_bindgen(module = "/src/web/edge.js")]
extern "C" {
    #[wasm_bindgen(js_name = sinkOpen)]
    pub(crate) fn sink_open(on: &Callback) -> JsValue;
    #[wasm_bindgen(js_name = sinkClose)]
    pub(crate) fn sink_close(sink: &JsValue);
    /// `undefined` when the browser refuses the URL (reported closed, 1006).
    #[wasm_bindgen(js_name = socketOpen)]
    pub(crate) fn socket_open(url: &str, id: u32, sink: &JsValue) -> JsValue;
    /// `false` when the socket is not OPEN.
    #[wasm_bindgen(js_name = socketSend)]
    pub(crate) fn socket_send(ws: &JsValue, text: &str) -> bool;
    #[wasm_bindgen(js_name = socketClose)]
    pub(crate) fn socket_close(ws: &JsValue, code: u16, reason: &str);
    #[wasm_bindgen(js_name = socketUrl)]
    pub(crate) fn socket_url(ws: &JsValue) -> String;
    /// Returns the request's `AbortController`.
    #[wasm_bindgen(js_name = httpFetch)]
    pub(crate) fn http_fetch(
        method: &str,
        url: &str,
        headers: &JsValue,
        body: Option<String>,
        id: u32,
        sink: &JsValue,
    ) -> JsValue;
    #[wasm_bindgen(js_name = httpAbort)]
    pub(crate) fn http_abort(controller: &JsValue);
    #[wasm_bindgen(js_name = settle)]
    pub(crate) fn settle(value: &JsValue, id: u32, sink: &JsValue);
    #[wasm_bindgen(js_name = urlParts)]
    fn url_parts(text: &str) -> JsValue;

    /// The embedding page's origin (`location.ancestorOrigins`: the parent's
    /// or, `last`, the top-level page's), where the browser tells it.
    #[wasm_bindgen(js_name = ancestorOrigin)]
    pub(crate) fn ancestor_origin(last: bool) -> Option<String>;
    /// The diagnostics' browser observations, side by side within `timeout`
    /// ms and 50 ms more (a blocked request's CSP report comes as a task of
    /// its own), reported as [`kind::OBSERVED`] `id`: `{widgetOrigin,
    /// framed, topOrigin?, session?, hasAccess?, locks, broadcast, rest?:
    /// {start, ms, status?, date?}, socket?: {opened, ms}}` (`socket`
    /// present but empty: no event in time), or `null`.
    #[wasm_bindgen(js_name = observeBrowser)]
    pub(crate) fn observe_browser(
        rest_url: Option<String>,
        socket_url: Option<String>,
        timeout: u32,
        id: u32,
        sink: &JsValue,
    );
    /// GETs `url` asking for JSON (its cookies go along), reported as
    /// [`kind::FETCHED`] `id`: `[status, ok, body text when ok]`, or `null`
    /// when it is not reached.
    #[wasm_bindgen(js_name = getText)]
    pub(crate) fn get_text(url: &str, id: u32, sink: &JsValue);
    /// Reports [`kind::LATER`] on the next microtask (work deferred to a
    /// later turn, never re-entrantly).
    #[wasm_bindgen(js_name = later)]
    pub(crate) fn later(sink: &JsValue);

    /// `undefined` where there are no Web Locks or no `BroadcastChannel`.
    #[wasm_bindgen(js_name = tabsOpen)]
    pub(crate) fn tabs_open(name: &str, on: &Callback) -> JsValue;
    /// This page's view: 1 visible, + 2 focused.
    #[wasm_bindgen(js_name = pageView)]
    pub(crate) fn page_view() -> u32;
    #[wasm_bindgen(js_name = tabsHold)]
    pub(crate) fn tabs_hold(tabs: &JsValue, name: &str, elect: bool);
    #[wasm_bindgen(js_name = tabsQuery)]
    pub(crate) fn tabs_query(tabs: &JsValue);
    #[wasm_bindgen(js_name = tabsPost)]
    pub(crate) fn tabs_post(tabs: &JsValue, message: &JsValue);
    #[wasm_bindgen(js_name = tabsRelease)]
    pub(crate) fn tabs_release(tabs: &JsValue);
    #[wasm_bindgen(js_name = tabsClose)]
    pub(crate) fn tabs_close(tabs: &JsValue);

    /// `target`: the window (0), the document (1) or an event target;
    /// returns the function that removes the listener.
    fn listen(target: &JsValue, kind: &str, on: &Callback) -> JsValue;
    /// `setTimeout`, or `setInterval` when `every`; returns the function that cancels it.
    fn timer(ms: u32, every: bool, on: &Callback) -> JsValue;
    /// Calls what [`listen`] or [`timer`] returned.
    fn release(off: &JsValue);
    /// `[promise, resolve, reject]`: a new promise and what settles it.
    fn deferred() -> js_sys::Array;

    /// The guard's walk ([`super::guard::to_json`]): the value's JSON
    /// text, or `[0, reason]` for what JSON cannot say (a function, a
    /// symbol, a bigint, an object that is not plain, a cycle, more than
    /// `most` values or array items), `[1]` for one nested deeper than
    /// `depth`.
    #[wasm_bindgen(js_name = jsonOf)]
    pub(crate) fn json_of(value: &JsValue, depth: u32, most: u32) -> JsValue;
    /// `[origin, from the parent window, its first port, data]`, or
    /// `undefined` for what is not a `MessageEvent`.
    #[wasm_bindgen(js_name = messageOf)]
    fn message_of(event: &JsValue) -> JsValue;
    /// `parent.postMessage(message, origin)` (never `"*"`: `origin` is the
    /// attached or announced host's exact origin).
    #[wasm_bindgen(js_name = postParent)]
    pub(crate) fn post_parent(message: &JsValue, origin: &str);
    /// The widget runs in a window (not a worker).
    #[wasm_bindgen(js_name = isWindow)]
    pub(crate) fn is_window() -> bool;
    /// Session storage's `key`: `undefined` where this frame has no storage,
    /// `null` when nothing is kept there (or it cannot be read).
    #[wasm_bindgen(js_name = storageRead)]
    pub(crate) fn storage_read(key: &str) -> JsValue;
    /// Keeps `text` under `key` in session storage (lost when it is full or gone).
    #[wasm_bindgen(js_name = storageWrite)]
    pub(crate) fn storage_write(key: &str, text: &str);
}

/// A window or port message, as [`message_of`] reads it.
pub(crate) struct Message {
    pub origin: String,
    /// Its `source` is this frame's parent window.
    pub from_parent: bool,
    pub port: Option<web_sys::MessagePort>,
    pub data: JsValue,
}

/// The parts of a `MessageEvent`; `None` for anything else.
pub(crate) fn message(event: &JsValue) -> Option<Message> {
    use wasm_bindgen::JsCast;
    let parts = message_of(event);
    if parts.is_undefined() {
        return None;
    }
    let parts: js_sys::Array = parts.unchecked_into();
    let port = parts.get(2);
    Some(Message {
        origin: parts.get(0).as_string().unwrap_or_default(),
        from_parent: parts.get(1).is_truthy(),
        // `ports[0]` of a `MessageEvent` is a `MessagePort` when present.
        port: (!port.is_undefined()).then(|| port.unchecked_into()),
        data: parts.get(3),
    })
}

/// An event listener or a timer: removed or cancelled when dropped.
pub(crate) struct Handle {
    off: JsValue,
    _on: Callback,
}

impl Drop for Handle {
    fn drop(&mut self) {
        release(&self.off);
    }
}

/// Where a [`Handle::listen`] listens.
pub(crate) enum Target<'a> {
    Window,
    Document,
    Object(&'a JsValue),
}

impl Handle {
    /// Listens for `kind` events on `target` until dropped.
    pub(crate) fn listen(target: Target<'_>, kind: &str, on: impl Fn(JsValue) + 'static) -> Handle {
        let on = Self::callback(Box::new(on));
        let target = match target {
            Target::Window => JsValue::from(0),
            Target::Document => JsValue::from(1),
            Target::Object(object) => object.clone(),
        };
        Handle {
            off: listen(&target, kind, &on),
            _on: on,
        }
    }

    /// Calls `on` once after `ms` ms, unless dropped before.
    pub(crate) fn after(ms: u32, on: impl FnOnce() + 'static) -> Handle {
        let on = std::cell::Cell::new(Some(on));
        Self::timer(
            ms,
            false,
            Box::new(move |_| {
                if let Some(on) = on.take() {
                    on();
                }
            }),
        )
    }

    /// Calls `on` every `ms` ms until dropped.
    pub(crate) fn every(ms: u32, on: impl Fn() + 'static) -> Handle {
        Self::timer(ms, true, Box::new(move |_| on()))
    }

    fn timer(ms: u32, every: bool, on: Box<dyn Fn(JsValue)>) -> Handle {
        let on = Self::callback(on);
        Handle {
            off: timer(ms, every, &on),
            _on: on,
        }
    }

    /// The one [`Callback`] kind around a listener's or a timer's `on`.
    fn callback(on: Box<dyn Fn(JsValue)>) -> Callback {
        Closure::new(move |_, _, _, value| on(value))
    }
}

/// Calls `f` with `value` (a promise's resolve or reject, a callback of the
/// page): what it returns or throws is of no use to the widget.
#[inline(never)]
pub(crate) fn call(f: &js_sys::Function, value: &JsValue) {
    let _ = f.call1(&JsValue::NULL, value);
}

/// 64 random bits as 16 hex digits after `prefix` (the widget's epoch, a tab's id).
pub(crate) fn random_hex(prefix: &str) -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{prefix}{a:08x}{b:08x}")
}

/// A new promise, and its resolve and reject.
pub(crate) fn promise() -> (js_sys::Promise, js_sys::Function, js_sys::Function) {
    use wasm_bindgen::JsCast;
    let parts = deferred();
    (
        parts.get(0).unchecked_into(),
        parts.get(1).unchecked_into(),
        parts.get(2).unchecked_into(),
    )
}

/// A URL as the browser's `URL` parses it.
pub(crate) struct UrlParts {
    pub href: String,
    /// With its `:` (`wss:`).
    pub protocol: String,
    pub username: String,
    pub password: String,
    pub hostname: String,
    /// Empty for the scheme's default port.
    pub port: String,
    pub origin: String,
    pub pathname: String,
}

/// Parses `text` with the browser's `URL`; the parser's message when it refuses it.
pub(crate) fn parse_url(text: &str) -> Result<UrlParts, String> {
    let parts = url_parts(text);
    if let Some(message) = parts.as_string() {
        return Err(message);
    }
    let parts = js_sys::Array::from(&parts);
    let part = |i: u32| parts.get(i).as_string().unwrap_or_default();
    Ok(UrlParts {
        href: part(0),
        protocol: part(1),
        username: part(2),
        password: part(3),
        hostname: part(4),
        port: part(5),
        origin: part(6),
        pathname: part(7),
    })
}
