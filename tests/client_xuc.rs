//! The xuc live client state machine and its typed commands, driven
//! deterministically: login outcomes, the heartbeat and its three-miss rule,
//! reconnection with state re-read and subscription replay, supervisor
//! filtering, every command's wire shape and argument checks, and the sync
//! engine's pause / unpause carried out on the link.

mod client_support;
use client_support::{closed, healths, http, sent, states, timer};
use cti_bridge::client::xuc::{XucClient, XucConfig};
use cti_bridge::client::xuc_command::{CommandError, XucCommand, METHODS};
use cti_bridge::client::{Action, Backoff, Effect, HealthState, Input, Method, Secret, Session};
use cti_bridge::command::Desired;
use cti_bridge::model::Side;
use cti_bridge::{Bridge, Config, EventBody, Mode, Output};
use serde_json::{json, Value};

const PASSWORD: &str = "pw-SECRET-1234";
const TOKEN: &str = "tok/SECRET=+9";
const TOKEN_QUERY: &str = "tok%2FSECRET%3D%2B9";
const BASE: &str = "https://xuc.example.com";
const SEED: u64 = 11;

fn config() -> XucConfig {
    XucConfig {
        base_url: BASE.into(),
        socket_url: None,
        agent_id: Some("19".into()),
        seed: SEED,
        timing: Default::default(),
    }
}

struct H {
    c: XucClient,
    now: u64,
    log: Vec<Action>,
}

impl Drop for H {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let shown = format!("{:?}", self.log);
        for secret in [PASSWORD, TOKEN, TOKEN_QUERY] {
            assert!(!shown.contains(secret), "a secret leaked into Debug output");
        }
    }
}

impl H {
    fn new() -> H {
        H::with(config())
    }

    fn with(config: XucConfig) -> H {
        H {
            c: XucClient::new(config).expect("valid config"),
            now: 500_000,
            log: Vec::new(),
        }
    }

    fn at(&mut self, now: u64) -> &mut Self {
        self.now = now;
        self
    }

    fn go(&mut self, input: Input) -> Vec<Action> {
        let actions = self.c.handle(self.now, input);
        self.log.extend(actions.iter().cloned());
        actions
    }

    fn credentials(&mut self) -> Vec<Action> {
        self.go(Input::Credentials {
            login: "jbond".into(),
            password: Secret::new(PASSWORD),
        })
    }

    /// Start -> credentials -> login -> socket open -> first frame: socket id.
    fn live(&mut self) -> u32 {
        self.go(Input::Start);
        let a = self.credentials();
        let a = self.go(Input::HttpDone {
            id: http(&a)[0].id,
            status: 200,
            body: Some(json!({"login": "jbond", "token": TOKEN})),
        });
        let sock = opened(&a)[0].0;
        self.go(Input::SocketOpened { id: sock });
        let a = self.go(Input::Frame {
            id: sock,
            value: json!({"msgType": "LoggedOn", "ctiMessage": {}}),
        });
        assert_eq!(states(&a), vec![HealthState::Live]);
        sock
    }
}

fn opened(actions: &[Action]) -> Vec<(u32, String, String)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Open { id, url } => {
                Some((*id, url.expose().to_owned(), url.shown().to_owned()))
            }
            _ => None,
        })
        .collect()
}

fn ping() -> Value {
    json!({"claz": "ping"})
}

fn web(command: &str) -> Value {
    json!({"claz": "web", "command": command})
}

fn delays(n: usize) -> Vec<u64> {
    let mut b = Backoff::new(1_000, 60_000, SEED);
    (0..n).map(|_| b.next_delay()).collect()
}

fn call(name: &str, args: Value) -> Result<Value, CommandError> {
    let args = args.as_array().cloned().unwrap_or_default();
    XucCommand::from_call(name, &args).map(|c| c.wire())
}

fn invalid(name: &str, args: Value) -> String {
    call(name, args).expect_err("must be refused").to_string()
}

#[test]
fn login_then_socket_with_the_token_then_state_reread() {
    let mut h = H::new();
    let a = h.go(Input::Start);
    assert!(a.contains(&Action::NeedToken));
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Connecting,
            "asking the host for credentials".into(),
            None
        )]
    );
    let a = h.credentials();
    let r = &http(&a)[0];
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, format!("{BASE}/xuc/api/2.0/auth/login"));
    let body = r.body.as_ref().expect("body");
    assert!(body.is_sensitive());
    assert_eq!(
        body.expose(),
        &json!({"login": "jbond", "password": PASSWORD})
    );
    assert_eq!(format!("{body:?}"), "Frame([redacted])");
    assert_eq!(healths(&a)[0].1, "logging in");

    let a = h.go(Input::HttpDone {
        id: r.id,
        status: 200,
        body: Some(json!({"login": "jbond", "token": TOKEN})),
    });
    let (sock, url, shown) = opened(&a).remove(0);
    assert_eq!(
        url,
        format!("wss://xuc.example.com/xuc/api/2.0/cti?token={TOKEN_QUERY}")
    );
    assert_eq!(shown, "wss://xuc.example.com/xuc/api/2.0/cti?[redacted]");

    let a = h.go(Input::SocketOpened { id: sock });
    assert_eq!(sent(&a), vec![web("getAgentDirectory")], "state re-read");
    assert_eq!(states(&a), vec![HealthState::Authenticating]);
    assert_eq!(timer(&a), Some(5_000), "first heartbeat in 5 s");

    let a = h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "LoggedOn", "ctiMessage": {}}),
    });
    assert_eq!(
        healths(&a),
        vec![(HealthState::Live, "logged on".into(), None)]
    );
    assert_eq!(
        a.first(),
        Some(&Action::Health(h.c.health().cloned().expect("health")))
    );
}

