//! CRM Connector requests the bridge makes on the contact centre's behalf
//! (docs/protocols.md#crm-connector-actions): a screen pop when a contact is
//! offered (or answered, `crm.screenPopOn`), click-to-dial enabled while the
//! agent is logged in, and the interaction log saved when a contact is done,
//! in the shapes Avaya's CRM Connector sends so that existing Client
//! Applications read them unchanged.

use crate::codec::crm_connector::{
    request_enable_click_to_dial, request_perform_interaction_screen_pop,
    request_save_interaction_log,
};
use crate::config::ScreenPopOn;
use crate::json_write::{items, members, object_with, JsonArray};
use crate::keyed::Keyed;
use crate::model::{AgentStateKind, Direction, Event, EventBody, InteractionPhase, Side};
use serde_json::{Map, Value};

/// Most contacts remembered for their log entry.
const MAX_TRACKED: usize = 256;
/// Most attached-data entries kept per contact as log custom fields.
const MAX_CUSTOM_FIELDS: usize = 64;

/// What the request builder remembers between events.
#[derive(Debug, Clone, Default)]
pub struct CrmRequests {
    /// When the bridge's own screen pop is requested.
    screen_pop_on: ScreenPopOn,
    /// Whether click-to-dial was last enabled (None: never said).
    click_to_dial: Option<bool>,
    /// Per contact: what its log entry will say, and whether it was popped.
    contacts: Keyed<Contact>,
}

#[derive(Debug, Clone, Default)]
struct Contact {
    media: Option<String>,
    direction: Option<Direction>,
    from: Option<String>,
    to: Option<String>,
    queue: Option<String>,
    last_phase: Option<InteractionPhase>,
    /// When the contact was first seen (input clock, milliseconds since the epoch).
    started_ms: Option<u64>,
    /// Attached data, logged as custom fields.
    attached: Map<String, Value>,
    popped: bool,
}

impl CrmRequests {
    /// A request builder that pops contacts at `screen_pop_on`.
    pub fn new(screen_pop_on: ScreenPopOn) -> Self {
        CrmRequests {
            screen_pop_on,
            ..CrmRequests::default()
        }
    }

