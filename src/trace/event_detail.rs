//! The typed payload of an `events.csv` row: what a program needs to know about the event, so
//! that nothing downstream parses the message (a sentence for people, free to be reworded).
//!
//! In `events.csv` the payload is five columns after `message`: `cause`, `name`, `desired_from`,
//! `desired_to`, `task_definition`, empty where they do not apply. Every `cause` value belongs to
//! exactly one variant, so a row's columns read back into the variant that wrote them.

use std::fmt;

/// What an event is about, typed. Set by the engine where the event is emitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventDetail {
    /// A desired count changed (`scaling_activity`, `service_update`): a service's desiredCount,
    /// or an Auto Scaling group's desired capacity.
    DesiredChange {
        /// Before.
        from: u32,
        /// After.
        to: u32,
        /// What changed it.
        cause: DesiredCause,
        /// The policy or scheduled action that changed it; empty for `UpdateService` and
        /// `RegisterScalableTarget`.
        name: String,
    },
    /// A deployment or a rollback started (`deployment_started`, `rollback_started`).
    Deployment {
        /// The task definition it brings, `family:revision`.
        task_definition: String,
    },
    /// A deployment failed (`deployment_failed`).
    DeploymentFailed {
        /// What failed it.
        cause: FailureCause,
        /// The CloudWatch alarm that failed it; empty for the circuit breaker.
        name: String,
    },
    /// A BLUE_GREEN, LINEAR or CANARY deployment entered a lifecycle stage (`deployment_stage`).
    Stage {
        /// The deployment's strategy.
        strategy: StrategyCause,
        /// The stage, as AWS spells it (`PRODUCTION_TRAFFIC_SHIFT`).
        stage: String,
    },
    /// A deployment lifecycle hook returned (`lifecycle_hook`).
    Hook {
        /// The `hookStatus` it returned.
        status: HookCause,
        /// Its `hookTargetArn`.
        target: String,
    },
    /// A fault was injected (`fault`) or ended (`fault_recovered`).
    Fault {
        /// Which fault.
        cause: FaultCause,
        /// What it hit: the Availability Zone of a zone failure or outage, the capacity provider
        /// of a Spot interruption, the instance selector of `failInstances` or `drainInstances`.
        name: String,
    },
    /// Task scale-in protection was set or removed (`service_update` of an
    /// `UpdateTaskProtection` call of the timeline).
    TaskProtection {
        /// Whether protection was enabled or removed.
        change: ProtectionChange,
    },
}

/// Generates a cause enum with its `events.csv` spelling.
macro_rules! causes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value.
            pub const ALL: &[$name] = &[$($name::$variant,)+];

            /// The spelling in the `cause` column.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value spelled `text`.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|c| c.as_str() == text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

causes! {
    /// What changed a desired count.
    DesiredCause {
        /// An Application Auto Scaling scaling policy of a service (target tracking or step).
        ScalingPolicy => "scaling_policy",
        /// An Application Auto Scaling scheduled action.
        ScheduledAction => "scheduled_action",
        /// A predictive scaling policy raised the minimum capacity for the coming hour.
        PredictiveScaling => "predictive_scaling",
        /// RegisterScalableTarget: the desired count moved into the target's bounds at the start.
        ScalableTarget => "scalable_target",
        /// An `UpdateService` call of the scenario's timeline.
        UpdateService => "update_service",
        /// Managed scaling of a capacity provider (its target tracking policy on
        /// CapacityProviderReservation).
        ManagedScaling => "managed_scaling",
        /// A target tracking policy of an EC2 Auto Scaling group.
        GroupPolicy => "group_policy",
        /// EKS: a HorizontalPodAutoscaler set a Deployment's spec.replicas.
        HorizontalPodAutoscaler => "horizontal_pod_autoscaler",
        /// EKS: Cluster Autoscaler set a node group's desired size.
        ClusterAutoscaler => "cluster_autoscaler",
        /// EKS: Karpenter launched or removed nodes of a NodePool.
        Karpenter => "karpenter",
        /// EKS: KEDA took a ScaledObject's Deployment from zero to one pod or back to zero.
        Keda => "keda",
    }
}

