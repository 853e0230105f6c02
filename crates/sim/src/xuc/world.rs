//! The xuc contact centre: agents, lines, queues and the agent commands of
//! xuc (docs/protocols.md#xuc-commands), as plain state transitions that return the frames to send.
//! Callback commands are in [`super::callbacks`], phone commands in [`super::phone`].

pub use super::agent::{Agent, LOGGED_OUT, ON_CALL, ON_PAUSE, ON_WRAPUP, READY, READY_CAUSE};
pub use super::args::{int_arg, strict_int, text_arg, Arg};
use super::config::{CallbackList, GroupConfig, Period, QueueConfig, XucConfig};
use super::phone::Call;
use super::profile::{Profile, ProfileKind};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

/// Who receives a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// The session that sent the command.
    Requester,
    /// Every session whose profile shows this agent.
    Agent(i64),
    /// Every session whose profile shows this queue membership.
    Queue {
        /// Queue id.
        queue: i64,
        /// Agent id.
        agent: i64,
    },
    /// Sessions subscribed to agent statistics that see this agent.
    Stats(i64),
    /// Sessions subscribed to callbacks that see this queue, and the requester.
    Callbacks {
        /// The list's queue.
        queue: i64,
    },
}

/// One frame to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Out {
    /// Recipients.
    pub to: To,
    /// `{"msgType", "ctiMessage"}`.
    pub frame: Value,
}

/// A subscription a command turns on for its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// `subscribeToAgentStats`.
    Stats,
    /// `getCallbackLists`.
    Callbacks,
}

/// The outcome of a command.
#[derive(Debug, Default, PartialEq)]
pub struct Reply {
    /// Frames to send.
    pub outs: Vec<Out>,
    /// Subscription to turn on.
    pub flag: Option<Flag>,
}

impl Reply {
    fn to(to: To, frame: Value) -> Reply {
        Reply {
            outs: vec![Out { to, frame }],
            flag: None,
        }
    }
}

/// Who sent a command.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The user's own agent.
    pub agent: Option<i64>,
    /// The user's profile.
    pub profile: &'a Profile,
}

/// A `{"msgType", "ctiMessage"}` frame.
pub fn frame(msg_type: &str, cti: Value) -> Value {
    json!({"msgType": msg_type, "ctiMessage": cti})
}

/// `AgentError` for the requester.
fn agent_error(error: &str) -> Value {
    frame("AgentError", json!({"Error": error}))
}

/// The whole simulated contact centre.
#[derive(Debug, Clone)]
pub struct World {
    /// Agents by id.
    pub agents: BTreeMap<i64, Agent>,
    lines: BTreeSet<String>,
    queues: BTreeMap<i64, QueueConfig>,
    groups: Vec<GroupConfig>,
    /// Known preferred periods.
    pub(super) periods: Vec<Period>,
    /// Callback lists with their open requests.
    pub(super) lists: Vec<CallbackList>,
    /// Started callbacks: ticket uuid -> request uuid.
    pub(super) tickets: HashMap<String, String>,
    /// The call on each busy line.
    pub(super) calls: BTreeMap<String, Call>,
    /// Call id counter.
    pub(super) call_seq: u64,
}

impl World {
    /// The world at start (or after a restart).
    pub fn new(config: &XucConfig) -> World {
        let now = Instant::now();
        let mut periods = config.periods.clone();
        let mut lists = config.callback_lists.clone();
        for list in &mut lists {
            for cb in &mut list.callbacks {
                cb.list_uuid.get_or_insert_with(|| list.uuid.clone());
                if let Some(p) = &cb.preferred_period {
                    if !periods.iter().any(|k| k.uuid == p.uuid) {
                        periods.push(p.clone());
                    }
                }
            }
        }
        World {
            agents: config
                .agents
                .iter()
                .map(|a| (a.id, Agent::new(a, now)))
                .collect(),
            lines: config.lines.iter().cloned().collect(),
            queues: config.queues.iter().map(|q| (q.id, q.clone())).collect(),
            groups: config.groups.clone(),
            periods,
            lists,
            tickets: HashMap::new(),
            calls: BTreeMap::new(),
            call_seq: 0,
        }
    }

