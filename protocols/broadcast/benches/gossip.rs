//! Whole runs of the dissemination variants, to see what a change costs: push-pull
//! anti-entropy on 10,000 nodes until everyone has 10 broadcasts, one Demers rumor run on 1000
//! sites, and the efficient broadcast's 20-second run on 25 nodes.

use broadcast::repro::{demers, efficient, scale};
use broadcast::{Loss, Stop};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn runs(c: &mut Criterion) {
    let mut group = c.benchmark_group("broadcast");
    group.sample_size(10);
    let setup = scale::Setup {
        nodes: 10_000,
        ..scale::Setup::default()
    };
    group.bench_function("push-pull/10000-nodes", |b| {
        b.iter(|| {
            let mut sim = scale::build(&setup, 1).expect("a valid setup");
            black_box(scale::run(&mut sim, &setup).map(|(rounds, _)| rounds))
        })
    });
    let setup = demers::Setup::default();
    group.bench_function("rumor-feedback-counter-k2/1000-sites", |b| {
        b.iter(|| black_box(demers::run(&setup, Loss::Feedback, Stop::Counter, 2, 1)))
    });
    let setup = efficient::Setup::default();
    group.bench_function("efficient/25-nodes-20s", |b| {
        b.iter(|| black_box(efficient::run(&setup, 1).map(|r| r.metrics.messages)))
    });
    group.finish();
}

criterion_group!(benches, runs);
criterion_main!(benches);
