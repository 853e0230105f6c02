//! The bridge core: decoders + sequence numbers + duplicate filter (AXP) + sync engine.
//!
//! Platform-free: the CLI drives it with `serde_json` values, the widget with
//! values built from `JSON.parse` output.

use crate::codec;
use crate::command::{Command, Desired};
use crate::config::Config;
use crate::crm_requests::CrmRequests;
use crate::error::DecodeError;
use crate::keyed::Counts;
use crate::model::{Decoded, Envelope, Event, EventBody, Side, Source};
use crate::sync::{Mode, Snapshot, SyncEngine};
use serde_json::{Map, Value};
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// One line of bridge output: a normalized event, a command (status), or a
/// request to the CRM made on the contact centre's behalf.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(untagged))]
pub enum Output {
    /// A normalized event.
    Event(Event),
    /// A command the sync engine issued, or a change of its status.
    Command(Command),
    /// A request to the CRM Connector made on the contact centre's behalf.
    CrmRequest(CrmRequest),
}

impl Output {
    /// The id of the last command in `outputs` issued for `target`.
    pub fn command_for(outputs: &[Output], target: Side) -> Option<u64> {
        outputs.iter().rev().find_map(|o| match o {
            Output::Command(c) if c.target == target => Some(c.id),
            _ => None,
        })
    }
}

/// A CRM Connector request (screen pop, click-to-dial, interaction log).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(tag = "kind", rename = "crmRequest"))]
pub struct CrmRequest {
    /// Always the CRM side.
    pub target: Side,
    /// The protocol it goes over.
    pub source: Source,
    /// The exact envelope.
    pub wire: Value,
}

/// Counters for the health / diagnostic output.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct Stats {
    /// Messages received, per source.
    #[cfg_attr(feature = "ts", ts(as = "std::collections::BTreeMap<Source, u64>"))]
    pub received: Counts<Source>,
    /// Events produced.
    pub events: u64,
    /// Messages that failed to decode, per error code.
    #[cfg_attr(feature = "ts", ts(as = "std::collections::BTreeMap<String, u64>"))]
    pub errors: Counts<&'static str>,
    /// Messages dropped as repeats of an event id already seen.
    pub duplicates: u64,
    /// Commands issued.
    pub commands: u64,
}

/// How many recent vendor event ids are remembered for the duplicate filter.
const SEEN_IDS: usize = 4096;

/// Bounded set of recently seen event ids (oldest forgotten first).
#[derive(Debug, Clone, Default)]
struct RecentIds {
    order: VecDeque<String>,
    set: HashSet<String, BuildHasherDefault<IdHasher>>,
}

/// A fixed-key hash for [`RecentIds`] (FxHash's multiply-rotate, a byte at a
/// time), instead of std's SipHash with a random seed, which cost the wasm
/// about 1.8 KB. Ids come from vendor frames, so an attacker could pick ids
/// that collide; the harm is bounded: the set never holds more than
/// [`SEEN_IDS`] ids, so a lookup walks at most that many.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl RecentIds {
    /// Records `id`; false when it was already there.
    fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() >= SEEN_IDS {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        self.order.push_back(id.to_owned());
        self.set.insert(id.to_owned());
        true
    }
}

/// The whole core of one widget instance.
#[derive(Debug, Clone)]
pub struct Bridge {
    config: Config,
    engine: SyncEngine,
    next_seq: u64,
    /// Duplicate filter; `None` when every message is decoded as it comes.
    seen: Option<RecentIds>,
    stats: Stats,
    requests: CrmRequests,
    /// The sync engine's commands for the event at hand (kept, emptied).
    commands: Vec<Command>,
}

impl Bridge {
    /// A bridge in `mode` with `config`.
    pub fn new(mode: Mode, config: Config) -> Self {
        Bridge {
            engine: SyncEngine::new(mode, config.clone()),
            requests: CrmRequests::new(config.crm.screen_pop_on),
            config,
            next_seq: 1,
            seen: Some(RecentIds::default()),
            stats: Stats::default(),
            commands: Vec::new(),
        }
    }

    /// Decodes one raw message from `source`, stamps its events with `seq`,
    /// drops repeats of an already-seen vendor event id, and runs the sync
    /// engine. A message that does not decode is counted and returned as the
    /// error; the bridge keeps running.
    pub fn ingest(
        &mut self,
        source: Source,
        raw: &Value,
        now_ms: Option<u64>,
    ) -> Result<Vec<Output>, DecodeError> {
        let mut out = Vec::new();
        self.ingest_into(source, raw, now_ms, &mut out)?;
        Ok(out)
    }

