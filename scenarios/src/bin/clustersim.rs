//! `clustersim`: run, sweep, check, export and plot scenarios of every registered protocol.

/// mimalloc instead of the system allocator: the model checker clones and frees a whole
/// simulation per state it generates, millions of small objects a second from every core, and
/// glibc's allocator spent more than half of a search's time in its own bookkeeping (free-list
/// consolidation and unlinking) on that pattern.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scenarios::interrupt::install();
    scenarios::cli::main(scenarios::Registry::builtin())
}
