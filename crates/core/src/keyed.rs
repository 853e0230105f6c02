//! [`Keyed`]: a small map from text ids to values, kept as a sorted `Vec`.
//!
//! The engines track a bounded number of open items by id (work items,
//! interactions, contacts: a few at a time, at most a few hundred). A
//! `BTreeMap` costs its node code once per value type (2-12 KB of wasm
//! each, bench/README.md); a sorted `Vec` searched by halves costs a few
//! hundred bytes and iterates in the same (key) order. [`Counts`] is the
//! same for counters (`{"axp": 3}`), serialized as a map in key order;
//! [`Ids`] for numeric request and command ids (instead of a `HashMap`).

use crate::json_write::{JsonKey, JsonWriter, ToJson};
use std::borrow::Borrow;

/// A map from keys to values, kept as a `Vec` sorted by key and searched by
/// halves: [`Keyed`] (text ids) and [`Ids`] (numeric ids) are its two uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sorted<K, V>(Vec<(K, V)>);

/// A map from `String` ids to `V`, in key order.
pub type Keyed<V> = Sorted<String, V>;

/// A map from numeric ids (request and command ids) to `V`, in id order:
/// the few requests in flight at a time. A `HashMap` costs its table code,
/// SipHash and a random seed per build (~5 KB of wasm), and iterates in no
/// fixed order.
pub type Ids<V> = Sorted<u64, V>;

impl<K, V> Default for Sorted<K, V> {
    fn default() -> Self {
        Sorted(Vec::new())
    }
}

impl<K: Ord, V> Sorted<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Sorted(Vec::new())
    }

    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `key` has an entry.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.0.get_mut(i).map(|(_, v)| v)
    }

    /// Sets `key` to `value`; the previous value if there was one.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self.0.get_mut(i).map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserted by `make` when absent.
    pub fn get_or_insert_with<Q>(&mut self, key: &Q, make: impl FnOnce() -> V) -> &mut V
    where
        K: Borrow<Q>,
        Q: Ord + ToOwned<Owned = K> + ?Sized,
    {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key.to_owned(), make()));
                i
            }
        };
        // `i` is in bounds: found, or just inserted there.
        &mut self.0[i].1
    }

    /// Takes `key`'s value out.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(self.0.remove(i).1)
    }

    /// Takes the entry with the smallest key out.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }

    /// Takes every entry out, in key order.
    pub fn take_all(&mut self) -> Vec<(K, V)> {
        std::mem::take(&mut self.0)
    }

    /// Keeps the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// The values, in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }
}

/// Counters by key, in key order; serialized as a JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts<K>(Vec<(K, u64)>);

impl<K> Default for Counts<K> {
    fn default() -> Self {
        Counts(Vec::new())
    }
}

impl<K: Ord + Copy> Counts<K> {
    /// Adds one to `key`'s count.
    pub fn bump(&mut self, key: K) {
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => {
                if let Some((_, n)) = self.0.get_mut(i) {
                    *n += 1;
                }
            }
            Err(i) => self.0.insert(i, (key, 1)),
        }
    }

    /// `key`'s count (0 when never counted).
    pub fn get(&self, key: K) -> u64 {
        self.0
            .binary_search_by(|(k, _)| k.cmp(&key))
            .ok()
            .and_then(|i| self.0.get(i))
            .map_or(0, |(_, n)| *n)
    }

    /// The counts, in key order.
    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.iter().map(|(_, n)| *n)
    }
}

impl<K: JsonKey> ToJson for Counts<K> {
    fn write_json(&self, w: &mut JsonWriter) {
        w.object(|o| {
            for (k, n) in &self.0 {
                o.field(k.json_key(), n);
            }
        });
    }
}

#[cfg(any(test, feature = "ts"))]
impl<K: serde::Serialize> serde::Serialize for Counts<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, n)| (k, n)))
    }
}

#[cfg(test)]
mod tests {
    use super::{Counts, Ids, Keyed};

    #[test]
    fn ids_keep_entries_in_id_order() {
        let mut m = Ids::new();
        assert!(m.is_empty());
        for (k, v) in [(7, "g"), (2, "b"), (9, "i")] {
            assert_eq!(m.insert(k, v), None);
        }
        assert_eq!(m.insert(2, "B"), Some("b"));
        assert_eq!((m.len(), m.get(&2), m.get(&3)), (3, Some(&"B"), None));
        assert_eq!(m.remove(&7), Some("g"));
        assert_eq!(m.remove(&7), None);
        assert_eq!(m.take_all(), [(2, "B"), (9, "i")]);
        assert!(m.is_empty());
    }

    #[test]
    fn counts_serialize_as_an_object_in_key_order() {
        let mut c = Counts::default();
        for key in ["parse", "axp.shape", "parse", "agent"] {
            c.bump(key);
        }
        assert_eq!((c.get("parse"), c.get("none")), (2, 0));
        assert_eq!(c.values().sum::<u64>(), 4);
        assert_eq!(
            crate::json_write::to_string(&c),
            r#"{"agent":1,"axp.shape":1,"parse":2}"#
        );
    }

    #[test]
    fn keeps_keys_in_order_like_a_btree_map() {
        let mut m = Keyed::new();
        assert!(m.is_empty());
        for (k, v) in [("b", 2), ("a", 1), ("c", 3)] {
            assert_eq!(m.insert(k.to_owned(), v), None);
        }
        assert_eq!(m.insert("b".to_owned(), 20), Some(2));
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [1, 20, 3]);
        assert!(m.contains_key("c") && !m.contains_key("d"));
        *m.get_or_insert_with("d", || 0) += 4;
        *m.get_or_insert_with("a", || 0) += 10;
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [11, 20, 3, 4]);
        if let Some(v) = m.get_mut("c") {
            *v = 30;
        }
        assert_eq!((m.get("c"), m.get("x")), (Some(&30), None));
        assert_eq!(m.get_mut("x"), None);
        assert_eq!(m.remove("b"), Some(20));
        assert_eq!(m.remove("b"), None);
        assert_eq!(m.pop_first(), Some(("a".to_owned(), 11)));
        m.retain(|k, v| k != "d" && *v > 0);
        assert_eq!(m.len(), 1);
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [30]);
        assert_eq!(m.pop_first(), Some(("c".to_owned(), 30)));
        assert_eq!(m.pop_first(), None);
    }
}
