//! What a storage fault does to a node's disk, and the words the trace keeps of it.

use crate::NodeId;
use crate::disk::DiskKey;
use crate::engine::NodeStatus;
use crate::node::Node;
use crate::sim::Simulation;
use crate::storage_fault::{RecordAim, StorageFault};

fn key_text(k: DiskKey) -> String {
    format!("{}/{}", k.0, k.1)
}

impl<N: Node> Simulation<N> {
    /// Applies a storage fault to `node`'s disk; returns what it did.
    pub(crate) fn apply_storage(&mut self, node: NodeId, fault: &StorageFault) -> String {
        if let StorageFault::TornWrite { draw, noise } = fault {
            return self.torn_write(node, *draw, *noise);
        }
        let disk = &mut self.core_mut().runtimes[node.index()].disk;
        let aimed = |aim: &RecordAim, disk: &crate::Disk<N::Record>| match (&aim.name, aim.index) {
            (Some(name), Some(i)) => disk
                .pick(Some(name), 0)
                .map(|k| DiskKey(k.0, i))
                .filter(|k| disk.get(*k).is_some() || disk.read(*k).is_err()),
            (name, _) => disk.pick(name.as_deref(), aim.draw),
        };
        match fault {
            StorageFault::Corrupt { aim, noise } => match aimed(aim, disk) {
                Some(k) => {
                    disk.corrupt(k, *noise);
                    format!("corrupted {}", key_text(k))
                }
                None => "ignored: no such record".to_string(),
            },
            StorageFault::ReadError { aim } => match aimed(aim, disk) {
                Some(k) => {
                    disk.make_unreadable(k);
                    format!("{} unreadable", key_text(k))
                }
                None => "ignored: no such record".to_string(),
            },
            StorageFault::Tamper { aim, noise } => match aimed(aim, disk) {
                Some(k) => {
                    disk.tamper(k, *noise);
                    format!("tampered with {}", key_text(k))
                }
                None => "ignored: no such record".to_string(),
            },
            StorageFault::LostWrite => {
                disk.arm(false, 0);
                "the next write will not reach the medium".to_string()
            }
            StorageFault::MisdirectedWrite { draw } => {
                disk.arm(true, *draw);
                "the next write will land under another record".to_string()
            }
            StorageFault::TornWrite { .. } => unreachable!("handled above"),
        }
    }

    /// A crash that tears the sync under way, if there is one.
    fn torn_write(&mut self, node: NodeId, draw: u64, noise: u64) -> String {
        if self.status(node) != Some(NodeStatus::Up) {
            return "ignored: node is not running".to_string();
        }
        let core = self.core_mut();
        let (now, takes) = (core.now, core.disk_sync);
        let tear = core.runtimes[node.index()]
            .disk
            .tear(now, takes, draw, noise);
        let crashed = self.crash_node(node);
        match tear {
            None => format!("no sync under way; crashed: {crashed}"),
            Some(t) => {
                // What the node sent since the sync began was waiting for it: it never left.
                self.core_mut().unsent.push((node, t.began, now));
                let torn = t.torn.map_or("a removal undone".to_string(), |k| {
                    format!("{} torn", key_text(k))
                });
                format!(
                    "tore a sync: {} of {} writes persisted, {torn}; crashed: {crashed}",
                    t.kept, t.of
                )
            }
        }
    }
}
