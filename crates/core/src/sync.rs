//! The omnichannel sync engine (docs/protocols.md#crm-connector-omnichannel): a deterministic state machine fed
//! with normalized events that emits [`Command`]s for the other side.
//!
//! - **Synchronized**: the contact-centre agent state follows the CRM presence and the reverse.
//! - **Complementary**: never both Ready; when one side becomes Ready the other is made Not Ready.
//! - **Always** (unless off): work on one side (an accepted CRM work item, a connected contact)
//!   makes the other side Not Ready; with `restoreAfterWork` the bridge puts back what it changed
//!   once that work is done.
//!
//! A change the bridge caused and then sees reported back confirms its command
//! and is not propagated again, so the two sides never ping-pong.

use crate::command::{encode, Cause, Command, CommandStatus, Desired, Wire, WireContext};
use crate::config::Config;
use crate::keyed::Keyed;
// Without work items in the build, the engine's work-item code is left out.
use crate::model::WORK_ITEMS;
use crate::model::{
    AgentStateKind, ConnectionStatus, DocumentRef, Event, EventBody, InteractionPhase, Side,
    Source, WorkItemPhase,
};
use serde::Deserialize;

/// How the two sides are kept in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Agent state and CRM presence follow each other.
    #[default]
    Synchronized,
    /// Never both Ready.
    Complementary,
    /// Observe only: no commands.
    Off,
}

impl Mode {
    /// Parses `synchronized`, `complementary` or `off` (also the CCDef letters `S` / `C`).
    pub fn parse(name: &str) -> Option<Mode> {
        match name.to_ascii_lowercase().as_str() {
            "synchronized" | "s" => Some(Mode::Synchronized),
            "complementary" | "c" => Some(Mode::Complementary),
            "off" => Some(Mode::Off),
            _ => None,
        }
    }
}

/// The CRM presence as the engine knows it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct PresenceSnapshot {
    /// Presence name.
    pub name: String,
    /// CRM status id.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub status_id: Option<String>,
    /// Whether the presence counts as Ready.
    pub available: bool,
}

/// The contact-centre agent state as the engine knows it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct AgentSnapshot {
    /// The agent state.
    pub state: AgentStateKind,
    /// Pause reason / Not Ready code.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub reason: Option<String>,
    /// The vendor's agent id.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub agent_id: Option<String>,
}

/// An open CRM work item.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct WorkItemSnapshot {
    /// The work item's `sys_id`.
    pub id: String,
    /// The phase it reached (offered or accepted).
    pub phase: WorkItemPhase,
    /// Service channel name.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub channel: Option<String>,
    /// The record the work item is about.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub document: Option<DocumentRef>,
}

/// An open interaction.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct InteractionSnapshot {
    /// Contact or CRM interaction id.
    pub id: String,
    /// The side it belongs to.
    pub side: Side,
    /// The phase it reached.
    pub phase: InteractionPhase,
    /// Media as the vendor names it.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub media: Option<String>,
    /// Calling party.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub from: Option<String>,
    /// Called party.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub to: Option<String>,
}

/// Everything the engine knows, for a host that (re)attaches.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(rename_all = "camelCase", tag = "kind", rename = "snapshot")
)]
pub struct Snapshot {
    /// The sync mode in force.
    pub mode: Mode,
    /// The last agent state reported, if any.
    pub agent_state: Option<AgentSnapshot>,
    /// The last CRM presence reported, if any.
    pub presence: Option<PresenceSnapshot>,
    /// Open CRM work items.
    pub work_items: Vec<WorkItemSnapshot>,
    /// Open interactions on either side.
    pub interactions: Vec<InteractionSnapshot>,
    /// Commands still waiting for confirmation.
    pub pending: Vec<Command>,
    /// The CRM protocol (configured, or detected from the first CRM event).
    pub crm_source: Option<Source>,
    /// The contact-centre protocol (configured, or detected from the first contact-centre event).
    pub cc_source: Option<Source>,
}

/// Most open work items / interactions tracked; the oldest are dropped past this.
const MAX_OPEN: usize = 256;

