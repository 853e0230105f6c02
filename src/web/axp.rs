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

use super::live::{driver, js_provider, js_sink, to_js, Driver, Provides};
use crate::client::axp::{AxpClient, AxpConfig};
use crate::client::Input;
use js_sys::Function;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The AXP Agent & Engagement live client.
#[wasm_bindgen(js_name = AxpClient)]
pub struct WasmAxpClient {
    driver: Rc<Driver<AxpClient>>,
}

#[wasm_bindgen(js_class = AxpClient)]
impl WasmAxpClient {
    /// `new AxpClient(options, onOutput, tokenProvider)`: options are
    /// `restBase`, `accountId`, `appKey`, and optionally `endpoint`,
    /// `agentId`, `loginId`, `seed`, `timing`, `mode`, `bridge` (the
    /// Bridge's config object). Throws for an invalid or insecure URL.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options_js: JsValue,
        on_output: Function,
        token_provider: Function,
    ) -> Result<WasmAxpClient, JsError> {
        let driver = driver(
            options_js,
            |config: AxpConfig| AxpClient::new(config),
            js_sink(on_output),
            js_provider(token_provider),
            Provides::Token,
        )?;
        Ok(WasmAxpClient { driver })
    }

    /// Starts (or starts again after `failed`).
    pub fn start(&self) {
        self.driver.input(Input::Start);
    }

    /// Closes the socket, deletes the subscription, and goes quiet.
    pub fn stop(&self) {
        self.driver.input(Input::Stop);
    }

    /// The last health report (`{state, reason, retryInMs?}`), or `null`.
    pub fn health(&self) -> Result<JsValue, JsError> {
        self.driver.with(|s| to_js(&s.client.health()))
    }

    /// The Bridge's counters (received, events, errors, duplicates, commands).
    pub fn stats(&self) -> Result<JsValue, JsError> {
        self.driver.with(|s| to_js(s.bridge.stats()))
    }

    /// The sync engine's snapshot.
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        self.driver.with(|s| to_js(&s.bridge.snapshot()))
    }

    /// Feeds a message from another source (the CRM side) into the same Bridge.
    pub fn ingest(&self, source: &str, message: JsValue) -> Result<(), JsError> {
        super::live::ingest(&self.driver, source, message)
    }
}
