//! A map from counter-issued ids (`u64`) to values: open addressing with linear probing, looked up
//! in a few nanoseconds, its order never exposed (iteration is in id order, by sorting).
//!
//! The engine looks a live task up by id on every step of its lifecycle; a `BTreeMap` of a few
//! thousand tasks spent a sixth of a large run's time there. `HashMap` is banned (its iteration
//! order changes from run to run); this table has none to leak: `iter` sorts.

/// Multiplies by 2^64 / phi: consecutive ids land far apart.
const SPREAD: u64 = 0x9E37_79B9_7F4A_7C15;

/// A map from `u64` ids to values with O(1) expected lookup, insertion and removal.
#[derive(Clone, Debug)]
pub struct IdMap<V> {
    /// Power-of-two many slots; `None` is empty.
    slots: Vec<Option<(u64, V)>>,
    len: usize,
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
            slots: (0..8).map(|_| None).collect(),
            len: 0,
        }
    }

    /// Entries in the map.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.len == 0
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
            match &self.slots[at] {
                None => return None,
                Some((k, _)) if *k == id => return Some(at),
                Some(_) => at = (at + 1) & self.mask(),
            }
        }
    }

    /// The value of `id`.
    pub fn get(&self, id: u64) -> Option<&V> {
        self.find(id).and_then(|at| self.slots[at].as_ref()).map(|(_, v)| v)
    }

    /// The value of `id`, mutably.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut V> {
        let at = self.find(id)?;
        self.slots[at].as_mut().map(|(_, v)| v)
    }

    /// Sets the value of `id`; returns the one it replaces.
    pub fn insert(&mut self, id: u64, value: V) -> Option<V> {
        if let Some(at) = self.find(id) {
            let old = self.slots[at].replace((id, value));
            return old.map(|(_, v)| v);
        }
        // At most half full, so probes stay short.
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mut at = self.home(id);
        while self.slots[at].is_some() {
            at = (at + 1) & self.mask();
        }
        self.slots[at] = Some((id, value));
        self.len += 1;
        None
    }

    /// Removes `id`; returns its value. Later entries of the probe run move back into the gap,
    /// so lookups never need tombstones.
    pub fn remove(&mut self, id: u64) -> Option<V> {
        let mut gap = self.find(id)?;
        let (_, value) = self.slots[gap].take()?;
        self.len -= 1;
        let mut at = gap;
        loop {
            at = (at + 1) & self.mask();
            let Some((k, _)) = &self.slots[at] else { break };
            let home = self.home(*k);
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
        Some(value)
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = (0..old.len() * 2).map(|_| None).collect();
        for (k, v) in old.into_iter().flatten() {
            let mut at = self.home(k);
            while self.slots[at].is_some() {
                at = (at + 1) & self.mask();
            }
            self.slots[at] = Some((k, v));
        }
    }

    /// Ids and values in id order (sorts: for end-of-run and checks, not hot paths).
    pub fn iter(&self) -> impl Iterator<Item = (u64, &V)> {
        let mut all: Vec<(u64, &V)> = self.slots.iter().flatten().map(|(k, v)| (*k, v)).collect();
        all.sort_unstable_by_key(|(k, _)| *k);
        all.into_iter()
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
