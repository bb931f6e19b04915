//! Injected faults: instance failures and drains picked by selectors, Availability Zone outages
//! and their recovery, bursts of Spot interruptions, and the state they leave behind.

use std::collections::BTreeSet;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::engine::event::Event;
use crate::engine::jobs::JobPhase;
use crate::engine::world::World;
use crate::model::{InstanceId, InstanceState, StopReason, TaskId, TaskState};
use crate::sim::{RngStreams, SimDuration};
use crate::spec::{CapacityProviderKind, InstanceSelector, Quantity, Spec, SpotInterruptionSpec};
use crate::trace::{EventDetail, EventKind, FaultCause, SinkError, TraceSink};

/// A container instance set to DRAINING.
pub(in crate::engine) struct DrainingInstance {
    /// The instance.
    pub instance: InstanceId,
    /// Terminate it once its last task has stopped.
    pub terminate_when_empty: bool,
    /// Its tasks when it started draining: the only ones it may ever hold.
    pub tasks_at_drain: Vec<TaskId>,
}

/// What faults have done to the world so far.
pub(in crate::engine) struct FaultState {
    /// Zones failed for good by `failInstances: {availabilityZone}`.
    pub failed_zones: Vec<bool>,
    /// Outages in progress per zone.
    pub zone_outages: Vec<u32>,
    /// Instances DRAINING (and, until pruned, drained instances since terminated).
    pub draining: Vec<DrainingInstance>,
    /// Spot Instances that have had their two-minute notice.
    pub spot_notices: BTreeSet<InstanceId>,
    /// The seeded FARGATE_SPOT interruption process (one exponential draw per RUNNING task).
    pub spot_process_rng: ChaCha8Rng,
    /// Which tasks or instances a `spotInterruption` burst picks.
    pub burst_rng: ChaCha8Rng,
    /// Spot interruptions per service (FARGATE_SPOT tasks).
    pub spot_interruptions_per_service: Vec<u64>,
    /// Spot interruptions per capacity provider (tasks or instances).
    pub spot_interruptions_per_provider: Vec<u64>,
    /// Rebalance recommendations delivered ahead of `spotInterruption` bursts (CapacityRebalance).
    pub recommendations: super::capacity_rebalance::Recommendations,
}

impl FaultState {
    /// No faults yet.
    pub fn new(spec: &Spec, streams: &RngStreams) -> Self {
        FaultState {
            failed_zones: vec![false; spec.availability_zones.len()],
            zone_outages: vec![0; spec.availability_zones.len()],
            draining: Vec::new(),
            spot_notices: BTreeSet::new(),
            spot_process_rng: streams.stream("fargate-spot-interruptions"),
            burst_rng: streams.stream("spot-interruption-bursts"),
            spot_interruptions_per_service: vec![0; spec.services.len()],
            spot_interruptions_per_provider: vec![0; spec.capacity_providers.len()],
            recommendations: Default::default(),
        }
    }
}

