//! Places point labels so they do not overlap: greedily, most important first, each label takes
//! the first free spot around its point. A label with no free spot is dropped; an important one
//! (the Pareto front) first tries spots farther out, joined to its point by a leader line; one
//! that must stay (the best combination) takes, as a last resort, the spot that overlaps least.

/// A rectangle in pixels, `x0..x1` by `y0..y1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x0: i32,
    /// Top edge.
    pub y0: i32,
    /// Right edge (exclusive).
    pub x1: i32,
    /// Bottom edge (exclusive).
    pub y1: i32,
}

impl Rect {
    /// The rectangle of `size` with its top-left corner at `(x, y)`.
    pub fn at((x, y): (i32, i32), (w, h): (i32, i32)) -> Rect {
        Rect {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
        }
    }

    /// The square of half-side `r` around `(x, y)`.
    pub fn around((x, y): (i32, i32), r: i32) -> Rect {
        Rect {
            x0: x - r,
            y0: y - r,
            x1: x + r + 1,
            y1: y + r + 1,
        }
    }

    /// The area shared with `other`, in square pixels.
    pub fn overlap(&self, other: &Rect) -> i64 {
        let w = (self.x1.min(other.x1) - self.x0.max(other.x0)).max(0);
        let h = (self.y1.min(other.y1) - self.y0.max(other.y0)).max(0);
        i64::from(w) * i64::from(h)
    }

    fn inside(&self, bounds: &Rect) -> bool {
        self.x0 >= bounds.x0 && self.y0 >= bounds.y0 && self.x1 <= bounds.x1 && self.y1 <= bounds.y1
    }

    /// Moved the least distance to lie inside `bounds` (when it fits).
    fn clamped(&self, bounds: &Rect) -> Rect {
        let dx = (bounds.x0 - self.x0).max(0) + (bounds.x1 - self.x1).min(0);
        let dy = (bounds.y0 - self.y0).max(0) + (bounds.y1 - self.y1).min(0);
        Rect {
            x0: self.x0 + dx,
            y0: self.y0 + dy,
            x1: self.x1 + dx,
            y1: self.y1 + dy,
        }
    }
}

/// How hard a label tries to find room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Only right next to its point; dropped when there is no room there.
    Near,
    /// Also farther out; dropped when there is no room there either.
    Far,
    /// Always placed: farther out if need be, else where it overlaps least. Placed first.
    Forced,
}

/// A label to place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabelRequest {
    /// The point it labels, in pixels.
    pub anchor: (i32, i32),
    /// Its text's width and height, in pixels.
    pub size: (i32, i32),
    /// Higher is placed first (after the forced labels).
    pub priority: u32,
    /// How hard it tries.
    pub reach: Reach,
}

/// Distance from the point to the nearest edge of its label, in pixels.
const GAP: i32 = 9;
/// How much farther out each further ring of candidate spots lies, for labels that reach far.
const RING_STEP: i32 = 16;
/// Rings of candidate spots tried by labels that reach far.
const RINGS: i32 = 3;

/// Candidate top-left corners around `anchor` at distance `d`: right, left, above, below, then
/// the four diagonals.
fn candidates((x, y): (i32, i32), (w, h): (i32, i32), d: i32) -> [(i32, i32); 8] {
    [
        (x + d, y - h / 2),
        (x - d - w, y - h / 2),
        (x - w / 2, y - d - h),
        (x - w / 2, y + d),
        (x + d, y - d - h),
        (x + d, y + d),
        (x - d - w, y - d - h),
        (x - d - w, y + d),
    ]
}

