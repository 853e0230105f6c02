//! The AXP live client state machine, driven deterministically: every
//! authentication status, REST outcome, timer, fault and wake-up case, with
//! the exact actions it asks for. No test may see the token in any action's
//! `Debug` output or in a health reason (checked when each harness drops).

mod client_support;
use client_support::{closed, healths, http, sent, states, timer};
use cti_bridge::client::axp::{subscription_request, AxpClient, AxpConfig};
use cti_bridge::client::{
    Action, Backoff, Effect, HealthState, HttpRequest, Input, Method, Secret, Session, Timing,
};
use cti_bridge::{Bridge, Mode, Output};
use serde_json::{json, Value};

const TOKEN: &str = "tok-SECRET-aaaa";
const TOKEN2: &str = "tok-SECRET-bbbb";
const APPKEY: &str = "appkey-SECRET-cccc";
const SUB: &str = "fdbec917-e76e-4645-8120-4eac46f29487";
const SUB2: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const WSS: &str =
    "wss://uk.cc.avayacloud.com/ws/notification/v1/agent-engagement/DYNNUG/fdbec917-e76e-4645-8120-4eac46f29487";
const REST: &str = "https://uk.api.avayacloud.com/api/notification/v1";
const SEED: u64 = 7;

fn config() -> AxpConfig {
    AxpConfig {
        rest_base: REST.into(),
        account_id: "DYNNUG".into(),
        app_key: APPKEY.into(),
        seed: SEED,
        ..AxpConfig::default()
    }
}

fn subscription(id: &str, ping: u64, expires: u64) -> Value {
    json!({
        "subscriptionId": id, "createdAt": "2020-08-01T14:25:23.162Z",
        "expiresAt": "2020-08-01T15:25:23.177Z", "expiresIn": expires, "status": "ACTIVE",
        "family": "AGENT_ENGAGEMENT", "events": ["ALL"],
        "transport": {"type": "WEBSOCKET", "endpoint": WSS, "pingInterval": ping}
    })
}

fn auth_response(status: &str) -> Value {
    json!({"event": "authenticationResponse", "status": status, "subscriptionId": SUB,
           "pingInterval": 300, "expiresInterval": 900})
}

fn notification(id: &str, agent: &str, state: &str) -> Value {
    json!({"correlationId": "c-1", "subscriptionId": SUB, "family": "AGENT_ENGAGEMENT",
           "sentAt": "2020-08-24T08:20:23.395Z", "accountId": "DYNNUG", "loginId": "[email protected]",
           "body": {"event": "AgentState", "agentId": agent, "profileId": "HomeProfile",
                    "state": state, "id": id, "timestamp": 1_700_000_000_000u64}})
}

/// Drives one client and keeps everything it asked for.
struct H {
    c: AxpClient,
    now: u64,
    log: Vec<Action>,
}

impl Drop for H {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let shown = format!("{:?}", self.log);
        for secret in [TOKEN, TOKEN2, APPKEY] {
            assert!(!shown.contains(secret), "a secret leaked into Debug output");
        }
    }
}

impl H {
    fn new() -> H {
        H::with(config())
    }

    fn with(config: AxpConfig) -> H {
        H {
            c: AxpClient::new(config).expect("valid config"),
            now: 1_000_000,
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

    /// Start, token, subscription, socket open, CONFIRMED: returns the socket id.
    fn live(&mut self) -> u32 {
        self.go(Input::Start);
        let a = self.go(Input::Token(Secret::new(TOKEN)));
        let req = http(&a)[0].id;
        let a = self.go(Input::HttpDone {
            id: req,
            status: 201,
            body: Some(subscription(SUB, 300, 900)),
        });
        let sock = opened(&a)[0].0;
        self.go(Input::SocketOpened { id: sock });
        let a = self.go(Input::Frame {
            id: sock,
            value: auth_response("CONNECTION_CONFIRMED"),
        });
        assert_eq!(states(&a), vec![HealthState::Live]);
        sock
    }
}

fn opened(actions: &[Action]) -> Vec<(u32, String)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Open { id, url } => Some((*id, url.expose().to_owned())),
            _ => None,
        })
        .collect()
}

fn header(r: &HttpRequest, name: &str) -> String {
    r.headers
        .iter()
        .find(|h| h.name == name)
        .map(|h| h.value.expose().to_owned())
        .unwrap_or_default()
}

/// The delays the client's back-off gives, for the same seed and timing.
fn delays(n: usize) -> Vec<u64> {
    let t = Timing::default();
    let mut b = Backoff::new(t.backoff_base_ms, t.backoff_max_ms, SEED);
    (0..n).map(|_| b.next_delay()).collect()
}

