//! The AgentDesktop contact life cycle (docs/protocols.md#agentdesktop-events), tracked per contact.
//!
//! ACD stages, in order: `JOBSCHEDULED` -> `JOBCHANGED - Setup` ->
//! `JOBSTARTED - Online` -> `JOBCHANGED - Offline` -> `JOBFINISHED`; media
//! events (`CONNECTIONSTARTED`, `RINGING`, `DIALING`, `ESTABLISHED`, `HELD`,
//! `RETRIEVED`, `CONNECTIONCLEARED`, `DATACHANGED`) come in between.
//!
//! Rules (events arrive late, twice, or out of order; none may corrupt the state):
//! 1. The ACD stage only moves forward. An ACD event for an earlier or the
//!    same stage is *stale* / *repeated*: dropped. A later stage may skip
//!    stages (a missed `JOBCHANGED - Setup` does not block `JOBSTARTED`).
//! 2. `JOBFINISHED` (or `CONNECTIONCLEARED` of a manual, non-ACD contact) is
//!    final: the contact is done for good, and every later event for its id
//!    is dropped (finished ids are remembered, bounded).
//! 3. Media events update the media state; a repeat of the current media
//!    state is dropped. After `CONNECTIONCLEARED` the media is over: `HELD`,
//!    `RETRIEVED`, `RINGING` ... for it are stale. `DATACHANGED` always passes
//!    (it carries data, not a state) unless the contact is done.
//! 4. `RETRIEVED` without `HELD` is accepted (the hold may have been missed)
//!    and just clears the hold flag.
//! 5. An event for an unknown id starts tracking it at that point.

use crate::keyed::Keyed;
use crate::model::InteractionPhase;
use std::collections::VecDeque;

/// Most contacts tracked at once, and most finished ids remembered.
const MAX_CONTACTS: usize = 256;

/// ACD stage of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum Stage {
    /// Seen only through media events so far (manual contact, or ACD events missed).
    None,
    /// `JOBSCHEDULED`: queued / offered.
    Scheduled,
    /// `JOBCHANGED - Setup`: being set up for the agent.
    Setup,
    /// `JOBSTARTED - Online`: the agent is on the contact.
    Online,
    /// `JOBCHANGED - Offline`: after-contact work.
    Offline,
    /// `JOBFINISHED`: done for good.
    Finished,
}

/// Media state of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum Media {
    /// No media event seen yet.
    Idle,
    /// `CONNECTIONSTARTED`.
    Started,
    /// `RINGING`.
    Ringing,
    /// `DIALING`.
    Dialing,
    /// `ESTABLISHED`: agent and customer connected.
    Established,
    /// `CONNECTIONCLEARED`: the media is over.
    Cleared,
}

/// One contact as tracked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct ContactState {
    /// Contact id (`uuid`).
    pub id: String,
    /// ACD stage reached.
    pub stage: Stage,
    /// Media state reached.
    pub media: Media,
    /// Whether the contact is on hold.
    pub held: bool,
}

/// What the tracker made of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum Verdict {
    /// The event moved the contact on: pass it to the core.
    Applied,
    /// A repeat of the current stage / media state: dropped.
    Repeated,
    /// Older than the contact's state: dropped.
    Stale,
    /// The contact is already finished: dropped.
    AfterDone,
}

impl Verdict {
    /// Whether the event should reach the sync engine.
    pub fn passes(self) -> bool {
        self == Verdict::Applied
    }
}

/// The life-cycle event, reduced from a normalized interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// An ACD stage event.
    Stage(Stage),
    /// A media event.
    Media(Media),
    /// `HELD` (`true`) or `RETRIEVED` (`false`).
    Hold(bool),
    /// `DATACHANGED`: data only, no state change.
    Data,
}