/// Where each label goes, in request order: `None` for a label dropped for lack of room. Labels
/// avoid each other, the `obstacles` (the points' markers) and the outside of `bounds`; they are
/// placed forced labels first, then by `priority`, then in request order.
pub fn place_labels(requests: &[LabelRequest], obstacles: &[Rect], bounds: Rect) -> Vec<Option<Rect>> {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| {
        let r = &requests[i];
        (std::cmp::Reverse((r.reach == Reach::Forced, r.priority)), i)
    });
    let mut placed: Vec<Option<Rect>> = vec![None; requests.len()];
    let mut taken: Vec<Rect> = Vec::new();
    for i in order {
        let r = &requests[i];
        let rings = if r.reach == Reach::Near { 1 } else { RINGS };
        let spots: Vec<Rect> = (0..rings)
            .flat_map(|ring| candidates(r.anchor, r.size, GAP + ring * RING_STEP))
            .map(|corner| Rect::at(corner, r.size))
            .collect();
        // Labels must not cover each other, nor the points and lines under them.
        let cost = |spot: &Rect| -> (i64, i64) {
            let labels: i64 = taken.iter().map(|t| spot.overlap(t)).sum();
            let points: i64 = obstacles.iter().map(|o| spot.overlap(o)).sum();
            (labels, points)
        };
        let free = spots.iter().find(|s| s.inside(&bounds) && cost(s) == (0, 0)).copied();
        let chosen = free.or_else(|| {
            (r.reach == Reach::Forced).then(|| {
                spots
                    .iter()
                    .map(|s| s.clamped(&bounds))
                    .min_by_key(|s| {
                        let (labels, points) = cost(s);
                        labels * 4 + points
                    })
                    .unwrap_or_else(|| Rect::at(r.anchor, r.size).clamped(&bounds))
            })
        });
        if let Some(spot) = chosen {
            taken.push(spot);
            placed[i] = Some(spot);
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: Rect = Rect {
        x0: 0,
        y0: 0,
        x1: 400,
        y1: 300,
    };

    fn request(anchor: (i32, i32), priority: u32, reach: Reach) -> LabelRequest {
        LabelRequest {
            anchor,
            size: (120, 16),
            priority,
            reach,
        }
    }

    #[test]
    fn a_lone_label_sits_right_of_its_point() {
        let placed = place_labels(&[request((100, 100), 0, Reach::Near)], &[], BOUNDS);
        assert_eq!(placed, [Some(Rect::at((109, 92), (120, 16)))]);
    }

    #[test]
    fn labels_near_the_edge_move_inside() {
        let placed = place_labels(&[request((390, 100), 0, Reach::Near)], &[], BOUNDS);
        let spot = placed[0].expect("placed");
        assert!(spot.inside(&BOUNDS) && spot.x1 <= 381, "{spot:?}");
    }

    #[test]
    fn crowded_labels_never_overlap_and_the_kept_ones_stay() {
        // Twenty points in a tight cluster: most labels cannot fit, even reaching far; the
        // forced one must.
        let mut requests: Vec<LabelRequest> = (0..20)
            .map(|i| request((200 + (i % 5) * 4, 150 + (i / 5) * 4), 1, Reach::Far))
            .collect();
        requests[13] = request((208, 162), 0, Reach::Forced);
        let obstacles: Vec<Rect> = requests.iter().map(|r| Rect::around(r.anchor, 5)).collect();
        let placed = place_labels(&requests, &obstacles, BOUNDS);
        assert!(placed[13].is_some(), "the forced label is placed");
        assert!(placed.iter().filter(|p| p.is_none()).count() > 0, "some are dropped");
        let spots: Vec<Rect> = placed.iter().flatten().copied().collect();
        for (i, a) in spots.iter().enumerate() {
            for b in &spots[i + 1..] {
                assert_eq!(a.overlap(b), 0, "{a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn a_label_that_reaches_far_finds_room_a_near_one_does_not() {
        let requests = [
            request((100, 100), 2, Reach::Near),
            request((100, 100), 1, Reach::Near),
            request((100, 100), 0, Reach::Far),
        ];
        // The first takes the spot right of the point; the point itself blocks nothing else, so
        // the second goes left; the third finds a free spot above.
        let placed = place_labels(&requests, &[], BOUNDS);
        assert!(placed.iter().all(Option::is_some), "{placed:?}");
        let crowded = [Rect::around((100, 100), 30)];
        let placed = place_labels(&requests, &crowded, BOUNDS);
        assert_eq!(placed[..2], [None, None]);
        assert!(placed[2].is_some(), "reaches past the obstacle");
    }

    #[test]
    fn the_forced_label_wins_its_spot_over_higher_priorities() {
        let requests = [
            request((100, 100), 9, Reach::Near),
            request((100, 100), 0, Reach::Forced),
        ];
        let placed = place_labels(&requests, &[], BOUNDS);
        assert_eq!(placed[1], Some(Rect::at((109, 92), (120, 16))));
        assert_ne!(placed[0], placed[1]);
    }
}