impl World<'_> {
    /// `failInstances`: EC2 terminates the selected instances; their groups replace them.
    pub fn fail_instances(&mut self, selector: &InstanceSelector, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let (victims, missing) = self.select_instances(selector);
        let (cause, name) = match selector.availability_zone {
            Some(az) if selector.is_whole_zone() => (FaultCause::ZoneFailure, self.spec.availability_zones[az].clone()),
            _ => (FaultCause::InstanceFailure, self.describe_selector(selector)),
        };
        let what = if selector.is_whole_zone() {
            let az = selector.availability_zone.expect("whole-zone selector names a zone");
            self.faults.failed_zones[az] = true;
            self.capacity.impaired_zones[az] = true;
            format!("Availability Zone {} fails", self.spec.availability_zones[az])
        } else {
            match (selector.capacity_provider, selector.quantity) {
                (Some(p), Quantity::Count(n)) if self.is_plain_count(selector) => {
                    format!("{n} instance(s) of {} fail", self.spec.capacity_providers[p].name)
                }
                _ => format!("failInstances ({})", self.describe_selector(selector)),
            }
        };
        self.log_detail(
            sink,
            EventKind::Fault,
            "cluster",
            format!(
                "{what}: {} instance(s) terminated{}.{missing}",
                victims.len(),
                self.id_list(&victims)
            ),
            EventDetail::Fault { cause, name },
        )?;
        for id in victims {
            self.terminate_instance(id, "instance failure injected by the scenario", sink)?;
        }
        Ok(())
    }

    /// `drainInstances`: the selected instances go DRAINING and stay so (like
    /// `update-container-instances-state --status DRAINING`).
    pub fn drain_instances(&mut self, selector: &InstanceSelector, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let (selected, missing) = self.select_instances(selector);
        let (active, launching): (Vec<InstanceId>, Vec<InstanceId>) = selected
            .into_iter()
            .filter(|i| self.capacity.instances[i].state != InstanceState::Draining)
            .partition(|i| self.capacity.instances[i].state == InstanceState::Active);
        let skipped = if launching.is_empty() {
            String::new()
        } else {
            format!(" Not yet registered, so not drained:{}.", self.id_list(&launching))
        };
        self.log_detail(
            sink,
            EventKind::Fault,
            "cluster",
            format!(
                "drainInstances ({}): {} instance(s) set to DRAINING{}.{skipped}{missing}",
                self.describe_selector(selector),
                active.len(),
                self.id_list(&active)
            ),
            EventDetail::Fault {
                cause: FaultCause::Drain,
                name: self.describe_selector(selector),
            },
        )?;
        for id in active {
            self.drain_instance(id, "drainInstances in the scenario's timeline", false, sink)?;
        }
        Ok(())
    }

    /// `azOutage`: the zone's instances terminate and its Fargate tasks stop; nothing launches
    /// or is placed there until it recovers `duration` later.
    pub fn start_zone_outage(
        &mut self,
        az: usize,
        duration: SimDuration,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        self.faults.zone_outages[az] += 1;
        self.capacity.impaired_zones[az] = true;
        let (victims, _) = self.select_instances(&InstanceSelector::zone(az));
        let fargate: Vec<TaskId> = self
            .tasks
            .values()
            .filter(|t| t.availability_zone == Some(az) && self.provider_is_fargate(t.capacity_provider))
            .map(|t| t.id)
            .collect();
        let fargate_jobs = self.fargate_jobs_in_zone(az);
        let zone = self.spec.availability_zones[az].clone();
        self.log_detail(
            sink,
            EventKind::Fault,
            zone.clone(),
            format!(
                "Availability Zone {zone} outage for {duration}: {} instance(s) terminated{}, {} Fargate task(s) stopped.",
                victims.len(),
                self.id_list(&victims),
                fargate.len() + fargate_jobs.len()
            ),
            EventDetail::Fault {
                cause: FaultCause::ZoneOutage,
                name: zone.clone(),
            },
        )?;
        for id in victims {
            self.terminate_instance(id, &format!("Availability Zone {zone} outage"), sink)?;
        }
        for id in fargate {
            let service = self.tasks[&id].service;
            if self.tasks[&id].state == TaskState::Provisioning {
                // Still waiting for capacity: it simply never starts.
                self.stop_task(id, StopReason::ZoneOutage, sink)?;
            } else {
                self.abort_task(id, StopReason::ZoneOutage, sink)?;
            }
            self.request_reconcile(service);
        }
        self.interrupt_fargate_jobs(fargate_jobs, sink)?;
        self.schedule_in(duration, Event::ZoneRecovered { zone: az });
        Ok(())
    }

    /// The end of an outage: the zone takes launches and tasks again. Groups fill the zone only
    /// through their normal launches (replacements, scale-out); services with Availability Zone
    /// rebalancing move tasks back to it (`service::rebalancing`).
    pub fn recover_zone(&mut self, az: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.faults.zone_outages[az] -= 1;
        let impaired = self.faults.failed_zones[az] || self.faults.zone_outages[az] > 0;
        self.capacity.impaired_zones[az] = impaired;
        let zone = self.spec.availability_zones[az].clone();
        let state = if impaired {
            "is still impaired"
        } else {
            "takes new instances and Fargate tasks again; Auto Scaling groups rebalance only through their normal launches, services with AZ rebalancing move tasks back"
        };
        self.log_detail(
            sink,
            EventKind::FaultRecovered,
            zone.clone(),
            format!("Availability Zone {zone} recovers from its outage: it {state}."),
            EventDetail::Fault {
                cause: FaultCause::ZoneOutage,
                name: zone.clone(),
            },
        )?;
        for group in 0..self.capacity.groups.len() {
            self.replace_missing_instances(group, sink)?;
        }
        self.retry_blocked_rebalancing();
        Ok(())
    }

    /// `spotInterruption` (timeline entry `index`): a burst of interruptions of RUNNING
    /// FARGATE_SPOT tasks or of live Spot instances, picked at random (stream
    /// `spot-interruption-bursts`), or the instances its rebalance recommendation picked earlier.
    pub fn spot_interruption_burst(
        &mut self,
        index: usize,
        burst: &SpotInterruptionSpec,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let provider = &self.spec.capacity_providers[burst.capacity_provider];
        let name = provider.name.clone();
        if provider.kind == CapacityProviderKind::FargateSpot {
            let mut candidates: Vec<SpotVictim> = self
                .tasks
                .values()
                .filter(|t| {
                    t.capacity_provider == burst.capacity_provider
                        && t.state == TaskState::Running
                        && burst.service.is_none_or(|s| s == t.service)
                })
                .map(|t| SpotVictim::Task(t.id))
                .collect();
            // Standalone tasks too, unless the burst names a service.
            if burst.service.is_none() {
                candidates.extend(
                    self.live_job_runs()
                        .filter(|(_, r)| r.provider == burst.capacity_provider && r.phase == JobPhase::Running)
                        .map(|(run, _)| SpotVictim::Job(run)),
                );
            }
            let picked = pick(candidates, burst.quantity, &mut self.faults.burst_rng);
            let labels: Vec<String> = picked
                .iter()
                .map(|v| match v {
                    SpotVictim::Task(id) => World::task_label(*id),
                    SpotVictim::Job(run) => format!("j-{}", self.jobs.runs[*run].job_id),
                })
                .collect();
            let of = burst
                .service
                .map_or(String::new(), |s| format!(" of service {}", self.spec.services[s].name));
            self.log_detail(
                sink,
                EventKind::Fault,
                "cluster",
                format!(
                    "Spot interruption on {name}: {} task(s){of} interrupted{}{}.",
                    picked.len(),
                    if labels.is_empty() { "" } else { ": " },
                    labels.join(" ")
                ),
                EventDetail::Fault {
                    cause: FaultCause::SpotInterruption,
                    name: name.clone(),
                },
            )?;
            for victim in picked {
                match victim {
                    SpotVictim::Task(id) => self.interrupt_spot_task(id, sink)?,
                    SpotVictim::Job(run) => self.interrupt_spot_job(run, sink)?,
                }
            }
        } else {
            let mut picked = match self.faults.recommendations.picked.remove(&index) {
                // Those the recommendation picked that are still there (not yet retired).
                Some(ids) => ids
                    .into_iter()
                    .filter(|i| self.capacity.instances.get(*i).is_some() && !self.faults.spot_notices.contains(i))
                    .collect(),
                None => self.pick_spot_instances(burst),
            };
            picked.sort();
            let note = if self
                .instances_of_provider(burst.capacity_provider)
                .any(|i| self.capacity.instances[i].spot)
            {
                ""
            } else {
                " (the provider has no Spot instances)"
            };
            self.log_detail(
                sink,
                EventKind::Fault,
                "cluster",
                format!(
                    "Spot interruption on {name}: {} Spot instance(s) get a two-minute notice{}{note}.",
                    picked.len(),
                    self.id_list(&picked)
                ),
                EventDetail::Fault {
                    cause: FaultCause::SpotInterruption,
                    name: name.clone(),
                },
            )?;
            for id in picked {
                self.interrupt_spot_instance(id, sink)?;
            }
        }
        Ok(())
    }

    /// Live Spot instances of the burst's provider without a notice, `quantity` of them at random.
    pub(super) fn pick_spot_instances(&mut self, burst: &SpotInterruptionSpec) -> Vec<InstanceId> {
        let candidates: Vec<InstanceId> = self
            .instances_of_provider(burst.capacity_provider)
            .filter(|i| {
                let inst = &self.capacity.instances[i];
                inst.spot && !self.faults.spot_notices.contains(i)
            })
            .collect();
        pick(candidates, burst.quantity, &mut self.faults.burst_rng)
    }

    /// True when every zone of Auto Scaling group `group` is failed or out: it cannot launch.
    pub fn group_zones_all_out(&self, group: usize) -> bool {
        self.spec.auto_scaling_groups[group]
            .availability_zones
            .iter()
            .all(|az| self.capacity.impaired_zones[*az])
    }

    /// The live instances a selector picks, in launch order, and a note naming the ids it gives
    /// that are not live instances.
    pub fn select_instances(&self, selector: &InstanceSelector) -> (Vec<InstanceId>, String) {
        let mut live: Vec<InstanceId> = self
            .capacity
            .groups
            .iter()
            .flat_map(|g| g.live.iter().copied())
            .collect();
        live.sort();
        let matching: Vec<InstanceId> = live
            .into_iter()
            .filter(|i| {
                let inst = &self.capacity.instances[i];
                (selector.instance_ids.is_empty() || selector.instance_ids.contains(&inst.ec2_instance_id))
                    && selector.availability_zone.is_none_or(|az| az == inst.availability_zone)
                    && selector
                        .instance_type
                        .as_deref()
                        .is_none_or(|t| t == inst.instance_type.name)
                    && selector
                        .capacity_provider
                        .is_none_or(|p| Some(p) == inst.capacity_provider)
                    && selector.auto_scaling_group.is_none_or(|g| g == inst.auto_scaling_group)
            })
            .collect();
        let take = selector.quantity.of(matching.len());
        let missing: Vec<&str> = selector
            .instance_ids
            .iter()
            .filter(|id| {
                !self
                    .capacity
                    .groups
                    .iter()
                    .flat_map(|g| g.live.iter())
                    .any(|i| self.capacity.instances[i].ec2_instance_id == **id)
            })
            .map(String::as_str)
            .collect();
        let note = if missing.is_empty() {
            String::new()
        } else {
            format!(" Not live instances: {}.", missing.join(" "))
        };
        (matching.into_iter().take(take).collect(), note)
    }

    /// The old `{capacityProvider, count}` form, logged as it always was.
    fn is_plain_count(&self, s: &InstanceSelector) -> bool {
        s.instance_ids.is_empty()
            && s.availability_zone.is_none()
            && s.instance_type.is_none()
            && s.auto_scaling_group.is_none()
    }

    fn describe_selector(&self, s: &InstanceSelector) -> String {
        let mut parts = Vec::new();
        if !s.instance_ids.is_empty() {
            parts.push(s.instance_ids.join(" "));
        }
        if let Some(az) = s.availability_zone {
            parts.push(self.spec.availability_zones[az].clone());
        }
        if let Some(t) = &s.instance_type {
            parts.push(t.clone());
        }
        if let Some(p) = s.capacity_provider {
            parts.push(self.spec.capacity_providers[p].name.clone());
        }
        if let Some(g) = s.auto_scaling_group {
            parts.push(format!("group {}", self.spec.auto_scaling_groups[g].name));
        }
        match s.quantity {
            Quantity::All => parts.push("all".into()),
            Quantity::Count(n) => parts.push(format!("count {n}")),
            Quantity::Fraction(f) => parts.push(format!("fraction {f}")),
        }
        parts.join(", ")
    }

    /// `: i-1 i-2` (empty for none).
    fn id_list(&self, ids: &[InstanceId]) -> String {
        if ids.is_empty() {
            return String::new();
        }
        let names: Vec<&str> = ids
            .iter()
            .map(|i| self.capacity.instances[i].ec2_instance_id.as_str())
            .collect();
        format!(": {}", names.join(" "))
    }
}

/// What a FARGATE_SPOT burst may interrupt: a service task, or a standalone task's run (after
/// every service task, so a burst picks the same service tasks when there are no jobs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SpotVictim {
    Task(TaskId),
    Job(usize),
}

/// `quantity` of `candidates` picked uniformly at random without replacement, in candidate order.
fn pick<T: Copy + Ord>(candidates: Vec<T>, quantity: Quantity, rng: &mut ChaCha8Rng) -> Vec<T> {
    let k = quantity.of(candidates.len());
    let mut pool = candidates;
    // A partial Fisher-Yates shuffle: the first k slots become the sample.
    for i in 0..k {
        let j = rng.random_range(i..pool.len());
        pool.swap(i, j);
    }
    pool.truncate(k);
    pool.sort();
    pool
}
