//! Applying committed entries to the state machine, answering clients, and compacting the log
//! into a snapshot.

use super::{Role, Server};
use crate::host::Host;
use crate::log::Payload;
use crate::persist::{self, Record};
use crate::snapshot::Snapshot;
use rsm::{Outcome, Reply, ReplyOutcome, StateMachine};
use sim_core::{Ctx, Mark};

impl<S: StateMachine> Server<S> {
    /// Applies every committed entry not yet applied, in order; the leader answers the
    /// clients whose commands these were.
    pub(crate) fn apply_committed<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        if self.applied < self.commit {
            ctx.mark(Mark::Committed { index: self.commit });
        }
        while self.applied < self.commit {
            let index = self.applied + 1;
            let Some(entry) = self.log.get(index) else {
                // Only a buggy configuration commits past what the log holds.
                break;
            };
            self.applied = index;
            let Payload::Command(command) = &entry.payload else {
                continue;
            };
            let output = self.store.apply(command);
            if let Some(outcomes) = &mut self.outcomes {
                outcomes.push(Outcome {
                    index,
                    command: (**command).clone(),
                    output: output.clone(),
                });
            }
            if let Some((client, seq)) = self.owed.remove(&index)
                && let Some(output) = output
            {
                let reply = Reply {
                    seq,
                    outcome: ReplyOutcome::Ok(output),
                };
                Self::send(ctx, client, reply_msg(reply));
            }
        }
        self.serve_reads(ctx);
        self.maybe_snapshot(ctx);
    }

    /// Keeps every command applied from now on with its result, for [`Server::take_outcomes`]:
    /// a host that proposes commands itself learns what they answered.
    pub fn keep_outcomes(&mut self) {
        self.outcomes.get_or_insert_with(Vec::new);
    }

    /// The commands applied since the last call, with their results, in log order (none
    /// unless [`Server::keep_outcomes`] was called).
    pub fn take_outcomes(&mut self) -> Vec<Outcome<S>> {
        self.outcomes
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Compacts the log once enough applied entries follow the last snapshot (thesis 5.1).
    fn maybe_snapshot<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        let threshold = self.config.snapshot_threshold;
        if threshold == 0 || self.applied < self.log.snapshot_index() + threshold {
            return;
        }
        let index = self.applied;
        let (Some(term), Some(hash)) = (self.log.term_at(index), self.log.hash_at(index)) else {
            return;
        };
        let snapshot = Snapshot {
            index,
            term,
            hash,
            members: self.members_at(index),
            store: self.store.snapshot(),
        };
        let disk = ctx.disk();
        disk.put(
            persist::SNAPSHOT,
            Record::Snapshot(Box::new(snapshot.clone())).into(),
        );
        disk.remove_below(persist::LOG, index + 1);
        disk.sync();
        self.log.compact(index);
        let members = snapshot.members.clone();
        self.configs.retain(|(i, _)| *i > index);
        self.configs.insert(0, (index, members));
        self.snapshot = Some(Box::new(snapshot));
    }

    /// What a leader does when its commit index moves: reads waiting for the first entry of
    /// its term get their read index, and a leader that committed its own removal leaves.
    pub(crate) fn on_commit_advanced<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        if self.role != Role::Leader {
            return;
        }
        if self.commit >= self.term_start {
            let commit = self.commit;
            for r in &mut self.reads {
                if r.read_index.is_none() {
                    r.read_index = Some(commit);
                }
            }
            self.serve_reads(ctx);
        }
        let config_index = self.configs.last().map_or(0, |(i, _)| *i);
        if !self.is_voter() && self.commit >= config_index {
            ctx.annotate(format!(
                "{} committed its own removal and steps down",
                self.id
            ));
            let term = self.term;
            self.become_follower(term, None, ctx);
        }
    }
}

fn reply_msg<S: StateMachine>(reply: Reply<S>) -> crate::message::Msg<S> {
    crate::message::Msg::Reply(reply)
}
