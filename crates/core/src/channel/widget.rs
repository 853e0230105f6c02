//! The widget's side of the host channel as a sans-IO state machine.
//!
//! Inputs: window messages (origin, whether the sender is the embedding
//! window, the data through the edge's guard), port text, ticks, the core's
//! outputs and the live client's reports. Outputs: [`Effect`]s for the edge
//! to carry out (posts on the port or to the parent window with an exact
//! target origin, keeping a transferred port, calls on the core, settled
//! credential asks, saves). Every decision of the channel is made here and
//! tested natively; the browser edge (`src/web/widget.rs`) only moves bytes.

use super::{
    frame_type, parse_host_message_with, AllowList, Dropped, ErrorCode, EventText, HostMessage,
    LinkStatus, Outbox, Peer, RequestError, TraceEntry, WidgetEvent, WidgetMessage,
    MAX_BATCH_BYTES, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION,
};
use crate::bridge::Output;
use crate::codec::crm_connector::bare;
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error as FieldError;
use crate::codec::JsonParser;
use crate::command::{CommandStatus, Desired};
use crate::diagnose::{self, CheckId, LogLevel, LogQuery, LogRing, Observations, Report};
use crate::error::DecodeError;
use crate::json_write::{self, JsonWriter, ToJson};
use crate::keyed::Ids;
use crate::model::{ConnectionStatus, EventBody, Side, Source};
use crate::pace::Pace;
use crate::sync::Mode;
use serde::de::Error as _;
use serde_json::Value;
use std::collections::VecDeque;

/// How many outbox events are persisted for a reload.
pub const PERSISTED_EVENTS: usize = 512;
/// How many answers are kept for requests re-sent after a reload.
pub const ANSWERS_KEPT: usize = 128;
/// How many asks for credentials may wait for the host at once.
pub const ASKS_KEPT: usize = 8;
/// Trace entries kept while no host is attached.
pub const TRACE_BUFFERED: usize = 256;
/// Drop counters go to the host at most this often.
const HEALTH_EVERY_MS: u64 = 500;
/// A refusal goes to a page at most this often.
const REFUSAL_EVERY_MS: u64 = 1_000;
/// The session is saved this long after a change ([`Effect::SaveSoon`]) ...
pub const SAVE_DELAY_MS: u64 = 250;
/// ... and at most this often while events stream in (a save of the
/// persisted events blocks the widget for a few ms: once a second, not
/// four times; the page going away saves at once).
pub const SAVE_EVERY_MS: u64 = 1_000;

/// How the channel is set up (from the widget config).
#[derive(Debug, Clone)]
pub struct WidgetOptions {
    /// Exact origins of the host pages allowed to connect.
    pub allowed: AllowList,
    /// Whether the host may inject vendor messages (demo and tests).
    pub allow_inject: bool,
    /// The sync mode was set by the config: the CRM's CCDef does not change it.
    pub mode_forced: bool,
    /// Send the host a trace of every message in and out.
    pub trace: bool,
    /// How many sent events are kept for replay.
    pub outbox_capacity: usize,
    /// The JSON parser for port text.
    pub json: JsonParser,
    /// Play Avaya's CRM Connector frame on the window: speak first (`ready`
    /// to the embedding page's allowed origin, repeated until answered) and
    /// exchange every CRM Connector envelope with the page's existing Client
    /// Application there, with no drop-in and no port.
    pub crm_frame: bool,
    /// A path on the widget's own origin that answers the live client's
    /// asks (`{token}` or `{login, password}`), instead of the host page.
    pub credentials_url: Option<CredentialsUrl>,
}

/// A credentials endpoint: a path on the widget's own origin (`/...`), so
/// the browser sends the widget origin's cookies and no other origin is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsUrl(String);

impl CredentialsUrl {
    /// Accepts an absolute path on the widget origin: `/`, no scheme, no
    /// `//` (another host), no backslash.
    pub fn parse(text: &str) -> Result<CredentialsUrl, String> {
        let ok = text.starts_with('/')
            && !text.starts_with("//")
            && !text.contains('\\')
            && !text.chars().any(|c| c.is_control() || c == ' ');
        if ok {
            Ok(CredentialsUrl(text.to_owned()))
        } else {
            Err(format!(
                "credentialsUrl `{text}` must be a path on the widget's own origin (starting with one /)"
            ))
        }
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a credentials endpoint answered, as the live client wants it: a
/// token string (AXP) or `{login, password}` (xuc). Anything else is refused
/// with a reason that names the fields expected (never the values).
pub fn credentials_from(what: Ask, body: &Value) -> Result<Value, String> {
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    match what {
        Ask::Token => match body {
            Value::String(token) if !token.is_empty() => Ok(Value::String(token.clone())),
            _ => ["token", "accessToken", "access_token"]
                .iter()
                .find_map(|k| text(k))
                .map(|t| Value::String(t.to_owned()))
                .ok_or_else(|| "the credentials endpoint gave no token (expected {token})".into()),
        },
        Ask::Login => match (text("login"), text("password")) {
            (Some(login), Some(password)) => Ok(login_credentials(login, password)),
            _ => Err("the credentials endpoint gave no login (expected {login, password})".into()),
        },
    }
}

/// The live client's login answer, `{login, password}` (from the
/// credentials endpoint, or the panel's sign-in form): one writer of it.
pub fn login_credentials(login: &str, password: &str) -> Value {
    let mut map = serde_json::Map::new();
    map.insert("login".into(), Value::String(login.to_owned()));
    map.insert("password".into(), Value::String(password.to_owned()));
    Value::Object(map)
}

/// What the channel reads from, or sets on, the bridge core: nothing here
/// produces outputs, so the edge may call it while the channel is borrowed.
pub trait ChannelCore {
    /// The sync engine's state (`{kind: "snapshot", ...}`).
    fn snapshot(&self) -> Value;
    /// Changes the sync mode (the CRM's CCDef said so).
    fn set_mode(&self, mode: Mode);
    /// The bridge's counters.
    fn stats(&self) -> Value;
    /// The live client's `{source, health}`, or `null` without one.
    fn contact_centre(&self) -> Value;
}

/// Work for the core, carried out by the edge with no borrow of the channel
/// held; its results come back through the `on_*` methods.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// Decode and apply one vendor message; then [`WidgetChannel::on_outputs`]
    /// (and [`WidgetChannel::on_ingested`]) or [`WidgetChannel::on_ingest_error`].
    Ingest {
        /// Its protocol.
        source: Source,
        /// The message.
        raw: Value,
        /// The host request to answer (an `inject`), if any.
        request: Option<u64>,
    },
    /// A state change the host asked for; then [`WidgetChannel::on_command_issued`]
    /// with the command id, before running the core's outputs.
    SetState {
        /// The host request, answered when the command settles.
        request: u64,
        /// The side to change.
        target: Side,
        /// The state wanted.
        desired: Desired,
        /// A reason / pause code overriding the configured one.
        reason: Option<String>,
    },
    /// One typed contact-centre command; then [`WidgetChannel::on_cc_command`].
    CcCommand {
        /// The host request.
        request: u64,
        /// The command name (`pauseAgent`, `dial` ...).
        name: String,
        /// Its arguments.
        args: Vec<Value>,
    },
}

/// What the contact-centre client asks the host for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// An access token (AXP).
    Token,
    /// `{login, password}` (xuc).
    Login,
}

