//! The JavaScript face of the live clients: the `AxpClient` / `XucClient`
//! classes (one macro over the generic [`Driver`]), how a client is built
//! from the host's options, and the host-callback sink and provider.

// A build without one of the live clients (features `axp`, `xuc`) or without
// their JavaScript classes (`host-api`) keeps the driver types the widget
// names, partly unused.
#![cfg_attr(
    not(all(feature = "axp", feature = "xuc", feature = "host-api")),
    allow(dead_code, unused_imports, unused_macros)
)]

use super::{now, to_js, Driver, Provider, Provides, Sink};
#[cfg(feature = "axp")]
use crate::client::axp::{AxpClient, AxpConfig};
#[cfg(feature = "xuc")]
use crate::client::xuc::{XucClient, XucConfig};
#[cfg(feature = "xuc")]
use crate::client::xuc_command::CommandError;
use crate::client::{Action, Client, ConfigError, Effect, Health, Session};
use crate::error::DecodeError;
use crate::json_write::{JsonWriter, ToJson};
use js_sys::Function;
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A sink that calls the host's `onOutput({type, data})`:
/// `health`, `output`, `observed` or `error`.
pub(crate) fn js_sink(on_output: Function) -> Sink {
    Box::new(move |effect| match effect {
        Effect::Io(Action::Health(health)) => emit(&on_output, "health", &health),
        Effect::Io(_) => {}
        Effect::Output(output) => emit(&on_output, "output", &output),
        Effect::Observed(events) => emit(&on_output, "observed", &events),
        Effect::Rejected(error) => emit(&on_output, "error", &ErrorOut::of(&error)),
        Effect::DialRefused(reason) => emit(
            &on_output,
            "error",
            &ErrorOut {
                code: "dialRefused",
                reason,
            },
        ),
    })
}

/// A provider that calls the host's function.
pub(crate) fn js_provider(provider: Function) -> Provider {
    Box::new(move || provider.call0(&JsValue::NULL))
}

/// Calls `onOutput({type: kind, data: payload})`, written as one JSON text.
fn emit(on_output: &Function, kind: &str, payload: &dyn ToJson) {
    let Ok(message) = to_js(&super::super::Members(&[
        ("type", &kind),
        ("data", payload),
    ])) else {
        return;
    };
    super::edge::call(&on_output, &message);
}

/// A decode error as the host sees it: a stable code and the reason.
pub(crate) struct ErrorOut {
    pub code: &'static str,
    pub reason: String,
}

impl ToJson for ErrorOut {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            o.field("code", self.code).field("reason", &self.reason);
        });
    }
}

impl ErrorOut {
    pub fn of(error: &DecodeError) -> Self {
        ErrorOut {
            code: error.code(),
            reason: error.to_string(),
        }
    }
}

/// A live client the browser drives: how it is built from its options and
/// what its host provider gives.
pub(crate) trait LiveClient: Client + Sized + 'static {
    /// Its options (camelCase keys).
    type Config: crate::codec::fields::Wire;
    /// What the host's provider answers with.
    const PROVIDES: Provides;
    /// A client for `config`.
    fn build(config: Self::Config) -> Result<Self, ConfigError>;
    /// The last health reported.
    fn health(&self) -> Option<&Health>;
}

#[cfg(feature = "axp")]
impl LiveClient for AxpClient {
    type Config = AxpConfig;
    const PROVIDES: Provides = Provides::Token;
    fn build(config: AxpConfig) -> Result<Self, ConfigError> {
        AxpClient::new(config)
    }
    fn health(&self) -> Option<&Health> {
        AxpClient::health(self)
    }
}

#[cfg(feature = "xuc")]
impl LiveClient for XucClient {
    type Config = XucConfig;
    const PROVIDES: Provides = Provides::Credentials;
    fn build(config: XucConfig) -> Result<Self, ConfigError> {
        XucClient::new(config)
    }
    fn health(&self) -> Option<&Health> {
        XucClient::health(self)
    }
}

/// Why a live client could not be built.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BuildError {
    /// The options do not read as the client's configuration.
    #[error("{0}")]
    Options(String),
    /// The configuration is refused (bad or insecure URL, bad id).
    #[error("{0}")]
    Config(#[from] ConfigError),
}

/// A client from its options (the URL policy with the browser's parser).
pub(crate) fn client<C: LiveClient>(options: &Value) -> Result<C, BuildError> {
    crate::client::policy::use_parser(crate::web::BROWSER_URL);
    let config: C::Config = crate::web::read(options).map_err(BuildError::Options)?;
    Ok(C::build(config)?)
}

/// Starts the driver of `client` around `bridge`.
pub(crate) fn start<C: LiveClient>(
    client: C,
    bridge: crate::Bridge,
    sink: Sink,
    provider: Provider,
) -> Rc<Driver<C>> {
    Driver::new(Session::new(client, bridge), sink, provider, C::PROVIDES)
}

/// Builds a client from its options and starts its driver around `bridge`.
pub(crate) fn build<C: LiveClient>(
    options: Value,
    bridge: crate::Bridge,
    sink: Sink,
    provider: Provider,
) -> Result<Rc<Driver<C>>, BuildError> {
    Ok(start(client(&options)?, bridge, sink, provider))
}

/// The `AxpClient` / `XucClient` constructors: the host's options split
/// into the client's part and the Bridge's (`mode`, `bridge`), the client
/// built, its driver started.
pub(crate) fn driver<C: LiveClient>(
    options_js: JsValue,
    on_output: Function,
    provider: Function,
) -> Result<Rc<Driver<C>>, JsError> {
    let (client_options, bridge) = options(options_js)?;
    build(
        client_options,
        bridge,
        js_sink(on_output),
        js_provider(provider),
    )
    .map_err(|e| match e {
        BuildError::Options(e) => JsError::new(&format!("options: {e}")),
        BuildError::Config(e) => JsError::new(&e.to_string()),
    })
}

