//! Each known bug is caught by a checker on some seed of a scenario that provokes it, and the
//! correct protocol passes the very same seeds.

use crate::common::*;
use paxos::{Bug, Config, PaxosNode, leader};
use sim_core::history::{Budget, Verdict};
use sim_core::{Duration, Fault, Simulation, Violation};

const SEEDS: u64 = 200;

/// Servers crash and restart in turn under load: what an acceptor that does not sync loses.
fn rolling_restarts(seed: u64, config: &Config) -> Simulation<PaxosNode> {
    let sim = build(seed, config, 5, &workload(4), network(0.0, 0.0), &[]);
    with_restarts(sim, seed)
}

/// Schedules the crashes and restarts of [`rolling_restarts`].
fn with_restarts(mut sim: Simulation<PaxosNode>, seed: u64) -> Simulation<PaxosNode> {
    let mut t = 400;
    while t < 2_500 {
        let victim = n(((t / 200 + seed) % 5) as u32);
        sim.schedule(ms(t), Fault::Crash { node: victim }).unwrap();
        sim.schedule(ms(t + 100), Fault::Restart { node: victim })
            .unwrap();
        t += 200;
    }
    sim
}

/// The leader crashes every 400 ms under load, with slots in flight: a new leader must adopt
/// what the old one got accepted.
fn leader_crashes(seed: u64, config: &Config) -> (Simulation<PaxosNode>, Option<Violation>) {
    let mut sim = build(seed, config, 5, &workload(4), network(0.0, 0.0), &[]);
    let mut t = 500 + seed % 100;
    while t < 3_000 {
        if let Some(v) = run(&mut sim, ms(t)) {
            return (sim, Some(v));
        }
        if let Some(l) = leader(&sim) {
            if let Some(v) = sim.apply_now(Fault::Crash { node: l }).unwrap() {
                return (sim, Some(v));
            }
            sim.schedule(ms(t + 250), Fault::Restart { node: l })
                .unwrap();
        }
        t += 400;
    }
    (sim, None)
}

/// Followers with timeouts close to the network delay compete to lead all the time.
fn dueling(seed: u64, config: &Config) -> Simulation<PaxosNode> {
    let config = Config {
        heartbeat: Duration::from_millis(5),
        leader_timeout: "10ms..12ms".parse().unwrap(),
        backoff: "1ms..30ms".parse().unwrap(),
        ..config.clone()
    };
    build(seed, &config, 5, &workload(4), network(0.05, 0.0), &[])
}

fn with_bug(bug: Bug) -> Config {
    Config {
        bugs: vec![bug],
        ..Config::default()
    }
}

/// Runs `scenario` on seeds `0..SEEDS` with `bug` on; returns the seeds whose violation came
/// from `checker` (the history counts as the checker "linearizability").
fn hunt(
    bug: Bug,
    checker: &str,
    scenario: impl Fn(u64, &Config) -> (Simulation<PaxosNode>, Option<Violation>),
) -> Vec<u64> {
    let config = with_bug(bug);
    (0..SEEDS)
        .filter(|&seed| {
            let (sim, v) = scenario(seed, &config);
            let name = match v {
                Some(v) => v.checker,
                None => {
                    let report = paxos::check_history(&sim, &Budget::default()).unwrap();
                    if report.verdict == Verdict::NotLinearizable {
                        "linearizability".to_string()
                    } else {
                        return false;
                    }
                }
            };
            name == checker
        })
        .collect()
}

/// The correct protocol passes every seed the bug was caught on.
fn correct_passes(
    seeds: &[u64],
    scenario: impl Fn(u64, &Config) -> (Simulation<PaxosNode>, Option<Violation>),
) {
    for &seed in seeds {
        let (sim, v) = scenario(seed, &Config::default());
        assert_eq!(v, None, "seed {seed}: the correct protocol broke");
        let report = paxos::check_history(&sim, &Budget::default()).unwrap();
        assert_eq!(report.verdict, Verdict::Linearizable, "seed {seed}");
    }
}

fn run_to(
    mut sim: Simulation<PaxosNode>,
    until: u64,
) -> (Simulation<PaxosNode>, Option<Violation>) {
    let v = run(&mut sim, ms(until));
    (sim, v)
}

#[test]
fn forget_promise_is_caught_by_the_engines_durability_check_on_every_seed() {
    let scenario = |seed, c: &Config| run_to(rolling_restarts(seed, c), 3_000);
    let caught = hunt(Bug::ForgetPromise, sim_core::DURABILITY, scenario);
    assert_eq!(caught.len(), SEEDS as usize, "seeds caught: {caught:?}");
    correct_passes(&caught, scenario);
}

#[test]
fn forget_promise_is_caught_by_the_promise_checker() {
    // With the durability check off, the forgotten promise itself shows after a restart.
    let scenario = |seed, c: &Config| {
        let mut sim = rolling_restarts(seed, c);
        sim.set_durability_check(false);
        run_to(sim, 3_000)
    };
    let caught = hunt(Bug::ForgetPromise, "promises never decrease", scenario);
    assert!(!caught.is_empty(), "no seed caught the forgotten promise");
    correct_passes(&caught, scenario);
}

#[test]
fn ignore_accepted_is_caught_by_agreement() {
    let caught = hunt(Bug::IgnoreAccepted, "agreement", leader_crashes);
    assert!(!caught.is_empty(), "no seed caught the ignored promises");
    correct_passes(&caught, leader_crashes);
}

#[test]
fn non_unique_ballots_are_caught_by_agreement() {
    let scenario = |seed, c: &Config| run_to(dueling(seed, c), 2_000);
    let caught = hunt(Bug::NonUniqueBallots, "agreement", scenario);
    assert!(
        !caught.is_empty(),
        "no seed caught two proposers sharing a ballot"
    );
    correct_passes(&caught, scenario);
}

#[test]
fn a_forgotten_promise_lets_two_values_be_chosen() {
    // Without the promise checker, the damage itself shows on a few seeds: an acceptor that
    // forgot its promise (and what it accepted) joins a quorum it should have refused, and a
    // second value is chosen in a slot.
    let scenario = |seed: u64, c: &Config| {
        let sim = Simulation::new(
            sim_core::SimConfig {
                seed,
                network: network(0.0, 0.0),
                ..sim_core::SimConfig::default()
            },
            paxos::cluster(c, 5, &workload(4)),
        )
        .unwrap();
        let mut sim = with_restarts(sim, seed);
        sim.add_checker(paxos::checkers::Agreement::default());
        sim.set_durability_check(false);
        run_to(sim, 3_000)
    };
    let caught = hunt(Bug::ForgetPromise, "agreement", scenario);
    assert!(!caught.is_empty(), "no seed chose two values");
    correct_passes(&caught, scenario);
}
