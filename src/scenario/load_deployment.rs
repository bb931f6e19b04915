//! `load.<deployment>` of an EKS Deployment: `requestsPerSecond` served by its Ready pods, or,
//! for a queue worker, `messagesPerSecond` arriving on the SQS queue it consumes (`queueName`,
//! the Deployment's name by default), as an ECS worker service's load is written.

use super::{ShapeContext, read_noise, read_shape};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::Obj;
use crate::scenario::yaml::Node;
use crate::spec::eks::DeploymentSpec;
use crate::spec::{ServiceSpec, WorkerQueue};
use crate::workload::{LoadProfile, LoadShape};

/// Reads the load of Deployment `index` into it (and its queue, for a worker).
pub(super) fn read_deployment_load(
    mut o: Obj<'_>,
    index: usize,
    deployments: &mut [DeploymentSpec],
    services: &[ServiceSpec],
    ctx: &mut ShapeContext<'_>,
    d: &mut Diagnostics,
) {
    let worker = o.field("messagesPerSecond").is_some();
    if worker && o.field("requestsPerSecond").is_some() {
        d.error(
            o.key_loc("messagesPerSecond"),
            &o.child("messagesPerSecond"),
            "a Deployment either serves requests or consumes a queue, not both",
            Some("keep requestsPerSecond or messagesPerSecond; put the other on its own Deployment".into()),
        );
    }
    let list = if worker {
        "messagesPerSecond"
    } else {
        "requestsPerSecond"
    };
    let list_loc = o.key_loc(list);
    let items = o.required_list(list, "a list of shapes such as `- constant: 300`", d);
    let count = items.len();
    let shapes: Vec<LoadShape> = items.iter().filter_map(|(p, n)| read_shape(n, p, ctx, d)).collect();
    let noise = read_noise(&mut o, d);
    let queue_path = o.child("queueName");
    let queue_loc = o.key_loc("queueName");
    let queue_name = o.string("queueName", d);
    let path = o.path.clone();
    o.finish(d);
    if !worker && queue_name.is_some() {
        d.error(
            queue_loc,
            &queue_path,
            "queueName belongs to a queue worker, whose load is messagesPerSecond",
            Some("write the load as messagesPerSecond, or remove queueName".into()),
        );
    }
    if worker {
        let name = queue_name.unwrap_or_else(|| deployments[index].name.clone());
        let by_service = services
            .iter()
            .find(|s| s.queue.as_ref().is_some_and(|q| q.name == name))
            .map(|s| format!("service `{}`", s.name));
        let by_deployment = deployments
            .iter()
            .enumerate()
            .find(|(i, x)| *i != index && x.queue.as_ref().is_some_and(|q| q.name == name))
            .map(|(_, x)| format!("Deployment `{}`", x.name));
        if let Some(other) = by_service.or(by_deployment) {
            d.error(
                queue_loc,
                &queue_path,
                format!("queue `{name}` is already consumed by {other}"),
                Some("each queue has one consumer; give this one its own queueName".into()),
            );
        }
        let dep = &mut deployments[index];
        if dep.revisions[0].messages_per_second_per_pod.is_none() && !d.failed_under("behavior.deployments") {
            d.error(
                list_loc,
                &format!("{path}.messagesPerSecond"),
                format!("Deployment `{}` consumes a queue, but no messagesPerSecondPerPod says how fast its pods process it", dep.name),
                Some(format!(
                    "add behavior.deployments.{}.messagesPerSecondPerPod: how many messages one pod processes per second",
                    dep.name
                )),
            );
        }
        dep.queue = Some(WorkerQueue { name });
    }
    if shapes.len() == count {
        deployments[index].load = Some(LoadProfile { shapes, noise });
    }
}

/// An ECS worker `service` read after a Deployment consuming the same queue: one consumer a
/// queue (the Deployment's reader checks the services read before it).
pub(super) fn check_queue_not_consumed(
    node: &Node,
    service: &ServiceSpec,
    deployments: &[DeploymentSpec],
    d: &mut Diagnostics,
) {
    let Some(queue) = &service.queue else { return };
    let Some(other) = deployments
        .iter()
        .find(|x| x.queue.as_ref().is_some_and(|q| q.name == queue.name))
    else {
        return;
    };
    let (loc, path) = match node.get("queueName") {
        Some(n) => (n.loc, format!("load.{}.queueName", service.name)),
        None => (node.loc, format!("load.{}", service.name)),
    };
    d.error(
        loc,
        &path,
        format!(
            "queue `{}` is already consumed by Deployment `{}`",
            queue.name, other.name
        ),
        Some("each queue has one consumer; give this one its own queueName".into()),
    );
}
