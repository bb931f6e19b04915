//! Table tests of the cluster query language: reference case 36, every operator, and bad input.

use super::parser::{MAX_EXPRESSION_CHARS, MAX_NESTING};
use super::*;

struct Instance {
    attributes: Vec<(&'static str, &'static str)>,
    id: &'static str,
    running: u64,
    registered_at: Option<i64>,
    connected: bool,
    groups: Vec<&'static str>,
}

impl InstanceView for Instance {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
    fn ec2_instance_id(&self) -> &str {
        self.id
    }
    fn running_tasks_count(&self) -> u64 {
        self.running
    }
    fn registered_at_epoch_ms(&self) -> Option<i64> {
        self.registered_at
    }
    fn agent_version(&self) -> &str {
        DEFAULT_AGENT_VERSION
    }
    fn agent_connected(&self) -> bool {
        self.connected
    }
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        self.groups.iter().any(|g| f(g))
    }
}

/// 2018-06-18T22:28:28Z.
const JUNE_18_2018: i64 = 1_529_360_908_000;

fn instance() -> Instance {
    Instance {
        attributes: vec![
            ("ecs.availability-zone", "us-east-1a"),
            ("ecs.instance-type", "t2.small"),
            ("stack", "prod"),
            ("weight", "12"),
        ],
        id: "i-abcd1234",
        running: 1,
        registered_at: Some(JUNE_18_2018),
        connected: true,
        groups: vec!["service:web", "database"],
    }
}

#[track_caller]
fn check_on(instance: &Instance, expression: &str, expected: bool) {
    let expr = parse(expression).unwrap_or_else(|e| panic!("`{expression}`: {e}"));
    assert_eq!(expr.matches(instance), expected, "`{expression}`");
}

#[track_caller]
fn check(expression: &str, expected: bool) {
    check_on(&instance(), expression, expected);
}

#[test]
fn case_36_rows() {
    // Case 36: type t2.small, az us-east-1a: `attribute:ecs.instance-type == t2.small` matches.
    check("attribute:ecs.instance-type == t2.small", true);
    // Case 36: type g2.2xlarge in us-east-1d: the `!= us-east-1d` half fails.
    let g2 = Instance {
        attributes: vec![
            ("ecs.availability-zone", "us-east-1d"),
            ("ecs.instance-type", "g2.2xlarge"),
        ],
        ..instance()
    };
    check_on(
        &g2,
        "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
        false,
    );
    // Case 36: az us-east-1b is in [us-east-1a, us-east-1b].
    let b = Instance {
        attributes: vec![("ecs.availability-zone", "us-east-1b")],
        ..instance()
    };
    check_on(&b, "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", true);
    // Case 36: an instance hosting a task of group `database` fails `not(task:group == database)`.
    check("not(task:group == database)", false);
    // Case 36: runningTasksCount 1.
    check("runningTasksCount == 1", true);
}

#[test]
fn every_operator_and_its_word_form() {
    for (symbolic, word, expected) in [
        ("attribute:stack == prod", "attribute:stack equals prod", true),
        ("attribute:stack != prod", "attribute:stack not_equals prod", false),
        ("runningTasksCount > 0", "runningTasksCount greater_than 0", true),
        (
            "runningTasksCount >= 2",
            "runningTasksCount greater_than_equal 2",
            false,
        ),
        ("runningTasksCount < 2", "runningTasksCount less_than 2", true),
        ("runningTasksCount <= 0", "runningTasksCount less_than_equal 0", false),
        ("attribute:stack exists", "attribute:stack exists", true),
        ("attribute:gpu !exists", "attribute:gpu not_exists", true),
        (
            "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']",
            "ec2InstanceId in [i-x, i-abcd1234]",
            true,
        ),
        (
            "ec2InstanceId !in ['i-abcd1234']",
            "ec2InstanceId not_in [i-abcd1234]",
            false,
        ),
        (
            "attribute:ecs.instance-type =~ t2.*",
            "attribute:ecs.instance-type matches t2.*",
            true,
        ),
        (
            "attribute:ecs.instance-type !~ t2.*",
            "attribute:ecs.instance-type not_matches t2.*",
            false,
        ),
    ] {
        check(symbolic, expected);
        check(word, expected);
    }
}

