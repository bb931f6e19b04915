//! `ecsim import cloudformation` on real templates (tests/fixtures/import/: the ECS reference
//! architecture with its nested stacks, and the templates AWS Copilot generates, with their
//! parameters files): each imports, loads, runs with the invariants checked, and runs twice to
//! the same bytes; errors name the file, the logical id and the property path.

use std::path::Path;

use ecsim::import::cloudformation;
use ecsim::import::{ImportError, Imported};
use ecsim::scenario;

use crate::support::{TempDir, ecsim, root, run_to_strings};

/// The fixtures folder.
fn fixtures() -> std::path::PathBuf {
    root().join("tests/fixtures/import")
}

/// Reads a nested template beside its parent, as the CLI does (without the confinement).
fn read_beside(parent: &str, relative: &str) -> Result<(String, String), String> {
    let dir = Path::new(parent).parent().unwrap_or(Path::new("."));
    let path = dir.join(relative);
    std::fs::read_to_string(&path)
        .map(|text| (path.display().to_string(), text))
        .map_err(|e| e.to_string())
}

/// Imports `template` (with `parameters`) from the fixtures folder.
fn import(template: &str, parameters: Option<&str>) -> Result<Imported, ImportError> {
    let path = fixtures().join(template);
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    let params = parameters.map(|p| {
        let path = fixtures().join(p);
        (
            path.display().to_string(),
            std::fs::read_to_string(&path).expect("params readable"),
        )
    });
    let name = path.display().to_string();
    cloudformation::import(
        &text,
        &name,
        params.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
        &read_beside,
    )
}

/// Every real template, with its parameters file.
const TEMPLATES: &[(&str, Option<&str>)] = &[
    ("cloudformation/master.yaml", None),
    ("copilot/svc-test.stack.yml", Some("copilot/svc-test.params.json")),
    ("copilot/worker-test.stack.yml", Some("copilot/worker-test.params.json")),
    ("copilot/job-test.stack.yml", Some("copilot/job-test.params.json")),
    (
        "copilot/backend-http-autoscaling-template.yml",
        Some("copilot/backend-http-autoscaling-params.json"),
    ),
];

/// Loads an imported scenario's text as `ecsim run` would, for two simulated hours (eight days
/// for a weekly job).
fn load(name: &str, text: &str) -> scenario::LoadedScenario {
    let duration = if name.contains("job") { "8d" } else { "2h" };
    let sets = vec![("duration".to_string(), duration.to_string())];
    scenario::load(name, text, &NoFiles, &sets)
        .unwrap_or_else(|e| panic!("{name} does not load:\n{}\n{text}", e.rendered))
}

struct NoFiles;

impl scenario::SourceLoader for NoFiles {
    fn read_relative(&self, relative: &str) -> Result<(String, String), String> {
        Err(format!("an imported scenario names no file, but asked for {relative}"))
    }
}

#[test]
fn every_real_template_imports_loads_and_runs_twice_to_the_same_bytes() {
    for (template, parameters) in TEMPLATES {
        let imported = import(template, *parameters).unwrap_or_else(|e| panic!("{template}:\n{e}"));
        let text = imported.scenario.to_yaml("test");
        let again = import(template, *parameters)
            .expect("imports again")
            .scenario
            .to_yaml("test");
        assert_eq!(text, again, "{template}: the import is not deterministic");
        let loaded = load(template, &text);
        let first = run_to_strings(&loaded);
        let second = run_to_strings(&load(template, &text));
        assert_eq!(first.services, second.services, "{template}");
        assert_eq!(first.events, second.events, "{template}");
        assert_eq!(first.summary, second.summary, "{template}");
        if loaded.spec.services.is_empty() {
            // A scheduled job: its task runs from an EventBridge schedule.
            let jobs = first.jobs.as_ref().map(|(j, _)| j.lines().count()).unwrap_or(0);
            assert!(jobs > 1, "{template}: neither services nor jobs ran");
            assert_eq!(first.jobs, second.jobs, "{template}");
        } else {
            assert!(first.services.lines().count() > 1, "{template}: no service rows");
        }
        // Every item written names where it came from.
        let comments = text.lines().filter(|l| l.trim_start().starts_with("# from ")).count();
        let items = text
            .lines()
            .filter(|l| l.trim_start().starts_with("- ") && l.contains(": "))
            .count();
        assert!(
            comments >= 2 && text.contains("Resources."),
            "{template}: no provenance comments"
        );
        assert!(comments <= items, "{template}");
        assert!(
            text.contains("PLACEHOLDER") || loaded.spec.services.is_empty(),
            "{template}"
        );
    }
}

