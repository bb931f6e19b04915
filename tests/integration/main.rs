//! Integration tests: every scenario runs, runs are deterministic, bad input fails clearly.

mod support;
mod scenarios;
