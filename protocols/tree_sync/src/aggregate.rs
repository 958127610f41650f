//! What flows up the tree: count, sum, min and max of the node values in a subtree.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Count, sum, minimum and maximum of a set of node values. Merging is associative and
/// commutative, so a subtree's aggregate is its node's value merged with its children's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    /// How many values.
    pub count: u64,
    /// Their sum (wide enough that no sum of `i64` values from a million nodes overflows).
    pub sum: i128,
    /// The smallest (`i64::MAX` when empty).
    pub min: i64,
    /// The largest (`i64::MIN` when empty).
    pub max: i64,
}

impl Aggregate {
    /// The aggregate of no values.
    pub const EMPTY: Aggregate = Aggregate {
        count: 0,
        sum: 0,
        min: i64::MAX,
        max: i64::MIN,
    };

    /// The aggregate of one value.
    pub fn of(value: i64) -> Aggregate {
        Aggregate {
            count: 1,
            sum: i128::from(value),
            min: value,
            max: value,
        }
    }

    /// The aggregate of many values.
    pub fn of_all(values: impl IntoIterator<Item = i64>) -> Aggregate {
        values
            .into_iter()
            .fold(Aggregate::EMPTY, |a, v| a.merged(&Aggregate::of(v)))
    }

    /// This aggregate and `other` together.
    pub fn merged(&self, other: &Aggregate) -> Aggregate {
        Aggregate {
            count: self.count + other.count,
            sum: self.sum + other.sum,
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }

    /// True if the four figures could describe some set of values: empty, or
    /// `min <= max` and `count * min <= sum <= count * max`.
    pub fn is_consistent(&self) -> bool {
        if self.count == 0 {
            return *self == Aggregate::EMPTY;
        }
        let c = i128::from(self.count);
        self.min <= self.max
            && c * i128::from(self.min) <= self.sum
            && self.sum <= c * i128::from(self.max)
    }
}

impl Default for Aggregate {
    fn default() -> Self {
        Aggregate::EMPTY
    }
}

impl fmt::Display for Aggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 0 {
            return write!(f, "count 0");
        }
        write!(
            f,
            "count {} sum {} min {} max {}",
            self.count, self.sum, self.min, self.max
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_matches_the_values_taken_together() {
        let a = Aggregate::of_all([3, -1, 7]);
        let b = Aggregate::of_all([10, 0]);
        assert_eq!(a.merged(&b), Aggregate::of_all([3, -1, 7, 10, 0]));
        assert_eq!(a.merged(&Aggregate::EMPTY), a);
        assert_eq!(
            a,
            Aggregate {
                count: 3,
                sum: 9,
                min: -1,
                max: 7
            }
        );
        assert!(a.is_consistent() && Aggregate::EMPTY.is_consistent());
        let bad = Aggregate {
            count: 2,
            sum: 100,
            min: 0,
            max: 10,
        };
        assert!(!bad.is_consistent());
        let huge = Aggregate::of_all([i64::MAX, i64::MAX, i64::MAX]);
        assert_eq!(huge.sum, 3 * i128::from(i64::MAX));
    }
}