/// The omnichannel state machine.
#[derive(Debug, Clone)]
pub struct SyncEngine {
    mode: Mode,
    config: Config,
    agent: Option<AgentSnapshot>,
    presence: Option<PresenceSnapshot>,
    work_items: Keyed<WorkItemSnapshot>,
    interactions: Keyed<InteractionSnapshot>,
    /// The open command per side (index: [`side_index`]).
    pending: [Option<Command>; 2],
    /// The bridge made this side Not Ready because of work on the other side.
    held_for_work: [bool; 2],
    crm_source: Option<Source>,
    cc_source: Option<Source>,
    next_id: u64,
    /// The last wire written per side and state (index: [`wire_index`]):
    /// a command asking the same of the same protocol again shares its text.
    wires: [Option<WireMemo>; 4],
}

/// A wire and what it was written from (the configured CRM statuses do
/// not change during an engine's life).
#[derive(Debug, Clone)]
struct WireMemo {
    source: Source,
    agent_id: Option<String>,
    reason: Option<String>,
    wire: Wire,
}

fn wire_index(side: Side, state: Desired) -> usize {
    side_index(side) * 2 + usize::from(state == Desired::NotReady)
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Crm => 0,
        Side::Cc => 1,
    }
}

fn other(side: Side) -> Side {
    match side {
        Side::Crm => Side::Cc,
        Side::Cc => Side::Crm,
    }
}

/// What a side reported, reduced to what commands can ask for.
fn reported(state: AgentStateKind) -> Option<Desired> {
    match state {
        AgentStateKind::Ready => Some(Desired::Ready),
        AgentStateKind::NotReady => Some(Desired::NotReady),
        _ => None,
    }
}

impl SyncEngine {
    /// A new engine in `mode`.
    pub fn new(mode: Mode, config: Config) -> Self {
        SyncEngine {
            mode,
            crm_source: config.crm.source,
            cc_source: config.cc.source,
            config,
            agent: None,
            presence: None,
            work_items: Keyed::new(),
            interactions: Keyed::new(),
            pending: [None, None],
            held_for_work: [false, false],
            next_id: 1,
            wires: Default::default(),
        }
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Changes the mode; open commands stay open.
    pub fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
    }

    /// Whether the contact-centre side has work: a contact in progress or a busy state.
    pub fn cc_has_work(&self) -> bool {
        self.interactions
            .values()
            .any(|i| i.side == Side::Cc && phase_occupies(i.phase))
            || matches!(
                self.agent.as_ref().map(|a| a.state),
                Some(AgentStateKind::Busy | AgentStateKind::WrapUp)
            )
    }

    /// Whether the CRM side has work: an accepted work item or an open CRM interaction.
    pub fn crm_has_work(&self) -> bool {
        (WORK_ITEMS
            && self
                .work_items
                .values()
                .any(|w| w.phase == WorkItemPhase::Accepted))
            || self
                .interactions
                .values()
                .any(|i| i.side == Side::Crm && phase_occupies(i.phase))
    }

    fn has_work(&self, side: Side) -> bool {
        match side {
            Side::Crm => self.crm_has_work(),
            Side::Cc => self.cc_has_work(),
        }
    }

    /// The state a side is known to be in, as far as commands are concerned.
    fn known(&self, side: Side) -> Option<Desired> {
        match side {
            Side::Crm => self.presence.as_ref().map(|p| {
                if p.available {
                    Desired::Ready
                } else {
                    Desired::NotReady
                }
            }),
            Side::Cc => self.agent.as_ref().and_then(|a| reported(a.state)),
        }
    }

    /// Feeds one event; returns new commands and status changes of earlier ones.
    /// `now_ms` (any monotonic clock) enables command time-outs.
    pub fn on_event(&mut self, event: &Event, now_ms: Option<u64>) -> Vec<Command> {
        let mut out = Vec::new();
        self.on_event_into(event, now_ms, &mut out);
        out
    }

