//! The choices enabled at a state within the bounds, and what taking each gives.

use super::{Taken, Used};
use crate::registry::Run;
use crate::scenario::ModelSection;
use sim_core::model::{Choice, Pending, Renaming};
use sim_core::{MarkCounts, NodeStatus, SimError, Violation};

/// A state of the search: the run, what its path used, and its place in the search tree.
pub(crate) struct State {
    pub(crate) run: Box<dyn Run>,
    /// Each node's part of the state hash under each of the search's renamings (see
    /// `node_hashes`): a step recomputes only the node it touched.
    pub(crate) nodes: Vec<u128>,
    pub(crate) used: Used,
    /// Index into the search tree (see `Tree`).
    pub(crate) at: u32,
}

impl State {
    /// The state a search starts from, with its key; the milestones the started cluster
    /// already shows are noted at depth 0.
    pub(crate) fn root(
        run: Box<dyn Run>,
        renamings: &[Renaming],
        report: &mut super::Report,
    ) -> (State, u128) {
        let used = Used::none(run.node_count());
        let nodes = super::node_hashes(run.as_ref(), renamings).unwrap_or_default();
        let key = super::key_of(run.as_ref(), &nodes, &used, renamings);
        report.note_marks(run.trace().marks(), 0);
        let state = State {
            run,
            nodes,
            used,
            at: 0,
        };
        (state, key)
    }
}

/// One successor of a state.
pub(crate) enum Next {
    /// A state, with its key and what it shows.
    State {
        choice: Choice,
        state: State,
        key: u128,
        in_flight: u32,
        marks: MarkCounts,
    },
    /// Taking the choice broke an invariant.
    Violated {
        choice: Choice,
        violation: Violation,
    },
    /// Taking the choice (or hashing its result) stopped the engine.
    Failed { choice: Choice, error: SimError },
    /// A state the search had already met, dropped once that was known.
    Known,
}

/// Every choice enabled at `run` within `bounds`, given what the path `used`, in a fixed
/// order: for each message in number order, deliver, lose, duplicate; then each timer;
/// then for each server a crash or a restart, and a corruption of each of its records.
pub(crate) fn choices(run: &dyn Run, used: &Used, bounds: &ModelSection) -> Vec<(Choice, Used)> {
    let mut out = Vec::new();
    for p in run.pending() {
        match p {
            Pending::Message { id, .. } => {
                out.push((Choice::Deliver(id), used.clone()));
                if used.losses < bounds.losses {
                    let mut u = used.clone();
                    u.losses += 1;
                    out.push((Choice::Lose(id), u));
                }
                if used.duplicates < bounds.duplicates {
                    let mut u = used.clone();
                    u.duplicates += 1;
                    out.push((Choice::Duplicate(id), u));
                }
            }
            Pending::Timer { id, node } => {
                let fired = used.timers.get(node.index()).copied().unwrap_or(u32::MAX);
                if fired < bounds.timers_per_node {
                    let mut u = used.clone();
                    u.timers[node.index()] += 1;
                    out.push((Choice::Fire(id), u));
                }
            }
        }
    }
    let statuses = run.statuses();
    for (i, status) in statuses
        .iter()
        .enumerate()
        .take(run.server_count() as usize)
    {
        let node = sim_core::NodeId(i as u32);
        match status {
            NodeStatus::Up if used.crashes < bounds.crashes => {
                let mut u = used.clone();
                u.crashes += 1;
                out.push((Choice::Crash(node), u));
            }
            NodeStatus::Down => out.push((Choice::Restart(node), used.clone())),
            _ => {}
        }
        if used.corruptions < bounds.corruptions {
            for (k, _) in run.corruptible(node) {
                let mut u = used.clone();
                u.corruptions += 1;
                out.push((Choice::Corrupt(node, k), u));
            }
        }
    }
    out
}

/// Every successor of `state`, in the order of [`choices`]; each successor's place in the
/// search tree (`at`) is filled in by the caller once it turns out to be new.
pub(crate) fn expand(state: &State, bounds: &ModelSection, renamings: &[Renaming]) -> Vec<Next> {
    choices(state.run.as_ref(), &state.used, bounds)
        .into_iter()
        .map(
            |(choice, used)| match super::take(state.run.as_ref(), choice) {
                Taken::Violated(violation) => Next::Violated { choice, violation },
                Taken::Failed(error) => Next::Failed { choice, error },
                Taken::Went(run, touched) => {
                    match rehash(&state.nodes, run.as_ref(), touched, renamings) {
                        Ok(nodes) => {
                            let in_flight = run.messages_in_flight();
                            let marks = *run.trace().marks();
                            Next::State {
                                choice,
                                key: super::key_of(run.as_ref(), &nodes, &used, renamings),
                                state: State {
                                    run,
                                    nodes,
                                    used,
                                    at: 0,
                                },
                                in_flight,
                                marks,
                            }
                        }
                        Err(error) => Next::Failed { choice, error },
                    }
                }
            },
        )
        .collect()
}

/// The node hashes (under every renaming) of `run`, whose step from a state with node hashes
/// `before` touched at most `touched`.
fn rehash(
    before: &[u128],
    run: &dyn Run,
    touched: Option<sim_core::NodeId>,
    renamings: &[Renaming],
) -> Result<Vec<u128>, SimError> {
    let mut nodes = before.to_vec();
    let n = run.node_count() as usize;
    if let Some(t) = touched {
        for (k, r) in renamings.iter().enumerate() {
            if let Some(slot) = nodes.get_mut(k * n + t.index()) {
                *slot = run.node_hash(t, r)?;
            }
        }
    }
    Ok(nodes)
}
