//! The state of the simulated world and its construction from a `Spec`.

use super::accounting::Accounting;
use super::capacity::Capacity;
use super::capacity::faults::FaultState;
use super::eks::EksState;
use super::jobs::JobTable;
use super::scaling::ScalingState;
use super::service::ServiceState;
use super::tasks::TaskTable;
use crate::engine::event::Event;
use crate::model::TaskId;
use crate::sim::{EventQueue, ProviderIdx, RngStreams, ServiceIdx, SimDuration, SimTime};
use crate::spec::{CapacityProviderKind, Spec};
use crate::trace::{EventDetail, EventKind, EventRecord, SinkError, TraceSink};

/// The whole simulated world: the clock, the queue, the spec, and one value per subsystem (each
/// value holds its subsystem's random streams).
pub(super) struct World<'s> {
    pub spec: &'s Spec,
    pub now: SimTime,
    pub end: SimTime,
    pub queue: EventQueue<Event>,
    /// The tasks that have not stopped (`tasks/`).
    pub tasks: TaskTable,
    /// Each service's runtime state, indexed by `ServiceIdx` (`service/`).
    pub services: Vec<ServiceState>,
    /// EC2 instances and Auto Scaling groups (`capacity/`).
    pub capacity: Capacity,
    /// Cost and the trace clock (`accounting/`).
    pub accounting: Accounting,
    /// True while services are being put into their warm-start state: no lifecycle timers.
    pub warm_starting: bool,
    /// Service auto scaling, managed scaling and EC2 Auto Scaling, with their pipelines.
    pub scaling: ScalingState,
    /// Zone outages, draining instances, Spot interruptions.
    pub faults: FaultState,
    /// Standalone tasks (`jobs/`).
    pub jobs: JobTable,
    /// The EKS cluster (`eks/`).
    pub eks: EksState,
}

impl<'s> World<'s> {
    /// An empty world for `spec`; `run` populates it.
    pub fn new(spec: &'s Spec) -> Self {
        let streams = RngStreams::new(spec.seed);
        let mut services: Vec<ServiceState> = ServiceIdx::all(spec.services.len())
            .map(|i| ServiceState::new(spec, i, &streams))
            .collect();
        // Services a predictive policy scales also measure its minute (one pass over policies).
        for p in &spec.auto_scaling.scaling_policies {
            if matches!(p.kind, crate::spec::PolicyKind::PredictiveScaling(_)) {
                services[p.service.0].metric_periods_kept = 3;
            }
        }
        World {
            spec,
            now: SimTime::ZERO,
            end: SimTime(spec.duration.as_millis()),
            queue: EventQueue::new(),
            tasks: TaskTable::new(spec, &streams),
            services,
            capacity: Capacity::new(spec, &streams),
            accounting: Accounting::new(spec),
            warm_starting: false,
            scaling: ScalingState::new(spec),
            faults: FaultState::new(spec, &streams),
            jobs: JobTable::new(spec.capacity_providers.len(), &streams),
            eks: EksState::new(spec, &streams),
        }
    }

    /// Schedules an event `delay_ms` from now.
    pub fn schedule_in(&mut self, delay: SimDuration, event: Event) {
        self.queue.push(self.now + delay, event);
    }

    /// Asks the service scheduler to look at `service` (once, however often it is asked).
    pub fn request_reconcile(&mut self, service: ServiceIdx) {
        if !self.services[service].reconcile_queued {
            self.services[service].reconcile_queued = true;
            self.schedule_in(SimDuration::ZERO, Event::Reconcile { service });
        }
    }

    /// Asks the service scheduler to look at `service` at `at` (a timer: the end of the restart
    /// throttle, a task protection expiring). It does not replace an immediate request; an extra
    /// pass changes nothing.
    pub fn request_reconcile_at(&mut self, service: ServiceIdx, at: SimTime) {
        self.queue.push(at.max(self.now), Event::Reconcile { service });
    }

    /// True while the restart throttle keeps the service scheduler from starting tasks.
    pub fn start_throttled(&self, service: ServiceIdx) -> bool {
        self.now < self.services[service].throttled_until
    }

    /// Writes an `events.csv` row.
    pub fn log(
        &self,
        sink: &mut dyn TraceSink,
        kind: EventKind,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Result<(), SinkError> {
        self.log_event(sink, kind, subject.into(), message.into(), None)
    }

    /// Writes an `events.csv` row with the typed payload readers use instead of the message.
    pub fn log_detail(
        &self,
        sink: &mut dyn TraceSink,
        kind: EventKind,
        subject: impl Into<String>,
        message: impl Into<String>,
        detail: EventDetail,
    ) -> Result<(), SinkError> {
        self.log_event(sink, kind, subject.into(), message.into(), Some(detail))
    }

    fn log_event(
        &self,
        sink: &mut dyn TraceSink,
        kind: EventKind,
        subject: String,
        message: String,
        detail: Option<EventDetail>,
    ) -> Result<(), SinkError> {
        sink.event(&EventRecord {
            time_ms: self.now.0,
            kind,
            subject,
            message,
            detail,
        })
    }

    /// True when capacity provider `p` is FARGATE or FARGATE_SPOT.
    pub fn provider_is_fargate(&self, p: ProviderIdx) -> bool {
        !matches!(
            self.spec.capacity_providers[p].kind,
            CapacityProviderKind::AutoScalingGroup(_)
        )
    }

    /// Display id of a task.
    pub fn task_label(id: TaskId) -> String {
        format!("t-{}", id.0)
    }
}
