//! Tests of the quantile sketch: the relative bound on a million samples, merge, the bucket
//! cap, and refused input.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn exponential_samples(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| -(1.0 - rng.random::<f64>()).ln() * 180.0).collect()
}

const QUANTILES: [f64; 11] = [0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0];

#[test]
fn a_million_exponential_samples_within_the_bound() {
    let samples = exponential_samples(1_000_000, 3);
    let mut sketch = QuantileSketch::default();
    for s in &samples {
        sketch.insert(*s).expect("a valid value");
    }
    let mut sorted = samples;
    sorted.sort_by(f64::total_cmp);
    assert_eq!(sketch.count(), 1_000_000);
    assert!(!sketch.collapsed());
    let bound = DEFAULT_RELATIVE_ACCURACY * (1.0 + 1e-9);
    for q in QUANTILES {
        let exact = sorted[(q * (sorted.len() - 1) as f64) as usize];
        let got = sketch.quantile(q).expect("not empty");
        assert!((got - exact).abs() <= bound * exact, "p{q}: {got} vs exact {exact}");
    }
    assert!(sketch.counts.len() <= DEFAULT_MAX_BUCKETS);
}

#[test]
fn merge_equals_inserting_all() {
    let samples = exponential_samples(100_000, 5);
    let mut all = QuantileSketch::default();
    let (mut left, mut right) = (QuantileSketch::default(), QuantileSketch::default());
    for (i, s) in samples.iter().enumerate() {
        all.insert(*s).expect("valid");
        if i % 3 == 0 { left.insert(*s) } else { right.insert(*s) }.expect("valid");
    }
    left.insert(0.0).expect("valid");
    all.insert(0.0).expect("valid");
    left.merge(&right).expect("same accuracy");
    assert_eq!(left, all);
    let coarse = QuantileSketch::new(0.05, 100).expect("valid");
    assert_eq!(
        left.merge(&coarse),
        Err(LatencyError::SketchMismatch {
            ours: 0.01,
            theirs: 0.05
        })
    );
}

#[test]
fn memory_is_capped_and_high_quantiles_keep_the_bound() {
    let mut sketch = QuantileSketch::new(0.01, 64).expect("valid");
    let mut values: Vec<f64> = (0..100_000).map(|i| 1e-3 * 1.0002f64.powi(i)).collect();
    // Descending and then ascending, to widen the range both ways.
    for v in values.iter().rev().chain(values.iter()) {
        sketch.insert(*v).expect("valid");
    }
    assert!(sketch.collapsed() && sketch.counts.len() <= 64);
    values.extend_from_within(..);
    values.sort_by(f64::total_cmp);
    for q in [0.99, 0.999, 1.0] {
        let exact = values[(q * (values.len() - 1) as f64) as usize];
        let got = sketch.quantile(q).expect("not empty");
        assert!(
            (got - exact).abs() <= 0.01 * (1.0 + 1e-9) * exact,
            "p{q}: {got} vs {exact}"
        );
    }
}

#[test]
fn edges_and_refusals() {
    let mut sketch = QuantileSketch::default();
    assert_eq!(sketch.quantile(0.5), None);
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(sketch.insert(bad).is_err());
    }
    assert_eq!(sketch.count(), 0);
    sketch.insert(0.0).expect("valid");
    sketch.insert(5.0).expect("valid");
    assert_eq!(sketch.quantile(0.0), Some(0.0));
    assert!((sketch.quantile(1.0).expect("some") - 5.0).abs() <= 0.05);
    assert_eq!(sketch.quantile(1.5), None);
    assert!(QuantileSketch::new(0.0, 10).is_err());
    assert!(QuantileSketch::new(1e-300, 10).is_err());
    let mut fine = QuantileSketch::new(1e-6, 16).expect("valid");
    for v in [f64::MIN_POSITIVE, 1.0, f64::MAX, 5e-324] {
        fine.insert(v).expect("valid");
    }
    assert_eq!(fine.count(), 4);
    assert!(fine.quantile(1.0).is_some_and(f64::is_finite));
    assert!(QuantileSketch::new(0.01, 0).is_err());
    assert!(QuantileSketch::new(1.0, 10).is_err());
}

#[test]
fn a_distribution_added_whole_has_its_quantiles_within_the_bound() {
    // An exponential of mean 180 ms added as a million values: its quantiles -ln(1-q) x 180.
    let mut sketch = QuantileSketch::default();
    let survival = |t: f64| (-t / 180.0).exp();
    sketch.add_distribution(1e6, 1.0, 180.0 * 20.0, survival);
    let total = sketch.count() as f64;
    assert!((total - 1e6).abs() <= 1e3, "count {total}");
    for q in [0.25f64, 0.5, 0.9, 0.95, 0.99, 0.999] {
        let exact = -(1.0 - q).ln() * 180.0;
        let got = sketch.quantile(q).expect("not empty");
        assert!((got - exact).abs() <= 0.0101 * exact, "q {q}: {got} vs {exact}");
    }
    // Nothing is added for no weight or a bad range.
    let mut empty = QuantileSketch::default();
    empty.add_distribution(0.0, 1.0, 10.0, survival);
    empty.add_distribution(10.0, 0.0, 10.0, survival);
    assert_eq!(empty.count(), 0);
}
