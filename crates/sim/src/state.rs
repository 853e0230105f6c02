//! The state one simulator run shares between its tasks, behind one lock,
//! and the operations that touch both protocols: feeding events, arming
//! faults, restarting, reporting.

use super::axp::subscription::AxpState;
use super::fault::{Fault, FaultSpec, Faults, Proto};
use super::options::Options;
use super::scenario::{self, Action};
use super::session::{SessionMsg, Sessions};
use super::stats::Stats;
use super::xuc::XucState;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The longest duration option honoured.
const MAX_DURATION: Duration = Duration::from_secs(30 * 86_400);
use tokio::sync::{mpsc, watch};

/// Everything mutable, behind [`Shared::lock`].
#[derive(Debug)]
pub struct State {
    /// Counters.
    pub stats: Stats,
    /// Armed faults.
    pub faults: Faults,
    /// Open sockets.
    pub sessions: Sessions,
    /// AXP subscriptions and event log.
    pub axp: AxpState,
    /// xuc tokens, contact centre and event log.
    pub xuc: XucState,
    /// AXP requests are refused until then (restart downtime).
    pub axp_down_until: Option<Instant>,
    /// xuc requests are refused until then (restart downtime).
    pub xuc_down_until: Option<Instant>,
}

/// One simulator run: settings, bound address and state.
#[derive(Debug)]
pub struct Shared {
    /// Settings.
    pub opts: Options,
    /// The bound loopback address.
    pub addr: SocketAddr,
    /// Start time.
    pub started: Instant,
    state: Mutex<State>,
    live: watch::Sender<bool>,
}

impl Shared {
    /// A fresh run. Durations are kept between 1 ms and 30 days.
    pub fn new(mut opts: Options, addr: SocketAddr) -> Arc<Shared> {
        for d in [
            &mut opts.ping_interval,
            &mut opts.expires_in,
            &mut opts.heartbeat,
            &mut opts.restart_downtime,
        ] {
            *d = (*d).clamp(Duration::from_millis(1), MAX_DURATION);
        }
        let mut stats = Stats::default();
        stats.scenario.lines = opts.scenario.len();
        let mut faults = Faults::default();
        for spec in &opts.faults {
            if spec.fault != Fault::Restart {
                faults.arm(spec.clone());
            }
        }
        let state = State {
            stats,
            faults,
            sessions: Sessions::default(),
            axp: AxpState::default(),
            xuc: XucState::new(&opts.xuc),
            axp_down_until: None,
            xuc_down_until: None,
        };
        Arc::new(Shared {
            addr,
            started: Instant::now(),
            state: Mutex::new(state),
            live: watch::channel(false).0,
            opts,
        })
    }

    /// The state (a panicked holder does not make it unusable).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Logs a line on standard error when verbose.
    pub fn log(&self, message: impl std::fmt::Display) {
        if self.opts.verbose {
            eprintln!(
                "[sim {:>8.3}s] {message}",
                self.started.elapsed().as_secs_f64()
            );
        }
    }

    /// Registers a socket; it is forgotten when the returned guard drops.
    pub fn register(
        self: &Arc<Self>,
        proto: Proto,
    ) -> (Registration, mpsc::UnboundedReceiver<SessionMsg>) {
        let (id, rx) = self.lock().sessions.add(proto);
        (
            Registration {
                shared: Arc::clone(self),
                id,
            },
            rx,
        )
    }

    /// Marks a socket live; the first live socket starts the scenario clock.
    pub fn mark_live(&self, id: u64) {
        if let Some(e) = self.lock().sessions.get_mut(id) {
            e.live = true;
        }
        self.live
            .send_if_modified(|started| !std::mem::replace(started, true));
    }

    /// Waits until some session has been live.
    pub async fn wait_live(&self) {
        let mut rx = self.live.subscribe();
        let _ = rx.wait_for(|started| *started).await;
    }

