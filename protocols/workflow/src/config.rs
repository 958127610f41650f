//! The parameters of a workflow cluster: how many agents and coordinators, how the engine is
//! deployed, how it schedules, how outputs travel, and the known bugs to switch on.

use serde::{Deserialize, Serialize};
use sim_core::time_text::human;
use sim_core::{Duration, InvalidParam};

/// How the engine's state is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deployment {
    /// One coordinator that writes every order to its disk: the baseline. Its crash stalls
    /// the workflow until it restarts and replays its disk.
    Single,
    /// Coordinators replicate the engine's state with Raft; the leader schedules.
    Raft,
    /// Coordinators replicate the engine's state with Multi-Paxos; the leader schedules.
    MultiPaxos,
}

/// Which ready task goes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// In task order (the order of the workflow's file or generator).
    Fifo,
    /// Highest priority first, as the workflow gives it.
    Priority,
    /// HEFT's upward rank: the task with the longest remaining path first.
    CriticalPath,
    /// Like `critical-path`, but each task goes to the agent already holding the most of its
    /// input bytes.
    Locality,
}

/// How a task's output reaches the agents whose tasks read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sharing {
    /// Outputs are uploaded to the coordinators, which forward them with each dispatch.
    ViaCoordinator,
    /// A consumer fetches from the producer, and from another holder if the producer is dead.
    Direct,
    /// The producer sends each output to every agent.
    Broadcast,
    /// Outputs spread down a spanning tree of the agents, each forwarding to its neighbours.
    Tree,
}

/// A known bug, off by default, each caught by a named check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// Results carry no attempt number, so a superseded attempt's result is taken.
    NoFencing,
    /// The leader dispatches an assignment before it is committed.
    AssignBeforeCommit,
    /// A silent agent is never declared dead; its tasks are never run elsewhere.
    NoAgentTimeout,
    /// A task may be dispatched and started before its inputs exist.
    IgnoreDependencies,
}

impl Bug {
    /// Every known bug.
    pub const ALL: [Bug; 4] = [
        Bug::NoFencing,
        Bug::AssignBeforeCommit,
        Bug::NoAgentTimeout,
        Bug::IgnoreDependencies,
    ];

    /// The bug's name as scenario files write it.
    pub fn name(self) -> &'static str {
        match self {
            Bug::NoFencing => "no-fencing",
            Bug::AssignBeforeCommit => "assign-before-commit",
            Bug::NoAgentTimeout => "no-agent-timeout",
            Bug::IgnoreDependencies => "ignore-dependencies",
        }
    }
}

/// Everything a workflow cluster is built from, besides the workflow itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// Agent nodes (they follow the coordinators in id order).
    pub agents: u32,
    /// Tasks an agent runs at once.
    pub slots: u32,
    /// Per agent, how fast it runs a task: a task takes its run time divided by this. Agents
    /// beyond the list run at 1.
    pub speeds: Vec<f64>,
    /// Per agent, its slots, overriding `slots` (agents beyond the list have `slots`).
    pub agent_slots: Vec<u32>,
    /// Coordinator nodes (1 for `single`).
    pub coordinators: u32,
    /// How the engine's state is kept.
    pub deployment: Deployment,
    /// Which ready task goes first.
    pub policy: Policy,
    /// How outputs travel.
    pub sharing: Sharing,
    /// Fan-out of the spanning tree for `tree` sharing.
    pub tree_fanout: u32,
    /// How often an agent tells the coordinators it is alive.
    #[serde(with = "human")]
    pub heartbeat: Duration,
    /// How long an agent may be silent before the leader declares it dead.
    #[serde(with = "human")]
    pub agent_timeout: Duration,
    /// How long an agent waits for a file before it asks the next holder.
    #[serde(with = "human")]
    pub fetch_timeout: Duration,
    /// How long an agent waits for its result to be acknowledged before it sends it again.
    #[serde(with = "human")]
    pub report_retry: Duration,
    /// How long a leader waits for a proposed order to be applied before it proposes again.
    #[serde(with = "human")]
    pub propose_retry: Duration,
    /// Known bugs to switch on.
    pub bugs: Vec<Bug>,
    /// Raft's parameters, for the `raft` deployment.
    pub raft: raft::Config,
    /// Multi-Paxos's parameters, for the `multi-paxos` deployment.
    pub paxos: paxos::Config,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            agents: 8,
            slots: 2,
            speeds: Vec::new(),
            agent_slots: Vec::new(),
            coordinators: 3,
            deployment: Deployment::Raft,
            policy: Policy::CriticalPath,
            sharing: Sharing::Direct,
            tree_fanout: 2,
            heartbeat: Duration::from_millis(100),
            agent_timeout: Duration::from_millis(1_000),
            fetch_timeout: Duration::from_millis(2_000),
            report_retry: Duration::from_millis(500),
            propose_retry: Duration::from_millis(1_000),
            bugs: Vec::new(),
            raft: raft::Config::default(),
            paxos: paxos::Config::default(),
        }
    }
}

