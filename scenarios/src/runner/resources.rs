//! What a run holds of the machine, read between slices of events: the process's resident
//! memory against `[limits] max_memory`, so that a runaway protocol stops with a limit error
//! rather than at the kernel's out-of-memory killer. The numbers come from Linux's `/proc`;
//! where it is absent the bound is not checked.

use sim_core::Limits;

/// Events run between two looks at memory and progress.
pub(crate) const SLICE: u64 = 1 << 16;

/// A `kB` figure of a `/proc` file, in bytes.
fn proc_kb(file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// The process's resident memory.
pub(crate) fn resident_bytes() -> Option<u64> {
    proc_kb("/proc/self/status", "VmRSS:")
}

/// The process's peak resident memory so far.
pub(crate) fn peak_bytes() -> Option<u64> {
    proc_kb("/proc/self/status", "VmHWM:")
}

/// The machine's memory.
pub(crate) fn machine_bytes() -> Option<u64> {
    proc_kb("/proc/meminfo", "MemTotal:")
}

/// The memory bound of a run: `max_memory`, or three quarters of the machine's memory.
pub(crate) fn memory_limit(limits: &Limits) -> Option<u64> {
    if limits.max_memory > 0 {
        Some(limits.max_memory)
    } else {
        machine_bytes().map(|m| m / 4 * 3)
    }
}

/// Bytes for a person (`1.5 GB`).
pub(crate) fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e12 {
        format!("{:.1} TB", n / 1e12)
    } else if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} kB", n / 1e3)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_and_machine_have_memory() {
        if cfg!(target_os = "linux") {
            let rss = resident_bytes().unwrap();
            let total = machine_bytes().unwrap();
            assert!(rss > 0 && rss < total, "{rss} {total}");
            assert_eq!(memory_limit(&Limits::default()), Some(total / 4 * 3));
        }
        let l = Limits {
            max_memory: 5,
            ..Limits::default()
        };
        assert_eq!(memory_limit(&l), Some(5));
        assert_eq!(bytes(1_500_000_000), "1.5 GB");
        assert_eq!(bytes(24_004_000_000_000), "24.0 TB");
        assert_eq!(bytes(999), "999 bytes");
    }
}
