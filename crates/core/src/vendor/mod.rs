//! In-page vendor SDKs (ServiceNow OpenFrame, AgentDesktop): the decisions.
//!
//! [`VendorHub`] wraps a [`Bridge`] and turns its outputs into calls on the
//! vendor objects ([`VendorCall`]); the browser edge (`web::vendor`) only
//! carries those calls out and feeds SDK events back. See docs/vendors.md.

pub mod agentdesktop;
pub mod openframe;

use crate::bridge::{Bridge, Output};
use crate::codec;
use crate::codec::fields::{self, Fields, Wire};
use crate::codec::path_de::Error as FieldError;
use crate::command::{Command, CommandStatus};
use crate::config::Config;
use crate::error::DecodeError;
use crate::model::{EventBody, Side, Source};
use crate::sync::Mode;
use agentdesktop::{step_of, ContactTracker, Verdict};
use openframe::{OpenFrameOptions, OpenFramePlanner};
use serde::Deserialize;
use serde_json::{json, Value};

/// One call on a vendor object: `openFrameAPI[method](...args)` or
/// `AGENTDESKTOP[namespace][method](...args)`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(rename_all = "camelCase", tag = "kind", rename = "vendorCall")
)]
pub struct VendorCall {
    /// The SDK called: `openframe` or `agentdesktop`.
    pub target: Source,
    /// AgentDesktop namespace (`AGENT`, `CONTACT`, `ALERT`); none for OpenFrame.
    #[cfg_attr(
        any(test, feature = "ts"),
        serde(skip_serializing_if = "Option::is_none")
    )]
    pub namespace: Option<String>,
    /// Method name.
    pub method: String,
    /// Positional arguments.
    pub args: Vec<Value>,
}

impl VendorCall {
    /// `openFrameAPI[method](...args)`.
    pub fn openframe(method: &str, args: Vec<Value>) -> Self {
        VendorCall {
            target: Source::Openframe,
            namespace: None,
            method: method.to_owned(),
            args,
        }
    }

    /// An AgentDesktop command description `{namespace, method, args}`
    /// (as built by `codec::agentdesktop`), or `None` when malformed.
    pub fn agentdesktop(wire: &Value) -> Option<Self> {
        let namespace = wire.get("namespace")?.as_str()?;
        let method = wire.get("method")?.as_str()?;
        let args = wire.get("args")?.as_array()?.clone();
        Some(VendorCall {
            target: Source::Agentdesktop,
            namespace: Some(namespace.to_owned()),
            method: method.to_owned(),
            args,
        })
    }
}

/// The methods the browser edge may call (anything else is refused there).
pub const OPENFRAME_METHODS: [&str; 4] = [
    "show",
    "openServiceNowForm",
    "setPresenceIndicator",
    "openCustomURL",
];

/// The `(namespace, method)` pairs the browser edge may call on AGENTDESKTOP.
pub const AGENTDESKTOP_METHODS: [(&str, &str); 8] = [
    ("AGENT", "Ready"),
    ("AGENT", "Pause"),
    ("CONTACT", "MakeCall"),
    ("CONTACT", "Hangup"),
    ("CONTACT", "Hold"),
    ("CONTACT", "Answer"),
    ("ALERT", "Show"),
    ("CHAT", "SendMessage"),
];

/// One SDK function the bridge relies on, as a path from the SDK object
/// (`["WIDGET", "bindContactCallback"]` on `AGENTDESKTOP`, `["init"]` on
/// `openFrameAPI`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct SdkFunction {
    /// The SDK: `openframe` or `agentdesktop`.
    pub vendor: Source,
    /// Property path from the SDK object to the function.
    pub path: &'static [&'static str],
    /// Whether a public source confirms the name (docs/protocols.md);
    /// `false`: an assumption, listed under docs/protocols.md#unconfirmed.
    pub confirmed: bool,
}

