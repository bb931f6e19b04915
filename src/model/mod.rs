//! The ECS world as data with legal transitions: tasks, container instances, the catalog, cost.

pub mod catalog;
pub mod cost;
pub mod fargate;
pub mod instance;
pub mod k8s;
pub mod resources;
pub mod task;

pub use instance::{ContainerInstance, InstanceState};
pub use resources::{StrategyItem, TaskResources};
pub use task::{InstanceId, StopReason, Task, TaskId, TaskState};