    /// [`Bridge::ingest`] appending the outputs to `out` (a burst of
    /// messages into one list). On an error, `out` is as it was.
    pub fn ingest_into(
        &mut self,
        source: Source,
        raw: &Value,
        now_ms: Option<u64>,
        out: &mut Vec<Output>,
    ) -> Result<(), DecodeError> {
        let decoded = codec::decode(source, raw, &self.config.decode);
        self.ingest_decoded(source, decoded, now_ms, out)
    }

    /// Counts and runs a decoded message (or its error) through the
    /// duplicate filter and the sync engine, appending to `out`.
    fn ingest_decoded(
        &mut self,
        source: Source,
        decoded: Result<Decoded, DecodeError>,
        now_ms: Option<u64>,
        out: &mut Vec<Output>,
    ) -> Result<(), DecodeError> {
        self.stats.received.bump(source);
        let decoded = match decoded {
            Ok(d) => d,
            Err(e) => {
                self.stats.errors.bump(e.code());
                return Err(e);
            }
        };
        // Only AXP events carry a vendor event id (`codec::axp`): a build
        // without it has no repeats to filter, and no filter.
        if crate::model::AXP {
            if let (Some(id), Some(seen)) = (decoded.event_id.as_deref(), self.seen.as_mut()) {
                if !seen.insert(id) {
                    self.stats.duplicates += 1;
                    return Ok(());
                }
            }
        }
        out.reserve(decoded.bodies.len() + 1);
        let last = decoded.bodies.len().saturating_sub(1);
        let mut envelope = decoded.envelope;
        for (index, body) in decoded.bodies.into_iter().enumerate() {
            // Every body shares the envelope: the last one takes it, the others a copy.
            let envelope = if index == last {
                std::mem::take(&mut envelope)
            } else {
                envelope.clone()
            };
            self.ingest_body(source, body, envelope, now_ms, out);
        }
        Ok(())
    }

    /// Stamps one decoded event and runs it through the sync engine and the
    /// CRM requests, appending the event and what it caused to `out`.
    fn ingest_body(
        &mut self,
        source: Source,
        body: EventBody,
        envelope: Envelope,
        now_ms: Option<u64>,
        out: &mut Vec<Output>,
    ) {
        let event = Event {
            seq: self.next_seq,
            source,
            body,
            envelope,
        };
        self.next_seq = self.next_seq.saturating_add(1);
        self.stats.events += 1;
        // The engine's list is kept between events (emptied each time).
        let mut commands = std::mem::take(&mut self.commands);
        self.engine.on_event_into(&event, now_ms, &mut commands);
        let requests = self.requests.on_event(&event, now_ms);
        let dial = self.dial_for(&event);
        out.push(Output::Event(event));
        self.push_commands(&mut commands, out);
        self.commands = commands;
        // Only the CRM Connector takes these requests (OpenFrame has its own calls).
        let crm = self.engine.sources().0;
        if matches!(crm, None | Some(Source::CrmConnector)) {
            for wire in requests {
                out.push(Output::CrmRequest(CrmRequest {
                    target: Side::Crm,
                    source: Source::CrmConnector,
                    wire,
                }));
            }
        }
        if let Some(dial) = dial {
            out.push(Output::Event(dial));
        }
    }

    /// A click-to-dial from the CRM side becomes a dial request for the
    /// contact-centre side: a `dial` event right after it, naming the
    /// contact-centre protocol expected to place the call.
    fn dial_for(&mut self, event: &Event) -> Option<Event> {
        let EventBody::ClickToDial {
            number, record_id, ..
        } = &event.body
        else {
            return None;
        };
        if event.source.side() != Side::Crm {
            return None;
        }
        let dial = Event {
            seq: self.next_seq,
            source: event.source,
            body: EventBody::Dial {
                number: number.clone(),
                record_id: record_id.clone(),
                via: self.engine.sources().1.or(self.config.cc.source),
            },
            envelope: Default::default(),
        };
        self.next_seq = self.next_seq.saturating_add(1);
        self.stats.events += 1;
        Some(dial)
    }

    fn push_commands(&mut self, commands: &mut Vec<Command>, out: &mut Vec<Output>) {
        for c in commands.drain(..) {
            if c.status.is_open() || c.status == crate::command::CommandStatus::NotSupported {
                self.stats.commands += 1;
            }
            out.push(Output::Command(c));
        }
    }

