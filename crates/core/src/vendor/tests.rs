use super::agentdesktop::{ContactTracker, Media, Stage, Step as LcStep, Verdict};
use super::openframe::{self, LimitError, OpenFrameOptions};
use super::*;
use crate::model::WorkItemPhase;
use serde_json::json;

fn hub(vendors: &[Source]) -> VendorHub {
    VendorHub::new(&VendorConfig::default(), vendors.to_vec()).expect("hub")
}

fn work_item(event: &str, wrapper: &str, id: &str) -> Value {
    json!({"event": event, "data": {wrapper: {"workItem": {
        "sys_id": id, "size": 1,
        "serviceChannel": {"name": "Case", "sys_id": "d4a6"},
        "document": {"sys_id": "37a187591bf66410b8e3ea06624bcbef", "table": "sn_customerservice_case"}
    }}}})
}

fn presence(available: bool) -> Value {
    json!({"event": "openframe_awa_agent_presence", "data": {"result": {"presence": {
        "name": if available { "Available" } else { "Away" }, "sys_id": "0b10", "available": available
    }}}})
}

fn ad(event: &str, uuid: &str) -> Value {
    json!({"event": event, "uuid": uuid, "ani": "0612345678", "dnis": "800", "media_type": "telephony", "isACD": true})
}

fn methods(step: &Step) -> Vec<String> {
    step.calls
        .iter()
        .map(|c| match &c.namespace {
            Some(ns) => format!("{ns}.{}", c.method),
            None => c.method.clone(),
        })
        .collect()
}

#[test]
fn offer_shows_the_frame_accept_opens_the_record_once() {
    let mut h = hub(&[Source::Openframe]);
    let offered = h
        .ingest(
            Source::Openframe,
            &work_item("openframe_awa_workitem_offered", "result", "w1"),
            None,
        )
        .unwrap();
    assert_eq!(methods(&offered), ["show"]);
    let accepted = h
        .ingest(
            Source::Openframe,
            &work_item("openframe_awa_workitem_accepted", "result", "w1"),
            None,
        )
        .unwrap();
    assert_eq!(methods(&accepted), ["openServiceNowForm"]);
    assert_eq!(
        accepted.calls[0].args,
        [
            json!({"entity": "sn_customerservice_case", "query": "sys_id=37a187591bf66410b8e3ea06624bcbef"})
        ]
    );
    // The rejected event's `payload` wrapper decodes too; nothing to open.
    let rejected = h
        .ingest(
            Source::Openframe,
            &work_item("openframe_awa_workitem_rejected", "payload", "w2"),
            None,
        )
        .unwrap();
    assert!(rejected.calls.is_empty());
    assert!(matches!(
        rejected.outputs.first(),
        Some(Output::Event(e)) if matches!(e.body, EventBody::WorkItem { phase: WorkItemPhase::Rejected, .. })
    ));
}

#[test]
fn open_on_and_table_are_configurable() {
    let config = VendorConfig {
        openframe: OpenFrameOptions {
            open_on: vec![WorkItemPhase::Offered],
            table: Some("interaction".into()),
            show_on_offer: false,
            presence_indicator: true,
        },
        ..Default::default()
    };
    let mut h = VendorHub::new(&config, vec![Source::Openframe]).unwrap();
    let offered = h
        .ingest(
            Source::Openframe,
            &work_item("openframe_awa_workitem_offered", "result", "w1"),
            None,
        )
        .unwrap();
    assert_eq!(methods(&offered), ["openServiceNowForm"]);
    assert_eq!(offered.calls[0].args[0]["entity"], "interaction");
    let accepted = h
        .ingest(
            Source::Openframe,
            &work_item("openframe_awa_workitem_accepted", "result", "w1"),
            None,
        )
        .unwrap();
    assert!(accepted.calls.is_empty());
}

