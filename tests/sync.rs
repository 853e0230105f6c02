//! Sync engine: the omnichannel rules (docs/protocols.md#crm-connector-omnichannel) in each mode, command
//! tracking (pending -> confirmed | rejected | superseded), and loop freedom.

mod common;

use cti_bridge::{Bridge, Command, CommandStatus, Config, Mode, Output, Source};
use proptest::prelude::*;
use serde_json::{json, Value};

fn xuc_state(name: &str) -> Value {
    json!({"msgType": "AgentStateEvent",
           "ctiMessage": {"name": name, "agentId": 19, "phoneNb": "1000", "since": 0, "queues": [1]}})
}

fn crm_status(status_id: &str, success: bool) -> Value {
    json!({"type": "ClientAppMessage", "action": "omnichannelResponse",
           "data": {"statusId": status_id, "success": success}})
}

fn axp(body: Value) -> Value {
    json!({"correlationId": "c", "subscriptionId": "s", "family": "AGENT_ENGAGEMENT",
           "sentAt": "2020-08-24T08:20:23.395Z", "accountId": "DYNNUG", "body": body})
}

fn axp_participant(action: &str, id: &str) -> Value {
    axp(
        json!({"event": "AgentParticipant", "engagementId": "e1", "action": action,
               "agentId": "a1", "channelId": "Voice", "id": id}),
    )
}

fn openframe(event: &str, body: Value) -> Value {
    json!({"event": event, "data": {"result": body}})
}

fn work_item(sys_id: &str, doc: &str) -> Value {
    json!({"workItem": {"sys_id": sys_id, "size": 1, "serviceChannel": {"name": "Case"},
                        "document": {"sys_id": doc, "table": "interaction"}}})
}

/// Feeds one message; returns the commands it produced.
fn feed(bridge: &mut Bridge, source: Source, msg: Value) -> Vec<Command> {
    feed_at(bridge, source, msg, None)
}

