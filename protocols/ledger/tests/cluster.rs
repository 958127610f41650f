//! Ledger clusters on Raft and on Multi-Paxos: blocks are cut by size and by timeout, every
//! server keeps the chain on its disk, a damaged or tampered block is found by the scrub and
//! repaired from a peer, and the `no-verify-on-repair` bug lets a tampered block spread.

use ledger::{
    Deployment, LedgerBug, LedgerConfig, LedgerNode, LedgerWorkload, Record, block_key, checkers,
    cluster,
};
use rsm::Pacing;
use sim_core::history::{Budget, Verdict};
use sim_core::{Duration, Fault, NodeId, RecordAim, SimConfig, Simulation, StorageFault, Time};

fn sim(deployment: Deployment, bugs: Vec<LedgerBug>, seed: u64) -> Simulation<LedgerNode> {
    sim_reading(deployment, bugs, seed, Duration::from_millis(100))
}

fn sim_reading(
    deployment: Deployment,
    bugs: Vec<LedgerBug>,
    seed: u64,
    read_every: Duration,
) -> Simulation<LedgerNode> {
    build(deployment, bugs, seed, read_every, cluster::build)
}

type Build = fn(
    SimConfig,
    &LedgerConfig,
    u32,
    &LedgerWorkload,
) -> Result<Simulation<LedgerNode>, sim_core::SimError>;

fn build(
    deployment: Deployment,
    bugs: Vec<LedgerBug>,
    seed: u64,
    read_every: Duration,
    build: Build,
) -> Simulation<LedgerNode> {
    let config = LedgerConfig {
        deployment,
        block_size: 20,
        block_timeout: Duration::from_millis(50),
        scrub_rate: 50.0,
        bugs,
        ..LedgerConfig::default()
    };
    let workload = LedgerWorkload {
        clients: 4,
        pacing: Pacing::Rate { per_second: 100.0 },
        start: Duration::from_millis(400),
        readers: 2,
        read_every,
        ..LedgerWorkload::default()
    };
    build(
        SimConfig {
            seed,
            ..SimConfig::default()
        },
        &config,
        3,
        &workload,
    )
    .expect("a valid cluster")
}

fn secs(s: u64) -> Time {
    Time(Duration::from_secs(s).0)
}

fn server(sim: &Simulation<LedgerNode>, n: u32) -> &ledger::LedgerServer {
    sim.node(NodeId(n))
        .and_then(LedgerNode::server)
        .expect("a running server")
}

fn reader(sim: &Simulation<LedgerNode>, n: u32) -> ledger::ReaderCounters {
    sim.node(NodeId(n))
        .and_then(LedgerNode::reader)
        .expect("a running reader")
        .counters()
}

fn block(height: u64) -> RecordAim {
    RecordAim {
        name: Some("block".into()),
        index: Some(height),
        draw: 0,
    }
}

fn tamper(n: u32, height: u64, noise: u64) -> Fault {
    Fault::Storage {
        node: NodeId(n),
        storage: StorageFault::Tamper {
            aim: block(height),
            noise,
        },
    }
}

