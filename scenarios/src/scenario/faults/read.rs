//! From the file's flat fault to the typed plan: the one place that decides which keys an
//! action takes and which it needs.

use super::plan::{
    FaultAction, FaultPlan, LinkChange, PartitionShape, PlannedFault, RecordTarget, UpGuard,
};
use super::{Action, FaultEvent};
use crate::diag::Diagnostic;
use crate::error::ScenarioError;
use crate::scenario::{Scenario, Selector};
use std::ops::Range;
use toml::Spanned;

/// A fault whose keys do not fit its action: a key it does not take, a key it needs, or not
/// exactly one partition shape. Kept apart from [`Diagnostic`] so that the validator and the
/// runner place it in their own file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultProblem {
    /// The fault's `action` value, where a person looks to fix it.
    pub span: Range<usize>,
    /// What is wrong, in the words `clustersim validate` prints.
    pub message: String,
}

/// The partition shapes, of which a partition takes exactly one.
const SHAPES: [&str; 4] = ["groups", "isolate", "one_way", "bridge"];

/// The keys each action takes besides `at`, `action` and `jitter`; which of them it needs is
/// decided by building the action ([`Reader::action`]).
fn allowed_keys(action: Action) -> &'static [&'static str] {
    match action {
        Action::Crash
        | Action::Stop
        | Action::Restart
        | Action::Pause
        | Action::Resume
        | Action::Reconnect => &["nodes"],
        Action::ClockDrift => &["nodes", "rate"],
        Action::Partition => &SHAPES,
        Action::Heal => &["partition"],
        Action::HealLink | Action::RestoreLink => &["from", "to"],
        Action::DegradeLink => &[
            "from",
            "to",
            "latency",
            "loss",
            "duplicate",
            "bandwidth",
            "kinds",
        ],
        Action::Submit => &["command"],
        Action::Corrupt | Action::ReadError | Action::Tamper => &["nodes", "record", "index"],
        Action::LostWrite | Action::TornWrite | Action::MisdirectedWrite => &["nodes"],
    }
}

impl PlannedFault {
    /// The typed fault `f` writes, or every problem with its keys, in the order
    /// `clustersim validate` reports them (keys that do not apply, then keys missing).
    pub fn from_event(f: &FaultEvent) -> Result<PlannedFault, Vec<FaultProblem>> {
        let mut r = Reader {
            f,
            problems: Vec::new(),
        };
        r.not_allowed();
        match r.action() {
            Some(action) if r.problems.is_empty() => Ok(PlannedFault {
                at: *f.at.get_ref(),
                jitter: f.jitter.as_ref().map(|j| *j.get_ref()),
                action,
                label: f.label.as_ref().map(|l| l.get_ref().clone()),
                guard: UpGuard {
                    below: f.if_up_below.as_ref().map(|b| *b.get_ref()),
                    above: f.if_up_above.as_ref().map(|a| *a.get_ref()),
                },
            }),
            _ => Err(r.problems),
        }
    }
}

impl Scenario {
    /// The scenario's timed faults as the runner plays them. A scenario read from a file has
    /// passed [`Scenario::validate`]; one built in code is checked here, with the same words.
    pub fn fault_plan(&self) -> Result<FaultPlan, ScenarioError> {
        let mut plan = FaultPlan::default();
        let mut problems = Vec::new();
        for f in &self.faults {
            match PlannedFault::from_event(f) {
                Ok(p) => plan.push(p),
                Err(v) => problems.extend(v.into_iter().map(|p| {
                    let span = (p.span != (0..0)).then_some(p.span);
                    Diagnostic::at(
                        &self.origin.file,
                        self.origin.text.as_deref(),
                        span,
                        p.message,
                    )
                })),
            }
        }
        if problems.is_empty() {
            Ok(plan)
        } else {
            Err(ScenarioError::Invalid(problems))
        }
    }
}

/// One fault being read, with the problems found so far.
struct Reader<'a> {
    f: &'a FaultEvent,
    problems: Vec<FaultProblem>,
}

