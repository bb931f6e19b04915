//! `count` in all its forms and what Copilot makes of each (reference B1, B2): the desired count,
//! the scalable target's range, one target tracking policy per scaling field with its cooldowns,
//! and the capacity provider strategy of `spot` and `range.spot_from`.

/// A value with the manifest key it was read from (`count.range`, or
/// `environments.prod.count.range` when an environment override set it).
#[derive(Clone, Debug, PartialEq)]
pub struct Keyed<T> {
    /// The value.
    pub value: T,
    /// The manifest key, for the `# from` comment.
    pub key: String,
}

impl<T> Keyed<T> {
    /// `value` read from `key`.
    pub fn new(value: T, key: impl Into<String>) -> Keyed<T> {
        Keyed { value, key: key.into() }
    }
}

/// `count`.
#[derive(Clone, Debug, PartialEq)]
pub enum Count {
    /// `count: N` (1 when there is no `count`): N tasks on FARGATE, no scaling.
    Fixed(Keyed<u32>),
    /// `count.spot: N`: N tasks on FARGATE_SPOT, no scaling.
    Spot(Keyed<u32>),
    /// `count.range` with at least one scaling field.
    Autoscaling(Autoscaling),
}

/// `count.range` and its scaling fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Autoscaling {
    /// `range`: `"min-max"` or `{min, max, spot_from}`.
    pub range: Keyed<Range>,
    /// `count.cooldown`, shared by every policy.
    pub cooldown: Cooldown,
    /// The scaling fields, in Copilot's template order.
    pub policies: Vec<ScalingField>,
}

/// The scalable target's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// `min`: MinCapacity, and the desired count of a first deploy.
    pub min: u32,
    /// `max`: MaxCapacity.
    pub max: u32,
    /// `spot_from`: the task from which tasks run on FARGATE_SPOT.
    pub spot_from: Option<u32>,
}

/// `cooldown: {in, out}` in whole seconds, each with its key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cooldown {
    /// `in`: ScaleInCooldown (Copilot's code, not its docs, which call it the scale-up cooldown: B4.1).
    pub scale_in: Option<Keyed<u64>>,
    /// `out`: ScaleOutCooldown.
    pub scale_out: Option<Keyed<u64>>,
}

/// Copilot's template default ScaleInCooldown, in seconds.
pub const DEFAULT_SCALE_IN_COOLDOWN_S: u64 = 120;
/// Copilot's template default ScaleOutCooldown, in seconds.
pub const DEFAULT_SCALE_OUT_COOLDOWN_S: u64 = 60;

/// A metric `count` scales on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScalingMetric {
    /// `cpu_percentage`: ECSServiceAverageCPUUtilization.
    CpuPercentage(u32),
    /// `memory_percentage`: ECSServiceAverageMemoryUtilization.
    MemoryPercentage(u32),
    /// `requests`: RequestCountPerTarget, requests per task per minute (B4.4).
    Requests(u32),
    /// `response_time`, in milliseconds: TargetResponseTime, tracked in seconds.
    ResponseTime(u64),
    /// `queue_delay`: backlog per task, in milliseconds of acceptable latency and of processing
    /// time per message (B2).
    QueueDelay {
        /// `acceptable_latency`.
        acceptable_latency_ms: u64,
        /// `msg_processing_time`.
        msg_processing_time_ms: u64,
    },
}

impl ScalingMetric {
    /// The manifest field name.
    pub fn field(self) -> &'static str {
        match self {
            ScalingMetric::CpuPercentage(_) => "cpu_percentage",
            ScalingMetric::MemoryPercentage(_) => "memory_percentage",
            ScalingMetric::Requests(_) => "requests",
            ScalingMetric::ResponseTime(_) => "response_time",
            ScalingMetric::QueueDelay { .. } => "queue_delay",
        }
    }

    /// The policy's TargetValue as Copilot writes it: the percentage, the requests, the response
    /// time in seconds, or `ceil(acceptable_latency / msg_processing_time)` messages per task.
    pub fn target_value(self) -> f64 {
        match self {
            ScalingMetric::CpuPercentage(p) | ScalingMetric::MemoryPercentage(p) => f64::from(p),
            ScalingMetric::Requests(r) => f64::from(r),
            ScalingMetric::ResponseTime(ms) => ms as f64 / 1000.0,
            ScalingMetric::QueueDelay {
                acceptable_latency_ms,
                msg_processing_time_ms,
            } => acceptable_latency_ms.div_ceil(msg_processing_time_ms.max(1)) as f64,
        }
    }
}

