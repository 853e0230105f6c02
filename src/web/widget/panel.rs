//! The agent's panel at the edge: feeds the core's [`Panel`] with what the
//! widget sees, hands its view to the page's renderer (`www/panel.js`) and
//! carries out the agent's actions on the widget's core. Every decision is
//! in `crates/core/src/panel/`.

use super::super::edge::Handle;
use super::Inner;
use crate::bridge::Output;
use crate::client::Health;
use crate::model::Side;
use crate::pace::Pace;
use crate::panel::{HostInfo, LoginError, PanelAction, PanelCommand, PanelView};
use crate::web::contact::CommandRefused;
use crate::web::live::now;
use js_sys::Function;
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The panel's browser state, inside [`Inner`].
pub(super) struct PanelEdge {
    /// The renderer (`widget.panel(cb)`).
    pub listener: Option<Function>,
    /// The last view given (without its clock), to call the renderer on changes only.
    pub last: String,
    /// The agent's language.
    pub locale: Option<&'static str>,
    /// Credentials the agent typed, for the live client's next ask (taken once).
    pub login: Option<Value>,
    /// The agent signed in here: the client's asks wait for the form, not the host.
    pub own_sign_in: bool,
    /// An ask of the live client waiting for the form: its resolve and reject.
    pub waiting: Option<(Function, Function)>,
    /// When the view is drawn (decided in the core: after the widget's
    /// work, coalesced, at most once per gap while changes stream in).
    pub pace: Pace,
    /// The scheduled drawing (cancelled on drop).
    pub timer: Option<Handle>,
}

impl Default for PanelEdge {
    fn default() -> Self {
        PanelEdge {
            listener: None,
            last: String::new(),
            locale: None,
            login: None,
            own_sign_in: false,
            waiting: None,
            pace: crate::panel::render_pace(),
            timer: None,
        }
    }
}

/// The bridge's outputs, seen by the panel before the channel delivers them.
pub(super) fn observe(inner: &Inner, outputs: &[Output]) {
    let at = now();
    if let Ok(mut panel) = inner.panel.try_borrow_mut() {
        for output in outputs {
            panel.observe(at, output);
        }
    }
}

/// The live client's health: the panel may have something to do (log the
/// agent in on the phone given at sign-in), done on the next turn.
pub(super) fn on_health(inner: &Rc<Inner>, health: &Health) {
    let todo = match inner.panel.try_borrow_mut() {
        Ok(mut panel) => panel.on_health(health),
        Err(_) => return,
    };
    if todo.is_empty() {
        return;
    }
    inner.waits.defer(super::waits::Deferred::Panel(todo));
}

/// The panel's commands after a health report, on a later turn (then the
/// caller drives the channel).
pub(super) fn carry_out(inner: &Rc<Inner>, todo: Vec<PanelCommand>) {
    for command in todo {
        match command {
            PanelCommand::LoginAgent { phone } => xuc(inner, "loginAgent", &[Value::String(phone)]),
        }
    }
}

/// The current view.
fn view(inner: &Inner) -> Option<PanelView> {
    let snapshot = inner.core.with(|b| b.snapshot());
    let host = HostInfo {
        attached: inner.channel.try_borrow().ok()?.attached(),
    };
    let locale = inner.panel_edge.borrow().locale.unwrap_or("en");
    let panel = inner.panel.try_borrow().ok()?;
    Some(panel.view(&snapshot, host, now(), locale))
}

/// The widget's state may have changed (called after every turn): the view
/// is drawn when its [`Pace`] says ([`crate::panel::render_pace`]), never
/// inside the turn (the host's reply does not wait for the panel), and a
/// burst is drawn once, as it ends up.
pub(super) fn changed(inner: &Rc<Inner>) {
    let wait = {
        let mut edge = inner.panel_edge.borrow_mut();
        if edge.listener.is_none() {
            return;
        }
        match edge.pace.changed(now()) {
            Some(wait) => wait,
            None => return,
        }
    };
    let weak = Rc::downgrade(inner);
    let timer = Handle::after(u32::try_from(wait).unwrap_or(u32::MAX), move || {
        if let Some(inner) = weak.upgrade() {
            inner.panel_edge.borrow_mut().timer.take();
            render(&inner);
        }
    });
    inner.panel_edge.borrow_mut().timer = Some(timer);
}

