//! A live client paired with the [`Bridge`]: frames the client delivers are
//! decoded, stamped, deduplicated by event id (across reconnects, since the
//! Bridge outlives every socket) and run through the sync engine; commands
//! the engine addresses to this client's protocol are carried out on its link.

use super::{Action, Figures, Input};
use crate::bridge::{Bridge, Output};
use crate::codec;
use crate::command::{CommandStatus, Desired};
use crate::error::DecodeError;
use crate::model::{EventBody, Side, Source};
use serde_json::Value;

/// A connection state machine the [`Session`] can drive.
pub trait Client {
    /// The protocol its frames are decoded as.
    const SOURCE: Source;
    /// Feeds one input at `now_ms`.
    fn handle(&mut self, now_ms: u64, input: Input) -> Vec<Action>;
    /// What the client measured of its link, for the diagnostics.
    fn figures(&self) -> Figures {
        Figures::default()
    }
    /// Sends a sync-engine command's wire message (nothing for read-only protocols).
    fn carry_out(&mut self, _now_ms: u64, _wire: &Value) -> Vec<Action> {
        Vec::new()
    }
    /// The Bridge gave up on a command (rejected, superseded): a copy still
    /// waiting to be sent must not go out later.
    fn cancel(&mut self, _wire: &Value) {}
    /// Places a call to `number` (a click-to-dial from the CRM), or says why not.
    fn dial(&mut self, _now_ms: u64, _number: &str) -> Result<Vec<Action>, String> {
        Err(format!(
            "{} cannot place calls: the click-to-dial is left to the host (the `dial` event)",
            Self::SOURCE
        ))
    }
}

#[cfg(feature = "axp")]
impl Client for super::axp::AxpClient {
    const SOURCE: Source = Source::Axp;
    fn handle(&mut self, now_ms: u64, input: Input) -> Vec<Action> {
        super::axp::AxpClient::handle(self, now_ms, input)
    }
    fn figures(&self) -> Figures {
        super::axp::AxpClient::figures(self)
    }
}

#[cfg(feature = "xuc")]
impl Client for super::xuc::XucClient {
    const SOURCE: Source = Source::Xuc;
    fn handle(&mut self, now_ms: u64, input: Input) -> Vec<Action> {
        super::xuc::XucClient::handle(self, now_ms, input)
    }
    fn figures(&self) -> Figures {
        super::xuc::XucClient::figures(self)
    }
    fn carry_out(&mut self, now_ms: u64, wire: &Value) -> Vec<Action> {
        super::xuc::XucClient::carry_out(self, now_ms, wire)
    }
    fn cancel(&mut self, wire: &Value) {
        super::xuc::XucClient::cancel(self, wire)
    }
    fn dial(&mut self, now_ms: u64, number: &str) -> Result<Vec<Action>, String> {
        let command = super::xuc_command::XucCommand::Dial {
            destination: number.to_owned(),
            variables: None,
        };
        self.command(now_ms, &command).map_err(|e| e.to_string())
    }
}

/// What the driver must do or show after an input.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Network, timer, health or token work (never `Deliver` / `Observe`).
    Io(Action),
    /// A normalized event or a command (status) from the Bridge.
    Output(Output),
    /// Events about someone else (supervisor view), not fed to the sync engine.
    Observed(Vec<EventBody>),
    /// A frame that did not decode (already counted in the Bridge's stats).
    Rejected(DecodeError),
    /// The bridge's `dial` intent for this client could not be carried out
    /// (not connected, not a dialable number, a protocol that cannot dial).
    DialRefused(String),
}

/// One client and the Bridge it feeds.
#[derive(Debug, Clone)]
pub struct Session<C> {
    /// The connection state machine.
    pub client: C,
    /// The bridge core (sequence numbers, duplicate filter, sync engine).
    pub bridge: Bridge,
}

impl<C: Client> Session<C> {
    /// Pairs `client` with `bridge`.
    pub fn new(client: C, bridge: Bridge) -> Self {
        Session { client, bridge }
    }

