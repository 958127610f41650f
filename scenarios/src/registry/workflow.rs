//! Agent workflows (`protocols/workflow`) in the registry: `[protocol.params]` is
//! `workflow::Params`, `[workload]` is the workflow (`workflow::WorkflowSource`: a WfFormat
//! file relative to the scenario, or a generator), and `[cluster] nodes` counts coordinators
//! and agents together (the agents are the nodes after the coordinators).
//!
//! Checks: the workflow's five safety checks after every event; at the end, every task done
//! (while an agent is alive) and the engine's history linearizable.

use super::kv_common::{PARAMS, WORKLOAD, invalid, param_error};
use super::lincheck::{self, Nouns};
use super::overlay::parse_node;
use super::vocabulary::{
    MetricShape, PAXOS_FIELDS, PAXOS_KINDS, RAFT_FIELDS, RAFT_KINDS, Vocabulary, union,
};
use super::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use sim_core::{InvalidParam, NodeId, SimRng, Simulation, Stream};
use std::path::Path;
use std::sync::Arc;
use workflow::{EngineModel, Params, WorkflowNode, WorkflowSource};

/// The registry entry.
pub struct WorkflowProtocol;

/// What `clustersim new workflow` prints.
pub const TEMPLATE: &str = include_str!("templates/workflow.toml");

/// The workflow adapter.
/// The end-of-run check that every task of the workflow finished.
const ALL_DONE: &str = "workflow: all tasks done";

#[derive(Clone)]
struct WorkflowAdapter {
    linearizable: bool,
}

impl Adapter<WorkflowNode> for WorkflowAdapter {
    fn metrics(&self, sim: &Simulation<WorkflowNode>, out: &mut Metrics) {
        let m = workflow::metrics(sim);
        out.set("tasks", f64::from(m.tasks));
        out.set("tasks_done", f64::from(m.done));
        out.set("lower_bound_s", m.lower_bound_s);
        if let Some(v) = m.makespan_s {
            out.set("makespan_s", v);
        }
        if let Some(v) = m.makespan_over_bound {
            out.set("makespan_over_bound", v);
        }
        out.set("task_wait_mean_s", m.wait_mean_s);
        out.set("task_wait_p99_s", m.wait_p99_s);
        out.set("attempts_started", m.attempts_started as f64);
        out.set("reexecuted_tasks", m.reexecuted as f64);
        out.set("wasted_agent_s", m.wasted_agent_s);
        if let Some(v) = m.utilization {
            out.set("agent_utilization", v);
        }
        if let Some(v) = m.messages_per_task {
            out.set("messages_per_task", v);
        }
        if let Some(v) = m.work_messages_per_task {
            out.set("work_messages_per_task", v);
        }
        if let Some(v) = m.bytes_per_task {
            out.set("bytes_per_task", v);
        }
        out.set("longest_stall_s", m.longest_stall_s);
        if let Some(v) = m.crash_to_rerun_max_s {
            out.set("crash_to_rerun_max_s", v);
        }
        if let Some(v) = m.crash_to_rerun_mean_s {
            out.set("crash_to_rerun_mean_s", v);
        }
    }

    fn check_names(&self) -> Vec<&'static str> {
        let mut out = vec![ALL_DONE];
        out.extend(lincheck::names(self.linearizable));
        out
    }

    fn finish(&mut self, sim: &mut Simulation<WorkflowNode>) -> Vec<CheckResult> {
        if sim.violation().is_some() {
            return Vec::new();
        }
        let mut out = vec![match workflow::complete(sim) {
            Ok(()) => CheckResult::pass(ALL_DONE, format!("{} tasks", workflow::done(sim))),
            Err(why) => CheckResult::fail(ALL_DONE, why),
        }];
        if self.linearizable {
            let nouns = Nouns {
                ops: "orders",
                parts: "tasks and agents",
                part: "subject",
            };
            out.push(lincheck::linearizable(
                &EngineModel,
                workflow::history(sim),
                nouns,
            ));
        }
        out
    }

    fn leader(&self, sim: &Simulation<WorkflowNode>, _servers: u32) -> Option<NodeId> {
        workflow::leader(sim)
    }

    /// `drain NODE`: the leader declares the agent dead now; its tasks run elsewhere.
    fn submit(
        &mut self,
        sim: &mut Simulation<WorkflowNode>,
        command: &str,
    ) -> Result<String, String> {
        let words: Vec<&str> = command.split_whitespace().collect();
        let ["drain", node] = words.as_slice() else {
            return Err(format!(
                "expected `drain NODE` (such as `drain n5`), got {command:?}"
            ));
        };
        let agent = parse_node(node, sim.node_count())?;
        let leader = workflow::leader(sim).ok_or("no coordinator leads right now")?;
        let mut outcome = Err("the leader is not running".to_string());
        sim.input(leader, &format!("drain {agent}"), |n, ctx| {
            if let WorkflowNode::Coordinator(c) = n {
                outcome = c.drain(agent, ctx);
            }
        })
        .map_err(|e| e.to_string())?;
        outcome.map(|()| format!("{leader} declares {agent} dead; its tasks move"))
    }
}