/// One scaling field: its metric, its own cooldown and its key.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingField {
    /// The metric and its target.
    pub metric: ScalingMetric,
    /// The field's own `cooldown`, which wins over `count.cooldown` direction by direction.
    pub cooldown: Cooldown,
    /// `count.cpu_percentage`, ...
    pub key: String,
}

/// A cooldown in seconds and where it came from (a key, or Copilot's template default).
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedCooldown {
    /// Seconds.
    pub seconds: u64,
    /// The manifest key, or `None` for the template default.
    pub key: Option<String>,
}

/// One item of a capacity provider strategy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategyItem {
    /// `FARGATE` or `FARGATE_SPOT`.
    pub provider: &'static str,
    /// `base`.
    pub base: Option<u32>,
    /// `weight`.
    pub weight: u32,
}

impl Count {
    /// The service's DesiredCount: N, the Spot count, or the range's min (Copilot's custom
    /// resource falls back to it on a first deploy: B1).
    pub fn desired_count(&self) -> Keyed<u32> {
        match self {
            Count::Fixed(n) | Count::Spot(n) => n.clone(),
            Count::Autoscaling(a) => Keyed::new(a.range.value.min, a.range.key.clone()),
        }
    }

    /// The capacity provider strategy Copilot writes (`convertCapacityProviders`): none (the
    /// FARGATE launch type) for a number or a range without `spot_from`; FARGATE_SPOT weight 1
    /// for `spot`; with `spot_from` at or above `min`, FARGATE_SPOT weight 1 and FARGATE with
    /// base `spot_from - 1` and weight 0, else FARGATE_SPOT alone.
    pub fn capacity_provider_strategy(&self) -> Vec<StrategyItem> {
        let spot = StrategyItem {
            provider: "FARGATE_SPOT",
            base: None,
            weight: 1,
        };
        match self {
            Count::Fixed(_) => Vec::new(),
            Count::Spot(_) => vec![spot],
            Count::Autoscaling(a) => match a.range.value.spot_from {
                None => Vec::new(),
                Some(from) if from >= a.range.value.min => vec![
                    spot,
                    StrategyItem {
                        provider: "FARGATE",
                        base: Some(from.saturating_sub(1)),
                        weight: 0,
                    },
                ],
                Some(_) => vec![spot],
            },
        }
    }
}

