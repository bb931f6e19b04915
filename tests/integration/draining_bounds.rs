//! Draining replaces tasks within the service's deployment bounds (reference 8.1: the same
//! minimumHealthyPercent and maximumPercent govern draining), counting the tasks that are still
//! stopping toward maximumPercent when `stoppingTasksCountTowardMaximumPercent` is true (A7).

use crate::support::{column, load_text, run_to_strings};

/// Two m5.large; `desired` tasks packed on the first (binpack), which drains at 5 minutes. The
/// tasks take 2 minutes to stop (DEACTIVATING), so replacements meet old tasks still stopping.
fn drain(desired: u32, min: u32, max: u32, stopping_counts: bool) -> String {
    format!(
        "duration: 15m
traceInterval: 1s
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - {{AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 2, MaxSize: 2, DesiredCapacity: 2}}
ecs:
  capacityProviders: [{{name: cp, autoScalingGroupProvider: {{autoScalingGroupArn: asg}}}}]
  cluster: {{clusterName: demo, capacityProviders: [cp], defaultCapacityProviderStrategy: [{{capacityProvider: cp, weight: 1}}]}}
  taskDefinitions:
    - {{family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{{name: app, image: web, cpu: 256, memory: 512}}]}}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: {desired}
      placementStrategy: [{{type: binpack, field: memory}}]
      deploymentConfiguration: {{minimumHealthyPercent: {min}, maximumPercent: {max}}}
behavior:
  deployments: {{stoppingTasksCountTowardMaximumPercent: {stopping_counts}}}
  taskDefinitions:
    web: {{deactivatingTime: 2m}}
events:
  - {{at: 5m, drainInstances: {{instanceIds: [i-00000000000000001]}}}}
"
    )
}

/// One task of `tasks.csv`: instance, created, stopped (None while it never stopped).
struct Task {
    instance: String,
    created: f64,
    stopped: Option<f64>,
}

fn tasks(tasks_csv: &str) -> Vec<Task> {
    let instance = column(tasks_csv, "instance_id", None);
    let created = column(tasks_csv, "created_s", None);
    let stopped = column(tasks_csv, "stopped_s", None);
    (0..instance.len())
        .map(|i| Task {
            instance: instance[i].clone(),
            created: created[i].parse().expect("created_s"),
            stopped: stopped[i].parse().ok(),
        })
        .collect()
}

/// The most tasks created and not yet STOPPED at any instant: what maximumPercent bounds when
/// stopping tasks count toward it (PROVISIONING to DEPROVISIONING).
fn most_not_stopped(tasks: &[Task]) -> usize {
    tasks
        .iter()
        .map(|at| {
            tasks
                .iter()
                .filter(|t| t.created <= at.created && t.stopped.is_none_or(|s| s > at.created))
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn draining_counts_stopping_tasks_toward_maximum_percent() {
    // Reference 8.1 with A7: D 4, U = floor(4 x 150 / 100) = 6 tasks from PROVISIONING until
    // STOPPED. With 50 % two draining tasks stop at once while two replacements start; when those
    // are healthy, two more draining tasks may stop, but no further replacement may start until
    // the first two have STOPPED (they still count). With 0 % all four stop at once and only two
    // replacements fit beside them.
    for (min, max) in [(50, 150), (0, 150)] {
        let text = drain(4, min, max, true);
        let out = run_to_strings(&load_text("draining-bounds.yaml", &text).expect("valid"));
        let all = tasks(&out.tasks);
        let most = most_not_stopped(&all);
        assert!(
            most <= 6,
            "{min}/{max}: {most} tasks not yet STOPPED at once, U = 6\n{}",
            out.tasks
        );
        // The replacements beyond the first pass's two each start when a drained task STOPPED:
        // that is the room they wait for.
        let stopped_at: Vec<f64> = all.iter().filter_map(|t| t.stopped).collect();
        let later: Vec<&Task> = all.iter().filter(|t| t.created > 300.0).collect();
        assert_eq!(later.len(), 2, "{min}/{max}:\n{}", out.tasks);
        assert!(
            later.iter().all(|t| stopped_at.contains(&t.created)),
            "{min}/{max}:\n{}",
            out.tasks
        );
        // The drain completes: the four tasks run on the second instance at the end.
        let running: Vec<&Task> = all.iter().filter(|t| t.stopped.is_none()).collect();
        assert_eq!(running.len(), 4, "{min}/{max}:\n{}", out.tasks);
        assert!(
            running.iter().all(|t| t.instance == "i-00000000000000002"),
            "{min}/{max}:\n{}",
            out.tasks
        );
        assert_eq!(
            column(&out.services, "running", None).last().map(String::as_str),
            Some("4")
        );
    }
}

#[test]
fn draining_without_stopping_tasks_counted_starts_beside_them() {
    // A7 false: tasks stopping do not count toward U, so the replacements start as soon as the
    // active tasks (starting or running) leave room: more than U tasks exist while old ones stop.
    let text = drain(4, 50, 150, false);
    let out = run_to_strings(&load_text("draining-bounds.yaml", &text).expect("valid"));
    let all = tasks(&out.tasks);
    assert!(most_not_stopped(&all) > 6, "{}", out.tasks);
    assert_eq!(all.iter().filter(|t| t.stopped.is_none()).count(), 4);
}
