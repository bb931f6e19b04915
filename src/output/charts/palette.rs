//! Which colours mean what: data series take their colours from one set ([`SERIES`], the
//! Okabe-Ito palette and the band grey), timeline markers and shaded spans (scheduled actions,
//! faults, deployments, scaling activities, alarm periods, outages) from another ([`MARKERS`]),
//! and the two sets share no colour and no near-colour.
//!
//! So a marker never reads as a series: a scheduled action is not the green of "served" (where it
//! looked like a traffic spike), and a fault is not the vermillion of "unserved". `style` builds
//! every stroke from these constants and lists which strokes are series and which are markers;
//! the tests below prove the two lists draw from the two sets and that every series colour is far
//! (CIE76 ΔE) from every marker colour.

use plotters::style::RGBColor;

/// Colours of data series (lines, bands, stacked areas, points).
pub mod series {
    use plotters::style::RGBColor;
    /// Black: what was asked for (demand, desiredCount), target lines.
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    /// Orange: starting (pending tasks, launching instances).
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Sky blue: memory, the current revision.
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    /// Bluish green: delivered (served, healthy).
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Yellow: the old revision.
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    /// Blue: running.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Vermillion: shortfall (unserved demand).
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Reddish purple: CPU, reservation.
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// Grey of neutral bands (the MinCapacity-MaxCapacity band).
    pub const BAND_GREY: RGBColor = RGBColor(150, 150, 150);
}

/// Colours of timeline markers and shaded spans: dark inks, apart from every series colour.
pub mod marker {
    use plotters::style::RGBColor;
    /// Brown: pressure up (a scale-out, its high alarm in ALARM and the alarm's threshold).
    pub const BROWN: RGBColor = RGBColor(140, 81, 10);
    /// Dark teal: pressure down (a scale-in, its low alarm in ALARM and the alarm's threshold).
    pub const DARK_TEAL: RGBColor = RGBColor(1, 102, 94);
    /// Purple: an operator or a schedule changed the service (scheduled actions, service updates).
    pub const PURPLE: RGBColor = RGBColor(106, 61, 154);
    /// Crimson: something broke (faults, failed deployments, rollbacks, interruptions).
    pub const CRIMSON: RGBColor = RGBColor(178, 24, 43);
    /// Olive: an Availability Zone outage, and placements that found no room.
    pub const OLIVE: RGBColor = RGBColor(128, 128, 0);
    /// Dark grey: a deployment in progress and done, other events.
    pub const DARK_GREY: RGBColor = RGBColor(90, 90, 90);
    /// Navy: a deployment starts.
    pub const NAVY: RGBColor = RGBColor(31, 45, 110);
    /// Plum: a deployment fails and is rolled back.
    pub const PLUM: RGBColor = RGBColor(142, 1, 82);
    /// Forest green: task scale-in protection set or removed (`UpdateTaskProtection`).
    pub const FOREST: RGBColor = RGBColor(34, 100, 34);
    /// Magenta: a deadline (a makespan expectation's bound after each firing).
    pub const MAGENTA: RGBColor = RGBColor(180, 0, 180);
}

/// Every series colour.
pub const SERIES: &[RGBColor] = &[
    series::BLACK,
    series::ORANGE,
    series::SKY_BLUE,
    series::BLUISH_GREEN,
    series::YELLOW,
    series::BLUE,
    series::VERMILLION,
    series::REDDISH_PURPLE,
    series::BAND_GREY,
];

/// Every marker and span colour.
pub const MARKERS: &[RGBColor] = &[
    marker::BROWN,
    marker::DARK_TEAL,
    marker::PURPLE,
    marker::CRIMSON,
    marker::OLIVE,
    marker::DARK_GREY,
    marker::NAVY,
    marker::PLUM,
    marker::FOREST,
    marker::MAGENTA,
];

/// The least CIE76 colour difference between any series colour and any marker colour: about
/// twice what a reader tells apart side by side, so a thin marker line does not pass for a series.
pub const MIN_SERIES_MARKER_DELTA_E: f64 = 20.0;

/// Whether `color` is a series colour.
pub fn is_series(color: RGBColor) -> bool {
    SERIES.contains(&color)
}

/// Whether `color` is a marker colour.
pub fn is_marker(color: RGBColor) -> bool {
    MARKERS.contains(&color)
}

/// CIE L*a*b* (D65) of an sRGB colour.
pub fn lab(color: RGBColor) -> [f64; 3] {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (linear(color.0), linear(color.1), linear(color.2));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 216.0 / 24_389.0 {
            t.cbrt()
        } else {
            (24_389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIE76 colour difference (ΔE*ab) between two colours.
pub fn delta_e(a: RGBColor, b: RGBColor) -> f64 {
    let (a, b) = (lab(a), lab(b));
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::style;

    #[test]
    fn series_and_marker_colours_are_disjoint_and_far_apart() {
        for &s in SERIES {
            assert!(!MARKERS.contains(&s), "{s:?} is in both sets");
            for &m in MARKERS {
                let d = delta_e(s, m);
                assert!(
                    d >= MIN_SERIES_MARKER_DELTA_E,
                    "series {s:?} and marker {m:?} differ by ΔE {d:.1} only"
                );
            }
        }
    }

    #[test]
    fn every_stroke_takes_its_colour_from_its_own_set() {
        for (name, stroke) in style::SERIES_STROKES {
            assert!(is_series(stroke.color), "series stroke {name} has a marker colour");
        }
        for (name, stroke) in style::MARKER_STROKES {
            assert!(is_marker(stroke.color), "marker stroke {name} has a series colour");
        }
    }

    /// The check itself fails on what it must reject: the old scheduled-action green of "served".
    #[test]
    fn the_check_rejects_a_marker_in_a_series_colour() {
        assert!(is_series(series::BLUISH_GREEN) && !is_marker(series::BLUISH_GREEN));
        let nearest = MARKERS
            .iter()
            .map(|&m| delta_e(series::BLUISH_GREEN, m))
            .fold(f64::MAX, f64::min);
        assert!(nearest >= MIN_SERIES_MARKER_DELTA_E);
        assert!(delta_e(series::VERMILLION, RGBColor(213, 94, 0)) < 1e-9);
    }

    #[test]
    fn lab_matches_reference_values() {
        let [l, a, b] = lab(RGBColor(255, 255, 255));
        assert!(
            (l - 100.0).abs() < 0.01 && a.abs() < 0.02 && b.abs() < 0.02,
            "{l} {a} {b}"
        );
        let [l, a, b] = lab(RGBColor(255, 0, 0));
        assert!((l - 53.24).abs() < 0.05 && (a - 80.09).abs() < 0.1 && (b - 67.20).abs() < 0.1);
    }
}
