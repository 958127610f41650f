//! Single-decree Paxos, step by step, and dueling proposers in the simulator.

use paxos::Ballot;
use paxos::synod::{
    Round, SynodAcceptor, SynodConfig, SynodLearner, SynodMsg, SynodNode, SynodProposer,
};
use sim_core::{
    Duration, DurationRange, Fault, Latency, LinkModel, NetworkConfig, NodeId, SimConfig,
    Simulation, Time,
};
use std::sync::Arc;

fn n(i: u32) -> NodeId {
    NodeId(i)
}

fn acceptors() -> Vec<NodeId> {
    vec![n(0), n(1), n(2)]
}

/// Delivers `sends` addressed to acceptors and collects their answers.
fn to_acceptors(
    sends: Vec<(NodeId, SynodMsg)>,
    acc: &mut [SynodAcceptor],
    reachable: &[NodeId],
) -> Vec<(NodeId, SynodMsg)> {
    sends
        .into_iter()
        .filter(|(to, _)| reachable.contains(to))
        .map(|(to, msg)| {
            let a = &mut acc[to.index()];
            let answer = match msg {
                SynodMsg::Prepare { ballot } => a.on_prepare(ballot),
                SynodMsg::Accept { ballot, value } => a.on_accept(ballot, value),
                other => panic!("an acceptor got {other:?}"),
            };
            (to, answer)
        })
        .collect()
}

/// Hands acceptor answers to a proposer; returns what it sends next.
fn to_proposer(p: &mut SynodProposer, answers: Vec<(NodeId, SynodMsg)>) -> Vec<(NodeId, SynodMsg)> {
    let mut out = Vec::new();
    for (from, msg) in answers {
        match msg {
            SynodMsg::Promise { ballot, accepted } => {
                out.extend(p.on_promise(from, ballot, accepted))
            }
            SynodMsg::Accepted { ballot, .. } => {
                p.on_accepted(from, ballot);
            }
            SynodMsg::Nack { ballot, promised } => {
                p.on_nack(ballot, promised);
            }
            other => panic!("a proposer got {other:?}"),
        }
    }
    out
}

#[test]
fn one_proposer_gets_its_own_value_chosen_and_learnt() {
    let mut acc = vec![SynodAcceptor::default(); 3];
    let mut p = SynodProposer::new(n(3), 7, acceptors());
    let mut learner = SynodLearner::new(3);
    let prepares = p.start_round();
    assert_eq!(p.ballot, Ballot::new(1, 3));
    assert_eq!(prepares.len(), 3);
    let promises = to_acceptors(prepares, &mut acc, &acceptors());
    assert!(
        promises
            .iter()
            .all(|(_, m)| matches!(m, SynodMsg::Promise { accepted: None, .. }))
    );
    // Two promises are a quorum of three: the proposer proposes its own value.
    let accepts = to_proposer(&mut p, promises[..2].to_vec());
    assert_eq!(accepts.len(), 3);
    assert!(accepts.iter().all(|(_, m)| *m
        == SynodMsg::Accept {
            ballot: Ballot::new(1, 3),
            value: 7
        }));
    let accepted = to_acceptors(accepts, &mut acc, &acceptors());
    // One acceptance teaches the learner nothing; the second is a quorum.
    let mut learnt = Vec::new();
    for (from, m) in &accepted {
        if let SynodMsg::Accepted { ballot, value } = m {
            learnt.push(learner.on_accepted(*from, *ballot, *value));
        }
    }
    assert_eq!(learnt, vec![None, Some(7), None]);
    to_proposer(&mut p, accepted);
    assert_eq!(p.round, Round::Done { value: 7 });
}

#[test]
fn a_later_proposer_must_adopt_a_value_already_accepted() {
    let mut acc = vec![SynodAcceptor::default(); 3];
    // Proposer 3 gets value 7 accepted by acceptors 0 and 1 (chosen), then goes silent.
    let mut p3 = SynodProposer::new(n(3), 7, acceptors());
    let prepares = p3.start_round();
    let promises = to_acceptors(prepares, &mut acc, &acceptors());
    let accepts = to_proposer(&mut p3, promises);
    to_acceptors(accepts, &mut acc, &[n(0), n(1)]);
    assert_eq!(acc[0].accepted, Some((Ballot::new(1, 3), 7)));
    assert_eq!(acc[2].accepted, None);

    // Proposer 4 wants 9. It hears only from acceptors 1 and 2 — a quorum that meets the one
    // that chose 7 in acceptor 1.
    let mut p4 = SynodProposer::new(n(4), 9, acceptors());
    let prepares = p4.start_round();
    assert_eq!(p4.ballot, Ballot::new(1, 4));
    let promises = to_acceptors(prepares, &mut acc, &[n(1), n(2)]);
    assert!(promises.contains(&(
        n(1),
        SynodMsg::Promise {
            ballot: Ballot::new(1, 4),
            accepted: Some((Ballot::new(1, 3), 7))
        }
    )));
    let accepts = to_proposer(&mut p4, promises);
    assert!(
        accepts.iter().all(|(_, m)| *m
            == SynodMsg::Accept {
                ballot: Ballot::new(1, 4),
                value: 7
            }),
        "proposer 4 proposes the accepted 7, not its own 9: {accepts:?}"
    );
    let accepted = to_acceptors(accepts, &mut acc, &acceptors());
    to_proposer(&mut p4, accepted);
    assert_eq!(p4.round, Round::Done { value: 7 });
    assert!(acc.iter().all(|a| a.accepted.map(|(_, v)| v) == Some(7)));
}