#[test]
fn happy_path_token_subscription_socket_authentication_live() {
    let mut h = H::new();
    let a = h.go(Input::Start);
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Connecting,
            "asking the host for a token".into(),
            None
        )]
    );
    assert!(a.contains(&Action::NeedToken));
    assert_eq!(timer(&a), Some(15_000), "the provider has 15 s to answer");

    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let reqs = http(&a);
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, format!("{REST}/accounts/DYNNUG/subscriptions"));
    assert_eq!(header(r, "Authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(header(r, "appkey"), APPKEY);
    assert_eq!(
        r.body.as_ref().map(|b| b.expose().clone()),
        Some(subscription_request())
    );
    assert_eq!(
        subscription_request(),
        json!({"family": "AGENT_ENGAGEMENT", "events": ["ALL"], "transport": {"type": "WEBSOCKET"}})
    );
    assert_eq!(states(&a), vec![HealthState::Connecting]);

    let a = h.go(Input::HttpDone {
        id: r.id,
        status: 201,
        body: Some(subscription(SUB, 300, 900)),
    });
    let open = opened(&a);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].1, WSS);
    assert_eq!(h.c.subscription_id(), Some(SUB));
    let sock = open[0].0;

    let a = h.go(Input::SocketOpened { id: sock });
    assert_eq!(
        sent(&a),
        vec![json!({"event": "authentication", "subscriptionId": SUB, "token": TOKEN})],
        "authentication is the first frame"
    );
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Authenticating,
            "authenticating the socket".into(),
            None
        )]
    );
    assert_eq!(
        timer(&a),
        Some(10_000),
        "10 s for the authentication response"
    );

    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_CONFIRMED"),
    });
    assert_eq!(
        healths(&a),
        vec![(HealthState::Live, "connection confirmed".into(), None)]
    );
    assert_eq!(timer(&a), Some(30_000), "first ping in 30 s");
}

#[test]
fn pings_every_30_s_and_a_missing_pong_is_a_dead_link() {
    let mut h = H::new();
    let sock = h.live();
    let t0 = h.now;
    let a = h.at(t0 + 30_000).go(Input::Tick);
    assert_eq!(sent(&a), vec![json!({"event": "ping"})]);
    assert_eq!(timer(&a), Some(10_000), "pong deadline");
    let a = h.at(t0 + 30_500).go(Input::Frame {
        id: sock,
        value: json!({"event": "pong"}),
    });
    assert_eq!(timer(&a), Some(29_500), "next ping 30 s after the last");
    assert!(healths(&a).is_empty());

    let a = h.at(t0 + 60_000).go(Input::Tick);
    assert_eq!(sent(&a), vec![json!({"event": "ping"})]);
    // No pong this time.
    let a = h.at(t0 + 70_000).go(Input::Tick);
    assert_eq!(closed(&a), vec![sock]);
    let d = delays(1)[0];
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Reconnecting,
            "no pong within 10 s: the connection is dead".into(),
            Some(d)
        )]
    );
    assert_eq!(timer(&a), Some(d));
    // After the delay: a new socket on the same subscription, no new REST call.
    let a = h.at(t0 + 70_000 + d).go(Input::Tick);
    assert!(http(&a).is_empty());
    assert_eq!(opened(&a).len(), 1);
    assert_ne!(opened(&a)[0].0, sock);
    assert_eq!(states(&a), vec![HealthState::Reconnecting]);
}

#[test]
fn ping_is_never_later_than_the_servers_ping_interval() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(subscription(SUB, 20, 900)),
    });
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let mut confirm = auth_response("CONNECTION_CONFIRMED");
    confirm["pingInterval"] = json!(20);
    let a = h.go(Input::Frame {
        id: sock,
        value: confirm,
    });
    assert_eq!(h.c.ping_every(), 10_000);
    // The timer armed for the authentication deadline (10 s) already fits.
    assert_eq!(timer(&a), None);
    let t = h.now;
    let a = h.at(t + 10_000).go(Input::Tick);
    assert_eq!(sent(&a), vec![json!({"event": "ping"})]);
    assert_eq!(
        timer(&a),
        Some(10_000),
        "pong timeout is capped by the ping period"
    );

    // The authenticationResponse's pingInterval wins over the subscription's.
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(subscription(SUB, 300, 900)),
    });
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let mut confirm = auth_response("CONNECTION_CONFIRMED");
    confirm["pingInterval"] = json!(8);
    h.go(Input::Frame {
        id: sock,
        value: confirm,
    });
    assert_eq!(h.c.ping_every(), 4_000);
}

