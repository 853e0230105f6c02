//! AXP Agent & Engagement codec: every seed sample, every body type and
//! action, the envelope, the client frames, and hostile input.

mod common;

use common::{arb_json, decode, decode_one, fixtures};
use cti_bridge::codec::axp;
use cti_bridge::model::Source;
use cti_bridge::DecodeError;
use proptest::prelude::*;
use serde_json::{json, Value};

const SRC: Source = Source::Axp;

const SUB: &str = "fdbec917-e76e-4645-8120-4eac46f29487";
const ENG: &str = "15bcf682-3edf-4c79-b083-07864fa1fb55";
const CP: &str = "4dc53692-e25c-4e8c-a780-0b2f05008478";
const DIALOG: &str = "01005000281645486013";
const EVENT_ID: &str = "d3c8400d-c44f-4451-8316-e75c4efb8bb2";

/// Fixture lines (see tests/fixtures/axp.jsonl).
const PONG: usize = 0;
const AUTH_CONFIRMED: usize = 1;
const AGENT_STATE: usize = 2;
const AGENT_PARTICIPANT: usize = 3;
const AUTOMATION_PARTICIPANT: usize = 4;
const EXTERNAL_PARTICIPANT: usize = 5;
const ENGAGEMENT_PREROUTED: usize = 6;
const INBOUND_CREATED: usize = 7;
const MATCH_OFFERED: usize = 8;
const OUTBOUND_CREATED: usize = 9;
const SINGLE_STEP_TRANSFER: usize = 10;
const SINGLE_STEP_TRANSFER_ERROR: usize = 11;
const CHANNEL_READY: usize = 12;
const ACW_ACTIVATED: usize = 13;
const ACW_COMPLETED: usize = 14;
const AUTH_FAILURES: std::ops::Range<usize> = 15..20;

/// The envelope of the document's Notification example, as decoded, plus
/// the body timestamp every example carries.
fn example_envelope() -> Value {
    json!({"correlationId": "a425851d-5225-4b76-8ca0-4fa31ecfd5db",
           "subscriptionId": SUB, "family": "AGENT_ENGAGEMENT",
           "sentAt": "2020-08-24T08:20:23.395Z", "accountId": "DYNNUG",
           "loginId": "[email protected]", "timestamp": "9223372036854776000"})
}

/// A notification with the example envelope around `body`.
fn notification(body: Value) -> Value {
    json!({"correlationId": "a425851d-5225-4b76-8ca0-4fa31ecfd5db",
           "subscriptionId": SUB, "family": "AGENT_ENGAGEMENT",
           "sentAt": "2020-08-24T08:20:23.395Z", "accountId": "DYNNUG",
           "loginId": "[email protected]", "body": body})
}

// ---- control frames -------------------------------------------------------

#[test]
fn pong_sample_is_a_heartbeat_answer() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[PONG]),
        json!({"kind": "connection", "status": "pong"})
    );
    assert_eq!(
        decode_one(SRC, &json!({"event": "pong", "subscriptionId": SUB})),
        json!({"kind": "connection", "status": "pong", "subscriptionId": SUB})
    );
}

#[test]
fn authentication_response_sample_confirms_with_intervals() {
    let f = fixtures(SRC);
    let decoded = decode(SRC, &f[AUTH_CONFIRMED]).unwrap();
    assert!(decoded.envelope.is_empty());
    assert_eq!(decoded.event_id, None);
    assert_eq!(
        decode_one(SRC, &f[AUTH_CONFIRMED]),
        json!({"kind": "connection", "status": "confirmed", "detail": "CONNECTION_CONFIRMED",
               "subscriptionId": SUB, "pingInterval": 300, "expiresInterval": 900})
    );
}

