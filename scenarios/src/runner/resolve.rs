//! Timed faults from the file: selectors resolved at the moment the fault fires.

use super::engine::Runner;
use crate::error::ScenarioError;
use crate::scenario::{Action, FaultEvent, LinkPatch, Selector};
use sim_core::{Fault, NodeId, NodeStatus, PartitionSpec, Time};

/// Selector resolution for one fault: `majority` and `minority` share one shuffle, drawn the
/// first time either is needed.
#[derive(Default)]
pub(crate) struct Picks {
    shuffle: Option<Vec<u32>>,
}

impl Runner {
    /// The servers an action can act on, for `random`.
    fn candidates(&self, action: Action) -> Vec<u32> {
        let want: &[NodeStatus] = match action {
            Action::Crash | Action::Pause | Action::ClockDrift => &[NodeStatus::Up],
            Action::Restart => &[NodeStatus::Down],
            Action::Resume => &[NodeStatus::Paused],
            _ => &[NodeStatus::Up, NodeStatus::Paused, NodeStatus::Down],
        };
        (0..self.servers)
            .filter(|&n| want.contains(&self.status(n)))
            .collect()
    }

    /// The nodes `sel` names now.
    pub(crate) fn select(&mut self, sel: &Selector, action: Action, picks: &mut Picks) -> Vec<u32> {
        match sel {
            Selector::Nodes(v) => v.clone(),
            Selector::Leader => self.run.leader().map(|l| vec![l.0]).unwrap_or_default(),
            Selector::Random => {
                let c = self.candidates(action);
                if c.is_empty() {
                    return Vec::new();
                }
                let i = self.run.faults_rng().index(c.len());
                vec![c[i]]
            }
            Selector::Majority | Selector::Minority => {
                if picks.shuffle.is_none() {
                    let mut all: Vec<u32> = (0..self.servers).collect();
                    self.run.faults_rng().shuffle(&mut all);
                    picks.shuffle = Some(all);
                }
                let all = picks.shuffle.as_deref().unwrap_or_default();
                let q = (all.len() / 2 + 1).min(all.len());
                if *sel == Selector::Majority {
                    all[..q].to_vec()
                } else {
                    all[q..].to_vec()
                }
            }
            Selector::AllCrashed => (0..self.servers)
                .filter(|&n| self.status(n) == NodeStatus::Down)
                .collect(),
            Selector::All => (0..self.servers).collect(),
        }
    }