impl Ask {
    /// `token` or `login`, as the host is asked.
    pub fn as_str(self) -> &'static str {
        match self {
            Ask::Token => "token",
            Ask::Login => "login",
        }
    }
}

/// Something for the edge to carry out, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Post this JSON text on the host's port.
    Port(String),
    /// Post `message` to the parent window with exactly this target origin.
    Window {
        /// The message.
        message: Value,
        /// The target origin (never `"*"`).
        origin: String,
    },
    /// Keep the port transferred with the `connect` just accepted, closing
    /// the previous one; post [`Effect::Port`]s on it from now on.
    Attach,
    /// Run this on the core.
    Call(Call),
    /// Fetch the live client's credentials from the widget origin's endpoint
    /// (same origin, with its cookies); the answer goes to
    /// [`WidgetChannel::on_credentials_fetched`].
    FetchCredentials {
        /// The ask it answers.
        ask: u64,
        /// The endpoint.
        url: String,
    },
    /// Settle the live client's ask for credentials.
    Settle {
        /// The ask's id.
        ask: u64,
        /// The value, or why there is none.
        result: Result<Value, String>,
    },
    /// Start the live contact-centre client (the first host attached: it
    /// is who answers the client's asks).
    StartClient,
    /// Persist [`WidgetChannel::save_text`] soon (once per burst).
    SaveSoon,
    /// Persist [`WidgetChannel::save_text`] now (the page is going away).
    SaveNow,
    /// Gather [`Observations`] (probes with timings, CSP reports, storage)
    /// within [`diagnose::DIAGNOSE_BUDGET_MS`]; they go to
    /// [`WidgetChannel::on_observed`] with these fields.
    Diagnose {
        /// The host request to answer.
        request: u64,
        /// Answer with the support bundle (`{text}`) instead of the report.
        export: bool,
        /// The drop-in's version and its word on the widget origin.
        host: HostView,
    },
}

/// What the drop-in says in a `diagnose` / `exportLogs` request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostView {
    /// The drop-in's version.
    pub drop_in: Option<String>,
    /// Whether the widget's origin is on the drop-in's `allowedOrigins`.
    pub widget_origin_allowed: Option<bool>,
}

impl Wire for HostView {
    const EXPECTED: &'static str = "struct HostView";
    fn read(o: Fields) -> Result<Self, FieldError> {
        o.only(&["dropIn", "widgetOriginAllowed"])?;
        Ok(HostView {
            drop_in: opt_field(o, "dropIn", fields::text)?,
            widget_origin_allowed: opt_field(o, "widgetOriginAllowed", fields::flag)?,
        })
    }
}

/// The session-storage key of a widget's saved session when its config names
/// none: one per configured contact centre (kind and identity, as the tabs'
/// names), so two widget configurations on one origin (the demo console
/// switching from xuc to AXP) never restore each other's session.
pub fn default_storage_key(contact_centre: Option<&Value>) -> String {
    match contact_centre.and_then(crate::tabs::Scope::from_contact_centre) {
        Some(scope) => format!("{}/outbox", scope.channel()),
        None => "cti-bridge/outbox".to_owned(),
    }
}

/// What is persisted across a reload of the widget iframe, as it is read
/// back (written in place by [`WidgetChannel::save_text`], its one writer).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Saved {
    /// The event numbering's id.
    pub epoch: String,
    /// The `seq` the next event gets.
    pub next_seq: u64,
    /// The newest events (each its JSON text, as the outbox keeps it), at
    /// most [`PERSISTED_EVENTS`].
    pub events: Vec<(u64, EventText)>,
    /// The host instance the answers belong to.
    pub host_id: Option<String>,
    /// Recent answers (JSON text) by request id.
    pub answered: Vec<(u64, String)>,
}

impl Wire for Saved {
    const EXPECTED: &'static str = "struct Saved";
    fn read(o: Fields) -> Result<Self, FieldError> {
        let mut saved = Saved::default();
        let known = &["epoch", "nextSeq", "events", "hostId", "answered"];
        crate::config::settings(o, known, 3, &mut |i, v| {
            let s = &mut saved;
            match i {
                0 => s.epoch = fields::text(v)?,
                1 => s.next_seq = fields::unsigned(v)?,
                2 => s.events = fields::list(v, |p| pair(p).map(|(n, e)| (n, EventText::of(e))))?,
                3 => s.host_id = fields::opt(v, fields::text)?,
                _ => {
                    s.answered = fields::list(v, |p| {
                        let (n, text) = pair(p)?;
                        Ok((n, fields::text(text)?))
                    })?
                }
            }
            Ok(())
        })?;
        Ok(saved)
    }
}

/// Why a saved session was not restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("saved widget session not restored: {0}")]
pub struct RestoreError(pub String);

/// A window message, as the edge saw it.
#[derive(Debug, Clone, Copy)]
pub struct WindowInput<'a> {
    /// `event.origin`.
    pub origin: &'a str,
    /// Whether `event.source` is the embedding (parent) window.
    pub from_parent: bool,
    /// Whether a `MessagePort` came with it.
    pub has_port: bool,
}

// The host's messages and request parameters, read by hand ([`Wire`]) with
// the texts of the derives they replaced (no field path in the message).

struct Connect {
    v: u32,
    epoch: Option<String>,
    last_seq: u64,
    host_id: Option<String>,
}

impl Wire for Connect {
    const EXPECTED: &'static str = "struct Connect";
    fn read(o: Fields) -> Result<Self, FieldError> {
        Ok(Connect {
            v: o.req(&["v"], fields::small)?,
            epoch: opt_field(o, "epoch", fields::text)?,
            last_seq: o.get(&["lastSeq"], fields::unsigned)?.unwrap_or(0),
            host_id: opt_field(o, "hostId", fields::text)?,
        })
    }
}

struct SetState {
    state: String,
    reason: Option<String>,
}

impl Wire for SetState {
    const EXPECTED: &'static str = "struct SetState";
    fn read(o: Fields) -> Result<Self, FieldError> {
        o.only(&["state", "reason"])?;
        Ok(SetState {
            state: o.text(&["state"])?,
            reason: opt_field(o, "reason", fields::text)?,
        })
    }
}

struct CcCommand {
    name: String,
    args: Vec<Value>,
}

impl Wire for CcCommand {
    const EXPECTED: &'static str = "struct CcCommand";
    fn read(o: Fields) -> Result<Self, FieldError> {
        o.only(&["name", "args"])?;
        Ok(CcCommand {
            name: o.text(&["name"])?,
            args: o.get(&["args"], fields::any_list)?.unwrap_or_default(),
        })
    }
}

/// `inject`'s `source`, checked with its `msg` (read apart: the message is
/// moved out of the parameters, not copied).
struct InjectSource(String);

impl Wire for InjectSource {
    const EXPECTED: &'static str = "struct Inject";
    fn read(o: Fields) -> Result<Self, FieldError> {
        o.only(&["source", "msg"])?;
        let source = o.text(&["source"])?;
        match o.map().contains_key("msg") {
            true => Ok(InjectSource(source)),
            false => Err(FieldError::missing_field("msg")),
        }
    }
}

/// `inject`'s parameters `{source, msg}`.
fn inject_params(params: Value) -> Result<(String, Value), FieldError> {
    let InjectSource(source) = fields::wire(&params)?;
    match params {
        // Taken in place (no `BTreeMap::remove`): the map is dropped next.
        Value::Object(mut map) => Ok((
            source,
            map.get_mut("msg").map(Value::take).unwrap_or_default(),
        )),
        _ => Err(FieldError::missing_field("msg")),
    }
}