causes! {
    /// What failed a deployment.
    FailureCause {
        /// The deployment circuit breaker.
        CircuitBreaker => "circuit_breaker",
        /// A CloudWatch alarm of the service's deployment configuration.
        Alarm => "alarm",
        /// A lifecycle hook of a BLUE_GREEN, LINEAR or CANARY deployment returned FAILED.
        LifecycleHook => "lifecycle_hook",
    }
}

causes! {
    /// The strategy of a traffic-shifting deployment, spelled as AWS spells it.
    StrategyCause {
        /// `ROLLING`: the bake of a rolling deployment with deployment alarms (A24).
        Rolling => "ROLLING",
        /// `BLUE_GREEN`.
        BlueGreen => "BLUE_GREEN",
        /// `LINEAR`.
        Linear => "LINEAR",
        /// `CANARY`.
        Canary => "CANARY",
    }
}

causes! {
    /// The `hookStatus` a lifecycle hook returned.
    HookCause {
        /// `SUCCEEDED`: the deployment goes on.
        Succeeded => "SUCCEEDED",
        /// `FAILED`: the deployment rolls back.
        Failed => "FAILED",
    }
}

causes! {
    /// Which fault.
    FaultCause {
        /// `failInstances` of a whole Availability Zone: it fails for good.
        ZoneFailure => "zone_failure",
        /// `failInstances` of selected instances.
        InstanceFailure => "instance_failure",
        /// `drainInstances`.
        Drain => "drain",
        /// `azOutage`: a zone out for a while (its `fault_recovered` row ends it).
        ZoneOutage => "zone_outage",
        /// `spotInterruption`: a burst of Spot interruptions.
        SpotInterruption => "spot_interruption",
    }
}

causes! {
    /// What an `UpdateTaskProtection` call did.
    ProtectionChange {
        /// `protectionEnabled: true`: tasks protected from scale-in.
        Enabled => "task_protection_enabled",
        /// `protectionEnabled: false`: protection removed.
        Disabled => "task_protection_disabled",
    }
}

/// The payload as the cells of `events.csv`'s payload columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DetailCells<'a> {
    /// `cause`.
    pub cause: &'a str,
    /// `name`.
    pub name: &'a str,
    /// `desired_from`.
    pub desired_from: Option<u32>,
    /// `desired_to`.
    pub desired_to: Option<u32>,
    /// `task_definition`.
    pub task_definition: &'a str,
}

impl EventDetail {
    /// The cells it writes (all empty for an event without a payload).
    pub fn cells(detail: Option<&EventDetail>) -> DetailCells<'_> {
        match detail {
            None => DetailCells::default(),
            Some(EventDetail::DesiredChange { from, to, cause, name }) => DetailCells {
                cause: cause.as_str(),
                name,
                desired_from: Some(*from),
                desired_to: Some(*to),
                ..Default::default()
            },
            Some(EventDetail::Deployment { task_definition }) => DetailCells {
                task_definition,
                ..Default::default()
            },
            Some(EventDetail::DeploymentFailed { cause, name }) => DetailCells {
                cause: cause.as_str(),
                name,
                ..Default::default()
            },
            Some(EventDetail::Fault { cause, name }) => DetailCells {
                cause: cause.as_str(),
                name,
                ..Default::default()
            },
            Some(EventDetail::TaskProtection { change }) => DetailCells {
                cause: change.as_str(),
                ..Default::default()
            },
            Some(EventDetail::Hook { status, target }) => DetailCells {
                cause: status.as_str(),
                name: target,
                ..Default::default()
            },
            Some(EventDetail::Stage { strategy, stage }) => DetailCells {
                cause: strategy.as_str(),
                name: stage,
                ..Default::default()
            },
        }
    }

    /// The payload the cells were written from; `None` when they are all empty. An unknown
    /// `cause`, or a desired change without both counts, is an error.
    pub fn from_cells(cells: &DetailCells<'_>) -> Result<Option<EventDetail>, String> {
        let name = cells.name.to_string();
        if cells.cause.is_empty() {
            return Ok((!cells.task_definition.is_empty()).then(|| EventDetail::Deployment {
                task_definition: cells.task_definition.to_string(),
            }));
        }
        if let Some(cause) = DesiredCause::parse(cells.cause) {
            let (Some(from), Some(to)) = (cells.desired_from, cells.desired_to) else {
                return Err(format!("cause `{cause}` without desired_from and desired_to"));
            };
            return Ok(Some(EventDetail::DesiredChange { from, to, cause, name }));
        }
        if let Some(cause) = FailureCause::parse(cells.cause) {
            return Ok(Some(EventDetail::DeploymentFailed { cause, name }));
        }
        if let Some(cause) = FaultCause::parse(cells.cause) {
            return Ok(Some(EventDetail::Fault { cause, name }));
        }
        if let Some(change) = ProtectionChange::parse(cells.cause) {
            return Ok(Some(EventDetail::TaskProtection { change }));
        }
        if let Some(status) = HookCause::parse(cells.cause) {
            return Ok(Some(EventDetail::Hook { status, target: name }));
        }
        if let Some(strategy) = StrategyCause::parse(cells.cause) {
            return Ok(Some(EventDetail::Stage { strategy, stage: name }));
        }
        Err(format!("unknown cause `{}`", cells.cause))
    }
}

