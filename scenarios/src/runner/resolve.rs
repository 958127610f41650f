//! Timed faults of the plan: selectors resolved at the moment the fault fires, by one small
//! function per kind of action. The order of selections is the order of the file's keys, so
//! that every draw from the faults stream stays where it was.

use super::engine::Runner;
use crate::error::ScenarioError;
use crate::scenario::{
    Action, Bridge, FaultAction, LinkChange, OneWay, PartitionShape, RecordTarget, Selector,
    StorageKind,
};
use sim_core::{Fault, NodeId, NodeStatus, PartitionSpec, RecordAim, StorageFault, Time};
use std::sync::Arc;

/// Selector resolution for one fault: `majority` and `minority` share one shuffle, drawn the
/// first time either is needed.
#[derive(Default)]
pub(crate) struct Picks {
    shuffle: Option<Vec<u32>>,
}

/// What a fault came to when it fired: the engine's faults and the servers they touch.
#[derive(Default)]
struct Resolved {
    faults: Vec<Fault>,
    touched: Vec<u32>,
}

fn ids(v: &[u32]) -> Vec<NodeId> {
    v.iter().map(|&n| NodeId(n)).collect()
}

fn cut(spec: PartitionSpec) -> Fault {
    Fault::Partition { spec }
}

/// Whether `action` takes a leader it touches away: `Some(true)` when it isolates it (the
/// leader watch then waits for a leader other than the isolated one).
fn loses_leader(action: &FaultAction) -> Option<bool> {
    match action {
        FaultAction::Crash { .. } | FaultAction::Stop { .. } | FaultAction::Pause { .. } => {
            Some(false)
        }
        FaultAction::Partition(PartitionShape::Isolate(_)) => Some(true),
        _ => None,
    }
}

