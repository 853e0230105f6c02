//! The browser edge (wasm32 only): the core exported to JavaScript.
//!
//! Messages come in as JS values (`postMessage` data, vendor SDK objects) or
//! as text (port messages, WebSocket frames: parsed inside the wasm by the
//! core's own parser, [`crate::json_parse`], within its size and nesting
//! limits); outputs go back as plain JS objects.

use crate::client::policy::{Url, UrlParser};
use crate::codec::fields::Wire;
use crate::codec::JsonParser;
use crate::config::Config;
use crate::error::DecodeError;
use crate::json_write::{self, ToJson};
use crate::model::Source;
use crate::sync::Mode;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[cfg(all(feature = "axp", feature = "host-api"))]
pub mod axp;
mod contact;
mod edge;
pub mod guard;
mod live;
mod tabs;
#[cfg(any(feature = "openframe", feature = "agentdesktop"))]
pub mod vendor;
pub mod widget;
#[cfg(all(feature = "xuc", feature = "host-api"))]
pub mod xuc;

/// The one conversion path out of the wasm: a value as a JSON-compatible JS
/// value, written as JSON text by its [`ToJson`] (the port's and storage's
/// writer, no intermediate `Value`) and `JSON.parse`d once.
pub(crate) fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    parse_own(&json_write::to_string(value))
}

/// `JSON.parse` of the widget's own JSON text (once in the wasm, not in each [`to_js`]).
#[inline(never)]
fn parse_own(text: &str) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(text)
        .map_err(|_| JsError::new("JSON.parse refused the widget's own JSON text"))
}

/// The one conversion path into the wasm for settings (configurations,
/// options, arguments): the [`guard`] walk to a JSON value, then the type's
/// own reader ([`read`]).
pub(crate) fn from_js_as<T: Wire>(value: &JsValue) -> Result<T, String> {
    read(&guard::to_json(value).map_err(|e| e.to_string())?)
}

/// Reads settings from a JSON value by their [`Wire`] reader (no serde
/// round trip); the error says where (`number: invalid type ...`).
pub(crate) fn read<T: Wire>(value: &Value) -> Result<T, String> {
    crate::codec::fields::wire(value).map_err(|e| match e.path().as_str() {
        "." => e.message().to_owned(),
        path => format!("{path}: {}", e.message()),
    })
}

fn source(name: &str) -> Result<Source, JsError> {
    Source::parse(name).ok_or_else(|| JsError::new(&format!("unknown source `{name}`")))
}

/// An inbound JS value as a JSON value (what the decoders take), through
/// the one [`guard`].
fn from_js(value: JsValue) -> Result<Value, DecodeError> {
    guard::to_json(&value)
}

/// The browser's `URL` as the live clients' URL parser: no URL parser in
/// the wasm. The policy ([`crate::client::policy::judge`]) reads its parts.
pub(crate) const BROWSER_URL: UrlParser = UrlParser(browser_url);

fn browser_url(text: &str) -> Result<Url, String> {
    let url = edge::parse_url(text)?;
    let href = url.href;
    // In a serialized URL, `#` only starts the fragment and a `?` before it
    // only starts the query (the parser percent-encodes them elsewhere), so
    // an empty query or fragment (`?` / `#` alone) is told from none.
    let (before_hash, fragment) = match href.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment.to_owned())),
        None => (href.as_str(), None),
    };
    let query = before_hash.split_once('?').map(|(_, q)| q.to_owned());
    Ok(Url {
        scheme: url.protocol.trim_end_matches(':').to_owned(),
        username: url.username,
        password: url.password,
        hostname: url.hostname,
        port: url.port.parse().ok(),
        query,
        fragment,
        href,
    })
}

/// A bridge whose decoders parse embedded JSON text with the core's own
/// parser ([`JsonParser::BUILT_IN`]).
pub(crate) fn new_bridge(mode: Mode, mut config: Config) -> crate::Bridge {
    config.decode.json = JsonParser::BUILT_IN;
    crate::Bridge::new(mode, config)
}

/// An object of typed members, written as JSON text by [`to_js`] (no
/// `Value` tree, no JS object built member by member).
pub(crate) struct Members<'a>(pub &'a [(&'a str, &'a dyn ToJson)]);

