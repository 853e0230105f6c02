//! `XucClient` for JavaScript: the xuc live client in the browser.
//!
//! ```js
//! const client = new XucClient(
//!   { baseUrl: "https://xuc.example.com", agentId: "19", mode: "synchronized" },
//!   (out) => { /* {type: "health" | "output" | "observed" | "error", data} */ },
//!   async () => ({ login: "jbond", password: await askPassword() }),
//! );
//! client.start();
//! client.setAgentQueue(19, 3, 2);    // throws a clear error when invalid or not connected
//! ```
//! The password and token stay inside the client: the CTI URL carrying the
//! token is never shown, and neither is posted to the host.
//!
//! Every xuc method is a method of the class, generated from the one
//! command table (`xuc_commands!` in the core).

use super::live::live_client;
use crate::client::xuc::XucClient;
use serde_json::Value;
use wasm_bindgen::prelude::*;

live_client! {
    /// The XiVO xuc CTI live client.
    WasmXucClient = XucClient over XucClient,
    new(credentials_provider): "`new XucClient(options, onOutput, credentialsProvider)`: \
        options are `baseUrl`, and optionally `socketUrl`, `agentId`, `seed`, `timing`, \
        `mode`, `bridge`. The provider returns (a promise of) `{login, password}`.",
    stop: "Closes the socket and goes quiet."
}

fn value(v: &JsValue) -> Result<Value, JsError> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    super::guard::to_json(v).map_err(|e| JsError::new(&format!("argument: {e}")))
}

#[wasm_bindgen(js_class = XucClient)]
impl WasmXucClient {
    /// Any method by name with positional arguments:
    /// `client.command("setAgentQueue", [19, 3, 2])`.
    pub fn command(&self, name: &str, args: js_sys::Array) -> Result<(), JsError> {
        self.call(name, &args.iter().collect::<Vec<JsValue>>())
    }
}

impl WasmXucClient {
    /// Converts the arguments, checks, then sends; throws the command's
    /// error otherwise. Not inlined: every method's export shim calls this
    /// one copy (-2.2 KB raw in the full build, bench/README.md).
    #[inline(never)]
    fn call(&self, name: &str, args: &[JsValue]) -> Result<(), JsError> {
        let args = args.iter().map(value).collect::<Result<Vec<Value>, _>>()?;
        self.driver
            .call(name, &args)
            .map_err(|e| JsError::new(&e.to_string()))
    }
}

/// One method per row of the command table: its arguments, positionally.
macro_rules! methods {
    ($($js:ident $method:ident ($($arg:ident),*) $doc:literal $variant:ident |$a:ident| $parse:expr;)*) => {
        #[wasm_bindgen(js_class = XucClient)]
        impl WasmXucClient {
            $(
                #[doc = $doc]
                #[wasm_bindgen(js_name = $js)]
                pub fn $method(&self, $($arg: JsValue),*) -> Result<(), JsError> {
                    self.call(stringify!($js), &[$($arg),*])
                }
            )*
        }
    };
}
cti_bridge_core::xuc_commands!(methods);
