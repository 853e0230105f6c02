//! The xuc simulator against docs/protocols.md#xuc: REST login, the CTI socket greeting,
//! the agent login cases, pause / unpause, queue membership, statistics,
//! lists, profiles, the callback life cycle, heartbeats and every fault.
//! Every frame the simulator sends is decoded with the project's xuc codec.
#![cfg(not(target_arch = "wasm32"))]

mod sim_support;

use cti_bridge::codec::xuc;
use cti_bridge::model::Source;
use cti_bridge::DecodeError;
use cti_bridge_sim::{Fault, FaultSpec, Options, Proto};
use futures_util::StreamExt;
use serde_json::{json, Value};
use sim_support::*;
use std::net::SocketAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const LOGIN: &str = "/xuc/api/2.0/auth/login";
const QUIET: Duration = Duration::from_millis(200);

/// REST login; returns the token.
async fn token(addr: SocketAddr, user: &str) -> String {
    let body = json!({"login": user, "password": user}).to_string();
    let a = http(addr, "POST", LOGIN, &[], Some(&body)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["token"].as_str().unwrap().to_owned()
}

/// Opens the CTI socket for `user`; returns it and the greeting frames.
async fn cti(addr: SocketAddr, user: &str) -> (Ws, Vec<Value>) {
    let t = token(addr, user).await;
    let mut ws = connect(&format!("ws://{addr}/xuc/api/2.0/cti?token={t}")).await;
    let mut greeting = vec![frame(&mut ws).await, frame(&mut ws).await];
    if greeting[1]["ctiMessage"]["profile"] == "NoRight" {
        greeting.push(frame(&mut ws).await);
        greeting.push(frame(&mut ws).await);
    }
    (ws, greeting)
}

/// The next frame, decoded with the codec (which must accept it), as raw JSON.
async fn frame(ws: &mut Ws) -> Value {
    let t = text(ws).await;
    decode(Source::Xuc, &t);
    json(&t)
}

/// The next frame, which must be of `msg_type`; returns its ctiMessage.
async fn expect(ws: &mut Ws, msg_type: &str) -> Value {
    let f = frame(ws).await;
    assert_eq!(f["msgType"], msg_type, "{f}");
    f["ctiMessage"].clone()
}

/// Sends `{claz: "web", command, ...args}`.
async fn command(ws: &mut Ws, name: &str, args: Value) {
    let mut c = json!({"claz": "web", "command": name});
    if let (Some(m), Some(a)) = (c.as_object_mut(), args.as_object()) {
        m.extend(a.clone());
    }
    send(ws, &c).await;
}

async fn login_agent(ws: &mut Ws, line: &str, agent: Option<i64>) {
    let mut args = json!({"agentphonenumber": line});
    if let Some(a) = agent {
        args["agentid"] = json!(a);
    }
    command(ws, "agentLogin", args).await;
}

fn quick() -> Options {
    Options {
        heartbeat: Duration::from_secs(60),
        ..options()
    }
}

#[tokio::test]
async fn rest_login_issues_tokens_and_refuses_the_rest() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let t1 = token(addr, "alice").await;
    let t2 = token(addr, "alice").await;
    assert_ne!(t1, t2);
    for (body, status) in [
        (r#"{"login": "alice", "password": "wrong"}"#, 401),
        (r#"{"login": "nobody", "password": "x"}"#, 401),
        (r#"{"login": "alice"}"#, 400),
        ("not json", 400),
    ] {
        let a = http(addr, "POST", LOGIN, &[], Some(body)).await;
        assert_eq!(a.status, status, "{body}");
        assert!(a.body["error"].is_string() && a.body["message"].is_string());
    }
    sim.arm("xuc:refuse-auth".parse().unwrap());
    let body = r#"{"login": "alice", "password": "alice"}"#;
    assert_eq!(http(addr, "POST", LOGIN, &[], Some(body)).await.status, 503);
    assert_eq!(http(addr, "POST", LOGIN, &[], Some(body)).await.status, 200);
    let s = sim.stats();
    assert_eq!(
        (
            s["xuc"]["logins"].clone(),
            s["xuc"]["login_failures"].clone()
        ),
        (json!(3), json!(5))
    );
    sim.stop().await;
}

#[tokio::test]
async fn the_socket_greets_with_logged_on_rights_and_own_agent() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let (_ws, g) = cti(addr, "alice").await;
    let types: Vec<&str> = g.iter().map(|f| f["msgType"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["LoggedOn", "RightProfile", "AgentConfig", "AgentStateEvent"]
    );
    assert_eq!(
        g[1]["ctiMessage"],
        json!({"profile": "NoRight", "rights": []})
    );
    assert_eq!(g[2]["ctiMessage"]["id"], 19);
    assert_eq!(g[3]["ctiMessage"]["name"], "AgentLoggedOut");
    let (_ws, g) = cti(addr, "sup").await;
    assert_eq!(
        g[1]["ctiMessage"],
        json!({"profile": "Supervisor", "rights": ["dissuasion", "recording"]})
    );
    let s = sim.stats();
    assert_eq!(
        (s["xuc"]["live"].clone(), s["xuc"]["connections"].clone()),
        (json!(2), json!(2))
    );
    sim.stop().await;
}

#[tokio::test]
async fn a_bad_or_rejected_token_gets_an_error_and_a_close() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let mut ws = connect(&format!("ws://{addr}/xuc/api/2.0/cti?token=nope")).await;
    let e = frame(&mut ws).await;
    assert_eq!(
        e,
        json!({"msgType": "Error", "ctiMessage": {"Error": "InvalidToken"}})
    );
    assert_eq!(body(Source::Xuc, &e.to_string())["status"], "error");
    assert_eq!(closed(&mut ws).await.0, Some(1008));
    let mut ws = connect(&format!("ws://{addr}/xuc/api/2.0/cti")).await;
    assert_eq!(frame(&mut ws).await["msgType"], "Error");

    let t = token(addr, "bob").await;
    sim.arm(FaultSpec::once(Fault::RejectToken).for_proto(Proto::Xuc));
    let url = format!("ws://{addr}/xuc/api/2.0/cti?token={t}");
    let mut ws = connect(&url).await;
    assert_eq!(frame(&mut ws).await["msgType"], "Error");
    assert_eq!(closed(&mut ws).await.0, Some(1008));
    let mut ws = connect(&url).await;
    assert_eq!(expect(&mut ws, "LoggedOn").await, json!({}));
    assert_eq!(sim.stats()["xuc"]["token_rejections"], 3);
    sim.stop().await;
}

#[tokio::test]
async fn agent_login_cases_of_the_seed() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let (mut alice, _) = cti(addr, "alice").await;
    let (mut bob, _) = cti(addr, "bob").await;
    let (mut admin, _) = cti(addr, "admin").await;

    // Unknown line.
    login_agent(&mut alice, "9999", None).await;
    let e = expect(&mut alice, "AgentError").await;
    assert_eq!(e, json!({"Error": "PhoneNumberUnknown"}));
    assert_eq!(
        body(
            Source::Xuc,
            &json!({"msgType": "AgentError", "ctiMessage": e}).to_string()
        )["code"],
        "PhoneNumberUnknown"
    );

    // Known line: logged in, Ready (no deprecated AgentLogin).
    login_agent(&mut alice, "1000", Some(19)).await;
    let s = expect(&mut alice, "AgentStateEvent").await;
    assert_eq!(
        (
            s["name"].clone(),
            s["agentId"].clone(),
            s["phoneNb"].clone()
        ),
        (json!("AgentReady"), json!(19), json!("1000"))
    );
    assert_eq!(s["queues"], json!([8, 14]));
    assert_eq!(
        expect(&mut admin, "AgentStateEvent").await["name"],
        "AgentReady"
    );

    // Already on that line: stays.
    login_agent(&mut alice, "1000", None).await;
    let s = expect(&mut alice, "AgentStateEvent").await;
    assert_eq!(
        (s["name"].clone(), s["phoneNb"].clone()),
        (json!("AgentReady"), json!("1000"))
    );

    // Logged on another line: error with both numbers, stays where it was.
    login_agent(&mut alice, "1001", None).await;
    let e = expect(&mut alice, "AgentError").await;
    assert_eq!(
        e,
        json!({"Error": "LoggedInOnAnotherPhone", "phoneNb": "1000", "RequestedNb": "1001"})
    );
    let decoded = body(
        Source::Xuc,
        &json!({"msgType": "AgentError", "ctiMessage": e}).to_string(),
    );
    assert_eq!(
        (
            decoded["phoneNumber"].clone(),
            decoded["requestedNumber"].clone()
        ),
        (json!("1000"), json!("1001"))
    );

    // Bob takes over line 1000: Alice's agent is logged out.
    login_agent(&mut bob, "1000", None).await;
    let s = expect(&mut alice, "AgentStateEvent").await;
    assert_eq!(
        (s["name"].clone(), s["agentId"].clone()),
        (json!("AgentLoggedOut"), json!(19))
    );
    let s = expect(&mut bob, "AgentStateEvent").await;
    assert_eq!(
        (
            s["name"].clone(),
            s["agentId"].clone(),
            s["phoneNb"].clone()
        ),
        (json!("AgentReady"), json!(20), json!("1000"))
    );
    let a1 = expect(&mut admin, "AgentStateEvent").await;
    let a2 = expect(&mut admin, "AgentStateEvent").await;
    assert_eq!(
        (a1["agentId"].clone(), a1["name"].clone()),
        (json!(19), json!("AgentLoggedOut"))
    );
    assert_eq!(
        (a2["agentId"].clone(), a2["name"].clone()),
        (json!(20), json!("AgentReady"))
    );
    // Each NoRight user saw only its own agent.
    silent(&mut alice, QUIET).await;
    silent(&mut bob, QUIET).await;

    // Alice can log in on another free line now.
    login_agent(&mut alice, "1001", None).await;
    assert_eq!(
        expect(&mut alice, "AgentStateEvent").await["phoneNb"],
        "1001"
    );
    sim.stop().await;
}

#[tokio::test]
async fn pause_unpause_and_logout_with_reasons() {
    let sim = start(quick()).await;
    let (mut ws, _) = cti(sim.addr(), "alice").await;
    // Not logged in: pause is refused.
    send(&mut ws, &xuc::pause_agent(None, Some("lunch"))).await;
    assert_eq!(
        expect(&mut ws, "AgentError").await["Error"],
        "AgentNotLoggedIn"
    );
    login_agent(&mut ws, "1002", None).await;
    expect(&mut ws, "AgentStateEvent").await;
    send(&mut ws, &xuc::pause_agent(Some("19"), Some("lunch"))).await;
    let s = expect(&mut ws, "AgentStateEvent").await;
    assert_eq!(
        (s["name"].clone(), s["cause"].clone()),
        (json!("AgentOnPause"), json!("lunch"))
    );
    let b = body(
        Source::Xuc,
        &json!({"msgType": "AgentStateEvent", "ctiMessage": s}).to_string(),
    );
    assert_eq!(b["state"], "notReady");
    send(&mut ws, &xuc::unpause_agent(None)).await;
    let s = expect(&mut ws, "AgentStateEvent").await;
    assert_eq!(
        (s["name"].clone(), s["cause"].clone()),
        (json!("AgentReady"), json!("available"))
    );
    send(&mut ws, &xuc::pause_agent(None, None)).await;
    assert_eq!(expect(&mut ws, "AgentStateEvent").await["cause"], "");
    command(&mut ws, "agentLogout", json!({"agentid": 19})).await;
    let s = expect(&mut ws, "AgentStateEvent").await;
    assert_eq!(
        (s["name"].clone(), s["phoneNb"].clone()),
        (json!("AgentLoggedOut"), json!("1002"))
    );
    // Unknown agent and malformed ids are refused without an answer.
    command(&mut ws, "pauseAgent", json!({"agentid": 999})).await;
    command(&mut ws, "pauseAgent", json!({"agentid": "x"})).await;
    silent(&mut ws, QUIET).await;
    let s = sim.stats();
    assert_eq!(s["xuc"]["rejected_commands"], 2);
    assert_eq!(s["xuc"]["commands"]["pauseAgent"], 5);
    sim.stop().await;
}

#[tokio::test]
async fn queue_membership_with_penalties() {
    let sim = start(quick()).await;
    let (mut ws, _) = cti(sim.addr(), "admin").await;
    command(
        &mut ws,
        "setAgentQueue",
        json!({"agentId": 19, "queueId": 1, "penalty": 3}),
    )
    .await;
    let q = expect(&mut ws, "QueueMember").await;
    assert_eq!(q, json!({"agentId": 19, "queueId": 1, "penalty": 3}));
    let c = expect(&mut ws, "AgentConfig").await;
    let members: Vec<(Value, Value)> = c["member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["queue_id"].clone(), m["penalty"].clone()))
        .collect();
    assert!(members.contains(&(json!(1), json!(3))), "{c}");
    // Changing the penalty of an existing membership.
    command(
        &mut ws,
        "setAgentQueue",
        json!({"agentId": 19, "queueId": 1, "penalty": 0}),
    )
    .await;
    assert_eq!(expect(&mut ws, "QueueMember").await["penalty"], 0);
    expect(&mut ws, "AgentConfig").await;
    command(
        &mut ws,
        "removeAgentFromQueue",
        json!({"agentId": 19, "queueId": 1}),
    )
    .await;
    let q = expect(&mut ws, "QueueMember").await;
    assert_eq!(q, json!({"agentId": 19, "queueId": 1, "penalty": -1}));
    let b = body(
        Source::Xuc,
        &json!({"msgType": "QueueMember", "ctiMessage": q}).to_string(),
    );
    assert_eq!(b["penalty"], -1);
    expect(&mut ws, "AgentConfig").await;
    // Failures send nothing: not a member, negative / fractional / text penalty, unknown ids.
    for (name, args) in [
        ("removeAgentFromQueue", json!({"agentId": 19, "queueId": 1})),
        (
            "setAgentQueue",
            json!({"agentId": 19, "queueId": 1, "penalty": -1}),
        ),
        (
            "setAgentQueue",
            json!({"agentId": 19, "queueId": 1, "penalty": 1.5}),
        ),
        (
            "setAgentQueue",
            json!({"agentId": 19, "queueId": 1, "penalty": "2"}),
        ),
        ("setAgentQueue", json!({"agentId": 19, "queueId": 1})),
        (
            "setAgentQueue",
            json!({"agentId": 19, "queueId": 77, "penalty": 1}),
        ),
        (
            "setAgentQueue",
            json!({"agentId": 77, "queueId": 1, "penalty": 1}),
        ),
    ] {
        command(&mut ws, name, args).await;
    }
    silent(&mut ws, QUIET).await;
    assert_eq!(sim.stats()["xuc"]["rejected_commands"], 7);
    sim.stop().await;
}

#[tokio::test]
async fn statistics_directory_and_lists_follow_profiles() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let (mut admin, _) = cti(addr, "admin").await;
    let (mut sup, _) = cti(addr, "sup").await;
    let (mut alice, _) = cti(addr, "alice").await;

    command(&mut admin, "subscribeToAgentStats", json!({})).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let s = expect(&mut admin, "AgentStatistics").await;
        let names: Vec<&str> = s["statistics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            &names[..3],
            [
                "AgentPausedTotalTime",
                "AgentWrapupTotalTime",
                "AgentReadyTotalTime"
            ]
        );
        ids.push(s["id"].clone());
    }
    assert_eq!(ids, [json!(19), json!(20), json!(21)]);
    command(&mut alice, "subscribeToAgentStats", json!({})).await;
    assert_eq!(expect(&mut alice, "AgentStatistics").await["id"], 19);
    silent(&mut alice, QUIET).await;

    // A state change updates the statistics of subscribers who see the agent.
    login_agent(&mut alice, "1000", None).await;
    assert_eq!(
        expect(&mut alice, "AgentStateEvent").await["name"],
        "AgentReady"
    );
    let s = expect(&mut alice, "AgentStatistics").await;
    assert!(s["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["name"] == "LoginDateTime"));
    assert_eq!(expect(&mut admin, "AgentStateEvent").await["agentId"], 19);
    assert_eq!(expect(&mut admin, "AgentStatistics").await["id"], 19);
    assert_eq!(
        expect(&mut sup, "AgentStateEvent").await["agentId"],
        19,
        "agent 19 is in the supervisor's group"
    );

    command(&mut sup, "getAgentDirectory", json!({})).await;
    let d = expect(&mut sup, "AgentDirectory").await;
    let dir: Vec<(Value, Value)> = d["directory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["agent"]["id"].clone(), e["agentState"]["name"].clone()))
        .collect();
    assert_eq!(
        dir,
        [
            (json!(19), json!("AgentReady")),
            (json!(20), json!("AgentLoggedOut"))
        ]
    );

    command(&mut sup, "getList", json!({"objectType": "agent"})).await;
    let l = expect(&mut sup, "AgentList").await;
    assert_eq!(l.as_array().unwrap().len(), 2);
    command(&mut admin, "getList", json!({"objectType": "agent"})).await;
    let l = expect(&mut admin, "AgentList").await;
    assert_eq!(
        l[2],
        json!({"id": 21, "firstName": "Carol", "lastName": "Petit", "number": "2002", "context": "default", "groupId": 2})
    );
    command(&mut sup, "getList", json!({"objectType": "agentgroup"})).await;
    assert_eq!(
        expect(&mut sup, "AgentGroupList").await,
        json!([{"id": 1, "name": "default"}])
    );
    command(&mut admin, "getList", json!({"objectType": "agentgroup"})).await;
    assert_eq!(
        expect(&mut admin, "AgentGroupList")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    command(&mut admin, "getList", json!({"objectType": "meetme"})).await;
    silent(&mut admin, QUIET).await;

    // Carol (group 2) is outside the supervisor's groups.
    let (mut carol, _) = cti(addr, "carol").await;
    login_agent(&mut carol, "1003", None).await;
    assert_eq!(expect(&mut carol, "AgentStateEvent").await["agentId"], 21);
    assert_eq!(expect(&mut admin, "AgentStateEvent").await["agentId"], 21);
    assert_eq!(expect(&mut admin, "AgentStatistics").await["id"], 21);
    silent(&mut sup, QUIET).await;
    sim.stop().await;
}

#[tokio::test]
async fn listen_and_recording_commands() {
    let sim = start(quick()).await;
    let (mut admin, _) = cti(sim.addr(), "admin").await;
    command(&mut admin, "listenAgent", json!({"agentid": 19})).await;
    login_agent(&mut admin, "1000", Some(19)).await;
    expect(&mut admin, "AgentStateEvent").await;
    command(&mut admin, "listenAgent", json!({"agentid": 19})).await;
    let l = expect(&mut admin, "AgentListen").await;
    assert_eq!(
        l,
        json!({"started": true, "phoneNumber": "1000", "agentId": 19})
    );
    command(&mut admin, "listenAgent", json!({"agentid": 19})).await;
    assert_eq!(expect(&mut admin, "AgentListen").await["started"], false);
    // Recording can be paused on a call only (the call comes from the scenario feed).
    command(&mut admin, "monitorPause", json!({"agentid": 19})).await;
    silent(&mut admin, QUIET).await;
    sim.feed(&json!({"xuc": {"msgType": "AgentStateEvent", "ctiMessage": {"name": "AgentOnCall", "agentId": 19, "phoneNb": "1000", "since": 0, "queues": [8], "acd": false, "direction": "Incoming", "callType": "External", "monitorState": "ACTIVE"}}}).to_string()).unwrap();
    assert_eq!(
        expect(&mut admin, "AgentStateEvent").await["name"],
        "AgentOnCall"
    );
    command(&mut admin, "monitorPause", json!({"agentid": 19})).await;
    assert_eq!(
        expect(&mut admin, "AgentStateEvent").await["monitorState"],
        "PAUSED"
    );
    command(&mut admin, "monitorUnpause", json!({"agentid": 19})).await;
    assert_eq!(
        expect(&mut admin, "AgentStateEvent").await["monitorState"],
        "ACTIVE"
    );
    sim.stop().await;
}

const REQUEST: &str = "a967da84-bc41-4bf4-a4fc-2bcc54e11606";
const MORNING: &str = "5c0f9e0a-3c6b-4d0e-9a51-6f0b1f8c2a11";

#[tokio::test]
async fn callback_life_cycle() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let (mut alice, _) = cti(addr, "alice").await;
    let (mut bob, _) = cti(addr, "bob").await;
    let (mut sup, _) = cti(addr, "sup").await;

    command(&mut alice, "getCallbackLists", json!({})).await;
    let lists = expect(&mut alice, "CallbackLists").await;
    let d = decode(
        Source::Xuc,
        &json!({"msgType": "CallbackLists", "ctiMessage": lists}).to_string(),
    );
    assert_eq!(d.bodies.len(), 2, "one event per list");
    assert_eq!(lists[0]["callbacks"][0]["uuid"], REQUEST);
    assert_eq!(lists[0]["callbacks"][0]["listUuid"], lists[0]["uuid"]);
    command(&mut sup, "getCallbackLists", json!({})).await;
    assert_eq!(
        expect(&mut sup, "CallbackLists")
            .await
            .as_array()
            .unwrap()
            .len(),
        1,
        "queue 8 only"
    );

    command(&mut alice, "takeCallback", json!({"uuid": REQUEST})).await;
    let t = expect(&mut alice, "CallbackTaken").await;
    assert_eq!(t, json!({"uuid": REQUEST, "agentId": 19}));
    assert_eq!(
        expect(&mut sup, "CallbackTaken").await["agentId"],
        19,
        "subscribers see it"
    );
    // Taken by someone else: Bob cannot take, release or start it.
    command(&mut bob, "takeCallback", json!({"uuid": REQUEST})).await;
    command(&mut bob, "releaseCallback", json!({"uuid": REQUEST})).await;
    command(
        &mut bob,
        "startCallback",
        json!({"uuid": REQUEST, "number": "0230210082"}),
    )
    .await;
    silent(&mut bob, QUIET).await;

    command(&mut alice, "releaseCallback", json!({"uuid": REQUEST})).await;
    assert_eq!(
        expect(&mut alice, "CallbackReleased").await,
        json!({"uuid": REQUEST})
    );
    expect(&mut sup, "CallbackReleased").await;
    command(
        &mut alice,
        "startCallback",
        json!({"uuid": REQUEST, "number": "0230210082"}),
    )
    .await;
    silent(&mut alice, QUIET).await;

    command(&mut alice, "takeCallback", json!({"uuid": REQUEST})).await;
    expect(&mut alice, "CallbackTaken").await;
    command(
        &mut alice,
        "startCallback",
        json!({"uuid": REQUEST, "number": "0230210082"}),
    )
    .await;
    let started = expect(&mut alice, "CallbackStarted").await;
    assert_eq!(started["requestUuid"], REQUEST);
    let ticket = started["ticketUuid"].as_str().unwrap().to_owned();
    let b = body(
        Source::Xuc,
        &json!({"msgType": "CallbackStarted", "ctiMessage": started}).to_string(),
    );
    assert_eq!(b["ticketUuid"], json!(ticket));

    // Refused updates send nothing.
    for args in [
        json!({"uuid": ticket, "status": "Maybe", "comment": ""}),
        json!({"uuid": ticket, "status": "Callback", "comment": "", "dueDate": "01/09/2016"}),
        json!({"uuid": ticket, "status": "Callback", "comment": "", "dueDate": "2016-02-30"}),
        json!({"uuid": ticket, "status": "Callback", "comment": "", "periodUuid": "nope"}),
        json!({"uuid": "no-such-ticket", "status": "Answered"}),
    ] {
        command(&mut alice, "updateCallbackTicket", args).await;
    }
    silent(&mut alice, QUIET).await;

    // Callback with a new date and period: rescheduled, released.
    command(&mut alice, "updateCallbackTicket", json!({"uuid": ticket, "status": "Callback", "comment": "call back tomorrow", "dueDate": "2016-09-01", "periodUuid": MORNING})).await;
    let u = expect(&mut alice, "CallbackRequestUpdated").await;
    let r = &u["request"];
    assert_eq!(
        (
            r["uuid"].clone(),
            r["dueDate"].clone(),
            r["agentId"].clone()
        ),
        (json!(REQUEST), json!("2016-09-01"), Value::Null)
    );
    assert_eq!(
        (
            r["preferredPeriod"]["uuid"].clone(),
            r["description"].clone()
        ),
        (json!(MORNING), json!("call back tomorrow"))
    );
    expect(&mut sup, "CallbackTaken").await;
    expect(&mut sup, "CallbackRequestUpdated").await;
    // The ticket is used up.
    command(
        &mut alice,
        "updateCallbackTicket",
        json!({"uuid": ticket, "status": "Answered"}),
    )
    .await;
    silent(&mut alice, QUIET).await;

    // Taken, started and answered: closed ("clotured") and gone from the list.
    command(&mut alice, "takeCallback", json!({"uuid": REQUEST})).await;
    expect(&mut alice, "CallbackTaken").await;
    command(
        &mut alice,
        "startCallback",
        json!({"uuid": REQUEST, "number": "0789654123"}),
    )
    .await;
    let ticket = expect(&mut alice, "CallbackStarted").await["ticketUuid"]
        .as_str()
        .unwrap()
        .to_owned();
    command(
        &mut alice,
        "updateCallbackTicket",
        json!({"uuid": ticket, "status": "Answered", "comment": "done"}),
    )
    .await;
    assert_eq!(
        expect(&mut alice, "CallbackClotured").await,
        json!({"uuid": REQUEST})
    );
    command(&mut alice, "getCallbackLists", json!({})).await;
    let lists = expect(&mut alice, "CallbackLists").await;
    assert!(lists[0]["callbacks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["uuid"] != REQUEST));
    // Every other non-Callback status closes too.
    for (i, status) in ["NoAnswer", "Fax"].iter().enumerate() {
        let uuid = [
            "0f1e2d3c-4b5a-4698-8776-655443322110",
            "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a",
        ][i];
        command(&mut alice, "takeCallback", json!({"uuid": uuid})).await;
        expect(&mut alice, "CallbackTaken").await;
        command(
            &mut alice,
            "updateCallbackTicket",
            json!({"uuid": uuid, "status": status}),
        )
        .await;
        assert_eq!(expect(&mut alice, "CallbackClotured").await["uuid"], uuid);
    }
    command(
        &mut alice,
        "listenCallbackMessage",
        json!({"voiceMessageRef": "x"}),
    )
    .await;
    silent(&mut alice, QUIET).await;
    sim.stop().await;
}

/// Waits for the close, skipping the heartbeat answers still in flight.
async fn closed_after_pongs(ws: &mut Ws) -> (Option<u16>, String) {
    loop {
        match next(ws).await {
            Next::Text(t) => assert_eq!(json(&t)["msgType"], "Pong", "{t}"),
            Next::Closed(code, reason) => return (code, reason),
            Next::Dropped => panic!("dropped without a close frame"),
        }
    }
}

#[tokio::test]
async fn every_heartbeat_is_answered_with_a_pong() {
    let sim = start(quick()).await;
    let (mut ws, _) = cti(sim.addr(), "alice").await;
    for _ in 0..3 {
        send(&mut ws, &json!({"claz": "ping"})).await;
        let pong = frame(&mut ws).await;
        assert_eq!(pong, json!({"msgType": "Pong", "ctiMessage": {}}));
        let decoded = decode(Source::Xuc, &pong.to_string());
        assert_eq!(
            serde_json::to_value(&decoded.bodies).unwrap()[0]["status"],
            "pong"
        );
    }
    // Other client frames are not answered with a pong.
    send(&mut ws, &json!({"claz": "other"})).await;
    silent(&mut ws, QUIET).await;
    let s = sim.stats();
    assert_eq!(s["xuc"]["heartbeats"], 3);
    sim.stop().await;
}

/// xuc's own `cti.js` heartbeat, as docs/protocols.md#xuc-heartbeat states it:
/// at every period, close if three heartbeats in a row were sent with no
/// frame received since, else send one; any frame resets the count.
/// Returns how many periods the link lasted (`periods`: it never dropped).
async fn cti_js_link(ws: &mut Ws, period: Duration, periods: u32) -> u32 {
    let mut missed = 0u32;
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    let mut elapsed = 0;
    while elapsed < periods {
        tokio::select! {
            _ = tick.tick() => {
                elapsed += 1;
                if missed >= 3 {
                    return elapsed;
                }
                send(ws, &json!({"claz": "ping"})).await;
                missed += 1;
            }
            m = ws.next() => match m {
                Some(Ok(Message::Text(_))) => missed = 0,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return elapsed,
            },
        }
    }
    periods
}

#[tokio::test]
async fn a_cti_js_like_client_stays_connected_through_silence() {
    // Sixty periods of nothing but heartbeats (a minute at xuc's 5 s); the
    // server's own three-miss window (3 s) is not what ends the link here.
    let sim = start(Options {
        heartbeat: Duration::from_secs(1),
        ..options()
    })
    .await;
    let (mut ws, _) = cti(sim.addr(), "alice").await;
    let period = Duration::from_millis(100);
    assert_eq!(cti_js_link(&mut ws, period, 60).await, 60);
    let s = sim.stats();
    assert_eq!(s["xuc"]["heartbeat_timeouts"], 0);
    assert!(s["xuc"]["heartbeats"].as_u64().unwrap() >= 55, "{s}");
    // With stall-heartbeats the server answers nothing: the client gives up
    // at the fourth period (three unanswered heartbeats).
    sim.arm("xuc:stall-heartbeats".parse().unwrap());
    let lasted = cti_js_link(&mut ws, period, 60).await;
    assert!((4..=5).contains(&lasted), "dropped after {lasted} periods");
    sim.stop().await;
}

#[tokio::test]
async fn three_missed_heartbeats_close_the_socket() {
    let sim = start(Options {
        heartbeat: Duration::from_millis(100),
        ..options()
    })
    .await;
    let (mut ws, _) = cti(sim.addr(), "alice").await;
    for _ in 0..8 {
        send(&mut ws, &json!({"claz": "ping"})).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // 800 ms of heartbeats every period kept the socket; now they stop.
    let started = std::time::Instant::now();
    assert_eq!(
        closed_after_pongs(&mut ws).await,
        (Some(1008), "missed heartbeats".into())
    );
    assert!(started.elapsed() >= Duration::from_millis(150));
    let s = sim.stats();
    assert_eq!(
        (
            s["xuc"]["heartbeats"].clone(),
            s["xuc"]["heartbeat_timeouts"].clone()
        ),
        (json!(8), json!(1))
    );
    sim.stop().await;
}

#[tokio::test]
async fn fault_stall_heartbeats_loses_heartbeats_and_commands() {
    let sim = start(Options {
        heartbeat: Duration::from_millis(150),
        ..options()
    })
    .await;
    let (mut ws, _) = cti(sim.addr(), "alice").await;
    sim.arm("xuc:stall-heartbeats".parse().unwrap());
    stats_until(sim.addr(), |s| {
        s["faults"]["fired"]["stall-heartbeats"] == 1
    })
    .await;
    let keep_pinging = async {
        loop {
            send(&mut ws, &json!({"claz": "ping"})).await;
            login_agent(&mut ws, "1000", None).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_millis(300), keep_pinging).await;
    assert_eq!(
        closed_after_pongs(&mut ws).await,
        (Some(1008), "missed heartbeats".into())
    );
    // Nothing was carried out while stalled; a new socket works normally.
    let (mut ws, g) = cti(sim.addr(), "alice").await;
    assert_eq!(g[3]["ctiMessage"]["name"], "AgentLoggedOut");
    send(&mut ws, &json!({"claz": "ping"})).await;
    assert_eq!(expect(&mut ws, "Pong").await, json!({}));
    login_agent(&mut ws, "1000", None).await;
    assert_eq!(
        expect(&mut ws, "AgentStateEvent").await["name"],
        "AgentReady"
    );
    sim.stop().await;
}

#[tokio::test]
async fn fault_drop_malformed_oversized_and_replay() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let (mut ws, _) = cti(addr, "alice").await;
    sim.arm(FaultSpec::once(Fault::Malformed).for_proto(Proto::Xuc));
    let bad = text(&mut ws).await;
    assert!(matches!(
        try_decode(Source::Xuc, &bad),
        Err(DecodeError::Syntax(_))
    ));
    sim.arm(FaultSpec::once(Fault::Oversized).for_proto(Proto::Xuc));
    let big = text(&mut ws).await;
    assert!(big.len() > 256 * 1024);
    assert!(matches!(
        try_decode(Source::Xuc, &big),
        Err(DecodeError::TooLarge { .. })
    ));
    login_agent(&mut ws, "1000", None).await;
    let first = text(&mut ws).await;
    sim.arm(FaultSpec::once(Fault::Replay).for_proto(Proto::Xuc));
    assert_eq!(text(&mut ws).await, first);
    sim.arm(FaultSpec::once(Fault::Drop).for_proto(Proto::Xuc));
    assert!(matches!(next(&mut ws).await, Next::Dropped));
    // Reconnecting re-reads the agent's state.
    let (_ws, g) = cti(addr, "alice").await;
    assert_eq!(
        (
            g[3]["ctiMessage"]["name"].clone(),
            g[3]["ctiMessage"]["phoneNb"].clone()
        ),
        (json!("AgentReady"), json!("1000"))
    );
    let s = sim.stats();
    for f in ["malformed", "oversized", "replay", "drop"] {
        assert_eq!(s["faults"]["fired"][f], 1, "{f}");
    }
    assert_eq!(s["xuc"]["replays_sent"], 1);
    sim.stop().await;
}

#[tokio::test]
async fn fault_restart_forgets_sessions_tokens_and_states() {
    let sim = start(Options {
        restart_downtime: Duration::from_millis(250),
        ..quick()
    })
    .await;
    let addr = sim.addr();
    let t = token(addr, "alice").await;
    let (mut ws, _) = cti(addr, "alice").await;
    login_agent(&mut ws, "1000", None).await;
    expect(&mut ws, "AgentStateEvent").await;
    sim.arm(FaultSpec::once(Fault::Restart));
    assert!(matches!(next(&mut ws).await, Next::Dropped));
    let body = r#"{"login": "alice", "password": "alice"}"#;
    assert_eq!(http(addr, "POST", LOGIN, &[], Some(body)).await.status, 503);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The old token is gone; a new login works and the agent is logged out again.
    let mut old = connect(&format!("ws://{addr}/xuc/api/2.0/cti?token={t}")).await;
    assert_eq!(frame(&mut old).await["ctiMessage"]["Error"], "InvalidToken");
    let (_ws, g) = cti(addr, "alice").await;
    assert_eq!(g[3]["ctiMessage"]["name"], "AgentLoggedOut");
    sim.stop().await;
}

#[tokio::test]
async fn scenario_frames_reach_the_users_who_may_see_them() {
    // The scenario starts when the first session (sup's) is live; its first frame waits long
    // enough for admin's session to be live too, even on a loaded machine (CI failed at 0 ms).
    let script = [
        r#"{"after_ms": 1000, "xuc": {"msgType": "AgentStateEvent", "ctiMessage": {"name": "AgentOnPause", "agentId": 21, "phoneNb": "1003", "since": 0, "queues": [14], "cause": "training"}}}"#,
        r#"{"after_ms": 10, "xuc": {"msgType": "Sheet", "ctiMessage": {"timenow": 1425055334, "compressed": true, "serial": "xml", "payload": {"profile": {"user": {"sheetInfo": [{"value": "http://crm.example/1", "name": "popupUrl", "order": 10, "type": "url"}]}}}, "channel": "SIP/1k4yj2-00000013"}}, "login": "sup"}"#,
        r#"{"after_ms": 10, "xuc": {"msgType": "PhoneEvent", "ctiMessage": {"eventType": "EventRinging", "DN": "1000", "otherDN": "0427466347", "linkedId": "1.74", "uniqueId": "1.78", "queueName": "bluesky", "userData": {"USR_var1": "v1"}}}}"#,
    ]
    .join("\n");
    let sim = start(Options {
        scenario: cti_bridge_sim::scenario::parse_script(&script).unwrap(),
        ..quick()
    })
    .await;
    let addr = sim.addr();
    let (mut sup, _) = cti(addr, "sup").await;
    let (mut admin, _) = cti(addr, "admin").await;
    // The supervisor (group 1) does not see agent 21's state; the sheet is for it alone.
    assert_eq!(
        expect(&mut sup, "Sheet").await["payload"]["profile"]["user"]["sheetInfo"][0]["name"],
        "popupUrl"
    );
    assert_eq!(
        expect(&mut sup, "PhoneEvent").await["eventType"],
        "EventRinging"
    );
    assert_eq!(
        expect(&mut admin, "AgentStateEvent").await["cause"],
        "training"
    );
    assert_eq!(
        expect(&mut admin, "PhoneEvent").await["eventType"],
        "EventRinging"
    );
    silent(&mut admin, QUIET).await;
    // The model followed the scenario.
    command(&mut admin, "getAgentDirectory", json!({})).await;
    let d = expect(&mut admin, "AgentDirectory").await;
    assert_eq!(d["directory"][2]["agentState"]["name"], "AgentOnPause");
    let s = stats_until(addr, |s| s["scenario"]["done"] == true).await;
    assert_eq!(s["scenario"]["played"], 3);
    sim.stop().await;
}

#[tokio::test]
async fn every_fixture_frame_can_be_fed_and_decodes() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let (mut admin, _) = cti(addr, "admin").await;
    let path = format!("{}/tests/fixtures/xuc.jsonl", env!("CARGO_MANIFEST_DIR"));
    let fixtures: Vec<String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.contains("msgType"))
        .map(str::to_owned)
        .collect();
    let feed: Vec<String> = fixtures
        .iter()
        .map(|l| format!("{{\"xuc\": {l}}}"))
        .collect();
    assert_eq!(sim.feed(&feed.join("\n")).unwrap(), fixtures.len());
    for f in &fixtures {
        let got = text(&mut admin).await;
        assert_eq!(json(&got), json(f));
        decode(Source::Xuc, &got);
    }
    assert_eq!(sim.stats()["xuc"]["events_sent"], json!(fixtures.len() + 2));
    sim.stop().await;
}

#[tokio::test]
async fn unknown_and_unsimulated_frames_are_counted_not_fatal() {
    let sim = start(quick()).await;
    let (mut ws, _) = cti(sim.addr(), "alice").await;
    for bad in [
        json!({"claz": "other"}),
        json!([1, 2]),
        json!({"claz": "web", "command": "conference"}),
        json!({"claz": "web"}),
    ] {
        send(&mut ws, &bad).await;
    }
    use futures_util::SinkExt;
    within(
        "send",
        ws.send(tokio_tungstenite::tungstenite::Message::Text(
            "not json".into(),
        )),
    )
    .await
    .unwrap();
    silent(&mut ws, QUIET).await;
    login_agent(&mut ws, "1000", None).await;
    assert_eq!(
        expect(&mut ws, "AgentStateEvent").await["name"],
        "AgentReady"
    );
    let s = sim.stats();
    assert_eq!(s["xuc"]["unexpected_frames"], 3);
    assert_eq!(s["xuc"]["rejected_commands"], 2);
    sim.stop().await;
}

#[tokio::test]
async fn restart_of_one_protocol_leaves_the_other_alone() {
    let sim = start(Options {
        restart_downtime: Duration::from_millis(200),
        ..quick()
    })
    .await;
    let addr = sim.addr();
    let (mut xws, _) = cti(addr, "alice").await;
    let create =
        r#"{"family": "AGENT_ENGAGEMENT", "events": ["ALL"], "transport": {"type": "WEBSOCKET"}}"#;
    let auth = [("Authorization", "Bearer sim-token"), ("appkey", "k")];
    let a = http(
        addr,
        "POST",
        "/api/notification/v1/accounts/DYNNUG/subscriptions",
        &auth,
        Some(create),
    )
    .await;
    let sub = a.body["subscriptionId"].as_str().unwrap().to_owned();
    let mut aws = connect(a.body["transport"]["endpoint"].as_str().unwrap()).await;
    send(
        &mut aws,
        &cti_bridge::codec::axp::authentication(&sub, "sim-token"),
    )
    .await;
    assert_eq!(
        body(Source::Axp, &text(&mut aws).await)["status"],
        "confirmed"
    );

    let r = http(addr, "POST", "/sim/fault/xuc:restart", &[], None).await;
    assert_eq!(r.body["armed"], "xuc:restart");
    assert!(matches!(next(&mut xws).await, Next::Dropped));
    let login = r#"{"login": "alice", "password": "alice"}"#;
    assert_eq!(
        http(addr, "POST", LOGIN, &[], Some(login)).await.status,
        503
    );
    // AXP keeps its socket, its subscription and its REST API.
    send(&mut aws, &cti_bridge::codec::axp::ping(None)).await;
    assert_eq!(body(Source::Axp, &text(&mut aws).await)["status"], "pong");
    let got = http(
        addr,
        "GET",
        &format!("/api/notification/v1/accounts/DYNNUG/subscriptions/{sub}"),
        &auth,
        None,
    )
    .await;
    assert_eq!(
        (got.status, got.body["status"].clone()),
        (200, json!("ACTIVE"))
    );
    sim.stop().await;
}

#[tokio::test]
async fn phone_commands_drive_calls_with_attached_data() {
    let sim = start(quick()).await;
    let addr = sim.addr();
    let (mut alice, _) = cti(addr, "alice").await;
    let (mut admin, _) = cti(addr, "admin").await;
    // Not logged in on a line: nothing to dial from.
    command(&mut alice, "dial", json!({"destination": "0612345678"})).await;
    silent(&mut alice, QUIET).await;
    login_agent(&mut alice, "1000", None).await;
    expect(&mut alice, "AgentStateEvent").await;
    expect(&mut admin, "AgentStateEvent").await;

    // A manual call: dialing, then hung up, back to Ready.
    command(
        &mut alice,
        "dial",
        json!({"destination": "0612345678", "variables": {"var1": "v1"}}),
    )
    .await;
    let p = expect(&mut alice, "PhoneEvent").await;
    assert_eq!(
        (
            p["eventType"].clone(),
            p["DN"].clone(),
            p["otherDN"].clone()
        ),
        (json!("EventDialing"), json!("1000"), json!("0612345678"))
    );
    let b = body(
        Source::Xuc,
        &json!({"msgType": "PhoneEvent", "ctiMessage": p}).to_string(),
    );
    assert_eq!(
        (b["phase"].clone(), b["data"]["USR_var1"].clone()),
        (json!("dialing"), json!("v1"))
    );
    assert_eq!(
        expect(&mut alice, "AgentStateEvent").await["name"],
        "AgentDialing"
    );
    command(&mut alice, "dial", json!({"destination": "0699999999"})).await;
    command(&mut alice, "hangup", json!({})).await;
    assert_eq!(
        expect(&mut alice, "PhoneEvent").await["eventType"],
        "EventReleased"
    );
    assert_eq!(
        expect(&mut alice, "AgentStateEvent").await["name"],
        "AgentReady"
    );
    for _ in 0..4 {
        frame(&mut admin).await;
    }

    // dialFromQueue: a free agent of the queue rings with the USR_ data.
    command(&mut admin, "dialFromQueue", json!({"destination": "0427466347", "queueId": 1, "callerIdName": "x", "callerIdNumber": "1", "variables": {}})).await;
    silent(&mut admin, QUIET).await;
    command(&mut admin, "dialFromQueue", json!({"destination": "0427466347", "queueId": 8, "callerIdName": "Sales", "callerIdNumber": "3008", "variables": {"order": "42"}})).await;
    let p = expect(&mut alice, "PhoneEvent").await;
    assert_eq!(
        (p["eventType"].clone(), p["queueName"].clone()),
        (json!("EventRinging"), json!("bluesky"))
    );
    assert_eq!(
        (
            p["userData"]["USR_order"].clone(),
            p["userData"]["XIVO_CALLERIDNAME"].clone()
        ),
        (json!("42"), json!("Sales"))
    );
    assert_eq!(
        expect(&mut alice, "AgentStateEvent").await["name"],
        "AgentRinging"
    );
    assert_eq!(
        expect(&mut admin, "PhoneEvent").await["eventType"],
        "EventRinging"
    );
    command(&mut alice, "answer", json!({})).await;
    assert_eq!(
        expect(&mut alice, "PhoneEvent").await["eventType"],
        "EventEstablished"
    );
    assert_eq!(
        expect(&mut alice, "AgentStateEvent").await["name"],
        "AgentOnCall"
    );
    command(&mut alice, "hold", json!({})).await;
    assert_eq!(
        expect(&mut alice, "PhoneEvent").await["eventType"],
        "EventOnHold"
    );
    command(&mut alice, "hold", json!({})).await;
    assert_eq!(
        expect(&mut alice, "PhoneEvent").await["eventType"],
        "EventEstablished"
    );
    command(&mut alice, "answer", json!({})).await;
    command(&mut alice, "hangup", json!({})).await;
    assert_eq!(
        expect(&mut alice, "PhoneEvent").await["eventType"],
        "EventReleased"
    );
    assert_eq!(
        expect(&mut alice, "AgentStateEvent").await["name"],
        "AgentOnWrapup",
        "a queue call ends in wrap-up"
    );
    command(&mut alice, "hangup", json!({})).await;
    silent(&mut alice, QUIET).await;
    assert_eq!(sim.stats()["xuc"]["rejected_commands"], 5);
    sim.stop().await;
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let sim = start(Options {
        token_ttl: Some(Duration::from_millis(1_500)),
        ..quick()
    })
    .await;
    let addr = sim.addr();
    let body = r#"{"login": "alice", "password": "alice"}"#;
    let a = http(addr, "POST", LOGIN, &[], Some(body)).await;
    assert_eq!(a.body["TTL"], 2, "whole seconds, rounded up");
    let t = a.body["token"].as_str().unwrap().to_owned();
    let url = format!("ws://{addr}/xuc/api/2.0/cti?token={t}");
    let mut ws = connect(&url).await;
    assert_eq!(expect(&mut ws, "LoggedOn").await, json!({}));
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    let mut ws = connect(&url).await;
    assert_eq!(frame(&mut ws).await["msgType"], "Error");
    assert_eq!(closed(&mut ws).await.0, Some(1008));
    // Without a TTL the answer has none.
    let sim2 = start(quick()).await;
    let a = http(sim2.addr(), "POST", LOGIN, &[], Some(body)).await;
    assert!(a.body.get("TTL").is_none());
    sim.stop().await;
    sim2.stop().await;
}
