//! The xuc Callback methods (docs/protocols.md#xuc-callbacks): lists, take, release, start, and the
//! ticket update that closes a request (`CallbackClotured`) or reschedules
//! it (`CallbackRequestUpdated`). A failed call sends nothing.

use super::config::CallbackRequest;
use super::profile::ProfileKind;
use super::world::{frame, text_arg, Ctx, Flag, Out, Reply, To, World};
use crate::clock;
use serde_json::{json, Map, Value};

/// The statuses `updateCallbackTicket` accepts.
pub const STATUSES: [&str; 4] = ["NoAnswer", "Answered", "Fax", "Callback"];

impl World {
    /// Carries out one Callback method.
    pub(super) fn callback_command(
        &mut self,
        command: &str,
        args: &Map<String, Value>,
        ctx: &Ctx,
    ) -> Result<Reply, String> {
        match command {
            "getCallbackLists" => {
                let lists: Vec<Value> = self
                    .lists
                    .iter()
                    .filter(|l| self.sees_queue(ctx.profile, ctx.agent, l.queue_id, None))
                    .filter_map(|l| serde_json::to_value(l).ok())
                    .collect();
                Ok(Reply {
                    outs: vec![Out {
                        to: To::Requester,
                        frame: frame("CallbackLists", Value::Array(lists)),
                    }],
                    flag: Some(Flag::Callbacks),
                })
            }
            "takeCallback" => {
                let agent = ctx.agent.ok_or("takeCallback: the user has no agent")?;
                let uuid = uuid_arg(args)?;
                let (queue, cb) = self.request_mut(&uuid)?;
                match cb.agent_id {
                    Some(other) if other != agent => {
                        return Err(format!("callback {uuid} is taken by agent {other}"))
                    }
                    _ => cb.agent_id = Some(agent),
                }
                Ok(callback_event(
                    queue,
                    "CallbackTaken",
                    json!({"uuid": uuid, "agentId": agent}),
                ))
            }
            "releaseCallback" => {
                let uuid = uuid_arg(args)?;
                let (queue, cb) = self.own_request(&uuid, ctx)?;
                cb.agent_id = None;
                Ok(callback_event(
                    queue,
                    "CallbackReleased",
                    json!({ "uuid": uuid }),
                ))
            }
            "startCallback" => {
                let uuid = uuid_arg(args)?;
                text_arg(args, &["number", "phoneNumber"])
                    .filter(|n| !n.trim().is_empty())
                    .ok_or("startCallback needs a number")?;
                self.own_request(&uuid, ctx)?;
                let ticket = uuid::Uuid::new_v4().to_string();
                self.tickets.insert(ticket.clone(), uuid.clone());
                // The agent's own business: only the requester hears of it.
                Ok(Reply {
                    outs: vec![Out {
                        to: To::Requester,
                        frame: frame(
                            "CallbackStarted",
                            json!({"requestUuid": uuid, "ticketUuid": ticket}),
                        ),
                    }],
                    flag: None,
                })
            }
            "updateCallbackTicket" => self.update_ticket(args, ctx),
            // Rings the agent's phone with the recorded message: nothing to send.
            _ => Ok(Reply::default()),
        }
    }

    /// `updateCallbackTicket(uuid, status, comment, dueDate?, periodUuid?)`;
    /// `uuid` is the ticket of `CallbackStarted` (a request uuid taken by the
    /// user is accepted too).
    fn update_ticket(&mut self, args: &Map<String, Value>, ctx: &Ctx) -> Result<Reply, String> {
        let uuid = uuid_arg(args)?;
        let status = text_arg(args, &["status"]).ok_or("updateCallbackTicket needs a status")?;
        if !STATUSES.contains(&status.as_str()) {
            return Err(format!(
                "status `{status}` (expected one of {})",
                STATUSES.join(", ")
            ));
        }
        let due = text_arg(args, &["dueDate"]);
        if let Some(d) = &due {
            if !clock::is_iso_date(d) {
                return Err(format!("dueDate `{d}` is not YYYY-MM-DD"));
            }
        }
        let period = match text_arg(args, &["periodUuid"]) {
            Some(p) => Some(
                self.periods
                    .iter()
                    .find(|k| k.uuid == p)
                    .cloned()
                    .ok_or_else(|| format!("unknown periodUuid {p}"))?,
            ),
            None => None,
        };
        let comment = text_arg(args, &["comment", "description"]);
        let request = match self.tickets.get(&uuid) {
            Some(r) => r.clone(),
            None => uuid.clone(),
        };
        let queue = self.own_request(&request, ctx)?.0;
        self.tickets.remove(&uuid);
        if status != "Callback" {
            self.lists
                .iter_mut()
                .for_each(|l| l.callbacks.retain(|c| c.uuid != request));
            return Ok(callback_event(
                queue,
                "CallbackClotured",
                json!({ "uuid": request }),
            ));
        }
        let (_, cb) = self.request_mut(&request)?;
        if comment.is_some() {
            cb.description = comment;
        }
        if due.is_some() {
            cb.due_date = due;
        }
        if period.is_some() {
            cb.preferred_period = period;
        }
        cb.agent_id = None;
        let updated = serde_json::to_value(&*cb).map_err(|e| e.to_string())?;
        Ok(callback_event(
            queue,
            "CallbackRequestUpdated",
            json!({ "request": updated }),
        ))
    }

    /// A request and its list's queue.
    fn request_mut(&mut self, uuid: &str) -> Result<(i64, &mut CallbackRequest), String> {
        self.lists
            .iter_mut()
            .find_map(|l| {
                let queue = l.queue_id;
                l.callbacks
                    .iter_mut()
                    .find(|c| c.uuid == uuid)
                    .map(|c| (queue, c))
            })
            .ok_or_else(|| format!("unknown callback {uuid}"))
    }

    /// A request taken by the user's agent (admins may act on any taken request).
    fn own_request(
        &mut self,
        uuid: &str,
        ctx: &Ctx,
    ) -> Result<(i64, &mut CallbackRequest), String> {
        let admin = ctx.profile.kind == ProfileKind::Admin && ctx.agent.is_none();
        let own = ctx.agent;
        let (queue, cb) = self.request_mut(uuid)?;
        match cb.agent_id {
            Some(a) if admin || Some(a) == own => Ok((queue, cb)),
            Some(a) => Err(format!("callback {uuid} is taken by agent {a}")),
            None => Err(format!("callback {uuid} is not taken")),
        }
    }
}

fn uuid_arg(args: &Map<String, Value>) -> Result<String, String> {
    text_arg(args, &["uuid"])
        .filter(|u| !u.is_empty())
        .ok_or_else(|| "a callback command needs a uuid".into())
}

fn callback_event(queue: i64, msg_type: &str, cti: Value) -> Reply {
    Reply {
        outs: vec![Out {
            to: To::Callbacks { queue },
            frame: frame(msg_type, cti),
        }],
        flag: None,
    }
}
