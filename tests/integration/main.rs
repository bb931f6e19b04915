//! Integration tests: every scenario runs, runs are deterministic, bad input fails clearly.

mod autoscaling;
mod aws_taskdefs;
mod charts;
mod check_cli;
mod citations;
mod cluster_scaling;
mod deployment_controls;
mod deployments;
mod draining_bounds;
mod engine_runs;
mod error_messages;
mod faults;
mod latency;
mod output_dirs;
mod placement;
mod queue_workers;
mod retained_records;
mod scenarios;
mod schema;
mod schema_validator;
mod simulation_steps;
mod support;
mod sweep;
mod tidy;
mod trace_selection;
mod untrusted_input;
