//! The ledger as a replicated state machine: records appended in the order the log agrees,
//! closed into hash-chained blocks when the leader cuts them.
//!
//! The state keeps every block's header (the chain), the records not yet in a block, and the
//! records of the last [`WINDOW`] blocks, from which each node writes the blocks to its own
//! disk as it applies them. Older records live only on the nodes' disks: a node that missed
//! them (it installed a snapshot, or its disk lost them) fetches them from a peer and checks
//! them against the chain.

use crate::block::{Block, BlockHeader, GENESIS};
use crate::digest::Hash32;
use crate::entry::Entry;
use crate::headers::Headers;
use crate::model::LedgerModel;
use crate::op::{LedgerAnswer, LedgerOp};
use crate::records::Records;
use crate::submitted::Submitted;
use crate::workload::LedgerWorkload;
use rsm::{Digest, StateMachine};
use serde::{Deserialize, Serialize};
use sim_core::Table;
use std::collections::VecDeque;
use std::fmt;

/// How many of the latest blocks the state keeps whole.
pub const WINDOW: usize = 64;

/// The replicated ledger.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// Every block's header, by height (the first is height 1).
    headers: Headers,
    /// The latest blocks, whole.
    window: VecDeque<Block>,
    /// Records appended and not yet in a block, oldest first, each with the Merkle leaf its
    /// append carried (written as the plain records).
    pending: VecDeque<Submitted>,
    /// Records appended so far: the next record's position.
    appended: u64,
}

impl Ledger {
    /// Every block's header, height 1 first.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The chain's head: its height and hash (`(0, GENESIS)` before the first block).
    pub fn head(&self) -> (u64, Hash32) {
        self.headers
            .last()
            .map_or((0, GENESIS), |h| (h.height, h.hash()))
    }

    /// The chain's height (0 before the first block), without hashing the head: what the
    /// servers ask at every event.
    pub fn height(&self) -> u64 {
        self.headers.last().map_or(0, |h| h.height)
    }

    /// The header of the block at `height`.
    pub fn header(&self, height: u64) -> Option<&BlockHeader> {
        let i = height.checked_sub(1)?;
        self.headers.get(usize::try_from(i).ok()?)
    }

    /// The block at `height`, if it is among the latest ones kept whole.
    pub fn recent_block(&self, height: u64) -> Option<&Block> {
        let oldest = self.window.front()?.header.height;
        self.window
            .get(usize::try_from(height.checked_sub(oldest)?).ok()?)
    }

    /// The height of the block holding ledger position `position`, if it is in one.
    pub fn height_of(&self, position: u64) -> Option<u64> {
        let i = self
            .headers
            .partition_point(|h| h.first + u64::from(h.count) <= position);
        self.headers
            .get(i)
            .filter(|h| h.holds(position))
            .map(|h| h.height)
    }

    /// Records waiting for a block.
    pub fn pending(&self) -> &VecDeque<Submitted> {
        &self.pending
    }

    /// Records appended so far.
    pub fn appended(&self) -> u64 {
        self.appended
    }

    /// Bytes of the records waiting for a block.
    pub fn pending_bytes(&self) -> u64 {
        self.pending.iter().map(|e| e.size).sum()
    }

    fn cut(&mut self, count: u32, time: u64) -> LedgerAnswer {
        if count == 0 || count as usize > self.pending.len() {
            return LedgerAnswer::Refused;
        }
        let (entries, leaves): (Vec<Entry>, Vec<Hash32>) = self
            .pending
            .drain(..count as usize)
            .map(|s| (s.entry(), s.leaf()))
            .unzip();
        let (height, prev) = self.head();
        let first = self
            .headers
            .last()
            .map_or(0, |h| h.first + u64::from(h.count));
        let records = Records::with_leaves(entries, &leaves);
        let block = Block::cut(height + 1, prev, first, records, time);
        let hash = block.hash();
        self.headers.push(block.header);
        self.window.push_back(block);
        if self.window.len() > WINDOW {
            self.window.pop_front();
        }
        LedgerAnswer::Cut {
            height: height + 1,
            hash,
        }
    }
}

impl StateMachine for Ledger {
    type Input = LedgerOp;
    type Output = LedgerAnswer;
    type Snapshot = Ledger;
    type Model = LedgerModel;
    type Workload = LedgerWorkload;

    fn apply(&mut self, op: &LedgerOp) -> LedgerAnswer {
        match op {
            LedgerOp::Append(e) => {
                let position = self.appended;
                self.appended += 1;
                // The leaf first, into the logged operation every server shares; the copy
                // then carries it.
                e.leaf();
                self.pending.push_back(e.clone());
                LedgerAnswer::Appended { position }
            }
            LedgerOp::Cut { count, time } => self.cut(*count, *time),
        }
    }

    fn is_read(_: &LedgerOp) -> bool {
        false
    }

    fn query(&self, _: &LedgerOp) -> Option<LedgerAnswer> {
        None
    }

    fn snapshot(&self) -> Ledger {
        self.clone()
    }

