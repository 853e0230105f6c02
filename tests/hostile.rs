//! Hostile input against every decoder: arbitrary JSON, arbitrary text and
//! seed samples with any field replaced. Nothing may panic; every refusal is a
//! typed error with a reason. (Protocol-specific shapes are fuzzed in each
//! `codec_*` test file.)

mod common;

use common::{arb_json, decode, fixtures, mutate};
use cti_bridge::codec::decode_text;
use cti_bridge::model::Source;
use proptest::prelude::*;

fn arb_source() -> impl Strategy<Value = Source> {
    (0usize..Source::ALL.len()).prop_map(|i| Source::ALL[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_json_never_panics(source in arb_source(), v in arb_json()) {
        if let Err(e) = decode(source, &v) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn mutated_samples_never_panic(
        source in arb_source(), i in any::<usize>(), pick in any::<usize>(), r in arb_json(),
    ) {
        let samples = fixtures(source);
        let sample = samples[i % samples.len()].clone();
        if let Err(e) = decode(source, &mutate(sample, pick, r)) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn arbitrary_text_never_panics(source in arb_source(), s in ".{0,200}") {
        let _ = decode_text(source, &s, &Default::default());
    }

    #[test]
    fn arbitrary_bytes_never_panic(source in arb_source(), b in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_text(source, &String::from_utf8_lossy(&b), &Default::default());
    }
}

/// A message refused before decoding is counted like a decode error and
/// adds no output; the next message goes through as `ingest` takes it.
#[test]
fn a_message_refused_before_decoding_is_counted_and_the_next_one_goes_on() {
    use cti_bridge::codec::{parse_text, JsonParser};
    use cti_bridge::sync::Mode;
    use cti_bridge::Bridge;
    let mut bridge = Bridge::new(Mode::Synchronized, Default::default());
    let mut out = Vec::new();
    let refused = parse_text("{\"msgType\":", JsonParser::BUILT_IN);
    let error = bridge
        .ingest_converted_into(Source::Xuc, refused, Some(1), &mut out)
        .expect_err("refused");
    assert!(out.is_empty());
    assert_eq!(bridge.stats().received.get(Source::Xuc), 1);
    assert_eq!(bridge.stats().errors.get(error.code()), 1);
    let text = r#"{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":19,"phoneNb":"1000","since":0,"queues":[],"cause":""}}"#;
    let raw = parse_text(text, JsonParser::BUILT_IN).expect("a JSON text");
    let mut alone = Bridge::new(Mode::Synchronized, Default::default());
    let expected = alone.ingest(Source::Xuc, &raw, Some(2)).expect("decodes");
    bridge
        .ingest_converted_into(Source::Xuc, Ok(raw), Some(2), &mut out)
        .expect("decodes");
    assert_eq!(out, expected);
    assert_eq!(bridge.stats().received.get(Source::Xuc), 2);
}
