//! One table per intrinsic function: each case an expression placed in a template with
//! parameters, conditions, mappings and resources, and the value it evaluates to.

use super::Evaluator;
use crate::import::cloudformation::stack::load_stacks;
use crate::import::cloudformation::value::Val;

const TEMPLATE: &str = r#"Parameters:
  Env: {Type: String, Default: prod}
  Count: {Type: Number, Default: 3}
  Subnets: {Type: CommaDelimitedList, Default: "a,b,c"}
  Empty: {Type: String, Default: ""}
  Given: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  HasEmpty: {"Fn::Equals": [{"Ref": "Empty"}, ""]}
  Both: !And [!Condition IsProd, !Condition HasEmpty]
  Either: !Or [!Condition IsDev, {"Fn::Equals": [1, 2]}]
Mappings:
  Sizes:
    prod: {cpu: "1024"}
    dev: {cpu: "256"}
Resources:
  Cluster: {Type: AWS::ECS::Cluster, Properties: {ClusterName: !Sub "${Env}-cluster"}}
  Svc: {Type: AWS::ECS::Service, Properties: {Cluster: !Ref Cluster, ServiceName: web, TaskDefinition: x}}
  Probe:
    Type: AWS::SSM::Parameter
    Properties:
      Value: EXPR
"#;

/// The value of `expr` in the template, with `Given` set by a parameters file.
fn eval(expr: &str) -> Result<Val, String> {
    let text = TEMPLATE.replace("EXPR", expr);
    let read = |_: &str, _: &str| Err("no nested stacks".to_string());
    let mut notes = crate::import::ImportReport::default();
    let stacks = load_stacks(
        &text,
        "t.yaml",
        &[("Given".into(), "from-file".into())],
        &read,
        &mut notes,
    )
    .map_err(|e| e.message)?;
    let e = Evaluator::new(&stacks);
    let probe = stacks[0]
        .resource("Probe")
        .and_then(|r| r.properties())
        .and_then(|p| p.get("Value"))
        .expect("probe");
    e.eval(0, probe, "Resources.Probe.Properties.Value")
        .map_err(|u| u.message)
}

/// A value written compactly: `a`, `[a, b]`, `{k: v}`, `NoValue`.
fn show(v: &Val) -> String {
    match v {
        Val::Scalar(s) => s.clone(),
        Val::List(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", ")),
        Val::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Val::NoValue => "NoValue".into(),
    }
}

#[track_caller]
fn check(cases: &[(&str, &str)]) {
    for (expr, expected) in cases {
        let got = eval(expr).map(|v| show(&v)).unwrap_or_else(|e| format!("error: {e}"));
        assert_eq!(&got, expected, "{expr}");
    }
}

#[test]
fn ref_reads_parameters_pseudo_parameters_and_resources() {
    check(&[
        ("!Ref Env", "prod"),
        ("{Ref: Count}", "3"),
        ("!Ref Subnets", "[a, b, c]"),
        ("!Ref Given", "from-file"),
        ("!Ref AWS::Region", "us-east-1"),
        ("!Ref AWS::StackName", "t"),
        ("!Ref AWS::Partition", "aws"),
        ("!Ref AWS::URLSuffix", "amazonaws.com"),
        ("!Ref AWS::AccountId", "123456789012"),
        ("!Ref Cluster", "prod-cluster"),
        ("[!Ref Env, !Ref AWS::NoValue, z]", "[prod, z]"),
        (
            "!Ref Nope",
            "error: `Nope` is neither a parameter nor a resource of the template",
        ),
    ]);
}

#[test]
fn get_att_in_both_forms() {
    check(&[
        ("!GetAtt Svc.Name", "web"),
        (
            "{\"Fn::GetAtt\": [Cluster, Arn]}",
            "arn:aws:ecs:us-east-1:123456789012:cluster/prod-cluster",
        ),
        ("!GetAtt [Svc, !Sub \"Na${Empty}me\"]", "web"),
        (
            "!GetAtt Ghost.Name",
            "error: Fn::GetAtt names `Ghost`, which is not a resource of the template",
        ),
    ]);
}