    /// [`SyncEngine::on_event`] appending to `out` (a list the caller keeps
    /// and reuses: no list per event).
    pub fn on_event_into(&mut self, event: &Event, now_ms: Option<u64>, out: &mut Vec<Command>) {
        if let Some(now) = now_ms {
            self.tick_into(now, out);
        }
        let side = event.source.side();
        match side {
            Side::Crm if self.config.crm.source.is_none() && self.crm_source.is_none() => {
                self.crm_source = Some(event.source)
            }
            Side::Cc if self.config.cc.source.is_none() && self.cc_source.is_none() => {
                self.cc_source = Some(event.source)
            }
            _ => {}
        }
        let work_before = [self.crm_has_work(), self.cc_has_work()];
        let mut change: Option<Desired> = None;
        match &event.body {
            EventBody::AgentState {
                state,
                reason,
                agent_id,
                ..
            } if side == Side::Cc => {
                if let Some(id) = agent_id {
                    self.config.cc.agent_id.get_or_insert_with(|| id.clone());
                }
                let previous = self.known(Side::Cc);
                self.agent = Some(AgentSnapshot {
                    state: *state,
                    reason: reason.clone(),
                    agent_id: agent_id
                        .clone()
                        .or_else(|| self.agent.as_ref().and_then(|a| a.agent_id.clone())),
                });
                if !matches!(state, AgentStateKind::Busy | AgentStateKind::WrapUp) {
                    // The agent is out of any contact that already ended.
                    self.interactions
                        .retain(|_, i| i.side != Side::Cc || i.phase != InteractionPhase::Ended);
                }
                if let Some(now) = reported(*state) {
                    if previous != Some(now) || self.pending[1].is_some() {
                        change = self.observe(Side::Cc, previous, now, out);
                    }
                } else if *state == AgentStateKind::LoggedOut {
                    self.close_pending(
                        Side::Cc,
                        CommandStatus::Superseded,
                        "agent logged out",
                        out,
                    );
                    self.held_for_work[1] = false;
                }
            }
            EventBody::Presence {
                name,
                status_id,
                available,
                success,
                ..
            } if side == Side::Crm => {
                if *success == Some(false) {
                    self.close_pending(
                        Side::Crm,
                        CommandStatus::Rejected,
                        &format!(
                            "CRM could not set status `{}`",
                            status_id.as_deref().unwrap_or(name)
                        ),
                        out,
                    );
                } else {
                    let previous = self.known(Side::Crm);
                    self.presence = Some(PresenceSnapshot {
                        name: name.clone(),
                        status_id: status_id.clone(),
                        available: *available,
                    });
                    let now = if *available {
                        Desired::Ready
                    } else {
                        Desired::NotReady
                    };
                    if previous != Some(now) || self.pending[0].is_some() {
                        change = self.observe(Side::Crm, previous, now, out);
                    }
                }
            }
            EventBody::WorkItem {
                id,
                phase,
                channel,
                document,
                ..
            } if WORK_ITEMS => match phase {
                WorkItemPhase::Rejected => {
                    self.work_items.remove(id);
                }
                _ => {
                    bounded_insert(
                        &mut self.work_items,
                        id.clone(),
                        WorkItemSnapshot {
                            id: id.clone(),
                            phase: *phase,
                            channel: channel.clone(),
                            document: document.clone(),
                        },
                    );
                }
            },
            EventBody::Interaction {
                id,
                phase,
                media,
                from,
                to,
                ..
            } => self.track_interaction(side, id, *phase, media, from, to),
            EventBody::AgentError { code, .. } if side == Side::Cc => {
                self.close_pending(
                    Side::Cc,
                    CommandStatus::Rejected,
                    &format!("contact centre refused: {code}"),
                    out,
                );
            }
            EventBody::Connection {
                status: ConnectionStatus::Down,
                ..
            } => {
                self.close_pending(side, CommandStatus::Rejected, "link down", out);
            }
            _ => {}
        }

        if self.mode == Mode::Off {
            return;
        }

        // A state change someone else made: apply the mode's rule.
        if let Some(now) = change {
            let target = other(side);
            if now == Desired::Ready && self.has_work(target) {
                // No work may reach an agent who is busy on the other side.
                self.request(side, Desired::NotReady, Cause::Work, now_ms, out);
                self.held_for_work[side_index(side)] = true;
                return;
            }
            match (self.mode, now) {
                (Mode::Synchronized, Desired::Ready) => {
                    if !self.has_work(target) && !self.has_work(side) {
                        self.request(target, Desired::Ready, Cause::Follow, now_ms, out);
                    }
                }
                (Mode::Synchronized, Desired::NotReady) => {
                    self.request(target, Desired::NotReady, Cause::Follow, now_ms, out);
                }
                (Mode::Complementary, Desired::Ready) => {
                    self.request(target, Desired::NotReady, Cause::Complement, now_ms, out);
                }
                (Mode::Complementary, Desired::NotReady) | (Mode::Off, _) => {}
            }
        }

        // Work started or ended on a side.
        let work_after = [self.crm_has_work(), self.cc_has_work()];
        for working in [Side::Crm, Side::Cc] {
            let i = side_index(working);
            let target = other(working);
            if work_after[i] && !work_before[i] {
                if self.known(target) != Some(Desired::NotReady)
                    || self.pending[side_index(target)]
                        .as_ref()
                        .is_some_and(|c| c.state == Desired::Ready)
                {
                    self.request(target, Desired::NotReady, Cause::Work, now_ms, out);
                    self.held_for_work[side_index(target)] = true;
                }
            } else if !work_after[i] && work_before[i] {
                let t = side_index(target);
                if self.held_for_work[t] && self.config.restore_after_work {
                    self.held_for_work[t] = false;
                    let allowed = match self.mode {
                        // Follow the side that worked: not back to Ready if it
                        // came out of the work Not Ready (a pause after a missed
                        // offer, the agent's own pause).
                        Mode::Synchronized => self.known(working) != Some(Desired::NotReady),
                        // Never both Ready: only restore if this side is not Ready.
                        Mode::Complementary => self.known(working) != Some(Desired::Ready),
                        Mode::Off => false,
                    };
                    if allowed && !self.has_work(target) {
                        self.request(target, Desired::Ready, Cause::Restore, now_ms, out);
                    }
                }
            }
        }
    }

