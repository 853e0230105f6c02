//! One agent, many tabs: the widget instances of one agent in one browser
//! (same widget origin, same storage partition) share one contact-centre
//! connection. A pure state machine, tested natively; the browser edge
//! (`src/web/tabs.rs`) owns the Web Locks and the `BroadcastChannel`.
//!
//! - **Election**: every tab asks for the lock [`Scope::leader_lock`]; the
//!   browser grants it to one tab and keeps it for the tab's life (released
//!   when the tab closes or crashes), then to the next waiting tab. Every tab
//!   also holds its own [`Scope::tab_lock`] for its life: a query of the
//!   held locks counts the tabs (crash-proof) and ties the leader lock to a
//!   tab id (the same client holds both), so a page that merely *says* it
//!   leads on the channel is not believed ([`Tabs::on_locks`]).
//! - **One connection**: only the leader starts the live client
//!   ([`TabEffect::StartClient`]). Its numbered events are relayed on the
//!   channel ([`Tabs::on_leader_event`]); followers push them into their own
//!   host stream in the leader's order, once each (dedupe by the leader's
//!   epoch and `seq`), a hole reported as a `gap`.
//! - **Commands**: a follower's `setAgentState` / `setPresence` /
//!   `ccCommand` and its CRM's reports go to the leader with a per-tab
//!   request id ([`Tabs::forward`]); the leader carries them out
//!   ([`TabEffect::Run`]) and replies when the outcome is known; the follower
//!   answers its host ([`TabEffect::Answer`]). A leader lost with requests
//!   outstanding: each is answered with an error and a `gap` event says how
//!   many: never silent, never run twice (the new leader never re-runs them).
//! - **Messages** are versioned ([`TABS_VERSION`]), bounded and validated
//!   (they come through the edge's inbound guard first); a malformed or
//!   foreign one is dropped and counted ([`TabsDropped`]).
//!
//! - **Once, not N times**: every tab reports whether it is visible and
//!   focused ([`Tabs::on_view`]); the leader sends a screen pop to the one
//!   tab [`screen_pop_tab`] picks ([`Tabs::pop_here`]) and writes the
//!   interaction logs itself (its CRM only: followers see them as events).
//!
//! Secrets never travel here: a new leader's live client asks its own host
//! page for credentials.

use crate::bridge::Output;
use crate::channel::{ErrorCode, EventText, RequestError};
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error as FieldError;
use crate::command::Desired;
use crate::keyed::Ids;
use crate::model::{EventBody, Side};
use serde::de::Error as _;
use serde::Deserialize;
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::VecDeque;

#[cfg(test)]
mod golden_tests;
#[cfg(test)]
mod tests;

/// Version of the messages between tabs.
pub const TABS_VERSION: u32 = 1;
/// Events from a claimed leader kept until the claim is verified.
pub const UNVERIFIED_KEPT: usize = 256;
/// Requests a follower may have outstanding at the leader.
pub const FORWARDS_KEPT: usize = 64;
/// Longest tab id accepted.
const MAX_TAB_ID: usize = 64;

/// How the widget instances of one agent share the contact centre
/// (widget config `multiTab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum MultiTab {
    /// One connection, led by one tab (the default).
    #[default]
    Shared,
    /// Every tab its own connection (the behaviour before multi-tab).
    Independent,
}

crate::codec::fields::by_name!(
    MultiTab,
    &["shared", "independent"],
    &[MultiTab::Shared, MultiTab::Independent]
);

/// The names of the locks and the channel of one agent's tabs. They derive
/// from the widget's own configuration (the contact-centre kind and its
/// identity), never from a value the host page chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(String);

impl Scope {
    /// From the configured contact centre (`{kind, ...}` of widget config
    /// `contactCentre`): its kind and the fields that say which agent on
    /// which server (xuc `baseUrl` + `agentId` / `login`; AXP `restBase` +
    /// `accountId` + `agentId`), hashed. `None` without a contact centre.
    pub fn from_contact_centre(cc: &Value) -> Option<Scope> {
        let kind = cc.get("kind").and_then(Value::as_str)?;
        if !matches!(kind, "xuc" | "axp") {
            return None;
        }
        let mut identity = String::new();
        for key in ["baseUrl", "restBase", "accountId", "agentId", "login"] {
            if let Some(v) = cc.get(key) {
                identity.push_str(key);
                identity.push('=');
                identity.push_str(&crate::json_write::to_string(v));
                identity.push(';');
            }
        }
        Some(Scope(format!(
            "cti-bridge/tabs/v{TABS_VERSION}/{kind}/{:016x}",
            fnv1a(&identity)
        )))
    }

    /// The `BroadcastChannel` name.
    pub fn channel(&self) -> String {
        self.0.clone()
    }

    /// The election lock.
    pub fn leader_lock(&self) -> String {
        format!("{}/leader", self.0)
    }

    /// The lock one tab holds for its life.
    pub fn tab_lock(&self, tab: &str) -> String {
        format!("{}/tab/{tab}", self.0)
    }

    /// The machine's view of the held locks (`navigator.locks.query()`'s
    /// `held`, read by the edge as `[[name, clientId], ...]`; anything else
    /// is skipped): the tab locks held, and the tab whose lock the election
    /// lock's holder also holds.
    pub fn locks_view(&self, held: &Value) -> LocksView {
        // `[name, clientId]` pairs, read in place.
        fn pair(lock: &Value) -> Option<(&str, &str)> {
            Some((lock.get(0)?.as_str()?, lock.get(1)?.as_str()?))
        }
        let held = held.as_array().map(Vec::as_slice).unwrap_or_default();
        let leader_lock = self.leader_lock();
        let mut leader_client = None;
        for lock in held {
            match pair(lock) {
                Some((name, client)) if name == leader_lock => {
                    leader_client = Some(client);
                    break;
                }
                _ => {}
            }
        }
        let mut view = LocksView::default();
        for lock in held {
            let Some((name, client)) = pair(lock) else {
                continue;
            };
            if let Some(tab) = self.tab_of(name) {
                if leader_client == Some(client) {
                    view.leader = Some(tab.to_owned());
                }
                view.tabs.push(tab.to_owned());
            }
        }
        view
    }

    /// The tab id in a held lock's name, when it is one of this scope's tab locks.
    pub fn tab_of<'a>(&self, lock: &'a str) -> Option<&'a str> {
        lock.strip_prefix(self.0.as_str())?
            .strip_prefix("/tab/")
            .filter(|id| valid_tab_id(id))
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn valid_tab_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_TAB_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// This tab's part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum Role {
    /// Holds the contact-centre connection.
    Leader,
    /// Relays through the leader.
    Follower,
}

