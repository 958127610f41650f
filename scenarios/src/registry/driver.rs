//! [`Driver`]: the one implementation of [`Run`] for every protocol, generic over the node type
//! and a small protocol-specific [`Adapter`].

use super::{CheckResult, Metrics, Run};
use sim_core::model::{Choice, Pending, Renaming, Symmetry};
use sim_core::rng::SimRng;
use sim_core::trace::Tracer;
use sim_core::{
    Damage, DiskKey, Fault, InFlight, MessageId, Node, NodeId, NodeStatus, NodeView, Outcome,
    RoleClass, SimError, Simulation, Stats, Step, Time, TraceSink, Violation,
};

/// What a protocol adds to the generic driver: its metrics, end-of-run checks, client
/// commands and what "leader" and "converged" mean for it. Every method has a default, so a
/// protocol implements only what it has.
pub trait Adapter<N: Node>: Clone + Send + Sync + 'static {
    /// Adds the protocol's measurements (the driver adds none of its own).
    fn metrics(&self, _sim: &Simulation<N>, _out: &mut Metrics) {}

    /// End-of-run checks (linearizability of the client history, agreement, convergence).
    fn finish(&mut self, _sim: &mut Simulation<N>) -> Vec<CheckResult> {
        Vec::new()
    }

    /// The names of the end-of-run checks [`Adapter::finish`] may report with this
    /// configuration, so that a file's `expect_failure` is checked before the run.
    fn check_names(&self) -> Vec<&'static str> {
        Vec::new()
    }

    /// Edges between servers for drawing; the default is the complete graph.
    fn topology(&self, _sim: &Simulation<N>, servers: u32) -> Vec<(NodeId, NodeId)> {
        let mut edges = Vec::new();
        for a in 0..servers {
            for b in a + 1..servers {
                edges.push((NodeId(a), NodeId(b)));
            }
        }
        edges
    }

    /// A client command typed by a person; the default refuses.
    fn submit(&mut self, _sim: &mut Simulation<N>, _command: &str) -> Result<String, String> {
        Err("this protocol takes no client commands".to_string())
    }

    /// The current leader; the default reads the views (see [`leader_from_views`]).
    fn leader(&self, sim: &Simulation<N>, servers: u32) -> Option<NodeId> {
        leader_from_views(sim, servers)
    }

    /// Whether the cluster has converged; the default is "no such notion".
    fn converged(&self, _sim: &Simulation<N>) -> Option<bool> {
        None
    }

    /// The clients' history in Jepsen's EDN, for Knossos, Elle, Porcupine and `clustersim
    /// lincheck`; `None` for a protocol whose clients record none (the default).
    fn history_edn(&self, _sim: &Simulation<N>) -> Option<Result<String, String>> {
        None
    }
}

/// The running, unpaused server whose view has the role class [`RoleClass::Leader`]; if
/// several do (a deposed leader that has not heard the news), the one with the highest epoch,
/// then the lowest id. Only the typed fields are read: what the protocol calls its roles does
/// not matter.
pub fn leader_from_views<N: Node>(sim: &Simulation<N>, servers: u32) -> Option<NodeId> {
    let mut best: Option<(u64, NodeId)> = None;
    for i in 0..servers {
        let id = NodeId(i);
        if sim.status(id) != Some(NodeStatus::Up) {
            continue;
        }
        let Some(node) = sim.node(id) else { continue };
        let view = node.view();
        if view.class != RoleClass::Leader {
            continue;
        }
        let epoch = view.epoch.unwrap_or(0);
        if best.is_none_or(|(e, _)| epoch > e) {
            best = Some((epoch, id));
        }
    }
    best.map(|(_, id)| id)
}

/// A simulation of `N` nodes with the protocol's adapter: the generic [`Run`].
#[derive(Clone)]
pub struct Driver<N: Node, A: Adapter<N>> {
    sim: Simulation<N>,
    adapter: A,
    servers: u32,
    protocol: &'static str,
}

impl<N: Node, A: Adapter<N>> Driver<N, A> {
    /// Wraps a built simulation whose first `servers` nodes are the servers.
    pub fn new(protocol: &'static str, sim: Simulation<N>, servers: u32, adapter: A) -> Self {
        Driver {
            sim,
            adapter,
            servers,
            protocol,
        }
    }

    /// The simulation underneath, for protocol-specific code and tests.
    pub fn sim(&self) -> &Simulation<N> {
        &self.sim
    }

    /// The simulation underneath, mutably.
    pub fn sim_mut(&mut self) -> &mut Simulation<N> {
        &mut self.sim
    }
}

