//! Per-pixel-column downsampling that keeps every spike.
//!
//! A 30-day trace at one-minute resolution has 43,200 rows for a plot about 900 pixels wide.
//! Drawing them all is slow and makes multi-megabyte SVGs; averaging them hides the spikes a reader
//! is looking for. Instead each pixel column keeps its first, minimum, maximum and last row, in
//! time order, so the drawn line covers exactly the pixels the full line would.

/// Indices of the rows to draw: per pixel column, the first, lowest, highest and last row (in time
/// order, without repeats). `xs` must be sorted; rows whose value is NaN are skipped. With fewer
/// rows than columns every row is kept.
pub fn keep_extremes(xs: &[f64], ys: &[f64], x_range: (f64, f64), columns: usize) -> Vec<usize> {
    let n = xs.len().min(ys.len());
    if n <= columns.saturating_mul(2) {
        return (0..n).filter(|&i| !ys[i].is_nan()).collect();
    }
    let mut kept = Vec::with_capacity(columns * 4);
    let mut bucket: Option<Bucket> = None;
    for i in (0..n).filter(|&i| !ys[i].is_nan()) {
        let column = column_of(xs[i], x_range, columns);
        match &mut bucket {
            Some(b) if b.column == column => b.add(i, ys[i]),
            _ => {
                if let Some(done) = bucket.take() {
                    done.push_to(&mut kept);
                }
                bucket = Some(Bucket::new(column, i, ys[i]));
            }
        }
    }
    if let Some(done) = bucket {
        done.push_to(&mut kept);
    }
    kept
}

/// Indices of the rows to draw for a band between `lower` and `upper` (same rows): per pixel
/// column, the first row, the row where the band is widest, and the last row. Keeping the widest
/// row keeps every short burst of unserved demand visible.
pub fn keep_widest(xs: &[f64], lower: &[f64], upper: &[f64], x_range: (f64, f64), columns: usize) -> Vec<usize> {
    let n = xs.len().min(lower.len()).min(upper.len());
    let valid = |i: usize| !lower[i].is_nan() && !upper[i].is_nan();
    if n <= columns.saturating_mul(2) {
        return (0..n).filter(|&i| valid(i)).collect();
    }
    let width: Vec<f64> = (0..n).map(|i| upper[i] - lower[i]).collect();
    let mut kept = Vec::with_capacity(columns * 3);
    let mut current: Option<(usize, usize, usize, usize)> = None; // (column, first, widest, last)
    for i in (0..n).filter(|&i| valid(i)) {
        let column = column_of(xs[i], x_range, columns);
        match &mut current {
            Some((c, _, widest, last)) if *c == column => {
                if width[i] > width[*widest] {
                    *widest = i;
                }
                *last = i;
            }
            _ => {
                if let Some((_, first, widest, last)) = current.take() {
                    push_unique(&mut kept, &[first, widest, last]);
                }
                current = Some((column, i, i, i));
            }
        }
    }
    if let Some((_, first, widest, last)) = current {
        push_unique(&mut kept, &[first, widest, last]);
    }
    kept
}

fn column_of(x: f64, (x0, x1): (f64, f64), columns: usize) -> usize {
    let span = (x1 - x0).max(f64::MIN_POSITIVE);
    let c = ((x - x0) / span * columns as f64).floor();
    c.clamp(0.0, columns.saturating_sub(1) as f64) as usize
}

/// Rows of one pixel column seen so far.
struct Bucket {
    column: usize,
    first: usize,
    min: (usize, f64),
    max: (usize, f64),
    last: usize,
}

impl Bucket {
    fn new(column: usize, i: usize, y: f64) -> Self {
        Bucket {
            column,
            first: i,
            min: (i, y),
            max: (i, y),
            last: i,
        }
    }

    fn add(&mut self, i: usize, y: f64) {
        if y < self.min.1 {
            self.min = (i, y);
        }
        if y > self.max.1 {
            self.max = (i, y);
        }
        self.last = i;
    }

    fn push_to(&self, kept: &mut Vec<usize>) {
        let (a, b) = if self.min.0 <= self.max.0 {
            (self.min.0, self.max.0)
        } else {
            (self.max.0, self.min.0)
        };
        push_unique(kept, &[self.first, a, b, self.last]);
    }
}

