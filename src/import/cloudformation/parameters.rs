//! Parameter values: the `--parameters` file in the two shapes users have (the AWS CLI's
//! `[{"ParameterKey": .., "ParameterValue": ..}]` and Copilot's `{"Parameters": {..}}`), each
//! template parameter's `Default`, and the pseudo parameters (`AWS::Region`, ...).

use std::collections::BTreeMap;

use crate::import::ImportError;
use crate::import::source::{Node, Source, Value, child_path, item_path};

/// The region assumed when the input does not say (`AWS::Region`).
pub const DEFAULT_REGION: &str = "us-east-1";
/// The account id assumed (`AWS::AccountId`): the one AWS documentation uses in examples.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// Reads a `--parameters` file: parameter name to value, in file order.
pub fn read_parameters_file(source: &Source) -> Result<Vec<(String, String)>, ImportError> {
    let root = &source.root;
    let shape_help = || {
        Some(
            "write [{\"ParameterKey\": \"Name\", \"ParameterValue\": \"value\"}] as the AWS CLI takes it, or {\"Parameters\": {\"Name\": \"value\"}} as Copilot writes it"
                .to_string(),
        )
    };
    if root.is_seq() {
        let mut out = Vec::new();
        for (i, item) in root.items().iter().enumerate() {
            let path = item_path("", i);
            let key = item.get("ParameterKey").and_then(Node::as_str);
            let Some(key) = key else {
                return Err(source.error(item, &path, "a parameter needs a ParameterKey", shape_help()));
            };
            if item.get("UsePreviousValue").and_then(Node::as_str) == Some("true") {
                return Err(source.error(
                    item,
                    &path,
                    format!("parameter `{key}` asks for its previous value, which only the deployed stack knows"),
                    Some("give its value as ParameterValue".into()),
                ));
            }
            let Some(value) = item.get("ParameterValue") else {
                return Err(source.error(item, &path, format!("parameter `{key}` has no ParameterValue"), None));
            };
            out.push((
                key.to_string(),
                scalar_or_error(source, value, &child_path(&path, "ParameterValue"))?,
            ));
        }
        return Ok(out);
    }
    if let Some(params) = root.get("Parameters") {
        if !params.is_map() {
            return Err(source.error(
                params,
                "Parameters",
                format!("expected a mapping, found {}", params.kind_words()),
                shape_help(),
            ));
        }
        let mut out = Vec::new();
        for (key, value) in params.entries() {
            let path = child_path("Parameters", &key.name);
            out.push((key.name.clone(), scalar_or_error(source, value, &path)?));
        }
        return Ok(out);
    }
    Err(source.error(
        root,
        "",
        format!("expected a parameters file, found {}", root.kind_words()),
        shape_help(),
    ))
}

fn scalar_or_error(source: &Source, node: &Node, path: &str) -> Result<String, ImportError> {
    match &node.value {
        Value::Scalar { text, .. } => Ok(text.clone()),
        // A list parameter may be written as a JSON list: CloudFormation takes it comma-joined.
        Value::Seq(items) if items.iter().all(|i| i.as_str().is_some()) => {
            Ok(items.iter().filter_map(Node::as_str).collect::<Vec<_>>().join(","))
        }
        _ => Err(source.error(
            node,
            path,
            format!("expected a parameter value, found {}", node.kind_words()),
            None,
        )),
    }
}

/// What a parameter declares: its type and default.
#[derive(Clone, Debug)]
pub struct Declared {
    /// `Type` (`String`, `Number`, `List<Number>`, `CommaDelimitedList`, an AWS type).
    pub kind: String,
    /// `Default`, as text.
    pub default: Option<String>,
}

/// The `Parameters` section of a template, in file order.
pub fn declared_parameters(template: &Node) -> Vec<(String, Declared, (usize, usize))> {
    let Some(section) = template.get("Parameters") else {
        return Vec::new();
    };
    section
        .entries()
        .iter()
        .map(|(key, node)| {
            let kind = node.get("Type").and_then(Node::as_str).unwrap_or("String").to_string();
            let default = node.get("Default").and_then(|d| match &d.value {
                Value::Scalar { text, .. } => Some(text.clone()),
                Value::Seq(items) => Some(items.iter().filter_map(Node::as_str).collect::<Vec<_>>().join(",")),
                Value::Map(_) => None,
            });
            (key.name.clone(), Declared { kind, default }, (key.line, key.column))
        })
        .collect()
}

/// Whether a parameter type holds a list (its value is split at commas).
pub fn is_list_type(kind: &str) -> bool {
    kind == "CommaDelimitedList" || kind.starts_with("List<") || kind.starts_with("AWS::SSM::Parameter::Value<List<")
}

/// The pseudo parameters that have a value, for a stack named `stack_name`.
pub fn pseudo_parameters(stack_name: &str) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("AWS::Region", DEFAULT_REGION.to_string()),
        ("AWS::AccountId", DEFAULT_ACCOUNT_ID.to_string()),
        ("AWS::StackName", stack_name.to_string()),
        (
            "AWS::StackId",
            format!("arn:aws:cloudformation:{DEFAULT_REGION}:{DEFAULT_ACCOUNT_ID}:stack/{stack_name}/ecsim-import"),
        ),
        ("AWS::Partition", "aws".to_string()),
        ("AWS::URLSuffix", "amazonaws.com".to_string()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<(String, String)>, ImportError> {
        read_parameters_file(&Source::parse("p.json", text).expect("parses"))
    }

    #[test]
    fn reads_the_aws_cli_shape() {
        let got = read(r#"[{"ParameterKey": "TaskCount", "ParameterValue": "2"}, {"ParameterKey": "Subnets", "ParameterValue": ["a", "b"]}]"#)
            .expect("valid");
        assert_eq!(
            got,
            vec![("TaskCount".into(), "2".into()), ("Subnets".into(), "a,b".into())]
        );
    }

    #[test]
    fn reads_the_copilot_shape() {
        let got =
            read(r#"{"Parameters": {"AppName": "my-app", "TaskCount": "2"}, "Tags": {"x": "y"}}"#).expect("valid");
        assert_eq!(
            got,
            vec![("AppName".into(), "my-app".into()), ("TaskCount".into(), "2".into())]
        );
    }

    #[test]
    fn anything_else_is_a_located_error() {
        let e = read(r#"{"Params": {}}"#).expect_err("wrong shape");
        assert_eq!(e.message, "expected a parameters file, found a mapping");
        assert!(e.help.as_deref().is_some_and(|h| h.contains("ParameterKey")));
        let e = read("[{\"ParameterValue\": \"2\"}]").expect_err("no key");
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            ("[0]", "a parameter needs a ParameterKey")
        );
        let e = read("[{\"ParameterKey\": \"A\", \"UsePreviousValue\": true}]").expect_err("previous");
        assert!(e.message.contains("previous value"), "{}", e.message);
    }

    #[test]
    fn list_types_are_recognised() {
        assert!(is_list_type("List<AWS::EC2::Subnet::Id>"));
        assert!(is_list_type("CommaDelimitedList"));
        assert!(!is_list_type("String"));
        assert!(!is_list_type("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"));
    }
}
