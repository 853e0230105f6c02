//! AXP subscriptions (create, renew, expire) and the notification log they
//! deliver from.

use crate::clock;
use crate::feed::Log;
use crate::options::Options;
use crate::scenario::AxpEvent;
use crate::session::{SessionMsg, Sessions};
use crate::ws::CLOSE_NORMAL;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// The only family the simulator serves.
pub const FAMILY: &str = "AGENT_ENGAGEMENT";

/// Most INACTIVE subscriptions remembered (for `GET`).
const KEEP_INACTIVE: usize = 1000;

/// A notification waiting in the log.
#[derive(Debug, Clone)]
pub struct AxpItem {
    /// `body.event`.
    pub event: String,
    /// The body, with its unique `id`.
    pub body: Map<String, Value>,
    /// Extra envelope fields.
    pub envelope: Map<String, Value>,
    /// Only this account's subscriptions get it.
    pub account: Option<String>,
}

/// One subscription.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// Id.
    pub id: String,
    /// Account.
    pub account: String,
    /// Requested events (`ALL` or body event names).
    pub events: Vec<String>,
    /// Creation time.
    pub created_at: SystemTime,
    /// When it turns INACTIVE unless renewed.
    pub expires_at: Instant,
    /// The same, on the wall clock.
    pub expires_wall: SystemTime,
    /// ACTIVE (else INACTIVE).
    pub active: bool,
    /// The authenticated socket, if any.
    pub session: Option<u64>,
    /// Next log index to deliver.
    pub cursor: usize,
    /// The last notification delivered (for the `replay` fault).
    pub last_frame: Option<Arc<str>>,
}

impl Subscription {
    /// The REST representation (the vendor's response shape, docs/protocols.md#axp-subscription).
    pub fn json(&self, opts: &Options, addr: SocketAddr) -> Value {
        json!({
            "subscriptionId": self.id,
            "createdAt": clock::iso8601(self.created_at),
            "expiresAt": clock::iso8601(self.expires_wall),
            "expiresIn": opts.expires_in.as_secs(),
            "status": if self.active { "ACTIVE" } else { "INACTIVE" },
            "family": FAMILY,
            "events": self.events,
            "transport": {
                "type": "WEBSOCKET",
                "endpoint": format!(
                    "ws://{addr}/ws/notification/v1/agent-engagement/{}/{}",
                    self.account, self.id
                ),
                "pingInterval": clock::ceil_secs(opts.ping_interval),
            },
        })
    }

    /// Seconds left before expiry (at least 1 while active).
    pub fn expires_in_secs(&self) -> u64 {
        clock::ceil_secs(self.expires_at.saturating_duration_since(Instant::now()))
    }

    fn wants(&self, item: &AxpItem) -> bool {
        item.account.as_ref().is_none_or(|a| *a == self.account)
            && self
                .events
                .iter()
                .any(|e| e.eq_ignore_ascii_case("ALL") || e.eq_ignore_ascii_case(&item.event))
    }
}

/// Subscriptions and the notification log.
#[derive(Debug, Default)]
pub struct AxpState {
    /// Subscriptions by id (INACTIVE ones are kept for `GET`).
    pub subs: BTreeMap<String, Subscription>,
    /// Notifications to deliver.
    pub log: Log<AxpItem>,
    ids: HashSet<String>,
}

