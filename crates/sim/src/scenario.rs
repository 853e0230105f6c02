//! Scenario files and the interactive feed: one format for both protocols.
//!
//! JSON Lines; blank lines and lines starting with `#` or `//` are skipped.
//! Each line is one object with exactly one of `axp`, `xuc` or `fault`:
//!
//! - `{"after_ms": 200, "axp": {"event": "AgentState", ...}}`: an AXP
//!   notification body (or a whole notification with a `body`, whose
//!   envelope fields are kept). Optional `envelope` (extra envelope fields,
//!   e.g. `loginId`) and `account` (deliver to that account only).
//! - `{"after_ms": 0, "xuc": {"msgType": "...", "ctiMessage": ...}}`: a xuc
//!   frame, sent as is. Optional `login`: only that user's sessions get it.
//! - `{"after_ms": 500, "fault": "axp:drop", "count": 1}`: arms a fault.
//!
//! `after_ms` (default 0) is the pause after the previous line. Scenario
//! files start playing when the first session of either protocol goes live;
//! feed lines (stdin, `POST /sim/send`) are carried out at once.

use super::fault::FaultSpec;
use serde_json::{Map, Value};
use std::time::Duration;

/// An AXP notification to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct AxpEvent {
    /// The notification body (`event`, fields, optional `id`).
    pub body: Map<String, Value>,
    /// Extra envelope fields (`loginId`, `initiatingLoginId` ...).
    pub envelope: Map<String, Value>,
    /// Deliver only to subscriptions of this account.
    pub account: Option<String>,
}

/// A xuc frame to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct XucEvent {
    /// The whole frame, normally `{"msgType", "ctiMessage"}`.
    pub frame: Value,
    /// Deliver only to this user's sessions.
    pub login: Option<String>,
}

/// What one line does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Deliver an AXP notification.
    Axp(AxpEvent),
    /// Deliver a xuc frame.
    Xuc(XucEvent),
    /// Arm a fault.
    Fault(FaultSpec),
}

/// One scenario line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Pause after the previous line.
    pub after: Duration,
    /// What to do.
    pub action: Action,
}

const KEYS: [&str; 8] = [
    "after_ms", "axp", "xuc", "fault", "count", "envelope", "account", "login",
];

/// Parses one line; `Ok(None)` for a blank or comment line.
pub fn parse_line(text: &str) -> Result<Option<Line>, String> {
    let t = text.trim();
    if t.is_empty() || t.starts_with('#') || t.starts_with("//") {
        return Ok(None);
    }
    let value: Value = serde_json::from_str(t).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("a scenario line is a JSON object".into());
    };
    if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown key `{k}` (known: {})", KEYS.join(", ")));
    }
    let after = match map.get("after_ms") {
        None | Some(Value::Null) => Duration::ZERO,
        Some(v) => Duration::from_millis(
            v.as_u64()
                .ok_or("`after_ms` must be a non-negative integer")?,
        ),
    };
    let kinds = ["axp", "xuc", "fault"]
        .iter()
        .filter(|k| map.contains_key(**k))
        .count();
    if kinds != 1 {
        return Err("a line needs exactly one of `axp`, `xuc` or `fault`".into());
    }
    let string = |key: &str| -> Result<Option<String>, String> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("`{key}` must be a string")),
        }
    };
    let action = if let Some(axp) = map.get("axp") {
        Action::Axp(axp_event(axp, map.get("envelope"), string("account")?)?)
    } else if let Some(xuc) = map.get("xuc") {
        if !xuc.is_object() {
            return Err("`xuc` must be a frame object".into());
        }
        Action::Xuc(XucEvent {
            frame: xuc.clone(),
            login: string("login")?,
        })
    } else {
        let name = string("fault")?.ok_or("`fault` must be a fault name")?;
        let mut spec: FaultSpec = name.parse()?;
        if let Some(c) = map.get("count") {
            let c = c
                .as_u64()
                .and_then(|c| u32::try_from(c).ok())
                .filter(|c| *c > 0)
                .ok_or("`count` must be a positive integer")?;
            spec.count = c;
        }
        Action::Fault(spec)
    };
    Ok(Some(Line { after, action }))
}

fn axp_event(
    axp: &Value,
    envelope: Option<&Value>,
    account: Option<String>,
) -> Result<AxpEvent, String> {
    let Value::Object(obj) = axp else {
        return Err("`axp` must be a notification body object".into());
    };
    let (mut env, body) = match obj.get("body") {
        Some(Value::Object(body)) => {
            let mut env = obj.clone();
            env.remove("body");
            (env, body.clone())
        }
        Some(_) => return Err("`axp.body` must be an object".into()),
        None => (Map::new(), obj.clone()),
    };
    match body.get("event") {
        Some(Value::String(_)) => {}
        _ => return Err("an AXP body needs a string `event`".into()),
    }
    match envelope {
        None | Some(Value::Null) => {}
        Some(Value::Object(extra)) => env.extend(extra.clone()),
        Some(_) => return Err("`envelope` must be an object".into()),
    }
    Ok(AxpEvent {
        body,
        envelope: env,
        account,
    })
}

/// Parses a whole script; errors name the line number.
pub fn parse_script(text: &str) -> Result<Vec<Line>, String> {
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        match parse_line(raw) {
            Ok(Some(line)) => lines.push(line),
            Ok(None) => {}
            Err(e) => return Err(format!("line {}: {e}", i + 1)),
        }
    }
    Ok(lines)
}

/// Reads and parses a scenario file.
pub fn load(path: &std::path::Path) -> Result<Vec<Line>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_script(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::{Fault, Proto};
    use serde_json::json;

    #[test]
    fn every_kind_of_line() {
        let l = parse_line(r#"{"after_ms": 5, "axp": {"event": "AgentState", "state": "READY"}, "envelope": {"loginId": "a@b"}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(l.after, Duration::from_millis(5));
        let Action::Axp(e) = l.action else { panic!() };
        assert_eq!(e.body.get("state"), Some(&json!("READY")));
        assert_eq!(e.envelope.get("loginId"), Some(&json!("a@b")));

        let l = parse_line(r#"{"axp": {"loginId": "x", "body": {"event": "ChannelReady"}}}"#)
            .unwrap()
            .unwrap();
        let Action::Axp(e) = l.action else { panic!() };
        assert_eq!(e.envelope.get("loginId"), Some(&json!("x")));
        assert_eq!(e.body.get("event"), Some(&json!("ChannelReady")));

        let l = parse_line(r#"{"xuc": {"msgType": "LoggedOn"}, "login": "alice"}"#)
            .unwrap()
            .unwrap();
        assert!(matches!(
            l.action,
            Action::Xuc(XucEvent { login: Some(_), .. })
        ));

        let l = parse_line(r#"{"fault": "axp:drop", "count": 2}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            l.action,
            Action::Fault(FaultSpec::once(Fault::Drop).for_proto(Proto::Axp).times(2))
        );
        assert_eq!(parse_line("  # comment").unwrap(), None);
    }

    #[test]
    fn mistakes_are_named() {
        for bad in [
            r#"{"axp": {"event": "X"}, "xuc": {}}"#,
            r#"{"axp": {"state": "READY"}}"#,
            r#"{"after_ms": -1, "fault": "drop"}"#,
            r#"{"fault": "drop", "typo": 1}"#,
            r#"[1]"#,
            r#"{"fault": "nope"}"#,
        ] {
            assert!(parse_line(bad).is_err(), "{bad}");
        }
        let err = parse_script("{\"fault\":\"drop\"}\n\n{").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
    }
}
