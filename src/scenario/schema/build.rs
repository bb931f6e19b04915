//! Turns the records of the reader's runs into a JSON Schema (draft 2020-12), nesting the path
//! patterns: `a.b` is property `b` of `a`, `a[]` the items of list `a`, `a.*` the values of a
//! named map. Maps are `serde_json::Map` (sorted keys) and lists come from sorted sets, so the
//! same records always give the same bytes.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::recorder::{NAMED_MAPS, ObjectShape, Recorded, Scalar, SchemaRecorder};

/// The description of fields taken from AWS output that the simulator reads past.
pub const IGNORED_DESCRIPTION: &str = "accepted from AWS output, not modelled";

/// Durations as `parse_duration` reads them: units from largest to smallest, each once.
const DURATION_PATTERN: &str = "^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$";

/// Objects of which exactly one of the fields must be given (the readers check it by hand).
const EXACTLY_ONE_OF: &[(&str, &[&str])] = &[
    ("events[]", super::super::events::ACTIONS),
    ("load.*.requestsPerSecond[].spike", &["add", "multiply"]),
    ("load.*.eventsPerSecond[].spike", &["add", "multiply"]),
];

/// The schema of the value at the root pattern (the whole scenario).
pub fn root_schema(recorder: &SchemaRecorder) -> Value {
    Builder { recorder }.value("")
}

struct Builder<'r> {
    recorder: &'r SchemaRecorder,
}

impl Builder<'_> {
    /// Every form the reader accepts at `pattern`; `{}` (anything) when it never looked inside.
    fn value(&self, pattern: &str) -> Value {
        let empty = Recorded::default();
        let recorded = self.recorder.values.get(pattern).unwrap_or(&empty);
        let mut forms: Vec<Value> = recorded.scalars.iter().map(scalar).collect();
        if recorded.list {
            forms.push(self.list(pattern));
        }
        for shape in merged_shapes(&recorded.objects) {
            forms.push(self.object(pattern, &shape, recorded));
        }
        if let Some((_, description)) = NAMED_MAPS.iter().find(|(p, _)| *p == pattern) {
            forms.push(json!({
                "type": "object",
                "description": description,
                "additionalProperties": self.value(&format!("{pattern}.*")),
            }));
        } else if recorded.objects.is_empty() {
            // A mapping read by hand, holding exactly one of the keys read under it
            // (`- ramp: {...}` in requestsPerSecond).
            let keys = self.child_keys(pattern);
            if !keys.is_empty() {
                let choices: Vec<Value> = keys
                    .iter()
                    .map(|k| {
                        json!({
                            "type": "object",
                            "properties": {k.as_str(): self.value(&join(pattern, k))},
                            "required": [k],
                            "additionalProperties": false,
                        })
                    })
                    .collect();
                forms.push(json!({ "oneOf": choices }));
            }
        }
        match forms.len() {
            0 => json!({}),
            1 => forms.remove(0),
            _ => json!({ "anyOf": forms }),
        }
    }

    fn list(&self, pattern: &str) -> Value {
        let items = format!("{pattern}[]");
        let mut schema = Map::new();
        schema.insert("type".into(), json!("array"));
        if self.recorder.values.contains_key(&items) || !self.child_keys(&items).is_empty() {
            schema.insert("items".into(), self.value(&items));
        }
        Value::Object(schema)
    }

    fn object(&self, pattern: &str, shape: &ObjectShape, recorded: &Recorded) -> Value {
        let mut properties = Map::new();
        for name in &shape.known {
            let mut field = self.value(&join(pattern, name));
            if let (Some(what), Value::Object(m)) = (recorded.missing.get(*name), &mut field) {
                m.insert("description".into(), json!(what));
            }
            properties.insert(name.to_string(), field);
        }
        for name in shape.ignored.difference(&shape.known) {
            properties.insert(name.to_string(), json!({ "description": IGNORED_DESCRIPTION }));
        }
        // A field is required if the reader reports it missing and every valid sample has it:
        // `ResourceLabel` is reported only for ALB metrics, and a CPU policy goes without.
        let required: Vec<&str> = shape
            .known
            .iter()
            .copied()
            .filter(|n| recorded.missing.contains_key(*n) && shape.always_present.contains(*n))
            .collect();
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), json!(required));
        }
        // A mapping with fixed fields and user-named entries beside them (`behavior.deployments`:
        // the ECS settings and one entry per EKS Deployment) records the entries at `pattern.*`.
        let named = join(pattern, "*");
        let extra = if self.recorder.values.contains_key(&named) {
            self.value(&named)
        } else {
            json!(false)
        };
        schema.insert("additionalProperties".into(), extra);
        if let Some((_, fields)) = EXACTLY_ONE_OF.iter().find(|(p, _)| *p == pattern) {
            let choices: Vec<Value> = fields
                .iter()
                .map(|f| {
                    assert!(shape.known.contains(f), "{pattern} has no field {f} to choose");
                    json!({ "required": [f] })
                })
                .collect();
            schema.insert("oneOf".into(), json!(choices));
        }
        Value::Object(schema)
    }

    /// The keys recorded directly under `pattern` (`a.b` and `a.b.c` give `b` for `a`).
    fn child_keys(&self, pattern: &str) -> BTreeSet<String> {
        let prefix = if pattern.is_empty() {
            String::new()
        } else {
            format!("{pattern}.")
        };
        self.recorder
            .values
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, _)| {
                let rest = &k[prefix.len()..];
                let key = &rest[..rest.find(['.', '[']).unwrap_or(rest.len())];
                (!key.is_empty()).then(|| key.to_string())
            })
            .collect()
    }
}

