use super::*;
use crate::command::{Cause, Command};
use crate::model::Event;
use serde_json::{json, Map, Value};

fn xuc_panel() -> Panel {
    Panel::new(
        PanelConfig {
            pause_reasons: serde_json::from_value(json!([
                {"id": "lunch", "label": {"en": "Lunch", "fr": "Déjeuner"}},
                {"id": "training", "label": "Training"}
            ]))
            .unwrap(),
            party: PartyDisplay::Full,
            credentials_url: false,
            live: Some(Source::Xuc),
        },
        0,
    )
}

fn snap() -> Snapshot {
    Snapshot {
        mode: Mode::Synchronized,
        agent_state: None,
        presence: None,
        work_items: Vec::new(),
        interactions: Vec::new(),
        pending: Vec::new(),
        crm_source: None,
        cc_source: Some(Source::Xuc),
    }
}

fn event(body: EventBody) -> Output {
    Output::Event(Event {
        seq: 1,
        source: Source::Xuc,
        body,
        envelope: Map::new(),
    })
}

fn agent(state: AgentStateKind, reason: Option<&str>) -> Output {
    event(EventBody::AgentState {
        state,
        reason: reason.map(str::to_owned),
        cause: None,
        agent_id: Some("19".into()),
        vendor_state: None,
        phone_number: None,
        queues: Vec::new(),
        data: Map::new(),
    })
}

fn call(id: &str, phase: InteractionPhase, direction: Option<Direction>) -> Output {
    event(EventBody::Interaction {
        id: id.into(),
        phase,
        media: Some("voice".into()),
        direction,
        from: Some("0612345678".into()),
        to: Some("1000".into()),
        queue: Some("bluesky".into()),
        agent_id: None,
        reason: None,
        vendor_event: None,
        data: Map::new(),
    })
}

fn health(state: HealthState, reason: &str) -> Health {
    Health {
        state,
        reason: reason.into(),
        retry_in_ms: None,
        fault: None,
    }
}

fn faulty(state: HealthState, reason: &str, fault: Fault) -> Health {
    Health {
        fault: Some(fault),
        ..health(state, reason)
    }
}

fn command(id: u64, state: Desired, status: CommandStatus, detail: Option<&str>) -> Output {
    Output::Command(Command {
        id,
        target: Side::Cc,
        source: Some(Source::Xuc),
        state,
        cause: Cause::Host,
        wire: Value::Null.into(),
        status,
        detail: detail.map(str::to_owned),
        sent_at: None,
    })
}

fn live(p: &mut Panel) {
    p.on_health(&health(HealthState::Live, "events flow"));
}

/// The view, its JSON checked against serde_json's (`json_write`).
fn view(p: &Panel) -> PanelView {
    let view = p.view(&snap(), HostInfo { attached: true }, 10_000, "en");
    crate::json_write::to_string(&view);
    view
}

#[test]
fn the_selector_offers_ready_not_ready_and_the_configured_reasons_in_the_agents_language() {
    let mut p = xuc_panel();
    live(&mut p);
    p.observe(1, &agent(AgentStateKind::NotReady, Some("lunch")));
    let v = view(&p);
    let ids: Vec<_> = v.agent.options.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        ["ready", "notReady", "notReady:lunch", "notReady:training"]
    );
    assert_eq!(v.agent.selected.as_deref(), Some("notReady:lunch"));
    assert_eq!(v.agent.reason_label.as_deref(), Some("Lunch"));
    assert_eq!(v.agent.locked, None);
    let fr = p.view(&snap(), HostInfo { attached: true }, 1, "fr");
    assert_eq!(fr.agent.reason_label.as_deref(), Some("Déjeuner"));
    assert_eq!(fr.agent.options[2].label.as_deref(), Some("Déjeuner"));
    assert_eq!(fr.agent.options[3].label.as_deref(), Some("Training"));
}

