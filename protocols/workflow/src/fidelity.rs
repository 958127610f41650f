//! How close the simulation comes to a recorded run: each recorded machine becomes an agent
//! with one slot per core, the network costs next to nothing, and tasks take their recorded
//! run times; the simulated makespan is set against the recorded one.

use crate::config::{Deployment, Params, Policy, Sharing};
use crate::dag::Workflow;
use crate::metrics::metrics;
use sim_core::{Duration, Latency, LinkModel, NetworkConfig, Outcome, SimConfig, Time};
use std::sync::Arc;

/// One instance's recorded and simulated makespans.
#[derive(Clone, Debug, PartialEq)]
pub struct Fidelity {
    /// The recorded makespan, in seconds.
    pub recorded_s: f64,
    /// The simulated makespan, in seconds.
    pub simulated_s: f64,
    /// The lower bound on the recorded machines (critical path, or work over every core).
    pub lower_bound_s: f64,
    /// Agents (recorded machines) and slots (their cores).
    pub agents: u32,
    /// See `agents`.
    pub slots: u32,
}

/// The cluster that mirrors `workflow`'s recorded machines, with the given scheduling policy;
/// `None` if the workflow has no recorded run.
pub fn recorded_cluster(workflow: &Workflow, policy: Policy) -> Option<Params> {
    let recorded = workflow.recorded()?;
    let cores: Vec<u32> = recorded.machines.iter().map(|m| m.cores.max(1)).collect();
    Some(Params {
        agents: cores.len() as u32,
        slots: cores.iter().copied().max().unwrap_or(1),
        agent_slots: cores,
        coordinators: 1,
        deployment: Deployment::Single,
        policy,
        sharing: Sharing::Direct,
        ..Params::default()
    })
}

/// Runs `workflow` on its recorded machines (see [`recorded_cluster`]) until it completes or
/// `limit` passes; an error says why there is no figure.
pub fn fidelity(
    workflow: Arc<Workflow>,
    policy: Policy,
    limit: Duration,
) -> Result<Fidelity, String> {
    let recorded = workflow
        .recorded()
        .ok_or("the instance has no recorded run")?
        .clone();
    let params = recorded_cluster(&workflow, policy).ok_or("the instance has no recorded run")?;
    let config = SimConfig {
        seed: 1,
        network: NetworkConfig {
            default: LinkModel::with_latency(Latency::constant(Duration(1_000))),
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim = crate::build(config, &params, workflow).map_err(|e| e.to_string())?;
    let step = Duration::from_secs(10);
    let mut t = Time::ZERO;
    while t < Time::ZERO + limit {
        t += step;
        match sim.run_until(t).map_err(|e| e.to_string())? {
            Outcome::Reached => {}
            Outcome::Violated(v) => {
                return Err(format!("{} violated: {}", v.checker, v.description));
            }
        }
        let m = metrics(&sim);
        if let Some(makespan) = m.makespan_s {
            return Ok(Fidelity {
                recorded_s: recorded.makespan.0 as f64 / 1e9,
                simulated_s: makespan,
                lower_bound_s: m.lower_bound_s,
                agents: params.agents,
                slots: params.total_slots(),
            });
        }
    }
    Err(format!(
        "{} of {} tasks done after {limit}",
        crate::done(&sim),
        sim.checker::<crate::checkers::Timeline>()
            .map_or(0, |_| params.agents)
    ))
}
