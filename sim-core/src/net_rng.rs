//! The network's random stream, drawn ahead in batches.
//!
//! Every message's delay is drawn from this stream, and on an exponential link the delay is a
//! logarithm of the draw: a chain of some twenty dependent floating-point steps that the
//! message's queue entry, and so the next event, waits for. This stream therefore draws
//! [`AHEAD`] values at a time and takes their logarithms together, as independent chains that
//! the processor overlaps; when a delay needs one, it is ready. The values handed out, and
//! their order, are exactly those of the plain stream: only the moment of computing changes.

use crate::Duration;
use crate::exp_draw::{exponential_after_ln, ln_of_draw};
use crate::rng::{Draw, SimRng};

/// Values drawn per batch.
const AHEAD: usize = 16;

/// The stream, with the rest of the current batch and each value's logarithm.
#[derive(Clone, Debug)]
pub(crate) struct NetRng {
    rng: SimRng,
    /// The batch: each value with its [`ln_of_draw`].
    batch: [(u64, f64); AHEAD],
    /// The next value to hand out; [`AHEAD`] when the batch is used up.
    used: usize,
}

impl NetRng {
    pub(crate) fn new(rng: SimRng) -> NetRng {
        NetRng {
            rng,
            batch: [(0, 0.0); AHEAD],
            used: AHEAD,
        }
    }

    /// The next value and its logarithm.
    #[inline]
    fn take(&mut self) -> (u64, f64) {
        if self.used == AHEAD {
            self.refill();
        }
        let drawn = self.batch[self.used];
        self.used += 1;
        drawn
    }

    #[inline(never)]
    fn refill(&mut self) {
        for entry in &mut self.batch {
            entry.0 = self.rng.next_u64();
        }
        for entry in &mut self.batch {
            entry.1 = ln_of_draw(entry.0);
        }
        self.used = 0;
    }
}

impl Draw for NetRng {
    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.take().0
    }

    #[inline]
    fn exponential(&mut self, mean: Duration) -> Duration {
        let (bits, ln) = self.take();
        exponential_after_ln(bits, ln, mean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::Latency;
    use crate::rng::Stream;

    /// Mixed draws (integers, chances, exponential and other delays) give what the plain
    /// stream gives, value for value.
    #[test]
    fn drawing_ahead_changes_no_value() {
        let mut ahead = NetRng::new(SimRng::new(3, Stream::Network));
        let mut plain = SimRng::new(3, Stream::Network);
        let ms = Duration::from_millis(1);
        let delays = [
            Latency::exponential(ms).plus(ms),
            Latency::uniform(ms, Duration::from_millis(3)),
            Latency::normal(Duration::from_millis(5), ms),
            Latency::log_normal(ms, 0.5),
            Latency::pareto(ms, 1.5),
        ];
        let mut pick = SimRng::new(4, Stream::Custom(0));
        for _ in 0..100_000 {
            match pick.below(8) {
                0 => assert_eq!(Draw::below(&mut ahead, 1000), plain.below(1000)),
                1 => assert_eq!(Draw::chance(&mut ahead, 0.3), plain.chance(0.3)),
                k => {
                    let latency = &delays[(k as usize - 2) % delays.len()];
                    assert_eq!(latency.sample_from(&mut ahead), latency.sample(&mut plain));
                }
            }
        }
    }
}