#[test]
fn authentication_failures_decode_all_statuses_including_the_misspelt_one() {
    let f = fixtures(SRC);
    let expected = [
        ("CONNECTION_FAILED_INVALID_TOKEN", "invalidToken"),
        (
            "CONNECTION_FAILED_UNKNOWN_SUBSCRIPTION",
            "unknownSubscription",
        ),
        ("CONNECTION_FAILED_INTERNAL_SERVER_ERROR", "serverError"),
        (
            "CONNECTION_FAILED_CONSTRAINT_VIOLATION",
            "constraintViolation",
        ),
        (
            "CONNECTIONFAILED_CONSTRAINT_VIOLATION",
            "constraintViolation",
        ),
    ];
    assert_eq!(AUTH_FAILURES.len(), expected.len());
    for (i, (wire, status)) in AUTH_FAILURES.zip(expected) {
        assert_eq!(
            decode_one(SRC, &f[i]),
            json!({"kind": "connection", "status": status, "detail": wire,
                   "subscriptionId": SUB}),
            "fixture {i}"
        );
    }
}

#[test]
fn client_frames_match_the_seed_examples() {
    assert_eq!(
        axp::authentication(SUB, "7e0cd42a22b451701fg29c3bde214…"),
        json!({"event": "authentication",
               "subscriptionId": "fdbec917-e76e-4645-8120-4eac46f29487",
               "token": "7e0cd42a22b451701fg29c3bde214…"})
    );
    assert_eq!(axp::ping(None), json!({"event": "ping"}));
    assert_eq!(
        axp::ping(Some(SUB)),
        json!({"event": "ping", "subscriptionId": SUB})
    );
    // Client frames are not server frames: echoing them back is an error.
    for frame in [axp::ping(None), axp::authentication(SUB, "t")] {
        let name = frame["event"].as_str().unwrap().to_owned();
        assert_eq!(
            decode(SRC, &frame).unwrap_err().to_string(),
            format!("unknown AXP frame `{name}`")
        );
    }
}

// ---- notifications: every body example of the document ---------------------

#[test]
fn agent_state_sample_is_not_ready_rona_with_envelope_and_event_id() {
    let f = fixtures(SRC);
    let decoded = decode(SRC, &f[AGENT_STATE]).unwrap();
    assert_eq!(Value::Object(decoded.envelope), example_envelope());
    assert_eq!(decoded.event_id.as_deref(), Some(EVENT_ID));
    assert_eq!(
        decode_one(SRC, &f[AGENT_STATE]),
        json!({"kind": "agentState", "state": "notReady", "reason": "514", "cause": "RONA",
               "agentId": "4a785201-73b8-4842-abf7-36f5e572d310", "vendorState": "NOT_READY",
               "data": {"profileId": "HomeProfile"}})
    );
}

#[test]
fn agent_participant_sample_is_a_connected_voice_interaction() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[AGENT_PARTICIPANT]),
        json!({"kind": "interaction", "id": ENG, "phase": "connected", "media": "Voice",
               "agentId": "4a785201-73b8-4842-abf7-36f5e572d310",
               "vendorEvent": "AgentParticipant.ADDED",
               "data": {"channelProviderId": CP,
                        "connectionId": "b2bcbf1e-905b-4164-bab5-6efcde49933b",
                        "dialogId": DIALOG, "extension": 8010017,
                        "providerEngagementId": "00001084011532384922",
                        "agentInitiatedDisconnect": false}})
    );
}

#[test]
fn automation_participant_sample_is_an_ivr_joining() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[AUTOMATION_PARTICIPANT]),
        json!({"kind": "participant", "interactionId": ENG, "role": "automation",
               "action": "ADDED", "participantId": "AvayaVoiceIVR",
               "data": {"channelProviderId": CP, "dialogId": DIALOG,
                        "automationType": "SELF_SERVICE",
                        "connectionId": "d2775626-66d4-459b-8147-09ea4b98c370",
                        "channelId": "Voice", "providerEngagementId": "00001084011532384922",
                        "automationInitiatedDisconnect": false}})
    );
}