#[test]
fn reasons_the_contact_centre_reports_join_the_selector() {
    let mut p = xuc_panel();
    live(&mut p);
    p.observe(1, &agent(AgentStateKind::NotReady, Some("meeting")));
    let v = view(&p);
    assert!(v
        .agent
        .options
        .iter()
        .any(|o| o.id == "notReady:meeting" && o.label.as_deref() == Some("meeting")));
}

#[test]
fn a_change_shows_pending_until_confirmed_and_a_refusal_when_rejected() {
    let mut p = xuc_panel();
    live(&mut p);
    p.observe(1, &agent(AgentStateKind::Ready, None));
    p.requested(Desired::NotReady, Some("lunch"), Some(7));
    p.observe(
        2,
        &command(7, Desired::NotReady, CommandStatus::Pending, None),
    );
    assert_eq!(view(&p).agent.pending.as_deref(), Some("notReady:lunch"));
    p.observe(3, &agent(AgentStateKind::NotReady, Some("lunch")));
    p.observe(
        3,
        &command(7, Desired::NotReady, CommandStatus::Confirmed, None),
    );
    let v = view(&p);
    assert_eq!(v.agent.pending, None);
    assert!(
        v.notices.is_empty(),
        "a pause asked for is no forced pause: {:?}",
        v.notices
    );

    p.requested(Desired::Ready, None, Some(8));
    p.observe(
        4,
        &command(
            8,
            Desired::Ready,
            CommandStatus::Rejected,
            Some("AgentNotLoggedIn"),
        ),
    );
    let v = view(&p);
    assert_eq!(v.agent.pending, None);
    assert_eq!(v.agent.refusal.as_deref(), Some("AgentNotLoggedIn"));
    assert!(
        matches!(&v.notices[0].kind, NoticeKind::Refused { command, .. } if command == "ready")
    );
    // Asking again clears the refusal.
    p.requested(Desired::Ready, None, Some(9));
    assert_eq!(view(&p).agent.refusal, None);
}

#[test]
fn the_state_is_locked_offline_read_only_logged_out_or_without_a_contact_centre() {
    let mut p = xuc_panel();
    assert_eq!(view(&p).agent.locked, Some("offline"));
    live(&mut p);
    assert_eq!(view(&p).agent.locked, Some("loggedOut"));
    assert!(
        view(&p).agent.phone_login,
        "a logged-out xuc agent may log in on a phone"
    );
    p.observe(1, &agent(AgentStateKind::Ready, None));
    assert_eq!(view(&p).agent.locked, None);
    assert!(!view(&p).agent.phone_login);

    let mut axp = Panel::new(
        PanelConfig {
            live: Some(Source::Axp),
            ..PanelConfig::default()
        },
        0,
    );
    live(&mut axp);
    assert_eq!(view(&axp).agent.locked, Some("readOnly"));
    let none = Panel::new(PanelConfig::default(), 0);
    assert_eq!(view(&none).agent.locked, Some("noContactCentre"));
    assert_eq!(view(&none).context.health, "none");
}

#[test]
fn a_card_per_call_with_the_actions_its_state_allows() {
    let mut p = xuc_panel();
    live(&mut p);
    p.observe(1, &agent(AgentStateKind::Ready, None));
    p.observe(
        100,
        &call("c1", InteractionPhase::Alerting, Some(Direction::Inbound)),
    );
    let v = view(&p);
    let card = &v.cards[0];
    assert_eq!((card.state, card.direction), ("ringing", "inbound"));
    assert_eq!(card.party.as_deref(), Some("0612345678"));
    assert_eq!(card.queue.as_deref(), Some("bluesky"));
    assert_eq!(card.media.as_deref(), Some("voice"));
    assert_eq!(card.since, 100);
    assert_eq!(card.actions, ["answer", "hangup"]);

    p.observe(200, &call("c1", InteractionPhase::Connected, None));
    let card = &view(&p).cards[0];
    assert_eq!((card.state, card.since), ("talking", 200));
    assert_eq!(card.actions, ["hold", "transfer", "hangup"]);
    assert_eq!(card.direction, "inbound", "direction kept from the offer");

    p.observe(300, &call("c1", InteractionPhase::Held, None));
    assert_eq!(view(&p).cards[0].actions, ["resume", "hangup"]);

    p.observe(400, &call("c1", InteractionPhase::Done, None));
    assert!(view(&p).cards.is_empty());
    // Wrap-up: the call's card again, with "finish wrap-up" only.
    p.observe(401, &agent(AgentStateKind::WrapUp, None));
    let v = view(&p);
    assert_eq!(v.cards.len(), 1);
    assert_eq!((v.cards[0].state, v.cards[0].id.as_str()), ("wrapUp", "c1"));
    assert_eq!(v.cards[0].actions, ["finishWrapUp"]);
    p.observe(500, &agent(AgentStateKind::Ready, None));
    assert!(view(&p).cards.is_empty());
}