    /// Whether a session with this profile and own agent sees events about `agent`.
    pub fn sees_agent(&self, profile: &Profile, own: Option<i64>, agent: i64) -> bool {
        match profile.kind {
            ProfileKind::Admin => true,
            ProfileKind::Supervisor => self
                .agents
                .get(&agent)
                .is_some_and(|a| profile.groups.contains(&a.config.group_id)),
            ProfileKind::NoRight => own == Some(agent),
        }
    }

    /// Whether a session sees events about `queue` (and, when given, `agent`'s membership).
    pub fn sees_queue(
        &self,
        profile: &Profile,
        own: Option<i64>,
        queue: i64,
        agent: Option<i64>,
    ) -> bool {
        match profile.kind {
            ProfileKind::Admin => true,
            ProfileKind::Supervisor => profile.queues.contains(&queue),
            ProfileKind::NoRight => match agent {
                Some(a) => own == Some(a),
                None => own
                    .and_then(|o| self.agents.get(&o))
                    .is_some_and(|a| a.queues.contains_key(&queue)),
            },
        }
    }

    /// Frames a session gets when it connects: its own agent's configuration and state.
    pub fn hello(&self, own: Option<i64>) -> Vec<Value> {
        let now = Instant::now();
        own.and_then(|id| self.agents.get(&id))
            .map(|a| {
                vec![
                    frame("AgentConfig", self.agent_config_json(a)),
                    frame("AgentStateEvent", a.state_json(now)),
                ]
            })
            .unwrap_or_default()
    }

    /// The `AgentConfig` payload of an agent.
    fn agent_config_json(&self, a: &Agent) -> Value {
        let c = &a.config;
        let members: Vec<Value> = a
            .queues
            .iter()
            .map(|(q, penalty)| {
                let name = self.queues.get(q).map_or("", |q| q.name.as_str());
                json!({"queue_name": name, "queue_id": q, "interface": format!("Agent/{}", c.number),
                       "penalty": penalty, "commented": 0, "usertype": "Agent", "userid": c.id,
                       "channel": "Agent", "category": "Queue", "position": 1})
            })
            .collect();
        json!({"id": c.id, "firstname": c.first_name, "lastname": c.last_name, "number": c.number,
               "context": c.context, "member": members, "numgroup": c.group_id, "userid": c.id})
    }

    /// A queue's name.
    pub(super) fn queue_name(&self, id: i64) -> Option<String> {
        self.queues.get(&id).map(|q| q.name.clone())
    }

    /// State and statistics frames after agent `id` changed state.
    pub(super) fn changed(&self, id: i64, now: Instant) -> Vec<Out> {
        self.agents
            .get(&id)
            .map(|a| {
                vec![
                    Out {
                        to: To::Agent(id),
                        frame: frame("AgentStateEvent", a.state_json(now)),
                    },
                    Out {
                        to: To::Stats(id),
                        frame: frame("AgentStatistics", a.statistics_json(now)),
                    },
                ]
            })
            .unwrap_or_default()
    }

    /// The agent a command is about: `agentid` / `agentId`, else the user's own agent.
    fn target(&self, args: &Map<String, Value>, ctx: &Ctx) -> Result<i64, String> {
        let id = match int_arg(args, &["agentid", "agentId"]) {
            Arg::Int(id) => id,
            Arg::Missing => ctx.agent.ok_or("no agentid and the user has no agent")?,
            Arg::Invalid => return Err("agentid is not an integer".into()),
        };
        if self.agents.contains_key(&id) {
            Ok(id)
        } else {
            Err(format!("unknown agent {id}"))
        }
    }

