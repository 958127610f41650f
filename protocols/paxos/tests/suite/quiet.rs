//! What Multi-Paxos promises of a quiet cluster (no faults, no loss): bounds that break
//! no safety property when they fail, only the cluster's efficiency: one election, no
//! refusals, no catch-up, a few messages per command, and metrics that add up.

use crate::common::*;
use paxos::metrics;

#[test]
fn a_quiet_cluster_elects_once_refuses_nothing_and_never_needs_to_catch_up() {
    for seed in 0..10 {
        let mut sim = three_servers(seed, 2);
        sim.count_sent_kinds();
        assert_eq!(run(&mut sim, ms(3_000)), None, "seed {seed}");
        let elections: u64 = sim
            .nodes()
            .live()
            .filter_map(|(_, n)| n.server())
            .map(|s| s.elections())
            .sum();
        assert_eq!(elections, 1, "seed {seed}: one election");
        let sent = |kind: &str| {
            sim.sent_by_kind()
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(0, |(_, n)| *n)
        };
        assert_eq!(sent("Nack"), 0, "seed {seed}: refusals");
        assert_eq!(sent("CatchUp"), 0, "seed {seed}: catch-up requests");
        assert!(sent("Prepare") <= 3, "seed {seed}: one phase 1");
        assert!(sent("Accept") > 0, "seed {seed}: the counts are on");
        let m = metrics(&sim);
        assert!(
            m.clients.completed > 100,
            "seed {seed}: {} completed",
            m.clients.completed
        );
        assert_eq!(
            m.messages_per_command,
            m.messages as f64 / m.clients.completed as f64,
            "seed {seed}"
        );
        // A request, its reply, an accept and an acceptance per follower, and the
        // heartbeats: at most 8 messages per command at this load.
        assert!(
            m.messages_per_command < 8.0,
            "seed {seed}: {}",
            m.messages_per_command
        );
        assert_eq!(m.leader_changes, 0);
        assert_eq!(
            m.recovery_ms, None,
            "seed {seed}: no leader change to recover from"
        );
    }
}
