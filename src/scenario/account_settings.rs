//! `ecs.accountSettings`: the ECS account settings the simulator models (`PutAccountSetting` names).

use super::diag::Diagnostics;
use super::reader::object;
use super::yaml::Node;
use crate::model::catalog::instance_type;
use crate::spec::AutoScalingGroupSpec;

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

/// With trunking on, notes the groups whose instance type has no trunking figure (reference 9.6
/// lists none for it): their instances keep the awsvpc task limit without trunking.
pub fn note_types_without_trunking(groups: &[AutoScalingGroupSpec], d: &mut Diagnostics) {
    for g in groups {
        let Some(itype) = instance_type(&g.instance_type) else {
            continue;
        };
        if itype.awsvpc_tasks_with_trunking().is_none() {
            d.not_yet_simulated.push(format!(
                "ecs.accountSettings.awsvpcTrunking: {} (group {}) does not support ENI trunking; its instances keep {} awsvpc tasks",
                itype.name,
                g.name,
                itype.awsvpc_tasks_without_trunking()
            ));
        }
    }
}
