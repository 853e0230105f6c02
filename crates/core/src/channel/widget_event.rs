//! The events the widget itself adds to the host's stream, beside the core's
//! events, commands and CRM requests: typed here, generated into
//! `cti-bridge-types.d.ts` with the rest.

use crate::client::{Health, HealthState};
use crate::diagnose::{health_code, CheckId, LogLevel};
use crate::error::DecodeError;
use crate::model::{EventBody, Source};

/// The host channel's link as the widget sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub enum LinkStatus {
    /// A host is attached on the private port.
    Live,
    /// No host attached yet (or it went away).
    Connecting,
    /// Set by the host script: the widget stopped answering its liveness
    /// pings and its iframe is being reloaded.
    Unresponsive,
}

/// Messages dropped before anything acted on them, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
pub struct Dropped {
    /// From an origin not on the allow-list.
    pub origin: u64,
    /// From an allowed origin but not from the parent window.
    pub source: u64,
    /// From the right sender, but not a valid message (or refused by the guard).
    pub malformed: u64,
    /// A handshake with another protocol version.
    pub version: u64,
}

/// An event of the widget's own, delivered to the host like the core's.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(any(test, feature = "ts"), derive(serde::Serialize))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(
    any(test, feature = "ts"),
    serde(tag = "kind", rename_all = "camelCase")
)]
pub enum WidgetEvent {
    /// The host channel's state and the drop counters (at most every 500 ms).
    Health {
        /// The link.
        status: LinkStatus,
        /// Messages dropped so far, by reason.
        dropped: Dropped,
    },
    /// The widget's live contact-centre client changed health.
    #[cfg_attr(any(test, feature = "ts"), serde(rename_all = "camelCase"))]
    CcHealth {
        /// `axp` or `xuc`.
        source: Source,
        /// The state, why, and when the next attempt is.
        #[cfg_attr(any(test, feature = "ts"), serde(flatten))]
        health: Health,
        /// The start-up error code the state points to (docs/troubleshooting.md).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        #[cfg_attr(feature = "ts", ts(optional))]
        code: Option<CheckId>,
        /// How to fix what `code` names (its docs/troubleshooting.md row).
        #[cfg_attr(
            any(test, feature = "ts"),
            serde(skip_serializing_if = "Option::is_none")
        )]
        #[cfg_attr(feature = "ts", ts(optional))]
        fix: Option<String>,
    },
    /// Other agents' events (a supervisor's view), not applied to this agent.
    Observed {
        /// The protocol they came from.
        source: Source,
        /// The normalized events.
        events: Vec<EventBody>,
    },
    /// A message that did not decode (the widget keeps running).
    Error {
        /// The side it came from.
        source: Source,
        /// Stable code ([`DecodeError::code`]).
        code: String,
        /// What was wrong.
        reason: String,
    },
    /// Events `from..=to` were issued but the widget no longer holds them:
    /// a host resuming from before `from` cannot get them back. A fresh
    /// snapshot follows in the `ready` the host already has.
    Gap {
        /// The first missed channel sequence number.
        from: u64,
        /// The last missed channel sequence number.
        to: u64,
    },
}

impl WidgetEvent {
    /// The `ccHealth` event for a live client's report, with its error code.
    pub fn cc_health(source: Source, health: Health) -> Self {
        let code = health_code(&health);
        WidgetEvent::CcHealth {
            source,
            health,
            code,
            fix: code.map(|c| c.fix().to_owned()),
        }
    }

    /// The line the widget's log keeps for this event, if any.
    pub fn log_line(&self) -> Option<(LogLevel, &'static str, String)> {
        match self {
            WidgetEvent::CcHealth {
                source,
                health,
                code,
                ..
            } => {
                let level = match health.state {
                    HealthState::Failed => LogLevel::Error,
                    HealthState::Reconnecting | HealthState::Degraded => LogLevel::Warn,
                    _ => LogLevel::Info,
                };
                let code = code.map_or(String::new(), |c| format!(" [{}]", c.as_str()));
                Some((
                    level,
                    source.as_str(),
                    format!("{}: {}{code}", health.state.as_str(), health.reason),
                ))
            }
            WidgetEvent::Error {
                source,
                code,
                reason,
            } => Some((
                LogLevel::Warn,
                source.as_str(),
                format!("message not decoded ({code}): {reason}"),
            )),
            WidgetEvent::Gap { from, to } => Some((
                LogLevel::Warn,
                "channel",
                format!("events {from}..{to} can no longer be replayed"),
            )),
            WidgetEvent::Health { .. } | WidgetEvent::Observed { .. } => None,
        }
    }

    /// The `error` event for a message from `source` that did not decode.
    pub fn decode_error(source: Source, error: &DecodeError) -> Self {
        WidgetEvent::Error {
            source,
            code: error.code().to_owned(),
            reason: error.to_string(),
        }
    }
}

// -- JSON out (`json_write`), as the serde attributes above say.

use crate::json_write::{json_names, JsonWriter, ToJson};

json_names!(LinkStatus {
    Live => "live",
    Connecting => "connecting",
    Unresponsive => "unresponsive",
});

impl ToJson for Dropped {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("origin", &self.origin)
                .field("source", &self.source)
                .field("malformed", &self.malformed)
                .field("version", &self.version);
        });
    }
}

impl ToJson for WidgetEvent {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| match self {
            WidgetEvent::Health { status, dropped } => {
                o.field("kind", "health")
                    .field("status", status)
                    .field("dropped", dropped);
            }
            WidgetEvent::CcHealth {
                source,
                health,
                code,
                fix,
            } => {
                o.field("kind", "ccHealth")
                    .field("source", source)
                    .flatten(health)
                    .opt("code", code)
                    .opt("fix", fix);
            }
            WidgetEvent::Observed { source, events } => {
                o.field("kind", "observed")
                    .field("source", source)
                    .field("events", events);
            }
            WidgetEvent::Error {
                source,
                code,
                reason,
            } => {
                o.field("kind", "error")
                    .field("source", source)
                    .field("code", code)
                    .field("reason", reason);
            }
            WidgetEvent::Gap { from, to } => {
                o.field("kind", "gap").field("from", from).field("to", to);
            }
        });
    }
}
