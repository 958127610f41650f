//! The efficient broadcast: 25 nodes, 100 ms one-way latency, 100 broadcasts per second for 20
//! virtual seconds, random half/half partitions healed before the end. Prints the figures and
//! whether the targets are met (every broadcast everywhere, < 20 messages per broadcast,
//! median latency < 1 s, maximum < 2 s); exits 1 if not.
//!
//! `cargo run --release -p broadcast --example efficient -- [--seeds 10] [--first-seed 0]
//! [--cut-ms 1000] [--batch-ms 120] [--repair-ms 250] [--no-nemesis]`

use broadcast::repro::efficient::{Setup, run};
use sim_core::Duration;
use std::process::ExitCode;

struct Args {
    seeds: u64,
    first: u64,
    cut_ms: Option<u64>,
    batch_ms: Option<u64>,
    repair_ms: Option<u64>,
    nemesis: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seeds: 10,
        first: 0,
        cut_ms: None,
        batch_ms: None,
        repair_ms: None,
        nemesis: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let num = |v: String, name: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: expected an unsigned integer, got {v:?}"))
        };
        match a.as_str() {
            "--seeds" => args.seeds = num(value("--seeds")?, "--seeds")?,
            "--first-seed" => args.first = num(value("--first-seed")?, "--first-seed")?,
            "--cut-ms" => args.cut_ms = Some(num(value("--cut-ms")?, "--cut-ms")?),
            "--batch-ms" => args.batch_ms = Some(num(value("--batch-ms")?, "--batch-ms")?),
            "--repair-ms" => args.repair_ms = Some(num(value("--repair-ms")?, "--repair-ms")?),
            "--no-nemesis" => args.nemesis = false,
            "-h" | "--help" => {
                println!(
                    "usage: efficient [--seeds N] [--first-seed N] [--cut-ms MS] [--batch-ms MS] \
                     [--repair-ms MS] [--no-nemesis]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(args)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_millis_f64())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut setup = Setup::default();
    if let Some(c) = args.cut_ms {
        setup.nemesis.length = Duration::from_millis(c);
    }
    if let Some(b) = args.batch_ms {
        setup.batch = Duration::from_millis(b);
    }
    if let Some(r) = args.repair_ms {
        setup.repair = Duration::from_millis(r).max(Duration(1));
    }
    if !args.nemesis {
        setup.nemesis.first = None;
    }
    println!(
        "efficient broadcast: {} nodes, {} latency, {} broadcasts/s for {}; batch {}, repair every {}",
        setup.nodes, setup.latency, setup.rate, setup.duration, setup.batch, setup.repair
    );
    match setup.nemesis.first {
        Some(first) => println!(
            "nemesis: random halves cut for {} every {} from {}, healed by {}",
            setup.nemesis.length, setup.nemesis.every, first, setup.nemesis.heal_by
        ),
        None => println!("nemesis: none"),
    }
    println!(
        "\n{:>5} {:>6} {:>9} {:>8} {:>8} {:>8} {:>10} {:>10}  {:<8} fingerprint",
        "seed", "bcasts", "msgs/bc", "median", "p99", "max", "all-median", "all-max", "targets"
    );
    let mut all_ok = true;
    let (mut worst_mpb, mut worst_median, mut worst_max) = (0f64, Duration::ZERO, Duration::ZERO);
    for seed in args.first..args.first + args.seeds {
        let r = match run(&setup, seed) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("seed {seed}: {e}");
                return ExitCode::from(1);
            }
        };
        let m = &r.metrics;
        let ok = r.meets_targets();
        all_ok &= ok;
        worst_mpb = worst_mpb.max(m.messages_per_broadcast);
        worst_median = worst_median.max(m.latency_median);
        worst_max = worst_max.max(m.latency_max);
        println!(
            "{:>5} {:>6} {:>9.2} {:>8} {:>8} {:>8} {:>10} {:>10}  {:<8} {:016x}",
            seed,
            m.broadcasts,
            m.messages_per_broadcast,
            ms(m.latency_median),
            ms(m.latency_p99),
            ms(m.latency_max),
            ms(m.convergence_median),
            ms(m.convergence_max),
            if ok { "met" } else { "MISSED" },
            r.fingerprint
        );
        if let Some(d) = &r.disagreement {
            println!("       not delivered everywhere: {d}");
        }
    }
    println!(
        "\nworst over the seeds: {worst_mpb:.2} messages per broadcast, median latency {}, max latency {}",
        ms(worst_median),
        ms(worst_max)
    );
    println!("(latency: broadcast to each delivery; all-*: broadcast until every node has it)");
    if all_ok {
        println!("targets met on every seed");
        ExitCode::SUCCESS
    } else {
        println!("targets MISSED on some seed");
        ExitCode::from(1)
    }
}