#[test]
fn the_reference_architecture_follows_its_nested_stacks() {
    let imported = import("cloudformation/master.yaml", None).expect("imports");
    let text = imported.scenario.to_yaml("");
    let loaded = load("master.yaml", &text);
    let spec = &loaded.spec;
    // Two services from two nested stacks, each with the master's DesiredCount of 2.
    let services: Vec<(&str, u32)> = spec
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.desired_count))
        .collect();
    assert_eq!(
        services,
        vec![("ProductService-Service", 2), ("WebsiteService-Service", 2)]
    );
    // The cluster is named by the master's stack name (EnvironmentName: !Ref AWS::StackName).
    assert!(text.contains("clusterName: master"), "{text}");
    // ClusterSize 4 from the master; t2.large (not in the catalog) became t3.large, reported.
    assert!(
        text.contains("InstanceType: t3.large\n      MinSize: 4\n      MaxSize: 4\n      DesiredCapacity: 4"),
        "{text}"
    );
    let guesses = imported.report.render();
    assert!(
        guesses.contains("t2.large is not in ecsim's instance catalog: t3.large"),
        "{guesses}"
    );
    // Step scaling wired through alarms: 2..3 tasks, cooldown 1800, scale out on max CPU > 90.
    assert!(text.contains("MinCapacity: 2\n      MaxCapacity: 3"), "{text}");
    assert!(text.contains("Cooldown: 1800"), "{text}");
    assert!(text.contains("policyName/ServiceScaleOutPolicy"), "{text}");
    // The nested stacks not beside it are reported, never a failure.
    assert!(
        guesses.contains(
            "nested stack https://s3.amazonaws.com/ecs-refarch-cloudformation/infrastructure/vpc.yaml not found"
        ),
        "{guesses}"
    );
    assert!(
        guesses.contains("ECS:Resources.ECSRole (AWS::IAM::Role): IAM: permissions are not simulated"),
        "{guesses}"
    );
}

#[test]
fn copilot_dynamic_desired_count_falls_back_to_its_default() {
    let imported = import("copilot/svc-test.stack.yml", Some("copilot/svc-test.params.json")).expect("imports");
    let report = imported.report.render();
    assert!(
        report.contains("Resources.DynamicDesiredCountAction (Custom::DynamicDesiredCountFunction): DesiredCount is known only when the custom resource runs: its DefaultDesiredCount (2) used"),
        "{report}"
    );
    assert!(
        report.contains("`my-app-test-ClusterId` is an export of another stack (external)"),
        "{report}"
    );
    let text = imported.scenario.to_yaml("");
    let loaded = load("svc", &text);
    let service = &loaded.spec.services[0];
    assert_eq!(service.desired_count, 2);
    // TaskCPU 256 / TaskMemory 512 from the parameters file.
    assert!(text.contains("cpu: \"256\"\n      memory: \"512\""), "{text}");
    // Target tracking on CPU 70 with the template's cooldowns.
    assert!(text.contains("TargetValue: 70"), "{text}");
    assert!(
        text.contains("ScaleInCooldown: 120\n        ScaleOutCooldown: 150"),
        "{text}"
    );
}