    /// Records a reported state of `side`; returns it when it is a change the
    /// bridge did not ask for (one to propagate), `None` when it confirms a command.
    fn observe(
        &mut self,
        side: Side,
        previous: Option<Desired>,
        now: Desired,
        out: &mut Vec<Command>,
    ) -> Option<Desired> {
        let i = side_index(side);
        if let Some(cmd) = self.pending[i].as_ref() {
            if cmd.state == now {
                // A change the host asked for is the user's own: the mode's
                // rule applies to it. One the engine caused is not echoed.
                let by_host = cmd.cause == Cause::Host;
                self.close_pending(side, CommandStatus::Confirmed, "", out);
                return by_host.then_some(now);
            }
            if previous == Some(now) {
                // The side restated the state it already had (the greeting
                // after a reconnection, a periodic report): no answer to the
                // command yet, which stays pending (its time-out still runs).
                return None;
            }
            let detail = format!(
                "{} became {} instead",
                match side {
                    Side::Crm => "CRM presence",
                    Side::Cc => "agent",
                },
                match now {
                    Desired::Ready => "ready",
                    Desired::NotReady => "not ready",
                }
            );
            self.close_pending(side, CommandStatus::Superseded, &detail, out);
        }
        // Someone changed this side by hand: it is no longer held for work.
        self.held_for_work[i] = false;
        Some(now)
    }

    fn close_pending(
        &mut self,
        side: Side,
        status: CommandStatus,
        detail: &str,
        out: &mut Vec<Command>,
    ) {
        if let Some(mut cmd) = self.pending[side_index(side)].take() {
            cmd.status = status;
            cmd.detail = (!detail.is_empty()).then(|| detail.to_owned());
            out.push(cmd);
        }
    }

