//! cti-bridge-core: the pure core of cti-bridge, a contact-centre bridge for CRM pages.
//!
//! It decodes what five vendor surfaces send (ServiceNow OpenFrame and the Avaya
//! CRM Connector on the CRM side; AgentDesktop, Avaya Experience Platform and
//! XiVO xuc on the contact-centre side) into one normalized model, and keeps the
//! CRM presence and the agent state in step. The same core runs in the native
//! `cti-bridge` CLI and, compiled to WebAssembly, in the widget iframe.
//!
//! # Layers
//!
//! In reading order, from the wire up. Everything but `web` is plain Rust with
//! no browser dependency, tested natively.
//!
//! 1. **Codecs** ([`codec`], with [`lenient`] and [`error`]): one vendor message
//!    (a [`serde_json::Value`]) -> [`model::Decoded`] event bodies, or a typed
//!    [`DecodeError`] saying what was wrong. [`codec::decode`] is the entry point.
//! 2. **Model** ([`model`]): the normalized vocabulary, [`Event`] = `seq` +
//!    [`Source`] + [`EventBody`] (agent state, presence, work item, interaction ...).
//! 3. **Sync and bridge** ([`sync`], [`command`], [`bridge`], [`crm_requests`],
//!    [`config`]): [`SyncEngine`] turns events into [`Command`]s for the other
//!    side (synchronized / complementary [`Mode`]); [`Bridge`] wraps decoding,
//!    sequence numbers, the duplicate filter, the engine and the CRM Connector
//!    requests, and emits [`Output`]s.
//! 4. **Edges, still pure**: [`client`] (the live AXP and xuc clients as sans-IO
//!    state machines, paired with a Bridge by [`client::Session`]), [`vendor`]
//!    (what to call on the in-page OpenFrame / AgentDesktop SDKs,
//!    [`vendor::VendorHub`]) and [`channel`] (the host <-> widget port protocol:
//!    origin allow-list, typed messages, the replay [`channel::Outbox`]).
//! 5. **The widget's channel** ([`channel::WidgetChannel`]): the widget's side of
//!    the host channel as a sans-IO state machine (window messages, port text,
//!    ticks and core outputs in; posts, calls, asks and saves out).
//!
//! Nothing here touches a browser, a socket or a clock: the browser edge is the
//! `cti-bridge` crate (`src/web`, wasm32), the simulators are `cti-bridge-sim`
//! and the command line is `cti-bridge-cli`. JSON text is parsed by the
//! [`json::JsonParser`] the edge passes in (the core's own [`json_parse`] in
//! the widget) and written by [`json_write`] (hand-written
//! [`json_write::ToJson`], no serde `Serialize` outside tests). Feature `ts`
//! derives the TypeScript declarations (and `Serialize`, whose attributes they
//! read); feature `json-text` (default) makes serde_json the default parser.
//!
//! # Where to start reading
//!
//! [`Bridge::ingest`] (one raw message in, outputs out), then
//! [`SyncEngine::on_event`] for the omnichannel rules and [`EventBody`] for
//! what every vendor message becomes. The mapping tables in `docs/mapping-*.md`
//! give each vendor message's normalized form and the test that proves it;
//! `docs/api.md` maps the JavaScript API.

#![warn(missing_docs)]

pub mod codec;
pub mod config;
pub mod error;
#[cfg(test)]
mod golden_file;
pub mod json;
pub mod json_parse;
pub mod json_write;
pub mod lenient;
pub mod model;

pub use config::{Config, DecodeConfig};
pub use error::DecodeError;
pub use model::{Event, EventBody, Source};
pub mod bridge;
pub mod channel;
pub mod client;
pub mod command;
pub mod crm_requests;
pub mod diagnose;
pub mod keyed;
pub mod pace;
pub mod panel;
pub mod sync;
pub mod tabs;
pub mod text;
#[cfg(any(feature = "openframe", feature = "agentdesktop"))]
pub mod vendor;

pub use bridge::{Bridge, CrmRequest, Output, Stats};
pub use command::{Command, CommandStatus, Desired};
pub use sync::{Mode, Snapshot, SyncEngine};