#[test]
fn limits_truncate_text_and_refuse_what_cannot_be_cut() {
    let long = "x".repeat(300);
    let call = openframe::presence_indicator(&long, openframe::Color::Red).unwrap();
    assert_eq!(call.args[0].as_str().unwrap().chars().count(), 256);
    assert!(matches!(
        openframe::open_form(&long, "abc"),
        Err(LimitError::TooLong { limit: 256, .. })
    ));
    assert!(matches!(
        openframe::open_form("incident", "abc^active=true"),
        Err(LimitError::BadCharacters { .. })
    ));
    assert!(matches!(
        openframe::open_custom_url(&format!("/{}", "a".repeat(2100))),
        Err(LimitError::TooLong { limit: 2083, .. })
    ));
    assert!(matches!(
        openframe::open_custom_url("https://evil.example/"),
        Err(LimitError::NotRelative(_))
    ));
    assert!(openframe::open_custom_url("/nav_to.do?uri=incident.do").is_ok());
    // A multi-byte text is cut at a character boundary.
    assert_eq!(openframe::truncate("ééé", 2), "éé");
}

#[test]
fn a_refused_record_is_a_notice_not_a_call() {
    let mut h = hub(&[Source::Openframe, Source::Agentdesktop]);
    let mut bad = work_item("openframe_awa_workitem_accepted", "result", "w9");
    bad["data"]["result"]["workItem"]["document"]["sys_id"] = json!("1^ORactive=true");
    let step = h.ingest(Source::Openframe, &bad, None).unwrap();
    assert!(!methods(&step).contains(&"openServiceNowForm".to_owned()));
    assert!(step.notices.iter().any(|n| n.level == "refused"));
    // The agent is told in AgentDesktop.
    assert!(methods(&step).contains(&"ALERT.Show".to_owned()));
}

#[test]
fn presence_indicator_mirrors_the_agent_state() {
    let mut h = hub(&[Source::Openframe, Source::Agentdesktop]);
    let ready = h
        .ingest(Source::Agentdesktop, &json!({"event": "LOGGEDIN"}), None)
        .unwrap();
    let indicator: Vec<_> = ready
        .calls
        .iter()
        .filter(|c| c.method == "setPresenceIndicator")
        .collect();
    assert_eq!(indicator[0].args, [json!("Ready"), json!("green")]);
    let pause = h
        .ingest(
            Source::Agentdesktop,
            &json!({"event": "PAUSESUBSTATE [1701]"}),
            None,
        )
        .unwrap();
    let indicator: Vec<_> = pause
        .calls
        .iter()
        .filter(|c| c.method == "setPresenceIndicator")
        .collect();
    assert_eq!(indicator[0].args, [json!("Not Ready (1701)"), json!("red")]);
    // The same state again shows nothing new.
    let again = h
        .ingest(
            Source::Agentdesktop,
            &json!({"event": "PAUSESUBSTATE [1701]"}),
            None,
        )
        .unwrap();
    assert!(again
        .calls
        .iter()
        .all(|c| c.method != "setPresenceIndicator"));
}

#[test]
fn accepted_work_item_pauses_the_agentdesktop_agent() {
    let mut h = hub(&[Source::Openframe, Source::Agentdesktop]);
    h.ingest(Source::Agentdesktop, &json!({"event": "LOGGEDIN"}), None)
        .unwrap();
    h.ingest(Source::Openframe, &presence(true), None).unwrap();
    let step = h
        .ingest(
            Source::Openframe,
            &work_item("openframe_awa_workitem_accepted", "result", "w1"),
            None,
        )
        .unwrap();
    assert!(
        methods(&step).contains(&"AGENT.Pause".to_owned()),
        "{step:?}"
    );
}

#[test]
fn jobstarted_sets_openframe_not_ready_via_the_indicator() {
    let mut h = hub(&[Source::Openframe, Source::Agentdesktop]);
    h.ingest(Source::Openframe, &presence(true), None).unwrap();
    h.ingest(Source::Agentdesktop, &json!({"event": "LOGGEDIN"}), None)
        .unwrap();
    let step = h
        .ingest(Source::Agentdesktop, &ad("JOBSTARTED - Online", "c1"), None)
        .unwrap();
    let not_supported = step.outputs.iter().any(|o| {
        matches!(o, Output::Command(c) if c.target == Side::Crm && c.status == CommandStatus::NotSupported)
    });
    assert!(not_supported, "{step:?}");
    assert!(step
        .calls
        .iter()
        .any(|c| c.method == "setPresenceIndicator" && c.args[0] == "Not Ready"));
}