fn feed_at(bridge: &mut Bridge, source: Source, msg: Value, at: Option<u64>) -> Vec<Command> {
    bridge
        .ingest(source, &msg, at)
        .unwrap_or_else(|e| panic!("{msg}: {e}"))
        .into_iter()
        .filter_map(|o| match o {
            Output::Command(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn json_of(c: &Command) -> Value {
    serde_json::to_value(c).expect("serializable")
}

fn one(commands: Vec<Command>) -> Command {
    assert_eq!(commands.len(), 1, "{commands:#?}");
    commands.into_iter().next().expect("one command")
}

#[test]
fn synchronized_agent_ready_makes_crm_available_and_the_echo_confirms_it() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    let cmd = one(feed(&mut b, Source::Xuc, xuc_state("AgentReady")));
    assert_eq!(
        json_of(&cmd),
        json!({"kind": "command", "id": 1, "target": "crm", "source": "crm-connector",
               "state": "ready", "cause": "follow", "status": "pending",
               "wire": {"type": "CRMConnectMessage", "action": "requestSyncOmnichannel",
                        "data": {"statusId": "Available", "success": true}}})
    );
    // The CRM applies it and reports back: confirmed, nothing goes back to xuc.
    let confirmed = one(feed(
        &mut b,
        Source::CrmConnector,
        crm_status("Available", true),
    ));
    assert_eq!(
        (confirmed.id, confirmed.status),
        (1, CommandStatus::Confirmed)
    );
    assert!(b.snapshot().pending.is_empty());
}

#[test]
fn synchronized_crm_busy_pauses_the_agent_on_xuc() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(&mut b, Source::Xuc, xuc_state("AgentReady"));
    feed(&mut b, Source::CrmConnector, crm_status("Available", true));
    // The user picks "Busy;Busy" in the CRM.
    let cmd = one(feed(
        &mut b,
        Source::CrmConnector,
        crm_status("Busy;Busy", true),
    ));
    assert_eq!(
        json_of(&cmd)["wire"],
        json!({"claz": "web", "command": "pauseAgent", "agentid": 19})
    );
    assert_eq!(json_of(&cmd)["target"], "cc");
    assert_eq!(json_of(&cmd)["source"], "xuc");
    let confirmed = one(feed(&mut b, Source::Xuc, xuc_state("AgentOnPause")));
    assert_eq!(confirmed.status, CommandStatus::Confirmed);
    // Back to Available in the CRM: the agent is unpaused.
    let cmd = one(feed(
        &mut b,
        Source::CrmConnector,
        crm_status("Available", true),
    ));
    assert_eq!(
        json_of(&cmd)["wire"],
        json!({"claz": "web", "command": "unpauseAgent", "agentid": 19})
    );
}

#[test]
fn complementary_never_leaves_both_sides_ready() {
    let mut b = Bridge::new(Mode::Complementary, Config::default());
    feed(&mut b, Source::Xuc, xuc_state("AgentOnPause"));
    // CRM becomes Available: the agent (already paused) is left alone.
    assert!(feed(&mut b, Source::CrmConnector, crm_status("Available", true)).is_empty());
    // The agent goes Ready: the CRM is made Not Ready.
    let cmd = one(feed(&mut b, Source::Xuc, xuc_state("AgentReady")));
    assert_eq!(json_of(&cmd)["cause"], "complement");
    assert_eq!(json_of(&cmd)["wire"]["data"]["statusId"], "Busy");
    feed(&mut b, Source::CrmConnector, crm_status("Busy", true));
    // The CRM goes Available again: the agent is paused.
    let cmd = one(feed(
        &mut b,
        Source::CrmConnector,
        crm_status("Available", true),
    ));
    assert_eq!(json_of(&cmd)["wire"]["command"], "pauseAgent");
    // Both Not Ready is allowed: no command.
    feed(&mut b, Source::Xuc, xuc_state("AgentOnPause"));
    assert!(feed(&mut b, Source::CrmConnector, crm_status("Busy", true)).is_empty());
}

#[test]
fn accepted_crm_work_item_pauses_the_agent_and_its_end_restores_ready() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(&mut b, Source::Xuc, xuc_state("AgentReady"));
    feed(
        &mut b,
        Source::Openframe,
        openframe(
            "openframe_awa_agent_presence",
            json!({"presence": {"name": "Available", "sys_id": "p1", "available": true}}),
        ),
    );
    // Offered: nothing yet. Accepted: the agent is paused because of CRM work.
    assert!(feed(
        &mut b,
        Source::Openframe,
        openframe("openframe_awa_workitem_offered", work_item("w1", "i1"))
    )
    .is_empty());
    let cmd = one(feed(
        &mut b,
        Source::Openframe,
        openframe("openframe_awa_workitem_accepted", work_item("w1", "i1")),
    ));
    assert_eq!(json_of(&cmd)["cause"], "work");
    assert_eq!(json_of(&cmd)["wire"]["command"], "pauseAgent");
    one(feed(&mut b, Source::Xuc, xuc_state("AgentOnPause")));
    assert_eq!(b.snapshot().work_items.len(), 1);
    // The agent is off the interaction the work item pointed at: ready again.
    let cmd = one(feed(
        &mut b,
        Source::Openframe,
        openframe(
            "openframe_agent_off_interaction",
            json!({"interaction": {"sys_id": "i1", "number": "IMS1", "type": "chat",
                               "reason": "INTERACTION_INACTIVE"}}),
        ),
    ));
    assert_eq!(json_of(&cmd)["cause"], "restore");
    assert_eq!(json_of(&cmd)["wire"]["command"], "unpauseAgent");
    assert!(b.snapshot().work_items.is_empty());
}

#[test]
fn connected_contact_makes_crm_not_ready_until_after_contact_work_completes() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(
        &mut b,
        Source::Axp,
        axp(json!({"event": "AgentState", "agentId": "a1",
        "state": "READY", "id": "s1"})),
    );
    feed(&mut b, Source::CrmConnector, crm_status("Available", true));
    assert!(feed(
        &mut b,
        Source::Axp,
        axp(json!({"event": "MatchOffered",
        "engagementId": "e1", "id": "m1"}))
    )
    .is_empty());
    let cmd = one(feed(&mut b, Source::Axp, axp_participant("ADDED", "p1")));
    assert_eq!(
        (
            json_of(&cmd)["target"].clone(),
            json_of(&cmd)["state"].clone(),
            json_of(&cmd)["cause"].clone()
        ),
        (json!("crm"), json!("notReady"), json!("work"))
    );
    one(feed(&mut b, Source::CrmConnector, crm_status("Busy", true)));
    // Hold / resume / hang-up / wrap-up keep the agent occupied: no flapping.
    for (i, action) in ["HELD", "UNHELD", "REMOVED"].into_iter().enumerate() {
        assert!(feed(
            &mut b,
            Source::Axp,
            axp_participant(action, &format!("q{i}"))
        )
        .is_empty());
    }
    assert!(feed(
        &mut b,
        Source::Axp,
        axp(json!({"event": "AfterContactWorkActivated",
        "engagementId": "e1", "agentId": "a1", "id": "w1"}))
    )
    .is_empty());
    let cmd = one(feed(
        &mut b,
        Source::Axp,
        axp(json!({"event": "AfterContactWorkCompleted",
        "engagementId": "e1", "agentId": "a1", "id": "w2"})),
    ));
    assert_eq!(
        (
            json_of(&cmd)["state"].clone(),
            json_of(&cmd)["cause"].clone()
        ),
        (json!("ready"), json!("restore"))
    );
}

