//! What Raft servers and their clients say to each other.

use crate::log::Entry;
use crate::snapshot::Snapshot;
use kv::KvMap;
use rsm::{Reply, Request, StateMachine};
use serde::Serialize;
use sim_core::Message;

/// Every message of a Raft cluster, servers' and clients' alike.
#[derive(Clone, Debug, Serialize)]
#[serde(bound = "")]
pub enum Msg<S: StateMachine = KvMap> {
    /// A candidate asks for a vote, or a pre-candidate asks whether it would get one.
    RequestVote {
        /// The candidate's term (for a pre-vote: the term it would stand in).
        term: u64,
        /// Index of the candidate's last log entry.
        last_index: u64,
        /// Term of the candidate's last log entry.
        last_term: u64,
        /// True for a pre-vote (thesis 9.6): nobody changes term or vote for it.
        pre_vote: bool,
    },
    /// The answer to a RequestVote.
    Vote {
        /// The voter's term (for a granted pre-vote, the term asked about).
        term: u64,
        /// Whether the vote was granted.
        granted: bool,
        /// Whether this answers a pre-vote.
        pre_vote: bool,
    },
    /// A leader replicates entries, or just asserts its leadership.
    AppendEntries {
        /// The leader's term.
        term: u64,
        /// Index of the entry before the new ones.
        prev_index: u64,
        /// Its term.
        prev_term: u64,
        /// New entries (none for a heartbeat).
        entries: Vec<Entry<S>>,
        /// The leader's commit index.
        commit: u64,
        /// The leader's read round at sending, echoed back to confirm leadership for reads.
        round: u64,
    },
    /// The answer to an AppendEntries.
    AppendReply {
        /// The follower's term.
        term: u64,
        /// Whether the follower's log matched at prevIndex and took the entries.
        success: bool,
        /// On success, the index up to which the follower's log now matches the leader's.
        match_index: u64,
        /// On failure, where the leader should look next (fast backtracking).
        conflict_index: u64,
        /// On failure, the term of the follower's conflicting entry, if it had one there.
        conflict_term: Option<u64>,
        /// The round echoed.
        round: u64,
    },
    /// A leader sends its snapshot to a follower that needs entries it has compacted away.
    InstallSnapshot {
        /// The leader's term.
        term: u64,
        /// The snapshot.
        snapshot: Box<Snapshot<S>>,
        /// The leader's read round.
        round: u64,
    },
    /// The answer to an InstallSnapshot.
    SnapshotReply {
        /// The follower's term.
        term: u64,
        /// The index the follower's state now reaches.
        index: u64,
        /// The round echoed.
        round: u64,
    },
    /// A client's request.
    Request(Request<S>),
    /// A server's answer to a client.
    Reply(Reply<S>),
    /// A server that lost its term and vote to a damaged disk asks another's term.
    TermQuery,
    /// The answer to a TermQuery.
    TermReply {
        /// The answering server's term.
        term: u64,
    },
    /// A follower repairing a damaged log tells its leader that its log now ends before
    /// `index`, whatever it acknowledged before: the leader's record of it must come down.
    RepairFrom {
        /// The follower's term.
        term: u64,
        /// The first index the follower lacks.
        index: u64,
    },
}

impl<S: StateMachine> Message for Msg<S> {
    /// A granted vote promises a persisted vote, a successful append acknowledgement persisted
    /// entries, and a snapshot reply a persisted snapshot.
    fn promises_durability(&self) -> bool {
        matches!(
            self,
            Msg::Vote {
                granted: true,
                pre_vote: false,
                ..
            } | Msg::AppendReply { success: true, .. }
                | Msg::SnapshotReply { .. }
        )
    }

    fn kind(&self) -> &'static str {
        match self {
            Msg::RequestVote { pre_vote: true, .. } => "PreVote",
            Msg::RequestVote { .. } => "RequestVote",
            Msg::Vote { pre_vote: true, .. } => "PreVoteReply",
            Msg::Vote { .. } => "Vote",
            Msg::AppendEntries { entries, .. } if entries.is_empty() => "Heartbeat",
            Msg::AppendEntries { .. } => "AppendEntries",
            Msg::AppendReply { .. } => "AppendReply",
            Msg::InstallSnapshot { .. } => "InstallSnapshot",
            Msg::SnapshotReply { .. } => "SnapshotReply",
            Msg::Request(_) => "ClientRequest",
            Msg::Reply(_) => "ClientReply",
            Msg::TermQuery => "TermQuery",
            Msg::TermReply { .. } => "TermReply",
            Msg::RepairFrom { .. } => "RepairFrom",
        }
    }

    fn size(&self) -> u64 {
        match self {
            Msg::AppendEntries { entries, .. } => 48 + entries.iter().map(Entry::size).sum::<u64>(),
            Msg::InstallSnapshot { snapshot, .. } => 48 + snapshot.size(),
            Msg::Request(r) => 16 + r.command.size(),
            Msg::Reply(r) => 16 + r.size(),
            _ => 40,
        }
    }
}