impl SdkFunction {
    /// `AGENTDESKTOP.AGENT.Ready` / `openFrameAPI.init`.
    pub fn display_name(&self) -> String {
        let root = match self.vendor {
            Source::Openframe => "openFrameAPI",
            _ => "AGENTDESKTOP",
        };
        format!("{root}.{}", self.path.join("."))
    }
}

/// An SDK function the configuration needs is not on the page: the
/// integration refuses to start rather than fail silently later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} is missing from the {vendor} SDK on this page{hint}")]
pub struct MissingFunction {
    /// The SDK.
    pub vendor: Source,
    /// The function's full name (`AGENTDESKTOP.AGENT.Ready`).
    pub name: String,
    /// What to do about it (empty for a confirmed name).
    pub hint: String,
}

impl MissingFunction {
    /// The error for `function`, with a hint for an unconfirmed name.
    pub fn new(function: &SdkFunction) -> Self {
        let hint = if function.confirmed {
            String::new()
        } else {
            " (an unconfirmed name, see docs/protocols.md#unconfirmed: check the SDK in use, \
             or turn off what needs it: `mode: \"off\"` for AGENT, `alerts: false` for ALERT, \
             `chat: false` for CHAT)"
                .to_owned()
        };
        MissingFunction {
            vendor: function.vendor,
            name: function.display_name(),
            hint,
        }
    }
}

const fn ad(path: &'static [&'static str], confirmed: bool) -> SdkFunction {
    SdkFunction {
        vendor: Source::Agentdesktop,
        path,
        confirmed,
    }
}

const fn of(path: &'static [&'static str], confirmed: bool) -> SdkFunction {
    SdkFunction {
        vendor: Source::Openframe,
        path,
        confirmed,
    }
}

/// The SDK functions `config` makes the bridge call on `vendors`, checked at
/// start-up (`startVendor` fails naming the first one missing).
pub fn required_functions(config: &VendorConfig, vendors: &[Source]) -> Vec<SdkFunction> {
    let mut needed = Vec::new();
    if vendors.contains(&Source::Agentdesktop) {
        needed.extend([
            ad(&["WIDGET", "bindContactCallback"], true),
            ad(&["WIDGET", "unbindContactCallback"], true),
            ad(&["CONTACT", "MakeCall"], true),
            ad(&["CONTACT", "Hangup"], true),
            ad(&["CONTACT", "Hold"], true),
            ad(&["CONTACT", "Answer"], true),
        ]);
        // The sync engine sets the agent Ready / Not Ready unless it is off.
        if config.mode.as_deref().map(str::trim) != Some("off") {
            needed.extend([
                ad(&["AGENT", "Ready"], false),
                ad(&["AGENT", "Pause"], false),
            ]);
        }
        if config.alerts.unwrap_or(true) {
            needed.push(ad(&["ALERT", "Show"], false));
        }
        if config.chat.unwrap_or(false) {
            needed.push(ad(&["CHAT", "SendMessage"], false));
        }
    }
    if vendors.contains(&Source::Openframe) {
        needed.extend([
            of(&["init"], true),
            of(&["subscribe"], true),
            of(&["show"], true),
            of(&["openServiceNowForm"], true),
        ]);
        if config.openframe.presence_indicator {
            needed.push(of(&["setPresenceIndicator"], true));
        }
    }
    needed
}

/// The first of `needed` that `has` says is missing, as an error.
pub fn check_functions(
    needed: &[SdkFunction],
    mut has: impl FnMut(&SdkFunction) -> bool,
) -> Result<(), MissingFunction> {
    match needed.iter().find(|f| !has(f)) {
        Some(missing) => Err(MissingFunction::new(missing)),
        None => Ok(()),
    }
}

/// A contact action on the AgentDesktop side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactAction<'a> {
    /// Dial this number (`CONTACT.MakeCall`).
    MakeCall(&'a str),
    /// The given contact, or the current one.
    Hangup(Option<&'a str>),
    /// Put the current contact on hold (`CONTACT.Hold`).
    Hold,
    /// Answer the ringing contact (`CONTACT.Answer`).
    Answer,
}

/// Something the host should know that is neither an event nor a command.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(rename_all = "camelCase", tag = "kind", rename = "vendorNotice")
)]
pub struct Notice {
    /// The vendor concerned.
    pub source: Source,
    /// `dropped` (life-cycle filter), `refused` (a limit), `error`.
    pub level: &'static str,
    /// What happened, for a person.
    pub text: String,
}

