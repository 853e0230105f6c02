//! Browser tests: the wasm build of the decoders and the sync engine, run in
//! headless Chromium through wasm-bindgen-test-runner. Messages take the
//! widget's path: JSON text -> `JSON.parse` -> serde-wasm-bindgen -> core.
#![cfg(target_arch = "wasm32")]

use cti_bridge::web::{decode_message, WasmBridge};
use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURES: [(&str, &str); 5] = [
    ("openframe", include_str!("fixtures/openframe.jsonl")),
    (
        "crm-connector",
        include_str!("fixtures/crm-connector.jsonl"),
    ),
    ("agentdesktop", include_str!("fixtures/agentdesktop.jsonl")),
    ("axp", include_str!("fixtures/axp.jsonl")),
    ("xuc", include_str!("fixtures/xuc.jsonl")),
];

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_str(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

#[wasm_bindgen_test]
fn every_seed_sample_decodes_in_the_browser() {
    let mut total = 0;
    for (source, text) in FIXTURES {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let msg = JSON::parse(line).expect("fixture is JSON");
            let bodies = decode_message(source, msg)
                .unwrap_or_else(|e| panic!("{source}: {line}: {:?}", JSON::stringify(&e)));
            let bodies = Array::from(&bodies);
            assert!(bodies.length() >= 1, "{source}: {line}");
            for body in bodies.iter() {
                assert!(get_str(&body, "kind").is_some(), "{source}: {line}");
            }
            total += 1;
        }
    }
    assert!(total >= 40, "only {total} fixtures");
}

#[wasm_bindgen_test]
fn browser_and_native_decoders_agree_on_every_sample() {
    for (source, text) in FIXTURES {
        let src = cti_bridge::Source::parse(source).expect("source");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let native = cti_bridge::codec::decode_text(src, line, &Default::default())
                .expect("native decode");
            let native = cti_bridge::json_write::to_string(&native.bodies);
            let js = decode_message(source, JSON::parse(line).expect("json")).expect("js decode");
            let js: String = JSON::stringify(&js).expect("stringify").into();
            let a: serde_json::Value = serde_json::from_str(&native).expect("json");
            let b: serde_json::Value = serde_json::from_str(&js).expect("json");
            assert_eq!(a, b, "{source}: {line}");
        }
    }
}

#[wasm_bindgen_test]
fn hostile_text_is_refused_with_a_reason_and_the_bridge_keeps_serving() {
    let mut bridge = WasmBridge::new("synchronized", JsValue::UNDEFINED).expect("bridge");
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let big = format!("\"{}\"", "x".repeat(300 * 1024));
    let cases = [
        ("xuc", deep.as_str(), "tooDeep"),
        ("axp", big.as_str(), "tooLarge"),
        ("axp", "{\"event\":", "syntax"),
        ("axp", "[1,2,3]", "notAnObject"),
        (
            "xuc",
            "{\"msgType\":\"Teleport\",\"ctiMessage\":{}}",
            "unknown",
        ),
        (
            "axp",
            "{\"__proto__\":{\"polluted\":1},\"event\":\"pong\"}",
            "",
        ),
    ];
    for (source, text, code) in cases {
        match bridge.ingest_text(source, text, None) {
            Err(e) => assert_eq!(get_str(&e, "code").as_deref(), Some(code), "{text:.40}"),
            Ok(_) => assert_eq!(code, "", "{text:.40} was accepted"),
        }
    }
    let probe = JsValue::from(js_sys::Object::new());
    assert!(get(&probe, "polluted").is_undefined(), "prototype polluted");
    // Still serving after all of that.
    let out = bridge
        .ingest_text("axp", r#"{"event":"pong"}"#, None)
        .expect("pong decodes");
    assert_eq!(Array::from(&out).length(), 1);
    let stats = bridge.stats().expect("stats");
    assert_eq!(get(&get(&stats, "errors"), "tooDeep").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn sync_engine_runs_in_the_browser() {
    let mut bridge = WasmBridge::new("synchronized", JsValue::UNDEFINED).expect("bridge");
    // The agent becomes ready on xuc: the CRM is asked to become Available.
    let out = bridge
        .ingest_text(
            "xuc",
            r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":19,"phoneNb":"1000","since":0,"queues":[1],"cause":"available"}}"#,
            Some(0.0),
        )
        .expect("decodes");
    let out = Array::from(&out);
    // The event, the command for the CRM, and click-to-dial enabled.
    assert_eq!(out.length(), 3);
    assert_eq!(get_str(&out.get(2), "kind").as_deref(), Some("crmRequest"));
    let cmd = out.get(1);
    assert_eq!(get_str(&cmd, "kind").as_deref(), Some("command"));
    assert_eq!(get_str(&cmd, "target").as_deref(), Some("crm"));
    assert_eq!(get_str(&cmd, "status").as_deref(), Some("pending"));
    assert_eq!(
        get_str(&get(&get(&cmd, "wire"), "data"), "statusId").as_deref(),
        Some("Available")
    );
    // The CRM reports it back: confirmed, and no command goes back to xuc.
    let reply = JSON::parse(
        r#"{"type":"ClientAppMessage","action":"omnichannelResponse","data":{"statusId":"Available","success":true}}"#,
    )
    .expect("json");
    let out = Array::from(
        &bridge
            .ingest("crm-connector", reply, Some(10.0))
            .expect("decodes"),
    );
    assert_eq!(out.length(), 2);
    assert_eq!(get_str(&out.get(1), "status").as_deref(), Some("confirmed"));
    assert_eq!(bridge.last_seq(), 2.0);
    let snapshot = bridge.snapshot().expect("snapshot");
    assert_eq!(
        get_str(&get(&snapshot, "agentState"), "state").as_deref(),
        Some("ready")
    );
    assert_eq!(Array::from(&get(&snapshot, "pending")).length(), 0);
}