    fn restore(snapshot: &Ledger) -> Ledger {
        snapshot.clone()
    }

    fn approx_bytes(&self) -> u64 {
        Self::snapshot_bytes(self)
    }

    fn snapshot_bytes(s: &Ledger) -> u64 {
        s.headers.len() as u64 * 96
            + s.window.iter().map(Block::size).sum::<u64>()
            + s.pending.len() as u64 * Entry::BYTES
            + 16
    }

    fn input_bytes(op: &LedgerOp) -> u64 {
        match op {
            LedgerOp::Append(_) => Entry::BYTES,
            LedgerOp::Cut { .. } => 12,
        }
    }

    fn output_bytes(answer: &LedgerAnswer) -> u64 {
        match answer {
            LedgerAnswer::Appended { .. } => 8,
            LedgerAnswer::Cut { .. } => 40,
            LedgerAnswer::Refused => 1,
        }
    }

    fn digest<D: Digest>(op: &LedgerOp, d: &mut D) {
        match op {
            LedgerOp::Append(e) => {
                d.word(0);
                d.word(u64::from(e.id.producer));
                d.word(e.id.number);
                d.bytes(&e.data.0);
                d.word(e.size);
                d.word(e.time);
            }
            LedgerOp::Cut { count, time } => {
                d.word(1);
                d.word(u64::from(*count));
                d.word(*time);
            }
        }
    }

    fn describe(op: &LedgerOp, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(op, f)
    }

    fn table(&self, rows: usize) -> Table {
        let mut table = Table {
            name: "blocks".into(),
            columns: ["height", "records", "first", "hash"]
                .map(String::from)
                .to_vec(),
            ..Table::default()
        };
        for h in self
            .headers
            .iter_from(self.headers.len().saturating_sub(rows))
        {
            table.rows.push(vec![
                h.height.to_string(),
                h.count.to_string(),
                h.first.to_string(),
                h.hash().to_string(),
            ]);
            table.marked.push(false);
        }
        table
    }

    fn model() -> LedgerModel {
        LedgerModel
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain;
    use crate::entry::RecordId;

    fn append(ledger: &mut Ledger, producer: u32, number: u64) -> LedgerAnswer {
        ledger.apply(&LedgerOp::Append(
            Entry {
                id: RecordId { producer, number },
                data: Hash32::of_data(&number.to_be_bytes()),
                size: 100,
                time: number,
            }
            .into(),
        ))
    }

    #[test]
    fn appends_wait_for_a_cut_which_closes_a_chained_block() {
        let mut l = Ledger::default();
        for n in 0..5 {
            assert_eq!(
                append(&mut l, 1, n + 1),
                LedgerAnswer::Appended { position: n }
            );
        }
        assert_eq!(l.pending().len(), 5);
        assert_eq!(
            l.apply(&LedgerOp::Cut { count: 6, time: 9 }),
            LedgerAnswer::Refused
        );
        assert_eq!(
            l.apply(&LedgerOp::Cut { count: 0, time: 9 }),
            LedgerAnswer::Refused
        );
        let LedgerAnswer::Cut { height: 1, hash } = l.apply(&LedgerOp::Cut { count: 3, time: 9 })
        else {
            panic!("the first cut makes block 1");
        };
        assert_eq!(l.head(), (1, hash));
        assert_eq!(l.pending().len(), 2);
        append(&mut l, 2, 1);
        let LedgerAnswer::Cut { height: 2, .. } = l.apply(&LedgerOp::Cut { count: 3, time: 10 })
        else {
            panic!("block 2");
        };
        assert_eq!(l.header(2).unwrap().prev, hash);
        assert_eq!(l.header(2).unwrap().first, 3);
        assert_eq!(chain::verify(None, l.headers().iter()), Ok(()));
        assert_eq!(l.height_of(2), Some(1));
        assert_eq!(l.height_of(3), Some(2));
        assert_eq!(l.height_of(6), None, "not yet appended");
        assert_eq!(
            l.recent_block(2).unwrap().entries[2].id,
            RecordId {
                producer: 2,
                number: 1
            }
        );
        assert_eq!(l.recent_block(2).unwrap().check(), Ok(()));
        assert_eq!(l.header(0), None);
        assert_eq!(l.header(3), None);
    }

    #[test]
    fn only_the_latest_blocks_are_kept_whole() {
        let mut l = Ledger::default();
        for n in 0..(WINDOW as u64 + 10) {
            append(&mut l, 1, n + 1);
            l.apply(&LedgerOp::Cut { count: 1, time: n });
        }
        let (height, _) = l.head();
        assert_eq!(height, WINDOW as u64 + 10);
        assert!(l.recent_block(10).is_none());
        assert_eq!(l.recent_block(11).unwrap().header.height, 11);
        assert_eq!(l.recent_block(height).unwrap().header.height, height);
        assert!(l.recent_block(height + 1).is_none());
        assert_eq!(l.headers().len() as u64, height);
        let copy = Ledger::restore(&l.snapshot());
        assert_eq!(copy, l);
    }
}
