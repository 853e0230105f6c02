//! The timer table: every deadline a client keeps, in one place.
//!
//! A client has one timer towards its driver ([`super::Action::Timer`]); it is
//! armed for the earliest deadline of the timers that run in the current
//! phase, computed once here ([`TimerTable::next`]).

/// Every timer a client runs (quinn-proto's model: one enum, one table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// The current phase's deadline: the provider's answer, the REST
    /// request, the socket opening, the authentication, or the end of a
    /// back-off wait. Runs in every phase that sets it.
    Phase,
    /// The next heartbeat (AXP `ping`, xuc `{claz:"ping"}`); runs while the
    /// socket is open.
    Heartbeat,
    /// AXP: the `pong` to the last ping is overdue; runs while live.
    Pong,
    /// AXP: the renewal request is overdue; runs while live.
    RenewRequest,
    /// AXP: time to renew the subscription; runs while live.
    Renew,
    /// AXP: the subscription expires; runs while live.
    Expiry,
}

impl Timer {
    /// How many timers there are.
    pub const COUNT: usize = 6;

    /// Every timer, in table order.
    pub const ALL: [Timer; Timer::COUNT] = [
        Timer::Phase,
        Timer::Heartbeat,
        Timer::Pong,
        Timer::RenewRequest,
        Timer::Renew,
        Timer::Expiry,
    ];

    /// The timers of one connection: stopped whenever an attempt ends.
    pub const CONNECTION: [Timer; 3] = [Timer::Heartbeat, Timer::Pong, Timer::RenewRequest];

    fn index(self) -> usize {
        self as usize
    }

    /// Whether the timer runs in a phase where the socket is open (`open`)
    /// and the link is live (`live`).
    pub fn runs(self, open: bool, live: bool) -> bool {
        match self {
            Timer::Phase => true,
            Timer::Heartbeat => open,
            Timer::Pong | Timer::RenewRequest | Timer::Renew | Timer::Expiry => live,
        }
    }
}

/// When each [`Timer`] is due (absolute ms), if set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TimerTable {
    at: [Option<u64>; Timer::COUNT],
}

impl TimerTable {
    /// Sets `timer` to fire at `at`.
    pub fn set(&mut self, timer: Timer, at: u64) {
        self.put(timer, Some(at));
    }

    /// Sets or stops `timer`.
    pub fn put(&mut self, timer: Timer, at: Option<u64>) {
        if let Some(slot) = self.at.get_mut(timer.index()) {
            *slot = at;
        }
    }

    /// Stops `timer`.
    pub fn stop(&mut self, timer: Timer) {
        self.put(timer, None);
    }

    /// Stops the timers of the current connection ([`Timer::CONNECTION`]).
    pub fn stop_connection(&mut self) {
        for timer in Timer::CONNECTION {
            self.stop(timer);
        }
    }

    /// When `timer` is due, if set.
    pub fn get(&self, timer: Timer) -> Option<u64> {
        self.at.get(timer.index()).copied().flatten()
    }

    /// Whether `timer` is set and due at `now`.
    pub fn due(&self, timer: Timer, now: u64) -> bool {
        self.get(timer).is_some_and(|at| now >= at)
    }

    /// The earliest deadline of the timers `runs` keeps.
    pub fn next(&self, runs: impl Fn(Timer) -> bool) -> Option<u64> {
        Timer::ALL
            .into_iter()
            .filter(|t| runs(*t))
            .filter_map(|t| self.get(t))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_indexes_every_timer() {
        for (i, t) in Timer::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i);
        }
    }

    #[test]
    fn set_get_stop_due() {
        let mut table = TimerTable::default();
        assert_eq!(table.next(|_| true), None);
        table.set(Timer::Renew, 500);
        table.set(Timer::Heartbeat, 300);
        assert_eq!(table.get(Timer::Renew), Some(500));
        assert!(!table.due(Timer::Renew, 499));
        assert!(table.due(Timer::Renew, 500));
        assert_eq!(table.next(|_| true), Some(300));
        table.stop(Timer::Heartbeat);
        assert_eq!(table.next(|_| true), Some(500));
        assert!(!table.due(Timer::Heartbeat, u64::MAX));
    }

    #[test]
    fn next_keeps_only_the_running_timers() {
        let mut table = TimerTable::default();
        table.set(Timer::Expiry, 100);
        table.set(Timer::Heartbeat, 200);
        table.set(Timer::Phase, 300);
        let next = |open, live| table.next(|t| t.runs(open, live));
        assert_eq!(next(false, false), Some(300));
        assert_eq!(next(true, false), Some(200));
        assert_eq!(next(true, true), Some(100));
    }

    #[test]
    fn stop_connection_keeps_phase_and_subscription_timers() {
        let mut table = TimerTable::default();
        for (i, t) in Timer::ALL.into_iter().enumerate() {
            table.set(t, i as u64);
        }
        table.stop_connection();
        for t in Timer::ALL {
            assert_eq!(
                table.get(t).is_some(),
                !Timer::CONNECTION.contains(&t),
                "{t:?}"
            );
        }
    }
}