#[test]
fn an_outbound_call_can_only_be_hung_up_while_dialing_and_locks_the_dial_field() {
    let mut p = xuc_panel();
    live(&mut p);
    p.observe(1, &agent(AgentStateKind::Ready, None));
    assert_eq!(view(&p).dial.locked, None);
    p.observe(
        2,
        &call("c2", InteractionPhase::Dialing, Some(Direction::Outbound)),
    );
    let v = view(&p);
    assert_eq!(v.cards[0].actions, ["hangup"]);
    assert_eq!(
        v.cards[0].party.as_deref(),
        Some("1000"),
        "the callee of an outbound call"
    );
    assert_eq!(v.dial.locked, Some("busy"));
}

#[test]
fn no_actions_without_commands_axp_is_read_only() {
    let mut p = Panel::new(
        PanelConfig {
            live: Some(Source::Axp),
            ..PanelConfig::default()
        },
        0,
    );
    live(&mut p);
    p.observe(
        1,
        &call("e1", InteractionPhase::Alerting, Some(Direction::Inbound)),
    );
    let v = view(&p);
    assert!(v.cards[0].actions.is_empty());
    assert_eq!(v.dial.locked, Some("notSupported"));
}

#[test]
fn the_other_party_is_shown_as_the_redaction_allows() {
    assert_eq!(
        PartyDisplay::Masked.apply("+33 612 345 678").as_deref(),
        Some("+•• ••• ••5 678")
    );
    assert_eq!(PartyDisplay::Hidden.apply("0612345678"), None);
    // Letters of any script are kept; only the digits but the last four are masked.
    assert_eq!(
        PartyDisplay::Masked.apply("Zoë Ø 0612345678").as_deref(),
        Some("Zoë Ø ••••••5678")
    );
    assert_eq!(PartyDisplay::Masked.apply("é12").as_deref(), Some("é12"));
    assert_eq!(PartyDisplay::Masked.apply("").as_deref(), Some(""));
    let mut p = Panel::new(
        PanelConfig {
            party: PartyDisplay::Masked,
            live: Some(Source::Xuc),
            ..PanelConfig::default()
        },
        0,
    );
    p.observe(
        1,
        &call("c1", InteractionPhase::Alerting, Some(Direction::Inbound)),
    );
    assert_eq!(view(&p).cards[0].party.as_deref(), Some("••••••5678"));
    match &view(&p).notices[0].kind {
        NoticeKind::Incoming { party, .. } => assert_eq!(party.as_deref(), Some("••••••5678")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_incoming_call_is_announced_as_an_alert_until_answered() {
    let mut p = xuc_panel();
    live(&mut p);
    p.observe(
        1,
        &call("c1", InteractionPhase::Alerting, Some(Direction::Inbound)),
    );
    let v = view(&p);
    assert_eq!(v.notices.len(), 1);
    assert!(v.notices[0].assertive);
    p.observe(2, &call("c1", InteractionPhase::Connected, None));
    assert!(view(&p).notices.is_empty());
}

#[test]
fn an_offer_that_ends_unanswered_is_a_missed_offer_and_a_pause_nobody_asked_for_is_forced() {
    let mut p = xuc_panel();
    live(&mut p);
    p.observe(1, &agent(AgentStateKind::Ready, None));
    p.observe(
        2,
        &call("c1", InteractionPhase::Alerting, Some(Direction::Inbound)),
    );
    p.observe(3, &agent(AgentStateKind::Busy, None));
    p.observe(4, &call("c1", InteractionPhase::Done, None));
    p.observe(5, &agent(AgentStateKind::NotReady, Some("NoAnswer")));
    let kinds: Vec<_> = view(&p)
        .notices
        .into_iter()
        .map(|n| (n.kind, n.assertive))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                NoticeKind::MissedOffer {
                    party: Some("0612345678".into())
                },
                false
            ),
            (
                NoticeKind::ForcedPause {
                    reason: Some("NoAnswer".into())
                },
                false
            ),
        ]
    );
    assert!(
        view(&p).cards.is_empty(),
        "no wrap-up card for a call never answered"
    );
}

