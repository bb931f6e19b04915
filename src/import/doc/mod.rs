//! The scenario being written: an ordered YAML tree whose map entries and sequence items may
//! carry a comment line (`# from Resources.WebService (AWS::ECS::Service)`), written out as
//! block-style YAML, the same bytes every time.

mod write;

pub use write::scalar_text;

/// A value of the scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string, quoted when YAML would read it as something else.
    Str(String),
    /// An integer.
    Int(i64),
    /// A number with a fraction (always written with a `.` or an exponent).
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A sequence.
    Seq(Seq),
    /// A mapping in insertion order.
    Map(Map),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Str(s.clone())
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Int(i64::from(n))
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Map(m)
    }
}

impl From<Seq> for Value {
    fn from(s: Seq) -> Value {
        Value::Seq(s)
    }
}

/// One entry of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Value,
    /// A comment written on the line above the entry.
    pub comment: Option<String>,
}

/// A mapping that keeps its keys in insertion order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    entries: Vec<Entry>,
}

impl Map {
    /// An empty mapping.
    pub fn new() -> Map {
        Map::default()
    }

    /// Sets `key` to `value`: in place if the key is there (its comment kept), else at the end.
    pub fn insert(&mut self, key: &str, value: impl Into<Value>) -> &mut Map {
        let value = value.into();
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(entry) => entry.value = value,
            None => self.entries.push(Entry {
                key: key.to_string(),
                value,
                comment: None,
            }),
        }
        self
    }

    /// Sets `key` to `value` with a comment above it (replacing any comment it had).
    pub fn insert_commented(&mut self, key: &str, value: impl Into<Value>, comment: impl Into<String>) -> &mut Map {
        self.insert(key, value);
        if let Some(entry) = self.entries.iter_mut().find(|e| e.key == key) {
            entry.comment = Some(comment.into());
        }
        self
    }

    /// Builder form of `insert`, for small literal mappings.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Map {
        self.insert(key, value);
        self
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries.iter_mut().find(|e| e.key == key).map(|e| &mut e.value)
    }

    /// The mapping at `key`, created empty at the end if absent (or replacing a value that is
    /// not a mapping).
    pub fn map_mut(&mut self, key: &str) -> &mut Map {
        if !matches!(self.get(key), Some(Value::Map(_))) {
            self.insert(key, Map::new());
        }
        match self.get_mut(key) {
            Some(Value::Map(m)) => m,
            _ => unreachable!("the entry was just made a mapping"),
        }
    }

    /// The sequence at `key`, created empty at the end if absent (or replacing a value that is
    /// not a sequence).
    pub fn seq_mut(&mut self, key: &str) -> &mut Seq {
        if !matches!(self.get(key), Some(Value::Seq(_))) {
            self.insert(key, Seq::new());
        }
        match self.get_mut(key) {
            Some(Value::Seq(s)) => s,
            _ => unreachable!("the entry was just made a sequence"),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(at).value)
    }

    /// The entries in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// True when the mapping has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// One item of a sequence.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The value.
    pub value: Value,
    /// A comment written on the line above the item.
    pub comment: Option<String>,
}

/// A sequence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seq {
    items: Vec<Item>,
}

impl Seq {
    /// An empty sequence.
    pub fn new() -> Seq {
        Seq::default()
    }

    /// Appends an item.
    pub fn push(&mut self, value: impl Into<Value>) -> &mut Seq {
        self.items.push(Item {
            value: value.into(),
            comment: None,
        });
        self
    }

    /// Appends an item with a comment above it.
    pub fn push_commented(&mut self, value: impl Into<Value>, comment: impl Into<String>) -> &mut Seq {
        self.items.push(Item {
            value: value.into(),
            comment: Some(comment.into()),
        });
        self
    }

    /// Builder form of `push`, for small literal lists.
    pub fn with(mut self, value: impl Into<Value>) -> Seq {
        self.push(value);
        self
    }

    /// The items in order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The items, to change them.
    pub fn items_mut(&mut self) -> &mut [Item] {
        &mut self.items
    }