/// A `#[serde(default)]` optional field: absent or `null` is `None`.
fn opt_field<'a, T>(
    o: Fields<'a>,
    name: &'static str,
    read: impl FnOnce(&'a Value) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    Ok(o.get(&[name], |v| fields::opt(v, read))?.flatten())
}

/// A `(u64, T)` pair, as serde reads a tuple from a two-item array: the
/// number and the item's value, for the caller to read (one reader of
/// pairs for every item type).
fn pair(value: &Value) -> Result<(u64, &Value), FieldError> {
    match value {
        Value::Array(items) => match items.as_slice() {
            [n, v] => Ok((fields::unsigned(n)?, v)),
            [_, _, ..] => Err(FieldError::invalid_length(
                items.len(),
                &"fewer elements in array",
            )),
            _ => Err(FieldError::invalid_length(
                items.len(),
                &"a tuple of size 2",
            )),
        },
        other => Err(fields::invalid_type(other, "a tuple of size 2")),
    }
}

/// A [`Wire`] read of an optional value (`null` is `None`), as the
/// derive's `Option<T>` read it.
fn opt_wire<T: Wire>(value: &Value) -> Result<Option<T>, FieldError> {
    fields::opt(value, fields::wire)
}

/// The widget's side of the host channel.
#[derive(Debug)]
pub struct WidgetChannel {
    options: WidgetOptions,
    epoch: String,
    outbox: Outbox,
    /// The origin of the host whose port is attached.
    host: Option<String>,
    /// The attached host instance (request ids are per instance).
    host_id: Option<String>,
    /// Recent answers by request id: a request re-sent after a reload is
    /// answered again, not carried out twice.
    answered: VecDeque<(u64, String)>,
    /// Command id -> host request, answered when the command settles.
    waiting: Ids<u64>,
    /// Waiting asks, oldest first (at most [`ASKS_KEPT`]).
    asks: Vec<(u64, Ask)>,
    next_ask: u64,
    client_started: bool,
    crm_ready: bool,
    /// In CRM Connector frame mode: the origin of the Client Application
    /// that answered (the embedding page), where every envelope goes.
    crm_peer: Option<String>,
    /// Whether any host has seen this outbox (until then it may be renumbered).
    delivered: bool,
    dropped: Dropped,
    started_ms: u64,
    last_health_ms: Option<u64>,
    last_refusal_ms: Option<u64>,
    trace_buffer: VecDeque<TraceEntry>,
    /// The redacted log ring (`logs`, `exportLogs`).
    logs: LogRing,
    /// The attached host speaks protocol 2 or later: port posts are batched.
    batch: bool,
    /// When the session is saved.
    save: Pace,
    effects: Outgoing,
    /// Where an output's text is written before it is kept ([`EventText::of_via`]).
    scratch: String,
}

impl WidgetChannel {
    /// A channel starting at `now`, restored from `saved` (a previous
    /// session of this iframe) when given and valid, else with `epoch`.
    pub fn new(
        options: WidgetOptions,
        epoch: String,
        saved: Option<&Value>,
        now: u64,
    ) -> (WidgetChannel, Option<RestoreError>) {
        let capacity = options.outbox_capacity;
        let mut channel = WidgetChannel {
            options,
            epoch,
            outbox: Outbox::with_capacity(capacity),
            host: None,
            host_id: None,
            answered: VecDeque::new(),
            waiting: Ids::new(),
            asks: Vec::new(),
            next_ask: 1,
            client_started: false,
            crm_ready: false,
            crm_peer: None,
            delivered: false,
            dropped: Dropped::default(),
            started_ms: now,
            last_health_ms: None,
            last_refusal_ms: None,
            trace_buffer: VecDeque::new(),
            logs: LogRing::default(),
            batch: false,
            save: Pace::new(SAVE_DELAY_MS, SAVE_EVERY_MS),
            effects: Outgoing::default(),
            scratch: String::new(),
        };
        let error = match saved.map(fields::wire::<Saved>) {
            Some(Ok(saved)) => {
                channel.epoch = saved.epoch;
                channel.outbox = Outbox::restore(capacity, saved.next_seq, saved.events);
                channel.host_id = saved.host_id;
                // The newest `ANSWERS_KEPT`, in order (no iterator adapters:
                // `VecDeque::from` takes the list's buffer as it is).
                channel.answered = saved.answered.into();
                while channel.answered.len() > ANSWERS_KEPT {
                    channel.answered.pop_front();
                }
                None
            }
            Some(Err(e)) => Some(RestoreError(e.to_string())),
            None => None,
        };
        (channel, error)
    }

    /// The effects produced so far, in order. For a host that speaks
    /// protocol 2, the port posts among them go as batches (see
    /// `Outgoing`): the edge calls this until it is empty at the end of
    /// each task's work, so a burst leaves in one post and a lone message
    /// as itself, at once.
    pub fn poll(&mut self) -> Vec<Effect> {
        self.effects.take()
    }

    /// The event numbering's id.
    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    /// Whether a host is attached.
    pub fn attached(&self) -> bool {
        self.host.is_some()
    }

    /// The outbox events after `seq`, as JSON text (a multi-tab leader relays them).
    pub fn events_after(&self, seq: u64) -> impl Iterator<Item = &(u64, EventText)> {
        self.outbox.since(seq)
    }

    /// The last event `seq`.
    pub fn last_seq(&self) -> u64 {
        self.outbox.last_seq()
    }

    /// An event from elsewhere (the multi-tab leader's stream, a `tabs`
    /// event) into this host's stream, numbered like the rest.
    pub fn push_relayed(&mut self, now: u64, event: Value) {
        self.push_event(now, EventText::of(&event));
        self.effects.push(Effect::SaveSoon);
    }

    /// Answers host request `id` with an outcome decided elsewhere (the
    /// multi-tab leader's, for a request carried out there).
    pub fn answer(&mut self, now: u64, id: u64, result: Result<Value, RequestError>) {
        match result {
            Ok(value) => self.respond(now, id, Some(value), None),
            Err(error) => self.respond(now, id, None, Some(error)),
        }
    }

    /// The drop counters.
    pub fn dropped(&self) -> Dropped {
        self.dropped
    }

    /// An [`Effect::SaveSoon`] at `now`: `Some(wait)`, save after `wait`
    /// ms ([`SAVE_DELAY_MS`] after a quiet spell, at most once per
    /// [`SAVE_EVERY_MS`] in a stream); `None`: a save is already scheduled.
    pub fn save_soon(&mut self, now: u64) -> Option<u64> {
        self.save.changed(now)
    }

    /// What to persist for a reload of this iframe, saved at `now` (the
    /// scheduled save, or the page going away): the JSON text of a [`Saved`]
    /// (the epoch, the next `seq`, the newest [`PERSISTED_EVENTS`] events,
    /// the host id and its answers), written from the channel's own events
    /// and answers, with no copy of them first.
    pub fn save_text(&mut self, now: u64) -> String {
        self.save.ran(now);
        let mut out = String::new();
        json_write::write_to(&mut out, &SavedText(self));
        out
    }