#[test]
fn a_pause_the_sync_engine_asked_for_is_not_forced() {
    let mut p = xuc_panel();
    live(&mut p);
    p.observe(1, &agent(AgentStateKind::Ready, None));
    p.observe(
        2,
        &command(3, Desired::NotReady, CommandStatus::Pending, None),
    );
    p.observe(3, &agent(AgentStateKind::NotReady, Some("crm-work")));
    p.observe(
        3,
        &command(3, Desired::NotReady, CommandStatus::Confirmed, None),
    );
    assert!(view(&p).notices.is_empty());
}

#[test]
fn notices_are_dismissed_by_id_and_bounded() {
    let mut p = xuc_panel();
    for i in 0..20 {
        p.command_refused("dial", format!("no {i}"));
    }
    let v = view(&p);
    assert_eq!(v.notices.len(), MAX_NOTICES);
    let first = v.notices[0].id;
    p.dismiss(first);
    assert!(view(&p).notices.iter().all(|n| n.id != first));
}

#[test]
fn a_lost_connection_is_a_notice_until_live_again() {
    let mut p = xuc_panel();
    live(&mut p);
    p.on_health(&health(
        HealthState::Reconnecting,
        "the CTI link was lost (code 1006)",
    ));
    let v = view(&p);
    assert_eq!(v.context.health, "reconnecting");
    assert_eq!(
        v.context.reason.as_deref(),
        Some("the CTI link was lost (code 1006)")
    );
    assert!(
        matches!(&v.notices[0].kind, NoticeKind::ConnectionLost { reason } if reason.contains("1006"))
    );
    assert_eq!(v.agent.locked, Some("offline"));
    live(&mut p);
    assert!(view(&p).notices.is_empty());
}

#[test]
fn the_sign_in_form_appears_when_no_host_attaches_or_the_host_declines() {
    let p = xuc_panel();
    let alone = |p: &Panel, now| p.view(&snap(), HostInfo { attached: false }, now, "en");
    assert!(alone(&p, 500).sign_in.is_none(), "a host may still attach");
    let form = alone(&p, HOST_GRACE_MS)
        .sign_in
        .expect("no host: the widget signs in");
    assert_eq!(
        (form.kind, form.error, form.busy),
        (Source::Xuc, None, false)
    );
    assert!(
        view(&p).sign_in.is_none(),
        "an attached host is asked first"
    );

    let mut declined = xuc_panel();
    declined.on_health(&faulty(
        HealthState::Reconnecting,
        "no credentials from the host: the host page gives no credentials (contactCentre.credentials)",
        Fault::NoCredentials,
    ));
    let form = view(&declined).sign_in.expect("the host declined");
    assert_eq!(form.error, Some(LoginError::NoCredentials));
}

