//! What a person can do to the running cluster, and how each action is written in a scenario
//! file's fault schedule (so that a saved session replays it exactly).

use scenarios::scenario::{
    FaultAction, FaultEvent, OneWay, PartitionShape, Selector, check_server,
};
use scenarios::{DurationStr, Run};
use sim_core::NodeStatus;
use std::fmt;

/// An action by hand, applied at the current virtual time.
#[derive(Clone, Debug, PartialEq)]
pub enum UserAction {
    /// Crash a server (memory lost, unsynced writes lost).
    Crash(u32),
    /// Restart a crashed server from its disk.
    Restart(u32),
    /// Freeze a server.
    Pause(u32),
    /// Unfreeze a server.
    Resume(u32),
    /// Cut the link between two servers, both ways.
    CutLink(u32, u32),
    /// Heal the link between two servers, both ways.
    HealLink(u32, u32),
    /// Split the servers into groups that cannot talk to each other.
    Partition(Vec<Vec<u32>>),
    /// Heal every partition and cut link.
    HealAll,
    /// Type a client command (`put x 1`).
    Submit(String),
}

impl fmt::Display for UserAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserAction::Crash(n) => write!(f, "crash n{n}"),
            UserAction::Restart(n) => write!(f, "restart n{n}"),
            UserAction::Pause(n) => write!(f, "pause n{n}"),
            UserAction::Resume(n) => write!(f, "resume n{n}"),
            UserAction::CutLink(a, b) => write!(f, "cut n{a} <-> n{b}"),
            UserAction::HealLink(a, b) => write!(f, "heal n{a} <-> n{b}"),
            UserAction::Partition(groups) => {
                let g: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        g.iter()
                            .map(|n| format!("n{n}"))
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect();
                write!(f, "partition {}", g.join(" | "))
            }
            UserAction::HealAll => write!(f, "heal all"),
            UserAction::Submit(c) => write!(f, "submit {c}"),
        }
    }
}

impl UserAction {
    /// The scenario faults that do this (time left at zero: the session sets it), after
    /// checking that it applies to the run as it is now.
    pub fn to_faults(&self, run: &dyn Run) -> Result<Vec<FaultEvent>, String> {
        self.check(run.server_count(), &run.statuses())?;
        let zero = DurationStr::from_millis(0);
        Ok(self
            .actions()
            .into_iter()
            .map(|a| FaultEvent::of(zero, a))
            .collect())
    }

    /// Why the action cannot be done now: it names a client, a node in the wrong state, or
    /// nothing to act on.
    fn check(&self, servers: u32, statuses: &[NodeStatus]) -> Result<(), String> {
        let server = |n: u32| check_server(n, servers).map_err(|e| e.to_string());
        let status_is = |n: u32, want: NodeStatus, what: &str| {
            let s = statuses.get(n as usize).copied();
            if s == Some(want) {
                Ok(())
            } else {
                Err(format!("n{n} is {}: it cannot be {what}", status_name(s)))
            }
        };
        match self {
            UserAction::Crash(n) => status_is(server(*n)?, NodeStatus::Up, "crashed")
                .or_else(|_| status_is(*n, NodeStatus::Paused, "crashed")),
            UserAction::Restart(n) => status_is(server(*n)?, NodeStatus::Down, "restarted"),
            UserAction::Pause(n) => status_is(server(*n)?, NodeStatus::Up, "paused"),
            UserAction::Resume(n) => status_is(server(*n)?, NodeStatus::Paused, "resumed"),
            UserAction::CutLink(a, b) | UserAction::HealLink(a, b) => {
                if server(*a)? == server(*b)? {
                    return Err("a link joins two different servers".into());
                }
                Ok(())
            }
            UserAction::Partition(groups) => {
                let groups = non_empty(groups);
                if groups.len() < 2 {
                    return Err("a partition needs nodes on both sides".into());
                }
                groups
                    .iter()
                    .flatten()
                    .try_for_each(|&n| server(n).map(drop))
            }
            UserAction::HealAll => Ok(()),
            UserAction::Submit(command) if command.trim().is_empty() => {
                Err("type a command first (`put x 1`, `get x`)".into())
            }
            UserAction::Submit(_) => Ok(()),
        }
    }

