//! A five-server cluster serving 1000 commands per virtual second (forty open-loop clients at
//! 25 per second each, so that a client's one-at-a-time operations keep up, half reads through ReadIndex, half writes through the log), every
//! checker attached. One iteration simulates 60 virtual seconds; the target is one
//! virtual hour in under 10 s of wall time, i.e. under 167 ms per iteration here.

use criterion::{Criterion, criterion_group, criterion_main};
use kv::{Pacing, WorkloadConfig};
use raft::Config;
use raft::cluster::build;
use sim_core::{Duration, Latency, LinkModel, NetworkConfig, SimConfig, Time};
use std::hint::black_box;

fn one_minute(seed: u64) -> u64 {
    let sim = SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel {
                latency: Latency::uniform(Duration::from_millis(1), Duration::from_millis(5)),
                ..LinkModel::default()
            },
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let workload = WorkloadConfig {
        clients: 40,
        pacing: Pacing::Rate { per_second: 25.0 },
        record: false,
        ..WorkloadConfig::default()
    };
    let mut sim = build(sim, &Config::default(), 5, &workload).expect("a valid cluster");
    sim.run_until(Time(Duration::from_secs(60).0))
        .expect("within limits");
    let m = raft::metrics::metrics(&sim);
    assert!(
        m.clients.completed > 55_000,
        "{} answered",
        m.clients.completed
    );
    sim.stats().events
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("raft");
    g.sample_size(10);
    g.bench_function("5 servers, 1000 commands/s, 60 virtual seconds", |b| {
        b.iter(|| black_box(one_minute(1)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