    /// A message as the edge converted it: one refused before decoding
    /// (bad JSON text, a value the guard refused) is counted like a decode
    /// error ([`Bridge::count_refused`]) and returned; the others go through
    /// [`Bridge::ingest_into`], without its depth check: `raw` comes from
    /// [`codec::parse_text`] or the edge's guard walk, which both hold it to
    /// [`codec::MAX_DEPTH`] and [`codec::MAX_MESSAGE_BYTES`] already.
    pub fn ingest_converted_into(
        &mut self,
        source: Source,
        raw: Result<Value, DecodeError>,
        now_ms: Option<u64>,
        out: &mut Vec<Output>,
    ) -> Result<(), DecodeError> {
        match raw {
            Ok(raw) => {
                let decoded = codec::decode_within_limits(source, &raw, &self.config.decode);
                self.ingest_decoded(source, decoded, now_ms, out)
            }
            Err(e) => {
                self.count_refused(source, &e);
                Err(e)
            }
        }
    }

    /// A message given as JSON text (a socket frame, an `ingestText`), parsed
    /// with the built-in parser within the core's limits
    /// ([`codec::parse_text`]) and run as [`Bridge::ingest_converted_into`]
    /// runs it. An xuc agent state in its plain shape is read straight from
    /// the text ([`codec::xuc_text`]: the same event, no `Value` tree).
    pub fn ingest_text_into(
        &mut self,
        source: Source,
        text: &str,
        now_ms: Option<u64>,
        out: &mut Vec<Output>,
    ) -> Result<(), DecodeError> {
        #[cfg(feature = "xuc")]
        if source == Source::Xuc {
            if let Some(body) = codec::xuc_text::decode_body(text) {
                // One event, no envelope, no event id: what `ingest_decoded`
                // does with it, without the list of one.
                self.stats.received.bump(source);
                out.reserve(2);
                self.ingest_body(source, body, Envelope::default(), now_ms, out);
                return Ok(());
            }
        }
        let raw = codec::parse_text(text, codec::JsonParser::BUILT_IN);
        self.ingest_converted_into(source, raw, now_ms, out)
    }

    /// Counts a message from `source` refused before decoding (unparseable
    /// text, over the size or depth limit) so it shows in the counters too.
    pub fn count_refused(&mut self, source: Source, error: &DecodeError) {
        self.stats.received.bump(source);
        self.stats.errors.bump(error.code());
    }

    /// Turns the duplicate filter off (the CLI's `decode` shows every message).
    pub fn without_dedup(mut self) -> Self {
        self.seen = None;
        self
    }

    /// Advances the clock: commands past their time-out are rejected.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Output> {
        let mut out = Vec::new();
        let mut commands = self.engine.tick(now_ms);
        self.push_commands(&mut commands, &mut out);
        out
    }

    /// A change asked for by the host (`setAgentState` / `setPresence`).
    /// `reason` overrides the configured Not Ready reason / pause code.
    pub fn request(
        &mut self,
        target: Side,
        state: Desired,
        reason: Option<&str>,
        now_ms: Option<u64>,
    ) -> Vec<Output> {
        let mut out = Vec::new();
        let mut commands = self.engine.host_request(target, state, reason, now_ms);
        self.push_commands(&mut commands, &mut out);
        out
    }

    /// Changes the sync mode.
    pub fn set_mode(&mut self, mode: Mode) {
        self.engine.set_mode(mode);
    }

    /// Everything the engine knows, plus the last sequence number issued.
    pub fn snapshot(&self) -> Snapshot {
        self.engine.snapshot()
    }

    /// The last `seq` issued (0 before any event).
    pub fn last_seq(&self) -> u64 {
        self.next_seq.saturating_sub(1)
    }

    /// Counters for diagnostics.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::command::{Cause, CommandStatus};
use crate::json_write::{key, JsonArray, JsonWriter, Name, ToJson};
use crate::model::AgentStateKind;

impl ToJson for Output {
    fn write_json(&self, w: &mut JsonWriter) {
        match self {
            Output::Event(e) => e.write_json(w),
            Output::Command(c) => c.write_json(w),
            Output::CrmRequest(r) => r.write_json(w),
        }
    }
}

