//! Demers et al.'s rumor-mongering tables for 1000 sites: feedback/counter and blind/coin,
//! k = 1..5, each averaged over many seeds; printed next to the paper's figures and written as
//! CSV.
//!
//! `cargo run --release -p broadcast --example demers -- [--seeds 100] [--out demers.csv]
//! [--sites 1000] [--jobs 1] [--asynchronous]`
//!
//! `--asynchronous` counts unnecessary pushes in total and takes "knew" to mean "knew on
//! arrival", instead of the synchronous reading that reproduces the paper (see
//! `broadcast::repro::demers`).

use broadcast::repro::demers::{Setup, csv, sweep, table};
use std::process::ExitCode;

struct Args {
    seeds: u64,
    sites: u32,
    jobs: usize,
    out: Option<String>,
    asynchronous: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seeds: 100,
        sites: 1000,
        jobs: 1,
        out: None,
        asynchronous: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--seeds" => args.seeds = number(&value("--seeds")?, "--seeds")?,
            "--sites" => args.sites = number(&value("--sites")?, "--sites")?,
            "--jobs" => args.jobs = number(&value("--jobs")?, "--jobs")?,
            "--out" => args.out = Some(value("--out")?),
            "--asynchronous" => args.asynchronous = true,
            "-h" | "--help" => {
                println!(
                    "usage: demers [--seeds N] [--sites N] [--jobs N] [--out FILE.csv] [--asynchronous]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    if args.seeds == 0 || args.sites < 2 {
        return Err("--seeds must be at least 1 and --sites at least 2".into());
    }
    Ok(args)
}

fn number<T: std::str::FromStr>(v: &str, name: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{name}: expected an unsigned integer, got {v:?}"))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let setup = Setup {
        sites: args.sites,
        synchronous: !args.asynchronous,
        ..Setup::default()
    };
    println!(
        "push rumor mongering on {} sites, one update from n0, seeds 0..{}; cycle = {}, latency {}; {} reading",
        setup.sites,
        args.seeds,
        setup.period,
        setup.latency,
        if setup.synchronous {
            "synchronous"
        } else {
            "asynchronous"
        }
    );
    let rows = match sweep(&setup, &[1, 2, 3, 4, 5], args.seeds, args.jobs) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    print!("{}", table(&rows));
    if let Some(path) = args.out {
        if let Err(e) = std::fs::write(&path, csv(&rows)) {
            eprintln!("error: {path}: {e}");
            return ExitCode::from(1);
        }
        println!("written to {path}");
    }
    ExitCode::SUCCESS
}
