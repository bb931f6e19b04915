//! A map from counter-issued ids (`u64`) to values: open addressing with linear probing, looked up
//! in a few nanoseconds, its order never exposed (iteration is in id order, by sorting).
//!
//! The engine looks a live task up by id on every step of its lifecycle; a `BTreeMap` of a few
//! thousand tasks spent a sixth of a large run's time there. `HashMap` is banned (its iteration
//! order changes from run to run); this table has none to leak: `iter` sorts.

/// Multiplies by 2^64 / phi: consecutive ids land far apart.
const SPREAD: u64 = 0x9E37_79B9_7F4A_7C15;

/// A map from `u64` ids to values with O(1) expected lookup, insertion and removal.
///
/// The values live side by side in `entries`; the probed table holds only ids and positions, so
/// a probe reads 16-byte slots however large the value is, and growing moves no value.
#[derive(Clone, Debug)]
pub struct IdMap<V> {
    /// Power-of-two many slots: an id and its position in `entries`; `None` is empty.
    slots: Vec<Option<(u64, u32)>>,
    /// The ids and values, in no particular order (a removal moves the last one into its place).
    entries: Vec<(u64, V)>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap::new()
    }
}

impl<V> IdMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        IdMap {
            slots: vec![None; 8],
            entries: Vec::new(),
        }
    }

    /// Entries in the map.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    fn home(&self, id: u64) -> usize {
        (id.wrapping_mul(SPREAD) >> 32) as usize & self.mask()
    }

    /// The slot holding `id`, if any.
    fn find(&self, id: u64) -> Option<usize> {
        let mut at = self.home(id);
        loop {
            match self.slots[at] {
                None => return None,
                Some((k, _)) if k == id => return Some(at),
                Some(_) => at = (at + 1) & self.mask(),
            }
        }
    }

    /// The position in `entries` of `id`, if present.
    fn position(&self, id: u64) -> Option<usize> {
        self.find(id).and_then(|at| self.slots[at]).map(|(_, p)| p as usize)
    }

    /// The value of `id`.
    pub fn get(&self, id: u64) -> Option<&V> {
        self.position(id).map(|p| &self.entries[p].1)
    }

    /// The value of `id`, mutably.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut V> {
        let p = self.position(id)?;
        Some(&mut self.entries[p].1)
    }

    /// Sets the value of `id`; returns the one it replaces.
    pub fn insert(&mut self, id: u64, value: V) -> Option<V> {
        if let Some(p) = self.position(id) {
            return Some(std::mem::replace(&mut self.entries[p].1, value));
        }
        // At most half full, so probes stay short.
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let position = u32::try_from(self.entries.len()).expect("fewer than 2^32 live ids");
        self.entries.push((id, value));
        let mut at = self.home(id);
        while self.slots[at].is_some() {
            at = (at + 1) & self.mask();
        }
        self.slots[at] = Some((id, position));
        None
    }

    /// Removes `id`; returns its value. Later entries of the probe run move back into the gap,
    /// so lookups never need tombstones.
    pub fn remove(&mut self, id: u64) -> Option<V> {
        let mut gap = self.find(id)?;
        let (_, position) = self.slots[gap].take()?;
        let mut at = gap;
        loop {
            at = (at + 1) & self.mask();
            let Some((k, _)) = self.slots[at] else { break };
            let home = self.home(k);
            // The entry may fill the gap if its home is not cyclically in (gap, at].
            let stays = if gap <= at {
                gap < home && home <= at
            } else {
                gap < home || home <= at
            };
            if !stays {
                self.slots[gap] = self.slots[at].take();
                gap = at;
            }
        }
        let position = position as usize;
        let (_, value) = self.entries.swap_remove(position);
        // The entry that was last now sits at `position`: point its slot there.
        if let Some(&(moved, _)) = self.entries.get(position) {
            let at = self.find(moved).expect("every entry has a slot");
            self.slots[at] = Some((moved, position as u32));
        }
        Some(value)
    }

    fn grow(&mut self) {
        self.slots = vec![None; self.slots.len() * 2];
        for (position, (k, _)) in self.entries.iter().enumerate() {
            let mut at = self.home(*k);
            while self.slots[at].is_some() {
                at = (at + 1) & self.mask();
            }
            self.slots[at] = Some((*k, position as u32));
        }
    }

    /// Ids and values in id order (sorts: for end-of-run and checks, not hot paths).
    pub fn iter(&self) -> impl Iterator<Item = (u64, &V)> {
        let mut all: Vec<(u64, &V)> = self.entries.iter().map(|(k, v)| (*k, v)).collect();
        all.sort_unstable_by_key(|(k, _)| *k);
        all.into_iter()
    }

    /// The entries `keep` accepts, in id order: sorts only those, so picking a few out of many
    /// costs a pass and a small sort, not a sort of the whole table.
    pub fn iter_where(&self, mut keep: impl FnMut(&V) -> bool) -> impl Iterator<Item = (u64, &V)> {
        let mut kept: Vec<(u64, &V)> = self
            .entries
            .iter()
            .filter(|(_, v)| keep(v))
            .map(|(k, v)| (*k, v))
            .collect();
        kept.sort_unstable_by_key(|(k, _)| *k);
        kept.into_iter()
    }

    /// How many entries `keep` accepts (a count has no order to leak).
    pub fn count_where(&self, mut keep: impl FnMut(&V) -> bool) -> usize {
        self.entries.iter().filter(|(_, v)| keep(v)).count()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn agrees_with_a_btreemap_under_random_inserts_and_removes() {
        let mut rng = ChaCha8Rng::seed_from_u64(13);
        let mut map = IdMap::new();
        let mut reference = BTreeMap::new();
        let mut next = 1u64;
        for step in 0..200_000u32 {
            if rng.random_range(0..100) < 55 || reference.is_empty() {
                assert_eq!(map.insert(next, step), None);
                reference.insert(next, step);
                next += 1;
            } else {
                // Remove a random live id, old or new, as tasks stop in any order.
                let id = rng.random_range(1..next);
                assert_eq!(map.remove(id), reference.remove(&id), "step {step} id {id}");
            }
            if step % 1000 == 0 {
                let probe = rng.random_range(1..next + 5);
                assert_eq!(map.get(probe), reference.get(&probe));
            }
        }
        assert_eq!(map.len(), reference.len());
        let ours: Vec<(u64, u32)> = map.iter().map(|(k, v)| (k, *v)).collect();
        let theirs: Vec<(u64, u32)> = reference.into_iter().collect();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn iter_where_is_in_id_order_and_count_where_agrees() {
        let mut map = IdMap::new();
        for id in 1..=300u64 {
            map.insert(id, id % 7);
        }
        // Removals move entries around inside the table; the filtered view must not show it.
        for id in (1..=300u64).step_by(5) {
            map.remove(id);
        }
        let kept: Vec<u64> = map.iter_where(|v| *v == 3).map(|(k, _)| k).collect();
        let expected: Vec<u64> = (1..=300u64).filter(|id| id % 5 != 1 && id % 7 == 3).collect();
        assert_eq!(kept, expected);
        assert_eq!(map.count_where(|v| *v == 3), expected.len());
        assert_eq!(map.count_where(|_| true), map.len());
    }

    #[test]
    fn insert_replaces_and_get_mut_writes() {
        let mut map = IdMap::new();
        assert_eq!(map.insert(7, "a"), None);
        assert_eq!(map.insert(7, "b"), Some("a"));
        *map.get_mut(7).expect("present") = "c";
        assert_eq!(map.get(7), Some(&"c"));
        assert_eq!(map.len(), 1);
        assert_eq!(map.remove(7), Some("c"));
        assert!(map.is_empty() && map.get(7).is_none() && map.remove(7).is_none());
    }
}