#[test]
fn external_participant_sample_is_the_customer_joining() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[EXTERNAL_PARTICIPANT]),
        json!({"kind": "participant", "interactionId": ENG, "role": "external",
               "action": "ADDED", "participantId": "+35395554321",
               "data": {"channelProviderId": CP,
                        "connectionId": "b2bcbf1e-905b-4164-bab5-6efcde49933b",
                        "dialogId": DIALOG, "channelId": "Voice",
                        "providerEngagementId": "00001084011532384922",
                        "externalParticipantInitiatedDisconnect": true}})
    );
}

#[test]
fn engagement_prerouted_sample_is_queued_outbound_with_queue_id() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[ENGAGEMENT_PREROUTED]),
        json!({"kind": "interaction", "id": ENG, "phase": "queued", "media": "Voice",
               "direction": "outbound", "from": "+35395554321", "to": "+12125554321",
               "queue": "6d1490d5-7886-417d-ac85-fb0825d53a93",
               "vendorEvent": "EngagementPrerouted",
               "data": {"dialogId": DIALOG, "orchestrationFlow": "OneCloud Voice Outbound",
                        "attributes": {"category": "Language", "values": ["English"]},
                        "attributeList": ["System.Outbound"],
                        "engagementParameters": {"language": "en"}, "adhocEmail": false,
                        "channelProviderId": CP, "channelIdentifier": "Voice",
                        "queue": {"queueId": "6d1490d5-7886-417d-ac85-fb0825d53a93",
                                  "queueName": "Default", "priority": 5,
                                  "proficiencyRangeMin": 1, "proficiencyRangeMax": 1},
                        "externalParticipantId": "+35395554321"}})
    );
}

#[test]
fn inbound_engagement_created_sample_is_a_created_inbound_call() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[INBOUND_CREATED]),
        json!({"kind": "interaction", "id": ENG, "phase": "created", "media": "Voice",
               "direction": "inbound", "from": "+15551235555", "to": "+18005555555",
               "vendorEvent": "InboundEngagementCreated",
               "data": {"channelProviderId": CP,
                        "connectionId": "d2775626-66d4-459b-8147-09ea4b98c370",
                        "externalParticipantId": "+35395554321", "dialogId": DIALOG,
                        "providerEngagementId": "00001084011532384922",
                        "engagementParameters": {"language": "en"}}})
    );
}

#[test]
fn match_offered_sample_is_an_offer_keeping_match_details() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[MATCH_OFFERED]),
        json!({"kind": "interaction", "id": ENG, "phase": "offered",
               "vendorEvent": "MatchOffered",
               "data": {"matchId": "43dc4b96-dfd6-438c-867e-a0d032e1e0a6",
                        "correlationId": "1682f876-f7b7-4347-accd-495cae95f860",
                        "strategy": "MOST_IDLE"}})
    );
}

#[test]
fn outbound_engagement_created_sample_is_the_agent_dialing() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[OUTBOUND_CREATED]),
        json!({"kind": "interaction", "id": ENG, "phase": "dialing", "media": "Voice",
               "direction": "outbound", "to": "+12125554321",
               "agentId": "zz3tDKfrQx-Mv78Q_AIpGG",
               "vendorEvent": "OutboundEngagementCreated",
               "data": {"dialogId": DIALOG, "channelProviderId": CP,
                        "engagementParameters": {"language": "en"}}})
    );
}