impl Reader<'_> {
    fn problem(&mut self, message: String) {
        self.problems.push(FaultProblem {
            span: self.f.action.span(),
            message,
        });
    }

    fn name(&self) -> &'static str {
        self.f.action.get_ref().name()
    }

    /// Notes every key that is set but that the action does not take.
    fn not_allowed(&mut self) {
        let allowed = allowed_keys(*self.f.action.get_ref());
        let expected = if allowed.is_empty() {
            "no other keys".to_string()
        } else {
            let keys: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            keys.join(", ")
        };
        for k in self.f.keys_set() {
            if !allowed.contains(&k) {
                let name = self.name();
                self.problem(format!(
                    "`{k}` does not apply to action \"{name}\" (it takes {expected})"
                ));
            }
        }
    }

    /// The value of key `key`, noting that the action needs it when it is not set.
    fn need<T: Clone>(&mut self, key: &str, value: Option<&T>) -> Option<T> {
        if value.is_none() {
            let name = self.name();
            self.problem(format!("action \"{name}\" needs `{key}`"));
        }
        value.cloned()
    }

    fn selector(&mut self, key: &str, value: &Option<Spanned<Selector>>) -> Option<Selector> {
        self.need(key, value.as_ref().map(Spanned::get_ref))
    }

    /// The action with its fields; `None` when one it needs is missing (and noted).
    fn action(&mut self) -> Option<FaultAction> {
        let f = self.f;
        Some(match f.action.get_ref() {
            Action::Crash => FaultAction::Crash {
                nodes: self.selector("nodes", &f.nodes)?,
            },
            a @ (Action::Corrupt
            | Action::LostWrite
            | Action::TornWrite
            | Action::MisdirectedWrite
            | Action::ReadError
            | Action::Tamper) => {
                let nodes = self.selector("nodes", &f.nodes)?;
                let index = f.index.as_ref().map(|i| *i.get_ref());
                if index.is_some() && f.record.is_none() {
                    self.problem(format!(
                        "`index` of action \"{}\" needs `record`, the name of the records it counts in",
                        a.name()
                    ));
                    return None;
                }
                FaultAction::Storage {
                    nodes,
                    kind: a.storage()?,
                    target: RecordTarget {
                        record: f.record.as_ref().map(|r| r.get_ref().clone()),
                        index,
                    },
                }
            }
            Action::Stop => FaultAction::Stop {
                nodes: self.selector("nodes", &f.nodes)?,
            },
            Action::Restart => FaultAction::Restart {
                nodes: self.selector("nodes", &f.nodes)?,
            },
            Action::Pause => FaultAction::Pause {
                nodes: self.selector("nodes", &f.nodes)?,
            },
            Action::Resume => FaultAction::Resume {
                nodes: self.selector("nodes", &f.nodes)?,
            },
            Action::Reconnect => FaultAction::Reconnect {
                nodes: self.selector("nodes", &f.nodes)?,
            },
            Action::ClockDrift => {
                let nodes = self.selector("nodes", &f.nodes);
                let rate = self.need("rate", f.rate.as_ref());
                FaultAction::ClockDrift {
                    nodes: nodes?,
                    rate: rate?,
                }
            }
            Action::Partition => FaultAction::Partition(self.shape()?),
            Action::Heal => match &f.partition {
                Some(label) => FaultAction::HealPartition {
                    label: label.get_ref().clone(),
                },
                None => FaultAction::Heal,
            },
            Action::HealLink => {
                let (from, to) = self.link()?;
                FaultAction::HealLink { from, to }
            }
            Action::DegradeLink => {
                let (from, to) = self.link()?;
                let kinds = f.kinds.as_ref().map(|k| k.get_ref().clone());
                if kinds.as_ref().is_some_and(Vec::is_empty) {
                    self.problem(
                        "`kinds` lists no message kind; leave it out to degrade every message"
                            .into(),
                    );
                    return None;
                }
                if kinds.is_some() && f.bandwidth.is_some() {
                    self.problem(
                        "`bandwidth` is the link's, not a kind's: it does not go with `kinds`"
                            .into(),
                    );
                    return None;
                }
                let change = LinkChange {
                    latency: f.latency.clone(),
                    loss: f.loss,
                    duplicate: f.duplicate,
                    bandwidth: f.bandwidth,
                    kinds: kinds.unwrap_or_default(),
                };
                FaultAction::DegradeLink { from, to, change }
            }
            Action::RestoreLink => {
                let (from, to) = self.link()?;
                FaultAction::RestoreLink { from, to }
            }
            Action::Submit => FaultAction::Submit {
                command: self.need("command", f.command.as_ref().map(Spanned::get_ref))?,
            },
        })
    }

    /// `from` and `to` of a link action (both noted when missing).
    fn link(&mut self) -> Option<(Selector, Selector)> {
        let f = self.f;
        let from = self.selector("from", &f.from);
        let to = self.selector("to", &f.to);
        Some((from?, to?))
    }

    /// The one shape of a partition.
    fn shape(&mut self) -> Option<PartitionShape> {
        let f = self.f;
        let mut shapes = [
            f.groups
                .as_ref()
                .map(|g| PartitionShape::Groups(g.get_ref().clone())),
            f.isolate
                .as_ref()
                .map(|s| PartitionShape::Isolate(s.get_ref().clone())),
            f.one_way
                .as_ref()
                .map(|o| PartitionShape::OneWay(o.get_ref().clone())),
            f.bridge
                .as_ref()
                .map(|b| PartitionShape::Bridge(b.get_ref().clone())),
        ]
        .into_iter()
        .flatten();
        let first = shapes.next();
        let given = usize::from(first.is_some()) + shapes.count();
        if given != 1 {
            self.problem(format!(
                "a partition takes exactly one of `groups`, `isolate`, `one_way`, `bridge` ({given} given)"
            ));
            return None;
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::DurationStr;

    fn event(action: Action) -> FaultEvent {
        FaultEvent::new(DurationStr::from_millis(5), action)
    }

    fn messages(f: &FaultEvent) -> Vec<String> {
        match PlannedFault::from_event(f) {
            Ok(p) => panic!("expected problems, read {p:?}"),
            Err(v) => v.into_iter().map(|p| p.message).collect(),
        }
    }

    #[test]
    fn keys_that_do_not_apply_come_before_keys_missing() {
        let mut f = event(Action::ClockDrift);
        f.command = Some(Spanned::new(0..0, "get x".into()));
        assert_eq!(
            messages(&f),
            vec![
                "`command` does not apply to action \"clock-drift\" (it takes `nodes`, `rate`)",
                "action \"clock-drift\" needs `nodes`",
                "action \"clock-drift\" needs `rate`",
            ]
        );
    }

    #[test]
    fn a_partition_needs_exactly_one_shape() {
        let f = event(Action::Partition);
        assert_eq!(
            messages(&f),
            vec![
                "a partition takes exactly one of `groups`, `isolate`, `one_way`, `bridge` (0 given)"
            ]
        );
        let mut two = event(Action::Partition);
        two.isolate = Some(Spanned::new(0..0, Selector::Leader));
        two.groups = Some(Spanned::new(0..0, vec![Selector::Nodes(vec![0])]));
        assert_eq!(messages(&two).len(), 1);
        assert!(messages(&two)[0].ends_with("(2 given)"));
    }

    #[test]
    fn heal_takes_only_a_partition_label() {
        let mut f = event(Action::Heal);
        f.nodes = Some(Spanned::new(0..0, Selector::All));
        assert_eq!(
            messages(&f),
            vec!["`nodes` does not apply to action \"heal\" (it takes `partition`)"]
        );
    }

    #[test]
    fn a_valid_fault_reads_into_its_variant() {
        let mut f = event(Action::DegradeLink);
        f.from = Some(Spanned::new(0..0, Selector::Nodes(vec![0])));
        f.to = Some(Spanned::new(0..0, Selector::All));
        f.loss = Some(0.25);
        f.jitter = Some(Spanned::new(0..0, DurationStr::from_millis(2)));
        let p = PlannedFault::from_event(&f).unwrap();
        assert_eq!(p.at, DurationStr::from_millis(5));
        assert_eq!(p.jitter, Some(DurationStr::from_millis(2)));
        assert_eq!(
            p.action,
            FaultAction::DegradeLink {
                from: Selector::Nodes(vec![0]),
                to: Selector::All,
                change: LinkChange {
                    loss: Some(0.25),
                    ..LinkChange::default()
                },
            }
        );
    }
}
