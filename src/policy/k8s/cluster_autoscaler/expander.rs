//! Cluster Autoscaler's expanders: which node group's estimate to act on (k8s-semantics 5.2,
//! step 4; W33).

use std::cmp::Ordering;

use rand::RngExt;

use crate::model::k8s::PodResources;

/// `--expander`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Expander {
    /// The least idle CPU and memory on the new nodes (the default); ties at random.
    #[default]
    LeastWaste,
    /// The most pending pods scheduled; ties at random.
    MostPods,
    /// Any option, at random.
    Random,
}

/// One node group's way to help the pending pods: its estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpansionOption {
    /// The node group.
    pub group: usize,
    /// New nodes the estimate needs.
    pub nodes: u32,
    /// Pending pods those nodes take.
    pub pods: usize,
    /// The sum of those pods' requests.
    pub requested: PodResources,
    /// Allocatable of one new node.
    pub node_allocatable: PodResources,
}

impl ExpansionOption {
    /// Allocatable of all the new nodes.
    pub fn available(&self) -> PodResources {
        PodResources {
            cpu_milli: self.node_allocatable.cpu_milli * u64::from(self.nodes),
            memory_mib: self.node_allocatable.memory_mib * u64::from(self.nodes),
        }
    }

    /// least-waste's score, `(avail cpu - req cpu) / avail cpu + (avail mem - req mem) / avail
    /// mem`, for messages (the choice compares exactly, in integers).
    pub fn waste(&self) -> f64 {
        let available = self.available();
        let idle = |avail: u64, requested: u64| {
            if avail == 0 {
                1.0
            } else {
                avail.saturating_sub(requested) as f64 / avail as f64
            }
        };
        idle(available.cpu_milli, self.requested.cpu_milli) + idle(available.memory_mib, self.requested.memory_mib)
    }
}

/// Index into `options` of the option the expander picks; `None` when there is none. `rng` is
/// drawn from only when more than one option ties (or by `Random` with more than one).
pub fn choose_option(options: &[ExpansionOption], expander: Expander, rng: &mut impl rand::Rng) -> Option<usize> {
    let best: Vec<usize> = match expander {
        Expander::LeastWaste => best_by(options, compare_used_share),
        Expander::MostPods => best_by(options, |a, b| a.pods.cmp(&b.pods)),
        Expander::Random => (0..options.len()).collect(),
    };
    match best.len() {
        0 => None,
        1 => Some(best[0]),
        n => Some(best[rng.random_range(0..n)]),
    }
}

/// The indices of the options that `better` ranks highest (all of them when they tie).
fn best_by(options: &[ExpansionOption], better: impl Fn(&ExpansionOption, &ExpansionOption) -> Ordering) -> Vec<usize> {
    let mut best: Vec<usize> = Vec::new();
    for (i, option) in options.iter().enumerate() {
        match best.first().map(|&b| better(option, &options[b])) {
            None | Some(Ordering::Equal) => best.push(i),
            Some(Ordering::Greater) => {
                best.clear();
                best.push(i);
            }
            Some(Ordering::Less) => {}
        }
    }
    best
}

/// Least waste is the largest used share `req cpu / avail cpu + req mem / avail mem`; as
/// fractions `(rc*AM + rm*AC) / (AC*AM)` compared by cross-multiplying, so equal shares tie
/// exactly. An amount with nothing available counts as unused.
fn compare_used_share(a: &ExpansionOption, b: &ExpansionOption) -> Ordering {
    let fraction = |o: &ExpansionOption| {
        let available = o.available();
        let (rc, ac) = used(o.requested.cpu_milli, available.cpu_milli);
        let (rm, am) = used(o.requested.memory_mib, available.memory_mib);
        (rc * am + rm * ac, ac * am)
    };
    let (na, da) = fraction(a);
    let (nb, db) = fraction(b);
    (na * db).cmp(&(nb * da))
}

