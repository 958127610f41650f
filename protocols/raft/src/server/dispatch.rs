//! Where a Raft message goes: the one entry point a host node calls for every message of
//! Raft's it receives.

use super::Server;
use crate::host::Host;
use crate::message::Msg;
use rsm::StateMachine;
use sim_core::{Ctx, NodeId};

impl<S: StateMachine> Server<S> {
    /// Handles a Raft message from `from`. A client's reply is for clients: a server ignores
    /// it.
    #[inline]
    pub fn on_message<H: Host<S>>(&mut self, from: NodeId, msg: Msg<S>, ctx: &mut Ctx<'_, H>) {
        match msg {
            Msg::RequestVote {
                term,
                last_index,
                last_term,
                pre_vote,
            } => self.on_request_vote(from, term, last_index, last_term, pre_vote, ctx),
            Msg::Vote {
                term,
                granted,
                pre_vote,
            } => self.on_vote(from, term, granted, pre_vote, ctx),
            Msg::AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                round,
            } => self.on_append_entries(
                from, term, prev_index, prev_term, entries, commit, round, ctx,
            ),
            Msg::AppendReply {
                term,
                success,
                match_index,
                conflict_index,
                conflict_term,
                round,
            } => self.on_append_reply(
                from,
                term,
                success,
                match_index,
                conflict_index,
                conflict_term,
                round,
                ctx,
            ),
            Msg::InstallSnapshot {
                term,
                snapshot,
                round,
            } => self.on_install_snapshot(from, term, *snapshot, round, ctx),
            Msg::SnapshotReply { term, index, round } => {
                self.on_snapshot_reply(from, term, index, round, ctx)
            }
            Msg::Request(r) => self.on_request(from, r, ctx),
            Msg::Reply(_) => {}
            Msg::TermQuery => self.on_term_query(from, ctx),
            Msg::TermReply { term } => self.on_term_reply(from, term, ctx),
            Msg::RepairFrom { term, index } => self.on_repair_from(from, term, index, ctx),
        }
    }
}