    /// Counters and handshake state, for diagnostics.
    pub fn diagnostics(&self, now: u64, core: &dyn ChannelCore) -> Value {
        json_write::object(&[
            ("connected", &self.attached()),
            ("hostOrigin", &self.host),
            ("epoch", &self.epoch),
            ("lastSeq", &self.outbox.last_seq()),
            ("dropped", &self.dropped),
            ("stats", &core.stats()),
            ("contactCentre", &core.contact_centre()),
            ("uptimeMs", &now.saturating_sub(self.started_ms)),
        ])
    }

    /// Records one log entry (redacted and bounded by the ring).
    pub fn log(&mut self, now: u64, level: LogLevel, source: &str, message: &str) {
        self.logs.push(now, level, source, message);
    }

    /// The log ring.
    pub fn logs(&self) -> &LogRing {
        &self.logs
    }

    /// The report for what the edge observed (the channel adds the attached
    /// host and checks against its allow-list).
    pub fn report(&self, mut obs: Observations) -> Report {
        obs.host_origin = self.host.clone();
        diagnose::report(&obs, &self.options.allowed)
    }

    /// The support bundle: the report, then the log (JSON Lines).
    pub fn export(&self, obs: Observations) -> String {
        let report = self.report(obs);
        diagnose::export_jsonl(&report, self.logs.query(LogQuery::default()))
    }

    /// The observations for an [`Effect::Diagnose`]: answers its request
    /// with the report, or the support bundle.
    pub fn on_observed(
        &mut self,
        now: u64,
        request: u64,
        export: bool,
        host: HostView,
        mut obs: Observations,
    ) {
        obs.drop_in = host.drop_in;
        obs.widget_origin_allowed = host.widget_origin_allowed;
        let result = if export {
            Some(json_write::object(&[("text", &self.export(obs))]))
        } else {
            let report = self.report(obs);
            // The failing checks' ids joined in place (no list of them, no `join`).
            let mut text = String::from("checks run; failing: ");
            let start = text.len();
            for check in &report.checks {
                if check.status == diagnose::CheckStatus::Fail {
                    if text.len() > start {
                        text.push_str(", ");
                    }
                    text.push_str(check.id.as_str());
                }
            }
            let level = if text.len() > start {
                LogLevel::Warn
            } else {
                text.push_str("none");
                LogLevel::Info
            };
            self.log(now, level, "diagnose", &text);
            Some(json_write::to_value(&report))
        };
        self.respond(now, request, result, None);
    }

    // -- Inputs ------------------------------------------------------------

    /// Announces the widget: `hello` to every allowed origin (only the real
    /// parent with a matching origin receives it). An embedding page known
    /// (`parent_origin`, from `location.ancestorOrigins`) to be outside the
    /// allow-list gets a refusal instead.
    pub fn announce(&mut self, now: u64, parent_origin: Option<&str>) {
        if let Some(origin) = parent_origin.filter(|o| !self.options.allowed.allows(o)) {
            self.refuse(now, origin, "origin");
            return;
        }
        let message = if self.options.crm_frame {
            // Avaya's connector frame speaks first: `ready`, until answered.
            if self.crm_ready {
                return;
            }
            if self.options.credentials_url.is_some()
                && !std::mem::replace(&mut self.client_started, true)
            {
                // No host will attach: the client starts with the widget.
                self.effects.push(Effect::StartClient);
            }
            bare("ready")
        } else {
            json_write::object(&[
                ("cti", &"hello"),
                ("v", &PROTOCOL_VERSION),
                ("epoch", &self.epoch),
            ])
        };
        // Posted to each target as it is found (no list of them first).
        let mut post = |origin: String| {
            self.effects.push(Effect::Window {
                message: message.clone(),
                origin,
            })
        };
        match (parent_origin, self.crm_peer.as_ref()) {
            (_, Some(peer)) => post(peer.clone()),
            (Some(parent), None) => post(parent.to_owned()),
            (None, None) => {
                for origin in self.options.allowed.origins() {
                    post(origin.as_str().to_owned());
                }
            }
        }
    }

    /// One window message. `data` converts its payload through the edge's
    /// guard; it is called only when the message passed the origin and
    /// source checks (or to recognize a refused handshake).
    pub fn on_window(
        &mut self,
        now: u64,
        input: WindowInput<'_>,
        data: &mut dyn FnMut() -> Result<Value, String>,
        core: &dyn ChannelCore,
    ) {
        let origin = input.origin;
        if !self.options.allowed.allows(origin) {
            self.dropped.origin += 1;
            self.trace_window(now, origin, "message", Some("origin not on the allow-list"));
            self.report_health(now);
            if input.from_parent && data().is_ok_and(|d| cti_of(&d) == Some("connect")) {
                self.refuse(now, origin, "origin");
            }
            return;
        }
        if !input.from_parent {
            self.dropped.source += 1;
            self.trace_window(now, origin, "message", Some("not from the embedding page"));
            self.report_health(now);
            return;
        }
        let data = match data() {
            Ok(data) => data,
            Err(why) => {
                self.dropped.malformed += 1;
                self.trace_window(now, origin, "message", Some(&why));
                return;
            }
        };
        let is_connect = cti_of(&data) == Some("connect");
        // A `connect` is traced by `on_connect`: once attached, on the new
        // port (the old one may already be closed by the host).
        if self.options.trace && !is_connect {
            let kind = ["cti", "action", "type"]
                .iter()
                .find_map(|f| data.get(*f).and_then(Value::as_str))
                .map_or_else(|| "message".to_owned(), |k| k.chars().take(64).collect());
            self.trace_window(now, origin, &kind, None);
        }
        match data.get("cti") {
            Some(Value::String(cti)) if cti == "connect" => {
                self.on_connect(now, origin, &data, input.has_port, core)
            }
            // A Client Application speaking the CRM Connector protocol on the window.
            None if data.is_object() => {
                if self.options.crm_frame && self.crm_peer.is_none() {
                    self.crm_peer = Some(origin.to_owned());
                }
                self.effects.push(Effect::Call(Call::Ingest {
                    source: Source::CrmConnector,
                    raw: data,
                    request: None,
                }))
            }
            _ => self.dropped.malformed += 1,
        }
    }

    /// One message on the host's port: `text` is its data when it is a string.
    pub fn on_port(&mut self, now: u64, text: Option<&str>, core: &dyn ChannelCore) {
        let Some(text) = text else {
            self.dropped.malformed += 1;
            self.trace_port_in(now, "message", 0, Some("not JSON text"));
            return;
        };
        let message = parse_host_message_with(text, self.options.json);
        self.trace_host_message(now, &message, text.len());
        match message {
            // A burst from one task of the host page: each message in order,
            // each decoded on its own (a bad one is counted, the rest go on).
            Ok(HostMessage::Batch { m }) => {
                for item in m {
                    let message = match HostMessage::from_value(item) {
                        Ok(HostMessage::Batch { .. }) => Err("a batch in a batch".to_owned()),
                        other => other,
                    };
                    self.trace_host_message(now, &message, 0);
                    match message {
                        Ok(message) => self.on_host_message(now, message, core),
                        Err(_) => self.dropped.malformed += 1,
                    }
                }
            }
            Ok(message) => self.on_host_message(now, message, core),
            Err(_) => self.dropped.malformed += 1,
        }
    }

