//! Nemesis strikes and their undoing, drawn from the faults stream as the run goes.

use super::agenda::{Item, Undo};
use super::engine::Runner;
use crate::error::ScenarioError;
use crate::scenario::NemesisKind;
use sim_core::{
    Duration, Fault, LinkModel, NodeId, NodeStatus, PartitionSpec, RecordAim, StorageFault, Time,
};

/// What one strike does: the engine's faults, how to undo them, and the words for the report.
#[derive(Default)]
struct Strike {
    faults: Vec<Fault>,
    undo: Vec<Undo>,
    text: String,
}

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
        let next = t + Duration(n.interval.get_ref().nanos());
        if next < until {
            self.agenda.push(next, Item::Strike(i));
        }
        let servers = self.servers;
        let leader = self.run.leader();
        let strike = match kind {
            NemesisKind::RandomPartition if servers >= 2 => self.random_partition(),
            NemesisKind::MajoritiesRing if servers >= 4 => self.majorities_ring(),
            NemesisKind::CrashRestart | NemesisKind::Pause => self.stop_one(t, kind, leader),
            NemesisKind::ClockDrift => self.drift_one(n.drift.unwrap_or(0.5)),
            NemesisKind::FlakyLinks if servers >= 2 => {
                let kinds = n.kinds.as_ref().map(|k| k.get_ref().clone());
                self.flaky_links(n.loss.unwrap_or(0.5), n.links.unwrap_or(1), kinds)
            }
            NemesisKind::DiskFaults => self.disk_faults(n),
            _ => Strike::default(),
        };
        if strike.faults.is_empty() {
            self.note(
                t,
                format!("nemesis {} skipped: nothing to act on", kind.name()),
            );
            return Ok(());
        }
        self.note(t, format!("nemesis {}: {}", kind.name(), strike.text));
        for f in strike.faults {
            self.apply(t, f)?;
        }
        let Some(duration) = &n.duration else {
            // Damage to a disk is not undone.
            return Ok(());
        };
        let back = t + Duration(duration.get_ref().nanos());
        // The heal at the end of the safety phase undoes everything; an undo after it could
        // disturb the liveness phase (restarting a node the heal already restarted).
        if back < horizon || (self.s.run.heal_at().is_none() && back <= self.s.run.end()) {
            self.agenda.push(back, Item::Undo(strike.undo));
        }
        Ok(())
    }

    /// Cuts a drawn non-empty proper subset of the servers off from the rest.
    fn random_partition(&mut self) -> Strike {
        let servers = self.servers;
        let mut all: Vec<u32> = (0..servers).collect();
        self.run.faults_rng().shuffle(&mut all);
        let k = 1 + self.run.faults_rng().below(u64::from(servers) - 1) as usize;
        let side: Vec<NodeId> = all[..k].iter().map(|&x| NodeId(x)).collect();
        Strike {
            faults: vec![Fault::Partition {
                spec: PartitionSpec::Groups(vec![side]),
            }],
            undo: vec![Undo::HealAll],
            text: format!("partition {} | rest", names(&all[..k])),
        }
    }

    /// Cuts every link between servers farther apart than their nearest neighbours on a drawn
    /// ring: each server still reaches a majority (itself and its neighbours), but the
    /// majorities differ from server to server.
    fn majorities_ring(&mut self) -> Strike {
        let servers = self.servers;
        let mut ring: Vec<u32> = (0..servers).collect();
        self.run.faults_rng().shuffle(&mut ring);
        let q = servers / 2 + 1;
        let reach = q / 2; // neighbours on each side: ceil((q - 1) / 2)
        let len = ring.len();
        let mut faults = Vec::new();
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
        Strike {
            faults,
            undo: vec![Undo::HealAll],
            text: format!("majorities ring {}", names(&ring)),
        }
    }

    /// Damages the disk of one drawn server: each storage fault with its rate, in a fixed
    /// order. A torn write needs the server running (it is a crash).
    fn disk_faults(&mut self, n: &crate::scenario::Nemesis) -> Strike {
        let node = self.run.faults_rng().below(u64::from(self.servers)) as u32;
        let up = self.status(node) == NodeStatus::Up;
        let mut strike = Strike::default();
        let mut done = Vec::new();
        for (key, rate) in n.disk_rates() {
            let rng = self.run.faults_rng();
            if !rng.chance(rate.unwrap_or(0.0)) {
                continue;
            }
            let (draw, noise) = (rng.next_u64(), rng.next_u64());
            let aim = RecordAim {
                name: n.record.clone(),
                index: None,
                draw,
            };
            let storage = match key {
                "corrupt" => StorageFault::Corrupt { aim, noise },
                "lost_write" => StorageFault::LostWrite,
                "torn_write" if up => StorageFault::TornWrite { draw, noise },
                "torn_write" => continue,
                "misdirected_write" => StorageFault::MisdirectedWrite { draw },
                _ => StorageFault::ReadError { aim },
            };
            done.push(storage.name());
            strike.faults.push(Fault::Storage {
                node: NodeId(node),
                storage,
            });
        }
        strike.text = format!("n{node}: {}", done.join(", "));
        strike
    }

    /// Crashes or pauses one drawn running server; losing the leader restarts its watch.
    fn stop_one(&mut self, t: Time, kind: NemesisKind, leader: Option<NodeId>) -> Strike {
        let up: Vec<u32> = (0..self.servers)
            .filter(|&x| self.status(x) == NodeStatus::Up)
            .collect();
        if up.is_empty() {
            return Strike::default();
        }
        let node = up[self.run.faults_rng().index(up.len())];
        let mut strike = if kind == NemesisKind::CrashRestart {
            Strike {
                faults: vec![Fault::Crash { node: NodeId(node) }],
                undo: vec![Undo::Restart(node)],
                text: format!("crash n{node}"),
            }
        } else {
            Strike {
                faults: vec![Fault::Pause { node: NodeId(node) }],
                undo: vec![Undo::Resume(node)],
                text: format!("pause n{node}"),
            }
        };
        if leader == Some(NodeId(node)) {
            self.watches.leader_lost(t, NodeId(node), false);
            strike.text.push_str(" (leader)");
        }
        strike
    }

    /// Makes one drawn server's clock run at a drawn rate within `drift` of 1.
    fn drift_one(&mut self, drift: f64) -> Strike {
        let node = self.run.faults_rng().below(u64::from(self.servers)) as u32;
        let u = self.run.faults_rng().unit_f64();
        let rate = 1.0 - drift + 2.0 * drift * u;
        self.drifted.insert(node);
        Strike {
            faults: vec![Fault::ClockDrift {
                node: NodeId(node),
                rate,
            }],
            undo: vec![Undo::Clock(node)],
            text: format!("clock-drift n{node} rate {rate:.3}"),
        }
    }

    /// Gives `links` drawn directed links the loss `loss`, the rest of each link's model kept;
    /// with `kinds`, only messages of those kinds are lost, on top of the link's own loss.
    fn flaky_links(&mut self, loss: f64, links: u32, kinds: Option<Vec<String>>) -> Strike {
        let servers = self.servers;
        let net = self.s.network.to_sim();
        let mut strike = Strike::default();
        let mut cut = Vec::new();
        for _ in 0..links {
            let a = self.run.faults_rng().below(u64::from(servers)) as u32;
            let b = (a + 1 + self.run.faults_rng().below(u64::from(servers) - 1) as u32) % servers;
            let (fa, fb) = (NodeId(a), NodeId(b));
            let base = net
                .overrides
                .iter()
                .rev()
                .find(|o| o.from == fa && o.to == fb)
                .map_or(&net.default, |o| &o.model);
            self.degraded.insert((a, b));
            strike.faults.push(match &kinds {
                Some(kinds) => {
                    self.kinds_degraded.insert((a, b));
                    let mut extra = LinkModel::with_latency(sim_core::Latency::constant(
                        sim_core::Duration::ZERO,
                    ));
                    extra.loss = loss;
                    Fault::DegradeKinds {
                        from: fa,
                        to: fb,
                        kinds: kinds.clone(),
                        extra,
                    }
                }
                None => Fault::DegradeLink {
                    from: fa,
                    to: fb,
                    model: LinkModel {
                        loss,
                        ..base.clone()
                    },
                },
            });
            strike.undo.push(Undo::Link(a, b));
            cut.push(format!("n{a}->n{b}"));
        }
        let which = kinds
            .map(|k| format!(" of {}", k.join(", ")))
            .unwrap_or_default();
        strike.text = format!("flaky links {} (loss {loss}{which})", cut.join(","));
        strike
    }

    /// Undoes a strike at `t`, as far as it still applies.
    pub(crate) fn undo(&mut self, t: Time, undo: &[Undo]) -> Result<(), ScenarioError> {
        let mut done = Vec::new();
        for u in undo {
            let faults = match *u {
                Undo::HealAll => vec![Fault::HealAll],
                Undo::Restart(n) => (self.status(n) == NodeStatus::Down)
                    .then_some(Fault::Restart { node: NodeId(n) })
                    .into_iter()
                    .collect(),
                Undo::Resume(n) => (self.status(n) == NodeStatus::Paused)
                    .then_some(Fault::Resume { node: NodeId(n) })
                    .into_iter()
                    .collect(),
                Undo::Clock(n) => {
                    self.drifted.remove(&n);
                    vec![Fault::ClockDrift {
                        node: NodeId(n),
                        rate: 1.0,
                    }]
                }
                Undo::Link(a, b) => {
                    self.degraded.remove(&(a, b));
                    self.restore_link(a, b)
                }
            };
            for f in faults {
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
