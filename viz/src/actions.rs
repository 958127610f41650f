//! What a person can do to the running cluster, and how each action is written in a scenario
//! file's fault schedule (so that a saved session replays it exactly).

use scenarios::Run;
use scenarios::scenario::{Action, FaultEvent, OneWay, Selector};
use sim_core::NodeStatus;
use std::fmt;
use toml::Spanned;

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

fn nodes(v: Vec<u32>) -> Option<Spanned<Selector>> {
    Some(Spanned::new(0..0, Selector::Nodes(v)))
}

fn event(action: Action) -> FaultEvent {
    FaultEvent::new(scenarios::DurationStr::from_millis(0), action)
}

impl UserAction {
    /// The scenario faults that do this (time left at zero: the session sets it), after
    /// checking that it applies to the run as it is now.
    pub fn to_faults(&self, run: &dyn Run) -> Result<Vec<FaultEvent>, String> {
        let servers = run.server_count();
        let statuses = run.statuses();
        let server = |n: u32| {
            if n < servers {
                Ok(n)
            } else {
                Err(format!(
                    "n{n} is not a server (the servers are n0..n{}); faults never target clients",
                    servers.saturating_sub(1)
                ))
            }
        };
        let status_is = |n: u32, want: NodeStatus, what: &str| {
            let s = statuses.get(n as usize).copied();
            if s == Some(want) {
                Ok(())
            } else {
                Err(format!("n{n} is {}: it cannot be {what}", status_name(s)))
            }
        };
        let one = |action: Action, n: u32| {
            let mut e = event(action);
            e.nodes = nodes(vec![n]);
            vec![e]
        };
        Ok(match self {
            UserAction::Crash(n) => {
                status_is(server(*n)?, NodeStatus::Up, "crashed")
                    .or_else(|_| status_is(*n, NodeStatus::Paused, "crashed"))?;
                one(Action::Crash, *n)
            }
            UserAction::Restart(n) => {
                status_is(server(*n)?, NodeStatus::Down, "restarted")?;
                one(Action::Restart, *n)
            }
            UserAction::Pause(n) => {
                status_is(server(*n)?, NodeStatus::Up, "paused")?;
                one(Action::Pause, *n)
            }
            UserAction::Resume(n) => {
                status_is(server(*n)?, NodeStatus::Paused, "resumed")?;
                one(Action::Resume, *n)
            }
            UserAction::CutLink(a, b) | UserAction::HealLink(a, b) => {
                let (a, b) = (server(*a)?, server(*b)?);
                if a == b {
                    return Err("a link joins two different servers".into());
                }
                let cut = matches!(self, UserAction::CutLink(..));
                [(a, b), (b, a)]
                    .into_iter()
                    .map(|(x, y)| {
                        if cut {
                            let mut e = event(Action::Partition);
                            e.one_way = Some(Spanned::new(
                                0..0,
                                OneWay {
                                    from: Selector::Nodes(vec![x]),
                                    to: Selector::Nodes(vec![y]),
                                },
                            ));
                            e
                        } else {
                            let mut e = event(Action::HealLink);
                            e.from = nodes(vec![x]);
                            e.to = nodes(vec![y]);
                            e
                        }
                    })
                    .collect()
            }
            UserAction::Partition(groups) => {
                let groups: Vec<Vec<u32>> =
                    groups.iter().filter(|g| !g.is_empty()).cloned().collect();
                if groups.len() < 2 {
                    return Err("a partition needs nodes on both sides".into());
                }
                for g in &groups {
                    for &n in g {
                        server(n)?;
                    }
                }
                let mut e = event(Action::Partition);
                e.groups = Some(Spanned::new(
                    0..0,
                    groups.into_iter().map(Selector::Nodes).collect(),
                ));
                vec![e]
            }
            UserAction::HealAll => vec![event(Action::Heal)],
            UserAction::Submit(command) => {
                let command = command.trim();
                if command.is_empty() {
                    return Err("type a command first (`put x 1`, `get x`)".into());
                }
                let mut e = event(Action::Submit);
                e.command = Some(Spanned::new(0..0, command.to_string()));
                vec![e]
            }
        })
    }
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