impl ToJson for Members<'_> {
    fn write_json(&self, w: &mut json_write::JsonWriter) {
        w.object(|o| {
            for (key, value) in self.0 {
                o.field(key, value);
            }
        });
    }
}

/// A message that did not decode, as the host API reports it:
/// `{kind: "error", code, reason}`, and its `index` in a burst.
#[cfg(feature = "host-api")]
struct Failed {
    error: DecodeError,
    index: Option<usize>,
}

#[cfg(feature = "host-api")]
impl ToJson for Failed {
    fn write_json(&self, w: &mut json_write::JsonWriter) {
        w.object(|o| {
            o.field("kind", "error")
                .field("code", self.error.code())
                .field("reason", &self.error.to_string())
                .opt("index", &self.index);
        });
    }
}

#[cfg(feature = "host-api")]
fn decode_error(error: DecodeError) -> JsValue {
    to_js(&Failed { error, index: None })
        .map(JsValue::from)
        .unwrap_or_else(JsValue::from)
}

/// Decodes one raw message without state: returns the normalized event bodies
/// (`{kind, ...}`), or throws `{kind: "error", code, reason}`.
#[cfg(feature = "host-api")]
#[wasm_bindgen(js_name = decode)]
pub fn decode_message(source_name: &str, message: JsValue) -> Result<JsValue, JsValue> {
    let src = source(source_name)?;
    let decoded = from_js(message)
        .and_then(|raw| {
            let config = crate::config::DecodeConfig {
                json: JsonParser::BUILT_IN,
                ..Default::default()
            };
            crate::codec::decode(src, &raw, &config)
        })
        .map_err(decode_error)?;
    Ok(to_js(&decoded.bodies)?)
}

// `{outputs, errors}` from `ingestTexts`' output: the outputs written compact
// (`cti_bridge_core::bridge::Compact`: tags, numbers and string references
// in `nums`, a `Uint32Array` view of the wasm memory; the other values in
// `text`'s `values`; `t` the bridge's table of strings, updated in place)
// made into the objects `ingestText` returns, same members in the same
// order; new arrays and objects for every output.
#[cfg(feature = "host-api")]
#[wasm_bindgen(inline_js = "export function expandOutputs(text, a, t) {
  const v = JSON.parse(text);
  const s = v.values;
  let k = 0;
  const str = (r) => (r < 0x80000000 ? t[r] : r === 0xffffffff ? s[k++] : (t[r - 0x80000000] = s[k++]));
  const outputs = [];
  for (let i = 0; i < a.length;) {
    const tag = a[i++];
    if (tag === 1) {
      const seq = a[i++], source = str(a[i++]), state = str(a[i++]), agentId = str(a[i++]);
      const vendorState = str(a[i++]), phoneNumber = str(a[i++]);
      const queues = [];
      for (let n = a[i++]; n > 0; n--) queues.push(str(a[i++]));
      const code = a[i++];
      let data;
      if (code === 0) data = s[k++];
      else {
        const key = str(a[i++]);
        data = { [key]: code === 1 ? a[i++] : str(a[i++]) };
      }
      outputs.push({ seq, source, kind: 'agentState', state, agentId, vendorState, phoneNumber, queues, data });
    } else if (tag === 0) {
      outputs.push(s[k++]);
    } else {
      const id = a[i++], target = str(a[i++]), source = str(a[i++]), state = str(a[i++]), cause = str(a[i++]);
      const wire = tag < 4 ? s[k++] : { action: 'requestSyncOmnichannel', data: { statusId: str(a[i++]), success: true }, type: 'CRMConnectMessage' };
      const c = { kind: 'command', id, target, source, state, cause, wire, status: str(a[i++]) };
      if (tag === 3 || tag === 5) c.detail = str(a[i++]);
      outputs.push(c);
    }
  }
  return { outputs, errors: v.errors };
}")]
extern "C" {
    #[wasm_bindgen(js_name = expandOutputs, catch)]
    fn expand_outputs(text: &str, nums: &[u32], table: &JsValue) -> Result<JsValue, JsValue>;
}

/// The most outputs whose room `ingestTexts` keeps between bursts.
#[cfg(feature = "host-api")]
const KEPT_OUTPUTS: usize = 1024;