#[test]
fn sub_with_and_without_variables() {
    check(&[
        ("!Sub \"${Env}-${AWS::Region}\"", "prod-us-east-1"),
        ("!Sub [\"${A}/${Svc.Name}\", {A: !Ref Count}]", "3/web"),
        ("!Sub \"${!Literal}-${Env}\"", "${Literal}-prod"),
        ("{\"Fn::Sub\": \"plain\"}", "plain"),
        ("!Sub \"${Env\"", "error: Fn::Sub has a `${` without its `}`"),
    ]);
}

#[test]
fn join_select_split_nested() {
    check(&[
        ("!Join [\"-\", [a, !Ref Env, !Select [1, !Ref Subnets]]]", "a-prod-b"),
        ("!Join [\"\", []]", ""),
        ("!Select [2, !Split [\",\", \"x,y,z\"]]", "z"),
        ("!Split [\"|\", \"a|b\"]", "[a, b]"),
        ("!Join [\",\", !Split [\",\", !Join [\",\", !Ref Subnets]]]", "a,b,c"),
        (
            "!Select [5, [a]]",
            "error: Fn::Select index 5 is past the end of a list of 1",
        ),
        ("!Join [\",\", a]", "error: expected a list, found `a`"),
    ]);
}

#[test]
fn if_and_the_condition_functions() {
    check(&[
        ("!If [IsProd, big, small]", "big"),
        ("!If [IsDev, big, !Ref AWS::NoValue]", "NoValue"),
        ("{\"Fn::If\": [\"Either\", [1], [2]]}", "[2]"),
        (
            "!If [Both, {Size: !FindInMap [Sizes, !Ref Env, cpu]}, none]",
            "{Size: 1024}",
        ),
        ("!Equals [!Ref Env, prod]", "true"),
        ("!Not [!Equals [a, b]]", "true"),
        ("!And [!Condition IsProd, !Condition HasEmpty]", "true"),
        ("!Or [!Condition IsDev, !Condition Both]", "true"),
        ("!Or [!Condition IsDev, !Equals [1, 2]]", "false"),
        (
            "!If [Missing, a, b]",
            "error: no condition named `Missing` in Conditions",
        ),
        ("!If [IsPrd, a, b]", "error: no condition named `IsPrd` in Conditions"),
        (
            "!And [!Condition IsProd]",
            "error: Fn::And takes a list of 2 to 10 conditions",
        ),
    ]);
}

#[test]
fn find_in_map_import_value_base64_and_get_azs() {
    check(&[
        ("!FindInMap [Sizes, !Ref Env, cpu]", "1024"),
        ("!FindInMap [Sizes, dev, cpu]", "256"),
        ("!FindInMap [Sizes, test, cpu]", "error: Mappings has no Sizes.test.cpu"),
        ("!ImportValue shared-vpc", "shared-vpc"),
        ("!ImportValue {\"Fn::Sub\": \"${Env}-ClusterId\"}", "prod-ClusterId"),
        ("!Base64 {\"Fn::Sub\": \"x-${Env}\"}", "x-prod"),
        ("!GetAZs \"\"", "[us-east-1a, us-east-1b, us-east-1c]"),
        (
            "!Cidr [x, 1, 2]",
            "error: `Fn::Cidr` is not a function ecsim import evaluates",
        ),
    ]);
}

#[test]
fn a_missing_parameter_value_says_how_to_give_it() {
    let text = TEMPLATE.replace("EXPR", "!Ref Given");
    let read = |_: &str, _: &str| Err("no nested stacks".to_string());
    let mut notes = crate::import::ImportReport::default();
    let stacks = load_stacks(&text, "t.yaml", &[], &read, &mut notes).expect("loads");
    let e = Evaluator::new(&stacks);
    let probe = stacks[0]
        .resource("Probe")
        .and_then(|r| r.properties())
        .and_then(|p| p.get("Value"))
        .expect("probe");
    let u = e
        .eval(0, probe, "Resources.Probe.Properties.Value")
        .expect_err("no value");
    assert_eq!(
        u.message,
        "parameter `Given` has no value: it has no Default and is not in --parameters"
    );
    assert_eq!(u.path, "Resources.Probe.Properties.Value");
    assert_eq!((u.line, u.column), (23, 14));
}