/// What one input caused.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
pub struct Step {
    /// Bridge outputs (events, commands, CRM requests).
    pub outputs: Vec<Output>,
    /// Calls to make on the vendor SDKs, in order.
    pub calls: Vec<VendorCall>,
    /// Things dropped or refused, for the host to know.
    pub notices: Vec<Notice>,
}

/// The vendor set-up (`startVendor(config, ...)`); the fields the browser
/// edge alone uses are here too so one object configures both.
/// Read by hand ([`Wire`], less wasm than a derive): absent fields take the
/// defaults, unknown ones are refused.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VendorConfig {
    /// Force the vendors (`openframe`, `agentdesktop`) instead of detecting them.
    pub vendors: Option<Vec<Source>>,
    /// Sync mode (`synchronized` by default).
    pub mode: Option<String>,
    /// The core's configuration.
    pub bridge: Option<Config>,
    /// OpenFrame behaviour.
    pub openframe: OpenFrameOptions,
    /// The object passed to `openFrameAPI.init`.
    pub openframe_init: Option<Value>,
    /// How long `openFrameAPI.init` may take (ms, default 5000).
    pub init_timeout_ms: Option<u32>,
    /// A live contact centre instead of AgentDesktop: `{kind: "axp" | "xuc", ...}`
    /// with the `AxpClient` / `XucClient` options (browser edge only).
    pub contact_centre: Option<Value>,
    /// Alert the agent in AgentDesktop (`AGENTDESKTOP.ALERT.Show`) when a command fails.
    pub alerts: Option<bool>,
    /// Enable `sendChat` (`AGENTDESKTOP.CHAT.SendMessage`, an unconfirmed
    /// name: checked at start-up when on). Off by default.
    pub chat: Option<bool>,
}

impl<'de> Deserialize<'de> for VendorConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fields::deserialize(d)
    }
}

impl Wire for VendorConfig {
    const EXPECTED: &'static str = "struct VendorConfig";
    fn read(o: Fields) -> Result<Self, FieldError> {
        o.only(&[
            "vendors",
            "mode",
            "bridge",
            "openframe",
            "openframeInit",
            "initTimeoutMs",
            "contactCentre",
            "alerts",
            "chat",
        ])?;
        let value = |name| Ok(o.get(&[name], |v| fields::opt(v, fields::any))?.flatten());
        let flag = |name| Ok(o.get(&[name], |v| fields::opt(v, fields::flag))?.flatten());
        Ok(VendorConfig {
            vendors: o
                .get(&["vendors"], |v| {
                    fields::opt(v, |v| fields::list(v, fields::named))
                })?
                .flatten(),
            mode: o
                .get(&["mode"], |v| fields::opt(v, fields::text))?
                .flatten(),
            bridge: o
                .get(&["bridge"], |v| fields::opt(v, fields::wire))?
                .flatten(),
            openframe: o.get(&["openframe"], fields::wire)?.unwrap_or_default(),
            openframe_init: value("openframeInit")?,
            init_timeout_ms: o
                .get(&["initTimeoutMs"], |v| fields::opt(v, fields::small))?
                .flatten(),
            contact_centre: value("contactCentre")?,
            alerts: flag("alerts")?,
            chat: flag("chat")?,
        })
    }
}

/// The core of the vendor integration: a bridge, the OpenFrame planner and
/// the AgentDesktop life-cycle tracker.
#[derive(Debug, Clone)]
pub struct VendorHub {
    bridge: Bridge,
    vendors: Vec<Source>,
    planner: OpenFramePlanner,
    contacts: ContactTracker,
    alerts: bool,
    chat: bool,
}

