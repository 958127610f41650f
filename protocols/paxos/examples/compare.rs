//! Prints the Multi-Paxos column of the Raft / Multi-Paxos comparison on the benchmark load
//! (`benches/load.rs`): commit latency, messages per command, and the time to recover from a
//! leader crash. With `--hour` (or `--span SECONDS`) it instead runs one simulated hour (or
//! that span) without checkers or history recording and reports the wall time it took.
//!
//! `cargo run --release -p paxos --example compare -- [--seed N] [--hour | --span SECONDS] [--config JSON]`

#[path = "../benches/load.rs"]
mod load;

use paxos::{Config, add_checkers, check_history, leader, metrics};
use sim_core::history::{Budget, Verdict};
use sim_core::{Duration, Fault, Outcome, Time};
use std::process::ExitCode;

fn secs(n: u64) -> Time {
    Time(Duration::from_secs(n).0)
}

fn main() -> ExitCode {
    let mut seed = 1;
    let mut config = Config::default();
    let mut hour = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => {
                    eprintln!("error: --seed needs an unsigned integer");
                    return ExitCode::from(2);
                }
            },
            "--hour" => hour = Some(3600),
            "--config" => {
                let parsed = args
                    .next()
                    .ok_or_else(|| "--config needs JSON".to_string())
                    .and_then(|j| serde_json::from_str::<Config>(&j).map_err(|e| e.to_string()));
                match parsed {
                    Ok(c) => config = c,
                    Err(e) => {
                        eprintln!("error: --config: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            "--span" => match args.next().and_then(|s| s.parse().ok()) {
                Some(s) => hour = Some(s),
                None => {
                    eprintln!("error: --span needs a number of simulated seconds");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!(
                    "error: unknown argument {other:?}; usage: compare [--seed N] [--hour | --span SECONDS] [--config JSON]"
                );
                return ExitCode::from(2);
            }
        }
    }
    match run(seed, &config, hour) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(seed: u64, config: &Config, long: Option<u64>) -> Result<(), String> {
    config.validate_for(load::SERVERS)?;
    if let Some(span) = long {
        return long_run(seed, config, span);
    }

    // Steady state: one simulated minute, every checker on, the history checked.
    let mut sim = load::simulation(seed, config, true);
    add_checkers(&mut sim);
    if let Outcome::Violated(v) = sim.run_until(secs(60)).map_err(|e| e.to_string())? {
        return Err(v.to_string());
    }
    let report = check_history(&sim, &Budget::default()).map_err(|e| e.to_string())?;
    if report.verdict != Verdict::Linearizable {
        return Err(format!("history verdict {:?}", report.verdict));
    }
    let steady = metrics(&sim);

    // Leader crash: at 10 s the leader crashes (it restarts 5 s later); run to 20 s.
    let mut sim = load::simulation(seed, config, true);
    add_checkers(&mut sim);
    if let Outcome::Violated(v) = sim.run_until(secs(10)).map_err(|e| e.to_string())? {
        return Err(v.to_string());
    }
    let old = leader(&sim).ok_or("no leader at 10 s")?;
    sim.apply_now(Fault::Crash { node: old })
        .map_err(|e| e.to_string())?;
    sim.schedule(secs(15), Fault::Restart { node: old })
        .map_err(|e| e.to_string())?;
    if let Outcome::Violated(v) = sim.run_until(secs(20)).map_err(|e| e.to_string())? {
        return Err(v.to_string());
    }
    let crash = metrics(&sim);

    let l = steady.latency_ms;
    println!(
        "Multi-Paxos on the benchmark load (seed {seed}; 5 servers, 10 clients, 1000 commands/s, 1 ms links)"
    );
    println!("| figure | Multi-Paxos |");
    println!("| --- | --- |");
    println!(
        "| commit latency p50 / p90 / p99 / max (ms) | {:.2} / {:.2} / {:.2} / {:.2} |",
        l[0], l[1], l[2], l[3]
    );
    println!(
        "| messages per command | {:.2} |",
        steady.messages_per_command
    );
    println!("| commands per slot | {:.2} |", steady.commands_per_slot);
    println!(
        "| commands completed in 60 s | {} |",
        steady.clients.completed
    );
    println!(
        "| time to recover from a leader crash (ms) | {} |",
        crash
            .recovery_ms
            .map_or("-".to_string(), |r| format!("{r:.0}"))
    );
    println!(
        "| leader changes in the crash run | {} |",
        crash.leader_changes
    );

    Ok(())
}

/// Runs the load for `span` simulated seconds without checkers or history and reports the
/// wall time it took.
fn long_run(seed: u64, config: &Config, span: u64) -> Result<(), String> {
    let mut sim = load::simulation(seed, config, false);
    #[allow(clippy::disallowed_methods)] // wall time of the run itself, for the report
    let started = std::time::Instant::now();
    if let Outcome::Violated(v) = sim.run_until(secs(span)).map_err(|e| e.to_string())? {
        return Err(v.to_string());
    }
    let wall = started.elapsed();
    let m = metrics(&sim);
    println!(
        "{span} simulated seconds: {:.2} s wall, {} commands, {} events, {:.2} messages per command",
        wall.as_secs_f64(),
        m.clients.completed,
        sim.stats().events,
        m.messages_per_command
    );
    Ok(())
}
