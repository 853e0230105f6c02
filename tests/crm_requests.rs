//! CRM Connector requests made on the contact centre's behalf: screen pop,
//! click-to-dial, interaction log.

use cti_bridge::{Bridge, Config, Mode, Output, Source};
use serde_json::{json, Value};

fn requests(bridge: &mut Bridge, source: Source, msg: Value) -> Vec<Value> {
    bridge
        .ingest(source, &msg, None)
        .unwrap_or_else(|e| panic!("{msg}: {e}"))
        .into_iter()
        .filter_map(|o| match o {
            Output::CrmRequest(r) => Some(r.wire),
            _ => None,
        })
        .collect()
}

fn ad(event: &str, extra: Value) -> Value {
    let mut msg = json!({"event": event, "uuid": "c-1", "id": "1184620", "type": "inbound",
                         "media_type": "telephony", "ani": "0612345678", "dnis": "800100", "queue": "Sales"});
    if let (Some(m), Some(e)) = (msg.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    msg
}

#[test]
fn agentdesktop_popup_pops_the_caller_and_the_finished_contact_is_logged() {
    let mut b = Bridge::new(Mode::Off, Config::default());
    assert_eq!(
        requests(&mut b, Source::Agentdesktop, json!({"event": "LOGGEDIN"})),
        [
            json!({"type": "CRMConnectMessage", "action": "requestEnableClickToDial", "data": {"isEnabled": true}})
        ]
    );
    assert!(requests(&mut b, Source::Agentdesktop, ad("RINGING", json!({}))).is_empty());
    assert_eq!(
        requests(&mut b, Source::Agentdesktop, ad("POPUP", json!({}))),
        [
            json!({"type": "CRMConnectMessage", "action": "requestPerformInteractionScreenPop",
                "data": {"aniValues": ["0612345678"], "interactionId": "c-1"}})
        ]
    );
    // Popped once: the connection does not pop again.
    assert!(requests(&mut b, Source::Agentdesktop, ad("ESTABLISHED", json!({}))).is_empty());
    let log = requests(
        &mut b,
        Source::Agentdesktop,
        ad("JOBFINISHED", json!({"reason": "ok"})),
    );
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["action"], "requestSaveInteractionLog");
    let body = &log[0]["data"]["message"]["body"];
    assert_eq!(body["interactionId"], "c-1");
    assert_eq!(
        body["interactionData"],
        json!({"media": "telephony", "direction": "inbound", "from": "0612345678", "to": "800100",
               "queue": "Sales", "lastPhase": "done"})
    );
    assert_eq!(
        log[0]["data"]["message"]["header"]["source"],
        "agentdesktop"
    );
    // Logged out: click-to-dial off, said once.
    let off = requests(&mut b, Source::Agentdesktop, json!({"event": "LOGGEDOUT"}));
    assert_eq!(off[0]["data"], json!({"isEnabled": false}));
    assert!(requests(&mut b, Source::Agentdesktop, json!({"event": "LOGGEDOUT"})).is_empty());
}

#[test]
fn a_contact_without_a_vendor_pop_is_popped_when_it_connects() {
    let mut b = Bridge::new(Mode::Off, Config::default());
    let notification = |body: Value| json!({"correlationId": body["id"], "body": body});
    requests(
        &mut b,
        Source::Axp,
        notification(json!({"event": "InboundEngagementCreated",
        "engagementId": "e1", "callingNumber": "+15551235555", "dialledNumber": "+18005555555",
        "channelId": "Voice", "id": "n1"})),
    );
    let pops = requests(
        &mut b,
        Source::Axp,
        notification(json!({"event": "AgentParticipant",
        "engagementId": "e1", "action": "ADDED", "agentId": "a1", "channelId": "Voice", "id": "n2"})),
    );
    assert_eq!(pops[0]["action"], "requestPerformInteractionScreenPop");
    assert_eq!(pops[0]["data"]["aniValues"], json!(["+15551235555"]));
}

#[test]
fn the_crm_side_decides_whether_requests_are_made() {
    // With OpenFrame as the CRM, CRM Connector requests are not made.
    let mut b = Bridge::new(Mode::Off, Config::default());
    b.ingest(
        Source::Openframe,
        &json!({"event": "openframe_awa_agent_presence",
        "data": {"result": {"presence": {"name": "Available", "available": true}}}}),
        None,
    )
    .expect("decodes");
    assert!(requests(&mut b, Source::Agentdesktop, ad("POPUP", json!({}))).is_empty());
    // CRM-side events never cause requests.
    let mut b = Bridge::new(Mode::Off, Config::default());
    assert!(requests(
        &mut b,
        Source::CrmConnector,
        json!({"type": "ClientAppMessage",
        "action": "omnichannelResponse", "data": {"statusId": "Available", "success": true}})
    )
    .is_empty());
}
