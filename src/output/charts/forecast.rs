//! Predictive scaling's forecast on a service's tasks chart (issue 21): each hour's capacity
//! forecast from `forecast.csv`, drawn as a step over the hour it was for.

use super::data::{DataError, column, number, open_table};
use crate::trace::forecast::hourly;

/// The forecast capacity of one service's predictive policy, as steps: two points per hour
/// (its start and end), a NaN point where hours are missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForecastSeries {
    /// The service.
    pub service: String,
    /// The policy.
    pub policy: String,
    /// Seconds since the start.
    pub time_s: Vec<f64>,
    /// Forecast capacity, tasks.
    pub capacity: Vec<f64>,
}

/// Reads `forecast.csv` into one series per service and policy, in order of first row.
pub fn parse_forecast(source: super::data::Source<'_>) -> Result<Vec<ForecastSeries>, DataError> {
    let file = hourly::FILE;
    let (header, mut reader) = open_table(file, source)?;
    let (time, service, policy, capacity) = (
        column(file, &header, hourly::TIME_S)?,
        column(file, &header, hourly::SERVICE)?,
        column(file, &header, hourly::POLICY)?,
        column(file, &header, hourly::CAPACITY_FORECAST)?,
    );
    let mut out: Vec<ForecastSeries> = Vec::new();
    let mut row = csv::StringRecord::new();
    let mut line = 1;
    while reader.read_record(&mut row).map_err(|e| DataError {
        file,
        message: e.to_string(),
    })? {
        line += 1;
        let (s, p) = (row.get(service).unwrap_or(""), row.get(policy).unwrap_or(""));
        let t = number(file, &row, time, line)?;
        let c = number(file, &row, capacity, line)?;
        let i = match out.iter().position(|f| f.service == s && f.policy == p) {
            Some(i) => i,
            None => {
                out.push(ForecastSeries {
                    service: s.to_string(),
                    policy: p.to_string(),
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        let f = &mut out[i];
        if let Some(&end) = f.time_s.last()
            && end < t
        {
            // A gap: the line breaks instead of joining two hours apart.
            f.time_s.push(end);
            f.capacity.push(f64::NAN);
        }
        f.time_s.extend([t, t + 3600.0]);
        f.capacity.extend([c, c]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::Source;

    #[test]
    fn hours_become_steps_and_gaps_break_the_line() {
        let text = "time_s,timestamp,service,policy,forecast_time_s,load_forecast,capacity_forecast,actual_load,min_capacity\n\
                    3600,t,web,f,0,100,2,90,2\n\
                    7200,t,web,f,0,300,5,310,5\n\
                    14400,t,web,f,0,60,1,70,1\n\
                    3600,t,api,g,0,1,1,1,\n";
        let series = parse_forecast(Source::Text(text)).expect("parses");
        assert_eq!(series.len(), 2);
        let web = &series[0];
        assert_eq!((web.service.as_str(), web.policy.as_str()), ("web", "f"));
        assert_eq!(
            web.time_s,
            vec![3600.0, 7200.0, 7200.0, 10800.0, 10800.0, 14400.0, 18000.0]
        );
        let c: Vec<String> = web.capacity.iter().map(|v| format!("{v}")).collect();
        assert_eq!(c, ["2", "2", "5", "5", "NaN", "1", "1"]);
        assert_eq!(series[1].time_s, vec![3600.0, 7200.0]);
    }
}
