//! The paper's Figure 8, steered step by step with partitions and crashes: a leader that
//! commits an entry of an earlier term by counting replicas (the `figure8-commit` bug) sees it
//! overwritten by a later leader, and State Machine Safety catches it. Correct Raft, driven
//! the same way on the same seeds, never commits that entry early and stays safe.

use crate::common::*;
use kv::{Command, KvInput};
use raft::{Bug, Config, RaftNode, Role};
use sim_core::{Fault, NodeId, PartitionSpec, Simulation, Step, Time};

/// Steps until `pred` holds or `limit` passes; returns a violation if one stops the run.
fn step_until(
    sim: &mut Simulation<RaftNode>,
    limit: Time,
    mut pred: impl FnMut(&Simulation<RaftNode>) -> bool,
) -> Result<bool, String> {
    loop {
        if pred(sim) {
            return Ok(true);
        }
        if sim.next_event_time().is_none_or(|t| t > limit) {
            return Ok(false);
        }
        match sim.step().expect("within limits") {
            Step::Violated(v) => return Err(format!("{}: {}", v.checker, v.description)),
            Step::Idle => return Ok(false),
            Step::Event { .. } => {}
        }
    }
}

fn server(sim: &Simulation<RaftNode>, n: NodeId) -> Option<&raft::Server> {
    sim.node(n).and_then(RaftNode::server)
}

fn leader_among(sim: &Simulation<RaftNode>, among: &[NodeId]) -> Option<NodeId> {
    among
        .iter()
        .copied()
        .find(|&n| server(sim, n).is_some_and(|s| s.role() == Role::Leader))
}

fn cut_outbound(sim: &mut Simulation<RaftNode>, n: NodeId) {
    let to: Vec<NodeId> = (0..5).map(NodeId).filter(|&m| m != n).collect();
    let spec = PartitionSpec::OneWay { from: vec![n], to };
    sim.apply_now(Fault::Partition { spec })
        .expect("a valid partition");
}

/// Crashes `n` so that nothing it has sent arrives: its outbound links stay cut until its
/// messages in flight have been dropped, then everything heals.
fn silence(sim: &mut Simulation<RaftNode>, n: NodeId) -> Result<(), String> {
    cut_outbound(sim, n);
    sim.apply_now(Fault::Crash { node: n }).unwrap();
    let drained = sim.now() + sim_core::Duration::from_millis(20);
    run_to(sim, drained).map_or(Ok(()), Err)?;
    sim.apply_now(Fault::HealAll).unwrap();
    Ok(())
}

/// Drives one seed through the figure; returns the violation found, if any.
fn figure8(seed: u64, config: &Config) -> Result<(), String> {
    let mut sim = cluster_on(seed, 5, 0, config, network(2, 8, 0.0, 0.0));
    let all: Vec<NodeId> = (0..5).map(NodeId).collect();
    run_to(&mut sim, ms(1_000)).map_or(Ok(()), Err)?;
    // (a) Leader A replicates a new entry X at index i to B only.
    let a = the_leader(&sim);
    let b = NodeId((a.0 + 1) % 5);
    let others: Vec<NodeId> = all.iter().copied().filter(|&n| n != a && n != b).collect();
    let spec = PartitionSpec::OneWay {
        from: vec![a],
        to: others.clone(),
    };
    sim.apply_now(Fault::Partition { spec }).unwrap();
    let x = Command {
        client: 99,
        seq: 1,
        op: KvInput::Put {
            key: "x".into(),
            value: "from-a".into(),
        },
    };
    let mut index = 0;
    sim.input(a, "propose X", |n, ctx| {
        if let Some(s) = n.server_mut() {
            index = s.propose(x, ctx).unwrap_or(0);
        }
    })
    .unwrap();
    assert!(index > 0, "seed {seed}: A leads, so it takes the proposal");
    // (b) One of the others, E, wins a later term; its no-op at i reaches nobody.
    let limit = sim.now() + sim_core::Duration::from_secs(3);
    if !step_until(&mut sim, limit, |s| leader_among(s, &others).is_some())? {
        return Ok(());
    }
    let e = leader_among(&sim, &others).expect("just found");
    silence(&mut sim, e)?;
    // (c) A or B leads a newer term and replicates X; with the bug it commits X by counting
    // replicas before its own no-op is on a majority. Crash it at that instant.
    let limit = sim.now() + sim_core::Duration::from_secs(3);
    let early_commit = |s: &Simulation<RaftNode>| {
        all.iter().any(|&n| {
            server(s, n).is_some_and(|v| {
                v.role() == Role::Leader
                    && v.commit_index() == index
                    && v.log().last_index() > index
                    && v.log().term_at(index) != Some(v.term())
                    && v.log().get(index).is_some_and(
                        |en| matches!(&en.payload, raft::Payload::Command(c) if c.client == 99),
                    )
            })
        })
    };
    let found = step_until(&mut sim, limit, early_commit)?;
    if !found {
        // Correct Raft never gets here early: X commits only with an entry of the new term.
        let end = sim.now() + sim_core::Duration::from_secs(3);
        return run_to(&mut sim, end).map_or(Ok(()), Err);
    }
    let c = leader_among(&sim, &all).expect("the committing leader");
    silence(&mut sim, c)?;
    // (d) E comes back; its log ends in a later term than X's, so it can win and overwrite
    // the "committed" X.
    sim.apply_now(Fault::Restart { node: e }).unwrap();
    let end = sim.now() + sim_core::Duration::from_secs(5);
    run_to(&mut sim, end).map_or(Ok(()), Err)
}

/// One entry per AppendEntries and one in flight, so that a new leader's old entry reaches a
/// follower before its no-op does, as in the figure.
fn base() -> Config {
    Config {
        pre_vote: false,
        check_quorum: false,
        max_batch: 1,
        max_inflight: 1,
        ..Config::default()
    }
}

#[test]
fn figure8_commit_is_caught_and_correct_raft_is_safe_on_the_same_seeds() {
    let buggy = Config {
        bugs: vec![Bug::Figure8Commit],
        ..base()
    };
    let seeds = 0..50;
    let caught: Vec<u64> = seeds
        .clone()
        .filter(|&s| {
            matches!(figure8(s, &buggy), Err(v) if v.starts_with("State Machine Safety") || v.starts_with("Leader Completeness"))
        })
        .collect();
    assert!(!caught.is_empty(), "the bug was never caught");
    for s in seeds {
        assert_eq!(figure8(s, &base()), Ok(()), "correct Raft, seed {s}");
    }
}