#[test]
fn invalid_token_asks_for_a_fresh_one_and_retries_once_then_fails() {
    let mut h = H::new();
    let sock = h.live();
    // A later re-authentication (after a drop) is refused.
    let a = h.go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    let d = healths(&a)[0].2.expect("retry delay");
    let t = h.now + d;
    let a = h.at(t).go(Input::Tick);
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_FAILED_INVALID_TOKEN"),
    });
    assert_eq!(closed(&a), vec![sock]);
    assert!(a.contains(&Action::NeedToken));
    assert_eq!(
        states(&a),
        vec![HealthState::Reconnecting],
        "asking for a fresh token"
    );
    assert!(healths(&a)[0].1.contains("INVALID_TOKEN"));

    let a = h.go(Input::Token(Secret::new(TOKEN2)));
    assert!(http(&a).is_empty(), "the subscription is still good");
    let sock = opened(&a)[0].0;
    let a = h.go(Input::SocketOpened { id: sock });
    assert_eq!(
        sent(&a),
        vec![json!({"event": "authentication", "subscriptionId": SUB, "token": TOKEN2})]
    );
    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_FAILED_INVALID_TOKEN"),
    });
    assert_eq!(closed(&a), vec![sock]);
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Failed,
            "the server refused the token (INVALID_TOKEN) again after a fresh token; giving up"
                .into(),
            None
        )]
    );
    assert!(!a.contains(&Action::NeedToken));
    assert!(a.contains(&Action::ClearTimer));
    // Failed is quiet until the host starts again.
    assert!(h.at(t + 3_600_000).go(Input::Tick).is_empty());
    let a = h.go(Input::Start);
    assert_eq!(
        http(&a).len(),
        1,
        "start again: new subscription with the fresh token"
    );
}

#[test]
fn a_fresh_token_that_works_resets_the_single_retry() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(subscription(SUB, 300, 900)),
    });
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_FAILED_INVALID_TOKEN"),
    });
    assert!(a.contains(&Action::NeedToken));
    assert_eq!(states(&a), vec![HealthState::Connecting]);
    let a = h.go(Input::Token(Secret::new(TOKEN2)));
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_CONFIRMED"),
    });
    assert_eq!(states(&a), vec![HealthState::Live]);
    // Much later the token expires again: one more refresh is allowed.
    let a = h.go(Input::SocketClosed {
        id: sock,
        code: 1001,
        reason: "going away".into(),
    });
    let d = healths(&a)[0].2.expect("delay");
    let now = h.now + d;
    let a = h.at(now).go(Input::Tick);
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_FAILED_INVALID_TOKEN"),
    });
    assert!(a.contains(&Action::NeedToken), "retry allowed again");
}

#[test]
fn unknown_subscription_creates_a_new_one_at_once_then_with_backoff() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(subscription(SUB, 300, 900)),
    });
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_FAILED_UNKNOWN_SUBSCRIPTION"),
    });
    assert_eq!(closed(&a), vec![sock]);
    let reqs = http(&a);
    assert_eq!(reqs.len(), 1, "a new subscription at once");
    assert_eq!(reqs[0].url, format!("{REST}/accounts/DYNNUG/subscriptions"));
    assert_eq!(h.c.subscription_id(), None);

    let a = h.go(Input::HttpDone {
        id: reqs[0].id,
        status: 201,
        body: Some(subscription(SUB2, 300, 900)),
    });
    assert!(
        http(&a).iter().all(|r| r.method == Method::Post),
        "the unknown subscription is not deleted"
    );
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_FAILED_UNKNOWN_SUBSCRIPTION"),
    });
    assert!(http(&a).is_empty(), "the second time in a row waits");
    let d = delays(1)[0];
    assert_eq!(healths(&a)[0].2, Some(d));
    let a = h.at(h.now + d).go(Input::Tick);
    assert_eq!(http(&a).len(), 1);
}