/// What `bridge.tabs()` returns and the `tabs` event carries.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct TabsInfo {
    /// This tab's role.
    pub role: Role,
    /// How many widget tabs of this agent are open (at least 1).
    pub count: usize,
    /// When the current leader took the lead (ms since the epoch), if known.
    pub leader_since: Option<u64>,
}

/// Messages between tabs refused, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct TabsDropped {
    /// Not a valid message (shape, size, ids), or refused by the guard.
    pub malformed: u64,
    /// Another version of these messages.
    pub version: u64,
    /// Valid, but from a tab that has no right to say it (an unverified
    /// leader, a reply for another request, a call to a follower).
    pub foreign: u64,
    /// Events seen already (same leader, same `seq`).
    pub duplicate: u64,
}

/// A call a follower has the leader carry out.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)
)]
pub enum Forward {
    /// `setAgentState` (target `cc`) or `setPresence` (target `crm`).
    SetState {
        /// The side to change.
        target: Side,
        /// The state wanted.
        desired: Desired,
        /// A reason / pause code.
        #[cfg_attr(any(test, feature = "ts"), serde(default))]
        reason: Option<String>,
    },
    /// One typed contact-centre command.
    CcCommand {
        /// Its name.
        name: String,
        /// Its arguments.
        #[cfg_attr(any(test, feature = "ts"), serde(default))]
        args: Vec<Value>,
    },
    /// A report of the follower's CRM (a CRM Connector envelope): the CRM
    /// in every tab is a sensor for the one engine.
    Crm {
        /// The envelope.
        msg: Value,
    },
}

impl Forward {
    /// Whether the follower waits for the leader's reply.
    pub fn answered(&self) -> bool {
        !matches!(self, Forward::Crm { .. })
    }
}

/// One message on the tabs channel. Read by hand ([`Wire`]): a derived
/// internally tagged enum cost about 50 KB of wasm (bench/README.md).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(tag = "t", rename_all = "camelCase", deny_unknown_fields)
)]
pub enum TabMessage {
    /// A tab started (or asks who leads).
    Hello {
        /// Version.
        v: u32,
        /// The sender.
        tab: String,
    },
    /// The sender holds the election lock since `since`.
    Lead {
        /// Version.
        v: u32,
        /// The leader.
        tab: String,
        /// Id of the leader's event numbering.
        epoch: String,
        /// When it took the lead (ms since the epoch).
        since: u64,
        /// Its last event's `seq`.
        seq: u64,
        /// Open tabs, as the leader counts them.
        count: usize,
    },
    /// One numbered event of the leader's stream.
    Event {
        /// Version.
        v: u32,
        /// The leader.
        tab: String,
        /// Its numbering.
        epoch: String,
        /// Position in it.
        seq: u64,
        /// The event.
        event: Value,
    },
    /// A follower's call for the leader.
    Call {
        /// Version.
        v: u32,
        /// The follower.
        tab: String,
        /// The follower's id for it.
        rid: u64,
        /// What to do.
        call: Forward,
    },
    /// The leader's outcome of a call.
    Reply {
        /// Version.
        v: u32,
        /// The leader.
        tab: String,
        /// The follower it answers.
        to: String,
        /// The call's id.
        rid: u64,
        /// The outcome on success.
        #[cfg_attr(any(test, feature = "ts"), serde(default))]
        result: Option<Value>,
        /// Why it failed.
        #[cfg_attr(any(test, feature = "ts"), serde(default))]
        error: Option<ReplyError>,
    },
    /// The sender's page: shown, focused, and when it last became either.
    View {
        /// Version.
        v: u32,
        /// The sender.
        tab: String,
        /// `document.visibilityState == "visible"`.
        visible: bool,
        /// The widget frame has the focus.
        focused: bool,
        /// When it was last shown or focused (ms since the epoch).
        active_at: u64,
    },
    /// The leader's state, for the followers' `snapshot` requests.
    State {
        /// Version.
        v: u32,
        /// The leader.
        tab: String,
        /// Its sync engine's snapshot.
        snapshot: Value,
        /// Its live client's `{source, health}`.
        cc: Value,
        /// Its last `ccHealth` event (a tab that joins gets it once).
        #[cfg_attr(any(test, feature = "ts"), serde(default))]
        health: Option<Value>,
    },
    /// The leader hands a screen pop to the one tab that opens it.
    Pop {
        /// Version.
        v: u32,
        /// The leader.
        tab: String,
        /// The tab that opens it.
        to: String,
        /// The leader's output (a `screenPop` event or a `crmRequest` pop), as JSON.
        event: Value,
    },
    /// The sender is closing.
    Bye {
        /// Version.
        v: u32,
        /// The sender.
        tab: String,
    },
}

/// A request error as it travels between tabs.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(deny_unknown_fields))]
pub struct ReplyError {
    /// [`ErrorCode`], as its JSON name.
    pub code: String,
    /// Why.
    pub message: String,
}

