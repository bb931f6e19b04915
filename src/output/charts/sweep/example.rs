//! Sweep outputs for the tests: a realistic sweep (four target values × two CPU sizes, five
//! replicates, of a web service over a day) and generated ones of any size and number of paths.

/// `sweep_summary.csv` of the realistic sweep: lower targets cost more and drop fewer requests;
/// 1024 CPU units cost more than 512 for the same target but drop fewer; three combinations fail
/// `unserved_fraction < 0.002`.
pub const SUMMARY: &str = "\
applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue,ecs.taskDefinitions[0].cpu,replicas,\
cost_usd_mean,cost_usd_ci_low,cost_usd_ci_high,demand_requests_mean,demand_requests_ci_low,demand_requests_ci_high,\
unserved_requests_mean,unserved_requests_ci_low,unserved_requests_ci_high,unserved_fraction_mean,unserved_fraction_ci_low,unserved_fraction_ci_high,\
peak_running_mean,peak_running_ci_low,peak_running_ci_high,mean_cpu_utilization_mean,mean_cpu_utilization_ci_low,mean_cpu_utilization_ci_high,\
max_cpu_utilization_mean,max_cpu_utilization_ci_low,max_cpu_utilization_ci_high,scaling_activities_mean,scaling_activities_ci_low,scaling_activities_ci_high,\
placement_failures_mean,placement_failures_ci_low,placement_failures_ci_high,feasible
40,512,5,38.20,37.28,39.12,4318560,4318560,4318560,1771,993,2548,0.00041,0.00023,0.00059,22.0,21.1,22.9,38.4,37.3,39.5,81.2,78.2,84.2,46.0,41.9,50.1,0,0,0,true
40,1024,5,44.10,43.02,45.18,4318560,4318560,4318560,518,259,777,0.00012,0.00006,0.00018,12.0,11.5,12.5,37.1,36.1,38.1,79.5,76.7,82.3,31.0,27.8,34.2,0,0,0,true
50,512,5,31.40,30.59,32.21,4318560,4318560,4318560,4016,2678,5355,0.00093,0.00062,0.00124,18.0,17.2,18.8,47.6,46.4,48.8,88.9,86.3,91.5,41.0,37.2,44.8,0,0,0,true
50,1024,5,36.90,35.95,37.85,4318560,4318560,4318560,1296,821,1771,0.00030,0.00019,0.00041,10.0,9.6,10.4,46.2,45.1,47.3,86.4,83.5,89.3,27.0,24.1,29.9,0,0,0,true
60,512,5,26.80,26.08,27.52,4318560,4318560,4318560,10451,7946,12956,0.00242,0.00184,0.00300,15.0,14.3,15.7,56.9,55.5,58.3,95.3,93.4,97.2,37.0,33.5,40.5,0,0,0,false
60,1024,5,31.70,30.86,32.54,4318560,4318560,4318560,3498,2332,4664,0.00081,0.00054,0.00108,8.0,7.6,8.4,55.4,54.1,56.7,93.1,90.9,95.3,24.0,21.3,26.7,0,0,0,true
70,512,5,23.10,22.47,23.73,4318560,4318560,4318560,26386,21161,31612,0.00611,0.00490,0.00732,13.0,12.4,13.6,65.8,64.3,67.3,99.1,98.3,99.9,33.0,29.9,36.1,0,0,0,false
70,1024,5,27.90,27.19,28.61,4318560,4318560,4318560,11574,8594,14554,0.00268,0.00199,0.00337,7.0,6.7,7.3,64.0,62.6,65.4,97.8,96.6,99.0,21.0,18.6,23.4,0,0,0,false
";

/// `best.json` of the realistic sweep: the cheapest feasible combination is TargetValue 50 with
/// 512 CPU units.
pub const BEST: &str = r#"{
  "objective": {"minimize": "cost_usd"},
  "where": ["unserved_fraction < 0.002"],
  "replicas": 5,
  "combinations": 8,
  "best": {
    "setting": {
      "applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue": "50",
      "ecs.taskDefinitions[0].cpu": "512"
    },
    "figures": {
      "cost_usd": {"mean": 31.40, "ci_low": 30.59, "ci_high": 32.21},
      "unserved_fraction": {"mean": 0.00093, "ci_low": 0.00062, "ci_high": 0.00124}
    }
  }
}"#;

/// A generated sweep over `paths` paths named `p0`, `p1`, ... with `values` values each
/// (`values^paths` combinations), figures `cost_usd` and `unserved_fraction` that trade off
/// smoothly, every third combination infeasible, and the cheapest feasible one best.
pub fn generated(paths: usize, values: usize) -> (String, String) {
    let names: Vec<String> = (0..paths).map(|p| format!("p{p}")).collect();
    let mut csv = names.join(",");
    if paths > 0 {
        csv.push(',');
    }
    csv.push_str("replicas,cost_usd_mean,cost_usd_ci_low,cost_usd_ci_high,unserved_fraction_mean,");
    csv.push_str("unserved_fraction_ci_low,unserved_fraction_ci_high,feasible\n");
    let count = values.pow(paths as u32);
    let mut best: Option<(f64, Vec<usize>)> = None;
    for n in 0..count {
        let digits: Vec<usize> = (0..paths).map(|p| n / values.pow(p as u32) % values).collect();
        let k = digits.iter().sum::<usize>() as f64 + n as f64 * 0.01;
        let cost = 10.0 + k;
        let fraction = 0.01 / (1.0 + k);
        let feasible = n % 3 != 0;
        let mut cells: Vec<String> = digits.iter().map(|d| (10 * (d + 1)).to_string()).collect();
        cells.push("3".into());
        for v in [cost, fraction] {
            cells.extend([v, v * 0.97, v * 1.03].iter().map(|x| format!("{x:.6}")));
        }
        cells.push(feasible.to_string());
        csv.push_str(&cells.join(","));
        csv.push('\n');
        if feasible && best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, digits));
        }
    }
    let best_json = match best {
        Some((_, digits)) => {
            let setting: Vec<String> = names
                .iter()
                .zip(&digits)
                .map(|(n, d)| format!("\"{n}\": {}", 10 * (d + 1)))
                .collect();
            format!("{{\"setting\": {{{}}}}}", setting.join(", "))
        }
        None => "null, \"reason\": \"no combination is feasible\"".into(),
    };
    let json = format!(
        "{{\"objective\": {{\"minimize\": \"cost_usd\"}}, \"where\": [\"unserved_fraction < 0.5\"], \
\"replicas\": 3, \"combinations\": {count}, \"best\": {best_json}}}"
    );
    (csv, json)
}