#[test]
fn internal_server_error_reconnects_with_jittered_exponential_backoff() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(subscription(SUB, 300, 900)),
    });
    let mut sock = opened(&a)[0].0;
    let expected = delays(8);
    let mut seen = Vec::new();
    for _ in 0..8 {
        h.go(Input::SocketOpened { id: sock });
        let a = h.go(Input::Frame {
            id: sock,
            value: auth_response("CONNECTION_FAILED_INTERNAL_SERVER_ERROR"),
        });
        assert_eq!(closed(&a), vec![sock]);
        let (state, reason, delay) = healths(&a).remove(0);
        assert_eq!(state, HealthState::Connecting, "never live yet");
        assert_eq!(
            reason,
            "the server had an internal error (INTERNAL_SERVER_ERROR)"
        );
        let delay = delay.expect("delay");
        seen.push(delay);
        let a = h.at(h.now + delay).go(Input::Tick);
        assert!(http(&a).is_empty(), "same subscription");
        sock = opened(&a)[0].0;
    }
    assert_eq!(seen, expected);
    // Equal jitter within [c/2, c] for c = 1 s, 2 s, 4 s ... capped at 60 s.
    for (n, d) in seen.iter().enumerate() {
        let c = (1_000u64 << n).min(60_000);
        assert!(
            (c / 2..=c).contains(d),
            "attempt {n}: {d} not in [{}, {c}]",
            c / 2
        );
    }
    // Another seed gives other delays: the jitter is real.
    let mut other = Backoff::new(1_000, 60_000, SEED + 1);
    let other: Vec<u64> = (0..8).map(|_| other.next_delay()).collect();
    assert_ne!(seen, other);
}

#[test]
fn constraint_violation_stops_and_reports() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(subscription(SUB, 300, 900)),
    });
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    // The document's own misspelling of the status is understood.
    let a = h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTIONFAILED_CONSTRAINT_VIOLATION"),
    });
    assert_eq!(closed(&a), vec![sock]);
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Failed,
            "the server refused the client's request as malformed (CONSTRAINT_VIOLATION)".into(),
            None
        )]
    );
    assert!(h.go(Input::Online).is_empty(), "no retry when failed");
}

#[test]
fn rest_outcomes_401_403_5xx_network_timeout_and_bad_answers() {
    // 401: fresh token once, then failed.
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 401,
        body: None,
    });
    assert!(a.contains(&Action::NeedToken));
    let a = h.go(Input::Token(Secret::new(TOKEN2)));
    let r = &http(&a)[0];
    assert_eq!(header(r, "Authorization"), format!("Bearer {TOKEN2}"));
    let a = h.go(Input::HttpDone {
        id: r.id,
        status: 401,
        body: None,
    });
    assert_eq!(states(&a), vec![HealthState::Failed]);

    // 403: configuration problem, failed at once.
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 403,
        body: None,
    });
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Failed,
            "the subscription was refused (HTTP 403); check restBase, accountId and appKey".into(),
            None
        )]
    );

    // 503, network error, time-out, bad answers: back-off, new attempt.
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let d = delays(5);
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 503,
        body: None,
    });
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Connecting,
            "the subscription request failed (HTTP 503)".into(),
            Some(d[0])
        )]
    );
    let a = h.at(h.now + d[0]).go(Input::Tick);
    let a = h.go(Input::HttpFailed {
        id: http(&a)[0].id,
        reason: "TypeError: Failed to fetch".into(),
    });
    assert_eq!(
        healths(&a)[0].1,
        "the subscription request failed (network error)"
    );
    let a = h.at(h.now + d[1]).go(Input::Tick);
    assert_eq!(http(&a).len(), 1);
    let a = h.at(h.now + 15_000).go(Input::Tick);
    assert_eq!(healths(&a)[0].1, "the subscription request timed out");
    let a = h.at(h.now + d[2]).go(Input::Tick);
    let bad = json!({"subscriptionId": "a/../b", "transport": {"endpoint": WSS}});
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(bad),
    });
    assert_eq!(
        healths(&a)[0].1,
        "unusable subscription answer: subscriptionId is not a plain identifier"
    );
    let a = h.at(h.now + d[3]).go(Input::Tick);
    let clear = json!({"subscriptionId": SUB, "transport": {"endpoint": "ws://evil.test/ws"}});
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(clear),
    });
    assert_eq!(
        healths(&a)[0].1,
        "unusable subscription answer: transport.endpoint: `ws:` is only allowed on loopback (127.0.0.0/8, localhost, [::1]); host `evil.test` is not"
    );
}

