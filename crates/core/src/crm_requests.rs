//! CRM Connector requests the bridge makes on the contact centre's behalf
//! (docs/protocols.md#crm-connector-actions): a screen pop when a contact arrives,
//! click-to-dial enabled while the agent is logged in, and the interaction
//! log saved when a contact is done.

use crate::codec::crm_connector::envelope;
use crate::model::{AgentStateKind, Event, EventBody, InteractionPhase, Side};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Most contacts remembered for their log entry.
const MAX_TRACKED: usize = 256;

/// What the request builder remembers between events.
#[derive(Debug, Clone, Default)]
pub struct CrmRequests {
    /// Whether click-to-dial was last enabled (None: never said).
    click_to_dial: Option<bool>,
    /// Per contact: what its log entry will say, and whether it was popped.
    contacts: BTreeMap<String, Contact>,
}

#[derive(Debug, Clone, Default)]
struct Contact {
    data: Map<String, Value>,
    popped: bool,
}

impl CrmRequests {
    /// The CRM Connector envelopes (`CRMConnectMessage`) one contact-centre
    /// event calls for.
    pub fn on_event(&mut self, event: &Event) -> Vec<Value> {
        if event.source.side() != Side::Cc {
            return Vec::new();
        }
        let mut out = Vec::new();
        match &event.body {
            EventBody::AgentState { state, .. } => {
                let enabled = *state != AgentStateKind::LoggedOut;
                if self.click_to_dial != Some(enabled) {
                    self.click_to_dial = Some(enabled);
                    out.push(envelope(
                        "requestEnableClickToDial",
                        json!({ "isEnabled": enabled }),
                    ));
                }
            }
            EventBody::ScreenPop {
                interaction_id,
                ani,
                ..
            } if !ani.is_empty() => {
                if let Some(id) = interaction_id {
                    self.contact(id).popped = true;
                }
                out.push(pop(ani, interaction_id.as_deref()));
            }
            EventBody::Interaction {
                id,
                phase,
                media,
                direction,
                from,
                to,
                queue,
                ..
            } => {
                let contact = self.contact(id);
                for (key, value) in [
                    ("media", media.clone().map(Value::String)),
                    (
                        "direction",
                        direction.and_then(|d| serde_json::to_value(d).ok()),
                    ),
                    ("from", from.clone().map(Value::String)),
                    ("to", to.clone().map(Value::String)),
                    ("queue", queue.clone().map(Value::String)),
                ] {
                    if let Some(value) = value {
                        contact.data.entry(key).or_insert(value);
                    }
                }
                contact.data.insert("lastPhase".into(), json!(phase));
                // A contact that connects without a vendor screen pop (AXP, xuc
                // phone events) is popped with its caller, once.
                let caller = contact
                    .data
                    .get("from")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                if *phase == InteractionPhase::Connected && !contact.popped {
                    if let Some(caller) = caller {
                        contact.popped = true;
                        out.push(pop(&[caller], Some(id)));
                    }
                }
                if *phase == InteractionPhase::Done {
                    if let Some(contact) = self.contacts.remove(id) {
                        out.push(envelope(
                            "requestSaveInteractionLog",
                            json!({
                                "message": {
                                    "body": {"interactionId": id, "interactionData": contact.data},
                                    "header": {"source": event.source, "seq": event.seq}
                                }
                            }),
                        ));
                    }
                }
            }
            _ => {}
        }
        out
    }

    fn contact(&mut self, id: &str) -> &mut Contact {
        if self.contacts.len() >= MAX_TRACKED && !self.contacts.contains_key(id) {
            self.contacts.pop_first();
        }
        self.contacts.entry(id.to_owned()).or_default()
    }
}

fn pop(ani: &[String], interaction_id: Option<&str>) -> Value {
    let mut data = json!({ "aniValues": ani });
    if let (Some(map), Some(id)) = (data.as_object_mut(), interaction_id) {
        map.insert("interactionId".into(), Value::String(id.to_owned()));
    }
    envelope("requestPerformInteractionScreenPop", data)
}
