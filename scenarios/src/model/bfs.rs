//! Breadth-first search: every state at depth d before any at depth d + 1.

use super::expand::{Next, State, expand};
use super::report::Tree;
use super::seen::Seen;
use super::{Budget, Progress, Report, Verdict};
use crate::registry::Run;
use crate::scenario::ModelSection;
use rayon::prelude::*;

/// States expanded in parallel at once. The successors of a batch are merged in the batch's
/// order before the next batch starts, so the order in which states are met, and with it
/// every result, is the same on any number of threads.
const BATCH: usize = 256;

/// Searches breadth-first from `root`.
pub(crate) fn search(
    root: Box<dyn Run>,
    bounds: &ModelSection,
    budget: &Budget,
    progress: Progress<'_>,
) -> Report {
    let mut report = Report::new();
    let renamings = super::renamings(root.as_ref(), bounds);
    let mut tree = Tree::new();
    let mut seen = Seen::new();
    let (root, key) = State::root(root, &renamings, &mut report);
    seen.insert(key);
    let mut frontier = vec![root];
    for depth in 0..bounds.depth {
        if frontier.is_empty() {
            report.verdict = Verdict::Exhausted;
            return report;
        }
        progress(report.states, report.unique, depth + 1);
        let mut next: Vec<State> = Vec::new();
        let mut rest = frontier.into_iter();
        loop {
            let batch: Vec<State> = rest.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                break;
            }
            if let Some(stop) = budget.exceeded(report.unique) {
                report.verdict = Verdict::Stopped(stop);
                return report;
            }
            // A successor whose state an earlier batch met is dropped where it was made (its
            // simulation freed on that thread); only its count comes back.
            let known = &seen;
            let expanded: Vec<(u32, Vec<Next>)> = batch
                .into_par_iter()
                .map(|s| {
                    let mut successors = expand(&s, bounds, &renamings);
                    for n in &mut successors {
                        if let Next::State { key, .. } = n
                            && known.contains(*key)
                        {
                            *n = Next::Known;
                        }
                    }
                    (s.at, successors)
                })
                .collect();
            for (parent, successors) in expanded {
                for n in successors {
                    report.states += 1;
                    match n {
                        Next::Known => {}
                        Next::Violated { choice, violation } => {
                            report.verdict =
                                Report::violated(tree.path(parent, choice), &violation);
                            return report;
                        }
                        Next::Failed { choice, error } => {
                            report.verdict = Report::failed(tree.path(parent, choice), &error);
                            return report;
                        }
                        Next::State {
                            choice,
                            mut state,
                            key,
                            in_flight,
                            marks,
                        } => {
                            if !seen.insert(key) {
                                continue;
                            }
                            report.unique += 1;
                            report.note_marks(&marks, depth + 1);
                            if depth + 1 == bounds.depth {
                                report.at_depth_bound += 1;
                            } else if in_flight > bounds.max_in_flight {
                                report.over_in_flight += 1;
                            } else {
                                state.at = tree.add(parent, choice);
                                next.push(state);
                            }
                        }
                    }
                }
            }
            progress(report.states, report.unique, depth + 1);
        }
        report.depth = depth + 1;
        frontier = next;
    }
    report.verdict = Verdict::Exhausted;
    report
}