    fn on_host_message(&mut self, now: u64, message: HostMessage, core: &dyn ChannelCore) {
        match message {
            HostMessage::Crm { msg } => self.effects.push(Effect::Call(Call::Ingest {
                source: Source::CrmConnector,
                raw: msg,
                request: None,
            })),
            HostMessage::Request { id, method, params } => {
                self.on_request(now, id, &method, params, core)
            }
            HostMessage::Answer { id, value, error } => self.on_answer(id, value, error),
            HostMessage::Ping { n } => self.send(now, &WidgetMessage::Pong { n }),
            HostMessage::Batch { .. } => self.dropped.malformed += 1,
        }
    }

    fn trace_host_message(
        &mut self,
        now: u64,
        message: &Result<HostMessage, String>,
        bytes: usize,
    ) {
        if !self.options.trace {
            return;
        }
        let kind = match message {
            Ok(HostMessage::Crm { msg }) => crm_kind(msg),
            Ok(HostMessage::Request { method, .. }) => format!("request {method}"),
            Ok(HostMessage::Answer { .. }) => "answer".to_owned(),
            Ok(HostMessage::Ping { .. }) => "ping".to_owned(),
            Ok(HostMessage::Batch { m }) => format!("batch of {}", m.len()),
            Err(_) => "message".to_owned(),
        };
        let dropped = message.as_ref().err().map(String::as_str);
        self.trace_port_in(now, &kind, bytes, dropped);
    }

    /// The once-a-second tick: announces until a host attaches, then repeats
    /// the CRM Connector `ready` until the Client Application answers.
    pub fn on_tick(&mut self, now: u64, parent_origin: Option<&str>) {
        if !self.attached() {
            // Also repeats the frame mode's `ready` until the Client Application answers.
            self.announce(now, parent_origin);
        } else if !self.crm_ready {
            self.send_crm(now, &bare("ready"));
        }
    }

    /// The page is going away: save now, tell the host (it queues until the
    /// next `ready`).
    pub fn on_pagehide(&mut self, now: u64) {
        self.effects.push(Effect::SaveNow);
        self.send(now, &WidgetMessage::Bye);
    }

    /// The core's outputs: each goes to the host with its `seq`; CRM
    /// commands and requests go to the Client Application; the CRM
    /// Connector start-up is driven; requests whose command settled are answered.
    pub fn on_outputs(&mut self, now: u64, outputs: Vec<Output>, core: &dyn ChannelCore) {
        for output in outputs {
            match &output {
                Output::Command(c) => {
                    if c.status == CommandStatus::Pending
                        && c.target == Side::Crm
                        && c.source == Some(Source::CrmConnector)
                    {
                        self.send_crm(now, &c.wire);
                    }
                    if c.status != CommandStatus::Pending {
                        if let Some(request) = self.waiting.remove(&c.id) {
                            let command = json_write::to_value(c);
                            let error = match c.status {
                                CommandStatus::Confirmed => None,
                                status => Some(RequestError {
                                    code: if status == CommandStatus::NotSupported {
                                        ErrorCode::NotSupported
                                    } else {
                                        ErrorCode::Rejected
                                    },
                                    message: c
                                        .detail
                                        .clone()
                                        .unwrap_or_else(|| format!("{status:?}")),
                                }),
                            };
                            self.respond(now, request, Some(command), error);
                        }
                    }
                }
                Output::Event(e) if e.source == Source::CrmConnector => match &e.body {
                    EventBody::Connection {
                        status: ConnectionStatus::Ready,
                        ..
                    } => {
                        self.crm_ready = true;
                        self.send_crm(now, &bare("requestCrmData"));
                    }
                    EventBody::CrmData {
                        omnichannel_mode: Some(m),
                        ..
                    } if !self.options.mode_forced => {
                        if let Some(mode) = Mode::parse(m) {
                            core.set_mode(mode);
                        }
                    }
                    _ => {}
                },
                Output::CrmRequest(r) => self.send_crm(now, &r.wire),
                Output::Event(_) => {}
            }
            let text = EventText::of_via(&output, &mut self.scratch);
            self.push_event(now, text);
        }
        self.effects.push(Effect::SaveSoon);
    }

    /// The core issued `command` for a [`Call::SetState`] (none: nothing to
    /// change, answered at once); the request is answered when it settles.
    pub fn on_command_issued(&mut self, now: u64, request: u64, command: Option<u64>) {
        match command {
            Some(command) => {
                self.waiting.insert(command, request);
            }
            None => self.respond(
                now,
                request,
                None,
                Some(RequestError {
                    code: ErrorCode::Rejected,
                    message: "the bridge issued no command".into(),
                }),
            ),
        }
    }

    /// A [`Call::Ingest`] decoded; its outputs went to [`Self::on_outputs`].
    pub fn on_ingested(&mut self, now: u64, request: Option<u64>) {
        if let Some(request) = request {
            self.respond(
                now,
                request,
                Some(json_write::object(&[("ok", &true)])),
                None,
            );
        }
    }

    /// A [`Call::Ingest`] did not decode: an `error` event (and the request's answer).
    pub fn on_ingest_error(
        &mut self,
        now: u64,
        source: Source,
        error: &DecodeError,
        request: Option<u64>,
    ) {
        self.push_host_event(now, &WidgetEvent::decode_error(source, error));
        if let Some(request) = request {
            let error = RequestError {
                code: ErrorCode::InvalidParams,
                message: error.to_string(),
            };
            self.respond(now, request, None, Some(error));
        }
    }

    /// The outcome of a [`Call::CcCommand`].
    pub fn on_cc_command(
        &mut self,
        now: u64,
        request: u64,
        name: &str,
        outcome: Result<(), RequestError>,
    ) {
        match outcome {
            Ok(()) => self.respond(
                now,
                request,
                Some(json_write::object(&[("sent", &name)])),
                None,
            ),
            Err(error) => self.respond(now, request, None, Some(error)),
        }
    }

    /// An event of the widget's own for the host (`ccHealth`, `observed`, `error`).
    pub fn push_host_event(&mut self, now: u64, event: &WidgetEvent) {
        if let Some((level, source, message)) = event.log_line() {
            self.log(now, level, source, &message);
        }
        self.push_event(now, EventText::of(event));
    }

    /// The live client asks for a token or credentials: the host is asked on
    /// the port (now, or when it attaches); the answer settles ask `id`.
    /// The oldest ask is given up when [`ASKS_KEPT`] wait.
    pub fn ask(&mut self, now: u64, what: Ask) -> u64 {
        if self.asks.len() >= ASKS_KEPT {
            let (old, _) = self.asks.remove(0);
            self.effects.push(Effect::Settle {
                ask: old,
                result: Err("superseded".into()),
            });
        }
        let id = self.next_ask;
        self.next_ask += 1;
        self.asks.push((id, what));
        if let Some(url) = &self.options.credentials_url {
            self.effects.push(Effect::FetchCredentials {
                ask: id,
                url: url.as_str().to_owned(),
            });
            return id;
        }
        self.send(
            now,
            &WidgetMessage::Ask {
                id,
                what: what.as_str(),
            },
        );
        id
    }

    /// The credentials endpoint answered ask `ask` (its JSON body, or why
    /// there is none): settles the ask.
    pub fn on_credentials_fetched(&mut self, ask: u64, body: Result<Value, String>) {
        let Some(what) = self.take_ask(ask) else {
            return;
        };
        let result = body.and_then(|body| credentials_from(what, &body));
        self.effects.push(Effect::Settle { ask, result });
    }