#[test]
fn the_subscription_is_renewed_before_it_expires() {
    let mut h = H::new();
    let sock = h.live();
    let t0 = h.now;
    // expiresInterval 900 s: renew at 675 s. Pings keep answering meanwhile.
    let mut t = t0;
    while t + 30_000 < t0 + 675_000 {
        t += 30_000;
        let a = h.at(t).go(Input::Tick);
        assert_eq!(sent(&a), vec![json!({"event": "ping"})]);
        h.go(Input::Frame {
            id: sock,
            value: json!({"event": "pong"}),
        });
    }
    let a = h.at(t0 + 675_000).go(Input::Tick);
    let reqs = http(&a);
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].url,
        format!("{REST}/accounts/DYNNUG/subscriptions/{SUB}:renew")
    );
    assert_eq!(reqs[0].method, Method::Post);
    assert_eq!(header(&reqs[0], "Authorization"), format!("Bearer {TOKEN}"));

    // A failed renewal keeps the link, reports degraded and tries again.
    let a = h.go(Input::HttpDone {
        id: reqs[0].id,
        status: 500,
        body: None,
    });
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Degraded,
            "the renewal failed (HTTP 500); retrying".into(),
            None
        )]
    );
    assert!(closed(&a).is_empty());
    // 225 s left: retry in min(30 s, 112.5 s).
    let a = h.at(t0 + 705_000).go(Input::Tick);
    let reqs = http(&a);
    assert_eq!(reqs.len(), 1, "renewal retried");
    let a = h.go(Input::HttpDone {
        id: reqs[0].id,
        status: 200,
        body: Some(subscription(SUB, 300, 900)),
    });
    assert_eq!(
        healths(&a),
        vec![(HealthState::Live, "subscription renewed".into(), None)]
    );
}

#[test]
fn a_renewal_answered_404_means_a_new_subscription_and_socket() {
    let mut h = H::new();
    let sock = h.live();
    let t0 = h.now;
    h.c.handle(t0 + 30_000, Input::Tick);
    h.c.handle(
        t0 + 30_001,
        Input::Frame {
            id: sock,
            value: json!({"event": "pong"}),
        },
    );
    // Jump straight to the renewal (ticks in between are not needed).
    let mut a = Vec::new();
    let mut t = t0 + 60_000;
    while http(&a).is_empty() {
        a = h.at(t).go(Input::Tick);
        if !sent(&a).is_empty() {
            h.go(Input::Frame {
                id: sock,
                value: json!({"event": "pong"}),
            });
        }
        t += 15_000;
    }
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 404,
        body: None,
    });
    assert_eq!(closed(&a), vec![sock]);
    let reqs = http(&a);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].url, format!("{REST}/accounts/DYNNUG/subscriptions"));
    assert_eq!(
        healths(&a)[0].1,
        "the subscription is gone on the server; creating a new one"
    );
}

#[test]
fn a_drop_reconnects_and_a_stable_connection_resets_the_backoff() {
    let mut h = H::new();
    let sock = h.live();
    // Live for 5 s only (less than `stable`): the back-off keeps counting.
    let a = h.at(h.now + 5_000).go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    let d = delays(3);
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Reconnecting,
            "the connection was lost (code 1006)".into(),
            Some(d[0])
        )]
    );
    let a = h.at(h.now + d[0]).go(Input::Tick);
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_CONFIRMED"),
    });
    let a = h.at(h.now + 1_000).go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    assert_eq!(
        healths(&a)[0].2,
        Some(d[1]),
        "second attempt: longer ceiling"
    );
    let a = h.at(h.now + d[1]).go(Input::Tick);
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    h.go(Input::Frame {
        id: sock,
        value: auth_response("CONNECTION_CONFIRMED"),
    });
    // Live 20 s (pinging): the next drop starts again from the first delay.
    let t = h.now;
    h.at(t + 20_000).go(Input::Tick);
    let a = h.at(t + 20_000).go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    let first = healths(&a)[0].2.expect("delay");
    assert!(
        (500..=1_000).contains(&first),
        "reset to the first ceiling: {first}"
    );
}

#[test]
fn a_timer_jump_means_sleep_and_reconnects_at_once() {
    let mut h = H::new();
    let sock = h.live();
    let t0 = h.now;
    // The 30 s ping timer fires 10 minutes late: the machine slept.
    let a = h.at(t0 + 630_000).go(Input::Tick);
    assert_eq!(closed(&a), vec![sock]);
    let open = opened(&a);
    assert_eq!(open.len(), 1, "reconnects at once, no back-off");
    assert_eq!(
        healths(&a),
        vec![(
            HealthState::Reconnecting,
            "the machine woke from sleep".into(),
            None
        )]
    );
    // A stale event from the old socket is ignored.
    assert!(h
        .go(Input::SocketClosed {
            id: sock,
            code: 1006,
            reason: String::new()
        })
        .is_empty());

    // A wake signal while waiting for a retry: retry now.
    let mut h = H::new();
    let sock = h.live();
    let a = h.go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    assert!(opened(&a).is_empty());
    let a = h.go(Input::Online);
    assert_eq!(opened(&a).len(), 1);
    assert_eq!(healths(&a)[0].1, "the browser is back online");
    let mut h = H::new();
    let sock = h.live();
    h.go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    let a = h.go(Input::Visible);
    assert_eq!(opened(&a).len(), 1);
    assert_eq!(healths(&a)[0].1, "the page is visible again");
}

