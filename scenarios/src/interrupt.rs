//! What an interrupt (Ctrl-C, SIGINT, SIGTERM) leaves behind: nothing half-written. Every
//! temporary output file is registered here while it is open; the handler removes them and
//! exits with 130, as a shell does for an interrupted command.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files to remove if the process is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler; call once, first thing in `main`.
pub fn install() {
    // A second install (tests that call `main` twice) keeps the first handler.
    let _ = ctrlc::set_handler(|| {
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
