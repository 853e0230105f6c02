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

fn requests_at(bridge: &mut Bridge, source: Source, msg: Value, now_ms: u64) -> Vec<Value> {
    bridge
        .ingest(source, &msg, Some(now_ms))
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
fn agentdesktop_contact_is_popped_when_it_rings_and_logged_in_avayas_shape() {
    let mut b = Bridge::new(Mode::Off, Config::default());
    assert_eq!(
        requests(&mut b, Source::Agentdesktop, json!({"event": "LOGGEDIN"})),
        [
            json!({"type": "CRMConnectMessage", "action": "requestEnableClickToDial", "data": {"isEnabled": true}})
        ]
    );
    // The pop is requested when the contact rings (crm.screenPopOn: "offered", the default).
    assert_eq!(
        requests_at(
            &mut b,
            Source::Agentdesktop,
            ad("RINGING", json!({})),
            1_715_678_947_000
        ),
        [
            json!({"type": "CRMConnectMessage", "action": "requestPerformInteractionScreenPop",
                "data": {"aniValues": ["0612345678"], "interactionId": "c-1"}})
        ]
    );
    // Popped once: neither the vendor's POPUP nor the connection pops again.
    assert!(requests(&mut b, Source::Agentdesktop, ad("POPUP", json!({}))).is_empty());
    assert!(requests(&mut b, Source::Agentdesktop, ad("ESTABLISHED", json!({}))).is_empty());
    let log = requests(
        &mut b,
        Source::Agentdesktop,
        ad("JOBFINISHED", json!({"reason": "ok"})),
    );
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["action"], "requestSaveInteractionLog");
    // `header` is beside `message`, as the connector sends it.
    assert_eq!(log[0]["data"]["header"]["source"], "agentdesktop");
    assert!(log[0]["data"]["message"].get("header").is_none());
    let body = &log[0]["data"]["message"]["body"];
    assert_eq!(body["interactionId"], "c-1");
    let data = &body["interactionData"];
    // What Avaya's sample Client Application reads.
    assert_eq!(
        data["interaction"],
        json!({"id": "c-1", "topic": "Sales",
               "intrinsics": {"START_DATE": "2024-05-14", "START_TIME": "09:29:07"}})
    );
    assert_eq!(
        data["logDetails"],
        json!({"subject": "inbound telephony", "comments": "",
               "customFields": [{"logFieldName": "id", "currentValue": "1184620"}]})
    );
    assert_eq!(data["updatedOriginatingAddress"], "0612345678");
    assert_eq!(data["updatedDestinationAddress"], "800100");
    // The bridge's own flat keys stay.
    for (key, value) in [
        ("media", "telephony"),
        ("direction", "inbound"),
        ("from", "0612345678"),
        ("to", "800100"),
        ("queue", "Sales"),
        ("lastPhase", "done"),
    ] {
        assert_eq!(data[key], value, "{key}");
    }
    // Logged out: click-to-dial off, said once.
    let off = requests(&mut b, Source::Agentdesktop, json!({"event": "LOGGEDOUT"}));
    assert_eq!(off[0]["data"], json!({"isEnabled": false}));
    assert!(requests(&mut b, Source::Agentdesktop, json!({"event": "LOGGEDOUT"})).is_empty());
}

#[test]
fn screen_pop_on_answered_waits_for_the_connection() {
    let config: Config =
        serde_json::from_value(json!({"crm": {"screenPopOn": "answered"}})).expect("config");
    let mut b = Bridge::new(Mode::Off, config);
    assert!(requests(&mut b, Source::Agentdesktop, ad("RINGING", json!({}))).is_empty());
    let pops = requests(&mut b, Source::Agentdesktop, ad("ESTABLISHED", json!({})));
    assert_eq!(pops.len(), 1);
    assert_eq!(pops[0]["data"]["aniValues"], json!(["0612345678"]));
    // Unknown values are refused, not guessed.
    assert!(serde_json::from_value::<Config>(json!({"crm": {"screenPopOn": "ringing"}})).is_err());
}

#[test]
fn the_log_has_no_start_without_a_clock_and_attached_data_are_custom_fields() {
    let mut b = Bridge::new(Mode::Off, Config::default());
    requests(&mut b, Source::Agentdesktop, ad("RINGING", json!({})));
    let log = requests(
        &mut b,
        Source::Agentdesktop,
        ad(
            "JOBFINISHED",
            json!({"CallData": [{"name": "case_id", "value": "00001026"}]}),
        ),
    );
    let data = &log[0]["data"]["message"]["body"]["interactionData"];
    assert_eq!(data["interaction"]["intrinsics"], json!({}));
    let fields = data["logDetails"]["customFields"]
        .as_array()
        .expect("array");
    assert!(
        fields
            .iter()
            .all(|f| f["logFieldName"].is_string() && f["currentValue"].is_string()),
        "{fields:?}"
    );
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

fn events(bridge: &mut Bridge, source: Source, msg: Value) -> Vec<Value> {
    bridge
        .ingest(source, &msg, None)
        .unwrap_or_else(|e| panic!("{msg}: {e}"))
        .into_iter()
        .filter_map(|o| match o {
            Output::Event(e) => serde_json::to_value(e).ok(),
            _ => None,
        })
        .collect()
}

#[test]
fn a_click_to_dial_from_the_crm_becomes_a_dial_request_for_the_contact_centre() {
    let click = json!({"type": "ClientAppMessage", "action": "clickToDialResponse", "data": {
        "onClickToDialResponse": {"number": "+14155550123", "recordId": 381226748,
                                  "recordName": "Jane Doe", "objectType": "End User"},
        "clickToDialLogDetails": {"id": 381226748, "name": "Jane Doe", "personAccount": true, "type": "End User"},
        "crmPhones": ["+14155550123"], "softphoneItems": [], "doNotCall": false}});
    // No contact-centre traffic yet: the protocol is not known.
    let mut b = Bridge::new(Mode::Off, Config::default());
    let out = events(&mut b, Source::CrmConnector, click.clone());
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["kind"], "clickToDial");
    assert_eq!(
        out[1],
        json!({"seq": out[0]["seq"].as_u64().map(|s| s + 1), "source": "crm-connector", "kind": "dial",
               "number": "+14155550123", "recordId": "381226748", "via": null})
    );
    // With a contact centre seen, the dial names it.
    let mut b = Bridge::new(Mode::Off, Config::default());
    events(
        &mut b,
        Source::Xuc,
        json!({"msgType": "AgentStateEvent",
        "ctiMessage": {"name": "AgentReady", "agentId": 23, "phoneNb": "1001", "since": 0, "queues": [], "cause": ""}}),
    );
    let out = events(&mut b, Source::CrmConnector, click);
    assert_eq!(out[1]["via"], "xuc");
    // Contact-centre events never make dial requests.
    let mut b = Bridge::new(Mode::Off, Config::default());
    assert!(
        events(&mut b, Source::Agentdesktop, ad("RINGING", json!({})))
            .iter()
            .all(|e| e["kind"] != "dial")
    );
}
