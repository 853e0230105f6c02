//! The agent's panel: what the agent sees and uses inside the widget frame,
//! decided here and only rendered by the edge (`www/panel.js`).
//!
//! [`Panel`] follows the bridge's outputs (agent state, interactions,
//! commands, errors, click-to-dial), the live client's health and what the
//! agent did in the panel; [`Panel::view`] turns that plus the engine's
//! [`Snapshot`] into a [`PanelView`]: the agent state and the states the
//! agent may pick, one card per interaction with the actions its state
//! allows, the dial field, the sign-in form when no host gives credentials,
//! the context (CRM presence, sync mode, connection health) and the
//! notices. Texts are codes (`missedOffer`, `badCredentials` ...): the edge
//! holds the words per language; labels the contact centre's configuration
//! gives (`pauseReasons`) are picked here for the view's locale.

#[cfg(test)]
mod tests;

use crate::bridge::Output;
use crate::client::{Fault, Health, HealthState};
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error as FieldError;
use crate::command::{CommandStatus, Desired};
use crate::model::{AgentStateKind, Direction, EventBody, InteractionPhase, Side, Source};
use crate::sync::{Mode, Snapshot};
use serde::de::Error as _;
use serde::Deserialize;

/// Most notices kept (the oldest go first).
const MAX_NOTICES: usize = 8;
/// Most calls tracked at once.
const MAX_CALLS: usize = 16;
/// When the edge draws the view: in a task of its own after the widget's
/// turn (the host's reply never waits for the panel), and at most every
/// 250 ms while changes stream in (a burst is drawn once, as it ends up;
/// a drawing and the layout it causes take a few ms of the widget's thread).
pub const fn render_pace() -> crate::pace::Pace {
    crate::pace::Pace::new(0, 250)
}

/// How long the widget waits for a host before it offers its own sign-in.
pub const HOST_GRACE_MS: u64 = 2_000;

/// Languages the panel speaks (the edge has the words; labels from the
/// configuration are picked for it).
pub const LOCALES: [&str; 2] = ["en", "fr"];

/// A pause reason the contact centre offers (widget config `pauseReasons`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseReason {
    /// The code sent to the contact centre (xuc pause reason, AXP reason
    /// code, AgentDesktop sub-state).
    pub id: String,
    /// What the agent reads: one text, or one per language (`{"en", "fr"}`).
    pub label: Label,
}

/// A label, in one language or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// The same text in every language.
    Text(String),
    /// Texts by language code (a `Vec`: a few entries, and
    /// no `BTreeMap<String, String>` code in the wasm).
    ByLocale(Vec<(String, String)>),
}

impl Label {
    /// The text for `locale`, else English, else any.
    pub fn pick(&self, locale: &str) -> &str {
        match self {
            Label::Text(text) => text,
            Label::ByLocale(texts) => {
                let text = |code: &str| texts.iter().find(|(c, _)| c == code);
                text(locale)
                    .or_else(|| text("en"))
                    .or_else(|| texts.first())
                    .map_or("", |(_, t)| t.as_str())
            }
        }
    }
}

impl<'de> Deserialize<'de> for PauseReason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

// Read by hand: the derived `untagged` label and the struct cost about 4 KB of wasm.
impl Wire for PauseReason {
    const EXPECTED: &'static str = "struct PauseReason";
    fn read(o: Fields) -> Result<Self, FieldError> {
        // Both fields are required: `settings` refuses a reason without one.
        let mut reason = PauseReason {
            id: String::new(),
            label: Label::Text(String::new()),
        };
        crate::config::settings(o, &["id", "label"], 2, &mut |i, v| {
            match i {
                0 => reason.id = fields::text(v)?,
                _ => reason.label = label(v)?,
            }
            Ok(())
        })?;
        Ok(reason)
    }
}

/// A pause reason's label: a text, or texts by locale.
fn label(value: &serde_json::Value) -> Result<Label, FieldError> {
    match value {
        serde_json::Value::String(s) => Ok(Label::Text(s.clone())),
        serde_json::Value::Object(map) => {
            // A loop, not `collect` into a `Result` (an iterator adapter in the wasm).
            let mut texts = Vec::with_capacity(map.len());
            for (k, v) in map {
                texts.push((k.clone(), fields::text(v).map_err(|e| e.at_key(k))?));
            }
            Ok(Label::ByLocale(texts))
        }
        _ => Err(FieldError::custom(
            "data did not match any variant of untagged enum Label",
        )),
    }
}

crate::codec::fields::by_name!(
    PartyDisplay,
    &["full", "masked", "hidden"],
    &[
        PartyDisplay::Full,
        PartyDisplay::Masked,
        PartyDisplay::Hidden
    ]
);

/// How the other party of a call is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum PartyDisplay {
    /// As the contact centre gives it.
    #[default]
    Full,
    /// Digits masked but the last four.
    Masked,
    /// Not shown.
    Hidden,
}

impl PartyDisplay {
    /// `party` as this setting allows.
    pub fn apply(self, party: &str) -> Option<String> {
        match self {
            PartyDisplay::Full => Some(party.to_owned()),
            PartyDisplay::Hidden => None,
            PartyDisplay::Masked => {
                // Digits are ASCII: counted and replaced byte by byte, the
                // rest copied as it is (no `char` iterator adapters).
                let digits = party.bytes().filter(u8::is_ascii_digit).count();
                let mut seen = 0;
                let mut masked = String::with_capacity(party.len() + 2 * digits);
                for c in party.chars() {
                    if c.is_ascii_digit() {
                        seen += 1;
                        if seen + 4 <= digits {
                            masked.push('•');
                            continue;
                        }
                    }
                    masked.push(c);
                }
                Some(masked)
            }
        }
    }
}

