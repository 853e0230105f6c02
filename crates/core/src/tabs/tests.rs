use super::*;
use serde_json::json;

fn locks(leader: Option<&str>, tabs: &[&str]) -> LocksView {
    LocksView {
        leader: leader.map(str::to_owned),
        tabs: tabs.iter().map(|t| (*t).to_owned()).collect(),
    }
}

fn msg(m: &TabMessage) -> Result<Value, String> {
    Ok(serde_json::to_value(m).unwrap())
}

fn broadcasts(effects: &[TabEffect]) -> Vec<&TabMessage> {
    effects
        .iter()
        .filter_map(|e| match e {
            TabEffect::Broadcast(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn host_events(effects: &[TabEffect]) -> Vec<&Value> {
    effects
        .iter()
        .filter_map(|e| match e {
            TabEffect::HostEvent(v) => Some(v),
            _ => None,
        })
        .collect()
}

fn lead(tab: &str, epoch: &str) -> TabMessage {
    TabMessage::Lead {
        v: TABS_VERSION,
        tab: tab.into(),
        epoch: epoch.into(),
        since: 1000,
        seq: 0,
        count: 2,
    }
}

fn event(tab: &str, epoch: &str, seq: u64) -> TabMessage {
    TabMessage::Event {
        v: TABS_VERSION,
        tab: tab.into(),
        epoch: epoch.into(),
        seq,
        event: json!({"kind": "agentState", "n": seq}),
    }
}

fn hello(tab: &str) -> TabMessage {
    TabMessage::Hello {
        v: TABS_VERSION,
        tab: tab.into(),
    }
}

fn event_seqs(effects: &[TabEffect]) -> Vec<u64> {
    broadcasts(effects)
        .iter()
        .filter_map(|m| match m {
            TabMessage::Event { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect()
}

/// A follower `b` that follows the verified leader `a`.
fn follower() -> Tabs {
    let mut t = Tabs::new("b".into(), "eb".into());
    t.on_message(0, msg(&lead("a", "ea")));
    t.on_locks(locks(Some("a"), &["a", "b"]));
    t.poll();
    t
}

#[test]
fn a_new_tab_says_hello_and_reads_the_locks_and_starts_as_a_follower() {
    let mut t = Tabs::new("a".into(), "ea".into());
    let effects = t.poll();
    assert!(matches!(
        broadcasts(&effects)[..],
        [TabMessage::Hello { .. }]
    ));
    assert!(effects.contains(&TabEffect::QueryLocks));
    assert!(!effects.contains(&TabEffect::StartClient));
    assert_eq!(t.info().role, Role::Follower);
    assert!(
        !t.settled(),
        "neither leading nor following a verified leader yet"
    );
    assert!(follower().settled());
    t.on_lock_granted(1, 0);
    assert!(t.settled());
}

#[test]
fn the_lock_holder_leads_starts_the_client_once_and_announces_itself() {
    let mut t = Tabs::new("a".into(), "ea".into());
    t.poll();
    t.on_lock_granted(5000, 7);
    let effects = t.poll();
    assert_eq!(
        effects
            .iter()
            .filter(|e| **e == TabEffect::StartClient)
            .count(),
        1
    );
    assert!(matches!(
        broadcasts(&effects)[..],
        [TabMessage::Lead {
            since: 5000,
            seq: 7,
            ..
        }]
    ));
    let tabs = host_events(&effects);
    assert_eq!(tabs.last().unwrap()["kind"], "tabs");
    assert_eq!(tabs.last().unwrap()["role"], "leader");
    assert_eq!(tabs.last().unwrap()["leaderSince"], 5000);
    // Granted again (cannot happen, but): nothing new.
    t.on_lock_granted(6000, 7);
    assert!(t.poll().is_empty());
    // A hello from a new tab: the leader announces itself again.
    t.on_message(
        0,
        msg(&TabMessage::Hello {
            v: 1,
            tab: "c".into(),
        }),
    );
    assert!(matches!(
        broadcasts(&t.poll())[..],
        [TabMessage::Lead { .. }]
    ));
}

#[test]
fn the_count_comes_from_the_held_tab_locks_and_every_change_is_reported_once() {
    let mut t = Tabs::new("a".into(), "ea".into());
    t.on_lock_granted(1, 0);
    t.poll();
    t.on_locks(locks(Some("a"), &["a", "b", "c"]));
    let effects = t.poll();
    assert_eq!(host_events(&effects)[0]["count"], 3);
    assert!(matches!(
        broadcasts(&effects)[..],
        [TabMessage::Lead { count: 3, .. }]
    ));
    t.on_locks(locks(Some("a"), &["a", "b", "c"]));
    assert!(t.poll().is_empty(), "no change, no event");
    t.on_locks(locks(Some("a"), &["a", "c"]));
    assert_eq!(host_events(&t.poll())[0]["count"], 2);
}

#[test]
fn a_leader_claim_is_believed_only_when_the_locks_confirm_it() {
    let mut t = Tabs::new("b".into(), "eb".into());
    t.poll();
    // A forged claim, with events, from a page that does not hold the lock.
    t.on_message(0, msg(&lead("forger", "ef")));
    t.on_message(0, msg(&event("forger", "ef", 1)));
    let effects = t.poll();
    assert!(effects.contains(&TabEffect::QueryLocks));
    assert!(!effects.iter().any(|e| matches!(e, TabEffect::Relay(_))));
    t.on_locks(locks(Some("a"), &["a", "b"]));
    let effects = t.poll();
    assert!(!effects.iter().any(|e| matches!(e, TabEffect::Relay(_))));
    assert_eq!(t.dropped().foreign, 2, "the claim and its event");
    // The real leader is asked to announce itself; its claim is confirmed.
    assert!(matches!(
        broadcasts(&effects)[..],
        [TabMessage::Hello { .. }]
    ));
    t.on_message(0, msg(&lead("a", "ea")));
    t.on_message(0, msg(&event("a", "ea", 1)));
    t.poll();
    t.on_locks(locks(Some("a"), &["a", "b"]));
    let effects = t.poll();
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, TabEffect::Relay(_)))
            .count(),
        1,
        "the event kept until the claim was confirmed"
    );
    assert_eq!(t.info().leader_since, Some(1000));
    // Events from anyone else are refused.
    t.on_message(0, msg(&event("forger", "ef", 2)));
    assert!(t.poll().iter().all(|e| !matches!(e, TabEffect::Relay(_))));
}

#[test]
fn malformed_foreign_and_other_version_messages_are_dropped_and_counted() {
    let mut t = follower();
    t.on_message(0, Err("a cycle".into()));
    t.on_message(0, Ok(json!({"t": "hello", "tab": "x"})));
    t.on_message(0, Ok(json!({"v": 2, "t": "hello", "tab": "x"})));
    t.on_message(0, Ok(json!({"v": 1, "t": "teleport", "tab": "x"})));
    t.on_message(0, Ok(json!({"v": 1, "t": "hello", "tab": "x", "extra": 1})));
    t.on_message(0, Ok(json!({"v": 1, "t": "hello", "tab": "a b"})));
    t.on_message(0, Ok(json!({"v": 1, "t": "hello", "tab": "x".repeat(65)})));
    t.on_message(0, Ok(json!({"v": 1, "t": "hello", "tab": "b"})));
    let d = t.dropped();
    assert_eq!((d.malformed, d.version, d.foreign), (6, 1, 1));
    // A call to a follower is not carried out.
    t.on_message(
        0,
        msg(&TabMessage::Call {
            v: 1,
            tab: "x".into(),
            rid: 1,
            call: Forward::CcCommand {
                name: "pauseAgent".into(),
                args: vec![],
            },
        }),
    );
    assert!(!t.poll().iter().any(|e| matches!(e, TabEffect::Run { .. })));
    assert_eq!(t.dropped().foreign, 2);
}

#[test]
fn followers_relay_the_leaders_events_in_order_once_each_and_report_holes() {
    let mut t = follower();
    for seq in [1, 2, 2, 1, 3, 6, 6] {
        t.on_message(0, msg(&event("a", "ea", seq)));
    }
    let effects = t.poll();
    let relayed: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            TabEffect::Relay(v) => v["n"].as_u64(),
            _ => None,
        })
        .collect();
    assert_eq!(relayed, [1, 2, 3, 6]);
    assert_eq!(t.dropped().duplicate, 3);
    let gap = host_events(&effects)[0];
    assert_eq!(
        (
            gap["kind"].as_str(),
            gap["from"].as_u64(),
            gap["to"].as_u64()
        ),
        (Some("gap"), Some(4), Some(5))
    );
}

#[test]
fn a_followers_request_settles_with_the_leaders_outcome_in_the_tab_that_asked() {
    let mut b = follower();
    let call = Forward::SetState {
        target: Side::Cc,
        desired: Desired::Ready,
        reason: None,
    };
    b.forward(call.clone(), Some(42)).unwrap();
    let sent = b.poll();
    let [TabMessage::Call { rid, .. }] = broadcasts(&sent)[..] else {
        panic!("{sent:?}")
    };
    let rid = *rid;

    // The leader runs it and owes a reply when the command settles.
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 0);
    a.poll();
    a.on_locks(locks(Some("a"), &["a", "b", "c"]));
    a.poll();
    a.on_message(0, msg(broadcasts(&sent)[0]));
    let run = a.poll();
    assert_eq!(
        run,
        vec![TabEffect::Run {
            call,
            from: Some(("b".into(), rid))
        }]
    );
    a.on_run_issued(("b".into(), rid), 9);
    a.on_leader_event(1, &json!({"kind": "command", "id": 9, "status": "pending"}));
    a.on_leader_event(
        2,
        &json!({"kind": "command", "id": 9, "status": "confirmed"}),
    );
    a.on_leader_event(
        2,
        &json!({"kind": "command", "id": 9, "status": "confirmed"}),
    );
    let out = a.poll();
    let out = broadcasts(&out);
    let replies: Vec<_> = out
        .iter()
        .filter(|m| matches!(m, TabMessage::Reply { .. }))
        .collect();
    assert_eq!(replies.len(), 1, "replied once");
    assert_eq!(
        out.iter()
            .filter(|m| matches!(m, TabMessage::Event { .. }))
            .count(),
        2,
        "each event relayed once"
    );

    // Another follower ignores the reply; the one that asked answers its host.
    let mut c = Tabs::new("c".into(), "ec".into());
    c.on_message(0, msg(&lead("a", "ea")));
    c.on_locks(locks(Some("a"), &["a", "b", "c"]));
    c.poll();
    c.on_message(0, msg(replies[0]));
    assert!(c
        .poll()
        .iter()
        .all(|e| !matches!(e, TabEffect::Answer { .. })));
    b.on_message(0, msg(replies[0]));
    let answered = b.poll();
    assert!(matches!(
        &answered[..],
        [TabEffect::Answer { request: 42, result: Ok(v) }] if v["status"] == "confirmed"
    ));
    // The same reply again does nothing.
    b.on_message(0, msg(replies[0]));
    assert!(b
        .poll()
        .iter()
        .all(|e| !matches!(e, TabEffect::Answer { .. })));
}

#[test]
fn a_refused_command_is_refused_in_the_tab_that_asked() {
    let mut b = follower();
    b.forward(
        Forward::CcCommand {
            name: "nope".into(),
            args: vec![],
        },
        Some(3),
    )
    .unwrap();
    b.poll();
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 0);
    a.poll();
    a.on_run_done(
        ("b".into(), 1),
        Err(RequestError {
            code: ErrorCode::InvalidParams,
            message: "unknown command".into(),
        }),
    );
    let reply = a.poll();
    b.on_message(0, msg(broadcasts(&reply)[0]));
    assert!(matches!(
        &b.poll()[..],
        [TabEffect::Answer {
            request: 3,
            result: Err(RequestError {
                code: ErrorCode::InvalidParams,
                ..
            })
        }]
    ));
}