    fn track_interaction(
        &mut self,
        side: Side,
        id: &str,
        phase: InteractionPhase,
        media: &Option<String>,
        from: &Option<String>,
        to: &Option<String>,
    ) {
        if phase == InteractionPhase::Done {
            self.interactions.remove(id);
            // An OpenFrame interaction closes the work item that pointed at it.
            if WORK_ITEMS && side == Side::Crm {
                self.work_items
                    .retain(|_, w| w.id != id && w.document.as_ref().is_none_or(|d| d.id != id));
            }
            return;
        }
        match self.interactions.get_mut(id) {
            Some(existing) => {
                // `updated` only carries data; older phases never move an interaction back.
                if phase != InteractionPhase::Updated {
                    existing.phase = phase;
                }
                if existing.media.is_none() {
                    existing.media.clone_from(media);
                }
                if existing.from.is_none() {
                    existing.from.clone_from(from);
                }
                if existing.to.is_none() {
                    existing.to.clone_from(to);
                }
            }
            None => bounded_insert(
                &mut self.interactions,
                id.to_owned(),
                InteractionSnapshot {
                    id: id.to_owned(),
                    side,
                    phase,
                    media: media.clone(),
                    from: from.clone(),
                    to: to.clone(),
                },
            ),
        }
    }

    /// Asks `target` for `state` unless it is already there or already asked.
    fn request(
        &mut self,
        target: Side,
        state: Desired,
        cause: Cause,
        now_ms: Option<u64>,
        out: &mut Vec<Command>,
    ) {
        let i = side_index(target);
        match self.pending[i].as_ref() {
            Some(cmd) if cmd.state == state => return,
            Some(_) => self.close_pending(
                target,
                CommandStatus::Superseded,
                "a newer command replaced it",
                out,
            ),
            None => {}
        }
        if self.known(target) == Some(state) {
            return;
        }
        if target == Side::Cc
            && matches!(
                self.agent.as_ref().map(|a| a.state),
                Some(AgentStateKind::LoggedOut)
            )
        {
            // A logged-out agent cannot be made ready or paused.
            return;
        }
        out.push(self.issue(target, state, cause, None, now_ms));
    }

    /// Builds a command for the host (`setAgentState` / `setPresence`).
    /// `reason` overrides the configured Not Ready reason / pause code.
    pub fn host_request(
        &mut self,
        target: Side,
        state: Desired,
        reason: Option<&str>,
        now_ms: Option<u64>,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        if self.pending[side_index(target)].is_some() {
            self.close_pending(
                target,
                CommandStatus::Superseded,
                "a newer command replaced it",
                &mut out,
            );
        }
        out.push(self.issue(target, state, Cause::Host, reason, now_ms));
        out
    }

    fn issue(
        &mut self,
        target: Side,
        state: Desired,
        cause: Cause,
        reason: Option<&str>,
        now_ms: Option<u64>,
    ) -> Command {
        let source = match target {
            Side::Crm => self.crm_source.or(Some(Source::CrmConnector)),
            Side::Cc => self.cc_source,
        };
        let agent_id = self
            .agent
            .as_ref()
            .and_then(|a| a.agent_id.as_deref())
            .or(self.config.cc.agent_id.as_deref());
        let ctx = WireContext {
            agent_id,
            not_ready_reason: reason.or(self.config.cc.not_ready_reason.as_deref()),
            crm_ready_status: &self.config.crm.ready_status,
            crm_not_ready_status: &self.config.crm.not_ready_status,
        };
        let (wire, status, detail) = match source {
            None => (
                crate::command::Wire::null(),
                CommandStatus::NotSupported,
                Some("no contact-centre protocol seen or configured yet".to_owned()),
            ),
            Some(src) => {
                let memo = self.wires.get_mut(wire_index(target, state));
                match memo {
                    Some(Some(m))
                        if m.source == src
                            && m.agent_id.as_deref() == ctx.agent_id
                            && m.reason.as_deref() == ctx.not_ready_reason =>
                    {
                        (m.wire.clone(), CommandStatus::Pending, None)
                    }
                    _ => match encode(src, state, &ctx) {
                        Ok(wire) => {
                            if let Some(memo) = memo {
                                *memo = Some(WireMemo {
                                    source: src,
                                    agent_id: ctx.agent_id.map(str::to_owned),
                                    reason: ctx.not_ready_reason.map(str::to_owned),
                                    wire: wire.clone(),
                                });
                            }
                            (wire, CommandStatus::Pending, None)
                        }
                        Err((why, fallback)) => (fallback, CommandStatus::NotSupported, Some(why)),
                    },
                }
            }
        };
        let cmd = Command {
            id: self.next_id,
            target,
            source,
            state,
            cause,
            wire,
            status,
            detail,
            sent_at: now_ms,
        };
        self.next_id = self.next_id.saturating_add(1);
        if status.is_open() {
            self.pending[side_index(target)] = Some(cmd.clone());
        }
        cmd
    }