#[test]
fn single_step_transfer_sample_is_a_transfer_to_a_queue() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[SINGLE_STEP_TRANSFER]),
        json!({"kind": "transfer", "interactionId": ENG, "to": "QUEUE",
               "destination": "16119117-7986-426e-bd3f-6f2e1d92ee1d",
               "data": {"initiatingAgentId": "ab8f46f8-fd79-4380-8d0e-ce739ca481db",
                        "queueName": "VoiceQ", "channelProviderId": CP,
                        "connectionId": "d2775626-66d4-459b-8147-09ea4b98c370",
                        "dialogId": DIALOG, "providerDialogId": "00001000321636990744",
                        "channelId": "Voice",
                        "correlationId": "d3c8400d-c44f-4451-8316-e75c4efb8bb2"}})
    );
    // The body has no `id`: the notification's correlationId stands in.
    let decoded = decode(SRC, &f[SINGLE_STEP_TRANSFER]).unwrap();
    assert_eq!(
        decoded.event_id.as_deref(),
        Some("a425851d-5225-4b76-8ca0-4fa31ecfd5db")
    );
}

#[test]
fn single_step_transfer_error_sample_is_a_cancelled_transfer() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[SINGLE_STEP_TRANSFER_ERROR]),
        json!({"kind": "transfer", "interactionId": ENG, "to": "USER",
               "destination": "db9c8c9b-cb3a-42c9-8078-7a347726f016",
               "error": "CANCELLED", "detail": "The current engagement has terminated",
               "data": {"initiatingAgentId": "ab8f46f8-fd79-4380-8d0e-ce739ca481db",
                        "dialogId": DIALOG, "channelProviderId": CP, "channelId": "Voice",
                        "correlationId": "d3c8400d-c44f-4451-8316-e75c4efb8bb2",
                        "title": "Engagement no longer active"}})
    );
    let decoded = decode(SRC, &f[SINGLE_STEP_TRANSFER_ERROR]).unwrap();
    assert_eq!(
        decoded.event_id.as_deref(),
        Some("d433ef5c-7954-4b39-9d99-ab9ffeae725b")
    );
}

#[test]
fn channel_ready_sample_names_agent_and_channel() {
    let f = fixtures(SRC);
    assert_eq!(
        decode_one(SRC, &f[CHANNEL_READY]),
        json!({"kind": "channelReady", "agentId": "zz3tDKfrQx-Mv78Q_AIpGG", "channel": "Voice"})
    );
}

#[test]
fn after_contact_work_samples_are_wrap_up_then_done() {
    let f = fixtures(SRC);
    for (i, phase, event) in [
        (ACW_ACTIVATED, "wrapUp", "AfterContactWorkActivated"),
        (ACW_COMPLETED, "done", "AfterContactWorkCompleted"),
    ] {
        assert_eq!(
            decode_one(SRC, &f[i]),
            json!({"kind": "interaction", "id": ENG, "phase": phase, "media": "Voice",
                   "agentId": "zz3tDKfrQx-Mv78Q_AIpGG", "vendorEvent": event,
                   "data": {"dialogId": DIALOG, "channelProviderId": CP,
                            "connectionId": "d2775626-66d4-459b-8147-09ea4b98c370"}})
        );
    }
}

#[test]
fn every_notification_sample_carries_the_example_envelope() {
    let f = fixtures(SRC);
    for (i, raw) in f
        .iter()
        .enumerate()
        .take(ACW_COMPLETED + 1)
        .skip(AGENT_STATE)
    {
        let decoded = decode(SRC, raw).unwrap();
        assert_eq!(Value::Object(decoded.envelope), example_envelope(), "{i}");
        assert!(decoded.event_id.is_some(), "{i}");
    }
}

// ---- mappings beyond the examples ------------------------------------------

#[test]
fn agent_states_map_with_reason_as_string_or_number() {
    for (wire, state) in [
        ("READY", "ready"),
        ("NOT_READY", "notReady"),
        ("LOGGED_IN", "loggedIn"),
        ("LOGGED_OUT", "loggedOut"),
        // Lenient spellings: case, separators, the document's AGENT_ prefix.
        ("ready", "ready"),
        ("notReady", "notReady"),
        ("AGENT_NOT_READY", "notReady"),
        ("logged-out", "loggedOut"),
    ] {
        let v = decode_one(
            SRC,
            &notification(json!({"event": "AgentState", "agentId": "a1", "state": wire})),
        );
        assert_eq!(
            v,
            json!({"kind": "agentState", "state": state, "agentId": "a1", "vendorState": wire})
        );
    }
    for reason in [json!(514), json!("514"), json!(514.0)] {
        let v = decode_one(
            SRC,
            &notification(json!({"event": "AgentState", "state": "NOT_READY",
                                 "reasonCode": reason})),
        );
        assert_eq!(v["reason"], "514");
    }
}