impl Params {
    /// Whether a known bug is on.
    pub fn has(&self, bug: Bug) -> bool {
        self.bugs.contains(&bug)
    }

    /// Agent `i`'s slots.
    pub fn slots_of(&self, i: u32) -> u32 {
        self.agent_slots
            .get(i as usize)
            .copied()
            .unwrap_or(self.slots)
    }

    /// Agent `i`'s speed.
    pub fn speed_of(&self, i: u32) -> f64 {
        self.speeds.get(i as usize).copied().unwrap_or(1.0)
    }

    /// Every slot of every agent.
    pub fn total_slots(&self) -> u32 {
        (0..self.agents).map(|i| self.slots_of(i)).sum()
    }

    /// Checks what serde cannot; errors name the field and what was expected.
    pub fn validate(&self) -> Result<(), InvalidParam> {
        let bad = |field: &str, why: String| Err(InvalidParam::new(field, why));
        if self.agents == 0 {
            return bad("agents", "is 0; expected at least 1 agent".into());
        }
        if self.slots == 0 || self.agent_slots.contains(&0) {
            return bad(
                "slots",
                "is 0; expected every agent to run at least 1 task at once".into(),
            );
        }
        if self.agent_slots.len() > self.agents as usize {
            return bad(
                "agent_slots",
                format!(
                    "lists {} agents; there are {}",
                    self.agent_slots.len(),
                    self.agents
                ),
            );
        }
        if self.speeds.len() > self.agents as usize {
            return bad(
                "speeds",
                format!(
                    "lists {} agents; there are {}",
                    self.speeds.len(),
                    self.agents
                ),
            );
        }
        if let Some(s) = self.speeds.iter().find(|s| !(s.is_finite() && **s > 0.0)) {
            return bad(
                "speeds",
                format!("has {s}; expected positive speeds such as 1.0 or 2.5"),
            );
        }
        match (self.deployment, self.coordinators) {
            (_, 0) => {
                return bad("coordinators", "is 0; expected at least 1".into());
            }
            (Deployment::Single, n) if n != 1 => {
                return bad(
                    "coordinators",
                    format!(
                        "is {n} with deployment = \"single\"; expected 1 (or deployment = \"raft\" or \"multi-paxos\")"
                    ),
                );
            }
            _ => {}
        }
        if self.tree_fanout == 0 {
            return bad("tree_fanout", "is 0; expected at least 1".into());
        }
        for (name, d) in [
            ("heartbeat", self.heartbeat),
            ("agent_timeout", self.agent_timeout),
            ("fetch_timeout", self.fetch_timeout),
            ("report_retry", self.report_retry),
            ("propose_retry", self.propose_retry),
        ] {
            if d == Duration::ZERO {
                return bad(
                    name,
                    "is 0; expected a positive duration such as \"100ms\"".into(),
                );
            }
        }
        if self.agent_timeout <= self.heartbeat {
            return bad(
                "agent_timeout",
                format!(
                    "{} is not longer than heartbeat ({}); live agents would be declared dead",
                    self.agent_timeout, self.heartbeat
                ),
            );
        }
        match self.deployment {
            Deployment::Raft => self.raft.validate().map_err(|e| e.within("raft"))?,
            Deployment::MultiPaxos => self
                .paxos
                .validate_for(self.coordinators)
                .map_err(|e| e.within("paxos"))?,
            Deployment::Single => {}
        }
        Ok(())
    }
}