impl Autoscaling {
    /// The (ScaleInCooldown, ScaleOutCooldown) of `field`'s policy: its own cooldown, else
    /// `count.cooldown`, else the template default, direction by direction (`convertScalingCooldown`).
    pub fn cooldowns(&self, field: &ScalingField) -> (ResolvedCooldown, ResolvedCooldown) {
        let pick = |own: &Option<Keyed<u64>>, shared: &Option<Keyed<u64>>, default: u64| {
            own.as_ref().or(shared.as_ref()).map_or(
                ResolvedCooldown {
                    seconds: default,
                    key: None,
                },
                |k| ResolvedCooldown {
                    seconds: k.value,
                    key: Some(k.key.clone()),
                },
            )
        };
        (
            pick(
                &field.cooldown.scale_in,
                &self.cooldown.scale_in,
                DEFAULT_SCALE_IN_COOLDOWN_S,
            ),
            pick(
                &field.cooldown.scale_out,
                &self.cooldown.scale_out,
                DEFAULT_SCALE_OUT_COOLDOWN_S,
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn autoscaling(range: Range, cooldown: Cooldown, fields: Vec<ScalingField>) -> Count {
        Count::Autoscaling(Autoscaling {
            range: Keyed::new(range, "count.range"),
            cooldown,
            policies: fields,
        })
    }

    fn cpu(value: u32, cooldown: Cooldown) -> ScalingField {
        ScalingField {
            metric: ScalingMetric::CpuPercentage(value),
            cooldown,
            key: "count.cpu_percentage".into(),
        }
    }

    fn secs(s: u64, key: &str) -> Option<Keyed<u64>> {
        Some(Keyed::new(s, key))
    }

    #[test]
    fn each_count_form_gives_copilots_desired_count_and_strategy() {
        let range = |min, max, spot_from| Range { min, max, spot_from };
        let spot = |base: Option<u32>, weight| StrategyItem {
            provider: "FARGATE_SPOT",
            base,
            weight,
        };
        let fargate_base = |base| StrategyItem {
            provider: "FARGATE",
            base: Some(base),
            weight: 0,
        };
        let cases: Vec<(Count, u32, Vec<StrategyItem>)> = vec![
            (Count::Fixed(Keyed::new(3, "count")), 3, vec![]),
            (Count::Spot(Keyed::new(5, "count.spot")), 5, vec![spot(None, 1)]),
            (autoscaling(range(2, 10, None), Cooldown::default(), vec![]), 2, vec![]),
            // The worker fixture: spot_from 6 -> FARGATE base 5 (its template's strategy).
            (
                autoscaling(range(1, 10, Some(6)), Cooldown::default(), vec![]),
                1,
                vec![spot(None, 1), fargate_base(5)],
            ),
            // The svc fixture's prod environment: min 3, spot_from 6.
            (
                autoscaling(range(3, 12, Some(6)), Cooldown::default(), vec![]),
                3,
                vec![spot(None, 1), fargate_base(5)],
            ),
            // spot_from equal to min: FARGATE keeps min - 1 tasks.
            (
                autoscaling(range(3, 12, Some(3)), Cooldown::default(), vec![]),
                3,
                vec![spot(None, 1), fargate_base(2)],
            ),
            // spot_from below min: every task on Spot.
            (
                autoscaling(range(3, 12, Some(2)), Cooldown::default(), vec![]),
                3,
                vec![spot(None, 1)],
            ),
            (
                autoscaling(range(0, 4, Some(0)), Cooldown::default(), vec![]),
                0,
                vec![spot(None, 1), fargate_base(0)],
            ),
        ];
        for (count, desired, strategy) in cases {
            assert_eq!(count.desired_count().value, desired, "{count:?}");
            assert_eq!(count.capacity_provider_strategy(), strategy, "{count:?}");
        }
    }

    #[test]
    fn cooldowns_take_the_field_then_count_then_the_default_direction_by_direction() {
        let shared = Cooldown {
            scale_in: secs(30, "count.cooldown.in"),
            scale_out: secs(90, "count.cooldown.out"),
        };
        let own_out = Cooldown {
            scale_in: None,
            scale_out: secs(150, "count.cpu_percentage.cooldown.out"),
        };
        let cases = [
            // The svc fixture: cpu_percentage's own out 2m30s, no count.cooldown -> 120 / 150.
            (Cooldown::default(), own_out.clone(), (120, 150)),
            (Cooldown::default(), Cooldown::default(), (120, 60)),
            (shared.clone(), Cooldown::default(), (30, 90)),
            // The svc fixture's prod environment: count.cooldown in 30s, field out 2m30s.
            (shared, own_out, (30, 150)),
        ];
        for (count_cooldown, field_cooldown, (scale_in, scale_out)) in cases {
            let field = cpu(70, field_cooldown);
            let Count::Autoscaling(a) = autoscaling(
                Range {
                    min: 1,
                    max: 2,
                    spot_from: None,
                },
                count_cooldown,
                vec![field.clone()],
            ) else {
                unreachable!("built as autoscaling")
            };
            let (i, o) = a.cooldowns(&field);
            assert_eq!((i.seconds, o.seconds), (scale_in, scale_out));
        }
    }

    #[test]
    fn target_values_are_copilots() {
        assert_eq!(ScalingMetric::CpuPercentage(70).target_value(), 70.0);
        assert_eq!(ScalingMetric::Requests(256).target_value(), 256.0);
        assert_eq!(ScalingMetric::ResponseTime(2_000).target_value(), 2.0);
        assert_eq!(ScalingMetric::ResponseTime(250).target_value(), 0.25);
        // B2: 15m / 1s = 900 (the worker fixture); 10m / 250ms = 2400 (Copilot's docs).
        let queue = |a, p| ScalingMetric::QueueDelay {
            acceptable_latency_ms: a,
            msg_processing_time_ms: p,
        };
        assert_eq!(queue(900_000, 1_000).target_value(), 900.0);
        assert_eq!(queue(600_000, 250).target_value(), 2400.0);
        assert_eq!(queue(1_000, 300).target_value(), 4.0);
    }
}
