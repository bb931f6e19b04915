//! Replicate statistics: the mean of a figure across replicates and its 95 % Student-t interval.

/// Two-sided 95 % quantiles of Student's t (the 0.975 quantile) for 1 to 30 degrees of freedom.
const T_975: [f64; 30] = [
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010, 2.1788, 2.1604, 2.1448,
    2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484,
    2.0452, 2.0423,
];

/// Beyond 30 degrees of freedom: (df, quantile), ending with the normal quantile at infinity.
const T_975_LARGE: [(f64, f64); 7] = [
    (30.0, 2.0423),
    (40.0, 2.0211),
    (60.0, 2.0003),
    (80.0, 1.9901),
    (120.0, 1.9799),
    (240.0, 1.9700),
    (f64::INFINITY, 1.9600),
];

/// The 0.975 quantile of Student's t with `df` degrees of freedom (at least 1): the table up to
/// 30, then linear in 1/df between the entries of `T_975_LARGE` (the usual interpolation of
/// printed tables, within 0.0005 of the exact value).
pub fn t_975(df: usize) -> f64 {
    assert!(df >= 1, "a t quantile needs a degree of freedom");
    if df <= T_975.len() {
        return T_975[df - 1];
    }
    let x = 1.0 / df as f64;
    for w in T_975_LARGE.windows(2) {
        let ((d0, t0), (d1, t1)) = (w[0], w[1]);
        if (df as f64) <= d1 {
            let (x0, x1) = (1.0 / d0, 1.0 / d1);
            return t1 + (t0 - t1) * (x - x1) / (x0 - x1);
        }
    }
    1.96
}

/// A figure across replicates: mean and 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Mean of the values.
    pub mean: f64,
    /// Lower end of the 95 % interval (the mean with one value).
    pub low: f64,
    /// Upper end of the 95 % interval (the mean with one value).
    pub high: f64,
    /// How many values.
    pub n: usize,
}

/// The mean of `values` (the replicates that have the figure, in replicate order) with its 95 %
/// Student-t interval, mean ± t(n−1) × s / √n with the sample standard deviation s; `None`
/// without values.
pub fn interval(values: &[f64]) -> Option<Interval> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some(Interval {
            mean,
            low: mean,
            high: mean,
            n,
        });
    }
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
    let half = t_975(n - 1) * (variance / n as f64).sqrt();
    Some(Interval {
        mean,
        low: mean - half,
        high: mean + half,
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn close(a: f64, b: f64, tolerance: f64) {
        assert!((a - b).abs() <= tolerance, "{a} vs {b}");
    }

    #[test]
    fn the_table_matches_published_quantiles() {
        // From any printed t table (two-sided 95 %).
        close(t_975(1), 12.706, 0.001);
        close(t_975(2), 4.303, 0.001);
        close(t_975(4), 2.776, 0.001);
        close(t_975(9), 2.262, 0.001);
        close(t_975(19), 2.093, 0.001);
        close(t_975(30), 2.042, 0.001);
        // Interpolated: exact values 2.0141 (df 45), 1.9840 (df 100), 1.9623 (df 1000).
        close(t_975(45), 2.0141, 0.0005);
        close(t_975(100), 1.9840, 0.0005);
        close(t_975(1000), 1.9623, 0.0005);
        // Decreasing towards the normal quantile.
        let all: Vec<f64> = (1..2000).map(t_975).collect();
        assert!(all.windows(2).all(|w| w[0] >= w[1]));
        assert!(all[1998] > 1.96);
    }

    #[test]
    fn intervals_on_known_samples() {
        // Mean 3, s = √2.5, s/√5 = 0.70711, t(4) = 2.7764: ±1.96324.
        let i = interval(&[1.0, 2.0, 3.0, 4.0, 5.0]).expect("values");
        close(i.mean, 3.0, 1e-12);
        close(i.low, 1.03676, 1e-4);
        close(i.high, 4.96324, 1e-4);
        assert_eq!(i.n, 5);
        // Mean 12, s = 2, s/√3 = 1.15470, t(2) = 4.3027: ±4.96832.
        let i = interval(&[10.0, 12.0, 14.0]).expect("values");
        close(i.low, 7.03168, 1e-4);
        close(i.high, 16.96832, 1e-4);
        // Equal values: no spread.
        let i = interval(&[2.5, 2.5, 2.5, 2.5]).expect("values");
        assert_eq!((i.low, i.mean, i.high), (2.5, 2.5, 2.5));
        // One value: the interval is the value.
        let i = interval(&[7.0]).expect("values");
        assert_eq!((i.low, i.mean, i.high, i.n), (7.0, 7.0, 7.0, 1));
        assert_eq!(interval(&[]), None);
    }
}
