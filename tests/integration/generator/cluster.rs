//! The cluster of a generated scenario: Auto Scaling groups, capacity providers, task
//! definitions, services, their behaviour and their load.

use serde_json::{Map, Value, json};

use super::{Gen, put};

/// An Auto Scaling group and the capacity provider on it.
pub struct Group {
    /// `AutoScalingGroupName`.
    pub name: String,
    /// The capacity provider's name.
    pub provider: String,
    /// Managed scaling is ENABLED.
    pub managed: bool,
    /// Some of its instances are Spot.
    pub spot: bool,
}

/// A generated service.
pub struct Service {
    /// `serviceName`, also its task definition family.
    pub name: String,
    /// Runs on Fargate (else on the groups' instances).
    pub fargate: bool,
    /// Some of its tasks go to FARGATE_SPOT.
    pub fargate_spot: bool,
    /// A queue worker (load in messages).
    pub worker: bool,
    /// Its essential container has a health check.
    pub health_check: bool,
}

/// Instance types of x86 families with different shapes (general, compute, memory, burstable).
const INSTANCE_TYPES: &[&str] = &[
    "m5.large",
    "m5.xlarge",
    "c5.large",
    "c5.xlarge",
    "r5.large",
    "m6i.large",
    "c6i.xlarge",
    "t3.medium",
];

/// Valid Fargate (cpu, memory) pairs.
const FARGATE_SIZES: &[(&str, &str)] = &[("256", "512"), ("512", "1024"), ("1024", "2048"), ("2048", "4096")];

/// (minimumHealthyPercent, maximumPercent) pairs, including one that stalls (100/125 of few tasks).
const DEPLOYMENT_PERCENTS: &[(u64, u64)] = &[(100, 200), (50, 200), (50, 100), (0, 100), (100, 150), (100, 125)];

/// Adds the groups, providers, cluster, task definitions, services, behaviour and load.
pub fn generate(g: &mut Gen, top: &mut Map<String, Value>) {
    let group_count = if g.chance(0.3) { 0 } else { g.int(1, 2) };
    let mut asgs = Vec::new();
    let mut providers = Vec::new();
    for i in 0..group_count {
        let (asg, provider) = group(g, i);
        asgs.push(asg);
        providers.push(provider);
    }
    put(top, "ec2AutoScaling", json!({ "autoScalingGroups": asgs }));

    let service_count = g.int(1, 3);
    for i in 0..service_count {
        let fargate = g.groups.is_empty() || g.chance(0.35);
        let service = Service {
            name: format!("svc{i}"),
            fargate,
            fargate_spot: fargate && g.chance(0.4),
            worker: g.chance(0.15),
            health_check: false,
        };
        g.services.push(service);
    }
    let mut task_definitions = Vec::new();
    let mut services = Vec::new();
    let mut behavior = Map::new();
    let mut load = Map::new();
    for i in 0..g.services.len() {
        task_definitions.extend(task_definition_revisions(g, i));
        services.push(service(g, i));
        behavior.insert(g.services[i].name.clone(), family_behavior(g, i));
        if g.chance(0.4) {
            let bad = json!({
                "startFailureProbability": g.pick(&[0.0, 0.3, 1.0]),
            });
            let mut bad = bad;
            if g.services[i].health_check {
                bad["healthCheckFailureProbability"] = json!(g.pick(&[0.0, 0.2]));
            }
            behavior.insert(format!("{}:2", g.services[i].name), bad);
        }
        load.insert(g.services[i].name.clone(), service_load(g, i));
    }
    let target_groups = traffic_shifting(g, &mut services);
    if !target_groups.is_empty() {
        top.insert("elasticLoadBalancing".into(), json!({ "targetGroups": target_groups }));
    }
    if !g.groups.is_empty() && g.chance(0.3) {
        let (daemon_td, daemon) = daemon_service(g);
        task_definitions.push(daemon_td);
        services.push(daemon);
    }
    let mut cluster_providers: Vec<String> = g.groups.iter().map(|gr| gr.provider.clone()).collect();
    cluster_providers.extend(["FARGATE".to_string(), "FARGATE_SPOT".to_string()]);
    let mut cluster = json!({ "clusterName": "gen", "capacityProviders": cluster_providers });
    if let Some(first) = g.groups.first() {
        cluster["defaultCapacityProviderStrategy"] = json!([{ "capacityProvider": first.provider, "weight": 1 }]);
    }
    let mut ecs = Map::new();
    put(&mut ecs, "capacityProviders", Value::Array(providers));
    ecs.insert("cluster".into(), cluster);
    ecs.insert("taskDefinitions".into(), Value::Array(task_definitions));
    ecs.insert("services".into(), Value::Array(services));
    top.insert("ecs".into(), Value::Object(ecs));

    let mut behavior_block = json!({ "taskDefinitions": behavior });
    if g.chance(0.3) {
        behavior_block["fargateSpot"] = json!({ "interruptionsPerTaskHour": g.pick(&[0.2, 1.0, 4.0]) });
    }
    if g.chance(0.5) {
        behavior_block["instances"] = json!({
            "launchTime": { "median": g.pick(&["30s", "70s"]), "p95": "150s" },
            "enableSpotInstanceDraining": g.chance(0.5),
        });
    }
    if g.chance(0.3) {
        behavior_block["warmStart"] = json!(false);
    }
    if g.chance(0.3) {
        behavior_block["deployments"] = json!({
            "lifecycleHookDuration": g.pick(&["10s", "45s"]),
            "lifecycleHookFailureProbability": g.pick(&[0.0, 0.3, 1.0]),
        });
    }
    top.insert("behavior".into(), behavior_block);
    top.insert("load".into(), Value::Object(load));
}