    /// The typed faults that do this; a link is two directed links.
    fn actions(&self) -> Vec<FaultAction> {
        let one = |n: u32| Selector::Nodes(vec![n]);
        let both = |a: u32, b: u32| [(one(a), one(b)), (one(b), one(a))];
        match self {
            UserAction::Crash(n) => vec![FaultAction::Crash { nodes: one(*n) }],
            UserAction::Restart(n) => vec![FaultAction::Restart { nodes: one(*n) }],
            UserAction::Pause(n) => vec![FaultAction::Pause { nodes: one(*n) }],
            UserAction::Resume(n) => vec![FaultAction::Resume { nodes: one(*n) }],
            UserAction::CutLink(a, b) => both(*a, *b)
                .map(|(from, to)| {
                    FaultAction::Partition(PartitionShape::OneWay(OneWay { from, to }))
                })
                .into(),
            UserAction::HealLink(a, b) => both(*a, *b)
                .map(|(from, to)| FaultAction::HealLink { from, to })
                .into(),
            UserAction::Partition(groups) => {
                let groups = non_empty(groups).into_iter().map(Selector::Nodes).collect();
                vec![FaultAction::Partition(PartitionShape::Groups(groups))]
            }
            UserAction::HealAll => vec![FaultAction::Heal],
            UserAction::Submit(command) => vec![FaultAction::Submit {
                command: command.trim().to_string(),
            }],
        }
    }
}

/// The groups that hold a node (an empty group cuts nothing).
fn non_empty(groups: &[Vec<u32>]) -> Vec<Vec<u32>> {
    groups.iter().filter(|g| !g.is_empty()).cloned().collect()
}

/// A status in words.
pub fn status_name(s: Option<NodeStatus>) -> &'static str {
    match s {
        Some(NodeStatus::Up) => "up",
        Some(NodeStatus::Paused) => "paused",
        Some(NodeStatus::Down) => "down",
        None => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(action: &UserAction) -> String {
        let zero = DurationStr::from_millis(0);
        action
            .actions()
            .into_iter()
            .map(|a| toml::to_string(&FaultEvent::of(zero, a)).unwrap())
            .collect::<Vec<_>>()
            .join("--\n")
    }

    #[test]
    fn actions_write_the_keys_saved_sessions_always_had() {
        assert_eq!(
            text(&UserAction::Crash(2)),
            "at = \"0s\"\naction = \"crash\"\nnodes = 2\n"
        );
        assert_eq!(
            text(&UserAction::CutLink(0, 1)),
            "at = \"0s\"\naction = \"partition\"\n\n[one_way]\nfrom = 0\nto = 1\n--\n\
             at = \"0s\"\naction = \"partition\"\n\n[one_way]\nfrom = 1\nto = 0\n"
        );
        assert_eq!(
            text(&UserAction::Partition(vec![vec![0], vec![], vec![1, 2]])),
            "at = \"0s\"\naction = \"partition\"\ngroups = [0, [1, 2]]\n"
        );
        assert_eq!(
            text(&UserAction::Submit(" put x 1 ".into())),
            "at = \"0s\"\naction = \"submit\"\ncommand = \"put x 1\"\n"
        );
    }

    #[test]
    fn a_cut_link_is_the_two_one_way_partitions_sessions_always_saved() {
        let zero = DurationStr::from_millis(0);
        let built: Vec<FaultEvent> = UserAction::CutLink(0, 1)
            .actions()
            .into_iter()
            .map(|a| FaultEvent::of(zero, a))
            .collect();
        let by_hand = |from: u32, to: u32| {
            let mut e = FaultEvent::new(zero, scenarios::scenario::Action::Partition);
            let (from, to) = (Selector::Nodes(vec![from]), Selector::Nodes(vec![to]));
            e.one_way = Some(toml::Spanned::new(0..0, OneWay { from, to }));
            e
        };
        assert_eq!(built, vec![by_hand(0, 1), by_hand(1, 0)]);
    }

    #[test]
    fn clients_and_wrong_states_are_refused_before_anything_is_built() {
        use NodeStatus::{Down, Up};
        let statuses = [Up, Down, Up, Up];
        let check = |a: UserAction| a.check(3, &statuses);
        assert_eq!(
            check(UserAction::Restart(3)),
            Err(
                "node 3 is not a server (the servers are 0 to 2); faults never target clients"
                    .into()
            )
        );
        assert_eq!(
            check(UserAction::Crash(1)),
            Err("n1 is down: it cannot be crashed".into())
        );
        assert_eq!(
            check(UserAction::Partition(vec![vec![0, 1, 2], vec![]])),
            Err("a partition needs nodes on both sides".into())
        );
        assert_eq!(check(UserAction::CutLink(0, 2)), Ok(()));
        assert!(check(UserAction::Submit("  ".into())).is_err());
    }
}
