//! The widget's side of multi-tab (widget config `multiTab`): which of the
//! channel's effects a follower hands to the leader instead of carrying
//! them out, what the tabs machine's effects do to this widget, and the
//! leader's relay of its numbered stream. The decisions are in
//! [`crate::tabs::Tabs`]; this only connects it to [`super::Inner`].

use super::effects::{carry_out, drive, run_call};
use super::Inner;
use crate::bridge::{CrmRequest, Output};
use crate::channel::{Call, ChannelCore, Effect, ErrorCode, RequestError};
use crate::model::{Side, Source};
use crate::sync::Mode;
use crate::tabs::{crm_stays_local, Forward, TabEffect};
use crate::web::contact::Core;
use crate::web::live::now;
use crate::web::tabs::TabsHost;
use serde_json::Value;
use std::rc::Rc;

/// A follower's channel effect: handed to the leader (`None`), or carried
/// out here (`Some`, unchanged).
pub(super) fn intercept(inner: &Rc<Inner>, effect: Effect) -> Option<Effect> {
    let Some(edge) = inner.tabs_edge() else {
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
    let Some(edge) = inner.tabs_edge() else {
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
    let relayed = {
        // By reference (no copy of the events' texts); the machine relays them
        // only when another tab listens ([`crate::tabs::Tabs::followed`]).
        let channel = inner.channel.borrow();
        let mut tabs = edge.tabs.borrow_mut();
        let from = tabs.relayed();
        let mut relayed = false;
        // The outbox keeps text: the machine reads an event back only when
        // it may matter ([`crate::tabs::Tabs::on_leader_text`]).
        for (seq, event) in channel.events_after(from) {
            tabs.on_leader_text(*seq, event);
            relayed = true;
        }
        relayed
    };
    if relayed {
        send_state(inner);
    }
    // A screen pop routed to another tab may wait to be sent.
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
            TabEffect::Pop(output) => pop(inner, output),
            TabEffect::SendState => send_state(inner),
            TabEffect::Broadcast(_) | TabEffect::QueryLocks => {}
        }
        drive(inner);
    }
}

/// Leader: its state to the followers (they answer `snapshot` with it).
fn send_state(inner: &Rc<Inner>) {
    let Some(edge) = inner.tabs_edge() else {
        return;
    };
    if !edge.tabs.borrow().leads() || !edge.tabs.borrow().followed() {
        // Alone: no state to send (a tab that joins is sent it on its hello).
        return;
    }
    let snapshot = ChannelCore::snapshot(&*inner.core);
    let cc = inner.core.contact_centre();
    edge.tabs.borrow_mut().on_leader_state(snapshot, cc);
}

/// What the channel answers from: this tab's core, except that a
/// follower's snapshot and live client are its leader's (read, and copied,
/// only when the channel asks: not per port message).
pub(super) struct TabsCore<'a> {
    core: &'a Core,
    tabs: Option<Rc<crate::web::tabs::TabsEdge>>,
}

/// The [`TabsCore`] of this tab now.
pub(super) fn core_view(inner: &Inner) -> TabsCore<'_> {
    TabsCore {
        core: &inner.core,
        tabs: inner.tabs_edge(),
    }
}

impl TabsCore<'_> {
    /// A follower's leader state: its snapshot (`true`) or live client.
    fn leader(&self, snapshot: bool) -> Option<Value> {
        let edge = self.tabs.as_ref()?;
        let tabs = edge.tabs.try_borrow().ok()?;
        let (s, cc) = tabs.leader_state()?;
        Some(if snapshot { s.clone() } else { cc.clone() })
    }
}

impl ChannelCore for TabsCore<'_> {
    fn snapshot(&self) -> Value {
        self.leader(true).unwrap_or_else(|| self.core.snapshot())
    }
    fn set_mode(&self, mode: Mode) {
        self.core.set_mode(mode)
    }
    fn stats(&self) -> Value {
        self.core.stats()
    }
    fn contact_centre(&self) -> Value {
        self.leader(false)
            .unwrap_or_else(|| self.core.contact_centre())
    }
}

/// Leader: whether one of its live client's outputs is delivered in this
/// tab; a screen pop the agent should see in another tab is sent there.
pub(super) fn pop_here(inner: &Rc<Inner>, output: &Output) -> bool {
    let Some(edge) = inner.tabs_edge() else {
        return true;
    };
    if !edge.tabs.borrow().leads() {
        return true;
    }
    let mut tabs = edge.tabs.borrow_mut();
    tabs.pop_here(output)
}

/// The leader chose this tab for a screen pop: to this host, and a CRM
/// Connector request also to its CRM (as the leader would have sent it).
fn pop(inner: &Rc<Inner>, output: Value) {
    let is_request = output.get("kind").and_then(Value::as_str) == Some("crmRequest");
    match output.get("wire").filter(|_| is_request) {
        Some(wire) => {
            let request = Output::CrmRequest(CrmRequest {
                target: Side::Crm,
                source: Source::CrmConnector,
                wire: wire.clone(),
            });
            inner
                .channel
                .borrow_mut()
                .on_outputs(now(), vec![request], &*inner.core);
        }
        None => inner.channel.borrow_mut().push_relayed(now(), output),
    }
}

/// A `ccCommand` run for a follower: `{"sent": name}` (the name moved in, not copied).
fn sent(name: String) -> Value {
    let mut map = serde_json::Map::new();
    map.insert("sent".into(), Value::String(name));
    Value::Object(map)
}

/// The leader carries out a follower's call; the reply goes when the outcome is known.
fn run(inner: &Rc<Inner>, call: Forward, from: Option<(String, u64)>) {
    let Some(edge) = inner.tabs_edge() else {
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
                .map(|()| sent(name))
                .map_err(RequestError::from);
            if let Some(from) = from {
                edge.tabs.borrow_mut().on_run_done(from, outcome);
            }
        }
    }
    edge.drive();
}
