//! A criterion measurement of the benchmark thread's CPU time instead of wall time.
//!
//! Why: the targets are stated per core, and on a small shared machine wall time also counts
//! the time the thread spends waiting for a core while other processes run. The kernel's
//! per-thread scheduler statistics (`/proc/thread-self/schedstat`, first field: nanoseconds
//! spent running) count only the time the thread was on a core. Where that file is missing
//! (not Linux), the measurement says so and the benchmark falls back to wall time.

// Each benchmark that includes this file (`#[path]`) uses the clock it needs: its thread's, or
// the whole process's when the work runs on a pool.
#![allow(dead_code)]

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// Nanoseconds the calling thread has spent running, or `None` without `/proc`.
pub fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Nanoseconds every thread of this process has spent running, or `None` without `/proc`:
/// for a benchmark whose work runs on a thread pool rather than on the benchmark's thread.
pub fn process_cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let text = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        total += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// Thread (or process) CPU time, in nanoseconds, formatted like wall time.
pub struct CpuTime {
    /// Only lends its duration formatter.
    wall: WallTime,
    /// Reads the clock: [`thread_cpu_ns`] or [`process_cpu_ns`].
    clock: fn() -> Option<u64>,
}

impl CpuTime {
    /// The measurement, if this system reports per-thread CPU time.
    pub fn available() -> Option<CpuTime> {
        thread_cpu_ns().map(|_| CpuTime {
            wall: WallTime,
            clock: thread_cpu_ns,
        })
    }

    /// The CPU time of the whole process, if this system reports it.
    pub fn of_process() -> Option<CpuTime> {
        process_cpu_ns().map(|_| CpuTime {
            wall: WallTime,
            clock: process_cpu_ns,
        })
    }
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        (self.clock)().unwrap_or(0)
    }

    fn end(&self, start: u64) -> u64 {
        (self.clock)().unwrap_or(start).saturating_sub(start)
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
