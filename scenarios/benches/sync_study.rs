//! The sync study at 100,000 nodes, one benchmark per variant: the shipped study file with
//! 100,000 nodes, its workload cut to its first 200 ms (1 s to 1.2 s) and the run to 3 s, so
//! that every change has reached every node by the end and the end's checks find the cluster
//! settled (a run cut while values still change waits past its end, checking, until they
//! have settled). The aggregating variants (tree sync, layered) keep their workload, every
//! node changing 0.2 times a second; the broadcast variants make 20 updates a second in all
//! instead, since every update reaches every node and at 0.2 a second per node they would
//! send on the order of 10^9 messages (see docs/src/results/sync-study.md). Criterion reports the CPU time of one
//! run (the process's, from the kernel's scheduler statistics: the machine is shared), building
//! the cluster included, and the engine's events per CPU-second; flat all-to-all is the
//! baseline the others compare with in the same run.

#[path = "../../sim-core/benches/support/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput};
use scenarios::runner::{RunOptions, run_scenario};
use scenarios::{Registry, Scenario};
use std::hint::black_box;

/// The allocator the `clustersim` binary uses (see `src/bin/clustersim.rs`), so that the
/// figures are the binary's: glibc's allocator costs the small, growing per-node vectors of
/// the broadcast variants a quarter more time than mimalloc does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NODES: u32 = 100_000;

/// The study file `name` at 100,000 nodes, changes from 1 s to 1.2 s, run to 3 s.
fn scenario(name: &str) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("study")
        .join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path)
        .expect("a shipped study file")
        .replace("\nnodes = 100\n", &format!("\nnodes = {NODES}\n"))
        .replace("stop = \"6s\"", "stop = \"1200ms\"")
        .replace("duration = \"8s\"", "duration = \"3s\"")
        .replace("rate_per_node = 0.2", "rate = 20.0");
    Scenario::from_str(&format!("{name}.toml"), &text).expect("a valid study file")
}

fn run(registry: &Registry, s: &Scenario) -> u64 {
    let f = run_scenario(registry, s, &RunOptions::default()).expect("runs");
    f.report.stats.events
}

fn study<M: Measurement>(c: &mut Criterion<M>) {
    let registry = Registry::builtin();
    let mut g = c.benchmark_group("sync_study_100k_cpu");
    g.sample_size(10);
    g.warm_up_time(std::time::Duration::from_millis(1));
    for name in [
        "flat",
        "relay",
        "gossip",
        "tree-broadcast",
        "tree-sync",
        "layered",
    ] {
        let s = scenario(name);
        let events = run(&registry, &s);
        g.throughput(Throughput::Elements(events));
        g.bench_function(name, |b| b.iter(|| black_box(run(&registry, &s))));
    }
    g.finish();
}

fn main() {
    match CpuTime::of_process() {
        Some(cpu) => {
            let mut c = Criterion::default()
                .with_measurement(cpu)
                .configure_from_args();
            study(&mut c);
            c.final_summary();
        }
        None => eprintln!("sync_study skipped: this system does not report CPU time"),
    }
}
