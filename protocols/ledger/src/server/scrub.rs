//! The scrub: a node reads its copy of the chain back, one block per step, cycling, and checks
//! each against the chain the servers agreed on. A block that does not read, does not agree
//! with its own Merkle root, or is not the block the chain names at its height (tampered with:
//! rewritten with valid checksums) is fetched again from a peer.

use super::LedgerServer;
use crate::node::LedgerNode;
use sim_core::Ctx;

impl LedgerServer {
    /// Checks the next block of the stored chain.
    pub(super) fn scrub_step(&mut self, ctx: &mut Ctx<'_, LedgerNode>) {
        if self.stored == 0 {
            return;
        }
        if self.scrub_at > self.stored || self.scrub_at == 0 {
            self.scrub_at = 1;
        }
        let height = self.scrub_at;
        self.scrub_at += 1;
        if self.missing.contains_key(&height) {
            // Known missing already, and being fetched.
            return;
        }
        self.counters.scrubbed += 1;
        let expected = self.ledger().header(height).map(|h| h.hash());
        let on_disk = self.disk_block(height, ctx).map(|b| b.hash());
        if on_disk.is_none() || on_disk != expected {
            ctx.annotate(format!(
                "{} found block {height} damaged on its disk: it fetches it again",
                self.id
            ));
            self.lost(height, ctx.now());
            if self.fetching.is_none() {
                self.fetch(ctx);
            }
        }
    }
}
