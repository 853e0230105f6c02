//! The register of open sockets and the messages the rest of the simulator
//! sends them (wake up, send a frame, close, die).

use super::fault::Proto;
use super::xuc::profile::Profile;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::mpsc;

/// What a socket task is told.
#[derive(Debug, Clone)]
pub enum SessionMsg {
    /// Something changed (new events, armed faults): look again.
    Wake,
    /// Send this frame (xuc).
    Frame(Arc<str>),
    /// Close with this code and reason.
    Close(u16, &'static str),
    /// Drop the connection at once (restart, shutdown).
    Kill,
}

/// What a xuc session is, for routing and profile filtering.
#[derive(Debug, Clone)]
pub struct XucPeer {
    /// The logged-in user.
    pub login: String,
    /// The user's own agent.
    pub agent: Option<i64>,
    /// The user's profile.
    pub profile: Profile,
    /// Subscribed to agent statistics.
    pub stats: bool,
    /// Subscribed to callback events.
    pub callbacks: bool,
}

/// One open socket.
#[derive(Debug)]
pub struct Entry {
    /// Its protocol.
    pub proto: Proto,
    /// Its mailbox.
    pub tx: mpsc::UnboundedSender<SessionMsg>,
    /// Authenticated (AXP) or logged on (xuc).
    pub live: bool,
    /// xuc: who it is.
    pub xuc: Option<XucPeer>,
}

/// Every open socket by id.
#[derive(Debug, Default)]
pub struct Sessions {
    next: u64,
    map: BTreeMap<u64, Entry>,
}

impl Sessions {
    /// Registers a socket; returns its id and mailbox.
    pub fn add(&mut self, proto: Proto) -> (u64, mpsc::UnboundedReceiver<SessionMsg>) {
        let (tx, rx) = mpsc::unbounded_channel();
        self.next += 1;
        let id = self.next;
        self.map.insert(
            id,
            Entry {
                proto,
                tx,
                live: false,
                xuc: None,
            },
        );
        (id, rx)
    }

    /// Forgets a socket.
    pub fn remove(&mut self, id: u64) {
        self.map.remove(&id);
    }

    /// A socket's entry.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Entry> {
        self.map.get_mut(&id)
    }

    /// Sends a message to one socket (a closed one is ignored).
    pub fn send(&self, id: u64, msg: SessionMsg) {
        if let Some(e) = self.map.get(&id) {
            let _ = e.tx.send(msg);
        }
    }

    /// Wakes every socket of `proto` (every socket when `None`).
    pub fn wake(&self, proto: Option<Proto>) {
        for e in self.map.values() {
            if proto.is_none_or(|p| p == e.proto) {
                let _ = e.tx.send(SessionMsg::Wake);
            }
        }
    }

    /// Tells every socket of `proto` (every socket when `None`) to drop, and forgets them.
    pub fn kill(&mut self, proto: Option<Proto>) {
        self.map.retain(|_, e| {
            let hit = proto.is_none_or(|p| p == e.proto);
            if hit {
                let _ = e.tx.send(SessionMsg::Kill);
            }
            !hit
        });
    }

    /// Live sockets of `proto`.
    pub fn live(&self, proto: Proto) -> usize {
        self.map
            .values()
            .filter(|e| e.proto == proto && e.live)
            .count()
    }

    /// Live xuc sessions with their peer data.
    pub fn xuc_peers(&self) -> impl Iterator<Item = (u64, &XucPeer)> {
        self.map
            .iter()
            .filter(|(_, e)| e.live)
            .filter_map(|(id, e)| e.xuc.as_ref().map(|p| (*id, p)))
    }
}
