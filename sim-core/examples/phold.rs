//! PHOLD at any size, for what the criterion bench cannot show: the rate and the peak memory
//! per node of a million-node run. One process runs one loop, so its peak resident memory
//! (VmHWM) is that loop's alone.
//!
//! `cargo run --release -p sim-core --example phold -- [--nodes N] [--per-node J]
//! [--deliveries D] [--loop engine|bare-chacha8]`
//!
//! Defaults: 1,000,000 nodes, one message each, 4,000,000 deliveries, the engine.

#[path = "../benches/support/phold.rs"]
mod phold;

use phold::{BareChaCha8, phold_sim};
use std::process::ExitCode;

/// Nanoseconds this thread has spent on a core (Linux), the clock the targets are stated in.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Peak resident memory of this process in kB (VmHWM), where /proc says.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Which loop runs the deliveries.
#[derive(Clone, Copy, PartialEq)]
enum Loop {
    Engine,
    BareChaCha8,
}

struct Args {
    nodes: u32,
    per_node: u32,
    deliveries: u64,
    which: Loop,
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        nodes: 1_000_000,
        per_node: 1,
        deliveries: 4_000_000,
        which: Loop::Engine,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{flag}: expected a whole number, got {value:?}"))
        };
        let small = |n: u64| {
            u32::try_from(n)
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{flag}: expected 1 to {}, got {n}", u32::MAX))
        };
        match flag.as_str() {
            "--nodes" => args.nodes = small(number()?)?,
            "--per-node" => args.per_node = small(number()?)?,
            "--deliveries" => args.deliveries = number()?,
            "--loop" => {
                args.which = match value.as_str() {
                    "engine" => Loop::Engine,
                    "bare-chacha8" => Loop::BareChaCha8,
                    other => {
                        return Err(format!(
                            "--loop: expected engine or bare-chacha8, got {other:?}"
                        ));
                    }
                }
            }
            other => {
                return Err(format!(
                    "unknown option {other:?}; expected --nodes, --per-node, --deliveries or --loop"
                ));
            }
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("phold: {e}");
            return ExitCode::from(2);
        }
    };
    let (label, cpu_ns, detail) = match args.which {
        Loop::Engine => {
            let mut sim = phold_sim(args.nodes, args.per_node);
            let start = thread_cpu_ns();
            for _ in 0..args.deliveries {
                if let Err(e) = sim.step() {
                    eprintln!("phold: {e}");
                    return ExitCode::FAILURE;
                }
            }
            let cpu = thread_cpu_ns().zip(start).map(|(e, s)| e - s);
            let detail = format!("fingerprint: {:#018x}", sim.fingerprint());
            ("engine", cpu, detail)
        }
        Loop::BareChaCha8 => {
            let mut bare = BareChaCha8::new(args.nodes, args.per_node);
            let start = thread_cpu_ns();
            let mut sum = 0u64;
            for _ in 0..args.deliveries {
                sum = sum.wrapping_add(u64::from(bare.step()));
            }
            let cpu = thread_cpu_ns().zip(start).map(|(e, s)| e - s);
            ("bare-chacha8", cpu, format!("checksum: {sum}"))
        }
    };
    println!(
        "loop: {label}\nnodes: {}\nmessages per node: {}\ndeliveries: {}",
        args.nodes, args.per_node, args.deliveries
    );
    match cpu_ns {
        Some(ns) => println!(
            "cpu seconds: {:.3}\ndeliveries per cpu-second: {:.0}",
            ns as f64 / 1e9,
            args.deliveries as f64 / (ns as f64 / 1e9)
        ),
        None => println!("cpu seconds: not reported by this system"),
    }
    match peak_kb() {
        Some(kb) => println!(
            "peak resident memory: {kb} kB ({:.0} bytes per node)",
            kb as f64 * 1024.0 / f64::from(args.nodes)
        ),
        None => println!("peak resident memory: not reported by this system"),
    }
    println!("{detail}");
    ExitCode::SUCCESS
}