impl AxpState {
    /// Queues a notification; gives its body a unique `id` (keeping the
    /// scenario's own when it is unused) and a `timestamp`. Returns the id.
    pub fn push(&mut self, event: AxpEvent) -> String {
        let mut body = event.body;
        let id = match body.get("id") {
            Some(Value::String(s)) if !s.is_empty() && !self.ids.contains(s) => s.clone(),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        self.ids.insert(id.clone());
        body.insert("id".into(), Value::String(id.clone()));
        if !body.contains_key("timestamp") {
            body.insert(
                "timestamp".into(),
                Value::String(clock::epoch_ms().to_string()),
            );
        }
        let name = body
            .get("event")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        self.log.push(AxpItem {
            event: name,
            body,
            envelope: event.envelope,
            account: event.account,
        });
        id
    }

    /// Creates an ACTIVE subscription; it starts at the first undelivered event.
    pub fn create(
        &mut self,
        account: &str,
        events: Vec<String>,
        expires_in: Duration,
    ) -> &Subscription {
        self.prune();
        let id = uuid::Uuid::new_v4().to_string();
        let sub = Subscription {
            id: id.clone(),
            account: account.to_owned(),
            events,
            created_at: SystemTime::now(),
            expires_at: Instant::now() + expires_in,
            expires_wall: SystemTime::now() + expires_in,
            active: true,
            session: None,
            cursor: self.log.start_cursor(),
            last_frame: None,
        };
        self.subs.entry(id).or_insert(sub)
    }

    /// Extends an ACTIVE subscription by `expires_in`.
    pub fn renew(&mut self, id: &str, expires_in: Duration) -> Option<&Subscription> {
        let sub = self.subs.get_mut(id).filter(|s| s.active)?;
        sub.expires_at = Instant::now() + expires_in;
        sub.expires_wall = SystemTime::now() + expires_in;
        Some(sub)
    }

    /// Turns a subscription INACTIVE and closes its socket; false if it was not active.
    pub fn deactivate(&mut self, id: &str, sessions: &Sessions, reason: &'static str) -> bool {
        let Some(sub) = self.subs.get_mut(id).filter(|s| s.active) else {
            return false;
        };
        sub.active = false;
        if let Some(s) = sub.session.take() {
            sessions.send(s, SessionMsg::Close(CLOSE_NORMAL, reason));
        }
        true
    }

    /// Deletes a subscription and closes its socket.
    pub fn delete(&mut self, id: &str, sessions: &Sessions) -> bool {
        let Some(sub) = self.subs.remove(id) else {
            return false;
        };
        if let Some(s) = sub.session {
            sessions.send(s, SessionMsg::Close(CLOSE_NORMAL, "subscription deleted"));
        }
        true
    }

    /// Expires every ACTIVE subscription past its time; returns how many.
    pub fn reap(&mut self, sessions: &Sessions) -> u64 {
        let now = Instant::now();
        let due: Vec<String> = self
            .subs
            .values()
            .filter(|s| s.active && s.expires_at <= now)
            .map(|s| s.id.clone())
            .collect();
        let mut n = 0;
        for id in due {
            if self.deactivate(&id, sessions, "subscription expired") {
                n += 1;
            }
        }
        n
    }

    /// Attaches an authenticated socket; returns the socket it replaces.
    pub fn attach(&mut self, id: &str, session: u64) -> Option<u64> {
        self.subs
            .get_mut(id)
            .and_then(|s| s.session.replace(session))
            .filter(|old| *old != session)
    }

    /// Detaches a socket from whatever subscription it served.
    pub fn detach(&mut self, session: u64) {
        for s in self.subs.values_mut() {
            if s.session == Some(session) {
                s.session = None;
            }
        }
    }

    /// The next notification for a subscription, as frame text, with its log
    /// index. Events the subscription does not want are skipped.
    pub fn next_frame(&mut self, id: &str, login_id: &str) -> Option<(usize, String)> {
        let sub = self.subs.get_mut(id).filter(|s| s.active)?;
        let Some((index, item)) = self.log.next_from(sub.cursor, |item| sub.wants(item)) else {
            sub.cursor = self.log.end();
            return None;
        };
        sub.cursor = index;
        let mut env = Map::new();
        env.insert("family".into(), json!(FAMILY));
        env.insert("loginId".into(), json!(login_id));
        for (k, v) in &item.envelope {
            if v.is_null() {
                env.remove(k);
            } else {
                env.insert(k.clone(), v.clone());
            }
        }
        // Per delivery, whatever the scenario said.
        env.insert(
            "correlationId".into(),
            json!(uuid::Uuid::new_v4().to_string()),
        );
        env.insert("sentAt".into(), json!(clock::now_iso()));
        env.insert("subscriptionId".into(), json!(sub.id));
        env.insert("accountId".into(), json!(sub.account));
        env.insert("body".into(), Value::Object(item.body.clone()));
        Some((index, Value::Object(env).to_string()))
    }

    /// Records that log index `index` reached the subscription's socket.
    pub fn delivered(&mut self, id: &str, index: usize, frame: Arc<str>) {
        if let Some(sub) = self.subs.get_mut(id) {
            sub.cursor = sub.cursor.max(index + 1);
            sub.last_frame = Some(frame);
        }
        self.log.mark_delivered(index);
    }

    /// ACTIVE subscriptions.
    pub fn active_count(&self) -> usize {
        self.subs.values().filter(|s| s.active).count()
    }

    /// Forgets every subscription (restart).
    pub fn forget_subscriptions(&mut self) {
        self.subs.clear();
    }

    fn prune(&mut self) {
        let inactive = self.subs.values().filter(|s| !s.active).count();
        if inactive < KEEP_INACTIVE {
            return;
        }
        let mut old: Vec<(SystemTime, String)> = self
            .subs
            .values()
            .filter(|s| !s.active)
            .map(|s| (s.created_at, s.id.clone()))
            .collect();
        old.sort();
        for (_, id) in old.into_iter().take(inactive + 1 - KEEP_INACTIVE) {
            self.subs.remove(&id);
        }
    }
}