#[test]
fn offline_degrades_and_online_probes_with_a_ping() {
    let mut h = H::new();
    let sock = h.live();
    let a = h.go(Input::Offline);
    assert_eq!(
        healths(&a),
        vec![(HealthState::Degraded, "the browser is offline".into(), None)]
    );
    let a = h.at(h.now + 1_000).go(Input::Online);
    assert_eq!(sent(&a), vec![json!({"event": "ping"})], "probe");
    assert_eq!(
        healths(&a),
        vec![(HealthState::Live, "the browser is back online".into(), None)]
    );
    assert_eq!(timer(&a), Some(10_000), "the probe's pong deadline");
    let a = h.at(h.now + 10_000).go(Input::Tick);
    assert_eq!(closed(&a), vec![sock], "no pong to the probe: dead");
}

#[test]
fn socket_that_never_opens_or_never_answers_times_out() {
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpDone {
        id: http(&a)[0].id,
        status: 201,
        body: Some(subscription(SUB, 300, 900)),
    });
    let sock = opened(&a)[0].0;
    let a = h.at(h.now + 15_000).go(Input::Tick);
    assert_eq!(closed(&a), vec![sock]);
    assert_eq!(healths(&a)[0].1, "the socket did not open in time");
    let d = healths(&a)[0].2.expect("delay");
    // Opening failed: the next attempt starts with a new subscription.
    let a = h.at(h.now + d).go(Input::Tick);
    let reqs = http(&a);
    assert_eq!(reqs.len(), 1);
    let a = h.go(Input::HttpDone {
        id: reqs[0].id,
        status: 201,
        body: Some(subscription(SUB2, 300, 900)),
    });
    let deleted: Vec<_> = http(&a)
        .into_iter()
        .filter(|r| r.method == Method::Delete)
        .collect();
    assert_eq!(deleted.len(), 1, "the replaced subscription is deleted");
    assert_eq!(
        deleted[0].url,
        format!("{REST}/accounts/DYNNUG/subscriptions/{SUB}")
    );
    let sock = opened(&a)[0].0;
    h.go(Input::SocketOpened { id: sock });
    let a = h.at(h.now + 10_000).go(Input::Tick);
    assert_eq!(closed(&a), vec![sock]);
    assert_eq!(healths(&a)[0].1, "no authentication response in time");
}

#[test]
fn stop_closes_the_socket_deletes_the_subscription_and_goes_quiet() {
    let mut h = H::new();
    let sock = h.live();
    let a = h.go(Input::Stop);
    assert_eq!(closed(&a), vec![sock]);
    let reqs = http(&a);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, Method::Delete);
    assert_eq!(
        reqs[0].url,
        format!("{REST}/accounts/DYNNUG/subscriptions/{SUB}")
    );
    assert!(a.contains(&Action::ClearTimer));
    // The host is told it stopped (not left believing it is live).
    assert!(a.iter().any(|x| matches!(x, Action::Health(h)
        if h.state == HealthState::Stopped && h.reason == "stopped by the host")));
    assert!(h.at(h.now + 100_000).go(Input::Tick).is_empty());
}

#[test]
fn notifications_are_delivered_and_other_agents_are_observed() {
    let mut h = H::new();
    let sock = h.live();
    let n = notification("e-1", "agent-A", "READY");
    let a = h.go(Input::Frame {
        id: sock,
        value: n.clone(),
    });
    assert_eq!(a, vec![Action::Deliver(n.clone())]);
    // A pong is not delivered.
    assert!(h
        .go(Input::Frame {
            id: sock,
            value: json!({"event": "pong"})
        })
        .is_empty());

    let mut cfg = config();
    cfg.agent_id = Some("agent-A".into());
    let mut h = H::with(cfg);
    let sock = h.live();
    let mine = notification("e-1", "agent-A", "READY");
    let theirs = notification("e-2", "agent-B", "READY");
    let mut no_agent = notification("e-3", "x", "READY");
    no_agent["body"] =
        json!({"event": "InboundEngagementCreated", "engagementId": "g-1", "id": "e-3"});
    no_agent.as_object_mut().map(|o| o.remove("loginId"));
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: mine.clone()
        }),
        vec![Action::Deliver(mine)]
    );
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: theirs.clone()
        }),
        vec![Action::Observe(theirs)]
    );
    assert_eq!(
        h.go(Input::Frame {
            id: sock,
            value: no_agent.clone()
        }),
        vec![Action::Deliver(no_agent)]
    );
}

