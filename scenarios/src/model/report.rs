//! What a search found, and how far it got.

use sim_core::model::Choice;
use sim_core::{MarkKind, SimError, Violation};

/// A failing schedule: the steps from the started cluster to the failure.
#[derive(Clone, Debug)]
pub struct Counterexample {
    /// The steps, in order; the last one fails.
    pub steps: Vec<Choice>,
    /// The check that failed: `invariant NAME`, or `error` for an engine error.
    pub check: String,
    /// What it found.
    pub detail: String,
}

/// Why a search stopped before it had searched everything within its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// `--max-states` unique states were found.
    MaxStates,
    /// The `--time` budget ran out.
    Time,
    /// Ctrl-C.
    Interrupted,
    /// The process holds more memory than `[limits] max_memory` (three quarters of the
    /// machine's by default).
    Memory,
}

impl Stop {
    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::MaxStates => "the --max-states budget was reached",
            Stop::Time => "the --time budget ran out",
            Stop::Interrupted => "interrupted",
            Stop::Memory => {
                "the memory bound ([limits] max_memory) was reached: bound the search more \
                 tightly, or use --strategy iddfs, which holds one path"
            }
        }
    }
}

/// The verdict of a search.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// A schedule breaks an invariant (or stops the engine); no shorter one does.
    Violated(Counterexample),
    /// Every state reachable within the bounds was searched, and none breaks an invariant.
    Exhausted,
    /// The search stopped early; no violation was found in what it searched.
    Stopped(Stop),
}

/// What a search did.
#[derive(Clone, Debug)]
pub struct Report {
    /// The verdict.
    pub verdict: Verdict,
    /// States generated (every choice taken, duplicates included).
    pub states: u64,
    /// Distinct states (cluster state and bounds used).
    pub unique: u64,
    /// The deepest level searched completely.
    pub depth: u32,
    /// Distinct states at the depth bound, not searched further.
    pub at_depth_bound: u64,
    /// Distinct states with more messages in flight than the bound, not searched further.
    pub over_in_flight: u64,
    /// For each milestone reached, the depth of the shortest schedule that reaches it.
    pub reached: Vec<(MarkKind, u32)>,
}

impl Report {
    pub(crate) fn new() -> Report {
        Report {
            verdict: Verdict::Exhausted,
            states: 0,
            unique: 1,
            depth: 0,
            at_depth_bound: 0,
            over_in_flight: 0,
            reached: Vec::new(),
        }
    }

    /// Notes the milestones a state at `depth` shows that no shallower state showed.
    pub(crate) fn note_marks(&mut self, marks: &sim_core::MarkCounts, depth: u32) {
        for (kind, _) in marks.reached() {
            match self.reached.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, d)) => *d = (*d).min(depth),
                None => self.reached.push((kind, depth)),
            }
        }
        self.reached.sort();
    }

    pub(crate) fn violated(steps: Vec<Choice>, v: &Violation) -> Verdict {
        Verdict::Violated(Counterexample {
            steps,
            check: crate::registry::CheckResult::invariant_name(&v.checker),
            detail: v.description.clone(),
        })
    }

    pub(crate) fn failed(steps: Vec<Choice>, e: &SimError) -> Verdict {
        Verdict::Violated(Counterexample {
            steps,
            check: "error".to_string(),
            detail: e.to_string(),
        })
    }
}

/// The search tree, kept as parent links so that any state's schedule can be read back.
pub(crate) struct Tree {
    links: Vec<(u32, Option<Choice>)>,
}

impl Tree {
    /// A tree holding the root (index 0).
    pub(crate) fn new() -> Tree {
        Tree {
            links: vec![(0, None)],
        }
    }

    /// Adds a state reached from `parent` by `choice`; its index.
    pub(crate) fn add(&mut self, parent: u32, choice: Choice) -> u32 {
        self.links.push((parent, Some(choice)));
        (self.links.len() - 1) as u32
    }

    /// The schedule from the root to state `at`, then `last`.
    pub(crate) fn path(&self, mut at: u32, last: Choice) -> Vec<Choice> {
        let mut steps = vec![last];
        while let (parent, Some(choice)) = self.links[at as usize] {
            steps.push(choice);
            at = parent;
        }
        steps.reverse();
        steps
    }
}
