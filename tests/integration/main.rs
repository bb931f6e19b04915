//! Integration tests: every scenario runs, runs are deterministic, bad input fails clearly.

mod scenarios;
mod support;
mod tidy;