    /// Fault number `i` of the file fires at `t`.
    pub(crate) fn file_fault(&mut self, t: Time, i: usize) -> Result<(), ScenarioError> {
        let s = std::sync::Arc::clone(&self.s);
        let f: &FaultEvent = &s.faults[i];
        let action = *f.action.get_ref();
        let leader = self.run.leader();
        let mut picks = Picks::default();
        let mut faults = Vec::new();
        let mut lost_leader = None;
        let mut touched: Vec<u32> = Vec::new();
        let ids = |v: &[u32]| v.iter().map(|&n| NodeId(n)).collect::<Vec<_>>();
        match action {
            Action::Crash
            | Action::Restart
            | Action::Pause
            | Action::Resume
            | Action::ClockDrift => {
                let sel = f
                    .nodes
                    .as_ref()
                    .map(|s| s.get_ref().clone())
                    .unwrap_or(Selector::Nodes(vec![]));
                touched = self.select(&sel, action, &mut picks);
                for &n in &touched {
                    let node = NodeId(n);
                    faults.push(match action {
                        Action::Crash => Fault::Crash { node },
                        Action::Restart => Fault::Restart { node },
                        Action::Pause => Fault::Pause { node },
                        Action::Resume => Fault::Resume { node },
                        _ => {
                            self.drifted.insert(n);
                            Fault::ClockDrift {
                                node,
                                rate: f.rate.unwrap_or(1.0),
                            }
                        }
                    });
                }
                if matches!(action, Action::Crash | Action::Pause)
                    && let Some(l) = leader
                    && touched.contains(&l.0)
                {
                    lost_leader = Some((l, false));
                }
            }
            Action::Partition => {
                if let Some(groups) = &f.groups {
                    let mut resolved = Vec::new();
                    for g in groups.get_ref() {
                        let nodes = self.select(g, action, &mut picks);
                        touched.extend(&nodes);
                        resolved.push(ids(&nodes));
                    }
                    faults.push(Fault::Partition {
                        spec: PartitionSpec::Groups(resolved),
                    });
                } else if let Some(iso) = &f.isolate {
                    touched = self.select(iso.get_ref(), action, &mut picks);
                    for &n in &touched {
                        faults.push(Fault::Partition {
                            spec: PartitionSpec::Isolate(NodeId(n)),
                        });
                    }
                    if let Some(l) = leader
                        && touched.contains(&l.0)
                    {
                        lost_leader = Some((l, true));
                    }
                } else if let Some(ow) = &f.one_way {
                    let from = self.select(&ow.get_ref().from, action, &mut picks);
                    let to = self.select(&ow.get_ref().to, action, &mut picks);
                    touched.extend(from.iter().chain(&to));
                    faults.push(Fault::Partition {
                        spec: PartitionSpec::OneWay {
                            from: ids(&from),
                            to: ids(&to),
                        },
                    });
                } else if let Some(b) = &f.bridge {
                    let left = self.select(&b.get_ref().left, action, &mut picks);
                    let node = self.select(&b.get_ref().node, action, &mut picks);
                    if let Some(&bridge) = node.first() {
                        touched.extend(left.iter().chain([&bridge]));
                        faults.push(Fault::Partition {
                            spec: PartitionSpec::Bridge {
                                left: ids(&left),
                                bridge: NodeId(bridge),
                            },
                        });
                    }
                }
            }
            Action::Heal => faults.push(Fault::HealAll),
            // A client command is typed in by the runner's `submit`, not applied as a fault.
            Action::Submit => {}
            Action::HealLink | Action::DegradeLink | Action::RestoreLink => {
                let none = Selector::Nodes(vec![]);
                let from_sel = f.from.as_ref().map_or(&none, |s| s.get_ref()).clone();
                let to_sel = f.to.as_ref().map_or(&none, |s| s.get_ref()).clone();
                let from = self.select(&from_sel, action, &mut picks);
                let to = self.select(&to_sel, action, &mut picks);
                let net = self.s.network.to_sim();
                for &a in &from {
                    for &b in &to {
                        if a == b {
                            continue;
                        }
                        touched.extend([a, b]);
                        let (fa, fb) = (NodeId(a), NodeId(b));
                        faults.push(match action {
                            Action::HealLink => Fault::HealLink { from: fa, to: fb },
                            Action::DegradeLink => {
                                self.degraded.insert((a, b));
                                let base = net
                                    .overrides
                                    .iter()
                                    .rev()
                                    .find(|o| o.from == fa && o.to == fb)
                                    .map_or(&net.default, |o| &o.model);
                                let model = LinkPatch {
                                    latency: &f.latency,
                                    loss: f.loss,
                                    duplicate: f.duplicate,
                                    bandwidth: f.bandwidth,
                                }
                                .over(base);
                                Fault::DegradeLink {
                                    from: fa,
                                    to: fb,
                                    model,
                                }
                            }
                            _ => {
                                self.degraded.remove(&(a, b));
                                self.restore_link(a, b)
                            }
                        });
                    }
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let who: Vec<String> = touched.iter().map(|n| format!("n{n}")).collect();
        let selectors: Vec<String> = f
            .selectors()
            .iter()
            .filter(|(s, _)| !matches!(s, Selector::Nodes(_)))
            .map(|(s, _)| s.to_string())
            .collect();
        let why = if selectors.is_empty() {
            String::new()
        } else {
            format!(" ({})", selectors.join(", "))
        };
        if faults.is_empty() {
            self.note(
                t,
                format!("{} skipped: no node matched{why}", action.name()),
            );
            return Ok(());
        }
        self.note(
            t,
            format!("{} {}{why}", action.name(), who.join(",")).replace("  ", " "),
        );
        for fault in faults {
            self.apply(t, fault)?;
        }
        if let Some((l, isolated)) = lost_leader {
            self.watches.leader_lost(t, l, isolated);
        }
        Ok(())
    }
}
