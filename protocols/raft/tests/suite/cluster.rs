//! Whole-cluster tests: each runs at least 50 seeds and checks every invariant throughout,
//! then linearizability of the client history.

use crate::common::*;
use raft::cluster::change_membership;
use raft::{Change, Config, Role, leader};
use sim_core::{Fault, NodeId, PartitionSpec};

const SEEDS: u64 = 50;

#[test]
fn a_healthy_cluster_elects_one_leader_and_serves_clients() {
    for seed in 0..SEEDS {
        let mut sim = cluster(seed, 5, 3, &Config::default());
        run_ok(&mut sim, ms(3_000));
        the_leader(&sim);
        assert!(
            completed(&sim) > 100,
            "seed {seed}: {} answers",
            completed(&sim)
        );
        assert_linearizable(&sim);
    }
}

#[test]
fn no_leader_without_a_majority_and_one_as_soon_as_a_majority_is_back() {
    for seed in 0..SEEDS {
        let mut sim = cluster(seed, 5, 0, &Config::default());
        for n in 0..3 {
            crash(&mut sim, NodeId(n));
        }
        run_ok(&mut sim, ms(2_000));
        assert_eq!(
            leader(&sim),
            None,
            "seed {seed}: two servers elected a leader"
        );
        restart(&mut sim, NodeId(0));
        run_ok(&mut sim, ms(4_000));
        let l = the_leader(&sim);
        assert!(
            ![NodeId(1), NodeId(2)].contains(&l),
            "seed {seed}: a crashed node leads"
        );
    }
}

#[test]
fn a_new_leader_is_elected_after_the_leader_crashes() {
    for seed in 0..SEEDS {
        let mut sim = cluster(seed, 5, 2, &Config::default());
        run_ok(&mut sim, ms(1_500));
        let old = the_leader(&sim);
        let before = completed(&sim);
        crash(&mut sim, old);
        run_ok(&mut sim, ms(3_500));
        let new = the_leader(&sim);
        assert_ne!(new, old, "seed {seed}");
        assert!(
            completed(&sim) > before + 20,
            "seed {seed}: no progress after failover"
        );
        restart(&mut sim, old);
        run_ok(&mut sim, ms(5_000));
        assert_linearizable(&sim);
    }
}

#[test]
fn a_partitioned_leader_steps_down_and_rejoins_as_a_follower() {
    for seed in 0..SEEDS {
        let mut sim = cluster(seed, 5, 3, &Config::default());
        run_ok(&mut sim, ms(1_500));
        let old = the_leader(&sim);
        sim.apply_now(Fault::Partition {
            spec: PartitionSpec::Isolate(old),
        })
        .unwrap();
        run_ok(&mut sim, ms(3_500));
        let new = the_leader(&sim);
        assert_ne!(new, old, "seed {seed}");
        let old_role = sim.node(old).and_then(|n| n.server()).map(|s| s.role());
        assert_ne!(
            old_role,
            Some(Role::Leader),
            "seed {seed}: CheckQuorum keeps no lone leader"
        );
        sim.apply_now(Fault::HealAll).unwrap();
        run_ok(&mut sim, ms(5_500));
        let s = sim.node(old).and_then(|n| n.server()).unwrap();
        let l = sim.node(the_leader(&sim)).and_then(|n| n.server()).unwrap();
        assert_eq!(
            s.term(),
            l.term(),
            "seed {seed}: the old leader caught up to the term"
        );
        assert!(s.commit_index() + 50 >= l.commit_index(), "seed {seed}");
        assert_linearizable(&sim);
    }
}

/// A follower that misses a long stretch catches up entry by entry when the leader still has
/// the entries, and by InstallSnapshot when the leader compacted them.
#[test]
fn a_far_behind_follower_catches_up_with_and_without_snapshots() {
    for (threshold, expect_snapshot) in [(0, false), (50, true)] {
        for seed in 0..SEEDS {
            let config = Config {
                snapshot_threshold: threshold,
                ..Config::default()
            };
            let mut sim = cluster(seed, 3, 3, &config);
            sim.set_trace_sink(sim_core::TraceSink::Memory(Vec::new()));
            run_ok(&mut sim, ms(1_000));
            let leader = the_leader(&sim);
            let lagger = NodeId((leader.0 + 1) % 3);
            crash(&mut sim, lagger);
            run_ok(&mut sim, ms(4_000));
            restart(&mut sim, lagger);
            run_ok(&mut sim, ms(6_000));
            let l = sim.node(the_leader(&sim)).and_then(|n| n.server()).unwrap();
            let f = sim.node(lagger).and_then(|n| n.server()).unwrap();
            assert!(
                l.commit_index() > 200,
                "seed {seed}: too little to catch up on ({})",
                l.commit_index()
            );
            assert!(
                f.applied_index() + 30 >= l.commit_index(),
                "seed {seed}: follower at {} of {}",
                f.applied_index(),
                l.commit_index()
            );
            let snapshots_sent = sim
                .trace()
                .records()
                .iter()
                .filter(|r| {
                    matches!(&r.event, sim_core::TraceEvent::Send { to, kind, .. }
                        if *to == lagger && kind == "InstallSnapshot")
                })
                .count();
            assert_eq!(snapshots_sent > 0, expect_snapshot, "seed {seed}");
            assert_linearizable(&sim);
        }
    }
}

