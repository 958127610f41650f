//! Single-decree Paxos, step by step, and dueling proposers in the simulator.

use paxos::Ballot;
use paxos::synod::{
    Round, SynodAcceptor, SynodConfig, SynodLearner, SynodMsg, SynodNode, SynodProposer,
};
use paxos::synod_agreement::SynodAgreement;
use sim_core::Node as _;
use sim_core::{
    Duration, DurationRange, Fault, Latency, LinkModel, Mark, NetworkConfig, NodeId, RoleClass,
    SimConfig, Simulation, Time, TraceEvent,
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

#[test]
fn only_promises_and_acceptances_wait_for_the_disk_and_every_message_names_its_kind() {
    use sim_core::Message;
    let b = Ballot::new(1, 1);
    let all = [
        (SynodMsg::Prepare { ballot: b }, "Prepare", false),
        (
            SynodMsg::Promise {
                ballot: b,
                accepted: None,
            },
            "Promise",
            true,
        ),
        (
            SynodMsg::Nack {
                ballot: b,
                promised: b,
            },
            "Nack",
            false,
        ),
        (
            SynodMsg::Accept {
                ballot: b,
                value: 1,
            },
            "Accept",
            false,
        ),
        (
            SynodMsg::Accepted {
                ballot: b,
                value: 1,
            },
            "Accepted",
            true,
        ),
    ];
    for (msg, kind, durable) in all {
        assert_eq!(msg.kind(), kind);
        assert_eq!(msg.promises_durability(), durable, "{kind}");
    }
}

#[test]
fn a_damaged_acceptor_record_reads_as_a_promise_one_bit_off() {
    use sim_core::Corruptible;
    let a = SynodAcceptor {
        promised: Ballot::new(12, 3),
        accepted: Some((Ballot::new(11, 2), 7)),
    };
    for (noise, round) in [(0, 13), (1, 14), (2, 8), (3, 4), (4, 28), (7, 8)] {
        let d = a.corrupted(noise);
        assert_eq!(d.promised, Ballot::new(round, 3), "noise {noise}");
        assert_eq!(
            d.accepted, a.accepted,
            "the accepted proposal is left as it was"
        );
    }
}

#[test]
fn a_repeated_prepare_of_the_promised_ballot_is_promised_again() {
    let mut a = SynodAcceptor::default();
    let b = Ballot::new(2, 1);
    a.on_prepare(b);
    // A duplicated or resent prepare: the same promise, not a refusal.
    assert_eq!(
        a.on_prepare(b),
        SynodMsg::Promise {
            ballot: b,
            accepted: None
        }
    );
}

#[test]
fn promises_count_once_per_acceptor_of_this_round() {
    let mut p = SynodProposer::new(n(3), 9, acceptors());
    p.start_round();
    let b = p.ballot;
    assert!(p.on_promise(n(0), b, None).is_empty());
    assert!(p.on_promise(n(0), b, None).is_empty(), "a duplicate");
    assert!(p.on_promise(n(7), b, None).is_empty(), "not an acceptor");
    assert!(
        p.on_promise(n(1), Ballot::new(b.round + 1, 1), None)
            .is_empty(),
        "another round's"
    );
    assert!(matches!(p.round, Round::Preparing { .. }));
    let accepts = p.on_promise(n(1), b, None);
    assert_eq!(accepts.len(), 3, "the second acceptor makes the quorum");
}

#[test]
fn acceptances_count_once_per_acceptor_of_this_round_and_a_quorum_chooses() {
    let mut p = SynodProposer::new(n(3), 9, acceptors());
    p.start_round();
    let b = p.ballot;
    p.on_promise(n(0), b, None);
    p.on_promise(n(1), b, None);
    assert_eq!(p.on_accepted(n(0), b), None);
    assert_eq!(p.on_accepted(n(0), b), None, "a duplicate");
    assert_eq!(p.on_accepted(n(7), b), None, "not an acceptor");
    assert_eq!(
        p.on_accepted(n(1), Ballot::new(b.round + 1, 1)),
        None,
        "another round's"
    );
    assert!(!p.is_done());
    assert_eq!(p.on_accepted(n(2), b), Some(9), "the quorum");
    assert!(p.is_done());
    assert_eq!(p.round, Round::Done { value: 9 });
}

#[test]
fn a_refusal_ends_only_a_running_round_of_its_own_ballot_by_a_higher_one() {
    let mut p = SynodProposer::new(n(3), 9, acceptors());
    assert!(!p.on_nack(Ballot::ZERO, Ballot::new(5, 1)), "no round runs");
    p.start_round();
    let b = p.ballot;
    assert!(
        !p.on_nack(Ballot::new(b.round + 1, 3), Ballot::new(9, 1)),
        "about another round"
    );
    assert!(!p.on_nack(b, b), "not refused by a higher ballot");
    assert!(matches!(p.round, Round::Preparing { .. }));
    assert!(p.on_nack(b, Ballot::new(b.round + 1, 0)));
    assert_eq!(p.round, Round::Idle);
    // Once chosen, a late refusal changes nothing.
    let mut q = SynodProposer::new(n(3), 9, acceptors());
    q.start_round();
    let b = q.ballot;
    for a in 0..2 {
        q.on_promise(n(a), b, None);
    }
    for a in 0..2 {
        q.on_accepted(n(a), b);
    }
    assert!(!q.on_nack(b, Ballot::new(b.round + 1, 0)));
    assert!(q.is_done());
}

#[test]
fn the_winning_proposer_sees_its_value_chosen_and_starts_no_more_rounds() {
    for seed in 0..10 {
        let mut sim = dueling(seed, 0.0, false);
        sim.run_until(Time(3_000_000_000)).unwrap();
        let (learnt, rounds) = outcome(&sim);
        let v = learnt[0].expect("learnt");
        // Proposer i proposes 1000 + i; a proposer is told of acceptances even when it is
        // not a learner.
        let winner = sim.node(n((v - 1000) as u32)).unwrap();
        assert!(
            winner.proposer.as_ref().unwrap().is_done(),
            "seed {seed}: the winner saw its value chosen"
        );
        sim.run_until(Time(6_000_000_000)).unwrap();
        assert_eq!(
            outcome(&sim).1,
            rounds,
            "seed {seed}: rounds after the choice"
        );
    }
}

#[test]
fn a_node_shows_its_roles_and_hashes_its_state_for_the_model_checker() {
    use sim_core::Node;
    use sim_core::model::StateHasher;
    let mut sim = dueling(1, 0.0, false);
    sim.run_until(Time(3_000_000_000)).unwrap();
    let both = sim.node(n(0)).unwrap();
    let view = both.view();
    assert_eq!(view.role, "proposer+acceptor");
    let learner = sim.node(n(5)).unwrap().view();
    assert!(
        learner.label.starts_with("learner learned 100"),
        "{}",
        learner.label
    );
    let hash = |id: u32| {
        let mut h = StateHasher::new();
        assert!(sim.node(n(id)).unwrap().model_state(&mut h));
        h.finish()
    };
    assert_ne!(hash(0), hash(1), "two proposers with their own values");
    assert_ne!(hash(3), hash(5), "an acceptor and a learner");
}

/// Three servers that all accept and learn, `proposers` of them proposing, with the agreement
/// checker and a trace kept in memory.
fn checked(seed: u64, proposers: &[u32]) -> Simulation<SynodNode> {
    checked_of(3, seed, proposers)
}

/// [`checked`] with `servers` servers.
fn checked_of(servers: u32, seed: u64, proposers: &[u32]) -> Simulation<SynodNode> {
    let all: Vec<NodeId> = (0..servers).map(n).collect();
    let config = Arc::new(SynodConfig {
        proposers: proposers.iter().map(|&i| n(i)).collect(),
        acceptors: all.clone(),
        learners: all,
        start: DurationRange::exactly(Duration::ZERO),
        round_timeout: Duration::from_millis(50),
        backoff: "5ms..20ms".parse().unwrap(),
    });
    let mut sim = Simulation::new(
        SimConfig {
            seed,
            ..SimConfig::default()
        },
        vec![config; servers as usize],
    )
    .unwrap();
    sim.add_checker(SynodAgreement::default());
    sim.set_trace_sink(sim_core::TraceSink::Memory(Vec::new()));
    sim
}

fn learnt(sim: &Simulation<SynodNode>) -> Vec<Option<u64>> {
    (0..3)
        .map(|i| sim.node(n(i)).and_then(|x| x.learner.as_ref()?.learned))
        .collect()
}

#[test]
fn the_agreement_checker_knows_the_value_chosen_in_a_correct_run() {
    for seed in 0..20 {
        let mut sim = checked(seed, &[0, 1]);
        sim.run_until(Time(1_000_000_000)).unwrap();
        assert_eq!(sim.violation(), None, "seed {seed}");
        let (value, _) = sim
            .checker::<SynodAgreement>()
            .and_then(SynodAgreement::chosen)
            .unwrap_or_else(|| panic!("seed {seed}: nothing chosen"));
        assert_eq!(learnt(&sim), vec![Some(value); 3], "seed {seed}");
    }
}

/// Makes `node`'s acceptor hold `(ballot, value)` as accepted, as a broken acceptor might;
/// returns what the checkers said.
fn force_accept(
    sim: &mut Simulation<SynodNode>,
    node: u32,
    ballot: Ballot,
    value: u64,
) -> Option<sim_core::Violation> {
    sim.input(n(node), "force an acceptance", |x, _| {
        x.acceptor.as_mut().unwrap().accepted = Some((ballot, value));
    })
    .unwrap()
}

fn force_learn(sim: &mut Simulation<SynodNode>, node: u32, value: u64) -> Option<String> {
    sim.input(n(node), "force a learnt value", |x, _| {
        x.learner.as_mut().unwrap().learned = Some(value);
    })
    .unwrap()
    .map(|v| v.description)
}

#[test]
fn the_agreement_checker_catches_a_second_chosen_value_and_a_value_learnt_unchosen() {
    let (b1, b2) = (Ballot::new(1, 0), Ballot::new(2, 1));
    let mut sim = checked(1, &[]);
    sim.run_until(Time(1_000_000)).unwrap();
    assert_eq!(
        force_learn(&mut sim, 1, 9).as_deref(),
        Some("n1 learnt 9, which no majority of acceptors accepted")
    );

    // Of five acceptors, three make a majority.
    let mut sim = checked_of(5, 1, &[]);
    sim.run_until(Time(1_000_000)).unwrap();
    for (acceptor, chosen) in [(0, None), (1, None), (2, Some((5, b1)))] {
        assert_eq!(force_accept(&mut sim, acceptor, b1, 5), None);
        assert_eq!(sim.checker::<SynodAgreement>().unwrap().chosen(), chosen);
    }

    // Acceptances of one value under two ballots do not add up to a majority.
    let mut sim = checked(1, &[]);
    sim.run_until(Time(1_000_000)).unwrap();
    assert_eq!(force_accept(&mut sim, 0, b1, 5), None);
    assert_eq!(force_accept(&mut sim, 1, b2, 5), None);
    assert_eq!(sim.checker::<SynodAgreement>().unwrap().chosen(), None);

    let mut sim = checked(1, &[]);
    sim.run_until(Time(1_000_000)).unwrap();
    assert_eq!(force_accept(&mut sim, 0, b1, 5), None);
    let checker = || sim.checker::<SynodAgreement>().unwrap().chosen();
    assert_eq!(checker(), None, "one acceptance of three chooses nothing");
    assert_eq!(force_accept(&mut sim, 1, b1, 5), None);
    assert_eq!(
        sim.checker::<SynodAgreement>().unwrap().chosen(),
        Some((5, b1))
    );
    // The same value under a later ballot is no second choice.
    assert_eq!(force_accept(&mut sim, 2, b2, 5), None);
    assert_eq!(force_accept(&mut sim, 0, b2, 5), None);
    assert_eq!(force_learn(&mut sim, 2, 5), None);
    assert_eq!(
        force_learn(&mut sim, 2, 7).as_deref(),
        Some("n2 learnt 7, but 5 was chosen under b(1,0)")
    );
    let mut sim = checked(1, &[]);
    sim.run_until(Time(1_000_000)).unwrap();
    force_accept(&mut sim, 0, b1, 5);
    force_accept(&mut sim, 1, b1, 5);
    assert_eq!(force_accept(&mut sim, 2, b2, 6), None);
    let v = force_accept(&mut sim, 0, b2, 6).expect("a second value chosen");
    assert_eq!(v.checker, "agreement");
    assert_eq!(
        v.description,
        "6 is chosen under b(2,1) (accepted by n2, n0), but 5 was chosen under b(1,0)"
    );
}

#[test]
fn a_proposer_that_wins_phase_1_leads_and_each_learner_marks_its_commit() {
    let mut sim = checked(7, &[0, 1]);
    sim.run_until(Time(1_000_000_000)).unwrap();
    let marks: Vec<(NodeId, Mark)> = sim
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Mark { node, mark, .. } => Some((*node, *mark)),
            _ => None,
        })
        .collect();
    let commits: Vec<NodeId> = marks
        .iter()
        .filter(|(_, m)| *m == Mark::Committed { index: 1 })
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(commits.len(), 3, "one commit per learner: {marks:?}");
    let elected: Vec<&(NodeId, Mark)> = marks
        .iter()
        .filter(|(_, m)| matches!(m, Mark::Elected { .. }))
        .collect();
    assert!(!elected.is_empty());
    // A proposer marks its election exactly when a majority's promises let it send Accepts.
    let records = sim.trace().records();
    let elected_at: Vec<(Time, NodeId)> = records
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Mark {
                node,
                mark: Mark::Elected { .. },
                ..
            } => Some((r.time, *node)),
            _ => None,
        })
        .collect();
    let mut accepts_at: Vec<(Time, NodeId)> = records
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Send { from, kind, .. } if kind == "Accept" => Some((r.time, *from)),
            _ => None,
        })
        .collect();
    accepts_at.dedup();
    assert_eq!(elected_at, accepts_at);
    // Whoever saw its round through leads, in its ballot's round.
    for i in [0, 1] {
        let node = sim.node(n(i)).unwrap();
        let p = node.proposer.as_ref().unwrap();
        let view = node.view();
        assert_eq!(view.epoch, Some(p.ballot.round));
        let class = match p.round {
            Round::Done { .. } | Round::Accepting { .. } => RoleClass::Leader,
            Round::Preparing { .. } => RoleClass::Candidate,
            Round::Idle => RoleClass::Other,
        };
        assert_eq!(view.class, class, "n{i}: {:?}", p.round);
        if class == RoleClass::Leader {
            assert!(elected.iter().any(|(id, m)| *id == n(i)
                && *m
                    == Mark::Elected {
                        epoch: p.ballot.round
                    }));
        }
    }
    assert!(
        (0..2).any(|i| sim.node(n(i)).unwrap().view().class == RoleClass::Leader),
        "someone saw a round through"
    );
}

#[test]
fn a_proposal_after_the_choice_chooses_the_same_value_again() {
    let mut sim = checked(3, &[0, 1]);
    sim.run_until(Time(500_000_000)).unwrap();
    let chosen = learnt(&sim)[0].expect("a value chosen");
    assert!(sim.node(n(2)).unwrap().proposer.is_none());
    sim.input(n(2), "propose 7", |x, ctx| x.propose(7, ctx))
        .unwrap();
    let p = sim
        .node(n(2))
        .unwrap()
        .proposer
        .clone()
        .expect("n2 now proposes");
    assert_eq!(p.value, 7);
    assert!(p.ballot > Ballot::ZERO, "a round started");
    sim.run_until(Time(1_000_000_000)).unwrap();
    assert_eq!(sim.violation(), None);
    let p = sim.node(n(2)).unwrap().proposer.clone().unwrap();
    assert_eq!(p.round, Round::Done { value: chosen }, "7 is never chosen");
    assert_eq!(learnt(&sim), vec![Some(chosen); 3]);
}
