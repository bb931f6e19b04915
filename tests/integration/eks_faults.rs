//! Faults on EKS nodes (issue 20; docs/aws-behaviour.md A25): `failInstances`, `azOutage`,
//! `drainInstances` and `spotInterruption` reach a managed node group's and a Karpenter
//! NodePool's nodes. Before, the first three did nothing to them and `spotInterruption` could
//! not name them. Lost instances follow k8s-semantics 3.4 and the cloud node lifecycle
//! controller (NotReady after 50 s, Node deleted 5 s later, orphaned pods deleted 40 s after
//! that); drains evict through the Eviction API and honour PDBs (k8s-semantics 3.3); Karpenter's
//! interruption handling ignores NodePool budgets (k8s-semantics 6.7). Every run checks the
//! world's invariants after each event.

use crate::support::{RunOutput, column, load_text, run_to_strings};

/// A cluster with a managed node group `general` (three m5.large nodes, one per zone) and a
/// Deployment `web` of six pods, plus `extra` YAML appended (events, settings).
fn node_group_cluster(capacity_type: &str, eks_extra: &str, extra: &str) -> String {
    format!(
        r#"
name: eks faults
seed: 4
duration: 40m
traceInterval: 15s
availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
eks:
  nodegroups:
    - nodegroupName: general
      instanceTypes: [m5.large]
      capacityType: {capacity_type}
      scalingConfig: {{minSize: 1, maxSize: 6, desiredSize: 3}}
{eks_extra}
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {{name: web}}
      spec:
        replicas: 6
        selector: {{matchLabels: {{app: web}}}}
        template:
          metadata: {{labels: {{app: web}}}}
          spec:
            containers:
              - name: app
                image: example/web:1
                resources: {{requests: {{cpu: 500m, memory: 1Gi}}}}
behavior:
  warmStart: true
load:
  web: {{requestsPerSecond: [{{constant: 50}}]}}
{extra}
"#
    )
}

/// A cluster whose Deployment `web` (six pods, PDB minAvailable 5) runs on Karpenter NodePool
/// `spot` (m5.large Spot only, budget `nodes: "0"`).
fn karpenter_cluster(settings: &str, extra: &str) -> String {
    format!(
        r#"
name: eks karpenter faults
seed: 4
duration: 40m
traceInterval: 15s
availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
eks:
  karpenter:
    settings: {{{settings}}}
    nodePools:
      - apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata: {{name: spot}}
        spec:
          template:
            spec:
              requirements:
                - {{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}}
                - {{key: karpenter.sh/capacity-type, operator: In, values: [spot]}}
                - {{key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a, us-east-1b]}}
              nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}
          disruption: {{consolidationPolicy: WhenEmpty, consolidateAfter: 30s, budgets: [{{nodes: "0"}}]}}
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {{name: web}}
      spec:
        replicas: 6
        selector: {{matchLabels: {{app: web}}}}
        template:
          metadata: {{labels: {{app: web}}}}
          spec:
            containers:
              - name: app
                image: example/web:1
                resources: {{requests: {{cpu: 500m, memory: 1Gi}}}}
    - apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata: {{name: web}}
      spec: {{minAvailable: 5, selector: {{matchLabels: {{app: web}}}}}}
behavior:
  warmStart: true
load:
  web: {{requestsPerSecond: [{{constant: 50}}]}}
{extra}
"#
    )
}

fn run(text: &str) -> RunOutput {
    match load_text("eks-faults.yaml", text) {
        Ok(loaded) => run_to_strings(&loaded),
        Err(e) => panic!("{}", e.rendered),
    }
}

/// `(time_s, message)` of the events.csv rows whose message contains `needle`.
fn rows(events: &str, needle: &str) -> Vec<(f64, String)> {
    events
        .lines()
        .skip(1)
        .filter(|l| l.contains(needle))
        .map(|l| {
            let time = l.split(',').next().expect("time").parse().expect("number");
            (time, l.to_string())
        })
        .collect()
}