/// One payload of every variant and every cause (for round-trip tests).
#[cfg(test)]
pub(crate) fn every_detail() -> Vec<EventDetail> {
    let mut all = vec![EventDetail::Deployment {
        task_definition: "web:3".into(),
    }];
    all.extend(DesiredCause::ALL.iter().map(|&cause| EventDetail::DesiredChange {
        from: 4,
        to: 6,
        cause,
        name: format!("{cause} name"),
    }));
    all.extend(FailureCause::ALL.iter().map(|&cause| EventDetail::DeploymentFailed {
        cause,
        name: "web-5xx".into(),
    }));
    all.extend(FaultCause::ALL.iter().map(|&cause| EventDetail::Fault {
        cause,
        name: "us-east-1b".into(),
    }));
    all.extend(
        ProtectionChange::ALL
            .iter()
            .map(|&change| EventDetail::TaskProtection { change }),
    );
    all.extend(HookCause::ALL.iter().map(|&status| EventDetail::Hook {
        status,
        target: "arn:aws:lambda:us-east-1:1:function:check".into(),
    }));
    all.extend(StrategyCause::ALL.iter().map(|&strategy| EventDetail::Stage {
        strategy,
        stage: "BAKE_TIME".into(),
    }));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_payload_reads_back_from_its_cells() {
        for detail in every_detail() {
            let cells = EventDetail::cells(Some(&detail));
            assert_eq!(EventDetail::from_cells(&cells), Ok(Some(detail.clone())), "{cells:?}");
        }
        assert_eq!(EventDetail::from_cells(&EventDetail::cells(None)), Ok(None));
    }

    #[test]
    fn causes_are_spelled_once_across_variants() {
        let mut all: Vec<&str> = DesiredCause::ALL.iter().map(|c| c.as_str()).collect();
        all.extend(FailureCause::ALL.iter().map(|c| c.as_str()));
        all.extend(FaultCause::ALL.iter().map(|c| c.as_str()));
        all.extend(ProtectionChange::ALL.iter().map(|c| c.as_str()));
        all.extend(StrategyCause::ALL.iter().map(|c| c.as_str()));
        all.extend(HookCause::ALL.iter().map(|c| c.as_str()));
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
        let cells = |cause, desired_to| DetailCells {
            cause,
            name: "cpu60",
            desired_from: Some(1),
            desired_to,
            task_definition: "",
        };
        assert_eq!(
            EventDetail::from_cells(&cells("teleport", None)),
            Err("unknown cause `teleport`".into())
        );
        assert!(EventDetail::from_cells(&cells("scaling_policy", None)).is_err());
        assert!(EventDetail::from_cells(&cells("scaling_policy", Some(2))).is_ok());
    }
}