#[test]
fn heartbeat_every_5_s_and_three_silent_beats_show_degraded_without_closing() {
    let mut h = H::new();
    let sock = h.live();
    let t0 = h.now;
    let a = h.at(t0 + 5_000).go(Input::Tick);
    assert_eq!(sent(&a), vec![ping()]);
    assert_eq!(timer(&a), Some(5_000));
    // Anything received resets the count.
    h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "AgentStatistics", "ctiMessage": {"id": 19, "statistics": []}}),
    });
    assert_eq!(sent(&h.at(t0 + 10_000).go(Input::Tick)), vec![ping()]);
    assert_eq!(sent(&h.at(t0 + 15_000).go(Input::Tick)), vec![ping()]);
    // The third silent beat: still sent, the link stays open, health says so once.
    let a = h.at(t0 + 20_000).go(Input::Tick);
    assert_eq!(sent(&a), vec![ping()]);
    assert!(closed(&a).is_empty());
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Degraded,
            "no frame from the server for 3 heartbeats (idle, or the link is half-open)".into(),
            None
        )]
    );
    let a = h.at(t0 + 25_000).go(Input::Tick);
    assert_eq!(sent(&a), vec![ping()]);
    assert!(healths(&a).is_empty(), "reported once, not every beat");
    // Heard again: live.
    let a = h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "AgentStatistics", "ctiMessage": {"id": 19, "statistics": []}}),
    });
    assert_eq!(
        healths(&a),
        vec![(HealthState::Live, "the server is heard again".into(), None)]
    );
    // The server's own rule (three of our beats missed) closes the socket: that reconnects.
    let a = h.go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    assert_eq!(healths(&a)[0].0, HealthState::Reconnecting);
}

#[test]
fn pongs_keep_an_idle_link_live_and_are_not_delivered() {
    let mut h = H::new();
    let sock = h.live();
    let t0 = h.now;
    // A minute of silence but for the server's answers to our heartbeats.
    for beat in 1..=12u64 {
        let a = h.at(t0 + beat * 5_000).go(Input::Tick);
        assert_eq!(sent(&a), vec![ping()]);
        assert!(healths(&a).is_empty(), "beat {beat}: {a:?}");
        let a = h.go(Input::Frame {
            id: sock,
            value: json!({"msgType": "Pong", "ctiMessage": {}}),
        });
        assert!(a.is_empty(), "a pong is not delivered: {a:?}");
    }
    assert_eq!(h.c.health().map(|x| x.state), Some(HealthState::Live));
    // Without answers the third silent beat shows the link degraded, as before.
    for beat in 13..=14u64 {
        let a = h.at(t0 + beat * 5_000).go(Input::Tick);
        assert!(healths(&a).is_empty());
    }
    let a = h.at(t0 + 15 * 5_000).go(Input::Tick);
    assert_eq!(healths(&a)[0].0, HealthState::Degraded);
    // A pong (in any spelling) is enough to be live again.
    let a = h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "pong"}),
    });
    assert_eq!(
        healths(&a),
        vec![(HealthState::Live, "the server is heard again".into(), None)]
    );
}

#[test]
fn a_pong_while_authenticating_makes_the_link_live() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.credentials();
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 200,
        body: Some(json!({"login": "jbond", "token": TOKEN})),
    });
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let a = h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "Pong", "ctiMessage": {}}),
    });
    assert_eq!(
        healths(&a),
        vec![(HealthState::Live, "logged on".into(), None)]
    );
    assert!(!a.iter().any(|x| matches!(x, Action::Deliver(_))));
}

#[test]
fn reconnect_rereads_the_agent_state_and_replays_subscriptions() {
    let mut h = H::new();
    let sock = h.live();
    let a =
        h.c.command(h.now, &XucCommand::SubscribeToAgentStats)
            .expect("sent");
    assert_eq!(sent(&a), vec![web("subscribeToAgentStats")]);
    let a =
        h.c.command(h.now, &XucCommand::GetCallbackLists)
            .expect("sent");
    assert_eq!(sent(&a), vec![web("getCallbackLists")]);

    let a = h.go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    let d = healths(&a)[0].2.expect("delay");
    assert_eq!(healths(&a)[0].1, "the CTI link was lost (code 1006)");
    let a = h.at(h.now + d).go(Input::Tick);
    assert!(http(&a).is_empty(), "the token is reused");
    let (sock, ..) = opened(&a).remove(0);
    let a = h.go(Input::SocketOpened { id: sock });
    assert_eq!(
        sent(&a),
        vec![
            web("getAgentDirectory"),
            web("subscribeToAgentStats"),
            web("getCallbackLists")
        ]
    );
    // The directory answer: the agent's own entry becomes its state.
    let directory = json!({"msgType": "AgentDirectory", "ctiMessage": {"directory": [
        {"agent": {"context": "default", "firstName": "bj", "groupId": 1, "id": 8, "lastName": "agent", "number": "2000"},
         "agentState": {"agentId": 8, "cause": "", "name": "AgentReady", "phoneNb": "1001", "queues": [1, 2], "since": 2}},
        {"agent": {"context": "default", "firstName": "Jack", "groupId": 1, "id": 19, "lastName": "Flash", "number": "2501"},
         "agentState": {"agentId": 19, "cause": "lunch", "name": "AgentOnPause", "phoneNb": "1000", "queues": [1], "since": 5}}
    ]}});
    let a = h.go(Input::Frame {
        id: sock,
        value: directory.clone(),
    });
    assert_eq!(
        a,
        vec![
            Action::Health(h.c.health().cloned().expect("health")),
            Action::Deliver(json!({"msgType": "AgentStateEvent", "ctiMessage":
                {"agentId": 19, "cause": "lunch", "name": "AgentOnPause", "phoneNb": "1000", "queues": [1], "since": 5}})),
            Action::Deliver(directory.clone()),
        ]
    );
    assert_eq!(h.c.health().map(|h| h.state), Some(HealthState::Live));
    // Only once per connection.
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: directory.clone()
        }),
        vec![Action::Deliver(directory)]
    );
}

