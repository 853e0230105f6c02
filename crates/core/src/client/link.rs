//! The state both clients share: ids, the output buffer, health reports
//! without repeats, the phase of the connection and its timer table, sleep
//! detection and back-off. The transitions that need no protocol knowledge
//! (retry, fail, go live) live here; [`super::conn`] drives them.

use super::timer::{Timer, TimerTable};
use super::{Action, Backoff, Fault, Figures, Health, HealthState, Timing};
use serde_json::Value;

/// Where an attempt goes on from: the REST request that precedes the socket
/// (AXP: create the subscription; xuc: log in), or the socket itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Make the REST request first.
    Request,
    /// Open the socket.
    Connect,
}

/// Where a connection stands. Deadlines are in the [`TimerTable`]
/// ([`Timer::Phase`]), not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Never started.
    Idle,
    /// Waiting for the host's provider (token / credentials), then `then`.
    Provider {
        /// The step to take once it answers.
        then: Step,
    },
    /// The REST request `req` is in flight.
    Requesting {
        /// Its id.
        req: u32,
    },
    /// The socket `sock` is opening.
    Opening {
        /// Its id.
        sock: u32,
    },
    /// The socket is open; the server has not accepted us yet.
    Authenticating {
        /// Its id.
        sock: u32,
    },
    /// Events flow.
    Live {
        /// Its id.
        sock: u32,
    },
    /// Backing off before `then`.
    Waiting {
        /// The step to take then.
        then: Step,
    },
    /// Given up (`start` tries again).
    Failed,
    /// Stopped by the host.
    Stopped,
}

impl Phase {
    /// Whether an attempt is under way (not idle, failed or stopped).
    pub fn active(self) -> bool {
        !matches!(self, Phase::Idle | Phase::Failed | Phase::Stopped)
    }

    /// The socket, opening or open.
    pub fn socket(self) -> Option<u32> {
        match self {
            Phase::Opening { sock } => Some(sock),
            _ => self.open_socket(),
        }
    }

    /// The socket, once open.
    pub fn open_socket(self) -> Option<u32> {
        match self {
            Phase::Authenticating { sock } | Phase::Live { sock } => Some(sock),
            _ => None,
        }
    }

    /// Whether events flow.
    pub fn live(self) -> bool {
        matches!(self, Phase::Live { .. })
    }
}

/// Shared state of one connection machine.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    out: Vec<Action>,
    next_id: u32,
    pub backoff: Backoff,
    health: Option<Health>,
    /// When the driver's timer is due (absolute ms), if armed.
    armed: Option<u64>,
    pub timing: Timing,
    phase: Phase,
    /// Every deadline of the connection.
    pub timers: TimerTable,
    live_since: Option<u64>,
    ever_live: bool,
    /// The browser said it is offline (and has not said online since).
    pub offline: bool,
    /// The fault of the attempt that is failing, for the next health report.
    blamed: Option<Fault>,
    /// What the client measured, for the diagnostics.
    pub figures: Figures,
}

impl Link {
    pub fn new(timing: Timing, seed: u64) -> Self {
        Link {
            out: Vec::new(),
            next_id: 0,
            backoff: Backoff::new(timing.backoff_base_ms, timing.backoff_max_ms, seed),
            health: None,
            armed: None,
            timing,
            phase: Phase::Idle,
            timers: TimerTable::default(),
            live_since: None,
            ever_live: false,
            offline: false,
            blamed: None,
            figures: Figures::default(),
        }
    }

    /// A fresh id for a request or a socket.
    pub fn id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    pub fn push(&mut self, action: Action) {
        self.out.push(action);
    }

    /// Sends `frame` on socket `id`.
    pub fn send(&mut self, id: u32, frame: super::Frame) {
        self.push(Action::Send { id, frame });
    }

    /// Names the fault of the attempt that is failing: the next health
    /// report (`reconnecting`, `failed`, or the new attempt's `connecting`)
    /// carries it.
    pub fn blame(&mut self, fault: Fault) {
        self.blamed = Some(fault);
    }

    /// Reports health, unless it is the same as the last report. A report
    /// other than `live` / `degraded` / `stopped` carries the fault blamed
    /// since the last one.
    pub fn health(
        &mut self,
        state: HealthState,
        reason: impl Into<String>,
        retry_in_ms: Option<u64>,
    ) {
        let blamed = self.blamed.take();
        let fault = match state {
            HealthState::Live | HealthState::Degraded | HealthState::Stopped => None,
            _ => blamed,
        };
        let health = Health {
            state,
            reason: reason.into(),
            retry_in_ms,
            fault,
        };
        if self.health.as_ref() != Some(&health) {
            self.health = Some(health.clone());
            self.out.push(Action::Health(health));
        }
    }

    /// The last health reported.
    pub fn current(&self) -> Option<&Health> {
        self.health.as_ref()
    }

    /// The phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Enters `phase`, with its deadline (or none).
    pub fn enter(&mut self, phase: Phase, deadline: Option<u64>) {
        self.phase = phase;
        self.timers.put(Timer::Phase, deadline);
    }

