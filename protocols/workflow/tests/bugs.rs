//! Each known bug, switched on, is caught by its named check; the same run without it is
//! clean. The runs are Montage on eight agents with a Raft-replicated engine.

mod common;

use common::{montage, secs};
use sim_core::{Duration, Fault, NodeId, Outcome, PartitionSpec, SimConfig, Simulation, Time};
use workflow::{Bug, Deployment, Params, Sharing, WorkflowNode};

fn cluster(seed: u64, bugs: Vec<Bug>) -> Simulation<WorkflowNode> {
    let params = Params {
        agents: 8,
        slots: 2,
        coordinators: 3,
        deployment: Deployment::Raft,
        sharing: Sharing::Direct,
        bugs,
        ..Params::default()
    };
    let config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    workflow::build(config, &params, montage()).expect("a valid cluster")
}

/// Runs to `t`; the violation's checker and description, if any.
fn run(sim: &mut Simulation<WorkflowNode>, t: Time) -> Option<(String, String)> {
    match sim.run_until(t).expect("the run stays within its limits") {
        Outcome::Reached => None,
        Outcome::Violated(v) => Some((v.checker.to_string(), v.description)),
    }
}

/// Cuts agent n7 off from everyone at 4s while it runs a long task; it is declared dead, its
/// task runs again elsewhere, it finishes in the dark, and the partition heals at 25s.
fn partition_an_agent(sim: &mut Simulation<WorkflowNode>) -> Option<(String, String)> {
    if let Some(v) = run(sim, secs(4)) {
        return Some(v);
    }
    let spec = PartitionSpec::Isolate(NodeId(7));
    sim.apply_now(Fault::Partition { spec })
        .expect("a partition");
    if let Some(v) = run(sim, secs(25)) {
        return Some(v);
    }
    sim.apply_now(Fault::HealAll).expect("heal");
    run(sim, secs(600))
}

#[test]
fn no_fencing_commits_a_superseded_attempt_s_result() {
    let mut buggy = cluster(1, vec![Bug::NoFencing]);
    let (checker, what) = partition_an_agent(&mut buggy).expect("the bug is caught");
    // The stale result either lands first (it is not the committed assignment's) or second
    // (the task then has two results).
    assert!(
        ["Runs As Assigned", "One Result"].contains(&checker.as_str()),
        "{checker}: {what}"
    );
    let mut sound = cluster(1, Vec::new());
    assert_eq!(partition_an_agent(&mut sound), None);
    assert_eq!(workflow::done(&sound) as usize, montage().len());
}

#[test]
fn ignore_dependencies_starts_a_task_without_its_inputs() {
    let mut buggy = cluster(2, vec![Bug::IgnoreDependencies]);
    let (checker, what) = run(&mut buggy, secs(600)).expect("the bug is caught");
    assert_eq!(checker, "Inputs Present", "{what}");
    assert!(what.contains("inputs missing"), "{what}");
}

/// Cuts the leader off from the other coordinators (not from the agents) at 16.76s, as a burst
/// of short tasks becomes ready: it goes on assigning, cannot commit, and with the bug
/// dispatches anyway; the new leader assigns the same tasks elsewhere under the same attempt
/// numbers. The partition heals 2.5s later.
fn isolate_the_leader(sim: &mut Simulation<WorkflowNode>) -> Option<(String, String)> {
    if let Some(v) = run(sim, Time(Duration::from_millis(16_760).0)) {
        return Some(v);
    }
    let leader = workflow::leader(sim).expect("a leader");
    let others: Vec<NodeId> = (0..3).map(NodeId).filter(|&n| n != leader).collect();
    for spec in [
        PartitionSpec::OneWay {
            from: vec![leader],
            to: others.clone(),
        },
        PartitionSpec::OneWay {
            from: others,
            to: vec![leader],
        },
    ] {
        sim.apply_now(Fault::Partition { spec })
            .expect("a partition");
    }
    if let Some(v) = run(sim, Time(Duration::from_millis(19_260).0)) {
        return Some(v);
    }
    sim.apply_now(Fault::HealAll).expect("heal");
    run(sim, secs(600))
}

#[test]
fn assign_before_commit_lets_an_uncommitted_run_decide_a_task() {
    let mut buggy = cluster(1, vec![Bug::AssignBeforeCommit]);
    let (checker, what) = isolate_the_leader(&mut buggy).expect("the bug is caught");
    assert_eq!(checker, "Runs As Assigned", "{what}");
    let mut sound = cluster(1, Vec::new());
    assert_eq!(isolate_the_leader(&mut sound), None);
    assert_eq!(workflow::done(&sound) as usize, montage().len());
}

#[test]
fn no_agent_timeout_leaves_a_dead_agent_s_tasks_undone() {
    let crash_one = |sim: &mut Simulation<WorkflowNode>| {
        assert_eq!(run(sim, secs(5)), None);
        sim.apply_now(Fault::Crash { node: NodeId(4) })
            .expect("an agent");
        assert_eq!(run(sim, secs(600)), None);
        workflow::complete(sim)
    };
    let mut buggy = cluster(4, vec![Bug::NoAgentTimeout]);
    let unfinished = crash_one(&mut buggy).expect_err("the bug is caught");
    assert!(unfinished.contains("not done"), "{unfinished}");
    let mut sound = cluster(4, Vec::new());
    assert_eq!(crash_one(&mut sound), Ok(()));
}
