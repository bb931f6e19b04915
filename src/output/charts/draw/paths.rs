//! The shape of a data line: counts held as steps until the row that changes them, and flat
//! runs reduced to their ends.

/// A count drawn as steps: each row's value holds from that row until the next, where the line
/// jumps. A row is the state at its time, so a change is never drawn before the row that shows
/// it (a straight line would start rising an interval early).
pub(super) fn stepped(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (x, y) in points {
        if let Some(&(_, previous)) = out.last() {
            if previous != y {
                out.push((x, previous));
            }
        }
        out.push((x, y));
    }
    out
}

/// Drops points in the middle of a horizontal run (a task count that holds for hours is two
/// points, not hundreds), which keeps SVGs small and the bitmap's segments few.
pub(super) fn without_flat_interiors(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for p in points {
        if let [.., a, b] = out[..] {
            if a.1 == b.1 && b.1 == p.1 {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod step_tests {
    use super::{stepped, without_flat_interiors};

    #[test]
    fn a_count_holds_until_the_row_that_changes_it() {
        let points = [(0.0, 10.0), (1.0, 10.0), (2.0, 11.0), (3.0, 14.0)];
        assert_eq!(
            stepped(points.into_iter()),
            [
                (0.0, 10.0),
                (1.0, 10.0),
                (2.0, 10.0),
                (2.0, 11.0),
                (3.0, 11.0),
                (3.0, 14.0)
            ]
        );
    }

    #[test]
    fn flat_runs_keep_their_ends() {
        let points = [
            (0.0, 1.0),
            (1.0, 1.0),
            (2.0, 1.0),
            (3.0, 2.0),
            (4.0, 2.0),
            (5.0, 2.0),
            (6.0, 2.0),
        ];
        let kept = without_flat_interiors(points.into_iter());
        assert_eq!(kept, [(0.0, 1.0), (2.0, 1.0), (3.0, 2.0), (6.0, 2.0)]);
    }
}
