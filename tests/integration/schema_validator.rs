//! A JSON Schema (draft 2020-12) validator for the keywords `ecsim schema` emits, so the schema
//! tests need no validator crate and its regex engine (about 40 crates of build time).
//!
//! It is strict about the schema itself: a keyword it does not know, a `type` it does not know or
//! a `pattern` it cannot match is a test failure, never a silent pass. A new keyword in
//! `scenario/schema/build.rs` must be taught here first, and the tests below prove each keyword
//! rejects what it should.

use serde_json::{Map, Value as Json};

/// Keywords that only annotate and never reject.
const ANNOTATIONS: [&str; 5] = ["$schema", "$id", "title", "description", "$comment"];

/// What the schema asks of an instance, checked keyword by keyword.
pub struct Validator {
    schema: Json,
}

impl Validator {
    /// Checks the schema's own shape: every keyword known, every `pattern` matchable.
    pub fn new(schema: Json) -> Result<Validator, String> {
        check_schema(&schema, "#")?;
        Ok(Validator { schema })
    }

    /// Every violation, as `instance path: message` with the path as a JSON pointer (`/a/0/b`).
    pub fn errors(&self, instance: &Json) -> Vec<String> {
        let mut out = Vec::new();
        validate(&self.schema, instance, "", &mut out);
        out
    }
}

fn check_schema(schema: &Json, at: &str) -> Result<(), String> {
    let object = match schema {
        Json::Bool(_) => return Ok(()),
        Json::Object(o) => o,
        other => return Err(format!("{at}: a schema is an object or a boolean, not {other}")),
    };
    for (key, value) in object {
        let here = format!("{at}/{key}");
        match key.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "type" => {
                let names: Vec<&Json> = match value {
                    Json::Array(a) => a.iter().collect(),
                    one => vec![one],
                };
                for name in names {
                    let known = name.as_str().is_some_and(|n| type_matches(n, &Json::Null).is_some());
                    if !known {
                        return Err(format!("{here}: unknown type {name}"));
                    }
                }
            }
            "properties" => {
                let props = value.as_object().ok_or(format!("{here}: not an object"))?;
                for (name, sub) in props {
                    check_schema(sub, &format!("{here}/{name}"))?;
                }
            }
            "additionalProperties" | "items" => check_schema(value, &here)?,
            "anyOf" | "oneOf" => {
                let subs = value.as_array().ok_or(format!("{here}: not an array"))?;
                for (i, sub) in subs.iter().enumerate() {
                    check_schema(sub, &format!("{here}/{i}"))?;
                }
            }
            "required" | "enum" => {
                value.as_array().ok_or(format!("{here}: not an array"))?;
            }
            "const" => {}
            "minimum" | "maximum" | "minLength" => {
                value.as_f64().ok_or(format!("{here}: not a number"))?;
            }
            "pattern" => {
                let p = value.as_str().ok_or(format!("{here}: not a string"))?;
                if pattern_matches(p, "").is_none() {
                    return Err(format!("{here}: pattern {p} is not one this validator knows"));
                }
            }
            other => return Err(format!("{here}: keyword {other} is not one this validator knows")),
        }
    }
    Ok(())
}

/// Whether `value` is of JSON Schema type `name`; `None` for an unknown type name.
fn type_matches(name: &str, value: &Json) -> Option<bool> {
    Some(match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => return None,
    })
}

/// The patterns the schema uses, matched by hand; `None` for any other pattern.
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    match pattern {
        "^[0-9]+$" => Some(!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())),
        "^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$" => Some(is_duration(text)),
        _ => None,
    }
}

/// Optional `<digits><unit>` groups in the order d, h, m, s, ms, each at most once.
fn is_duration(text: &str) -> bool {
    let units = ["d", "h", "m", "s", "ms"];
    let mut rest = text;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        // "ms" before "m" so that 5ms is not read as 5m followed by "s".
        let Some(found) = (next_unit..units.len())
            .filter(|&u| rest.starts_with(units[u]))
            .max_by_key(|&u| units[u].len())
        else {
            return false;
        };
        rest = &rest[units[found].len()..];
        next_unit = found + 1;
    }
    true
}