/// The panel's settings.
#[derive(Debug, Clone, Default)]
pub struct PanelConfig {
    /// Pause reasons offered (widget config `pauseReasons`).
    pub pause_reasons: Vec<PauseReason>,
    /// How the other party is shown.
    pub party: PartyDisplay,
    /// The widget has a token endpoint (`credentialsUrl`).
    pub credentials_url: bool,
    /// The live client's protocol (`None`: the widget runs none).
    pub live: Option<Source>,
}

/// The agent's language: one of [`LOCALES`] (else English).
pub fn locale(asked: Option<&str>) -> &'static str {
    let asked = asked.unwrap_or("en").to_ascii_lowercase();
    let primary = asked.split(['-', '_']).next().unwrap_or("en");
    LOCALES
        .iter()
        .find(|l| **l == primary)
        .copied()
        .unwrap_or("en")
}

/// Why a sign-in did not succeed, for a message the agent understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum LoginError {
    /// The page gave no credentials: the agent signs in here.
    NoCredentials,
    /// xuc: wrong user or password (HTTP 401 / 403).
    BadCredentials,
    /// xuc: refused again with fresh credentials: the client gave up.
    RefusedAgain,
    /// The server is unavailable or failing (HTTP 5xx, AXP internal error).
    ServerUnavailable,
    /// The server could not be reached (network error, time-out).
    Unreachable,
    /// The configuration is wrong (xuc baseUrl, AXP restBase / accountId / appKey).
    Misconfigured,
    /// The contact centre refused the session token (xuc `InvalidToken`, AXP `INVALID_TOKEN`, HTTP 401).
    TokenRefused,
    /// The token endpoint (`credentialsUrl`) refused: the agent is not signed in to the widget's site.
    EndpointRefused,
    /// The token endpoint could not be reached or answered nonsense.
    EndpointFailed,
    /// No way to get a token: no host and no `credentialsUrl`.
    NoTokenSource,
    /// xuc: the phone number is not known (`PhoneNumberUnknown`).
    PhoneUnknown,
    /// xuc: the agent is logged in on another phone (`LoggedInOnAnotherPhone`).
    OtherPhone,
}

impl LoginError {
    /// The sign-in message for a live client's typed fault ([`Health::fault`]).
    pub fn from_fault(fault: Fault) -> LoginError {
        match fault {
            Fault::NoCredentials => LoginError::NoCredentials,
            Fault::EndpointRefused => LoginError::EndpointRefused,
            Fault::EndpointFailed => LoginError::EndpointFailed,
            Fault::BadCredentials => LoginError::BadCredentials,
            Fault::RefusedAgain => LoginError::RefusedAgain,
            Fault::TokenRefused => LoginError::TokenRefused,
            Fault::Misconfigured => LoginError::Misconfigured,
            Fault::ServerUnavailable => LoginError::ServerUnavailable,
            Fault::Unreachable => LoginError::Unreachable,
        }
    }

    /// An xuc `AgentError` code met while logging the agent in on a phone.
    pub fn from_agent_error(code: &str) -> Option<LoginError> {
        match code {
            "PhoneNumberUnknown" => Some(LoginError::PhoneUnknown),
            "LoggedInOnAnotherPhone" => Some(LoginError::OtherPhone),
            _ => None,
        }
    }
}

/// What a notice is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(rename_all = "camelCase", tag = "kind")
)]
pub enum NoticeKind {
    /// A call is ringing (announced as an alert; gone once answered or ended).
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    Incoming {
        /// The call.
        call: String,
        /// The caller, as the redaction allows.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        party: Option<String>,
    },
    /// An offered call ended before it was answered.
    MissedOffer {
        /// The caller, as the redaction allows.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        party: Option<String>,
    },
    /// The contact centre paused the agent without being asked.
    ForcedPause {
        /// The pause reason or cause given.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        reason: Option<String>,
    },
    /// A command was refused.
    Refused {
        /// What was asked (`ready`, `notReady`, `answer`, `dial` ...).
        command: String,
        /// Why, in the contact centre's or the client's words.
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        detail: Option<String>,
    },
    /// The link to the contact centre was lost.
    ConnectionLost {
        /// The client's reason.
        reason: String,
    },
}

/// One notice on the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct Notice {
    /// Its id (for `dismiss`).
    pub id: u64,
    /// What happened.
    #[cfg_attr(any(test, feature = "ts"), serde(flatten))]
    pub kind: NoticeKind,
    /// Announced as an alert (an incoming call) rather than a status.
    pub assertive: bool,
}

/// A call as the panel follows it.
#[derive(Debug, Clone, PartialEq)]
struct Call {
    id: String,
    phase: InteractionPhase,
    direction: Option<Direction>,
    from: Option<String>,
    to: Option<String>,
    queue: Option<String>,
    media: Option<String>,
    /// When it entered its current phase (ms).
    since: u64,
    /// It was connected at least once.
    answered: bool,
    /// It rang or was offered.
    offered: bool,
}

impl Call {
    /// The other party: the caller for an inbound call, the callee otherwise.
    fn party(&self) -> Option<&str> {
        match self.direction {
            Some(Direction::Outbound) => self.to.as_deref().or(self.from.as_deref()),
            _ => self.from.as_deref().or(self.to.as_deref()),
        }
    }
}

/// A state change the agent asked for in the panel.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    command: Option<u64>,
    state: Desired,
    reason: Option<String>,
}

