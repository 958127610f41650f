//! Timing of periodic work: each node's offset within the period, and the wait until its next
//! slot.

use crate::config::Phase;
use sim_core::{Duration, SimRng, Time};

/// The node's offset within `period`: 0 for aligned phases (every node works at the
/// multiples of the period, as in synchronous cycles), uniform otherwise.
pub(crate) fn offset(phase: Phase, period: Duration, rng: &mut SimRng) -> u64 {
    match phase {
        Phase::Aligned => 0,
        Phase::Random => rng.below(period.0.max(1)),
    }
}

/// How long from `now` until the next instant strictly after it that is `offset` past a
/// multiple of `period`.
pub(crate) fn until_next(now: Time, period: Duration, offset: u64) -> Duration {
    let p = period.0.max(1);
    let into = (now.0 % p + p - offset % p) % p;
    Duration(p - into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_slot_is_strictly_later_and_on_the_grid() {
        let p = Duration(100);
        assert_eq!(until_next(Time(0), p, 0), Duration(100));
        assert_eq!(until_next(Time(1), p, 0), Duration(99));
        assert_eq!(until_next(Time(100), p, 0), Duration(100));
        assert_eq!(until_next(Time(10), p, 30), Duration(20));
        assert_eq!(until_next(Time(30), p, 30), Duration(100));
        assert_eq!(until_next(Time(31), p, 30), Duration(99));
        for now in 0..300 {
            let next = now + until_next(Time(now), p, 42).0;
            assert!(next > now && next % 100 == 42);
        }
    }
}
