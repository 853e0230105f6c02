//! Browser tests: the wasm build of the decoders and the sync engine, run in
//! headless Chromium through wasm-bindgen-test-runner. Messages take the
//! widget's path: JSON text -> the core's own parser (`json_parse`) -> core,
//! or a JS value -> the guard -> core; outputs -> JS objects.
#![cfg(target_arch = "wasm32")]

use cti_bridge::web::{decode_message, WasmBridge};
use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
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

/// The outputs of `ingestText` for each text, concatenated, and its errors
/// as `{code, reason, index}`; against `ingestTexts` on a second bridge.
#[wasm_bindgen_test]
fn a_burst_in_one_call_gives_what_one_call_per_text_gives() {
    for (source, fixture) in FIXTURES {
        let mut texts: Vec<&str> = fixture.lines().filter(|l| !l.trim().is_empty()).collect();
        // Malformed texts among them: each refused, typed and counted, the others go on.
        texts.insert(1, "{\"event\":");
        texts.insert(3, "[1,2,3]");
        texts.push("{\"a\":\"\\ud800\"}");
        let stringify = |o: JsValue| String::from(JSON::stringify(&o).expect("stringify"));
        let mut one = WasmBridge::new("synchronized", JsValue::UNDEFINED).expect("bridge");
        let mut expected: Vec<String> = Vec::new();
        let mut want: Vec<String> = Vec::new();
        for (index, text) in texts.iter().enumerate() {
            match one.ingest_text(source, text, Some(1000.0)) {
                Ok(out) => expected.extend(Array::from(&out).iter().map(stringify)),
                Err(e) => want.push(format!(
                    "{index} {} {}",
                    get_str(&e, "code").expect("code"),
                    get_str(&e, "reason").expect("reason")
                )),
            }
        }
        let mut burst = WasmBridge::new("synchronized", JsValue::UNDEFINED).expect("bridge");
        let array: Array = texts.iter().map(|t| JsValue::from_str(t)).collect();
        let out = burst
            .ingest_texts(source, array.into(), Some(1000.0))
            .expect("a burst");
        // The same outputs in the same order ...
        let flat: Vec<String> = Array::from(&get(&out, "outputs"))
            .iter()
            .map(stringify)
            .collect();
        assert!(!expected.is_empty(), "{source}");
        assert_eq!(flat, expected, "{source}");
        // ... the same errors, each with the index of its text ...
        let got: Vec<String> = Array::from(&get(&out, "errors"))
            .iter()
            .map(|e| {
                assert_eq!(get_str(&e, "kind").as_deref(), Some("error"));
                format!(
                    "{} {} {}",
                    get(&e, "index").as_f64().expect("index"),
                    get_str(&e, "code").expect("code"),
                    get_str(&e, "reason").expect("reason")
                )
            })
            .collect();
        assert_eq!(got, want, "{source}");
        assert!(want.len() >= 3, "{source}: {want:?}");
        // ... and the same counters.
        assert_eq!(
            JSON::stringify(&burst.stats().expect("stats"))
                .ok()
                .map(String::from),
            JSON::stringify(&one.stats().expect("stats"))
                .ok()
                .map(String::from),
            "{source}"
        );
        // The same texts in bursts of 3 on a third bridge (each call fills
        // the list of outputs the calls before kept): the same outputs.
        let mut bursts = WasmBridge::new("synchronized", JsValue::UNDEFINED).expect("bridge");
        let mut flat: Vec<String> = Vec::new();
        for chunk in texts.chunks(3) {
            let array: Array = chunk.iter().map(|t| JsValue::from_str(t)).collect();
            let out = bursts
                .ingest_texts(source, array.into(), Some(1000.0))
                .expect("a burst");
            flat.extend(Array::from(&get(&out, "outputs")).iter().map(stringify));
        }
        assert_eq!(flat, expected, "{source}, in bursts of 3");
    }
}

include!("../crates/core/testdata/varied_agent_states.rs");