/// Something the edge must do because of what the panel saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelCommand {
    /// Log the agent in on the phone given at sign-in (xuc `loginAgent`).
    LoginAgent {
        /// The phone number.
        phone: String,
    },
}

/// What the panel knows about the host page.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostInfo {
    /// A host page is attached on the channel.
    pub attached: bool,
}

/// The agent's panel state (see the module documentation).
#[derive(Debug, Clone)]
pub struct Panel {
    config: PanelConfig,
    started_at: u64,
    agent: Option<(AgentStateKind, Option<String>)>,
    calls: Vec<Call>,
    /// The call that ended last (shown during wrap-up).
    last_ended: Option<Call>,
    pending: Option<Pending>,
    /// Commands the sync engine has open on the contact centre.
    engine_pending: Vec<u64>,
    /// The last refusal of a state change (shown by the selector).
    refusal: Option<String>,
    notices: Vec<Notice>,
    next_notice: u64,
    health: Option<Health>,
    was_live: bool,
    login_error: Option<LoginError>,
    /// The agent submitted the sign-in form; its phone waits for the link.
    signing_in: bool,
    phone: Option<String>,
    dial: String,
    seen_reasons: Vec<String>,
}

/// The panel's view, what the edge renders.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct PanelView {
    /// The language of the view (`en`, `fr`).
    pub locale: &'static str,
    /// The agent state and its selector.
    pub agent: AgentView,
    /// One card per interaction.
    pub cards: Vec<CardView>,
    /// The number field.
    pub dial: DialView,
    /// The sign-in form, when the widget must sign the agent in itself.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub sign_in: Option<SignInView>,
    /// CRM presence, sync mode, connection health.
    pub context: ContextView,
    /// Notices, newest last.
    pub notices: Vec<Notice>,
    /// The view's clock (ms), for the cards' timers.
    pub now: u64,
}

/// The agent state part of the view.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct AgentView {
    /// The current state (`unknown` before any report).
    pub state: &'static str,
    /// Its pause reason code.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub reason: Option<String>,
    /// Its label, when the reason is a known one.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub reason_label: Option<String>,
    /// The choice the agent can make (the selector's options).
    pub options: Vec<StateOption>,
    /// The option of the current state, for the selector.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub selected: Option<String>,
    /// Whether the agent may change the state now; else why not (`readOnly`,
    /// `offline`, `loggedOut`, `noContactCentre`).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub locked: Option<&'static str>,
    /// The option asked for, not yet confirmed.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub pending: Option<String>,
    /// Why the last change asked for was refused.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub refusal: Option<String>,
    /// The agent is logged out of its phone: offer to log it in on one (xuc).
    pub phone_login: bool,
}

/// One state the agent may pick.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct StateOption {
    /// `ready`, or `notReady` / `notReady:<reason>`.
    pub id: String,
    /// `ready` or `notReady`.
    pub state: &'static str,
    /// The pause reason.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub reason: Option<String>,
    /// The reason's label (none for plain Ready / Not ready: the edge names them).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub label: Option<String>,
}

/// One interaction card.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct CardView {
    /// The interaction id.
    pub id: String,
    /// `inbound`, `outbound`, `internal` or `unknown`.
    pub direction: &'static str,
    /// The other party, as the redaction allows.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub party: Option<String>,
    /// The queue it came through.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub queue: Option<String>,
    /// Its media.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub media: Option<String>,
    /// `ringing`, `dialing`, `talking`, `held`, `wrapUp`, `ended`, `queued`.
    pub state: &'static str,
    /// Since when it is in this state (ms), for the timer.
    pub since: u64,
    /// The actions its state allows: `answer`, `hold`, `resume`, `hangup`,
    /// `transfer`, `finishWrapUp` (a fixed list per state: nothing allocated).
    pub actions: &'static [&'static str],
}

/// The dial field.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct DialView {
    /// The number in the field (a click-to-dial from the CRM fills it).
    pub number: String,
    /// Why dialling is not possible now (`notSupported`, `offline`, `loggedOut`, `busy`).
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub locked: Option<&'static str>,
}

/// The sign-in form.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct SignInView {
    /// `xuc` (user, password, phone) or `axp` (the token endpoint).
    pub kind: Source,
    /// Why the last attempt failed.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub error: Option<LoginError>,
    /// The client's own words for it.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub detail: Option<String>,
    /// A sign-in is under way.
    pub busy: bool,
    /// AXP without a token endpoint: the widget cannot sign in by itself.
    pub unavailable: bool,
}

/// The context line.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct ContextView {
    /// The CRM presence as the bridge sees it.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub presence: Option<PresenceView>,
    /// The sync mode.
    pub mode: Mode,
    /// The contact centre's protocol.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub source: Option<Source>,
    /// The live client's health (`none` without a live client).
    pub health: &'static str,
    /// Its reason.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub reason: Option<String>,
    /// A host page is attached.
    pub host: bool,
}

/// The CRM presence.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct PresenceView {
    /// Its name.
    pub name: String,
    /// Whether it counts as Ready.
    pub available: bool,
}

fn health_name(state: HealthState) -> &'static str {
    match state {
        HealthState::Connecting => "connecting",
        HealthState::Authenticating => "authenticating",
        HealthState::Live => "live",
        HealthState::Degraded => "degraded",
        HealthState::Reconnecting => "reconnecting",
        HealthState::Failed => "failed",
        HealthState::Stopped => "stopped",
    }
}

