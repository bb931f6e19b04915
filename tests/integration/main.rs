//! Integration tests: every scenario runs, runs are deterministic, bad input fails clearly.

mod engine_runs;
mod scenarios;
mod support;
mod tidy;