    /// Carries out one `{claz: "web", command}` command.
    pub fn handle(
        &mut self,
        command: &str,
        args: &Map<String, Value>,
        ctx: &Ctx,
    ) -> Result<Reply, String> {
        let now = Instant::now();
        match command {
            "agentLogin" => self.login(args, ctx, now),
            "agentLogout" | "logoutAgent" => {
                let id = self.target(args, ctx)?;
                self.state_change(id, LOGGED_OUT, None, now, true)
            }
            "pauseAgent" => {
                let id = self.target(args, ctx)?;
                let reason = text_arg(args, &["reason"]).unwrap_or_default();
                self.state_change(id, ON_PAUSE, Some(reason), now, false)
            }
            "unpauseAgent" => {
                let id = self.target(args, ctx)?;
                self.state_change(id, READY, Some(READY_CAUSE.into()), now, false)
            }
            "setAgentQueue" => self.set_queue(args),
            "removeAgentFromQueue" => self.remove_queue(args),
            "subscribeToAgentStats" => Ok(Reply {
                outs: self
                    .agents
                    .values()
                    .filter(|a| self.sees_agent(ctx.profile, ctx.agent, a.id()))
                    .map(|a| Out {
                        to: To::Requester,
                        frame: frame("AgentStatistics", a.statistics_json(now)),
                    })
                    .collect(),
                flag: Some(Flag::Stats),
            }),
            "getAgentDirectory" => {
                let directory: Vec<Value> = self
                    .agents
                    .values()
                    .filter(|a| self.sees_agent(ctx.profile, ctx.agent, a.id()))
                    .map(|a| json!({"agent": a.listing_json(), "agentState": a.state_json(now)}))
                    .collect();
                Ok(Reply::to(
                    To::Requester,
                    frame("AgentDirectory", json!({ "directory": directory })),
                ))
            }
            "getList" => self.list(args, ctx),
            "listenAgent" => {
                let id = self.target(args, ctx)?;
                let a = self
                    .agents
                    .get_mut(&id)
                    .filter(|a| a.logged())
                    .ok_or("listenAgent: the agent is not logged in")?;
                a.listened = !a.listened;
                let cti = json!({"started": a.listened, "phoneNumber": a.phone, "agentId": id});
                Ok(Reply::to(To::Agent(id), frame("AgentListen", cti)))
            }
            "monitorPause" | "monitorUnpause" => {
                let id = self.target(args, ctx)?;
                let a = self
                    .agents
                    .get_mut(&id)
                    .filter(|a| a.state == ON_CALL)
                    .ok_or("recording can only be paused on a call")?;
                a.monitor = Some(if command == "monitorPause" {
                    "PAUSED"
                } else {
                    "ACTIVE"
                });
                let state = a.state_json(now);
                Ok(Reply::to(To::Agent(id), frame("AgentStateEvent", state)))
            }
            "dial" | "dialFromQueue" | "answer" | "hold" | "hangup" => {
                self.phone_command(command, args, ctx)
            }
            "getCallbackLists"
            | "takeCallback"
            | "releaseCallback"
            | "startCallback"
            | "updateCallbackTicket"
            | "listenCallbackMessage" => self.callback_command(command, args, ctx),
            other => Err(format!("command `{other}` is not simulated")),
        }
    }