#[test]
fn crm_reports_are_forwarded_without_waiting_for_a_reply() {
    let mut b = follower();
    b.forward(
        Forward::Crm {
            msg: json!({"type": "x"}),
        },
        None,
    )
    .unwrap();
    let sent = b.poll();
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 0);
    a.poll();
    a.on_locks(locks(Some("a"), &["a", "b"]));
    a.poll();
    a.on_message(0, msg(broadcasts(&sent)[0]));
    assert!(matches!(&a.poll()[..], [TabEffect::Run { from: None, .. }]));
}

#[test]
fn without_a_leader_a_request_is_refused_at_once_not_left_waiting() {
    let mut t = Tabs::new("b".into(), "eb".into());
    let call = Forward::CcCommand {
        name: "x".into(),
        args: vec![],
    };
    assert!(t.forward(call.clone(), Some(1)).is_err());
    t.on_lock_granted(1, 0);
    assert!(t.forward(call, Some(1)).is_err(), "a leader runs it itself");
}

#[test]
fn a_lost_leader_fails_what_was_outstanding_with_a_gap_never_silently() {
    for how in ["bye", "crash", "granted"] {
        let mut b = follower();
        let call = Forward::SetState {
            target: Side::Cc,
            desired: Desired::NotReady,
            reason: None,
        };
        b.forward(call.clone(), Some(10)).unwrap();
        b.forward(call, Some(11)).unwrap();
        b.poll();
        match how {
            "bye" => b.on_message(
                0,
                msg(&TabMessage::Bye {
                    v: 1,
                    tab: "a".into(),
                }),
            ),
            "crash" => b.on_locks(locks(None, &["b"])),
            _ => b.on_lock_granted(2000, 0),
        }
        let effects = b.poll();
        let gap = host_events(&effects)
            .into_iter()
            .find(|e| e["kind"] == "gap")
            .unwrap_or_else(|| panic!("{how}: no gap"));
        assert_eq!(gap["requests"], 2, "{how}");
        let answered: Vec<u64> = effects
            .iter()
            .filter_map(|e| match e {
                TabEffect::Answer {
                    request,
                    result: Err(_),
                } => Some(*request),
                _ => None,
            })
            .collect();
        assert_eq!(answered, [10, 11], "{how}");
        if how == "granted" {
            assert!(effects.contains(&TabEffect::StartClient));
            assert_eq!(b.info().leader_since, Some(2000));
        }
    }
}

