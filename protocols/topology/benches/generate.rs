//! How long building the large random topologies takes (a 100,000-node scenario builds one
//! before its first event).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sim_core::NodeId;
use std::hint::black_box;
use topology::{TopologySpec, topology_rng};

fn generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    let cases = [
        (
            "random-regular-d8",
            TopologySpec::RandomRegular { degree: 8 },
        ),
        (
            "small-world-k8",
            TopologySpec::SmallWorld { k: 8, beta: 0.1 },
        ),
        (
            "erdos-renyi-avg8",
            TopologySpec::ErdosRenyi { p: 8.0 / 100_000.0 },
        ),
    ];
    for (name, spec) in cases {
        group.bench_with_input(BenchmarkId::new(name, 100_000), &spec, |b, spec| {
            b.iter(|| {
                black_box(
                    spec.build(100_000, &mut topology_rng(1))
                        .map(|t| t.edge_count()),
                )
            })
        });
    }
    let t = TopologySpec::RandomRegular { degree: 8 }
        .build(100_000, &mut topology_rng(1))
        .expect("a valid topology");
    group.bench_function("bfs-tree/100000", |b| {
        b.iter(|| black_box(t.bfs_tree(NodeId(0)).map(|tree| tree.height())))
    });
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
