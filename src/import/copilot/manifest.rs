//! A Copilot workload manifest after its environment's overrides: the fields ecsim translates,
//! typed, each with the manifest key it came from.

use super::count::{Count, Keyed};

/// The workload types ecsim imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadType {
    /// `Load Balanced Web Service`: behind the environment's public ALB.
    LoadBalancedWebService,
    /// `Backend Service`: behind the internal ALB when it has `http`.
    BackendService,
    /// `Worker Service`: consumes SQS queues, scaled on backlog per task.
    WorkerService,
    /// `Scheduled Job`: a task started on a schedule.
    ScheduledJob,
}

impl WorkloadType {
    /// Every type, as written in a manifest's `type`.
    pub const ALL: [(&'static str, WorkloadType); 4] = [
        ("Load Balanced Web Service", WorkloadType::LoadBalancedWebService),
        ("Backend Service", WorkloadType::BackendService),
        ("Worker Service", WorkloadType::WorkerService),
        ("Scheduled Job", WorkloadType::ScheduledJob),
    ];

    /// The type written `text`.
    pub fn from_manifest(text: &str) -> Option<WorkloadType> {
        Self::ALL.iter().find(|(t, _)| *t == text).map(|(_, w)| *w)
    }

    /// Whether this type runs as an ECS service (everything but a Scheduled Job).
    pub fn is_service(self) -> bool {
        self != WorkloadType::ScheduledJob
    }
}

/// A translated manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// `name`: the service (or job) name and the task definition's family.
    pub name: String,
    /// `type`.
    pub kind: WorkloadType,
    /// `cpu`: task CPU units (Copilot's default 256).
    pub cpu: Keyed<u32>,
    /// `memory`: task memory in MiB (Copilot's default 512).
    pub memory: Keyed<u32>,
    /// `platform`: the runtime platform, when not Linux x86_64.
    pub platform: Option<Keyed<Platform>>,
    /// The main container.
    pub main: Container,
    /// `sidecars`, in file order.
    pub sidecars: Vec<Container>,
    /// `count` (services).
    pub count: Count,
    /// `deployment` (services).
    pub deployment: Deployment,
    /// `http` of a Load Balanced Web Service, or of a Backend Service that has one.
    pub http: Option<Http>,
    /// `nlb` of a Load Balanced Web Service.
    pub nlb: Option<Nlb>,
    /// `on`, `retries`, `timeout` (Scheduled Job).
    pub job: Option<Job>,
    /// The queues of a Worker Service's topics that have their own `queue`, by the logical id
    /// Copilot gives them (`<service><topic>EventsQueue`), beside its shared `EventsQueue`.
    pub topic_queues: Vec<Keyed<String>>,
    /// Manifest keys Copilot knows that ecsim does not model, with why when it matters.
    pub ignored: Vec<String>,
    /// Values ecsim had to choose because the manifest (or AWS) leaves them open.
    pub guesses: Vec<String>,
}

/// `platform`: `RuntimePlatform`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    /// `LINUX`, or a `WINDOWS_SERVER_...` family.
    pub operating_system_family: String,
    /// `X86_64` or `ARM64`.
    pub cpu_architecture: String,
}

/// A container of the task definition: the main one (`image`) or a sidecar.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    /// The container name: the workload's name, or the sidecar's key.
    pub name: String,
    /// `image.location`, `image` of a sidecar, or a placeholder for `image.build`.
    pub image: String,
    /// `image.port` / `port`.
    pub port: Option<Keyed<u16>>,
    /// `essential` (true unless a sidecar says false).
    pub essential: bool,
    /// The container's `healthcheck`.
    pub health_check: Option<Keyed<ContainerHealthCheck>>,
    /// The manifest key of the container (`image`, `sidecars.nginx`).
    pub key: String,
}

