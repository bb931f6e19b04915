//! The `PATH=VALUE` arguments of `--set` and `--vary`: one rule for where the path ends.

/// Splits a `PATH=VALUE` argument at its first `=` outside brackets, so a list selector's own
/// `=` (`ecs.services[name=web].desiredCount=4`) stays in the path.
pub fn split_assignment(arg: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (i, c) in arg.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '=' if depth == 0 => return Some((&arg[..i], &arg[i + 1..])),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assignment_splits_at_the_first_equals_sign_outside_brackets() {
        assert_eq!(
            split_assignment("ecs.services[name=web].desiredCount=4"),
            Some(("ecs.services[name=web].desiredCount", "4"))
        );
        assert_eq!(split_assignment("a=b=c"), Some(("a", "b=c")));
        assert_eq!(split_assignment("a[k=v]"), None);
    }
}