#[test]
fn agent_participant_actions_map_to_phases_and_supervisor_roles() {
    let base = json!({"event": "AgentParticipant", "engagementId": "e1", "agentId": "a1",
                      "channelId": "Voice"});
    let with = |extra: Value| {
        let mut body = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        decode_one(SRC, &notification(body))
    };
    for (action, phase) in [
        ("ADDED", "connected"),
        ("HELD", "held"),
        ("UNHELD", "resumed"),
        ("INVITED", "alerting"),
        ("REMOVED", "ended"),
        ("MOVED", "connected"),
        ("unheld", "resumed"),
    ] {
        let v = with(json!({"action": action}));
        let canonical = action.to_ascii_uppercase();
        assert_eq!(
            v,
            json!({"kind": "interaction", "id": "e1", "phase": phase, "media": "Voice",
                   "agentId": "a1", "vendorEvent": format!("AgentParticipant.{canonical}")})
        );
    }
    let removed = with(json!({"action": "REMOVED", "agentInitiatedDisconnect": true}));
    assert_eq!(removed["data"], json!({"agentInitiatedDisconnect": true}));
    let moved = with(json!({"action": "MOVED", "previousDialogId": "d0", "dialogId": "d1"}));
    assert_eq!(
        moved["data"],
        json!({"previousDialogId": "d0", "dialogId": "d1"})
    );

    for (action, field, canonical) in [
        ("OBSERVING", "observingAgentId", "OBSERVING"),
        ("COACHING", "coachingAgentId", "COACHING"),
        ("BARGEDIN", "bargingAgentId", "BARGEDIN"),
        ("bargedIn", "bargingAgentId", "BARGEDIN"),
    ] {
        let mut extra = json!({"action": action});
        extra[field] = json!("sup1");
        assert_eq!(
            with(extra),
            json!({"kind": "participant", "interactionId": "e1", "role": "supervisor",
                   "action": canonical, "participantId": "sup1",
                   "data": {"agentId": "a1", "channelId": "Voice"}})
        );
    }
    // Without the supervisor's own id, the body's agentId is used.
    assert_eq!(with(json!({"action": "COACHING"}))["participantId"], "a1");
}

#[test]
fn match_offered_takes_queue_agent_and_channel_from_the_offer() {
    // The document's OfferedQueue and OfferedAgentData examples; its payload
    // table types offeredQueue.queueId as an integer.
    let agent = json!({"agentId": "4a785201-73b8-4842-abf7-36f5e572d310",
                       "providerAgentId": 8011001, "channelProviderId": CP,
                       "channelId": "Voice", "channelProviderAddress": "+7775550113555",
                       "providerAgentAddress": "[email protected]"});
    let v = decode_one(
        SRC,
        &notification(json!({"event": "MatchOffered", "engagementId": ENG,
            "offeredQueue": {"queueId": 42, "priority": 1, "rank": 1,
                             "proficiencyRangeMin": 1, "proficiencyRangeMax": 1,
                             "offeredAgentData": agent}})),
    );
    assert_eq!(v["queue"], "42");
    assert_eq!(v["agentId"], "4a785201-73b8-4842-abf7-36f5e572d310");
    assert_eq!(v["media"], "Voice");
    assert_eq!(v["phase"], "offered");
    assert_eq!(v["data"]["offeredQueue"]["rank"], 1);

    for key in ["offeredService", "offeredSpecifiedAgent"] {
        let offer = if key == "offeredService" {
            json!({"offeredAgentData": {"agentId": "a2", "channelId": "Chat"}})
        } else {
            json!({"rank": 1, "offeredSpecifiedAgentData": {"agentId": "a2", "channelId": "Chat"}})
        };
        let mut body = json!({"event": "MatchOffered", "engagementId": "e1"});
        body[key] = offer;
        let v = decode_one(SRC, &notification(body));
        assert_eq!(
            (v["agentId"].as_str(), v["media"].as_str(), v.get("queue")),
            (Some("a2"), Some("Chat"), None),
            "{key}"
        );
    }
}

