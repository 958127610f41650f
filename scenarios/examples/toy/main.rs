//! The worked example of the book's chapter "Adding a protocol": a protocol defined outside
//! the scenarios crate (`protocol.rs`), registered next to the built-in ones, and run from a
//! scenario file.
//!
//! ```sh
//! cargo run -p scenarios --example toy                 # runs examples/toy/toy.toml
//! cargo run -p scenarios --example toy -- run FILE     # any clustersim subcommand, with Toy
//! cargo run -p scenarios --example toy -- new toy      # Toy's scenario template
//! ```

mod protocol;

use protocol::ToyProtocol;
use scenarios::Registry;
use std::path::PathBuf;
use std::process::ExitCode;

// ANCHOR: registry
/// Every built-in protocol, plus Toy.
fn registry() -> Registry {
    Registry::builtin().with(Box::new(ToyProtocol))
}
// ANCHOR_END: registry

fn main() -> ExitCode {
    if std::env::args_os().len() > 1 {
        // ANCHOR: cli
        // With arguments this is clustersim itself, with Toy registered: run, sweep, check,
        // explore, export, validate and new all work on Toy scenarios.
        return scenarios::cli::main(registry());
        // ANCHOR_END: cli
    }
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/toy/toy.toml");
    run_file(&file)
}

// ANCHOR: run
/// Loads a scenario, runs it with its own seed and prints the report `clustersim run` prints.
fn run_file(file: &std::path::Path) -> ExitCode {
    use scenarios::runner::{RunOptions, run_scenario};
    let scenario = match scenarios::Scenario::load(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let finished = match run_scenario(&registry(), &scenario, &RunOptions::default()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let report = &finished.report;
    print!(
        "{}",
        scenarios::cli::summary(report, "examples/toy/toy.toml")
    );
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
// ANCHOR_END: run
