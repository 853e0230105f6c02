//! The `cti-bridge` command line: decode every seed sample, replay a session,
//! exit statuses and error lines.

use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// The repository root: the CLI runs there, where the fixtures are.
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

const SOURCES: [&str; 5] = ["openframe", "crm-connector", "agentdesktop", "axp", "xuc"];

/// Runs the binary with `args` and `stdin`; returns (exit code, stdout lines as JSON, stderr).
fn run(args: &[&str], stdin: &str) -> (i32, Vec<Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cti-bridge"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("binary exits");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_seed_sample_decodes_from_the_command_line() {
    for source in SOURCES {
        let file = format!("tests/fixtures/{source}.jsonl");
        let inputs = std::fs::read_to_string(format!("{ROOT}/{file}"))
            .expect("fixture")
            .lines()
            .count();
        let (code, lines, stderr) = run(&["decode", "--from", source, &file], "");
        assert_eq!(code, 0, "{source}: {stderr} {lines:?}");
        assert!(
            lines.len() >= inputs,
            "{source}: {} events for {inputs} inputs",
            lines.len()
        );
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(line["source"], source);
            assert_eq!(line["seq"], json!(i + 1), "seq is monotonic from 1");
            assert!(
                line["kind"].is_string() && line["kind"] != "error",
                "{line}"
            );
        }
    }
}

#[test]
fn bad_inputs_become_error_lines_and_exit_1() {
    let input = concat!(
        r#"{"event":"pong"}"#,
        "\n",
        "not json\n",
        r#"{"event":"authenticationResponse","status":"CONNECTION_MAYBE"}"#,
        "\n",
        r#"{"event":"pong"}"#,
        "\n",
    );
    let (code, lines, _) = run(&["decode", "--from", "axp"], input);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["kind"], "connection");
    assert_eq!(lines[1]["kind"], "error");
    assert_eq!(lines[1]["input"], 2);
    assert!(lines[1]["reason"]
        .as_str()
        .is_some_and(|r| r.starts_with("not valid JSON")));
    assert_eq!(lines[2]["input"], 3);
    assert!(
        lines[2]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("CONNECTION_MAYBE")),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3]["seq"], 2, "decoding goes on after errors");
}

#[test]
fn a_json_array_or_a_single_document_is_accepted() {
    let (code, lines, _) = run(
        &["decode", "--from", "axp"],
        r#"[{"event":"pong"},{"event":"pong"}]"#,
    );
    assert_eq!((code, lines.len()), (0, 2));
    let (code, lines, _) = run(
        &["decode", "--from", "axp", "-"],
        "{\n  \"event\": \"pong\"\n}\n",
    );
    assert_eq!((code, lines.len()), (0, 1));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["decode"],
        vec!["decode", "--from", "salesforce"],
        vec!["decode", "--from", "axp", "/no/such/file"],
        vec!["replay"],
        vec!["replay", "--mode", "sometimes"],
        vec!["replay", "--mode", "off", "--config", "/no/such/config"],
        vec!["teleport"],
    ] {
        let (code, _, stderr) = run(&args, "");
        assert_eq!(code, 2, "{args:?}");
        assert!(!stderr.is_empty(), "{args:?} says why");
    }
}

#[test]
fn replay_prints_events_commands_and_a_final_snapshot() {
    let session = [
        json!({"from": "xuc", "at": 0, "msg": {"msgType": "AgentStateEvent",
               "ctiMessage": {"name": "AgentReady", "agentId": 19, "phoneNb": "1000", "since": 0, "queues": [1]}}}),
        json!({"from": "crm-connector", "at": 50, "msg": {"type": "ClientAppMessage",
               "action": "omnichannelResponse", "data": {"statusId": "Available", "success": true}}}),
        json!({"from": "openframe", "at": 100, "msg": {"event": "openframe_awa_workitem_accepted",
               "data": {"result": {"workItem": {"sys_id": "w1", "document": {"sys_id": "d1", "table": "incident"}}}}}}),
        json!({"from": "xuc", "at": 150, "msg": "garbage"}),
    ];
    let input: String = session.iter().map(|l| format!("{l}\n")).collect();
    let (code, lines, _) = run(&["replay", "--mode", "synchronized"], &input);
    assert_eq!(code, 1, "the garbage line fails");
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "agentState",
            "command",
            "crmRequest",
            "presence",
            "command",
            "workItem",
            "command",
            "error",
            "snapshot"
        ]
    );
    assert_eq!(lines[1]["status"], "pending");
    assert_eq!(lines[1]["target"], "crm");
    assert_eq!(lines[1]["wire"]["action"], "requestSyncOmnichannel");
    // A logged-in agent: click-to-dial is enabled in the CRM.
    assert_eq!(lines[2]["wire"]["action"], "requestEnableClickToDial");
    assert_eq!(lines[2]["wire"]["data"], json!({"isEnabled": true}));
    assert_eq!(lines[4]["id"], lines[1]["id"]);
    assert_eq!(lines[4]["status"], "confirmed");
    assert_eq!(lines[6]["target"], "cc");
    assert_eq!(lines[6]["source"], "xuc");
    assert_eq!(
        lines[6]["wire"],
        json!({"claz": "web", "command": "pauseAgent", "agentid": 19})
    );
    assert_eq!(lines[7]["input"], 4);
    let snapshot = &lines[8];
    assert_eq!(snapshot["agentState"]["state"], "ready");
    assert_eq!(snapshot["presence"]["available"], true);
    assert_eq!(snapshot["workItems"][0]["id"], "w1");
    assert_eq!(snapshot["pending"][0]["state"], "notReady");
    assert_eq!(snapshot["lastSeq"], 3);
}

#[test]
fn replay_uses_the_config_file() {
    let dir = std::env::temp_dir().join(format!("cti-bridge-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        r#"{"crm": {"readyStatus": "0N1", "notReadyStatus": "0N5"}, "decode": {"availableStatuses": ["0N1"]}}"#,
    )
    .expect("write config");
    let input = r#"{"from":"xuc","msg":{"msgType":"AgentStateEvent","ctiMessage":{"name":"AgentReady","agentId":7}}}"#;
    let (code, lines, _) = run(
        &[
            "replay",
            "--mode",
            "synchronized",
            "--config",
            config.to_str().expect("path"),
        ],
        input,
    );
    assert_eq!(code, 0);
    assert_eq!(lines[1]["wire"]["data"]["statusId"], "0N1");
    // An unknown key in the config is a usage error, not silently ignored.
    std::fs::write(&config, r#"{"crm": {"readyStatusTypo": "x"}}"#).expect("write config");
    let (code, _, stderr) = run(
        &[
            "replay",
            "--mode",
            "off",
            "--config",
            config.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("readyStatusTypo"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
