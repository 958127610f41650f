//! Helpers shared by the Raft tests: building clusters, running them, and judging the result.
#![allow(dead_code)]

use kv::WorkloadConfig;
use raft::cluster::build;
use raft::{Config, RaftNode, history, leader};
use sim_core::history::{Budget, Verdict};
use sim_core::{
    Duration, Fault, Latency, LinkModel, NetworkConfig, NodeId, Outcome, SimConfig, Simulation,
    Time,
};

/// Milliseconds as a time.
pub fn ms(n: u64) -> Time {
    Time(Duration::from_millis(n).0)
}

/// A network whose one-way delay is uniform in `lo..hi` milliseconds, with loss and
/// duplication probabilities.
pub fn network(lo: u64, hi: u64, loss: f64, duplicate: f64) -> NetworkConfig {
    NetworkConfig {
        default: LinkModel {
            latency: Latency::uniform(Duration::from_millis(lo), Duration::from_millis(hi)),
            loss,
            duplicate,
            ..LinkModel::default()
        },
        ..NetworkConfig::default()
    }
}

/// A small workload that starts at once.
pub fn workload(clients: u32) -> WorkloadConfig {
    WorkloadConfig {
        clients,
        keys: 3,
        start: Duration::from_millis(300),
        timeout: Duration::from_millis(400),
        ..WorkloadConfig::default()
    }
}

/// A cluster of `servers` with `clients` clients on a 1-10 ms network.
pub fn cluster(seed: u64, servers: u32, clients: u32, config: &Config) -> Simulation<RaftNode> {
    cluster_on(seed, servers, clients, config, network(1, 10, 0.0, 0.0))
}

/// A cluster on a given network.
pub fn cluster_on(
    seed: u64,
    servers: u32,
    clients: u32,
    config: &Config,
    network: NetworkConfig,
) -> Simulation<RaftNode> {
    let sim = SimConfig {
        seed,
        network,
        ..SimConfig::default()
    };
    build(sim, config, servers, &workload(clients)).expect("a valid cluster")
}

/// Runs to `t` and returns the violation, if a checker found one.
pub fn run_to(sim: &mut Simulation<RaftNode>, t: Time) -> Option<String> {
    match sim.run_until(t).expect("the run stays within its limits") {
        Outcome::Reached => None,
        Outcome::Violated(v) => Some(format!("{}: {}", v.checker, v.description)),
    }
}

/// Runs to `t`, failing the test on a violation.
pub fn run_ok(sim: &mut Simulation<RaftNode>, t: Time) {
    if let Some(v) = run_to(sim, t) {
        panic!("seed {}: {v}", sim.seed());
    }
}

/// The linearizability verdict of the run's client history.
pub fn linearizable(sim: &Simulation<RaftNode>) -> Verdict {
    let h = history(sim).expect("a well-formed history");
    kv::check_linearizable(&h, &Budget::default()).verdict
}

/// Asserts the history is linearizable.
pub fn assert_linearizable(sim: &Simulation<RaftNode>) {
    assert_eq!(
        linearizable(sim),
        Verdict::Linearizable,
        "seed {}",
        sim.seed()
    );
}

/// The current leader, failing the test if there is none.
pub fn the_leader(sim: &Simulation<RaftNode>) -> NodeId {
    leader(sim).unwrap_or_else(|| panic!("seed {}: no leader at {}", sim.seed(), sim.now()))
}

/// Crashes a node now.
pub fn crash(sim: &mut Simulation<RaftNode>, node: NodeId) {
    sim.apply_now(Fault::Crash { node }).expect("a known node");
}

/// Restarts a node now.
pub fn restart(sim: &mut Simulation<RaftNode>, node: NodeId) {
    sim.apply_now(Fault::Restart { node })
        .expect("a known node");
}

/// Answered client operations so far.
pub fn completed(sim: &Simulation<RaftNode>) -> u64 {
    raft::metrics(sim).clients.completed
}

