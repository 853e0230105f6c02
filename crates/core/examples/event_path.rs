//! Where the in-page core's time goes, natively (no browser): the xuc
//! `AgentStateEvent` of `bench/pages/core.js` through each stage of
//! `Bridge.ingestText`, timed in a loop. Not a test (speed is never
//! asserted); `cargo run --release -p cti-bridge-core --example event_path`.

use cti_bridge_core::codec::{parse_text, JsonParser};
use cti_bridge_core::config::Config;
use cti_bridge_core::model::Source;
use cti_bridge_core::sync::Mode;
use cti_bridge_core::Bridge;
use std::hint::black_box;
use std::time::Instant;

const N: usize = 200_000;

fn texts() -> [String; 2] {
    ["AgentReady", "AgentOnPause"].map(|name| {
        format!(
            r#"{{"msgType":"AgentStateEvent","ctiMessage":{{"name":"{name}","agentId":19,"phoneNb":"1000","since":0,"queues":[1,4],"cause":""}}}}"#
        )
    })
}

fn time(label: &str, mut f: impl FnMut(usize)) {
    for i in 0..N / 10 {
        f(i);
    }
    let t0 = Instant::now();
    for i in 0..N {
        f(i);
    }
    let ns = t0.elapsed().as_nanos() as f64 / N as f64;
    println!("{label:<44} {ns:>8.0} ns/message");
}

fn main() {
    let texts = texts();
    let values = texts
        .each_ref()
        .map(|t| parse_text(t, JsonParser::BUILT_IN).expect("parses"));
    time("parse_text, serde_json", |i| {
        black_box(parse_text(&texts[i & 1], JsonParser::SERDE_JSON).ok());
    });
    time("parse_text, json_parse (built in)", |i| {
        black_box(parse_text(&texts[i & 1], JsonParser::BUILT_IN).ok());
    });
    time("json_parse::parse alone", |i| {
        black_box(cti_bridge_core::json_parse::parse(&texts[i & 1]).ok());
    });
    time("codec::decode", |i| {
        black_box(
            cti_bridge_core::codec::decode(Source::Xuc, &values[i & 1], &Default::default()).ok(),
        );
    });
    let mut bridge = Bridge::new(Mode::Synchronized, Config::default());
    time("Bridge::ingest (decode, sync engine)", |i| {
        black_box(
            bridge
                .ingest(Source::Xuc, &values[i & 1], Some(i as u64))
                .ok(),
        );
    });
    let mut bridge = Bridge::new(Mode::Synchronized, Config::default());
    let outputs = bridge
        .ingest(Source::Xuc, &values[0], Some(0))
        .expect("decodes");
    time("outputs: json_write::to_value", |_| {
        black_box(cti_bridge_core::json_write::to_value(&outputs));
    });
    let value = cti_bridge_core::json_write::to_value(&outputs);
    time("outputs: Value -> text", |_| {
        black_box(serde_json::to_string(&value).ok());
    });
    time(
        "outputs: json_write::to_string (the channel's outbox text)",
        |_| {
            black_box(cti_bridge_core::json_write::to_string(&outputs));
        },
    );
    println!("outputs per message: {}", outputs.len());
}