#[test]
fn prerouted_without_outbound_attribute_has_no_direction() {
    let v = decode_one(
        SRC,
        &notification(json!({"event": "EngagementPrerouted", "engagementId": "e1",
            "channelId": "Email", "sourceAddress": "[email protected]",
            "destinationAddress": "[email protected]", "attributeList": ["Language.English"],
            "queue": {"queueId": 7, "queueName": "Support"}})),
    );
    assert_eq!(
        v,
        json!({"kind": "interaction", "id": "e1", "phase": "queued", "media": "Email",
               "from": "[email protected]", "to": "[email protected]", "queue": "7",
               "vendorEvent": "EngagementPrerouted",
               "data": {"attributeList": ["Language.English"],
                        "queue": {"queueId": 7, "queueName": "Support"}}})
    );
    // A single string instead of a list is understood too.
    let v = decode_one(
        SRC,
        &notification(json!({"event": "EngagementPrerouted", "engagementId": "e1",
                             "attributeList": "system.outbound"})),
    );
    assert_eq!(v["direction"], "outbound");
}

#[test]
fn participant_actions_keep_their_document_spelling() {
    for (event, role, id_field) in [
        (
            "AutomationParticipant",
            "automation",
            "automationParticipantId",
        ),
        ("ExternalParticipant", "external", "externalParticipantId"),
    ] {
        for (wire, action) in [
            ("REMOVED", "REMOVED"),
            ("invited", "INVITED"),
            ("JOINED", "JOINED"),
        ] {
            let mut body = json!({"event": event, "engagementId": "e1", "action": wire});
            body[id_field] = json!("p1");
            assert_eq!(
                decode_one(SRC, &notification(body)),
                json!({"kind": "participant", "interactionId": "e1", "role": role,
                       "action": action, "participantId": "p1"})
            );
        }
    }
}

#[test]
fn transfer_errors_default_to_failed_and_fall_back_to_the_title() {
    let v = decode_one(
        SRC,
        &notification(
            json!({"event": "SingleStepTransferError", "engagementId": "e1",
                             "transferTo": "external", "destination": "+3312345678",
                             "title": "Transfer failed"}),
        ),
    );
    assert_eq!(
        v,
        json!({"kind": "transfer", "interactionId": "e1", "to": "EXTERNAL",
               "destination": "+3312345678", "error": "FAILED", "detail": "Transfer failed"})
    );
    let v = decode_one(
        SRC,
        &notification(
            json!({"event": "SingleStepTransferError", "engagementId": "e1",
                             "errorType": "failed"}),
        ),
    );
    assert_eq!(v["error"], "FAILED");
}