/// Issue 19: some request-serving services deploy with BLUE_GREEN, LINEAR or CANARY behind two
/// target groups of their own (returned, for `elasticLoadBalancing`), some with a lifecycle hook.
fn traffic_shifting(g: &mut Gen, services: &mut [Value]) -> Vec<Value> {
    let mut target_groups = Vec::new();
    for (i, s) in services.iter_mut().enumerate() {
        if g.services[i].worker || !g.chance(0.3) {
            continue;
        }
        let name = g.services[i].name.clone();
        let (blue, green) = (format!("{name}-blue"), format!("{name}-green"));
        target_groups.push(json!({ "TargetGroupName": blue }));
        target_groups.push(json!({ "TargetGroupName": green }));
        let config = &mut s["deploymentConfiguration"];
        config["bakeTimeInMinutes"] = json!(g.int(0, 3));
        match g.int(0, 2) {
            0 => config["strategy"] = json!("BLUE_GREEN"),
            1 => {
                config["strategy"] = json!("LINEAR");
                config["linearConfiguration"] = json!({
                    "stepPercent": g.pick(&[20.0, 33.3, 50.0]),
                    "stepBakeTimeInMinutes": g.int(0, 2),
                });
            }
            _ => {
                config["strategy"] = json!("CANARY");
                config["canaryConfiguration"] = json!({
                    "canaryPercent": g.pick(&[5.0, 10.0, 100.0]),
                    "canaryBakeTimeInMinutes": g.int(0, 3),
                });
            }
        }
        if g.chance(0.3) {
            let stage = g.pick(&[
                "PRE_SCALE_UP",
                "POST_SCALE_UP",
                "PRODUCTION_TRAFFIC_SHIFT",
                "POST_PRODUCTION_TRAFFIC_SHIFT",
            ]);
            config["lifecycleHooks"] = json!([{ "hookTargetArn": "check", "lifecycleStages": [stage] }]);
        }
        s["loadBalancers"] = json!([{
            "targetGroupArn": blue,
            "containerName": "app",
            "containerPort": 8080,
            "advancedConfiguration": { "alternateTargetGroupArn": green, "productionListenerRule": "rule" },
        }]);
    }
    target_groups
}

