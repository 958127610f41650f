//! Linearizable reads without log entries: the thesis's ReadIndex (section 6.4).
//!
//! A read notes the commit index (once the leader has committed an entry of its own term),
//! waits for a round of heartbeats sent after it arrived to be acknowledged by a majority (so
//! the leader was still the leader when the read arrived), waits until the state machine has
//! applied up to the noted index, and then reads.

use super::Server;
use crate::host::Host;
use crate::message::Msg;
use kv::KvMap;
use rsm::StateMachine;
use rsm::{Reply, ReplyOutcome};
use sim_core::{Ctx, NodeId};

/// A read waiting for its confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRead<S: StateMachine = KvMap> {
    /// The client node.
    pub client: NodeId,
    /// The client's operation number.
    pub seq: u64,
    /// The read.
    pub op: S::Input,
    /// The commit index noted for the read; `None` until an entry of the leader's term commits.
    pub read_index: Option<u64>,
    /// The heartbeat round whose majority acknowledgement confirms leadership for this read.
    pub round: u64,
}

impl<S: StateMachine> Server<S> {
    /// Queues a read and makes sure a heartbeat round will confirm it.
    pub(crate) fn begin_read<H: Host<S>>(
        &mut self,
        client: NodeId,
        seq: u64,
        op: S::Input,
        ctx: &mut Ctx<'_, H>,
    ) {
        let read_index = (self.commit >= self.term_start).then_some(self.commit);
        let round = self.read_round + 1;
        self.reads.push(PendingRead {
            client,
            seq,
            op,
            read_index,
            round,
        });
        if self.confirmed_round() >= self.read_round {
            self.start_read_round(ctx);
        } else {
            self.round_wanted = true;
        }
    }

    /// Sends a new round of heartbeats that confirm leadership when a majority echoes them.
    pub(crate) fn start_read_round<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        self.read_round += 1;
        self.round_wanted = false;
        let peers: Vec<NodeId> = self.progress.keys().copied().collect();
        for p in peers {
            self.send_append(p, ctx);
        }
        self.confirm_reads(ctx);
    }

    /// The highest round a majority of the configuration has acknowledged.
    fn confirmed_round(&self) -> u64 {
        self.majority_value(|m| {
            if m == self.id {
                self.read_round
            } else {
                self.progress.get(&m).map_or(0, |p| p.acked_round)
            }
        })
    }

    /// Called when acknowledgements arrive: serves what is confirmed, and starts the next
    /// round for reads that arrived during the last one.
    pub(crate) fn confirm_reads<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        if self.reads.is_empty() {
            return;
        }
        // Serving reads changes neither the round nor the acknowledgements: rank them once.
        let confirmed = self.serve_reads(ctx);
        if self.round_wanted && confirmed >= self.read_round {
            self.start_read_round(ctx);
        }
    }

    /// Answers every read whose round is confirmed and whose index has been applied; returns
    /// the confirmed round (0 when no read waits, as nothing then needs it).
    pub(crate) fn serve_reads<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) -> u64 {
        if self.reads.is_empty() {
            return 0;
        }
        let confirmed = self.confirmed_round();
        let applied = self.applied;
        let store = &self.store;
        self.reads.retain(|r| {
            let ready = r.round <= confirmed && r.read_index.is_some_and(|i| i <= applied);
            // Only reads are queued, so the machine answers every one of them.
            if ready && let Some(output) = store.query(&r.op) {
                let reply = Reply {
                    seq: r.seq,
                    outcome: ReplyOutcome::Ok(output),
                };
                Self::send(ctx, r.client, Msg::Reply(reply));
            }
            !ready
        });
        confirmed
    }
}
