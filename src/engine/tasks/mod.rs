//! Tasks: the lifecycle from PROVISIONING to STOPPED, container health, the restart throttle and
//! task scale-in protection.

pub(super) mod health;
pub(super) mod lifecycle;
pub(super) mod protection;
pub(super) mod throttle;

use std::ops::Index;

use rand_chacha::ChaCha8Rng;

use crate::model::{Task, TaskId};
use crate::sim::{IdMap, RngStreams};
use crate::spec::Spec;

/// The tasks that have not reached STOPPED yet, the id of the next one, and the random streams of
/// their lifecycle. A task leaves the table when it stops (its `tasks.csv` row is written then),
/// so memory follows the live task count, not the run's length.
pub(in crate::engine) struct TaskTable {
    /// Looked up by id on every lifecycle step; iterated only in id order.
    live: IdMap<Task>,
    next_id: u64,
    /// Tasks created since the start of the run.
    pub started: u64,
    /// Draws lifecycle step durations (`task-timing`).
    pub timing_rng: ChaCha8Rng,
    /// Draws whether a bad revision's task fails to start or fails its health check
    /// (`task-failures`).
    pub failure_rng: ChaCha8Rng,
    /// `family:revision` of each task definition, indexed like `Spec::task_definitions`.
    pub labels: Vec<String>,
}

impl TaskTable {
    /// No tasks; ids start at 1.
    pub fn new(spec: &Spec, streams: &RngStreams) -> TaskTable {
        TaskTable {
            live: IdMap::new(),
            next_id: 1,
            started: 0,
            timing_rng: streams.stream("task-timing"),
            failure_rng: streams.stream("task-failures"),
            labels: spec.task_definitions.iter().map(|t| t.arn_suffix()).collect(),
        }
    }

    /// Adds a task built by `build` from its new id, and counts it as started.
    pub fn create(&mut self, build: impl FnOnce(TaskId) -> Task) -> TaskId {
        let id = TaskId(self.next_id);
        self.next_id += 1;
        self.started += 1;
        self.live.insert(id.0, build(id));
        id
    }

    /// The task, if it has not stopped.
    pub fn get(&self, id: &TaskId) -> Option<&Task> {
        self.live.get(id.0)
    }

    /// The task, mutably, if it has not stopped.
    pub fn get_mut(&mut self, id: &TaskId) -> Option<&mut Task> {
        self.live.get_mut(id.0)
    }

    /// Whether the task has not stopped.
    pub fn contains_key(&self, id: &TaskId) -> bool {
        self.live.get(id.0).is_some()
    }

    /// Forgets a stopped task.
    pub fn remove(&mut self, id: &TaskId) -> Option<Task> {
        self.live.remove(id.0)
    }

    /// How many tasks have not stopped.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// The tasks that have not stopped, by id.
    pub fn values(&self) -> impl Iterator<Item = &Task> {
        self.iter().map(|(_, t)| t)
    }

    /// Ids and tasks, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (TaskId, &Task)> {
        self.live.iter().map(|(id, t)| (TaskId(id), t))
    }

    /// Their ids, in order.
    pub fn keys(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.iter().map(|(id, _)| id)
    }
}

impl Index<&TaskId> for TaskTable {
    type Output = Task;

    fn index(&self, id: &TaskId) -> &Task {
        self.live.get(id.0).expect("task is live")
    }
}
