//! What a subtree or a block knows of its values: their aggregate and how fresh it is.

use crate::aggregate::Aggregate;
use serde::Serialize;
use sim_core::Time;
use std::fmt;

/// An aggregate and its *as-of* time: the oldest moment at which one of the values in
/// it was read. Every change made before `as_of` is in the aggregate, so `now - as_of` is the
/// age of the oldest information it holds, and a reader can tell how stale its view may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Count, sum, min and max of the values.
    pub agg: Aggregate,
    /// When the oldest of those values was read (simulation time).
    pub as_of: Time,
}

impl Summary {
    /// One value read at `at`.
    pub fn of(value: i64, at: Time) -> Summary {
        Summary {
            agg: Aggregate::of(value),
            as_of: at,
        }
    }

    /// This summary and `other` together: their values, as fresh as the staler of the two.
    pub fn merged(&self, other: &Summary) -> Summary {
        Summary {
            agg: self.agg.merged(&other.agg),
            as_of: self.as_of.min(other.as_of),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as of {}", self.agg, self.as_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_the_values_and_the_staler_time() {
        let a = Summary::of(3, Time(50));
        let b = Summary::of(-2, Time(20));
        let m = a.merged(&b);
        assert_eq!(m.agg, Aggregate::of_all([3, -2]));
        assert_eq!(m.as_of, Time(20));
        assert_eq!(b.merged(&a), m);
    }
}
