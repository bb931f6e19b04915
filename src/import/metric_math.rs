//! An alarm built with metric math (`Metrics` of `AWS::CloudWatch::Alarm`, `metric_query` of
//! `aws_cloudwatch_metric_alarm`), as both importers read it: ecsim's `cloudWatch.alarms` watch
//! one metric (`Namespace`, `MetricName`, `Dimensions`, a statistic and a period) and have no
//! metric math, so an alarm imports exactly only when its queries amount to one metric: the
//! query that returns data is a `MetricStat`, or an expression that is a bare id of one.
//! Everything else (a quotient, a sum, `FILL`, `METRICS()`, an anomaly band) is left out with why.

/// One metric data query, whichever importer read it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    /// `Id`.
    pub id: String,
    /// `ReturnData` as written (CloudWatch's default is true).
    pub return_data: Option<bool>,
    /// `Expression`, if this query is one.
    pub expression: Option<String>,
    /// `MetricStat`, if this query is one.
    pub metric: Option<MetricStat>,
}

/// A `MetricStat`: the metric, its statistic and period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricStat {
    /// `Metric.Namespace`.
    pub namespace: String,
    /// `Metric.MetricName`.
    pub metric_name: String,
    /// `Metric.Dimensions` as (name, value).
    pub dimensions: Vec<(String, String)>,
    /// `Stat`: a statistic (`Average`) or a percentile (`p99`).
    pub stat: String,
    /// `Period`, seconds.
    pub period: Option<i64>,
}

/// The statistics that `PutMetricAlarm` takes as `Statistic`.
const STATISTICS: &[&str] = &["Average", "Sum", "Minimum", "Maximum", "SampleCount"];

impl MetricStat {
    /// The alarm's statistic field and value: `Statistic` for a statistic, `ExtendedStatistic`
    /// for a percentile of a load balancer metric; `None` for any other `Stat` (a percentile of
    /// `AWS/ECS`, which publishes one statistic set a minute; trimmed means and the like).
    pub fn statistic_field(&self) -> Option<(&'static str, &str)> {
        if STATISTICS.contains(&self.stat.as_str()) {
            return Some(("Statistic", &self.stat));
        }
        if self.namespace != "AWS/ApplicationELB" {
            return None;
        }
        let percentile = self
            .stat
            .strip_prefix('p')
            .is_some_and(|n| !n.is_empty() && n.parse::<f64>().is_ok_and(|x| (0.0..=100.0).contains(&x)));
        percentile.then_some(("ExtendedStatistic", &self.stat))
    }
}

/// The one metric the `queries` of an alarm amount to, or why they are more than one metric.
pub fn single_metric(queries: &[Query]) -> Result<&MetricStat, String> {
    let returning: Vec<&Query> = queries.iter().filter(|q| q.return_data != Some(false)).collect();
    let [result] = returning[..] else {
        return Err(format!(
            "{} queries return data (an alarm needs exactly one with ReturnData true)",
            returning.len()
        ));
    };
    let stat = match (&result.metric, &result.expression) {
        (Some(stat), None) => stat,
        (None, Some(expression)) => {
            let id = expression.trim();
            let named = queries.iter().find(|q| q.id == id && q.id != result.id);
            match named.and_then(|q| q.metric.as_ref()) {
                Some(stat) => stat,
                None => {
                    return Err(format!(
                        "its result is the expression `{expression}`, which combines or transforms metrics: ecsim's alarms watch one metric and have no metric math (a target tracking policy's CustomizedMetricSpecification can divide two)"
                    ));
                }
            }
        }
        _ => {
            return Err(format!(
                "query `{}` has neither one MetricStat nor one Expression",
                result.id
            ));
        }
    };
    if stat.statistic_field().is_none() {
        return Err(format!(
            "its statistic `{}` is not one ecsim computes for {} (Average, Sum, Minimum, Maximum, SampleCount, or a percentile of an AWS/ApplicationELB metric)",
            stat.stat, stat.namespace
        ));
    }
    Ok(stat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(metric: &str, stat: &str) -> MetricStat {
        MetricStat {
            namespace: "AWS/ECS".into(),
            metric_name: metric.into(),
            dimensions: vec![("ServiceName".into(), "web".into())],
            stat: stat.into(),
            period: Some(60),
        }
    }

    fn metric(id: &str, returns: Option<bool>, s: MetricStat) -> Query {
        Query {
            id: id.into(),
            return_data: returns,
            expression: None,
            metric: Some(s),
        }
    }

    fn expression(id: &str, text: &str) -> Query {
        Query {
            id: id.into(),
            return_data: None,
            expression: Some(text.into()),
            metric: None,
        }
    }

    #[track_caller]
    fn check(queries: &[Query], expected: Result<(&str, &str), &str>) {
        let got = single_metric(queries).map(|m| (m.metric_name.as_str(), m.stat.as_str()));
        match (got, expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want),
            (Err(why), Err(start)) => assert!(why.starts_with(start), "{why}"),
            (got, want) => panic!("{got:?} where {want:?} was expected"),
        }
    }

    #[test]
    fn only_queries_that_amount_to_one_metric_map_exactly() {
        let cpu = || stat("CPUUtilization", "Average");
        let memory = || stat("MemoryUtilization", "Maximum");
        // One MetricStat, ReturnData left to its default.
        check(&[metric("m1", None, cpu())], Ok(("CPUUtilization", "Average")));
        // An expression that is a bare id: that metric.
        check(
            &[metric("m1", Some(false), memory()), expression("e1", " m1 ")],
            Ok(("MemoryUtilization", "Maximum")),
        );
        // A percentile is an ExtendedStatistic.
        let latency = MetricStat {
            namespace: "AWS/ApplicationELB".into(),
            ..stat("TargetResponseTime", "p99")
        };
        check(&[metric("m1", None, latency)], Ok(("TargetResponseTime", "p99")));
        check(
            &[metric("m1", None, stat("CPUUtilization", "p99"))],
            Err("its statistic `p99` is not one ecsim computes for AWS/ECS"),
        );
        // Metric math proper, or the wrong number of results, is left out.
        check(
            &[
                metric("m1", Some(false), cpu()),
                metric("m2", Some(false), memory()),
                expression("e1", "m1 + m2"),
            ],
            Err("its result is the expression `m1 + m2`"),
        );
        check(&[expression("e1", "e1")], Err("its result is the expression `e1`"));
        check(
            &[metric("m1", None, cpu()), metric("m2", None, memory())],
            Err("2 queries return data"),
        );
        check(
            &[metric("m1", None, stat("CPUUtilization", "TM(10%:90%)"))],
            Err("its statistic `TM(10%:90%)`"),
        );
        check(
            &[Query {
                id: "x".into(),
                ..Query::default()
            }],
            Err("query `x` has neither"),
        );
    }

    #[test]
    fn the_statistic_goes_where_put_metric_alarm_takes_it() {
        let alb = |s: &str| MetricStat {
            namespace: "AWS/ApplicationELB".into(),
            ..stat("TargetResponseTime", s)
        };
        assert_eq!(stat("x", "Sum").statistic_field(), Some(("Statistic", "Sum")));
        assert_eq!(stat("x", "p99").statistic_field(), None);
        assert_eq!(alb("p99.9").statistic_field(), Some(("ExtendedStatistic", "p99.9")));
        assert_eq!(alb("p101").statistic_field(), None);
        assert_eq!(alb("p").statistic_field(), None);
    }
}