fn option_id(state: Desired, reason: Option<&str>) -> String {
    match (state, reason) {
        (Desired::Ready, _) => "ready".into(),
        (Desired::NotReady, None) => "notReady".into(),
        (Desired::NotReady, Some(r)) => format!("notReady:{r}"),
    }
}

impl Panel {
    /// A panel for `config`, started at `now`.
    pub fn new(config: PanelConfig, now: u64) -> Panel {
        Panel {
            config,
            started_at: now,
            agent: None,
            calls: Vec::new(),
            last_ended: None,
            pending: None,
            engine_pending: Vec::new(),
            refusal: None,
            notices: Vec::new(),
            next_notice: 1,
            health: None,
            was_live: false,
            login_error: None,
            signing_in: false,
            phone: None,
            dial: String::new(),
            seen_reasons: Vec::new(),
        }
    }

    fn notify(&mut self, kind: NoticeKind, assertive: bool) {
        if self.notices.len() >= MAX_NOTICES {
            self.notices.remove(0);
        }
        self.notices.push(Notice {
            id: self.next_notice,
            kind,
            assertive,
        });
        self.next_notice += 1;
    }

    fn party(&self, call: &Call) -> Option<String> {
        call.party().and_then(|p| self.config.party.apply(p))
    }

    /// One output of the bridge.
    pub fn observe(&mut self, now: u64, output: &Output) {
        match output {
            Output::Event(event) => self.on_event(now, event.source, &event.body),
            Output::Command(command) if command.target == Side::Cc => {
                let ours = self
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.command == Some(command.id));
                if command.status == CommandStatus::Pending {
                    if !ours && !self.engine_pending.contains(&command.id) {
                        self.engine_pending.push(command.id);
                    }
                    return;
                }
                self.engine_pending.retain(|id| *id != command.id);
                if ours {
                    self.pending = None;
                }
                if matches!(
                    command.status,
                    CommandStatus::Rejected | CommandStatus::NotSupported
                ) {
                    let detail = command
                        .detail
                        .clone()
                        .or_else(|| Some(format!("{:?}", command.status)));
                    if ours {
                        self.refusal = detail.clone();
                    }
                    self.notify(
                        NoticeKind::Refused {
                            command: desired_name(command.state).to_owned(),
                            detail,
                        },
                        false,
                    );
                }
            }
            _ => {}
        }
    }

    fn on_event(&mut self, now: u64, source: Source, body: &EventBody) {
        match body {
            EventBody::AgentState {
                state,
                reason,
                cause,
                ..
            } if source.side() == Side::Cc => {
                let before = self.agent.as_ref().map(|(s, _)| *s);
                if let Some(r) = reason.as_ref().filter(|r| !r.is_empty()) {
                    if !self.seen_reasons.contains(r) && self.seen_reasons.len() < 32 {
                        self.seen_reasons.push(r.clone());
                    }
                }
                let asked = self.pending.is_some() || !self.engine_pending.is_empty();
                if *state == AgentStateKind::NotReady
                    && !asked
                    && matches!(before, Some(AgentStateKind::Ready | AgentStateKind::Busy))
                {
                    let reason = reason
                        .clone()
                        .filter(|r| !r.is_empty())
                        .or_else(|| cause.clone().filter(|c| !c.is_empty()));
                    self.notify(NoticeKind::ForcedPause { reason }, false);
                }
                if *state != AgentStateKind::WrapUp && *state != AgentStateKind::Busy {
                    self.last_ended = None;
                }
                if *state == AgentStateKind::LoggedOut {
                    self.calls.clear();
                }
                self.agent = Some((*state, reason.clone().filter(|r| !r.is_empty())));
            }
            EventBody::Interaction {
                id,
                phase,
                media,
                direction,
                from,
                to,
                queue,
                ..
            } if source.side() == Side::Cc => {
                let at = self.calls.iter().position(|c| &c.id == id);
                if phase.is_final() || *phase == InteractionPhase::Ended {
                    let Some(at) = at else { return };
                    let call = self.calls.remove(at);
                    drop_notices(&mut self.notices, &|n| is_incoming(n, id));
                    if call.offered && !call.answered && call.direction != Some(Direction::Outbound)
                    {
                        let party = self.party(&call);
                        self.notify(NoticeKind::MissedOffer { party }, false);
                    } else if call.answered {
                        self.last_ended = Some(Call { since: now, ..call });
                    }
                    return;
                }
                if *phase == InteractionPhase::Updated && at.is_none() {
                    return;
                }
                let call = match at {
                    Some(at) => &mut self.calls[at],
                    None => {
                        if self.calls.len() >= MAX_CALLS {
                            self.calls.remove(0);
                        }
                        self.calls.push(Call {
                            id: id.clone(),
                            phase: *phase,
                            direction: *direction,
                            from: None,
                            to: None,
                            queue: None,
                            media: None,
                            since: now,
                            answered: false,
                            offered: false,
                        });
                        self.calls.last_mut().expect("just pushed")
                    }
                };
                if *phase != InteractionPhase::Updated && call.phase != *phase {
                    call.phase = *phase;
                    call.since = now;
                }
                call.direction = call.direction.or(*direction);
                for (slot, value) in [
                    (&mut call.from, from),
                    (&mut call.to, to),
                    (&mut call.queue, queue),
                    (&mut call.media, media),
                ] {
                    if slot.is_none() {
                        slot.clone_from(value);
                    }
                }
                let ringing = matches!(
                    phase,
                    InteractionPhase::Offered | InteractionPhase::Alerting
                );
                let newly_offered = ringing && !call.offered;
                call.offered |= ringing;
                call.answered |= phase.is_working() && *phase != InteractionPhase::Dialing;
                let (call_id, answered) = (call.id.clone(), call.answered);
                if answered {
                    drop_notices(&mut self.notices, &|n| is_incoming(n, &call_id));
                } else if newly_offered
                    && call_direction_inbound(self.calls.iter().find(|c| c.id == call_id))
                {
                    let party = self
                        .calls
                        .iter()
                        .find(|c| c.id == call_id)
                        .and_then(|c| self.party(c));
                    self.notify(
                        NoticeKind::Incoming {
                            call: call_id,
                            party,
                        },
                        true,
                    );
                }
            }
            EventBody::AgentError { code, .. } => {
                if let Some(error) = LoginError::from_agent_error(code) {
                    if self.phone.is_some() {
                        self.login_error = Some(error);
                        self.phone = None;
                    }
                }
                self.notify(
                    NoticeKind::Refused {
                        command: "agent".into(),
                        detail: Some(code.clone()),
                    },
                    false,
                );
            }
            EventBody::Dial { number, .. } | EventBody::ClickToDial { number, .. } => {
                self.dial = number.chars().take(64).collect();
            }
            _ => {}
        }
    }

    /// The live client's health changed. Returns what to do now.
    pub fn on_health(&mut self, health: &Health) -> Vec<PanelCommand> {
        let mut todo = Vec::new();
        match health.state {
            HealthState::Live => {
                self.was_live = true;
                self.login_error = None;
                self.signing_in = false;
                drop_notices(&mut self.notices, &|n| {
                    matches!(n.kind, NoticeKind::ConnectionLost { .. })
                });
                if let Some(phone) = self.phone.clone() {
                    let logged_in = self
                        .agent
                        .as_ref()
                        .is_some_and(|(s, _)| *s != AgentStateKind::LoggedOut);
                    if !logged_in {
                        todo.push(PanelCommand::LoginAgent { phone });
                    }
                    self.phone = None;
                }
            }
            HealthState::Reconnecting
            | HealthState::Failed
            | HealthState::Connecting
            | HealthState::Authenticating => {
                // A failure, or a retry that says why the last attempt failed.
                if let Some(error) = health.fault.map(LoginError::from_fault) {
                    self.sign_in_failed(error);
                }
                let lost = matches!(
                    health.state,
                    HealthState::Reconnecting | HealthState::Failed
                );
                if lost && self.live() {
                    self.notify(
                        NoticeKind::ConnectionLost {
                            reason: health.reason.clone(),
                        },
                        false,
                    );
                }
            }
            HealthState::Degraded | HealthState::Stopped => {}
        }
        self.health = Some(health.clone());
        todo
    }

    /// The agent asked for a state in the panel; `command` is the engine's
    /// command for it (none: the engine had nothing to do).
    pub fn requested(&mut self, state: Desired, reason: Option<&str>, command: Option<u64>) {
        self.refusal = None;
        self.pending = command.map(|command| Pending {
            command: Some(command),
            state,
            reason: reason.map(str::to_owned),
        });
    }

    /// A contact-centre command asked in the panel was not sent.
    pub fn command_refused(&mut self, command: &str, detail: String) {
        self.notify(
            NoticeKind::Refused {
                command: command.to_owned(),
                detail: Some(detail),
            },
            false,
        );
    }

    /// The agent submitted the sign-in form (`phone`: xuc, log the agent in
    /// on it once the link is live).
    pub fn signing_in(&mut self, phone: Option<String>) {
        self.signing_in = true;
        self.login_error = None;
        self.phone = phone.filter(|p| !p.trim().is_empty());
    }

    /// The edge could not even start the sign-in.
    pub fn sign_in_failed(&mut self, error: LoginError) {
        self.signing_in = false;
        self.login_error = Some(error);
    }

    /// The agent typed in the dial field.
    pub fn set_dial(&mut self, number: &str) {
        self.dial = number.chars().take(64).collect();
    }

    /// Removes notice `id`.
    pub fn dismiss(&mut self, id: u64) {
        drop_notices(&mut self.notices, &|n| n.id == id);
    }

    /// Whether the client is live.
    fn live(&self) -> bool {
        self.health
            .as_ref()
            .is_some_and(|h| matches!(h.state, HealthState::Live | HealthState::Degraded))
    }

    /// The view at `now`.
    pub fn view(
        &self,
        snapshot: &Snapshot,
        host: HostInfo,
        now: u64,
        locale: &'static str,
    ) -> PanelView {
        let live = self.live();
        let source = self.config.live.or(snapshot.cc_source);
        let commands = self.config.live == Some(Source::Xuc);
        let (state, reason) = match (&self.agent, &snapshot.agent_state) {
            (Some((s, r)), _) => (Some(*s), r.clone()),
            (None, Some(a)) => (Some(a.state), a.reason.clone()),
            _ => (None, None),
        };
        let label_of = |id: &str| {
            self.config
                .pause_reasons
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.label.pick(locale).to_owned())
        };
        let mut options = vec![
            StateOption {
                id: "ready".into(),
                state: "ready",
                reason: None,
                label: None,
            },
            StateOption {
                id: "notReady".into(),
                state: "notReady",
                reason: None,
                label: None,
            },
        ];
        for r in &self.config.pause_reasons {
            options.push(StateOption {
                id: option_id(Desired::NotReady, Some(&r.id)),
                state: "notReady",
                reason: Some(r.id.clone()),
                label: Some(r.label.pick(locale).to_owned()),
            });
        }
        for r in &self.seen_reasons {
            if !self.config.pause_reasons.iter().any(|p| &p.id == r) {
                options.push(StateOption {
                    id: option_id(Desired::NotReady, Some(r)),
                    state: "notReady",
                    reason: Some(r.clone()),
                    label: Some(r.clone()),
                });
            }
        }
        let selected = match state {
            Some(AgentStateKind::Ready) => Some("ready".to_owned()),
            Some(AgentStateKind::NotReady) => Some(option_id(Desired::NotReady, reason.as_deref())),
            _ => None,
        };
        let logged_out = matches!(state, None | Some(AgentStateKind::LoggedOut));
        let locked = if self.config.live.is_none() {
            Some("noContactCentre")
        } else if !live {
            Some("offline")
        } else if self.config.live == Some(Source::Axp) {
            Some("readOnly")
        } else if logged_out {
            Some("loggedOut")
        } else {
            None
        };

        // A loop, not `map` and `collect` (an iterator adapter in the wasm).
        let mut cards = Vec::with_capacity(self.calls.len() + 1);
        for call in &self.calls {
            cards.push(self.card(call, commands && live));
        }
        if state == Some(AgentStateKind::WrapUp) {
            let mut card = match &self.last_ended {
                Some(call) => self.card(call, false),
                None => CardView {
                    id: "wrapUp".into(),
                    direction: "unknown",
                    party: None,
                    queue: None,
                    media: None,
                    state: "wrapUp",
                    since: now,
                    actions: &[],
                },
            };
            card.state = "wrapUp";
            card.actions = if commands && live {
                &["finishWrapUp"]
            } else {
                &[]
            };
            cards.push(card);
        }

        let talking = self.calls.iter().any(|c| {
            matches!(
                c.phase,
                InteractionPhase::Connected
                    | InteractionPhase::Resumed
                    | InteractionPhase::Dialing
                    | InteractionPhase::Alerting
                    | InteractionPhase::Offered
            )
        });
        let dial_locked = if !commands {
            Some("notSupported")
        } else if !live {
            Some("offline")
        } else if logged_out {
            Some("loggedOut")
        } else if talking {
            Some("busy")
        } else {
            None
        };

        let sign_in = self.config.live.and_then(|kind| {
            if live {
                return None;
            }
            let waited = now.saturating_sub(self.started_at) >= HOST_GRACE_MS;
            let unstarted = self.health.is_none() && !host.attached && waited;
            let failed_here = self.login_error.is_some();
            (unstarted || failed_here || self.signing_in).then(|| SignInView {
                kind,
                error: self.login_error,
                detail: self
                    .login_error
                    .and(self.health.as_ref().map(|h| h.reason.clone())),
                busy: self.signing_in,
                unavailable: kind == Source::Axp && !self.config.credentials_url && !host.attached,
            })
        });

        PanelView {
            locale,
            agent: AgentView {
                state: state.map_or("unknown", AgentStateKind::as_str),
                reason_label: reason.as_deref().and_then(label_of),
                reason,
                options,
                selected,
                locked,
                pending: self
                    .pending
                    .as_ref()
                    .map(|p| option_id(p.state, p.reason.as_deref())),
                refusal: self.refusal.clone(),
                phone_login: commands && live && logged_out && self.phone.is_none(),
            },
            cards,
            dial: DialView {
                number: self.dial.clone(),
                locked: dial_locked,
            },
            sign_in,
            context: ContextView {
                presence: snapshot.presence.as_ref().map(|p| PresenceView {
                    name: p.name.clone(),
                    available: p.available,
                }),
                mode: snapshot.mode,
                source,
                health: self.health.as_ref().map_or(
                    if self.config.live.is_some() {
                        "stopped"
                    } else {
                        "none"
                    },
                    |h| health_name(h.state),
                ),
                reason: self.health.as_ref().map(|h| h.reason.clone()),
                host: host.attached,
            },
            notices: self.notices.clone(),
            now,
        }
    }

    fn card(&self, call: &Call, commands: bool) -> CardView {
        use InteractionPhase as P;
        let state = match call.phase {
            P::Offered | P::Alerting => "ringing",
            P::Dialing => "dialing",
            P::Connected | P::Resumed => "talking",
            P::Held => "held",
            P::WrapUp => "wrapUp",
            P::Ended | P::Done => "ended",
            P::Created | P::Queued | P::Updated => "queued",
        };
        let actions: &'static [&'static str] = if !commands {
            &[]
        } else {
            match call.phase {
                P::Offered | P::Alerting if call.direction != Some(Direction::Outbound) => {
                    &["answer", "hangup"]
                }
                P::Offered | P::Alerting | P::Dialing => &["hangup"],
                P::Connected | P::Resumed => &["hold", "transfer", "hangup"],
                P::Held => &["resume", "hangup"],
                _ => &[],
            }
        };
        CardView {
            id: call.id.clone(),
            direction: match call.direction {
                Some(Direction::Inbound) => "inbound",
                Some(Direction::Outbound) => "outbound",
                Some(Direction::Internal) => "internal",
                None => "unknown",
            },
            party: self.party(call),
            queue: call.queue.clone(),
            media: call.media.clone(),
            state,
            since: call.since,
            actions,
        }
    }
}

