//! `placementStrategy` and `placementConstraints` of services and task definitions (reference 9.2, 9.3).

use super::diag::Diagnostics;
use super::reader::{Obj, object};
use super::yaml::{Loc, Node, Value};
use crate::policy::placement::cql;
use crate::policy::placement::{
    BinpackField, MAX_CONSTRAINTS_PER_TASK, MAX_STRATEGY_RULES, PlacementConstraint, PlacementStrategy, SpreadField,
};

/// Reads a service's `placementStrategy` list.
pub fn read_placement_strategy(o: &mut Obj<'_>, d: &mut Diagnostics) -> Vec<PlacementStrategy> {
    read_placement_strategy_field(o, "placementStrategy", d)
}

/// Reads a placement strategy list written under `field` (`PlacementStrategy` in EventBridge's
/// EcsParameters, whose items keep ECS's lowercase `type` and `field`).
pub fn read_placement_strategy_field(
    o: &mut Obj<'_>,
    field: &'static str,
    d: &mut Diagnostics,
) -> Vec<PlacementStrategy> {
    let key_loc = o.key_loc(field);
    let path = o.child(field);
    let items = o.list(field, d);
    if items.len() > MAX_STRATEGY_RULES {
        d.error(
            key_loc,
            &path,
            format!(
                "a service has at most {MAX_STRATEGY_RULES} placement strategy rules, found {}",
                items.len()
            ),
            Some("later rules only break ties of earlier ones: drop the last ones".into()),
        );
    }
    items.iter().filter_map(|(p, n)| read_rule(n, p, d)).collect()
}

fn read_rule(node: &Node, path: &str, d: &mut Diagnostics) -> Option<PlacementStrategy> {
    let mut o = object(node, path, d)?;
    let kind = o.required_one_of("type", &["binpack", "random", "spread"], "binpack, random or spread", d);
    let field_loc = field_value_loc(&mut o, "field");
    let field = o.string("field", d);
    let field_path = o.child("field");
    let type_loc = o.key_loc("type");
    o.finish(d);
    let mut bad_field = |message: String, help: &str| {
        d.error(field_loc.unwrap_or(type_loc), &field_path, message, Some(help.into()));
        None
    };
    match (kind?, field.as_deref()) {
        ("random", None) => Some(PlacementStrategy::Random),
        ("random", Some(_)) => bad_field("`random` takes no field".into(), "remove `field`"),
        ("binpack", Some("cpu")) => Some(PlacementStrategy::Binpack(BinpackField::Cpu)),
        ("binpack", Some("memory")) => Some(PlacementStrategy::Binpack(BinpackField::Memory)),
        ("binpack", Some(f)) => bad_field(
            format!("`binpack` packs on cpu or memory, not `{f}`"),
            "use `cpu` or `memory`",
        ),
        ("binpack", None) => bad_field("`binpack` needs a field".into(), "add `field: memory` or `field: cpu`"),
        (_, Some("instanceId" | "host")) => Some(PlacementStrategy::Spread(SpreadField::InstanceId)),
        (_, Some(f)) => match f.strip_prefix("attribute:") {
            Some(name) => match cql::validate_attribute_name(name) {
                Ok(()) => Some(PlacementStrategy::Spread(SpreadField::Attribute(name.to_string()))),
                Err((_, message)) => bad_field(message, "e.g. `attribute:ecs.availability-zone`"),
            },
            None => bad_field(
                format!("`spread` balances over `instanceId`, `host` or `attribute:<name>`, not `{f}`"),
                "e.g. `attribute:ecs.availability-zone` or `instanceId`",
            ),
        },
        (_, None) => bad_field(
            "`spread` needs a field".into(),
            "add `field: attribute:ecs.availability-zone` or `field: instanceId`",
        ),
    }
}

/// Where constraints are read: a service allows `distinctInstance`, a task definition does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintOwner {
    /// `ecs.services[].placementConstraints`.
    Service,
    /// `taskDefinition.placementConstraints`.
    TaskDefinition,
    /// A RunTask call's `placementConstraints` (EventBridge `EcsParameters.PlacementConstraints`).
    RunTask,
}

