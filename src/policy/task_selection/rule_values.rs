//! `RuleValues`: one number per placement strategy rule, held inline (a service has at most
//! `MAX_STRATEGY_RULES` rules), so ranking thousands of stop candidates allocates nothing per task.

use std::ops::{Deref, DerefMut};

use crate::policy::placement::MAX_STRATEGY_RULES;

/// Up to `MAX_STRATEGY_RULES` numbers, read as a slice of the ones pushed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuleValues {
    len: u8,
    values: [u64; MAX_STRATEGY_RULES],
}

impl RuleValues {
    /// Appends a value; a service never has more rules than the array holds (the scenario
    /// reader refuses more), so a further value is a programming error.
    pub fn push(&mut self, value: u64) {
        assert!(
            (self.len as usize) < MAX_STRATEGY_RULES,
            "at most {MAX_STRATEGY_RULES} placement strategy rules"
        );
        self.values[self.len as usize] = value;
        self.len += 1;
    }
}

impl Deref for RuleValues {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        &self.values[..self.len as usize]
    }
}

impl DerefMut for RuleValues {
    fn deref_mut(&mut self) -> &mut [u64] {
        &mut self.values[..self.len as usize]
    }
}

impl From<&[u64]> for RuleValues {
    fn from(values: &[u64]) -> Self {
        let mut v = RuleValues::default();
        values.iter().for_each(|x| v.push(*x));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_was_pushed() {
        let mut v = RuleValues::default();
        assert!(v.is_empty());
        v.push(7);
        v.push(3);
        assert_eq!(&*v, &[7, 3]);
        v[1] += 1;
        assert_eq!(&*v, &[7, 4]);
        assert_eq!(RuleValues::from(&[1u64, 2, 3][..]).len(), 3);
    }

    #[test]
    #[should_panic(expected = "at most 5")]
    fn refuses_more_values_than_rules_a_service_may_have() {
        let _ = RuleValues::from(&[0u64; MAX_STRATEGY_RULES + 1][..]);
    }
}
