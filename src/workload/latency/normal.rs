//! The standard normal distribution's upper tail, for the lognormal service time's survival
//! function, and a fixed-panel Simpson rule for the lognormal response-time integral.

/// The z-score of the 95th percentile of the standard normal distribution.
pub const Z_95: f64 = 1.644_853_626_951_472_2;

/// Where the erf series hands over to the erfc continued fraction.
const SERIES_BELOW: f64 = 2.0;
/// Terms of the erfc continued fraction; at x = 2 it has converged to about 1e-15 by then.
const CONTINUED_FRACTION_TERMS: u32 = 120;
/// Bound on the terms of the erf series; for |x| < 2 it stops below 60.
const SERIES_MAX_TERMS: u32 = 200;

/// P(Z > z) for a standard normal Z, with a relative error below about 1e-12.
pub fn normal_upper_tail(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The complementary error function, `1 - erf(x)`.
pub fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < SERIES_BELOW {
        return 1.0 - erf_series(x);
    }
    if x > 27.0 {
        return 0.0; // below the smallest positive f64
    }
    erfc_continued_fraction(x)
}

/// `erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))`, summed until the terms vanish.
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let mut power = x; // (-1)^n x^(2n+1) / n!
    let mut sum = x;
    for n in 1..SERIES_MAX_TERMS {
        power *= -x2 / f64::from(n);
        let term = power / f64::from(2 * n + 1);
        sum += term;
        if term.abs() < 1e-17 * sum.abs() {
            break;
        }
    }
    sum * std::f64::consts::FRAC_2_SQRT_PI
}

/// `erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))`, evaluated from
/// the tail up for x >= 2.
fn erfc_continued_fraction(x: f64) -> f64 {
    let mut tail = x;
    for k in (1..=CONTINUED_FRACTION_TERMS).rev() {
        tail = x + f64::from(k) / 2.0 / tail;
    }
    (-x * x).exp() / std::f64::consts::PI.sqrt() / tail
}

/// The standard normal density.
pub fn normal_density(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (std::f64::consts::TAU).sqrt()
}

/// The integral of `f` over `[a, b]` by the composite Simpson rule with `panels` (made even)
/// panels; 0 when the interval is empty.
pub fn simpson(a: f64, b: f64, panels: u32, f: impl Fn(f64) -> f64) -> f64 {
    if b.partial_cmp(&a) != Some(std::cmp::Ordering::Greater) {
        return 0.0;
    }
    let n = (panels.max(2) + 1) & !1;
    let h = (b - a) / f64::from(n);
    let mut sum = f(a) + f(b);
    for i in 1..n {
        let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += weight * f(a + h * f64::from(i));
    }
    sum * h / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn close(got: f64, want: f64, rel: f64) {
        assert!((got - want).abs() <= rel * want.abs(), "got {got}, want {want}");
    }

    #[test]
    fn erfc_matches_known_values() {
        close(erfc(0.0), 1.0, 1e-15);
        close(erfc(0.5), 0.479_500_122_186_953_5, 1e-13);
        close(erfc(1.0), 0.157_299_207_050_285_13, 1e-13);
        close(erfc(1.999), 0.004_698_443_348_629_488, 1e-12);
        close(erfc(2.0), 0.004_677_734_981_047_266, 1e-12);
        close(erfc(3.0), 2.209_049_699_858_544e-5, 1e-12);
        close(erfc(5.0), 1.537_459_794_428_035_1e-12, 1e-12);
        close(erfc(-1.0), 1.842_700_792_949_715, 1e-14);
        assert_eq!(erfc(40.0), 0.0);
    }

    #[test]
    fn normal_tail_at_the_usual_quantiles() {
        close(normal_upper_tail(Z_95), 0.05, 1e-12);
        close(normal_upper_tail(2.326_347_874_040_840_8), 0.01, 1e-12);
        close(normal_upper_tail(0.0), 0.5, 1e-15);
        assert!(normal_upper_tail(f64::NAN).is_nan());
    }

    #[test]
    fn simpson_integrates_the_density() {
        close(simpson(-9.0, 9.0, 400, normal_density), 1.0, 1e-12);
        assert_eq!(simpson(1.0, 0.0, 10, normal_density), 0.0);
    }
}