impl<'de> Deserialize<'de> for Forward {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

impl Wire for Forward {
    const EXPECTED: &'static str = "internally tagged enum Forward";
    fn read(o: Fields) -> Result<Self, FieldError> {
        Ok(match o.str(&["op"])? {
            "setState" => {
                o.only(&["op", "target", "desired", "reason"])?;
                Forward::SetState {
                    target: o.req(&["target"], fields::named)?,
                    desired: o.req(&["desired"], fields::named)?,
                    reason: o
                        .get(&["reason"], |v| fields::opt(v, fields::text))?
                        .flatten(),
                }
            }
            "ccCommand" => {
                o.only(&["op", "name", "args"])?;
                let name = o.str(&["name"])?;
                Forward::CcCommand {
                    args: o.get(&["args"], fields::any_list)?.unwrap_or_default(),
                    name: name.into(),
                }
            }
            "crm" => {
                o.only(&["op", "msg"])?;
                Forward::Crm {
                    msg: o.value_ref("msg")?.clone(),
                }
            }
            other => {
                return Err(FieldError::unknown_variant(
                    other,
                    &["setState", "ccCommand", "crm"],
                ))
            }
        })
    }
}

impl<'de> Deserialize<'de> for TabMessage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

/// The kinds of [`TabMessage`] (its `t`).
#[derive(Clone, Copy)]
enum Kind {
    Hello,
    Lead,
    Event,
    Call,
    Reply,
    View,
    State,
    Pop,
    Bye,
}

/// Each kind's `t`, and the fields it may have.
const KINDS: [(&str, Kind, &[&str]); 9] = [
    ("hello", Kind::Hello, &["t", "v", "tab"]),
    (
        "lead",
        Kind::Lead,
        &["t", "v", "tab", "epoch", "since", "seq", "count"],
    ),
    (
        "event",
        Kind::Event,
        &["t", "v", "tab", "epoch", "seq", "event"],
    ),
    ("call", Kind::Call, &["t", "v", "tab", "rid", "call"]),
    (
        "reply",
        Kind::Reply,
        &["t", "v", "tab", "to", "rid", "result", "error"],
    ),
    (
        "view",
        Kind::View,
        &["t", "v", "tab", "visible", "focused", "active_at"],
    ),
    (
        "state",
        Kind::State,
        &["t", "v", "tab", "snapshot", "cc", "health"],
    ),
    ("pop", Kind::Pop, &["t", "v", "tab", "to", "event"]),
    ("bye", Kind::Bye, &["t", "v", "tab"]),
];

impl Wire for TabMessage {
    const EXPECTED: &'static str = "internally tagged enum TabMessage";
    /// Checks the kind's fields, reads the header every kind has (`v`,
    /// `tab`: once, not per kind), then the kind's own fields, in the order
    /// a derive read them. Texts and values are borrowed until every field
    /// has been read (a failing field has nothing read before it to drop).
    fn read(o: Fields) -> Result<Self, FieldError> {
        let t = o.str(&["t"])?;
        let Some(&(_, kind, known)) = KINDS.iter().find(|(name, _, _)| *name == t) else {
            return Err(FieldError::unknown_variant(
                t,
                &[
                    "hello", "lead", "event", "call", "reply", "view", "state", "pop", "bye",
                ],
            ));
        };
        o.only(known)?;
        let v = o.req(&["v"], fields::small::<u32>)?;
        let tab = o.str(&["tab"])?;
        let u64_at = |name: &'static str| o.req(&[name], fields::unsigned);
        Ok(match kind {
            Kind::Hello => TabMessage::Hello { v, tab: tab.into() },
            Kind::Lead => {
                let epoch = o.str(&["epoch"])?;
                let since = u64_at("since")?;
                let seq = u64_at("seq")?;
                let count = o.req(&["count"], fields::small::<usize>)?;
                TabMessage::Lead {
                    v,
                    tab: tab.into(),
                    epoch: epoch.into(),
                    since,
                    seq,
                    count,
                }
            }
            Kind::Event => {
                let epoch = o.str(&["epoch"])?;
                let seq = u64_at("seq")?;
                let event = o.value_ref("event")?;
                TabMessage::Event {
                    v,
                    tab: tab.into(),
                    epoch: epoch.into(),
                    seq,
                    event: event.clone(),
                }
            }
            Kind::Call => {
                let rid = u64_at("rid")?;
                TabMessage::Call {
                    v,
                    rid,
                    call: o.req(&["call"], fields::wire)?,
                    tab: tab.into(),
                }
            }
            Kind::Reply => {
                let to = o.str(&["to"])?;
                let rid = u64_at("rid")?;
                let result = o.opt_value("result");
                TabMessage::Reply {
                    v,
                    rid,
                    error: o.opt_wire(&["error"])?,
                    tab: tab.into(),
                    to: to.into(),
                    result: result.cloned(),
                }
            }
            Kind::View => TabMessage::View {
                v,
                visible: o.req(&["visible"], fields::flag)?,
                focused: o.req(&["focused"], fields::flag)?,
                active_at: u64_at("active_at")?,
                tab: tab.into(),
            },
            Kind::State => {
                let snapshot = o.value_ref("snapshot")?;
                let cc = o.value_ref("cc")?;
                TabMessage::State {
                    v,
                    tab: tab.into(),
                    snapshot: snapshot.clone(),
                    cc: cc.clone(),
                    health: o.opt_value("health").cloned(),
                }
            }
            Kind::Pop => {
                let to = o.str(&["to"])?;
                let event = o.value_ref("event")?;
                TabMessage::Pop {
                    v,
                    tab: tab.into(),
                    to: to.into(),
                    event: event.clone(),
                }
            }
            Kind::Bye => TabMessage::Bye { v, tab: tab.into() },
        })
    }
}

impl Wire for ReplyError {
    const EXPECTED: &'static str = "struct ReplyError";
    fn read(o: Fields) -> Result<Self, FieldError> {
        o.only(&["code", "message"])?;
        Ok(ReplyError {
            code: o.text(&["code"])?,
            message: o.text(&["message"])?,
        })
    }
}

impl TabMessage {
    /// Its `t`.
    fn kind(&self) -> &'static str {
        match self {
            TabMessage::Hello { .. } => "hello",
            TabMessage::Lead { .. } => "lead",
            TabMessage::Event { .. } => "event",
            TabMessage::Call { .. } => "call",
            TabMessage::Reply { .. } => "reply",
            TabMessage::View { .. } => "view",
            TabMessage::State { .. } => "state",
            TabMessage::Pop { .. } => "pop",
            TabMessage::Bye { .. } => "bye",
        }
    }

    fn version(&self) -> u32 {
        match self {
            TabMessage::Hello { v, .. }
            | TabMessage::Lead { v, .. }
            | TabMessage::Event { v, .. }
            | TabMessage::Call { v, .. }
            | TabMessage::Reply { v, .. }
            | TabMessage::View { v, .. }
            | TabMessage::State { v, .. }
            | TabMessage::Pop { v, .. }
            | TabMessage::Bye { v, .. } => *v,
        }
    }

    fn tab(&self) -> &str {
        match self {
            TabMessage::Hello { tab, .. }
            | TabMessage::Lead { tab, .. }
            | TabMessage::Event { tab, .. }
            | TabMessage::Call { tab, .. }
            | TabMessage::Reply { tab, .. }
            | TabMessage::View { tab, .. }
            | TabMessage::State { tab, .. }
            | TabMessage::Pop { tab, .. }
            | TabMessage::Bye { tab, .. } => tab,
        }
    }
}

/// What the held locks say (from `navigator.locks.query()`, read by the edge).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocksView {
    /// The tab whose tab lock is held by the same client as the leader lock.
    pub leader: Option<String>,
    /// Every tab whose tab lock is held.
    pub tabs: Vec<String>,
}

