//! The widget's side of multi-tab (widget config `multiTab`): which of the
//! channel's effects a follower hands to the leader instead of carrying
//! them out, what the tabs machine's effects do to this widget, and the
//! leader's relay of its numbered stream. The decisions are in
//! [`crate::tabs::Tabs`]; this only connects it to [`super::Inner`].

use super::effects::{carry_out, drive, run_call};
use super::Inner;
use crate::channel::{Call, Effect, ErrorCode, RequestError};
use crate::model::Source;
use crate::tabs::{crm_stays_local, Forward, TabEffect};
use crate::web::contact::CommandRefused;
use crate::web::live::now;
use crate::web::tabs::TabsHost;
use serde_json::json;
use std::rc::Rc;

/// A follower's channel effect: handed to the leader (`None`), or carried
/// out here (`Some`, unchanged).
pub(super) fn intercept(inner: &Rc<Inner>, effect: Effect) -> Option<Effect> {
    let Some(edge) = inner.tabs.borrow().clone() else {
        return Some(effect);
    };
    if edge.tabs.borrow().leads() {
        return Some(effect);
    }
    let holds = matches!(effect, Effect::StartClient | Effect::Call(_));
    if holds && !edge.tabs.borrow().settled() {
        // Leader or follower is not known yet (the lock is being asked for):
        // carried out or handed over once it is, in order.
        inner.held.borrow_mut().push(effect);
        return None;
    }
    let (forward, request) = match effect {
        Effect::StartClient => {
            // Started if and when this tab is elected.
            inner.start_wanted.set(true);
            return None;
        }
        Effect::Call(Call::SetState {
            request,
            target,
            desired,
            reason,
        }) => (
            Forward::SetState {
                target,
                desired,
                reason,
            },
            Some(request),
        ),
        Effect::Call(Call::CcCommand {
            request,
            name,
            args,
        }) => (Forward::CcCommand { name, args }, Some(request)),
        Effect::Call(Call::Ingest {
            source: Source::CrmConnector,
            raw,
            request: None,
        }) if !crm_stays_local(&raw) => (Forward::Crm { msg: raw }, None),
        other => return Some(other),
    };
    let refused = edge.tabs.borrow_mut().forward(forward, request);
    if let (Err(error), Some(request)) = (refused, request) {
        inner
            .channel
            .borrow_mut()
            .answer(now(), request, Err(error));
    }
    edge.drive();
    None
}

/// After the widget's effects ran: what was held while the role was not
/// settled goes on; a leader relays its new events.
pub(super) fn after_drive(inner: &Rc<Inner>) {
    let Some(edge) = inner.tabs.borrow().clone() else {
        return;
    };
    if edge.tabs.borrow().settled() && !inner.held.borrow().is_empty() {
        let held = std::mem::take(&mut *inner.held.borrow_mut());
        for effect in held {
            if let Some(effect) = intercept(inner, effect) {
                carry_out(inner, effect);
            }
        }
        drive(inner);
        return;
    }
    if !edge.tabs.borrow().leads() {
        return;
    }
    let from = edge.tabs.borrow().relayed();
    let events = inner.channel.borrow().events_after(from);
    if events.is_empty() {
        return;
    }
    {
        let mut tabs = edge.tabs.borrow_mut();
        for (seq, event) in &events {
            tabs.on_leader_event(*seq, event);
        }
    }
    edge.drive();
}

impl TabsHost for Inner {
    fn last_seq(&self) -> u64 {
        self.channel.borrow().last_seq()
    }

    fn on_tab_effect(self: Rc<Self>, effect: TabEffect) {
        let inner = &self;
        match effect {
            TabEffect::Relay(event) | TabEffect::HostEvent(event) => {
                inner.channel.borrow_mut().push_relayed(now(), event)
            }
            TabEffect::Answer { request, result } => {
                inner.channel.borrow_mut().answer(now(), request, result)
            }
            TabEffect::StartClient => {
                if inner.start_wanted.get() {
                    inner.core.start();
                }
            }
            TabEffect::Run { call, from } => run(inner, call, from),
            TabEffect::Broadcast(_) | TabEffect::QueryLocks => {}
        }
        drive(inner);
    }
}

/// The leader carries out a follower's call; the reply goes when the outcome is known.
fn run(inner: &Rc<Inner>, call: Forward, from: Option<(String, u64)>) {
    let Some(edge) = inner.tabs.borrow().clone() else {
        return;
    };
    let core = &inner.core;
    match call {
        Forward::Crm { msg } => run_call(
            inner,
            Call::Ingest {
                source: Source::CrmConnector,
                raw: msg,
                request: None,
            },
        ),
        Forward::SetState {
            target,
            desired,
            reason,
        } => {
            let done = core.request(target, desired, reason.as_deref());
            let command = done.command_for(target);
            if let Some(from) = from {
                let mut tabs = edge.tabs.borrow_mut();
                match command {
                    Some(command) => tabs.on_run_issued(from, command),
                    None => tabs.on_run_done(
                        from,
                        Err(RequestError {
                            code: ErrorCode::Rejected,
                            message: "the bridge issued no command".into(),
                        }),
                    ),
                }
            }
            let outputs = core.run(done);
            inner
                .channel
                .borrow_mut()
                .on_outputs(now(), outputs, &**core);
        }
        Forward::CcCommand { name, args } => {
            let outcome = core
                .command(&name, &args)
                .map(|()| json!({"sent": name}))
                .map_err(|refused| match refused {
                    CommandRefused::NotSupported(message) => RequestError {
                        code: ErrorCode::NotSupported,
                        message,
                    },
                    CommandRefused::Invalid(message) => RequestError {
                        code: ErrorCode::InvalidParams,
                        message,
                    },
                });
            if let Some(from) = from {
                edge.tabs.borrow_mut().on_run_done(from, outcome);
            }
        }
    }
    edge.drive();
}
