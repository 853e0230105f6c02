//! The decoders' outputs pinned byte for byte (bench/README.md,
//! `lean-size-decode`, `lean-full-axp`): every fixture of a protocol, and
//! each of them with one value (at any depth up to four) replaced by every
//! JSON kind or removed, decoded; the event bodies or the error (its kind,
//! path and reason) written as text, one line per case: the case (protocol,
//! fixture line, path) and a 64-bit FNV-1a hash of the texts of its
//! replacements (the texts themselves are 5.8 MB for the lead build's two
//! protocols; a failing case prints its texts). `golden.txt` holds the lead
//! build's protocols (xuc, CRM Connector), `golden_full.txt` the full build's
//! other three (AXP, AgentDesktop, OpenFrame). `UPDATE_GOLDEN=1` rewrites them.

use super::decode;
use crate::config::DecodeConfig;
use crate::golden_file::{check, fnv};
use crate::model::Source;
use serde_json::{json, Value};

/// What a value may be replaced by: every JSON kind and the lenient
/// spellings the readers take.
fn replacements() -> Vec<Option<Value>> {
    vec![
        None,
        Some(json!(null)),
        Some(json!(true)),
        Some(json!(0)),
        Some(json!(-7)),
        Some(json!(2.5)),
        Some(json!(1e300)),
        Some(json!("")),
        Some(json!(" x ")),
        Some(json!("12")),
        Some(json!("true")),
        Some(json!([])),
        Some(json!(["a", 3])),
        Some(json!({})),
        Some(json!({"name": "n", "id": "i", "value": 1})),
    ]
}

/// Every path of `value` to a member or item, up to `depth` levels.
fn paths(value: &Value, depth: usize, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    if depth == 0 {
        return;
    }
    let children: Vec<(Step, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .take(3)
            .map(|(i, v)| (Step::Index(i), v))
            .collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        at.push(step);
        out.push(at.clone());
        paths(child, depth - 1, at, out);
        at.pop();
    }
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Step::Key(k) => write!(f, "/{k}"),
            Step::Index(i) => write!(f, "/{i}"),
        }
    }
}

/// `value` with the member at `path` replaced by `with` (removed if `None`).
fn replaced(value: &Value, path: &[Step], with: &Option<Value>) -> Value {
    let mut out = value.clone();
    let mut at = &mut out;
    let Some((last, parents)) = path.split_last() else {
        return out;
    };
    for step in parents {
        at = match (step, at) {
            (Step::Key(k), Value::Object(map)) => map.get_mut(k).unwrap(),
            (Step::Index(i), Value::Array(items)) => &mut items[*i],
            _ => unreachable!(),
        };
    }
    match (last, at, with) {
        (Step::Key(k), Value::Object(map), None) => {
            map.remove(k);
        }
        (Step::Key(k), Value::Object(map), Some(v)) => {
            map.insert(k.clone(), v.clone());
        }
        (Step::Index(i), Value::Array(items), None) => {
            items.remove(*i);
        }
        (Step::Index(i), Value::Array(items), Some(v)) => items[*i] = v.clone(),
        _ => unreachable!(),
    }
    out
}

/// One line per fixture and path: `name line path hash`, the hash over the
/// texts of all replacements there; the texts by line.
fn cases(source: Source, name: &str, fixtures: &str, text: &mut String, outs: &mut Vec<String>) {
    let config = DecodeConfig::default();
    for (n, line) in fixtures
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let fixture: Value = serde_json::from_str(line).unwrap();
        let mut all = vec![("-".to_owned(), vec![fixture.clone()])];
        let mut found = Vec::new();
        paths(&fixture, 4, &mut Vec::new(), &mut found);
        for path in &found {
            let at: String = path.iter().map(|s| s.to_string()).collect();
            let raws = replacements()
                .iter()
                .map(|with| replaced(&fixture, path, with))
                .collect();
            all.push((at, raws));
        }
        for (at, raws) in all {
            let mut out = String::new();
            for raw in raws {
                let result = match decode(source, &raw, &config) {
                    Ok(decoded) => format!("{decoded:?}"),
                    Err(e) => format!("error {e:?} / {e}"),
                };
                out.push_str(&format!("{raw} => {result}\n"));
            }
            text.push_str(&format!("{name} {} {at} {:016x}\n", n + 1, fnv(&out)));
            outs.push(out);
        }
    }
}

/// Decodes every case of `sets` (source, name, fixtures) and compares the
/// lines with the golden file `file` in `src/codec/`.
fn pinned(sets: &[(Source, &str, &str)], file: &str) {
    let mut text = String::new();
    let mut outs = Vec::new();
    for &(source, name, fixtures) in sets {
        cases(source, name, fixtures, &mut text, &mut outs);
    }
    check(&format!("src/codec/{file}"), &text, &outs);
}

#[cfg(all(feature = "xuc", feature = "crm-connector"))]
#[test]
fn decoded_values_and_errors_are_pinned() {
    pinned(
        &[
            (
                Source::Xuc,
                "xuc",
                include_str!("../../../../tests/fixtures/xuc.jsonl"),
            ),
            (
                Source::CrmConnector,
                "crm-connector",
                include_str!("../../../../tests/fixtures/crm-connector.jsonl"),
            ),
        ],
        "golden.txt",
    );
}

#[cfg(all(feature = "axp", feature = "agentdesktop", feature = "openframe"))]
#[test]
fn full_build_decoded_values_and_errors_are_pinned() {
    pinned(
        &[
            (
                Source::Axp,
                "axp",
                include_str!("../../../../tests/fixtures/axp.jsonl"),
            ),
            (
                Source::Agentdesktop,
                "agentdesktop",
                include_str!("../../../../tests/fixtures/agentdesktop.jsonl"),
            ),
            (
                Source::Openframe,
                "openframe",
                include_str!("../../../../tests/fixtures/openframe.jsonl"),
            ),
        ],
        "golden_full.txt",
    );
}