fn times(events: &str, needle: &str) -> Vec<f64> {
    rows(events, needle).into_iter().map(|(t, _)| t).collect()
}

/// Pods that ended with `reason`.
fn stopped(tasks: &str, reason: &str) -> usize {
    column(tasks, "stop_reason", None)
        .iter()
        .filter(|r| *r == reason)
        .count()
}

fn running_at(services: &str, time_s: &str) -> String {
    services
        .lines()
        .skip(1)
        .find(|l| l.starts_with(&format!("{time_s},")))
        .map(|l| {
            let header: Vec<&str> = services.lines().next().expect("header").split(',').collect();
            let at = header.iter().position(|h| *h == "running").expect("running column");
            l.split(',').nth(at).expect("cell").to_string()
        })
        .expect("a row at that time")
}

#[test]
fn a_failed_instance_loses_its_pods_until_the_node_is_deleted_then_they_are_replaced() {
    let events = "events:\n  - at: 10m\n    failInstances: {nodeNames: [general-2]}";
    let out = run(&node_group_cluster("ON_DEMAND", "", events));
    // k8s-semantics 3.4 and the cloud node lifecycle controller: NotReady after the 50 s
    // grace, deleted 5 s later, orphaned pods deleted 40 s after that.
    assert_eq!(
        times(&out.events, "EC2 instance of node general-2 terminated"),
        vec![600.0]
    );
    assert_eq!(times(&out.events, "Node general-2 is NotReady"), vec![650.0]);
    assert_eq!(
        times(&out.events, "Node general-2 deleted by the cloud node lifecycle"),
        vec![655.0]
    );
    assert_eq!(
        times(&out.events, "Pod garbage collector deleted 2 pod(s)"),
        vec![695.0]
    );
    assert_eq!(stopped(&out.tasks, "NodeLost"), 2);
    // The ReplicaSet counts the lost pods until they are deleted: running drops only then.
    assert_eq!(running_at(&out.services, "690"), "6");
    // The Auto Scaling group replaces the instance after its API latency (10 s).
    assert_eq!(times(&out.events, "Launched m5.large node general-4"), vec![610.0]);
    assert_eq!(
        column(&out.services, "running", None).last().map(String::as_str),
        Some("6")
    );
}

#[test]
fn the_node_lifecycle_timings_are_settings() {
    let settings =
        "  controllerManager: {nodeMonitorGracePeriod: 40s, nodeMonitorPeriod: 10s}\n  timings: {orphanedPodGc: 20s}";
    let events = "events:\n  - at: 10m\n    failInstances: {nodegroup: general, count: 1}";
    let out = run(&node_group_cluster("ON_DEMAND", settings, events));
    assert_eq!(times(&out.events, "Node general-1 is NotReady"), vec![640.0]);
    assert_eq!(times(&out.events, "Pod garbage collector deleted"), vec![670.0]);
}

#[test]
fn a_whole_zone_failure_hits_the_nodes_in_it_and_launches_go_elsewhere() {
    // Before issue 20's faults this terminated no EKS node: "0 instance(s) terminated".
    let events = "events:\n  - at: 10m\n    failInstances: {availabilityZone: us-east-1a}";
    let out = run(&node_group_cluster("ON_DEMAND", "", events));
    let failed = rows(&out.events, "failInstances on EKS nodes");
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].1.contains("1 node(s) terminated without notice: general-1"),
        "{failed:?}"
    );
    let launched = rows(&out.events, "Launched m5.large node general-4");
    assert!(!launched[0].1.contains("us-east-1a"), "{launched:?}");
}

