//! Depth-first search with iterative deepening: depth limits 1, 2, ... each searched depth-first.
//!
//! A limit's search meets a state again only through a longer or equally long schedule, or a
//! shorter one: it searches a state again only when it arrives with more steps left than
//! before. The first limit at which a violation appears is the length of a shortest failing
//! schedule, since the limit before it found none. Memory is the path being searched plus the
//! table of states seen. It runs on one thread.

use super::expand::{Next, State, expand};
use super::seen::Seen;
use super::{Budget, Progress, Report, Verdict};
use crate::registry::Run;
use crate::scenario::ModelSection;
use sim_core::model::Choice;

/// How often, in states generated, the budget and the progress display are looked at.
const LOOK_EVERY: u64 = 1024;

/// Searches from `root` with depth limits 1 to `bounds.depth`.
pub(crate) fn search(
    root: Box<dyn Run>,
    bounds: &ModelSection,
    budget: &Budget,
    progress: Progress<'_>,
) -> Report {
    let mut report = Report::new();
    let renamings = super::renamings(root.as_ref(), bounds);
    let (root, root_key) = State::root(root, &renamings, &mut report);
    for limit in 1..=bounds.depth {
        let mut search = Limited {
            bounds,
            renamings: &renamings,
            budget,
            progress,
            limit,
            seen: {
                let mut seen = Seen::new();
                seen.set(root_key, limit);
                seen
            },
            path: Vec::new(),
            report: &mut report,
            grew: false,
            at_bound: 0,
            over: 0,
        };
        if let Err(verdict) = search.visit(&root, 0) {
            report.verdict = verdict;
            return report;
        }
        let (grew, at_bound, over) = (search.grew, search.at_bound, search.over);
        report.unique = search.seen.len() as u64;
        report.at_depth_bound = at_bound;
        report.over_in_flight = over;
        report.depth = limit;
        if !grew {
            // Nothing reached this limit: deeper limits would search the same states.
            report.verdict = Verdict::Exhausted;
            return report;
        }
    }
    report.verdict = Verdict::Exhausted;
    report
}

/// One depth-limited search.
struct Limited<'a, 'r> {
    bounds: &'a ModelSection,
    renamings: &'a [sim_core::model::Renaming],
    budget: &'a Budget,
    progress: Progress<'a>,
    limit: u32,
    /// Each state seen, with the most steps that were left when it was searched.
    seen: Seen,
    path: Vec<Choice>,
    report: &'r mut Report,
    /// Whether some schedule reached the limit with choices left (so a deeper limit could
    /// find more).
    grew: bool,
    /// States first met at the limit, and states not searched for their messages in flight.
    at_bound: u64,
    over: u64,
}

impl Limited<'_, '_> {
    fn visit(&mut self, state: &State, depth: u32) -> Result<(), Verdict> {
        for n in expand(state, self.bounds, self.renamings) {
            self.report.states += 1;
            if self.report.states.is_multiple_of(LOOK_EVERY) {
                (self.progress)(self.report.states, self.seen.len() as u64, self.limit);
                if let Some(stop) = self.budget.exceeded(self.seen.len() as u64) {
                    return Err(Verdict::Stopped(stop));
                }
            }
            match n {
                Next::Violated { choice, violation } => {
                    return Err(self.fail(choice, |steps| Report::violated(steps, &violation)));
                }
                Next::Failed { choice, error } => {
                    return Err(self.fail(choice, |steps| Report::failed(steps, &error)));
                }
                Next::Known => {}
                Next::State {
                    choice,
                    state: next,
                    key,
                    in_flight,
                    marks,
                } => {
                    let left = self.limit - depth - 1;
                    let before = self.seen.get(key);
                    if before.is_some_and(|l| l >= left) {
                        continue;
                    }
                    self.seen.set(key, left);
                    self.report.note_marks(&marks, depth + 1);
                    if left == 0 {
                        self.grew = true;
                        self.at_bound += 1;
                        continue;
                    }
                    if in_flight > self.bounds.max_in_flight {
                        self.over += u64::from(before.is_none());
                        continue;
                    }
                    self.path.push(choice);
                    self.visit(&next, depth + 1)?;
                    self.path.pop();
                }
            }
        }
        Ok(())
    }

    fn fail(&self, last: Choice, verdict: impl FnOnce(Vec<Choice>) -> Verdict) -> Verdict {
        let mut steps = self.path.clone();
        steps.push(last);
        verdict(steps)
    }
}