/// The step an AgentDesktop interaction (`phase`, `vendorEvent`) stands for.
pub fn step_of(phase: InteractionPhase, vendor_event: Option<&str>) -> Step {
    let ev = vendor_event.unwrap_or_default();
    match phase {
        InteractionPhase::Offered if ev.starts_with("JOBCHANGED") => Step::Stage(Stage::Setup),
        InteractionPhase::Offered | InteractionPhase::Queued => Step::Stage(Stage::Scheduled),
        InteractionPhase::Connected if ev == "JOBSTARTED" => Step::Stage(Stage::Online),
        InteractionPhase::Connected => Step::Media(Media::Established),
        InteractionPhase::WrapUp => Step::Stage(Stage::Offline),
        InteractionPhase::Done => Step::Stage(Stage::Finished),
        InteractionPhase::Created => Step::Media(Media::Started),
        InteractionPhase::Alerting => Step::Media(Media::Ringing),
        InteractionPhase::Dialing => Step::Media(Media::Dialing),
        InteractionPhase::Ended => Step::Media(Media::Cleared),
        InteractionPhase::Held => Step::Hold(true),
        InteractionPhase::Resumed => Step::Hold(false),
        InteractionPhase::Updated => Step::Data,
    }
}

/// Rank of a media state: setup states come before established, cleared last.
fn media_rank(m: Media) -> u8 {
    match m {
        Media::Idle => 0,
        Media::Started => 1,
        Media::Ringing | Media::Dialing => 2,
        Media::Established => 3,
        Media::Cleared => 4,
    }
}

/// Per-contact life-cycle tracker.
#[derive(Debug, Clone, Default)]
pub struct ContactTracker {
    /// In key order (a sorted `Vec`: a `BTreeMap` of this type alone was
    /// ~6 KB of the full build's wasm).
    contacts: Keyed<ContactState>,
    finished: VecDeque<String>,
}

impl ContactTracker {
    /// Applies one step for contact `id` and says whether it counts.
    pub fn apply(&mut self, id: &str, step: Step) -> Verdict {
        if self.finished.iter().any(|f| f == id) {
            return Verdict::AfterDone;
        }
        if !self.contacts.contains_key(id) && self.contacts.len() >= MAX_CONTACTS {
            // Drop the oldest-keyed contact rather than grow without bound.
            self.contacts.pop_first();
        }
        let contact = self.contacts.get_or_insert_with(id, || ContactState {
            id: id.to_owned(),
            stage: Stage::None,
            media: Media::Idle,
            held: false,
        });
        let verdict = match step {
            Step::Stage(stage) if stage == contact.stage => Verdict::Repeated,
            Step::Stage(stage) if stage < contact.stage => Verdict::Stale,
            Step::Stage(stage) => {
                contact.stage = stage;
                if stage >= Stage::Offline {
                    contact.held = false;
                }
                Verdict::Applied
            }
            Step::Media(m) if m == contact.media => Verdict::Repeated,
            Step::Media(m) if media_rank(m) < media_rank(contact.media) => Verdict::Stale,
            Step::Media(m) => {
                contact.media = m;
                if m == Media::Cleared {
                    contact.held = false;
                }
                Verdict::Applied
            }
            Step::Hold(_) if contact.media == Media::Cleared || contact.stage >= Stage::Offline => {
                Verdict::Stale
            }
            Step::Hold(h) if h == contact.held => Verdict::Repeated,
            Step::Hold(h) => {
                contact.held = h;
                Verdict::Applied
            }
            Step::Data => Verdict::Applied,
        };
        if contact.stage == Stage::Finished {
            self.contacts.remove(id);
            if self.finished.len() >= MAX_CONTACTS {
                self.finished.pop_front();
            }
            self.finished.push_back(id.to_owned());
        }
        verdict
    }

    /// A contact still in progress.
    pub fn get(&self, id: &str) -> Option<&ContactState> {
        self.contacts.get(id)
    }

    /// Whether `id` finished (and is still remembered).
    pub fn is_finished(&self, id: &str) -> bool {
        self.finished.iter().any(|f| f == id)
    }

    /// Contacts in progress.
    pub fn contacts(&self) -> impl Iterator<Item = &ContactState> {
        self.contacts.values()
    }
}
