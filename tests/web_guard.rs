//! Browser property test of the one inbound guard: arbitrary JS values
//! (cyclic, deep, huge, exotic prototypes, functions, symbols, bigints) fed to
//! every JS-facing entry that takes a value (`decode`, `Bridge.ingest`, the
//! guard itself) never trap: each is a typed error or a decoded message, and
//! the bridge keeps working and counting afterwards.
#![cfg(target_arch = "wasm32")]

use cti_bridge::web::guard;
use cti_bridge::web::{decode_message, WasmBridge};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A small deterministic generator (xorshift), so a failure replays.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn eval(code: &str) -> JsValue {
    Function::new_no_args(code)
        .call0(&JsValue::NULL)
        .unwrap_or(JsValue::NULL)
}

/// One arbitrary value, `depth` levels at most.
fn arbitrary(g: &mut Gen, depth: u32) -> JsValue {
    let leaf = depth == 0;
    match g.below(if leaf { 9 } else { 14 }) {
        0 => JsValue::NULL,
        1 => JsValue::UNDEFINED,
        2 => JsValue::from_bool(g.below(2) == 0),
        3 => JsValue::from_f64([0.0, -1.5, 1e300, f64::NAN, f64::INFINITY, 9_007_199_254_740_993.0][g.below(6) as usize]),
        4 => JsValue::from_str(&"x".repeat(g.below(40) as usize)),
        5 => eval("return Symbol('s')"),
        6 => eval("return 10n ** 30n"),
        7 => eval("return function () {}"),
        8 => JsValue::from_str("msgType"),
        9 | 10 => {
            let object = if g.below(5) == 0 { Object::create(&JsValue::NULL.into()).into() } else { JsValue::from(Object::new()) };
            for i in 0..g.below(5) {
                let key = ["msgType", "ctiMessage", "type", "action", "data", "event"][(i % 6) as usize];
                set(&object, key, &arbitrary(g, depth - 1));
            }
            object
        }
        11 => {
            let array = Array::new();
            for _ in 0..g.below(5) {
                array.push(&arbitrary(g, depth - 1));
            }
            array.into()
        }
        12 => eval(["return new Map([[1, 2]])", "return new Date()", "return new Uint8Array(4)", "return new (class Agent { constructor() { this.name = 'x'; } })()", "return new Error('e')", "return /re/g"][g.below(6) as usize]),
        _ => eval("const o = {a: 1}; Object.defineProperty(o, 'b', {enumerable: true, get() { throw new Error('getter'); }}); return o"),
    }
}

fn cyclic() -> JsValue {
    eval("const a = {msgType: 'AgentStateEvent', ctiMessage: {}}; a.ctiMessage.self = a; return a")
}

fn deep(levels: usize) -> JsValue {
    eval(&format!(
        "let v = {{}}; for (let i = 0; i < {levels}; i++) v = {{v}}; return v"
    ))
}

fn huge() -> JsValue {
    eval("return {msgType: 'AgentStateEvent', ctiMessage: {name: 'x'.repeat(300000)}}")
}

fn wide() -> JsValue {
    eval("return Array.from({length: 50000}, (_, i) => i)")
}

#[wasm_bindgen_test]
fn the_guard_refuses_what_json_cannot_say_with_a_reason() {
    for (value, expect) in [
        (cyclic(), "cycle"),
        (deep(200), "deeper"),
        (huge(), "limit"),
        (wide(), "items"),
        (eval("return new Map()"), "plain object"),
        (eval("return {f() {}}"), "function"),
        (
            eval("return {at: new Date()}"),
            "Date is not a plain object",
        ),
        (eval("return {n: [1n]}"), "bigint is not JSON"),
        (eval("return {s: Symbol()}"), "symbol is not JSON"),
    ] {
        let error = guard::to_json(&value).expect_err("refused").to_string();
        assert!(error.contains(expect), "{error} (expected {expect})");
    }
    // A DAG is not a cycle; integers stay integers; undefined fields drop.
    let shared = eval("const s = {n: 1}; return {a: s, b: s, c: undefined, d: 2}");
    assert_eq!(
        guard::to_json(&shared).unwrap(),
        serde_json::json!({"a": {"n": 1}, "b": {"n": 1}, "d": 2})
    );
}

#[wasm_bindgen_test]
fn arbitrary_values_never_trap_any_entry_point() {
    let mut bridge = WasmBridge::new("synchronized", JsValue::UNDEFINED).unwrap();
    let mut g = Gen(0x2545_f491_4f6c_dd1d);
    let sources = ["xuc", "axp", "openframe", "crm-connector", "agentdesktop"];
    let mut values: Vec<JsValue> = (0..400).map(|_| arbitrary(&mut g, 4)).collect();
    values.extend([cyclic(), deep(10_000), huge(), wide()]);
    for (i, value) in values.iter().enumerate() {
        let source = sources[i % sources.len()];
        let _ = guard::to_json(value);
        let _ = decode_message(source, value.clone());
        let _ = bridge.ingest(source, value.clone(), Some(i as f64));
    }
    // Still alive, still decoding, and the refusals were counted.
    let good = js_sys::JSON::parse(
        r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":19}}"#,
    )
    .unwrap();
    assert!(bridge.ingest("xuc", good, Some(1e6)).is_ok());
    let stats = bridge.stats().unwrap();
    let errors = Reflect::get(&stats, &JsValue::from_str("errors")).unwrap();
    assert!(
        Object::keys(&errors.into()).length() > 0,
        "refusals are counted"
    );
}