    /// One entry of the contact-centre trace (frames and REST calls).
    pub fn trace_cc(
        &mut self,
        now: u64,
        dir: &'static str,
        origin: Option<String>,
        kind: String,
        bytes: usize,
        dropped: Option<String>,
    ) {
        if self.options.trace {
            self.record(TraceEntry {
                at: now,
                dir,
                peer: Peer::Cc,
                kind,
                origin,
                bytes,
                dropped,
            });
        }
    }

    // -- Decisions ---------------------------------------------------------

    fn on_connect(
        &mut self,
        now: u64,
        origin: &str,
        data: &Value,
        has_port: bool,
        core: &dyn ChannelCore,
    ) {
        let connect = match fields::wire::<Connect>(data) {
            Ok(c) if has_port => c,
            Ok(_) => {
                self.dropped.malformed += 1;
                self.trace_window(now, origin, "connect", Some("no port transferred"));
                return;
            }
            // The reason names no value: the trace never carries content.
            Err(_) => {
                self.dropped.malformed += 1;
                self.trace_window(now, origin, "connect", Some("malformed connect"));
                return;
            }
        };
        if !(MIN_PROTOCOL_VERSION..=PROTOCOL_VERSION).contains(&connect.v) {
            self.dropped.version += 1;
            self.trace_window(
                now,
                origin,
                "connect",
                Some("protocol version not supported"),
            );
            self.refuse(now, origin, "version");
            return;
        }
        // The host's version is the channel's: batches for 2 and later (the
        // posts before this belong to the port before, packed as they were).
        self.effects.push(Effect::Attach);
        self.batch = connect.v >= 2;
        self.log(
            now,
            LogLevel::Info,
            "channel",
            &format!("host {origin} attached"),
        );
        self.host = Some(origin.to_owned());
        let same_epoch = connect.epoch.as_deref() == Some(self.epoch.as_str());
        if !same_epoch && !self.delivered {
            // A fresh widget (this iframe reloaded and could not restore its
            // session): continue the host's numbering.
            self.outbox.rebase(connect.last_seq);
        }
        if same_epoch {
            // A session restored from a save older than what this host saw
            // (the widget died or was reloaded between a save and the next):
            // number on after the host's last event, or the host would take
            // the next events for ones it has and drop them.
            self.outbox.skip_to(connect.last_seq);
        }
        self.delivered = true;
        if self.host_id != connect.host_id {
            self.host_id = connect.host_id;
            self.answered.clear();
        }
        // Trace entries kept while no host listened.
        for entry in std::mem::take(&mut self.trace_buffer) {
            self.post(&WidgetMessage::Trace { entry: &entry });
        }
        self.trace_window(now, origin, "connect", None);
        let epoch = self.epoch.clone();
        self.send(
            now,
            &WidgetMessage::Ready {
                v: connect.v,
                epoch: &epoch,
                last_seq: self.outbox.last_seq(),
                snapshot: core.snapshot(),
            },
        );
        // Replay what this host has not seen (all of it for a new host),
        // after telling it, range by range, what cannot be replayed.
        let from = if same_epoch || connect.epoch.is_some() {
            connect.last_seq
        } else {
            0
        };
        if same_epoch {
            let mut after = from;
            while let Some((from, to)) = self.outbox.gap_after(after) {
                let gap = json_write::to_value(&WidgetEvent::Gap { from, to });
                self.send(now, &WidgetMessage::Notice { event: &gap });
                after = to;
            }
        }
        for (seq, event) in self.outbox.since(from) {
            self.effects
                .post(self.batch, |out| event.write_message(*seq, out));
        }
        // CRM Connector start-up: the connector says it is ready until answered.
        if !self.crm_ready {
            self.send_crm(now, &bare("ready"));
        }
        // Asks the previous host (or no host) left unanswered go to this one
        // (with an endpoint configured, the endpoint answers them instead).
        if self.options.credentials_url.is_none() {
            // Read in place (no copy of the list: sending changes no ask).
            let mut at = 0;
            while let Some(&(id, what)) = self.asks.get(at) {
                self.send(
                    now,
                    &WidgetMessage::Ask {
                        id,
                        what: what.as_str(),
                    },
                );
                at += 1;
            }
        }
        if !std::mem::replace(&mut self.client_started, true) {
            self.effects.push(Effect::StartClient);
        }
    }

    fn on_request(
        &mut self,
        now: u64,
        id: u64,
        method: &str,
        params: Value,
        core: &dyn ChannelCore,
    ) {
        // Re-sent after a reload: answer again, do not act twice.
        // Posted from where it is kept (no copy of it first).
        if let Some((_, reply)) = self.answered.iter().find(|(r, _)| *r == id) {
            self.effects.post(self.batch, |out| out.push_str(reply));
            return;
        }
        let invalid = |message: String| {
            Some(RequestError {
                code: ErrorCode::InvalidParams,
                message,
            })
        };
        let error = match method {
            "snapshot" => {
                let result = json_write::object(&[
                    ("snapshot", &core.snapshot()),
                    ("diagnostics", &self.diagnostics(now, core)),
                ]);
                self.respond(now, id, Some(result), None);
                return;
            }
            "logs" => match opt_wire::<LogQuery>(&params) {
                Ok(query) => {
                    // A loop, not `map` and `collect` (an iterator adapter in the wasm).
                    let mut entries = Vec::new();
                    for entry in self.logs.query(query.unwrap_or_default()) {
                        entries.push(json_write::to_value(entry));
                    }
                    self.respond(
                        now,
                        id,
                        Some(json_write::object(&[("entries", &entries)])),
                        None,
                    );
                    return;
                }
                // The text `Option::<LogQuery>::deserialize` gave (serde_json
                // adds nothing to a custom error of a value).
                Err(e) => invalid(format!(
                    "expected {{since?, level?}}: {}",
                    fields::located(&e)
                )),
            },
            "diagnose" | "exportLogs" => match opt_wire::<HostView>(&params) {
                Ok(host) => {
                    self.effects.push(Effect::Diagnose {
                        request: id,
                        export: method == "exportLogs",
                        host: host.unwrap_or_default(),
                    });
                    return;
                }
                Err(e) => invalid(format!("expected {{dropIn?, widgetOriginAllowed?}}: {e}")),
            },
            "setAgentState" | "setPresence" => match fields::wire::<SetState>(&params) {
                Ok(p) => match desired(&p.state) {
                    Some(desired) => {
                        let target = if method == "setAgentState" {
                            Side::Cc
                        } else {
                            Side::Crm
                        };
                        self.effects.push(Effect::Call(Call::SetState {
                            request: id,
                            target,
                            desired,
                            reason: p.reason,
                        }));
                        return;
                    }
                    None => invalid(format!("unknown state `{}`", p.state)),
                },
                Err(e) => invalid(e.to_string()),
            },
            "setMode" => match params
                .get("mode")
                .and_then(Value::as_str)
                .and_then(Mode::parse)
            {
                Some(mode) => {
                    core.set_mode(mode);
                    self.respond(now, id, Some(json_write::object(&[("mode", &mode)])), None);
                    return;
                }
                None => invalid("expected {mode: synchronized|complementary|off}".into()),
            },
            "ccCommand" => match fields::wire::<CcCommand>(&params) {
                Ok(CcCommand { name, args }) => {
                    self.effects.push(Effect::Call(Call::CcCommand {
                        request: id,
                        name,
                        args,
                    }));
                    return;
                }
                Err(e) => invalid(e.to_string()),
            },
            "inject" if self.options.allow_inject => match inject_params(params) {
                Ok((source, msg)) => match Source::parse(&source) {
                    Some(source) => {
                        self.effects.push(Effect::Call(Call::Ingest {
                            source,
                            raw: msg,
                            request: Some(id),
                        }));
                        return;
                    }
                    None => invalid(format!("unknown source `{source}`")),
                },
                Err(e) => invalid(e.to_string()),
            },
            "inject" => Some(RequestError {
                code: ErrorCode::Forbidden,
                message: "injection is off in this widget".into(),
            }),
            other => Some(RequestError {
                code: ErrorCode::UnknownMethod,
                message: format!("unknown method `{other}`"),
            }),
        };
        self.respond(now, id, None, error);
    }