#[cfg(feature = "xuc")]
impl Driver<XucClient> {
    /// One xuc method by name with positional arguments: checked, then
    /// sent; refused (nothing sent) when invalid or not connected.
    pub fn call(&self, name: &str, args: &[Value]) -> Result<(), CommandError> {
        let actions = self.with(|s| s.client.call(now(), name, args))?;
        self.link.run_actions(actions);
        Ok(())
    }
}

/// Gives the options a random back-off jitter seed unless they have one.
pub(crate) fn seeded(options: &mut serde_json::Map<String, Value>) {
    if !options.contains_key("seed") {
        let seed = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        options.insert("seed".into(), Value::from(seed));
    }
}

/// The host's options split into the client's part and the Bridge's
/// (`mode`, `bridge`), with a random jitter seed unless one is given.
pub(crate) fn options(options: JsValue) -> Result<(Value, crate::Bridge), JsError> {
    let value =
        crate::web::guard::to_json(&options).map_err(|e| JsError::new(&format!("options: {e}")))?;
    let map = value
        .as_object()
        .ok_or_else(|| JsError::new("options: expected an object"))?;
    let mode = match map.get("mode") {
        None | Some(Value::Null) => crate::Mode::Synchronized,
        Some(Value::String(m)) => crate::Mode::parse(m)
            .ok_or_else(|| JsError::new(&format!("options.mode: unknown mode `{m}`")))?,
        Some(_) => return Err(JsError::new("options.mode: expected a string")),
    };
    let config: crate::Config = match map.get("bridge") {
        None | Some(Value::Null) => crate::Config::default(),
        Some(b) => {
            crate::web::read(b).map_err(|e| JsError::new(&format!("options.bridge: {e}")))?
        }
    };
    // The client's part: the options without `mode` and `bridge`, copied
    // without them (no `BTreeMap::remove` in the wasm).
    let mut client = crate::codec::extras_of(map, &["mode", "bridge"]);
    seeded(&mut client);
    Ok((Value::Object(client), crate::web::new_bridge(mode, config)))
}

impl<C: LiveClient> Driver<C> {
    /// Feeds a message from another source into the client's Bridge and
    /// runs what follows (outputs to the host, commands on the link).
    pub fn ingest_js(&self, source_name: &str, message: JsValue) -> Result<(), JsError> {
        let src = crate::web::source(source_name)?;
        let raw = crate::web::from_js(message).map_err(|e| JsError::new(&e.to_string()))?;
        let effects = self
            .with(|s| s.ingest(now(), src, &raw))
            .map_err(|e| JsError::new(&e.to_string()))?;
        self.run(effects);
        Ok(())
    }

    /// The last health report (`{state, reason, retryInMs?}`), or `null`.
    pub fn health_js(&self) -> Result<JsValue, JsError> {
        self.with(|s| to_js(&s.client.health()))
    }

    /// The Bridge's counters.
    pub fn stats_js(&self) -> Result<JsValue, JsError> {
        self.with(|s| to_js(s.bridge.stats()))
    }

    /// The sync engine's snapshot.
    pub fn snapshot_js(&self) -> Result<JsValue, JsError> {
        self.with(|s| to_js(&s.bridge.snapshot()))
    }
}

/// Declares a live client's JavaScript class (`AxpClient`, `XucClient`):
/// the constructor and the methods both have, over one generic [`Driver`].
/// wasm-bindgen cannot export a generic type, so each class is generated.
macro_rules! live_client {
    (
        $(#[$attr:meta])*
        $rust:ident = $js:ident over $client:ty,
        new($provider:ident): $new_doc:literal,
        stop: $stop_doc:literal
    ) => {
        $(#[$attr])*
        #[wasm_bindgen(js_name = $js)]
        pub struct $rust {
            driver: std::rc::Rc<$crate::web::live::Driver<$client>>,
        }

        #[wasm_bindgen(js_class = $js)]
        impl $rust {
            #[doc = $new_doc]
            #[wasm_bindgen(constructor)]
            pub fn new(
                options_js: JsValue,
                on_output: js_sys::Function,
                $provider: js_sys::Function,
            ) -> Result<$rust, JsError> {
                let driver = $crate::web::live::class::driver(options_js, on_output, $provider)?;
                Ok($rust { driver })
            }

            /// Starts (or starts again after `failed`).
            pub fn start(&self) {
                self.driver.input($crate::client::Input::Start);
            }

            #[doc = $stop_doc]
            pub fn stop(&self) {
                self.driver.input($crate::client::Input::Stop);
            }

            /// The last health report (`{state, reason, retryInMs?}`), or `null`.
            pub fn health(&self) -> Result<JsValue, JsError> {
                self.driver.health_js()
            }

            /// The Bridge's counters (received, events, errors, duplicates, commands).
            pub fn stats(&self) -> Result<JsValue, JsError> {
                self.driver.stats_js()
            }

            /// The sync engine's snapshot.
            pub fn snapshot(&self) -> Result<JsValue, JsError> {
                self.driver.snapshot_js()
            }

            /// Feeds a message from another source (the CRM side) into the same Bridge.
            pub fn ingest(&self, source: &str, message: JsValue) -> Result<(), JsError> {
                self.driver.ingest_js(source, message)
            }
        }
    };
}
pub(crate) use live_client;
