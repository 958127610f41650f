//! The server's state as the model checker tells states apart.

use super::Server;
use rsm::StateMachine;
use sim_core::model::StateHasher;

impl<S: StateMachine> Server<S> {
    /// Writes every field that decides what the server does next: Figure 2's state, the
    /// leader's progress, the pending client work and reads, and the repair of a damaged disk.
    /// Left out: the election deadline and the last contact (times: the model checker fires
    /// timers at any moment), the elections won and the applied outcomes (metrics), and the
    /// configuration, which is the same in every state.
    pub(crate) fn model_state(&self, h: &mut StateHasher) {
        h.put_u64(self.term);
        h.put_debug(&self.voted_for);
        h.put_debug(&self.log);
        h.put_debug(&self.role);
        h.put_debug(&self.leader);
        h.put_u64(self.commit);
        h.put_u64(self.applied);
        h.put_debug(&self.store);
        h.put_debug(&self.snapshot);
        // Sets and maps of nodes go in by the nodes' names (`put_nodes`, `put_node_map`), so
        // that the renamed copies of a state write the same bytes (symmetry reduction).
        h.put_u64(self.configs.len() as u64);
        for (index, members) in &self.configs {
            h.put_u64(*index);
            h.put_nodes(members.iter().copied());
        }
        h.put_nodes(self.votes.iter().copied());
        h.put_node_map(self.progress.iter().map(|(n, p)| (*n, p)));
        h.put_u64(self.term_start);
        h.put_debug(&self.owed);
        h.put_debug(&self.gathering);
        h.put_debug(&self.reads);
        h.put_u64(self.read_round);
        h.put_debug(&self.round_wanted);
        h.put_nodes(self.heard.iter().copied());
        h.put_debug(&self.repair);
        match &self.term_query {
            Some(answers) => {
                h.put_u64(1);
                h.put_node_map(answers.iter().map(|(n, t)| (*n, t)));
            }
            None => h.put_u64(0),
        }
    }
}