/// One bridge core: decoders, sequence numbers, duplicate filter and sync engine.
#[cfg(feature = "host-api")]
#[wasm_bindgen(js_name = Bridge)]
pub struct WasmBridge {
    inner: crate::Bridge,
    /// `ingestTexts`' list of outputs, kept (empty) between bursts so that
    /// a burst fills room made by the ones before instead of growing it
    /// (an `Output` is 264 bytes); at most [`KEPT_OUTPUTS`] kept.
    outputs: Vec<crate::Output>,
    /// `ingestTexts`' compact writer, which knows the strings `table` holds.
    compact: crate::bridge::Compact,
    /// `ingestTexts`' numbers, kept (empty) between bursts.
    nums: Vec<u32>,
    /// The page's table of strings for `compact` (`Compact::names`), made
    /// by the first burst.
    table: Option<JsValue>,
}

#[cfg(feature = "host-api")]
#[wasm_bindgen(js_class = Bridge)]
impl WasmBridge {
    /// `new Bridge(mode, config?)`: mode is `synchronized`, `complementary` or
    /// `off`; config is the object form of the CLI's `--config` file.
    #[wasm_bindgen(constructor)]
    pub fn new(mode: &str, config: JsValue) -> Result<WasmBridge, JsError> {
        let mode =
            Mode::parse(mode).ok_or_else(|| JsError::new(&format!("unknown mode `{mode}`")))?;
        let config: Config = if config.is_undefined() || config.is_null() {
            Config::default()
        } else {
            from_js_as(&config).map_err(|e| JsError::new(&format!("config: {e}")))?
        };
        Ok(WasmBridge {
            inner: new_bridge(mode, config),
            outputs: Vec::new(),
            compact: crate::bridge::Compact::new(),
            nums: Vec::new(),
            table: None,
        })
    }

    /// Feeds one message object; returns the events and commands it caused,
    /// or throws `{kind: "error", code, reason}` (the bridge keeps running).
    pub fn ingest(
        &mut self,
        source_name: &str,
        message: JsValue,
        now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let src = source(source_name)?;
        self.feed(src, from_js(message), now_ms)
    }

    /// Feeds one message given as JSON text (a WebSocket frame).
    #[wasm_bindgen(js_name = ingestText)]
    pub fn ingest_text(
        &mut self,
        source_name: &str,
        text: &str,
        now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let src = source(source_name)?;
        let mut out = Vec::new();
        self.inner
            .ingest_text_into(src, text, now_ms.map(ms), &mut out)
            .map_err(decode_error)?;
        Ok(to_js(&out)?)
    }

    /// Feeds a burst of messages given as JSON texts (the frames a socket
    /// delivered in one task), in order, in one call: returns
    /// `{outputs, errors}`, the outputs of every text in order (what
    /// `ingestText` returns for each, concatenated) and an
    /// `{kind: "error", code, reason, index}` for each text that did not
    /// decode (counted; the others go on). Throws only for an unknown
    /// source or when `texts` is not an array.
    #[wasm_bindgen(js_name = ingestTexts)]
    pub fn ingest_texts(
        &mut self,
        source_name: &str,
        texts: JsValue,
        now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let src = source(source_name)?;
        if !js_sys::Array::is_array(&texts) {
            return Err(JsError::new("ingestTexts takes an array of JSON texts").into());
        }
        let texts = js_sys::Array::from(&texts);
        let now = now_ms.map(ms);
        // The room of the bursts before, and one output per text at least
        // (an agent state in sync mode has 3), reserved up to 1,024.
        let mut outputs = std::mem::take(&mut self.outputs);
        outputs.reserve((texts.length() as usize).min(KEPT_OUTPUTS));
        let mut errors = Vec::new();
        let mut bytes_in = 0;
        for (index, text) in texts.iter().enumerate() {
            let fed = match text.as_string() {
                Some(text) => {
                    bytes_in += text.len();
                    self.inner.ingest_text_into(src, &text, now, &mut outputs)
                }
                None => self.inner.ingest_converted_into(
                    src,
                    Err(DecodeError::invalid(
                        "message",
                        "not a JSON text (a string)",
                    )),
                    now,
                    &mut outputs,
                ),
            };
            if let Err(e) = fed {
                errors.push(Failed {
                    error: e,
                    index: Some(index),
                });
            }
        }
        // The outputs compact (`Compact`: numbers and the strings the page
        // holds by reference, the rest in one JSON text, reserved once from
        // the texts' size, one `JSON.parse`), expanded in the page into the
        // objects `ingestText` returns.
        const OUT_PER_IN: usize = 2;
        let table = match &self.table {
            Some(table) => table.clone(),
            None => {
                self.compact.forget();
                let table = parse_own(&crate::bridge::Compact::names())?;
                self.table = Some(table.clone());
                table
            }
        };
        let mut w = json_write::JsonWriter::text(String::with_capacity(
            bytes_in.saturating_mul(OUT_PER_IN).saturating_add(128),
        ));
        let mut nums = std::mem::take(&mut self.nums);
        w.raw("{\"values\":");
        self.compact.write(&outputs, &mut nums, &mut w);
        w.raw(",\"errors\":");
        errors.write_json(&mut w);
        w.raw("}");
        outputs.clear();
        if outputs.capacity() <= KEPT_OUTPUTS {
            self.outputs = outputs;
        }
        let expanded = expand_outputs(&w.into_text(), &nums, &table);
        nums.clear();
        if nums.capacity() <= KEPT_OUTPUTS * 16 {
            self.nums = nums;
        }
        expanded.map_err(|_| {
            // The table may be part updated: both start again.
            self.table = None;
            JsError::new("JSON.parse refused the widget's own JSON text").into()
        })
    }