    /// True when the sequence is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

/// The order of a scenario's top-level keys, as the project's scenarios write them; keys not
/// listed follow in insertion order.
pub const TOP_LEVEL_ORDER: &[&str] = &[
    "name",
    "description",
    "seed",
    "start",
    "duration",
    "traceInterval",
    "availabilityZones",
    "ec2AutoScaling",
    "elasticLoadBalancing",
    "ecs",
    "applicationAutoScaling",
    "cloudWatch",
    "eventBridge",
    "behavior",
    "load",
    "events",
    "expect",
];

/// What a service's placeholder load counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadRate {
    /// A service that serves requests (`requestsPerSecond`).
    RequestsPerSecond,
    /// A queue worker (`messagesPerSecond`).
    MessagesPerSecond,
}

impl LoadRate {
    /// The key of the load block.
    pub fn key(self) -> &'static str {
        match self {
            LoadRate::RequestsPerSecond => "requestsPerSecond",
            LoadRate::MessagesPerSecond => "messagesPerSecond",
        }
    }
}

/// The scenario: a top-level mapping.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    /// The top-level keys.
    pub root: Map,
}

impl Doc {
    /// An empty scenario.
    pub fn new() -> Doc {
        Doc::default()
    }

    /// Sets `name:`.
    pub fn set_name(&mut self, name: &str) {
        self.root.insert("name", name);
    }

    /// Sets `description:`.
    pub fn set_description(&mut self, description: &str) {
        self.root.insert("description", description);
    }

    /// Sets `seed:`.
    pub fn set_seed(&mut self, seed: u32) {
        self.root.insert("seed", seed);
    }

    /// Sets `duration:` (a duration string such as `1d` or `6h`).
    pub fn set_duration(&mut self, duration: &str) {
        self.root.insert("duration", duration);
    }

    /// Sets `availabilityZones:`, with a comment saying where they came from.
    pub fn set_availability_zones(&mut self, zones: &[String], comment: &str) {
        let mut seq = Seq::new();
        for zone in zones {
            seq.push(zone.as_str());
        }
        self.root.insert_commented("availabilityZones", seq, comment);
    }

    /// The block at a top-level key (`ecs`, `behavior`, ...), created if absent.
    pub fn block(&mut self, key: &str) -> &mut Map {
        self.root.map_mut(key)
    }

    /// Adds `load.<service>` with a constant placeholder rate and a comment telling the user to
    /// replace it with the service's real traffic.
    pub fn add_placeholder_load(&mut self, service: &str, rate: LoadRate, per_second: i64) {
        let shape = Map::new().with("constant", per_second);
        let load = Map::new().with(rate.key(), Seq::new().with(shape));
        let what = match rate {
            LoadRate::RequestsPerSecond => "requests per second",
            LoadRate::MessagesPerSecond => "messages per second",
        };
        self.block("load").insert_commented(
            service,
            load,
            format!(
                "PLACEHOLDER: {per_second} {what} is not from your input; replace it with the service's real traffic (shapes: constant, ramp, step, diurnal, weekly, spike, replay)"
            ),
        );
    }

    /// The scenario as block-style YAML: `header` as comment lines first, then the top-level
    /// keys in `TOP_LEVEL_ORDER`, each nested value indented by two spaces.
    pub fn to_yaml(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            write::comment_line(&mut out, line, 0);
        }
        let mut entries: Vec<&Entry> = self.root.entries().iter().collect();
        let rank = |key: &str| {
            TOP_LEVEL_ORDER
                .iter()
                .position(|k| *k == key)
                .unwrap_or(TOP_LEVEL_ORDER.len())
        };
        // A stable sort keeps insertion order among keys of the same rank.
        entries.sort_by_key(|e| rank(&e.key));
        for entry in entries {
            write::entry(&mut out, entry, 0);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replaces_in_place() {
        let mut m = Map::new().with("a", 1i64).with("b", 2i64);
        m.insert("a", 3i64);
        assert_eq!(m.entries()[0].value, Value::Int(3));
        assert_eq!(m.len(), 2);
        assert_eq!(m.remove("a"), Some(Value::Int(3)));
        assert_eq!(m.entries()[0].key, "b");
    }
}
