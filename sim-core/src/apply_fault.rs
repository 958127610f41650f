//! What each fault does to the engine's state. Every fault is traced with a detail saying what
//! it actually did, including faults that had nothing to act on ("ignored: node is down").

use crate::NodeId;
use crate::engine::{NodeStatus, PPM};
use crate::fault::Fault;
use crate::node::Node;
use crate::sim::Simulation;

impl<N: Node> Simulation<N> {
    /// Applies one fault now; returns the node whose state it changed, if any.
    pub(crate) fn apply_fault(&mut self, fault: Fault) -> Option<NodeId> {
        let (detail, touched) = match &fault {
            Fault::Crash { node } => (self.crash_node(*node), Some(*node)),
            Fault::Restart { node } => {
                let mut detail = String::new();
                if self.status(*node) != Some(NodeStatus::Down) {
                    detail = format!("rebooted running node: {}; ", self.crash_node(*node));
                }
                detail.push_str("recovering from disk");
                (detail, Some(*node))
            }
            Fault::Pause { node } => {
                let slot = self.slot_mut(*node);
                let detail = match slot.status {
                    NodeStatus::Up => {
                        slot.status = NodeStatus::Paused;
                        "paused".to_string()
                    }
                    NodeStatus::Paused => "ignored: already paused".to_string(),
                    NodeStatus::Down => "ignored: node is down".to_string(),
                };
                (detail, Some(*node))
            }
            Fault::Resume { node } => (self.resume(*node), Some(*node)),
            Fault::Partition { spec } => {
                self.core_mut().network.partition.apply(spec);
                (String::new(), None)
            }
            Fault::HealLink { from, to } => {
                self.core_mut().network.partition.heal_link(*from, *to);
                (String::new(), None)
            }
            Fault::HealPartition { spec } => {
                let healed = self.core_mut().network.partition.heal(spec);
                let detail = if healed { "" } else { "ignored: not in force" };
                (detail.to_string(), None)
            }
            Fault::Reconnect { node } => {
                let cut = self.core_mut().network.partition.reconnect(*node);
                let detail = if cut { "" } else { "ignored: not cut off" };
                (detail.to_string(), None)
            }
            Fault::DegradeKinds {
                from,
                to,
                kinds,
                extra,
            } => {
                self.core_mut()
                    .network
                    .degrade_kinds(*from, *to, kinds, extra.clone());
                (String::new(), None)
            }
            Fault::HealAll => {
                self.core_mut().network.partition.heal_all();
                (String::new(), None)
            }
            Fault::DegradeLink { from, to, model } => {
                self.core_mut()
                    .network
                    .set_link(*from, *to, Some(model.clone()));
                (String::new(), None)
            }
            Fault::RestoreLink { from, to } => {
                self.core_mut().network.set_link(*from, *to, None);
                (String::new(), None)
            }
            Fault::SetDefaultLink { model } => {
                self.core_mut().network.set_default(model.clone());
                (String::new(), None)
            }
            Fault::Storage { node, storage } => (self.apply_storage(*node, storage), Some(*node)),
            Fault::ClockDrift { node, rate } => {
                let old = self.slot_mut(*node).rate_ppm;
                let new = (libm::round(rate * PPM as f64) as u64).max(1);
                self.slot_mut(*node).rate_ppm = new;
                let core = self.core_mut();
                let now = core.now;
                let rt = &mut core.runtimes[node.index()];
                rt.anchor_local = rt.local_time(now, old);
                rt.anchor_real = now;
                (format!("clock rate {new} ppm"), None)
            }
        };
        let core = self.core_mut();
        core.stats.faults += 1;
        let now = core.now;
        core.trace.fault(now, &fault, &detail);
        if let Fault::Restart { node } = fault {
            self.start_node(node);
        }
        touched
    }

    /// Crashes a node: memory, timers, held events and unsynced writes are lost.
    pub(crate) fn crash_node(&mut self, node: NodeId) -> String {
        let slot = self.slot_mut(node);
        if slot.status == NodeStatus::Down {
            if slot.incarnation == 0 && slot.state.is_none() {
                // Crashed before its first start: it stays down until a restart.
                slot.incarnation = 1;
                return "crashed before starting; stays down until restarted".to_string();
            }
            return "ignored: node is down".to_string();
        }
        slot.status = NodeStatus::Down;
        slot.incarnation += 1;
        slot.state = None;
        let rt = &mut self.core_mut().runtimes[node.index()];
        let lost_writes = rt.disk.crash();
        let lost_events = rt.held.len();
        rt.held.clear();
        // A sync under way ends with the node; the next incarnation's messages are not held.
        rt.sends_from = crate::Time::ZERO;
        format!("lost {lost_writes} unsynced writes and {lost_events} waiting events")
    }

    /// Resumes a paused node: what waited is handed over in arrival order, now.
    fn resume(&mut self, node: NodeId) -> String {
        let slot = self.slot_mut(node);
        match slot.status {
            NodeStatus::Paused => {
                slot.status = NodeStatus::Up;
                let core = self.core_mut();
                let now = core.now;
                let rt = &mut core.runtimes[node.index()];
                let held = std::mem::take(&mut rt.held);
                let n = held.len();
                for event in held {
                    core.queue.push_node_event(now, node.0, event);
                }
                format!("resumed with {n} waiting events")
            }
            NodeStatus::Up => "ignored: not paused".to_string(),
            NodeStatus::Down => "ignored: node is down".to_string(),
        }
    }
}
