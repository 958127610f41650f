//! Push-pull anti-entropy on a large cluster: how long it takes on this machine, how many
//! events per second the engine runs, and the peak memory per node.
//!
//! `cargo run --release -p broadcast --example scale -- [--nodes 100000] [--broadcasts 10]
//! [--seed 1]`

use broadcast::repro::scale::{Setup, build, run};
use std::process::ExitCode;
use std::time::Instant;

/// Reads the wall clock: the example measures how long the run takes; nothing in the
/// simulation sees it.
#[allow(clippy::disallowed_methods)]
fn wall_clock() -> Instant {
    Instant::now()
}

/// Peak and current resident memory of this process in kB (VmHWM, VmRSS), from
/// /proc/self/status; `None` where that file does not exist.
fn memory_kb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

fn main() -> ExitCode {
    let mut setup = Setup::default();
    let mut seed = 1u64;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let v = it.next();
        let parsed = v.as_deref().and_then(|v| v.parse::<u64>().ok());
        match (a.as_str(), parsed) {
            ("--nodes", Some(n)) if (2..=1_000_000).contains(&n) => setup.nodes = n as u32,
            ("--broadcasts", Some(b)) if (1..=1_000_000).contains(&b) => {
                setup.broadcasts = b as u32
            }
            ("--seed", Some(s)) => seed = s,
            _ => {
                eprintln!(
                    "usage: scale [--nodes 2..1000000] [--broadcasts 1..1000000] [--seed N] (got {a:?} {v:?})"
                );
                return ExitCode::from(2);
            }
        }
    }
    let before = memory_kb();
    let t0 = wall_clock();
    let mut sim = match build(&setup, seed) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let built = t0.elapsed();
    let t1 = wall_clock();
    let (rounds, m) = match run(&mut sim, &setup) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let ran = t1.elapsed();
    let stats = *sim.stats();
    let after = memory_kb();
    let n = f64::from(setup.nodes);
    println!(
        "push-pull anti-entropy: {} nodes, {} broadcasts, period {}, seed {seed}",
        setup.nodes, setup.broadcasts, setup.period
    );
    println!(
        "complete: {} of {} broadcasts reached every node after {rounds} periods (residue {:.6})",
        m.complete, m.broadcasts, m.residue
    );
    println!(
        "convergence: mean {:.2} periods, max {:.2} periods; latency median {}, p99 {}, max {}",
        m.convergence_rounds_mean.unwrap_or(0.0),
        m.convergence_rounds_max.unwrap_or(0.0),
        m.latency_median,
        m.latency_p99,
        m.latency_max
    );
    println!(
        "traffic: {} messages ({:.2} per node), {:.1} bytes per node",
        m.messages, m.traffic_mean, m.bytes_per_node
    );
    println!(
        "wall time: build {:.2} s, run {:.2} s; {} events, {:.2} M events/s",
        built.as_secs_f64(),
        ran.as_secs_f64(),
        stats.events,
        stats.events as f64 / ran.as_secs_f64().max(1e-9) / 1e6
    );
    if let (Some((_, rss0)), Some((hwm, rss))) = (before, after) {
        println!(
            "memory: peak {:.1} MB ({:.0} bytes per node); at the end {:.1} MB; before building {:.1} MB",
            hwm as f64 / 1024.0,
            (hwm.saturating_sub(rss0)) as f64 * 1024.0 / n,
            rss as f64 / 1024.0,
            rss0 as f64 / 1024.0
        );
    }
    println!("fingerprint {:016x}", sim.fingerprint());
    if m.complete == m.broadcasts && m.residue == 0.0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
