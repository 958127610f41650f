//! The protocol registry: every protocol the binary and the front end can run, by name,
//! through one object-safe handle ([`Run`]).
//!
//! A protocol crate knows nothing of scenarios. Its entry here (one small file per protocol)
//! implements [`Protocol`]: it reads the protocol's `Config` and workload out of the scenario,
//! builds a `Simulation` of the protocol's node type with its checkers, and wraps it in a
//! [`Driver`] with an [`Adapter`] for metrics and end-of-run checks.

pub mod broadcast;
mod driver;
pub mod kv_common;
pub mod layered;
pub mod ledger;
mod lincheck;
mod metrics;
mod names;
mod overlay;
pub mod paxos;
pub mod raft;
mod run;
pub mod study;
pub mod synod;
pub mod tree_sync;
pub mod vocabulary;
pub mod workflow;

pub use driver::{Adapter, Driver, leader_from_views};
pub use metrics::{Metrics, SUMMARY_SUFFIXES};
pub use run::{CheckResult, Run};

use crate::diag::{Diagnostic, suggest};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use sim_core::MarkKind;

/// What a protocol can be asked about, so that a scenario asking for a check the protocol
/// cannot answer is refused when it is loaded, not after a long run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// It elects a leader (`leader` selector, `leader_within`).
    pub leader: bool,
    /// It has a notion of convergence (`converged_by`).
    pub convergence: bool,
    /// Its clients record a history that can be checked (`linearizable`).
    pub linearizability: bool,
    /// It has clients that complete operations (`messages_per_op_max`).
    pub clients: bool,
    /// Its clients pick among `keys` (a key-value store's workload), which explore draws.
    pub keys: bool,
    /// It restricts who talks to whom to a topology (`[cluster] topology`).
    pub topology: bool,
    /// Its servers keep records on disk, which storage faults can damage.
    pub disk: bool,
    /// The milestones some run of a meaningful scenario reaches (a Raft election, a commit):
    /// `explore` flags a file none of whose seeds reaches one of them, since its checks then
    /// judge a cluster that never did its work.
    pub marks: &'static [MarkKind],
}

/// A registered protocol.
pub trait Protocol: Send + Sync {
    /// The name scenario files use (`[protocol] name = "raft"`).
    fn name(&self) -> &'static str;
    /// One line saying what it is, for `clustersim new` and `--help`.
    fn summary(&self) -> &'static str;
    /// A complete, commented scenario that runs it: the output of `clustersim new NAME`.
    fn template(&self) -> &'static str;
    /// What it can be asked about.
    fn capabilities(&self) -> Capabilities;
    /// A client command it takes, typed by a person (the front end offers it as the start of
    /// its command box); empty for a protocol that takes none.
    fn example_command(&self) -> &'static str {
        ""
    }
    /// The names its runs use (metrics, view fields, message kinds), for checking files.
    fn vocabulary(&self) -> vocabulary::Vocabulary;
    /// About how many bytes a run of `servers` servers holds at its peak, for a protocol whose
    /// memory grows faster than its servers (a consensus protocol keeps state for every pair),
    /// so that a cluster that cannot fit is refused before it is built; `None` for a protocol
    /// that grows with its nodes alone.
    fn memory_estimate(&self, _servers: u32) -> Option<u64> {
        None
    }
    /// Builds a run of `scenario` with `seed`; errors in the protocol's own tables point into
    /// the file.
    fn build(&self, scenario: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError>;
}

/// The memory of a cluster in which every server keeps `per_pair` bytes for every other server
/// (measured: about 18 bytes per pair for Raft, 25 for Multi-Paxos, at 4,000 servers), plus
/// 4 KiB of its own.
pub fn pairwise_memory(servers: u32, per_pair: u64) -> u64 {
    let n = u64::from(servers);
    n.saturating_mul(n)
        .saturating_mul(per_pair)
        .saturating_add(n.saturating_mul(4096))
}

/// The set of protocols, by name.
#[derive(Default)]
pub struct Registry {
    protocols: Vec<Box<dyn Protocol>>,
}

impl Registry {
    /// No protocols (tests add their own).
    pub fn empty() -> Registry {
        Registry::default()
    }

    /// Every protocol shipped with clustersim.
    pub fn builtin() -> Registry {
        Registry::empty()
            .with(Box::new(raft::RaftProtocol))
            .with(Box::new(paxos::PaxosProtocol))
            .with(Box::new(broadcast::BroadcastProtocol))
            .with(Box::new(tree_sync::TreeSyncProtocol))
            .with(Box::new(layered::LayeredProtocol))
            .with(Box::new(workflow::WorkflowProtocol))
            .with(Box::new(ledger::LedgerProtocol))
            .with(Box::new(synod::SynodProtocol))
    }

    /// Adds a protocol (replacing one of the same name).
    pub fn register(&mut self, p: Box<dyn Protocol>) {
        self.protocols.retain(|q| q.name() != p.name());
        self.protocols.push(p);
        self.protocols.sort_by_key(|p| p.name());
    }

