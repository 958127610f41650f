//! Answering readers: the chain's head, and a record with its Merkle path and the headers up
//! to the reader's head. The record comes from this server's copy of its block, checked
//! against the agreed chain first (a copy that fails is repaired, and the state's copy, if it
//! still holds the block, is served instead); with the `trust-local-copy` bug the local copy
//! is served as it reads.

use super::LedgerServer;
use crate::block::Block;
use crate::config::LedgerBug;
use crate::message::Msg;
use crate::node::LedgerNode;
use crate::reader::ReadAnswer;
use crate::record::{Record, block_key};
use sim_core::{Ctx, NodeId};

impl LedgerServer {
    /// Tells a reader this server's head.
    pub(super) fn answer_head(&mut self, to: NodeId, round: u64, ctx: &mut Ctx<'_, LedgerNode>) {
        let (height, hash) = self.ledger().head();
        ctx.send(
            to,
            Msg::Head {
                round,
                height,
                hash,
            },
        );
    }

    /// Answers a read of block `height`'s record at `pick` (modulo its count), with the
    /// headers from `since` up to `head`.
    pub(super) fn answer_read(
        &mut self,
        to: NodeId,
        (round, height, head, pick): (u64, u64, u64, u64),
        since: u64,
        ctx: &mut Ctx<'_, LedgerNode>,
    ) {
        let known = self.ledger().height();
        let block = if height == 0 || height > head || head > known {
            None
        } else {
            self.block_to_serve(height, ctx)
        };
        let found = block.and_then(|b| {
            let count = u64::from(b.header.count.max(1));
            let position = b.header.first + pick % count;
            let (entry, proof) = b.prove(position)?;
            Some((b.header, (pick % count) as u32, entry, proof))
        });
        let path = match found {
            Some(_) => (since.max(1)..=head)
                .filter_map(|h| self.ledger().header(h).copied())
                .collect(),
            None => Vec::new(),
        };
        if let Some((header, ..)) = &found {
            self.journal.served.push((height, header.hash()));
        }
        ctx.send(to, Msg::ReadAnswer(ReadAnswer { round, found, path }));
    }

    /// The copy of block `height` to serve.
    fn block_to_serve(&mut self, height: u64, ctx: &mut Ctx<'_, LedgerNode>) -> Option<Block> {
        if self.config.has(LedgerBug::TrustLocalCopy) {
            return match ctx.disk().get(block_key(height)) {
                Some(Record::Block(b)) => Some(Block::clone(b)),
                _ => self.ledger().recent_block(height).cloned(),
            };
        }
        let expected = self.ledger().header(height).map(|h| h.hash());
        match self.disk_block(height, ctx) {
            Some(b) if Some(b.hash()) == expected => Some(b),
            local => {
                // A copy that should be there and is not, or is not the chain's: repair it.
                if local.is_some() || height <= self.stored {
                    self.lost(height, ctx.now());
                    if self.fetching.is_none() {
                        self.fetch(ctx);
                    }
                }
                self.ledger().recent_block(height).cloned()
            }
        }
    }
}
