//! The `ecsim` binary: everything happens in `ecsim::cli`.

fn main() -> std::process::ExitCode {
    ecsim::cli::main()
}
