//! The XiVO xuc simulator: REST login, the CTI WebSocket, and the agent and
//! callback rules of xuc (docs/protocols.md#xuc) over a configured contact centre.

pub mod agent;
pub mod args;
pub mod callbacks;
pub mod config;
pub mod phone;
pub mod profile;
pub mod rest;
pub mod socket;
pub mod world;

use super::feed::Log;
use super::scenario::XucEvent;
use super::session::{SessionMsg, XucPeer};
use super::state::{Shared, State};
use config::XucConfig;
use profile::Profile;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use world::{frame, Ctx, Flag, Out, To, World};

/// A scenario frame waiting in the log.
#[derive(Debug, Clone)]
pub struct XucItem {
    /// The frame text.
    pub text: Arc<str>,
    /// Only this user gets it.
    pub login: Option<String>,
    /// The agent it is about (profile filter).
    pub agent: Option<i64>,
    /// The queue it is about (profile filter).
    pub queue: Option<i64>,
}

/// Tokens, the contact centre and the scenario log.
#[derive(Debug)]
pub struct XucState {
    /// Token -> login.
    pub tokens: HashMap<String, String>,
    /// Token -> when it expires (with `--token-ttl`).
    pub token_expiry: HashMap<String, std::time::Instant>,
    /// Agents, lines, queues, callbacks.
    pub world: World,
    /// Scenario frames.
    pub log: Log<XucItem>,
    /// Per user: the next log index to deliver.
    cursors: HashMap<String, usize>,
}

impl XucState {
    /// The state at start.
    pub fn new(config: &XucConfig) -> XucState {
        XucState {
            tokens: HashMap::new(),
            token_expiry: HashMap::new(),
            world: World::new(config),
            log: Log::default(),
            cursors: HashMap::new(),
        }
    }

    /// Server restart: tokens and agent states are lost; the scenario log stays.
    pub fn restart(&mut self, config: &XucConfig) {
        self.tokens.clear();
        self.token_expiry.clear();
        self.world = World::new(config);
    }

    /// Queues a scenario frame (and applies agent state changes to the model).
    pub fn push(&mut self, event: XucEvent) {
        let (agent, queue) = self.world.apply_frame(&event.frame);
        self.log.push(XucItem {
            text: event.frame.to_string().into(),
            login: event.login,
            agent,
            queue,
        });
    }

    /// Where a new session of `login` starts reading the log.
    pub fn cursor(&mut self, login: &str) -> usize {
        let start = self.log.start_cursor();
        *self.cursors.entry(login.to_owned()).or_insert(start)
    }

    /// The next scenario frame at or after `cursor` that `peer` may see.
    pub fn next_item(&self, cursor: usize, peer: &XucPeer) -> Option<(usize, Arc<str>)> {
        let world = &self.world;
        self.log
            .next_from(cursor, |item| {
                item.login.as_ref().is_none_or(|l| *l == peer.login)
                    && item
                        .agent
                        .is_none_or(|a| world.sees_agent(&peer.profile, peer.agent, a))
                    && item
                        .queue
                        .is_none_or(|q| world.sees_queue(&peer.profile, peer.agent, q, item.agent))
            })
            .map(|(i, item)| (i, Arc::clone(&item.text)))
    }

    /// Records that index `index` reached a session of `login`.
    pub fn delivered(&mut self, login: &str, index: usize) {
        let c = self.cursors.entry(login.to_owned()).or_insert(0);
        *c = (*c).max(index + 1);
        self.log.mark_delivered(index);
    }
}

/// Registers a logged-on session: its peer data and its greeting frames
/// (`LoggedOn`, `RightProfile`, and its own agent's configuration and state).
pub fn hello(shared: &Shared, session: u64, login: &str) -> Option<(XucPeer, Vec<String>)> {
    let user = shared.opts.xuc.users.iter().find(|u| u.login == login)?;
    let profile = Profile::of(user);
    let peer = XucPeer {
        login: login.to_owned(),
        agent: user.agent_id,
        profile: profile.clone(),
        stats: false,
        callbacks: false,
    };
    let mut frames = vec![
        frame("LoggedOn", json!({})),
        frame(
            "RightProfile",
            json!({"profile": profile.name(), "rights": profile.rights}),
        ),
    ];
    let mut st = shared.lock();
    frames.extend(st.xuc.world.hello(user.agent_id));
    st.sessions.get_mut(session)?.xuc = Some(peer.clone());
    Some((peer, frames.iter().map(Value::to_string).collect()))
}

/// Carries out a `{claz: "web", command}` frame from session `session`.
pub fn command(shared: &Shared, session: u64, map: &Map<String, Value>) {
    let name = map.get("command").and_then(Value::as_str).unwrap_or("");
    let mut guard = shared.lock();
    let st = &mut *guard;
    st.stats.xuc.command(name);
    let Some(peer) = st.sessions.get_mut(session).and_then(|e| e.xuc.clone()) else {
        return;
    };
    let ctx = Ctx {
        agent: peer.agent,
        profile: &peer.profile,
    };
    match st.xuc.world.handle(name, map, &ctx) {
        Ok(reply) => {
            if let (Some(flag), Some(p)) = (
                reply.flag,
                st.sessions.get_mut(session).and_then(|e| e.xuc.as_mut()),
            ) {
                match flag {
                    Flag::Stats => p.stats = true,
                    Flag::Callbacks => p.callbacks = true,
                }
            }
            route(st, session, reply.outs);
        }
        Err(reason) => {
            st.stats.xuc.rejected_commands += 1;
            drop(guard);
            shared.log(format!("xuc: {name} refused: {reason}"));
        }
    }
}

/// Sends each frame to the sessions its audience names.
fn route(st: &mut State, requester: u64, outs: Vec<Out>) {
    for out in outs {
        let text: Arc<str> = out.frame.to_string().into();
        let world = &st.xuc.world;
        let targets: Vec<u64> = st
            .sessions
            .xuc_peers()
            .filter(|(id, p)| {
                let own = p.agent;
                match out.to {
                    To::Requester => *id == requester,
                    To::Agent(a) => world.sees_agent(&p.profile, own, a),
                    To::Queue { queue, agent } => {
                        world.sees_queue(&p.profile, own, queue, Some(agent))
                    }
                    To::Stats(a) => p.stats && world.sees_agent(&p.profile, own, a),
                    To::Callbacks { queue } => {
                        *id == requester
                            || (p.callbacks && world.sees_queue(&p.profile, own, queue, None))
                    }
                }
            })
            .map(|(id, _)| id)
            .collect();
        for id in targets {
            st.sessions.send(id, SessionMsg::Frame(Arc::clone(&text)));
        }
    }
}
