//! Typed reading of a resource's attributes (`values`) that remembers what it read, so every
//! attribute set but not modelled is reported as ignored, never silently dropped.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::TerraformError;

/// Attributes Terraform computes for every resource (identifiers and the merged tags): what AWS
/// assigned, not a setting, so they are neither modelled nor worth reporting.
const COMPUTED_IDENTIFIERS: &[&str] = &["id", "arn", "tags_all", "region"];

/// The attributes of one resource, or of one of its nested blocks.
pub struct Fields<'a> {
    /// Where these attributes are (`aws_ecs_service.web.load_balancer[0]`).
    pub path: String,
    map: &'a Map<String, Value>,
    read: BTreeSet<&'a str>,
}

impl<'a> Fields<'a> {
    /// The top-level attributes of the resource at `address`.
    pub fn new(address: &str, map: &'a Map<String, Value>) -> Self {
        let mut f = Fields {
            path: address.to_string(),
            map,
            read: BTreeSet::new(),
        };
        f.skip(COMPUTED_IDENTIFIERS);
        f
    }

    /// The path of attribute `key`, for messages.
    pub fn child(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// The value of `key`, if set (a null is not set); marks it read.
    pub fn value(&mut self, key: &str) -> Option<&'a Value> {
        let (k, v) = self.map.get_key_value(key)?;
        self.read.insert(k.as_str());
        (!v.is_null()).then_some(v)
    }

    /// Marks attributes as read without using them (computed or bookkeeping values).
    pub fn skip(&mut self, keys: &[&str]) {
        for key in keys {
            if let Some((k, _)) = self.map.get_key_value(*key) {
                self.read.insert(k.as_str());
            }
        }
    }

    fn wrong(&self, key: &str, expected: &str, v: &Value) -> TerraformError {
        TerraformError::new(
            &self.child(key),
            format!("expected {expected}, found {}", describe(v)),
            "this is not a value the AWS provider writes: was the file edited by hand?",
        )
    }

    /// A string attribute; an empty string counts as not set.
    pub fn string(&mut self, key: &str) -> Result<Option<String>, TerraformError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.wrong(key, "a string", v)),
        }
    }

    /// A number attribute, or a number written as a string (the provider stores some numbers,
    /// such as step bounds and `deregistration_delay`, as strings); an empty string is not set.
    pub fn number(&mut self, key: &str) -> Result<Option<f64>, TerraformError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Some)
                .ok_or_else(|| self.wrong(key, "a number", &Value::String(s.clone()))),
            Some(v) => Err(self.wrong(key, "a number", v)),
        }
    }

    /// A whole-number attribute (a number or a numeric string).
    pub fn int(&mut self, key: &str) -> Result<Option<i64>, TerraformError> {
        match self.number(key)? {
            None => Ok(None),
            Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Some(x as i64)),
            Some(x) => Err(TerraformError::new(
                &self.child(key),
                format!("expected a whole number, found {x}"),
                "write a whole number",
            )),
        }
    }

    /// A boolean attribute.
    pub fn boolean(&mut self, key: &str) -> Result<Option<bool>, TerraformError> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.wrong(key, "true or false", v)),
        }
    }

    /// A list or set of strings (empty when not set).
    pub fn strings(&mut self, key: &str) -> Result<Vec<String>, TerraformError> {
        match self.value(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| self.wrong(key, "a list of strings", v))
                })
                .collect(),
            Some(v) => Err(self.wrong(key, "a list of strings", v)),
        }
    }

    /// A map of strings (`dimensions`), in key order.
    pub fn string_map(&mut self, key: &str) -> Result<Vec<(String, String)>, TerraformError> {
        match self.value(key) {
            None => Ok(Vec::new()),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| {
                    v.as_str()
                        .map(|s| (k.clone(), s.to_string()))
                        .ok_or_else(|| self.wrong(key, "a map of strings", v))
                })
                .collect(),
            Some(v) => Err(self.wrong(key, "a map of strings", v)),
        }
    }

    /// The instances of a nested block (`load_balancer { .. }`), each with its own path.
    pub fn blocks(&mut self, key: &str) -> Result<Vec<Fields<'a>>, TerraformError> {
        let path = self.child(key);
        match self.value(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::Object(m) => Ok(Fields {
                        path: format!("{path}[{i}]"),
                        map: m,
                        read: BTreeSet::new(),
                    }),
                    other => Err(self.wrong(key, "a list of blocks", other)),
                })
                .collect(),
            Some(v) => Err(self.wrong(key, "a list of blocks", v)),
        }
    }

    /// A nested block that occurs at most once (`managed_scaling { .. }`).
    pub fn block(&mut self, key: &str) -> Result<Option<Fields<'a>>, TerraformError> {
        Ok(self.blocks(key)?.into_iter().next())
    }

    /// The paths of attributes set but not read: the ones ecsim does not model. Defaults that
    /// say nothing (null, false, empty strings, lists and maps) are left out.
    pub fn unread(&self) -> Vec<String> {
        self.map
            .iter()
            .filter(|(k, v)| !self.read.contains(k.as_str()) && says_something(v))
            .map(|(k, _)| self.child(k))
            .collect()
    }
}

fn says_something(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(true) | Value::Number(_) => true,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", Value::String(s.clone())),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn numbers_may_be_written_as_strings_and_empty_strings_are_unset() {
        let m = map(json!({"a": 3, "b": "-10", "c": "", "d": "x", "e": 2.5}));
        let mut f = Fields::new("aws_x.y", &m);
        assert_eq!(f.int("a").unwrap(), Some(3));
        assert_eq!(f.number("b").unwrap(), Some(-10.0));
        assert_eq!(f.number("c").unwrap(), None);
        let e = f.number("d").unwrap_err();
        assert_eq!(e.path, "aws_x.y.d");
        assert_eq!(e.message, "expected a number, found the string \"x\"");
        assert!(f.int("e").is_err());
    }

    #[test]
    fn attributes_set_but_not_read_are_listed_and_defaults_are_not() {
        let m = map(
            json!({"id": "x", "arn": "a", "name": "web", "iam_role": "r", "tags": {},
                           "force_new_deployment": false, "triggers": {}, "n": 0,
                           "load_balancer": [{"container_name": "app", "elb_name": "old"}]}),
        );
        let mut f = Fields::new("aws_ecs_service.web", &m);
        f.string("name").unwrap();
        let lbs = f.blocks("load_balancer").unwrap();
        let mut lb = lbs.into_iter().next().unwrap();
        lb.string("container_name").unwrap();
        assert_eq!(f.unread(), ["aws_ecs_service.web.iam_role", "aws_ecs_service.web.n"]);
        assert_eq!(lb.unread(), ["aws_ecs_service.web.load_balancer[0].elb_name"]);
    }

    #[test]
    fn a_wrong_type_names_the_attribute() {
        let m = map(json!({"desired_count": "two", "alarm_actions": [1]}));
        let mut f = Fields::new("aws_ecs_service.web", &m);
        assert_eq!(
            f.int("desired_count").unwrap_err().path,
            "aws_ecs_service.web.desired_count"
        );
        assert!(
            f.strings("alarm_actions")
                .unwrap_err()
                .message
                .contains("a list of strings")
        );
    }
}