    /// Builder form of [`Registry::register`].
    pub fn with(mut self, p: Box<dyn Protocol>) -> Registry {
        self.register(p);
        self
    }

    /// The protocol of that name.
    pub fn get(&self, name: &str) -> Option<&dyn Protocol> {
        self.protocols
            .iter()
            .find(|p| p.name() == name)
            .map(|p| p.as_ref())
    }

    /// Every protocol, by name.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Protocol> {
        self.protocols.iter().map(|p| p.as_ref())
    }

    /// Every registered name.
    pub fn names(&self) -> Vec<&'static str> {
        self.protocols.iter().map(|p| p.name()).collect()
    }

    /// An error for an unknown protocol name, with a suggestion.
    pub fn unknown(&self, name: &str) -> String {
        let names = self.names();
        let known = if names.is_empty() {
            "no protocols are registered".to_string()
        } else {
            format!(
                "known protocols: {}",
                names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        match suggest(name, names.iter().copied()) {
            Some(s) => format!("unknown protocol \"{name}\", did you mean \"{s}\"? ({known})"),
            None => format!("unknown protocol \"{name}\" ({known})"),
        }
    }

    /// The scenario's protocol, after checking that it can answer the scenario's checks.
    pub fn resolve(&self, s: &Scenario) -> Result<&dyn Protocol, ScenarioError> {
        let file = &s.origin.file;
        let text = s.origin.text.as_deref();
        let name = s.protocol_name();
        let span = |sp: std::ops::Range<usize>| (sp != (0..0)).then_some(sp);
        let Some(p) = self.get(name) else {
            return Err(ScenarioError::one(Diagnostic::at(
                file,
                text,
                span(s.protocol.name.span()),
                self.unknown(name),
            )));
        };
        let caps = p.capabilities();
        let mut problems = Vec::new();
        if let Some(t) = &s.cluster.topology
            && !caps.topology
        {
            problems.push(Diagnostic::at(
                file,
                text,
                span(t.span()),
                format!(
                    "protocol \"{name}\" takes no `[cluster] topology`: every server talks to \
                     every other (protocols with a topology: {})",
                    self.iter()
                        .filter(|p| p.capabilities().topology)
                        .map(|p| format!("\"{}\"", p.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let mut refuse = |ok: bool, sp: std::ops::Range<usize>, what: &str, needs: &str| {
            if !ok {
                problems.push(Diagnostic::at(
                    file,
                    text,
                    span(sp),
                    format!("protocol \"{name}\" cannot be checked for {what}: {needs}"),
                ));
            }
        };
        if let Some(l) = &s.checks.linearizable
            && *l.get_ref()
        {
            refuse(
                caps.linearizability,
                l.span(),
                "`linearizable`",
                "it records no client history",
            );
        }
        if let Some(c) = &s.checks.converged_by {
            refuse(
                caps.convergence,
                c.span(),
                "`converged_by`",
                "it has no notion of convergence",
            );
        }
        if let Some(c) = &s.checks.leader_within {
            refuse(caps.leader, c.span(), "`leader_within`", "it has no leader");
        }
        if let Some(c) = &s.checks.messages_per_op_max {
            refuse(
                caps.clients,
                c.span(),
                "`messages_per_op_max`",
                "it has no client operations",
            );
        }
        for n in &s.nemesis {
            if *n.kind.get_ref() == crate::scenario::NemesisKind::DiskFaults {
                refuse(
                    caps.disk,
                    n.kind.span(),
                    "nemesis \"disk-faults\"",
                    "its servers keep nothing on disk",
                );
            }
        }
        for f in &s.faults {
            let action = *f.action.get_ref();
            if action.storage().is_some() {
                refuse(
                    caps.disk,
                    f.action.span(),
                    &format!("action \"{}\"", action.name()),
                    "its servers keep nothing on disk",
                );
            }
            if *f.action.get_ref() == crate::scenario::Action::Submit {
                refuse(
                    caps.clients,
                    f.action.span(),
                    "action \"submit\"",
                    "it has no clients to type a command into",
                );
            }
            for (sel, sp) in f
                .selectors()
                .into_iter()
                .flat_map(|(s, sp)| s.leaves().into_iter().map(move |l| (l, sp.clone())))
            {
                let named = match sel {
                    crate::scenario::Selector::Leader => "selector \"leader\"",
                    crate::scenario::Selector::Follower => "selector \"follower\"",
                    crate::scenario::Selector::Followers => "selector \"followers\"",
                    crate::scenario::Selector::OldLeader => "selector \"old-leader\"",
                    _ => continue,
                };
                refuse(caps.leader, sp, named, "it has no leader");
            }
        }
        problems.extend(names::check(s, p, &|sp| span(sp)));
        if problems.is_empty() {
            Ok(p)
        } else {
            Err(ScenarioError::Invalid(problems))
        }
    }
}