#[test]
fn every_server_restarts_and_the_cluster_recovers_its_state_from_disk() {
    for seed in 0..SEEDS {
        let config = Config {
            snapshot_threshold: 50,
            ..Config::default()
        };
        let mut sim = cluster(seed, 5, 2, &config);
        run_ok(&mut sim, ms(1_500));
        let committed = sim
            .node(the_leader(&sim))
            .and_then(|n| n.server())
            .unwrap()
            .commit_index();
        for n in 0..5 {
            crash(&mut sim, NodeId(n));
        }
        for n in 0..5 {
            restart(&mut sim, NodeId(n));
        }
        run_ok(&mut sim, ms(4_000));
        let l = sim.node(the_leader(&sim)).and_then(|n| n.server()).unwrap();
        assert!(
            l.commit_index() > committed,
            "seed {seed}: nothing committed after restart"
        );
        assert_linearizable(&sim);
    }
}

#[test]
fn churn_under_loss_duplication_and_reordering_stays_safe_and_live() {
    for seed in 0..SEEDS {
        let mut sim = cluster_on(seed, 5, 3, &Config::default(), network(1, 40, 0.05, 0.05));
        for round in 0..6u64 {
            let t = 1_000 + round * 1_000;
            run_ok(&mut sim, ms(t));
            let victim = match leader(&sim) {
                Some(l) if round % 2 == 0 => l,
                _ => NodeId(sim.workload_rng().below(5) as u32),
            };
            crash(&mut sim, victim);
            run_ok(&mut sim, ms(t + 300));
            restart(&mut sim, victim);
        }
        run_ok(&mut sim, ms(10_000));
        the_leader(&sim);
        assert!(completed(&sim) > 100, "seed {seed}");
        assert_linearizable(&sim);
    }
}

#[test]
fn membership_changes_under_faults() {
    for seed in 0..SEEDS {
        // Servers 0-2 form the cluster; 3 and 4 start outside it.
        let mut nodes = raft::cluster(&Config::default(), 5, &workload(2));
        for n in nodes.iter_mut().take(5) {
            n.role = raft::NodeRole::Server {
                bootstrap: vec![NodeId(0), NodeId(1), NodeId(2)],
            };
        }
        let cfg = sim_core::SimConfig {
            seed,
            network: network(1, 20, 0.02, 0.02),
            ..sim_core::SimConfig::default()
        };
        let mut sim = sim_core::Simulation::new(cfg, nodes).unwrap();
        raft::add_checkers(&mut sim);
        let mut t = 800;
        for change in [
            Change::Add(NodeId(3)),
            Change::Add(NodeId(4)),
            Change::Remove(NodeId(0)),
            Change::Remove(NodeId(1)),
        ] {
            // Retry until the change is accepted (a leader must exist and have committed its
            // term's entry and the previous change).
            loop {
                run_ok(&mut sim, ms(t));
                t += 100;
                if change_membership(&mut sim, change).is_ok() {
                    break;
                }
                assert!(t < 20_000, "seed {seed}: {change:?} never accepted");
            }
            // A fault between changes: crash whoever leads, bring it back shortly after.
            run_ok(&mut sim, ms(t + 300));
            if let Some(l) = leader(&sim) {
                crash(&mut sim, l);
                run_ok(&mut sim, ms(t + 600));
                restart(&mut sim, l);
            }
            t += 700;
        }
        run_ok(&mut sim, ms(t + 3_000));
        let l = sim.node(the_leader(&sim)).and_then(|n| n.server()).unwrap();
        assert_eq!(
            l.members(),
            &[NodeId(2), NodeId(3), NodeId(4)],
            "seed {seed}"
        );
        assert_linearizable(&sim);
    }
}