#[test]
fn an_outage_keeps_launches_out_of_the_zone_until_it_recovers() {
    let events = "events:\n  - at: 10m\n    azOutage: {availabilityZone: us-east-1a, duration: 10m}\n  \
                  - at: 25m\n    failInstances: {nodegroup: general}";
    let out = run(&node_group_cluster("ON_DEMAND", "", events));
    let during: Vec<String> = rows(&out.events, "Launched m5.large")
        .into_iter()
        .filter(|(t, _)| *t < 1200.0)
        .map(|(_, l)| l)
        .collect();
    assert_eq!(during.len(), 1, "{during:?}");
    assert!(!during[0].contains("us-east-1a"), "{during:?}");
    // After the recovery the group rebalances across its zones again: 1a gets a node back.
    let after: Vec<String> = rows(&out.events, "Launched m5.large")
        .into_iter()
        .filter(|(t, _)| *t > 1500.0)
        .map(|(_, l)| l)
        .collect();
    assert!(after.iter().any(|l| l.contains("us-east-1a")), "{after:?}");
}

#[test]
fn karpenter_offers_no_capacity_in_a_zone_that_is_out() {
    let events = "events:\n  - at: 10m\n    azOutage: {availabilityZone: us-east-1b, duration: 20m}";
    let out = run(&karpenter_cluster("", events));
    let lost = rows(&out.events, "outage: 1 EKS node(s) terminated");
    assert_eq!(lost.len(), 1, "{}", out.events);
    let during: Vec<String> = rows(&out.events, "Launched m5.large")
        .into_iter()
        .filter(|(t, _)| (600.0..1800.0).contains(t))
        .map(|(_, l)| l)
        .collect();
    assert!(!during.is_empty());
    assert!(during.iter().all(|l| l.contains("us-east-1a")), "{during:?}");
}

#[test]
fn a_spot_node_group_replaces_the_at_risk_node_before_the_notice() {
    let events = "events:\n  - at: 20m\n    spotInterruption: {nodegroup: general, count: 1}";
    let out = run(&node_group_cluster("SPOT", "", events));
    // The recommendation comes 10 minutes before the burst (A23's lead).
    let recommended = rows(&out.events, "rebalance recommendation for node");
    assert_eq!(recommended.len(), 1);
    assert_eq!(recommended[0].0, 600.0);
    // The replacement launches after the ASG latency; once it is Ready EKS drains the at-risk
    // node, which terminates when its pods are gone; the burst then finds it gone.
    let retired = rows(&out.events, "Capacity Rebalancing: replacement general-4 is Ready");
    assert_eq!(retired.len(), 1, "{}", out.events);
    assert!(retired[0].0 > 610.0 && retired[0].0 < 700.0);
    assert_eq!(rows(&out.events, "Amazon EKS (Capacity Rebalancing): node").len(), 1);
    assert!(rows(&out.events, "0 Spot node(s) get a two-minute notice").len() == 1);
    assert_eq!(stopped(&out.tasks, "NodeLost"), 0);
    assert_eq!(
        column(&out.services, "running", None).last().map(String::as_str),
        Some("6")
    );
}

#[test]
fn without_a_lead_the_notice_drains_the_node_and_ec2_takes_it_two_minutes_later() {
    let events = "events:\n  - at: 20m\n    spotInterruption: {nodegroup: general, count: 1}";
    let text = node_group_cluster("SPOT", "", events).replace(
        "  warmStart: true\n",
        "  warmStart: true\n  instances: {rebalanceRecommendationLead: 0s}\n",
    );
    let out = run(&text);
    let notice = rows(&out.events, "EC2 Spot Instance interruption notice");
    assert_eq!(notice.len(), 1);
    assert_eq!(notice[0].0, 1200.0);
    assert!(
        notice[0].1.contains("Amazon EKS cordons and drains it now"),
        "{notice:?}"
    );
    // The replacement launched with the recommendation, in parallel with the drain.
    assert_eq!(times(&out.events, "Launched m5.large node general-4"), vec![1210.0]);
    // Drained before the two minutes are up: nothing left on it to lose.
    assert_eq!(stopped(&out.tasks, "NodeLost"), 0);
}