/// Gives the renderer the latest view now, when it changed (the scheduled
/// drawing, mounting the panel, a new locale).
pub(super) fn render(inner: &Inner) {
    let Some(listener) = inner.panel_edge.borrow().listener.clone() else {
        return;
    };
    inner.panel_edge.borrow_mut().pace.ran(now());
    let Some(mut view) = view(inner) else { return };
    // The key is the view without its clock: written with `now` set to 0
    // and then put back (no copy of the view).
    let now = std::mem::take(&mut view.now);
    let key = crate::json_write::to_string(&view);
    view.now = now;
    {
        let mut edge = inner.panel_edge.borrow_mut();
        if edge.last == key {
            return;
        }
        edge.last = key;
    }
    if let Ok(value) = crate::web::to_js(&view) {
        crate::web::edge::call(&listener, &value);
    }
}

/// The live client asks for credentials: the agent's, when it signed in here.
/// `None`: ask the host (or the endpoint) as usual.
pub(super) fn provide(inner: &Inner) -> Option<Result<js_sys::Promise, JsValue>> {
    let mut edge = inner.panel_edge.borrow_mut();
    if let Some(login) = edge.login.take() {
        return Some(
            crate::web::live::to_js(&login)
                .map(|v| js_sys::Promise::resolve(&v))
                .map_err(JsValue::from),
        );
    }
    if !edge.own_sign_in {
        return None;
    }
    // Signed in here before (and refused since): wait for the form.
    let (promise, resolve, reject) = crate::web::edge::promise();
    if let Some((_, reject)) = edge.waiting.take() {
        crate::web::edge::call(&reject, &JsValue::from_str("superseded"));
    }
    edge.waiting = Some((resolve, reject));
    Some(Ok(promise))
}

/// One command on the xuc link; a refusal becomes a notice.
fn xuc(inner: &Rc<Inner>, name: &str, args: &[Value]) {
    if let Err(refused) = inner.core.command(name, args) {
        let detail = match refused {
            CommandRefused::NotSupported(m) | CommandRefused::Invalid(m) => m,
        };
        inner.panel.borrow_mut().command_refused(name, detail);
    }
}

/// Carries out one action of the agent (then, when it did, the caller drives
/// the channel).
pub(super) fn act(inner: &Rc<Inner>, action: PanelAction) -> Result<(), String> {
    match &action {
        PanelAction::SetState { .. } => {
            let (state, reason) = action.desired().ok_or("unknown state option")?;
            let done = inner.core.request(Side::Cc, state, reason.as_deref());
            inner.panel.borrow_mut().requested(
                state,
                reason.as_deref(),
                done.command_for(Side::Cc),
            );
            super::deliver(inner, inner.core.run(done));
        }
        PanelAction::SetDial { number } => inner.panel.borrow_mut().set_dial(number),
        PanelAction::Dismiss { id } => inner.panel.borrow_mut().dismiss(*id),
        PanelAction::SignIn {
            login,
            password,
            phone,
        } => {
            if login.trim().is_empty() || password.is_empty() {
                return Err("user and password are required".into());
            }
            let credentials = crate::channel::login_credentials(login.trim(), password);
            inner.panel.borrow_mut().signing_in(phone.clone());
            let waiting = {
                let mut edge = inner.panel_edge.borrow_mut();
                edge.own_sign_in = true;
                edge.waiting.take()
            };
            match waiting {
                Some((resolve, _)) => {
                    let value = crate::web::live::to_js(&credentials).map_err(|_| "credentials")?;
                    crate::web::edge::call(&resolve, &value);
                }
                None => {
                    inner.panel_edge.borrow_mut().login = Some(credentials);
                    inner.core.stop();
                    inner.core.start();
                }
            }
        }
        PanelAction::SignInToken => {
            let attached = inner.channel.borrow().attached();
            if !inner.credentials_url && !attached {
                inner
                    .panel
                    .borrow_mut()
                    .sign_in_failed(LoginError::NoTokenSource);
            } else {
                inner.panel.borrow_mut().signing_in(None);
                inner.core.stop();
                inner.core.start();
            }
        }
        _ => match action.xuc_call() {
            Ok(Some((name, args))) => xuc(inner, name, &args),
            Ok(None) => {}
            Err(why) => inner.panel.borrow_mut().command_refused(action.name(), why),
        },
    }
    Ok(())
}
