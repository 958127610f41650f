//! Servers take any message in any state: stale, duplicated, out of order, absurd, from nodes
//! that are not servers. None of it may crash a node.

use crate::common::*;
use kv::{Command, KvInput, Reply, ReplyOutcome, Request};
use paxos::{AcceptedEntry, Ballot, Config, Msg, Value};
use sim_core::{Node, NodeId, SimRng, Stream};

fn random_ballot(rng: &mut SimRng) -> Ballot {
    match rng.below(3) {
        0 => Ballot::ZERO,
        1 => Ballot::new(rng.below(5), rng.below(12) as u32),
        _ => Ballot::new(rng.next_u64(), rng.next_u64() as u32),
    }
}

fn random_slot(rng: &mut SimRng) -> u64 {
    match rng.below(3) {
        0 => rng.below(50),
        1 => u64::MAX - rng.below(3),
        _ => rng.next_u64(),
    }
}

fn random_value(rng: &mut SimRng) -> Value {
    match rng.below(3) {
        0 => Value::Noop,
        1 => Value::Leader(random_ballot(rng)),
        _ => Value::batch(vec![Command {
            client: rng.below(20),
            seq: rng.below(100),
            op: KvInput::Append {
                key: "k0".into(),
                value: "junk".into(),
            },
        }]),
    }
}

fn random_message(rng: &mut SimRng) -> Msg {
    match rng.below(10) {
        0 => Msg::Prepare {
            ballot: random_ballot(rng),
            from_slot: random_slot(rng),
        },
        1 => Msg::Promise {
            ballot: random_ballot(rng),
            accepted: vec![AcceptedEntry {
                slot: random_slot(rng),
                ballot: random_ballot(rng),
                value: random_value(rng),
            }],
            compacted: random_slot(rng),
        },
        2 => Msg::Nack {
            ballot: random_ballot(rng),
            promised: random_ballot(rng),
        },
        3 => Msg::Accept {
            ballot: random_ballot(rng),
            slot: random_slot(rng),
            value: random_value(rng),
            commit: random_slot(rng),
        },
        4 => Msg::Accepted {
            ballot: random_ballot(rng),
            slot: random_slot(rng),
        },
        5 => Msg::Heartbeat {
            ballot: random_ballot(rng),
            commit: random_slot(rng),
        },
        6 => Msg::CatchUp {
            from: random_slot(rng),
        },
        7 => Msg::Chosen {
            from: random_slot(rng),
            values: vec![random_value(rng), random_value(rng)],
        },
        8 => Msg::Request(Request {
            command: Command {
                client: rng.next_u64(),
                seq: rng.next_u64(),
                op: KvInput::Get { key: "k1".into() },
            },
        }),
        _ => Msg::Reply(Reply {
            seq: rng.next_u64(),
            outcome: ReplyOutcome::NotLeader { hint: None },
        }),
    }
}

#[test]
fn garbage_from_anyone_never_crashes_a_server() {
    for seed in 0..20 {
        let mut sim = sim_core::Simulation::new(
            sim_core::SimConfig {
                seed,
                network: network(0.0, 0.0),
                ..sim_core::SimConfig::default()
            },
            paxos::cluster(&Config::default(), 5, &workload(3)),
        )
        .unwrap();
        let mut rng = SimRng::new(seed, Stream::Custom(1));
        for step in 0..300u64 {
            assert!(run(&mut sim, ms(step * 5)).is_none());
            let to = NodeId(rng.below(8) as u32);
            let from = NodeId(rng.below(8) as u32);
            let msg = random_message(&mut rng);
            if sim.node(to).is_some() {
                sim.input(to, "forged message", |node, ctx| {
                    node.on_message(from, msg, ctx)
                })
                .unwrap();
            }
        }
        // The cluster still serves its clients afterwards.
        let before = paxos::metrics(&sim).clients.completed;
        assert!(run(&mut sim, ms(3_000)).is_none());
        assert!(
            paxos::metrics(&sim).clients.completed > before,
            "seed {seed}: no progress after the garbage"
        );
    }
}
