//! Input that cannot be imported fails clearly: on the library and on the command line (exit 2).

use super::super::support::{TempDir, ecsim};
use super::{FARGATE_SERVICE, import_error, state};
use ecsim::import::terraform::import;

#[test]
fn input_that_is_not_what_terraform_show_json_prints_is_refused_with_what_to_run() {
    let e = import_error("resource \"aws_ecs_service\" \"web\" {}\n");
    assert!(e.message.starts_with("is not JSON"), "{e}");
    assert_eq!((e.line, e.column), (1, 1));
    assert!(
        e.help.as_deref().unwrap_or_default().contains("terraform show -json"),
        "{e}"
    );

    let cloudformation = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#;
    let e = import_error(cloudformation);
    assert_eq!(
        e.message,
        "the file has no `format_version`, so it is not `terraform show -json` output"
    );

    let e = import_error(&state(
        r#"{"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "values": {"bucket": "logs"}}"#,
    ));
    assert_eq!(
        e.message,
        "nothing to simulate: none of its 1 resources is an aws_ecs_service"
    );

    let broken = FARGATE_SERVICE.replace(r#"[{\"name\":\"app\",\"image\":\"example/app:1\"}]"#, r#"[{\"name\":"#);
    let e = import_error(&state(&broken));
    assert_eq!(e.path, "aws_ecs_task_definition.t.container_definitions");
    assert_eq!(
        e.message,
        "is not JSON: EOF while parsing a value at line 1 column 9 of the string"
    );

    // A data source is read, not created: a service's task definition must be a resource.
    let data_source = FARGATE_SERVICE.replace(
        r#""address": "aws_ecs_task_definition.t", "mode": "managed""#,
        r#""address": "data.aws_ecs_task_definition.t", "mode": "data""#,
    );
    let e = import_error(&state(&data_source));
    assert_eq!(e.path, "aws_ecs_service.s.task_definition");
    assert_eq!(
        e.message,
        "task definition `t` is not an aws_ecs_task_definition of the document"
    );

    let wrong_type = FARGATE_SERVICE.replace(r#""desired_count": 2"#, r#""desired_count": "two""#);
    let e = import_error(&state(&wrong_type));
    assert_eq!(e.path, "aws_ecs_service.s.desired_count");
    assert_eq!(e.message, "expected a number, found the string \"two\"");
}

#[test]
fn the_command_writes_a_scenario_that_validates_and_reports_on_stderr() {
    let dir = TempDir::new("import-terraform");
    let out = dir.0.join("scenario.yaml");
    let input = "tests/fixtures/import/terraform/ec2-step-scaling.plan.json";
    let o = ecsim(&["import", "terraform", input, "--out", out.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("imported: 18\n"), "{stderr}");
    assert!(
        stderr.contains("guessed (check these in the scenario): 3\n"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(&out).expect("written");
    assert!(written.contains("# from aws_ecs_service.worker\n"), "{written}");
    let v = ecsim(&["validate", out.to_str().expect("utf-8 path")]);
    assert_eq!(v.status.code(), Some(0), "{}", String::from_utf8_lossy(&v.stderr));

    let bad = dir.0.join("not-terraform.json");
    std::fs::write(&bad, "{\"Resources\": {}}").expect("written");
    let o = ecsim(&["import", "terraform", bad.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: the file has no `format_version`"),
        "{stderr}"
    );
    assert!(stderr.contains("not-terraform.json"), "{stderr}");
}

#[test]
fn errors_render_whole_as_scenario_errors_do() {
    let text = "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\"root_module\": {\"resources\": [}\n}\n";
    let e = import(text, "plan.json").expect_err("not JSON");
    assert_eq!(
        e.to_string(),
        "error: is not JSON: expected value\n  --> plan.json:3:52\n  |\n3 |   \"planned_values\": {\"root_module\": {\"resources\": [}\n  |                                                    ^\n  = help: run `terraform show -json PLANFILE > plan.json` (or `terraform show -json > state.json` for the state) and import that file\n"
    );
    let wrong_type = FARGATE_SERVICE.replace(r#""desired_count": 2"#, r#""desired_count": "two""#);
    let e = import(&state(&wrong_type), "state.json").expect_err("a wrong type");
    assert_eq!(
        e.to_string(),
        "error: expected a number, found the string \"two\"\n  --> state.json\n  = field: aws_ecs_service.s.desired_count\n  = help: this is not a value the AWS provider writes: was the file edited by hand?\n"
    );
}

#[test]
fn a_state_without_an_ecs_service_exits_2_and_writes_nothing() {
    let dir = TempDir::new("import-terraform-empty");
    let input = dir.0.join("state.json");
    let out = dir.0.join("scenario.yaml");
    let resources = r#"{"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs", "values": {"bucket": "logs"}}"#;
    std::fs::write(&input, state(resources)).expect("written");
    let o = ecsim(&[
        "import",
        "terraform",
        input.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: nothing to simulate: none of its 1 resources is an aws_ecs_service\n"),
        "{stderr}"
    );
    assert!(!out.exists());
}
