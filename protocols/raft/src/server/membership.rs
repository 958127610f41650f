//! Membership changes one server at a time (thesis chapter 4).
//!
//! A configuration entry takes effect in a server's log as soon as it is appended, committed
//! or not. A leader starts a change only when the previous one has committed and, by the rule
//! the thesis added after publication, only once it has committed an entry of its own term:
//! otherwise a change made by an older leader that never committed could be overridden while
//! a new one commits on disjoint majorities.

use super::{Role, Server};
use crate::host::Host;
use crate::log::{Entry, Payload};
use rsm::StateMachine;
use serde::{Deserialize, Serialize};
use sim_core::{Ctx, NodeId};

/// One membership change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Add a server as a voter.
    Add(NodeId),
    /// Remove a server.
    Remove(NodeId),
}

impl<S: StateMachine> Server<S> {
    /// Proposes a change at the leader; says why when it cannot be made now.
    pub fn propose_change<H: Host<S>>(
        &mut self,
        change: Change,
        ctx: &mut Ctx<'_, H>,
    ) -> Result<u64, String> {
        if self.role != Role::Leader {
            return Err(format!("{} is not the leader", self.id));
        }
        let config_index = self.configs.last().map_or(0, |(i, _)| *i);
        if config_index > self.commit {
            return Err(format!(
                "the change at index {config_index} has not committed yet"
            ));
        }
        if self.commit < self.term_start {
            return Err(format!(
                "{} has not committed an entry of term {} yet",
                self.id, self.term
            ));
        }
        let mut members = self.members().to_vec();
        match change {
            Change::Add(n) if members.contains(&n) => {
                return Err(format!("{n} is already a member"));
            }
            Change::Add(n) => members.push(n),
            Change::Remove(n) if !members.contains(&n) => {
                return Err(format!("{n} is not a member"));
            }
            Change::Remove(n) => members.retain(|&m| m != n),
        }
        if members.is_empty() {
            return Err("a configuration needs at least one member".into());
        }
        members.sort_unstable();
        let index = self.append_local(
            Entry {
                term: self.term,
                payload: Payload::Config(members),
            },
            ctx,
        );
        self.broadcast_append(ctx);
        self.advance_commit(ctx);
        Ok(index)
    }

    /// Puts a configuration read from the log into force: a leader starts or stops
    /// replicating to the servers it adds or removes.
    pub(crate) fn adopt_config<H: Host<S>>(
        &mut self,
        index: u64,
        members: Vec<NodeId>,
        ctx: &mut Ctx<'_, H>,
    ) {
        ctx.annotate(format!(
            "{} configuration at {index}: {}",
            self.id,
            members
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ));
        self.configs.push((index, members.clone()));
        if self.role == Role::Leader {
            let next = self.log.last_index() + 1;
            for &m in &members {
                if m != self.id {
                    self.progress
                        .entry(m)
                        .or_insert_with(|| super::Progress::new(next));
                }
            }
            self.progress.retain(|p, _| members.contains(p));
        }
    }
}