/// Something for the edge to carry out, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum TabEffect {
    /// Post this message on the tabs channel.
    Broadcast(TabMessage),
    /// Follower: push this leader event into the own host stream.
    Relay(Value),
    /// Push this event of the tabs' own (`tabs`, `gap`) into the host stream.
    HostEvent(Value),
    /// Leader: carry out a call; a reply is owed to `from` when given.
    Run {
        /// The call.
        call: Forward,
        /// The follower and its request id.
        from: Option<(String, u64)>,
    },
    /// Follower: answer the own host's request.
    Answer {
        /// The host's request id.
        request: u64,
        /// The outcome.
        result: Result<Value, RequestError>,
    },
    /// Became leader: start the live contact-centre client.
    StartClient,
    /// The leader chose this tab for a screen pop: deliver this output
    /// (JSON) to the own host (a `crmRequest` also to its CRM).
    Pop(Value),
    /// Leader: send the followers its state ([`Tabs::on_leader_state`]).
    SendState,
    /// Read the held locks and report them to [`Tabs::on_locks`].
    QueryLocks,
}

/// An event of a claimed leader kept until the claim is verified: epoch, seq, event.
type Held = (String, u64, Value);

/// The tabs state machine of one widget instance.
#[derive(Debug)]
pub struct Tabs {
    me: String,
    role: Role,
    since: Option<u64>,
    /// The verified leader (another tab) and its epoch.
    leader: Option<String>,
    /// A leader claim not yet verified by the locks: its tab and its events.
    claimed: Option<(String, VecDeque<Held>)>,
    /// When the claimed leader says it took the lead.
    since_claimed: Option<u64>,
    /// The tabs whose tab lock was held at the last look.
    known: Vec<String>,
    /// Leader: calls from a tab not (yet) seen holding its tab lock.
    unknown_calls: Vec<(String, u64, Forward)>,
    /// The leader stream seen last: its epoch and `seq`.
    last: Option<(String, u64)>,
    count: usize,
    /// Follower: calls outstanding at the leader: rid -> host request.
    forwarded: Ids<u64>,
    next_rid: u64,
    /// Leader: command id -> the follower and rid owed a reply.
    owed: Ids<(String, u64)>,
    /// Leader: this tab's epoch and the last seq relayed.
    epoch: String,
    relayed: u64,
    reported: Option<TabsInfo>,
    dropped: TabsDropped,
    /// Where screen pops open.
    pop_target: PopTarget,
    /// This tab's page, as [`Tabs::on_view`] last said.
    my_view: (bool, bool, u64),
    /// The other tabs' pages, as their `view` messages said (a `Vec`:
    /// a handful of tabs, and no extra map code in the widget).
    views: Vec<TabView>,
    /// Follower: the leader's last state: snapshot and live client.
    leader_state: Option<(Value, Value)>,
    /// The claimed leader's state, until the claim is verified.
    claimed_state: Option<(Value, Value, Option<Value>)>,
    /// Follower: the leader whose `ccHealth` this host has.
    health_from: Option<String>,
    /// Leader: its last `ccHealth` event.
    last_health: Option<Value>,
    /// The other tabs heard from on the channel (bounded), until they say
    /// `bye` or their tab lock, once seen, is gone: with the count of tab
    /// locks, whether anyone listens to the leader's stream.
    heard: Vec<String>,
    effects: Vec<TabEffect>,
}

impl Tabs {
    /// A tab `me` (a random id) of the widget whose event numbering is `epoch`.
    /// It is a follower until the edge reports the election lock granted.
    pub fn new(me: String, epoch: String) -> Tabs {
        let mut tabs = Tabs {
            me,
            role: Role::Follower,
            since: None,
            leader: None,
            claimed: None,
            since_claimed: None,
            known: Vec::new(),
            unknown_calls: Vec::new(),
            last: None,
            count: 1,
            forwarded: Ids::new(),
            next_rid: 1,
            owed: Ids::new(),
            epoch,
            relayed: 0,
            reported: None,
            dropped: TabsDropped::default(),
            pop_target: PopTarget::default(),
            my_view: (false, false, 0),
            views: Vec::new(),
            leader_state: None,
            claimed_state: None,
            health_from: None,
            last_health: None,
            heard: Vec::new(),
            effects: Vec::new(),
        };
        let hello = TabMessage::Hello {
            v: TABS_VERSION,
            tab: tabs.me.clone(),
        };
        tabs.emit(TabEffect::Broadcast(hello));
        tabs.emit(TabEffect::QueryLocks);
        tabs
    }

    /// The effects produced so far, in order.
    pub fn poll(&mut self) -> Vec<TabEffect> {
        std::mem::take(&mut self.effects)
    }

    /// This tab's id.
    pub fn me(&self) -> &str {
        &self.me
    }

    /// Whether this tab's role is settled: it leads, or follows a verified
    /// leader (until then, the widget holds what it would forward).
    pub fn settled(&self) -> bool {
        self.leads() || self.leader.is_some()
    }

    /// Whether this tab leads.
    pub fn leads(&self) -> bool {
        self.role == Role::Leader
    }

    /// `bridge.tabs()`.
    pub fn info(&self) -> TabsInfo {
        TabsInfo {
            role: self.role,
            count: self.count.max(1),
            leader_since: self.since,
        }
    }

    /// Whether another tab may be listening: a tab lock besides this one's
    /// is held, or a tab spoke on the channel and has not left. A leader
    /// alone does not relay its stream or its state (issue 14: no channel
    /// post per event for nobody); a new tab says hello before it can
    /// follow, and the leader answers with its state and relays from there.
    pub fn followed(&self) -> bool {
        self.count > 1 || !self.heard.is_empty()
    }

    /// Leader: the last `seq` of its stream handed to [`Self::on_leader_event`].
    pub fn relayed(&self) -> u64 {
        self.relayed
    }

    /// The drop counters.
    pub fn dropped(&self) -> TabsDropped {
        self.dropped
    }

    /// Where screen pops open (widget config `screenPopTab`).
    pub fn set_pop_target(&mut self, target: PopTarget) {
        self.pop_target = target;
    }

    /// This tab's page was shown or hidden, focused or not, at `now`: the
    /// other tabs are told (the leader picks the screen-pop tab from it).
    pub fn on_view(&mut self, now: u64, visible: bool, focused: bool) {
        let (was_visible, was_focused, active_at) = self.my_view;
        let became_active = (visible && !was_visible) || (focused && !was_focused);
        let active_at = if became_active { now } else { active_at };
        self.my_view = (visible, focused, active_at);
        self.send_view();
    }

    /// The tab a screen pop opens in now (this tab's id when it leads and
    /// no other tab is a better choice).
    pub fn pop_tab(&self) -> String {
        let (visible, focused, active_at) = self.my_view;
        let mine = TabView {
            tab: self.me.clone(),
            visible,
            focused,
            active_at,
        };
        // The other tabs' views read in place (no copy of each to choose one).
        let known = &self.known;
        let others = self.views.iter().filter(|v| known.contains(&v.tab));
        let tabs = std::iter::once(&mine).chain(others);
        screen_pop_tab(self.pop_target, tabs, &self.me).to_owned()
    }