#[test]
fn a_socket_refused_before_opening_logs_in_again() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.credentials();
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 200,
        body: Some(json!({"token": TOKEN})),
    });
    let (sock, ..) = opened(&a).remove(0);
    let a = h.go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    let d = delays(1)[0];
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Connecting,
            "the CTI socket could not be opened (code 1006)".into(),
            Some(d)
        )]
    );
    let a = h.at(h.now + d).go(Input::Tick);
    let reqs = http(&a);
    assert_eq!(reqs.len(), 1, "new login with the cached credentials");
    assert!(!a.contains(&Action::NeedToken));
}

#[test]
fn a_token_refused_on_an_open_socket_logs_in_again_instead_of_looping() {
    let mut h = H::new();
    let sock = h.live();
    // The server restarted and forgot the token: it says so, then closes.
    let a = h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "Error", "ctiMessage": {"Error": "InvalidToken"}}),
    });
    assert_eq!(closed(&a), vec![sock]);
    assert_eq!(states(&a), vec![HealthState::Reconnecting]);
    assert_eq!(healths(&a)[0].1, "the server refused the session token");
    let d = timer(&a).expect("a retry is scheduled");
    let a = h.at(h.now + d).go(Input::Tick);
    assert_eq!(http(&a).len(), 1, "a new login, not the stale token again");
    assert!(opened(&a).is_empty());
}

#[test]
fn login_refusals_ask_again_once_then_fail_and_server_errors_back_off() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.credentials();
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 401,
        body: None,
    });
    assert!(a.contains(&Action::NeedToken));
    assert_eq!(
        healths(&a)[0].1,
        "the login was refused (HTTP 401); asking the host again"
    );
    let a = h.credentials();
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 403,
        body: None,
    });
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Failed,
            "the login was refused again (HTTP 403) with fresh credentials; giving up".into(),
            None
        )]
    );

    let mut h = H::new();
    h.go(Input::Start);
    let a = h.credentials();
    let d = delays(3);
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 502,
        body: None,
    });
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Connecting,
            "the login failed (HTTP 502)".into(),
            Some(d[0])
        )]
    );
    let a = h.at(h.now + d[0]).go(Input::Tick);
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 200,
        body: Some(json!({"nothing": true})),
    });
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Connecting,
            "the login answer has no token".into(),
            Some(d[1])
        )]
    );
    let a = h.go(Input::NoToken(
        "ignored outside the credentials step".into(),
    ));
    assert!(a.is_empty());
}

#[test]
fn timer_jump_and_wake_signals_reconnect_at_once() {
    let mut h = H::new();
    let sock = h.live();
    let a = h.at(h.now + 5_000 + 600_000).go(Input::Tick);
    assert_eq!(closed(&a), vec![sock]);
    assert_eq!(opened(&a).len(), 1);
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Reconnecting,
            "the machine woke from sleep".into(),
            None
        )]
    );

    let mut h = H::new();
    let sock = h.live();
    h.go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    let a = h.go(Input::Online);
    assert_eq!(opened(&a).len(), 1);
    let mut h = H::new();
    let sock = h.live();
    let a = h.go(Input::Offline);
    assert_eq!(states(&a), vec![HealthState::Degraded]);
    let a = h.go(Input::Visible);
    assert_eq!(sent(&a), vec![ping()], "probe");
    assert_eq!(states(&a), vec![HealthState::Live]);
    assert!(closed(&a).is_empty());
    let _ = sock;
}

#[test]
fn supervisor_profile_events_about_other_agents_are_observed() {
    let mut h = H::new();
    let sock = h.live();
    let profile = json!({"msgType": "RightProfile", "ctiMessage": {"profile": "Supervisor", "rights": ["recording"]}});
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: profile.clone()
        }),
        vec![Action::Deliver(profile)]
    );
    let state = |agent: u64| {
        json!({"msgType": "AgentStateEvent", "ctiMessage":
            {"name": "AgentReady", "agentId": agent, "phoneNb": "1000", "since": 0, "queues": [1]}})
    };
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: state(19)
        }),
        vec![Action::Deliver(state(19))]
    );
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: state(20)
        }),
        vec![Action::Observe(state(20))]
    );
    let stats = json!({"msgType": "AgentStatistics", "ctiMessage": {"id": 22, "statistics": []}});
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: stats.clone()
        }),
        vec![Action::Observe(stats)]
    );
    let member = json!({"msgType": "QueueMember", "ctiMessage": {"agentId": "19", "queueId": 3, "penalty": -1}});
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: member.clone()
        }),
        vec![Action::Deliver(member)]
    );
    let lists = json!({"msgType": "AgentGroupList", "ctiMessage": [{"id": 1, "name": "default"}]});
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: lists.clone()
        }),
        vec![Action::Deliver(lists)]
    );

    // Without a configured agent id: a supervisor's agent events are all
    // observed; a plain agent (NoRight) learns its id from its own events.
    let mut cfg = config();
    cfg.agent_id = None;
    let mut h = H::with(cfg.clone());
    let sock = h.live();
    h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "RightProfile", "ctiMessage": {"profile": "Supervisor", "rights": []}}),
    });
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: state(20)
        }),
        vec![Action::Observe(state(20))]
    );
    let mut h = H::with(cfg);
    let sock = h.live();
    h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "RightProfile", "ctiMessage": {"profile": "NoRight", "rights": []}}),
    });
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: state(19)
        }),
        vec![Action::Deliver(state(19))]
    );
    assert_eq!(h.c.agent_id(), Some("19"));
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: state(20)
        }),
        vec![Action::Observe(state(20))]
    );
}