/// Group `i` and its capacity provider.
fn group(g: &mut Gen, i: u64) -> (Value, Value) {
    let name = format!("asg{i}");
    let min = g.int(0, 2);
    let max = g.int(min.max(1), 10);
    let desired = g.int(min, max.min(4));
    let protected = g.chance(0.5);
    let mut asg = json!({
        "AutoScalingGroupName": name,
        "MinSize": min,
        "MaxSize": max,
        "DesiredCapacity": desired,
        "NewInstancesProtectedFromScaleIn": protected,
        "AvailabilityZones": g.zones,
    });
    let spot = g.chance(0.4);
    if spot {
        let first = g.pick(INSTANCE_TYPES);
        let second = g.pick(INSTANCE_TYPES);
        let mut overrides = vec![json!({ "InstanceType": first })];
        if second != first {
            overrides.push(json!({ "InstanceType": second }));
        }
        asg["MixedInstancesPolicy"] = json!({
            "LaunchTemplate": { "Overrides": overrides },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": g.int(0, 2),
                "OnDemandPercentageAboveBaseCapacity": g.pick(&[0, 25, 50, 100]),
            },
        });
    } else {
        asg["InstanceType"] = json!(g.pick(INSTANCE_TYPES));
    }
    let managed = g.chance(0.7);
    let mut provider_group = json!({ "autoScalingGroupArn": name });
    if managed {
        provider_group["managedScaling"] = json!({
            "status": "ENABLED",
            "targetCapacity": g.pick(&[50, 80, 100]),
            "minimumScalingStepSize": 1,
            "maximumScalingStepSize": g.pick(&[1, 5, 10000]),
            "instanceWarmupPeriod": g.pick(&[60, 300]),
        });
        if protected && g.chance(0.6) {
            provider_group["managedTerminationProtection"] = json!("ENABLED");
        }
    }
    if g.chance(0.3) {
        provider_group["managedDraining"] = json!("ENABLED");
    }
    let provider = format!("cp{i}");
    g.groups.push(Group {
        name,
        provider: provider.clone(),
        managed,
        spot,
    });
    (
        asg,
        json!({ "name": provider, "autoScalingGroupProvider": provider_group }),
    )
}

/// Revisions 1 and 2 of service `i`'s family (a deployment moves to 2).
fn task_definition_revisions(g: &mut Gen, i: usize) -> Vec<Value> {
    let family = g.services[i].name.clone();
    let fargate = g.services[i].fargate;
    g.services[i].health_check = g.chance(0.3);
    let health_check = g.services[i].health_check.then(
        || json!({ "command": ["CMD-SHELL", "true"], "interval": 10, "retries": 2, "startPeriod": g.pick(&[0, 20]) }),
    );
    let (size, network) = if fargate {
        (Some(g.pick(FARGATE_SIZES)), "awsvpc")
    } else {
        (None, g.pick(&["bridge", "awsvpc"]))
    };
    let (cpu, memory) = (g.pick(&[128, 256, 512, 1024]), g.pick(&[256, 512, 1024, 2048]));
    (1..=2)
        .map(|revision| {
            let mut container =
                json!({ "name": "app", "image": format!("example/{family}:{revision}"), "essential": true });
            container["portMappings"] = if network == "bridge" {
                json!([{ "containerPort": 8080, "hostPort": 0 }])
            } else {
                json!([{ "containerPort": 8080 }])
            };
            if let Some(check) = &health_check {
                container["healthCheck"] = check.clone();
            }
            let mut td = json!({ "family": family, "networkMode": network });
            match size {
                Some((task_cpu, task_memory)) => {
                    td["cpu"] = json!(task_cpu);
                    td["memory"] = json!(task_memory);
                    td["requiresCompatibilities"] = json!(["FARGATE"]);
                }
                None => {
                    container["cpu"] = json!(cpu);
                    container["memory"] = json!(memory);
                    td["requiresCompatibilities"] = json!(["EC2"]);
                }
            }
            td["containerDefinitions"] = json!([container]);
            td
        })
        .collect()
}

/// A DAEMON service (an agent on every instance, sometimes only where a `memberOf` matches) and
/// its task definition. It is not among `g.services`: nothing scales it or updates its count.
fn daemon_service(g: &mut Gen) -> (Value, Value) {
    let task_definition = json!({
        "family": "agent",
        "networkMode": "bridge",
        "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [{ "name": "agent", "image": "agent", "cpu": g.pick(&[128, 512]), "memory": 256, "essential": true }],
    });
    let mut service = json!({
        "serviceName": "agent",
        "taskDefinition": "agent",
        "schedulingStrategy": "DAEMON",
        "launchType": "EC2",
    });
    if g.chance(0.3) {
        service["placementConstraints"] =
            json!([{ "type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1a" }]);
    }
    (task_definition, service)
}

