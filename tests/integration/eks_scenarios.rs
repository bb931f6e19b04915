//! The `eks:` block (issue 20): the shapes a user pastes (`kubectl get -o yaml` objects and Lists,
//! `aws eks describe-nodegroup` output, NodePools) load into the `EksSpec` the engine runs.

use ecsim::model::k8s::{DeploymentStrategy, DisruptionBudget, IntOrPercent, MetricTarget, PodResources};
use ecsim::scenario::LoadedScenario;
use ecsim::sim::SimDuration;
use ecsim::spec::TimelineAction;
use ecsim::spec::eks::{CapacityType, ConsolidationPolicy, Expander, ScoringStrategy};

use crate::support::{load_text, root};

/// The scenario of the issue: node groups with Cluster Autoscaler, a Fargate profile, a
/// NodePool, the controllers' settings, and a Deployment with its HPA and PDB; no `ecs:`.
const SHOP: &str = r#"
name: shop
duration: 2h
availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
eks:
  clusterName: shop
  nodegroups:
    - nodegroupName: general
      instanceTypes: [m5.large]
      capacityType: ON_DEMAND
      scalingConfig: {minSize: 2, maxSize: 20, desiredSize: 2}
      labels: {team: web}
      taints: [{key: dedicated, value: web, effect: NO_SCHEDULE}]
  clusterAutoscaler: {scanInterval: 10s, expander: least-waste, scaleDownUnneededTime: 10m}
  fargateProfiles:
    - fargateProfileName: batch
      selectors: [{namespace: batch, labels: {tier: worker}}]
  karpenter:
    settings: {batchIdleDuration: 1s, batchMaxDuration: 10s}
    nodePools:
      - apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata: {name: default}
        spec:
          template:
            spec:
              requirements:
                - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m5, c5]}
                - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
              nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
              expireAfter: 720h
          disruption: {consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 30s, budgets: [{nodes: "10%"}]}
          limits: {cpu: "1000", memory: 1000Gi}
          weight: 10
  controllerManager: {horizontalPodAutoscalerSyncPeriod: 15s, horizontalPodAutoscalerTolerance: 0.1}
  scheduler: {scoringStrategy: MostAllocated}
  timings: {nodeReady: [45s, 75s], imagePull: 10s}
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec:
        replicas: 4
        selector: {matchLabels: {app: web}}
        strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: app
                image: example/web:1.0
                resources: {requests: {cpu: 500m, memory: 512Mi}}
                readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5}
    - apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: web, namespace: shop}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        minReplicas: 4
        maxReplicas: 40
        metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]
    - apiVersion: policy/v1
      kind: PodDisruptionBudget
      metadata: {name: web, namespace: shop}
      spec: {minAvailable: 50%, selector: {matchLabels: {app: web}}}
    - apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {selector: {app: web}, ports: [{port: 80}]}
behavior:
  deployments:
    web: {requestsPerSecondAtFullCpu: 40, appStartSeconds: 20}
load:
  web:
    requestsPerSecond: [{constant: 120}]
events:
  - at: 30m
    updateDeployment: {name: web, image: example/web:2.0, neverReady: true}
  - at: 1h
    updateDeployment: {name: web, replicas: 8}
expect:
  - web.running >= 4
  - general.instances <= 20
"#;

fn load(text: &str) -> LoadedScenario {
    load_text("shop.yaml", text).unwrap_or_else(|e| panic!("loads:\n{e}"))
}

#[test]
fn an_eks_only_scenario_loads_every_part() {
    let loaded = load(SHOP);
    let spec = &loaded.spec;
    assert!(spec.services.is_empty());
    let eks = &spec.eks;
    assert_eq!(eks.cluster_name, "shop");
    let g = &eks.node_groups[0];
    assert_eq!(
        (g.name.as_str(), g.min_size, g.max_size, g.desired_size),
        ("general", 2, 20, 2)
    );
    assert_eq!(g.capacity_type, CapacityType::OnDemand);
    assert_eq!(g.zones.len(), 3);
    let ca = eks.cluster_autoscaler.expect("clusterAutoscaler present");
    assert_eq!(ca.expander, Expander::LeastWaste);
    assert_eq!(eks.fargate_profiles[0].selectors[0].namespace, "batch");
    let pool = &eks.node_pools[0];
    assert_eq!((pool.name.as_str(), pool.weight), ("default", 10));
    assert_eq!(pool.capacity_types, vec![CapacityType::Spot, CapacityType::OnDemand]);
    assert!(
        pool.instance_types
            .iter()
            .all(|t| t.name.starts_with("m5.") || t.name.starts_with("c5."))
    );
    assert_eq!(pool.consolidation_policy, ConsolidationPolicy::WhenEmptyOrUnderutilized);
    assert_eq!(pool.consolidate_after_s, Some(30));
    assert_eq!(
        (pool.limits.cpu_milli, pool.limits.memory_mib),
        (Some(1_000_000), Some(1_024_000))
    );
    assert_eq!(eks.scheduler.scoring, ScoringStrategy::MostAllocated);
    assert_eq!(eks.timings.node_ready_max, SimDuration::from_secs(75));
    let web = &eks.deployments[0];
    assert_eq!(
        (web.name.as_str(), web.namespace.as_str(), web.replicas),
        ("web", "shop", 4)
    );
    assert_eq!(
        web.strategy,
        DeploymentStrategy::RollingUpdate {
            max_surge: IntOrPercent::Int(1),
            max_unavailable: IntOrPercent::Int(0)
        }
    );
    let first = &web.revisions[0];
    assert_eq!(
        first.template.requests(),
        PodResources {
            cpu_milli: 500,
            memory_mib: 512
        }
    );
    assert_eq!(first.serving.requests_per_second_at_full_cpu, 40.0);
    assert_eq!((first.app_start_s, first.never_ready), (20, false));
    assert!(web.load.is_some());
    // k8s-semantics 1.1: minReplicas as given, the one metric.
    let hpa = &eks.hpas[0];
    assert_eq!((hpa.deployment, hpa.min_replicas, hpa.max_replicas), (0, 4, 40));
    assert_eq!(hpa.metrics[0].target, MetricTarget::Utilization(60));
    assert_eq!(hpa.behavior, None);
    assert_eq!(
        eks.pdbs[0].budget,
        DisruptionBudget::MinAvailable(IntOrPercent::Percent(50))
    );
    assert!(
        spec.ignored_fields.contains(&"eks.objects[3]".to_string()),
        "{:?}",
        spec.ignored_fields
    );
    assert!(
        spec.ignored_fields
            .contains(&"eks.objects[0].spec.template.spec.containers[0].image".to_string())
    );
    assert_eq!(loaded.expectations.len(), 2);
}

