//! Building a workflow cluster, and reading results out of a run.

use crate::checkers::{EngineHistory, Timeline, add_checkers};
use crate::config::Params;
use crate::dag::Workflow;
use crate::engine::{Answer, EngineState, Order, Subject};
use crate::node::{NodeConfig, WorkflowNode};
use crate::setup::Setup;
use sim_core::history::{Budget, History, HistoryError, Report};
use sim_core::{NodeId, SimConfig, SimError, Simulation};
use std::sync::Arc;

/// A ready simulation of `workflow` run by the cluster `params` describes, every checker
/// attached.
pub fn build(
    sim: SimConfig,
    params: &Params,
    workflow: Arc<Workflow>,
) -> Result<Simulation<WorkflowNode>, SimError> {
    let mut s = build_unchecked(sim, params, workflow)?;
    add_checkers(&mut s);
    Ok(s)
}

/// [`build`] without the safety checks, for a scenario that switches them off: only the
/// engine's history and the timeline the metrics read are kept.
pub fn build_unchecked(
    sim: SimConfig,
    params: &Params,
    workflow: Arc<Workflow>,
) -> Result<Simulation<WorkflowNode>, SimError> {
    let invalid = |why| SimError::Invalid {
        what: "configuration".into(),
        why,
    };
    params.validate()?;
    let setup = Arc::new(Setup::new(params.clone(), workflow).map_err(invalid)?);
    let nodes = vec![NodeConfig { setup }; (params.coordinators + params.agents) as usize];
    let mut s = Simulation::new(sim, nodes)?;
    s.add_checker(EngineHistory::default());
    s.add_checker(Timeline::default());
    Ok(s)
}

/// The live coordinator that leads, under the highest term or ballot if several think so.
pub fn leader(sim: &Simulation<WorkflowNode>) -> Option<NodeId> {
    sim.nodes()
        .live()
        .filter_map(|(id, n)| n.coordinator().map(|c| (id, c)))
        .filter(|(_, c)| c.is_leader())
        .max_by_key(|(id, c)| (c.replica.epoch(), std::cmp::Reverse(*id)))
        .map(|(id, _)| id)
}

/// The most advanced engine state among the live coordinators.
pub fn engine(sim: &Simulation<WorkflowNode>) -> Option<&EngineState> {
    sim.nodes()
        .live()
        .filter_map(|(_, n)| n.coordinator())
        .map(|c| c.state())
        .max_by_key(|s| s.applied())
}

/// Tasks with a committed result, as the most advanced live coordinator knows.
pub fn done(sim: &Simulation<WorkflowNode>) -> u32 {
    engine(sim).map_or(0, EngineState::done)
}

/// The orders every coordinator proposed, as one history (proposals whose proposer never
/// learnt the answer are of unknown outcome).
pub fn history(sim: &Simulation<WorkflowNode>) -> Result<History<Order, Answer>, HistoryError> {
    Ok(sim
        .checker::<EngineHistory>()
        .map_or_else(History::new, EngineHistory::history))
}

/// Checks the engine's history for linearizability against its model.
pub fn check_history(
    sim: &Simulation<WorkflowNode>,
    budget: &Budget,
) -> Result<Report<Subject>, HistoryError> {
    Ok(rsm::check_linearizable::<EngineState>(
        &history(sim)?,
        budget,
    ))
}

/// The end-of-run check: every task has a committed result, as long as an agent is alive to
/// run it. Named "All Tasks Done" in reports.
pub fn complete(sim: &Simulation<WorkflowNode>) -> Result<(), String> {
    let live = sim.nodes().live();
    let mut agents = 0;
    let mut setup = None;
    for (_, n) in live {
        match n {
            WorkflowNode::Agent(a) => {
                agents += 1;
                setup.get_or_insert(a.setup.clone());
            }
            WorkflowNode::Coordinator(c) => {
                setup.get_or_insert(c.setup.clone());
            }
        }
    }
    let Some(setup) = setup else {
        return Ok(());
    };
    if agents == 0 {
        return Ok(());
    }
    let total = setup.workflow.len();
    let state = engine(sim);
    let done = state.map_or(0, EngineState::done) as usize;
    if done == total {
        return Ok(());
    }
    let example = (0..total as u32)
        .find(|t| !state.is_some_and(|s| s.is_done(*t)))
        .map(|t| setup.workflow.task(crate::TaskId(t)).name.clone())
        .unwrap_or_default();
    Err(format!(
        "{} of {total} tasks not done at {} with {agents} agents alive (for example {example})",
        total - done,
        sim.now()
    ))
}