#[test]
fn karpenter_drains_at_the_notice_despite_a_zero_budget_and_honours_the_pdb() {
    let events = "events:\n  - at: 10m\n    spotInterruption: {nodePool: spot, count: 1}";
    let out = run(&karpenter_cluster("interruptionQueue: Karpenter-demo", events));
    let drained = rows(&out.events, "Karpenter interruption controller: node");
    assert_eq!(drained.len(), 1, "{}", out.events);
    assert_eq!(drained[0].0, 600.0);
    // minAvailable 5 of 6: one eviction at a time; the rest wait for the replacement pods.
    assert!(drained[0].1.contains("evicted 1 pod(s)"), "{drained:?}");
    assert!(
        drained[0].1.contains("would violate their PodDisruptionBudget"),
        "{drained:?}"
    );
    let retries = rows(&out.events, "Eviction retry on node");
    assert!(!retries.is_empty());
    // Retries come on the 5 s grid of kubectl's interval.
    assert!(retries.iter().all(|(t, _)| (t - 600.0) % 5.0 == 0.0), "{retries:?}");
    assert_eq!(stopped(&out.tasks, "NodeLost"), 0);
    assert_eq!(stopped(&out.tasks, "Deleted"), 3);
}

#[test]
fn karpenter_without_an_interruption_queue_loses_the_pods_with_the_instance() {
    let events = "events:\n  - at: 10m\n    spotInterruption: {nodePool: spot, count: 1}";
    let out = run(&karpenter_cluster("", events));
    let notice = rows(&out.events, "EC2 Spot Instance interruption notice");
    assert!(
        notice[0].1.contains("Karpenter has no interruption queue"),
        "{notice:?}"
    );
    assert_eq!(times(&out.events, "EC2 instance of node"), vec![720.0]);
    assert_eq!(stopped(&out.tasks, "NodeLost"), 3);
}

#[test]
fn kubectl_drain_cordons_the_node_and_waits_for_the_budget() {
    let events = "events:\n  - at: 10m\n    drainInstances: {nodeNames: [spot-1]}";
    let out = run(&karpenter_cluster("", events));
    let drained = rows(&out.events, "kubectl drain: node spot-1 cordoned");
    assert_eq!(drained.len(), 1, "{}", out.events);
    // The node stays (cordoned, not terminated) and no pod is bound to it again.
    assert!(rows(&out.events, "Terminated node spot-1").is_empty());
    let tasks = &out.tasks;
    let created = column(tasks, "created_s", None);
    let nodes = column(tasks, "instance_id", None);
    let later_on_it = created
        .iter()
        .zip(&nodes)
        .filter(|(c, n)| c.parse::<f64>().expect("created") > 600.0 && *n == "spot-1")
        .count();
    assert_eq!(later_on_it, 0);
    let evicted: usize = rows(&out.events, "spot-1")
        .iter()
        .filter_map(|(_, l)| l.split("evicted ").nth(1))
        .map(|s| s.split(' ').next().expect("count").parse::<usize>().expect("number"))
        .sum();
    assert_eq!(evicted, 3);
}

#[test]
fn the_same_faults_give_the_same_bytes() {
    let events = "events:\n  - at: 10m\n    spotInterruption: {nodePool: spot, fraction: 0.5}\n  \
                  - at: 20m\n    azOutage: {availabilityZone: us-east-1a, duration: 5m}";
    let text = karpenter_cluster("interruptionQueue: q", events);
    let (a, b) = (run(&text), run(&text));
    assert_eq!(a.events, b.events);
    assert_eq!(a.tasks, b.tasks);
    assert_eq!(a.services, b.services);
}

/// The rendered errors of `text`.
fn errors(text: &str) -> String {
    match load_text("eks-faults.yaml", text) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.rendered,
    }
}

