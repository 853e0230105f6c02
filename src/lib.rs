//! cti-bridge: the contact-centre widget for CRM pages.
//!
//! This crate is the browser edge: compiled to WebAssembly (`scripts/build.sh`
//! builds `www/pkg`), it exports `startWidget`, `startVendor`, `AxpClient`,
//! `XucClient`, `decode` and `Bridge` to JavaScript and carries out what the
//! pure core decides with `fetch`, `WebSocket`, `MessagePort`, storage and
//! timers. It moves bytes and owns browser resources; every decision lives in
//! [`cti_bridge_core`] (re-exported here whole), which is plain Rust tested natively.
//!
//! The workspace beside it: `crates/core` (model, codecs, sync engine,
//! bridge, channel protocol, sans-IO clients, vendor planning),
//! `crates/sim` (the AXP and xuc simulators) and `crates/cli` (the
//! `cti-bridge` command line). Document the edge with
//! `wasm_cargo doc --no-deps --lib`.

#![warn(missing_docs)]

pub use cti_bridge_core::*;

#[cfg(target_arch = "wasm32")]
pub mod web;