#[test]
fn every_agent_method_has_the_wire_shape_of_xuc() {
    let cases = [
        (
            "loginAgent",
            json!(["1000", 19]),
            json!({"claz": "web", "command": "agentLogin", "agentphonenumber": "1000", "agentid": 19}),
        ),
        (
            "loginAgent",
            json!(["1000"]),
            json!({"claz": "web", "command": "agentLogin", "agentphonenumber": "1000"}),
        ),
        (
            "logoutAgent",
            json!([19]),
            json!({"claz": "web", "command": "agentLogout", "agentid": 19}),
        ),
        (
            "logoutAgent",
            json!([]),
            json!({"claz": "web", "command": "agentLogout"}),
        ),
        (
            "pauseAgent",
            json!([19, "lunch"]),
            json!({"claz": "web", "command": "pauseAgent", "agentid": 19, "reason": "lunch"}),
        ),
        (
            "pauseAgent",
            json!([]),
            json!({"claz": "web", "command": "pauseAgent"}),
        ),
        (
            "pauseAgent",
            json!([null, "break"]),
            json!({"claz": "web", "command": "pauseAgent", "reason": "break"}),
        ),
        (
            "unpauseAgent",
            json!(["19"]),
            json!({"claz": "web", "command": "unpauseAgent", "agentid": 19}),
        ),
        (
            "listenAgent",
            json!([22]),
            json!({"claz": "web", "command": "listenAgent", "agentid": 22}),
        ),
        (
            "setAgentQueue",
            json!([19, 3, 2]),
            json!({"claz": "web", "command": "setAgentQueue", "agentId": 19, "queueId": 3, "penalty": 2}),
        ),
        (
            "setAgentQueue",
            json!([19, 3, 0]),
            json!({"claz": "web", "command": "setAgentQueue", "agentId": 19, "queueId": 3, "penalty": 0}),
        ),
        (
            "removeAgentFromQueue",
            json!([19, 3]),
            json!({"claz": "web", "command": "removeAgentFromQueue", "agentId": 19, "queueId": 3}),
        ),
        (
            "dialFromQueue",
            json!(["0230210082", 1, "0800123456", {"var1": "value 1", "USR_var2": 2}]),
            json!({"claz": "web", "command": "dialFromQueue", "destination": "0230210082", "queueId": 1,
                   "callerIdName": "0800123456", "callerIdNumber": "0800123456",
                   "variables": {"var1": "value 1", "var2": "2"}}),
        ),
        (
            "dialFromQueue",
            json!(["0230210082", "1", {"name": "Sales", "number": "+33100"}]),
            json!({"claz": "web", "command": "dialFromQueue", "destination": "0230210082", "queueId": 1,
                   "callerIdName": "Sales", "callerIdNumber": "+33100", "variables": {}}),
        ),
        (
            "dialFromQueue",
            json!(["0230210082", 1, "Sales", "+33100", {"a": true}]),
            json!({"claz": "web", "command": "dialFromQueue", "destination": "0230210082", "queueId": 1,
                   "callerIdName": "Sales", "callerIdNumber": "+33100", "variables": {"a": "true"}}),
        ),
        // Phone methods, as xuc's cti.js builds them (docs/protocols.md#xuc-commands).
        (
            "dial",
            json!(["0230210082"]),
            json!({"claz": "web", "command": "dial", "destination": "0230210082"}),
        ),
        (
            "dial",
            json!(["0230210082", {"var1": "value 1", "USR_var2": 2}]),
            json!({"claz": "web", "command": "dial", "destination": "0230210082",
                   "variables": {"var1": "value 1", "var2": "2"}}),
        ),
        (
            "dialFromMobile",
            json!(["+33612345678", {"ticket": "T-1"}]),
            json!({"claz": "web", "command": "dialFromMobile", "destination": "+33612345678",
                   "variables": {"ticket": "T-1"}}),
        ),
        (
            "originate",
            json!(["1001"]),
            json!({"claz": "web", "command": "originate", "destination": "1001"}),
        ),
        ("answer", json!([]), web("answer")),
        (
            "answer",
            json!(["1469709960.78"]),
            json!({"claz": "web", "command": "answer", "uniqueId": "1469709960.78"}),
        ),
        ("hangup", json!([]), web("hangup")),
        (
            "hangup",
            json!(["1469709960.78"]),
            json!({"claz": "web", "command": "hangup", "uniqueId": "1469709960.78"}),
        ),
        ("hold", json!([null]), web("hold")),
        (
            "hold",
            json!(["1469709960.78"]),
            json!({"claz": "web", "command": "hold", "uniqueId": "1469709960.78"}),
        ),
        (
            "directTransfer",
            json!(["1002"]),
            json!({"claz": "web", "command": "directTransfer", "destination": "1002"}),
        ),
        (
            "attendedTransfer",
            json!(["1002"]),
            json!({"claz": "web", "command": "attendedTransfer", "destination": "1002"}),
        ),
        (
            "attendedTransfer",
            json!(["1002", "webrtc"]),
            json!({"claz": "web", "command": "attendedTransfer", "destination": "1002", "device": "webrtc"}),
        ),
        ("completeTransfer", json!([]), web("completeTransfer")),
        ("cancelTransfer", json!([]), web("cancelTransfer")),
        ("conference", json!([]), web("conference")),
        (
            "setData",
            json!([{"USR_folder": 1234}]),
            json!({"claz": "web", "command": "setData", "variables": {"folder": "1234"}}),
        ),
        (
            "sendDtmf",
            json!(["#"]),
            json!({"claz": "web", "command": "sendDtmf", "key": "#"}),
        ),
        (
            "sendDtmf",
            json!([7]),
            json!({"claz": "web", "command": "sendDtmf", "key": "7"}),
        ),
        (
            "subscribeToAgentEvents",
            json!([]),
            web("subscribeToAgentEvents"),
        ),
        ("getAgentStates", json!([]), web("getAgentStates")),
        (
            "monitorPause",
            json!([19]),
            json!({"claz": "web", "command": "monitorPause", "agentid": 19}),
        ),
        (
            "monitorUnpause",
            json!([19]),
            json!({"claz": "web", "command": "monitorUnpause", "agentid": 19}),
        ),
        (
            "subscribeToAgentStats",
            json!([]),
            web("subscribeToAgentStats"),
        ),
        ("getAgentDirectory", json!([]), web("getAgentDirectory")),
        (
            "getList",
            json!(["agent"]),
            json!({"claz": "web", "command": "getList", "objectType": "agent"}),
        ),
        (
            "getList",
            json!(["AgentGroup"]),
            json!({"claz": "web", "command": "getList", "objectType": "agentgroup"}),
        ),
        ("getCallbackLists", json!([]), web("getCallbackLists")),
        (
            "takeCallback",
            json!(["a967da84-bc41-4bf4-a4fc-2bcc54e11606"]),
            json!({"claz": "web", "command": "takeCallback", "uuid": "a967da84-bc41-4bf4-a4fc-2bcc54e11606"}),
        ),
        (
            "releaseCallback",
            json!(["A967DA84-BC41-4BF4-A4FC-2BCC54E11606"]),
            json!({"claz": "web", "command": "releaseCallback", "uuid": "a967da84-bc41-4bf4-a4fc-2bcc54e11606"}),
        ),
        (
            "startCallback",
            json!(["a967da84-bc41-4bf4-a4fc-2bcc54e11606", "0230210082"]),
            json!({"claz": "web", "command": "startCallback", "uuid": "a967da84-bc41-4bf4-a4fc-2bcc54e11606", "number": "0230210082"}),
        ),
        (
            "updateCallbackTicket",
            json!([
                "a967da84-bc41-4bf4-a4fc-2bcc54e11606",
                "Callback",
                "call again",
                "2016-08-01",
                "d3270038-e20e-498a-af71-3cf69b5cc792"
            ]),
            json!({"claz": "web", "command": "updateCallbackTicket", "uuid": "a967da84-bc41-4bf4-a4fc-2bcc54e11606",
                   "status": "Callback", "comment": "call again", "dueDate": "2016-08-01",
                   "periodUuid": "d3270038-e20e-498a-af71-3cf69b5cc792"}),
        ),
        (
            "updateCallbackTicket",
            json!(["a967da84-bc41-4bf4-a4fc-2bcc54e11606", "noanswer"]),
            json!({"claz": "web", "command": "updateCallbackTicket", "uuid": "a967da84-bc41-4bf4-a4fc-2bcc54e11606", "status": "NoAnswer"}),
        ),
        (
            "listenCallbackMessage",
            json!(["a967da84-bc41-4bf4-a4fc-2bcc54e11606"]),
            json!({"claz": "web", "command": "listenCallbackMessage", "voiceMessageRef": "a967da84-bc41-4bf4-a4fc-2bcc54e11606"}),
        ),
    ];
    let mut covered = std::collections::BTreeSet::new();
    for (name, args, wire) in cases {
        assert_eq!(call(name, args.clone()), Ok(wire), "{name}({args})");
        covered.insert(name);
    }
    assert_eq!(covered.len(), METHODS.len(), "every method has a case");
    // The sync engine's own encoder agrees on pause / unpause.
    assert_eq!(
        call("pauseAgent", json!([19, "crm-work"])),
        Ok(cti_bridge::codec::xuc::pause_agent(
            Some("19"),
            Some("crm-work")
        ))
    );
    assert_eq!(
        call("unpauseAgent", json!([19])),
        Ok(cti_bridge::codec::xuc::unpause_agent(Some("19")))
    );
    let dial = XucCommand::from_call(
        "dialFromQueue",
        &[
            json!("1"),
            json!(1),
            json!("2"),
            json!({"var1": "x", "USR_b": "y"}),
        ],
    )
    .expect("valid");
    assert_eq!(dial.attached_data_keys(), vec!["USR_b", "USR_var1"]);
}

