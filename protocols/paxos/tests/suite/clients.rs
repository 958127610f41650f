//! What a server does with commands: a host proposes at the leader and reads back what they
//! answered; a server running phase 1 holds client requests (up to a bound) for when it leads;
//! a follower redirects to the leader it hears from.

use crate::common::*;
use kv::{Command, KvInput, KvOutput, ReplyOutcome, Request};
use paxos::{MAX_QUEUED, Msg, PaxosNode, Proposer, Server, Value};
use sim_core::{Duration, Fault, NodeId, PartitionSpec, Simulation, TraceEvent, TraceSink};

fn put(client: u64, seq: u64) -> Command {
    Command {
        client,
        seq,
        op: KvInput::Put {
            key: "k".into(),
            value: format!("v{seq}"),
        },
    }
}

/// Calls `f` on server `id` inside the run, as an input, with its context.
fn on_server<T>(
    sim: &mut Simulation<PaxosNode>,
    id: NodeId,
    f: impl FnOnce(&mut Server, &mut sim_core::Ctx<'_, PaxosNode>) -> T,
) -> T {
    let mut out = None;
    sim.input(id, "test", |n, ctx| {
        out = n.server_mut().map(|s| f(s, ctx));
    })
    .expect("a known node");
    out.expect("a running server")
}

#[test]
fn a_host_proposes_at_the_leader_and_reads_back_what_its_commands_answered() {
    let (mut sim, leader, follower) = three_servers_led(4, 0);
    let refused = on_server(&mut sim, follower, |s, ctx| {
        s.propose_command(put(3, 1), ctx)
    });
    assert!(refused.is_err_and(|e| e.contains("is not leading")));
    on_server(&mut sim, leader, |s, _| s.keep_outcomes());
    // Client ids of a host's own commands need not be nodes: n3 does not exist here, and the
    // answer goes to nobody.
    on_server(&mut sim, leader, |s, ctx| s.propose_command(put(3, 1), ctx)).expect("proposed");
    let later = sim.now() + Duration::from_millis(200);
    assert_eq!(run(&mut sim, later), None);
    let outcomes = on_server(&mut sim, leader, |s, _| s.take_outcomes());
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].command, put(3, 1));
    assert_eq!(outcomes[0].output, Some(KvOutput::Done));
    assert!(on_server(&mut sim, leader, |s, _| s.take_outcomes()).is_empty());
}

#[test]
fn a_server_running_phase_1_holds_requests_up_to_the_bound_and_proposes_them_when_it_leads() {
    let mut sim = three_servers(5, 1);
    assert_eq!(run(&mut sim, ms(1)), None);
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(NodeId(0)),
    })
    .unwrap();
    let ballot = run_until_preparing(&mut sim, NodeId(0));
    // The client (n3) floods the bound and one more.
    on_server(&mut sim, NodeId(0), |s, ctx| {
        for seq in 1..=MAX_QUEUED as u64 + 1 {
            let req = Msg::Request(Request {
                command: put(3, seq),
            });
            s.on_message(NodeId(3), req, ctx);
        }
    });
    on_server(&mut sim, NodeId(0), |s, ctx| {
        let promise = Msg::Promise {
            ballot,
            accepted: vec![],
            compacted: 0,
        };
        s.on_message(NodeId(1), promise, ctx)
    });
    let Proposer::Leading(l) = server(&sim, NodeId(0)).proposer() else {
        panic!("leading");
    };
    let proposed: usize = l
        .in_flight
        .values()
        .map(|p| match &p.value {
            Value::Batch(b) => b.commands.len(),
            _ => 0,
        })
        .sum();
    assert!(proposed > 0, "held requests are proposed");
    assert_eq!(
        proposed + l.queue.len(),
        MAX_QUEUED,
        "all held up to the bound, the one beyond it redirected"
    );
}

/// Server `id`'s answer to client n3's request number `seq`, handed to it now, as the trace
/// shows it.
fn redirect_from(
    sim: &mut Simulation<PaxosNode>,
    id: NodeId,
    seq: u64,
) -> Option<serde_json::Value> {
    on_server(sim, id, |s, ctx| {
        s.on_message(
            NodeId(3),
            Msg::Request(Request {
                command: put(3, seq),
            }),
            ctx,
        )
    });
    sim.trace().records().iter().find_map(|r| match &r.event {
        TraceEvent::Send { from, payload, .. } if *from == id && payload["Reply"]["seq"] == seq => {
            Some(payload["Reply"]["outcome"].clone())
        }
        _ => None,
    })
}

/// A redirect naming `hint`, as the trace shows it.
fn not_leader(hint: Option<NodeId>) -> Option<serde_json::Value> {
    serde_json::to_value(ReplyOutcome::NotLeader { hint }).ok()
}

#[test]
fn a_follower_names_the_leader_it_hears_from() {
    let (mut sim, leader, follower) = three_servers_led(6, 1);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    let hint = |sim: &mut Simulation<PaxosNode>, seq: u64| redirect_from(sim, follower, seq);
    assert_eq!(hint(&mut sim, 100), not_leader(Some(leader)));
}

#[test]
fn only_clients_have_a_client_and_only_servers_a_server() {
    let mut sim = three_servers(7, 1);
    assert_eq!(run(&mut sim, ms(1)), None);
    sim.input(NodeId(3), "test", |n, _| {
        assert!(n.client_mut().is_some() && n.server_mut().is_none());
    })
    .unwrap();
    sim.input(NodeId(0), "test", |n, _| {
        assert!(n.client_mut().is_none() && n.server_mut().is_some());
    })
    .unwrap();
}

#[test]
fn a_server_sitting_out_a_lost_promise_stops_naming_a_leader_it_no_longer_hears_from() {
    let (mut sim, leader, follower) = three_servers_led(6, 1);
    let other = NodeId(3 - leader.0 - follower.0);
    // The follower loses every copy of its promise, and with the third server down it cannot
    // settle a new one: it sits out as a follower.
    sim.apply_now(Fault::Crash { node: other }).unwrap();
    sim.apply_now(Fault::Crash { node: follower }).unwrap();
    for (name, index) in [("promise", 0), ("promise", 1), ("note", 0), ("note", 1)] {
        sim.apply_now(Fault::Storage {
            node: follower,
            storage: sim_core::StorageFault::Corrupt {
                aim: sim_core::RecordAim {
                    name: Some(name.into()),
                    index: Some(index),
                    draw: 0,
                },
                noise: 1,
            },
        })
        .unwrap();
    }
    sim.apply_now(Fault::Restart { node: follower }).unwrap();
    assert_eq!(run(&mut sim, After(Duration::from_millis(100))), None);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    let hint = |sim: &mut Simulation<PaxosNode>, seq: u64| redirect_from(sim, follower, seq);
    assert_eq!(
        server(&sim, follower).recovering(),
        Some("lost its promise")
    );
    assert_eq!(hint(&mut sim, 100), not_leader(Some(leader)));
    // Cut off, it hears nobody: after a leader timeout (at most 300 ms) it names no leader.
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(follower),
    })
    .unwrap();
    assert_eq!(run(&mut sim, After(Duration::from_millis(400))), None);
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), Some("lost its promise"));
    assert!(matches!(s.proposer(), Proposer::Follower));
    assert_eq!(hint(&mut sim, 101), not_leader(None));
}