/// The leader's gathering of commands (`batch_delay`): the same 40 clients cost fewer
/// messages per answered command (too many clients for the linearizability check's budget),
/// and with 3 clients the history stays linearizable through crashes of the leader, which
/// drop what it had gathered, on a lossy, duplicating network.
#[test]
fn gathered_commands_cost_fewer_messages_and_survive_leader_crashes() {
    let gathering = Config {
        batch_delay: sim_core::Duration::from_millis(5),
        ..Config::default()
    };
    let cost = |config: &Config| {
        let mut sim = cluster(7, 5, 40, config);
        run_ok(&mut sim, ms(4_000));
        (
            sim.stats().sent as f64 / completed(&sim) as f64,
            completed(&sim),
        )
    };
    let (each, answered_each) = cost(&Config::default());
    let (gathered, answered_gathered) = cost(&gathering);
    assert!(
        gathered < 0.7 * each,
        "{gathered:.2} messages per command gathered, {each:.2} one by one"
    );
    assert!(
        answered_gathered * 2 > answered_each,
        "{answered_gathered} against {answered_each}"
    );
    for seed in 0..20 {
        let mut sim = cluster_on(seed, 5, 3, &gathering, network(1, 40, 0.05, 0.05));
        for round in 0..4u64 {
            let t = 1_000 + round * 1_000;
            run_ok(&mut sim, ms(t));
            let victim = leader(&sim).unwrap_or(NodeId(round as u32));
            crash(&mut sim, victim);
            run_ok(&mut sim, ms(t + 300));
            restart(&mut sim, victim);
        }
        run_ok(&mut sim, ms(8_000));
        the_leader(&sim);
        assert!(completed(&sim) > 50, "seed {seed}: {}", completed(&sim));
        assert_linearizable(&sim);
    }
}

/// Both copies of a server's term and vote are lost right after it voted for a candidate that
/// nobody else has heard of yet (cut off with it, then alone). Asking a majority of the others
/// would settle at the old term and let the server vote a second time in the candidate's term.
/// It abstains instead until every other server, the candidate included, has answered, and
/// then counts the candidate's term as voted in.
#[test]
fn a_lost_vote_is_settled_only_once_every_other_server_has_answered() {
    use raft::Role;
    use sim_core::{PartitionSpec, RecordAim, StorageFault};
    let config = Config {
        pre_vote: false,
        check_quorum: false,
        ..Config::default()
    };
    let mut sim = cluster(3, 5, 0, &config);
    run_ok(&mut sim, ms(1_000));
    let old = the_leader(&sim);
    let others: Vec<NodeId> = (0..5).map(NodeId).filter(|&n| n != old).collect();
    let (candidate, voter) = (others[0], others[1]);
    let server = |sim: &sim_core::Simulation<raft::RaftNode>, n: NodeId| {
        sim.node(n).and_then(|x| x.server()).cloned().unwrap()
    };
    let before = server(&sim, voter).term();
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Groups(vec![vec![candidate, voter]]),
    })
    .unwrap();
    // The candidate times out and asks the voter, who grants it.
    let mut t = 1_000;
    while server(&sim, voter).voted_for() != Some(candidate) || server(&sim, voter).term() <= before
    {
        t += 5;
        assert!(t < 3_000, "the voter never voted for the candidate");
        run_ok(&mut sim, ms(t));
    }
    let voted_term = server(&sim, voter).term();
    assert_eq!(server(&sim, candidate).role(), Role::Candidate);
    for name in ["meta", "meta-copy"] {
        sim.apply_now(Fault::Storage {
            node: voter,
            storage: StorageFault::Corrupt {
                aim: RecordAim {
                    name: Some(name.into()),
                    index: Some(0),
                    draw: 0,
                },
                noise: 9,
            },
        })
        .unwrap();
    }
    crash(&mut sim, voter);
    sim.apply_now(Fault::HealAll).unwrap();
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(candidate),
    })
    .unwrap();
    restart(&mut sim, voter);
    run_ok(&mut sim, ms(t + 2_000));
    let v = server(&sim, voter);
    assert_eq!(
        v.recovering(),
        Some("lost its vote"),
        "settled without the candidate"
    );
    assert!(v.term() < voted_term, "{} >= {voted_term}", v.term());
    sim.apply_now(Fault::HealAll).unwrap();
    run_ok(&mut sim, ms(t + 4_000));
    let v = server(&sim, voter);
    assert_eq!(v.recovering(), None);
    assert!(v.term() >= voted_term, "{} < {voted_term}", v.term());
}
