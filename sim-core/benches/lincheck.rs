//! The linearizability checker on Porcupine's two 50-client key-value histories (about 1,700
//! and 2,000 operations over ten keys): reading the EDN, judging it, and, for the bad one,
//! explaining the violation. The target is under 100 ms to judge each.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim_core::history::edn::read_history;
use sim_core::history::models::KvModel;
use sim_core::history::{Budget, Verdict, check, explain};
use std::hint::black_box;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/testdata/porcupine-kv/"
);

fn lincheck(c: &mut Criterion) {
    let mut group = c.benchmark_group("lincheck");
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(10));
    for (name, expected) in [
        ("c50-ok", Verdict::Linearizable),
        ("c50-bad", Verdict::NotLinearizable),
    ] {
        let path = format!("{DIR}{name}.txt");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let history = read_history(&KvModel, &text).unwrap();
        let budget = Budget::unlimited();
        assert_eq!(check(&KvModel, &history, &budget).verdict, expected);
        group.throughput(Throughput::Elements(history.len() as u64));

        group.bench_with_input(BenchmarkId::new("check", name), &history, |b, h| {
            b.iter(|| black_box(check(&KvModel, h, &budget).verdict))
        });
        group.bench_with_input(BenchmarkId::new("read+check", name), &text, |b, t| {
            b.iter(|| {
                let h = read_history(&KvModel, t).unwrap();
                black_box(check(&KvModel, &h, &budget).verdict)
            })
        });
        if expected == Verdict::NotLinearizable {
            let key = check(&KvModel, &history, &budget)
                .violation()
                .unwrap()
                .key
                .clone();
            group.bench_with_input(BenchmarkId::new("explain", name), &history, |b, h| {
                b.iter(|| {
                    black_box(
                        explain(&KvModel, h, &key, &Budget::default())
                            .unwrap()
                            .ops
                            .len(),
                    )
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, lincheck);
criterion_main!(benches);