    /// Leader: its sync engine's snapshot and live client (`{source,
    /// health}`) changed: the followers answer `snapshot` with them.
    pub fn on_leader_state(&mut self, snapshot: Value, cc: Value) {
        if !self.leads() || !self.followed() {
            return;
        }
        self.emit(TabEffect::Broadcast(TabMessage::State {
            v: TABS_VERSION,
            tab: self.me.clone(),
            snapshot,
            cc,
            health: self.last_health.clone(),
        }));
    }

    /// Follower: the leader's last snapshot and live client, when known
    /// (a leader answers from its own).
    pub fn leader_state(&self) -> Option<&(Value, Value)> {
        self.leader_state.as_ref().filter(|_| !self.leads())
    }

    /// Leader: whether this output of its own is delivered here. A screen
    /// pop for another tab is sent there instead (`false`, written as JSON
    /// only then); any other output is not looked at further.
    pub fn pop_here(&mut self, output: &Output) -> bool {
        if !self.leads() || !is_pop(output) {
            return true;
        }
        let to = self.pop_tab();
        if to == self.me {
            return true;
        }
        self.emit(TabEffect::Broadcast(TabMessage::Pop {
            v: TABS_VERSION,
            tab: self.me.clone(),
            to,
            event: crate::json_write::to_value(output),
        }));
        false
    }

    /// The browser granted this tab the election lock at `now` (ms since
    /// the epoch). `last_seq` is this tab's last event `seq`.
    pub fn on_lock_granted(&mut self, now: u64, last_seq: u64) {
        if self.leads() {
            return;
        }
        // Calls left at the previous leader: their outcome is unknown.
        self.fail_forwarded("the leader tab went away before the outcome was known");
        self.report_hand_over();
        self.role = Role::Leader;
        self.since = Some(now);
        self.leader = None;
        self.claimed = None;
        self.relayed = last_seq;
        self.emit(TabEffect::StartClient);
        self.announce();
        self.emit(TabEffect::QueryLocks);
        self.report();
    }

    /// The held locks, as the edge read them.
    pub fn on_locks(&mut self, view: LocksView) {
        // A tab seen holding its lock before and gone now has closed or crashed.
        let known = &self.known;
        let gone = |t: &String| known.contains(t) && !view.tabs.contains(t);
        keep_tabs(&mut self.heard, &|t| !gone(t));
        let count = view.tabs.iter().filter(|t| valid_tab_id(t)).count();
        let changed = count.max(1) != self.count;
        self.count = count.max(1);
        self.known = view.tabs;
        let known = &self.known;
        self.views.retain(|v| known.contains(&v.tab));
        // Calls from tabs that were not known: run if they hold a tab lock now.
        for (tab, rid, call) in std::mem::take(&mut self.unknown_calls) {
            if self.run_known(tab, rid, call).is_some() {
                self.dropped.foreign += 1;
            }
        }
        if !self.leads() {
            // Compared in place (no copy of the leader's id).
            if self.leader.is_some() && view.leader != self.leader {
                // The leader crashed (no `bye`): its locks are gone.
                self.fail_forwarded("the leader tab went away before the outcome was known");
                self.leader = None;
                self.since = None;
            }
            match (&view.leader, self.claimed.take()) {
                (Some(holder), Some((tab, events))) if *holder == tab => {
                    self.follow(tab);
                    for (epoch, seq, event) in events {
                        self.accept_event(epoch, seq, event);
                    }
                }
                (Some(holder), Some(claim)) => {
                    // Another tab leads: the claim was not true (or is stale).
                    self.dropped.foreign += claim.1.len() as u64 + 1;
                    if !self.follows(holder) {
                        self.ask_leader();
                    }
                }
                (Some(holder), None) if !self.follows(holder) => {
                    // A leader we have not heard from yet: ask it to announce itself.
                    self.ask_leader();
                }
                (None, claim) => self.claimed = claim,
                _ => {}
            }
        } else if changed {
            self.announce();
        }
        self.report();
    }

    /// One message from the tabs channel, through the inbound guard
    /// (`Err`: the guard refused it).
    pub fn on_message(&mut self, now: u64, data: Result<Value, String>) {
        let _ = now;
        let Ok(data) = data else {
            self.dropped.malformed += 1;
            return;
        };
        if data.get("v").and_then(Value::as_u64) != Some(u64::from(TABS_VERSION)) {
            if data.get("v").is_some_and(Value::is_u64) {
                self.dropped.version += 1;
            } else {
                self.dropped.malformed += 1;
            }
            return;
        }
        let message = match fields::wire::<TabMessage>(&data) {
            // `v` is 1: checked on `data` above.
            Ok(m) if valid_tab_id(m.tab()) => m,
            _ => {
                self.dropped.malformed += 1;
                return;
            }
        };
        let tab = message.tab();
        if tab == self.me {
            self.dropped.foreign += 1; // Our own id, from someone else.
            return;
        }
        if matches!(message, TabMessage::Bye { .. }) {
            keep_tabs(&mut self.heard, &|t| t != tab);
        } else if !self.heard.iter().any(|t| t == tab) && self.heard.len() < FORWARDS_KEPT {
            self.heard.push(tab.to_owned());
        }
        match message {
            TabMessage::Hello { .. } => {
                if self.leads() {
                    self.announce();
                    self.emit(TabEffect::SendState);
                    self.emit(TabEffect::QueryLocks);
                }
            }
            TabMessage::Lead { tab, since, .. } => self.on_lead(tab, since),
            TabMessage::Event {
                tab,
                epoch,
                seq,
                event,
                ..
            } => {
                if self.leads() {
                    self.dropped.foreign += 1;
                } else if self.follows(&tab) {
                    self.accept_event(epoch, seq, event);
                } else if let Some((claimed, events)) = self.claimed.as_mut() {
                    if *claimed == tab && events.len() < UNVERIFIED_KEPT {
                        events.push_back((epoch, seq, event));
                    } else {
                        self.dropped.foreign += 1;
                    }
                } else {
                    self.dropped.foreign += 1;
                }
            }
            TabMessage::Call { tab, rid, call, .. } => {
                match self.run_known(tab, rid, call) {
                    None => {}
                    Some(unknown) if self.leads() && self.unknown_calls.len() < FORWARDS_KEPT => {
                        // Only from a tab that holds its tab lock (a widget instance).
                        self.unknown_calls.push(unknown);
                        self.emit(TabEffect::QueryLocks);
                    }
                    Some(_) => self.dropped.foreign += 1,
                }
            }
            TabMessage::Reply {
                tab,
                to,
                rid,
                result,
                error,
                ..
            } => {
                let mine = to == self.me;
                // Taken only when the leader answers this tab (one look-up).
                let request = if mine && self.follows(&tab) {
                    self.forwarded.remove(&rid)
                } else {
                    None
                };
                match request {
                    Some(request) => {
                        let result = match (error, result) {
                            (Some(e), _) => Err(RequestError {
                                code: error_code(&e.code),
                                message: e.message,
                            }),
                            (None, Some(v)) => Ok(v),
                            (None, None) => Ok(Value::Null),
                        };
                        self.emit(TabEffect::Answer { request, result });
                    }
                    None if !mine => {} // For another tab.
                    None => self.dropped.foreign += 1,
                }
            }
            TabMessage::View {
                tab,
                visible,
                focused,
                active_at,
                ..
            } => {
                let view = TabView {
                    tab,
                    visible,
                    focused,
                    active_at,
                };
                let full = self.views.len() >= FORWARDS_KEPT;
                match self.views.iter_mut().find(|v| v.tab == view.tab) {
                    Some(known) => *known = view,
                    None if !full => self.views.push(view),
                    None => self.dropped.foreign += 1,
                }
            }
            TabMessage::State {
                tab,
                snapshot,
                cc,
                health,
                ..
            } => {
                if !self.leads() && self.follows(&tab) {
                    self.leader_state = Some((snapshot, cc));
                    self.health_once(health);
                } else if !self.leads() && self.claimed.as_ref().is_some_and(|(t, _)| *t == tab) {
                    // A new leader's first state comes before the locks confirm it.
                    self.claimed_state = Some((snapshot, cc, health));
                } else {
                    self.dropped.foreign += 1;
                }
            }
            TabMessage::Pop { tab, to, event, .. } => {
                if to != self.me {
                    // For another tab.
                } else if !self.leads() && self.follows(&tab) {
                    self.emit(TabEffect::Pop(event));
                } else {
                    self.dropped.foreign += 1;
                }
            }
            TabMessage::Bye { tab, .. } => {
                if self.follows(&tab) {
                    // The leader is going: its lock passes to a waiting tab.
                    self.fail_forwarded("the leader tab closed before the outcome was known");
                    self.leader = None;
                    self.since = None;
                }
                self.emit(TabEffect::QueryLocks);
            }
        }
        self.report();
    }