#[test]
fn subjects_compare_by_their_type() {
    check("agentVersion < 1.14.5", false);
    check("agentVersion > 1.9", true); // numeric per component: 89 > 9
    check("agentVersion == 1.89", true); // missing components are 0
    check("agentVersion =~ '1.89.*'", true);
    check("agentConnected == true", true);
    check("registeredAt < 2018-06-19", true);
    check("registeredAt < 2018-06-18", false);
    check("registeredAt == 2018-06-18T22:28:28Z", true);
    check("registeredAt == 2018-06-18T22:28:28+00:00", true);
    check("registeredAt == 2018-06-18T22:28:28", true);
    check("registeredAt >= 2018-06-18T23:28:28+01:00", true);
    check("attribute:weight > 9.5", true); // numbers, not text: "12" > "9.5" as text is false
    check("attribute:stack > 1", false); // not a number: no match
    check("task:group == service:web", true);
    check("task:group in [a, database]", true);
    check("task:group =~ 'service:*'", true);
    check("task:group exists", true);
    let empty = Instance {
        groups: vec![],
        registered_at: None,
        ..instance()
    };
    check_on(&empty, "task:group exists", false);
    check_on(&empty, "task:group != database", true);
    check_on(&empty, "registeredAt < 2030-01-01", false);
    // An absent attribute fails every positive test and passes every negated one.
    check("attribute:gpu == x", false);
    check("attribute:gpu != x", true);
    check("attribute:gpu not_in [x]", true);
    check("attribute:gpu !~ x*", true);
}

#[test]
fn precedence_is_not_then_and_then_or() {
    // `or` binds loosest: true or (false and false).
    check(
        "attribute:stack == prod or attribute:stack == dev and runningTasksCount == 5",
        true,
    );
    check(
        "(attribute:stack == prod or attribute:stack == dev) and runningTasksCount == 5",
        false,
    );
    // `not` binds tightest: (not true) or true.
    check("not attribute:stack == prod || runningTasksCount == 1", true);
    check("!(attribute:stack == prod || runningTasksCount == 1)", false);
    check("attribute:stack == prod && !(runningTasksCount == 0)", true);
    check("((attribute:stack == prod))", true);
}

#[track_caller]
fn check_error(expression: &str, column: usize, message: &str, suggestion: Option<&str>) {
    let e = parse(expression).expect_err(expression);
    assert_eq!(
        (e.column, e.message.as_str(), e.suggestion.as_deref()),
        (column, message, suggestion),
        "`{expression}`"
    );
}

