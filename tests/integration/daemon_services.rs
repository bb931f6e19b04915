//! DAEMON services (reference 8.6): one task per ACTIVE matching instance, placed first on a new
//! instance, stopped last when it drains; daemon tasks leave an instance empty for the capacity
//! provider reservation and managed scale-in (reference 6.3, 6.5); what CreateService refuses
//! with DAEMON, in AWS's words; a daemon deployment keeps maximumPercent at 100 (reference 8.1).

use std::collections::BTreeMap;

use crate::support::{column, load_file, load_text, root, run_to_strings};

/// One row of `tasks.csv`: service, instance, created_s, task number, stopped_s.
type TaskRow = (String, String, f64, u64, Option<f64>);

/// The rows of `tasks.csv`.
fn tasks(csv: &str) -> Vec<TaskRow> {
    let service = column(csv, "service", None);
    let instance = column(csv, "instance_id", None);
    let created = column(csv, "created_s", None);
    let id = column(csv, "task_id", None);
    let stopped = column(csv, "stopped_s", None);
    (0..service.len())
        .map(|i| {
            let number = id[i].trim_start_matches("t-").parse().expect("task number");
            (
                service[i].clone(),
                instance[i].clone(),
                created[i].parse().expect("created_s"),
                number,
                stopped[i].parse().ok(),
            )
        })
        .collect()
}

#[test]
fn every_instance_gets_its_daemon_task_first_and_loses_it_last() {
    // Reference 8.6: placed first, stopped last; the scenario scales out and back in.
    let loaded = load_file(&root().join("scenarios/daemon-log-collector.yaml"), &[]).expect("loads");
    let out = run_to_strings(&loaded);
    let all = tasks(&out.tasks);
    let mut by_instance: BTreeMap<&str, Vec<&TaskRow>> = BTreeMap::new();
    for t in &all {
        by_instance.entry(t.1.as_str()).or_default().push(t);
    }
    assert!(
        by_instance.len() >= 8,
        "the cluster scaled out: {} instances",
        by_instance.len()
    );
    let running_s = column(&out.tasks, "running_s", None);
    let ids = column(&out.tasks, "task_id", None);
    let running_of = |number: u64| -> f64 {
        let i = ids
            .iter()
            .position(|id| *id == format!("t-{number}"))
            .expect("task row");
        running_s[i].parse().unwrap_or(f64::MAX)
    };
    for (instance, on) in by_instance {
        let daemons = on.iter().filter(|t| t.0 == "log-collector").count();
        assert_eq!(daemons, 1, "{instance} ran {daemons} log-collector tasks");
        // The daemon task is placed (created on the instance) before any web task starts there.
        let daemon = on.iter().find(|t| t.0 == "log-collector").expect("daemon task");
        for web in on.iter().filter(|t| t.0 == "web") {
            assert!(
                daemon.2 <= running_of(web.3),
                "{instance}: {web:?} ran before {daemon:?}"
            );
        }
        // Where the daemon task stopped (the instance drained), every web task stopped before it.
        if let Some(daemon_stop) = daemon.4 {
            for web in on.iter().filter(|t| t.0 == "web") {
                let web_stop = web.4.expect("a web task on a drained instance stopped");
                assert!(
                    web_stop <= daemon_stop,
                    "{instance}: web stopped at {web_stop} after {daemon_stop}"
                );
            }
        }
    }
}