#[test]
fn duplicates_are_dropped_by_event_id_across_reconnects_through_one_bridge() {
    let client = AxpClient::new(config()).expect("config");
    let mut s = Session::new(client, Bridge::new(Mode::Synchronized, Default::default()));
    let mut now = 1_000;
    let drive = |s: &mut Session<AxpClient>, now: u64, input: Input| s.handle(now, input);
    let ios = |e: &[Effect]| -> Vec<Action> {
        e.iter()
            .filter_map(|e| match e {
                Effect::Io(a) => Some(a.clone()),
                _ => None,
            })
            .collect()
    };
    drive(&mut s, now, Input::Start);
    let e = drive(&mut s, now, Input::Token(Secret::new(TOKEN)));
    let e = drive(
        &mut s,
        now,
        Input::HttpDone {
            id: http(&ios(&e))[0].id,
            status: 201,
            body: Some(subscription(SUB, 300, 900)),
        },
    );
    let sock = opened(&ios(&e))[0].0;
    drive(&mut s, now, Input::SocketOpened { id: sock });
    drive(
        &mut s,
        now,
        Input::Frame {
            id: sock,
            value: auth_response("CONNECTION_CONFIRMED"),
        },
    );
    let sent_events = ["e-1", "e-2", "e-3"];
    let mut events = 0;
    for id in sent_events {
        let e = drive(
            &mut s,
            now,
            Input::Frame {
                id: sock,
                value: notification(id, "a", "READY"),
            },
        );
        events += e
            .iter()
            .filter(|e| matches!(e, Effect::Output(Output::Event(_))))
            .count();
    }
    // Drop, reconnect, and the server replays the last two events.
    let e = drive(
        &mut s,
        now,
        Input::SocketClosed {
            id: sock,
            code: 1006,
            reason: String::new(),
        },
    );
    let d = ios(&e)
        .iter()
        .find_map(|a| match a {
            Action::Health(h) => h.retry_in_ms,
            _ => None,
        })
        .expect("delay");
    now += d;
    let e = drive(&mut s, now, Input::Tick);
    let sock = opened(&ios(&e))[0].0;
    drive(&mut s, now, Input::SocketOpened { id: sock });
    drive(
        &mut s,
        now,
        Input::Frame {
            id: sock,
            value: auth_response("CONNECTION_CONFIRMED"),
        },
    );
    for id in ["e-2", "e-3", "e-4"] {
        let e = drive(
            &mut s,
            now,
            Input::Frame {
                id: sock,
                value: notification(id, "a", "NOT_READY"),
            },
        );
        events += e
            .iter()
            .filter(|e| matches!(e, Effect::Output(Output::Event(_))))
            .count();
    }
    assert_eq!(events, 4, "e-1 .. e-4 once each");
    assert_eq!(s.bridge.stats().duplicates, 2);
    assert_eq!(s.bridge.stats().events, 4);
    // The envelope stays available on the events.
    let e = drive(
        &mut s,
        now,
        Input::Frame {
            id: sock,
            value: notification("e-5", "a", "READY"),
        },
    );
    let Some(Effect::Output(Output::Event(ev))) = e.first() else {
        panic!("event expected: {e:?}");
    };
    assert_eq!(ev.envelope.get("correlationId"), Some(&json!("c-1")));
    assert_eq!(
        ev.envelope.get("loginId"),
        Some(&json!("[email protected]"))
    );
}