fn desired_name(state: Desired) -> &'static str {
    match state {
        Desired::Ready => "ready",
        Desired::NotReady => "notReady",
    }
}

fn call_direction_inbound(call: Option<&Call>) -> bool {
    call.is_some_and(|c| c.direction != Some(Direction::Outbound))
}

/// What the agent did in the panel (the edge's `panelAction({action, ...})`).
/// Read by hand (`codec::fields`): a derived internally tagged enum cost
/// about 40 KB of wasm (bench/README.md, issue 14).
#[derive(Clone, PartialEq)]
pub enum PanelAction {
    /// Pick a state: an option id of [`AgentView::options`].
    SetState {
        /// `ready`, `notReady` or `notReady:<reason>`.
        option: String,
    },
    /// Answer a ringing call.
    Answer {
        /// The card.
        id: String,
    },
    /// Put a call on hold.
    Hold {
        /// The card.
        id: String,
    },
    /// Take a call off hold.
    Resume {
        /// The card.
        id: String,
    },
    /// Hang up (or refuse a ringing call).
    Hangup {
        /// The card.
        id: String,
    },
    /// Blind transfer of a call.
    Transfer {
        /// The card.
        id: String,
        /// Where to.
        destination: String,
    },
    /// End the wrap-up: the agent is Ready again.
    FinishWrapUp,
    /// Call a number.
    Dial {
        /// The number.
        number: String,
    },
    /// The number field changed.
    SetDial {
        /// Its text.
        number: String,
    },
    /// Log the agent in on a phone (xuc, a logged-out agent).
    PhoneLogin {
        /// The phone number.
        phone: String,
    },
    /// The sign-in form (xuc): kept in the widget, given to the live client only.
    SignIn {
        /// The xuc user.
        login: String,
        /// Its password.
        password: String,
        /// The phone to log the agent in on once signed in.
        phone: Option<String>,
    },
    /// Sign in through the token endpoint (AXP, `credentialsUrl`).
    SignInToken,
    /// Remove a notice.
    Dismiss {
        /// The notice.
        id: u64,
    },
}