#[test]
fn a_contact_that_ends_in_a_pause_keeps_the_crm_not_ready() {
    // A missed offer on xuc: ringing, released unanswered, then the server pauses the agent.
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(&mut b, Source::CrmConnector, crm_status("Available", true));
    feed(&mut b, Source::Xuc, xuc_state("AgentReady"));
    let phone = |event: &str| {
        json!({"msgType": "PhoneEvent", "ctiMessage": {"eventType": event, "DN": "1000",
               "otherDN": "0612345678", "linkedId": "c1", "uniqueId": "c1", "userData": {}}})
    };
    feed(&mut b, Source::Xuc, phone("EventRinging"));
    let cmd = one(feed(&mut b, Source::Xuc, xuc_state("AgentRinging")));
    assert_eq!(json_of(&cmd)["cause"], "work");
    feed(&mut b, Source::CrmConnector, crm_status("Busy", true));
    feed(&mut b, Source::Xuc, phone("EventReleased"));
    // The agent comes out of the contact Not Ready: the CRM follows it, no restore to Ready.
    let after = feed(&mut b, Source::Xuc, xuc_state("AgentOnPause"));
    assert!(
        after.iter().all(|c| json_of(c)["state"] != "ready"),
        "{after:#?}"
    );
    // When the agent is Ready again, the CRM follows.
    let cmd = one(feed(&mut b, Source::Xuc, xuc_state("AgentReady")));
    assert_eq!(
        (
            json_of(&cmd)["target"].clone(),
            json_of(&cmd)["state"].clone()
        ),
        (json!("crm"), json!("ready"))
    );
}

#[test]
fn ready_while_the_other_side_has_work_is_undone() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(&mut b, Source::Xuc, xuc_state("AgentOnPause"));
    feed(
        &mut b,
        Source::Openframe,
        openframe("openframe_awa_workitem_accepted", work_item("w1", "i1")),
    );
    // The agent clicks Ready on the phone while a CRM case is open: paused again.
    let cmd = one(feed(&mut b, Source::Xuc, xuc_state("AgentReady")));
    assert_eq!(
        (
            json_of(&cmd)["state"].clone(),
            json_of(&cmd)["cause"].clone()
        ),
        (json!("notReady"), json!("work"))
    );
}

#[test]
fn a_change_the_host_asked_for_is_followed_once_confirmed() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(&mut b, Source::Xuc, xuc_state("AgentReady"));
    feed(&mut b, Source::CrmConnector, crm_status("Available", true));
    // The host asks the agent to go Not Ready; once xuc confirms, the CRM follows.
    let out = b.request(
        cti_bridge::model::Side::Cc,
        cti_bridge::Desired::NotReady,
        None,
        None,
    );
    assert_eq!(out.len(), 1);
    let out = feed(&mut b, Source::Xuc, xuc_state("AgentOnPause"));
    assert_eq!(out.len(), 2, "{out:#?}");
    assert_eq!(out[0].status, CommandStatus::Confirmed);
    assert_eq!(json_of(&out[1])["target"], "crm");
    assert_eq!(json_of(&out[1])["state"], "notReady");
    assert_eq!(json_of(&out[1])["cause"], "follow");
}