    /// The once-a-second tick: re-read the locks (tab count, leader).
    pub fn on_tick(&mut self) {
        self.emit(TabEffect::QueryLocks);
    }

    /// Follower: have the leader carry out `call`, for the host's request
    /// `request` (none for a CRM report). Refused (`Err`) when no leader is
    /// known or too many wait: the caller answers its host at once.
    pub fn forward(&mut self, call: Forward, request: Option<u64>) -> Result<(), RequestError> {
        let refused = |message: &str| RequestError {
            code: ErrorCode::Rejected,
            message: message.into(),
        };
        if self.leads() {
            return Err(refused("this tab leads: nothing to forward"));
        }
        if self.leader.is_none() {
            return Err(refused("no leader tab yet: try again in a moment"));
        }
        let rid = self.next_rid;
        self.next_rid += 1;
        if let Some(request) = request.filter(|_| call.answered()) {
            if self.forwarded.len() >= FORWARDS_KEPT {
                return Err(refused("too many requests wait for the leader tab"));
            }
            self.forwarded.insert(rid, request);
        }
        self.emit(TabEffect::Broadcast(TabMessage::Call {
            v: TABS_VERSION,
            tab: self.me.clone(),
            rid,
            call,
        }));
        Ok(())
    }

    /// Leader: a forwarded [`TabEffect::Run`] settled at once (a
    /// `ccCommand` sent, a refusal, no command issued): reply.
    pub fn on_run_done(&mut self, from: (String, u64), result: Result<Value, RequestError>) {
        let (to, rid) = from;
        let (result, error) = match result {
            Ok(v) => (Some(v), None),
            Err(e) => (
                None,
                Some(ReplyError {
                    code: code_name(e.code),
                    message: e.message,
                }),
            ),
        };
        self.emit(TabEffect::Broadcast(TabMessage::Reply {
            v: TABS_VERSION,
            tab: self.me.clone(),
            to,
            rid,
            result,
            error,
        }));
    }

    /// Leader: a forwarded state change became command `command`: the reply
    /// goes when it settles (seen in [`Self::on_leader_event`]).
    pub fn on_run_issued(&mut self, from: (String, u64), command: u64) {
        self.owed.insert(command, from);
    }

    /// Leader: one event of its stream as the outbox keeps it (JSON text).
    /// Read back into a value only when it may matter: another tab follows,
    /// or the text may hold a `ccHealth` or `command` event (kept for a tab
    /// that joins, replied to a follower that asked). A lone leader's other
    /// events only move [`Self::relayed`] on, with no parse per event.
    pub fn on_leader_text(&mut self, seq: u64, text: &EventText) {
        if !self.leads() || seq <= self.relayed {
            return;
        }
        let kept = ["\"kind\":\"ccHealth\"", "\"kind\":\"command\""];
        if !self.followed() && !kept.iter().any(|k| text.as_str().contains(k)) {
            self.relayed = seq;
            return;
        }
        self.on_leader_event(seq, &text.to_value());
    }

    /// Leader: one numbered event of this tab's stream (its channel outbox):
    /// relayed to the followers once, in order; a settled command a
    /// follower asked for is replied to.
    pub fn on_leader_event(&mut self, seq: u64, event: &Value) {
        if !self.leads() || seq <= self.relayed {
            return;
        }
        self.relayed = seq;
        let kind = event.get("kind").and_then(Value::as_str);
        if kind == Some("ccHealth") {
            self.last_health = Some(event.clone());
        }
        if kind == Some("command") {
            let status = event.get("status").and_then(Value::as_str).unwrap_or("");
            let id = event.get("id").and_then(Value::as_u64);
            if let (Some(id), true) = (id, status != "pending") {
                if let Some(from) = self.owed.remove(&id) {
                    let result = match status {
                        "confirmed" => Ok(event.clone()),
                        other => Err(RequestError {
                            code: if other == "notSupported" {
                                ErrorCode::NotSupported
                            } else {
                                ErrorCode::Rejected
                            },
                            message: event
                                .get("detail")
                                .and_then(Value::as_str)
                                .unwrap_or(other)
                                .to_owned(),
                        }),
                    };
                    self.on_run_done(from, result);
                }
            }
        }
        // Every event goes (the followers' dedupe sees an unbroken numbering);
        // the followers keep those meant for them ([`relayed_kind`]). Alone,
        // none goes: a tab that joins follows from its hello on.
        if !self.followed() {
            return;
        }
        self.emit(TabEffect::Broadcast(TabMessage::Event {
            v: TABS_VERSION,
            tab: self.me.clone(),
            epoch: self.epoch.clone(),
            seq,
            event: event.clone(),
        }));
    }