impl VendorHub {
    /// A hub for the `vendors` present on the page. OpenFrame present makes
    /// it the CRM side; AgentDesktop present makes it the contact-centre side.
    pub fn new(config: &VendorConfig, vendors: Vec<Source>) -> Result<Self, String> {
        let (mode, bridge_config) = Self::bridge_config(config, &vendors)?;
        Ok(VendorHub {
            bridge: Bridge::new(mode, bridge_config),
            planner: OpenFramePlanner::new(config.openframe.clone()),
            contacts: ContactTracker::default(),
            alerts: config.alerts.unwrap_or(true),
            chat: config.chat.unwrap_or(false),
            vendors,
        })
    }

    /// The sync mode and bridge configuration for `vendors`: OpenFrame present
    /// makes it the CRM side, AgentDesktop the contact-centre side (unless
    /// the configuration says otherwise). For a bridge kept outside the hub.
    pub fn bridge_config(
        config: &VendorConfig,
        vendors: &[Source],
    ) -> Result<(Mode, Config), String> {
        let mode = match config.mode.as_deref() {
            Some(m) => Mode::parse(m).ok_or_else(|| format!("unknown mode `{m}`"))?,
            None => Mode::Synchronized,
        };
        let mut bridge_config = config.bridge.clone().unwrap_or_default();
        if vendors.contains(&Source::Openframe) {
            bridge_config.crm.source.get_or_insert(Source::Openframe);
        }
        if vendors.contains(&Source::Agentdesktop) {
            bridge_config.cc.source.get_or_insert(Source::Agentdesktop);
        }
        Ok((mode, bridge_config))
    }

    /// The vendors this hub acts on.
    pub fn vendors(&self) -> &[Source] {
        &self.vendors
    }

    /// The bridge inside.
    pub fn bridge(&self) -> &Bridge {
        &self.bridge
    }

    /// The AgentDesktop contacts in progress.
    pub fn contacts(&self) -> &ContactTracker {
        &self.contacts
    }

    fn has(&self, vendor: Source) -> bool {
        self.vendors.contains(&vendor)
    }

    /// Feeds one SDK event (`{event, data}` for OpenFrame, the event object
    /// for AgentDesktop). AgentDesktop contact events that the life-cycle
    /// tracker finds stale or repeated are dropped with a notice.
    pub fn ingest(
        &mut self,
        source: Source,
        raw: &Value,
        now_ms: Option<u64>,
    ) -> Result<Step, DecodeError> {
        if let Some(dropped) = self.gate(source, raw) {
            return Ok(dropped);
        }
        let outputs = self.bridge.ingest(source, raw, now_ms)?;
        Ok(self.plan_outputs(outputs))
    }

    /// The AgentDesktop life-cycle filter alone: `Some` (a `dropped` notice)
    /// when the event is stale or repeated and must not reach the bridge.
    /// For a bridge kept outside the hub; [`VendorHub::ingest`] applies it.
    pub fn gate(&mut self, source: Source, raw: &Value) -> Option<Step> {
        let mut step = Step::default();
        if source == Source::Agentdesktop {
            if let Ok(decoded) = codec::decode(source, raw, &Default::default()) {
                for body in &decoded.bodies {
                    if let EventBody::Interaction {
                        id,
                        phase,
                        vendor_event,
                        ..
                    } = body
                    {
                        let verdict = self
                            .contacts
                            .apply(id, step_of(*phase, vendor_event.as_deref()));
                        if !verdict.passes() {
                            step.notices.push(Notice {
                                source,
                                level: "dropped",
                                text: format!(
                                    "{} for contact {id}: {}",
                                    vendor_event.as_deref().unwrap_or("event"),
                                    match verdict {
                                        Verdict::Repeated => "repeated",
                                        Verdict::Stale => "out of order",
                                        _ => "contact already finished",
                                    }
                                ),
                            });
                            return Some(step);
                        }
                    }
                }
            }
        }
        None
    }

    /// The vendor calls for bridge outputs, with the outputs: for a bridge
    /// kept outside the hub (a live contact centre's session).
    pub fn plan_outputs(&mut self, outputs: Vec<Output>) -> Step {
        let mut step = Step::default();
        self.plan(&outputs, &mut step);
        step.outputs = outputs;
        step
    }

