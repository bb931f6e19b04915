//! EC2 Auto Scaling Capacity Rebalancing (`CapacityRebalance`). Sources:
//! https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-capacity-rebalancing.html
//! (a replacement launches on the rebalance recommendation; the old instance terminates after
//! the new one passes its health checks; near MaxSize rebalancing cannot launch) and
//! API_CreateAutoScalingGroup `CapacityRebalance`; the lead before the notice is ecsim's choice
//! (docs/aws-behaviour.md A23).

use crate::support::{column, load_file, root, run_to_strings};

fn run(sets: &[(&str, &str)]) -> crate::support::RunOutput {
    let path = root().join("scenarios/spot-capacity-rebalance.yaml");
    run_to_strings(&load_file(&path, sets).expect("valid"))
}

fn killed_with_instances(tasks: &str) -> usize {
    column(tasks, "stop_reason", Some(("service", "web")))
        .iter()
        .filter(|r| *r == "Host EC2 instance terminated")
        .count()
}

#[test]
fn replacements_launch_ahead_of_the_notice_and_the_tasks_move() {
    let with = run(&[]);
    let without = run(&[("ec2AutoScaling.autoScalingGroups[1].CapacityRebalance", "false")]);
    // Seven recommendations at 13:50 (14:00 minus the 10-minute lead), each followed by the
    // retirement of its instance once a replacement registered.
    let recommended: Vec<&str> = with
        .events
        .lines()
        .filter(|l| l.contains("rebalance recommendation for"))
        .collect();
    assert_eq!(recommended.len(), 7);
    assert!(recommended.iter().all(|l| l.starts_with("49800,")), "{recommended:?}");
    let retired = with
        .events
        .lines()
        .filter(|l| l.contains("terminating at-risk Spot Instance"))
        .count();
    assert_eq!(retired, 7);
    assert!(with.events.contains("0 Spot instance(s) get a two-minute notice"));
    // Managed draining moved the tasks: none died with its instance; without the setting 13 did.
    assert_eq!(killed_with_instances(&with.tasks), 0);
    assert_eq!(killed_with_instances(&without.tasks), 13);
    assert!(without.events.contains("7 Spot instance(s) get a two-minute notice"));
}

#[test]
fn at_max_size_no_replacement_launches_and_the_notice_still_comes() {
    // "Reaching or nearing the maximum capacity can impede or completely stop rebalancing".
    let capped = run(&[("ec2AutoScaling.autoScalingGroups[1].MaxSize", "13")]);
    let blocked = capped
        .events
        .lines()
        .filter(|l| l.contains("cannot launch a replacement"))
        .count();
    assert!(blocked > 0, "{}", capped.events);
    assert!(!capped.events.contains("0 Spot instance(s) get a two-minute notice"));
}

#[test]
fn the_lead_is_a_behaviour_setting() {
    let late = run(&[("behavior.instances.rebalanceRecommendationLead", "1m")]);
    let first = late
        .events
        .lines()
        .find(|l| l.contains("rebalance recommendation for"))
        .expect("a recommendation");
    assert!(first.starts_with("50340,"), "{first}");
}

#[test]
fn the_setting_is_read_not_ignored_and_a_bad_lead_is_an_error() {
    let path = root().join("scenarios/spot-capacity-rebalance.yaml");
    let loaded = load_file(&path, &[]).expect("valid");
    assert!(loaded.spec.auto_scaling_groups[1].capacity_rebalance);
    assert!(!loaded.spec.auto_scaling_groups[0].capacity_rebalance);
    assert_eq!(
        loaded.spec.behavior.instances.rebalance_recommendation_lead,
        ecsim::sim::SimDuration::from_secs(600)
    );
    assert!(
        !loaded
            .spec
            .ignored_fields
            .iter()
            .any(|f| f.contains("CapacityRebalance"))
    );
    let Err(bad) = load_file(&path, &[("behavior.instances.rebalanceRecommendationLead", "soon")]) else {
        panic!("an error")
    };
    assert!(bad.to_string().contains("rebalanceRecommendationLead"), "{bad}");
}