impl<N, A> Run for Driver<N, A>
where
    N: Node,
    A: Adapter<N>,
{
    fn protocol(&self) -> &str {
        self.protocol
    }
    fn step(&mut self) -> Result<Step, SimError> {
        self.sim.step()
    }
    fn step_until(&mut self, limit: Time) -> Result<Option<Step>, SimError> {
        self.sim.step_until(limit)
    }
    fn run_until(&mut self, until: Time) -> Result<Outcome, SimError> {
        self.sim.run_until(until)
    }
    fn run_until_paused(&mut self, until: Time, steps: u64) -> Result<Option<Outcome>, SimError> {
        self.sim.run_until_paused(until, steps)
    }
    fn now(&self) -> Time {
        self.sim.now()
    }
    fn next_event_time(&self) -> Option<Time> {
        self.sim.next_event_time()
    }
    fn next_input_time(&self) -> Time {
        self.sim.next_input_time()
    }
    fn seed(&self) -> u64 {
        self.sim.seed()
    }
    fn node_count(&self) -> u32 {
        self.sim.node_count()
    }
    fn server_count(&self) -> u32 {
        self.servers
    }
    fn views(&self) -> Vec<Option<NodeView>> {
        self.sim.views()
    }
    fn view(&self, node: NodeId) -> Option<NodeView> {
        match self.sim.status(node) {
            Some(NodeStatus::Down) | None => None,
            _ => self.sim.node(node).map(Node::view),
        }
    }
    fn count_sent_kinds(&mut self) {
        self.sim.count_sent_kinds();
    }
    fn sent_by_kind(&self) -> Vec<(&'static str, u64)> {
        self.sim.sent_by_kind().to_vec()
    }
    fn link_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.sim.partition().blocks(from, to)
    }
    fn statuses(&self) -> Vec<NodeStatus> {
        (0..self.sim.node_count())
            .map(|i| self.sim.status(NodeId(i)).unwrap_or(NodeStatus::Down))
            .collect()
    }
    fn disk_damage(&self) -> Vec<Vec<(DiskKey, Damage)>> {
        (0..self.sim.node_count())
            .map(|i| {
                self.sim
                    .disk(NodeId(i))
                    .map(|d| d.damaged())
                    .unwrap_or_default()
            })
            .collect()
    }
    fn in_flight(&self) -> Vec<InFlight> {
        self.sim.in_flight()
    }
    fn pending_timers(&self) -> Vec<sim_core::PendingTimer> {
        self.sim.pending_timers()
    }
    fn message_text(&self, id: MessageId) -> Option<String> {
        let msg = self.sim.message(id)?;
        Some(serde_json::to_string(msg).unwrap_or_else(|_| format!("{msg:?}")))
    }
    fn inject(&mut self, fault: Fault) -> Result<Time, SimError> {
        self.sim.inject(fault)
    }
    fn apply_now(&mut self, fault: Fault) -> Result<Option<Violation>, SimError> {
        self.sim.apply_now(fault)
    }
    fn schedule(&mut self, at: Time, fault: Fault) -> Result<(), SimError> {
        self.sim.schedule(at, fault)
    }
    fn fingerprint(&self) -> u64 {
        self.sim.fingerprint()
    }
    fn trace(&self) -> &Tracer {
        self.sim.trace()
    }
    fn set_trace_sink(&mut self, sink: TraceSink) {
        self.sim.set_trace_sink(sink);
    }
    fn finish_trace(&mut self) -> Result<(), SimError> {
        self.sim.finish()
    }
    fn stats(&self) -> Stats {
        *self.sim.stats()
    }
    fn violation(&self) -> Option<Violation> {
        self.sim.violation().cloned()
    }
    fn metrics(&self) -> Metrics {
        let mut m = Metrics::default();
        self.adapter.metrics(&self.sim, &mut m);
        m
    }
    fn finish(&mut self) -> Vec<CheckResult> {
        self.adapter.finish(&mut self.sim)
    }
    fn check_names(&self) -> Vec<String> {
        let invariants = self.sim.checker_names().into_iter();
        let mut out: Vec<String> = invariants.map(CheckResult::invariant_name).collect();
        out.extend(self.adapter.check_names().into_iter().map(String::from));
        out
    }
    fn topology(&self) -> Vec<(NodeId, NodeId)> {
        self.adapter.topology(&self.sim, self.servers)
    }
    fn submit(&mut self, command: &str) -> Result<String, String> {
        self.adapter.submit(&mut self.sim, command)
    }
    fn leader(&self) -> Option<NodeId> {
        self.adapter.leader(&self.sim, self.servers)
    }
    fn converged(&self) -> Option<bool> {
        self.adapter.converged(&self.sim)
    }
    fn history_edn(&self) -> Option<Result<String, String>> {
        self.adapter.history_edn(&self.sim)
    }
    fn cut_links(&self, limit: u32) -> Vec<(NodeId, NodeId)> {
        self.sim.partition().cut_links(limit)
    }
    fn faults_rng(&mut self) -> &mut SimRng {
        self.sim.faults_rng()
    }
    fn annotate(&mut self, text: &str) {
        self.sim.annotate(text);
    }
    fn box_clone(&self) -> Box<dyn Run> {
        Box::new(self.clone())
    }
    fn start_all(&mut self) -> Result<Option<Violation>, SimError> {
        self.sim.start_all()
    }
    fn pending(&self) -> Vec<Pending> {
        self.sim.pending()
    }
    fn messages_in_flight(&self) -> u32 {
        self.sim.messages_in_flight()
    }
    fn due(&self, choice: Choice) -> Option<Time> {
        self.sim.due(choice)
    }
    fn take(&mut self, choice: Choice) -> Result<Step, SimError> {
        self.sim.take(choice)
    }
    fn describe(&self, choice: Choice) -> Option<String> {
        self.sim.describe(choice)
    }
    fn state_hash(&self) -> Result<u128, SimError> {
        self.sim.state_hash()
    }
    fn node_hash(&self, node: NodeId, renaming: &Renaming) -> Result<u128, SimError> {
        self.sim.node_hash(node, renaming)
    }
    fn state_hash_from(&self, nodes: &[u128], renaming: &Renaming) -> u128 {
        self.sim.state_hash_from(nodes, renaming)
    }
    fn symmetry(&self) -> Symmetry {
        self.sim.symmetry()
    }
    fn corruptible(&self, node: NodeId) -> Vec<(u32, sim_core::DiskKey)> {
        self.sim.corruptible(node)
    }
}
