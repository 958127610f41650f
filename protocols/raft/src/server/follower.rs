//! The follower's side of replication: the consistency check, conflict truncation, durable
//! append before answering, and installing a leader's snapshot.

use super::{Role, Server};
use crate::config::Bug;
use crate::host::Host;
use crate::log::{Entry, Payload};
use crate::message::Msg;
use crate::persist::{self, Record};
use crate::snapshot::Snapshot;
use rsm::{StateMachine, Store};
use sim_core::{Ctx, DiskKey, Mark, NodeId};

impl<S: StateMachine> Server<S> {
    /// Notes that the leader of the current term is alive.
    fn heard_from_leader<H: Host<S>>(&mut self, leader: NodeId, term: u64, ctx: &mut Ctx<'_, H>) {
        if term > self.term || self.role != Role::Follower || self.leader != Some(leader) {
            self.become_follower(term, Some(leader), ctx);
        }
        self.last_leader_contact = Some(ctx.local_time());
        self.reset_election_deadline(ctx);
    }

    /// AppendEntries (Figure 2, receiver implementation, steps 1 to 5).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_append_entries<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Vec<Entry<S>>,
        leader_commit: u64,
        round: u64,
        ctx: &mut Ctx<'_, H>,
    ) {
        if term < self.term {
            self.reply_append(from, false, 0, 0, None, round, ctx);
            return;
        }
        self.heard_from_leader(from, term, ctx);
        // Entries the snapshot already covers are committed, hence equal to the leader's.
        let base = self.log.snapshot_index();
        let (prev_index, prev_term, entries) = if prev_index < base {
            let skip = (base - prev_index) as usize;
            if skip > entries.len() {
                self.reply_append(from, true, base, 0, None, round, ctx);
                return;
            }
            let rest = entries[skip..].to_vec();
            (base, self.log.snapshot_term(), rest)
        } else {
            (prev_index, prev_term, entries)
        };
        let last = self.log.last_index();
        if prev_index > last {
            self.reply_append(from, false, 0, last + 1, None, round, ctx);
            self.tell_leader_repair(from, last + 1, ctx);
            return;
        }
        let matches = self.log.term_at(prev_index) == Some(prev_term);
        if !matches && !self.has(Bug::NoConsistencyCheck) {
            let conflict_term = self.log.term_at(prev_index);
            let conflict_index = self.log.first_index_of_term_before(prev_index);
            self.reply_append(from, false, 0, conflict_index, conflict_term, round, ctx);
            self.tell_leader_repair(from, conflict_index, ctx);
            return;
        }
        let new_last = prev_index + entries.len() as u64;
        if entries.is_empty()
            && prev_index == self.log.last_index()
            && self.repair.is_some_and(|upto| prev_index >= upto)
        {
            self.end_repair(ctx);
        }
        let mut changed = false;
        for (k, entry) in entries.into_iter().enumerate() {
            let index = prev_index + 1 + k as u64;
            match self.log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    // A conflict: the entry and all that follow it go (step 3). A correct
                    // cluster never gets here at or below the commit index; a buggy one
                    // can, and the checkers report it rather than a panic.
                    if index <= self.commit {
                        self.commit = index - 1;
                    }
                    self.log.truncate_from(index);
                    ctx.disk().truncate(persist::LOG, index);
                    self.configs.retain(|(i, _)| *i < index || *i == 0);
                    if self.configs.is_empty() {
                        let members = self.members_at(0);
                        self.configs.push((0, members));
                    }
                }
                None => {}
            }
            if let Payload::Config(m) = &entry.payload {
                self.configs.push((index, m.clone()));
            }
            self.log.append(entry.clone());
            let chain = self.log.hash_at(index).unwrap_or(0);
            ctx.disk().put(
                DiskKey(persist::LOG, index),
                Record::Entry { entry, chain }.into(),
            );
            changed = true;
        }
        if changed {
            self.persist_tail(ctx);
            ctx.disk().sync();
        }
        if leader_commit > self.commit {
            self.commit = leader_commit.min(new_last).max(self.commit);
            self.apply_committed(ctx);
        }
        self.reply_append(from, true, new_last, 0, None, round, ctx);
    }

    #[allow(clippy::too_many_arguments)]
    fn reply_append<H: Host<S>>(
        &mut self,
        to: NodeId,
        success: bool,
        match_index: u64,
        conflict_index: u64,
        conflict_term: Option<u64>,
        round: u64,
        ctx: &mut Ctx<'_, H>,
    ) {
        Self::send(
            ctx,
            to,
            Msg::AppendReply {
                term: self.term,
                success,
                match_index,
                conflict_index,
                conflict_term,
                round,
            },
        );
    }

    /// InstallSnapshot (thesis Figure 5.3): adopt the leader's state machine if it is ahead.
    pub(crate) fn on_install_snapshot<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        snapshot: Snapshot<S>,
        round: u64,
        ctx: &mut Ctx<'_, H>,
    ) {
        if term < self.term {
            let msg = Msg::SnapshotReply {
                term: self.term,
                index: 0,
                round,
            };
            Self::send(ctx, from, msg);
            return;
        }
        self.heard_from_leader(from, term, ctx);
        if snapshot.index > self.commit {
            let kept_suffix = self.log.term_at(snapshot.index) == Some(snapshot.term);
            self.log
                .install_snapshot(snapshot.index, snapshot.term, snapshot.hash);
            let disk = ctx.disk();
            if kept_suffix {
                disk.remove_below(persist::LOG, snapshot.index + 1);
            } else {
                disk.truncate(persist::LOG, 0);
            }
            disk.put(
                persist::SNAPSHOT,
                Record::Snapshot(Box::new(snapshot.clone())).into(),
            );
            self.persist_tail(ctx);
            ctx.disk().sync();
            let mut configs = vec![(snapshot.index, snapshot.members.clone())];
            if kept_suffix {
                configs.extend(
                    self.configs
                        .iter()
                        .filter(|(i, _)| *i > snapshot.index)
                        .cloned(),
                );
            }
            self.configs = configs;
            self.store = Store::restore(&snapshot.store);
            self.commit = snapshot.index;
            self.applied = snapshot.index;
            ctx.mark(Mark::Snapshot {
                index: snapshot.index,
            });
            ctx.annotate(format!(
                "{} installed a snapshot up to {}",
                self.id, snapshot.index
            ));
            self.snapshot = Some(Box::new(snapshot));
        }
        let msg = Msg::SnapshotReply {
            term: self.term,
            index: self.commit,
            round,
        };
        Self::send(ctx, from, msg);
    }
}