#[test]
fn the_highest_ballot_report_wins_over_older_ones() {
    let mut acc = vec![SynodAcceptor::default(); 3];
    acc[0].on_accept(Ballot::new(1, 3), 5);
    acc[1].on_accept(Ballot::new(2, 4), 6);
    let mut p = SynodProposer::new(n(5), 9, acceptors());
    p.seen = Ballot::new(2, 4);
    let prepares = p.start_round();
    assert_eq!(p.ballot, Ballot::new(3, 5));
    let promises = to_acceptors(prepares, &mut acc, &[n(0), n(1)]);
    let accepts = to_proposer(&mut p, promises);
    assert_eq!(
        accepts[0].1,
        SynodMsg::Accept {
            ballot: Ballot::new(3, 5),
            value: 6
        }
    );
}

#[test]
fn a_promise_refuses_an_older_ballot_and_the_refusal_ends_its_round() {
    let mut acc = vec![SynodAcceptor::default(); 3];
    let mut old = SynodProposer::new(n(3), 1, acceptors());
    let mut new = SynodProposer::new(n(4), 2, acceptors());
    let old_prepares = old.start_round();
    let new_prepares = new.start_round();
    assert!(new.ballot > old.ballot);
    // The newer prepare reaches everyone first: the older one is refused everywhere.
    to_acceptors(new_prepares, &mut acc, &acceptors());
    let answers = to_acceptors(old_prepares, &mut acc, &acceptors());
    assert!(answers.iter().all(|(_, m)| *m
        == SynodMsg::Nack {
            ballot: Ballot::new(1, 3),
            promised: Ballot::new(1, 4)
        }));
    to_proposer(&mut old, answers);
    assert_eq!(old.round, Round::Idle);
    // Its next round climbs above what it was told.
    old.start_round();
    assert_eq!(old.ballot, Ballot::new(2, 3));
}

#[test]
fn acceptances_under_different_ballots_do_not_add_up() {
    let mut l = SynodLearner::new(3);
    assert_eq!(l.on_accepted(n(0), Ballot::new(1, 1), 5), None);
    assert_eq!(l.on_accepted(n(1), Ballot::new(2, 2), 5), None);
    assert_eq!(
        l.on_accepted(n(1), Ballot::new(2, 2), 5),
        None,
        "a duplicate"
    );
    assert_eq!(l.on_accepted(n(2), Ballot::new(2, 2), 5), Some(5));
}

/// Three proposers that start at the same instant, five acceptors, two learners.
fn dueling(seed: u64, loss: f64, restarts: bool) -> Simulation<SynodNode> {
    let config = Arc::new(SynodConfig {
        proposers: vec![n(0), n(1), n(2)],
        acceptors: (0..5).map(n).collect(),
        learners: vec![n(5), n(6)],
        start: DurationRange::exactly(Duration::ZERO),
        round_timeout: Duration::from_millis(50),
        backoff: "1ms..40ms".parse().unwrap(),
    });
    let network = NetworkConfig {
        default: LinkModel {
            latency: Latency::uniform(Duration::from_millis(1), Duration::from_millis(10)),
            loss,
            ..LinkModel::default()
        },
        ..NetworkConfig::default()
    };
    let mut sim = Simulation::new(
        SimConfig {
            seed,
            network,
            ..SimConfig::default()
        },
        vec![config; 7],
    )
    .unwrap();
    if restarts {
        for (i, t) in [(3u32, 5u64), (4, 12), (1, 20)] {
            sim.schedule(Time(t * 1_000_000), Fault::Crash { node: n(i) })
                .unwrap();
            sim.schedule(Time((t + 15) * 1_000_000), Fault::Restart { node: n(i) })
                .unwrap();
        }
    }
    sim
}

fn outcome(sim: &Simulation<SynodNode>) -> (Vec<Option<u64>>, usize) {
    let learnt = [5, 6]
        .iter()
        .map(|&i| sim.node(n(i)).and_then(|x| x.learner.as_ref()?.learned))
        .collect();
    let rounds = (0..3)
        .filter_map(|i| sim.node(n(i)).and_then(|x| x.proposer.as_ref()))
        .map(|p| p.ballot.round as usize)
        .sum();
    (learnt, rounds)
}

#[test]
fn dueling_proposers_back_off_and_one_value_is_learnt_by_all() {
    let mut contested = 0;
    for seed in 0..50 {
        for (loss, restarts) in [(0.0, false), (0.1, false), (0.0, true)] {
            let mut sim = dueling(seed, loss, restarts);
            sim.run_until(Time(3_000_000_000)).unwrap();
            let (learnt, rounds) = outcome(&sim);
            let v = learnt[0].unwrap_or_else(|| panic!("seed {seed}: nothing learnt"));
            assert!(
                learnt.iter().all(|&l| l == Some(v)),
                "seed {seed}: learners disagree: {learnt:?}"
            );
            assert!(
                [1000, 1001, 1002].contains(&v),
                "seed {seed}: {v} was never proposed"
            );
            if rounds > 3 {
                contested += 1;
            }
        }
    }
    assert!(
        contested > 50,
        "the proposers hardly dueled ({contested} runs)"
    );
}