/// A burst's outputs for the page, in a form it expands into the same
/// objects [`ToJson`] for [`Output`] writes with little JSON to parse:
/// numbers (tags, sequence numbers, ids, counts and string references) in
/// a list of `u32`s, and in one JSON array only the values that are neither
/// (`data`, wires, other outputs, strings the page does not hold yet).
///
/// The page keeps a table of strings per bridge: [`Compact::names`] (the
/// names of the enums an output holds, `null`, then [`Compact::SLOTS`]
/// places) made once, and the strings this writer sent into those places.
/// A string reference `r` is `table[r]`; [`Compact::INLINE`], the next JSON
/// value; `r >= `[`Compact::NEW`], the next JSON value, which the page also
/// puts at `table[r - NEW]` (so a string a burst repeats, as an agent's id
/// or a queue, is parsed once per bridge, not once per output).
///
/// Outputs, each a tag and its members in their written order (string
/// references unless said):
/// - `1, seq, source, state, agentId, vendorState, phoneNumber, n, queue × n,
///   data`: an agent state event with these members only (no
///   `reason`, `cause` or envelope; `queues` and `data` not empty), `kind`
///   `agentState` after `source`; `data` is `1, key, number` or `2, key,
///   string` for one member whose value is a number up to `u32::MAX` or a
///   string (made with a computed key: a key `__proto__` is a member, as
///   `JSON.parse` makes it), else `0` and the map as JSON;
/// - `2, id, target, source, state, cause`, `wire` as JSON, `status`: a
///   command without `detail` (`kind` `command` first); `3`: the same and
///   `detail` last;
/// - `4` and `5`: as `2` and `3`, the wire a CRM Connector
///   `requestSyncOmnichannel` given by its `statusId`'s reference (a string
///   without escapes: the sync engine's CRM commands);
/// - `0`: any other output (or a sequence number or id above `u32::MAX`),
///   as JSON.
///
/// The widget's `ingestTexts` writes it (`src/web`) and expands it in the
/// page before handing the outputs to the host.
pub struct Compact {
    /// The strings the page holds after the names, by place.
    held: Vec<Option<Box<str>>>,
    /// The places used since the last time a new string found both of its
    /// places used (a bit per place).
    used: u64,
}

/// The tags of [`Compact`].
mod compact_tag {
    pub const OBJECT: u32 = 0;
    pub const AGENT_STATE: u32 = 1;
    pub const COMMAND: u32 = 2;
    pub const COMMAND_DETAIL: u32 = 3;
    pub const CRM_SYNC: u32 = 4;
    pub const CRM_SYNC_DETAIL: u32 = 5;
    pub const DATA_JSON: u32 = 0;
    pub const DATA_NUMBER: u32 = 1;
    pub const DATA_STRING: u32 = 2;
}

/// The agent states in their declaration order (`state as u32`).
const STATES: [AgentStateKind; 6] = [
    AgentStateKind::LoggedOut,
    AgentStateKind::LoggedIn,
    AgentStateKind::Ready,
    AgentStateKind::NotReady,
    AgentStateKind::Busy,
    AgentStateKind::WrapUp,
];
const SIDES: [Side; 2] = [Side::Crm, Side::Cc];
const DESIRED: [Desired; 2] = [Desired::Ready, Desired::NotReady];
const CAUSES: [Cause; 5] = [
    Cause::Follow,
    Cause::Complement,
    Cause::Work,
    Cause::Restore,
    Cause::Host,
];
const STATUSES: [CommandStatus; 5] = [
    CommandStatus::Pending,
    CommandStatus::Confirmed,
    CommandStatus::Rejected,
    CommandStatus::Superseded,
    CommandStatus::NotSupported,
];

/// Every variant is in the lists above: a new one stops this compiling
/// until it is listed (its place is `as u32` into its list).
#[allow(dead_code)]
fn listed(
    state: AgentStateKind,
    side: Side,
    desired: Desired,
    cause: Cause,
    status: CommandStatus,
    source: Source,
) {
    use AgentStateKind as K;
    match (state, side, desired, cause, status, source) {
        (K::LoggedOut | K::LoggedIn | K::Ready | K::NotReady | K::Busy | K::WrapUp, ..) => {}
    }
    match (side, desired) {
        (Side::Crm | Side::Cc, Desired::Ready | Desired::NotReady) => {}
    }
    match cause {
        Cause::Follow | Cause::Complement | Cause::Work | Cause::Restore | Cause::Host => {}
    }
    match status {
        CommandStatus::Pending
        | CommandStatus::Confirmed
        | CommandStatus::Rejected
        | CommandStatus::Superseded
        | CommandStatus::NotSupported => {}
    }
    match source {
        Source::Openframe
        | Source::CrmConnector
        | Source::Agentdesktop
        | Source::Axp
        | Source::Xuc => {}
    }
}

/// The names of [`Source::ALL`], [`STATES`], [`SIDES`], [`DESIRED`],
/// [`CAUSES`] and [`STATUSES`] in that order, as their `ToJson` writes them
/// (a test compares), as the start of a JSON array.
const NAMES: &str = concat!(
    r#"["openframe","crm-connector","agentdesktop","axp","xuc","#,
    r#""loggedOut","loggedIn","ready","notReady","busy","wrapUp","#,
    r#""crm","cc","ready","notReady","#,
    r#""follow","complement","work","restore","host","#,
    r#""pending","confirmed","rejected","superseded","notSupported""#,
);