impl<'de> Deserialize<'de> for PanelAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

/// The actions by name (the names an unknown action is told).
const ACTIONS: &[&str] = &[
    "setState",
    "answer",
    "hold",
    "resume",
    "hangup",
    "transfer",
    "finishWrapUp",
    "dial",
    "setDial",
    "phoneLogin",
    "signIn",
    "signInToken",
    "dismiss",
];

impl Wire for PanelAction {
    const EXPECTED: &'static str = "internally tagged enum PanelAction";
    fn read(o: Fields) -> Result<Self, FieldError> {
        let text = |name: &'static str| o.req(&[name], fields::text);
        let action = text("action")?;
        Ok(match action.as_str() {
            "setState" => PanelAction::SetState {
                option: text("option")?,
            },
            "answer" => PanelAction::Answer { id: text("id")? },
            "hold" => PanelAction::Hold { id: text("id")? },
            "resume" => PanelAction::Resume { id: text("id")? },
            "hangup" => PanelAction::Hangup { id: text("id")? },
            "transfer" => PanelAction::Transfer {
                id: text("id")?,
                destination: text("destination")?,
            },
            "finishWrapUp" => PanelAction::FinishWrapUp,
            "dial" => PanelAction::Dial {
                number: text("number")?,
            },
            "setDial" => PanelAction::SetDial {
                number: text("number")?,
            },
            "phoneLogin" => PanelAction::PhoneLogin {
                phone: text("phone")?,
            },
            "signIn" => PanelAction::SignIn {
                login: text("login")?,
                password: text("password")?,
                phone: o
                    .get(&["phone"], |v| fields::opt(v, fields::text))?
                    .flatten(),
            },
            "signInToken" => PanelAction::SignInToken,
            "dismiss" => PanelAction::Dismiss {
                id: o.req(&["id"], fields::unsigned)?,
            },
            other => return Err(FieldError::unknown_variant(other, ACTIONS)),
        })
    }
}

