//! The names that become parts of file names and are echoed in messages (issue 16, finding 11):
//! AWS's rules for service and capacity provider names, checked up front so that a long or odd
//! name never fails a run after it has simulated, and values clipped before they are echoed.

/// The longest service or capacity provider name AWS accepts (CreateService, CreateCapacityProvider).
pub const MAX_NAME_CHARS: usize = 255;

/// The longest value a message echoes whole; a longer one is cut, with its length.
pub const MAX_ECHO_CHARS: usize = 200;

/// Why `name` is not a valid ECS service or capacity provider name, or `None`. AWS: "Up to 255
/// letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
pub fn name_problem(name: &str) -> Option<String> {
    let chars = name.chars().count();
    if chars == 0 {
        return Some("is empty".into());
    }
    if chars > MAX_NAME_CHARS {
        return Some(format!(
            "has {chars} characters, more than the {MAX_NAME_CHARS} AWS allows"
        ));
    }
    let bad = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))?;
    Some(format!(
        "contains {}, which AWS does not allow in a name",
        describe(bad)
    ))
}

/// What AWS allows, for the help line.
pub const NAME_RULE: &str = "AWS allows 1 to 255 letters, numbers, hyphens (-) and underscores (_)";

fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("the character U+{:04X}", c as u32)
    } else {
        format!("`{c}`")
    }
}

/// `value` whole if short, else its first `MAX_ECHO_CHARS` characters and "… (N characters)".
pub fn clip(value: &str) -> String {
    let n = value.chars().count();
    if n <= MAX_ECHO_CHARS {
        return value.to_string();
    }
    let head: String = value.chars().take(MAX_ECHO_CHARS).collect();
    format!("{head}… ({n} characters)")
}

/// `message` with every value it quotes between backticks clipped (and any run of text too long
/// to be prose), so a 1 MB value is not echoed whole.
pub fn clip_echoes(message: &str) -> String {
    if message.chars().count() <= MAX_ECHO_CHARS {
        return message.to_string();
    }
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let clipped_already = part.ends_with(" characters)") && part.contains("… (");
        if !clipped_already && (i % 2 == 1 || part.chars().count() > 5 * MAX_ECHO_CHARS) {
            out.push_str(&clip(part));
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws_rules() {
        assert_eq!(name_problem("web-api_2"), None);
        assert_eq!(name_problem(&"a".repeat(255)), None);
        assert!(name_problem(&"a".repeat(256)).expect("long").contains("256 characters"));
        assert!(name_problem("a/b").expect("slash").contains("`/`"));
        assert!(name_problem("a b").expect("space").contains("U+0020"));
        assert!(name_problem("").expect("empty").contains("empty"));
    }

    #[test]
    fn long_values_are_clipped_with_their_length() {
        assert_eq!(clip("short"), "short");
        let long = "x".repeat(1_000_000);
        let clipped = clip(&long);
        assert!(clipped.ends_with("… (1000000 characters)"), "{}", &clipped[190..]);
        assert_eq!(clipped.chars().count(), 200 + "… (1000000 characters)".chars().count());
        let message = format!("no service named `{long}` in ecs.services");
        let shown = clip_echoes(&message);
        assert!(shown.starts_with("no service named `xxx") && shown.ends_with("characters)` in ecs.services"));
        assert!(shown.len() < 300);
    }
}