#[test]
fn undecodable_frames_are_counted_and_the_link_stays_up() {
    let client = AxpClient::new(config()).expect("config");
    let mut s = Session::new(client, Bridge::new(Mode::Off, Default::default()));
    s.handle(0, Input::Start);
    let e = s.handle(0, Input::Token(Secret::new(TOKEN)));
    let id = e
        .iter()
        .find_map(|e| match e {
            Effect::Io(Action::Http(r)) => Some(r.id),
            _ => None,
        })
        .expect("request");
    let e = s.handle(
        0,
        Input::HttpDone {
            id,
            status: 201,
            body: Some(subscription(SUB, 300, 900)),
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
    s.handle(
        0,
        Input::Frame {
            id: sock,
            value: auth_response("CONNECTION_CONFIRMED"),
        },
    );
    let e = s.handle(
        1,
        Input::Frame {
            id: sock,
            value: json!({"body": {"event": "Teleported", "id": "x"}}),
        },
    );
    assert!(matches!(e.as_slice(), [Effect::Rejected(_)]), "{e:?}");
    let e = s.refused(2, sock, cti_bridge::DecodeError::Syntax("bad".into()));
    assert!(matches!(e.as_slice(), [Effect::Rejected(_)]), "{e:?}");
    assert_eq!(s.bridge.stats().errors.values().sum::<u64>(), 2);
    assert_eq!(s.client.health().map(|h| h.state), Some(HealthState::Live));
}

/// A JWT whose `exp` is 1,003,600 s after the epoch (signature not checked).
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCIsImV4cCI6MTAwMzYwMH0.c2lnbmF0dXJl";

#[test]
fn figures_token_expiry_from_the_jwt_subscription_expiry_and_ping_round_trip() {
    let mut h = H::new();
    assert_eq!(h.c.figures(), Default::default());
    let sock = h.live();
    let f = h.c.figures();
    assert_eq!(f.token_expires_at, None, "an opaque token says nothing");
    // expiresInterval 900 s from CONNECTION_CONFIRMED.
    assert_eq!(f.subscription_expires_at, Some(h.now + 900_000));
    assert_eq!(f.heartbeat_rtt_ms, None);
    // A ping at 30 s, its pong 42 ms later.
    let t = h.now + 30_000;
    let a = h.at(t).go(Input::Tick);
    assert_eq!(sent(&a), vec![json!({"event": "ping"})]);
    assert_eq!(h.c.figures().heartbeat_pending_since, Some(t));
    h.at(t + 42).go(Input::Frame {
        id: sock,
        value: json!({"event": "pong"}),
    });
    let f = h.c.figures();
    assert_eq!(
        (f.heartbeat_rtt_ms, f.heartbeat_at),
        (Some(42), Some(t + 42))
    );
    assert_eq!(f.heartbeat_pending_since, None);
    // A JWT gives its expiry.
    let mut h = H::new();
    h.go(Input::Start);
    h.go(Input::Token(Secret::new(JWT)));
    assert_eq!(h.c.figures().token_expires_at, Some(1_003_600_000));
}

#[test]
fn failures_carry_their_typed_fault() {
    use cti_bridge::client::Fault;
    let faults = |a: &[Action]| -> Vec<Option<Fault>> {
        a.iter()
            .filter_map(|x| match x {
                Action::Health(h) => Some(h.fault),
                _ => None,
            })
            .collect()
    };
    let subscribe = |status: u16| {
        let mut h = H::new();
        h.go(Input::Start);
        let a = h.go(Input::Token(Secret::new(TOKEN)));
        let a = h.go(Input::HttpDone {
            id: http(&a)[0].id,
            status,
            body: None,
        });
        faults(&a)
    };
    assert_eq!(subscribe(401), vec![Some(Fault::TokenRefused)]);
    assert_eq!(subscribe(403), vec![Some(Fault::Misconfigured)]);
    assert_eq!(subscribe(503), vec![Some(Fault::ServerUnavailable)]);
    let mut h = H::new();
    h.go(Input::Start);
    let a = h.go(Input::Token(Secret::new(TOKEN)));
    let a = h.go(Input::HttpFailed {
        id: http(&a)[0].id,
        reason: "network error".into(),
    });
    assert_eq!(faults(&a), vec![Some(Fault::Unreachable)]);
    // The provider declining, or the widget's credentials endpoint refusing.
    for (why, fault) in [
        ("the host page gives no token", Fault::NoCredentials),
        (
            "the credentials endpoint /cti/token answered HTTP 401",
            Fault::EndpointRefused,
        ),
        (
            "the credentials endpoint /cti/token could not be reached",
            Fault::EndpointFailed,
        ),
    ] {
        let mut h = H::new();
        h.go(Input::Start);
        let a = h.go(Input::NoToken(why.into()));
        assert_eq!(faults(&a), vec![Some(fault)], "{why}");
    }
    // INVALID_TOKEN on the socket; live reports carry no fault.
    let mut h = H::new();
    let sock = h.live();
    assert_eq!(h.c.health().and_then(|x| x.fault), None);
    let a = h.go(Input::SocketClosed {
        id: sock,
        code: 1006,
        reason: String::new(),
    });
    assert_eq!(faults(&a), vec![None], "a lost link names no fault");
}
