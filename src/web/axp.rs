//! `AxpClient` for JavaScript: the AXP live client in the browser.
//!
//! ```js
//! const client = new AxpClient(
//!   { restBase: "https://uk.api.avayacloud.com/api/notification/v1",
//!     accountId: "DYNNUG", appKey: "...", agentId: "...", mode: "synchronized" },
//!   (out) => { /* {type: "health" | "output" | "observed" | "error", data} */ },
//!   async () => await getAccessToken(),   // the host's token provider
//! );
//! client.start();
//! ```
//! The token goes from the provider into the client and onto the wire only:
//! it is never posted to the host, put in a URL, or printed.

use super::live::live_client;
use crate::client::axp::AxpClient;
use wasm_bindgen::prelude::*;

live_client! {
    /// The AXP Agent & Engagement live client.
    WasmAxpClient = AxpClient over AxpClient,
    new(token_provider): "`new AxpClient(options, onOutput, tokenProvider)`: options are \
        `restBase`, `accountId`, `appKey`, and optionally `endpoint`, `agentId`, `loginId`, \
        `seed`, `timing`, `mode`, `bridge` (the Bridge's config object). Throws for an \
        invalid or insecure URL.",
    stop: "Closes the socket, deletes the subscription, and goes quiet."
}
