//! The generic picture of a server that inspectors and the front end show.

use crate::log::Payload;
use crate::server::{Role, Server};
use rsm::StateMachine;
use sim_core::{NodeView, RoleClass, Table};

/// How many of the latest log entries a view lists; the rest are summarised by the snapshot
/// point and the first index shown.
pub const LOG_ROWS: usize = 200;

/// A server's role, term, vote, indices, configuration and the tail of its log.
pub fn server_view<S: StateMachine>(s: &Server<S>) -> NodeView {
    let role = if s.is_voter() {
        s.role().name()
    } else {
        "learner"
    };
    let class = match s.role() {
        Role::Leader => RoleClass::Leader,
        Role::Candidate => RoleClass::Candidate,
        Role::PreCandidate => RoleClass::PreCandidate,
        Role::Follower => RoleClass::Follower,
    };
    let members: Vec<String> = s.members().iter().map(|m| m.to_string()).collect();
    let mut log = Table {
        name: "log".into(),
        columns: vec![
            "index".into(),
            "term".into(),
            "command".into(),
            "committed".into(),
        ],
        ..Table::default()
    };
    let entries: Vec<_> = s.log().iter().rev().take(LOG_ROWS).collect();
    for (index, entry) in entries.into_iter().rev() {
        let command = match &entry.payload {
            Payload::Noop => "no-op".to_string(),
            Payload::Command(c) => c.to_string(),
            Payload::Config(m) => format!(
                "config {}",
                m.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        };
        let committed = index <= s.commit_index();
        log.rows.push(vec![
            index.to_string(),
            entry.term.to_string(),
            command,
            if committed { "yes" } else { "no" }.into(),
        ]);
        log.marked.push(committed);
    }
    NodeView::new(role, format!("T{} {role}", s.term()))
        .class(class)
        .epoch(s.term())
        .progress("commit index", s.commit_index())
        .field("role", role)
        .field("term", s.term())
        .field(
            "voted for",
            s.voted_for().map_or("-".to_string(), |v| v.to_string()),
        )
        .field(
            "leader",
            s.leader().map_or("-".to_string(), |v| v.to_string()),
        )
        .field("commit index", s.commit_index())
        .field("applied index", s.applied_index())
        .field("last index", s.log().last_index())
        .field(
            "snapshot",
            format!(
                "{} (term {})",
                s.log().snapshot_index(),
                s.log().snapshot_term()
            ),
        )
        .field("configuration", members.join(" "))
        .field("disk recovery", s.recovering().unwrap_or("-"))
        .table(log)
}