impl Runner {
    /// The servers an action can act on, for `random`.
    fn candidates(&self, action: Action) -> Vec<u32> {
        let want: &[NodeStatus] = match action {
            Action::Crash
            | Action::Stop
            | Action::Pause
            | Action::ClockDrift
            | Action::TornWrite
            | Action::LostWrite
            | Action::MisdirectedWrite => &[NodeStatus::Up],
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
            Selector::Follower | Selector::Followers => {
                let Some(leader) = self.run.leader() else {
                    return Vec::new();
                };
                let c: Vec<u32> = (0..self.servers)
                    .filter(|&n| n != leader.0 && self.status(n) == NodeStatus::Up)
                    .collect();
                if c.is_empty() || *sel == Selector::Followers {
                    return c;
                }
                let i = self.run.faults_rng().index(c.len());
                vec![c[i]]
            }
            Selector::Random => {
                let c = self.candidates(action);
                if c.is_empty() {
                    return Vec::new();
                }
                let i = self.run.faults_rng().index(c.len());
                vec![c[i]]
            }
            Selector::RandomK(_) | Selector::Fraction(_) => {
                let k = match sel {
                    Selector::Fraction(ppm) => {
                        (u64::from(*ppm) * u64::from(self.servers) / 1_000_000).max(1)
                    }
                    Selector::RandomK(k) => u64::from(*k),
                    _ => 0,
                };
                let mut c = self.candidates(action);
                let mut out = Vec::new();
                while (out.len() as u64) < k && !c.is_empty() {
                    let i = self.run.faults_rng().index(c.len());
                    out.push(c.remove(i));
                }
                out.sort_unstable();
                out
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
                .filter(|&n| self.status(n) == NodeStatus::Down && !self.stopped.contains(&n))
                .collect(),
            Selector::All => (0..self.servers).collect(),
            Selector::OldLeader => {
                self.leaders.look(self.run.as_ref());
                self.leaders
                    .old_leader()
                    .map(|l| vec![l.0])
                    .unwrap_or_default()
            }
            Selector::Crashed => (0..self.servers)
                .filter(|&n| self.status(n) == NodeStatus::Down)
                .collect(),
            Selector::Disconnected => self.disconnected(),
            Selector::Label(l) => self
                .labels
                .get(l)
                .map(|d| d.nodes.clone())
                .unwrap_or_default(),
            Selector::Union(parts) => {
                // In the order written, each node once: the draws of the rules in it happen
                // in that order too.
                let mut out: Vec<u32> = Vec::new();
                for p in parts {
                    for n in self.select(p, action, picks) {
                        if !out.contains(&n) {
                            out.push(n);
                        }
                    }
                }
                out
            }
        }
    }

    /// The servers that cannot reach a majority of the servers (themselves included) both
    /// ways through the partitions in force.
    fn disconnected(&self) -> Vec<u32> {
        (0..self.servers)
            .filter(|&a| !super::leaders::reaches_majority(self.run.as_ref(), a))
            .collect()
    }

    /// Fault number `i` of the plan fires at `t`, if its guard lets it.
    pub(crate) fn file_fault(&mut self, t: Time, i: usize) -> Result<(), ScenarioError> {
        let plan = Arc::clone(&self.plan);
        let action = &plan[i].action;
        let guard = plan[i].guard;
        let up = (0..self.servers)
            .filter(|&n| self.status(n) == NodeStatus::Up)
            .count() as u32;
        if !guard.admits(up) {
            let bounds: Vec<String> = [
                guard.below.map(|b| format!("if_up_below = {b}")),
                guard.above.map(|a| format!("if_up_above = {a}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            self.note(
                t,
                format!(
                    "{} skipped: {up} servers up ({})",
                    action.kind().name(),
                    bounds.join(", ")
                ),
            );
            return Ok(());
        }
        let leader = self.run.leader();
        let mut picks = Picks::default();
        let p = &mut picks;
        let done = match action {
            FaultAction::Crash { nodes } => {
                self.on_nodes(Action::Crash, nodes, p, |node| Fault::Crash { node })
            }
            FaultAction::Storage {
                nodes,
                kind,
                target,
            } => self.storage(nodes, *kind, target, p),
            FaultAction::Stop { nodes } => {
                let done = self.on_nodes(Action::Stop, nodes, p, |node| Fault::Crash { node });
                self.stopped.extend(&done.touched);
                done
            }
            FaultAction::Restart { nodes } => {
                // A node a file names to restart comes back, even one stopped earlier.
                let done = self.on_nodes(Action::Restart, nodes, p, |node| Fault::Restart { node });
                for n in &done.touched {
                    self.stopped.remove(n);
                }
                done
            }
            FaultAction::Pause { nodes } => {
                self.on_nodes(Action::Pause, nodes, p, |node| Fault::Pause { node })
            }
            FaultAction::Resume { nodes } => {
                self.on_nodes(Action::Resume, nodes, p, |node| Fault::Resume { node })
            }
            FaultAction::Reconnect { nodes } => {
                self.on_nodes(Action::Reconnect, nodes, p, |node| Fault::Reconnect {
                    node,
                })
            }
            FaultAction::HealPartition { label } => {
                let specs = self
                    .labels
                    .get(label)
                    .map(|d| d.partitions.clone())
                    .unwrap_or_default();
                Resolved {
                    touched: specs.iter().flat_map(|s| s.nodes()).map(|n| n.0).collect(),
                    faults: specs
                        .into_iter()
                        .map(|spec| Fault::HealPartition { spec })
                        .collect(),
                }
            }
            FaultAction::ClockDrift { nodes, rate } => self.clock_drift(nodes, *rate, p),
            FaultAction::Partition(shape) => self.partition(shape, p),
            FaultAction::Heal => Resolved {
                faults: vec![Fault::HealAll],
                touched: Vec::new(),
            },
            FaultAction::HealLink { from, to } => {
                self.links(Action::HealLink, from, to, p, |_, from, to| {
                    vec![Fault::HealLink { from, to }]
                })
            }
            FaultAction::DegradeLink { from, to, change } => self.degrade(from, to, change, p),
            FaultAction::RestoreLink { from, to } => {
                self.links(Action::RestoreLink, from, to, p, |r, a, b| {
                    r.degraded.remove(&(a.0, b.0));
                    r.restore_link(a.0, b.0)
                })
            }
            // A client command is typed in by the runner's `submit`, not applied as a fault.
            FaultAction::Submit { .. } => Resolved::default(),
        };
        let lost = loses_leader(action)
            .zip(leader)
            .filter(|(_, l)| done.touched.contains(&l.0))
            .map(|(isolated, l)| (l, isolated));
        if let Some(label) = &plan[i].label {
            // In the order they were selected, so a one-way cut from the leader names it first.
            let mut nodes: Vec<u32> = Vec::new();
            for n in &done.touched {
                if !nodes.contains(n) {
                    nodes.push(*n);
                }
            }
            let partitions = done
                .faults
                .iter()
                .filter_map(|f| match f {
                    Fault::Partition { spec } => Some(spec.clone()),
                    _ => None,
                })
                .collect();
            self.labels
                .insert(label.clone(), super::engine::Labelled { nodes, partitions });
        }
        self.fire(t, action, done, lost)
    }

    /// Notes what the fault did (or that no node matched) and schedules its engine faults.
    fn fire(
        &mut self,
        t: Time,
        action: &FaultAction,
        mut done: Resolved,
        lost_leader: Option<(NodeId, bool)>,
    ) -> Result<(), ScenarioError> {
        let name = action.kind().name();
        done.touched.sort_unstable();
        done.touched.dedup();
        let who: Vec<String> = done.touched.iter().map(|n| format!("n{n}")).collect();
        let rules: Vec<String> = action
            .selectors()
            .into_iter()
            .filter(|s| !matches!(s, Selector::Nodes(_)))
            .map(Selector::to_string)
            .collect();
        let why = if rules.is_empty() {
            String::new()
        } else {
            format!(" ({})", rules.join(", "))
        };
        if done.faults.is_empty() {
            self.note(t, format!("{name} skipped: no node matched{why}"));
            return Ok(());
        }
        self.note(
            t,
            format!("{name} {}{why}", who.join(",")).replace("  ", " "),
        );
        for fault in done.faults {
            self.apply(t, fault)?;
        }
        if let Some((l, isolated)) = lost_leader {
            self.watches.leader_lost(t, l, isolated);
        }
        Ok(())
    }

    /// One engine fault per selected node.
    fn on_nodes(
        &mut self,
        action: Action,
        nodes: &Selector,
        picks: &mut Picks,
        make: impl Fn(NodeId) -> Fault,
    ) -> Resolved {
        let touched = self.select(nodes, action, picks);
        let faults = touched.iter().map(|&n| make(NodeId(n))).collect();
        Resolved { faults, touched }
    }

    /// A storage fault on each selected node's disk, with what it hits drawn from the faults
    /// stream (a record, which bytes change), node by node in id order.
    fn storage(
        &mut self,
        nodes: &Selector,
        kind: StorageKind,
        target: &RecordTarget,
        picks: &mut Picks,
    ) -> Resolved {
        let action = FaultAction::Storage {
            nodes: nodes.clone(),
            kind,
            target: target.clone(),
        }
        .kind();
        let touched = self.select(nodes, action, picks);
        let faults = touched
            .iter()
            .map(|&n| {
                let rng = self.run.faults_rng();
                let (draw, noise) = (rng.next_u64(), rng.next_u64());
                let aim = RecordAim {
                    name: target.record.clone(),
                    index: target.index,
                    draw,
                };
                let storage = match kind {
                    StorageKind::Corrupt => StorageFault::Corrupt { aim, noise },
                    StorageKind::LostWrite => StorageFault::LostWrite,
                    StorageKind::TornWrite => StorageFault::TornWrite { draw, noise },
                    StorageKind::MisdirectedWrite => StorageFault::MisdirectedWrite { draw },
                    StorageKind::ReadError => StorageFault::ReadError { aim },
                    StorageKind::Tamper => StorageFault::Tamper { aim, noise },
                };
                Fault::Storage {
                    node: NodeId(n),
                    storage,
                }
            })
            .collect();
        Resolved { faults, touched }
    }

    /// Clock drift, remembering the nodes so that the heal resets their clocks.
    fn clock_drift(&mut self, nodes: &Selector, rate: f64, picks: &mut Picks) -> Resolved {
        let done = self.on_nodes(Action::ClockDrift, nodes, picks, |node| Fault::ClockDrift {
            node,
            rate,
        });
        self.drifted.extend(&done.touched);
        done
    }

    /// A partition of any shape.
    fn partition(&mut self, shape: &PartitionShape, picks: &mut Picks) -> Resolved {
        match shape {
            PartitionShape::Groups(groups) => self.groups(groups, picks),
            PartitionShape::Isolate(nodes) => self.on_nodes(Action::Partition, nodes, picks, |n| {
                cut(PartitionSpec::Isolate(n))
            }),
            PartitionShape::OneWay(o) => self.one_way(o, picks),
            PartitionShape::Bridge(b) => self.bridge(b, picks),
        }
    }

    /// Groups that cannot talk to each other, selected in the order written.
    fn groups(&mut self, groups: &[Selector], picks: &mut Picks) -> Resolved {
        let mut touched = Vec::new();
        let mut resolved = Vec::new();
        for g in groups {
            let nodes = self.select(g, Action::Partition, picks);
            touched.extend(&nodes);
            resolved.push(ids(&nodes));
        }
        let faults = vec![cut(PartitionSpec::Groups(resolved))];
        Resolved { faults, touched }
    }

    /// A one-way cut, `from` selected before `to`.
    fn one_way(&mut self, o: &OneWay, picks: &mut Picks) -> Resolved {
        let from = self.select(&o.from, Action::Partition, picks);
        let to = self.select(&o.to, Action::Partition, picks);
        let spec = PartitionSpec::OneWay {
            from: ids(&from),
            to: ids(&to),
        };
        let touched = from.into_iter().chain(to).collect();
        Resolved {
            faults: vec![cut(spec)],
            touched,
        }
    }

    /// A bridge; one whose node selects nobody does nothing.
    fn bridge(&mut self, b: &Bridge, picks: &mut Picks) -> Resolved {
        let left = self.select(&b.left, Action::Partition, picks);
        let node = self.select(&b.node, Action::Partition, picks);
        let Some(&bridge) = node.first() else {
            return Resolved::default();
        };
        let spec = PartitionSpec::Bridge {
            left: ids(&left),
            bridge: NodeId(bridge),
        };
        let touched = left.into_iter().chain([bridge]).collect();
        Resolved {
            faults: vec![cut(spec)],
            touched,
        }
    }

    /// One engine fault per directed link `from -> to` between two different servers.
    fn links(
        &mut self,
        action: Action,
        from: &Selector,
        to: &Selector,
        picks: &mut Picks,
        mut make: impl FnMut(&mut Self, NodeId, NodeId) -> Vec<Fault>,
    ) -> Resolved {
        let from = self.select(from, action, picks);
        let to = self.select(to, action, picks);
        let mut done = Resolved::default();
        for &a in &from {
            for &b in &to {
                if a != b {
                    done.touched.extend([a, b]);
                    done.faults.extend(make(self, NodeId(a), NodeId(b)));
                }
            }
        }
        done
    }

    /// Degraded links take the change over the model the scenario gives each link, and are
    /// remembered so that the heal restores them.
    fn degrade(
        &mut self,
        from: &Selector,
        to: &Selector,
        change: &LinkChange,
        picks: &mut Picks,
    ) -> Resolved {
        let net = self.s.network.to_sim();
        self.links(Action::DegradeLink, from, to, picks, |r, from, to| {
            r.degraded.insert((from.0, to.0));
            if !change.kinds.is_empty() {
                // The values are extra: over a link that adds nothing.
                r.kinds_degraded.insert((from.0, to.0));
                let none = sim_core::LinkModel::with_latency(sim_core::Latency::constant(
                    sim_core::Duration::ZERO,
                ));
                return vec![Fault::DegradeKinds {
                    from,
                    to,
                    kinds: change.kinds.clone(),
                    extra: change.patch().over(&none),
                }];
            }
            let base = net
                .overrides
                .iter()
                .rev()
                .find(|o| o.from == from && o.to == to)
                .map_or(&net.default, |o| &o.model);
            let model = change.patch().over(base);
            vec![Fault::DegradeLink { from, to, model }]
        })
    }
}
