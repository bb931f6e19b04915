//! Small helpers for building the scenario with `import::doc`'s values.

use crate::import::doc::{Map, Seq, Value};

/// A number, written as an integer when it is one (`60`, not `60.0`).
pub fn num(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Value::Int(x as i64)
    } else {
        Value::Float(x)
    }
}

/// A sequence of values.
pub fn seq(items: Vec<Value>) -> Value {
    let mut s = Seq::new();
    for i in items {
        s.push(i);
    }
    Value::Seq(s)
}

/// A sequence of strings.
pub fn strings(items: &[String]) -> Value {
    seq(items.iter().map(Value::from).collect())
}

/// A sequence of items, each under its `# from <address>` comment.
pub fn commented(items: Vec<(String, Value)>) -> Seq {
    let mut s = Seq::new();
    for (comment, value) in items {
        s.push_commented(value, comment);
    }
    s
}

/// A JSON value (a container definition, as ECS reads it) as a scenario value; nulls are left
/// out, keys are in alphabetical order after `name`.
pub fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Str(String::new()),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => num(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(a) => seq(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            // serde_json keeps keys sorted; a container's `name` goes first, as people write it.
            let mut m = Map::new();
            if let Some(name) = o.get("name").filter(|v| !v.is_null()) {
                m.insert("name", from_json(name));
            }
            for (k, v) in o.iter().filter(|(k, v)| !v.is_null() && *k != "name") {
                m.insert(k, from_json(v));
            }
            Value::Map(m)
        }
    }
}

/// `insert` when there is a value.
pub trait InsertSome {
    /// Inserts `key: value` when `value` is `Some`.
    fn opt(&mut self, key: &str, value: Option<Value>);
}

impl InsertSome for Map {
    fn opt(&mut self, key: &str, value: Option<Value>) {
        if let Some(v) = value {
            self.insert(key, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_integers_and_json_nulls_are_dropped() {
        assert_eq!(num(60.0), Value::Int(60));
        assert_eq!(num(-12.5), Value::Float(-12.5));
        let v = from_json(&serde_json::json!({"name": "app", "cpu": 256, "user": null, "essential": true}));
        let Value::Map(m) = v else { panic!("a mapping") };
        let keys: Vec<&str> = m.entries().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["name", "cpu", "essential"]);
        assert_eq!(m.get("cpu"), Some(&Value::Int(256)));
    }
}
