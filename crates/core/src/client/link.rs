//! Plumbing shared by both clients: ids, the output buffer, health reports
//! without repeats, the single timer and sleep detection, back-off.

use super::{Action, Backoff, Health, HealthState, Timing};

/// Shared state of one connection machine.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    out: Vec<Action>,
    next_id: u32,
    pub backoff: Backoff,
    health: Option<Health>,
    /// When the timer is due (absolute ms), if armed.
    armed: Option<u64>,
    pub timing: Timing,
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

    /// Reports health, unless it is the same as the last report.
    pub fn health(
        &mut self,
        state: HealthState,
        reason: impl Into<String>,
        retry_in_ms: Option<u64>,
    ) {
        let health = Health {
            state,
            reason: reason.into(),
            retry_in_ms,
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

    /// Arms the timer for the earliest of `deadlines` (or disarms it).
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

    /// Closes socket `id`, if there is one.
    pub fn close(&mut self, id: Option<u32>, reason: &str) {
        if let Some(id) = id {
            self.push(Action::Close {
                id,
                code: 1000,
                reason: reason.to_owned(),
            });
        }
    }

    /// Schedules the next attempt after a back-off delay (reset first when
    /// the link had been live for long enough), reports `reconnecting` (or
    /// `connecting` before it was ever live), and returns when to retry.
    pub fn wait(
        &mut self,
        now: u64,
        live_since: Option<u64>,
        ever_live: bool,
        reason: &str,
    ) -> u64 {
        if live_since.is_some_and(|t| now.saturating_sub(t) >= self.timing.stable_ms) {
            self.backoff.reset();
        }
        let delay = self.backoff.next_delay();
        let state = if ever_live {
            HealthState::Reconnecting
        } else {
            HealthState::Connecting
        };
        self.health(state, reason, Some(delay));
        now.saturating_add(delay)
    }

    /// Everything asked for since the last call.
    pub fn take(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.out)
    }
}

/// The earliest of some optional deadlines.
pub(crate) fn earliest(deadlines: &[Option<u64>]) -> Option<u64> {
    deadlines.iter().flatten().copied().min()
}