#[test]
fn invalid_calls_are_refused_with_a_clear_error() {
    let u = "a967da84-bc41-4bf4-a4fc-2bcc54e11606";
    let cases = [
        (invalid("setAgentQueue", json!([19, 3, -1])), "setAgentQueue: `penalty` must be a non-negative integer (0 is the highest priority), got -1"),
        (invalid("setAgentQueue", json!([19, 3, 1.5])), "setAgentQueue: `penalty` must be a non-negative integer (0 is the highest priority), got 1.5"),
        (invalid("setAgentQueue", json!([19, 3, "two"])), "setAgentQueue: `penalty` must be a non-negative integer (0 is the highest priority), got \"two\""),
        (invalid("setAgentQueue", json!([19, 3])), "setAgentQueue: `penalty` is required (an integer from 0)"),
        (invalid("setAgentQueue", json!([0, 3, 1])), "setAgentQueue: `agentId` must be a positive integer, got 0"),
        (invalid("removeAgentFromQueue", json!([19])), "removeAgentFromQueue: `queueId` is required (a positive integer)"),
        (invalid("listenAgent", json!([])), "listenAgent: `agentId` is required (a positive integer)"),
        (invalid("loginAgent", json!(["10 00", 19])), "loginAgent: `phoneNumber` is not a dialable number: `10 00`"),
        (invalid("loginAgent", json!([])), "loginAgent: `phoneNumber` is required"),
        (invalid("dial", json!([])), "dial: `destination` is required"),
        (invalid("dial", json!(["10 00"])), "dial: `destination` is not a dialable number: `10 00`"),
        (invalid("dial", json!(["1000", "x=1"])), "dial: `variables` must be an object, got \"x=1\""),
        (invalid("hangup", json!(["a b"])), "hangup: `uniqueId` is not a call id: `a b`"),
        (invalid("answer", json!([{"id": 1}])), "answer: `uniqueId` must be a string, got {\"id\":1}"),
        (invalid("directTransfer", json!([])), "directTransfer: `destination` is required"),
        (invalid("attendedTransfer", json!(["1002", "x".repeat(33)])), "attendedTransfer: `device` is longer than 32 characters"),
        (invalid("setData", json!([{}])), "setData: `variables` is required (an object with at least one entry)"),
        (invalid("setData", json!([])), "setData: `variables` is required (an object with at least one entry)"),
        (invalid("sendDtmf", json!(["12"])), "sendDtmf: `key` is longer than 1 characters"),
        (invalid("sendDtmf", json!(["x"])), "sendDtmf: `key` must be one of 0-9, *, #, A-D, got `x`"),

        (invalid("pauseAgent", json!([19, "bad\u{7}reason"])), "pauseAgent: `reason` contains control characters"),
        (invalid("dialFromQueue", json!(["0230210082", 1, "0800", {"bad name": "x"}])), "dialFromQueue: `variables` name `bad name` must be letters, digits or `_` (at most 64)"),
        (invalid("dialFromQueue", json!(["0230210082", 1, "0800", {"v": {"nested": 1}}])), "dialFromQueue: `variables` value of `v` must be a string, number or boolean, got {\"nested\":1}"),
        (invalid("dialFromQueue", json!(["0230210082", 1, "0800", ["x"]])), "dialFromQueue: `variables` must be an object, got [\"x\"]"),
        (invalid("dialFromQueue", json!(["", 1])), "dialFromQueue: `destination` is required"),
        (invalid("getList", json!(["phonebook"])), "getList: `objectType` must be one of agent, agentgroup, queue, queuemember, meetme, got `phonebook`"),
        (invalid("takeCallback", json!(["not-a-uuid"])), "takeCallback: `uuid` is not a UUID: `not-a-uuid`"),
        (invalid("startCallback", json!([u])), "startCallback: `phoneNumber` is required"),
        (invalid("updateCallbackTicket", json!([u, "Maybe"])), "updateCallbackTicket: `status` must be NoAnswer, Answered, Fax or Callback, got `Maybe`"),
        (invalid("updateCallbackTicket", json!([u, "Callback", "", "2016-02-30"])), "updateCallbackTicket: `dueDate` must be a date YYYY-MM-DD, got `2016-02-30`"),
        (invalid("updateCallbackTicket", json!([u, "Callback", "", "01/08/2016"])), "updateCallbackTicket: `dueDate` must be a date YYYY-MM-DD, got `01/08/2016`"),
        (invalid("updateCallbackTicket", json!([u, "Callback", "", "2016-8-1"])), "updateCallbackTicket: `dueDate` must be a date YYYY-MM-DD, got `2016-8-1`"),
        (invalid("updateCallbackTicket", json!([u, "Callback", "", null, "period"])), "updateCallbackTicket: `periodUuid` is not a UUID: `period`"),
        (invalid("teleport", json!([])), "unknown xuc command `teleport`"),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
    // Leap years are real dates.
    assert!(call("updateCallbackTicket", json!([u, "Fax", "", "2016-02-29"])).is_ok());
    assert!(call("updateCallbackTicket", json!([u, "Fax", "", "2100-02-29"])).is_err());
}

#[test]
fn commands_are_not_sent_while_the_link_is_down() {
    let mut h = H::new();
    let err =
        h.c.command(h.now, &XucCommand::GetAgentDirectory)
            .expect_err("down");
    assert_eq!(
        err.to_string(),
        "getAgentDirectory: not sent, the xuc link is not connected"
    );
    let sock = h.live();
    let cmd =
        XucCommand::from_call("setAgentQueue", &[json!(19), json!(3), json!(2)]).expect("valid");
    let a = h.c.command(h.now, &cmd).expect("sent");
    assert_eq!(
        a,
        vec![Action::Send {
            id: sock,
            frame: cti_bridge::client::Frame::plain(cmd.wire())
        }]
    );
}

/// A session driven to live; returns it and the socket id.
fn live_session(mode: Mode) -> (Session<XucClient>, u32) {
    let client = XucClient::new(config()).expect("config");
    let mut bridge_config = Config::default();
    bridge_config.cc.source = Some(cti_bridge::Source::Xuc);
    bridge_config.cc.not_ready_reason = Some("crm-work".into());
    let mut s = Session::new(client, Bridge::new(mode, bridge_config));
    s.handle(0, Input::Start);
    let e = s.handle(
        0,
        Input::Credentials {
            login: "jbond".into(),
            password: Secret::new(PASSWORD),
        },
    );
    let req = e
        .iter()
        .find_map(|e| match e {
            Effect::Io(Action::Http(r)) => Some(r.id),
            _ => None,
        })
        .expect("login");
    let e = s.handle(
        0,
        Input::HttpDone {
            id: req,
            status: 200,
            body: Some(json!({"token": TOKEN})),
        },
    );
    let sock = e
        .iter()
        .find_map(|e| match e {
            Effect::Io(Action::Open { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("open");
    s.handle(0, Input::SocketOpened { id: sock });
    (s, sock)
}

fn sends(effects: &[Effect]) -> Vec<Value> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Io(Action::Send { frame, .. }) => Some(frame.expose().clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_sync_engines_pause_and_unpause_are_carried_out_on_the_link() {
    let (mut s, sock) = live_session(Mode::Synchronized);
    let e = s.handle(
        1,
        Input::Frame {
            id: sock,
            value: json!({"msgType": "AgentStateEvent", "ctiMessage":
                {"name": "AgentReady", "agentId": 19, "phoneNb": "1000", "since": 0, "queues": [1]}}),
        },
    );
    assert!(e.iter().any(|e| matches!(e, Effect::Output(Output::Event(ev)) if matches!(ev.body, EventBody::AgentState { .. }))));
    let e = s.request(2, Side::Cc, Desired::NotReady);
    assert_eq!(
        sends(&e),
        vec![json!({"claz": "web", "command": "pauseAgent", "agentid": 19, "reason": "crm-work"})]
    );
    let e = s.request(3, Side::Cc, Desired::Ready);
    assert_eq!(
        sends(&e),
        vec![json!({"claz": "web", "command": "unpauseAgent", "agentid": 19})]
    );

    // Link down: the latest command waits and goes out after reconnecting.
    let e = s.handle(
        4,
        Input::SocketClosed {
            id: sock,
            code: 1006,
            reason: String::new(),
        },
    );
    let delay = e
        .iter()
        .find_map(|e| match e {
            Effect::Io(Action::Health(h)) => h.retry_in_ms,
            _ => None,
        })
        .expect("delay");
    let e = s.request(5, Side::Cc, Desired::NotReady);
    assert!(sends(&e).is_empty());
    let e = s.handle(5 + delay, Input::Tick);
    let sock = e
        .iter()
        .find_map(|e| match e {
            Effect::Io(Action::Open { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("reopen");
    let e = s.handle(6 + delay, Input::SocketOpened { id: sock });
    assert_eq!(
        sends(&e),
        vec![
            web("getAgentDirectory"),
            json!({"claz": "web", "command": "pauseAgent", "agentid": 19, "reason": "crm-work"})
        ]
    );
}

#[test]
fn login_errors_surface_exactly_and_observed_events_stay_out_of_the_sync_engine() {
    let (mut s, sock) = live_session(Mode::Synchronized);
    let e = s.handle(
        1,
        Input::Frame {
            id: sock,
            value: json!({"Error": "LoggedInOnAnotherPhone", "phoneNb": "1002", "RequestedNb": "1001"}),
        },
    );
    let Some(Effect::Output(Output::Event(ev))) = e.iter().find(|e| matches!(e, Effect::Output(_)))
    else {
        panic!("event expected: {e:?}");
    };
    assert_eq!(
        ev.body,
        EventBody::AgentError {
            code: "LoggedInOnAnotherPhone".into(),
            phone_number: Some("1002".into()),
            requested_number: Some("1001".into()),
            agent_id: None
        }
    );
    let e = s.handle(
        2,
        Input::Frame {
            id: sock,
            value: json!({"msgType": "AgentStateEvent", "ctiMessage":
                {"name": "AgentOnPause", "agentId": 20, "phoneNb": "1001", "since": 0, "queues": [1]}}),
        },
    );
    assert!(
        matches!(e.as_slice(), [Effect::Observed(bodies)] if bodies.len() == 1),
        "{e:?}"
    );
    assert_eq!(
        s.bridge.snapshot().agent_state,
        None,
        "another agent's state is not ours"
    );
}

#[test]
fn configuration_is_checked() {
    let bad = |base: &str, socket: Option<&str>| {
        XucClient::new(XucConfig {
            base_url: base.into(),
            socket_url: socket.map(str::to_owned),
            ..config()
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    assert_eq!(bad("https://xuc.example.com", None), Ok(()));
    assert_eq!(bad("http://127.0.0.1:8090", None), Ok(()));
    assert_eq!(bad("http://[::1]:8090", None), Ok(()));
    assert_eq!(
        bad("http://xuc.example.com", None),
        Err("baseUrl: `http:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `xuc.example.com` is not".into())
    );
    assert_eq!(
        bad("https://xuc.example.com", Some("ws://xuc.example.com/cti")),
        Err("socketUrl: `ws:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `xuc.example.com` is not".into())
    );
    let mut h = H::with(XucConfig {
        base_url: "http://127.0.0.1:8090".into(),
        ..config()
    });
    h.go(Input::Start);
    let a = h.credentials();
    assert_eq!(
        http(&a)[0].url,
        "http://127.0.0.1:8090/xuc/api/2.0/auth/login"
    );
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 200,
        body: Some(json!({"token": TOKEN})),
    });
    assert_eq!(
        opened(&a)[0].1,
        format!("ws://127.0.0.1:8090/xuc/api/2.0/cti?token={TOKEN_QUERY}")
    );
}

#[test]
fn a_sync_command_the_bridge_gave_up_on_is_not_sent_after_reconnecting() {
    let (mut s, sock) = live_session(Mode::Synchronized);
    s.handle(
        1,
        Input::Frame {
            id: sock,
            value: json!({"msgType": "AgentStateEvent", "ctiMessage":
                {"name": "AgentReady", "agentId": 19, "phoneNb": "1000", "since": 0, "queues": [1]}}),
        },
    );
    s.handle(
        2,
        Input::SocketClosed {
            id: sock,
            code: 1006,
            reason: String::new(),
        },
    );
    let e = s.request(3, Side::Cc, Desired::NotReady);
    assert!(sends(&e).is_empty(), "held while the link is down");
    // The Bridge's 10 s command time-out passes before the link is back.
    let e = s.handle(20_000, Input::Tick);
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Output(Output::Command(c))
            if c.status == cti_bridge::CommandStatus::Rejected)),
        "{e:?}"
    );
    let sock = e
        .iter()
        .find_map(|e| match e {
            Effect::Io(Action::Open { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("reopen");
    let e = s.handle(20_001, Input::SocketOpened { id: sock });
    assert_eq!(
        sends(&e),
        vec![web("getAgentDirectory")],
        "the stale pause is not sent"
    );
}

#[test]
fn a_click_to_dial_from_the_crm_is_dialled_on_the_xuc_link() {
    let (mut s, sock) = live_session(Mode::Synchronized);
    // Avaya's clickToDialResponse shape (docs/protocols.md, the CRM Connector's click-to-dial).
    let click = json!({"type": "ClientAppMessage", "action": "clickToDialResponse",
        "data": {"onClickToDialResponse": {"number": "+33 1 23 45 67 89", "recordId": "42"}}});
    let e = s
        .ingest(1, cti_bridge::Source::CrmConnector, &click)
        .expect("decodes");
    let dials: Vec<Value> = sends(&e)
        .into_iter()
        .filter(|f| f["command"] == "dial")
        .collect();
    assert_eq!(dials.len(), 1, "{e:?}");
    assert_eq!(dials[0]["destination"], "+33 1 23 45 67 89");
    assert!(e.iter().any(|e| matches!(e, Effect::Output(Output::Event(ev)) if matches!(ev.body, EventBody::Dial { .. }))));

    // Link down: the dial is refused with a reason (a click-to-dial is not queued for later).
    s.handle(
        2,
        Input::SocketClosed {
            id: sock,
            code: 1006,
            reason: String::new(),
        },
    );
    let e = s
        .ingest(3, cti_bridge::Source::CrmConnector, &click)
        .expect("decodes");
    assert!(sends(&e).is_empty());
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::DialRefused(why) if why.contains("dial"))),
        "{e:?}"
    );
}

#[test]
fn figures_token_ttl_and_heartbeat_round_trip() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.credentials();
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 200,
        body: Some(json!({"login": "jbond", "token": TOKEN, "TTL": 3600})),
    });
    let t = h.now;
    assert_eq!(h.c.figures().token_expires_at, Some(t + 3_600_000));
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "LoggedOn", "ctiMessage": {}}),
    });
    assert_eq!(h.c.figures().heartbeat_rtt_ms, None);
    // The heartbeat at 5 s, the simulator's Pong 17 ms later.
    h.at(t + 5_000).go(Input::Tick);
    h.at(t + 5_017).go(Input::Frame {
        id: sock,
        value: json!({"msgType": "Pong", "ctiMessage": {}}),
    });
    let f = h.c.figures();
    assert_eq!(
        (f.heartbeat_rtt_ms, f.heartbeat_at),
        (Some(17), Some(t + 5_017))
    );
    // Another frame is not an answer to a heartbeat.
    h.at(t + 10_000).go(Input::Tick);
    h.at(t + 10_500).go(Input::Frame {
        id: sock,
        value: json!({"msgType": "Sheet", "ctiMessage": {}}),
    });
    assert_eq!(h.c.figures().heartbeat_rtt_ms, Some(17));
    assert_eq!(h.c.figures().heartbeat_pending_since, Some(t + 10_000));
    // Without a TTL, an opaque token's expiry is not known.
    let mut h = H::new();
    h.live();
    assert_eq!(h.c.figures().token_expires_at, None);
}

#[test]
fn login_failures_carry_their_typed_fault() {
    use cti_bridge::client::Fault;
    let login = |h: &mut H, status: Option<u16>| {
        let a = h.credentials();
        let id = http(&a)[0].id;
        let a = match status {
            Some(status) => h.go(Input::HttpDone {
                id,
                status,
                body: None,
            }),
            None => h.go(Input::HttpFailed {
                id,
                reason: "network error".into(),
            }),
        };
        a.iter()
            .find_map(|x| match x {
                Action::Health(h) => Some(h.fault),
                _ => None,
            })
            .flatten()
    };
    let mut h = H::new();
    h.go(Input::Start);
    assert_eq!(login(&mut h, Some(401)), Some(Fault::BadCredentials));
    assert_eq!(login(&mut h, Some(403)), Some(Fault::RefusedAgain));
    for (status, fault) in [
        (Some(404), Fault::Misconfigured),
        (Some(503), Fault::ServerUnavailable),
        (None, Fault::Unreachable),
    ] {
        let mut h = H::new();
        h.go(Input::Start);
        assert_eq!(login(&mut h, status), Some(fault), "{status:?}");
    }
    // The server refusing the session token on an open socket.
    let mut h = H::new();
    let sock = h.live();
    let a = h.go(Input::Frame {
        id: sock,
        value: json!({"msgType": "Error", "ctiMessage": {"Error": "InvalidToken"}}),
    });
    let fault = a.iter().find_map(|x| match x {
        Action::Health(h) => Some(h.fault),
        _ => None,
    });
    assert_eq!(fault, Some(Some(Fault::TokenRefused)));
}
