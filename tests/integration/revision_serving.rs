//! Each healthy task serves as its own revision's `behavior` says: a deployment to a revision
//! that serves fewer requests per task changes capacity and CPU (scenario
//! `slower-revision-scales-out.yaml`), and how the load balancer routes decides which tasks
//! saturate while both revisions run.

use crate::support::{column, load_text, run_to_strings};

/// 10 Fargate tasks of web:1 (100 rps at full CPU) taking 600 rps; web:2 serves `web2_rps`.
/// With `deploy_at` the service rolls to web:2 then; with `algorithm` it sits behind a target
/// group routing that way.
fn fleet(web2_rps: u32, deploy_at: &str, algorithm: Option<&str>) -> String {
    let (groups, balancers) = match algorithm {
        Some(a) => (
            format!(
                "elasticLoadBalancing:\n  targetGroups:\n    - {{TargetGroupName: web, Attributes: [{{Key: load_balancing.algorithm.type, Value: {a}}}, {{Key: deregistration_delay.timeout_seconds, Value: \"0\"}}]}}\n"
            ),
            ", loadBalancers: [{targetGroupArn: \"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/0a1b\", containerName: app, containerPort: 80}]",
        ),
        None => (String::new(), ""),
    };
    format!(
        "duration: 1h
traceInterval: 60s
{groups}ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: \"web:1\", portMappings: [{{containerPort: 80}}]}}]}}
    - {{family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: \"web:2\", portMappings: [{{containerPort: 80}}]}}]}}
  services:
    - {{serviceName: web, taskDefinition: \"web:1\", desiredCount: 10, launchType: FARGATE,
       deploymentConfiguration: {{minimumHealthyPercent: 50, maximumPercent: 100}}{balancers}}}
behavior:
  taskDefinitions:
    \"web:1\": {{requestsPerSecondAtFullCpu: 100, idleCpuPercent: 0}}
    \"web:2\": {{requestsPerSecondAtFullCpu: {web2_rps}, idleCpuPercent: 0}}
load:
  web:
    requestsPerSecond: [{{constant: 600}}]
events:
  - {{at: {deploy_at}, updateService: {{service: web, taskDefinition: \"web:2\"}}}}
"
    )
}

fn figures(text: &str, name: &str) -> Vec<f64> {
    let loaded = load_text("revision_serving.yaml", text).expect("valid scenario");
    let out = run_to_strings(&loaded);
    column(&out.services, name, None)
        .iter()
        .map(|v| v.parse().expect("number"))
        .collect()
}

#[test]
fn a_revision_that_serves_half_as_much_doubles_cpu_and_leaves_requests_unserved() {
    let text = fleet(50, "10m", None);
    let cpu = figures(&text, "cpu_utilization");
    let unserved = figures(&text, "unserved_rps");
    // Before: 60 of 100 rps a task. After: 60 of 50, saturated, 100 rps unserved.
    assert_eq!(cpu[5], 60.0);
    assert_eq!(*cpu.last().expect("rows"), 100.0);
    assert_eq!(unserved[5], 0.0);
    assert_eq!(*unserved.last().expect("rows"), 100.0);
}

#[test]
fn revisions_that_serve_alike_serve_as_one_family() {
    // web:1 and web:2 given the same behaviour one by one run exactly as the family given it once.
    let per_revision = fleet(100, "10m", None);
    let family = per_revision.replace(
        "    \"web:1\": {requestsPerSecondAtFullCpu: 100, idleCpuPercent: 0}\n    \"web:2\": {requestsPerSecondAtFullCpu: 100, idleCpuPercent: 0}\n",
        "    web: {requestsPerSecondAtFullCpu: 100, idleCpuPercent: 0}\n",
    );
    assert_ne!(family, per_revision);
    let run = |text: &str| run_to_strings(&load_text("revision_serving.yaml", text).expect("valid")).services;
    assert_eq!(run(&family), run(&per_revision));
}

/// `services.csv` of the deployment to a web:2 that serves 30 rps, rows 5 s apart: web:1 tasks
/// stop one by one as web:2 tasks turn healthy, so both revisions serve for a while.
fn rows(algorithm: Option<&str>) -> Vec<[f64; 4]> {
    let text = fleet(30, "10m", algorithm)
        .replace("traceInterval: 60s", "traceInterval: 5s")
        .replace(
            "minimumHealthyPercent: 50, maximumPercent: 100",
            "minimumHealthyPercent: 100, maximumPercent: 150",
        );
    let [running, cpu, served, unserved] =
        ["running", "cpu_utilization", "served_rps", "unserved_rps"].map(|c| figures(&text, c));
    (0..running.len())
        .map(|i| [running[i], cpu[i], served[i], unserved[i]])
        .collect()
}

#[test]
fn round_robin_saturates_the_slower_tasks_while_least_outstanding_requests_does_not() {
    // A 5 s row with 5 healthy tasks of each revision and 2 web:2 tasks starting (12 running).
    // Round robin sends 60 rps to each healthy task: web:1 serves 60 of its 100 (60 % CPU), web:2
    // 30 of 30 (100 %); 5 x 30 = 150 rps go unserved though 650 could be served. CPU over the 12
    // running: (5 x 60 + 5 x 100 + 2 x 0) / 12 = 66.667. Least outstanding requests sends each
    // task in proportion to what it serves: 600 / 650 = 92.3 % busy everywhere, nothing
    // unserved, CPU 10 x 92.3 / 12 = 76.923.
    let steady = |rows: &[[f64; 4]]| -> Vec<usize> {
        (1..rows.len())
            .filter(|i| rows[*i] == [12.0, 66.667, 450.0, 150.0] && rows[*i - 1] == rows[*i])
            .collect()
    };
    let round_robin = rows(Some("round_robin"));
    let mixed = steady(&round_robin);
    assert!(
        !mixed.is_empty(),
        "a steady 5 s with both revisions serving under round robin"
    );
    // Without a load balancer demand is divided per task, as round robin divides it.
    assert!(
        !steady(&rows(None)).is_empty(),
        "no load balancer divides as round robin"
    );
    let least_outstanding = rows(Some("least_outstanding_requests"));
    for i in mixed {
        assert_eq!(least_outstanding[i], [12.0, 76.923, 600.0, 0.0], "row {i}");
    }
}

/// A request-serving service on api:1 (100 ms, 4 slots) deploying api:2 as `api2` says.
fn estimated(api2: &str, model: &str) -> String {
    format!(
        "duration: 1h
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: api, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{{name: app, image: \"a:1\"}}]}}
    - {{family: api, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{{name: app, image: \"a:2\"}}]}}
  services:
    - {{serviceName: api, taskDefinition: \"api:1\", desiredCount: 4, launchType: FARGATE}}
behavior:
  taskDefinitions:
    \"api:1\": {{serviceTime: {{distribution: exponential, mean: 100ms}}, concurrency: 4}}
    \"api:2\": {{{api2}}}
load:
  api:
    requestsPerSecond: [{{constant: 50}}]
{model}events:
  - {{at: 10m, updateService: {{service: api, taskDefinition: \"api:2\"}}}}
"
    )
}

fn first_error(text: &str) -> Option<String> {
    load_text("estimated.yaml", text).err().map(|e| e.to_string())
}

#[test]
fn the_estimate_refuses_a_revision_with_another_service_model_and_names_the_way_out() {
    let slower = "serviceTime: {distribution: exponential, mean: 200ms}, concurrency: 4";
    let error = first_error(&estimated(slower, "")).expect("refused");
    assert!(
        error.contains("api:2 serves with a different serviceTime or concurrency than api:1")
            && error.contains("add `model: requests`"),
        "{error}"
    );
    // Simulating every request serves each revision with its own model.
    assert_eq!(first_error(&estimated(slower, "    model: requests\n")), None);
    // The same model under both revisions is one model.
    let same = "serviceTime: {distribution: exponential, mean: 100ms}, concurrency: 4";
    assert_eq!(first_error(&estimated(same, "")), None);
    // A service model on one revision only mixes two ways of counting capacity.
    let error = first_error(&estimated("requestsPerSecondAtFullCpu: 10", "")).expect("refused");
    assert!(
        error.contains("deploys api:2 without a serviceTime, but starts on api:1 with one"),
        "{error}"
    );
}