/// Shapes whose fields are a subset of another's are the same object read along a path that
/// asked for fewer fields: they merge into the larger one.
fn merged_shapes(shapes: &[ObjectShape]) -> Vec<ObjectShape> {
    let mut sorted: Vec<&ObjectShape> = shapes.iter().collect();
    sorted.sort_by(|a, b| b.known.len().cmp(&a.known.len()).then_with(|| a.known.cmp(&b.known)));
    let mut out: Vec<ObjectShape> = Vec::new();
    for shape in sorted {
        match out.iter_mut().find(|o| shape.known.is_subset(&o.known)) {
            Some(larger) => {
                larger.ignored.extend(shape.ignored.iter().copied());
                larger.always_present.retain(|k| shape.always_present.contains(k));
            }
            None => out.push(shape.clone()),
        }
    }
    out
}

fn join(pattern: &str, key: &str) -> String {
    if pattern.is_empty() {
        key.to_string()
    } else {
        format!("{pattern}.{key}")
    }
}

fn scalar(s: &Scalar) -> Value {
    let mut m = Map::new();
    match s {
        Scalar::String => {
            m.insert("type".into(), json!("string"));
        }
        Scalar::Integer { min, max } => {
            m.insert("type".into(), json!("integer"));
            int_bounds(&mut m, *min, *max);
        }
        Scalar::IntegerOrDigits { min, max } => {
            m.insert("type".into(), json!(["integer", "string"]));
            int_bounds(&mut m, *min, *max);
            m.insert("pattern".into(), json!("^[0-9]+$"));
        }
        Scalar::Number { min, max } => {
            m.insert("type".into(), json!("number"));
            if *min > f64::MIN {
                m.insert("minimum".into(), json!(min));
            }
            if *max < f64::MAX {
                m.insert("maximum".into(), json!(max));
            }
        }
        Scalar::Boolean => {
            m.insert("type".into(), json!("boolean"));
        }
        Scalar::Duration => {
            return json!({
                "anyOf": [
                    {"type": "string", "pattern": DURATION_PATTERN, "minLength": 1},
                    {"const": 0},
                ],
                "description": "a duration such as 500ms, 90s, 15m, 6h or 1d2h",
            });
        }
        Scalar::Enum(values) => {
            m.insert("type".into(), json!("string"));
            m.insert("enum".into(), json!(values));
        }
    }
    Value::Object(m)
}

fn int_bounds(m: &mut Map<String, Value>, min: i64, max: i64) {
    if min > i64::MIN {
        m.insert("minimum".into(), json!(min));
    }
    if max < i64::MAX {
        m.insert("maximum".into(), json!(max));
    }
}
