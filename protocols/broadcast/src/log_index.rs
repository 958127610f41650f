//! Finding a broadcast in a node's log of deliveries by its id, in four bytes an entry.
//!
//! A node resends broadcasts from its log (anti-entropy answers, rumors) and the duplicate
//! checker asks whether a delivery's id came before. A map from id to position costs a
//! B-tree leaf of eleven entries on first use, more than a gossip node's whole log holds at a
//! million nodes. The index keeps only the positions, sorted by the id they point at.

use crate::growth::grow_gently;
use crate::id::{Delivery, MsgId};

/// Positions in a log of deliveries, ordered by the id of the delivery at each.
#[derive(Clone, Debug, Default)]
pub(crate) struct LogIndex(Vec<u32>);

impl LogIndex {
    /// Records that position `at` of `log` holds `id` (the position may be the one about to
    /// be appended). False, and nothing recorded, if an earlier position holds `id` already.
    pub(crate) fn insert(&mut self, log: &[Delivery], at: usize, id: MsgId) -> bool {
        match self.find(log, id) {
            Ok(_) => false,
            Err(i) => {
                grow_gently(&mut self.0);
                let at = u32::try_from(at).expect("a log of fewer than 2^32 deliveries");
                self.0.insert(i, at);
                true
            }
        }
    }

    /// The position of `id` in `log`, if recorded.
    pub(crate) fn get(&self, log: &[Delivery], id: MsgId) -> Option<usize> {
        self.find(log, id).ok().map(|i| self.0[i] as usize)
    }

    fn find(&self, log: &[Delivery], id: MsgId) -> Result<usize, usize> {
        self.0.binary_search_by(|&at| log[at as usize].id.cmp(&id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{NodeId, Time};

    fn delivery(origin: u32, seq: u32) -> Delivery {
        Delivery {
            id: MsgId {
                origin: NodeId(origin),
                incarnation: 0,
                seq,
            },
            payload: 0,
            sent_at: Time::ZERO,
            at: Time::ZERO,
            hops: 0,
        }
    }

    #[test]
    fn finds_every_position_and_refuses_a_repeated_id() {
        let mut log = Vec::new();
        let mut index = LogIndex::default();
        for (origin, seq) in [(3, 0), (1, 2), (2, 0), (1, 0), (3, 1)] {
            let d = delivery(origin, seq);
            assert!(index.insert(&log, log.len(), d.id));
            log.push(d);
        }
        for (at, d) in log.iter().enumerate() {
            assert_eq!(index.get(&log, d.id), Some(at));
        }
        assert_eq!(index.get(&log, delivery(1, 1).id), None);
        let again = delivery(2, 0);
        assert!(!index.insert(&log, log.len(), again.id));
        assert_eq!(
            index.get(&log, again.id),
            Some(2),
            "the first position stays"
        );
    }
}
