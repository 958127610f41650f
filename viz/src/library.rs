//! The shipped scenario library (`scenarios/<protocol>/*.toml`), for the picker.

use std::path::{Path, PathBuf};

/// One scenario file of the library.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The protocol folder it is in.
    pub protocol: String,
    /// The file.
    pub path: PathBuf,
}

/// Where the library is: `scenarios/` under the working directory, or next to the source tree
/// the binary was built from.
pub fn root() -> Option<PathBuf> {
    let here = PathBuf::from("scenarios");
    if here.is_dir() {
        return Some(here);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    built.is_dir().then_some(built)
}

/// Every `*.toml` one level under `root`, by protocol folder then name.
pub fn list(root: &Path) -> Vec<Entry> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(root) else {
        return out;
    };
    for d in dirs.flatten() {
        let dir = d.path();
        if !dir.is_dir() {
            continue;
        }
        let protocol = d.file_name().to_string_lossy().into_owned();
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        for f in files.flatten() {
            let path = f.path();
            if path.extension().is_some_and(|e| e == "toml")
                && path.file_name().is_some_and(|n| n != "Cargo.toml")
            {
                out.push(Entry {
                    protocol: protocol.clone(),
                    path,
                });
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_library_is_listed_by_protocol() {
        let root = root().expect("the scenario library is in the source tree");
        let entries = list(&root);
        assert!(entries.iter().any(|e| e.protocol == "raft"
            && e.path.file_name().is_some_and(|n| n == "leader-crash.toml")));
        assert!(entries.iter().any(|e| e.protocol == "paxos"));
        assert!(
            entries
                .iter()
                .all(|e| e.path.extension().is_some_and(|x| x == "toml"))
        );
        let mut sorted = entries.clone();
        sorted.sort();
        assert_eq!(sorted, entries);
    }
}