/// A container `healthcheck` with Copilot's defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerHealthCheck {
    /// `command`.
    pub command: Vec<String>,
    /// `interval`, seconds (default 10).
    pub interval_s: u64,
    /// `retries` (default 2).
    pub retries: u32,
    /// `timeout`, seconds (default 5).
    pub timeout_s: u64,
    /// `start_period`, seconds (default 0).
    pub start_period_s: u64,
}

/// `deployment`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Deployment {
    /// `rolling: recreate` (`default` or absent: 100 / 200).
    pub recreate: Option<Keyed<bool>>,
    /// `rollback_alarms`.
    pub rollback_alarms: RollbackAlarms,
}

/// `deployment.rollback_alarms`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RollbackAlarms {
    /// None.
    #[default]
    None,
    /// A list of names of existing alarms (not defined by the manifest).
    Names(Keyed<Vec<String>>),
    /// The alarms Copilot creates: thresholds of CPU and memory utilization (percent) and of
    /// delayed messages (Worker Service).
    Copilot {
        /// `cpu_utilization`.
        cpu_utilization: Option<Keyed<f64>>,
        /// `memory_utilization`.
        memory_utilization: Option<Keyed<f64>>,
        /// `messages_delayed`.
        messages_delayed: Option<Keyed<f64>>,
    },
}

/// `http`: the target group and the grace period.
#[derive(Clone, Debug, PartialEq)]
pub struct Http {
    /// `http.path`.
    pub path: String,
    /// `http.healthcheck`.
    pub health_check: TargetHealthCheck,
    /// `http.deregistration_delay`, seconds (Copilot's default 60).
    pub deregistration_delay_s: Keyed<u64>,
    /// `http.healthcheck.grace_period`, seconds (default 60).
    pub grace_period_s: Keyed<u64>,
    /// `http.target_container`: the container the target group sends to.
    pub target_container: Option<Keyed<String>>,
    /// `http.target_port`.
    pub target_port: Option<Keyed<u16>>,
    /// `http.additional_rules`: each its own target group the service registers in.
    pub additional_rules: Vec<Http>,
}

/// `nlb` of a Load Balanced Web Service: the Network Load Balancer's TCP target group.
#[derive(Clone, Debug, PartialEq)]
pub struct Nlb {
    /// `nlb.port`: the listener's port (`443/tls`, `8080`).
    pub port: Keyed<u16>,
    /// `nlb.healthcheck` (its `path` unused: NLB checks are TCP).
    pub health_check: TargetHealthCheck,
    /// `nlb.deregistration_delay`, seconds (Copilot's default 60).
    pub deregistration_delay_s: Keyed<u64>,
    /// `nlb.healthcheck.grace_period`, seconds (default 60).
    pub grace_period_s: Keyed<u64>,
    /// `nlb.target_container`.
    pub target_container: Option<Keyed<String>>,
    /// `nlb.target_port`.
    pub target_port: Option<Keyed<u16>>,
}

/// `http.healthcheck`: the target group's health check; a field left out keeps the ELB default.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetHealthCheck {
    /// The path (default `/`).
    pub path: Keyed<String>,
    /// `healthy_threshold` (ELB default 5).
    pub healthy_threshold: Option<Keyed<u32>>,
    /// `unhealthy_threshold` (ELB default 2).
    pub unhealthy_threshold: Option<Keyed<u32>>,
    /// `interval`, seconds (ELB default 30).
    pub interval_s: Option<Keyed<u64>>,
    /// `timeout`, seconds (ELB default 5).
    pub timeout_s: Option<Keyed<u64>>,
    /// `success_codes` (default 200).
    pub success_codes: Option<Keyed<String>>,
}

/// A Scheduled Job's trigger and limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// `on.schedule` as an EventBridge expression; `None` when the job is disabled (`none`).
    pub schedule: Keyed<Option<String>>,
    /// `retries`: Step Functions' retries of a failed task.
    pub retries: Option<Keyed<u32>>,
    /// `timeout`, seconds: Step Functions stops the execution after it.
    pub timeout_s: Option<Keyed<u64>>,
}
