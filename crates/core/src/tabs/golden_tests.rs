//! The tab messages' reader pinned (bench/README.md, `lean-size-core5`):
//! a message of every kind (and every call), each with one value (any
//! member up to three deep) replaced by every JSON kind or removed, and
//! with two members made wrong at once (which error a message with several
//! bad fields reports), read by [`fields::wire`]; the message read or the
//! error (its path and reason) as text, one line per case in `golden.txt`:
//! the case and a 64-bit FNV-1a hash of its texts (a failing case prints
//! them). `UPDATE_GOLDEN=1` rewrites the file.

use super::TabMessage;
use crate::codec::fields;
use crate::golden_file::{check, fnv};
use serde_json::{json, Value};

/// One message of every kind, and of every call.
fn samples() -> Vec<Value> {
    vec![
        json!({"t": "hello", "v": 1, "tab": "a"}),
        json!({"t": "lead", "v": 1, "tab": "a", "epoch": "e", "since": 5, "seq": 3, "count": 2}),
        json!({"t": "event", "v": 1, "tab": "a", "epoch": "e", "seq": 4, "event": {"kind": "x"}}),
        json!({"t": "call", "v": 1, "tab": "b", "rid": 7,
            "call": {"op": "setState", "target": "crm", "desired": "notReady", "reason": "r"}}),
        json!({"t": "call", "v": 1, "tab": "b", "rid": 7,
            "call": {"op": "ccCommand", "name": "dial", "args": [1, "x"]}}),
        json!({"t": "call", "v": 1, "tab": "b", "rid": 7, "call": {"op": "crm", "msg": {"a": 1}}}),
        json!({"t": "reply", "v": 1, "tab": "a", "to": "b", "rid": 7, "result": {"ok": true},
            "error": {"code": "timeout", "message": "m"}}),
        json!({"t": "view", "v": 1, "tab": "a", "visible": true, "focused": false, "active_at": 9}),
        json!({"t": "state", "v": 1, "tab": "a", "snapshot": {"s": 1}, "cc": {"c": 2},
            "health": {"h": 3}}),
        json!({"t": "pop", "v": 1, "tab": "a", "to": "b", "event": {"kind": "screenPop"}}),
        json!({"t": "bye", "v": 1, "tab": "a"}),
    ]
}

/// What a value may be replaced by: every JSON kind.
fn replacements() -> Vec<Option<Value>> {
    vec![
        None,
        Some(json!(null)),
        Some(json!(true)),
        Some(json!(0)),
        Some(json!(-7)),
        Some(json!(2.5)),
        Some(json!(18446744073709551615u64)),
        Some(json!("")),
        Some(json!("12")),
        Some(json!("hello")),
        Some(json!([])),
        Some(json!({})),
        Some(json!({"code": "c", "message": "m"})),
    ]
}

/// Every path of `value` to a member or item, up to `depth` levels.
fn paths(value: &Value, depth: usize, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if depth == 0 {
        return;
    }
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
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

/// `value` with the member at `path` replaced by `with` (removed if `None`).
fn replace(value: &mut Value, path: &[String], with: &Option<Value>) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = value;
    for step in parents {
        at = match at {
            Value::Object(map) => map.get_mut(step).unwrap(),
            Value::Array(items) => &mut items[step.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    match (at, with) {
        (Value::Object(map), None) => {
            map.remove(last);
        }
        (Value::Object(map), Some(v)) => {
            map.insert(last.clone(), v.clone());
        }
        (Value::Array(items), None) => {
            items.remove(last.parse::<usize>().unwrap());
        }
        (Value::Array(items), Some(v)) => items[last.parse::<usize>().unwrap()] = v.clone(),
        _ => unreachable!(),
    }
}

fn outcome(raw: &Value) -> String {
    let result = match fields::wire::<TabMessage>(raw) {
        Ok(message) => format!("{message:?}"),
        Err(e) => format!("error at {}: {}", e.path(), e.message()),
    };
    format!("{raw} => {result}\n")
}

#[test]
fn tab_messages_read_and_errors_are_pinned() {
    let mut text = String::new();
    let mut outs = Vec::new();
    for (n, sample) in samples().iter().enumerate() {
        let mut found = Vec::new();
        paths(sample, 3, &mut Vec::new(), &mut found);
        let mut cases: Vec<(String, Vec<Value>)> = vec![("-".into(), vec![sample.clone()])];
        let mut extra = sample.clone();
        replace(&mut extra, &["extra".to_owned()], &Some(json!(1)));
        cases.push(("+extra".into(), vec![extra]));
        for path in &found {
            let raws = replacements()
                .iter()
                .map(|with| {
                    let mut raw = sample.clone();
                    replace(&mut raw, path, with);
                    raw
                })
                .collect();
            cases.push((path.join("/"), raws));
        }
        // Two members wrong at once (top level): which error is reported.
        let top: Vec<&Vec<String>> = found.iter().filter(|p| p.len() == 1).collect();
        for (i, a) in top.iter().enumerate() {
            for b in top.iter().skip(i + 1) {
                let mut raws = Vec::new();
                for (wa, wb) in [
                    (None, None),
                    (Some(json!([])), Some(json!([]))),
                    (None, Some(json!([]))),
                    (Some(json!([])), None),
                ] {
                    let mut raw = sample.clone();
                    replace(&mut raw, a, &wa);
                    replace(&mut raw, b, &wb);
                    raws.push(raw);
                }
                cases.push((format!("{}+{}", a.join("/"), b.join("/")), raws));
            }
        }
        for (at, raws) in cases {
            let out: String = raws.iter().map(outcome).collect();
            text.push_str(&format!("{} {at} {:016x}\n", n + 1, fnv(&out)));
            outs.push(out);
        }
    }
    check("src/tabs/golden.txt", &text, &outs);
}