#[test]
fn both_protocols_cut_blocks_and_every_server_stores_the_chain() {
    for deployment in [Deployment::Raft, Deployment::MultiPaxos] {
        let mut s = sim(deployment, Vec::new(), 3);
        s.run_until(secs(5)).expect("the run stays within limits");
        assert_eq!(s.violation(), None, "{deployment:?}");
        let (height, head) = server(&s, 0).ledger().head();
        assert!(height >= 20, "{deployment:?}: only {height} blocks");
        let headers = server(&s, 0).ledger().headers();
        // At 400 records a second and blocks of 20, most blocks are cut full, and the
        // timeout closes the others.
        assert!(headers.iter().any(|h| h.count == 20), "{deployment:?}");
        assert!(headers.iter().all(|h| h.count >= 1 && h.count <= 20));
        for n in 0..3 {
            let srv = server(&s, n);
            assert_eq!(srv.ledger().head(), (height, head), "{deployment:?} n{n}");
            assert_eq!(srv.stored(), height, "{deployment:?} n{n} stored its chain");
            assert!(srv.counters().scrubbed > 0);
            let disk = s.disk(NodeId(n)).unwrap();
            for h in headers.iter() {
                let Some(Record::Block(b)) = disk.get(block_key(h.height)) else {
                    panic!("{deployment:?}: n{n} lacks block {}", h.height);
                };
                assert_eq!(b.hash(), h.hash());
            }
        }
        checkers::acked_records_in_chain(&s).expect("every acknowledged record is in the chain");
        // The two readers (after the four producers) read records back, proven.
        for n in [7, 8] {
            let r = reader(&s, n);
            assert!(r.accepted > 20, "{deployment:?}: {r:?}");
            assert_eq!(r.rejected, 0, "{deployment:?}");
        }
        let history = cluster::history(&s).unwrap();
        assert!(
            history.len() > 1000,
            "{deployment:?}: {} operations",
            history.len()
        );
        let report = rsm::check_linearizable::<ledger::Ledger>(&history, &Budget::default());
        assert_eq!(report.verdict, Verdict::Linearizable, "{deployment:?}");
    }
}

#[test]
fn the_scrub_finds_a_tampered_block_and_repairs_it_from_a_peer() {
    let mut s = sim(Deployment::Raft, Vec::new(), 5);
    s.run_until(secs(2)).unwrap();
    let height = 3;
    let honest = server(&s, 1).ledger().header(height).unwrap().hash();
    s.apply_now(tamper(1, height, 77)).unwrap();
    let Some(Record::Block(b)) = s.disk(NodeId(1)).unwrap().get(block_key(height)) else {
        panic!("block 3 on n1");
    };
    assert_ne!(b.hash(), honest, "the tamper changed the block");
    assert_eq!(b.check(), Ok(()), "and kept it consistent with itself");
    s.run_until(secs(5)).unwrap();
    assert_eq!(s.violation(), None);
    let Some(Record::Block(b)) = s.disk(NodeId(1)).unwrap().get(block_key(height)) else {
        panic!("block 3 on n1");
    };
    assert_eq!(b.hash(), honest, "repaired");
    let c = server(&s, 1).counters();
    assert_eq!((c.damaged, c.repaired), (1, 1));
    assert!(c.max_repair_ns > 0 && c.max_repair_ns < Duration::from_secs(1).0);
}

#[test]
fn without_verification_a_repair_copies_a_tampered_block() {
    let mut caught = false;
    for seed in 0..10 {
        let mut s = sim(Deployment::Raft, vec![LedgerBug::NoVerifyOnRepair], seed);
        s.run_until(secs(2)).unwrap();
        // The same block tampered on one server and corrupted on another: the second
        // repairs it from whichever peer it asks first.
        s.apply_now(tamper(1, 4, 9)).unwrap();
        s.apply_now(Fault::Storage {
            node: NodeId(2),
            storage: StorageFault::Corrupt {
                aim: block(4),
                noise: 5,
            },
        })
        .unwrap();
        s.run_until(secs(4)).unwrap();
        if let Some(v) = s.violation() {
            assert_eq!(v.checker, "blocks written match the chain", "{v:?}");
            caught = true;
            break;
        }
    }
    assert!(caught, "some seed repairs from the tampered copy");
}

