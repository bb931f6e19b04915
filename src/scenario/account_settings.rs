//! `ecs.accountSettings`: the ECS account settings the simulator models (`PutAccountSetting` names).

use super::diag::Diagnostics;
use super::reader::object;
use super::yaml::Node;

/// Reads `ecs.accountSettings: {awsvpcTrunking: enabled|disabled}`; true when trunking is enabled.
pub fn read_awsvpc_trunking(node: Option<&Node>, d: &mut Diagnostics) -> bool {
    let Some(node) = node else { return false };
    let Some(mut o) = object(node, "ecs.accountSettings", d) else {
        return false;
    };
    let trunking = o.one_of("awsvpcTrunking", &["enabled", "disabled"], d);
    o.finish(d);
    trunking == Some("enabled")
}
