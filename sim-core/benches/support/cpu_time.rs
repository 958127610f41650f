//! A criterion measurement of the benchmark thread's CPU time instead of wall time.
//!
//! Why: the targets are stated per core, and on a small shared machine wall time also counts
//! the time the thread spends waiting for a core while other processes run. The kernel's
//! per-thread scheduler statistics (`/proc/thread-self/schedstat`, first field: nanoseconds
//! spent running) count only the time the thread was on a core. Where that file is missing
//! (not Linux), the measurement says so and the benchmark falls back to wall time.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// Nanoseconds the calling thread has spent running, or `None` without `/proc`.
pub fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Thread CPU time, in nanoseconds, formatted like wall time.
pub struct CpuTime {
    /// Only lends its duration formatter.
    wall: WallTime,
}

impl CpuTime {
    /// The measurement, if this system reports per-thread CPU time.
    pub fn available() -> Option<CpuTime> {
        thread_cpu_ns().map(|_| CpuTime { wall: WallTime })
    }
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns().unwrap_or(0)
    }

    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().unwrap_or(start).saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        self.wall.formatter()
    }
}
