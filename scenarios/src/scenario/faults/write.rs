//! From the typed plan back to the file's flat fault: how code that writes scenario files
//! (the front end's saved sessions, `explore`'s shrunk failures) builds a fault, setting
//! exactly the keys its action takes and no spans.

use super::FaultEvent;
use super::plan::{FaultAction, PartitionShape, PlannedFault};
use crate::duration::DurationStr;
use toml::Spanned;

/// A value built in code, which has no place in a file (`0..0` marks "built in code").
fn unplaced<T>(value: T) -> Option<Spanned<T>> {
    Some(Spanned::new(0..0, value))
}

impl FaultEvent {
    /// The fault that does `action` at `at`, as a file writes it.
    pub fn of(at: DurationStr, action: FaultAction) -> FaultEvent {
        FaultEvent::from(action.at(at))
    }
}

impl From<PlannedFault> for FaultEvent {
    /// The file form of a planned fault; reading it back gives the same plan.
    fn from(p: PlannedFault) -> FaultEvent {
        let mut e = FaultEvent::new(p.at, p.action.kind());
        e.jitter = p.jitter.and_then(unplaced);
        e.label = p.label.and_then(unplaced);
        e.if_up_below = p.guard.below.and_then(unplaced);
        e.if_up_above = p.guard.above.and_then(unplaced);
        match p.action {
            FaultAction::Crash { nodes }
            | FaultAction::Stop { nodes }
            | FaultAction::Restart { nodes }
            | FaultAction::Pause { nodes }
            | FaultAction::Resume { nodes }
            | FaultAction::Reconnect { nodes } => e.nodes = unplaced(nodes),
            FaultAction::Storage { nodes, target, .. } => {
                e.nodes = unplaced(nodes);
                e.record = target.record.and_then(unplaced);
                e.index = target.index.and_then(unplaced);
            }
            FaultAction::ClockDrift { nodes, rate } => {
                e.nodes = unplaced(nodes);
                e.rate = Some(rate);
            }
            FaultAction::Partition(shape) => match shape {
                PartitionShape::Groups(g) => e.groups = unplaced(g),
                PartitionShape::Isolate(s) => e.isolate = unplaced(s),
                PartitionShape::OneWay(o) => e.one_way = unplaced(o),
                PartitionShape::Bridge(b) => e.bridge = unplaced(b),
            },
            FaultAction::Heal => {}
            FaultAction::HealPartition { label } => e.partition = unplaced(label),
            FaultAction::HealLink { from, to } | FaultAction::RestoreLink { from, to } => {
                e.from = unplaced(from);
                e.to = unplaced(to);
            }
            FaultAction::DegradeLink { from, to, change } => {
                e.from = unplaced(from);
                e.to = unplaced(to);
                e.latency = change.latency;
                e.loss = change.loss;
                e.duplicate = change.duplicate;
                e.bandwidth = change.bandwidth;
                e.kinds = (!change.kinds.is_empty())
                    .then_some(change.kinds)
                    .and_then(unplaced);
            }
            FaultAction::Submit { command } => e.command = unplaced(command),
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{
        Bridge, LatencySpec, LinkChange, OneWay, RecordTarget, Selector, StorageKind,
    };

    fn every_action() -> Vec<FaultAction> {
        let n = |v: u32| Selector::Nodes(vec![v]);
        vec![
            FaultAction::Crash { nodes: n(1) },
            FaultAction::Stop { nodes: n(3) },
            FaultAction::Storage {
                nodes: n(2),
                kind: StorageKind::Corrupt,
                target: RecordTarget {
                    record: Some("log".into()),
                    index: Some(4),
                },
            },
            FaultAction::Storage {
                nodes: Selector::Leader,
                kind: StorageKind::TornWrite,
                target: RecordTarget::default(),
            },
            FaultAction::Restart {
                nodes: Selector::AllCrashed,
            },
            FaultAction::Pause { nodes: n(2) },
            FaultAction::Resume { nodes: n(2) },
            FaultAction::ClockDrift {
                nodes: Selector::Random,
                rate: 1.5,
            },
            FaultAction::Partition(PartitionShape::Groups(vec![n(0), n(1)])),
            FaultAction::Partition(PartitionShape::Isolate(Selector::Leader)),
            FaultAction::Partition(PartitionShape::OneWay(OneWay {
                from: Selector::Leader,
                to: Selector::All,
            })),
            FaultAction::Partition(PartitionShape::Bridge(Bridge {
                left: n(0),
                node: n(2),
            })),
            FaultAction::Heal,
            FaultAction::HealLink {
                from: n(0),
                to: n(1),
            },
            FaultAction::DegradeLink {
                from: n(0),
                to: n(1),
                change: LinkChange {
                    latency: Some(LatencySpec::constant(DurationStr::from_millis(3))),
                    loss: Some(0.5),
                    duplicate: Some(0.1),
                    bandwidth: Some(1000),
                    kinds: Vec::new(),
                },
            },
            FaultAction::DegradeLink {
                from: n(1),
                to: Selector::Label("cut".into()),
                change: LinkChange {
                    latency: Some(LatencySpec::constant(DurationStr::from_millis(200))),
                    kinds: vec!["AppendReply".into(), "Vote".into()],
                    ..LinkChange::default()
                },
            },
            FaultAction::Reconnect {
                nodes: Selector::OldLeader,
            },
            FaultAction::HealPartition {
                label: "cut".into(),
            },
            FaultAction::RestoreLink {
                from: n(0),
                to: n(1),
            },
            FaultAction::Submit {
                command: "put x 1".into(),
            },
        ]
    }

    #[test]
    fn every_action_reads_back_as_written() {
        for action in every_action() {
            let mut p = action.at(DurationStr::from_millis(7));
            p.jitter = Some(DurationStr::from_millis(1));
            p.label = Some("first".into());
            p.guard = crate::scenario::UpGuard {
                below: Some(3),
                above: Some(1),
            };
            let e = FaultEvent::from(p.clone());
            assert_eq!(PlannedFault::from_event(&e), Ok(p));
        }
    }

    #[test]
    fn the_file_text_sets_only_the_actions_keys() {
        let e = FaultEvent::of(
            DurationStr::from_millis(1500),
            FaultAction::Crash {
                nodes: Selector::Nodes(vec![2]),
            },
        );
        assert_eq!(
            toml::to_string(&e).unwrap(),
            "at = \"1.5s\"\naction = \"crash\"\nnodes = 2\n"
        );
    }
}
