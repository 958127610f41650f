//! Starting a server: fresh, or rebuilt from what its disk holds after a restart.

use super::{Role, Server};
use crate::config::Config;
use crate::host::{Host, RaftRecord};
use crate::log::{Log, Payload};
use crate::node::Timer;
use crate::persist::{self, Record};
use rsm::{StateMachine, Store};
use sim_core::{Ctx, NodeId, Time};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

impl<S: StateMachine> Server<S> {
    /// Starts a server whose configuration, before any log entry changes it, is `bootstrap`.
    ///
    /// After a restart the server reads currentTerm, votedFor, its snapshot and its log back
    /// from disk; its commit index starts at the snapshot and grows again as a leader tells
    /// it (the commit index is volatile in Raft).
    pub fn start<H: Host<S>>(
        id: NodeId,
        config: Arc<Config>,
        bootstrap: &[NodeId],
        ctx: &mut Ctx<'_, H>,
    ) -> Server<S> {
        let disk = ctx.disk();
        let term = match disk.get(persist::TERM).and_then(|r| r.raft()) {
            Some(Record::Term(t)) => *t,
            _ => 0,
        };
        let voted_for = match disk.get(persist::VOTE).and_then(|r| r.raft()) {
            Some(Record::Vote { term: t, candidate }) if *t == term => Some(*candidate),
            _ => None,
        };
        let snapshot = match disk.get(persist::SNAPSHOT).and_then(|r| r.raft()) {
            Some(Record::Snapshot(s)) => Some(s.clone()),
            _ => None,
        };
        let mut log = Log::default();
        let mut store = Store::new();
        let mut configs = vec![(0, bootstrap.to_vec())];
        if let Some(s) = &snapshot {
            log.restore_snapshot_point(s.index, s.term, s.hash);
            store = Store::restore(&s.store);
            configs = vec![(s.index, s.members.clone())];
        }
        for (index, record) in disk.range(persist::LOG) {
            if index <= log.snapshot_index() {
                continue;
            }
            let Some(Record::Entry(entry)) = record.raft() else {
                continue;
            };
            if index != log.last_index() + 1 {
                break;
            }
            if let Payload::Config(members) = &entry.payload {
                configs.push((index, members.clone()));
            }
            log.append(entry.clone());
        }
        let base = log.snapshot_index();
        let mut server = Server {
            id,
            config,
            incarnation: ctx.incarnation(),
            term,
            voted_for,
            log,
            role: Role::Follower,
            leader: None,
            commit: base,
            applied: base,
            store,
            snapshot,
            configs,
            election_deadline: Time::ZERO,
            last_leader_contact: None,
            votes: BTreeSet::new(),
            progress: BTreeMap::new(),
            term_start: 0,
            owed: BTreeMap::new(),
            outcomes: None,
            reads: Vec::new(),
            read_round: 0,
            round_wanted: false,
            heard: BTreeSet::new(),
            terms_led: 0,
        };
        if ctx.incarnation() > 0 {
            ctx.annotate(format!(
                "{id} recovered term {term}, log to {} (snapshot {base})",
                server.log.last_index()
            ));
        }
        server.reset_election_deadline(ctx);
        let wait = server.election_deadline - ctx.local_time();
        Self::set_timer(ctx, wait, Timer::Election);
        server
    }
}
