//! What an interrupt (Ctrl-C, SIGINT, SIGTERM) leaves behind: nothing half-written. Every
//! temporary output file is registered here while it is open; the handler removes them and
//! exits with 130, as a shell does for an interrupted command.
//!
//! A long job that can stop cleanly (a sweep keeping a journal, an exploration reporting what
//! it found) asks for [`stop_gracefully`]: the first interrupt then only raises a flag that the
//! job reads with [`requested`], and a second one exits at once.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Temporary files to remove if the process is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// The running job stops by itself on an interrupt.
static GRACEFUL: AtomicBool = AtomicBool::new(false);
/// An interrupt arrived.
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The running job stops by itself when interrupted: it polls [`requested`], finishes what it
/// must, and exits with 130. A second interrupt exits at once.
pub fn stop_gracefully() {
    GRACEFUL.store(true, Ordering::SeqCst);
}

/// The job is past the part it can stop cleanly: an interrupt exits at once again.
pub fn stop_at_once() {
    GRACEFUL.store(false, Ordering::SeqCst);
}

/// Whether an interrupt asked the job to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Installs the handler; call once, first thing in `main`.
pub fn install() {
    // A second install (tests that call `main` twice) keeps the first handler.
    let _ = ctrlc::set_handler(|| {
        if GRACEFUL.load(Ordering::SeqCst) && !REQUESTED.swap(true, Ordering::SeqCst) {
            return;
        }
        let pending = match PENDING.lock() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        for p in pending {
            let _ = std::fs::remove_file(p);
        }
        std::process::exit(130);
    });
}

/// Removes `path` if the process is interrupted before [`forget`] is called for it.
pub fn remove_on_interrupt(path: &Path) {
    if let Ok(mut p) = PENDING.lock() {
        p.push(path.to_path_buf());
    }
}

/// `path` is finished (renamed into place or removed): an interrupt leaves it alone.
pub fn forget(path: &Path) {
    if let Ok(mut p) = PENDING.lock() {
        p.retain(|x| x != path);
    }
}
