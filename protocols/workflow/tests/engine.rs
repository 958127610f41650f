//! The engine's state machine against its model, fencing, and the linearizability check on
//! histories of orders.

use rsm::StateMachine;
use sim_core::history::{Budget, Completion, History, Model, ProcessId, Step, Verdict};
use sim_core::{SimRng, Stream, Time};
use std::collections::BTreeMap;
use workflow::{Answer, EngineModel, EngineState, Order};

fn random_order(rng: &mut SimRng) -> Order {
    let task = rng.below(5) as u32;
    let agent = 10 + rng.below(3) as u32;
    match rng.below(6) {
        0 | 1 => Order::Assign {
            task,
            agent,
            attempt: 1 + rng.below(4) as u32,
        },
        2 | 3 => Order::Complete {
            task,
            agent,
            attempt: if rng.below(8) == 0 {
                None
            } else {
                Some(1 + rng.below(4) as u32)
            },
            result: rng.below(3),
        },
        4 => Order::Dead { agent },
        _ => Order::Alive { agent },
    }
}

#[test]
fn the_machine_answers_what_the_model_predicts() {
    let mut rng = SimRng::new(7, Stream::Workload);
    let mut machine = EngineState::default();
    let model = EngineModel;
    let mut states = BTreeMap::new();
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..20_000 {
        let order = random_order(&mut rng);
        let answer = machine.apply(&order);
        let key = model.key(&order);
        let before = *states.entry(key).or_insert_with(|| model.init());
        let other = match answer {
            Answer::Accepted => Answer::Refused,
            Answer::Refused => Answer::Accepted,
        };
        assert!(
            matches!(model.step(&before, &order, Some(&other)), Step::Impossible),
            "{order}: the model allows {other:?} too"
        );
        let after = model
            .step(&before, &order, Some(&answer))
            .apply(&before)
            .unwrap_or_else(|| panic!("{order}: the model forbids {answer:?}"));
        states.insert(key, after);
        match answer {
            Answer::Accepted => accepted += 1,
            Answer::Refused => refused += 1,
        }
    }
    assert!(accepted > 1_000 && refused > 1_000, "{accepted} {refused}");
    assert_eq!(machine.applied(), 20_000);
}

#[test]
fn a_result_of_a_superseded_attempt_is_refused() {
    let mut m = EngineState::default();
    let assign = |agent, attempt| Order::Assign {
        task: 3,
        agent,
        attempt,
    };
    let complete = |agent, attempt, result| Order::Complete {
        task: 3,
        agent,
        attempt: Some(attempt),
        result,
    };
    assert_eq!(m.apply(&assign(1, 1)), Answer::Accepted);
    assert_eq!(m.apply(&assign(2, 2)), Answer::Accepted);
    assert_eq!(
        m.apply(&assign(1, 2)),
        Answer::Refused,
        "attempt 2 is taken"
    );
    assert_eq!(m.apply(&complete(1, 1, 7)), Answer::Refused, "superseded");
    assert_eq!(m.apply(&complete(2, 2, 8)), Answer::Accepted);
    assert_eq!(m.apply(&complete(2, 2, 9)), Answer::Refused, "already done");
    assert_eq!(
        m.apply(&assign(1, 3)),
        Answer::Refused,
        "a done task stays done"
    );
    let r = m.task(3).expect("assigned");
    assert_eq!(
        (r.result, r.results, m.done()),
        (Some((Some(2), 2, 8)), 1, 1)
    );
    assert_eq!(m.completions(), &[(5, 3, 8)]);
}

#[test]
fn without_fencing_a_task_gets_two_results() {
    let mut m = EngineState::default();
    m.apply(&Order::Assign {
        task: 0,
        agent: 1,
        attempt: 1,
    });
    for result in [5, 6] {
        let unfenced = Order::Complete {
            task: 0,
            agent: 1,
            attempt: None,
            result,
        };
        assert_eq!(m.apply(&unfenced), Answer::Accepted);
    }
    let r = m.task(0).expect("assigned");
    assert_eq!((r.results, r.result), (2, Some((None, 1, 6))));
    assert_eq!(m.done(), 1);
}

fn history(ops: &[(Order, Answer, u64, u64)]) -> History<Order, Answer> {
    let mut h = History::new();
    for (i, (order, answer, from, to)) in ops.iter().enumerate() {
        h.push(
            ProcessId(i as u64),
            order.clone(),
            Completion::Ok(*answer),
            Time(*from),
            Some(Time(*to)),
        )
        .expect("a well-formed history");
    }
    h
}

#[test]
fn two_accepted_results_of_one_attempt_are_not_linearizable_and_overlapping_orders_are() {
    let assign = Order::Assign {
        task: 0,
        agent: 1,
        attempt: 1,
    };
    let done = |result| Order::Complete {
        task: 0,
        agent: 1,
        attempt: Some(1),
        result,
    };
    let ok = history(&[
        (assign.clone(), Answer::Accepted, 0, 10),
        (done(4), Answer::Refused, 20, 40),
        (done(5), Answer::Accepted, 25, 30),
    ]);
    let report = rsm::check_linearizable::<EngineState>(&ok, &Budget::default());
    assert_eq!(report.verdict, Verdict::Linearizable);
    let bad = history(&[
        (assign, Answer::Accepted, 0, 10),
        (done(4), Answer::Accepted, 20, 40),
        (done(5), Answer::Accepted, 25, 30),
    ]);
    let report = rsm::check_linearizable::<EngineState>(&bad, &Budget::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
}