#[test]
fn update_deployment_events_add_revisions() {
    let loaded = load(SHOP);
    let web = &loaded.spec.eks.deployments[0];
    assert_eq!(web.revisions.len(), 2);
    let second = &web.revisions[1];
    assert!(second.never_ready);
    // The new build keeps the template and the serving model of the current one.
    assert_eq!(second.template, web.revisions[0].template);
    assert_eq!(second.app_start_s, 20);
    let actions: Vec<&TimelineAction> = loaded.spec.timeline.iter().map(|e| &e.action).collect();
    assert_eq!(
        actions,
        vec![
            &TimelineAction::UpdateDeployment {
                deployment: 0,
                revision: Some(1),
                replicas: None
            },
            &TimelineAction::UpdateDeployment {
                deployment: 0,
                revision: None,
                replicas: Some(8)
            },
        ]
    );
}

/// `text` indented by `spaces`, to paste a file under a key.
fn indented(text: &str, spaces: usize) -> String {
    let pad = " ".repeat(spaces);
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}

#[test]
fn pasted_kubectl_and_aws_outputs_load() {
    let dir = root().join("scenarios/data/eks");
    let list = std::fs::read_to_string(dir.join("kubectl-get-deploy-hpa-pdb.yaml")).expect("fixture");
    let group = std::fs::read_to_string(dir.join("describe-nodegroup.json")).expect("fixture");
    let text = format!(
        "name: pasted\nduration: 1h\neks:\n  nodegroups:\n    -\n{}  objects:\n{}",
        indented(&group, 6),
        indented(&list, 4)
    );
    let loaded = load(&text);
    let eks = &loaded.spec.eks;
    let g = &eks.node_groups[0];
    assert_eq!(
        (g.name.as_str(), g.desired_size, g.instance_types[0].name),
        ("general", 3, "m5.large")
    );
    assert_eq!(g.taints[0].key, "dedicated");
    let web = &eks.deployments[0];
    assert_eq!((web.name.as_str(), web.replicas), ("web", 4));
    let template = &web.revisions[0].template;
    // 500m + 100m; 512 MiB + 134217728 bytes (128 MiB).
    assert_eq!(
        template.requests(),
        PodResources {
            cpu_milli: 600,
            memory_mib: 640
        }
    );
    assert_eq!((template.termination_grace_period_s, template.pre_stop_s), (45, 15));
    assert_eq!(
        template.readiness_probe().map(|p| (p.initial_delay_s, p.period_s)),
        Some((5, 5))
    );
    let behavior = eks.hpas[0].behavior.as_ref().expect("behavior given");
    assert_eq!(behavior.scale_down.policies.len(), 2);
    assert_eq!(behavior.scale_up, ecsim::model::k8s::ScalingRules::default_scale_up());
    assert_eq!(
        eks.pdbs[0].budget,
        DisruptionBudget::MaxUnavailable(IntOrPercent::Percent(25))
    );
    let ignored = &loaded.spec.ignored_fields;
    for path in [
        "eks.nodegroups[0].nodegroup.status",
        "eks.nodegroups[0].nodegroup.subnets",
        "eks.objects.items[0].metadata.managedFields",
        "eks.objects.items[0].status",
        "eks.objects.items[1].status",
        "eks.objects.items[3]",
        "eks.objects.metadata",
    ] {
        assert!(ignored.iter().any(|p| p == path), "{path} not in {ignored:?}");
    }
    assert!(
        !ignored
            .iter()
            .any(|p| p.starts_with("eks.objects.items[0].metadata.managedFields["))
    );
}

