//! Whole workflows run by agents and coordinators: every task done, every check quiet, the
//! engine's history linearizable, under each deployment and sharing mode, and through the
//! crashes the engine is built to survive.

mod common;

use common::{montage, secs};
use sim_core::history::{Budget, Verdict};
use sim_core::{Fault, NodeId, Outcome, SimConfig, Simulation, Time};
use workflow::{Deployment, Params, Sharing, Workflow, WorkflowNode};

fn params(deployment: Deployment, sharing: Sharing) -> Params {
    Params {
        agents: 8,
        slots: 2,
        coordinators: if deployment == Deployment::Single {
            1
        } else {
            3
        },
        deployment,
        sharing,
        ..Params::default()
    }
}

fn run(sim: &mut Simulation<WorkflowNode>, until: Time) {
    match sim
        .run_until(until)
        .expect("the run stays within its limits")
    {
        Outcome::Reached => {}
        Outcome::Violated(v) => panic!(
            "seed {}: {} violated at {}: {}",
            sim.seed(),
            v.checker,
            v.time,
            v.description
        ),
    }
}

fn assert_finished(sim: &Simulation<WorkflowNode>, workflow: &Workflow) {
    assert_eq!(
        workflow::done(sim) as usize,
        workflow.len(),
        "seed {}: tasks done at {}",
        sim.seed(),
        sim.now()
    );
    let report = workflow::check_history(sim, &Budget::default()).expect("a history");
    assert_eq!(report.verdict, Verdict::Linearizable, "seed {}", sim.seed());
}

#[test]
fn montage_runs_to_completion_under_each_deployment() {
    let w = montage();
    for deployment in [Deployment::Single, Deployment::Raft, Deployment::MultiPaxos] {
        let config = SimConfig {
            seed: 1,
            ..SimConfig::default()
        };
        let mut sim = workflow::build(config, &params(deployment, Sharing::Direct), w.clone())
            .expect("a valid cluster");
        run(&mut sim, secs(600));
        assert_finished(&sim, &w);
    }
}

#[test]
fn montage_runs_to_completion_with_each_sharing_mode() {
    let w = montage();
    for sharing in [
        Sharing::ViaCoordinator,
        Sharing::Direct,
        Sharing::Broadcast,
        Sharing::Tree,
    ] {
        let config = SimConfig {
            seed: 2,
            ..SimConfig::default()
        };
        let mut sim = workflow::build(config, &params(Deployment::Raft, sharing), w.clone())
            .expect("a valid cluster");
        run(&mut sim, secs(600));
        assert_finished(&sim, &w);
    }
}

#[test]
fn a_crashed_agent_s_tasks_run_elsewhere_and_a_leader_crash_is_survived() {
    let w = montage();
    let config = SimConfig {
        seed: 3,
        ..SimConfig::default()
    };
    let mut sim = workflow::build(
        config,
        &params(Deployment::Raft, Sharing::Direct),
        w.clone(),
    )
    .expect("a valid cluster");
    run(&mut sim, secs(5));
    sim.apply_now(Fault::Crash { node: NodeId(5) })
        .expect("an agent");
    run(&mut sim, secs(10));
    let leader = workflow::leader(&sim).expect("a leader");
    sim.apply_now(Fault::Crash { node: leader })
        .expect("the leader");
    run(&mut sim, secs(600));
    assert_finished(&sim, &w);
}
