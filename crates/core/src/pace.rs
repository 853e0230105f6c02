//! Work that can wait for the widget's turn to end, coalesced: drawing
//! the agent's panel, saving the session. Issue 14: done per event, they
//! were most of the widget's time on the inject round trip (the panel's
//! DOM work on every event, a full save every 250 ms of a stream). A
//! change after a quiet spell is handled after `delay`; while changes keep
//! coming, at most once per `gap`, and the last change is always handled
//! (the work reads the latest state: nothing is lost, only coalesced).

/// One coalesced piece of work (the edge owns the timer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pace {
    delay: u64,
    gap: u64,
    /// When the work last ran.
    last: Option<u64>,
    /// The work is scheduled and has not run yet.
    due: bool,
}

impl Pace {
    /// Work run `delay` ms after a change, at most once per `gap` ms.
    pub const fn new(delay: u64, gap: u64) -> Pace {
        Pace {
            delay,
            gap,
            last: None,
            due: false,
        }
    }

    /// Something changed at `now`. `Some(wait)`: the edge runs the work
    /// after `wait` ms (0: in a task of its own, after this one); `None`:
    /// the work is already scheduled and will see this change.
    pub fn changed(&mut self, now: u64) -> Option<u64> {
        if self.due {
            return None;
        }
        self.due = true;
        let wait = self
            .last
            .map_or(0, |last| last.saturating_add(self.gap).saturating_sub(now));
        // A clock that went back waits at most the gap.
        Some(wait.clamp(self.delay, self.gap.max(self.delay)))
    }

    /// The work runs at `now` (as scheduled, or asked for outside the
    /// schedule: the panel mounted, the page going away).
    pub fn ran(&mut self, now: u64) {
        self.due = false;
        self.last = Some(now);
    }

    /// Whether the work is scheduled.
    pub fn due(&self) -> bool {
        self.due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_after_a_quiet_spell_waits_only_the_delay() {
        let mut pace = Pace::new(0, 100);
        assert_eq!(pace.changed(1_000), Some(0));
        pace.ran(1_000);
        assert_eq!(pace.changed(1_100), Some(0));
        pace.ran(1_100);
        assert_eq!(pace.changed(5_000), Some(0));
        let mut save = Pace::new(250, 1_000);
        assert_eq!(save.changed(0), Some(250));
        save.ran(250);
        assert_eq!(save.changed(10_000), Some(250));
    }

    #[test]
    fn a_burst_is_one_run_that_sees_the_last_change() {
        let mut pace = Pace::new(0, 100);
        assert_eq!(pace.changed(10), Some(0));
        // Until it runs, every change rides on the scheduled run.
        for now in 10..20 {
            assert_eq!(pace.changed(now), None);
            assert!(pace.due());
        }
        pace.ran(20);
        assert!(!pace.due());
        // Changes right after wait out the gap: one run at its end.
        assert_eq!(pace.changed(21), Some(99));
        assert_eq!(pace.changed(50), None);
        pace.ran(120);
        assert_eq!(pace.changed(150), Some(70));
    }

    #[test]
    fn a_stream_runs_once_per_gap_never_sooner_than_the_delay() {
        let mut save = Pace::new(250, 1_000);
        let mut runs = Vec::new();
        let mut at = None;
        // A change every 10 ms for 5 s; the edge runs the work when its wait ends.
        for now in (0..5_000).step_by(10) {
            if at.is_some_and(|t| now >= t) {
                save.ran(now);
                runs.push(now);
                at = None;
            }
            if let Some(wait) = save.changed(now) {
                at = Some(now + wait);
            }
        }
        assert_eq!(runs.first(), Some(&250));
        assert!(runs.windows(2).all(|w| w[1] - w[0] >= 1_000), "{runs:?}");
        assert!(runs.len() >= 4, "{runs:?}");
    }

    #[test]
    fn a_run_outside_the_schedule_counts_and_a_clock_going_back_waits_at_most_the_gap() {
        let mut pace = Pace::new(0, 100);
        pace.ran(500); // the panel mounted
        assert_eq!(pace.changed(510), Some(90));
        let mut back = Pace::new(0, 100);
        back.ran(1_000);
        assert_eq!(back.changed(900), Some(100));
    }
}