/// The first error of `text` loaded, as `path: message`.
fn first_error(text: &str) -> String {
    let Err(e) = load_text("bad.yaml", text) else {
        panic!("the scenario loads, but it should fail");
    };
    let field = e
        .rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("= field: "))
        .unwrap_or("");
    let message = e.rendered.lines().next().unwrap_or("").trim_start_matches("error: ");
    format!("{field}: {message}")
}

/// `SHOP` with `events` and `load` replaced.
fn shop_with(events: &str, load: &str) -> String {
    let head = SHOP.split("load:\n").next().expect("load");
    format!("{head}load:\n{load}events:\n{events}")
}

#[test]
fn bad_update_deployment_events_and_loads_are_errors() {
    let load = "  web:\n    requestsPerSecond: [{constant: 1}]\n";
    let cases = [
        (
            "  - at: 1m\n    updateDeployment: {name: wbe, replicas: 2}\n",
            "events[0].updateDeployment.name: no Deployment named `wbe`",
        ),
        (
            "  - at: 1m\n    updateDeployment: {name: web, neverReady: true}\n",
            "events[0].updateDeployment.neverReady: neverReady describes a new revision, but the event does not change the pod template",
        ),
        (
            "  - at: 1m\n    updateDeployment: {name: web}\n",
            "events[0].updateDeployment: updateDeployment changes nothing",
        ),
        (
            "  - at: 1m\n    updateDeployment: {name: web, template: {metadata: {labels: {app: api}}, spec: {containers: [{name: a}]}}}\n",
            "events[0].updateDeployment.template.metadata.labels: `selector` does not match template `labels`",
        ),
    ];
    for (events, expected) in cases {
        assert_eq!(first_error(&shop_with(events, load)), expected, "{events}");
    }
    let load = "  web:\n    requestsPerSecond: [{constant: 1}]\n    model: requests\n";
    assert_eq!(
        first_error(&shop_with(
            "  - at: 1m\n    updateDeployment: {name: web, replicas: 2}\n",
            load
        )),
        "load.web.model: unknown field `model`"
    );
}

#[test]
fn a_name_that_is_both_a_service_and_a_deployment_is_an_error() {
    let text = SHOP.replace(
        "eks:\n",
        "ecs:\n  capacityProviders: []\n  taskDefinitions:\n    - family: web\n      requiresCompatibilities: [FARGATE]\n      cpu: \"256\"\n      memory: \"512\"\n      networkMode: awsvpc\n      containerDefinitions: [{name: app, image: web, essential: true}]\n  services:\n    - {serviceName: web, taskDefinition: web, desiredCount: 1, launchType: FARGATE}\neks:\n",
    );
    assert_eq!(
        first_error(&text),
        "load.web: `web` names both an ECS service and an EKS Deployment"
    );
}

#[test]
fn a_deployment_with_an_error_is_the_only_error_about_it() {
    // The misspelt `replica` is the one mistake: `load.web`, the HPA and the event name a
    // Deployment that failed to read, and are not reported as well.
    let text = SHOP.replace("        replicas: 4\n", "        replica: 4\n");
    let Err(e) = load_text("bad.yaml", &text) else {
        panic!("fails")
    };
    assert!(
        e.rendered.starts_with("error: unknown field `replica`"),
        "{}",
        e.rendered
    );
    assert!(e.rendered.contains("1 error found"), "{}", e.rendered);
}

/// A node group's or NodePool's `tasks_provisioning` counts the Pending pods that could run on
/// its nodes, not every Pending pod of the cluster: in this scenario each Deployment is pinned
/// by nodeSelector to one of them, so each row never exceeds its own Deployment's pending pods.
#[test]
fn pending_pods_are_counted_for_the_capacity_they_could_run_on() {
    let path = root().join("scenarios/eks-cluster-autoscaler-vs-karpenter.yaml");
    let text = std::fs::read_to_string(&path).expect("scenario");
    let out = crate::support::run_to_strings(&load(&text));
    let provisioning = |provider| {
        crate::support::column(
            &out.cluster,
            "tasks_provisioning",
            Some(("capacity_provider", provider)),
        )
    };
    let pending = |service| crate::support::column(&out.services, "pending", Some(("service", service)));
    let (general, default) = (provisioning("general"), provisioning("default"));
    let (on_ca, on_karpenter) = (pending("on-ca"), pending("on-karpenter"));
    let number = |s: &String| s.parse::<u32>().expect("count");
    // The first interval: only the Karpenter Deployment's pods wait (the group starts warm).
    assert_eq!((general[0].as_str(), default[0].as_str()), ("0", "4"));
    for i in 0..general.len() {
        assert!(
            number(&general[i]) <= number(&on_ca[i]),
            "row {i}: general {} > on-ca {}",
            general[i],
            on_ca[i]
        );
        assert!(
            number(&default[i]) <= number(&on_karpenter[i]),
            "row {i}: default {} > on-karpenter {}",
            default[i],
            on_karpenter[i]
        );
    }
    assert!(general.iter().any(|v| number(v) > 0) && default.iter().any(|v| number(v) > 0));
}
