//! The quantile sketch's bucket index, `ceil(ln(v) / ln γ)`, without a logarithm for almost
//! every value, and always equal to the index the logarithm gives.
//!
//! The exact-request mode inserts two values into a sketch per request, and the libm `ln` was
//! the largest single cost left in its loop. Here `ln v` is first estimated from the bits of `v`:
//! the exponent gives `e ln 2`, and the mantissa `m` in [1, 2) is placed between two of 257
//! tabulated `ln(1 + k/256)` and read off their chord. The chord of a concave function lies below
//! it by at most `h² max|f''| / 8 = (1/256)² / 8 ≈ 1.91e-6`, so the estimate is within
//! [`LN_ERROR`] of `ln v` (the rounding of the few operations, at most a few ulps of 745, is
//! below 1e-12 and is covered by the margin). Divided by `ln γ` the estimate gives `q` within
//! `margin` of the quotient the logarithm gives; when `q - margin` and `q + margin` round up to
//! the same integer, that integer is the exact index. Otherwise (about `2 margin` of the values:
//! 2e-4 at the default 1 % accuracy) the index is computed with `ln` as before. So the sketch's
//! contents, and every quantile it reports, are unchanged bit for bit.

/// Entries of the mantissa table: `ln(1 + k/256)` for k in 0..=256.
const TABLE_STEPS: usize = 256;
/// Bits of the mantissa below the table's step (52 - log2(256)).
const FRACTION_BITS: u32 = 44;
/// A bound on |estimate - ln v|: the chord's 1.91e-6, plus room for rounding.
const LN_ERROR: f64 = 2.0e-6 + 1e-9;

/// `ln(1 + k/256)` for k in 0..=256, computed at compile time by the series
/// `ln x = 2 atanh((x-1)/(x+1))` (z at most 1/3, so 40 terms are far past f64's precision).
static LN_MANTISSA: [f64; TABLE_STEPS + 1] = ln_table();

const fn ln_table() -> [f64; TABLE_STEPS + 1] {
    let mut table = [0.0; TABLE_STEPS + 1];
    let mut k = 0;
    while k <= TABLE_STEPS {
        let x = 1.0 + k as f64 / TABLE_STEPS as f64;
        let z = (x - 1.0) / (x + 1.0);
        let (z2, mut power, mut sum, mut n) = (z * z, z, 0.0, 0);
        while n < 40 {
            sum += power / (2 * n + 1) as f64;
            power *= z2;
            n += 1;
        }
        table[k] = 2.0 * sum;
        k += 1;
    }
    table
}

/// Maps positive normal values to bucket indices `ceil(ln(v) / ln γ)`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BucketIndex {
    ln_gamma: f64,
    inv_ln_gamma: f64,
    /// A bound on |estimate / ln γ - ln(v) / ln γ| (both as computed in f64).
    margin: f64,
}

impl BucketIndex {
    /// The index for buckets of ratio γ, given `ln γ` (positive).
    pub fn new(ln_gamma: f64) -> BucketIndex {
        let inv_ln_gamma = 1.0 / ln_gamma;
        BucketIndex {
            ln_gamma,
            inv_ln_gamma,
            margin: LN_ERROR * inv_ln_gamma,
        }
    }

    /// The bucket index of `value`, a finite value at least `f64::MIN_POSITIVE`: the same as
    /// [`BucketIndex::exact`], mostly without its logarithm.
    #[inline]
    pub fn of(&self, value: f64) -> i64 {
        let q = estimate_ln(value) * self.inv_ln_gamma;
        let (low, high) = (ceil_to_i64(q - self.margin), ceil_to_i64(q + self.margin));
        if low == high { low } else { self.exact(value) }
    }

    /// The bucket index of `value` by the logarithm.
    pub fn exact(&self, value: f64) -> i64 {
        (value.ln() / self.ln_gamma).ceil() as i64
    }
}

/// `ln value` within [`LN_ERROR`], for a finite value at least `f64::MIN_POSITIVE`.
#[inline]
fn estimate_ln(value: f64) -> f64 {
    let bits = value.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mantissa = bits & ((1 << 52) - 1);
    let k = (mantissa >> FRACTION_BITS) as usize;
    let fraction = (mantissa & ((1 << FRACTION_BITS) - 1)) as f64 * (1.0 / (1u64 << FRACTION_BITS) as f64);
    let (below, above) = match (LN_MANTISSA.get(k), LN_MANTISSA.get(k + 1)) {
        (Some(&below), Some(&above)) => (below, above),
        _ => return value.ln(), // unreachable: k < 256
    };
    exponent as f64 * std::f64::consts::LN_2 + below + (above - below) * fraction
}

/// `x.ceil() as i64` without the libm call (`ceil` is not inlined without SSE4.1): truncation
/// rounds toward zero, so a positive value with a fraction needs one more.
#[inline]
fn ceil_to_i64(x: f64) -> i64 {
    let truncated = x as i64;
    if (truncated as f64) < x {
        truncated + 1
    } else {
        truncated
    }
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn the_table_is_the_logarithm() {
        for (k, &entry) in LN_MANTISSA.iter().enumerate() {
            let exact = (1.0 + k as f64 / 256.0).ln();
            assert!((entry - exact).abs() <= 1e-15, "k = {k}: {entry} vs {exact}");
        }
    }

    #[test]
    fn the_estimate_keeps_its_error_bound() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut worst: f64 = 0.0;
        for _ in 0..200_000 {
            let value = f64::from_bits(rng.random_range(f64::MIN_POSITIVE.to_bits()..f64::MAX.to_bits()));
            worst = worst.max((estimate_ln(value) - value.ln()).abs());
        }
        assert!(worst <= LN_ERROR, "worst error {worst}");
        // The chord's error is really there: the bound is not loose by orders of magnitude.
        assert!(worst > 1e-6, "worst error {worst}");
    }

    #[test]
    fn the_index_equals_the_logarithms_across_the_whole_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        for accuracy in [1e-6, 1e-4, 0.001, 0.01, 0.02, 0.05, 0.3, 0.9] {
            let gamma: f64 = (1.0 + accuracy) / (1.0 - accuracy);
            let index = BucketIndex::new(gamma.ln());
            let check = |value: f64| assert_eq!(index.of(value), index.exact(value), "{value} at {accuracy}");
            // Every order of magnitude of f64, uniformly in the bits.
            for _ in 0..100_000 {
                check(f64::from_bits(
                    rng.random_range(f64::MIN_POSITIVE.to_bits()..f64::MAX.to_bits()),
                ));
            }
            // Latencies in ms, and the bucket edges γ^i themselves and their neighbours.
            for _ in 0..100_000 {
                check(rng.random_range(1e-3..1e6));
            }
            for i in -2_000..2_000 {
                let edge = (f64::from(i) * gamma.ln()).exp();
                if edge.is_finite() && edge >= f64::MIN_POSITIVE {
                    for value in [edge.next_down(), edge, edge.next_up()] {
                        check(value);
                    }
                }
            }
            for value in [
                f64::MIN_POSITIVE,
                1.0,
                2.0,
                0.5,
                f64::MAX,
                1.0f64.next_up(),
                2.0f64.next_down(),
            ] {
                check(value);
            }
        }
    }

    #[test]
    fn ceil_matches_the_library_on_both_signs() {
        for x in [
            -2.5,
            -2.0,
            -0.5,
            -0.0,
            0.0,
            0.3,
            1.0,
            1.0000001,
            7.999,
            1e15 + 0.5,
            -1e15 - 0.5,
        ] {
            assert_eq!(ceil_to_i64(x), x.ceil() as i64, "{x}");
        }
    }
}
