//! Evaluation of a parsed expression against a read-only view of one container instance.

use std::cmp::Ordering;

use super::parser::parse_version;
use super::{Comparison, Expr, Operator, Subject, Value};

/// What an expression can see of a container instance.
pub trait InstanceView {
    /// An attribute's value (`ecs.instance-type`, or a custom one).
    fn attribute(&self, name: &str) -> Option<&str>;
    /// The EC2 instance id.
    fn ec2_instance_id(&self) -> &str;
    /// Tasks in RUNNING on the instance.
    fn running_tasks_count(&self) -> u64;
    /// When it registered with the cluster, epoch milliseconds (`None` while launching).
    fn registered_at_epoch_ms(&self) -> Option<i64>;
    /// The ECS agent version.
    fn agent_version(&self) -> &str;
    /// True while the agent is connected (the instance is ACTIVE).
    fn agent_connected(&self) -> bool;
    /// True if `f` holds for the group of any task on the instance (`service:<name>`, `family:<f>`).
    fn any_task_group(&self, f: &mut dyn FnMut(&str) -> bool) -> bool;
}

/// True if `instance` satisfies `expr`.
pub fn matches(expr: &Expr, instance: &dyn InstanceView) -> bool {
    match expr {
        Expr::Compare(c) => compare(c, instance) != c.negated,
        Expr::Not(e) => !matches(e, instance),
        Expr::And(a, b) => matches(a, instance) && matches(b, instance),
        Expr::Or(a, b) => matches(a, instance) || matches(b, instance),
    }
}

/// The positive form of the comparison.
fn compare(c: &Comparison, instance: &dyn InstanceView) -> bool {
    match &c.subject {
        Subject::TaskGroup => {
            if c.operator == Operator::Exists {
                instance.any_task_group(&mut |_| true)
            } else {
                instance.any_task_group(&mut |g| holds_for_text(c, g))
            }
        }
        Subject::Attribute(name) => instance.attribute(name).is_some_and(|v| holds_for_text(c, v)),
        Subject::Ec2InstanceId => holds_for_text(c, instance.ec2_instance_id()),
        Subject::AgentVersion => {
            let text = instance.agent_version();
            match c.operator {
                Operator::Matches | Operator::Exists => holds_for_text(c, text),
                _ => parse_version(text).is_some_and(|v| {
                    holds(c, |arg| match arg {
                        Value::Version(a) => Some(compare_versions(&v, a)),
                        _ => None,
                    })
                }),
            }
        }
        Subject::RunningTasksCount => {
            let n = instance.running_tasks_count() as f64;
            holds(c, |arg| match arg {
                Value::Number(a) => n.partial_cmp(a),
                _ => None,
            })
        }
        Subject::RegisteredAt => instance.registered_at_epoch_ms().is_some_and(|t| {
            holds(c, |arg| match arg {
                Value::Instant(a) => Some(t.cmp(a)),
                _ => None,
            })
        }),
        Subject::AgentConnected => {
            let connected = instance.agent_connected();
            holds(c, |arg| match arg {
                Value::Bool(a) => Some(connected.cmp(a)),
                _ => None,
            })
        }
    }
}

/// A text value (attribute, id, group, version under `=~`) against the comparison.
fn holds_for_text(c: &Comparison, text: &str) -> bool {
    holds(c, |arg| match arg {
        Value::Text(a) => (text == a).then_some(Ordering::Equal),
        Value::Number(a) => text.trim().parse::<f64>().ok().and_then(|v| v.partial_cmp(a)),
        Value::Pattern(p) => p.is_match(text).then_some(Ordering::Equal),
        _ => None,
    })
}

/// Applies the operator given how the instance's value orders against each argument value
/// (`None`: not comparable, never a match).
fn holds(c: &Comparison, mut order: impl FnMut(&Value) -> Option<Ordering>) -> bool {
    let first = || c.values.first();
    match c.operator {
        Operator::Exists => true,
        Operator::In => c.values.iter().any(|v| order(v) == Some(Ordering::Equal)),
        Operator::Equals | Operator::Matches => first().and_then(&mut order) == Some(Ordering::Equal),
        Operator::Greater => first().and_then(&mut order) == Some(Ordering::Greater),
        Operator::GreaterEqual => matches!(first().and_then(&mut order), Some(Ordering::Greater | Ordering::Equal)),
        Operator::Less => first().and_then(&mut order) == Some(Ordering::Less),
        Operator::LessEqual => matches!(first().and_then(&mut order), Some(Ordering::Less | Ordering::Equal)),
    }
}

/// Numeric per component; missing components count as 0 (`1.14 == 1.14.0`).
fn compare_versions(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| a.get(i).copied().unwrap_or(0).cmp(&b.get(i).copied().unwrap_or(0)))
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}
