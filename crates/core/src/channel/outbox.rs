//! The widget's bounded outbox of sent events, replayed to a host that
//! re-attaches, and the gap a host is told about when it resumes from
//! events the outbox no longer holds.

use serde_json::Value;
use std::collections::VecDeque;

/// How many sent events the widget keeps for a host that re-attaches.
pub const OUTBOX_CAPACITY: usize = 2048;

/// The events the widget sent, kept for replay after a re-attach (bounded:
/// the oldest are forgotten first).
#[derive(Debug, Clone, PartialEq)]
pub struct Outbox {
    events: VecDeque<(u64, Value)>,
    next_seq: u64,
    capacity: usize,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox::new()
    }
}

impl Outbox {
    /// An empty outbox of [`OUTBOX_CAPACITY`] whose first event gets `seq` 1.
    pub fn new() -> Self {
        Outbox::with_capacity(OUTBOX_CAPACITY)
    }

    /// An empty outbox keeping at most `capacity` events (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        Outbox {
            events: VecDeque::new(),
            next_seq: 1,
            capacity: capacity.max(1),
        }
    }

    /// Restores an outbox (e.g. from session storage after a reload); events
    /// out of order or not below `next_seq` are dropped.
    pub fn restore(capacity: usize, next_seq: u64, events: Vec<(u64, Value)>) -> Self {
        let mut outbox = Outbox::with_capacity(capacity);
        outbox.next_seq = next_seq.max(1);
        let mut last = 0;
        for (seq, event) in events {
            if seq > last && seq < outbox.next_seq {
                last = seq;
                outbox.events.push_back((seq, event));
            }
        }
        while outbox.events.len() > outbox.capacity {
            outbox.events.pop_front();
        }
        outbox
    }

    /// Records an event; returns its `seq`.
    pub fn push(&mut self, event: Value) -> u64 {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        if self.events.len() >= self.capacity {
            self.events.pop_front();
        }
        self.events.push_back((seq, event));
        seq
    }

    /// The last `seq` issued (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.next_seq.saturating_sub(1)
    }

    /// The `seq` the next event gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Renumbers the kept events to follow `last_seq` (a fresh widget whose
    /// events nobody has seen yet continues the numbering of the host it joins).
    pub fn rebase(&mut self, last_seq: u64) {
        let mut seq = last_seq;
        for (s, _) in self.events.iter_mut() {
            seq = seq.saturating_add(1);
            *s = seq;
        }
        self.next_seq = seq.saturating_add(1);
    }

    /// The newest event.
    pub fn last(&self) -> Option<&(u64, Value)> {
        self.events.back()
    }

    /// Events after `seq`, in order (what a re-attaching host has not seen).
    pub fn since(&self, seq: u64) -> impl Iterator<Item = &(u64, Value)> {
        self.events.iter().filter(move |(s, _)| *s > seq)
    }

    /// The events after `seq` that were issued but are no longer kept, as an
    /// inclusive range `(from, to)`: what a host resuming from `seq` missed.
    pub fn gap_after(&self, seq: u64) -> Option<(u64, u64)> {
        let first_kept = self
            .events
            .front()
            .map_or(self.next_seq, |(first, _)| *first);
        let from = seq.saturating_add(1);
        (first_kept > from && from < self.next_seq).then(|| (from, first_kept - 1))
    }

    /// All kept events, for persisting.
    pub fn events(&self) -> impl Iterator<Item = &(u64, Value)> {
        self.events.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn outbox_replays_what_the_host_missed_and_stays_bounded() {
        let mut outbox = Outbox::new();
        for i in 0..5 {
            assert_eq!(outbox.push(json!(i)), i + 1);
        }
        let missed: Vec<u64> = outbox.since(3).map(|(s, _)| *s).collect();
        assert_eq!(missed, [4, 5]);
        assert_eq!(outbox.gap_after(0), None);
        for i in 0..OUTBOX_CAPACITY as u64 {
            outbox.push(json!(i));
        }
        assert_eq!(outbox.events().count(), OUTBOX_CAPACITY);
        assert_eq!(outbox.gap_after(0), Some((1, 5)));
        assert_eq!(outbox.gap_after(4), Some((5, 5)));
        assert_eq!(outbox.gap_after(5), None);
        assert_eq!(outbox.last_seq(), 5 + OUTBOX_CAPACITY as u64);
        let restored = Outbox::restore(
            OUTBOX_CAPACITY,
            outbox.next_seq(),
            outbox.events().cloned().collect(),
        );
        assert_eq!(restored, outbox);
    }

    #[test]
    fn a_gap_is_what_was_issued_and_forgotten() {
        let mut outbox = Outbox::with_capacity(2);
        assert_eq!(outbox.gap_after(0), None, "nothing issued yet");
        for i in 0..5 {
            outbox.push(json!(i));
        }
        // Kept: 4 and 5; 1..=3 are gone.
        assert_eq!(outbox.gap_after(0), Some((1, 3)));
        assert_eq!(outbox.gap_after(2), Some((3, 3)));
        assert_eq!(outbox.gap_after(3), None);
        assert_eq!(
            outbox.gap_after(9),
            None,
            "a host ahead of us misses nothing here"
        );
        // Restored with fewer events than were issued (only some persisted).
        let restored = Outbox::restore(2, 6, vec![(5, json!(4))]);
        assert_eq!(restored.gap_after(2), Some((3, 4)));
        let empty = Outbox::restore(2, 6, vec![]);
        assert_eq!(empty.gap_after(2), Some((3, 5)));
    }

    #[test]
    fn restore_drops_events_out_of_order_or_from_the_future() {
        let restored = Outbox::restore(
            8,
            4,
            vec![(2, json!(2)), (1, json!(1)), (3, json!(3)), (9, json!(9))],
        );
        let seqs: Vec<u64> = restored.events().map(|(s, _)| *s).collect();
        assert_eq!(seqs, [2, 3]);
    }

    #[test]
    fn a_fresh_outbox_continues_the_hosts_numbering() {
        let mut outbox = Outbox::new();
        outbox.push(json!({"kind": "presence"}));
        outbox.push(json!({"kind": "agentState"}));
        outbox.rebase(40);
        let seqs: Vec<(u64, Value)> = outbox.since(0).cloned().collect();
        assert_eq!(seqs[0], (41, json!({"kind": "presence"})));
        assert_eq!(seqs[1].0, 42);
        assert_eq!(outbox.push(json!({})), 43);
    }
}