    /// The CRM Connector envelopes (`CRMConnectMessage`) one contact-centre
    /// event calls for. `now_ms` (milliseconds since the epoch, when the input
    /// has a clock) dates the interaction log.
    pub fn on_event(&mut self, event: &Event, now_ms: Option<u64>) -> Vec<Value> {
        if event.source.side() != Side::Cc {
            return Vec::new();
        }
        let mut out = Vec::new();
        match &event.body {
            EventBody::AgentState { state, .. } => {
                let enabled = *state != AgentStateKind::LoggedOut;
                if self.click_to_dial != Some(enabled) {
                    self.click_to_dial = Some(enabled);
                    out.push(request_enable_click_to_dial(enabled));
                }
            }
            EventBody::ScreenPop {
                interaction_id,
                ani,
                ..
            } if !ani.is_empty() => {
                // The vendor's own pop, unless this contact was popped already
                // (when it was offered): one pop per contact, as the connector does.
                let already = match interaction_id {
                    Some(id) => std::mem::replace(&mut self.contact(id).popped, true),
                    None => false,
                };
                if !already {
                    out.push(request_perform_interaction_screen_pop(
                        ani,
                        interaction_id.as_deref(),
                    ));
                }
            }
            EventBody::Interaction {
                id,
                phase,
                media,
                direction,
                from,
                to,
                queue,
                data,
                ..
            } => {
                let screen_pop_on = self.screen_pop_on;
                let contact = self.contact(id);
                fill(&mut contact.media, media);
                fill(&mut contact.from, from);
                fill(&mut contact.to, to);
                fill(&mut contact.queue, queue);
                if contact.direction.is_none() {
                    contact.direction = *direction;
                }
                if contact.started_ms.is_none() {
                    contact.started_ms = now_ms;
                }
                for (key, value) in data {
                    if contact.attached.len() < MAX_CUSTOM_FIELDS
                        || contact.attached.contains_key(key)
                    {
                        contact.attached.insert(key.clone(), value.clone());
                    }
                }
                contact.last_phase = Some(*phase);
                let due = match phase {
                    InteractionPhase::Offered | InteractionPhase::Alerting => {
                        screen_pop_on == ScreenPopOn::Offered
                    }
                    // Answered, or offered without an offer event seen.
                    InteractionPhase::Connected => true,
                    _ => false,
                };
                if due && !contact.popped {
                    if let Some(customer) = contact.customer_address() {
                        contact.popped = true;
                        out.push(request_perform_interaction_screen_pop(
                            &[customer],
                            Some(id),
                        ));
                    }
                }
                if *phase == InteractionPhase::Done {
                    if let Some(contact) = self.contacts.remove(id) {
                        out.push(request_save_interaction_log(
                            id,
                            contact.interaction_data(id),
                            crate::json_write::object(&[
                                ("source", &event.source),
                                ("seq", &event.seq),
                            ]),
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
        self.contacts.get_or_insert_with(id, Contact::default)
    }
}

/// Keeps the first value a contact was seen with.
fn fill(slot: &mut Option<String>, value: &Option<String>) {
    if slot.is_none() {
        slot.clone_from(value);
    }
}

impl Contact {
    /// The customer's address: the caller, or the called party of an outbound contact.
    fn customer_address(&self) -> Option<String> {
        match self.direction {
            Some(Direction::Outbound) => self.to.clone(),
            _ => self.from.clone(),
        }
    }

    /// `interactionData` in the connector's shape (docs/protocols.md#crm-connector-interaction-log):
    /// `interaction {id, intrinsics, topic}`, `logDetails {subject, comments,
    /// customFields: [{logFieldName, currentValue}]}`,
    /// `updatedOriginatingAddress`, `updatedDestinationAddress`; plus the
    /// bridge's own flat keys (`media`, `direction`, `from`, `to`, `queue`,
    /// `lastPhase`).
    fn interaction_data(&self, id: &str) -> Value {
        let start = self.started_ms.map(civil_utc);
        let direction = self.direction.map(|d| crate::json_write::to_value(&d));
        // The direction and the media that are known, a space between them.
        let mut subject = String::new();
        let parts = [
            direction.as_ref().and_then(Value::as_str),
            self.media.as_deref(),
        ];
        for (i, part) in parts.into_iter().flatten().enumerate() {
            if i > 0 {
                subject.push(' ');
            }
            subject.push_str(part);
        }
        let subject = if subject.is_empty() {
            "contact"
        } else {
            &subject
        };
        // Written through `json_write`'s tree (one call per member).
        object_with(|o| {
            o.field(
                "interaction",
                &members(|o| {
                    o.field("id", id)
                        .field(
                            "intrinsics",
                            &members(|o| {
                                if let Some((date, time)) = &start {
                                    o.field("START_DATE", date).field("START_TIME", time);
                                }
                            }),
                        )
                        .opt("topic", &self.queue);
                }),
            )
            .field(
                "logDetails",
                &members(|o| {
                    o.field("subject", subject)
                        .field("comments", "")
                        .field("customFields", &items(|a| self.custom_fields(a)));
                }),
            )
            .opt("updatedOriginatingAddress", &self.from)
            .opt("updatedDestinationAddress", &self.to)
            .opt("media", &self.media)
            .opt("direction", &self.direction)
            .opt("from", &self.from)
            .opt("to", &self.to)
            .opt("queue", &self.queue)
            .opt("lastPhase", &self.last_phase);
        })
    }

    /// The attached data as log custom fields: `{logFieldName, currentValue}`,
    /// the value as text (a string as it is, anything else as JSON).
    fn custom_fields(&self, a: &mut JsonArray<'_>) {
        for (name, value) in &self.attached {
            a.item(&members(|o| {
                o.field("logFieldName", name);
                match value {
                    Value::String(s) => o.field("currentValue", s),
                    other => o.field("currentValue", &crate::json_write::to_string(other)),
                };
            }));
        }
    }
}

/// `(YYYY-MM-DD, HH:MM:SS)` in UTC for milliseconds since the epoch.
fn civil_utc(ms: u64) -> (String, String) {
    let secs = ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, unsigned form).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60),
    )
}

#[cfg(test)]
mod tests {
    use super::{civil_utc, Contact};
    use crate::model::{Direction, InteractionPhase};
    use serde_json::{json, Map};

    /// The whole `interactionData`, every member (and none left out when
    /// unknown), as built before it was written through `json_write`.
    #[test]
    fn interaction_data_in_full_and_empty() {
        let mut attached = Map::new();
        attached.insert("case".into(), json!("00001026"));
        attached.insert("n".into(), json!(7));
        attached.insert("tags".into(), json!(["a", "b\"c"]));
        let full = Contact {
            media: Some("telephony".into()),
            direction: Some(Direction::Outbound),
            from: Some("800100".into()),
            to: Some("0612345678".into()),
            queue: Some("Sales".into()),
            last_phase: Some(InteractionPhase::WrapUp),
            started_ms: Some(1_709_251_199_000),
            attached,
            popped: true,
        };
        assert_eq!(
            full.interaction_data("c-1"),
            json!({
                "interaction": {"id": "c-1", "topic": "Sales",
                    "intrinsics": {"START_DATE": "2024-02-29", "START_TIME": "23:59:59"}},
                "logDetails": {"subject": "outbound telephony", "comments": "", "customFields": [
                    {"logFieldName": "case", "currentValue": "00001026"},
                    {"logFieldName": "n", "currentValue": "7"},
                    {"logFieldName": "tags", "currentValue": "[\"a\",\"b\\\"c\"]"},
                ]},
                "updatedOriginatingAddress": "800100",
                "updatedDestinationAddress": "0612345678",
                "media": "telephony", "direction": "outbound", "from": "800100",
                "to": "0612345678", "queue": "Sales", "lastPhase": "wrapUp",
            })
        );
        let inbound = Contact {
            direction: Some(Direction::Inbound),
            ..Contact::default()
        };
        assert_eq!(
            inbound.interaction_data("c-2"),
            json!({
                "interaction": {"id": "c-2", "intrinsics": {}},
                "logDetails": {"subject": "inbound", "comments": "", "customFields": []},
                "direction": "inbound",
            })
        );
        // The media alone: no space before it (as `join` wrote it).
        let media_only = Contact {
            media: Some("chat".into()),
            ..Contact::default()
        };
        assert_eq!(
            media_only.interaction_data("c-3")["logDetails"]["subject"],
            json!("chat")
        );
        assert_eq!(
            Contact::default().interaction_data(""),
            json!({
                "interaction": {"id": "", "intrinsics": {}},
                "logDetails": {"subject": "contact", "comments": "", "customFields": []},
            })
        );
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_utc(0), ("1970-01-01".into(), "00:00:00".into()));
        // 2024-02-29T23:59:59Z
        assert_eq!(
            civil_utc(1_709_251_199_000),
            ("2024-02-29".into(), "23:59:59".into())
        );
        // 2026-12-05T02:22:00Z
        assert_eq!(
            civil_utc(1_796_437_320_000),
            ("2026-12-05".into(), "02:22:00".into())
        );
        // No overflow at the end of the range.
        let _ = civil_utc(u64::MAX);
    }
}