#[test]
fn bad_expressions_point_at_the_column() {
    check_error(
        "atribute:ecs.instance-type == t2.small",
        1,
        "unknown subject `atribute:ecs.instance-type`",
        Some("did you mean `attribute:ecs.instance-type`?"),
    );
    check_error(
        "runningTaskCount == 1",
        1,
        "unknown subject `runningTaskCount`",
        Some("did you mean `runningTasksCount`?"),
    );
    check_error(
        "runningTasksCount eq 1",
        19,
        "unknown operator `eq`",
        Some("did you mean `in`?"),
    );
    check_error(
        "attribute:stack equal prod",
        17,
        "unknown operator `equal`",
        Some("did you mean `equals`?"),
    );
    check_error(
        "attribute:stack = prod",
        17,
        "unknown operator `=`",
        Some("did you mean `==` (or `=~` to match a pattern)?"),
    );
    check_error(
        "attribute:stack ==",
        19,
        "missing argument after `==`",
        Some("write `attribute:stack == <value>`"),
    );
    check_error(
        "attribute:stack",
        16,
        "missing operator after `attribute:stack`",
        Some("e.g. `==`, `!=`, `in`, `=~` or `exists`"),
    );
    check_error(
        "(attribute:stack == prod",
        1,
        "unbalanced parenthesis: this `(` is never closed",
        Some("add a `)`"),
    );
    check_error(
        "attribute:stack == prod)",
        24,
        "unbalanced parenthesis: `)` has no matching `(`",
        Some("remove it or add the `(` it closes"),
    );
    check_error(
        "ec2InstanceId in [i-1, i-2",
        18,
        "unterminated list: this `[` is never closed",
        Some("add a `]`"),
    );
    check_error(
        "ec2InstanceId in i-1",
        18,
        "expected a list such as `[a, b]` after `in`, found `i-1`",
        Some("write `in [i-1]`"),
    );
    check_error(
        "ec2InstanceId in []",
        19,
        "the list is empty",
        Some("list at least one value"),
    );
    check_error(
        "attribute:ecs.instance-type =~ 'm5+'",
        35,
        "`+` is not supported in patterns (only `.*`, `*`, `.`, `?`, `[...]` and `\\` before a symbol)",
        Some("quote the pattern and use only `.*`, `*`, `.`, `?` and `[...]`"),
    );
    check_error(
        "runningTasksCount > many",
        21,
        "expected a whole number for runningTasksCount, found `many`",
        None,
    );
    check_error(
        "registeredAt < yesterday",
        16,
        "expected a date, found `yesterday`",
        Some("use 2018-06-18, 2018-06-18T22:28:28, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00"),
    );
    check_error(
        "task:group > 3",
        12,
        "`>` compares numbers, versions or dates; it cannot be used with this subject",
        Some("use `==`, `!=` or `in`"),
    );
    check_error(
        "attribute:stack == prod attribute:x exists",
        25,
        "unexpected `attribute:x` after a complete expression",
        Some("join expressions with `and` or `or`"),
    );
    check_error(
        "attribute:stack == prod and",
        28,
        "missing expression",
        Some("e.g. `attribute:ecs.instance-type == t2.small`"),
    );
    check_error(
        "attribute:st@ck == prod",
        13,
        "`@` is not allowed in an attribute name (letters, digits, `-`, `_`, `/`, `.`)",
        None,
    );
    check_error(
        "attribute:stack == 'prod",
        20,
        "unterminated string: the ' is never closed",
        Some("close it with a matching '"),
    );
    check_error(
        "attribute:stack ! exists",
        17,
        "`!` here must be followed by `exists` or `in`",
        Some("use `!=`, `!exists`, `!in` or `!~`"),
    );
    check_error(
        "",
        1,
        "missing expression",
        Some("e.g. `attribute:ecs.instance-type == t2.small`"),
    );
}

#[test]
fn static_expressions_do_not_depend_on_tasks() {
    assert!(
        parse("attribute:a == b or ec2InstanceId == i-1")
            .expect("valid")
            .is_static()
    );
    assert!(
        !parse("attribute:a == b and not(task:group == x)")
            .expect("valid")
            .is_static()
    );
    assert!(!parse("runningTasksCount == 0").expect("valid").is_static());
}

#[test]
fn an_expression_longer_than_ecs_accepts_is_refused() {
    let clause = "attribute:stack == prod and ";
    let mut text = clause.repeat(MAX_EXPRESSION_CHARS / clause.len() + 1);
    text.push_str("runningTasksCount == 1");
    let e = parse(&text).expect_err("too long");
    assert_eq!(e.column, MAX_EXPRESSION_CHARS + 1);
    assert!(e.message.contains("at most 2000"), "{}", e.message);
}

#[test]
fn deep_nesting_is_refused_before_it_exhausts_the_stack() {
    let parens = format!("{}runningTasksCount == 1{}", "(".repeat(100), ")".repeat(100));
    assert!(parens.len() < MAX_EXPRESSION_CHARS);
    let e = parse(&parens).expect_err("too deep");
    assert!(e.message.contains("nest more than 64"), "{}", e.message);
    assert_eq!(e.column, MAX_NESTING + 1, "points at the first parenthesis too many");
    let nots = format!("{}runningTasksCount == 1", "not ".repeat(200));
    assert!(parse(&nots).expect_err("too deep").message.contains("nest more than"));
    // Exactly at the limit still parses, and means what it says.
    let depth = MAX_NESTING - 1;
    check(
        &format!("{}runningTasksCount == 1{}", "(".repeat(depth), ")".repeat(depth)),
        true,
    );
}

#[test]
fn a_long_flat_chain_is_not_nesting() {
    // 60 clauses joined by `and`, under the length limit: no nesting limit applies.
    let text = vec!["attribute:stack == prod"; 60].join(" and ");
    assert!(text.len() < MAX_EXPRESSION_CHARS);
    check(&text, true);
    let text = vec!["runningTasksCount == 0"; 60].join(" or ");
    check(&text, false);
}
