//! The ledger's sequential specification, for the linearizability check: appends take
//! consecutive positions in one order that real time must agree with.

use crate::op::{LedgerAnswer, LedgerOp};
use sim_core::history::{Model, Step};

/// The model: the state is how many records were appended.
#[derive(Clone, Copy, Debug, Default)]
pub struct LedgerModel;

impl Model for LedgerModel {
    type State = u64;
    type Input = LedgerOp;
    type Output = LedgerAnswer;
    // One partition: an append's position depends on every append before it.
    type Key = ();

    fn init(&self) -> u64 {
        0
    }

    fn step(&self, appended: &u64, op: &LedgerOp, output: Option<&LedgerAnswer>) -> Step<u64> {
        match op {
            LedgerOp::Append(_) => match output {
                None => Step::To(appended + 1),
                Some(LedgerAnswer::Appended { position }) if position == appended => {
                    Step::To(appended + 1)
                }
                Some(_) => Step::Impossible,
            },
            // Cuts come from the leader, not from clients; they move no position.
            LedgerOp::Cut { .. } => Step::Unchanged,
        }
    }

    fn key(&self, _: &LedgerOp) {}

    fn describe(&self, op: &LedgerOp, output: Option<&LedgerAnswer>) -> String {
        match output {
            Some(a) => format!("{op} -> {a:?}"),
            None => format!("{op} -> ?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Hash32;
    use crate::entry::{Entry, RecordId};

    fn append(n: u64) -> LedgerOp {
        LedgerOp::Append(
            Entry {
                id: RecordId {
                    producer: 1,
                    number: n,
                },
                data: Hash32::of_data(&n.to_be_bytes()),
                size: 1,
                time: 0,
            }
            .into(),
        )
    }

    #[test]
    fn positions_must_follow_one_another() {
        let m = LedgerModel;
        let at = |p| Some(LedgerAnswer::Appended { position: p });
        assert_eq!(m.step(&0, &append(1), at(0).as_ref()), Step::To(1));
        assert_eq!(m.step(&1, &append(2), at(0).as_ref()), Step::Impossible);
        assert_eq!(m.step(&1, &append(2), None), Step::To(2));
        assert_eq!(
            m.step(&2, &append(3), Some(&LedgerAnswer::Refused)),
            Step::Impossible
        );
    }
}
