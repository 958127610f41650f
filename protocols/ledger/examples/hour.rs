//! One simulated hour (or the minutes given as the first argument) of the benchmark's ledger:
//! 5 servers on Raft, 1,000 records a second from 10 producers, 100-record or 100 ms blocks,
//! no checkers. Prints the chain's size and the process's CPU time and peak memory.
//!
//! `cargo run --release -p ledger --example hour [MINUTES]`

use sim_core::Time;

fn main() {
    let minutes: u64 = std::env::args()
        .nth(1)
        .map(|m| m.parse().expect("minutes as a whole number"))
        .unwrap_or(60);
    let mut sim = ledger::cluster::benchmark().expect("a valid benchmark cluster");
    let end = Time(minutes * 60 * 1_000_000_000);
    sim.run_until(end).expect("the run stays within its limits");
    let m = ledger::metrics(&sim);
    println!(
        "{minutes} min: {} records, {} blocks, {:.0} records/s, commit p50 {:.1} ms p99 {:.1} ms, {} events",
        m.records,
        m.blocks,
        m.records_per_s,
        m.commit_ms_p50.unwrap_or(f64::NAN),
        m.commit_ms_p99.unwrap_or(f64::NAN),
        sim.stats().events
    );
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines().filter(|l| l.starts_with("VmHWM")) {
            println!("peak memory: {line}");
        }
    }
}
