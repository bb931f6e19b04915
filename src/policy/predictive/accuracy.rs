//! How good a forecast was (reference 15.6): the mean absolute percentage error of the load
//! forecast against the load measured, over the hours whose actual load was above zero.

/// Running totals of the absolute percentage errors.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mape {
    sum_percent: f64,
    hours: u32,
}

impl Mape {
    /// Adds one hour; an hour without an actual load above zero, or without a forecast value, is
    /// left out (its percentage error is undefined).
    pub fn add(&mut self, forecast: f64, actual: f64) {
        if actual > 0.0 && forecast.is_finite() {
            self.sum_percent += (forecast - actual).abs() / actual * 100.0;
            self.hours += 1;
        }
    }

    /// The hours compared.
    pub fn hours(&self) -> u32 {
        self.hours
    }

    /// MAPE in percent, `None` before any hour was compared.
    pub fn percent(&self) -> Option<f64> {
        (self.hours > 0).then(|| self.sum_percent / f64::from(self.hours))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_absolute_percentage_error() {
        let mut m = Mape::default();
        assert_eq!(m.percent(), None);
        for (forecast, actual) in [
            (110.0, 100.0),
            (90.0, 100.0),
            (100.0, 200.0),
            (5.0, 0.0),
            (f64::NAN, 10.0),
        ] {
            m.add(forecast, actual);
        }
        // 10 %, 10 %, 50 %; the zero actual and the missing forecast are left out.
        assert_eq!(m.hours(), 3);
        assert!((m.percent().expect("three hours") - 70.0 / 3.0).abs() < 1e-9);
    }
}
