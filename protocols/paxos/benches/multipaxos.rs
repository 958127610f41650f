//! Wall time of simulated Multi-Paxos under the benchmark load (`load.rs`: 5 servers,
//! 1,000 commands per virtual second): one simulated minute per iteration, without checkers
//! or history recording; one simulated hour is 60 times that (the target is under 10 s).
//!
//! `cargo bench -p paxos --bench multipaxos`

mod load;

use criterion::{Criterion, criterion_group, criterion_main};
use paxos::Config;
use sim_core::{Duration, Outcome, Time};
use std::hint::black_box;

fn minute(config: &Config) -> u64 {
    let mut sim = load::simulation(1, config, false);
    let end = Time(Duration::from_secs(60).0);
    let outcome = sim.run_until(end).expect("the run stays within its limits");
    assert_eq!(outcome, Outcome::Reached);
    sim.stats().events
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("multipaxos: 60 simulated seconds at 1000 commands/s");
    group.sample_size(10);
    let configs = [
        ("one command per slot", Config::default()),
        (
            "batched for up to 5 ms",
            Config {
                batch_delay: Duration::from_millis(5),
                ..Config::default()
            },
        ),
    ];
    for (name, config) in configs {
        group.bench_function(name, |b| b.iter(|| black_box(minute(&config))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
