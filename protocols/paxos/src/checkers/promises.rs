//! An acceptor's promise only grows, across restarts too.

use super::touched_server;
use crate::{Ballot, PaxosNode};
use rsm::StateMachine;
use sim_core::{CheckView, Checker, Duration, Time};

/// Promises never decrease: an acceptor that promised ballot `b` never again holds a lower
/// promise, not even after a crash and restart (it must have synced the promise before
/// answering). A lower promise would let it accept what it promised to refuse.
///
/// A promise counts once its sync can no longer be torn: a crash inside a sync that takes
/// time takes back the sync's writes and every message waiting for it, so a promise held for
/// less than one sync's time before the server went down may vanish without anyone having
/// seen it. With instantaneous syncs (the default) every promise counts at once.
#[derive(Clone, Debug, Default)]
pub struct PromisesNeverDecrease {
    /// How long a sync takes.
    settle: Duration,
    /// Per server: the highest promise that outlived its sync, and the higher ones still
    /// inside theirs, with the time each was first held.
    servers: Vec<Promises>,
}

#[derive(Clone, Debug, Default)]
struct Promises {
    made: Ballot,
    settling: Vec<(Ballot, Time)>,
}

impl Promises {
    /// Counts the promises held at least `settle` before `now` as made.
    fn settle_until(&mut self, now: Time, settle: Duration) {
        let settled = self
            .settling
            .iter()
            .take_while(|(_, since)| *since + settle <= now)
            .count();
        for (b, _) in self.settling.drain(..settled) {
            self.made = self.made.max(b);
        }
    }
}

impl PromisesNeverDecrease {
    /// The checker for disks whose syncs take `settle`.
    pub fn settling_in(settle: Duration) -> PromisesNeverDecrease {
        PromisesNeverDecrease {
            settle,
            servers: Vec::new(),
        }
    }
}

impl<S: StateMachine> Checker<PaxosNode<S>> for PromisesNeverDecrease {
    fn name(&self) -> &str {
        "promises never decrease"
    }

    fn check(&mut self, view: &CheckView<'_, PaxosNode<S>>) -> Result<(), String> {
        let Some(server) = touched_server(view) else {
            // A node that went down inside a sync may have lost it: what it held for less
            // than a sync's time before was never seen.
            if let Some(p) = view.touched.and_then(|id| self.servers.get_mut(id.index())) {
                p.settle_until(view.time, self.settle);
                p.settling.clear();
            }
            return Ok(());
        };
        // A server that knows it lost its promise holds none it acts on until it settles one.
        if server.lost_promise() {
            return Ok(());
        }
        let i = server.id().index();
        if self.servers.len() <= i {
            self.servers.resize(i + 1, Promises::default());
        }
        let p = &mut self.servers[i];
        p.settle_until(view.time, self.settle);
        let now = server.acceptor().promised();
        if now < p.made {
            return Err(format!(
                "{} promised {} and now holds the lower promise {now}",
                server.id(),
                p.made
            ));
        }
        // Promises a torn sync took back were never seen by anyone.
        p.settling.retain(|(b, _)| *b <= now);
        if now > p.settling.last().map_or(p.made, |(b, _)| *b) {
            if self.settle == Duration::ZERO {
                p.made = now;
            } else {
                p.settling.push((now, view.time));
            }
        }
        Ok(())
    }
}
