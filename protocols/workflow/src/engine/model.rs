//! The sequential specification the engine's history is checked against: what each order
//! must answer given the orders before it on the same task or agent.

use super::{Answer, Order, Subject};
use sim_core::history::{Model, Step};

/// The engine's orders as a linearizability model, one task or agent at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineModel;

/// What the model knows of one subject: for a task its latest attempt and whether it is
/// done, for an agent whether it is declared dead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SubjectState {
    attempt: u32,
    done: bool,
    dead: bool,
}

impl Model for EngineModel {
    type State = SubjectState;
    type Input = Order;
    type Output = Answer;
    type Key = Subject;

    fn init(&self) -> SubjectState {
        SubjectState::default()
    }

    fn step(&self, s: &SubjectState, order: &Order, output: Option<&Answer>) -> Step<SubjectState> {
        let (answer, after) = match *order {
            Order::Assign { attempt, .. } => {
                if s.done || attempt <= s.attempt {
                    (Answer::Refused, None)
                } else {
                    let next = SubjectState { attempt, ..*s };
                    (Answer::Accepted, Some(next))
                }
            }
            Order::Complete { attempt, .. } => {
                let taken = match attempt {
                    Some(a) => !s.done && s.attempt != 0 && a == s.attempt,
                    None => s.attempt != 0,
                };
                if taken {
                    (Answer::Accepted, Some(SubjectState { done: true, ..*s }))
                } else {
                    (Answer::Refused, None)
                }
            }
            Order::Dead { .. } => {
                if s.dead {
                    (Answer::Refused, None)
                } else {
                    (Answer::Accepted, Some(SubjectState { dead: true, ..*s }))
                }
            }
            Order::Alive { .. } => {
                if s.dead {
                    (Answer::Accepted, Some(SubjectState { dead: false, ..*s }))
                } else {
                    (Answer::Refused, None)
                }
            }
        };
        if output.is_some_and(|o| *o != answer) {
            return Step::Impossible;
        }
        match after {
            Some(next) if next != *s => Step::To(next),
            _ => Step::Unchanged,
        }
    }

    fn key(&self, order: &Order) -> Subject {
        order.subject()
    }

    fn describe(&self, order: &Order, output: Option<&Answer>) -> String {
        match output {
            Some(a) => format!("{order} -> {a:?}"),
            None => format!("{order} -> ?"),
        }
    }
}