/// A randomized nemesis for the bug hunts: every 100 to 400 ms it crashes a server (keeping
/// a majority up), restarts one, splits all nodes (clients included) into two random sides,
/// or heals. Draws come from the simulation's fault stream, so a seed replays exactly.
/// Then everything heals and restarts, and the cluster runs on so that reads and writes see
/// the outcome. Returns the first violation a checker reported.
pub fn nemesis_run(sim: &mut Simulation<RaftNode>, servers: u32, chaos_ms: u64) -> Option<String> {
    let nodes = sim.node_count();
    let mut t = 300;
    let mut down: Vec<NodeId> = Vec::new();
    while t < chaos_ms {
        if let Some(v) = run_to(sim, ms(t)) {
            return Some(v);
        }
        let rng = sim.faults_rng();
        let action = rng.below(4);
        let fault = match action {
            0 if (down.len() as u32) < (servers - 1) / 2 => {
                let n = NodeId(rng.below(u64::from(servers)) as u32);
                if down.contains(&n) {
                    None
                } else {
                    down.push(n);
                    Some(Fault::Crash { node: n })
                }
            }
            1 if !down.is_empty() => {
                let i = rng.index(down.len());
                Some(Fault::Restart {
                    node: down.swap_remove(i),
                })
            }
            2 => {
                let mut a = Vec::new();
                let mut b = Vec::new();
                for n in 0..nodes {
                    if rng.chance(0.5) {
                        a.push(NodeId(n));
                    } else {
                        b.push(NodeId(n));
                    }
                }
                Some(Fault::Partition {
                    spec: sim_core::PartitionSpec::Groups(vec![a, b]),
                })
            }
            _ => Some(Fault::HealAll),
        };
        let step = sim.faults_rng().between(100, 400);
        if let Some(f) = fault
            && let Some(v) = sim.apply_now(f).expect("a valid fault")
        {
            return Some(format!("{}: {}", v.checker, v.description));
        }
        t += step;
    }
    sim.apply_now(Fault::HealAll).expect("heal");
    for n in down {
        sim.apply_now(Fault::Restart { node: n }).expect("restart");
    }
    run_to(sim, ms(chaos_ms + 3_000))
}

/// A nemesis aimed at elections: every 40 to 150 ms it crashes the leader, restarts a crashed
/// server, or reboots a running server at once (so it forgets whatever it did not sync),
/// keeping a majority up. Then everything restarts and the cluster runs on.
pub fn election_churn(
    sim: &mut Simulation<RaftNode>,
    servers: u32,
    chaos_ms: u64,
) -> Option<String> {
    let mut t = 200;
    let mut down: Vec<NodeId> = Vec::new();
    while t < chaos_ms {
        if let Some(v) = run_to(sim, ms(t)) {
            return Some(v);
        }
        let leader = raft::leader(sim);
        let rng = sim.faults_rng();
        let fault = match rng.below(3) {
            0 => match leader {
                Some(l) if (down.len() as u32) < (servers - 1) / 2 => {
                    down.push(l);
                    Some(Fault::Crash { node: l })
                }
                _ => None,
            },
            1 if !down.is_empty() => {
                let i = rng.index(down.len());
                Some(Fault::Restart {
                    node: down.swap_remove(i),
                })
            }
            _ => {
                let n = NodeId(rng.below(u64::from(servers)) as u32);
                (!down.contains(&n)).then_some(Fault::Restart { node: n })
            }
        };
        t += sim.faults_rng().between(5, 60);
        if let Some(f) = fault
            && let Some(v) = sim.apply_now(f).expect("a valid fault")
        {
            return Some(format!("{}: {}", v.checker, v.description));
        }
    }
    for n in down {
        sim.apply_now(Fault::Restart { node: n }).expect("restart");
    }
    run_to(sim, ms(chaos_ms + 2_000))
}

/// A nemesis aimed at reads: every 1 to 3 s it either heals, or cuts the current leader
/// off together with one client, so that the client keeps talking to a leader the rest of
/// the cluster has replaced. Then everything heals and the cluster runs on.
pub fn leader_isolation(
    sim: &mut Simulation<RaftNode>,
    servers: u32,
    chaos_ms: u64,
) -> Option<String> {
    let nodes = sim.node_count();
    let mut t = 500;
    let mut cut = false;
    while t < chaos_ms {
        if let Some(v) = run_to(sim, ms(t)) {
            return Some(v);
        }
        let fault = if cut {
            cut = false;
            Some(Fault::HealAll)
        } else if let Some(l) = raft::leader(sim) {
            let client =
                NodeId(servers + sim.faults_rng().below(u64::from(nodes - servers)) as u32);
            let rest: Vec<NodeId> = (0..nodes)
                .map(NodeId)
                .filter(|&n| n != l && n != client)
                .collect();
            cut = true;
            Some(Fault::Partition {
                spec: sim_core::PartitionSpec::Groups(vec![vec![l, client], rest]),
            })
        } else {
            None
        };
        t += sim.faults_rng().between(1_000, 3_000);
        if let Some(f) = fault
            && let Some(v) = sim.apply_now(f).expect("a valid fault")
        {
            return Some(format!("{}: {}", v.checker, v.description));
        }
    }
    sim.apply_now(Fault::HealAll).expect("heal");
    run_to(sim, ms(chaos_ms + 2_000))
}

/// Server `id`, running.
pub fn server(sim: &Simulation<RaftNode>, id: NodeId) -> &raft::Server {
    sim.node(id)
        .and_then(RaftNode::server)
        .expect("a running server")
}

/// The indices of the log entries on server `id`'s disk.
pub fn disk_log(sim: &Simulation<RaftNode>, id: NodeId) -> Vec<u64> {
    sim.disk(id)
        .expect("a disk")
        .range("log")
        .map(|(i, _)| i)
        .collect()
}
