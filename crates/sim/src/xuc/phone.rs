//! A minimal phone: one call per line, driven by `dial`, `dialFromQueue`,
//! `answer`, `hold` and `hangup` (and by scenario `PhoneEvent` frames), with
//! the `PhoneEvent` and agent state frames a client sees. `variables`
//! become `USR_` attached data (docs/protocols.md#xuc-dial-from-queue).

use super::world::{frame, text_arg, Agent, Ctx, Out, Reply, To, World, READY, READY_CAUSE};
use serde_json::{json, Map, Value};
use std::time::Instant;

/// The phase of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Ringing at the agent's line.
    Ringing,
    /// The agent is calling out.
    Dialing,
    /// Talking.
    Established,
    /// On hold.
    Held,
}

/// The call on a line.
#[derive(Debug, Clone)]
pub struct Call {
    /// The other party.
    pub other: String,
    /// Phase.
    pub state: CallState,
    /// Asterisk-style ids.
    pub linked_id: String,
    /// Asterisk-style ids.
    pub unique_id: String,
    /// The queue it came from.
    pub queue: Option<String>,
    /// Attached data (`USR_` variables).
    pub data: Map<String, Value>,
    /// Came through a queue (wrap-up follows the hang-up).
    pub acd: bool,
}

/// `variables {k: v}` as `USR_k: v` attached data.
fn user_data(args: &Map<String, Value>) -> Map<String, Value> {
    args.get("variables")
        .and_then(Value::as_object)
        .map(|vars| {
            vars.iter()
                .map(|(k, v)| {
                    let key = if k.starts_with("USR_") {
                        k.clone()
                    } else {
                        format!("USR_{k}")
                    };
                    (key, v.clone())
                })
                .collect()
        })
        .unwrap_or_default()
}

impl World {
    fn next_call_ids(&mut self) -> (String, String) {
        self.call_seq += 1;
        let base = crate::clock::epoch_ms() / 1000;
        (
            format!("{base}.{}", self.call_seq),
            format!("{base}.{}", self.call_seq),
        )
    }

    fn phone_event(&self, line: &str, event: &str, agent: i64) -> Option<Out> {
        let call = self.calls.get(line)?;
        let mut cti = json!({"eventType": event, "DN": line, "otherDN": call.other,
                             "linkedId": call.linked_id, "uniqueId": call.unique_id,
                             "userData": call.data});
        if let (Some(q), Some(m)) = (&call.queue, cti.as_object_mut()) {
            m.insert("queueName".into(), json!(q));
        }
        Some(Out {
            to: To::Agent(agent),
            frame: frame("PhoneEvent", cti),
        })
    }

    /// The requester's own agent and the line it is logged on.
    fn own_line(&self, ctx: &Ctx) -> Result<(i64, String), String> {
        let agent = ctx.agent.ok_or("the user has no agent")?;
        let line = self
            .agents
            .get(&agent)
            .and_then(|a| a.phone.clone())
            .ok_or("the agent is not logged in on a line")?;
        Ok((agent, line))
    }

    fn set_agent_state(&mut self, agent: i64, name: &str, cause: Option<String>) -> Vec<Out> {
        let now = Instant::now();
        if let Some(a) = self.agents.get_mut(&agent) {
            a.set_state(name, cause, now);
        }
        self.changed(agent, now)
    }

