//! Montage (103 tasks, the WfCommons instance) run to completion on 16 agents with two slots
//! each and a Raft-replicated engine on 3 coordinators, every check on; beside it, in the same
//! run and on the same scale, ten simulated seconds of Raft's benchmark load (no checkers), the
//! per-event baseline. Both report elements per second, an element being one engine event, in
//! the thread's CPU time (group `montage-cpu`) and in wall time (group `montage`).
//!
//! `cargo bench -p workflow --bench montage`

#[path = "../../../sim-core/benches/support/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};
use sim_core::{Duration, Outcome, SimConfig, Time};
use std::hint::black_box;
use std::sync::Arc;
use workflow::dag::wfformat;
use workflow::{Params, Workflow};

fn montage() -> Arc<Workflow> {
    let name = "montage-chameleon-2mass-01d-001.json";
    let path = format!(
        "{}/../../../shared/testdata/wfcommons/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("the Montage instance");
    Arc::new(wfformat::parse(&text, name).expect("a valid instance"))
}

/// One run of Montage to its last task; returns the events it took.
fn montage_run(workflow: &Arc<Workflow>) -> u64 {
    let params = Params {
        agents: 16,
        ..Params::default()
    };
    let mut sim =
        workflow::build(SimConfig::default(), &params, workflow.clone()).expect("a valid cluster");
    let mut t = Time::ZERO;
    while (workflow::done(&sim) as usize) < workflow.len() {
        t += Duration::from_secs(1);
        assert!(
            t < Time(Duration::from_secs(600).0),
            "Montage did not finish"
        );
        let outcome = sim.run_until(t).expect("the run stays within its limits");
        assert_eq!(outcome, Outcome::Reached);
    }
    sim.stats().events
}

/// Ten simulated seconds of Raft's benchmark load, no checkers; returns the events.
fn raft_slice() -> u64 {
    let mut sim = raft::cluster::benchmark(false).expect("a valid benchmark simulation");
    let outcome = sim
        .run_until(Time(Duration::from_secs(10).0))
        .expect("the run stays within its limits");
    assert_eq!(outcome, Outcome::Reached);
    sim.stats().events
}

fn group<M: Measurement>(c: &mut Criterion<M>, name: &str, workflow: &Arc<Workflow>) {
    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    let events = montage_run(workflow);
    g.throughput(Throughput::Elements(events));
    g.bench_function(
        BenchmarkId::new("workflow", "montage, 16 agents, raft"),
        |b| b.iter(|| black_box(montage_run(workflow))),
    );
    let events = raft_slice();
    g.throughput(Throughput::Elements(events));
    g.bench_function(BenchmarkId::new("raft", "benchmark load, 10 s"), |b| {
        b.iter(|| black_box(raft_slice()))
    });
    g.finish();
}

fn main() {
    let workflow = montage();
    eprintln!(
        "montage: {} events per run to completion",
        montage_run(&workflow)
    );
    let mut wall = Criterion::default().configure_from_args();
    group(&mut wall, "montage", &workflow);
    match CpuTime::available() {
        Some(cpu) => {
            let mut c = Criterion::default()
                .with_measurement(cpu)
                .configure_from_args();
            group(&mut c, "montage-cpu", &workflow);
        }
        None => eprintln!("montage-cpu skipped: this system does not report per-thread CPU time"),
    }
    Criterion::default().configure_from_args().final_summary();
}