/// Where each enum's names start in the page's table, in [`Compact::names`]'
/// order.
const SOURCES_AT: u32 = 0;
const STATES_AT: u32 = SOURCES_AT + Source::ALL.len() as u32;
const SIDES_AT: u32 = STATES_AT + STATES.len() as u32;
const DESIRED_AT: u32 = SIDES_AT + SIDES.len() as u32;
const CAUSES_AT: u32 = DESIRED_AT + DESIRED.len() as u32;
const STATUSES_AT: u32 = CAUSES_AT + CAUSES.len() as u32;
const NULL_AT: u32 = STATUSES_AT + STATUSES.len() as u32;
/// The first place of a held string.
const HELD_AT: u32 = NULL_AT + 1;
/// The longest string held (longer ones are sent each time).
const HELD_LEN: usize = 64;

impl Default for Compact {
    fn default() -> Self {
        Compact::new()
    }
}

impl Compact {
    /// How many strings the page holds for a writer.
    pub const SLOTS: usize = 64;
    /// A reference to a string sent now and held at `r - NEW`.
    pub const NEW: u32 = 1 << 31;
    /// A reference to a string sent now and not held.
    pub const INLINE: u32 = u32::MAX;

    /// A writer whose page holds no string yet.
    pub fn new() -> Compact {
        Compact {
            // (Not `vec![None; n]`, which clones a `Box<str>`: its code.)
            held: std::iter::repeat_with(|| None)
                .take(Compact::SLOTS)
                .collect(),
            used: 0,
        }
    }

    /// The page's table as it starts, as JSON text: the names, `null`, and
    /// a `null` per place.
    pub fn names() -> String {
        let mut text = String::with_capacity(NAMES.len() + 5 * Compact::SLOTS + 8);
        text.push_str(NAMES);
        for _ in 0..=Compact::SLOTS {
            text.push_str(",null");
        }
        text.push(']');
        text
    }

    /// Forgets the strings sent: for a page whose table starts again.
    pub fn forget(&mut self) {
        self.held.iter_mut().for_each(|s| *s = None);
        self.used = 0;
    }

    /// Writes `outputs`: their numbers appended to `nums`, their JSON values
    /// as one JSON array to `w`.
    pub fn write(&mut self, outputs: &[Output], nums: &mut Vec<u32>, w: &mut JsonWriter) {
        w.items(|a| {
            for output in outputs {
                // (One place writes an output as its object: its writer is
                // inlined once.)
                if !self.compact(output, nums, a) {
                    nums.push(compact_tag::OBJECT);
                    a.item(output);
                }
            }
        });
    }

    /// Writes an output in one of the compact forms; `false` (nothing
    /// written) when it has none.
    fn compact(&mut self, output: &Output, nums: &mut Vec<u32>, a: &mut JsonArray<'_>) -> bool {
        use compact_tag::*;
        match output {
            Output::Event(Event {
                seq,
                source,
                body:
                    EventBody::AgentState {
                        state,
                        reason: None,
                        cause: None,
                        agent_id: Some(agent_id),
                        vendor_state: Some(vendor_state),
                        phone_number: Some(phone_number),
                        queues,
                        data,
                    },
                envelope,
            }) if envelope.is_empty() && !queues.is_empty() && !data.is_empty() => {
                let (Ok(seq), Ok(n)) = (u32::try_from(*seq), u32::try_from(queues.len())) else {
                    return false;
                };
                nums.extend_from_slice(&[
                    AGENT_STATE,
                    seq,
                    SOURCES_AT + *source as u32,
                    STATES_AT + *state as u32,
                ]);
                self.string(agent_id, nums, a);
                self.string(vendor_state, nums, a);
                self.string(phone_number, nums, a);
                nums.push(n);
                for queue in queues {
                    self.string(queue, nums, a);
                }
                self.data(data, nums, a);
                true
            }
            Output::Command(c) => {
                let Ok(id) = u32::try_from(c.id) else {
                    return false;
                };
                let crm = crm_sync_status(c.wire.as_text());
                let tag = match (crm.is_some(), c.detail.is_some()) {
                    (false, false) => COMMAND,
                    (false, true) => COMMAND_DETAIL,
                    (true, false) => CRM_SYNC,
                    (true, true) => CRM_SYNC_DETAIL,
                };
                nums.extend_from_slice(&[
                    tag,
                    id,
                    SIDES_AT + c.target as u32,
                    c.source.map_or(NULL_AT, |s| SOURCES_AT + s as u32),
                    DESIRED_AT + c.state as u32,
                    CAUSES_AT + c.cause as u32,
                ]);
                match crm {
                    Some(status) => self.string(status, nums, a),
                    None => {
                        a.item(&c.wire);
                    }
                }
                nums.push(STATUSES_AT + c.status as u32);
                if let Some(detail) = &c.detail {
                    self.string(detail, nums, a);
                }
                true
            }
            _ => false,
        }
    }