#[test]
fn an_unresolvable_reference_names_the_logical_id_and_the_property_path() {
    let template = "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: web\n      ContainerDefinitions: [{Name: app, Image: x, Memory: 128}]\n  Svc:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref Task\n      DesiredCount: !GetAtt Balancer.DNSName\n  Balancer:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n";
    let e = cloudformation::import(template, "t.yaml", None, &read_beside).expect_err("unresolvable");
    assert_eq!(
        e.to_string(),
        "error: the attribute DNSName of `Balancer` (AWS::ElasticLoadBalancingV2::LoadBalancer) is known only once AWS creates it\n  --> t.yaml:11:21\n   |\n11 |       DesiredCount: !GetAtt Balancer.DNSName\n   |                     ^\n   = field: Resources.Svc.Properties.DesiredCount\n"
    );
    let missing = template.replace("!GetAtt Balancer.DNSName", "!Ref Count");
    let e = cloudformation::import(&missing, "t.yaml", None, &read_beside).expect_err("no parameter");
    assert_eq!(
        e.message,
        "`Count` is neither a parameter nor a resource of the template"
    );
    assert_eq!(e.path, "Resources.Svc.Properties.DesiredCount");
}

#[test]
fn a_file_that_is_not_a_template_is_a_clear_error() {
    let manifest = std::fs::read_to_string(fixtures().join("copilot/svc-manifest.yml")).expect("manifest");
    let e = cloudformation::import(&manifest, "manifest.yml", None, &read_beside).expect_err("not a template");
    assert_eq!(e.message, "this is not a CloudFormation template: it has no Resources");
    assert!(
        e.help.as_deref().is_some_and(|h| h.contains("ecsim import copilot")),
        "{e}"
    );
}

#[test]
fn the_cli_writes_a_scenario_that_runs_and_reports_on_stderr() {
    let dir = TempDir::new("import-cfn");
    let out = dir.0.join("svc.yaml");
    let result = ecsim(&[
        "import",
        "cloudformation",
        "tests/fixtures/import/copilot/svc-test.stack.yml",
        "--parameters",
        "tests/fixtures/import/copilot/svc-test.params.json",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("imported: "), "{stderr}");
    assert!(stderr.contains("ignored (not modelled by ecsim): "), "{stderr}");
    assert!(stderr.contains("guessed (check these in the scenario): "), "{stderr}");
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(
        text.starts_with("# Imported by `ecsim import` from the CloudFormation template"),
        "{text}"
    );
    let run = ecsim(&["validate", out.to_str().expect("utf-8")]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    // Bad input: exit 2, a located message, nothing written.
    let bad = dir.0.join("bad.yaml");
    let result = ecsim(&[
        "import",
        "cloudformation",
        "tests/fixtures/import/copilot/svc-manifest.yml",
        "--out",
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("svc-manifest.yml:"));
    assert!(!bad.exists());
}

#[test]
fn a_nested_stack_beside_the_parent_gets_its_parameters_and_gives_its_outputs() {
    let parent = r#"{
  "Parameters": {"Tasks": {"Type": "Number", "Default": "2"}, "Stage": {"Type": "String", "Default": "prod"}},
  "Conditions": {
    "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
    "IsNotProd": {"Fn::Not": [{"Condition": "IsProd"}]}
  },
  "Resources": {
    "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": {"Fn::Sub": "${Stage}-cluster"}}},
    "App": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "stacks/app.json",
      "Parameters": {"Cluster": {"Ref": "Cluster"}, "Count": {"Fn::If": ["IsProd", {"Ref": "Tasks"}, "1"]}}}},
    "Debug": {"Type": "AWS::CloudFormation::Stack", "Condition": "IsNotProd", "Properties": {"TemplateURL": "missing.json"}},
    "Target": {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {
      "ServiceNamespace": "ecs", "ScalableDimension": "ecs:service:DesiredCount",
      "ResourceId": {"Fn::Join": ["/", ["service", {"Ref": "Cluster"}, {"Fn::GetAtt": ["App", "Outputs.ServiceName"]}]]},
      "MinCapacity": {"Ref": "Tasks"}, "MaxCapacity": 8}}
  }
}"#;
    let child = r#"Parameters:
  Cluster: {Type: String}
  Count: {Type: Number}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      Cpu: 256
      Memory: 512
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions: [{Name: app, Image: app:1}]
  Service:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: app
      Cluster: !Ref Cluster
      TaskDefinition: !Ref Task
      DesiredCount: !Ref Count
      LaunchType: FARGATE
Outputs:
  ServiceName: {Value: !GetAtt Service.Name}
