//! The event log both simulators deliver from.
//!
//! Scenario and feed events are appended to a per-protocol [`Log`]; every
//! receiver (an AXP subscription, a xuc user) keeps a cursor into it and
//! moves it only after a frame was written to its socket. A receiver that
//! appears later starts at the furthest point any receiver reached, so
//! events that no client has received yet (because every socket was down)
//! are delivered to the next one instead of being lost.

use std::collections::VecDeque;

/// Most entries kept; older ones are forgotten (cursors past them skip ahead).
const CAPACITY: usize = 100_000;

/// An append-only list of events with absolute indexes.
#[derive(Debug)]
pub struct Log<T> {
    items: VecDeque<T>,
    /// Absolute index of `items[0]`.
    base: usize,
    /// One past the furthest index delivered to any receiver.
    delivered: usize,
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log {
            items: VecDeque::new(),
            base: 0,
            delivered: 0,
        }
    }
}

impl<T> Log<T> {
    /// Appends an event; returns its index.
    pub fn push(&mut self, item: T) -> usize {
        self.items.push_back(item);
        if self.items.len() > CAPACITY {
            self.items.pop_front();
            self.base += 1;
        }
        self.end() - 1
    }

    /// One past the last index.
    pub fn end(&self) -> usize {
        self.base + self.items.len()
    }

    /// The event at absolute index `i`, if still kept.
    pub fn get(&self, i: usize) -> Option<&T> {
        i.checked_sub(self.base).and_then(|k| self.items.get(k))
    }

    /// Where a new receiver starts: after everything some receiver got.
    pub fn start_cursor(&self) -> usize {
        self.delivered.max(self.base)
    }

    /// Records that index `i` reached a receiver.
    pub fn mark_delivered(&mut self, i: usize) {
        self.delivered = self.delivered.max(i + 1);
    }

    /// Events no receiver has had yet.
    pub fn undelivered(&self) -> usize {
        self.end().saturating_sub(self.start_cursor())
    }

    /// The first index at or after `cursor` whose event satisfies `wanted`
    /// (a cursor before the kept range skips to its start).
    pub fn next_from(&self, cursor: usize, wanted: impl Fn(&T) -> bool) -> Option<(usize, &T)> {
        let from = cursor.max(self.base);
        (from..self.end()).find_map(|i| self.get(i).filter(|t| wanted(t)).map(|t| (i, t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_receivers_start_after_what_was_delivered() {
        let mut log = Log::default();
        for i in 0..5 {
            log.push(i);
        }
        assert_eq!(log.start_cursor(), 0);
        log.mark_delivered(1);
        assert_eq!(log.start_cursor(), 2);
        assert_eq!(log.undelivered(), 3);
        assert_eq!(log.next_from(2, |v| v % 2 == 0), Some((2, &2)));
        assert_eq!(log.next_from(3, |v| v % 2 == 0), Some((4, &4)));
        assert_eq!(log.next_from(5, |_| true), None);
    }
}