    /// An OpenFrame `COMMUNICATION_EVENT`: a click-to-dial becomes
    /// `AGENTDESKTOP.CONTACT.MakeCall(number)` when AgentDesktop is the
    /// contact-centre side; otherwise a `clickToDial` notice for the host.
    pub fn communication_event(&mut self, event: &Value) -> Step {
        let mut step = Step::default();
        match openframe::click_to_dial(event) {
            Ok(None) => {}
            Ok(Some(number)) if self.has(Source::Agentdesktop) => {
                if let Some(call) =
                    VendorCall::agentdesktop(&codec::agentdesktop::make_call(&number, &[]))
                {
                    step.calls.push(call);
                }
            }
            Ok(Some(number)) => step.notices.push(Notice {
                source: Source::Openframe,
                level: "clickToDial",
                text: number,
            }),
            Err(e) => self.refused(Source::Openframe, e.to_string(), &mut step),
        }
        step
    }

    /// A contact action the host asks for, carried out through
    /// `AGENTDESKTOP.CONTACT` (refused when AgentDesktop is not in use).
    pub fn contact(&mut self, action: ContactAction<'_>) -> Step {
        let mut step = Step::default();
        if !self.has(Source::Agentdesktop) {
            step.notices.push(Notice {
                source: Source::Agentdesktop,
                level: "refused",
                text: "AgentDesktop is not on this page".into(),
            });
            return step;
        }
        let wire = match action {
            ContactAction::MakeCall(number) => {
                let number = number.trim();
                if let Err(e) = openframe::check_number(number) {
                    self.refused(Source::Agentdesktop, e.to_string(), &mut step);
                    return step;
                }
                codec::agentdesktop::make_call(number, &[])
            }
            ContactAction::Hangup(id) => codec::agentdesktop::hangup(id),
            ContactAction::Hold => codec::agentdesktop::hold(),
            ContactAction::Answer => codec::agentdesktop::answer(),
        };
        step.calls.extend(VendorCall::agentdesktop(&wire));
        step
    }

    /// A text message on a chat contact (`AGENTDESKTOP.CHAT.SendMessage`):
    /// refused when AgentDesktop is not in use, chat is not enabled, or the
    /// contact id or text is empty.
    pub fn chat(&mut self, contact_id: &str, text: &str) -> Step {
        let mut step = Step::default();
        let why = if !self.has(Source::Agentdesktop) {
            Some("AgentDesktop is not on this page")
        } else if !self.chat {
            Some("chat is not enabled (`chat: true` in the vendor config)")
        } else if contact_id.trim().is_empty() || text.is_empty() {
            Some("a chat message needs a contact id and a text")
        } else {
            None
        };
        match why {
            Some(why) => step.notices.push(Notice {
                source: Source::Agentdesktop,
                level: "refused",
                text: why.into(),
            }),
            None => step
                .calls
                .extend(VendorCall::agentdesktop(&codec::agentdesktop::chat_send(
                    contact_id.trim(),
                    text,
                ))),
        }
        step
    }

    /// A state change the host asks of a side (`Bridge::request`), carried out
    /// through the vendor SDK like the engine's own commands.
    pub fn request(
        &mut self,
        target: Side,
        state: crate::command::Desired,
        now_ms: Option<u64>,
    ) -> Step {
        let mut step = Step::default();
        let outputs = self.bridge.request(target, state, None, now_ms);
        self.plan(&outputs, &mut step);
        step.outputs = outputs;
        step
    }

    /// Advances the clock (command time-outs).
    pub fn tick(&mut self, now_ms: u64) -> Step {
        let mut step = Step::default();
        let outputs = self.bridge.tick(now_ms);
        self.plan(&outputs, &mut step);
        step.outputs = outputs;
        step
    }

    fn refused(&self, source: Source, text: String, step: &mut Step) {
        if self.alerts && self.has(Source::Agentdesktop) {
            step.calls.push(alert(&text));
        }
        step.notices.push(Notice {
            source,
            level: "refused",
            text,
        });
    }

