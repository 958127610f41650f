//! What a node knows of the sibling blocks of one layer: who represents each, its last
//! summary, and when it was last heard.

use crate::layout::Layout;
use sim_core::{Duration, NodeId, Time};
use tree_sync::Summary;

/// One sibling block as a node sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sibling {
    /// Who syncs are sent to: the block's leader as far as this node knows, or the id being
    /// tried while the leader is unknown.
    pub rep: NodeId,
    /// The block's last summary from `rep` (none before the first sync arrives).
    pub summary: Option<Summary>,
    /// When (local clock) `rep` was last heard from; a new table counts everyone as heard at
    /// its creation, so that nobody is presumed dead before a timeout has passed.
    pub heard: Time,
    /// True if `rep` was named by a [`crate::Msg::Leader`] answer since the last sync to this
    /// block: the next sync goes to it instead of to the block's next id.
    pub named: bool,
}

/// The sibling blocks of one layer, by their slot in the group (`None`: this node's own
/// slot, or a block the cluster is too small to have).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    pub(crate) slots: Vec<Option<Sibling>>,
}

impl Layer {
    /// The table of `id`'s layer-`layer` group at local time `now`: each sibling block is
    /// represented by its lowest id until someone else is heard from.
    pub fn new(layout: &Layout, layer: u8, id: NodeId, now: Time) -> Layer {
        let mut slots = vec![None; layout.group as usize];
        for s in layout.sibling_slots(layer, id) {
            if let Some(ids) = layout.sibling_ids(layer, id, s) {
                slots[s] = Some(Sibling {
                    rep: NodeId(ids.start),
                    summary: None,
                    heard: now,
                    named: false,
                });
            }
        }
        Layer { slots }
    }

    /// The sibling blocks, with their slots.
    pub fn siblings(&self) -> impl Iterator<Item = (usize, &Sibling)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(s, x)| x.as_ref().map(|x| (s, x)))
    }

    /// The sibling at `slot`, if that block exists.
    pub fn get_mut(&mut self, slot: usize) -> Option<&mut Sibling> {
        self.slots.get_mut(slot)?.as_mut()
    }

    /// The siblings heard from within `timeout` of local time `now`.
    pub fn fresh(&self, now: Time, timeout: Duration) -> impl Iterator<Item = &Sibling> {
        self.siblings()
            .map(|(_, s)| s)
            .filter(move |s| s.is_fresh(now, timeout))
    }
}

impl Sibling {
    /// True if the representative was heard from within `timeout` of `now`.
    pub fn is_fresh(&self, now: Time, timeout: Duration) -> bool {
        now.saturating_since(self.heard) <= timeout
    }
}
