//! Single-decree Paxos (`paxos::synod`, the Synod protocol of "Paxos Made Simple") in the
//! registry: every server is an acceptor and a learner, and the first `proposers` servers also
//! propose, each its own value (`1000 + its id`). Proposers that start together duel; a
//! randomized back-off lets one of them finish.
//!
//! Checks: agreement after every event (no two values chosen, no learner learns anything but
//! the chosen value); at the end, that a value was chosen and every live learner learnt it
//! (`converged_by`).

use super::kv_common::{PARAMS, invalid, param_error};
use super::overlay::{LEADERLESS, simulation};
use super::vocabulary::Vocabulary;
use super::{Adapter, Capabilities, CheckResult, Driver, Protocol, Run};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use paxos::synod::{SynodConfig, SynodNode};
use paxos::synod_agreement::SynodAgreement;
use serde::Deserialize;
use sim_core::time_text::human;
use sim_core::{Duration, DurationRange, InvalidParam, NodeId, Simulation};
use std::sync::Arc;

/// The registry entry.
pub struct SynodProtocol;

/// What `clustersim new synod` prints.
pub const TEMPLATE: &str = include_str!("templates/synod.toml");

/// The end-of-run check that a value was chosen and learnt.
const DECIDED: &str = "decided";

/// `[protocol.params]` of a synod scenario. Durations are written as text (`"50ms"`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// How many servers propose (servers `n0` up to it).
    pub proposers: u32,
    /// When each proposer starts its first round, drawn per proposer.
    pub start: DurationRange,
    /// How long a round may take before its proposer starts another.
    #[serde(with = "human")]
    pub round_timeout: Duration,
    /// The randomized pause after a round is refused.
    pub backoff: DurationRange,
}

impl Default for Params {
    fn default() -> Self {
        let ms = Duration::from_millis;
        Params {
            proposers: 2,
            start: DurationRange::exactly(Duration::ZERO),
            round_timeout: ms(50),
            backoff: DurationRange {
                min: ms(5),
                max: ms(20),
            },
        }
    }
}

impl Params {
    /// The run's configuration for `servers` servers, or the parameter at fault.
    fn config(&self, servers: u32) -> Result<SynodConfig, InvalidParam> {
        if self.proposers == 0 || self.proposers > servers {
            return Err(InvalidParam::new(
                "proposers",
                format!("must be between 1 and the {servers} servers"),
            ));
        }
        if self.round_timeout == Duration::ZERO {
            return Err(InvalidParam::new("round_timeout", "must be longer than 0"));
        }
        let all: Vec<NodeId> = (0..servers).map(NodeId).collect();
        Ok(SynodConfig {
            proposers: (0..self.proposers).map(NodeId).collect(),
            acceptors: all.clone(),
            learners: all,
            start: self.start,
            round_timeout: self.round_timeout,
            backoff: self.backoff,
        })
    }
}

#[derive(Clone)]
struct SynodAdapter;

impl SynodAdapter {
    /// The learners that are up and what they learnt.
    fn learnt(sim: &Simulation<SynodNode>) -> Vec<(NodeId, Option<u64>)> {
        sim.nodes()
            .live()
            .filter_map(|(id, n)| n.learner.as_ref().map(|l| (id, l.learned)))
            .collect()
    }
}

impl Adapter<SynodNode> for SynodAdapter {
    fn check_names(&self) -> Vec<&'static str> {
        vec![DECIDED]
    }

    fn finish(&mut self, sim: &mut Simulation<SynodNode>) -> Vec<CheckResult> {
        if sim.violation().is_some() {
            return Vec::new();
        }
        let learnt = Self::learnt(sim);
        let undecided: Vec<String> = learnt
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(id, _)| id.to_string())
            .collect();
        vec![
            match (learnt.first().and_then(|l| l.1), undecided.is_empty()) {
                (Some(v), true) => CheckResult::pass(
                    DECIDED,
                    format!("the {} live learners learnt {v}", learnt.len()),
                ),
                _ => CheckResult::fail(
                    DECIDED,
                    format!("learnt nothing yet: {}", undecided.join(", ")),
                ),
            },
        ]
    }

    /// `propose NODE VALUE`: the node proposes the value in a new round (it becomes a
    /// proposer if it was not one). Once a value is chosen, the round chooses it again.
    fn submit(&mut self, sim: &mut Simulation<SynodNode>, command: &str) -> Result<String, String> {
        let words: Vec<&str> = command.split_whitespace().collect();
        let ["propose", node, value] = words.as_slice() else {
            return Err(format!(
                "expected `propose NODE VALUE` (such as `propose n2 7`), got {command:?}"
            ));
        };
        let value: u64 = value
            .parse()
            .map_err(|_| format!("expected a whole number value, got {value:?}"))?;
        let node = super::overlay::parse_node(node, sim.node_count())?;
        sim.input(node, &format!("propose {value}"), |n, ctx| {
            n.propose(value, ctx)
        })
        .map_err(|e| e.to_string())?;
        Ok(format!("{node} proposes {value}"))
    }

    fn leader(&self, _sim: &Simulation<SynodNode>, _servers: u32) -> Option<NodeId> {
        None
    }

    /// Converged: every live learner learnt a value (agreement makes it the same one).
    fn converged(&self, sim: &Simulation<SynodNode>) -> Option<bool> {
        let learnt = Self::learnt(sim);
        Some(!learnt.is_empty() && learnt.iter().all(|(_, v)| v.is_some()))
    }
}

impl Protocol for SynodProtocol {
    fn name(&self) -> &'static str {
        "synod"
    }
    fn summary(&self) -> &'static str {
        "single-decree Paxos: dueling proposers, acceptors and learners agree on one value"
    }
    fn template(&self) -> &'static str {
        TEMPLATE
    }
    fn example_command(&self) -> &'static str {
        "propose n2 7"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            disk: true,
            marks: &[sim_core::MarkKind::Elected, sim_core::MarkKind::Committed],
            topology: false,
            ..LEADERLESS
        }
    }
    fn vocabulary(&self) -> Vocabulary {
        Vocabulary {
            metrics: Vec::new(),
            fields: vec!["ballot", "round", "ballot promised", "accepted", "learned"],
            kinds: vec!["Prepare", "Promise", "Nack", "Accept", "Accepted"],
        }
    }
    fn build(&self, s: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError> {
        super::overlay::no_workload(
            s,
            "synod",
            "each proposer proposes its own value (1000 + its id)",
        )?;
        let params: Params = s.params()?;
        let n = s.cluster.servers();
        let config = params.config(n).map_err(|e| param_error(s, PARAMS, &e))?;
        if s.cluster.topology.is_some() {
            return Err(invalid(
                s,
                "synod runs on a complete network: remove [cluster] topology".into(),
            ));
        }
        let sim = simulation(s, seed, "synod", Arc::new(config), |sim| {
            sim.add_checker(SynodAgreement::default());
        })?;
        Ok(Box::new(Driver::new("synod", sim, n, SynodAdapter)))
    }
}