    /// The vendor calls the outputs call for.
    fn plan(&mut self, outputs: &[Output], step: &mut Step) {
        let openframe = self.has(Source::Openframe);
        for output in outputs {
            match output {
                Output::Event(event) if openframe => {
                    let planned = match &event.body {
                        EventBody::WorkItem {
                            id,
                            phase,
                            document,
                            ..
                        } => self.planner.work_item(id, *phase, document.as_ref()),
                        EventBody::AgentState { state, reason, .. }
                            if event.source.side() == Side::Cc =>
                        {
                            self.planner
                                .agent_state(*state, reason.as_deref())
                                .into_iter()
                                .collect()
                        }
                        EventBody::Interaction { phase, .. } if event.source.side() == Side::Cc => {
                            let busy = phase.is_working();
                            let over = matches!(
                                phase,
                                crate::model::InteractionPhase::Done
                                    | crate::model::InteractionPhase::Ended
                            );
                            if busy || over {
                                self.planner.on_contact(busy).into_iter().collect()
                            } else {
                                Vec::new()
                            }
                        }
                        _ => Vec::new(),
                    };
                    for p in planned {
                        match p {
                            Ok(call) => step.calls.push(call),
                            Err(e) => self.refused(Source::Openframe, e.to_string(), step),
                        }
                    }
                }
                Output::Command(command) => self.command(command, step),
                _ => {}
            }
        }
    }

    /// A sync-engine command: carried out through the SDK of its side.
    fn command(&mut self, command: &Command, step: &mut Step) {
        match (command.source, command.status) {
            (Some(Source::Agentdesktop), CommandStatus::Pending)
                if self.has(Source::Agentdesktop) =>
            {
                if let Some(call) = VendorCall::agentdesktop(&command.wire) {
                    step.calls.push(call);
                }
            }
            (Some(Source::Openframe), CommandStatus::NotSupported)
                if self.has(Source::Openframe) =>
            {
                // The engine's display-only fallback: setPresenceIndicator(text, color).
                let args = command.wire.get("args").and_then(Value::as_array);
                let text = args.and_then(|a| a.first()).and_then(Value::as_str);
                let color = args
                    .and_then(|a| a.get(1))
                    .and_then(Value::as_str)
                    .and_then(openframe::parse_color);
                if let (Some(text), Some(color)) = (text, color) {
                    match self.planner.forced(text, color) {
                        Some(Ok(call)) => step.calls.push(call),
                        Some(Err(e)) => self.refused(Source::Openframe, e.to_string(), step),
                        None => {}
                    }
                }
            }
            (_, CommandStatus::Rejected) if self.alerts && self.has(Source::Agentdesktop) => {
                let detail = command.detail.as_deref().unwrap_or("no answer");
                step.calls.push(alert(&format!(
                    "cti-bridge could not set the {} state: {detail}",
                    match command.target {
                        Side::Crm => "CRM",
                        Side::Cc => "agent",
                    }
                )));
            }
            _ => {}
        }
    }
}

/// `AGENTDESKTOP.ALERT.Show(text)`: the method name is an assumption (the
/// vendor documents the ALERT namespace, not its methods; docs/protocols.md#unconfirmed).
pub fn alert(text: &str) -> VendorCall {
    VendorCall {
        target: Source::Agentdesktop,
        namespace: Some("ALERT".into()),
        method: "Show".into(),
        args: vec![json!(openframe::truncate(text, 512))],
    }
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{JsonWriter, ToJson};

impl ToJson for VendorCall {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("kind", "vendorCall")
                .field("target", &self.target)
                .opt("namespace", &self.namespace)
                .field("method", &self.method)
                .field("args", &self.args);
        });
    }
}

impl ToJson for Notice {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("kind", "vendorNotice")
                .field("source", &self.source)
                .field("level", self.level)
                .field("text", &self.text);
        });
    }
}

#[cfg(test)]
mod tests;
