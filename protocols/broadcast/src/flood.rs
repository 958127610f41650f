//! Best-effort and eager reliable broadcast: sending a broadcast to every neighbour.

use crate::id::Item;
use crate::message::Msg;
use crate::node::BroadcastNode;
use sim_core::{Ctx, NodeId};

impl BroadcastNode {
    /// Sends `item` one hop further to every neighbour except `from` and the origin (neither
    /// needs it). The origin calls it for a best-effort broadcast; in reliable broadcast every
    /// node calls it the first time it sees a broadcast, so a single correct receiver is
    /// enough for every correct node connected to it to get it.
    pub(crate) fn send_to_all_neighbours(
        &mut self,
        item: Item,
        from: Option<NodeId>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let onward = self.onward(item);
        let overlay = self.cfg.overlay.clone();
        for to in overlay.neighbours(self.id, self.n) {
            if Some(to) == from || to == item.id.origin {
                continue;
            }
            self.send(to, Msg::Flood { item: onward }, ctx);
        }
    }
}
