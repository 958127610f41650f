//! PHOLD, the standard discrete-event benchmark: N nodes, J messages per node in circulation;
//! each delivery sends one new message to a uniformly random node after 1 ms + exponential
//! (mean 1 ms). Measured side by side with two bare loops doing the same work with nothing but a
//! `BinaryHeap` of (time, seq, destination) and a generator: `bare-heap` draws through the
//! engine's `SimRng`, and `bare-chacha8` is the reference loop of the engine's performance
//! targets, one `rand_chacha::ChaCha8Rng` drawn directly (the stronger baseline). The bench
//! profile builds them with thin LTO; `CARGO_PROFILE_BENCH_LTO=fat` gives the reference's fat
//! LTO.

#[path = "support/cpu_time.rs"]
mod cpu_time;

#[path = "support/phold.rs"]
mod phold;

use cpu_time::CpuTime;
use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};
use phold::{Bare, BareChaCha8, phold_sim};

/// Deliveries measured per benchmark iteration.
const BATCH: u64 = 200_000;

/// The three loops for every (N, J), measured with `M`, in the group `name`.
fn phold<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(10);
    for (nodes, per_node) in [(16u32, 16u32), (1024, 4), (100_000, 1)] {
        let label = format!("N={nodes},J={per_node}");
        let mut sim = phold_sim(nodes, per_node);
        group.bench_function(BenchmarkId::new("clustersim", &label), |b| {
            b.iter(|| {
                for _ in 0..BATCH {
                    sim.step().expect("phold step");
                }
            })
        });
        let mut bare = Bare::new(nodes, per_node);
        group.bench_function(BenchmarkId::new("bare-heap", &label), |b| {
            b.iter(|| {
                let mut sum = 0u64;
                for _ in 0..BATCH {
                    sum = sum.wrapping_add(u64::from(bare.step()));
                }
                sum
            })
        });
        let mut reference = BareChaCha8::new(nodes, per_node);
        group.bench_function(BenchmarkId::new("bare-chacha8", &label), |b| {
            b.iter(|| {
                let mut sum = 0u64;
                for _ in 0..BATCH {
                    sum = sum.wrapping_add(u64::from(reference.step()));
                }
                sum
            })
        });
    }
    group.finish();
}

/// Group `phold` in wall time, then group `phold-cpu` in the thread's CPU time (see
/// `support/cpu_time.rs`), which is what to read on a machine shared with other work.
fn main() {
    let mut wall = Criterion::default().configure_from_args();
    phold(&mut wall, "phold");
    match CpuTime::available() {
        Some(cpu) => {
            let mut c = Criterion::default()
                .with_measurement(cpu)
                .configure_from_args();
            phold(&mut c, "phold-cpu");
        }
        None => eprintln!("phold-cpu skipped: this system does not report per-thread CPU time"),
    }
    Criterion::default().configure_from_args().final_summary();
}