#[test]
fn crm_refusal_and_agent_errors_reject_the_pending_command() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    one(feed(&mut b, Source::Xuc, xuc_state("AgentReady")));
    let rejected = one(feed(
        &mut b,
        Source::CrmConnector,
        crm_status("Available", false),
    ));
    assert_eq!(rejected.status, CommandStatus::Rejected);
    assert_eq!(
        rejected.detail.as_deref(),
        Some("CRM could not set status `Available`")
    );

    feed(&mut b, Source::CrmConnector, crm_status("Available", true));
    one(feed(&mut b, Source::CrmConnector, crm_status("Busy", true)));
    let rejected = one(feed(
        &mut b,
        Source::Xuc,
        json!({"msgType": "AgentError", "ctiMessage": {"Error": "PhoneNumberUnknown"}}),
    ));
    assert_eq!(rejected.status, CommandStatus::Rejected);
    assert_eq!(
        rejected.detail.as_deref(),
        Some("contact centre refused: PhoneNumberUnknown")
    );
}

#[test]
fn a_restated_state_leaves_the_pending_command_pending() {
    // After a reconnection the contact centre restates the agent's state; a command
    // sent just before is not answered by that, only by a change.
    let mut b = Bridge::new(Mode::Off, Config::default());
    feed(&mut b, Source::Xuc, xuc_state("AgentReady"));
    let cmd = b
        .request(
            cti_bridge::model::Side::Cc,
            cti_bridge::Desired::NotReady,
            Some("lunch"),
            None,
        )
        .into_iter()
        .find_map(|o| match o {
            Output::Command(c) => Some(c),
            _ => None,
        })
        .expect("a command");
    assert_eq!(cmd.status, CommandStatus::Pending);
    assert!(
        feed(&mut b, Source::Xuc, xuc_state("AgentReady")).is_empty(),
        "a restatement neither confirms nor supersedes"
    );
    let out = feed(&mut b, Source::Xuc, xuc_state("AgentOnPause"));
    assert_eq!(
        (out[0].id, out[0].status),
        (cmd.id, CommandStatus::Confirmed)
    );
}

#[test]
fn a_newer_change_supersedes_the_pending_command() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(&mut b, Source::Xuc, xuc_state("AgentOnPause"));
    feed(&mut b, Source::CrmConnector, crm_status("Busy", true));
    let first = one(feed(
        &mut b,
        Source::CrmConnector,
        crm_status("Available", true),
    ));
    assert_eq!(json_of(&first)["wire"]["command"], "unpauseAgent");
    // The CRM flips back before the agent confirmed.
    let out = feed(&mut b, Source::CrmConnector, crm_status("Busy", true));
    // The agent is already known paused: the ready request is superseded, no new command needed.
    assert_eq!(out.len(), 1, "{out:#?}");
    assert_eq!(
        (out[0].id, out[0].status),
        (first.id, CommandStatus::Superseded)
    );
    assert_eq!(
        out[0].detail.as_deref(),
        Some("a newer command replaced it")
    );
    // A side that moves elsewhere by hand supersedes too.
    let cmd = one(feed(
        &mut b,
        Source::CrmConnector,
        crm_status("Available", true),
    ));
    let out = feed(&mut b, Source::Xuc, xuc_state("AgentLoggedOut"));
    assert_eq!(
        (out[0].id, out[0].status),
        (cmd.id, CommandStatus::Superseded)
    );
    assert_eq!(out[0].detail.as_deref(), Some("agent logged out"));
}

