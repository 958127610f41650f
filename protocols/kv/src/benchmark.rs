//! The load Raft and Multi-Paxos are benchmarked and compared on, defined once so that both
//! protocols' benchmarks and the side-by-side table measure exactly the same thing: five
//! servers on the simulator's default network (1 ms one-way, nothing lost) and ten clients
//! with Poisson arrivals at 100 commands per virtual second each (1,000 in all), the default
//! mix (half reads) over five keys, starting at 0.5 s.

use crate::{Pacing, WorkloadConfig};

/// Servers in the benchmark cluster.
pub const SERVERS: u32 = 5;

/// The clients' workload; `record` keeps every operation for the linearizability check (off
/// for long runs, so memory stays flat).
pub fn workload(record: bool) -> WorkloadConfig {
    WorkloadConfig {
        clients: 10,
        pacing: Pacing::Rate { per_second: 100.0 },
        start: sim_core::Duration::from_millis(500),
        record,
        ..WorkloadConfig::default()
    }
}