impl std::fmt::Debug for PanelAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.write_str(self.name())
    }
}

/// Digits, `+`, `*`, `#`, spaces, dashes, dots and parentheses; 1-32 of them.
fn dialable(number: &str) -> Option<String> {
    let number = number.trim();
    let ok = !number.is_empty()
        && number.len() <= 32
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || " +*#-.()".contains(c))
        && number.chars().any(|c| c.is_ascii_digit());
    ok.then(|| number.chars().filter(|c| !" -.()".contains(*c)).collect())
}

impl PanelAction {
    /// The action's name (`setState`, `answer` ...).
    pub fn name(&self) -> &'static str {
        match self {
            PanelAction::SetState { .. } => "setState",
            PanelAction::Answer { .. } => "answer",
            PanelAction::Hold { .. } => "hold",
            PanelAction::Resume { .. } => "resume",
            PanelAction::Hangup { .. } => "hangup",
            PanelAction::Transfer { .. } => "transfer",
            PanelAction::FinishWrapUp => "finishWrapUp",
            PanelAction::Dial { .. } => "dial",
            PanelAction::SetDial { .. } => "setDial",
            PanelAction::PhoneLogin { .. } => "phoneLogin",
            PanelAction::SignIn { .. } => "signIn",
            PanelAction::SignInToken => "signInToken",
            PanelAction::Dismiss { .. } => "dismiss",
        }
    }

    /// The state asked for by [`PanelAction::SetState`].
    pub fn desired(&self) -> Option<(Desired, Option<String>)> {
        let PanelAction::SetState { option } = self else {
            return None;
        };
        match option.split_once(':') {
            None if option == "ready" => Some((Desired::Ready, None)),
            None if option == "notReady" => Some((Desired::NotReady, None)),
            Some(("notReady", reason)) if !reason.is_empty() && reason.len() <= 64 => {
                Some((Desired::NotReady, Some(reason.to_owned())))
            }
            _ => None,
        }
    }

    /// The xuc command (name and arguments, as `XucCommand::from_call`
    /// takes them) that carries the action out, or why there is none.
    /// Calls are the agent's current one (xuc acts on the line's call).
    pub fn xuc_call(&self) -> Result<Option<(&'static str, Vec<serde_json::Value>)>, String> {
        use serde_json::Value;
        let number = |n: &str, what: &str| {
            dialable(n)
                .map(Value::String)
                .ok_or_else(|| format!("`{n}` is not a {what}"))
        };
        Ok(Some(match self {
            PanelAction::Answer { .. } => ("answer", Vec::new()),
            // xuc's `hold` toggles: the same command resumes.
            PanelAction::Hold { .. } | PanelAction::Resume { .. } => ("hold", Vec::new()),
            PanelAction::Hangup { .. } => ("hangup", Vec::new()),
            PanelAction::Transfer { destination, .. } => (
                "directTransfer",
                vec![number(destination, "transfer destination")?],
            ),
            PanelAction::FinishWrapUp => ("unpauseAgent", Vec::new()),
            PanelAction::Dial { number: n } => ("dial", vec![number(n, "phone number")?]),
            PanelAction::PhoneLogin { phone } => {
                ("loginAgent", vec![number(phone, "phone number")?])
            }
            _ => return Ok(None),
        }))
    }
}