#[test]
fn signing_in_is_busy_then_gone_once_live_and_logs_the_agent_in_on_its_phone() {
    let mut p = xuc_panel();
    p.signing_in(Some("1000".into()));
    assert!(view(&p).sign_in.unwrap().busy);
    p.on_health(&health(HealthState::Connecting, "logging in"));
    let todo = p.on_health(&health(HealthState::Live, "events flow"));
    assert_eq!(
        todo,
        [PanelCommand::LoginAgent {
            phone: "1000".into()
        }]
    );
    assert!(view(&p).sign_in.is_none());
    // Once only.
    assert!(p.on_health(&health(HealthState::Live, "again")).is_empty());
}

#[test]
fn an_agent_already_logged_in_is_not_logged_in_again() {
    let mut p = xuc_panel();
    p.signing_in(Some("1000".into()));
    p.observe(1, &agent(AgentStateKind::Ready, None));
    assert!(p
        .on_health(&health(HealthState::Live, "events flow"))
        .is_empty());
}

#[test]
fn each_login_error_has_its_code() {
    let cases = [
        (Fault::NoCredentials, LoginError::NoCredentials),
        (Fault::EndpointRefused, LoginError::EndpointRefused),
        (Fault::EndpointFailed, LoginError::EndpointFailed),
        (Fault::BadCredentials, LoginError::BadCredentials),
        (Fault::RefusedAgain, LoginError::RefusedAgain),
        (Fault::TokenRefused, LoginError::TokenRefused),
        (Fault::Misconfigured, LoginError::Misconfigured),
        (Fault::ServerUnavailable, LoginError::ServerUnavailable),
        (Fault::Unreachable, LoginError::Unreachable),
    ];
    for (fault, want) in cases {
        assert_eq!(LoginError::from_fault(fault), want, "{fault:?}");
        let mut p = xuc_panel();
        p.signing_in(None);
        p.on_health(&faulty(HealthState::Connecting, "whatever it says", fault));
        assert_eq!(view(&p).sign_in.and_then(|f| f.error), Some(want));
    }
    // The code decides, never the reason's text.
    let mut p = xuc_panel();
    p.signing_in(None);
    p.on_health(&health(
        HealthState::Connecting,
        "the login was refused (HTTP 401); asking the host again",
    ));
    assert_eq!(view(&p).sign_in.and_then(|f| f.error), None);
    assert_eq!(
        LoginError::from_agent_error("PhoneNumberUnknown"),
        Some(LoginError::PhoneUnknown)
    );
    assert_eq!(
        LoginError::from_agent_error("LoggedInOnAnotherPhone"),
        Some(LoginError::OtherPhone)
    );
}

#[test]
fn a_wrong_password_shows_the_form_again_with_its_error() {
    let mut p = xuc_panel();
    p.signing_in(Some("1000".into()));
    p.on_health(&faulty(
        HealthState::Connecting,
        "the login was refused (HTTP 401); asking the host again",
        Fault::BadCredentials,
    ));
    let form = view(&p).sign_in.unwrap();
    assert_eq!(form.error, Some(LoginError::BadCredentials));
    assert!(!form.busy);
}

#[test]
fn an_unknown_phone_is_a_sign_in_error() {
    let mut p = xuc_panel();
    p.signing_in(Some("9999".into()));
    p.observe(
        1,
        &event(EventBody::AgentError {
            code: "PhoneNumberUnknown".into(),
            phone_number: None,
            requested_number: None,
            agent_id: None,
        }),
    );
    assert_eq!(p.login_error, Some(LoginError::PhoneUnknown));
}

#[test]
fn axp_without_a_token_endpoint_cannot_sign_in_by_itself() {
    let p = Panel::new(
        PanelConfig {
            live: Some(Source::Axp),
            ..PanelConfig::default()
        },
        0,
    );
    let v = p.view(&snap(), HostInfo { attached: false }, HOST_GRACE_MS, "en");
    assert!(v.sign_in.unwrap().unavailable);
    let p = Panel::new(
        PanelConfig {
            live: Some(Source::Axp),
            credentials_url: true,
            ..PanelConfig::default()
        },
        0,
    );
    let v = p.view(&snap(), HostInfo { attached: false }, HOST_GRACE_MS, "en");
    assert!(!v.sign_in.unwrap().unavailable);
}

