//! The leader's cuts: a block is due once `block_size` records wait, or once the oldest has
//! waited `block_timeout`. One cut is in flight at a time; it is proposed again if it has not
//! been applied within two timeouts (a lost proposal, a change of leader).

use super::LedgerServer;
use crate::config::LedgerConfig;
use crate::node::LedgerNode;
use crate::op::LedgerOp;
use sim_core::{Ctx, Duration};

/// How often the leader looks whether a block is due: a quarter of the timeout, at least a
/// millisecond.
pub(super) fn tick(config: &LedgerConfig) -> Duration {
    Duration((config.block_timeout.0 / 4).max(1_000_000))
}

impl LedgerServer {
    /// Proposes a cut if one is due.
    pub(super) fn maybe_cut(&mut self, ctx: &mut Ctx<'_, LedgerNode>) {
        if !self.consensus.is_leader() {
            self.cut = None;
            self.oldest = None;
            return;
        }
        let now = ctx.local_time();
        let ledger = self.consensus.state();
        let waiting = ledger.pending().len() as u64;
        let height = ledger.height();
        if waiting == 0 {
            self.oldest = None;
            return;
        }
        let first = ledger.appended() - waiting;
        match self.oldest {
            Some((position, _)) if position == first => {}
            _ => self.oldest = Some((first, now)),
        }
        let timeout = self.config.block_timeout;
        if let Some((at_height, at)) = self.cut {
            if at_height == height && now < at + Duration(timeout.0.saturating_mul(2)) {
                return;
            }
            self.cut = None;
        }
        let since = self.oldest.map_or(now, |(_, t)| t);
        let count = if waiting >= u64::from(self.config.block_size) {
            self.config.block_size
        } else if now >= since + timeout {
            waiting as u32
        } else {
            return;
        };
        self.seq += 1;
        let op = LedgerOp::Cut { count, time: now.0 };
        if self.consensus.propose(self.id, self.seq, op, ctx).is_ok() {
            self.cut = Some((height, now));
        }
    }
}
