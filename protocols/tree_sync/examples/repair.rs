//! Hierarchical sync on a grid: the tree forms, an inner node crashes, half the grid is cut
//! off (and elects its own root) and healed, the root crashes (and a new one is elected) and
//! restarts; prints what the nodes noted and how long each re-convergence took.
//!
//! `cargo run --release -p tree_sync --example repair -- [--seed 1] [--side 8]`

use sim_core::{
    Duration, Fault, NodeId, PartitionSpec, SimConfig, Simulation, TraceEvent, TraceSink,
};
use std::process::ExitCode;
use std::sync::Arc;
use topology::{Overlay, TopologySpec, topology_rng};
use tree_sync::{Config, NodeSanity, TreeNode, run_until_converged};

fn main() -> ExitCode {
    let (mut seed, mut side) = (1u64, 8u32);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let v = it.next().and_then(|v| v.parse::<u64>().ok());
        match (a.as_str(), v) {
            ("--seed", Some(s)) => seed = s,
            ("--side", Some(s)) if (3..=300).contains(&s) => side = s as u32,
            _ => {
                eprintln!("usage: repair [--seed N] [--side 3..300]");
                return ExitCode::from(2);
            }
        }
    }
    match run(seed, side) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(seed: u64, side: u32) -> Result<ExitCode, String> {
    let n = side * side;
    let topo = TopologySpec::Grid {
        rows: side,
        cols: side,
    }
    .build(n, &mut topology_rng(seed))
    .map_err(|e| e.to_string())?;
    let config = Config::default()
        .with_overlay(Overlay::new(Arc::new(topo)))
        .prepare(n)
        .map_err(|e| e.to_string())?;
    let mut sim: Simulation<TreeNode> = Simulation::new(
        SimConfig {
            seed,
            ..SimConfig::default()
        },
        vec![config; n as usize],
    )
    .map_err(|e| e.to_string())?;
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    sim.add_checker(NodeSanity);
    let ms = Duration::from_millis;
    // The elected root of `live` is its lowest id.
    // Times are from `from`, or from now.
    let converge_since = |sim: &mut Simulation<TreeNode>,
                          from: Option<sim_core::Time>,
                          live: &[NodeId],
                          what: &str| {
        let from = from.unwrap_or(sim.now());
        let root = *live.iter().min().ok_or("no live node")?;
        match run_until_converged(sim, root, live, ms(10), from + ms(10_000)) {
            Ok(Ok(t)) => {
                println!("{what}: converged under {root} after {}", t - from);
                Ok(())
            }
            Ok(Err(why)) => Err(format!("{what}: not converged: {why}")),
            Err(e) => Err(e.to_string()),
        }
    };
    let converge = |sim: &mut Simulation<TreeNode>, live: &[NodeId], what: &str| {
        converge_since(sim, None, live, what)
    };
    let all: Vec<NodeId> = (0..n).map(NodeId).collect();
    println!("tree sync on a {side} x {side} grid, root n0, seed {seed}");
    converge(&mut sim, &all, "initial tree")?;
    let victim = NodeId(side + 1);
    sim.apply_now(Fault::Crash { node: victim })
        .map_err(|e| e.to_string())?;
    let live: Vec<NodeId> = all.iter().copied().filter(|&i| i != victim).collect();
    converge(&mut sim, &live, &format!("{victim} crashed"))?;
    let right: Vec<NodeId> = live
        .iter()
        .copied()
        .filter(|i| i.0 % side >= side / 2)
        .collect();
    let left: Vec<NodeId> = live
        .iter()
        .copied()
        .filter(|i| i.0 % side < side / 2)
        .collect();
    let cut = sim.now();
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Groups(vec![right.clone()]),
    })
    .map_err(|e| e.to_string())?;
    converge(
        &mut sim,
        &left,
        "right half cut off (root sees the left half)",
    )?;
    converge_since(
        &mut sim,
        Some(cut),
        &right,
        "right half cut off (its own root, from the cut)",
    )?;
    sim.apply_now(Fault::HealAll).map_err(|e| e.to_string())?;
    converge(&mut sim, &live, "healed")?;
    let root = NodeId(0);
    sim.apply_now(Fault::Crash { node: root })
        .map_err(|e| e.to_string())?;
    let rest: Vec<NodeId> = live.iter().copied().filter(|&i| i != root).collect();
    converge(&mut sim, &rest, &format!("root {root} crashed"))?;
    sim.apply_now(Fault::Restart { node: root })
        .map_err(|e| e.to_string())?;
    converge(&mut sim, &live, &format!("root {root} restarted"))?;
    let r = sim.node(root).ok_or("root down")?;
    println!("root aggregate: {}", r.subtree());
    let notes = sim
        .trace()
        .records()
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::Annotate { node: Some(_), .. }))
        .count();
    println!(
        "{notes} annotations (parent lost / re-attached), {} messages, fingerprint {:016x}",
        sim.stats().sent,
        sim.fingerprint()
    );
    Ok(ExitCode::SUCCESS)
}