    /// Feeds one input; a timer tick also advances command time-outs.
    pub fn handle(&mut self, now: u64, input: Input) -> Vec<Effect> {
        // The variant alone (`==` would call the derived comparison of every input).
        let tick = matches!(input, Input::Tick);
        let actions = self.client.handle(now, input);
        let mut effects = self.absorb(now, actions);
        if tick {
            let outputs = self.bridge.tick(now);
            effects.extend(self.outputs(now, outputs));
        }
        effects
    }

    /// A frame on `socket` refused before decoding (bad JSON, too large,
    /// too deep): counted, reported, and it still proves the link alive.
    pub fn refused(&mut self, now: u64, socket: u32, error: DecodeError) -> Vec<Effect> {
        self.bridge.count_refused(C::SOURCE, &error);
        let mut effects = vec![Effect::Rejected(error)];
        effects.extend(self.handle(now, Input::FrameRefused { id: socket }));
        effects
    }

    /// A message from another source (the CRM side) into the same Bridge.
    pub fn ingest(
        &mut self,
        now: u64,
        source: Source,
        raw: &Value,
    ) -> Result<Vec<Effect>, DecodeError> {
        let outputs = self.bridge.ingest(source, raw, Some(now))?;
        Ok(self.outputs(now, outputs))
    }

    /// A state change asked for by the host.
    pub fn request(&mut self, now: u64, target: Side, state: Desired) -> Vec<Effect> {
        self.request_with_reason(now, target, state, None)
    }

    /// A state change asked for by the host, with a reason (e.g. a pause reason).
    pub fn request_with_reason(
        &mut self,
        now: u64,
        target: Side,
        state: Desired,
        reason: Option<&str>,
    ) -> Vec<Effect> {
        let outputs = self.bridge.request(target, state, reason, Some(now));
        self.outputs(now, outputs)
    }

    /// Advances the Bridge's command time-outs without touching the link.
    pub fn tick(&mut self, now: u64) -> Vec<Effect> {
        let outputs = self.bridge.tick(now);
        self.outputs(now, outputs)
    }

    /// Runs the Bridge's outputs: pending commands for this client's
    /// protocol are carried out on its link.
    fn outputs(&mut self, now: u64, outputs: Vec<Output>) -> Vec<Effect> {
        let mut effects = Vec::with_capacity(outputs.len());
        for output in outputs {
            // A click-to-dial from the CRM: this client places the call when it is
            // the contact centre the bridge expects to dial (or the only one seen).
            if let Output::Event(event) = &output {
                if let EventBody::Dial { number, via, .. } = &event.body {
                    if via.is_none_or(|v| v == C::SOURCE) {
                        match self.client.dial(now, number) {
                            Ok(actions) => effects.extend(self.absorb(now, actions)),
                            Err(why) => effects.push(Effect::DialRefused(why)),
                        }
                    }
                }
            }
            if let Output::Command(c) = &output {
                if c.target == Side::Cc && c.source == Some(C::SOURCE) {
                    match c.status {
                        CommandStatus::Pending => {
                            let actions = self.client.carry_out(now, &c.wire);
                            effects.extend(self.absorb(now, actions));
                        }
                        CommandStatus::Rejected | CommandStatus::Superseded => {
                            self.client.cancel(&c.wire)
                        }
                        _ => {}
                    }
                }
            }
            effects.push(Effect::Output(output));
        }
        effects
    }

    fn absorb(&mut self, now: u64, actions: Vec<Action>) -> Vec<Effect> {
        let mut effects = Vec::with_capacity(actions.len());
        for action in actions {
            match action {
                Action::Deliver(raw) => match self.bridge.ingest(C::SOURCE, &raw, Some(now)) {
                    Ok(outputs) => {
                        let more = self.outputs(now, outputs);
                        effects.extend(more);
                    }
                    Err(e) => effects.push(Effect::Rejected(e)),
                },
                Action::Observe(raw) => match codec::decode(C::SOURCE, &raw, &Default::default()) {
                    Ok(decoded) => effects.push(Effect::Observed(decoded.bodies)),
                    Err(e) => effects.push(Effect::Rejected(e)),
                },
                other => effects.push(Effect::Io(other)),
            }
        }
        effects
    }
}
