//! The model checker's rate on single-decree Paxos with 3 acceptors and 2 proposers: states
//! generated per second of CPU, on one core. One iteration searches the whole state space
//! breadth-first (no losses, duplicates or crashes; each proposer runs one round: its round
//! timer fires once), with the agreement invariant checked after every step, on a one-thread
//! pool. The process's CPU time is measured (the pool's worker does the work; the
//! bench thread only waits), and criterion reports states (elements) per second.
//!
//! `cargo bench -p scenarios --bench model`. The same machine's figure for Stateright's own
//! Paxos example comes from `scenarios/benches/stateright-peer.sh`, run beside it.

#[path = "../../sim-core/benches/support/cpu_time.rs"]
mod cpu_time;

use cpu_time::{CpuTime, process_cpu_ns};
use criterion::{Criterion, Throughput};
use paxos::synod::{SynodConfig, SynodNode};
use scenarios::model::{self, Budget, Verdict};
use scenarios::registry::{Adapter, Driver, Run};
use scenarios::scenario::{ModelSection, Strategy};
use sim_core::{CheckView, Duration, DurationRange, FnChecker, NodeId, SimConfig, Simulation};
use std::sync::Arc;

/// The allocator the `clustersim` binary uses (see `src/bin/clustersim.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Clone)]
struct Plain;
impl Adapter<SynodNode> for Plain {}

/// Acceptors n0..n2; n0 and n1 are also the proposers, and learn (a server that proposes and
/// accepts, as in the usual deployment). Agreement: no two learners learn different values.
fn synod() -> Box<dyn Run> {
    let ms = Duration::from_millis;
    let config = Arc::new(SynodConfig {
        proposers: vec![NodeId(0), NodeId(1)],
        acceptors: vec![NodeId(0), NodeId(1), NodeId(2)],
        learners: vec![NodeId(0), NodeId(1)],
        start: DurationRange::exactly(Duration::ZERO),
        round_timeout: ms(50),
        backoff: DurationRange::new(ms(5), ms(20)).expect("a range"),
    });
    let mut sim: Simulation<SynodNode> =
        Simulation::new(SimConfig::default(), vec![config; 3]).expect("a cluster");
    sim.add_checker(FnChecker::new(
        "agreement",
        |v: &CheckView<'_, SynodNode>| {
            let learned: Vec<_> = v
                .nodes
                .iter()
                .flatten()
                .filter_map(|n| n.learner.as_ref().and_then(|l| l.learned))
                .collect();
            match learned.windows(2).find(|w| w[0] != w[1]) {
                Some(w) => Err(format!("learners learned {} and {}", w[0], w[1])),
                None => Ok(()),
            }
        },
    ));
    let mut run: Box<dyn Run> = Box::new(Driver::new("synod", sim, 3, Plain));
    run.start_all().expect("the nodes start");
    run
}

fn bounds() -> ModelSection {
    ModelSection {
        strategy: Strategy::Bfs,
        depth: 60,
        max_in_flight: 64,
        crashes: 0,
        losses: 0,
        duplicates: 0,
        corruptions: 0,
        timers_per_node: 1,
        symmetry: false,
    }
}

fn main() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let b = bounds();
    // A state space too large for the machine stops the search rather than the machine.
    let budget = Budget::new(None, None, Some(8 << 30));
    let search = || pool.install(|| model::search(synod(), &b, &budget, &|_, _, _| {}));
    let cpu_before = process_cpu_ns();
    let once = search();
    let cpu = process_cpu_ns()
        .zip(cpu_before)
        .map(|(a, b)| a.saturating_sub(b));
    assert!(
        matches!(once.verdict, Verdict::Exhausted),
        "{:?}",
        once.verdict
    );
    eprintln!(
        "synod, 3 acceptors and 2 proposers: {} states generated, {} distinct, deepest level {}",
        once.states, once.unique, once.depth
    );
    if let Some(ns) = cpu.filter(|ns| *ns > 0) {
        eprintln!(
            "first search: {:.2} s of CPU, {:.0} states per CPU-second",
            ns as f64 / 1e9,
            once.states as f64 / (ns as f64 / 1e9)
        );
    }
    let Some(cpu_time) = CpuTime::of_process() else {
        eprintln!("model-cpu skipped: this system does not report per-thread CPU time");
        return;
    };
    let mut c = Criterion::default()
        .with_measurement(cpu_time)
        .configure_from_args();
    let mut g = c.benchmark_group("model-cpu");
    g.throughput(Throughput::Elements(once.states));
    g.sample_size(10);
    g.bench_function("synod_3_acceptors_2_proposers_one_core", |bench| {
        bench.iter(|| std::hint::black_box(search().states))
    });
    g.finish();
    c.final_summary();
}