    /// Carries out one phone command.
    pub(super) fn phone_command(
        &mut self,
        command: &str,
        args: &Map<String, Value>,
        ctx: &Ctx,
    ) -> Result<Reply, String> {
        let mut outs = Vec::new();
        match command {
            "dial" => {
                let (agent, line) = self.own_line(ctx)?;
                let destination = text_arg(args, &["destination"])
                    .filter(|d| !d.trim().is_empty())
                    .ok_or("dial needs a destination")?;
                if self.calls.contains_key(&line) {
                    return Err(format!("line {line} is busy"));
                }
                let (linked_id, unique_id) = self.next_call_ids();
                self.calls.insert(
                    line.clone(),
                    Call {
                        other: destination,
                        state: CallState::Dialing,
                        linked_id,
                        unique_id,
                        queue: None,
                        data: user_data(args),
                        acd: false,
                    },
                );
                outs.extend(self.phone_event(&line, "EventDialing", agent));
                outs.extend(self.set_agent_state(agent, "AgentDialing", None));
            }
            "dialFromQueue" => {
                let queue = match super::world::int_arg(args, &["queueId"]) {
                    super::world::Arg::Int(q) => q,
                    _ => return Err("dialFromQueue needs an integer queueId".into()),
                };
                let queue_name = self
                    .queue_name(queue)
                    .ok_or_else(|| format!("unknown queue {queue}"))?;
                let destination = text_arg(args, &["destination"])
                    .filter(|d| !d.trim().is_empty())
                    .ok_or("dialFromQueue needs a destination")?;
                let free = self.agents.values().find(|a: &&Agent| {
                    a.state == READY
                        && a.queues.contains_key(&queue)
                        && a.phone
                            .as_ref()
                            .is_some_and(|l| !self.calls.contains_key(l))
                });
                let (agent, line) = free
                    .and_then(|a| a.phone.clone().map(|l| (a.id(), l)))
                    .ok_or_else(|| format!("no free agent in queue {queue}"))?;
                let mut data = user_data(args);
                for (key, field) in [
                    ("XIVO_CALLERIDNAME", "callerIdName"),
                    ("XIVO_CALLERIDNUMBER", "callerIdNumber"),
                ] {
                    if let Some(v) = text_arg(args, &[field]) {
                        data.insert(key.into(), json!(v));
                    }
                }
                let (linked_id, unique_id) = self.next_call_ids();
                self.calls.insert(
                    line.clone(),
                    Call {
                        other: destination,
                        state: CallState::Ringing,
                        linked_id,
                        unique_id,
                        queue: Some(queue_name),
                        data,
                        acd: true,
                    },
                );
                outs.extend(self.phone_event(&line, "EventRinging", agent));
                outs.extend(self.set_agent_state(agent, "AgentRinging", None));
            }
            "answer" => {
                let (agent, line) = self.own_line(ctx)?;
                let call = self
                    .calls
                    .get_mut(&line)
                    .filter(|c| c.state == CallState::Ringing)
                    .ok_or("no ringing call to answer")?;
                call.state = CallState::Established;
                outs.extend(self.phone_event(&line, "EventEstablished", agent));
                outs.extend(self.set_agent_state(agent, super::world::ON_CALL, None));
            }
            "hold" => {
                let (agent, line) = self.own_line(ctx)?;
                let call = self.calls.get_mut(&line).ok_or("no call to hold")?;
                let event = match call.state {
                    CallState::Established => {
                        call.state = CallState::Held;
                        "EventOnHold"
                    }
                    CallState::Held => {
                        call.state = CallState::Established;
                        "EventEstablished"
                    }
                    _ => return Err("only a call in progress can be held".into()),
                };
                outs.extend(self.phone_event(&line, event, agent));
            }
            _ => {
                // hangup
                let (agent, line) = self.own_line(ctx)?;
                outs.extend(self.phone_event(&line, "EventReleased", agent));
                let call = self.calls.remove(&line).ok_or("no call to hang up")?;
                outs.extend(if call.acd {
                    self.set_agent_state(agent, super::world::ON_WRAPUP, None)
                } else {
                    self.set_agent_state(agent, READY, Some(READY_CAUSE.into()))
                });
            }
        }
        Ok(Reply { outs, flag: None })
    }

    /// Follows a scenario `PhoneEvent` on a known line.
    pub(super) fn apply_phone_event(&mut self, cti: &Map<String, Value>) {
        let (Some(line), Some(event)) = (
            text_arg(cti, &["DN", "dn"]),
            cti.get("eventType").and_then(Value::as_str),
        ) else {
            return;
        };
        let state = match event {
            "EventRinging" => CallState::Ringing,
            "EventDialing" => CallState::Dialing,
            "EventEstablished" => CallState::Established,
            "EventOnHold" => CallState::Held,
            "EventReleased" | "EventFailure" => {
                self.calls.remove(&line);
                return;
            }
            _ => return,
        };
        let other = text_arg(cti, &["otherDN", "otherDn"]).unwrap_or_default();
        let queue = text_arg(cti, &["queueName"]);
        let data = cti
            .get("userData")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let linked_id = text_arg(cti, &["linkedId"]).unwrap_or_default();
        let unique_id = text_arg(cti, &["uniqueId"]).unwrap_or_default();
        let call = self.calls.entry(line).or_insert(Call {
            other,
            state,
            linked_id,
            unique_id,
            acd: queue.is_some(),
            queue,
            data,
        });
        call.state = state;
    }
}
