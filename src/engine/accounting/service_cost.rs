//! Cost per service: Fargate tasks are billed to their service; an EC2 instance's cost is split
//! among the services whose tasks reserve its CPU.
//!
//! At every moment a task on an instance is charged `price x task CPU units / registered CPU
//! units` of that instance; CPU alone decides the share (memory does not), so the shares of an
//! instance never add up to more than its price. What no task reserves (idle room, the time
//! before registration, the one-minute minimum and the rounding to whole seconds) is reported as
//! unallocated, so the services' costs plus the unallocated cost are the providers' total.

use crate::engine::world::World;
use crate::model::InstanceId;
use crate::sim::ServiceIdx;

impl World<'_> {
    /// USD per hour of an instance: the catalog's on-demand price, less the Spot discount for a
    /// Spot instance (`behavior.cost.ec2SpotDiscountPercent`).
    pub fn instance_usd_per_hour(&self, id: InstanceId) -> f64 {
        let inst = &self.capacity.instances[id];
        let on_demand = inst.instance_type.on_demand_usd_per_hour;
        if inst.spot {
            on_demand * (1.0 - self.spec.behavior.cost.ec2_spot_discount_percent / 100.0)
        } else {
            on_demand
        }
    }

    /// The part of an instance's hourly price that task `task`, placed on it, is charged.
    pub(in crate::engine) fn instance_share_usd_per_hour(&self, task_definition: usize, instance: InstanceId) -> f64 {
        let inst = &self.capacity.instances[instance];
        if inst.registered_cpu_units == 0 || inst.capacity_provider.is_none() {
            return 0.0;
        }
        let cpu = self.spec.task_definitions[task_definition].resources().cpu_units;
        self.instance_usd_per_hour(instance) * f64::from(cpu) / f64::from(inst.registered_cpu_units)
    }

    /// A task of `service` and `task_definition` was placed on (`placed`) or released from an
    /// instance: its service's share of the instance starts or stops.
    pub fn charge_instance_share(
        &mut self,
        service: ServiceIdx,
        task_definition: usize,
        instance: InstanceId,
        placed: bool,
    ) {
        let rate = self.instance_share_usd_per_hour(task_definition, instance);
        if placed {
            self.accounting.service_cost.start_billing(service, rate, self.now);
        } else {
            self.accounting.service_cost.stop_rate(service, rate, self.now);
        }
    }
}