impl<S: StateMachine> From<Request<S>> for Msg<S> {
    fn from(r: Request<S>) -> Msg<S> {
        Msg::Request(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Payload;
    use rsm::{Command, ReplyOutcome};
    use sim_core::history::models::{KvInput, KvOutput};
    use std::sync::Arc;

    fn append(entries: Vec<Entry>) -> Msg {
        Msg::AppendEntries {
            term: 2,
            prev_index: 1,
            prev_term: 1,
            entries,
            commit: 1,
            round: 0,
        }
    }

    fn append_reply(success: bool) -> Msg {
        Msg::AppendReply {
            term: 2,
            success,
            match_index: 3,
            conflict_index: 0,
            conflict_term: None,
            round: 0,
        }
    }

    fn vote(granted: bool, pre_vote: bool) -> Msg {
        Msg::Vote {
            term: 2,
            granted,
            pre_vote,
        }
    }

    fn put(value: &str) -> Command<KvMap> {
        Command {
            client: 7,
            seq: 1,
            op: KvInput::Put {
                key: "k".into(),
                value: value.into(),
            },
        }
    }

    #[test]
    fn the_answers_that_report_persisted_state_promise_durability() {
        // Figure 2 of the paper: a vote and the entries a follower acknowledges are on stable
        // storage before it answers; a pre-vote changes nothing, and a refusal promises nothing.
        assert!(vote(true, false).promises_durability());
        assert!(!vote(false, false).promises_durability());
        assert!(!vote(true, true).promises_durability());
        assert!(append_reply(true).promises_durability());
        assert!(!append_reply(false).promises_durability());
        let snapshot_reply = Msg::<KvMap>::SnapshotReply {
            term: 2,
            index: 9,
            round: 0,
        };
        assert!(snapshot_reply.promises_durability());
        let request_vote = Msg::<KvMap>::RequestVote {
            term: 2,
            last_index: 0,
            last_term: 0,
            pre_vote: false,
        };
        for m in [
            request_vote,
            append(vec![]),
            Msg::TermQuery,
            Msg::TermReply { term: 2 },
            Msg::RepairFrom { term: 2, index: 1 },
        ] {
            assert!(!m.promises_durability(), "{m:?}");
        }
    }

    #[test]
    fn an_append_without_entries_is_a_heartbeat() {
        assert_eq!(append(vec![]).kind(), "Heartbeat");
        let noop = Entry {
            term: 2,
            payload: Payload::Noop,
        };
        assert_eq!(append(vec![noop]).kind(), "AppendEntries");
        assert_eq!(vote(true, true).kind(), "PreVoteReply");
        assert_eq!(vote(true, false).kind(), "Vote");
    }

    #[test]
    fn a_message_is_as_large_as_its_header_and_what_it_carries() {
        let noop = Entry {
            term: 2,
            payload: Payload::Noop,
        };
        let command = Entry {
            term: 2,
            payload: Payload::Command(Arc::new(put("a longer value"))),
        };
        assert_eq!(append(vec![]).size(), 48);
        assert_eq!(
            append(vec![noop.clone(), command.clone()]).size(),
            48 + noop.size() + command.size()
        );
        let request = Msg::Request(Request { command: put("v") });
        assert_eq!(request.size(), 16 + put("v").size());
        assert!(
            Msg::Request(Request {
                command: put("a longer value")
            })
            .size()
                > request.size()
        );
        let reply = rsm::Reply::<KvMap> {
            seq: 1,
            outcome: ReplyOutcome::Ok(KvOutput::Value("some value".into())),
        };
        assert_eq!(Msg::Reply(reply.clone()).size(), 16 + reply.size());
        let snapshot = Snapshot::<KvMap> {
            index: 4,
            term: 2,
            hash: 0,
            members: vec![sim_core::NodeId(0), sim_core::NodeId(1)],
            store: rsm::Store::<KvMap>::new().snapshot(),
        };
        let size = snapshot.size();
        let install = Msg::InstallSnapshot {
            term: 2,
            snapshot: Box::new(snapshot),
            round: 0,
        };
        assert_eq!(install.size(), 48 + size);
        assert_eq!(vote(true, false).size(), 40);
    }
}
