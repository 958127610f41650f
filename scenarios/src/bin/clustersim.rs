//! `clustersim`: run, sweep, check, export and plot scenarios of every registered protocol.

fn main() -> std::process::ExitCode {
    scenarios::interrupt::install();
    scenarios::cli::main(scenarios::Registry::builtin())
}
