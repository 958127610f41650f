//! The server's state as the model checker tells states apart.

use super::{Proposer, Server};
use rsm::StateMachine;
use sim_core::model::StateHasher;

impl<S: StateMachine> Server<S> {
    /// Writes every field that decides what the server does next: its acceptor, replica and
    /// proposer, whom it follows, and its pending client work and repairs. Left out: when a
    /// leader was last heard and the drawn election timeout (times: the model checker fires
    /// timers at any moment), the elections counted, and what is the same in every state
    /// (its id, the configuration, the servers and quorum sizes).
    pub(crate) fn model_state(&self, h: &mut StateHasher) {
        h.put_debug(&self.acceptor);
        h.put_debug(&self.written_promise);
        self.replica.model_state(h);
        match &self.proposer {
            Proposer::Follower => h.put_u64(0),
            Proposer::Preparing(p) => {
                h.put_u64(1);
                p.model_state(h);
            }
            Proposer::Leading(l) => {
                h.put_u64(2);
                l.model_state(h);
            }
        }
        h.put_debug(&self.leader);
        h.put_debug(&self.leader_ballot);
        h.put_debug(&self.seen);
        h.put_debug(&self.catch_up.map(|(slot, _)| slot));
        h.put_debug(&self.held);
        h.put_debug(&self.inbox);
        h.put_debug(&self.replies);
        h.put_debug(&self.journal);
        h.put_debug(&self.batch_timer);
        h.put_debug(&self.note);
        h.put_debug(&self.ballot_query);
        h.put_debug(&self.repair);
    }
}