/// Appends indices (already in order) that differ from the last one kept.
fn push_unique(kept: &mut Vec<usize>, indices: &[usize]) {
    for &i in indices {
        if kept.last() != Some(&i) {
            kept.push(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A year at one-minute resolution: a flat line with a single one-minute spike and dip.
    fn year_with_spike(spike_at: usize, dip_at: usize) -> (Vec<f64>, Vec<f64>) {
        let n = 365 * 24 * 60;
        let xs: Vec<f64> = (0..n).map(|i| i as f64 * 60.0).collect();
        let mut ys = vec![100.0; n];
        ys[spike_at] = 5000.0;
        ys[dip_at] = 1.0;
        (xs, ys)
    }

    #[track_caller]
    fn check(xs: &[f64], ys: &[f64], columns: usize, max_kept: usize) {
        let range = (xs[0], *xs.last().expect("rows"));
        let kept = keep_extremes(xs, ys, range, columns);
        assert!(kept.len() <= max_kept, "kept {} rows, more than {max_kept}", kept.len());
        assert!(kept.windows(2).all(|w| w[0] < w[1]), "indices in time order");
        let kept_max = kept.iter().map(|&i| ys[i]).fold(f64::MIN, f64::max);
        let kept_min = kept.iter().map(|&i| ys[i]).fold(f64::MAX, f64::min);
        let all_max = ys.iter().copied().filter(|y| !y.is_nan()).fold(f64::MIN, f64::max);
        let all_min = ys.iter().copied().filter(|y| !y.is_nan()).fold(f64::MAX, f64::min);
        assert_eq!((kept_min, kept_max), (all_min, all_max), "extremes kept");
        assert_eq!(
            kept.first(),
            ys.iter().position(|y| !y.is_nan()).as_ref(),
            "first row kept"
        );
        assert_eq!(
            kept.last(),
            ys.iter().rposition(|y| !y.is_nan()).as_ref(),
            "last row kept"
        );
    }

    #[test]
    fn keeps_extremes_first_and_last() {
        let (xs, ys) = year_with_spike(123_457, 400_001);
        check(&xs, &ys, 900, 3600);
        let (xs, ys) = year_with_spike(0, 525_599);
        check(&xs, &ys, 900, 3600);
        let (xs, ys) = year_with_spike(1, 2);
        check(&xs, &ys, 1, 4);
        let sine: Vec<f64> = (0..100_000).map(|i| (i as f64 / 977.0).sin() * 50.0).collect();
        let xs: Vec<f64> = (0..100_000).map(f64::from).collect();
        check(&xs, &sine, 640, 2560);
        let short = [3.0, f64::NAN, 9.0, 1.0];
        check(&[0.0, 1.0, 2.0, 3.0], &short, 900, 3);
    }

    #[test]
    fn every_column_keeps_its_own_extremes() {
        let xs: Vec<f64> = (0..1000).map(f64::from).collect();
        let ys: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64).collect();
        let kept = keep_extremes(&xs, &ys, (0.0, 1000.0), 10);
        for column in 0..10 {
            let rows = column * 100..(column + 1) * 100;
            let max = rows.clone().map(|i| ys[i]).fold(f64::MIN, f64::max);
            let min = rows.clone().map(|i| ys[i]).fold(f64::MAX, f64::min);
            let kept_here: Vec<f64> = kept.iter().filter(|i| rows.contains(i)).map(|&i| ys[i]).collect();
            assert!(kept_here.contains(&max) && kept_here.contains(&min), "column {column}");
            assert!(kept_here.len() <= 4);
        }
    }

    #[test]
    fn a_band_keeps_its_widest_row_per_column() {
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let lower = vec![10.0; n];
        let mut upper = vec![10.0; n];
        upper[77_777] = 500.0;
        let kept = keep_widest(&xs, &lower, &upper, (0.0, n as f64), 800);
        assert!(kept.contains(&77_777));
        assert!(kept.len() <= 2400);
        assert_eq!((kept[0], kept[kept.len() - 1]), (0, n - 1));
    }
}