    /// The page is going away.
    pub fn on_pagehide(&mut self) {
        self.emit(TabEffect::Broadcast(TabMessage::Bye {
            v: TABS_VERSION,
            tab: self.me.clone(),
        }));
    }

    // -- Internals ----------------------------------------------------------

    /// Whether `tab` is the verified leader this tab follows (one call for
    /// the eight places that ask).
    #[inline(never)]
    fn follows(&self, tab: &str) -> bool {
        self.leader.as_deref() == Some(tab)
    }

    /// Leader: runs a call of a tab seen holding its tab lock (`None`);
    /// any other call is handed back (one copy for a call heard and a call
    /// kept until the locks were read).
    #[inline(never)]
    fn run_known(
        &mut self,
        tab: String,
        rid: u64,
        call: Forward,
    ) -> Option<(String, u64, Forward)> {
        if !(self.leads() && self.known.contains(&tab)) {
            return Some((tab, rid, call));
        }
        let from = call.answered().then_some((tab, rid));
        self.emit(TabEffect::Run { call, from });
        None
    }

    /// Queues one effect (one call, not a `Vec::push` inlined at each of
    /// the ~30 places an effect is made: bench/README.md).
    #[inline(never)]
    fn emit(&mut self, effect: TabEffect) {
        self.effects.push(effect);
    }

    fn on_lead(&mut self, tab: String, since: u64) {
        if self.leads() {
            // Two leaders cannot both hold the lock: this one is forged (or stale).
            self.dropped.foreign += 1;
            return;
        }
        if self.follows(&tab) {
            self.since = Some(since);
            return;
        }
        // Believed once the locks say this tab holds the election lock.
        self.since_claimed = Some(since);
        self.claimed = Some((tab, VecDeque::new()));
        self.emit(TabEffect::QueryLocks);
    }

    fn follow(&mut self, tab: String) {
        if self.leader.is_some() {
            self.fail_forwarded("the leader tab changed before the outcome was known");
        }
        self.report_hand_over();
        self.leader = Some(tab);
        self.since = self.since_claimed.take();
        if let Some((snapshot, cc, health)) = self.claimed_state.take() {
            self.leader_state = Some((snapshot, cc));
            self.health_once(health);
        }
        // The new leader picks screen-pop tabs: it needs this tab's view.
        self.send_view();
    }

    /// A follower's host gets its leader's contact-centre health once when
    /// it starts following (later changes come in the relayed stream).
    fn health_once(&mut self, health: Option<Value>) {
        let Some(health) = health else { return };
        if self.health_from.is_some() && self.health_from == self.leader {
            return;
        }
        self.health_from = self.leader.clone();
        self.emit(TabEffect::HostEvent(health));
    }

    fn send_view(&mut self) {
        let (visible, focused, active_at) = self.my_view;
        self.emit(TabEffect::Broadcast(TabMessage::View {
            v: TABS_VERSION,
            tab: self.me.clone(),
            visible,
            focused,
            active_at,
        }));
    }

    fn ask_leader(&mut self) {
        self.emit(TabEffect::Broadcast(TabMessage::Hello {
            v: TABS_VERSION,
            tab: self.me.clone(),
        }));
    }

    fn accept_event(&mut self, epoch: String, seq: u64, event: Value) {
        match &self.last {
            Some((e, last)) if *e == epoch && seq <= *last => {
                self.dropped.duplicate += 1;
                return;
            }
            Some((e, last)) if *e == epoch && seq > last + 1 => {
                let gap = gap("missed", &[("from", last + 1), ("to", seq - 1)]);
                self.emit(TabEffect::HostEvent(gap));
            }
            _ => {}
        }
        self.last = Some((epoch, seq));
        if relayed_kind(&event) {
            self.emit(TabEffect::Relay(event));
        }
    }

    /// A new leader after another one: what the contact centre sent the old
    /// one and it could not relay (frames in flight on its socket, events
    /// while no tab was connected) cannot be replayed: a `gap` says so; the
    /// new leader re-reads the agent's state.
    fn report_hand_over(&mut self) {
        if let Some((_, seq)) = self.last.take() {
            let gap = gap("handOver", &[("after", seq)]);
            self.emit(TabEffect::HostEvent(gap));
        }
    }

    fn announce(&mut self) {
        let lead = TabMessage::Lead {
            v: TABS_VERSION,
            tab: self.me.clone(),
            epoch: self.epoch.clone(),
            since: self.since.unwrap_or(0),
            seq: self.relayed,
            count: self.count,
        };
        self.emit(TabEffect::Broadcast(lead));
    }

    fn fail_forwarded(&mut self, why: &str) {
        if self.forwarded.is_empty() {
            return;
        }
        let lost = self.forwarded.take_all();
        let gap = gap("leaderLost", &[("requests", lost.len() as u64)]);
        self.emit(TabEffect::HostEvent(gap));
        for (_, request) in lost {
            self.emit(TabEffect::Answer {
                request,
                result: Err(RequestError {
                    code: ErrorCode::Rejected,
                    message: why.into(),
                }),
            });
        }
    }

    fn report(&mut self) {
        let info = self.info();
        if self.reported.as_ref() == Some(&info) {
            return;
        }
        self.reported = Some(info.clone());
        // `{"kind": "tabs", ...info}`: the info's own members after `kind`.
        let event = crate::json_write::object_with(|o| {
            o.field("kind", "tabs");
            info.members(o);
        });
        self.emit(TabEffect::HostEvent(event));
    }
}

/// `tabs.retain(keep)`, one copy of the loop for both lists it filters.
fn keep_tabs(tabs: &mut Vec<String>, keep: &dyn Fn(&String) -> bool) {
    tabs.retain(keep);
}

/// Whether a follower's CRM message stays in its own tab: the CRM
/// Connector start-up (`ready`, `crmData`) is between a tab's Client
/// Application and its own widget; every other report goes to the leader.
pub fn crm_stays_local(msg: &Value) -> bool {
    // Its letters and digits, upper-cased (`lenient::event_key`).
    let action = crate::lenient::event_key(msg.get("action").and_then(Value::as_str).unwrap_or(""));
    action.ends_with("READY") || action.ends_with("CRMDATA")
}