/// Removes the notices `gone` picks, keeping the others in order: one
/// `retain` for every kind of removal (each closure given to `retain` is a
/// copy of it in the wasm).
fn drop_notices(notices: &mut Vec<Notice>, gone: &dyn Fn(&Notice) -> bool) {
    notices.retain(|n| !gone(n));
}

/// Whether `notice` announces call `id` ringing.
fn is_incoming(notice: &Notice, id: &str) -> bool {
    matches!(&notice.kind, NoticeKind::Incoming { call, .. } if call == id)
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonFields, JsonObject, JsonWriter, ToJson};

json_names!(PartyDisplay { Full => "full", Masked => "masked", Hidden => "hidden" });
json_names!(LoginError {
    NoCredentials => "noCredentials",
    BadCredentials => "badCredentials",
    RefusedAgain => "refusedAgain",
    ServerUnavailable => "serverUnavailable",
    Unreachable => "unreachable",
    Misconfigured => "misconfigured",
    TokenRefused => "tokenRefused",
    EndpointRefused => "endpointRefused",
    EndpointFailed => "endpointFailed",
    NoTokenSource => "noTokenSource",
    PhoneUnknown => "phoneUnknown",
    OtherPhone => "otherPhone",
});

impl JsonFields for NoticeKind {
    fn write_fields(&self, o: &mut JsonObject<'_>) {
        match self {
            NoticeKind::Incoming { call, party } => {
                o.field("kind", "incoming")
                    .field("call", call)
                    .opt("party", party);
            }
            NoticeKind::MissedOffer { party } => {
                o.field("kind", "missedOffer").opt("party", party);
            }
            NoticeKind::ForcedPause { reason } => {
                o.field("kind", "forcedPause").opt("reason", reason);
            }
            NoticeKind::Refused { command, detail } => {
                o.field("kind", "refused")
                    .field("command", command)
                    .opt("detail", detail);
            }
            NoticeKind::ConnectionLost { reason } => {
                o.field("kind", "connectionLost").field("reason", reason);
            }
        }
    }
}

impl ToJson for NoticeKind {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| self.write_fields(o));
    }
}

impl ToJson for Notice {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("id", &self.id)
                .flatten(&self.kind)
                .field("assertive", &self.assertive);
        });
    }
}

impl ToJson for PanelView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("locale", self.locale)
                .field("agent", &self.agent)
                .field("cards", &self.cards)
                .field("dial", &self.dial)
                .opt("signIn", &self.sign_in)
                .field("context", &self.context)
                .field("notices", &self.notices)
                .field("now", &self.now);
        });
    }
}

impl ToJson for AgentView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("state", self.state)
                .opt("reason", &self.reason)
                .opt("reasonLabel", &self.reason_label)
                .field("options", &self.options)
                .opt("selected", &self.selected)
                .opt("locked", &self.locked)
                .opt("pending", &self.pending)
                .opt("refusal", &self.refusal)
                .field("phoneLogin", &self.phone_login);
        });
    }
}

impl ToJson for StateOption {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("id", &self.id)
                .field("state", self.state)
                .opt("reason", &self.reason)
                .opt("label", &self.label);
        });
    }
}

impl ToJson for CardView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("id", &self.id)
                .field("direction", self.direction)
                .opt("party", &self.party)
                .opt("queue", &self.queue)
                .opt("media", &self.media)
                .field("state", self.state)
                .field("since", &self.since)
                .field("actions", &self.actions);
        });
    }
}

impl ToJson for DialView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("number", &self.number).opt("locked", &self.locked);
        });
    }
}

impl ToJson for SignInView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("kind", &self.kind)
                .opt("error", &self.error)
                .opt("detail", &self.detail)
                .field("busy", &self.busy)
                .field("unavailable", &self.unavailable);
        });
    }
}

impl ToJson for ContextView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.opt("presence", &self.presence)
                .field("mode", &self.mode)
                .opt("source", &self.source)
                .field("health", self.health)
                .opt("reason", &self.reason)
                .field("host", &self.host);
        });
    }
}

impl ToJson for PresenceView {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("name", &self.name)
                .field("available", &self.available);
        });
    }
}