#[test]
fn a_click_to_dial_fills_the_number_field() {
    let mut p = xuc_panel();
    p.observe(
        1,
        &event(EventBody::Dial {
            number: "+33612345678".into(),
            record_id: None,
            via: Some(Source::Xuc),
        }),
    );
    assert_eq!(view(&p).dial.number, "+33612345678");
    p.set_dial("0102");
    assert_eq!(view(&p).dial.number, "0102");
}

#[test]
fn the_context_shows_presence_mode_and_health() {
    let mut p = xuc_panel();
    live(&mut p);
    let mut s = snap();
    s.presence = Some(crate::sync::PresenceSnapshot {
        name: "Busy".into(),
        status_id: None,
        available: false,
    });
    s.mode = Mode::Complementary;
    let v = p.view(&s, HostInfo { attached: true }, 1, "en");
    assert_eq!(
        v.context.presence,
        Some(PresenceView {
            name: "Busy".into(),
            available: false
        })
    );
    assert_eq!(v.context.mode, Mode::Complementary);
    assert_eq!(
        (v.context.health, v.context.source, v.context.host),
        ("live", Some(Source::Xuc), true)
    );
}

#[test]
fn locales_fall_back_to_english() {
    assert_eq!(locale(Some("fr-CA")), "fr");
    assert_eq!(locale(Some("FR")), "fr");
    assert_eq!(locale(Some("de")), "en");
    assert_eq!(locale(None), "en");
}

fn action(value: Value) -> PanelAction {
    serde_json::from_value(value).unwrap()
}

#[test]
fn actions_become_xuc_commands() {
    let call = |v| action(v).xuc_call().unwrap().unwrap();
    assert_eq!(
        call(json!({"action": "answer", "id": "c1"})),
        ("answer", vec![])
    );
    assert_eq!(
        call(json!({"action": "hold", "id": "c1"})),
        ("hold", vec![])
    );
    assert_eq!(
        call(json!({"action": "resume", "id": "c1"})),
        ("hold", vec![])
    );
    assert_eq!(
        call(json!({"action": "hangup", "id": "c1"})),
        ("hangup", vec![])
    );
    assert_eq!(
        call(json!({"action": "finishWrapUp"})),
        ("unpauseAgent", vec![])
    );
    assert_eq!(
        call(json!({"action": "dial", "number": " +33 6 12-34.56 78 "})),
        ("dial", vec![json!("+33612345678")])
    );
    assert_eq!(
        call(json!({"action": "transfer", "id": "c1", "destination": "2001"})),
        ("directTransfer", vec![json!("2001")])
    );
    assert_eq!(
        call(json!({"action": "phoneLogin", "phone": "1000"})),
        ("loginAgent", vec![json!("1000")])
    );
    assert!(action(json!({"action": "dial", "number": "abc"}))
        .xuc_call()
        .is_err());
    assert!(action(json!({"action": "dial", "number": ""}))
        .xuc_call()
        .is_err());
    assert_eq!(
        action(json!({"action": "dismiss", "id": 3})).xuc_call(),
        Ok(None)
    );
}

#[test]
fn state_options_parse() {
    let desired = |o: &str| action(json!({"action": "setState", "option": o})).desired();
    assert_eq!(desired("ready"), Some((Desired::Ready, None)));
    assert_eq!(desired("notReady"), Some((Desired::NotReady, None)));
    assert_eq!(
        desired("notReady:lunch"),
        Some((Desired::NotReady, Some("lunch".into())))
    );
    assert_eq!(desired("notReady:"), None);
    assert_eq!(desired("busy"), None);
}

#[test]
fn a_sign_in_never_shows_its_password() {
    let a = action(
        json!({"action": "signIn", "login": "alice", "password": "s3cret", "phone": "1000"}),
    );
    assert!(!format!("{a:?}").contains("s3cret"));
}