    /// Advances the clock: returns commands rejected for time-out.
    pub fn tick(&mut self, now_ms: f64) -> Result<JsValue, JsError> {
        to_js(&self.inner.tick(ms(now_ms)))
    }

    /// Asks a side (`crm` or `cc`) for `ready` or `notReady`; returns the command(s).
    pub fn request(
        &mut self,
        target: &str,
        state: &str,
        now_ms: Option<f64>,
    ) -> Result<JsValue, JsError> {
        let (target, state) = side_and_state(target, state)?;
        to_js(&self.inner.request(target, state, None, now_ms.map(ms)))
    }

    /// Changes the sync mode.
    #[wasm_bindgen(js_name = setMode)]
    pub fn set_mode(&mut self, mode: &str) -> Result<(), JsError> {
        let mode =
            Mode::parse(mode).ok_or_else(|| JsError::new(&format!("unknown mode `{mode}`")))?;
        self.inner.set_mode(mode);
        Ok(())
    }

    /// Everything the engine knows (`{kind: "snapshot", ...}`).
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

    /// Counters: received per source, events, errors per code, duplicates, commands.
    pub fn stats(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.stats())
    }

    /// The last sequence number issued.
    #[wasm_bindgen(js_name = lastSeq)]
    pub fn last_seq(&self) -> f64 {
        self.inner.last_seq() as f64
    }
}

#[cfg(feature = "host-api")]
impl WasmBridge {
    /// Runs a converted message through the core
    /// ([`crate::Bridge::ingest_converted_into`]).
    fn feed(
        &mut self,
        src: Source,
        raw: Result<Value, DecodeError>,
        now_ms: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let mut out = Vec::new();
        self.inner
            .ingest_converted_into(src, raw, now_ms.map(ms), &mut out)
            .map_err(decode_error)?;
        Ok(to_js(&out)?)
    }
}

/// Parses a side (`crm` / `cc`) and a state (`ready` / `notReady`) from JS.
#[cfg(any(feature = "host-api", feature = "openframe", feature = "agentdesktop"))]
pub(crate) fn side_and_state(
    target: &str,
    state: &str,
) -> Result<(crate::model::Side, crate::command::Desired), JsError> {
    use crate::command::Desired;
    use crate::model::Side;
    let side = match target {
        "crm" => Side::Crm,
        "cc" => Side::Cc,
        other => return Err(JsError::new(&format!("unknown side `{other}`"))),
    };
    let desired = match state {
        "ready" => Desired::Ready,
        "notReady" => Desired::NotReady,
        other => return Err(JsError::new(&format!("unknown state `{other}`"))),
    };
    Ok((side, desired))
}

#[cfg(feature = "host-api")]
/// A JS millisecond time as the core's clock value (negative / NaN -> 0).
fn ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value as u64
    } else {
        0
    }
}