    /// An agent state's `data`: one member whose value is a number up to
    /// `u32::MAX` or a string, by its key's reference and its value
    /// (`DATA_NUMBER` and the number, `DATA_STRING` and its reference), else
    /// `DATA_JSON` and the map in `a`.
    fn data(&mut self, data: &Map<String, Value>, nums: &mut Vec<u32>, a: &mut JsonArray<'_>) {
        use compact_tag::*;
        let mut members = data.iter();
        if let (Some((key, value)), None) = (members.next(), members.next()) {
            match value {
                Value::Number(n) => {
                    if let Some(n) = n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                        nums.push(DATA_NUMBER);
                        self.string(key, nums, a);
                        nums.push(n);
                        return;
                    }
                }
                Value::String(text) => {
                    nums.push(DATA_STRING);
                    self.string(key, nums, a);
                    self.string(text, nums, a);
                    return;
                }
                _ => {}
            }
        }
        nums.push(DATA_JSON);
        a.item(data);
    }

    /// A string's reference, and the string in `a` unless the page holds it.
    /// A string may be held at either of two places (so that two strings a
    /// burst repeats do not keep taking one place from each other); a new
    /// one takes the place not used since the last time both were.
    fn string(&mut self, s: &str, nums: &mut Vec<u32>, a: &mut JsonArray<'_>) {
        let places = places_of(s);
        for place in places {
            if let Some(Some(held)) = self.held.get(place) {
                if **held == *s {
                    self.used |= 1 << place;
                    nums.push(HELD_AT + place as u32);
                    return;
                }
            }
        }
        let [first, second] = places;
        let place = if self.used & (1 << first) == 0 {
            first
        } else if self.used & (1 << second) == 0 {
            second
        } else {
            self.used &= !(1 << second);
            first
        };
        match self.held.get_mut(place) {
            Some(slot) if s.len() <= HELD_LEN => {
                *slot = Some(s.into());
                self.used |= 1 << place;
                nums.push(Compact::NEW | (HELD_AT + place as u32));
            }
            _ => nums.push(Compact::INLINE),
        }
        a.item(s);
    }
}

const _: () = assert!(Compact::SLOTS <= 64, "`Compact::used` has a bit per place");

/// The two places a string may be held at: its length, its first 8 bytes
/// and its last byte mixed, two 6-bit parts of the product (an agent's id,
/// states, numbers and queues fall apart).
fn places_of(s: &str) -> [usize; 2] {
    let bytes = s.as_bytes();
    let head = match bytes.get(..8) {
        Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) => {
            u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7])
        }
        _ => bytes.iter().rev().fold(0u64, |x, &b| x << 8 | u64::from(b)),
    };
    let last = u64::from(bytes.last().copied().unwrap_or(0));
    let x =
        (head ^ ((bytes.len() as u64) << 56) ^ (last << 48)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let place = |shift: u32| (x >> shift) as usize % Compact::SLOTS;
    [place(58), place(52)]
}

/// The `statusId` of a CRM Connector `requestSyncOmnichannel` wire (as
/// its codec writes it), when it is a string without escapes.
fn crm_sync_status(wire: &str) -> Option<&str> {
    let (head, tail) = crate::codec::crm_connector::SYNC_OMNICHANNEL_TEXT;
    let status = wire.strip_prefix(head)?.strip_suffix(tail)?;
    let inner = status.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.bytes().any(|b| b == b'"' || b == b'\\')).then_some(inner)
}

impl ToJson for CrmRequest {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field(key!("kind"), &Name("\"crmRequest\""))
                .field(key!("target"), &self.target)
                .field(key!("source"), &self.source)
                .field(key!("wire"), &self.wire);
        });
    }
}

impl ToJson for Stats {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("received", &self.received)
                .field("events", &self.events)
                .field("errors", &self.errors)
                .field("duplicates", &self.duplicates)
                .field("commands", &self.commands);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{parse_text, JsonParser, MAX_DEPTH};
    use crate::sync::Mode;