#[test]
fn malformed_actions_are_refused_with_a_reason() {
    let error = |v: Value| {
        serde_json::from_value::<PanelAction>(v)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(error(json!({"id": "c1"})), "missing field `action`");
    assert!(error(json!({"action": "fly"})).starts_with("unknown variant `fly`, expected one of"));
    assert_eq!(error(json!({"action": "answer"})), "missing field `id`");
    assert_eq!(
        error(json!({"action": "dial", "number": 5})),
        "number: invalid type: integer `5`, expected a string"
    );
    assert_eq!(
        error(json!({"action": "dismiss", "id": -1})),
        "id: invalid value: integer `-1`, expected u64"
    );
    assert_eq!(
        error(json!([1])),
        "invalid type: sequence, expected internally tagged enum PanelAction"
    );
    assert_eq!(
        action(json!({"action": "signIn", "login": "a", "password": "p", "phone": null})),
        PanelAction::SignIn {
            login: "a".into(),
            password: "p".into(),
            phone: None
        }
    );
}

#[test]
fn a_label_by_locale_falls_back_to_english_then_any() {
    let label = |pairs: &[(&str, &str)]| {
        super::Label::ByLocale(
            pairs
                .iter()
                .map(|(c, t)| ((*c).to_owned(), (*t).to_owned()))
                .collect(),
        )
    };
    let both = label(&[("en", "Lunch"), ("fr", "Déjeuner")]);
    assert_eq!(both.pick("fr"), "Déjeuner");
    assert_eq!(both.pick("de"), "Lunch");
    assert_eq!(label(&[("fr", "Déjeuner")]).pick("de"), "Déjeuner");
    assert_eq!(label(&[]).pick("en"), "");
}

/// The pause reason's reader against the one it replaced (a `Fields::req`
/// per field): same reason, or same error path and reason.
#[test]
fn a_pause_reason_reads_and_refuses_as_before() {
    use crate::codec::fields::{self, Fields, Wire};
    use crate::codec::path_de::Error as FieldError;
    struct Before(PauseReason);
    impl Wire for Before {
        const EXPECTED: &'static str = "struct PauseReason";
        fn read(o: Fields) -> Result<Self, FieldError> {
            o.only(&["id", "label"])?;
            Ok(Before(PauseReason {
                id: o.text(&["id"])?,
                label: o.req(&["label"], |v| match v {
                    Value::String(s) => Ok(Label::Text(s.clone())),
                    Value::Object(map) => {
                        let mut texts = Vec::with_capacity(map.len());
                        for (k, v) in map {
                            texts.push((k.clone(), fields::text(v).map_err(|e| e.at_key(k))?));
                        }
                        Ok(Label::ByLocale(texts))
                    }
                    _ => Err(serde::de::Error::custom(
                        "data did not match any variant of untagged enum Label",
                    )),
                })?,
            }))
        }
    }
    crate::config::reader_tests::check(
        &["id", "label"],
        |r: PauseReason| r,
        |r: Before| r.0,
        json!({"id": "lunch", "label": {"en": "Lunch", "fr": "Déjeuner"}}),
    );
}

/// The reader [`PanelAction`] had: a string `match` with an arm per action.
fn read_before(
    o: crate::codec::fields::Fields,
) -> Result<PanelAction, crate::codec::path_de::Error> {
    use crate::codec::fields;
    use crate::codec::path_de::Error as FieldError;
    let text = |name: &'static str| o.req(&[name], fields::text);
    let action = text("action")?;
    Ok(match action.as_str() {
        "setState" => PanelAction::SetState {
            option: text("option")?,
        },
        "answer" => PanelAction::Answer { id: text("id")? },
        "hold" => PanelAction::Hold { id: text("id")? },
        "resume" => PanelAction::Resume { id: text("id")? },
        "hangup" => PanelAction::Hangup { id: text("id")? },
        "transfer" => PanelAction::Transfer {
            id: text("id")?,
            destination: text("destination")?,
        },
        "finishWrapUp" => PanelAction::FinishWrapUp,
        "dial" => PanelAction::Dial {
            number: text("number")?,
        },
        "setDial" => PanelAction::SetDial {
            number: text("number")?,
        },
        "phoneLogin" => PanelAction::PhoneLogin {
            phone: text("phone")?,
        },
        "signIn" => PanelAction::SignIn {
            login: text("login")?,
            password: text("password")?,
            phone: o
                .get(&["phone"], |v| fields::opt(v, fields::text))?
                .flatten(),
        },
        "signInToken" => PanelAction::SignInToken,
        "dismiss" => PanelAction::Dismiss {
            id: o.req(&["id"], fields::unsigned)?,
        },
        other => {
            return Err(FieldError::unknown_variant(
                other,
                &[
                    "setState",
                    "answer",
                    "hold",
                    "resume",
                    "hangup",
                    "transfer",
                    "finishWrapUp",
                    "dial",
                    "setDial",
                    "phoneLogin",
                    "signIn",
                    "signInToken",
                    "dismiss",
                ],
            ))
        }
    })
}

/// The action reader against the one it replaced ([`read_before`]): for
/// every action (and unknown ones), each field set to each kind of value,
/// the same action, or the same error path and reason.
#[test]
fn panel_actions_read_and_refuse_as_before() {
    use crate::codec::fields::{Fields, Wire};
    use crate::codec::path_de::Error as FieldError;
    struct Before(PanelAction);
    impl Wire for Before {
        const EXPECTED: &'static str = "internally tagged enum PanelAction";
        fn read(o: Fields) -> Result<Self, FieldError> {
            read_before(o).map(Before)
        }
    }
    let keys = [
        "action",
        "option",
        "id",
        "destination",
        "number",
        "phone",
        "login",
        "password",
    ];
    // Unknown names come from the samples given to `action`.
    for name in super::ACTIONS {
        crate::config::reader_tests::check(
            &keys,
            |a: PanelAction| a,
            |a: Before| a.0,
            json!({
                "action": name, "option": "ready", "id": "c1", "destination": "2",
                "number": "1", "phone": "3", "login": "a", "password": "p",
            }),
        );
    }
}

/// Every health but Live, Degraded and Stopped records its fault as the
/// sign-in error; only a lost link (Reconnecting, Failed after Live) is
/// a notice.
#[test]
fn a_retry_says_why_and_only_a_lost_link_is_a_notice() {
    let mut p = xuc_panel();
    for state in [HealthState::Connecting, HealthState::Authenticating] {
        live(&mut p);
        p.signing_in(None);
        p.on_health(&faulty(state, "refused", Fault::BadCredentials));
        let v = view(&p);
        assert!(v.notices.is_empty(), "{state:?}");
        let form = v.sign_in.expect("the error is shown");
        assert_eq!(
            (form.error, form.busy),
            (Some(LoginError::BadCredentials), false)
        );
    }
    for state in [HealthState::Reconnecting, HealthState::Failed] {
        live(&mut p);
        p.signing_in(None);
        p.on_health(&faulty(state, "refused", Fault::BadCredentials));
        let v = view(&p);
        assert!(
            matches!(&v.notices[..], [n] if matches!(n.kind, NoticeKind::ConnectionLost { .. })),
            "{state:?}"
        );
        assert_eq!(
            v.sign_in.and_then(|f| f.error),
            Some(LoginError::BadCredentials)
        );
        // Not live before: no second notice.
        p.on_health(&health(state, "again"));
        assert_eq!(view(&p).notices.len(), 1);
    }
    live(&mut p);
    p.on_health(&faulty(
        HealthState::Degraded,
        "slow",
        Fault::BadCredentials,
    ));
    assert_eq!(view(&p).sign_in.and_then(|f| f.error), None);
}
