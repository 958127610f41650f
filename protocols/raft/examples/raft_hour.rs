//! Runs the Raft benchmark load (`kv::benchmark`, seed 1, no checkers) for a number of
//! virtual seconds (3600 unless given) and prints the commands answered, the events, the
//! run's fingerprint and this thread's CPU time, so the target (one virtual hour in
//! under 10 s of CPU on one core) can be measured directly, and so instruction counters
//! (callgrind) can run exactly the benchmark's minute (`raft_hour 60`).
//!
//! `cargo run --release -p raft --example raft_hour -- [SECONDS] [--checkers]`

use sim_core::{Duration, Outcome, Time};

/// This thread's CPU time in seconds, from the scheduler's accounting (Linux only).
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos as f64 / 1e9)
}

fn main() {
    let mut seconds = 3600;
    let mut checkers = false;
    for arg in std::env::args().skip(1) {
        if arg == "--checkers" {
            checkers = true;
        } else if let Ok(s) = arg.parse::<u64>() {
            seconds = s;
        } else {
            eprintln!("raft_hour: expected a number of virtual seconds or --checkers, got {arg:?}");
            std::process::exit(2);
        }
    }
    let mut sim = match raft::cluster::benchmark(checkers) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("raft_hour: {e}");
            std::process::exit(1);
        }
    };
    let start = thread_cpu_seconds();
    match sim.run_until(Time(Duration::from_secs(seconds).0)) {
        Ok(Outcome::Reached) => {}
        Ok(other) => {
            eprintln!("raft_hour: the run stopped early: {other:?}");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("raft_hour: {e}");
            std::process::exit(1);
        }
    }
    let end = thread_cpu_seconds();
    let m = raft::metrics(&sim);
    println!("virtual seconds: {seconds}");
    println!("checkers: {checkers}");
    println!("commands answered: {}", m.clients.completed);
    println!("events: {}", sim.stats().events);
    println!("fingerprint: {}", sim.fingerprint());
    match (start, end) {
        (Some(s), Some(e)) => println!("cpu seconds (run only): {:.2}", e - s),
        _ => println!("cpu seconds: not available on this system"),
    }
}