    /// A deep message is refused either way: by the text parse for a
    /// converted message (not walked again), by the depth walk for a value.
    #[test]
    fn a_too_deep_message_is_refused_and_counted_on_both_paths() {
        let deep = format!(
            r#"{{"msgType":"AgentStateEvent","ctiMessage":{}{}}}"#,
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        let mut bridge = Bridge::new(Mode::Synchronized, Config::default());
        let mut out = Vec::new();
        let converted = parse_text(&deep, JsonParser::BUILT_IN);
        let e = bridge
            .ingest_converted_into(Source::Xuc, converted, Some(1), &mut out)
            .expect_err("too deep");
        assert_eq!(e, DecodeError::TooDeep { limit: MAX_DEPTH });
        let value: Value = serde_json::from_str(&deep).expect("serde_json has no such limit here");
        let e = bridge
            .ingest(Source::Xuc, &value, Some(2))
            .expect_err("too deep");
        assert_eq!(e, DecodeError::TooDeep { limit: MAX_DEPTH });
        assert!(out.is_empty());
        assert_eq!(bridge.stats().received.get(Source::Xuc), 2);
        assert_eq!(bridge.stats().errors.get(e.code()), 2);
    }

    /// Every source decodes a converted message as `ingest` does.
    #[test]
    fn converted_messages_decode_as_values_do_for_every_source() {
        let texts = [
            (
                Source::Xuc,
                r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":19,"phoneNb":"1000","since":0,"queues":[1],"cause":""}}"#,
            ),
            (Source::Xuc, r#"{"msgType":"Nope"}"#),
            (
                Source::CrmConnector,
                r#"{"type":"CRMConnectMessage","action":"nope"}"#,
            ),
            (Source::Openframe, r#"{"type":"x"}"#),
            (Source::Agentdesktop, r#"{"type":"x"}"#),
            (Source::Axp, r#"{"type":"x"}"#),
        ];
        for (source, text) in texts {
            let value = parse_text(text, JsonParser::BUILT_IN).expect("JSON");
            let mut a = Bridge::new(Mode::Synchronized, Config::default());
            let mut b = Bridge::new(Mode::Synchronized, Config::default());
            let mut out = Vec::new();
            let converted = b.ingest_converted_into(source, Ok(value.clone()), Some(1), &mut out);
            match a.ingest(source, &value, Some(1)) {
                Ok(expected) => assert_eq!((converted, out), (Ok(()), expected), "{text}"),
                Err(e) => assert_eq!(converted, Err(e), "{text}"),
            }
            assert_eq!(a.stats(), b.stats());
        }
    }

    /// Only a `requestSyncOmnichannel` wire with a plain string `statusId`
    /// is written by its status alone.
    /// The page's table starts with each enum's names as their own writers
    /// write them, at the places `Compact` refers to.
    #[test]
    fn compact_names_are_the_enums_names_in_place() {
        let mut w = JsonWriter::text(String::new());
        w.items(|a| {
            for s in Source::ALL {
                a.item(&s);
            }
            for s in STATES {
                a.item(&s);
            }
            for s in SIDES {
                a.item(&s);
            }
            for s in DESIRED {
                a.item(&s);
            }
            for s in CAUSES {
                a.item(&s);
            }
            for s in STATUSES {
                a.item(&s);
            }
            a.item(&Value::Null);
        });
        let written = w.into_text();
        let names = Compact::names();
        let table: Vec<Value> = serde_json::from_str(&names).unwrap();
        assert_eq!(table.len(), HELD_AT as usize + Compact::SLOTS);
        let start = format!("{NAMES},null,");
        assert!(names.starts_with(&start), "{names}");
        assert_eq!(format!("{NAMES},null]"), written);
        // Each enum's value `as u32` is its place in its list.
        assert!(Source::ALL
            .iter()
            .enumerate()
            .all(|(i, s)| *s as usize == i));
        assert!(STATES.iter().enumerate().all(|(i, s)| *s as usize == i));
        assert!(SIDES.iter().enumerate().all(|(i, s)| *s as usize == i));
        assert!(DESIRED.iter().enumerate().all(|(i, s)| *s as usize == i));
        assert!(CAUSES.iter().enumerate().all(|(i, s)| *s as usize == i));
        assert!(STATUSES.iter().enumerate().all(|(i, s)| *s as usize == i));
        assert_eq!(table[NULL_AT as usize], Value::Null);
        assert_eq!(table[STATUSES_AT as usize], "pending");
    }

    #[test]
    fn crm_sync_wires_are_told_by_their_whole_text() {
        let wire = |status: &str| {
            format!(
                r#"{{"action":"requestSyncOmnichannel","data":{{"statusId":{status},"success":true}},"type":"CRMConnectMessage"}}"#
            )
        };
        // (The string itself: the text between the quotes, no escapes.)
        assert_eq!(crm_sync_status(&wire(r#""Busy""#)), Some("Busy"));
        assert_eq!(
            crm_sync_status(&wire(r#""0N1;Online""#)),
            Some("0N1;Online")
        );
        assert_eq!(crm_sync_status(&wire(r#""""#)), Some(""));
        for status in [
            r#""a"b""#,
            r#""a\b""#,
            "7",
            "null",
            r#""a","x":"b""#,
            r#"""#,
        ] {
            assert_eq!(crm_sync_status(&wire(status)), None, "{status}");
        }
        let other = wire(r#""Busy""#).replace("true", "false");
        assert_eq!(crm_sync_status(&other), None);
        assert_eq!(crm_sync_status("null"), None);
    }

    /// Only AXP events carry a vendor event id, so a build without AXP has
    /// no duplicate filter (`ingest_decoded`): every fixture of the other
    /// sources decodes without one; AXP's do carry one. Likewise only
    /// OpenFrame and AgentDesktop make work items, only AXP participants,
    /// transfers and channel-ready events (`model::WORK_ITEMS`, `AXP`).
    #[test]
    fn what_a_build_without_a_source_never_sees() {
        let fixtures = [
            (
                Source::Xuc,
                include_str!("../../../tests/fixtures/xuc.jsonl"),
            ),
            (
                Source::CrmConnector,
                include_str!("../../../tests/fixtures/crm-connector.jsonl"),
            ),
            (
                Source::Openframe,
                include_str!("../../../tests/fixtures/openframe.jsonl"),
            ),
            (
                Source::Agentdesktop,
                include_str!("../../../tests/fixtures/agentdesktop.jsonl"),
            ),
            (
                Source::Axp,
                include_str!("../../../tests/fixtures/axp.jsonl"),
            ),
        ];
        let config = Config::default();
        let (mut axp_ids, mut work_items) = (0, 0);
        for (source, lines) in fixtures {
            for line in lines.lines().filter(|l| !l.trim().is_empty()) {
                let Ok(raw) = parse_text(line, JsonParser::BUILT_IN) else {
                    continue;
                };
                let Ok(decoded) = codec::decode(source, &raw, &config.decode) else {
                    continue;
                };
                let servicenow = matches!(source, Source::Openframe | Source::Agentdesktop);
                assert!(
                    servicenow
                        || !decoded
                            .bodies
                            .iter()
                            .any(|b| matches!(b, EventBody::WorkItem { .. })),
                    "{source:?} {line}"
                );
                work_items += decoded
                    .bodies
                    .iter()
                    .filter(|b| matches!(b, EventBody::WorkItem { .. }))
                    .count();
                assert!(
                    source == Source::Axp
                        || !decoded.bodies.iter().any(|b| matches!(
                            b,
                            EventBody::Participant { .. }
                                | EventBody::Transfer { .. }
                                | EventBody::ChannelReady { .. }
                        )),
                    "{source:?} {line}"
                );
                if source == Source::Axp {
                    axp_ids += usize::from(decoded.event_id.is_some());
                } else {
                    assert_eq!(decoded.event_id, None, "{source:?} {line}");
                }
            }
        }
        assert!(axp_ids > 0 && work_items > 0);
    }

    /// A text runs through `ingest_text_into` (the xuc fast path where it
    /// applies) as its parsed value through `ingest_converted_into`: same
    /// outputs, errors and counters, message after message.
    #[test]
    fn texts_ingest_as_their_parsed_values_do() {
        let mut texts: Vec<&str> = include_str!("../../../tests/fixtures/xuc.jsonl")
            .lines()
            .collect();
        texts.extend([
            r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":19,"phoneNb":"1000","since":0,"queues":[1,4],"cause":""}}"#,
            r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":19,"phoneNb":"1000","since":0,"queues":[1,4],"cause":""}}"#,
            r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentOnPause","agentId":19,"cause":"lunch"}}"#,
            r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"Nope"}}"#,
            r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady""#,
            r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":1.5}}"#,
        ]);
        // Then the bench's two texts, 20 s apart: every pending command
        // times out (the engine's tick before each event).
        let n = texts.len();
        let later: Vec<&str> = [texts[n - 6], texts[n - 4]].repeat(3);
        texts.extend(later);
        let mut a = Bridge::new(Mode::Synchronized, Config::default());
        let mut b = Bridge::new(Mode::Synchronized, Config::default());
        let mut timed_out = 0;
        for (at, text) in texts.iter().enumerate() {
            let at = at as u64;
            let now = Some(if at < n as u64 {
                at * 1000
            } else {
                at * 20_000
            });
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            let x = a.ingest_text_into(Source::Xuc, text, now, &mut fast);
            let raw = parse_text(text, JsonParser::BUILT_IN);
            let y = b.ingest_converted_into(Source::Xuc, raw, now, &mut general);
            timed_out += fast
                .iter()
                .filter(|o| matches!(o, Output::Command(c) if c.status == crate::command::CommandStatus::Rejected))
                .count();
            assert_eq!((x, fast), (y, general), "{text}");
            assert_eq!(a.stats(), b.stats());
        }
        assert!(timed_out > 0, "a command timed out on the way");
        assert_eq!(a.snapshot(), b.snapshot());
    }
}
