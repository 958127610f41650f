//! Prints the fidelity table of the book's workflow chapter: each recorded WfCommons instance
//! run on its recorded machines, simulated makespan against recorded.
//!
//! `cargo run --release -p workflow --example fidelity -- ../shared/testdata/wfcommons`

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use workflow::Policy;
use workflow::dag::wfformat;
use workflow::fidelity::fidelity;

fn main() -> ExitCode {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/testdata/wfcommons".to_string());
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(e) => {
            eprintln!("error: cannot read {dir}: {e}");
            return ExitCode::from(2);
        }
    };
    files.sort();
    println!(
        "| instance | machines (cores) | recorded | simulated | simulated / recorded | lower bound |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for path in files {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let w = match wfformat::parse(&text, &display(&path)) {
            Ok(w) => Arc::new(w),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let limit = sim_core::Duration::from_secs(20_000);
        match fidelity(w, Policy::CriticalPath, limit) {
            Ok(f) => println!(
                "| {name} | {} ({}) | {:.1} s | {:.1} s | {:.2} | {:.1} s |",
                f.agents,
                f.slots,
                f.recorded_s,
                f.simulated_s,
                f.simulated_s / f.recorded_s,
                f.lower_bound_s
            ),
            Err(why) => println!("| {name} | | | {why} | | |"),
        }
    }
    ExitCode::SUCCESS
}

fn display(p: &Path) -> String {
    p.file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_string()
}