fn used(requested: u64, available: u64) -> (u128, u128) {
    if available == 0 {
        (0, 1)
    } else {
        (u128::from(requested.min(available)), u128::from(available))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn option(group: usize, nodes: u32, pods: usize, requested: (u64, u64), node: (u64, u64)) -> ExpansionOption {
        ExpansionOption {
            group,
            nodes,
            pods,
            requested: PodResources {
                cpu_milli: requested.0,
                memory_mib: requested.1,
            },
            node_allocatable: PodResources {
                cpu_milli: node.0,
                memory_mib: node.1,
            },
        }
    }

    /// k8s-semantics W33: 6 pods x (500m, 1024 MiB) need one node of either group.
    fn w33() -> [ExpansionOption; 2] {
        [
            option(0, 1, 6, (3000, 6144), (4000, 16_384)),
            option(1, 1, 6, (3000, 6144), (8000, 32_768)),
        ]
    }

    #[track_caller]
    fn check(options: &[ExpansionOption], expander: Expander, expected: Option<usize>) {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(choose_option(options, expander, &mut rng), expected, "{expander:?}");
    }

    #[test]
    fn w33_least_waste_expander() {
        let [a, b] = w33();
        // Waste A = 1000/4000 + 10240/16384 = 0.875; B = 5000/8000 + 26624/32768 = 1.4375.
        assert_eq!(a.waste(), 0.875);
        assert_eq!(b.waste(), 1.4375);
        check(&w33(), Expander::LeastWaste, Some(0));
        check(&[b, a], Expander::LeastWaste, Some(1));
    }

    #[test]
    fn most_pods_and_empty_lists() {
        let fewer = option(0, 1, 3, (1500, 3072), (4000, 16_384));
        let more = option(1, 2, 9, (4500, 9216), (8000, 32_768));
        check(&[fewer, more], Expander::MostPods, Some(1));
        // least-waste prefers the fuller nodes even with fewer pods: 0.375 + 0.1875 used against
        // 0.28125 + 0.140625.
        check(&[fewer, more], Expander::LeastWaste, Some(0));
        check(&[], Expander::LeastWaste, None);
        check(&[], Expander::MostPods, None);
        check(&[], Expander::Random, None);
        check(&[more], Expander::Random, Some(0));
    }

    #[test]
    fn ties_are_broken_by_the_seeded_stream() {
        // Two identical groups (one per zone) tie under every expander; across seeds each wins
        // sometimes, and one seed always gives the same answer.
        let twin = |group| option(group, 1, 6, (3000, 6144), (4000, 16_384));
        let options = [twin(0), twin(1), option(2, 1, 6, (3000, 6144), (8000, 32_768))];
        for expander in [Expander::LeastWaste, Expander::MostPods, Expander::Random] {
            let mut seen = [0u32; 3];
            for seed in 0..64 {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let pick = choose_option(&options, expander, &mut rng).expect("an option");
                let mut again = ChaCha8Rng::seed_from_u64(seed);
                assert_eq!(choose_option(&options, expander, &mut again), Some(pick));
                seen[pick] += 1;
            }
            assert!(seen[0] > 0 && seen[1] > 0, "{expander:?}: {seen:?}");
            // The larger group wastes more, so least-waste never picks it; it helps as many pods
            // as the twins, so most-pods sees three equal options, and random picks any.
            match expander {
                Expander::LeastWaste => assert_eq!(seen[2], 0),
                Expander::MostPods | Expander::Random => assert!(seen[2] > 0, "{expander:?}: {seen:?}"),
            }
        }
    }

    #[test]
    fn a_single_winner_draws_nothing() {
        // The stream is left untouched when nothing ties, so adding a node group with a clear
        // loser does not move the run's other draws.
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut untouched = ChaCha8Rng::seed_from_u64(3);
        assert_eq!(choose_option(&w33(), Expander::LeastWaste, &mut rng), Some(0));
        assert_eq!(rng.random_range(0..u64::MAX), untouched.random_range(0..u64::MAX));
    }

    #[test]
    fn nothing_available_counts_as_unused() {
        let zero = option(0, 1, 1, (0, 0), (0, 0));
        assert_eq!(zero.waste(), 2.0);
        let real = option(1, 1, 1, (500, 512), (1000, 1024));
        check(&[zero, real], Expander::LeastWaste, Some(1));
    }
}
