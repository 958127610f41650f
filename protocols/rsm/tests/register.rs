//! The compare-and-set registers of `cas/` replicated by Raft and by Multi-Paxos, through
//! crashes, restarts, partitions and snapshots, with every protocol checker attached and the
//! clients' history checked for linearizability against the register model.

mod cas;

use cas::{Cas, Lenient, RegisterWorkload};
use sim_core::history::models::{RegisterInput, RegisterOp, RegisterOutput};
use sim_core::history::{Budget, Completion, History, Verdict};
use sim_core::{
    Duration, Fault, Latency, LinkModel, NetworkConfig, Node, NodeId, Outcome, PartitionSpec,
    SimConfig, Simulation, Time,
};

const SERVERS: u32 = 5;

fn ms(n: u64) -> Time {
    Time(Duration::from_millis(n).0)
}

fn sim_config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel {
                latency: Latency::uniform(Duration::from_millis(1), Duration::from_millis(8)),
                ..LinkModel::default()
            },
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    }
}

fn workload<const STRICT: bool>() -> RegisterWorkload<STRICT> {
    RegisterWorkload {
        clients: 4,
        registers: 3,
        values: 4,
        load: None,
        numbered: false,
    }
}

/// Runs to `t`, failing the test with the checker's report on a violation.
fn run_ok<N: Node>(sim: &mut Simulation<N>, t: u64) {
    match sim
        .run_until(ms(t))
        .expect("the run stays within its limits")
    {
        Outcome::Reached => {}
        Outcome::Violated(v) => panic!(
            "seed {}: {} violated: {}",
            sim.seed(),
            v.checker,
            v.description
        ),
    }
}

/// Crashes a follower and later restarts it (it catches up from a snapshot, the log having
/// been compacted meanwhile), then cuts the leader off from everybody and heals.
fn nemesis<N: Node>(sim: &mut Simulation<N>, leader: impl Fn(&Simulation<N>) -> Option<NodeId>) {
    run_ok(sim, 1_000);
    let old = leader(sim).expect("a leader after one second");
    let follower = NodeId((old.0 + 1) % SERVERS);
    sim.apply_now(Fault::Crash { node: follower })
        .expect("a known node");
    run_ok(sim, 3_000);
    sim.apply_now(Fault::Restart { node: follower })
        .expect("a known node");
    run_ok(sim, 4_000);
    let leader_now = leader(sim).expect("a leader after the restart");
    let rest = (0..sim.node_count())
        .map(NodeId)
        .filter(|&n| n != leader_now)
        .collect();
    let spec = PartitionSpec::Groups(vec![vec![leader_now], rest]);
    sim.apply_now(Fault::Partition { spec })
        .expect("a valid partition");
    run_ok(sim, 6_000);
    sim.apply_now(Fault::HealAll).expect("heal");
    run_ok(sim, 9_000);
}

/// What a history shows of the registers: operations answered, and compare-and-sets that
/// swapped and that did not.
fn tally(history: &History<RegisterInput, RegisterOutput>) -> (usize, usize, usize) {
    let (mut ok, mut swapped, mut refused) = (0, 0, 0);
    for op in history.ops() {
        if let Completion::Ok(out) = &op.completion {
            ok += 1;
            match (&op.input.op, out) {
                (RegisterOp::Cas { .. }, RegisterOutput::Cas(true)) => swapped += 1,
                (RegisterOp::Cas { .. }, RegisterOutput::Cas(false)) => refused += 1,
                _ => {}
            }
        }
    }
    (ok, swapped, refused)
}

fn assert_served(history: &History<RegisterInput, RegisterOutput>, verdict: Verdict) {
    let (ok, swapped, refused) = tally(history);
    assert!(ok > 300, "only {ok} operations answered");
    assert!(
        swapped > 10 && refused > 10,
        "compare-and-sets should both swap and fail: {swapped} swapped, {refused} refused"
    );
    assert_eq!(verdict, Verdict::Linearizable);
}

#[test]
fn raft_replicates_registers_through_crashes_partitions_and_snapshots() {
    let config = raft::Config {
        snapshot_threshold: 64,
        ..raft::Config::default()
    };
    let mut sim = raft::cluster::build(sim_config(3), &config, SERVERS, &workload::<true>())
        .expect("a valid cluster");
    nemesis(&mut sim, raft::leader);
    let compacted = (0..SERVERS)
        .filter_map(|i| sim.node(NodeId(i))?.server())
        .filter(|s| s.log().snapshot_index() > 0)
        .count();
    assert_eq!(compacted, SERVERS as usize, "every server took a snapshot");
    let history = raft::history(&sim).expect("a well-formed history");
    let report = raft::check_history(&sim, &Budget::default()).expect("a history");
    assert_served(&history, report.verdict);
}

#[test]
fn multi_paxos_replicates_registers_through_crashes_partitions_and_snapshots() {
    let config = paxos::Config {
        snapshot_every: 64,
        ..paxos::Config::default()
    };
    let mut sim = paxos::cluster::build(sim_config(3), &config, SERVERS, &workload::<true>())
        .expect("a valid cluster");
    nemesis(&mut sim, paxos::leader);
    let snapshotted = (0..SERVERS)
        .filter_map(|i| sim.node(NodeId(i))?.server())
        .filter(|s| s.replica().snapshot().is_some())
        .count();
    assert_eq!(
        snapshotted, SERVERS as usize,
        "every server took a snapshot"
    );
    let history = paxos::history(&sim).expect("a well-formed history");
    let report = paxos::check_history(&sim, &Budget::default()).expect("a history");
    assert_served(&history, report.verdict);
}

#[test]
fn a_compare_and_set_that_ignores_its_expected_value_is_caught_under_either_protocol() {
    let mut r = raft::cluster::build(
        sim_config(5),
        &raft::Config::default(),
        SERVERS,
        &workload::<false>(),
    )
    .expect("a valid cluster");
    run_ok(&mut r, 3_000);
    let verdict = raft::check_history::<Lenient>(&r, &Budget::default())
        .expect("a history")
        .verdict;
    assert_eq!(verdict, Verdict::NotLinearizable, "under Raft");

    let mut p = paxos::cluster::build(
        sim_config(5),
        &paxos::Config::default(),
        SERVERS,
        &workload::<false>(),
    )
    .expect("a valid cluster");
    run_ok(&mut p, 3_000);
    let verdict = paxos::check_history::<Lenient>(&p, &Budget::default())
        .expect("a history")
        .verdict;
    assert_eq!(verdict, Verdict::NotLinearizable, "under Multi-Paxos");
}

#[test]
fn the_same_seed_replays_the_same_register_run() {
    let run = |seed| {
        let mut sim: Simulation<raft::RaftNode<Cas>> = raft::cluster::build(
            sim_config(seed),
            &raft::Config::default(),
            SERVERS,
            &workload::<true>(),
        )
        .expect("a valid cluster");
        run_ok(&mut sim, 2_000);
        sim.fingerprint()
    };
    assert_eq!(run(11), run(11));
    assert_ne!(run(11), run(12));
}
