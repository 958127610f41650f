//! The book's command-line reference (`docs/src/reference/cli.md`) is generated from the clap
//! definitions; this test fails when the committed page differs from what the binary would
//! print, so a changed flag or help text cannot leave the page behind.
//!
//! To regenerate the page after changing the command line, run
//!
//! ```sh
//! UPDATE_DOCS=1 cargo test -p scenarios --test cli_reference
//! ```
//!
//! and commit the rewritten page with the change.

use scenarios::cli::reference::{PAGE, markdown};
use std::path::PathBuf;

fn page() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(PAGE)
}

#[test]
fn the_committed_cli_reference_is_current() {
    let rendered = markdown();
    let path = page();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        }
        std::fs::write(&path, &rendered)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; generate it with UPDATE_DOCS=1 cargo test -p scenarios --test cli_reference",
            path.display()
        )
    });
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(rendered.lines().count()));
        panic!(
            "{PAGE} is out of date with the command line (first difference at line {}):\n  \
             committed: {:?}\n  generated: {:?}\nregenerate it with \
             UPDATE_DOCS=1 cargo test -p scenarios --test cli_reference",
            line + 1,
            committed.lines().nth(line).unwrap_or("<end of file>"),
            rendered.lines().nth(line).unwrap_or("<end of file>"),
        );
    }
}
