//! Starting a server: fresh, or rebuilt from what its disk holds after a restart.

use super::read_disk::{Found, reading};
use super::{Role, Server};
use crate::config::Config;
use crate::host::Host;
use crate::log::{Log, Payload};
use crate::node::Timer;
use crate::persist::{self, Record};
use rsm::{StateMachine, Store};
use sim_core::Reading;
use sim_core::{Ctx, NodeId, Time};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

impl<S: StateMachine> Server<S> {
    /// What a server does about a damaged log before it runs: the correct server keeps a
    /// durable note of how far its log reached and drops the untrusted suffix, so that it
    /// repairs it from the leader and abstains from voting meanwhile (returns that reach);
    /// the forgetful one drops the suffix and carries on as if it had never been written.
    fn settle_damage<H: Host<S>>(
        found: &Found<S>,
        how: Reading,
        ctx: &mut Ctx<'_, H>,
    ) -> Option<u64> {
        let Some(from) = found.damaged_at else {
            return found.repair.map(|r| r.max(found.claimed));
        };
        let disk = ctx.disk();
        disk.truncate(persist::LOG, from);
        if found.snapshot.is_none() {
            disk.remove(persist::SNAPSHOT);
        }
        let repair = (how == Reading::Checked).then(|| {
            let upto = found.claimed.max(found.repair.unwrap_or(0));
            disk.put(persist::REPAIR, Record::Repair { upto }.into());
            upto
        });
        disk.sync();
        repair
    }

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
        let how = reading(|b| config.has(b));
        let found = Found::<S>::read(ctx.disk(), how);
        let (term, voted_for) = found.meta.unwrap_or_else(|| {
            // Both copies are damaged: the vote is lost. Start from the last term the log
            // shows and abstain until the cluster's terms are known (see `term_query`).
            (found.entries.last().map_or(0, |e| e.term), None)
        });
        let snapshot = found.snapshot.clone();
        let mut log = Log::default();
        let mut store = Store::new();
        let mut configs = vec![(0, bootstrap.to_vec())];
        if let Some(s) = &snapshot {
            log.restore_snapshot_point(s.index, s.term, s.hash);
            store = Store::restore(&s.store);
            configs = vec![(s.index, s.members.clone())];
        }
        for entry in &found.entries {
            if let Payload::Config(members) = &entry.payload {
                configs.push((log.last_index() + 1, members.clone()));
            }
            log.append(entry.clone());
        }
        let repair = Self::settle_damage(&found, how, ctx);
        if found.damaged_at.is_some() {
            let index = log.last_index();
            let chain = log.hash_at(index).unwrap_or(0);
            let disk = ctx.disk();
            disk.put(persist::TAIL, Record::Tail { index, chain }.into());
            disk.put(persist::TAIL_COPY, Record::Tail { index, chain }.into());
            disk.sync();
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
            gathering: Vec::new(),
            outcomes: None,
            reads: Vec::new(),
            read_round: 0,
            round_wanted: false,
            heard: BTreeSet::new(),
            repair,
            term_query: found.meta.is_none().then(BTreeMap::new),
        };
        if ctx.incarnation() > 0 {
            ctx.annotate(format!(
                "{id} recovered term {term}, log to {} (snapshot {base})",
                server.log.last_index()
            ));
        }
        if let Some(upto) = server.repair {
            ctx.annotate(format!(
                "{id} found its log damaged after {}: it repairs it from the leader (it held \
                 entries to {upto}) and does not vote until then",
                server.log.last_index()
            ));
        }
        if server.term_query.is_some() {
            ctx.annotate(format!(
                "{id} lost its term and vote: it asks the others their terms and does not vote \
                 until a majority of them answered"
            ));
            server.ask_terms(ctx);
        }
        server.reset_election_deadline(ctx);
        let wait = server.election_deadline - ctx.local_time();
        Self::set_timer(ctx, wait, Timer::Election);
        server
    }
}
