//! `clustersim model`: exhaustive search of every schedule of a small configuration, over the
//! same protocol code that `run` simulates.
//!
//! From the scenario's cluster, once every node has started, the search takes every enabled
//! choice at every state (any message in flight arrives, any live timer fires, and within the
//! `[model]` bounds a message is lost or duplicated, a server crashes or restarts) and checks
//! every invariant of the protocol after each step. States are told apart by
//! [`sim_core::Simulation::state_hash`] together with what the path used of its bounds, so a
//! state reached by two orders is searched once. Both strategies visit shorter schedules
//! first, so the first violation found has a shortest schedule; it is written as a scenario
//! file with a `[schedule]` that `run` and `check` replay exactly.
//!
//! The results (verdict, counterexample, counts) do not depend on the number of threads: a
//! level's states are expanded in parallel, and the results merged in one fixed order.

mod bfs;
mod bounds;
mod expand;
mod iddfs;
mod report;
mod seen;
mod write;

pub use bounds::{Budget, Used};
pub use report::{Counterexample, Report, Stop, Verdict};
pub use write::write_counterexample;

use crate::error::ScenarioError;
use crate::registry::{Registry, Run};
use crate::scenario::{ModelSection, Scenario, Strategy};
use sim_core::Step;
use sim_core::model::Renaming;

/// Told the states generated, the unique states and the depth being searched, now and then.
pub type Progress<'a> = &'a (dyn Fn(u64, u64, u32) + Sync);

/// The run every schedule starts from: the scenario built with its seed, every node started.
/// Refuses what a run driven by choice cannot honour, and a protocol that does not define its
/// state for the model checker.
pub fn root(registry: &Registry, s: &Scenario) -> Result<Box<dyn Run>, ScenarioError> {
    let conflicts = s.choice_conflicts();
    if !conflicts.is_empty() {
        let text = s.origin.text.as_deref();
        let ds = conflicts
            .into_iter()
            .map(|c| {
                let span = c
                    .span
                    .or_else(|| text.and_then(|t| crate::scenario::locate::span_of(t, &c.path)));
                crate::diag::Diagnostic::at(
                    &s.origin.file,
                    text,
                    span.filter(|sp| *sp != (0..0)),
                    format!("for the model checker, {}", c.message),
                )
            })
            .collect();
        return Err(ScenarioError::Invalid(ds));
    }
    let protocol = registry.resolve(s)?;
    let mut run = crate::runner::build(protocol, s, s.seed)?;
    let sim = |e| ScenarioError::sim(format!("{} (seed {})", s.origin.file, s.seed), e);
    if let Some(v) = run.start_all().map_err(sim)? {
        return Err(ScenarioError::sim(
            format!("{}: starting the nodes", s.origin.file),
            sim_core::SimError::Invalid {
                what: format!("invariant {}", v.checker),
                why: v.description,
            },
        ));
    }
    if run.state_hash().is_err() {
        let name = &s.protocol.name;
        return Err(ScenarioError::one(crate::diag::Diagnostic::at(
            &s.origin.file,
            s.origin.text.as_deref(),
            Some(name.span()).filter(|sp| *sp != (0..0)),
            format!(
                "protocol \"{}\" does not define its nodes' state for the model checker \
                 (Node::model_state), so it cannot tell its states apart; raft and paxos do",
                name.get_ref()
            ),
        )));
    }
    let symmetry = run.symmetry();
    if s.model.as_ref().is_some_and(|m| m.symmetry) {
        let refused = match symmetry {
            sim_core::model::Symmetry::None => Some(format!(
                "protocol \"{}\" does not declare which of its servers may be renamed \
                 (Node::symmetry) in this cluster, so symmetry cannot be used; raft declares \
                 it when every server has the same configuration",
                s.protocol.name.get_ref()
            )),
            _ if s.model.as_ref().is_some_and(|m| m.corruptions > 0) => Some(
                "symmetry with corruptions: a corruption changes a record's bytes (a vote's node \
                 id among them) the same way whatever the servers are called, so renamed \
                 states would not be corrupted alike; use one or the other"
                    .to_string(),
            ),
            g if g.group_size() > sim_core::model::MAX_RENAMINGS as u64 => Some(format!(
                "symmetry over {} renamings of the servers: at most {} (five servers) are \
                 searched under",
                g.group_size(),
                sim_core::model::MAX_RENAMINGS
            )),
            _ => None,
        };
        if let Some(why) = refused {
            let text = s.origin.text.as_deref();
            let span =
                text.and_then(|t| crate::scenario::locate::span_of(t, &["model", "symmetry"]));
            return Err(ScenarioError::one(crate::diag::Diagnostic::at(
                &s.origin.file,
                text,
                span.filter(|sp| *sp != (0..0)),
                why,
            )));
        }
    }
    Ok(run)
}

/// The renamings a search keys its states under: the identity alone, or with `[model]
/// symmetry` every renaming the protocol declares it cannot tell apart.
pub(crate) fn renamings(run: &dyn Run, bounds: &ModelSection) -> Vec<Renaming> {
    if bounds.symmetry {
        run.symmetry().renamings()
    } else {
        vec![Renaming::identity()]
    }
}

/// Every node's part of `run`'s state hash under each renaming: renaming `r`'s parts, in id
/// order, at `r * node_count`.
pub(crate) fn node_hashes(
    run: &dyn Run,
    renamings: &[Renaming],
) -> Result<Vec<u128>, sim_core::SimError> {
    let mut out = Vec::with_capacity(renamings.len() * run.node_count() as usize);
    for r in renamings {
        for i in 0..run.node_count() {
            out.push(run.node_hash(sim_core::NodeId(i), r)?);
        }
    }
    Ok(out)
}

/// A search state's key: the least, over the renamings, of the key of the renamed state, so
/// that every renamed copy of a state has the same key.
pub(crate) fn key_of(run: &dyn Run, nodes: &[u128], used: &Used, renamings: &[Renaming]) -> u128 {
    let n = run.node_count() as usize;
    renamings
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let parts = nodes.get(k * n..(k + 1) * n).unwrap_or_default();
            used.key(run.state_hash_from(parts, r), r)
        })
        .min()
        .unwrap_or_default()
}

/// Searches every schedule from `root` within the `[model]` bounds, in its strategy's order,
/// and within `budget`. The servers that may crash are the run's own.
pub fn search(
    root: Box<dyn Run>,
    bounds: &ModelSection,
    budget: &Budget,
    progress: Progress<'_>,
) -> Report {
    match bounds.strategy {
        Strategy::Bfs => bfs::search(root, bounds, budget, progress),
        Strategy::Iddfs => iddfs::search(root, bounds, budget, progress),
    }
}

/// The outcome of taking one choice on a copy of a state.
pub(crate) enum Taken {
    /// The run went on; the node whose state the step may have changed.
    Went(Box<dyn Run>, Option<sim_core::NodeId>),
    /// An invariant broke.
    Violated(sim_core::Violation),
    /// The engine stopped with an error (a limit crossed).
    Failed(sim_core::SimError),
}

/// Takes `choice` on a copy of `run`.
pub(crate) fn take(run: &dyn Run, choice: sim_core::model::Choice) -> Taken {
    let mut next = run.box_clone();
    match next.take(choice) {
        Ok(Step::Violated(v)) => Taken::Violated(v),
        Ok(Step::Event { touched, .. }) => Taken::Went(next, touched),
        Ok(Step::Idle) => Taken::Went(next, None),
        Err(e) => Taken::Failed(e),
    }
}
