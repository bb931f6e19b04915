//! Node taints and pod tolerations.

/// What a taint does to pods that do not tolerate it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaintEffect {
    /// New pods are not scheduled on the node.
    NoSchedule,
    /// The scheduler prefers other nodes.
    PreferNoSchedule,
    /// New pods are not scheduled and running pods are evicted.
    NoExecute,
}

/// A node taint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    /// The taint key.
    pub key: String,
    /// The taint value (may be empty).
    pub value: String,
    /// Its effect.
    pub effect: TaintEffect,
}

/// How a toleration compares its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TolerationOperator {
    /// The taint's value must equal the toleration's (default).
    Equal,
    /// Any value (with an empty key: any taint).
    Exists,
}

/// A pod toleration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toleration {
    /// The taint key; `None` with `Exists` tolerates every taint.
    pub key: Option<String>,
    /// How the value is compared.
    pub operator: TolerationOperator,
    /// The value compared with `Equal`.
    pub value: String,
    /// The effect tolerated; `None` tolerates every effect.
    pub effect: Option<TaintEffect>,
    /// With `NoExecute`: how long the pod stays after the taint appears; `None` = forever.
    pub toleration_seconds: Option<u64>,
}

impl Toleration {
    /// Whether this toleration tolerates `taint`.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if self.effect.is_some_and(|e| e != taint.effect) {
            return false;
        }
        match (&self.key, self.operator) {
            (None, TolerationOperator::Exists) => true,
            (None, TolerationOperator::Equal) => false,
            (Some(k), _) if *k != taint.key => false,
            (Some(_), TolerationOperator::Exists) => true,
            (Some(_), TolerationOperator::Equal) => self.value == taint.value,
        }
    }
}

/// Whether some toleration of `tolerations` tolerates `taint`.
pub fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| t.tolerates(taint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: TaintEffect) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect,
        }
    }

    fn toleration(key: Option<&str>, op: TolerationOperator, value: &str, effect: Option<TaintEffect>) -> Toleration {
        Toleration {
            key: key.map(str::to_string),
            operator: op,
            value: value.into(),
            effect,
            toleration_seconds: None,
        }
    }

    #[test]
    fn tolerations_match_key_value_and_effect() {
        let gpu = taint("nvidia.com/gpu", "true", TaintEffect::NoSchedule);
        use TolerationOperator::{Equal, Exists};
        assert!(toleration(Some("nvidia.com/gpu"), Equal, "true", None).tolerates(&gpu));
        assert!(!toleration(Some("nvidia.com/gpu"), Equal, "false", None).tolerates(&gpu));
        assert!(toleration(Some("nvidia.com/gpu"), Exists, "", None).tolerates(&gpu));
        assert!(!toleration(Some("nvidia.com/gpu"), Exists, "", Some(TaintEffect::NoExecute)).tolerates(&gpu));
        assert!(toleration(None, Exists, "", None).tolerates(&gpu));
        assert!(!tolerated(&[], &gpu));
    }
}