    /// Arms a fault (a `restart` happens at once).
    pub fn arm(&self, spec: FaultSpec) {
        self.log(format!("fault armed: {spec}"));
        if spec.fault == Fault::Restart {
            self.restart(spec.proto);
            return;
        }
        let mut st = self.lock();
        st.faults.arm(spec);
        st.sessions.wake(None);
    }

    /// Server restart of one protocol (both when `None`): its sockets
    /// dropped, its subscriptions or tokens and agent states forgotten, its
    /// requests refused for the restart downtime. The event logs stay, so
    /// events nobody received are not lost.
    pub fn restart(&self, proto: Option<Proto>) {
        let until = Some(Instant::now() + self.opts.restart_downtime);
        let mut st = self.lock();
        st.faults.record(Fault::Restart);
        st.sessions.kill(proto);
        if proto.is_none_or(|p| p == Proto::Axp) {
            st.axp.forget_subscriptions();
            st.axp_down_until = until;
        }
        if proto.is_none_or(|p| p == Proto::Xuc) {
            st.xuc.restart(&self.opts.xuc);
            st.xuc_down_until = until;
        }
        drop(st);
        let which = proto.map_or("both protocols", Proto::as_str);
        self.log(format!(
            "restart ({which}): sockets, subscriptions and sessions dropped"
        ));
    }

    /// Carries out one scenario or feed action.
    pub fn dispatch(&self, action: Action) {
        match action {
            Action::Axp(event) => {
                let mut st = self.lock();
                let id = st.axp.push(event);
                st.sessions.wake(Some(Proto::Axp));
                drop(st);
                self.log(format!("axp event queued: {id}"));
            }
            Action::Xuc(event) => {
                let mut st = self.lock();
                st.xuc.push(event);
                st.sessions.wake(Some(Proto::Xuc));
            }
            Action::Fault(spec) => self.arm(spec),
        }
    }

    /// Carries out feed lines (JSON Lines) at once; returns how many.
    pub fn feed(&self, text: &str) -> Result<usize, String> {
        let lines = scenario::parse_script(text)?;
        let n = lines.len();
        for line in lines {
            self.dispatch(line.action);
        }
        self.lock().stats.scenario.fed += n;
        Ok(n)
    }

    /// Carries out one feed line at once (blank and comment lines do nothing).
    pub fn feed_line(&self, line: &str) -> Result<(), String> {
        if let Some(line) = scenario::parse_line(line)? {
            self.dispatch(line.action);
            self.lock().stats.scenario.fed += 1;
        }
        Ok(())
    }

    /// The `GET /sim/stats` document.
    pub fn stats_json(&self) -> Value {
        let st = self.lock();
        let mut axp = serde_json::to_value(&st.stats.axp).unwrap_or(Value::Null);
        if let Some(m) = axp.as_object_mut() {
            m.insert("live".into(), json!(st.sessions.live(Proto::Axp)));
            m.insert("subscriptions_active".into(), json!(st.axp.active_count()));
            m.insert("queued_events".into(), json!(st.axp.log.end()));
            m.insert("undelivered_events".into(), json!(st.axp.log.undelivered()));
        }
        let mut xuc = serde_json::to_value(&st.stats.xuc).unwrap_or(Value::Null);
        if let Some(m) = xuc.as_object_mut() {
            m.insert("live".into(), json!(st.sessions.live(Proto::Xuc)));
            m.insert("queued_events".into(), json!(st.xuc.log.end()));
            m.insert("undelivered_events".into(), json!(st.xuc.log.undelivered()));
        }
        json!({
            "uptime_ms": u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "axp": axp,
            "xuc": xuc,
            "faults": {"fired": st.faults.fired(), "armed": st.faults.armed()},
            "scenario": st.stats.scenario,
        })
    }
}

/// A registered socket; dropping it forgets the socket.
#[derive(Debug)]
pub struct Registration {
    shared: Arc<Shared>,
    /// The socket's id.
    pub id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.sessions.remove(self.id);
        st.axp.detach(self.id);
    }
}
