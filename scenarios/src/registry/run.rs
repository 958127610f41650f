//! The object-safe handle on a running simulation of any protocol.

use super::Metrics;
use serde::Serialize;
use sim_core::model::{Choice, Pending, Renaming, Symmetry};
use sim_core::rng::SimRng;
use sim_core::trace::Tracer;
use sim_core::{
    Damage, DiskKey, Fault, InFlight, MessageId, NodeId, NodeStatus, NodeView, Outcome, SimError,
    Stats, Step, Time, TraceSink, Violation,
};

/// The result of one end-of-run or scenario check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckResult {
    /// What was checked (`linearizable`, `invariant election safety`, `leader_within 1s`).
    pub name: String,
    /// Whether it held.
    pub passed: bool,
    /// What was found.
    pub detail: String,
}

impl CheckResult {
    /// A passed check.
    pub fn pass(name: impl Into<String>, detail: impl Into<String>) -> CheckResult {
        CheckResult {
            name: name.into(),
            passed: true,
            detail: detail.into(),
        }
    }

    /// A failed check.
    pub fn fail(name: impl Into<String>, detail: impl Into<String>) -> CheckResult {
        CheckResult {
            name: name.into(),
            passed: false,
            detail: detail.into(),
        }
    }

    /// The name under which a violation of the invariant checker `checker` is reported: one
    /// spelling for the runner's verdict and for what `expect_failure` is checked against.
    pub fn invariant_name(checker: &str) -> String {
        format!("invariant {checker}")
    }
}