/// Many different strings and `data` members through one bridge in bursts
/// (the strings the page's table holds taken over within a burst and
/// between bursts, some too long to hold; `data` as a number, a string, a
/// key `__proto__`, a number beyond `u32`, two members, `null`): what one
/// `ingestText` per text gives, and no array or object shared between
/// outputs or bursts.
#[wasm_bindgen_test]
fn bursts_of_varied_agent_states_give_what_one_call_per_text_gives() {
    let long = "9".repeat(80);
    let texts: Vec<String> = (0..680u64).map(|n| varied_agent_state(n, &long)).collect();
    let stringify = |o: &JsValue| String::from(JSON::stringify(o).expect("stringify"));
    let mut one = WasmBridge::new("synchronized", JsValue::UNDEFINED).expect("bridge");
    let mut expected: Vec<String> = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        let out = one
            .ingest_text("xuc", text, Some((n / 17) as f64 * 170_000.0))
            .expect("decodes");
        expected.extend(Array::from(&out).iter().map(|o| stringify(&o)));
    }
    let mut bursts = WasmBridge::new("synchronized", JsValue::UNDEFINED).expect("bridge");
    let mut got: Vec<JsValue> = Vec::new();
    for (b, chunk) in texts.chunks(17).enumerate() {
        let array: Array = chunk.iter().map(|t| JsValue::from_str(t)).collect();
        let out = bursts
            .ingest_texts("xuc", array.into(), Some(b as f64 * 170_000.0))
            .expect("a burst");
        assert_eq!(Array::from(&get(&out, "errors")).length(), 0);
        got.extend(Array::from(&get(&out, "outputs")).iter());
    }
    let flat: Vec<String> = got.iter().map(stringify).collect();
    for (i, (got, want)) in flat.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "output {i}");
    }
    assert_eq!(flat.len(), expected.len());
    // A key `__proto__` is a member, as `JSON.parse` makes it.
    let proto = got
        .iter()
        .map(|o| get(o, "data"))
        .filter(|d| d.is_object())
        .map(js_sys::Object::from)
        .find(|d| js_sys::Object::has_own(d, &"__proto__".into()))
        .expect("a data member __proto__");
    assert!(get(&proto, "__proto__").as_f64().is_some());
    assert!(js_sys::Object::get_prototype_of(&proto).is_truthy());
    // Changing one output's queues and data changes no other output.
    let states: Vec<&JsValue> = got
        .iter()
        .filter(|o| get_str(o, "kind").as_deref() == Some("agentState"))
        .collect();
    assert!(states.len() >= 600);
    for o in &states {
        // (`Array::from` would copy: the array itself, cast.)
        get(o, "queues")
            .unchecked_into::<Array>()
            .push(&"changed".into());
        let data = get(o, "data");
        let count = get(&data, "changed").as_f64().unwrap_or(0.0);
        Reflect::set(&data, &"changed".into(), &(count + 1.0).into()).expect("set");
    }
    for o in &states {
        assert_eq!(get(o, "queues").unchecked_into::<Array>().length(), 4);
        assert_eq!(get(&get(o, "data"), "changed").as_f64(), Some(1.0));
    }
}

#[wasm_bindgen_test]
fn a_burst_refuses_what_is_not_text_and_keeps_the_rest() {
    let mut bridge = WasmBridge::new("synchronized", JsValue::UNDEFINED).expect("bridge");
    let ready = r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":19,"phoneNb":"1000","since":0,"queues":[1],"cause":""}}"#;
    let pause = ready.replace("AgentReady", "AgentOnPause");
    let texts = Array::new();
    texts.push(&JsValue::from_str(ready));
    texts.push(&JsValue::from_f64(5.0));
    texts.push(&js_sys::Object::new());
    texts.push(&JsValue::from_str(&pause));
    let out = bridge
        .ingest_texts("xuc", texts.into(), Some(0.0))
        .expect("a burst");
    let states: Vec<String> = Array::from(&get(&out, "outputs"))
        .iter()
        .filter(|o| get_str(o, "kind").as_deref() == Some("agentState"))
        .filter_map(|o| get_str(&o, "state"))
        .collect();
    assert_eq!(states, ["ready", "notReady"]);
    let errors = Array::from(&get(&out, "errors"));
    assert_eq!(errors.length(), 2);
    for (error, index) in errors.iter().zip([1.0, 2.0]) {
        assert_eq!(get_str(&error, "code").as_deref(), Some("invalid"));
        assert_eq!(get(&error, "index").as_f64(), Some(index));
    }
    let stats = bridge.stats().expect("stats");
    assert_eq!(get(&get(&stats, "errors"), "invalid").as_f64(), Some(2.0));
    assert_eq!(get(&get(&stats, "received"), "xuc").as_f64(), Some(4.0));
    // Not an array at all: thrown, nothing counted.
    assert!(bridge
        .ingest_texts("xuc", JsValue::from_str(ready), None)
        .is_err());
    assert!(bridge
        .ingest_texts("nope", Array::new().into(), None)
        .is_err());
    assert_eq!(bridge.last_seq(), 2.0);
}
