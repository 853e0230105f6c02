//! The widget's bounded outbox of sent events, replayed to a host that
//! re-attaches, and the gaps a host is told about when it resumes from
//! events the outbox does not hold.
//!
//! Each event is kept as its JSON text ([`EventText`]), written once when it
//! enters the outbox: the port message, a replay and the saved session copy
//! that text instead of writing the event again.

use crate::json_write::{self, Checked, JsonWriter, ToJson};
use serde_json::Value;
use std::collections::VecDeque;

/// One event as JSON text, written once ([`EventText::of`]) and copied as it
/// is into port messages, replays and saved sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventText(Box<str>);

impl EventText {
    /// `event` written as JSON text.
    pub fn of<T: Checked + ?Sized>(event: &T) -> EventText {
        EventText(json_write::to_string(event).into_boxed_str())
    }

    /// `event` written as JSON text through `scratch`, a buffer kept from
    /// one event to the next: the text is allocated once, at its size.
    pub fn of_via<T: ToJson + ?Sized>(event: &T, scratch: &mut String) -> EventText {
        scratch.clear();
        json_write::write_to(scratch, event);
        EventText(Box::from(scratch.as_str()))
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The event parsed back into a value (for the few readers that look
    /// inside: a multi-tab leader, the trace); `null` if it is not JSON
    /// within the core's limits, which the widget's own writer never gives.
    pub fn to_value(&self) -> Value {
        crate::json_parse::parse(&self.0).unwrap_or(Value::Null)
    }

    /// The port message `{"t":"event","seq":…,"event":…}` carrying it (the
    /// text of `WidgetMessage::Event`, assembled without writing the event again).
    pub fn message(&self, seq: u64) -> String {
        let mut text = String::with_capacity(MESSAGE_HEAD.len() + 20 + 10 + self.0.len() + 1);
        self.write_message(seq, &mut text);
        text
    }

    /// [`EventText::message`] appended to `out` (a batch being written).
    pub fn write_message(&self, seq: u64, out: &mut String) {
        out.push_str(MESSAGE_HEAD);
        json_write::write_to(out, &seq);
        out.push_str(r#","event":"#);
        out.push_str(&self.0);
        out.push('}');
    }
}

const MESSAGE_HEAD: &str = r#"{"t":"event","seq":"#;

impl ToJson for EventText {
    fn write_json(&self, w: &mut JsonWriter) {
        w.raw(&self.0);
    }
}

/// In tests, serde writes the value the text holds (so that `json_write`'s
/// check against serde_json sees the same JSON; serde_json's value sorts the
/// keys, so that check holds for texts written from a value).
#[cfg(test)]
impl serde::Serialize for EventText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

/// How many sent events the widget keeps for a host that re-attaches.
pub const OUTBOX_CAPACITY: usize = 2048;

/// The events the widget sent, kept for replay after a re-attach (bounded:
/// the oldest are forgotten first).
#[derive(Debug, Clone, PartialEq)]
pub struct Outbox {
    events: VecDeque<(u64, EventText)>,
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
    pub fn restore(capacity: usize, next_seq: u64, events: Vec<(u64, EventText)>) -> Self {
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
    pub fn push(&mut self, event: EventText) -> u64 {
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

    /// Numbers the next event after `last_seq` when that is further on (a
    /// host saw events of this epoch that a restored session did not keep:
    /// they were issued after its last save). Kept events are not renumbered;
    /// the numbers passed over are a gap ([`Outbox::gap_after`]).
    pub fn skip_to(&mut self, last_seq: u64) {
        self.next_seq = self.next_seq.max(last_seq.saturating_add(1));
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
    pub fn last(&self) -> Option<&(u64, EventText)> {
        self.events.back()
    }

    /// Events after `seq`, in order (what a re-attaching host has not seen).
    pub fn since(&self, seq: u64) -> impl Iterator<Item = &(u64, EventText)> {
        self.events.iter().filter(move |(s, _)| *s > seq)
    }

    /// The first numbers after `seq` that were issued but are not kept, as
    /// an inclusive range `(from, to)`: the first gap of a host resuming
    /// from `seq` (the next: `gap_after(to)`, and so on).
    /// Before the oldest kept event: what the outbox forgot or a restored
    /// session did not persist; between kept events (or after the newest):
    /// numbers [`Outbox::skip_to`] passed over, issued by a session that died
    /// after its last save. The kept events' own numbers are the record of
    /// those ranges (bounded with them, saved and restored with them); a
    /// range below the oldest kept event joins the first gap.
    pub fn gap_after(&self, seq: u64) -> Option<(u64, u64)> {
        let mut next = seq.saturating_add(1);
        for (s, _) in &self.events {
            if *s > next {
                return Some((next, s - 1));
            }
            next = next.max(s.saturating_add(1));
        }
        (self.next_seq > next).then(|| (next, self.next_seq - 1))
    }

    /// All kept events, for persisting.
    pub fn events(&self) -> impl Iterator<Item = &(u64, EventText)> {
        self.events.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: Value) -> EventText {
        EventText::of(&value)
    }

    #[test]
    fn outbox_replays_what_the_host_missed_and_stays_bounded() {
        let mut outbox = Outbox::new();
        for i in 0..5 {
            assert_eq!(outbox.push(text(json!(i))), i + 1);
        }
        let missed: Vec<u64> = outbox.since(3).map(|(s, _)| *s).collect();
        assert_eq!(missed, [4, 5]);
        assert_eq!(outbox.gap_after(0), None);
        for i in 0..OUTBOX_CAPACITY as u64 {
            outbox.push(text(json!(i)));
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
            outbox.push(text(json!(i)));
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
        let restored = Outbox::restore(2, 6, vec![(5, text(json!(4)))]);
        assert_eq!(restored.gap_after(2), Some((3, 4)));
        let empty = Outbox::restore(2, 6, vec![]);
        assert_eq!(empty.gap_after(2), Some((3, 5)));
    }

    /// Every gap of a host resuming from `seq`, in order, as the widget
    /// tells them (`gap_after`, then `gap_after(to)` ...).
    fn gaps_after(outbox: &Outbox, seq: u64) -> Vec<(u64, u64)> {
        std::iter::successors(outbox.gap_after(seq), |&(_, to)| outbox.gap_after(to)).collect()
    }

    #[test]
    fn the_numbers_a_restored_session_skipped_are_gaps_until_forgotten() {
        // Saved after 1..=3; the session went on to 7 and died; its host saw 7.
        let saved: Vec<(u64, EventText)> = (1..=3).map(|i| (i, text(json!(i)))).collect();
        let mut outbox = Outbox::restore(6, 4, saved);
        outbox.skip_to(7);
        assert_eq!(gaps_after(&outbox, 0), [(4, 7)]);
        assert_eq!(outbox.push(text(json!(8))), 8);
        // Again: a save after 8, the next session reached 10.
        let mut outbox = Outbox::restore(6, 9, outbox.events().cloned().collect());
        outbox.skip_to(10);
        outbox.push(text(json!(11)));
        outbox.push(text(json!(12)));
        assert_eq!(
            gaps_after(&outbox, 0),
            [(4, 7), (9, 10)],
            "every range, in order"
        );
        assert_eq!(
            gaps_after(&outbox, 5),
            [(6, 7), (9, 10)],
            "from inside a range"
        );
        assert_eq!(gaps_after(&outbox, 7), [(9, 10)]);
        assert_eq!(gaps_after(&outbox, 10), []);
        let seqs = |o: &Outbox, seq| o.since(seq).map(|(s, _)| *s).collect::<Vec<_>>();
        assert_eq!(seqs(&outbox, 0), [1, 2, 3, 8, 11, 12]);
        // Saved and restored: the kept numbers carry the ranges.
        let restored = Outbox::restore(6, outbox.next_seq(), outbox.events().cloned().collect());
        assert_eq!(gaps_after(&restored, 0), [(4, 7), (9, 10)]);
        // The oldest forgotten: a range below the oldest kept joins the first gap.
        for i in 13..=16 {
            outbox.push(text(json!(i)));
        }
        assert_eq!(seqs(&outbox, 0), [11, 12, 13, 14, 15, 16]);
        assert_eq!(gaps_after(&outbox, 0), [(1, 10)]);
        assert_eq!(gaps_after(&outbox, 3), [(4, 10)]);
        // Skipped with nothing after: the gap runs to the last number issued.
        outbox.skip_to(20);
        assert_eq!(gaps_after(&outbox, 16), [(17, 20)]);
        assert_eq!(gaps_after(&outbox, 20), []);
        assert_eq!(gaps_after(&outbox, u64::MAX), []);
    }

    #[test]
    fn restore_drops_events_out_of_order_or_from_the_future() {
        let restored = Outbox::restore(
            8,
            4,
            vec![
                (2, text(json!(2))),
                (1, text(json!(1))),
                (3, text(json!(3))),
                (9, text(json!(9))),
            ],
        );
        let seqs: Vec<u64> = restored.events().map(|(s, _)| *s).collect();
        assert_eq!(seqs, [2, 3]);
    }

    #[test]
    fn a_fresh_outbox_continues_the_hosts_numbering() {
        let mut outbox = Outbox::new();
        outbox.push(text(json!({"kind": "presence"})));
        outbox.push(text(json!({"kind": "agentState"})));
        outbox.rebase(40);
        let seqs: Vec<(u64, EventText)> = outbox.since(0).cloned().collect();
        assert_eq!(seqs[0], (41, text(json!({"kind": "presence"}))));
        assert_eq!(seqs[1].0, 42);
        assert_eq!(outbox.push(text(json!({}))), 43);
    }

    #[test]
    fn an_event_is_written_once_and_copied_into_its_message() {
        let event = json!({"kind": "agentState", "detail": "caf\u{e9} \"x\"", "n": [1.5, -2]});
        let kept = text(event.clone());
        assert_eq!(kept.as_str(), serde_json::to_string(&event).unwrap());
        assert_eq!(kept.to_value(), event);
        for seq in [0, 7, u64::MAX] {
            assert_eq!(
                kept.message(seq),
                json_write::to_string(&crate::channel::WidgetMessage::Event { seq, event: &event })
            );
        }
        // Inside other JSON (a saved session), as text and as a value.
        let pair = (3u64, kept);
        assert_eq!(
            json_write::to_string(&pair),
            format!("[3,{}]", pair.1.as_str())
        );
        assert_eq!(json_write::to_value(&pair), json!([3, event]));
    }
}