#[test]
fn envelope_fields_are_kept_as_strings_and_unknown_fields_ignored() {
    let raw = json!({"correlationId": 12, "subscriptionId": SUB, "family": "AGENT_ENGAGEMENT",
        "sentAt": "2020-08-24T08:20:23.395Z", "accountId": "DYNNUG", "loginId": "[email protected]",
        "initiatingLoginId": "i@x", "destinationLoginId": "d@x", "observedLoginId": "od@x",
        "observingLoginId": "og@x", "coachedLoginId": "cd@x", "coachingLoginId": "cg@x",
        "bargingLoginId": "b@x", "region": "EU", "emptyField": null,
        "body": {"event": "ChannelReady", "agentId": "a1", "channelId": "Chat",
                 "timestamp": "1598257223395", "extra": [1, 2]}});
    let decoded = decode(SRC, &raw).unwrap();
    assert_eq!(
        Value::Object(decoded.envelope),
        json!({"correlationId": "12", "subscriptionId": SUB, "family": "AGENT_ENGAGEMENT",
               "sentAt": "2020-08-24T08:20:23.395Z", "accountId": "DYNNUG",
               "loginId": "[email protected]", "initiatingLoginId": "i@x",
               "destinationLoginId": "d@x", "observedLoginId": "od@x",
               "observingLoginId": "og@x", "coachedLoginId": "cd@x",
               "coachingLoginId": "cg@x", "bargingLoginId": "b@x",
               "timestamp": "1598257223395"})
    );
    assert_eq!(decoded.event_id.as_deref(), Some("12"));
    // A bare body (no envelope) decodes with an empty envelope and no id.
    let decoded = decode(SRC, &json!({"body": {"event": "ChannelReady"}})).unwrap();
    assert!(decoded.envelope.is_empty());
    assert_eq!(decoded.event_id, None);
}

#[test]
fn names_and_numbers_are_decoded_leniently() {
    // Body event names: case, separators, a vendor prefix.
    for name in ["agentState", "AGENT_STATE", "axp.AgentState"] {
        let v = decode_one(SRC, &notification(json!({"event": name, "state": "READY"})));
        assert_eq!(v["kind"], "agentState", "{name}");
    }
    assert_eq!(
        decode_one(
            SRC,
            &notification(json!({"event": "after_contact_work_completed", "engagementId": 77}))
        )["id"],
        "77"
    );
    // Frame names and intervals sent as strings.
    let v = decode_one(
        SRC,
        &json!({"event": "AuthenticationResponse", "status": "connection_confirmed",
                "pingInterval": "300", "expiresInterval": "900"}),
    );
    assert_eq!(
        v,
        json!({"kind": "connection", "status": "confirmed", "detail": "connection_confirmed",
               "pingInterval": 300, "expiresInterval": 900})
    );
    assert_eq!(decode_one(SRC, &json!({"event": "PONG"}))["status"], "pong");
    // `dialedNumber` (US spelling) for `dialledNumber`.
    let v = decode_one(
        SRC,
        &notification(
            json!({"event": "InboundEngagementCreated", "engagementId": "e1",
                             "callingNumber": 15551235555_u64, "dialedNumber": "+18005555555"}),
        ),
    );
    assert_eq!(
        (v["from"].as_str(), v["to"].as_str()),
        (Some("15551235555"), Some("+18005555555"))
    );
    // A notification wrapped in a top-level `event: notification`.
    let mut wrapped = notification(json!({"event": "ChannelReady", "channelId": "Voice"}));
    wrapped["event"] = json!("notification");
    assert_eq!(decode_one(SRC, &wrapped)["kind"], "channelReady");
}

#[test]
fn timestamps_are_accepted_as_numbers_or_strings() {
    for (ts, text) in [
        (json!(9223372036854776000_u64), "9223372036854776000"),
        (json!("1598257223395"), "1598257223395"),
        (json!(1598257223395_i64), "1598257223395"),
    ] {
        let decoded = decode(
            SRC,
            &json!({"body": {"event": "ChannelReady", "timestamp": ts}}),
        )
        .unwrap();
        assert_eq!(decoded.envelope["timestamp"], text);
    }
}

// ---- malformed input --------------------------------------------------------

