//! A generated layered DAG of 10,000 tasks (100 layers of 100, each task with one parent in the
//! layer before and each other with probability 0.02) on 1,000 agents with a Raft-replicated
//! engine, run to completion: prints the virtual makespan, the events, this thread's CPU time
//! and the process's peak memory, the figures the book's workflow chapter reports.
//!
//! `cargo run --release -p workflow --example scale -- [WIDTH DEPTH AGENTS]`

use sim_core::{Duration, Outcome, SimConfig, SimRng, Stream, Time};
use std::sync::Arc;
use workflow::{Params, RuntimeSpec, Shape, SizeSpec, TaskParams};

/// This thread's CPU time in seconds, from the scheduler's accounting (Linux only).
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos as f64 / 1e9)
}

/// The process's peak resident memory in MiB (Linux only).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (width, depth, agents) = match args.as_slice() {
        [w, d, a] => (*w, *d, *a),
        _ => (100, 100, 1000),
    };
    let shape = Shape::Layered {
        width,
        depth,
        edge_probability: 0.02,
    };
    let tasks = TaskParams {
        runtime: RuntimeSpec::Uniform {
            min: Duration::from_secs(1),
            max: Duration::from_secs(5),
        },
        output_size: SizeSpec::Fixed(1_000_000),
        priority: None,
    };
    let mut rng = SimRng::new(1, Stream::Workload);
    let workflow = match shape.generate(&tasks, &mut rng) {
        Ok(w) => Arc::new(w),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let params = Params {
        agents,
        ..Params::default()
    };
    let start = thread_cpu_seconds();
    let mut sim = match workflow::build(SimConfig::default(), &params, workflow.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let mut t = Time::ZERO;
    let mut done = false;
    while !done && t < Time::ZERO + Duration::from_secs(3_600) {
        t += Duration::from_secs(10);
        match sim.run_until(t) {
            Ok(Outcome::Reached) => {}
            Ok(Outcome::Violated(v)) => {
                eprintln!("{} violated: {}", v.checker, v.description);
                std::process::exit(1);
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
        done = workflow::done(&sim) as usize == workflow.len();
    }
    let end = thread_cpu_seconds();
    let m = workflow::metrics(&sim);
    println!(
        "{} tasks on {agents} agents: done {} at {:?} s (bound {:.1} s), {} events",
        workflow.len(),
        m.done,
        m.makespan_s,
        m.lower_bound_s,
        sim.stats().events
    );
    if let (Some(a), Some(b)) = (start, end) {
        println!("cpu seconds: {:.2}", b - a);
    }
    if let Some(p) = peak_mib() {
        println!("peak memory: {p:.0} MiB");
    }
}