#[test]
fn unconfirmed_commands_time_out_as_rejected() {
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    let cmd = one(feed_at(
        &mut b,
        Source::Xuc,
        xuc_state("AgentReady"),
        Some(1_000),
    ));
    assert!(b.tick(5_000).is_empty());
    let out = b.tick(11_001);
    assert_eq!(out.len(), 1);
    let Output::Command(c) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!((c.id, c.status), (cmd.id, CommandStatus::Rejected));
    assert_eq!(c.detail.as_deref(), Some("not confirmed within 10000 ms"));
}

#[test]
fn off_mode_observes_only() {
    let mut b = Bridge::new(Mode::Off, Config::default());
    assert!(feed(&mut b, Source::Xuc, xuc_state("AgentReady")).is_empty());
    assert!(feed(&mut b, Source::CrmConnector, crm_status("Busy", true)).is_empty());
    assert!(feed(&mut b, Source::Axp, axp_participant("ADDED", "x")).is_empty());
    assert_eq!(
        b.snapshot()
            .agent_state
            .map(|a| a.state)
            .map(|s| s.as_str()),
        Some("ready")
    );
}

#[test]
fn read_only_sides_say_not_supported_with_the_best_available_action() {
    // AXP events cannot set the agent state.
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(
        &mut b,
        Source::Axp,
        axp(json!({"event": "AgentState", "agentId": "a1",
        "state": "READY", "id": "s1"})),
    );
    let out = feed(&mut b, Source::CrmConnector, crm_status("Busy", true));
    // The CRM went Busy instead of the Ready the bridge asked for: superseded.
    assert_eq!(out.len(), 2, "{out:#?}");
    assert_eq!(out[0].status, CommandStatus::Superseded);
    assert_eq!(
        out[0].detail.as_deref(),
        Some("CRM presence became not ready instead")
    );
    assert_eq!(out[1].status, CommandStatus::NotSupported);
    assert_eq!(out[1].wire, Value::Null);
    assert!(out[1]
        .detail
        .as_deref()
        .is_some_and(|d| d.contains("read-only")));
    // OpenFrame cannot set AWA presence: the indicator shows the agent state instead.
    let mut b = Bridge::new(Mode::Synchronized, Config::default());
    feed(
        &mut b,
        Source::Openframe,
        openframe(
            "openframe_awa_agent_presence",
            json!({"presence": {"name": "Available", "available": true}}),
        ),
    );
    let cmd = one(feed(&mut b, Source::Xuc, xuc_state("AgentOnPause")));
    assert_eq!(cmd.status, CommandStatus::NotSupported);
    assert_eq!(
        cmd.wire,
        json!({"method": "setPresenceIndicator", "args": ["Not Ready", "red"]})
    );
}

#[test]
fn config_maps_status_ids_and_reasons() {
    let config: Config = serde_json::from_value(json!({
        "decode": {"availableStatuses": ["0N1"]},
        "crm": {"readyStatus": "0N1", "notReadyStatus": "0N5"},
        "cc": {"notReadyReason": "crm-work"}
    }))
    .expect("config");
    let mut b = Bridge::new(Mode::Synchronized, config);
    feed(&mut b, Source::Xuc, xuc_state("AgentReady"));
    feed(&mut b, Source::CrmConnector, crm_status("0N1;Online", true));
    let cmd = one(feed(
        &mut b,
        Source::CrmConnector,
        crm_status("0N5;Away", true),
    ));
    assert_eq!(
        cmd.wire,
        json!({"claz": "web", "command": "pauseAgent", "agentid": 19,
                                "reason": "crm-work"})
    );
}

#[test]
fn duplicate_axp_events_are_dropped_across_reconnects() {
    let mut b = Bridge::new(Mode::Off, Config::default());
    let msg = axp_participant("ADDED", "same-id");
    assert_eq!(b.ingest(Source::Axp, &msg, None).expect("ok").len(), 1);
    assert!(b.ingest(Source::Axp, &msg, None).expect("ok").is_empty());
    assert_eq!(b.stats().duplicates, 1);
    assert_eq!(b.last_seq(), 1);
}