/// Reads a `placementConstraints` list; CQL errors point into the expression.
pub fn read_placement_constraints(
    o: &mut Obj<'_>,
    owner: ConstraintOwner,
    d: &mut Diagnostics,
) -> Vec<PlacementConstraint> {
    read_placement_constraints_field(o, "placementConstraints", owner, d)
}

/// Reads a placement constraint list written under `field` (`PlacementConstraints` in
/// EventBridge's EcsParameters).
pub fn read_placement_constraints_field(
    o: &mut Obj<'_>,
    field: &'static str,
    owner: ConstraintOwner,
    d: &mut Diagnostics,
) -> Vec<PlacementConstraint> {
    let key_loc = o.key_loc(field);
    let path = o.child(field);
    let items = o.list(field, d);
    if items.len() > MAX_CONSTRAINTS_PER_TASK {
        d.error(
            key_loc,
            &path,
            format!(
                "a task has at most {MAX_CONSTRAINTS_PER_TASK} placement constraints, found {}",
                items.len()
            ),
            None,
        );
    }
    items
        .iter()
        .filter_map(|(p, n)| read_constraint(n, p, owner, d))
        .collect()
}

fn read_constraint(
    node: &Node,
    path: &str,
    owner: ConstraintOwner,
    d: &mut Diagnostics,
) -> Option<PlacementConstraint> {
    let mut o = object(node, path, d)?;
    let type_loc = o.key_loc("type");
    let kind = o.required_one_of(
        "type",
        &["distinctInstance", "memberOf"],
        "distinctInstance or memberOf",
        d,
    );
    let expression_node = o.field("expression");
    let expression = o.string("expression", d);
    let expression_path = o.child("expression");
    let expression_key = o.key_loc("expression");
    o.finish(d);
    match (kind?, expression) {
        ("distinctInstance", _) if owner == ConstraintOwner::TaskDefinition => {
            d.error(
                type_loc,
                &format!("{path}.type"),
                "`distinctInstance` is not allowed in a task definition",
                Some("put it in the service's placementConstraints".into()),
            );
            None
        }
        ("distinctInstance", None) => Some(PlacementConstraint::DistinctInstance),
        ("distinctInstance", Some(_)) => {
            d.error(
                expression_key,
                &expression_path,
                "`distinctInstance` takes no expression",
                Some("remove `expression`, or use type `memberOf`".into()),
            );
            None
        }
        (_, None) => {
            d.error(
                type_loc,
                &expression_path,
                "`memberOf` needs an expression",
                Some("e.g. `expression: \"attribute:ecs.instance-type =~ m5.*\"`".into()),
            );
            None
        }
        (_, Some(text)) => parse_member_of(text, expression_node, (expression_key, &expression_path), d),
    }
}

/// A `memberOf` constraint's cluster query language `expression`; errors point into the
/// expression's `node` when it is known, else at its key.
fn parse_member_of(
    text: String,
    node: Option<&Node>,
    (key_loc, path): (Loc, &str),
    d: &mut Diagnostics,
) -> Option<PlacementConstraint> {
    match cql::parse(&text) {
        Ok(parsed) => Some(PlacementConstraint::MemberOf {
            expression: text,
            parsed,
        }),
        Err(e) => {
            let loc = node.map_or(key_loc, |n| column_in_scalar(n, e.column));
            d.error(
                loc,
                path,
                format!("invalid memberOf expression at column {}: {}", e.column, e.message),
                e.suggestion,
            );
            None
        }
    }
}

/// The location of the value of field `name`, if present.
fn field_value_loc(o: &mut Obj<'_>, name: &'static str) -> Option<Loc> {
    o.field(name).map(|n| n.loc)
}

/// The file location of the 1-based `column` inside a single-line scalar: after the opening
/// quote of a quoted one. (A folded multi-line or escaped scalar can be off; the message also
/// gives the column inside the expression.)
fn column_in_scalar(node: &Node, column: usize) -> Loc {
    let quoted = matches!(node.value, Value::Scalar { quoted: true, .. });
    Loc {
        col: node.loc.col + usize::from(quoted) + column - 1,
        ..node.loc
    }
}