#[test]
fn daemon_running_equals_the_instances_and_scale_in_still_happens() {
    // Reference 6.3 and 6.5: an instance with only its daemon task counts as empty.
    let loaded = load_file(&root().join("scenarios/daemon-log-collector.yaml"), &[]).expect("loads");
    let out = run_to_strings(&loaded);
    let running = column(&out.services, "running", Some(("service", "log-collector")));
    let desired = column(&out.services, "desired", Some(("service", "log-collector")));
    let instances = column(&out.cluster, "instances", None);
    assert_eq!(running.len(), instances.len());
    let mut differ = 0;
    for i in 0..running.len() {
        assert_eq!(
            desired[i], instances[i],
            "row {i}: desired follows the ACTIVE instances"
        );
        differ += usize::from(running[i] != instances[i]);
    }
    // Only the minutes a new daemon task is still starting may differ.
    assert!(differ * 50 < running.len(), "{differ} rows of {} differ", running.len());
    let peak: u32 = instances
        .iter()
        .map(|v| v.parse::<u32>().expect("n"))
        .max()
        .expect("rows");
    assert_eq!(
        instances.last().map(String::as_str),
        Some("1"),
        "scaled in to MinSize at night"
    );
    assert!(peak >= 8);
}

#[test]
fn daemon_tasks_shrink_the_room_for_service_tasks() {
    // Three 512-unit web tasks fit beside a 256-unit daemon task on an m5.large, four without it.
    let yaml = |daemon: bool| {
        format!(
            "duration: 10m
availabilityZones: [us-east-1a]
ec2AutoScaling:
  autoScalingGroups:
    - {{AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 1, MaxSize: 1, DesiredCapacity: 1}}
ecs:
  capacityProviders: [{{name: cp, autoScalingGroupProvider: {{autoScalingGroupArn: asg}}}}]
  cluster: {{clusterName: demo, capacityProviders: [cp]}}
  taskDefinitions:
    - {{family: web, networkMode: bridge, containerDefinitions: [{{name: app, image: web, cpu: 512, memory: 512}}]}}
    - {{family: agent, networkMode: bridge, containerDefinitions: [{{name: a, image: a, cpu: 256, memory: 256}}]}}
  services:
    - {{serviceName: web, taskDefinition: web, desiredCount: 4, launchType: EC2}}
{}",
            if daemon {
                "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2}\n"
            } else {
                ""
            }
        )
    };
    let running = |daemon: bool| {
        let out = run_to_strings(&load_text("room.yaml", &yaml(daemon)).expect("loads"));
        column(&out.services, "running", Some(("service", "web")))
            .last()
            .cloned()
            .expect("rows")
    };
    assert_eq!(running(false), "4");
    assert_eq!(running(true), "3");
}

#[test]
fn a_daemon_deployment_replaces_each_instance_task_in_place() {
    // Reference 8.1: maximumPercent 100, minimumHealthyPercent 0 by default: never two agent
    // tasks on one instance, and every instance ends on the new revision.
    let yaml = "duration: 30m
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 3, MaxSize: 3, DesiredCapacity: 3}
ecs:
  capacityProviders: [{name: cp, autoScalingGroupProvider: {autoScalingGroupArn: asg}}]
  cluster: {clusterName: demo, capacityProviders: [cp]}
  taskDefinitions:
    - {family: agent, networkMode: bridge, containerDefinitions: [{name: a, image: a:1, cpu: 256, memory: 256}]}
    - {family: agent, networkMode: bridge, containerDefinitions: [{name: a, image: a:2, cpu: 256, memory: 256}]}
  services:
    - {serviceName: agent, taskDefinition: agent:1, schedulingStrategy: DAEMON, launchType: EC2}
events:
  - {at: 5m, updateService: {service: agent, taskDefinition: agent:2}}
  - {at: 15m, updateService: {service: agent, forceNewDeployment: true}}
