//! cti-bridge: a contact-centre bridge for CRM pages.
//!
//! The core (codecs, normalized model, sync engine) is plain Rust with no
//! browser dependency; the `web` module (wasm32 only) is the thin browser edge.

pub mod codec;
pub mod config;
pub mod error;
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
pub mod sync;
pub mod vendor;

pub use bridge::{Bridge, CrmRequest, Output, Stats};
pub use command::{Command, CommandStatus, Desired};
pub use sync::{Mode, Snapshot, SyncEngine};

#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(not(target_arch = "wasm32"))]
pub mod sim;
