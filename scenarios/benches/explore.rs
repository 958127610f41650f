//! Explore on five-server Raft: seeds per second on one core. One iteration explores 16 seeds of
//! `scenarios/raft/explore.toml` with the cluster size fixed at five (each seed: 3 s of safety
//! phase under drawn faults, a heal, 3 s of liveness phase, every invariant and the
//! linearizability check), on a one-thread pool; criterion reports the throughput in seeds
//! (elements) per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scenarios::explore::{self, Prepared};
use scenarios::{Registry, Scenario};
use std::hint::black_box;

const SEEDS: u64 = 16;

fn explore_raft(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("raft/explore.toml");
    let mut s = Scenario::load(&path).expect("the shipped file loads");
    if let Some(b) = s.explore.as_mut() {
        b.nodes = [5, 5];
    }
    let registry = Registry::builtin();
    let p = Prepared::new(&registry, s).expect("explorable");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let mut g = c.benchmark_group("explore");
    g.throughput(Throughput::Elements(SEEDS));
    g.sample_size(10);
    g.bench_function("raft_5_nodes_16_seeds_one_core", |b| {
        b.iter(|| {
            let found =
                pool.install(|| explore::explore(&registry, &p, &mut (0..SEEDS), None, &|_| {}));
            assert!(found.failures.is_empty(), "{:?}", found.failures.first());
            black_box(found.ran)
        })
    });
    g.finish();
}

criterion_group!(benches, explore_raft);
criterion_main!(benches);