    fn on_answer(&mut self, id: u64, value: Value, error: Option<String>) {
        if self.take_ask(id).is_none() {
            return;
        }
        let result = match (error, value) {
            (Some(error), _) => Err(error),
            (None, Value::Null) => Err("the host gave nothing".into()),
            (None, value) => Ok(value),
        };
        self.effects.push(Effect::Settle { ask: id, result });
    }

    /// Takes waiting ask `id` off the list: what it asked, if it waits.
    fn take_ask(&mut self, id: u64) -> Option<Ask> {
        let at = self.asks.iter().position(|(ask, _)| *ask == id)?;
        Some(self.asks.remove(at).1)
    }

    /// Sends a response and remembers it for a request re-sent after a reload.
    fn respond(&mut self, now: u64, id: u64, result: Option<Value>, error: Option<RequestError>) {
        let reply = WidgetMessage::Response { id, result, error };
        self.trace_port_out(now, &reply);
        if let Some(text) = to_text(&reply) {
            if self.host.is_some() {
                self.effects.post(self.batch, |out| out.push_str(&text));
            }
            if self.answered.len() >= ANSWERS_KEPT {
                self.answered.pop_front();
            }
            self.answered.push_back((id, text));
        }
    }

    /// Tells the embedding page (and only it: its exact origin) why its
    /// handshake is refused (`origin` not allowed, protocol `version`), so its
    /// `connect()` fails at once instead of timing out. At most once per
    /// second: a page cannot make the widget echo a flood.
    fn refuse(&mut self, now: u64, origin: &str, reason: &str) {
        if self
            .last_refusal_ms
            .is_some_and(|t| now.saturating_sub(t) < REFUSAL_EVERY_MS)
        {
            return;
        }
        self.last_refusal_ms = Some(now);
        let code = (reason == "origin").then_some(CheckId::HostOrigin);
        self.log(
            now,
            LogLevel::Warn,
            "channel",
            &format!("refused the handshake of {origin}: {reason}"),
        );
        self.effects.push(Effect::Window {
            message: json_write::object(&[
                ("cti", &"refused"),
                ("reason", &reason),
                ("v", &PROTOCOL_VERSION),
                ("code", &code.map_or("protocol", CheckId::as_str)),
                ("fix", &code.map_or("Use the drop-in script (cti-bridge.js) served with this widget: the channel protocol versions differ.", CheckId::fix)),
            ]),
            origin: origin.to_owned(),
        });
    }

    /// A `health` event with the drop counters, at most every 500 ms (a
    /// flood from an untrusted frame cannot flood the host).
    fn report_health(&mut self, now: u64) {
        if self
            .last_health_ms
            .is_some_and(|t| now.saturating_sub(t) < HEALTH_EVERY_MS)
        {
            return;
        }
        self.last_health_ms = Some(now);
        let status = if self.attached() {
            LinkStatus::Live
        } else {
            LinkStatus::Connecting
        };
        self.push_host_event(
            now,
            &WidgetEvent::Health {
                status,
                dropped: self.dropped,
            },
        );
    }

    /// Gives an event its channel `seq`, keeps it in the outbox and sends it.
    /// The event's text (written once, by [`EventText::of`]) is the one the
    /// port message, a replay and the saved session copy.
    fn push_event(&mut self, now: u64, event: EventText) {
        let seq = self.outbox.push(event);
        if self.host.is_none() {
            return;
        }
        let Some((_, event)) = self.outbox.last() else {
            return;
        };
        let kind = self.options.trace.then(|| event_kind(&event.to_value()));
        self.effects
            .post(self.batch, |out| event.write_message(seq, out));
        if let Some(kind) = kind {
            self.trace_out(now, kind);
        }
    }

    /// A CRM Connector envelope for the Client Application: on the port when
    /// a host is attached; in frame mode, on the window to the Client
    /// Application's exact origin; else nowhere (no host to post to).
    fn send_crm(&mut self, now: u64, envelope: &Value) {
        if self.host.is_none() && self.options.crm_frame {
            if let Some(origin) = self.crm_peer.clone() {
                if self.options.trace {
                    self.record(TraceEntry {
                        at: now,
                        dir: "out",
                        peer: Peer::Window,
                        kind: crm_kind(envelope),
                        origin: Some(origin.clone()),
                        bytes: 0,
                        dropped: None,
                    });
                }
                self.effects.push(Effect::Window {
                    message: envelope.clone(),
                    origin,
                });
            }
            return;
        }
        self.send(now, &WidgetMessage::Crm { msg: envelope });
    }

    /// Sends on the port when a host is attached (and traces it).
    #[inline(never)]
    fn send(&mut self, now: u64, message: &WidgetMessage<'_>) {
        if self.host.is_none() {
            return;
        }
        self.trace_port_out(now, message);
        self.post(message);
    }

    fn post(&mut self, message: &WidgetMessage<'_>) {
        self.effects
            .post(self.batch, |out| json_write::write_to(out, message));
    }

    // -- Trace -------------------------------------------------------------

    fn trace_port_out(&mut self, now: u64, message: &WidgetMessage<'_>) {
        if !self.options.trace {
            return;
        }
        let kind = match message {
            WidgetMessage::Ready { .. } => "ready".to_owned(),
            WidgetMessage::Event { event, .. } => event_kind(event),
            WidgetMessage::Response { id, error, .. } => match error {
                Some(e) => format!("response {id} error {:?}", e.code),
                None => format!("response {id}"),
            },
            WidgetMessage::Crm { msg } => crm_kind(msg),
            WidgetMessage::Bye => "bye".to_owned(),
            WidgetMessage::Ask { what, .. } => format!("ask {what}"),
            WidgetMessage::Notice { .. } => "notice".to_owned(),
            WidgetMessage::Pong { .. } => "pong".to_owned(),
            WidgetMessage::Trace { .. } => return,
        };
        self.trace_out(now, kind);
    }

    fn trace_out(&mut self, now: u64, kind: String) {
        self.record(TraceEntry {
            at: now,
            dir: "out",
            peer: Peer::Host,
            kind,
            origin: self.host.clone(),
            bytes: 0,
            dropped: None,
        });
    }

    fn trace_port_in(&mut self, now: u64, kind: &str, bytes: usize, dropped: Option<&str>) {
        if self.options.trace {
            self.record(TraceEntry {
                at: now,
                dir: "in",
                peer: Peer::Host,
                kind: kind.to_owned(),
                origin: self.host.clone(),
                bytes,
                dropped: dropped.map(str::to_owned),
            });
        }
    }