fn validate(schema: &Json, instance: &Json, path: &str, out: &mut Vec<String>) {
    let object = match schema {
        Json::Bool(true) => return,
        Json::Bool(false) => return out.push(format!("{path}: false schema allows nothing")),
        Json::Object(o) => o,
        _ => unreachable!("checked by check_schema"),
    };
    if let Some(t) = object.get("type") {
        let names: Vec<&str> = match t {
            Json::Array(a) => a.iter().filter_map(Json::as_str).collect(),
            one => one.as_str().into_iter().collect(),
        };
        if !names.iter().any(|n| type_matches(n, instance) == Some(true)) {
            out.push(format!("{path}: {instance} is not of type {t}"));
            return;
        }
    }
    if let Some(values) = object.get("enum").and_then(Json::as_array) {
        if !values.contains(instance) {
            out.push(format!(
                "{path}: {instance} is not one of {}",
                Json::Array(values.clone())
            ));
        }
    }
    if let Some(c) = object.get("const") {
        if !numbers_or_values_equal(c, instance) {
            out.push(format!("{path}: {instance} is not {c}"));
        }
    }
    if let Some(f) = instance.as_f64() {
        if let Some(min) = object.get("minimum").and_then(Json::as_f64) {
            if f < min {
                out.push(format!("{path}: {instance} is less than the minimum of {min}"));
            }
        }
        if let Some(max) = object.get("maximum").and_then(Json::as_f64) {
            if f > max {
                out.push(format!("{path}: {instance} is greater than the maximum of {max}"));
            }
        }
    }
    if let Some(s) = instance.as_str() {
        if let Some(min) = object.get("minLength").and_then(Json::as_f64) {
            if (s.chars().count() as f64) < min {
                out.push(format!("{path}: {instance} is shorter than {min} characters"));
            }
        }
        if let Some(p) = object.get("pattern").and_then(Json::as_str) {
            if pattern_matches(p, s) != Some(true) {
                out.push(format!("{path}: {instance} does not match {p}"));
            }
        }
    }
    if let Some(fields) = instance.as_object() {
        validate_object(object, fields, path, out);
    }
    if let (Some(items), Some(elements)) = (object.get("items"), instance.as_array()) {
        for (i, element) in elements.iter().enumerate() {
            validate(items, element, &format!("{path}/{i}"), out);
        }
    }
    if let Some(subs) = object.get("anyOf").and_then(Json::as_array) {
        if !subs.iter().any(|s| passes(s, instance, path)) {
            out.push(format!(
                "{path}: {instance} is not valid under any of the schemas in anyOf"
            ));
        }
    }
    if let Some(subs) = object.get("oneOf").and_then(Json::as_array) {
        let passing = subs.iter().filter(|s| passes(s, instance, path)).count();
        if passing != 1 {
            out.push(format!(
                "{path}: {instance} is valid under {passing} of the schemas in oneOf, not exactly one"
            ));
        }
    }
}

fn validate_object(schema: &Map<String, Json>, fields: &Map<String, Json>, path: &str, out: &mut Vec<String>) {
    let properties = schema.get("properties").and_then(Json::as_object);
    for required in schema.get("required").and_then(Json::as_array).into_iter().flatten() {
        if let Some(name) = required.as_str() {
            if !fields.contains_key(name) {
                out.push(format!("{path}: \"{name}\" is a required property"));
            }
        }
    }
    for (name, value) in fields {
        let here = format!("{path}/{}", name.replace('~', "~0").replace('/', "~1"));
        match properties.and_then(|p| p.get(name)) {
            Some(sub) => validate(sub, value, &here, out),
            None => {
                if let Some(extra) = schema.get("additionalProperties") {
                    if extra == &Json::Bool(false) {
                        out.push(format!("{path}: additional property \"{name}\" is not allowed"));
                    } else {
                        validate(extra, value, &here, out);
                    }
                }
            }
        }
    }
}

fn passes(schema: &Json, instance: &Json, path: &str) -> bool {
    let mut errors = Vec::new();
    validate(schema, instance, path, &mut errors);
    errors.is_empty()
}

/// JSON Schema equality: 0 and 0.0 are the same number.
fn numbers_or_values_equal(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn errors(schema: Json, instance: Json) -> Vec<String> {
        Validator::new(schema)
            .expect("a schema this validator knows")
            .errors(&instance)
    }

    #[test]
    fn each_keyword_rejects_what_it_should() {
        let object = json!({"type": "object", "properties": {"a": {"type": "integer", "minimum": 1, "maximum": 3}},
                            "required": ["a"], "additionalProperties": false});
        assert!(errors(object.clone(), json!({"a": 2})).is_empty());
        assert_eq!(errors(object.clone(), json!({})), [": \"a\" is a required property"]);
        assert_eq!(
            errors(object.clone(), json!({"a": 2, "b": 1})),
            [": additional property \"b\" is not allowed"]
        );
        assert!(errors(object.clone(), json!({"a": 4}))[0].starts_with("/a: 4 is greater"));
        assert!(errors(object.clone(), json!({"a": 0}))[0].starts_with("/a: 0 is less"));
        assert!(errors(object, json!({"a": 1.5}))[0].starts_with("/a: 1.5 is not of type"));
        let list = json!({"type": "array", "items": {"enum": ["x", "y"]}});
        assert_eq!(errors(list, json!(["x", "z"])).len(), 1);
        let choice = json!({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]});
        assert!(errors(choice.clone(), json!({"a": 1})).is_empty());
        assert_eq!(errors(choice.clone(), json!({"a": 1, "b": 1})).len(), 1);
        assert_eq!(errors(choice, json!({})).len(), 1);
        let duration = json!({"anyOf": [{"type": "string", "pattern": "^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$", "minLength": 1}, {"const": 0}]});
        for ok in [json!("1d2h"), json!("500ms"), json!("15m"), json!("1m30s"), json!(0)] {
            assert!(errors(duration.clone(), ok.clone()).is_empty(), "{ok}");
        }
        for bad in [
            json!(""),
            json!("5"),
            json!("2h1d"),
            json!("5 m"),
            json!(1),
            json!("1s1s"),
        ] {
            assert_eq!(errors(duration.clone(), bad.clone()).len(), 1, "{bad}");
        }
        let digits = json!({"type": ["integer", "string"], "pattern": "^[0-9]+$"});
        assert!(errors(digits.clone(), json!("512")).is_empty());
        assert!(errors(digits.clone(), json!(512)).is_empty());
        assert_eq!(errors(digits, json!("0.5")).len(), 1);
    }

    #[test]
    fn an_unknown_keyword_type_or_pattern_is_refused() {
        assert!(Validator::new(json!({"maxItems": 3})).is_err());
        assert!(Validator::new(json!({"type": "decimal"})).is_err());
        assert!(Validator::new(json!({"pattern": "^a+$"})).is_err());
        assert!(Validator::new(json!({"properties": {"a": {"$ref": "#/x"}}})).is_err());
    }
}
