//! The lower and upper task bounds of a rolling deployment (reference 8.1).

/// L and U of a rolling deployment (reference 8.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeploymentBounds {
    /// Healthy RUNNING tasks that must remain: `ceil(D x minimumHealthyPercent / 100)`.
    pub lower: u32,
    /// Tasks allowed at once: `floor(D x maximumPercent / 100)`.
    pub upper: u32,
}

/// L = ceil(D x minimumHealthyPercent / 100), U = floor(D x maximumPercent / 100). Integer arithmetic only.
pub fn deployment_bounds(desired: u32, minimum_healthy_percent: u32, maximum_percent: u32) -> DeploymentBounds {
    let d = u64::from(desired);
    let lower = (d * u64::from(minimum_healthy_percent)).div_ceil(100);
    let upper = d * u64::from(maximum_percent) / 100;
    DeploymentBounds {
        lower: u32::try_from(lower).unwrap_or(u32::MAX),
        upper: u32::try_from(upper).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_27_bounds() {
        // Case 27: every row, (D, min %, max %) -> (L, U).
        for (d, min, max, lower, upper) in [
            (4, 50, 200, 2, 8),
            (4, 100, 200, 4, 8),
            (1, 100, 200, 1, 2),
            (1, 0, 100, 0, 1),
            (2, 75, 200, 2, 4),
            (3, 100, 125, 3, 3),
            (3, 50, 150, 2, 4),
            (10, 90, 110, 9, 11),
        ] {
            assert_eq!(
                deployment_bounds(d, min, max),
                DeploymentBounds { lower, upper },
                "D={d} min={min} max={max}"
            );
        }
    }

    #[test]
    fn bounds_of_zero_and_large_counts() {
        assert_eq!(deployment_bounds(0, 100, 200), DeploymentBounds { lower: 0, upper: 0 });
        // No overflow: the products are taken in u64.
        let b = deployment_bounds(u32::MAX, 100, 200);
        assert_eq!((b.lower, b.upper), (u32::MAX, u32::MAX));
    }
}
