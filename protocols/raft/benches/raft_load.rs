//! Wall time of simulated Raft under the benchmark load Multi-Paxos is measured on too
//! (`kv::benchmark`: 5 servers on the default 1 ms network, ten clients at 100 Poisson
//! arrivals per virtual second each, 1,000 commands per second, half reads through
//! ReadIndex), one simulated minute per iteration; one simulated hour is 60 times that (the
//! target is under 10 s, i.e. under 167 ms per iteration). Measured as Multi-Paxos's
//! benchmark is (no checkers, no history recording) and with every Raft checker attached.
//!
//! `cargo bench -p raft --bench raft_load`

use criterion::{Criterion, criterion_group, criterion_main};
use sim_core::{Duration, Outcome, Time};
use std::hint::black_box;

fn minute(checkers: bool) -> u64 {
    let mut sim = raft::cluster::benchmark(checkers).expect("a valid benchmark simulation");
    let outcome = sim
        .run_until(Time(Duration::from_secs(60).0))
        .expect("the run stays within its limits");
    assert_eq!(outcome, Outcome::Reached);
    let m = raft::metrics(&sim);
    // 59.5 s of clients at 1,000 per second; a stalled cluster would answer far fewer.
    assert!(
        m.clients.completed > 58_000,
        "{} answered",
        m.clients.completed
    );
    sim.stats().events
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("raft: 60 simulated seconds at 1000 commands/s");
    group.sample_size(10);
    group.bench_function("no checkers", |b| b.iter(|| black_box(minute(false))));
    group.bench_function("every checker", |b| b.iter(|| black_box(minute(true))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