"#;
    let read = |parent: &str, relative: &str| -> Result<(String, String), String> {
        match (parent, relative) {
            ("parent.json", "stacks/app.json") => Ok(("stacks/app.json".into(), child.to_string())),
            _ => Err(format!("{relative} is not beside {parent}")),
        }
    };
    let imported = cloudformation::import(parent, "parent.json", None, &read).expect("imports");
    let text = imported.scenario.to_yaml("");
    let loaded = load("parent", &text);
    assert_eq!(loaded.spec.services[0].name, "app");
    assert_eq!(loaded.spec.services[0].desired_count, 2);
    assert!(text.contains("ResourceId: service/prod-cluster/app\n      ScalableDimension: ecs:service:DesiredCount\n      MinCapacity: 2\n      MaxCapacity: 8"), "{text}");
    assert!(
        text.contains("# from App:Resources.Service (AWS::ECS::Service) in app.json"),
        "{text}"
    );
    let report = imported.report.render();
    assert!(
        report.contains("Resources.App (AWS::CloudFormation::Stack): nested stack read from stacks/app.json"),
        "{report}"
    );
    assert!(
        report.contains("Resources.Debug (AWS::CloudFormation::Stack): its Condition `IsNotProd` is false"),
        "{report}"
    );
    // With Stage=dev from a parameters file (the AWS CLI's shape), the If takes its other branch.
    let params = r#"[{"ParameterKey": "Stage", "ParameterValue": "dev"}]"#;
    let dev = cloudformation::import(parent, "parent.json", Some(("p.json", params)), &read).expect("imports");
    let dev_text = dev.scenario.to_yaml("");
    assert!(dev_text.contains("clusterName: dev-cluster"), "{dev_text}");
    assert_eq!(load("dev", &dev_text).spec.services[0].desired_count, 1);
}

#[test]
fn capacity_providers_launch_templates_and_associations_import() {
    let template = r#"
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: demo}
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: ecs-hosts
      LaunchTemplateData: {InstanceType: m5.large, ImageId: ami-123}
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      AutoScalingGroupName: ecs-m5
      MinSize: "0"
      MaxSize: "10"
      LaunchTemplate:
        LaunchTemplateId: !Ref Template
        Version: !GetAtt Template.LatestVersionNumber
      AvailabilityZones: [eu-west-1a, eu-west-1b]
  Provider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      Name: cp-m5
      AutoScalingGroupProvider:
        AutoScalingGroupArn: !Ref Group
        ManagedScaling: {Status: ENABLED, TargetCapacity: 90}
        ManagedTerminationProtection: DISABLED
  Associations:
    Type: AWS::ECS::ClusterCapacityProviderAssociations
    Properties:
      Cluster: !Ref Cluster
      CapacityProviders: [!Ref Provider]
      DefaultCapacityProviderStrategy: [{CapacityProvider: !Ref Provider, Weight: 1, Base: 0}]
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      NetworkMode: bridge
      ContainerDefinitions:
        - {Name: app, Image: web:1, Cpu: 512, Memory: 1024, PortMappings: [{ContainerPort: 8080, HostPort: 0}]}
  Web:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: web
      Cluster: !Ref Cluster
      TaskDefinition: !Ref Task
      DesiredCount: 3
      PlacementStrategies: [{Type: spread, Field: "attribute:ecs.availability-zone"}]
"#;
    let read = |_: &str, r: &str| Err(format!("{r} is not needed"));
    let imported = cloudformation::import(template, "cp.yaml", None, &read).expect("imports");
    let text = imported.scenario.to_yaml("");
    let loaded = load("cp", &text);
    assert_eq!(loaded.spec.services[0].desired_count, 3);
    assert!(text.contains("InstanceType: m5.large"), "{text}");
    assert!(text.contains("autoScalingGroupArn: ecs-m5"), "{text}");
    assert!(
        text.contains("defaultCapacityProviderStrategy:\n      - capacityProvider: cp-m5"),
        "{text}"
    );
    assert!(text.contains("placementStrategy:\n        - type: spread"), "{text}");
    assert!(
        text.contains("availabilityZones:\n  - eu-west-1a\n  - eu-west-1b"),
        "{text}"
    );
    let run = run_to_strings(&loaded);
    assert!(run.cluster.contains("cp-m5"), "{}", run.cluster);
}