    /// The socket was opened: waiting for the server, until `deadline` if any.
    pub fn authenticating(&mut self, sock: u32, deadline: Option<u64>, reason: &str) {
        self.enter(Phase::Authenticating { sock }, deadline);
        self.health(HealthState::Authenticating, reason, None);
    }

    /// The server accepted us: live from `now` (reported by the caller,
    /// with [`Link::report_live`]). False when not authenticating.
    pub fn go_live(&mut self, now: u64) -> bool {
        let Phase::Authenticating { sock } = self.phase else {
            return false;
        };
        self.enter(Phase::Live { sock }, None);
        self.live_since = Some(now);
        self.ever_live = true;
        true
    }

    /// `live`, or `degraded` while the browser is offline or something else
    /// (`trouble`) is wrong.
    pub fn report_live(&mut self, reason: &str, trouble: Option<&str>) {
        if self.offline {
            self.health(HealthState::Degraded, "the browser is offline", None);
        } else if let Some(trouble) = trouble {
            self.health(HealthState::Degraded, trouble, None);
        } else {
            self.health(HealthState::Live, reason, None);
        }
    }

    /// `connecting` before the first live connection, `reconnecting` after.
    pub fn progress(&mut self, reason: &str) {
        let state = if self.ever_live {
            HealthState::Reconnecting
        } else {
            HealthState::Connecting
        };
        self.health(state, reason, None);
    }

    /// Arms the driver's timer for `deadline` (or disarms it).
    pub fn arm(&mut self, now: u64, deadline: Option<u64>) {
        match deadline {
            Some(at) if self.armed != Some(at) => {
                self.armed = Some(at);
                self.out.push(Action::Timer {
                    after_ms: at.saturating_sub(now),
                });
            }
            None if self.armed.is_some() => {
                self.armed = None;
                self.out.push(Action::ClearTimer);
            }
            _ => {}
        }
    }

    /// The earliest deadline of the timers that run in this phase.
    pub fn next_deadline(&self, also: impl Fn(Timer) -> bool) -> Option<u64> {
        let open = self.phase.open_socket().is_some();
        let live = self.phase.live();
        self.timers.next(|t| t.runs(open, live) && also(t))
    }

    /// The timer fired: it is no longer armed.
    pub fn fired(&mut self) {
        self.armed = None;
    }

    /// Whether `now` is so far past the armed deadline that the machine
    /// must have been asleep (or the tab frozen).
    pub fn jumped(&self, now: u64) -> bool {
        self.armed
            .is_some_and(|at| now > at.saturating_add(self.timing.wake_threshold_ms))
    }

    /// Closes the current socket, if there is one.
    pub fn close_socket(&mut self, reason: &str) {
        if let Some(id) = self.phase.socket() {
            self.push(Action::Close {
                id,
                code: 1000,
                reason: reason.to_owned(),
            });
        }
    }

    /// Drops the current attempt and schedules `then` after a back-off delay
    /// (reset first when the link had been live for long enough); reports
    /// `reconnecting` (or `connecting` before it was ever live).
    pub fn retry(&mut self, now: u64, then: Step, reason: &str) {
        self.close_socket(reason);
        let live_since = self.live_since.take();
        if live_since.is_some_and(|t| now.saturating_sub(t) >= self.timing.stable_ms) {
            self.backoff.reset();
        }
        let delay = self.backoff.next_delay();
        let state = if self.ever_live {
            HealthState::Reconnecting
        } else {
            HealthState::Connecting
        };
        self.health(state, reason, Some(delay));
        self.timers.stop_connection();
        self.enter(Phase::Waiting { then }, Some(now.saturating_add(delay)));
    }

    /// Drops the current attempt before another starts at once.
    pub fn drop_attempt(&mut self, reason: &str) {
        self.close_socket(reason);
        self.live_since = None;
    }

    /// Gives up: `failed` until started again.
    pub fn fail(&mut self, reason: &str) {
        self.close_socket(reason);
        self.enter(Phase::Failed, None);
        self.timers.stop_connection();
        self.live_since = None;
        self.health(HealthState::Failed, reason, None);
    }

    /// Stopped by the host (the socket is closed by the caller first).
    pub fn stopped(&mut self) {
        self.enter(Phase::Stopped, None);
        self.timers.stop_connection();
        self.health(HealthState::Stopped, "stopped by the host", None);
    }

    /// A heartbeat went out at `now` (the first unanswered one is kept).
    pub fn pinged(&mut self, now: u64) {
        self.figures.heartbeat_pending_since.get_or_insert(now);
    }

    /// The server answered the heartbeat at `now`: the round trip is measured.
    pub fn ponged(&mut self, now: u64) {
        if let Some(sent) = self.figures.heartbeat_pending_since.take() {
            self.figures.heartbeat_rtt_ms = Some(now.saturating_sub(sent));
            self.figures.heartbeat_at = Some(now);
        }
    }

    /// A new socket: no heartbeat is outstanding on it.
    pub fn heartbeat_reset(&mut self) {
        self.figures.heartbeat_pending_since = None;
    }

    /// Everything asked for since the last call.
    pub fn take(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.out)
    }
}

/// A string or number field as text (strings trimmed; blank is none).
pub(crate) fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(crate::text::number(n)),
        _ => None,
    }
}