/// The CreateService input of service `i`.
fn service(g: &mut Gen, i: usize) -> Value {
    let name = g.services[i].name.clone();
    let (min, max) = g.pick(DEPLOYMENT_PERCENTS);
    let mut s = json!({
        "serviceName": name,
        "taskDefinition": name,
        "desiredCount": g.int(0, 6),
        "deploymentConfiguration": {
            "minimumHealthyPercent": min,
            "maximumPercent": max,
            "deploymentCircuitBreaker": { "enable": g.chance(0.5), "rollback": g.chance(0.5) },
        },
    });
    if g.chance(0.4) {
        s["healthCheckGracePeriodSeconds"] = json!(g.pick(&[0, 30, 120]));
    }
    if g.services[i].fargate {
        if g.services[i].fargate_spot {
            s["capacityProviderStrategy"] = json!([
                { "capacityProvider": "FARGATE", "base": g.int(0, 2), "weight": g.int(0, 2) },
                { "capacityProvider": "FARGATE_SPOT", "weight": g.int(1, 3) },
            ]);
        } else {
            s["launchType"] = json!("FARGATE");
        }
        return s;
    }
    match g.int(0, 2) {
        0 => {} // the cluster's default strategy
        1 => {
            let k = g.int(0, g.groups.len() as u64 - 1) as usize;
            let provider = g.groups[k].provider.clone();
            s["capacityProviderStrategy"] = json!([{ "capacityProvider": provider, "weight": 1 }]);
        }
        _ => {
            let providers: Vec<Value> = g
                .groups
                .iter()
                .enumerate()
                .map(|(k, gr)| json!({ "capacityProvider": gr.provider, "base": if k == 0 { 1 } else { 0 }, "weight": 1 }))
                .collect();
            s["capacityProviderStrategy"] = Value::Array(providers);
        }
    }
    let strategies = [
        json!({ "type": "spread", "field": "attribute:ecs.availability-zone" }),
        json!({ "type": "spread", "field": "instanceId" }),
        json!({ "type": "binpack", "field": g.pick(&["cpu", "memory"]) }),
        json!({ "type": "random" }),
    ];
    let rules: Vec<Value> = (0..g.int(0, 2))
        .map(|_| strategies[g.int(0, 3) as usize].clone())
        .collect();
    put(
        s.as_object_mut().expect("object"),
        "placementStrategy",
        Value::Array(rules),
    );
    let mut constraints = Vec::new();
    if g.chance(0.2) {
        constraints.push(json!({ "type": "distinctInstance" }));
    }
    if g.chance(0.2) {
        let expression = g.pick(&[
            "attribute:ecs.instance-type =~ m5.*",
            "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
            "not (runningTasksCount > 3)",
        ]);
        constraints.push(json!({ "type": "memberOf", "expression": expression }));
    }
    put(
        s.as_object_mut().expect("object"),
        "placementConstraints",
        Value::Array(constraints),
    );
    s
}

/// `behavior.taskDefinitions.<family>` of service `i`: its capacity in requests or messages, or
/// a latency model.
fn family_behavior(g: &mut Gen, i: usize) -> Value {
    let mut b = json!({
        "idleCpuPercent": g.int(0, 10),
        "startTime": { "median": g.pick(&["5s", "20s"]), "p95": "60s" },
    });
    if g.services[i].worker {
        b["messagesPerSecondPerTask"] = json!(g.pick(&[5, 20, 50]));
    } else if g.chance(0.2) {
        b["serviceTime"] = json!({ "distribution": "exponential", "mean": g.pick(&["50ms", "200ms"]) });
        b["concurrency"] = json!(g.pick(&[4, 16]));
    } else {
        b["requestsPerSecondAtFullCpu"] = json!(g.pick(&[20, 100, 250]));
    }
    b
}

/// `load.<service>` of service `i`: a sum of shapes and a noise.
fn service_load(g: &mut Gen, i: usize) -> Value {
    let mut shapes = vec![json!({ "constant": g.pick(&[0, 10, 100, 400]) })];
    for _ in 0..g.int(0, 3) {
        let shape = match g.int(0, 3) {
            0 => json!({ "ramp": { "from": 0, "to": g.pick(&[50, 500]), "start": "0m", "end": g.at() } }),
            1 => json!({ "step": { "at": g.at(), "rps": g.pick(&[20, 300]) } }),
            2 => json!({ "spike": { "at": g.at(), "duration": g.pick(&["2m", "15m"]), "add": g.pick(&[100, 1000]) } }),
            _ => json!({ "diurnal": { "amplitude": g.pick(&[50, 400]), "peakAt": "14:00", "timezone": "UTC" } }),
        };
        shapes.push(shape);
    }
    let noise = match g.int(0, 2) {
        0 => json!("none"),
        1 => json!("poisson"),
        _ => json!({ "gaussian": { "percent": g.pick(&[5, 20]) } }),
    };
    if g.services[i].worker {
        json!({ "messagesPerSecond": shapes, "noise": noise })
    } else {
        json!({ "requestsPerSecond": shapes, "noise": noise })
    }
}