/// A `gap` event of the tabs: `{"kind": "gap", "scope": "tabs", "reason"}`
/// and its figures (one builder for the three kinds of gap).
fn gap(reason: &str, figures: &[(&str, u64)]) -> Value {
    let mut members: Vec<(&str, &dyn crate::json_write::ToJson)> =
        vec![("kind", &"gap"), ("scope", &"tabs"), ("reason", &reason)];
    for (name, n) in figures {
        members.push((name, n));
    }
    crate::json_write::object(&members)
}

/// Which leader events followers get: all but the leader's own channel
/// `health` (its drop counters are about its host, not theirs) and its
/// `tabs` events (each tab reports its own).
pub fn relayed_kind(event: &Value) -> bool {
    !matches!(
        event.get("kind").and_then(Value::as_str),
        Some("health" | "tabs")
    )
}

fn code_name(code: ErrorCode) -> String {
    crate::json_write::to_value(&code)
        .as_str()
        .unwrap_or("rejected")
        .to_owned()
}

fn error_code(name: &str) -> ErrorCode {
    match name {
        "unknownMethod" => ErrorCode::UnknownMethod,
        "invalidParams" => ErrorCode::InvalidParams,
        "forbidden" => ErrorCode::Forbidden,
        "notSupported" => ErrorCode::NotSupported,
        _ => ErrorCode::Rejected,
    }
}

/// Where a screen pop opens (widget config `screenPopTab`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PopTarget {
    /// The visible, focused tab; else the visible tab shown or focused
    /// last; else the leader (the default).
    #[default]
    Focused,
    /// Always the leader's tab.
    Leader,
}

impl PopTarget {
    /// From the config's text: `focused` or `leader`.
    pub fn parse(text: &str) -> Option<PopTarget> {
        match text {
            "focused" => Some(PopTarget::Focused),
            "leader" => Some(PopTarget::Leader),
            _ => None,
        }
    }
}

/// One tab as the screen-pop choice sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabView {
    /// Its id.
    pub tab: String,
    /// `document.visibilityState == "visible"`.
    pub visible: bool,
    /// The widget frame has the focus (`document.hasFocus()` in it).
    pub focused: bool,
    /// When it was last shown or focused (ms since the epoch).
    pub active_at: u64,
}

/// The one tab that opens a screen pop: by `target`, the visible and
/// focused tab; else the visible tab shown or focused last (the agent
/// looks at it: the widget frame cannot see whether its page has the
/// focus, only whether the frame has it); else the leader. Ties go to the
/// latest `active_at`, then the smallest id.
pub fn screen_pop_tab<'a, I>(target: PopTarget, tabs: I, leader: &'a str) -> &'a str
where
    I: IntoIterator<Item = &'a TabView>,
{
    if target != PopTarget::Focused {
        return leader;
    }
    // One pass for both choices: the best focused and the best visible tab
    // (the first of equals kept).
    let mut focused: Option<&TabView> = None;
    let mut visible: Option<&TabView> = None;
    for t in tabs.into_iter().filter(|t| t.visible) {
        let beats = |best: Option<&TabView>| {
            best.is_none_or(|b| {
                b.active_at.cmp(&t.active_at).then(t.tab.cmp(&b.tab)) == Ordering::Less
            })
        };
        if t.focused && beats(focused) {
            focused = Some(t);
        }
        if beats(visible) {
            visible = Some(t);
        }
    }
    focused.or(visible).map_or(leader, |t| &t.tab)
}

/// Whether an output is a screen pop: a `screenPop` event, or the CRM
/// Connector's `requestPerformInteractionScreenPop` request.
pub fn is_pop(output: &Output) -> bool {
    match output {
        Output::Event(event) => matches!(event.body, EventBody::ScreenPop { .. }),
        Output::CrmRequest(request) => {
            request.wire.get("action").and_then(Value::as_str)
                == Some("requestPerformInteractionScreenPop")
        }
        Output::Command(_) => false,
    }
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonObject, JsonWriter, ToJson};

json_names!(MultiTab { Shared => "shared", Independent => "independent" });
json_names!(Role { Leader => "leader", Follower => "follower" });

impl TabsInfo {
    /// Its members: the object's, and the `tabs` event's after its `kind`.
    fn members(&self, o: &mut JsonObject<'_>) {
        o.field("role", &self.role)
            .field("count", &self.count)
            .field("leaderSince", &self.leader_since);
    }
}

impl ToJson for TabsInfo {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| self.members(o));
    }
}

impl ToJson for TabsDropped {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("malformed", &self.malformed)
                .field("version", &self.version)
                .field("foreign", &self.foreign)
                .field("duplicate", &self.duplicate);
        });
    }
}

impl ToJson for Forward {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| match self {
            Forward::SetState {
                target,
                desired,
                reason,
            } => {
                o.field("op", "setState")
                    .field("target", target)
                    .field("desired", desired)
                    .field("reason", reason);
            }
            Forward::CcCommand { name, args } => {
                o.field("op", "ccCommand")
                    .field("name", name)
                    .field("args", args);
            }
            Forward::Crm { msg } => {
                o.field("op", "crm").field("msg", msg);
            }
        });
    }
}

impl ToJson for TabMessage {
    /// The header every kind has (`t`, `v`, `tab`: written once, not per
    /// kind), then the kind's own fields, in the order of the variant.
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("t", self.kind())
                .field("v", &self.version())
                .field("tab", self.tab());
            match self {
                TabMessage::Hello { .. } | TabMessage::Bye { .. } => {}
                TabMessage::Lead {
                    epoch,
                    since,
                    seq,
                    count,
                    ..
                } => {
                    o.field("epoch", epoch)
                        .field("since", since)
                        .field("seq", seq)
                        .field("count", count);
                }
                TabMessage::Event {
                    epoch, seq, event, ..
                } => {
                    o.field("epoch", epoch)
                        .field("seq", seq)
                        .field("event", event);
                }
                TabMessage::Call { rid, call, .. } => {
                    o.field("rid", rid).field("call", call);
                }
                TabMessage::Reply {
                    to,
                    rid,
                    result,
                    error,
                    ..
                } => {
                    o.field("to", to)
                        .field("rid", rid)
                        .field("result", result)
                        .field("error", error);
                }
                TabMessage::View {
                    visible,
                    focused,
                    active_at,
                    ..
                } => {
                    o.field("visible", visible)
                        .field("focused", focused)
                        .field("active_at", active_at);
                }
                TabMessage::State {
                    snapshot,
                    cc,
                    health,
                    ..
                } => {
                    o.field("snapshot", snapshot)
                        .field("cc", cc)
                        .field("health", health);
                }
                TabMessage::Pop { to, event, .. } => {
                    o.field("to", to).field("event", event);
                }
            }
        });
    }
}

impl ToJson for ReplyError {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("code", &self.code).field("message", &self.message);
        });
    }
}