    /// Rejects commands older than the configured time-out.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Command> {
        let mut out = Vec::new();
        self.tick_into(now_ms, &mut out);
        out
    }

    /// [`SyncEngine::tick`] appending to `out`.
    fn tick_into(&mut self, now_ms: u64, out: &mut Vec<Command>) {
        let limit = self.config.command_timeout_ms;
        for side in [Side::Crm, Side::Cc] {
            let expired = self.pending[side_index(side)]
                .as_ref()
                .and_then(|c| c.sent_at)
                .is_some_and(|at| now_ms.saturating_sub(at) > limit);
            if expired {
                self.close_pending(
                    side,
                    CommandStatus::Rejected,
                    &format!("not confirmed within {limit} ms"),
                    out,
                );
            }
        }
    }

    /// The CRM and contact-centre protocols commands go over (configured or seen).
    pub fn sources(&self) -> (Option<Source>, Option<Source>) {
        (self.crm_source, self.cc_source)
    }

    /// Everything the engine knows.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            mode: self.mode,
            agent_state: self.agent.clone(),
            presence: self.presence.clone(),
            work_items: if WORK_ITEMS {
                self.work_items.values().cloned().collect()
            } else {
                Vec::new()
            },
            interactions: {
                let mut interactions = Vec::with_capacity(self.interactions.len());
                for i in self.interactions.values() {
                    interactions.push(i.clone());
                }
                interactions
            },
            pending: {
                // A plain loop (a flattened, cloned iterator was its own code).
                let mut pending = Vec::new();
                for cmd in self.pending.iter().flatten() {
                    pending.push(cmd.clone());
                }
                pending
            },
            crm_source: self.crm_source,
            cc_source: self.cc_source,
        }
    }
}

/// Whether an interaction in this phase keeps the agent occupied.
fn phase_occupies(phase: InteractionPhase) -> bool {
    matches!(
        phase,
        InteractionPhase::Connected
            | InteractionPhase::Held
            | InteractionPhase::Resumed
            | InteractionPhase::Dialing
            | InteractionPhase::Ended
            | InteractionPhase::WrapUp
    )
}

/// Inserts into a bounded map, dropping the smallest key when full (hostile
/// input cannot grow the engine without bound).
fn bounded_insert<V>(map: &mut Keyed<V>, key: String, value: V) {
    if map.len() >= MAX_OPEN && !map.contains_key(&key) {
        map.pop_first();
    }
    map.insert(key, value);
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonWriter, ToJson};

json_names!(Mode {
    Synchronized => "synchronized",
    Complementary => "complementary",
    Off => "off",
});

impl ToJson for PresenceSnapshot {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("name", &self.name)
                .opt("statusId", &self.status_id)
                .field("available", &self.available);
        });
    }
}

impl ToJson for AgentSnapshot {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("state", &self.state)
                .opt("reason", &self.reason)
                .opt("agentId", &self.agent_id);
        });
    }
}

impl ToJson for WorkItemSnapshot {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("id", &self.id)
                .field("phase", &self.phase)
                .opt("channel", &self.channel)
                .opt("document", &self.document);
        });
    }
}

impl ToJson for InteractionSnapshot {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("id", &self.id)
                .field("side", &self.side)
                .field("phase", &self.phase)
                .opt("media", &self.media)
                .opt("from", &self.from)
                .opt("to", &self.to);
        });
    }
}

impl ToJson for Snapshot {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("kind", "snapshot")
                .field("mode", &self.mode)
                .field("agentState", &self.agent_state)
                .field("presence", &self.presence)
                .field("workItems", &self.work_items)
                .field("interactions", &self.interactions)
                .field("pending", &self.pending)
                .field("crmSource", &self.crm_source)
                .field("ccSource", &self.cc_source);
        });
    }
}
