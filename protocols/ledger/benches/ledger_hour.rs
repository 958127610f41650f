//! One simulated hour of the ledger benchmark's cluster (5 servers on Raft, 1,000 records a
//! second from 10 producers, blocks of 100 records or 100 ms, scrubbing at 20 blocks a
//! second, one reader, the leader gathering records for 5 ms, no checkers), in the thread's
//! CPU time. The target is under 20 s.
//!
//! The baseline, in the same run: one simulated hour of plain Raft under the same load of
//! 1,000 commands a second (`raft::cluster::benchmark`, a replicated key-value map, no
//! checkers), so that the ledger's own cost reads as a ratio that the machine's speed on
//! the day does not move.
//!
//! `cargo bench -p ledger --bench ledger_hour` (about six minutes: ten hours of each after
//! one to warm up)

#[path = "../../../sim-core/benches/support/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};
use sim_core::{Duration, Outcome, Time};
use std::hint::black_box;

const HOUR: Time = Time(Duration::from_secs(3_600).0);

/// One simulated hour of the ledger; returns the records in its chain.
fn ledger_hour() -> u64 {
    let mut sim = ledger::cluster::benchmark().expect("a valid benchmark cluster");
    let outcome = sim
        .run_until(HOUR)
        .expect("the run stays within its limits");
    assert_eq!(outcome, Outcome::Reached);
    let m = ledger::metrics(&sim);
    // 1,000 records a second for an hour; a stalled cluster would chain far fewer.
    assert!(m.records > 3_500_000, "{} records chained", m.records);
    m.records
}

/// One simulated hour of plain Raft under the same load; returns the commands answered.
fn raft_hour() -> u64 {
    let mut sim = raft::cluster::benchmark(false).expect("a valid benchmark cluster");
    let outcome = sim
        .run_until(HOUR)
        .expect("the run stays within its limits");
    assert_eq!(outcome, Outcome::Reached);
    let answered = raft::metrics(&sim).clients.completed;
    assert!(answered > 3_500_000, "{answered} commands answered");
    answered
}

fn group<M: Measurement>(c: &mut Criterion<M>) {
    let mut g = c.benchmark_group("ledger-hour-cpu");
    g.sample_size(10);
    g.warm_up_time(std::time::Duration::from_millis(1));
    g.bench_function(BenchmarkId::new("raft kv (baseline)", "1 h"), |b| {
        b.iter(|| black_box(raft_hour()))
    });
    g.bench_function(BenchmarkId::new("ledger on raft", "1 h"), |b| {
        b.iter(|| black_box(ledger_hour()))
    });
    g.finish();
}

fn main() {
    match CpuTime::available() {
        Some(cpu) => {
            let mut c = Criterion::default()
                .with_measurement(cpu)
                .configure_from_args();
            group(&mut c);
            c.final_summary();
        }
        None => {
            eprintln!("ledger-hour-cpu skipped: this system does not report per-thread CPU time")
        }
    }
}