impl Protocol for WorkflowProtocol {
    fn vocabulary(&self) -> Vocabulary {
        let names = [
            "tasks",
            "tasks_done",
            "lower_bound_s",
            "makespan_s",
            "makespan_over_bound",
            "task_wait_mean_s",
            "task_wait_p99_s",
            "attempts_started",
            "reexecuted_tasks",
            "wasted_agent_s",
            "agent_utilization",
            "messages_per_task",
            "work_messages_per_task",
            "bytes_per_task",
            "longest_stall_s",
            "crash_to_rerun_max_s",
            "crash_to_rerun_mean_s",
        ];
        let own = [
            "done",
            "ready",
            "running",
            "not started",
            "orders applied",
            "files held",
            // The agents'.
            "slots in use",
            "queued",
            "bytes held",
            "unacknowledged results",
            "finished",
        ];
        let kinds = [
            "Heartbeat",
            "Dispatch",
            "Cancel",
            "Report",
            "Ack",
            "Fetch",
            "Data",
            "Missing",
        ];
        Vocabulary {
            metrics: names.map(|n| (n, MetricShape::Value)).to_vec(),
            fields: union(&union(&own, &RAFT_FIELDS), &PAXOS_FIELDS),
            kinds: union(&union(&kinds, &RAFT_KINDS), &PAXOS_KINDS),
        }
    }

    fn name(&self) -> &'static str {
        "workflow"
    }
    fn summary(&self) -> &'static str {
        "a DAG of tasks run by agents, scheduled by a coordinator kept alone or by Raft or Multi-Paxos"
    }
    fn template(&self) -> &'static str {
        TEMPLATE
    }
    fn example_command(&self) -> &'static str {
        "drain n4"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            disk: true,
            leader: true,
            convergence: false,
            linearizability: true,
            clients: false,
            keys: false,
            topology: false,
            marks: &[],
        }
    }
    fn build(&self, s: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError> {
        if s.protocol.params.contains_key("agents") {
            return Err(invalid(
                s,
                "in [protocol.params]: `agents` is not set here; [cluster] nodes counts coordinators and agents, and the agents are the nodes after the coordinators".into(),
            ));
        }
        let mut params: Params = s.params()?;
        let nodes = s.cluster.servers();
        if nodes <= params.coordinators {
            return Err(invalid(
                s,
                format!(
                    "[cluster] nodes is {nodes} with {} coordinators; expected more nodes than coordinators (the rest are the agents)",
                    params.coordinators
                ),
            ));
        }
        params.agents = nodes - params.coordinators;
        params.validate().map_err(|e| param_error(s, PARAMS, &e))?;
        let source: WorkflowSource = s.workload()?.ok_or_else(|| {
            invalid(
                s,
                "a workflow scenario needs a [workload]: `wfformat = \"instance.json\"` (relative to the scenario) or `generator = \"layered\"` with its fields".into(),
            )
        })?;
        let dir = Path::new(&s.origin.file)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        // Generators draw from the workload stream, so the seed decides the workflow too.
        let mut rng = SimRng::new(seed, Stream::Workload);
        // A problem with the instance file is shown at `wfformat`; one with a generator's
        // parameters at the `[workload]` table.
        let key = match &source {
            WorkflowSource::WfFormat { .. } => "wfformat",
            WorkflowSource::Generated { .. } => "generator",
        };
        let work = source
            .load(&dir, &mut rng)
            .map_err(|e| param_error(s, WORKLOAD, &InvalidParam::new(key, e.to_string())))?;
        let build = if s.checks.invariants {
            workflow::build
        } else {
            workflow::build_unchecked
        };
        let mut sim = build(s.sim_config(seed), &params, Arc::new(work))
            .map_err(|e| ScenarioError::sim(format!("{}: building workflow", s.origin.file), e))?;
        if !s.checks.invariants {
            sim.annotate("invariant checkers off ([checks] invariants = false)");
        }
        let adapter = WorkflowAdapter {
            linearizable: s.checks.linearizable(),
        };
        // Every node is a server to the fault selectors: agents crash and restart too.
        Ok(Box::new(Driver::new("workflow", sim, nodes, adapter)))
    }
}
