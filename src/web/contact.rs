//! The widget's own contact centre (widget config `contactCentre`): a live
//! AXP or xuc client whose session holds the widget's one [`Bridge`], so the
//! CRM side (the host's CRM Connector messages) and the contact centre meet
//! in the same sync engine, and commands for the contact centre go out on
//! the client's link.

// A build without one of the live clients (features `axp`, `xuc`): the
// arms of the missing client are compiled out.
#![cfg_attr(
    not(all(feature = "axp", feature = "xuc")),
    allow(dead_code, unused_imports, unreachable_code, unused_variables)
)]

use super::live::{client, now, seeded, start, Driver, LiveClient, Provider, Sink, Tap};
use crate::bridge::{Bridge, Output};
#[cfg(feature = "axp")]
use crate::client::axp::AxpClient;
#[cfg(feature = "xuc")]
use crate::client::xuc::XucClient;
use crate::client::{Effect, Figures, Health, Input};
use crate::command::Desired;
use crate::error::DecodeError;
use crate::model::{Side, Source};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// `match` on a [`Core`]: `$own` for a widget without a live client, else
/// `$body` with `$d` bound to the client's driver (the same code for AXP and
/// xuc, compiled for each).
macro_rules! by_client {
    ($core:expr, $own:pat => $own_body:expr, $d:ident => $body:expr) => {
        match $core {
            $own => $own_body,
            #[cfg(feature = "axp")]
            Core::Axp($d) => $body,
            #[cfg(feature = "xuc")]
            Core::Xuc($d) => $body,
        }
    };
}

/// The bridge core of a widget: its own, or the one in a live client's session.
pub(crate) enum Core {
    /// No contact-centre client in the widget (the host or an SDK feeds it).
    Own(RefCell<Bridge>),
    /// The AXP live client.
    #[cfg(feature = "axp")]
    Axp(Rc<Driver<AxpClient>>),
    /// The xuc live client.
    #[cfg(feature = "xuc")]
    Xuc(Rc<Driver<XucClient>>),
}

/// What an operation on the core produced, to be carried out with no
/// borrow of the widget held (a live client reports through the widget).
pub(crate) enum Done {
    /// Outputs for the widget to deliver.
    Outputs(Vec<Output>),
    /// Effects for the live client's driver to run.
    Effects(Vec<Effect>),
}

impl Done {
    /// The id of the command issued for `target`, if any.
    pub fn command_for(&self, target: Side) -> Option<u64> {
        let pick = |o: &Output| match o {
            Output::Command(c) if c.target == target => Some(c.id),
            _ => None,
        };
        match self {
            Done::Outputs(outputs) => outputs.iter().rev().find_map(pick),
            Done::Effects(effects) => effects.iter().rev().find_map(|e| match e {
                Effect::Output(o) => pick(o),
                _ => None,
            }),
        }
    }
}

/// Options of the widget's contact centre (`contactCentre` in its config).
pub(crate) struct Options {
    pub source: Source,
    client: Value,
}

impl Options {
    /// Reads `{kind: "axp" | "xuc", ...client options}`.
    pub fn parse(value: &Value) -> Result<Options, String> {
        let map = value
            .as_object()
            .ok_or("contactCentre: expected an object")?;
        let source = match map.get("kind").and_then(Value::as_str) {
            #[cfg(feature = "axp")]
            Some("axp") => Source::Axp,
            #[cfg(feature = "xuc")]
            Some("xuc") => Source::Xuc,
            #[allow(unreachable_patterns)]
            Some(kind @ ("axp" | "xuc")) => {
                return Err(format!(
                    "contactCentre.kind: `{kind}` is not in this build of the widget (feature `{kind}`)"
                ))
            }
            Some(other) => return Err(format!("contactCentre.kind: `{other}` is not axp or xuc")),
            None => return Err("contactCentre.kind: expected \"axp\" or \"xuc\"".into()),
        };
        // The options without `kind`, copied without it (no
        // `BTreeMap::remove` in the wasm).
        let mut client = crate::codec::extras_of(map, &["kind"]);
        seeded(&mut client);
        Ok(Options {
            source,
            client: Value::Object(client),
        })
    }
}

/// The widget's live client, built from its [`Options`] (before the
/// widget is: a refused configuration stops the start, nothing to undo).
pub(crate) enum Client {
    #[cfg(feature = "axp")]
    Axp(AxpClient),
    #[cfg(feature = "xuc")]
    Xuc(XucClient),
}

impl Options {
    /// The client these options configure; why not, when they are refused.
    pub fn client(&self) -> Result<Client, String> {
        let invalid = |e: super::live::BuildError| format!("contactCentre: {e}");
        Ok(match self.source {
            #[cfg(feature = "axp")]
            Source::Axp => Client::Axp(client(&self.client).map_err(invalid)?),
            #[cfg(feature = "xuc")]
            Source::Xuc => Client::Xuc(client(&self.client).map_err(invalid)?),
            other => {
                let _ = invalid;
                return Err(format!("contactCentre: {other} is not in this build"));
            }
        })
    }
}

impl Core {
    /// The driver of the live `client`, around `bridge`.
    pub fn live(client: Client, bridge: Bridge, sink: Sink, provider: Provider) -> Core {
        match client {
            #[cfg(feature = "axp")]
            Client::Axp(c) => Core::Axp(start(c, bridge, sink, provider)),
            #[cfg(feature = "xuc")]
            Client::Xuc(c) => Core::Xuc(start(c, bridge, sink, provider)),
        }
    }

