//! `cti-bridge sim` as a process: the listening line on port 0, the shipped
//! scenario files played to real sockets, the stdin feed, start-up errors.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../../tests/sim_support/mod.rs"]
mod sim_support;

use cti_bridge_core::codec::axp;
use cti_bridge_core::model::Source;
use serde_json::{json, Value};
use sim_support::*;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The repository root: the CLI runs there, where the fixtures are.
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// A simulator process, killed when dropped.
struct SimProcess {
    child: Child,
    lines: mpsc::Receiver<String>,
    addr: SocketAddr,
}

impl SimProcess {
    fn spawn(args: &[&str]) -> SimProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cti-bridge"))
            .arg("sim")
            .args(["--port", "0", "--quiet"])
            .args(args)
            .current_dir(ROOT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn cti-bridge sim");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(WAIT)
            .expect("the listening line comes first");
        let v: Value = serde_json::from_str(&first).expect("a JSON line");
        let addr = v["listening"]
            .as_str()
            .expect("listening")
            .parse()
            .expect("an address");
        SimProcess { child, lines, addr }
    }

    fn stdin(&mut self) -> &mut ChildStdin {
        self.child.stdin.as_mut().expect("stdin")
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const AUTH: [(&str, &str); 2] = [("Authorization", "Bearer sim-token"), ("appkey", "k")];
const CREATE: &str =
    r#"{"family": "AGENT_ENGAGEMENT", "events": ["ALL"], "transport": {"type": "WEBSOCKET"}}"#;

async fn axp_socket(addr: SocketAddr) -> Ws {
    let a = http(
        addr,
        "POST",
        "/api/notification/v1/accounts/DYNNUG/subscriptions",
        &AUTH,
        Some(CREATE),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let sub = a.body["subscriptionId"].as_str().unwrap();
    let mut ws = connect(a.body["transport"]["endpoint"].as_str().unwrap()).await;
    send(&mut ws, &axp::authentication(sub, "sim-token")).await;
    assert_eq!(
        body(Source::Axp, &text(&mut ws).await)["status"],
        "confirmed"
    );
    ws
}

fn scenario_ids(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(format!("{}/{path}", ROOT)).unwrap();
    text.lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| json(l)["axp"]["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_binary_plays_the_shipped_day_in_order() {
    let sim = SimProcess::spawn(&[
        "--scenario",
        "crates/sim/scenarios/axp-day.jsonl",
        "--ping-interval",
        "30s",
    ]);
    assert!(sim.addr.ip().is_loopback());
    let expected = scenario_ids("crates/sim/scenarios/axp-day.jsonl");
    assert_eq!(expected.len(), 22);
    let mut ws = axp_socket(sim.addr).await;
    let mut got = Vec::new();
    while got.len() < expected.len() {
        let t = text(&mut ws).await;
        let d = decode(Source::Axp, &t);
        got.push(d.event_id.expect("an event id"));
        // Keep the socket alive as a client would.
        send(&mut ws, &axp::ping(None)).await;
        assert_eq!(body(Source::Axp, &text(&mut ws).await)["status"], "pong");
    }
    assert_eq!(got, expected);
    let s = http(sim.addr, "GET", "/sim/stats", &[], None).await.body;
    assert_eq!(s["axp"]["events_sent"], 22);
    assert_eq!(s["scenario"]["done"], true);
}

#[tokio::test]
async fn the_binary_plays_the_shipped_shift_to_a_xuc_agent() {
    let mut sim = SimProcess::spawn(&[
        "--scenario",
        "crates/sim/scenarios/xuc-shift.jsonl",
        "--stdin",
    ]);
    let addr = sim.addr;
    let login = http(
        addr,
        "POST",
        "/xuc/api/2.0/auth/login",
        &[],
        Some(r#"{"login": "alice", "password": "alice"}"#),
    )
    .await;
    let token = login.body["token"].as_str().unwrap().to_owned();
    let mut ws = connect(&format!("ws://{addr}/xuc/api/2.0/cti?token={token}")).await;
    let mut types = Vec::new();
    for _ in 0..4 {
        let t = text(&mut ws).await;
        decode(Source::Xuc, &t);
        types.push(json(&t)["msgType"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        types,
        ["LoggedOn", "RightProfile", "AgentConfig", "AgentStateEvent"]
    );
    let lines = std::fs::read_to_string(format!("{}/crates/sim/scenarios/xuc-shift.jsonl", ROOT))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('{'))
        .count();
    let mut states = Vec::new();
    let mut seen = 0;
    while seen < lines {
        let t = text(&mut ws).await;
        let v = json(&t);
        decode(Source::Xuc, &t);
        if v["msgType"] == "Pong" {
            // The answer to a heartbeat, not a scenario line.
            continue;
        }
        seen += 1;
        if v["msgType"] == "AgentStateEvent" {
            states.push(v["ctiMessage"]["name"].as_str().unwrap().to_owned());
        }
        send(&mut ws, &json!({"claz": "ping"})).await;
    }
    assert_eq!(
        states,
        [
            "AgentRinging",
            "AgentOnCall",
            "AgentOnWrapup",
            "AgentReady",
            "AgentDialing",
            "AgentReady"
        ]
    );
    // A line typed on stdin is sent at once.
    let line = r#"{"xuc": {"msgType": "AgentListen", "ctiMessage": {"started": true, "phoneNumber": "1000", "agentId": 19}}}"#;
    writeln!(sim.stdin(), "{line}").unwrap();
    sim.stdin().flush().unwrap();
    let mut t = text(&mut ws).await;
    while json(&t)["msgType"] == "Pong" {
        t = text(&mut ws).await;
    }
    assert_eq!(body(Source::Xuc, &t)["kind"], "listen");
    // A bad stdin line is reported, not fatal.
    writeln!(sim.stdin(), "{{oops").unwrap();
    writeln!(sim.stdin(), r#"{{"fault": "xuc:replay"}}"#).unwrap();
    sim.stdin().flush().unwrap();
    let mut replayed = text(&mut ws).await;
    while json(&replayed)["msgType"] == "Pong" {
        replayed = text(&mut ws).await;
    }
    assert_eq!(replayed, t);
    assert!(
        sim.lines.try_recv().is_err(),
        "stdout has the listening line only"
    );
}

#[test]
fn start_up_errors_exit_with_status_2() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cti-bridge"))
            .arg("sim")
            .args(args)
            .current_dir(ROOT)
            .output()
            .expect("run")
    };
    for (args, message) in [
        (vec!["--fault", "explode"], "unknown fault"),
        (
            vec!["--scenario", "no/such/file.jsonl"],
            "no/such/file.jsonl",
        ),
        (vec!["--scenario", "Cargo.toml"], "line 1"),
        (
            vec!["--xuc-config", "crates/sim/scenarios/axp-day.jsonl"],
            "axp-day.jsonl",
        ),
        (vec!["--ping-interval", "soon"], "not a duration"),
    ] {
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let out = run(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--port",
        "--scenario",
        "--stdin",
        "--fault",
        "--xuc-config",
        "--heartbeat",
    ] {
        assert!(help.contains(flag), "{flag} in --help");
    }
}

#[tokio::test]
async fn the_shipped_fault_scenario_is_survived_without_loss() {
    let sim = SimProcess::spawn(&[
        "--scenario",
        "crates/sim/scenarios/axp-faults.jsonl",
        "--ping-interval",
        "30s",
    ]);
    let addr = sim.addr;
    let quiet = Duration::from_millis(400);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut ws = axp_socket(addr).await;
    let mut ids: Vec<String> = Vec::new();
    let mut undecodable = 0;
    let mut reconnects = 0;
    // A client as the widget behaves: decode every frame, reconnect (with a
    // new subscription) when the socket ends, ping when it is quiet and
    // reconnect when no pong comes back.
    let mut record = |t: &str, ids: &mut Vec<String>| match try_decode(Source::Axp, t) {
        Ok(d) => {
            if let Some(id) = d.event_id {
                ids.push(id);
            }
            true
        }
        Err(_) => {
            undecodable += 1;
            false
        }
    };
    while !ids.iter().any(|i| i == "f-06") {
        assert!(std::time::Instant::now() < deadline, "stuck: {ids:?}");
        match tokio::time::timeout(quiet, next(&mut ws)).await {
            Ok(Next::Text(t)) => {
                record(&t, &mut ids);
            }
            Ok(_) => {
                reconnects += 1;
                ws = axp_socket(addr).await;
            }
            Err(_) => {
                send(&mut ws, &axp::ping(None)).await;
                let alive = match tokio::time::timeout(quiet, next(&mut ws)).await {
                    Ok(Next::Text(t)) => record(&t, &mut ids) || t.contains("pong"),
                    _ => false,
                };
                if !alive {
                    reconnects += 1;
                    ws = axp_socket(addr).await;
                }
            }
        }
    }
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(
        unique,
        ["f-01", "f-02", "f-03", "f-04", "f-05", "f-06"],
        "{ids:?}"
    );
    assert_eq!(ids.len(), 7, "one replayed id: {ids:?}");
    assert_eq!(undecodable, 2, "one malformed, one oversized");
    assert_eq!(reconnects, 3, "after drop, stall and expiry");
}
