//! The AXP simulator against docs/protocols.md#axp: REST subscriptions, authentication
//! outcomes, ping / pong and its timeout, notifications, and every fault.
//! Every frame the simulator sends is decoded with the project's AXP codec.
#![cfg(not(target_arch = "wasm32"))]

mod sim_support;

use cti_bridge::codec::axp;
use cti_bridge::model::Source;
use cti_bridge::DecodeError;
use cti_bridge_sim::{scenario, Fault, FaultSpec, Options, Proto};
use serde_json::{json, Value};
use sim_support::*;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;

const ACCOUNT: &str = "DYNNUG";
const TOKEN: &str = "sim-token";
const AUTH: [(&str, &str); 2] = [("Authorization", "Bearer sim-token"), ("appkey", "key")];
const CREATE: &str =
    r#"{"family": "AGENT_ENGAGEMENT", "events": ["ALL"], "transport": {"type": "WEBSOCKET"}}"#;

/// Headers, path, body, expected status.
type RestCase<'a> = (Vec<(&'a str, &'a str)>, String, &'a str, u16);

fn subs_path() -> String {
    format!("/api/notification/v1/accounts/{ACCOUNT}/subscriptions")
}

/// Creates a subscription; returns (id, endpoint).
async fn subscribe(addr: SocketAddr) -> (String, String) {
    let a = http(addr, "POST", &subs_path(), &AUTH, Some(CREATE)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    (
        a.body["subscriptionId"].as_str().unwrap().to_owned(),
        a.body["transport"]["endpoint"].as_str().unwrap().to_owned(),
    )
}

/// Connects and authenticates; returns the socket and the decoded response body.
async fn authenticate(endpoint: &str, sub: &str, token: &str) -> (Ws, Value) {
    let mut ws = connect(endpoint).await;
    send(&mut ws, &axp::authentication(sub, token)).await;
    let response = text(&mut ws).await;
    (ws, body(Source::Axp, &response))
}

/// A live, authenticated socket.
async fn live(addr: SocketAddr) -> (Ws, String, String) {
    let (sub, endpoint) = subscribe(addr).await;
    let (ws, auth) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(auth["status"], "confirmed", "{auth}");
    (ws, sub, endpoint)
}

/// The next notification: decoded body and the raw frame.
async fn notification(ws: &mut Ws) -> (Value, Value) {
    let t = text(ws).await;
    let d = decode(Source::Axp, &t);
    assert!(
        d.event_id.is_some(),
        "a notification carries an event id: {t}"
    );
    (json(&t), serde_json::to_value(&d.bodies[0]).unwrap())
}

fn feed_state(state: &str) -> String {
    json!({"axp": {"event": "AgentState", "agentId": "a1", "state": state}}).to_string()
}

#[tokio::test]
async fn rest_subscription_life_cycle() {
    let sim = start(options()).await;
    let addr = sim.addr();
    let a = http(addr, "POST", &subs_path(), &AUTH, Some(CREATE)).await;
    assert_eq!(a.status, 201);
    let doc = &a.body;
    let id = doc["subscriptionId"].as_str().unwrap();
    assert_eq!(doc["status"], "ACTIVE");
    assert_eq!(doc["family"], "AGENT_ENGAGEMENT");
    assert_eq!(doc["events"], json!(["ALL"]));
    assert_eq!(doc["expiresIn"], 900);
    assert_eq!(doc["transport"]["type"], "WEBSOCKET");
    assert_eq!(doc["transport"]["pingInterval"], 300);
    assert_eq!(
        doc["transport"]["endpoint"],
        format!("ws://{addr}/ws/notification/v1/agent-engagement/{ACCOUNT}/{id}")
    );
    for key in ["createdAt", "expiresAt"] {
        let t = doc[key].as_str().unwrap();
        assert!(
            t.len() == 24 && t.ends_with('Z') && t.as_bytes()[10] == b'T',
            "{t}"
        );
    }

    let one = format!("{}/{id}", subs_path());
    let got = http(addr, "GET", &one, &AUTH, None).await;
    assert_eq!(
        (got.status, got.body["status"].clone()),
        (200, json!("ACTIVE"))
    );

    let renewed = http(addr, "POST", &format!("{one}:renew"), &AUTH, None).await;
    assert_eq!(renewed.status, 200, "{}", renewed.body);
    assert!(renewed.body["expiresAt"].as_str() >= doc["expiresAt"].as_str());

    assert_eq!(http(addr, "DELETE", &one, &AUTH, None).await.status, 204);
    assert_eq!(http(addr, "GET", &one, &AUTH, None).await.status, 404);
    assert_eq!(
        http(addr, "POST", &format!("{one}:renew"), &AUTH, None)
            .await
            .status,
        404
    );
    assert_eq!(http(addr, "DELETE", &one, &AUTH, None).await.status, 404);
    sim.stop().await;
}

#[tokio::test]
async fn rest_refuses_bad_credentials_accounts_and_bodies() {
    let sim = start(Options {
        appkey: Some("key".into()),
        ..options()
    })
    .await;
    let addr = sim.addr();
    let p = subs_path();
    let cases: Vec<RestCase> = vec![
        (vec![("appkey", "key")], p.clone(), CREATE, 401),
        (
            vec![("Authorization", "Bearer nope"), ("appkey", "key")],
            p.clone(),
            CREATE,
            401,
        ),
        (
            vec![("Authorization", "Bearer sim-token")],
            p.clone(),
            CREATE,
            401,
        ),
        (
            vec![("Authorization", "Bearer sim-token"), ("appkey", "other")],
            p.clone(),
            CREATE,
            401,
        ),
        (
            AUTH.to_vec(),
            "/api/notification/v1/accounts/ABC123/subscriptions".into(),
            CREATE,
            400,
        ),
        (AUTH.to_vec(), p.clone(), "{", 400),
        (
            AUTH.to_vec(),
            p.clone(),
            r#"{"family": "OTHER", "events": ["ALL"], "transport": {"type": "WEBSOCKET"}}"#,
            400,
        ),
        (
            AUTH.to_vec(),
            p.clone(),
            r#"{"family": "AGENT_ENGAGEMENT", "events": ["ALL"], "transport": {"type": "WEBHOOK"}}"#,
            400,
        ),
        (
            AUTH.to_vec(),
            p.clone(),
            r#"{"family": "AGENT_ENGAGEMENT", "events": [], "transport": {"type": "WEBSOCKET"}}"#,
            400,
        ),
        (
            AUTH.to_vec(),
            p.clone(),
            r#"{"family": "AGENT_ENGAGEMENT", "events": "ALL", "transport": {"type": "WEBSOCKET"}}"#,
            400,
        ),
    ];
    let n = cases.len();
    for (headers, path, body, status) in cases {
        let a = http(addr, "POST", &path, &headers, Some(body)).await;
        assert_eq!(a.status, status, "{path} {headers:?} {body}: {}", a.body);
        assert!(a.body["message"].is_string(), "{}", a.body);
    }
    let (id, _) = {
        let a = http(addr, "POST", &p, &AUTH, Some(CREATE)).await;
        (a.body["subscriptionId"].as_str().unwrap().to_owned(), ())
    };
    assert_eq!(
        http(addr, "POST", &format!("{p}/{id}"), &AUTH, None)
            .await
            .status,
        405
    );
    assert_eq!(
        http(addr, "GET", &format!("{p}/no-such-id"), &AUTH, None)
            .await
            .status,
        404
    );
    let other = "/api/notification/v1/accounts/OTHERS/subscriptions";
    assert_eq!(
        http(addr, "GET", &format!("{other}/{id}"), &AUTH, None)
            .await
            .status,
        404,
        "a subscription belongs to its account"
    );
    let stats = sim.stats();
    assert_eq!(stats["axp"]["rest_refused"], json!(n + 3));
    assert_eq!(stats["axp"]["subscriptions_created"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn subscriptions_expire_unless_renewed() {
    let sim = start(Options {
        expires_in: Duration::from_millis(1000),
        ..options()
    })
    .await;
    let addr = sim.addr();
    let (a, endpoint_a) = subscribe(addr).await;
    let (b, _) = subscribe(addr).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let renew = http(
        addr,
        "POST",
        &format!("{}/{b}:renew", subs_path()),
        &AUTH,
        None,
    )
    .await;
    assert_eq!(renew.status, 200);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let get = |id: String| async move {
        http(addr, "GET", &format!("{}/{id}", subs_path()), &AUTH, None)
            .await
            .body["status"]
            .clone()
    };
    assert_eq!(get(a.clone()).await, "INACTIVE");
    assert_eq!(get(b.clone()).await, "ACTIVE");
    // An expired subscription cannot be renewed or connected to.
    let late = http(
        addr,
        "POST",
        &format!("{}/{a}:renew", subs_path()),
        &AUTH,
        None,
    )
    .await;
    assert_eq!(late.status, 404);
    let (_, auth) = authenticate(&endpoint_a, &a, TOKEN).await;
    assert_eq!(auth["status"], "unknownSubscription");
    // A live socket is closed when its subscription expires.
    let (mut ws, auth) = authenticate(
        &format!("ws://{addr}/ws/notification/v1/agent-engagement/{ACCOUNT}/{b}"),
        &b,
        TOKEN,
    )
    .await;
    assert_eq!(auth["status"], "confirmed");
    assert_eq!(
        closed(&mut ws).await,
        (Some(1000), "subscription expired".into())
    );
    assert_eq!(get(b).await, "INACTIVE");
    assert_eq!(sim.stats()["axp"]["subscriptions_expired"], 2);
    sim.stop().await;
}

#[tokio::test]
async fn authentication_has_five_outcomes() {
    let sim = start(options()).await;
    let addr = sim.addr();
    let (sub, endpoint) = subscribe(addr).await;
    let (other_sub, _) = subscribe(addr).await;
    let bare = format!("ws://{addr}/ws/notification/v1/agent-engagement");

    // Malformed first messages: CONSTRAINT_VIOLATION, then the socket closes.
    for bad in [
        "not json".to_owned(),
        json!({"event": "authentication", "subscriptionId": sub}).to_string(),
        json!({"event": "authentication", "subscriptionId": sub, "token": TOKEN, "extra": 1})
            .to_string(),
        json!({"event": "authentication", "subscriptionId": 5, "token": TOKEN}).to_string(),
        axp::ping(None).to_string(),
    ] {
        let mut ws = connect(&endpoint).await;
        ws_send_text(&mut ws, &bad).await;
        let b = body(Source::Axp, &text(&mut ws).await);
        assert_eq!(b["status"], "constraintViolation", "{bad}");
        assert_eq!(closed(&mut ws).await.0, Some(1008));
    }

    let (mut ws, b) = authenticate(&endpoint, &sub, "wrong-token").await;
    assert_eq!(b["status"], "invalidToken");
    assert_eq!(b["subscriptionId"], json!(sub));
    assert_eq!(closed(&mut ws).await.0, Some(1008));

    let (_, b) = authenticate(&bare, "no-such-subscription", TOKEN).await;
    assert_eq!(b["status"], "unknownSubscription");
    // The endpoint of one subscription with the id of another.
    let (_, b) = authenticate(&endpoint, &other_sub, TOKEN).await;
    assert_eq!(b["status"], "unknownSubscription");

    sim.arm(FaultSpec::once(Fault::RefuseAuth).for_proto(Proto::Axp));
    let (mut ws, b) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(b["status"], "serverError");
    assert_eq!(closed(&mut ws).await.0, Some(1011));

    let (_, b) = authenticate(&bare, &sub, TOKEN).await;
    assert_eq!(b["status"], "confirmed");
    assert_eq!(b["subscriptionId"], json!(sub));
    assert_eq!(b["pingInterval"], 300);
    let left = b["expiresInterval"].as_i64().unwrap();
    assert!((890..=900).contains(&left), "{left}");

    let stats = sim.stats();
    let auth = &stats["axp"]["auth"];
    assert_eq!(auth["CONNECTION_FAILED_CONSTRAINT_VIOLATION"], 5);
    assert_eq!(auth["CONNECTION_FAILED_INVALID_TOKEN"], 1);
    assert_eq!(auth["CONNECTION_FAILED_UNKNOWN_SUBSCRIPTION"], 2);
    assert_eq!(auth["CONNECTION_FAILED_INTERNAL_SERVER_ERROR"], 1);
    assert_eq!(auth["CONNECTION_CONFIRMED"], 1);
    assert_eq!(stats["faults"]["fired"]["refuse-auth"], 1);
    sim.stop().await;
}

async fn ws_send_text(ws: &mut Ws, text: &str) {
    use futures_util::SinkExt;
    within(
        "send",
        ws.send(tokio_tungstenite::tungstenite::Message::Text(text.into())),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_token_is_rejected_once() {
    let sim = start(Options {
        faults: vec!["axp:reject-token".parse().unwrap()],
        ..options()
    })
    .await;
    let (sub, endpoint) = subscribe(sim.addr()).await;
    let (mut ws, b) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(b["status"], "invalidToken");
    assert_eq!(closed(&mut ws).await.0, Some(1008));
    let (_, b) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(
        b["status"], "confirmed",
        "the same token works the second time"
    );
    assert_eq!(sim.stats()["faults"]["fired"]["reject-token"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn pings_get_pongs_and_silence_closes_the_socket() {
    let sim = start(Options {
        ping_interval: Duration::from_millis(500),
        ..options()
    })
    .await;
    let addr = sim.addr();
    let (mut ws, sub, _) = live(addr).await;
    for i in 0..5 {
        let ping = if i % 2 == 0 {
            axp::ping(None)
        } else {
            axp::ping(Some(&sub))
        };
        send(&mut ws, &ping).await;
        let pong = body(Source::Axp, &text(&mut ws).await);
        assert_eq!(pong["status"], "pong");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // 1 s of pinging every 200 ms kept a 500 ms socket open; now stop.
    let started = std::time::Instant::now();
    assert_eq!(closed(&mut ws).await, (Some(1008), "ping timeout".into()));
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    let got = http(addr, "GET", &format!("{}/{sub}", subs_path()), &AUTH, None).await;
    assert_eq!(got.body["status"], "INACTIVE");
    let stats = sim.stats();
    assert_eq!(stats["axp"]["pings"], 5);
    assert_eq!(stats["axp"]["pongs"], 5);
    assert_eq!(stats["axp"]["ping_timeouts"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn an_unauthenticated_socket_is_closed_after_the_ping_interval() {
    let sim = start(Options {
        ping_interval: Duration::from_millis(300),
        ..options()
    })
    .await;
    let (_, endpoint) = subscribe(sim.addr()).await;
    let mut ws = connect(&endpoint).await;
    assert_eq!(closed(&mut ws).await.0, Some(1008));
    sim.stop().await;
}

/// The vendor's notification examples (every body event, docs/protocols.md#axp-notifications), as a scenario.
fn fixture_scenario(after_ms: u64) -> String {
    let path = format!("{}/tests/fixtures/axp.jsonl", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"body\""))
        .map(|l| format!("{{\"after_ms\": {after_ms}, \"axp\": {l}}}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_scenario_streams_notifications_with_full_envelopes() {
    let script = fixture_scenario(5);
    let lines = scenario::parse_script(&script).unwrap();
    let n = lines.len();
    assert!(n >= 13, "every body event of the seed: {n}");
    let expected: Vec<String> = script
        .lines()
        .map(|l| json(l)["axp"]["body"]["event"].as_str().unwrap().to_owned())
        .collect();
    let sim = start(Options {
        scenario: lines,
        ..options()
    })
    .await;
    let addr = sim.addr();
    assert_eq!(sim.stats()["scenario"]["started"], false);
    let (mut ws, sub, _) = live(addr).await;
    let mut ids = HashSet::new();
    let mut correlations = HashSet::new();
    let mut events = Vec::new();
    for _ in 0..n {
        let (raw, _) = notification(&mut ws).await;
        assert_eq!(raw["subscriptionId"], json!(sub));
        assert_eq!(raw["accountId"], ACCOUNT);
        assert_eq!(raw["family"], "AGENT_ENGAGEMENT");
        assert!(raw["loginId"].is_string());
        let sent_at = raw["sentAt"].as_str().unwrap();
        assert!(sent_at.ends_with('Z') && sent_at.len() == 24, "{sent_at}");
        assert!(correlations.insert(raw["correlationId"].as_str().unwrap().to_owned()));
        assert!(ids.insert(raw["body"]["id"].as_str().unwrap().to_owned()));
        events.push(raw["body"]["event"].as_str().unwrap().to_owned());
    }
    assert_eq!(events, expected, "in scenario order");
    assert!(
        ids.contains("d3c8400d-c44f-4451-8316-e75c4efb8bb2"),
        "the first use of a scenario id is kept"
    );
    let stats = stats_until(addr, |s| s["scenario"]["done"] == true).await;
    assert_eq!(stats["axp"]["events_sent"], json!(n));
    assert_eq!(stats["scenario"]["played"], json!(n));
    sim.stop().await;
}

#[tokio::test]
async fn a_subscription_gets_only_the_events_it_asked_for() {
    let sim = start(options()).await;
    let addr = sim.addr();
    let create = r#"{"family": "AGENT_ENGAGEMENT", "events": ["AgentState"], "transport": {"type": "WEBSOCKET"}}"#;
    let a = http(addr, "POST", &subs_path(), &AUTH, Some(create)).await;
    let sub = a.body["subscriptionId"].as_str().unwrap();
    let endpoint = a.body["transport"]["endpoint"].as_str().unwrap();
    let (mut ws, b) = authenticate(endpoint, sub, TOKEN).await;
    assert_eq!(b["status"], "confirmed");
    sim.feed(
        &[
            json!({"axp": {"event": "ChannelReady", "agentId": "a1", "channelId": "Voice"}})
                .to_string(),
            feed_state("READY"),
            json!({"axp": {"event": "AgentState", "state": "NOT_READY"}, "account": "OTHERS"})
                .to_string(),
            feed_state("NOT_READY"),
        ]
        .join("\n"),
    )
    .unwrap();
    let (_, b1) = notification(&mut ws).await;
    let (_, b2) = notification(&mut ws).await;
    assert_eq!(
        (b1["state"].clone(), b2["state"].clone()),
        (json!("ready"), json!("notReady"))
    );
    silent(&mut ws, Duration::from_millis(200)).await;
    sim.stop().await;
}

#[tokio::test]
async fn events_fed_while_no_socket_is_up_are_delivered_later() {
    let sim = start(options()).await;
    let addr = sim.addr();
    // Fed before any subscription exists: kept for the first one.
    sim.feed(&feed_state("READY")).unwrap();
    let (mut ws, sub, endpoint) = live(addr).await;
    let (_, b) = notification(&mut ws).await;
    assert_eq!(b["state"], "ready");
    // The socket goes down; events keep coming; the same subscription reconnects.
    drop(ws);
    tokio::time::sleep(Duration::from_millis(50)).await;
    for s in ["NOT_READY", "READY", "LOGGED_OUT"] {
        sim.feed(&feed_state(s)).unwrap();
    }
    let (mut ws, b) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(b["status"], "confirmed");
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(notification(&mut ws).await.1["state"].clone());
    }
    assert_eq!(got, [json!("notReady"), json!("ready"), json!("loggedOut")]);
    silent(&mut ws, Duration::from_millis(150)).await;
    assert_eq!(sim.stats()["axp"]["events_sent"], 4);
    sim.stop().await;
}

#[tokio::test]
async fn fault_drop_closes_abruptly_and_nothing_is_lost() {
    let sim = start(options()).await;
    let addr = sim.addr();
    let (mut ws, sub, endpoint) = live(addr).await;
    sim.feed(
        &[
            feed_state("READY"),
            r#"{"fault": "axp:drop"}"#.to_owned(),
            feed_state("NOT_READY"),
        ]
        .join("\n"),
    )
    .unwrap();
    // The drop may come before or after the first event: collect until it.
    let mut got = Vec::new();
    loop {
        match next(&mut ws).await {
            Next::Text(t) => got.push(body(Source::Axp, &t)["state"].clone()),
            Next::Dropped => break,
            Next::Closed(..) => panic!("drop must not send a close frame"),
        }
    }
    let (mut ws, _) = authenticate(&endpoint, &sub, TOKEN).await;
    while got.len() < 2 {
        got.push(notification(&mut ws).await.1["state"].clone());
    }
    assert_eq!(
        got,
        [json!("ready"), json!("notReady")],
        "no loss, no duplicate"
    );
    silent(&mut ws, Duration::from_millis(150)).await;
    assert_eq!(sim.stats()["faults"]["fired"]["drop"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn fault_expire_subscription_forces_a_new_subscription() {
    let sim = start(options()).await;
    let addr = sim.addr();
    let (mut ws, sub, endpoint) = live(addr).await;
    sim.arm(FaultSpec::once(Fault::ExpireSubscription));
    assert_eq!(
        closed(&mut ws).await,
        (Some(1000), "subscription expired".into())
    );
    let got = http(addr, "GET", &format!("{}/{sub}", subs_path()), &AUTH, None).await;
    assert_eq!(got.body["status"], "INACTIVE");
    sim.feed(&feed_state("READY")).unwrap();
    let (_, b) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(b["status"], "unknownSubscription");
    // A new subscription gets what the old one never received.
    let (mut ws, _, _) = live(addr).await;
    assert_eq!(notification(&mut ws).await.1["state"], "ready");
    sim.stop().await;
}

#[tokio::test]
async fn fault_stall_pongs_silences_the_socket_until_reconnection() {
    let sim = start(options()).await;
    let addr = sim.addr();
    let (mut ws, sub, endpoint) = live(addr).await;
    sim.arm(FaultSpec::once(Fault::StallPongs).for_proto(Proto::Axp));
    stats_until(addr, |s| s["faults"]["fired"]["stall-pongs"] == 1).await;
    send(&mut ws, &axp::ping(None)).await;
    sim.feed(&feed_state("READY")).unwrap();
    silent(&mut ws, Duration::from_millis(300)).await;
    // The client gives up on the silent socket and reconnects: the event
    // held back is delivered then.
    drop(ws);
    let (mut ws, b) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(b["status"], "confirmed");
    assert_eq!(notification(&mut ws).await.1["state"], "ready");
    send(&mut ws, &axp::ping(None)).await;
    assert_eq!(body(Source::Axp, &text(&mut ws).await)["status"], "pong");
    sim.stop().await;
}

#[tokio::test]
async fn faults_malformed_and_oversized_frames_fail_to_decode() {
    let sim = start(options()).await;
    let (mut ws, _, _) = live(sim.addr()).await;
    sim.arm(FaultSpec::once(Fault::Malformed).for_proto(Proto::Axp));
    let bad = text(&mut ws).await;
    assert!(matches!(
        try_decode(Source::Axp, &bad),
        Err(DecodeError::Syntax(_))
    ));
    sim.arm(FaultSpec::once(Fault::Oversized).for_proto(Proto::Axp));
    let big = text(&mut ws).await;
    assert!(big.len() > 256 * 1024);
    assert!(matches!(
        try_decode(Source::Axp, &big),
        Err(DecodeError::TooLarge { .. })
    ));
    // The socket is still fine afterwards.
    sim.feed(&feed_state("READY")).unwrap();
    assert_eq!(notification(&mut ws).await.1["state"], "ready");
    let fired = &sim.stats()["faults"]["fired"];
    assert_eq!(
        (fired["malformed"].clone(), fired["oversized"].clone()),
        (json!(1), json!(1))
    );
    sim.stop().await;
}

#[tokio::test]
async fn fault_replay_resends_the_same_event_id() {
    let sim = start(options()).await;
    let (mut ws, _, _) = live(sim.addr()).await;
    sim.feed(&feed_state("READY")).unwrap();
    let first = text(&mut ws).await;
    sim.arm(FaultSpec::once(Fault::Replay));
    let again = text(&mut ws).await;
    assert_eq!(first, again);
    let (a, b) = (decode(Source::Axp, &first), decode(Source::Axp, &again));
    assert!(a.event_id.is_some());
    assert_eq!(a.event_id, b.event_id);
    let stats = sim.stats();
    assert_eq!(stats["axp"]["replays_sent"], 1);
    assert_eq!(stats["axp"]["events_sent"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn fault_restart_drops_everything_but_undelivered_events() {
    let sim = start(Options {
        restart_downtime: Duration::from_millis(300),
        ..options()
    })
    .await;
    let addr = sim.addr();
    let (mut ws, sub, endpoint) = live(addr).await;
    let a = http(addr, "POST", "/sim/fault/restart", &[], None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["armed"], "restart");
    assert!(matches!(next(&mut ws).await, Next::Dropped));
    sim.feed(&feed_state("READY")).unwrap();
    // Down for a while: the REST API answers 503, the control API still works.
    let down = http(addr, "POST", &subs_path(), &AUTH, Some(CREATE)).await;
    assert_eq!(down.status, 503);
    assert_eq!(http(addr, "GET", "/sim/stats", &[], None).await.status, 200);
    tokio::time::sleep(Duration::from_millis(350)).await;
    // Subscriptions are gone.
    let got = http(addr, "GET", &format!("{}/{sub}", subs_path()), &AUTH, None).await;
    assert_eq!(got.status, 404);
    let (_, b) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(b["status"], "unknownSubscription");
    // A new subscription receives the event nobody got.
    let (mut ws, _, _) = live(addr).await;
    assert_eq!(notification(&mut ws).await.1["state"], "ready");
    assert_eq!(sim.stats()["faults"]["fired"]["restart"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn control_endpoints_validate_and_feed() {
    let sim = start(options()).await;
    let addr = sim.addr();
    for bad in [
        "/sim/fault/explode",
        "/sim/fault/xuc:stall-pongs",
        "/sim/fault/drop?proto=sip",
        "/sim/fault/stall-heartbeats?proto=axp",
        "/sim/fault/drop?count=0",
    ] {
        let a = http(addr, "POST", bad, &[], None).await;
        assert_eq!(a.status, 400, "{bad}: {}", a.body);
        assert!(a.body["error"].is_string());
    }
    let a = http(addr, "POST", "/sim/fault/drop?proto=xuc&count=2", &[], None).await;
    assert_eq!(a.body["armed"], "xuc:drop=2");
    assert_eq!(sim.stats()["faults"]["armed"], json!(["xuc:drop=2"]));
    let a = http(
        addr,
        "POST",
        "/sim/send",
        &[],
        Some("{\"axp\": {\"event\": \"AgentState\", \"state\": \"READY\"}}\n{oops"),
    )
    .await;
    assert_eq!(a.status, 400);
    assert!(
        a.body["error"].as_str().unwrap().starts_with("line 2"),
        "{}",
        a.body
    );
    let lines = format!(
        "# comment\n{}\n\n{}\n",
        feed_state("READY"),
        feed_state("NOT_READY")
    );
    let a = http(addr, "POST", "/sim/send", &[], Some(&lines)).await;
    assert_eq!((a.status, a.body["dispatched"].clone()), (200, json!(2)));
    let stats = sim.stats();
    assert_eq!(stats["axp"]["queued_events"], 2);
    assert_eq!(stats["scenario"]["fed"], 2);
    assert_eq!(http(addr, "GET", "/nowhere", &[], None).await.status, 404);
    sim.stop().await;
}

#[tokio::test]
async fn a_newer_socket_replaces_the_older_one() {
    let sim = start(options()).await;
    let (mut old, sub, endpoint) = live(sim.addr()).await;
    let (mut new, b) = authenticate(&endpoint, &sub, TOKEN).await;
    assert_eq!(b["status"], "confirmed");
    assert_eq!(
        closed(&mut old).await,
        (Some(1000), "replaced by a new connection".into())
    );
    sim.feed(&feed_state("READY")).unwrap();
    assert_eq!(notification(&mut new).await.1["state"], "ready");
    sim.stop().await;
}

#[tokio::test]
async fn a_jwt_past_its_exp_is_refused() {
    // {"exp":1} (long past) and {"exp":4102444800} (2100-01-01).
    const OLD: &str = "e30.eyJleHAiOjF9.c2ln";
    const NEW: &str = "e30.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln";
    let sim = start(Options {
        tokens: vec![TOKEN.into(), OLD.into(), NEW.into()],
        ..options()
    })
    .await;
    let addr = sim.addr();
    let bearer = |t: &str| format!("Bearer {t}");
    let old = bearer(OLD);
    let a = http(
        addr,
        "POST",
        &subs_path(),
        &[("Authorization", &old), ("appkey", "key")],
        Some(CREATE),
    )
    .await;
    assert_eq!(a.status, 401);
    let new = bearer(NEW);
    let a = http(
        addr,
        "POST",
        &subs_path(),
        &[("Authorization", &new), ("appkey", "key")],
        Some(CREATE),
    )
    .await;
    assert_eq!(a.status, 201);
    let (sub, endpoint) = subscribe(addr).await;
    let (_, b) = authenticate(&endpoint, &sub, OLD).await;
    assert_eq!(b["status"], "invalidToken");
    let (_, b) = authenticate(&endpoint, &sub, NEW).await;
    assert_eq!(b["status"], "confirmed");
    sim.stop().await;
}