#[test]
fn a_new_leaders_stream_is_followed_from_its_start() {
    let mut t = follower();
    t.on_message(0, msg(&event("a", "ea", 5)));
    t.on_locks(locks(None, &["b", "c"]));
    t.on_message(0, msg(&lead("c", "ec")));
    t.on_locks(locks(Some("c"), &["b", "c"]));
    let gap = t.poll();
    let gap = host_events(&gap)
        .into_iter()
        .find(|e| e["kind"] == "gap")
        .cloned()
        .expect("a hand-over is reported as a gap");
    assert_eq!(
        (gap["reason"].as_str(), gap["after"].as_u64()),
        (Some("handOver"), Some(5))
    );
    t.on_message(0, msg(&event("c", "ec", 1)));
    t.on_message(0, msg(&event("a", "ea", 6)));
    let effects = t.poll();
    let relayed: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            TabEffect::Relay(v) => v["n"].as_u64(),
            _ => None,
        })
        .collect();
    assert_eq!(relayed, [1], "the old leader's late event is refused");
}

#[test]
fn a_leader_relays_its_whole_stream_followers_keep_all_but_its_health_and_tabs_events() {
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 3);
    a.on_message(1, msg(&hello("b")));
    a.poll();
    a.on_leader_event(2, &json!({"kind": "agentState"}));
    a.on_leader_event(4, &json!({"kind": "health"}));
    a.on_leader_event(5, &json!({"kind": "tabs"}));
    a.on_leader_event(6, &json!({"kind": "ccHealth"}));
    let seqs: Vec<u64> = broadcasts(&a.poll())
        .iter()
        .filter_map(|m| match m {
            TabMessage::Event { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect();
    assert_eq!(
        seqs,
        [4, 5, 6],
        "from after the last seq at election, unbroken"
    );
    let mut b = follower();
    for (seq, kind) in [(1, "health"), (2, "tabs"), (3, "ccHealth")] {
        b.on_message(
            0,
            msg(&TabMessage::Event {
                v: 1,
                tab: "a".into(),
                epoch: "ea".into(),
                seq,
                event: json!({ "kind": kind }),
            }),
        );
    }
    let effects = b.poll();
    let kept: Vec<&Value> = effects
        .iter()
        .filter_map(|e| match e {
            TabEffect::Relay(v) => Some(&v["kind"]),
            _ => None,
        })
        .collect();
    assert_eq!(kept, [&json!("ccHealth")]);
    assert!(
        host_events(&effects).is_empty(),
        "no gap for what is not kept"
    );
}

#[test]
fn lock_and_channel_names_come_from_the_configured_contact_centre() {
    let x = json!({"kind": "xuc", "baseUrl": "http://a", "agentId": "19"});
    let scope = Scope::from_contact_centre(&x).unwrap();
    assert!(scope.channel().starts_with("cti-bridge/tabs/v1/xuc/"));
    assert_eq!(Scope::from_contact_centre(&x), Some(scope.clone()));
    let other = json!({"kind": "xuc", "baseUrl": "http://a", "agentId": "20"});
    assert_ne!(Scope::from_contact_centre(&other), Some(scope.clone()));
    // Key order and settings that do not say which agent (timings, seeds) change nothing.
    let reordered = json!({"agentId": "19", "timing": {"heartbeatMs": 1000}, "baseUrl": "http://a", "kind": "xuc"});
    assert_eq!(Scope::from_contact_centre(&reordered), Some(scope.clone()));
    // Another server, another account, another kind: another agent.
    let server = json!({"kind": "xuc", "baseUrl": "http://b", "agentId": "19"});
    assert_ne!(Scope::from_contact_centre(&server), Some(scope.clone()));
    let axp = |account: &str| json!({"kind": "axp", "restBase": "http://a", "accountId": account, "agentId": "19"});
    assert_ne!(
        Scope::from_contact_centre(&axp("A")),
        Scope::from_contact_centre(&axp("B"))
    );
    let as_axp = json!({"kind": "axp", "baseUrl": "http://a", "agentId": "19"});
    assert_ne!(Scope::from_contact_centre(&as_axp), Some(scope.clone()));
    assert_eq!(Scope::from_contact_centre(&json!({"kind": "nope"})), None);
    assert_eq!(Scope::from_contact_centre(&json!(null)), None);
    let lock = scope.tab_lock("t1");
    assert_eq!(scope.tab_of(&lock), Some("t1"));
    assert_eq!(scope.tab_of(&scope.leader_lock()), None);
    assert_eq!(scope.tab_of("other/tab/t1"), None);
    assert_eq!(scope.tab_of(&format!("{}/tab/a b", scope.channel())), None);
}

#[test]
fn a_screen_pop_opens_in_the_focused_visible_tab_else_the_last_shown_else_the_leader() {
    let view = |tab: &str, visible, focused, active_at| TabView {
        tab: tab.into(),
        visible,
        focused,
        active_at,
    };
    let tabs = [
        view("a", true, false, 9),
        view("c", true, true, 5),
        view("b", true, true, 5),
    ];
    assert_eq!(
        screen_pop_tab(PopTarget::Focused, &tabs, "a"),
        "b",
        "focused; tie: smallest id"
    );
    assert_eq!(screen_pop_tab(PopTarget::Leader, &tabs, "a"), "a");
    let later = [view("b", true, true, 5), view("c", true, true, 7)];
    assert_eq!(
        screen_pop_tab(PopTarget::Focused, &later, "a"),
        "c",
        "focused last"
    );
    let unfocused = [
        view("b", true, false, 3),
        view("c", true, false, 8),
        view("d", false, true, 9),
    ];
    assert_eq!(
        screen_pop_tab(PopTarget::Focused, &unfocused, "a"),
        "c",
        "shown last"
    );
    let hidden = [view("b", false, true, 1), view("c", false, false, 2)];
    assert_eq!(
        screen_pop_tab(PopTarget::Focused, &hidden, "a"),
        "a",
        "else the leader"
    );
    assert_eq!(PopTarget::parse("leader"), Some(PopTarget::Leader));
    assert_eq!(PopTarget::parse("focused"), Some(PopTarget::Focused));
    assert_eq!(PopTarget::parse("Leader"), None);
}

/// A CRM Connector request the bridge made, with this envelope.
fn crm_request(wire: Value) -> Output {
    Output::CrmRequest(crate::bridge::CrmRequest {
        target: Side::Crm,
        source: crate::model::Source::CrmConnector,
        wire,
    })
}

/// An event of the live client with this body.
fn live_event(body: EventBody) -> Output {
    Output::Event(crate::model::Event {
        seq: 7,
        source: crate::model::Source::Xuc,
        body,
        envelope: Default::default(),
    })
}

fn pop() -> Output {
    crm_request(
        json!({"type": "CRMConnectMessage", "action": "requestPerformInteractionScreenPop",
        "data": {"aniValues": ["0427"]}}),
    )
}

fn screen_pop() -> Output {
    live_event(EventBody::ScreenPop {
        interaction_id: Some("SIP/abc-0001".into()),
        ani: vec!["0427".into()],
        dnis: None,
        media: Some("voice".into()),
        queue: None,
        fields: Vec::new(),
        data: Default::default(),
    })
}

fn agent_state() -> Output {
    live_event(EventBody::AgentState {
        state: crate::model::AgentStateKind::Ready,
        reason: None,
        cause: None,
        agent_id: Some("1000".into()),
        vendor_state: Some("AgentReady".into()),
        phone_number: None,
        queues: Vec::new(),
        data: Default::default(),
    })
}

fn view_of(tab: &str, visible: bool, focused: bool, active_at: u64) -> TabMessage {
    TabMessage::View {
        v: TABS_VERSION,
        tab: tab.into(),
        visible,
        focused,
        active_at,
    }
}

#[test]
fn the_leader_sends_a_screen_pop_to_the_one_tab_the_agent_looks_at_and_keeps_the_rest() {
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 0);
    a.on_view(1, false, false); // The leader's tab is in the background.
    a.on_locks(locks(Some("a"), &["a", "b", "c"]));
    a.on_message(2, msg(&view_of("b", true, false, 2)));
    a.on_message(3, msg(&view_of("c", true, true, 3)));
    a.on_message(4, msg(&view_of("forger", true, true, 9))); // Holds no tab lock.
    a.poll();
    assert_eq!(a.pop_tab(), "c");
    assert!(!a.pop_here(&pop()), "sent to c, not shown here");
    let effects = a.poll();
    let sent = broadcasts(&effects);
    assert!(
        matches!(sent.as_slice(), [TabMessage::Pop { to, event, .. }]
            if to == "c" && *event == crate::json_write::to_value(&pop()))
    );
    // Not pops: delivered here (and relayed as usual); the interaction log
    // is the leader's alone.
    let log = crm_request(json!({"type": "CRMConnectMessage",
        "action": "requestSaveInteractionLog", "data": {}}));
    assert!(a.pop_here(&log));
    assert!(a.pop_here(&agent_state()));
    assert!(a.poll().is_empty());
    // The live client's own screen pop is one too.
    assert!(!a.pop_here(&screen_pop()), "sent to c as well");
    let effects = a.poll();
    assert!(
        matches!(broadcasts(&effects).as_slice(), [TabMessage::Pop { to, event, .. }]
        if to == "c" && event["kind"] == "screenPop" && event["ani"] == json!(["0427"]))
    );
    // c closes: b, visible, is the one now; then the leader's own tab comes to the front.
    a.on_locks(locks(Some("a"), &["a", "b"]));
    assert_eq!(a.pop_tab(), "b");
    a.on_view(10, true, true);
    assert_eq!(a.pop_tab(), "a");
    assert!(a.pop_here(&screen_pop()));
    a.set_pop_target(PopTarget::Leader);
    a.on_message(11, msg(&view_of("b", true, true, 11)));
    assert_eq!(a.pop_tab(), "a", "screenPopTab: leader");
}

#[test]
fn a_follower_opens_the_pops_its_leader_sends_it_and_tells_the_leader_its_view() {
    let mut b = follower();
    b.on_view(5, true, true);
    let effects = b.poll();
    assert!(matches!(
        broadcasts(&effects).as_slice(),
        [TabMessage::View {
            focused: true,
            active_at: 5,
            ..
        }]
    ));
    let to = |to: &str, from: &str| TabMessage::Pop {
        v: TABS_VERSION,
        tab: from.into(),
        to: to.into(),
        event: crate::json_write::to_value(&pop()),
    };
    b.on_message(6, msg(&to("b", "a")));
    assert_eq!(
        b.poll(),
        vec![TabEffect::Pop(crate::json_write::to_value(&pop()))]
    );
    b.on_message(7, msg(&to("c", "a")));
    assert!(b.poll().is_empty(), "another tab's pop");
    let before = b.dropped().foreign;
    b.on_message(8, msg(&to("b", "forger")));
    assert!(b.poll().is_empty());
    assert_eq!(b.dropped().foreign, before + 1, "a pop not from the leader");
}

#[test]
fn a_new_leader_learns_every_tab_view() {
    // b follows a; b's view went out when it started following.
    let mut b = Tabs::new("b".into(), "eb".into());
    b.on_message(0, msg(&lead("a", "ea")));
    b.on_locks(locks(Some("a"), &["a", "b"]));
    let effects = b.poll();
    assert!(broadcasts(&effects)
        .iter()
        .any(|m| matches!(m, TabMessage::View { tab, .. } if tab == "b")));
}

#[test]
fn multi_tab_reads_from_the_config() {
    assert_eq!(
        serde_json::from_value::<MultiTab>(json!("independent")).unwrap(),
        MultiTab::Independent
    );
    assert_eq!(MultiTab::default(), MultiTab::Shared);
    assert!(serde_json::from_value::<MultiTab>(json!("both")).is_err());
}

#[test]
fn the_crm_connector_start_up_stays_in_its_tab_other_reports_go_to_the_leader() {
    assert!(crm_stays_local(
        &json!({"type": "ClientAppMessage", "action": "ready"})
    ));
    assert!(crm_stays_local(&json!({"type": "x", "action": "CRM_DATA"})));
    assert!(!crm_stays_local(
        &json!({"type": "x", "action": "presenceChanged"})
    ));
    assert!(!crm_stays_local(&json!({"type": "x"})));
}

#[test]
fn a_leader_runs_calls_only_from_tabs_that_hold_their_tab_lock() {
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 0);
    a.on_locks(locks(Some("a"), &["a"]));
    a.poll();
    let call = |tab: &str| TabMessage::Call {
        v: 1,
        tab: tab.into(),
        rid: 1,
        call: Forward::CcCommand {
            name: "pauseAgent".into(),
            args: vec![],
        },
    };
    // Unknown yet: held until the locks are read again.
    a.on_message(0, msg(&call("forger")));
    a.on_message(0, msg(&call("b")));
    let effects = a.poll();
    assert!(!effects.iter().any(|e| matches!(e, TabEffect::Run { .. })));
    assert!(effects.contains(&TabEffect::QueryLocks));
    a.on_locks(locks(Some("a"), &["a", "b"]));
    let effects = a.poll();
    let runs: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            TabEffect::Run { from, .. } => from.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(runs, [("b".to_owned(), 1)]);
    assert_eq!(a.dropped().foreign, 1, "the forger's call");
}

