//! What a Raft run reports, checked against the run's own counters and its record of
//! elections.

use crate::common::*;
use raft::metrics::{election_time_after, elections};
use raft::{Config, metrics};

#[test]
fn a_quiet_run_reports_one_election_and_its_cost_per_command() {
    let mut sim = cluster(1, 3, 2, &Config::default());
    run_ok(&mut sim, ms(2_000));
    let m = metrics(&sim);
    assert_eq!(m.elections, 1);
    assert_eq!(elections(&sim).len(), 1);
    assert_eq!(m.recovery_ms, None, "no leader was replaced");
    let done = m.clients.completed;
    assert!(done > 10, "{done} operations answered");
    let stats = sim.stats();
    assert_eq!(m.messages_per_command, stats.sent as f64 / done as f64);
    assert_eq!(m.bytes_per_command, stats.bytes_sent as f64 / done as f64);
}

#[test]
fn replaced_leaders_are_timed_from_the_crash_to_the_next_election() {
    let mut sim = cluster(2, 5, 2, &Config::default());
    run_ok(&mut sim, ms(1_000));
    assert_eq!(elections(&sim).len(), 1);
    let mut crashes = Vec::new();
    for until in [2_500, 4_000] {
        crashes.push(sim.now());
        let leader = the_leader(&sim);
        crash(&mut sim, leader);
        run_ok(&mut sim, ms(until));
    }
    let all = elections(&sim);
    assert!(all.len() >= 3, "two leaders replaced: {all:?}");
    for crash_at in crashes {
        let next = all
            .iter()
            .map(|e| e.at)
            .filter(|&at| at >= crash_at)
            .min()
            .expect("a leader after each crash");
        assert!(next > crash_at);
        assert_eq!(election_time_after(&sim, crash_at), Some(next - crash_at));
    }
    assert_eq!(
        election_time_after(&sim, sim.now()),
        None,
        "no election since"
    );
    let m = metrics(&sim);
    assert_eq!(m.elections, all.len() as u64);
    let silence = m.recovery_ms.expect("leaders were replaced");
    assert!(
        silence > 0.0,
        "the service paused while a leader was missing"
    );
}
