//! Rankings that list schedulers sort by, and the bounds a schedule is judged against.

use super::graph::Workflow;
use sim_core::Duration;

impl Workflow {
    /// HEFT's upward rank of every task, indexed by task id: the longest way from the start of
    /// the task to the end of the workflow, counting run times and, on each edge, `transfer` of
    /// the bytes the child reads from the parent.
    ///
    /// `rank(t) = runtime(t) + max over children c of (transfer(bytes t -> c) + rank(c))`.
    /// Computed once per edge, in reverse topological order: O(V + E) calls of `transfer`.
    pub fn upward_ranks(&self, transfer: impl Fn(u64) -> Duration) -> Vec<Duration> {
        let mut rank = vec![Duration::ZERO; self.len()];
        for &t in self.topological_order().iter().rev() {
            let tail = self
                .children(t)
                .iter()
                .zip(self.child_bytes(t))
                .map(|(c, bytes)| transfer(*bytes).saturating_add(rank[c.index()]))
                .max()
                .unwrap_or(Duration::ZERO);
            rank[t.index()] = self.task(t).runtime.saturating_add(tail);
        }
        rank
    }

    /// The longest chain of run times: no schedule, on any number of machines with free
    /// transfers, finishes sooner.
    pub fn critical_path(&self) -> Duration {
        self.upward_ranks(|_| Duration::ZERO)
            .into_iter()
            .max()
            .unwrap_or(Duration::ZERO)
    }

    /// The shortest makespan any schedule on `total_slots` cores could reach: the critical path,
    /// or the total work spread perfectly, whichever is longer. No slots can run nothing, which
    /// gives [`Duration::MAX`] unless there is no work.
    pub fn lower_bound(&self, total_slots: u32) -> Duration {
        let work = self.total_work();
        let spread = match total_slots {
            0 if work == Duration::ZERO => Duration::ZERO,
            0 => Duration::MAX,
            s => Duration(work.0.div_ceil(u64::from(s))),
        };
        self.critical_path().max(spread)
    }
}
