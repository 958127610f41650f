//! Prints the Raft / Multi-Paxos comparison on the benchmark load (`kv::benchmark`, the load
//! both protocols' benchmarks run): commit latency, messages per command, and the time to
//! recover from a leader crash, measured the same way for both. With `--hour` (or `--span SECONDS`) it instead runs one simulated hour (or
//! that span) without checkers or history recording and reports the wall time it took.
//!
//! `cargo run --release -p paxos --example compare -- [--seed N] [--hour | --span SECONDS] [--config JSON]`

#[path = "../benches/load.rs"]
mod load;

use paxos::{Config, add_checkers, check_history, leader, metrics};
use sim_core::history::{Budget, Verdict};
use sim_core::{Duration, Fault, Node, NodeId, Outcome, SimConfig, Simulation, Time};
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

/// One column of the comparison.
struct Column {
    latency_ms: [f64; 4],
    messages_per_command: f64,
    commands_per_slot: Option<f64>,
    completed: u64,
    recovery_ms: Option<f64>,
    leader_changes: u64,
}

fn run(seed: u64, config: &Config, long: Option<u64>) -> Result<(), String> {
    config
        .validate_for(load::SERVERS)
        .map_err(|e| e.to_string())?;
    if let Some(span) = long {
        return long_run(seed, config, span);
    }
    let raft = raft_column(seed)?;
    let paxos = paxos_column(seed, config)?;
    println!(
        "Raft and Multi-Paxos on the benchmark load (seed {seed}; 5 servers, 10 clients, 1000 commands/s, 1 ms links)"
    );
    println!("| figure | Raft | Multi-Paxos |");
    println!("| --- | --- | --- |");
    let row = |name: &str, f: &dyn Fn(&Column) -> String| {
        println!("| {name} | {} | {} |", f(&raft), f(&paxos));
    };
    row("commit latency p50 / p90 / p99 / max (ms)", &|c| {
        let l = c.latency_ms;
        format!("{:.2} / {:.2} / {:.2} / {:.2}", l[0], l[1], l[2], l[3])
    });
    row("messages per command", &|c| {
        format!("{:.2}", c.messages_per_command)
    });
    row("commands per slot", &|c| {
        c.commands_per_slot
            .map_or("-".to_string(), |x| format!("{x:.2}"))
    });
    row("commands completed in 60 s", &|c| c.completed.to_string());
    row("time to recover from a leader crash (ms)", &|c| {
        c.recovery_ms.map_or("-".to_string(), |r| format!("{r:.0}"))
    });
    row("leader changes in the crash run", &|c| {
        c.leader_changes.to_string()
    });
    Ok(())
}

/// Multi-Paxos: steady state over one simulated minute with every checker on and the
/// history checked; then a run where the leader crashes at 10 s (it restarts 5 s later),
/// to 20 s.
fn paxos_column(seed: u64, config: &Config) -> Result<Column, String> {
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

    let mut sim = load::simulation(seed, config, true);
    add_checkers(&mut sim);
    crash_leader(&mut sim, leader)?;
    let crash = metrics(&sim);
    Ok(Column {
        latency_ms: steady.latency_ms,
        messages_per_command: steady.messages_per_command,
        commands_per_slot: Some(steady.commands_per_slot),
        completed: steady.clients.completed,
        recovery_ms: crash.recovery_ms,
        leader_changes: crash.leader_changes,
    })
}

/// The crash run both columns share: to 10 s, then the leader crashes (it restarts at 15 s),
/// then on to 20 s; an invariant violation on the way is an error.
fn crash_leader<N: Node>(
    sim: &mut Simulation<N>,
    leader: impl Fn(&Simulation<N>) -> Option<NodeId>,
) -> Result<(), String> {
    if let Outcome::Violated(v) = sim.run_until(secs(10)).map_err(|e| e.to_string())? {
        return Err(v.to_string());
    }
    let old = leader(sim).ok_or("no leader at 10 s")?;
    sim.apply_now(Fault::Crash { node: old })
        .map_err(|e| e.to_string())?;
    sim.schedule(secs(15), Fault::Restart { node: old })
        .map_err(|e| e.to_string())?;
    if let Outcome::Violated(v) = sim.run_until(secs(20)).map_err(|e| e.to_string())? {
        return Err(v.to_string());
    }
    Ok(())
}

/// Raft (default configuration: ReadIndex reads, batches of up to 64 entries, two
/// AppendEntries in flight per follower) on the same load, seed and crash.
fn raft_column(seed: u64) -> Result<Column, String> {
    let build = || {
        let sim_config = SimConfig {
            seed,
            ..SimConfig::default()
        };
        raft::cluster::build(
            sim_config,
            &raft::Config::default(),
            load::SERVERS,
            &load::workload(true),
        )
        .map_err(|e| e.to_string())
    };
    let mut sim = build()?;
    if let Outcome::Violated(v) = sim.run_until(secs(60)).map_err(|e| e.to_string())? {
        return Err(v.to_string());
    }
    let report = raft::check_history(&sim, &Budget::default()).map_err(|e| e.to_string())?;
    if report.verdict != Verdict::Linearizable {
        return Err(format!("raft history verdict {:?}", report.verdict));
    }
    let steady = raft::metrics(&sim);

    let mut sim = build()?;
    crash_leader(&mut sim, raft::leader)?;
    let crash = raft::metrics(&sim);
    Ok(Column {
        latency_ms: steady.clients.latency_ms,
        messages_per_command: steady.messages_per_command,
        commands_per_slot: None,
        completed: steady.clients.completed,
        recovery_ms: crash.recovery_ms,
        leader_changes: crash.elections.saturating_sub(1),
    })
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