    /// `agentLogin`: the five cases of docs/protocols.md#xuc-agent-login.
    fn login(
        &mut self,
        args: &Map<String, Value>,
        ctx: &Ctx,
        now: Instant,
    ) -> Result<Reply, String> {
        let id = self.target(args, ctx)?;
        let line = text_arg(
            args,
            &["agentphonenumber", "agentPhoneNumber", "phoneNumber"],
        )
        .ok_or("agentLogin needs agentphonenumber")?;
        if !self.lines.contains(&line) {
            return Ok(Reply::to(To::Requester, agent_error("PhoneNumberUnknown")));
        }
        let Some(agent) = self.agents.get(&id) else {
            return Err(format!("unknown agent {id}"));
        };
        if agent.logged() {
            return Ok(match &agent.phone {
                Some(phone) if *phone == line => Reply::to(
                    To::Requester,
                    frame("AgentStateEvent", agent.state_json(now)),
                ),
                current => Reply::to(
                    To::Requester,
                    frame(
                        "AgentError",
                        json!({"Error": "LoggedInOnAnotherPhone",
                               "phoneNb": current.as_deref().unwrap_or(""), "RequestedNb": line}),
                    ),
                ),
            });
        }
        let mut outs = Vec::new();
        let holder = self
            .agents
            .values()
            .find(|a| a.id() != id && a.logged() && a.phone.as_deref() == Some(line.as_str()))
            .map(Agent::id);
        if let Some(other) = holder {
            if let Some(a) = self.agents.get_mut(&other) {
                a.set_state(LOGGED_OUT, None, now);
            }
            outs.extend(self.changed(other, now));
        }
        if let Some(a) = self.agents.get_mut(&id) {
            a.phone = Some(line.clone());
            a.last_phone = Some(line);
            a.set_state(READY, Some(READY_CAUSE.into()), now);
        }
        outs.extend(self.changed(id, now));
        Ok(Reply { outs, flag: None })
    }

    /// Pause, unpause, logout. A logged-out agent cannot be paused or unpaused;
    /// logging out a logged-out agent repeats its state to the requester.
    fn state_change(
        &mut self,
        id: i64,
        name: &str,
        cause: Option<String>,
        now: Instant,
        logout: bool,
    ) -> Result<Reply, String> {
        let Some(a) = self.agents.get_mut(&id) else {
            return Err(format!("unknown agent {id}"));
        };
        if !a.logged() {
            return Ok(if logout {
                Reply::to(To::Requester, frame("AgentStateEvent", a.state_json(now)))
            } else {
                Reply::to(To::Requester, agent_error("AgentNotLoggedIn"))
            });
        }
        a.set_state(name, cause, now);
        Ok(Reply {
            outs: self.changed(id, now),
            flag: None,
        })
    }

    /// Agent and queue ids of a queue command; integers only, both known.
    fn queue_args(&self, args: &Map<String, Value>) -> Result<(i64, i64), String> {
        let (Arg::Int(agent), Arg::Int(queue)) = (
            strict_int(args, &["agentId", "agentid"]),
            strict_int(args, &["queueId", "queueid"]),
        ) else {
            return Err("agentId and queueId must be integers".into());
        };
        if !self.agents.contains_key(&agent) {
            return Err(format!("unknown agent {agent}"));
        }
        if !self.queues.contains_key(&queue) {
            return Err(format!("unknown queue {queue}"));
        }
        Ok((agent, queue))
    }

    fn membership_changed(&self, agent: i64, queue: i64, penalty: i64) -> Reply {
        let mut outs = vec![Out {
            to: To::Queue { queue, agent },
            frame: frame(
                "QueueMember",
                json!({"agentId": agent, "queueId": queue, "penalty": penalty}),
            ),
        }];
        if let Some(a) = self.agents.get(&agent) {
            outs.push(Out {
                to: To::Agent(agent),
                frame: frame("AgentConfig", self.agent_config_json(a)),
            });
        }
        Reply { outs, flag: None }
    }

    /// `setAgentQueue`: adds the membership or changes its penalty (0 or more).
    fn set_queue(&mut self, args: &Map<String, Value>) -> Result<Reply, String> {
        let (agent, queue) = self.queue_args(args)?;
        let Arg::Int(penalty) = strict_int(args, &["penalty"]) else {
            return Err("penalty must be an integer".into());
        };
        if penalty < 0 {
            return Err(format!("penalty {penalty} is negative"));
        }
        if let Some(a) = self.agents.get_mut(&agent) {
            a.queues.insert(queue, penalty);
        }
        Ok(self.membership_changed(agent, queue, penalty))
    }