/// A running simulation of some protocol, driven without knowing which.
///
/// The binary, the runner and the visual front end see every protocol through this trait;
/// underneath, each protocol runs as a monomorphized `sim_core::Simulation<N>` (see
/// [`super::Driver`]). Nodes `0..server_count()` are the servers; client nodes follow them.
///
/// Order of calls: build it with [`super::Protocol::build`], optionally attach a trace sink,
/// drive it with [`Run::step`] / [`Run::run_until`] and faults, then call [`Run::finish`] once
/// for the end-of-run checks and [`Run::finish_trace`] to close the trace file.
pub trait Run: Send {
    /// The protocol's registered name.
    fn protocol(&self) -> &str;
    /// Processes the next event.
    fn step(&mut self) -> Result<Step, SimError>;
    /// Processes the next event if it is due at or before `limit` (`None` if it is later).
    fn step_until(&mut self, limit: Time) -> Result<Option<Step>, SimError>;
    /// Runs every event up to and including `until`.
    fn run_until(&mut self, until: Time) -> Result<Outcome, SimError>;
    /// [`Run::run_until`] that hands control back after `steps` events (`Ok(None)`); going
    /// on gives the same run.
    fn run_until_paused(&mut self, until: Time, steps: u64) -> Result<Option<Outcome>, SimError>;
    /// The current virtual time.
    fn now(&self) -> Time;
    /// Time of the next queued event.
    fn next_event_time(&self) -> Option<Time>;
    /// The run's seed.
    fn seed(&self) -> u64;
    /// All nodes, servers and clients.
    fn node_count(&self) -> u32;
    /// Servers only (ids `0..server_count()`).
    fn server_count(&self) -> u32;
    /// Every node's generic view (`None` while down).
    fn views(&self) -> Vec<Option<NodeView>>;
    /// One node's generic view (`None` while down, or past the last node): what an
    /// assertion on one field reads without building every node's view.
    fn view(&self, node: NodeId) -> Option<NodeView>;
    /// Starts counting the messages sent by kind (off until asked, so runs that never ask
    /// pay nothing); counts start from now.
    fn count_sent_kinds(&mut self);
    /// Messages sent of each kind since [`Run::count_sent_kinds`].
    fn sent_by_kind(&self) -> Vec<(&'static str, u64)>;
    /// Whether the partitions in force cut the directed link `from -> to`.
    fn link_cut(&self, from: NodeId, to: NodeId) -> bool;
    /// Every node's status.
    fn statuses(&self) -> Vec<NodeStatus>;
    /// Per node, the records of its disk that storage faults damaged, with what happened to
    /// each: what the front end marks and its inspector lists.
    fn disk_damage(&self) -> Vec<Vec<(DiskKey, Damage)>>;
    /// Messages in flight, earliest arrival first.
    fn in_flight(&self) -> Vec<InFlight>;
    /// Timers still to fire, earliest first, with when each was set: what the front end draws
    /// as a ring filling up around its node.
    fn pending_timers(&self) -> Vec<sim_core::PendingTimer>;
    /// A message in flight as text (its JSON, or its `Debug` form).
    fn message_text(&self, id: MessageId) -> Option<String>;
    /// The earliest time an input applied now can take effect and still replay from a scenario
    /// file at the same place (see `Simulation::next_input_time`).
    fn next_input_time(&self) -> Time;
    /// Applies a fault at the next input time (see `Simulation::inject`).
    fn inject(&mut self, fault: Fault) -> Result<Time, SimError>;
    /// Applies a fault at once (see `Simulation::apply_now`).
    fn apply_now(&mut self, fault: Fault) -> Result<Option<Violation>, SimError>;
    /// Schedules a fault at `at`.
    fn schedule(&mut self, at: Time, fault: Fault) -> Result<(), SimError>;
    /// The fingerprint so far.
    fn fingerprint(&self) -> u64;
    /// The trace (records are kept if a memory sink is attached).
    fn trace(&self) -> &Tracer;
    /// Replaces the trace sink.
    fn set_trace_sink(&mut self, sink: TraceSink);
    /// Closes the trace sink (a JSONL file is renamed into place).
    fn finish_trace(&mut self) -> Result<(), SimError>;
    /// Counters so far.
    fn stats(&self) -> Stats;
    /// The violated invariant the run stopped on, if any.
    fn violation(&self) -> Option<Violation>;
    /// The protocol's measurements so far.
    fn metrics(&self) -> Metrics;
    /// End-of-run checks (linearizability, agreement, convergence); call once, at the end.
    fn finish(&mut self) -> Vec<CheckResult>;
    /// The names of the checks the protocol itself may report: its invariants (as
    /// [`CheckResult::invariant_name`]) and its end-of-run checks.
    fn check_names(&self) -> Vec<String>;
    /// Edges to draw between servers.
    fn topology(&self) -> Vec<(NodeId, NodeId)>;
    /// Runs a client command typed by a person (`put x 1`); protocols without clients refuse.
    fn submit(&mut self, command: &str) -> Result<String, String>;
    /// The current leader, if the protocol has one.
    fn leader(&self) -> Option<NodeId>;
    /// Whether the protocol has converged (`None` if it has no notion of it).
    fn converged(&self) -> Option<bool>;
    /// The clients' history as Jepsen EDN (`None` if the protocol's clients record none;
    /// an error if the recorded history is malformed).
    fn history_edn(&self) -> Option<Result<String, String>>;
    /// Every directed link cut now among the first `limit` nodes, for drawing.
    fn cut_links(&self, limit: u32) -> Vec<(NodeId, NodeId)>;
    /// The faults random stream, for selectors and nemeses.
    fn faults_rng(&mut self) -> &mut SimRng;
    /// Adds a remark by the harness to the trace.
    fn annotate(&mut self, text: &str);
    /// A checkpoint: an independent copy that runs on exactly as this one would (a JSONL trace
    /// sink stays with the original).
    fn box_clone(&self) -> Box<dyn Run>;
    /// Runs the nodes' first starts, which a run driven by choice takes as given (see
    /// `sim_core::model`).
    fn start_all(&mut self) -> Result<Option<Violation>, SimError>;
    /// The messages in flight and live timers a run driven by choice may pick from.
    fn pending(&self) -> Vec<Pending>;
    /// How many messages are in flight (see `Simulation::messages_in_flight`).
    fn messages_in_flight(&self) -> u32;
    /// When `choice` would happen if taken now (see `Simulation::due`).
    fn due(&self, choice: Choice) -> Option<Time>;
    /// Takes one choice: that event happens next.
    fn take(&mut self, choice: Choice) -> Result<Step, SimError>;
    /// A choice in words (`n0 -> n1 RequestVote`), while it is enabled.
    fn describe(&self, choice: Choice) -> Option<String>;
    /// The hash by which the model checker knows a state (see `Simulation::state_hash`).
    fn state_hash(&self) -> Result<u128, SimError>;
    /// One node's part of the state hash, under a renaming of nodes (see
    /// `Simulation::node_hash`).
    fn node_hash(&self, node: NodeId, renaming: &Renaming) -> Result<u128, SimError>;
    /// The state hash from every node's part, under a renaming of nodes (see
    /// `Simulation::state_hash_from`).
    fn state_hash_from(&self, nodes: &[u128], renaming: &Renaming) -> u128;
    /// The renamings of nodes the protocol cannot tell apart here (see `Node::symmetry`).
    fn symmetry(&self) -> Symmetry;
    /// The disk records of `node` a corruption may damage, with the numbers a schedule names
    /// them by (see `Simulation::corruptible`).
    fn corruptible(&self, node: NodeId) -> Vec<(u32, sim_core::DiskKey)>;
}

impl Clone for Box<dyn Run> {
    fn clone(&self) -> Self {
        self.box_clone()
    }
}
