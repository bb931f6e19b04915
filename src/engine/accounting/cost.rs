//! Cumulative cost per capacity provider (or per service): a running rate of USD per hour,
//! settled on each change.

use std::marker::PhantomData;

use crate::model::cost::minimum_charge_top_up_usd;
use crate::sim::SimTime;

const MS_PER_HOUR: f64 = 3_600_000.0;
/// Rates are kept as integer nano-dollars per hour so that adding and removing the same rate
/// leaves exactly zero (prices in the catalog have at most nine decimals).
const NANO: f64 = 1e9;

#[derive(Clone, Copy, Debug, Default)]
struct ProviderCost {
    settled_usd: f64,
    rate_nano_usd_per_hour: i64,
    settled_at: SimTime,
}

/// Cost accrued by each capacity provider's instances (EC2) or tasks (Fargate), or by each
/// service, indexed by `I` (`ProviderIdx` or `ServiceIdx`).
#[derive(Clone, Debug)]
pub(in crate::engine) struct CostMeter<I> {
    providers: Vec<ProviderCost>,
    index: PhantomData<I>,
}

impl<I: Copy + Into<usize>> CostMeter<I> {
    pub fn new(providers: usize) -> Self {
        CostMeter {
            providers: vec![ProviderCost::default(); providers],
            index: PhantomData,
        }
    }

    fn settle(&mut self, p: I, now: SimTime) {
        let c = &mut self.providers[p.into()];
        let elapsed = now.since(c.settled_at).as_millis();
        c.settled_usd += c.rate_nano_usd_per_hour as f64 / NANO * elapsed as f64 / MS_PER_HOUR;
        c.settled_at = now;
    }

    /// Something billed at `usd_per_hour` starts being billed now.
    pub fn start_billing(&mut self, p: I, usd_per_hour: f64, now: SimTime) {
        self.settle(p, now);
        self.providers[p.into()].rate_nano_usd_per_hour += to_nano(usd_per_hour);
    }

    /// Something billed since `since` stops now; the 60 s minimum and per-second rounding are added.
    pub fn stop_billing(&mut self, p: I, usd_per_hour: f64, since: SimTime, now: SimTime) {
        self.settle(p, now);
        self.providers[p.into()].rate_nano_usd_per_hour -= to_nano(usd_per_hour);
        self.providers[p.into()].settled_usd += minimum_charge_top_up_usd(usd_per_hour, now.since(since).as_millis());
    }

    /// Something billed at `usd_per_hour` stops now, with no minimum (a share of an instance).
    pub fn stop_rate(&mut self, p: I, usd_per_hour: f64, now: SimTime) {
        self.settle(p, now);
        self.providers[p.into()].rate_nano_usd_per_hour -= to_nano(usd_per_hour);
    }

    /// Total cost of provider `p` up to `now`.
    pub fn total_usd(&self, p: I, now: SimTime) -> f64 {
        let c = &self.providers[p.into()];
        c.settled_usd
            + c.rate_nano_usd_per_hour as f64 / NANO * now.since(c.settled_at).as_millis() as f64 / MS_PER_HOUR
    }

    /// True when nothing is being billed any more.
    #[cfg(test)]
    pub fn rate_is_zero(&self, p: I) -> bool {
        self.providers[p.into()].rate_nano_usd_per_hour == 0
    }
}

fn to_nano(usd_per_hour: f64) -> i64 {
    (usd_per_hour * NANO).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ProviderIdx;

    #[test]
    fn accrues_and_applies_the_minimum() {
        let mut m: CostMeter<ProviderIdx> = CostMeter::new(1);
        m.start_billing(ProviderIdx(0), 0.096, SimTime(0));
        assert!((m.total_usd(ProviderIdx(0), SimTime(3_600_000)) - 0.096).abs() < 1e-12);
        m.start_billing(ProviderIdx(0), 0.096, SimTime(3_600_000));
        // The second instance runs 30 s: billed 60 s.
        m.stop_billing(ProviderIdx(0), 0.096, SimTime(3_600_000), SimTime(3_630_000));
        let expected = 0.096 * 3_630_000.0 / 3_600_000.0 + 0.096 * 60.0 / 3600.0;
        assert!((m.total_usd(ProviderIdx(0), SimTime(3_630_000)) - expected).abs() < 1e-12);
        m.stop_billing(ProviderIdx(0), 0.096, SimTime(0), SimTime(3_630_000));
        assert!(m.rate_is_zero(ProviderIdx(0)));
    }
}