    fn trace_window(&mut self, now: u64, origin: &str, kind: &str, dropped: Option<&str>) {
        if self.options.trace {
            self.record(TraceEntry {
                at: now,
                dir: "in",
                peer: Peer::Window,
                kind: kind.to_owned(),
                origin: Some(origin.chars().take(256).collect()),
                bytes: 0,
                dropped: dropped.map(str::to_owned),
            });
        }
    }

    /// Posts a trace entry, or keeps it (bounded) until a host attaches.
    fn record(&mut self, entry: TraceEntry) {
        if self.host.is_some() {
            self.post(&WidgetMessage::Trace { entry: &entry });
        } else {
            if self.trace_buffer.len() >= TRACE_BUFFERED {
                self.trace_buffer.pop_front();
            }
            self.trace_buffer.push_back(entry);
        }
    }
}

/// The trace kind of an event: `event <kind>` (one writer of it).
fn event_kind(event: &Value) -> String {
    format!(
        "event {}",
        event.get("kind").and_then(Value::as_str).unwrap_or("?")
    )
}

/// The trace kind of a CRM Connector envelope: `crm <frame type>` (one
/// writer of it).
#[inline(never)]
fn crm_kind(envelope: &Value) -> String {
    format!("crm {}", frame_type(envelope))
}

/// The `cti` field of a window message, when it is a string.
fn cti_of(data: &Value) -> Option<&str> {
    data.get("cti").and_then(Value::as_str)
}

fn desired(state: &str) -> Option<Desired> {
    match state {
        "ready" => Some(Desired::Ready),
        "notReady" => Some(Desired::NotReady),
        _ => None,
    }
}

/// The effects of a turn, in order, with the port posts of a protocol-2
/// host packed as they are written: `{"t":"batch","m":[...]}` posts of at
/// most [`MAX_BATCH_BYTES`] of text (a bigger message travels alone), a lone
/// message as itself. Each message is written once into a buffer kept from
/// one message to the next, then copied into its batch (no text allocated per
/// message, no batch grown past the limit's size). The posts between two
/// [`Effect::Attach`]es go together where the first of them was: moving a
/// post ahead of a [`Effect::Call`] or a save keeps the port's order (what a
/// call produces is added after it), but a post never crosses an `Attach`
/// (it belongs to the port before or after). A turn asks for one save
/// however many changes it made.
#[derive(Debug, Default)]
pub(crate) struct Outgoing {
    effects: Vec<Effect>,
    /// Where the waiting posts go in `effects` (the first one's place).
    slot: Option<usize>,
    /// Posts packed, closed.
    packed: Vec<String>,
    /// The open batch: [`BATCH_HEAD`], then its messages, comma-separated.
    open: String,
    /// Messages in `open`.
    count: usize,
    /// The message being written.
    message: String,
}

const BATCH_HEAD: &str = r#"{"t":"batch","m":["#;
const BATCH_TAIL: &str = "]}";

impl Outgoing {
    /// An effect; a port post ([`Effect::Port`]) goes into its batch.
    pub(crate) fn push(&mut self, effect: Effect) {
        match effect {
            Effect::Port(text) => self.post(true, |out| out.push_str(&text)),
            Effect::Attach => {
                self.place();
                self.effects.push(Effect::Attach);
            }
            other => self.effects.push(other),
        }
    }

    /// A port message, written by `write`: into its batch (`batch`: the host
    /// speaks protocol 2), else as a post of its own.
    fn post(&mut self, batch: bool, write: impl FnOnce(&mut String)) {
        // Written first where it is kept between messages (no allocation
        // once warm), so that a batch never outgrows the limit's size.
        self.message.clear();
        write(&mut self.message);
        self.pack(batch);
    }

    /// The message just written into `message`, packed (one copy of this
    /// for every writer of [`Outgoing::post`]).
    #[inline(never)]
    fn pack(&mut self, batch: bool) {
        if !batch {
            self.effects
                .push(Effect::Port(std::mem::take(&mut self.message)));
            return;
        }
        self.slot.get_or_insert(self.effects.len());
        // With it (and `]}`) the batch would pass the limit (one byte kept
        // spare, as before): it opens the next batch.
        if self.count > 0
            && self.open.len() + 1 + self.message.len() + BATCH_TAIL.len() + 1 > MAX_BATCH_BYTES
        {
            self.close();
        }
        if self.count == 0 {
            self.open.reserve(1024);
            self.open.push_str(BATCH_HEAD);
        } else {
            self.open.push(',');
        }
        self.open.push_str(&self.message);
        self.count += 1;
    }

    /// Closes the open batch (a lone message as itself).
    fn close(&mut self) {
        let post = match self.count {
            0 => return,
            // The lone message copied out (no `replace_range`, whose splice
            // machinery costs more wasm than the copy costs time); the batch
            // buffer stays for the next one.
            1 => {
                let lone = self
                    .open
                    .get(BATCH_HEAD.len()..)
                    .unwrap_or_default()
                    .to_owned();
                self.open.clear();
                lone
            }
            _ => {
                self.open.push_str(BATCH_TAIL);
                std::mem::take(&mut self.open)
            }
        };
        self.packed.push(post);
        self.count = 0;
    }

    /// Puts the waiting posts at their place.
    fn place(&mut self) {
        if let Some(at) = self.slot.take() {
            self.close();
            // One by one (a turn packs one post but past the batch limit):
            // no `splice` machinery in the wasm.
            for (i, text) in std::mem::take(&mut self.packed).into_iter().enumerate() {
                self.effects.insert(at + i, Effect::Port(text));
            }
        }
    }

    /// The turn's effects, in order (one save at most).
    fn take(&mut self) -> Vec<Effect> {
        self.place();
        let mut effects = std::mem::take(&mut self.effects);
        // One save asked for per turn, however many changes (a burst of
        // injects asks once, not once per message: each ask costs the edge a
        // clock read).
        let mut saving = false;
        effects.retain(|e| !matches!(e, Effect::SaveSoon) || !std::mem::replace(&mut saving, true));
        effects
    }
}

/// `effects` as a turn of a protocol-2 channel gives them: port posts packed
/// ([`Outgoing`]).
#[cfg(test)]
pub(crate) fn batch_port_posts(effects: Vec<Effect>) -> Vec<Effect> {
    let mut out = Outgoing::default();
    for effect in effects {
        out.push(effect);
    }
    out.take()
}

fn to_text(message: &WidgetMessage<'_>) -> Option<String> {
    Some(json_write::to_string(message))
}

/// The channel's [`Saved`] written in place ([`WidgetChannel::save_text`]).
struct SavedText<'a>(&'a WidgetChannel);

/// A JSON value written by a function (a list taken from the channel in place).
struct Written<F: Fn(&mut JsonWriter)>(F);

impl<F: Fn(&mut JsonWriter)> ToJson for Written<F> {
    fn write_json(&self, w: &mut JsonWriter) {
        (self.0)(w)
    }
}

impl ToJson for SavedText<'_> {
    fn write_json(&self, w: &mut JsonWriter) {
        let c = self.0;
        let skip = c.outbox.events().count().saturating_sub(PERSISTED_EVENTS);
        w.object(|o| {
            o.field("epoch", &c.epoch)
                .field("nextSeq", &c.outbox.next_seq())
                .field(
                    "events",
                    &Written(|w| w.array(c.outbox.events().skip(skip))),
                )
                .field("hostId", &c.host_id)
                .field("answered", &Written(|w| w.array(&c.answered)));
        });
    }
}

#[cfg(test)]
#[path = "widget_tests.rs"]
mod tests;
