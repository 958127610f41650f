//! The node's copy of the chain: blocks written as they are cut, checked again after a
//! restart, and fetched from peers when missing or damaged. A fetched block is taken only if
//! it agrees with itself and its hash is the one the agreed chain names at its height.

use super::{Fetching, LedgerServer};
use crate::block::Block;
use crate::config::LedgerBug;
use crate::message::{FETCH_BATCH, Msg};
use crate::node::LedgerNode;
use crate::record::{Record, block_key};
use crate::timer::Timer;
use sim_core::{Ctx, NodeId};

impl LedgerServer {
    /// Brings the disk's copy up to the agreed head: a block already on disk is checked
    /// against the chain, a block among the state's latest is written from it, and any other
    /// is noted missing and fetched. The walk does not stop at a missing block: a server that
    /// installed a snapshot far ahead of its disk writes the latest blocks while it still has
    /// them and fetches the older ones in batches, rather than waiting a round trip per block
    /// while the latest ones leave the state.
    pub(super) fn store_new_blocks(&mut self, ctx: &mut Ctx<'_, LedgerNode>) {
        let head = self.ledger().height();
        let mut wrote = false;
        while self.stored < head {
            let height = self.stored + 1;
            if self.missing.contains_key(&height) {
                self.stored = height;
                continue;
            }
            let Some(expected) = self.ledger().header(height).map(|h| h.hash()) else {
                break;
            };
            if self
                .disk_block(height, ctx)
                .is_some_and(|b| b.hash() == expected)
            {
                self.stored = height;
                continue;
            }
            match self.ledger().recent_block(height).cloned() {
                Some(block) => {
                    self.write_block(block, ctx);
                    wrote = true;
                    self.stored = height;
                }
                None => {
                    self.lost(height, ctx.now());
                    self.stored = height;
                }
            }
        }
        if wrote {
            ctx.disk().sync();
        }
        if !self.missing.is_empty() && self.fetching.is_none() {
            self.fetch(ctx);
        }
    }

    /// The block at `height` on this disk, if it reads well and agrees with itself.
    pub(super) fn disk_block(&self, height: u64, ctx: &mut Ctx<'_, LedgerNode>) -> Option<Block> {
        match ctx.disk().read(block_key(height)) {
            Ok(Some(Record::Block(b))) if b.header.height == height && b.check().is_ok() => {
                Some(Block::clone(b))
            }
            _ => None,
        }
    }

    /// Writes `block` (the caller syncs).
    fn write_block(&mut self, block: Block, ctx: &mut Ctx<'_, LedgerNode>) {
        let height = block.header.height;
        self.journal.written.push((height, block.hash()));
        ctx.disk()
            .put(block_key(height), Record::Block(Box::new(block)));
    }

    /// Asks the next peer for the lowest missing blocks.
    pub(super) fn fetch(&mut self, ctx: &mut Ctx<'_, LedgerNode>) {
        let Some(&from) = self.missing.keys().next() else {
            self.fetching = None;
            return;
        };
        let peers = self.peers();
        if peers.is_empty() {
            return;
        }
        self.attempts += 1;
        let peer = peers[(self.attempts as usize) % peers.len()];
        let upto = self
            .missing
            .keys()
            .take_while(|&&h| h < from + FETCH_BATCH)
            .last()
            .copied()
            .unwrap_or(from);
        self.fetching = Some(Fetching {
            attempt: self.attempts,
            peer,
        });
        ctx.send(peer, Msg::Fetch { from, upto });
        ctx.set_timer(
            self.config.fetch_timeout,
            Timer::Fetch {
                attempt: self.attempts,
            },
        );
    }

    /// Sends a peer the blocks it asked for that this node can read (from its disk, or from
    /// the state's latest blocks), checked as this node would check its own.
    pub(super) fn answer_fetch(
        &mut self,
        to: NodeId,
        from: u64,
        upto: u64,
        ctx: &mut Ctx<'_, LedgerNode>,
    ) {
        let upto = upto.min(from.saturating_add(FETCH_BATCH - 1));
        let mut blocks = Vec::new();
        for height in from..=upto {
            let block = self
                .disk_block(height, ctx)
                .or_else(|| self.ledger().recent_block(height).cloned());
            if let Some(b) = block {
                blocks.push(b);
            }
        }
        ctx.send(to, Msg::Blocks(blocks));
    }

    /// Takes the blocks a peer sent: each one the chain vouches for (or any, with the
    /// `no-verify-on-repair` bug) replaces the missing or damaged copy.
    pub(super) fn take_blocks(
        &mut self,
        from: NodeId,
        blocks: Vec<Block>,
        ctx: &mut Ctx<'_, LedgerNode>,
    ) {
        let verify = !self.config.has(LedgerBug::NoVerifyOnRepair);
        let mut wrote = false;
        for block in blocks {
            let height = block.header.height;
            if !self.missing.contains_key(&height) {
                continue;
            }
            let expected = self.ledger().header(height).map(|h| h.hash());
            let good = block.check().is_ok() && expected == Some(block.hash());
            if verify && !good {
                continue;
            }
            self.write_block(block, ctx);
            wrote = true;
            self.found(height, ctx.now());
        }
        if wrote {
            ctx.disk().sync();
        }
        if self.fetching.is_some_and(|f| f.peer == from) {
            self.fetching = None;
            // Whatever is still missing goes to the next peer at once if this one had none of
            // it, or continues with the next batch.
            self.fetch(ctx);
        }
    }
}