#[test]
fn a_burst_on_an_on_demand_node_group_is_an_error_with_the_fix() {
    let events = "events:\n  - at: 10m\n    spotInterruption: {nodegroup: general, count: 1}";
    let rendered = errors(&node_group_cluster("ON_DEMAND", "", events));
    assert!(
        rendered.contains("error: node group `general` is ON_DEMAND: its nodes get no Spot interruption notice"),
        "{rendered}"
    );
    assert!(rendered.contains("eks-faults.yaml:"), "{rendered}");
    assert!(
        rendered.contains("field: events[0].spotInterruption.nodegroup"),
        "{rendered}"
    );
    assert!(
        rendered.contains("help: give the node group capacityType: SPOT, or use failInstances"),
        "{rendered}"
    );
}

#[test]
fn selector_mistakes_name_the_field_and_the_fix() {
    let cases = [
        (
            "spotInterruption: {nodegroup: genral, count: 1}",
            "no node group named `genral`",
            "did you mean `general`?",
        ),
        (
            "spotInterruption: {nodePool: spot, count: 1}",
            "no NodePool named `spot`",
            "the scenario's `eks:` block defines no NodePool",
        ),
        (
            "failInstances: {nodeNames: [general-0]}",
            "`general-0` is not a node name of the simulator",
            "general-1, general-2, ...",
        ),
        (
            "failInstances: {nodegroup: general, autoScalingGroup: asg}",
            "`autoScalingGroup` picks ECS container instances and `nodegroup`, `nodePool` or `nodeNames` EKS nodes",
            "split the action into one event for the ECS instances and one for the EKS nodes",
        ),
        (
            "spotInterruption: {nodegroup: general}",
            "missing `count` or `fraction`: how many Spot nodes are interrupted",
            "field: events[0].spotInterruption",
        ),
    ];
    for (event, message, help) in cases {
        let text = node_group_cluster("SPOT", "", &format!("events:\n  - at: 10m\n    {event}"));
        let rendered = errors(&text);
        assert!(rendered.contains(message), "{event}: {rendered}");
        assert!(rendered.contains(help), "{event}: {rendered}");
        assert!(
            rendered.contains("eks-faults.yaml:34:"),
            "{event}: line and column: {rendered}"
        );
    }
}

#[test]
fn faults_in_the_middle_of_autoscaling_keep_the_invariants() {
    // The burst of scenarios/eks-cluster-autoscaler-vs-karpenter.yaml (Cluster Autoscaler and
    // Karpenter growing at 20m, consolidating after 50m) with every kind of fault in it; the
    // run checks the invariants after each event, including the lost pods' (faults.rs).
    let path = crate::support::root().join("scenarios/eks-cluster-autoscaler-vs-karpenter.yaml");
    let text = std::fs::read_to_string(path).expect("scenario");
    let expect_at = text.find("\nexpect:").expect("an expect block");
    let events = "\nevents:\n\
                  - {at: 21m, failInstances: {nodegroup: general, count: 1}}\n\
                  - {at: 24m, azOutage: {availabilityZone: us-east-1b, duration: 15m}}\n\
                  - {at: 26m, drainInstances: {nodePool: default, count: 1}}\n\
                  - {at: 30m, failInstances: {availabilityZone: us-east-1c, instanceType: m5.large, fraction: 0.5}}\n\
                  - {at: 52m, failInstances: {nodePool: default, count: 2}}\n\
                  - {at: 58m, drainInstances: {nodegroup: general, fraction: 0.3}}\n";
    let text = format!("{}{events}", &text[..expect_at]);
    let out = run(&text);
    assert_eq!(rows(&out.events, "failInstances on EKS nodes").len(), 3);
    assert!(stopped(&out.tasks, "NodeLost") > 0);
    // Every Deployment is whole again at the end.
    for d in ["on-ca", "on-karpenter"] {
        let running = column(&out.services, "running", Some(("service", d)));
        let desired = column(&out.services, "desired", Some(("service", d)));
        assert_eq!(running.last(), desired.last(), "{d}");
    }
}