#[test]
fn a_follower_answers_snapshot_with_the_leaders_state_from_the_leader_only() {
    // The leader sends its state to a tab that says hello.
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 0);
    a.on_leader_event(
        1,
        &json!({"kind": "ccHealth", "source": "xuc", "state": "live"}),
    );
    a.poll();
    a.on_message(
        2,
        msg(&TabMessage::Hello {
            v: 1,
            tab: "b".into(),
        }),
    );
    assert!(a.poll().contains(&TabEffect::SendState));
    a.on_leader_state(json!({"agentState": "ready"}), json!({"health": "live"}));
    let effects = a.poll();
    let state = broadcasts(&effects)[0].clone();
    assert!(matches!(state, TabMessage::State { .. }));
    assert_eq!(a.leader_state(), None, "a leader answers from its own");

    // A new tab: the state comes with the leader's claim, kept once the locks confirm it.
    let mut b = Tabs::new("b".into(), "eb".into());
    b.on_message(3, msg(&lead("a", "ea")));
    b.on_message(3, msg(&state));
    assert_eq!(b.leader_state(), None, "not believed yet");
    b.on_locks(locks(Some("a"), &["a", "b"]));
    assert_eq!(
        b.leader_state(),
        Some(&(json!({"agentState": "ready"}), json!({"health": "live"})))
    );
    // Its host gets the leader's health once, when it starts following.
    let health = json!({"kind": "ccHealth", "source": "xuc", "state": "live"});
    assert!(host_events(&b.poll()).contains(&&health));
    b.on_message(3, msg(&state));
    assert!(!host_events(&b.poll()).contains(&&health), "once");
    // A forged state is dropped.
    let forged = TabMessage::State {
        v: 1,
        tab: "forger".into(),
        snapshot: json!({"agentState": "forged"}),
        cc: Value::Null,
        health: None,
    };
    let before = b.dropped().foreign;
    b.on_message(4, msg(&forged));
    assert_eq!(b.dropped().foreign, before + 1);
    assert_eq!(b.leader_state().unwrap().0, json!({"agentState": "ready"}));
}