    /// `removeAgentFromQueue`: QueueMember with penalty -1.
    fn remove_queue(&mut self, args: &Map<String, Value>) -> Result<Reply, String> {
        let (agent, queue) = self.queue_args(args)?;
        let removed = self
            .agents
            .get_mut(&agent)
            .and_then(|a| a.queues.remove(&queue));
        if removed.is_none() {
            return Err(format!("agent {agent} is not in queue {queue}"));
        }
        Ok(self.membership_changed(agent, queue, -1))
    }

    /// `getList`: `agent` -> AgentList, `agentgroup` -> AgentGroupList.
    fn list(&self, args: &Map<String, Value>, ctx: &Ctx) -> Result<Reply, String> {
        let kind = text_arg(args, &["objectType"]).ok_or("getList needs objectType")?;
        let frame = match kind.as_str() {
            "agent" => {
                let agents: Vec<Value> = self
                    .agents
                    .values()
                    .filter(|a| self.sees_agent(ctx.profile, ctx.agent, a.id()))
                    .map(Agent::listing_json)
                    .collect();
                frame("AgentList", Value::Array(agents))
            }
            "agentgroup" => {
                let groups: Vec<Value> = self
                    .groups
                    .iter()
                    .filter(|g| {
                        ctx.profile.kind != ProfileKind::Supervisor
                            || ctx.profile.groups.contains(&g.id)
                    })
                    .map(|g| json!({"id": g.id, "name": g.name}))
                    .collect();
                frame("AgentGroupList", Value::Array(groups))
            }
            other => return Err(format!("getList `{other}` is not simulated")),
        };
        Ok(Reply::to(To::Requester, frame))
    }

    /// Applies a scenario frame to the model (agent states, queue
    /// memberships); returns the agent and queue it is about, for the
    /// profile filter.
    pub fn apply_frame(&mut self, frame: &Value) -> (Option<i64>, Option<i64>) {
        let msg_type = frame.get("msgType").and_then(Value::as_str).unwrap_or("");
        let Some(cti) = frame.get("ctiMessage").and_then(Value::as_object) else {
            return (None, None);
        };
        let id_of = |keys: &[&str]| match int_arg(cti, keys) {
            Arg::Int(v) => Some(v),
            _ => None,
        };
        match msg_type {
            "AgentStateEvent" => {
                let agent = id_of(&["agentId", "agentid"]);
                let name = cti.get("name").and_then(Value::as_str);
                if let (Some(a), Some(name)) = (agent.and_then(|id| self.agents.get_mut(&id)), name)
                {
                    let cause = cti.get("cause").and_then(Value::as_str).map(str::to_owned);
                    a.set_state(name, cause, Instant::now());
                    if let Some(p) = text_arg(cti, &["phoneNb"]).filter(|p| !p.is_empty()) {
                        if a.logged() {
                            a.phone = Some(p.clone());
                        }
                        a.last_phone = Some(p);
                    }
                    if let Some(ms) = cti.get("monitorState").and_then(Value::as_str) {
                        a.monitor = match ms {
                            "PAUSED" => Some("PAUSED"),
                            "ACTIVE" => Some("ACTIVE"),
                            _ => a.monitor,
                        };
                    }
                }
                (agent, None)
            }
            "AgentStatistics" => (id_of(&["id", "agentId"]), None),
            "PhoneEvent" => {
                self.apply_phone_event(cti);
                (None, None)
            }
            "QueueMember" => {
                let (agent, queue) = (id_of(&["agentId"]), id_of(&["queueId"]));
                let penalty = id_of(&["penalty"]);
                if let (Some(a), Some(q), Some(p)) = (
                    agent.and_then(|id| self.agents.get_mut(&id)),
                    queue,
                    penalty,
                ) {
                    if p < 0 {
                        a.queues.remove(&q);
                    } else {
                        a.queues.insert(q, p);
                    }
                }
                (agent, queue)
            }
            _ => (None, None),
        }
    }
}