";
    let loaded = load_text("deploy.yaml", yaml).expect("loads");
    assert_eq!(loaded.spec.services[0].deployment.maximum_percent, 100);
    assert_eq!(loaded.spec.services[0].deployment.minimum_healthy_percent, 0);
    let out = run_to_strings(&loaded);
    assert!(out.events.contains("deployment ecs-svc/2 completed"), "{}", out.events);
    let all = tasks(&out.tasks);
    let revisions = column(&out.tasks, "task_definition", None);
    let new_running = (0..all.len())
        .filter(|i| revisions[*i] == "agent:2" && all[*i].4.is_none())
        .count();
    assert_eq!(new_running, 3, "one agent:2 task per instance");
    // forceNewDeployment replaces every task again, though the revision is the same.
    assert!(out.events.contains("deployment ecs-svc/3 completed"), "{}", out.events);
    let replaced = all.iter().filter(|t| t.2 > 900.0 && t.4.is_none()).count();
    assert_eq!(
        replaced, 3,
        "the three tasks left are the ones the forced deployment started"
    );
    // No instance ever held two agent tasks at once.
    for (i, a) in all.iter().enumerate() {
        for b in all.iter().skip(i + 1).filter(|b| b.1 == a.1) {
            let (a_end, b_end) = (a.4.unwrap_or(f64::MAX), b.4.unwrap_or(f64::MAX));
            assert!(a_end <= b.2 || b_end <= a.2, "{} overlaps on {}: {a:?} {b:?}", a.3, a.1);
        }
    }
}

#[test]
fn create_service_refusals_of_daemon_give_aws_errors() {
    // AWS refuses a desired count, a placement strategy, a capacity provider strategy, Fargate
    // and maximumPercent above 100 with DAEMON, and Service Auto Scaling has nothing to scale.
    let base = "duration: 10m
availabilityZones: [us-east-1a]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 1, MaxSize: 1, DesiredCapacity: 1}
ecs:
  capacityProviders: [{name: cp, autoScalingGroupProvider: {autoScalingGroupArn: asg}}]
  cluster: {clusterName: demo, capacityProviders: [cp, FARGATE]}
  taskDefinitions:
    - {family: agent, networkMode: awsvpc, cpu: '256', memory: '512', requiresCompatibilities: [EC2, FARGATE], containerDefinitions: [{name: a, image: a}]}
  services:
";
    let cases = [
        (
            "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2, desiredCount: 2}\n",
            "The daemon scheduling strategy does not support a desired count for services.",
        ),
        (
            "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2, placementStrategy: [{type: binpack, field: cpu}]}\n",
            "The daemon scheduling strategy does not support placement strategies.",
        ),
        (
            "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, capacityProviderStrategy: [{capacityProvider: cp, weight: 1}]}\n",
            "Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy.",
        ),
        (
            "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: FARGATE}\n",
            "Tasks using the Fargate launch type do not support the DAEMON scheduling strategy",
        ),
        (
            "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2, deploymentConfiguration: {maximumPercent: 200}}\n",
            "does not support values above 100 for maximumPercent",
        ),
        (
            "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2, deploymentConfiguration: {strategy: CANARY}}\n",
            "a DAEMON service deploys with the ROLLING strategy only; found CANARY",
        ),
        (
            "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2}
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/agent, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 4}
",
            "service `agent` uses the DAEMON scheduling strategy: it has no desired count, so Service Auto Scaling cannot scale it",
        ),
        (
            "    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2}
events:
  - {at: 1m, updateService: {service: agent, desiredCount: 3}}
",
            "The daemon scheduling strategy does not support a desired count for services.",
        ),
    ];
    for (service, expected) in cases {
        let yaml = format!("{base}{service}");
        match load_text("daemon.yaml", &yaml) {
            Ok(_) => panic!("loaded, but should fail with {expected}:\n{yaml}"),
            Err(e) => assert!(e.rendered.contains(expected), "{}\nwanted: {expected}", e.rendered),
        }
    }
    let ok = format!(
        "{base}    - {{serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2}}\n"
    );
    assert!(load_text("daemon.yaml", &ok).is_ok());
}

