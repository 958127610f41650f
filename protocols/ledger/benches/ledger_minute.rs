//! The ledger benchmark's cluster (5 servers on Raft, 1,000 records a second from 10
//! producers, blocks of 100 records or 100 ms, scrubbing at 20 blocks a second, one reader, no
//! checkers) run for one simulated minute, in the thread's CPU time (group `ledger-cpu`) and
//! in wall time (group `ledger`), one element being one engine event. The target is an hour in
//! under 20 s of CPU: `cargo run --release -p ledger --example hour` runs the whole hour.
//!
//! `cargo bench -p ledger --bench ledger_minute`

#[path = "../../../sim-core/benches/support/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};
use sim_core::{Duration, Outcome, Time};
use std::hint::black_box;

/// One simulated minute; returns the events it took.
fn minute() -> u64 {
    let mut sim = ledger::cluster::benchmark().expect("a valid benchmark cluster");
    let outcome = sim
        .run_until(Time(Duration::from_secs(60).0))
        .expect("the run stays within its limits");
    assert_eq!(outcome, Outcome::Reached);
    sim.stats().events
}

fn group<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    g.throughput(Throughput::Elements(minute()));
    g.bench_function(
        BenchmarkId::new("ledger", "5 servers, 1000 records/s, 1 min"),
        |b| b.iter(|| black_box(minute())),
    );
    g.finish();
}

fn main() {
    let mut wall = Criterion::default().configure_from_args();
    group(&mut wall, "ledger");
    match CpuTime::available() {
        Some(cpu) => {
            let mut c = Criterion::default()
                .with_measurement(cpu)
                .configure_from_args();
            group(&mut c, "ledger-cpu");
        }
        None => eprintln!("ledger-cpu skipped: this system does not report per-thread CPU time"),
    }
    Criterion::default().configure_from_args().final_summary();
}