#[test]
fn click_to_dial_goes_to_agentdesktop_make_call() {
    let mut h = hub(&[Source::Openframe, Source::Agentdesktop]);
    let step = h.communication_event(
        &json!({"type": "OUTGOING_CALL", "data": {"phoneNumber": "+39 06 1234"}}),
    );
    assert_eq!(methods(&step), ["CONTACT.MakeCall"]);
    assert_eq!(step.calls[0].args, [json!("+39 06 1234")]);
    assert!(h
        .communication_event(&json!({"type": "INCOMING_CALL", "data": {}}))
        .calls
        .is_empty());
    let bad =
        h.communication_event(&json!({"type": "OUTGOING_CALL", "data": {"phoneNumber": "abc"}}));
    assert!(bad.notices.iter().any(|n| n.level == "refused"));
    // Without AgentDesktop the number goes to the host.
    let mut alone = hub(&[Source::Openframe]);
    let step = alone
        .communication_event(&json!({"type": "OUTGOING_CALL", "data": {"phoneNumber": "5551234"}}));
    assert_eq!(step.notices[0].level, "clickToDial");
}

#[test]
fn popup_raises_screen_pop_and_the_crm_connector_request() {
    // AgentDesktop alone: the CRM side is not OpenFrame, so the Bridge's
    // CRM Connector screen pop request goes out (reused, not duplicated).
    let mut h = hub(&[Source::Agentdesktop]);
    let step = h
        .ingest(Source::Agentdesktop, &ad("POPUP", "c1"), None)
        .unwrap();
    let pops = step
        .outputs
        .iter()
        .filter(|o| matches!(o, Output::Event(e) if e.body.kind() == "screenPop"))
        .count();
    let requests: Vec<_> = step
        .outputs
        .iter()
        .filter_map(|o| match o {
            Output::CrmRequest(r) => Some(r.wire.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(pops, 1);
    assert_eq!(requests.len(), 1);
    assert!(requests[0].contains("requestPerformInteractionScreenPop"));
    assert!(requests[0].contains("0612345678"));
    // With OpenFrame as the CRM there is no CRM Connector request.
    let mut both = hub(&[Source::Openframe, Source::Agentdesktop]);
    let step = both
        .ingest(Source::Agentdesktop, &ad("POPUP", "c1"), None)
        .unwrap();
    assert!(!step
        .outputs
        .iter()
        .any(|o| matches!(o, Output::CrmRequest(_))));
}

#[test]
fn full_call_life_cycle_with_hold_and_late_events() {
    let mut h = hub(&[Source::Agentdesktop]);
    let seq = [
        "JOBSCHEDULED",
        "CONNECTIONSTARTED",
        "RINGING",
        "JOBCHANGED - Setup",
        "POPUP",
        "ESTABLISHED",
        "JOBSTARTED - Online",
        "HELD",
        "RETRIEVED",
        "CONNECTIONCLEARED",
        "JOBCHANGED - Offline",
        "JOBFINISHED",
    ];
    for name in seq {
        let step = h
            .ingest(Source::Agentdesktop, &ad(name, "c1"), None)
            .unwrap();
        assert!(step.notices.is_empty(), "{name}: {:?}", step.notices);
    }
    assert!(h.contacts().is_finished("c1"));
    // Late and repeated events after the end are dropped with a notice.
    for name in ["JOBSTARTED - Online", "HELD", "JOBFINISHED", "RINGING"] {
        let step = h
            .ingest(Source::Agentdesktop, &ad(name, "c1"), None)
            .unwrap();
        assert!(step.outputs.is_empty(), "{name}");
        assert_eq!(step.notices[0].level, "dropped");
    }
    assert!(h.bridge().snapshot().interactions.is_empty());
}

#[test]
fn tracker_rules() {
    let mut t = ContactTracker::default();
    assert_eq!(t.apply("a", LcStep::Stage(Stage::Online)), Verdict::Applied);
    assert_eq!(t.apply("a", LcStep::Stage(Stage::Setup)), Verdict::Stale);
    assert_eq!(
        t.apply("a", LcStep::Stage(Stage::Online)),
        Verdict::Repeated
    );
    assert_eq!(t.apply("a", LcStep::Hold(false)), Verdict::Repeated);
    assert_eq!(t.apply("a", LcStep::Hold(true)), Verdict::Applied);
    assert_eq!(
        t.apply("a", LcStep::Media(Media::Established)),
        Verdict::Applied
    );
    assert_eq!(t.apply("a", LcStep::Media(Media::Ringing)), Verdict::Stale);
    assert_eq!(
        t.apply("a", LcStep::Media(Media::Cleared)),
        Verdict::Applied
    );
    assert_eq!(t.get("a").map(|c| c.held), Some(false));
    assert_eq!(t.apply("a", LcStep::Hold(true)), Verdict::Stale);
    assert_eq!(t.apply("a", LcStep::Data), Verdict::Applied);
    assert_eq!(
        t.apply("a", LcStep::Stage(Stage::Finished)),
        Verdict::Applied
    );
    assert_eq!(t.apply("a", LcStep::Data), Verdict::AfterDone);
    assert!(t.get("a").is_none());
}

#[test]
fn commands_become_sdk_calls_and_rejections_alert() {
    let config = VendorConfig {
        bridge: Some(Config {
            command_timeout_ms: 100,
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut h = VendorHub::new(&config, vec![Source::Openframe, Source::Agentdesktop]).unwrap();
    h.ingest(Source::Agentdesktop, &json!({"event": "LOGGEDIN"}), Some(0))
        .unwrap();
    let step = h
        .ingest(Source::Openframe, &presence(false), Some(10))
        .unwrap();
    assert!(methods(&step).contains(&"AGENT.Pause".to_owned()));
    let later = h.tick(1_000);
    assert!(
        methods(&later).contains(&"ALERT.Show".to_owned()),
        "{later:?}"
    );
}

#[test]
fn config_parses_from_json() {
    let config: VendorConfig = serde_json::from_value(json!({
        "vendors": ["openframe"],
        "mode": "complementary",
        "openframe": {"openOn": ["offered", "accepted"], "table": "incident"},
        "initTimeoutMs": 3000
    }))
    .unwrap();
    assert_eq!(config.vendors, Some(vec![Source::Openframe]));
    assert_eq!(config.openframe.open_on.len(), 2);
    assert!(VendorHub::new(&config, vec![Source::Openframe]).is_ok());
    let bad = VendorConfig {
        mode: Some("sideways".into()),
        ..Default::default()
    };
    assert!(VendorHub::new(&bad, vec![]).is_err());
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const EVENTS: [&str; 14] = [
        "JOBSCHEDULED",
        "JOBCHANGED - Setup",
        "JOBSTARTED - Online",
        "JOBCHANGED - Offline",
        "JOBFINISHED",
        "CONNECTIONSTARTED",
        "RINGING",
        "DIALING",
        "ESTABLISHED",
        "HELD",
        "RETRIEVED",
        "CONNECTIONCLEARED",
        "DATACHANGED",
        "POPUP",
    ];

    fn rank(stage: Stage) -> u8 {
        stage as u8
    }

    proptest! {
        /// Any permutation / duplication of life-cycle events: no panic, the
        /// stage never goes back, and a finished contact stays finished.
        #[test]
        fn lifecycle_never_goes_back(seq in prop::collection::vec((0usize..14, 0usize..3), 0..60)) {
            let mut h = hub(&[Source::Openframe, Source::Agentdesktop]);
            let ids = ["a", "b", "c"];
            let mut last: std::collections::HashMap<&str, u8> = Default::default();
            for (e, i) in seq {
                let (Some(name), Some(id)) = (EVENTS.get(e), ids.get(i)) else { continue };
                let was_done = h.contacts().is_finished(id);
                let _ = h.ingest(Source::Agentdesktop, &ad(name, id), Some(0));
                if was_done {
                    prop_assert!(h.contacts().is_finished(id));
                    prop_assert!(h.contacts().get(id).is_none());
                }
                let now = if h.contacts().is_finished(id) {
                    rank(Stage::Finished)
                } else {
                    h.contacts().get(id).map(|c| rank(c.stage)).unwrap_or(0)
                };
                let before = last.get(id).copied().unwrap_or(0);
                prop_assert!(now >= before, "{id}: {before} -> {now} on {name}");
                last.insert(id, now);
            }
        }
    }
}

#[test]
fn host_contact_actions_and_requests() {
    let mut h = hub(&[Source::Agentdesktop]);
    assert_eq!(
        methods(&h.contact(ContactAction::Answer)),
        ["CONTACT.Answer"]
    );
    assert_eq!(methods(&h.contact(ContactAction::Hold)), ["CONTACT.Hold"]);
    let hang = h.contact(ContactAction::Hangup(Some("c1")));
    assert_eq!(hang.calls[0].args, [json!("c1")]);
    assert_eq!(
        methods(&h.contact(ContactAction::MakeCall(" 555 "))),
        ["CONTACT.MakeCall"]
    );
    let bad = h.contact(ContactAction::MakeCall("1;A=2"));
    assert!(bad.notices.iter().any(|n| n.level == "refused"));
    assert!(!methods(&bad).contains(&"CONTACT.MakeCall".to_owned()));
    let ready = h.request(Side::Cc, crate::command::Desired::Ready, None);
    assert_eq!(methods(&ready), ["AGENT.Ready"]);
    let mut of = hub(&[Source::Openframe]);
    assert!(of.contact(ContactAction::Hold).calls.is_empty());
}

mod limit_props {
    use super::openframe::{self, Color, MAX_PAYLOAD, MAX_STRING};
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        /// Whatever the input, the calls built stay within ServiceNow's limits
        /// (or are refused), and nothing panics.
        #[test]
        fn calls_stay_within_limits(text in ".{0,400}", table in "[a-z_^ ]{0,300}", id in ".{0,300}") {
            let call = openframe::presence_indicator(&text, Color::Grey).unwrap();
            let shown = call.args[0].as_str().unwrap_or_default();
            prop_assert!(shown.chars().count() <= MAX_STRING);
            prop_assert!(text.starts_with(shown));
            if let Ok(call) = openframe::open_form(&table, &id) {
                let arg = &call.args[0];
                prop_assert!(arg["entity"].as_str().unwrap_or_default().chars().count() <= MAX_STRING);
                prop_assert!(arg["query"].as_str().unwrap_or_default().chars().count() <= MAX_STRING);
                prop_assert!(!arg["query"].as_str().unwrap_or_default().contains('^'));
                prop_assert!(arg.to_string().len() <= MAX_PAYLOAD);
            }
            let _ = openframe::click_to_dial(&json!({"type": "OUTGOING_CALL", "data": {"phoneNumber": id}}));
            let _ = openframe::open_custom_url(&text);
        }
    }
}

#[test]
fn click_to_dial_reads_the_number_where_servicenow_puts_it() {
    // ServiceNow's OUTGOING_CALL carries the number at data.metaData.phoneNumber
    // (docs/protocols.md#openframe-ui-events); the older shapes still work.
    for event in [
        json!({"type": "OUTGOING_CALL", "data": {"metaData": {"phoneNumber": " +39 06 1234 "}}}),
        json!({"type": "OUTGOING_CALL", "data": {"phoneNumber": "+39 06 1234"}}),
        json!({"type": "OUTGOING_CALL", "phone_number": "+39 06 1234"}),
    ] {
        assert_eq!(
            openframe::click_to_dial(&event),
            Ok(Some("+39 06 1234".to_owned())),
            "{event}"
        );
    }
    // Another communication type (ASSOCIATE_RECORD) is not a dial.
    assert_eq!(
        openframe::click_to_dial(&json!({"type": "ASSOCIATE_RECORD", "record": {}})),
        Ok(None)
    );
    // OUTGOING_CALL without a number anywhere is refused, not dialled.
    assert!(openframe::click_to_dial(&json!({"type": "OUTGOING_CALL", "data": {}})).is_err());
}

fn names(needed: &[SdkFunction]) -> Vec<String> {
    needed.iter().map(SdkFunction::display_name).collect()
}

#[test]
fn required_functions_follow_the_configuration() {
    let both = [Source::Openframe, Source::Agentdesktop];
    let all = names(&required_functions(&VendorConfig::default(), &both));
    for name in [
        "AGENTDESKTOP.WIDGET.bindContactCallback",
        "AGENTDESKTOP.AGENT.Ready",
        "AGENTDESKTOP.AGENT.Pause",
        "AGENTDESKTOP.ALERT.Show",
        "openFrameAPI.init",
        "openFrameAPI.subscribe",
        "openFrameAPI.setPresenceIndicator",
    ] {
        assert!(all.contains(&name.to_owned()), "{name} in {all:?}");
    }
    assert!(!all.contains(&"AGENTDESKTOP.CHAT.SendMessage".to_owned()));
    // The unconfirmed names are marked so.
    for f in required_functions(&VendorConfig::default(), &both) {
        let assumed = matches!(f.path.first(), Some(&"AGENT" | &"ALERT" | &"CHAT"));
        assert_eq!(f.confirmed, !assumed, "{}", f.display_name());
    }
    // Sync off, alerts off: no AGENT / ALERT needed; chat on: CHAT needed.
    let config: VendorConfig = serde_json::from_value(json!({
        "mode": "off", "alerts": false, "chat": true,
        "openframe": {"presenceIndicator": false}
    }))
    .expect("config");
    let some = names(&required_functions(&config, &both));
    assert!(!some
        .iter()
        .any(|n| n.contains(".AGENT.") || n.contains(".ALERT.")));
    assert!(some.contains(&"AGENTDESKTOP.CHAT.SendMessage".to_owned()));
    assert!(!some.contains(&"openFrameAPI.setPresenceIndicator".to_owned()));
    // Only the vendors in use.
    let of_only = names(&required_functions(
        &VendorConfig::default(),
        &[Source::Openframe],
    ));
    assert!(of_only.iter().all(|n| n.starts_with("openFrameAPI.")));
}

#[test]
fn a_missing_function_is_a_typed_error_naming_it() {
    let needed = required_functions(&VendorConfig::default(), &[Source::Agentdesktop]);
    assert_eq!(check_functions(&needed, |_| true), Ok(()));
    let err = check_functions(&needed, |f| f.path != ["AGENT", "Ready"]).expect_err("missing");
    assert_eq!(err.vendor, Source::Agentdesktop);
    assert_eq!(err.name, "AGENTDESKTOP.AGENT.Ready");
    let text = err.to_string();
    assert!(
        text.contains("AGENTDESKTOP.AGENT.Ready is missing"),
        "{text}"
    );
    assert!(text.contains("unconfirmed"), "{text}");
    // A confirmed name carries no hint.
    let err = check_functions(&needed, |f| f.path != ["WIDGET", "bindContactCallback"])
        .expect_err("missing");
    assert_eq!(
        err.to_string(),
        "AGENTDESKTOP.WIDGET.bindContactCallback is missing from the agentdesktop SDK on this page"
    );
}

#[test]
fn chat_messages_go_to_agentdesktop_chat_when_enabled() {
    let mut off = hub(&[Source::Agentdesktop]);
    let step = off.chat("c1", "Hello");
    assert!(step.calls.is_empty());
    assert_eq!(step.notices.first().map(|n| n.level), Some("refused"));

    let config: VendorConfig = serde_json::from_value(json!({"chat": true})).expect("config");
    let mut on = VendorHub::new(&config, vec![Source::Agentdesktop]).expect("hub");
    let step = on.chat(" c1 ", "Buongiorno");
    assert_eq!(methods(&step), ["CHAT.SendMessage"]);
    assert_eq!(
        step.calls.first().map(|c| c.args.clone()),
        Some(vec![json!("c1"), json!("Buongiorno")])
    );
    assert!(on.chat("", "x").calls.is_empty());
    assert!(on.chat("c1", "").calls.is_empty());

    let mut no_ad = VendorHub::new(&config, vec![Source::Openframe]).expect("hub");
    assert!(no_ad.chat("c1", "x").calls.is_empty());
}