    /// The live client's protocol, if there is one.
    pub fn live_source(&self) -> Option<Source> {
        match self {
            Core::Own(_) => None,
            #[cfg(feature = "axp")]
            Core::Axp(_) => Some(Source::Axp),
            #[cfg(feature = "xuc")]
            Core::Xuc(_) => Some(Source::Xuc),
        }
    }

    /// Runs `f` on the bridge (no output is produced through here).
    pub fn with<R>(&self, f: impl FnOnce(&mut Bridge) -> R) -> R {
        // `f` once in the wasm, not once per kind of core.
        f(&mut self.bridge())
    }

    fn bridge(&self) -> std::cell::RefMut<'_, Bridge> {
        by_client!(self, Core::Own(bridge) => bridge.borrow_mut(), d => d.bridge())
    }

    /// One message from `source` (the CRM side, or an injected one).
    pub fn ingest(&self, source: Source, raw: &Value) -> Result<Done, DecodeError> {
        let at = now();
        Ok(by_client!(self,
            Core::Own(bridge) => Done::Outputs(bridge.borrow_mut().ingest(source, raw, Some(at))?),
            d => Done::Effects(d.with(|s| s.ingest(at, source, raw))?)))
    }

    /// A state change asked for by the host.
    pub fn request(&self, target: Side, state: Desired, reason: Option<&str>) -> Done {
        let at = now();
        by_client!(self,
            Core::Own(bridge) => {
                Done::Outputs(bridge.borrow_mut().request(target, state, reason, Some(at)))
            },
            d => Done::Effects(d.with(|s| s.request_with_reason(at, target, state, reason))))
    }

    /// Advances command time-outs.
    pub fn tick(&self) -> Done {
        let at = now();
        by_client!(self,
            Core::Own(bridge) => Done::Outputs(bridge.borrow_mut().tick(at)),
            d => Done::Effects(d.with(|s| s.tick(at))))
    }

    /// Runs a live client's effects (outputs come back through its sink).
    /// `Outputs` are returned for the caller to deliver.
    pub fn run(&self, done: Done) -> Vec<Output> {
        match done {
            Done::Outputs(outputs) => outputs,
            Done::Effects(effects) => {
                by_client!(self, Core::Own(_) => {}, d => d.run(effects));
                Vec::new()
            }
        }
    }

    /// Starts the live client (after the first host attached: it is who
    /// answers the client's ask for a token or credentials).
    pub fn start(&self) {
        by_client!(self, Core::Own(_) => {}, d => d.input(Input::Start))
    }

    /// Stops the live client (the page is going away): its socket is closed
    /// at once, so the server stops writing into a page that can no longer
    /// read (what it has not written stays queued for the next session).
    pub fn stop(&self) {
        by_client!(self, Core::Own(_) => {}, d => d.input(Input::Stop))
    }

    /// Sets the message trace on the live client.
    pub fn set_tap(&self, tap: Tap) {
        by_client!(self, Core::Own(_) => {}, d => d.set_tap(tap))
    }

    /// The live client's last health report (`{state, reason, retryInMs?}`).
    pub fn health(&self) -> Option<Value> {
        by_client!(self, Core::Own(_) => None,
            d => d.with(|s| LiveClient::health(&s.client).map(|h| crate::json_write::to_value(&h))))
    }

    /// The live client's last health report, typed (for diagnostics).
    pub fn health_report(&self) -> Option<Health> {
        by_client!(self, Core::Own(_) => None,
            d => d.with(|s| LiveClient::health(&s.client).cloned()))
    }

    /// What the live client measured (token and subscription expiry,
    /// heartbeat round trip), for diagnostics.
    pub fn figures(&self) -> Figures {
        by_client!(self, Core::Own(_) => Figures::default(),
            d => d.with(|s| s.client.figures()))
    }

    /// One typed command on the contact centre's link (xuc only).
    pub fn command(&self, name: &str, args: &[Value]) -> Result<(), CommandRefused> {
        match self {
            #[cfg(feature = "xuc")]
            Core::Xuc(d) => d
                .call(name, args)
                .map_err(|e| CommandRefused::Invalid(e.to_string())),
            #[cfg(feature = "axp")]
            Core::Axp(_) => Err(CommandRefused::NotSupported(
                "the AXP Agent & Engagement events are read-only: no commands".into(),
            )),
            Core::Own(_) => Err(CommandRefused::NotSupported(
                "this widget runs no contact-centre client (widget config contactCentre)".into(),
            )),
        }
    }
}

/// Why a contact-centre command was not sent.
pub(crate) enum CommandRefused {
    /// The protocol or the widget cannot send commands.
    NotSupported(String),
    /// Unknown command or bad arguments.
    Invalid(String),
}

impl From<CommandRefused> for crate::channel::RequestError {
    /// The host's error for a refused command: `notSupported` or `invalidParams`.
    fn from(refused: CommandRefused) -> Self {
        use crate::channel::ErrorCode;
        let (code, message) = match refused {
            CommandRefused::NotSupported(message) => (ErrorCode::NotSupported, message),
            CommandRefused::Invalid(message) => (ErrorCode::InvalidParams, message),
        };
        Self { code, message }
    }
}
