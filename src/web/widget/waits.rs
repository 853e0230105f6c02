//! What the widget waits on from the browser, without futures: the
//! diagnostics' observations, the credentials endpoint's answer, and work
//! deferred to a later turn. `edge.js` reports each to the widget's one
//! callback (`effects::on_edge`); what to do then is kept here, by id, and
//! taken back in order.

use crate::channel::HostView;
use crate::client::Effect as ClientEffect;
use crate::model::Source;
use crate::panel::PanelCommand;
use crate::web::edge::{self, Callback};
use js_sys::Function;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;

/// What is done with observations once they come.
pub(super) enum Observed {
    /// `widget.diagnose()`: its promise, settled with the report.
    Report(Function, Function),
    /// `widget.exportLogs()`: its promise, settled with the bundle.
    Export(Function, Function),
    /// The host's `diagnose` request ([`crate::channel::Effect::Diagnose`]).
    Host {
        request: u64,
        export: bool,
        host: HostView,
    },
}

/// Work deferred to a later turn.
pub(super) enum Deferred {
    /// A live client's effect that came while the channel was borrowed.
    LiveEffect(Source, ClientEffect),
    /// The panel's commands after a health report.
    Panel(Vec<PanelCommand>),
}

/// The widget's waits, inside [`Inner`](super::Inner); dropping it reports nothing more
/// (and rejects the promises still waiting).
pub(super) struct Waits {
    /// The `edge.js` sink, and its callback.
    sink: JsValue,
    _on: Callback,
    next: Cell<u32>,
    observing: RefCell<Vec<(u32, Observed)>>,
    /// Credentials GETs in flight: id, the ask they answer, the URL.
    fetching: RefCell<Vec<(u32, u64, String)>>,
    deferred: RefCell<VecDeque<Deferred>>,
}

impl Waits {
    /// The waits of a widget, reported to `on` (`what`, `id`, `_`, `value`).
    pub fn new(on: Callback) -> Waits {
        Waits {
            sink: edge::sink_open(&on),
            _on: on,
            next: Cell::new(0),
            observing: RefCell::new(Vec::new()),
            fetching: RefCell::new(Vec::new()),
            deferred: RefCell::new(VecDeque::new()),
        }
    }

    fn id(&self) -> u32 {
        let id = self.next.get().wrapping_add(1);
        self.next.set(id);
        id
    }

    /// Gathers the observations (probing the live client's REST and
    /// socket URLs, when there are), then `then`.
    pub fn observe(&self, rest: Option<String>, socket: Option<String>, then: Observed) {
        let id = self.id();
        self.observing.borrow_mut().push((id, then));
        edge::observe_browser(
            rest,
            socket,
            crate::diagnose::PROBE_TIMEOUT_MS as u32,
            id,
            &self.sink,
        );
    }

    /// GETs the credentials endpoint for `ask`.
    pub fn fetch_credentials(&self, ask: u64, url: String) {
        let id = self.id();
        edge::get_text(&url, id, &self.sink);
        self.fetching.borrow_mut().push((id, ask, url));
    }

    /// Does `work` on a later turn (never re-entrantly), in order.
    pub fn defer(&self, work: Deferred) {
        self.deferred.borrow_mut().push_back(work);
        edge::later(&self.sink);
    }

    /// What is done with observations `id`, now that they came.
    pub fn observed(&self, id: u32) -> Option<Observed> {
        let mut observing = self.observing.borrow_mut();
        let at = observing.iter().position(|(i, _)| *i == id);
        at.map(|at| observing.remove(at).1)
    }

    /// The ask and the URL of the credentials GET `id`, now that it answered.
    pub fn fetched(&self, id: u32) -> Option<(u64, String)> {
        let mut fetching = self.fetching.borrow_mut();
        let at = fetching.iter().position(|(i, _, _)| *i == id);
        at.map(|at| {
            let (_, ask, url) = fetching.remove(at);
            (ask, url)
        })
    }

    /// The deferred work that is due (one per [`edge::later`]).
    pub fn next_deferred(&self) -> Option<Deferred> {
        self.deferred.borrow_mut().pop_front()
    }
}

impl Drop for Waits {
    fn drop(&mut self) {
        edge::sink_close(&self.sink);
        for (_, then) in self.observing.get_mut().drain(..) {
            if let Observed::Report(_, reject) | Observed::Export(_, reject) = then {
                edge::call(&reject, &JsValue::from_str("the widget is gone"));
            }
        }
    }
}

/// A promise, and `start` given its resolve and reject.
pub(super) fn promise(start: impl FnOnce(Function, Function)) -> js_sys::Promise {
    let (promise, resolve, reject) = edge::promise();
    start(resolve, reject);
    promise
}