#[test]
fn a_server_trusting_its_local_copy_serves_a_tampered_record_and_readers_turn_it_down() {
    let mut caught = None;
    for seed in 0..10 {
        let mut s = sim_reading(
            Deployment::Raft,
            vec![LedgerBug::TrustLocalCopy],
            seed,
            Duration::from_millis(5),
        );
        s.run_until(secs(1)).unwrap();
        s.apply_now(tamper(1, 2, 3)).unwrap();
        s.run_until(secs(3)).unwrap();
        if let Some(v) = s.violation() {
            assert_eq!(v.checker, "reads served match the chain", "{v:?}");
            caught = Some(seed);
            break;
        }
    }
    let seed = caught.expect("a reader asks n1 for block 2");
    // The same run with only the readers' check: they turn the tampered record down.
    let mut s = build(
        Deployment::Raft,
        vec![LedgerBug::TrustLocalCopy],
        seed,
        Duration::from_millis(5),
        cluster::build_unchecked,
    );
    s.add_checker(checkers::NoTamperedReads);
    s.run_until(secs(1)).unwrap();
    s.apply_now(tamper(1, 2, 3)).unwrap();
    s.run_until(secs(3)).unwrap();
    assert_eq!(s.violation(), None);
    let rejected: u64 = [7, 8].into_iter().map(|n| reader(&s, n).rejected).sum();
    assert!(rejected > 0, "the tampered answers were turned down");
}

#[test]
fn a_correct_server_never_serves_its_tampered_copy_and_readers_accept_only_the_chain() {
    let mut s = sim_reading(Deployment::Raft, Vec::new(), 2, Duration::from_millis(5));
    s.run_until(secs(1)).unwrap();
    s.apply_now(tamper(1, 2, 3)).unwrap();
    s.run_until(secs(3)).unwrap();
    assert_eq!(s.violation(), None);
    let mut accepted = 0;
    for n in [7, 8] {
        let r = reader(&s, n);
        assert_eq!(r.rejected, 0);
        accepted += r.accepted;
    }
    assert!(accepted > 300, "{accepted}");
    assert_eq!(server(&s, 1).counters().repaired, 1);
}

/// A server cut off while the chain grows far past what the state keeps whole comes back
/// through a snapshot, writes the latest blocks from it and fetches the older ones in batches:
/// it holds the whole chain soon after the heal, though blocks keep coming at 200 a second.
/// (Fetching one block per round trip, it fell further behind as the latest blocks left the
/// state before it reached them, and never caught up.)
#[test]
fn a_server_far_behind_catches_up_in_batches_while_the_chain_grows() {
    for deployment in [Deployment::Raft, Deployment::MultiPaxos] {
        let mut config = LedgerConfig {
            deployment,
            block_size: 2,
            block_timeout: Duration::from_millis(20),
            ..LedgerConfig::default()
        };
        config.raft.snapshot_threshold = 50;
        config.paxos.snapshot_every = 50;
        let workload = LedgerWorkload {
            clients: 4,
            pacing: Pacing::Rate { per_second: 100.0 },
            readers: 0,
            ..LedgerWorkload::default()
        };
        let mut s = cluster::build(SimConfig::default(), &config, 3, &workload).unwrap();
        s.run_until(secs(1)).unwrap();
        let lagging = (0..3)
            .map(NodeId)
            .find(|&n| Some(n) != cluster::leader(&s))
            .unwrap();
        s.apply_now(Fault::Partition {
            spec: sim_core::PartitionSpec::Isolate(lagging),
        })
        .unwrap();
        s.run_until(secs(4)).unwrap();
        let behind = server(&s, 0)
            .ledger()
            .height()
            .max(server(&s, 1).ledger().height())
            - server(&s, lagging.0).stored();
        assert!(
            behind > 2 * ledger::WINDOW as u64,
            "{deployment:?}: only {behind} blocks behind"
        );
        s.apply_now(Fault::HealAll).unwrap();
        s.run_until(Time(secs(4).0 + Duration::from_millis(500).0))
            .unwrap();
        assert_eq!(s.violation(), None, "{deployment:?}");
        let srv = server(&s, lagging.0);
        let (height, _) = srv.ledger().head();
        assert!(
            srv.stored() + 8 >= height && srv.missing().count() < 2 * ledger::FETCH_BATCH as usize,
            "{deployment:?}: 500 ms after the heal {lagging} stored {} of {height}, {} missing",
            srv.stored(),
            srv.missing().count()
        );
        assert!(
            srv.counters().repaired > ledger::WINDOW as u64,
            "{deployment:?}"
        );
    }
}