#[test]
fn malformed_messages_say_what_was_wrong() {
    let cases = [
        (json!([]), "expected a JSON object, got an array"),
        (json!({}), "missing field `event`"),
        (json!({"event": 5}), "field `event`: expected a string, got a number"),
        (json!({"event": "welcome"}), "unknown AXP frame `welcome`"),
        (json!({"event": "authenticationResponse"}),
         "authenticationResponse: missing field `status`"),
        (json!({"event": "authenticationResponse", "status": "CONNECTION_REFUSED"}),
         "unknown AXP authentication status `CONNECTION_REFUSED`"),
        (json!({"event": "authenticationResponse", "status": "CONNECTION_CONFIRMED",
                "pingInterval": "soon"}),
         "authenticationResponse at pingInterval: invalid value: string \"soon\", expected an integer or a string holding one"),
        (json!({"event": "notification", "correlationId": "c1"}), "missing field `body`"),
        (json!({"correlationId": "c1", "family": "AGENT_ENGAGEMENT"}), "missing field `body`"),
        (json!({"correlationId": "c1", "body": null}), "missing field `body`"),
        (json!({"body": "AgentState"}), "body: expected a JSON object, got a string"),
        (json!({"body": {}}), "missing field `body.event`"),
        (json!({"body": {"event": 7}}), "body: field `event`: expected a string, got a number"),
        (json!({"body": {"event": "AgentTeleported"}}),
         "unknown AXP notification event `AgentTeleported`"),
        (json!({"body": {"event": "AgentState"}}), "AgentState body: missing field `state`"),
        (json!({"body": {"event": "AgentState", "state": "ON_BREAK"}}),
         "unknown AXP agent state `ON_BREAK`"),
        (json!({"body": {"event": "AgentState", "state": "READY", "reasonCode": [514]}}),
         "AgentState body at reasonCode: invalid type: sequence, expected a string, a number or null"),
        (json!({"body": {"event": "AgentParticipant", "action": "ADDED"}}),
         "AgentParticipant body: missing field `engagementId`"),
        (json!({"body": {"event": "AgentParticipant", "engagementId": "e1"}}),
         "AgentParticipant body: missing field `action`"),
        (json!({"body": {"event": "AgentParticipant", "engagementId": "e1", "action": "TELEPORTED"}}),
         "unknown AXP AgentParticipant action `TELEPORTED`"),
        (json!({"body": {"event": "MatchOffered", "engagementId": "e1",
                         "offeredQueue": {"offeredAgentData": {"agentId": {}}}}}),
         "MatchOffered body at offeredQueue.offeredAgentData.agentId: invalid type: map, expected a string, a number or null"),
        (json!({"body": {"event": "SingleStepTransfer"}}),
         "SingleStepTransfer body: missing field `engagementId`"),
        (json!({"loginId": [], "body": {"event": "ChannelReady"}}),
         "notification envelope at loginId: invalid type: sequence, expected a string, a number or null"),
        (json!({"body": {"event": "ChannelReady", "timestamp": {}}}),
         "ChannelReady body at timestamp: invalid type: map, expected a string, a number or null"),
    ];
    common::assert_errors(SRC, &cases);
}

#[test]
fn too_deep_input_is_refused() {
    let v = common::nested("engagementParameters");
    let raw = notification(
        json!({"event": "InboundEngagementCreated", "engagementId": "e1",
                                  "engagementParameters": v}),
    );
    assert!(matches!(
        decode(SRC, &raw),
        Err(DecodeError::TooDeep { .. })
    ));
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(v in arb_json(), i in 0usize..13) {
        let _ = decode(SRC, &v);
        let _ = decode(SRC, &json!({"body": v.clone()}));
        let _ = decode(SRC, &json!({"event": "authenticationResponse", "status": v.clone()}));
        let mut body = json!({"event": axp::BODY_EVENTS[i], "engagementId": "e1",
                              "action": "ADDED", "state": "READY"});
        if let Value::Object(m) = &v {
            for (k, x) in m {
                body[k] = x.clone();
            }
        }
        let _ = decode(SRC, &notification(body));
    }

}
