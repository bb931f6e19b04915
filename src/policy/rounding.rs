//! Rounding a computed capacity: up, the conservative direction AWS documents for adding capacity
//! (reference 2.4), with a guard against float noise. Every kind of target tracking (service,
//! capacity provider, Auto Scaling group) rounds through here.

/// How far above an integer a computed capacity may be and still be that integer: products and
/// quotients of floats are off by a few units in the last place, so `3 x 60 / 30` may come out as
/// `6.0000000001` and must not become 7.
pub const FLOAT_NOISE: f64 = 1e-9;

/// `ceil(raw)`, except that a value within [`FLOAT_NOISE`] above an integer is that integer;
/// negative values are 0 (reference 2.4, A2).
pub fn ceil_capacity(raw: f64) -> u64 {
    (raw - FLOAT_NOISE).ceil().max(0.0) as u64
}

/// The capacity that brings `metric` to `target` when the load spreads over it:
/// `ceil(current x metric / target)` (reference 2.4, A2; reference 6.4 step 6 for
/// CapacityProviderReservation).
pub fn tracking_capacity(current: u32, metric: f64, target: f64) -> u64 {
    ceil_capacity(f64::from(current) * metric / target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(current: u32, metric: f64, target: f64, expected: u64) {
        assert_eq!(tracking_capacity(current, metric, target), expected);
    }

    #[test]
    fn reference_cases() {
        check(4, 90.0, 60.0, 6); // case 1: ceil(4 x 90 / 60)
        check(3, 70.0, 50.0, 5); // case 2: ceil(4.2)
        check(10, 40.0, 60.0, 7); // case 3: ceil(6.67)
        check(2, 10.0, 50.0, 1); // case 6, before the MinCapacity clamp
        check(10, 150.0, 100.0, 15); // case 33: backlog 150 per task, target 100
        check(10, 100.0, 80.0, 13); // case 24: CPR 100 with targetCapacity 80
        check(8, 90.0, 50.0, 15); // reference 7: 8 instances at 90 % with a 50 % target
        check(0, 90.0, 50.0, 0);
    }

    #[test]
    fn float_noise_stays_on_the_integer_and_real_fractions_round_up() {
        assert_eq!(ceil_capacity(6.000_000_000_1), 6);
        assert_eq!(ceil_capacity(6.000_001), 7);
        assert_eq!(ceil_capacity(5.5), 6);
        assert_eq!(ceil_capacity(0.0), 0);
        assert_eq!(ceil_capacity(-3.0), 0);
        check(3, 60.000_000_001, 30.0, 6);
        // 0.1 x 3 is 0.30000000000000004 in floats: a bare ceil would ask for 4 instead of 3.
        check(30, 0.1 * 3.0, 3.0, 3);
        assert_eq!((30.0 * (0.1 * 3.0) / 3.0_f64).ceil(), 4.0);
    }
}
