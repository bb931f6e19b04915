//! What the scenario reader accepts at each field path, recorded while it reads: the raw material
//! of `ecsim schema`.
//!
//! The reader calls these methods from `Obj` and the `as_*` functions whenever `Diagnostics`
//! carries a recorder, so the schema lists exactly the fields, types, ranges and enum values that
//! the reader itself checks. Paths are recorded as patterns: list indices become `[]` and the user
//! names that key `NAMED_MAPS` become `*` (`load.web.noise` is `load.*.noise`).

use std::collections::{BTreeMap, BTreeSet};

/// Mappings the readers walk by hand, keyed by names the user chooses, with what the keys are.
pub const NAMED_MAPS: &[(&str, &str)] = &[
    ("load", "the load of each service, keyed by serviceName"),
    (
        "behavior.taskDefinitions",
        "simulator settings per task definition, keyed by family or family:revision",
    ),
    (
        "eks.externalMetrics",
        "what each External metric of an HPA reads, keyed by the metric's name",
    ),
    (
        "sweep.vary",
        "the values of each varied setting, keyed by its --set path: a list, or a range START..END:STEP",
    ),
];

/// Lists whose items have the shape of another list's: `eks.objects` may hold `kind: List`
/// objects (or be one), whose `items` are the same Kubernetes objects.
const LIST_ITEMS: &[(&str, &str)] = &[
    ("eks.objects[].items[]", "eks.objects[]"),
    ("eks.objects.items[]", "eks.objects[]"),
];

/// What one scalar accessor accepts.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// Any text.
    String,
    /// A whole number in `[min, max]`.
    Integer {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// A whole number, also as a string of digits (AWS prints task cpu and memory so).
    IntegerOrDigits {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// A finite number in `[min, max]`.
    Number {
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// `true` or `false`.
    Boolean,
    /// A duration string such as `90s` or `1d2h`.
    Duration,
    /// One of these exact strings.
    Enum(Vec<&'static str>),
}

/// The fields of the objects read at one path that asked for the same fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectShape {
    /// Fields the reader asked for.
    pub known: BTreeSet<&'static str>,
    /// AWS fields accepted but not modelled.
    pub ignored: BTreeSet<&'static str>,
    /// Keys present in every object read with this shape.
    pub always_present: BTreeSet<String>,
}

/// Everything recorded at one path pattern.
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    /// Scalars accepted here, without duplicates, in the order first seen.
    pub scalars: Vec<Scalar>,
    /// Objects read here, one entry per distinct set of known fields.
    pub objects: Vec<ObjectShape>,
    /// True when read as a list (its items are at `pattern[]`).
    pub list: bool,
    /// Fields of the object here that the reader reports as missing when absent, with what they are.
    pub missing: BTreeMap<String, String>,
}

/// Whether a run records everything or only which fields are reported missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A run over a valid scenario: shapes, types and the keys present.
    Shapes,
    /// A run over a scenario with one key removed: only the `missing` reports count.
    Requirements,
}

/// The records of one or more reader runs, by path pattern.
#[derive(Clone, Debug)]
pub struct SchemaRecorder {
    mode: Mode,
    /// Records by path pattern (`ecs.services[].deploymentConfiguration`).
    pub values: BTreeMap<String, Recorded>,
}

impl SchemaRecorder {
    /// An empty recorder.
    pub fn new(mode: Mode) -> SchemaRecorder {
        SchemaRecorder {
            mode,
            values: BTreeMap::new(),
        }
    }

    /// Records that the value at `path` may be `scalar`.
    pub fn scalar(&mut self, path: &str, scalar: Scalar) {
        if self.mode == Mode::Shapes {
            let r = self.values.entry(pattern(path)).or_default();
            if !r.scalars.contains(&scalar) {
                r.scalars.push(scalar);
            }
        }
    }

    /// Records that the value at `path` may be a list.
    pub fn list(&mut self, path: &str) {
        if self.mode == Mode::Shapes {
            self.values.entry(pattern(path)).or_default().list = true;
        }
    }

    /// Records an object read at `path`: the fields asked for, those ignored and the keys present.
    pub fn object<'a>(
        &mut self,
        path: &str,
        known: &[&'static str],
        ignored: &[&'static str],
        present: impl Iterator<Item = &'a str>,
    ) {
        if self.mode != Mode::Shapes {
            return;
        }
        let known: BTreeSet<&'static str> = known.iter().copied().collect();
        let present: BTreeSet<String> = present.map(str::to_string).collect();
        let r = self.values.entry(pattern(path)).or_default();
        match r.objects.iter_mut().find(|o| o.known == known) {
            Some(shape) => {
                shape.ignored.extend(ignored);
                shape.always_present.retain(|k| present.contains(k));
            }
            None => r.objects.push(ObjectShape {
                known,
                ignored: ignored.iter().copied().collect(),
                always_present: present,
            }),
        }
    }

    /// Records that the object at `path` reports field `name` (`what`) as missing when absent.
    pub fn missing(&mut self, path: &str, name: &str, what: &str) {
        self.values
            .entry(pattern(path))
            .or_default()
            .missing
            .entry(name.to_string())
            .or_insert_with(|| what.to_string());
    }

    /// Adds the `missing` reports of `other` (a requirements run) to these records.
    pub fn add_requirements(&mut self, other: SchemaRecorder) {
        for (p, r) in other.values {
            let mine = self.values.entry(p).or_default();
            for (name, what) in r.missing {
                mine.missing.entry(name).or_insert(what);
            }
        }
    }
}

/// The pattern of a field path: indices become `[]`, user-chosen map keys become `*`.
pub fn pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    // The items of a `kind: List` are objects like those listed directly.
    for (list, objects) in LIST_ITEMS {
        if let Some(rest) = out.strip_prefix(list) {
            out = format!("{objects}{rest}");
            break;
        }
    }
    for (map, _) in NAMED_MAPS {
        if let Some(rest) = out.strip_prefix(&format!("{map}.")) {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out = format!("{map}.*{}", &rest[end..]);
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(path: &str, expected: &str) {
        assert_eq!(pattern(path), expected);
    }

    #[test]
    fn patterns_hide_indices_and_user_names() {
        check(
            "ecs.services[3].deploymentConfiguration",
            "ecs.services[].deploymentConfiguration",
        );
        check("load.web.requestsPerSecond[0].ramp", "load.*.requestsPerSecond[].ramp");
        check("load.web", "load.*");
        check("eks.objects[2].items[0].spec", "eks.objects[].spec");
        check("eks.objects.items[1].kind", "eks.objects[].kind");
        check(
            "behavior.taskDefinitions.web:3.startTime",
            "behavior.taskDefinitions.*.startTime",
        );
        check(
            "behavior.instances.dynamicPortRange[1]",
            "behavior.instances.dynamicPortRange[]",
        );
        check("loadStep", "loadStep");
        check("", "");
    }
}