#[test]
fn a_daemon_deployment_keeps_minimum_healthy_percent() {
    // Reference 8.1: with minimumHealthyPercent 50 of 4 instances, L = 2: at most two agent
    // tasks are replaced at a time (the invariants check L after every event), and it completes.
    let yaml = "duration: 30m
traceInterval: 1s
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 4, MaxSize: 4, DesiredCapacity: 4}
ecs:
  capacityProviders: [{name: cp, autoScalingGroupProvider: {autoScalingGroupArn: asg}}]
  cluster: {clusterName: demo, capacityProviders: [cp]}
  taskDefinitions:
    - {family: agent, networkMode: bridge, containerDefinitions: [{name: a, image: a:1, cpu: 256, memory: 256}]}
    - {family: agent, networkMode: bridge, containerDefinitions: [{name: a, image: a:2, cpu: 256, memory: 256}]}
  services:
    - serviceName: agent
      taskDefinition: agent:1
      schedulingStrategy: DAEMON
      launchType: EC2
      deploymentConfiguration: {minimumHealthyPercent: 50}
events:
  - {at: 5m, updateService: {service: agent, taskDefinition: agent:2}}
";
    let loaded = load_text("deploy50.yaml", yaml).expect("loads");
    assert_eq!(loaded.spec.services[0].deployment.minimum_healthy_percent, 50);
    let out = run_to_strings(&loaded);
    assert!(out.events.contains("deployment ecs-svc/2 completed"), "{}", out.events);
    let healthy = column(&out.services, "healthy", Some(("service", "agent")));
    let least = healthy
        .iter()
        .map(|h| h.parse::<u32>().expect("n"))
        .min()
        .expect("rows");
    assert_eq!(least, 2, "L = ceil(4 x 50 / 100) = 2 healthy tasks at the lowest");
}

#[test]
fn a_draining_instance_stops_its_daemon_task_after_its_service_tasks() {
    // Reference 8.6: the web tasks on the drained instance are replaced and stop (2 minutes
    // DEACTIVATING); the agent task stops only once they are all STOPPED, and is not replaced.
    let yaml = "duration: 20m
traceInterval: 1s
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 2, MaxSize: 2, DesiredCapacity: 2}
ecs:
  capacityProviders: [{name: cp, autoScalingGroupProvider: {autoScalingGroupArn: asg}}]
  cluster: {clusterName: demo, capacityProviders: [cp]}
  taskDefinitions:
    - {family: web, networkMode: bridge, containerDefinitions: [{name: app, image: web, cpu: 256, memory: 512}]}
    - {family: agent, networkMode: bridge, containerDefinitions: [{name: a, image: a, cpu: 128, memory: 128}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 2, launchType: EC2, placementStrategy: [{type: binpack, field: memory}]}
    - {serviceName: agent, taskDefinition: agent, schedulingStrategy: DAEMON, launchType: EC2}
behavior:
  taskDefinitions:
    web: {deactivatingTime: 2m}
events:
  - {at: 5m, drainInstances: {instanceIds: [i-00000000000000001]}}
";
    let out = run_to_strings(&load_text("drain.yaml", yaml).expect("loads"));
    let all = tasks(&out.tasks);
    let drained = "i-00000000000000001";
    let on: Vec<&TaskRow> = all.iter().filter(|t| t.1 == drained).collect();
    let web_stops: Vec<f64> = on
        .iter()
        .filter(|t| t.0 == "web")
        .map(|t| t.4.expect("web stopped"))
        .collect();
    assert_eq!(web_stops.len(), 2, "both web tasks were binpacked on {drained}: {on:?}");
    let agent = on.iter().find(|t| t.0 == "agent").expect("agent task");
    let agent_stop = agent.4.expect("the agent stopped");
    let last_web = web_stops.iter().copied().fold(0.0, f64::max);
    assert!(
        last_web >= 300.0 + 120.0,
        "web tasks deactivate for 2 minutes: {last_web}"
    );
    assert!(
        agent_stop >= last_web,
        "agent stopped at {agent_stop}, before web at {last_web}"
    );
    let agents_on_drained = on.iter().filter(|t| t.0 == "agent").count();
    assert_eq!(agents_on_drained, 1, "no daemon task is placed on a DRAINING instance");
    let desired = column(&out.services, "desired", Some(("service", "agent")));
    assert_eq!(
        desired.last().map(String::as_str),
        Some("1"),
        "one ACTIVE instance left"
    );
}
