//! A resolved CloudFormation value, and why a value could not be resolved.

/// A value once every intrinsic function in it has been evaluated. CloudFormation passes
/// scalars as text (`"60"` and `60` mean the same), so scalars stay text until a field's reader
/// says what it needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// A string, number or boolean, as text.
    Scalar(String),
    /// A list.
    List(Vec<Val>),
    /// A mapping, in template order.
    Map(Vec<(String, Val)>),
    /// `!Ref AWS::NoValue`: the property is removed.
    NoValue,
}

impl Val {
    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as a whole number (`"60"`, `60`, `60.0`).
    pub fn as_int(&self) -> Option<i64> {
        let s = self.as_str()?.trim();
        s.parse::<i64>().ok().or_else(|| {
            let x = s.parse::<f64>().ok()?;
            (x.fract() == 0.0 && x.abs() < 9e15).then_some(x as i64)
        })
    }

    /// A scalar as a boolean (`true`/`false` in any case).
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The entry `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The items of a list (none for anything else).
    pub fn items(&self) -> &[Val] {
        match self {
            Val::List(items) => items,
            _ => &[],
        }
    }

    /// Words for the kind of value, for messages.
    pub fn kind_words(&self) -> String {
        match self {
            Val::Scalar(s) => format!("`{s}`"),
            Val::List(_) => "a list".into(),
            Val::Map(_) => "a mapping".into(),
            Val::NoValue => "AWS::NoValue".into(),
        }
    }
}

/// A value that cannot be resolved: where (stack index, line, column, property path) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// Index of the stack whose template holds the value.
    pub stack: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// The property path (`Resources.Service.Properties.DesiredCount`).
    pub path: String,
    /// Why, as a lowercase fragment.
    pub message: String,
    /// What to do, if anything.
    pub help: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_convert_as_cloudformation_passes_them() {
        let s = |t: &str| Val::Scalar(t.into());
        assert_eq!(s("60").as_int(), Some(60));
        assert_eq!(s("60.0").as_int(), Some(60));
        assert_eq!(s("60.5").as_int(), None);
        assert_eq!(s("True").as_bool(), Some(true));
        assert_eq!(s("yes").as_bool(), None);
        assert_eq!(Val::List(vec![]).as_int(), None);
    }
}