/// A peer that carries out every command and reports the new state back.
fn echo(command: &Command) -> Option<(Source, Value)> {
    if command.status != CommandStatus::Pending {
        return None;
    }
    let ready = command.state == cti_bridge::Desired::Ready;
    match command.source? {
        Source::Xuc => Some((
            Source::Xuc,
            xuc_state(if ready { "AgentReady" } else { "AgentOnPause" }),
        )),
        Source::CrmConnector => Some((
            Source::CrmConnector,
            crm_status(if ready { "Available" } else { "Busy" }, true),
        )),
        _ => None,
    }
}

fn arb_input() -> impl Strategy<Value = (Source, Value)> {
    prop_oneof![
        prop_oneof![
            Just("AgentReady"),
            Just("AgentOnPause"),
            Just("AgentOnCall"),
            Just("AgentOnWrapup"),
            Just("AgentLoggedOut")
        ]
        .prop_map(|s| (Source::Xuc, xuc_state(s))),
        (
            prop_oneof![Just("Available"), Just("Busy"), Just("Away;Away")],
            any::<bool>()
        )
            .prop_map(|(s, ok)| (Source::CrmConnector, crm_status(s, ok))),
        (
            prop_oneof![
                Just("openframe_awa_workitem_accepted"),
                Just("openframe_awa_workitem_offered")
            ],
            0u8..3
        )
            .prop_map(|(e, n)| (
                Source::Openframe,
                openframe(e, work_item(&format!("w{n}"), &format!("i{n}")))
            )),
        (0u8..3).prop_map(|n| (
            Source::Openframe,
            openframe(
                "openframe_agent_off_interaction",
                json!({"interaction": {"sys_id": format!("i{n}")}})
            )
        )),
    ]
}

proptest! {
    /// Whatever happens, a peer that obeys every command settles within a few
    /// rounds: the bridge never ping-pongs, never holds two pending commands
    /// for one side, and every command id ends at most once.
    #[test]
    fn an_obedient_peer_always_settles(
        mode in prop_oneof![Just(Mode::Synchronized), Just(Mode::Complementary), Just(Mode::Off)],
        inputs in prop::collection::vec(arb_input(), 0..30),
    ) {
        // Commands go to peers that can carry them out (OpenFrame cannot set AWA presence).
        let mut config = Config::default();
        config.crm.source = Some(Source::CrmConnector);
        config.cc.source = Some(Source::Xuc);
        let mut b = Bridge::new(mode, config);
        let mut closed = std::collections::HashSet::new();
        for (source, msg) in inputs {
            let mut queue = vec![(source, msg)];
            let mut rounds = 0;
            while let Some((src, m)) = queue.pop() {
                rounds += 1;
                prop_assert!(rounds <= 8, "did not settle");
                for c in feed(&mut b, src, m) {
                    if c.status != CommandStatus::Pending {
                        prop_assert!(closed.insert(c.id), "command {} closed twice", c.id);
                    }
                    queue.extend(echo(&c));
                }
                let pending = b.snapshot().pending;
                prop_assert!(pending.len() <= 2);
                prop_assert!(pending.len() < 2 || pending[0].target != pending[1].target);
            }
            if mode == Mode::Complementary {
                let s = b.snapshot();
                let both_ready = s.presence.as_ref().is_some_and(|p| p.available)
                    && s.agent_state.as_ref().is_some_and(|a| a.state.as_str() == "ready")
                    && s.pending.is_empty();
                prop_assert!(!both_ready, "both sides ready in complementary mode");
            }
        }
    }

    #[test]
    fn fixtures_in_any_order_never_panic_the_engine(
        picks in prop::collection::vec((0usize..5, any::<usize>()), 0..60),
        mode in prop_oneof![Just(Mode::Synchronized), Just(Mode::Complementary)],
    ) {
        let pools: Vec<(Source, Vec<Value>)> =
            Source::ALL.iter().map(|s| (*s, common::fixtures(*s))).collect();
        let mut b = Bridge::new(mode, Config::default());
        for (i, j) in picks {
            let (src, pool) = &pools[i];
            if !pool.is_empty() {
                let _ = b.ingest(*src, &pool[j % pool.len()], Some(j as u64));
            }
        }
        let _ = b.snapshot();
    }
}