#[test]
fn every_tab_message_reads_back_what_it_wrote_and_strict_types_are_refused() {
    let messages = [
        json!({"t": "view", "v": 1, "tab": "a", "visible": true, "focused": false, "active_at": 5}),
        json!({"t": "state", "v": 1, "tab": "a", "snapshot": {"agentState": "ready"}, "cc": {}, "health": null}),
        json!({"t": "pop", "v": 1, "tab": "a", "to": "b", "event": {"kind": "screenPop"}}),
    ];
    for m in messages {
        let read: TabMessage = serde_json::from_value(m.clone()).expect("reads");
        let written = serde_json::to_value(&read).expect("writes");
        let again: TabMessage = serde_json::from_value(written).expect("reads again");
        assert_eq!(read, again, "{m}");
    }
    for bad in [
        json!({"t": "view", "v": 1, "tab": "a", "visible": "true", "focused": false, "active_at": 5}),
        json!({"t": "view", "v": 1, "tab": "a", "visible": true, "focused": false}),
        json!({"t": "pop", "v": 1, "tab": "a", "to": "b", "event": {}, "extra": 1}),
        json!({"t": "state", "v": 1, "tab": "a", "cc": {}}),
    ] {
        assert!(
            serde_json::from_value::<TabMessage>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn a_leader_alone_relays_nothing_and_a_tab_that_joins_gets_every_event_from_its_hello_in_order() {
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 0);
    a.on_locks(locks(Some("a"), &["a"]));
    a.poll();
    assert!(!a.followed());
    a.on_leader_event(1, &json!({"kind": "ccHealth", "state": "live"}));
    for seq in 2..=3 {
        a.on_leader_event(seq, &json!({"kind": "agentState", "n": seq}));
    }
    a.on_leader_state(json!({"agentState": "ready"}), Value::Null);
    assert!(broadcasts(&a.poll()).is_empty(), "nobody listens: no post");
    assert_eq!(a.relayed(), 3, "the numbering goes on while alone");

    // A tab says hello: the leader announces itself, is asked for its state
    // (with the health it kept while alone), and relays from there on.
    a.on_message(5, msg(&hello("b")));
    assert!(a.followed());
    let effects = a.poll();
    assert!(effects.contains(&TabEffect::SendState));
    let claim = broadcasts(&effects)[0].clone();
    assert!(matches!(claim, TabMessage::Lead { .. }));
    a.on_leader_state(json!({"agentState": "ready"}), Value::Null);
    let state = broadcasts(&a.poll())[0].clone();
    assert!(matches!(&state, TabMessage::State { health: Some(h), .. } if h["state"] == "live"));
    for seq in 4..=9 {
        a.on_leader_event(seq, &json!({"kind": "agentState", "n": seq}));
    }
    let effects = a.poll();
    assert_eq!(event_seqs(&effects), [4, 5, 6, 7, 8, 9]);

    // The new tab follows: every event in order, no gap.
    let mut b = Tabs::new("b".into(), "eb".into());
    b.on_message(5, msg(&claim));
    b.on_message(5, msg(&state));
    b.on_locks(locks(Some("a"), &["a", "b"]));
    b.poll();
    for m in broadcasts(&effects) {
        b.on_message(6, msg(m));
    }
    let effects = b.poll();
    let relayed: Vec<&Value> = effects
        .iter()
        .filter_map(|e| match e {
            TabEffect::Relay(v) => Some(&v["n"]),
            _ => None,
        })
        .collect();
    assert_eq!(relayed, [4, 5, 6, 7, 8, 9]);
    assert!(host_events(&effects).is_empty(), "no gap");

    // It leaves: alone again.
    a.on_message(
        7,
        msg(&TabMessage::Bye {
            v: TABS_VERSION,
            tab: "b".into(),
        }),
    );
    a.on_leader_event(10, &json!({"kind": "agentState"}));
    assert!(event_seqs(&a.poll()).is_empty());

    // A tab seen holding its lock and gone from the locks (crashed, no bye): alone again.
    a.on_message(8, msg(&hello("c")));
    a.on_locks(locks(Some("a"), &["a", "c"]));
    a.on_leader_event(11, &json!({"kind": "agentState"}));
    assert_eq!(event_seqs(&a.poll()), [11]);
    a.on_locks(locks(Some("a"), &["a"]));
    assert!(!a.followed());

    // A tab heard but not yet in the locks (a view read before it took its
    // lock) is still listened to: a stale view never cuts its stream.
    a.on_message(9, msg(&hello("d")));
    a.on_locks(locks(Some("a"), &["a"]));
    assert!(a.followed());
    a.on_leader_event(12, &json!({"kind": "agentState"}));
    assert_eq!(event_seqs(&a.poll()), [12]);
}

#[test]
fn a_lone_leader_reads_back_only_the_texts_it_keeps_and_relays_every_one_once_followed() {
    use crate::channel::EventText;
    let mut a = Tabs::new("a".into(), "ea".into());
    a.on_lock_granted(1, 0);
    a.poll();
    let state = json!({"kind": "agentState", "source": "xuc", "state": "ready"});
    let health = json!({"kind": "ccHealth", "source": "xuc", "state": "live"});
    // Alone: the numbering moves on, nothing is posted, the health is kept.
    a.on_leader_text(1, &EventText::of(&state));
    a.on_leader_text(2, &EventText::of(&health));
    a.on_leader_text(3, &EventText::of(&state));
    assert_eq!(a.relayed(), 3);
    assert!(
        broadcasts(&a.poll()).is_empty(),
        "nothing relayed for nobody"
    );
    // A tab joins: its state carries the health seen while alone.
    a.on_message(
        4,
        msg(&TabMessage::Hello {
            v: 1,
            tab: "b".into(),
        }),
    );
    a.poll();
    a.on_leader_state(json!({"agentState": "ready"}), Value::Null);
    let effects = a.poll();
    match broadcasts(&effects).first() {
        Some(TabMessage::State { health: kept, .. }) => assert_eq!(kept.as_ref(), Some(&health)),
        other => panic!("expected the leader's state, got {other:?}"),
    }
    // Followed: every event goes, in order, each once, read back as it was.
    a.on_leader_text(4, &EventText::of(&state));
    a.on_leader_text(4, &EventText::of(&state));
    a.on_leader_text(5, &EventText::of(&health));
    let effects = a.poll();
    assert_eq!(event_seqs(&effects), [4, 5]);
    match broadcasts(&effects).first() {
        Some(TabMessage::Event { event, .. }) => assert_eq!(event, &state),
        other => panic!("expected an event, got {other:?}"),
    }
}

#[test]
fn the_locks_view_reads_the_held_pairs_of_its_scope() {
    let scope = Scope::from_contact_centre(&json!({"kind": "xuc", "login": "a"})).unwrap();
    let held = json!([
        [scope.tab_lock("one"), "c1"],
        [scope.tab_lock("two"), "c2"],
        [scope.leader_lock(), "c2"],
        // Skipped: another scope's tab, a bad tab id, not a pair.
        ["cti-bridge/tabs/v1/xuc/0000000000000000/tab/x", "c3"],
        [scope.tab_lock("a b"), "c4"],
        [scope.tab_lock("three")],
        "text",
        [scope.tab_lock("four"), "c4"],
    ]);
    let view = scope.locks_view(&held);
    assert_eq!(view, locks(Some("two"), &["one", "two", "four"]));
    // No leader lock held: no leader; not a list: nothing.
    let alone = json!([[scope.tab_lock("one"), "c1"]]);
    assert_eq!(scope.locks_view(&alone), locks(None, &["one"]));
    assert_eq!(scope.locks_view(&json!({"held": []})), LocksView::default());
}

/// [`screen_pop_tab`] against the iterator chain it was before its one
/// loop (bench/README.md, `lean-size-core5`): every set of up to four views
/// from a small grid (ids, shown, focused, times, with equal ones).
#[test]
fn the_pop_tab_is_the_one_the_chained_choice_picked() {
    fn reference<'a>(tabs: &'a [TabView], leader: &'a str) -> &'a str {
        let best = |focused: bool| {
            tabs.iter()
                .filter(|t| t.visible && (t.focused || !focused))
                .min_by(|a, b| b.active_at.cmp(&a.active_at).then(a.tab.cmp(&b.tab)))
        };
        best(true)
            .or_else(|| best(false))
            .map_or(leader, |t| &t.tab)
    }
    let view = |tab: &str, visible, focused, active_at| TabView {
        tab: tab.into(),
        visible,
        focused,
        active_at,
    };
    let mut grid = Vec::new();
    for id in ["a", "b", "c"] {
        for (visible, focused) in [(true, true), (true, false), (false, true), (false, false)] {
            for at in [1, 2] {
                grid.push(view(id, visible, focused, at));
            }
        }
    }
    let mut checked = 0;
    for n in 0..=4usize {
        // Every n-tuple of grid indices (with repeats), a deterministic stride.
        let count = grid.len().pow(n as u32);
        for k in (0..count).step_by(if n > 2 { 7 } else { 1 }) {
            let mut rest = k;
            let tabs: Vec<TabView> = (0..n)
                .map(|_| {
                    let v = grid[rest % grid.len()].clone();
                    rest /= grid.len();
                    v
                })
                .collect();
            assert_eq!(
                screen_pop_tab(PopTarget::Focused, &tabs, "lead"),
                reference(&tabs, "lead"),
                "{tabs:?}"
            );
            assert_eq!(screen_pop_tab(PopTarget::Leader, &tabs, "lead"), "lead");
            checked += 1;
        }
    }
    assert!(checked > 40_000, "{checked}");
}
