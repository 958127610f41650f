//! Nemesis strikes and their undoing, drawn from the faults stream as the run goes.

use super::agenda::{Item, Undo};
use super::engine::Runner;
use crate::error::ScenarioError;
use crate::scenario::NemesisKind;
use sim_core::{Duration, Fault, LinkModel, NodeId, NodeStatus, PartitionSpec, Time};

impl Runner {
    /// Nemesis number `i` strikes at `t`, and schedules its undo and its next strike.
    pub(crate) fn strike(&mut self, t: Time, i: usize) -> Result<(), ScenarioError> {
        let s = std::sync::Arc::clone(&self.s);
        let n = &s.nemesis[i];
        let kind = *n.kind.get_ref();
        let horizon = self.s.run.fault_horizon();
        let until = n
            .until
            .as_ref()
            .map_or(horizon, |u| Time(u.get_ref().nanos()));
        let interval = Duration(n.interval.get_ref().nanos());
        let length = Duration(n.duration.get_ref().nanos());
        let next = t + interval;
        if next < until {
            self.agenda.push(next, Item::Strike(i));
        }
        let servers = self.servers;
        let leader = self.run.leader();
        let mut faults = Vec::new();
        let mut undo = Vec::new();
        let mut text = String::new();
        match kind {
            NemesisKind::RandomPartition if servers >= 2 => {
                let mut all: Vec<u32> = (0..servers).collect();
                self.run.faults_rng().shuffle(&mut all);
                let k = 1 + self.run.faults_rng().below(u64::from(servers) - 1) as usize;
                let side: Vec<NodeId> = all[..k].iter().map(|&x| NodeId(x)).collect();
                text = format!("partition {} | rest", names(&all[..k]));
                faults.push(Fault::Partition {
                    spec: PartitionSpec::Groups(vec![side]),
                });
                undo.push(Undo::HealAll);
            }
            NemesisKind::MajoritiesRing if servers >= 4 => {
                let mut ring: Vec<u32> = (0..servers).collect();
                self.run.faults_rng().shuffle(&mut ring);
                let q = servers / 2 + 1;
                let reach = q / 2; // neighbours on each side: ceil((q - 1) / 2)
                let len = ring.len();
                for a in 0..len {
                    for b in 0..len {
                        let d = (a as i64 - b as i64).unsigned_abs() as usize;
                        let d = d.min(len - d);
                        if a != b && d > reach as usize {
                            faults.push(Fault::Partition {
                                spec: PartitionSpec::Link {
                                    from: NodeId(ring[a]),
                                    to: NodeId(ring[b]),
                                },
                            });
                        }
                    }
                }
                text = format!("majorities ring {}", names(&ring));
                undo.push(Undo::HealAll);
            }
            NemesisKind::CrashRestart | NemesisKind::Pause => {
                let up: Vec<u32> = (0..servers)
                    .filter(|&x| self.status(x) == NodeStatus::Up)
                    .collect();
                if !up.is_empty() {
                    let node = up[self.run.faults_rng().index(up.len())];
                    if kind == NemesisKind::CrashRestart {
                        faults.push(Fault::Crash { node: NodeId(node) });
                        undo.push(Undo::Restart(node));
                        text = format!("crash n{node}");
                    } else {
                        faults.push(Fault::Pause { node: NodeId(node) });
                        undo.push(Undo::Resume(node));
                        text = format!("pause n{node}");
                    }
                    if leader == Some(NodeId(node)) {
                        self.watches.leader_lost(t, NodeId(node), false);
                        text.push_str(" (leader)");
                    }
                }
            }
            NemesisKind::ClockDrift => {
                let node = self.run.faults_rng().below(u64::from(servers)) as u32;
                let drift = n.drift.unwrap_or(0.5);
                let u = self.run.faults_rng().unit_f64();
                let rate = 1.0 - drift + 2.0 * drift * u;
                self.drifted.insert(node);
                faults.push(Fault::ClockDrift {
                    node: NodeId(node),
                    rate,
                });
                undo.push(Undo::Clock(node));
                text = format!("clock-drift n{node} rate {rate:.3}");
            }
            NemesisKind::FlakyLinks if servers >= 2 => {
                let loss = n.loss.unwrap_or(0.5);
                let net = self.s.network.to_sim();
                let mut cut = Vec::new();
                for _ in 0..n.links.unwrap_or(1) {
                    let a = self.run.faults_rng().below(u64::from(servers)) as u32;
                    let b = (a + 1 + self.run.faults_rng().below(u64::from(servers) - 1) as u32)
                        % servers;
                    let (fa, fb) = (NodeId(a), NodeId(b));
                    let base = net
                        .overrides
                        .iter()
                        .rev()
                        .find(|o| o.from == fa && o.to == fb)
                        .map_or(&net.default, |o| &o.model);
                    let model = LinkModel {
                        loss,
                        ..base.clone()
                    };
                    self.degraded.insert((a, b));
                    faults.push(Fault::DegradeLink {
                        from: fa,
                        to: fb,
                        model,
                    });
                    undo.push(Undo::Link(a, b));
                    cut.push(format!("n{a}->n{b}"));
                }
                text = format!("flaky links {} (loss {loss})", cut.join(","));
            }
            _ => {}
        }
        if faults.is_empty() {
            self.note(
                t,
                format!("nemesis {} skipped: nothing to act on", kind.name()),
            );
            return Ok(());
        }
        self.note(t, format!("nemesis {}: {text}", kind.name()));
        for f in faults {
            self.apply(t, f)?;
        }
        let back = t + length;
        // The heal at the end of the safety phase undoes everything; an undo after it could
        // disturb the liveness phase (restarting a node the heal already restarted).
        if back < horizon || (self.s.run.heal_at().is_none() && back <= self.s.run.end()) {
            self.agenda.push(back, Item::Undo(undo));
        }
        Ok(())
    }

    /// Undoes a strike at `t`, as far as it still applies.
    pub(crate) fn undo(&mut self, t: Time, undo: &[Undo]) -> Result<(), ScenarioError> {
        let mut done = Vec::new();
        for u in undo {
            let fault = match *u {
                Undo::HealAll => Some(Fault::HealAll),
                Undo::Restart(n) => (self.status(n) == NodeStatus::Down)
                    .then_some(Fault::Restart { node: NodeId(n) }),
                Undo::Resume(n) => (self.status(n) == NodeStatus::Paused)
                    .then_some(Fault::Resume { node: NodeId(n) }),
                Undo::Clock(n) => {
                    self.drifted.remove(&n);
                    Some(Fault::ClockDrift {
                        node: NodeId(n),
                        rate: 1.0,
                    })
                }
                Undo::Link(a, b) => {
                    self.degraded.remove(&(a, b));
                    Some(self.restore_link(a, b))
                }
            };
            if let Some(f) = fault {
                done.push(match &f {
                    Fault::HealAll => "heal-all".to_string(),
                    other => format!(
                        "{} {}",
                        other.name(),
                        names(&other.nodes().iter().map(|n| n.0).collect::<Vec<_>>())
                    ),
                });
                self.apply(t, f)?;
            }
        }
        if !done.is_empty() {
            self.note(t, format!("nemesis undo: {}", done.join(", ")));
        }
        Ok(())
    }
}

fn names(ids: &[u32]) -> String {
    ids.iter()
        .map(|n| format!("n{n}"))
        .collect::<Vec<_>>()
        .join(",")
}
