//! The shipped scenario library (`scenarios/<protocol>/*.toml`), for the picker.

use scenarios::Registry;
use std::path::{Path, PathBuf};

/// One scenario file of the library.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The protocol folder it is in.
    pub protocol: String,
    /// The file.
    pub path: PathBuf,
    /// Its `description`, for a reader choosing among the files (empty if it has none).
    pub description: String,
}

/// The `description` of a scenario file, if it can be read; the picker lists the file either
/// way, and opening it reports any problem.
fn description(path: &Path) -> String {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| t.get("description")?.as_str().map(str::to_string))
        .unwrap_or_default()
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

/// Every `*.toml` in the folder of each protocol of `registry` under `root`, by protocol then
/// name: the library is what the registered protocols ship, whoever registered them.
pub fn list(root: &Path, registry: &Registry) -> Vec<Entry> {
    let mut out = Vec::new();
    for protocol in registry.names() {
        let Ok(files) = std::fs::read_dir(root.join(protocol)) else {
            continue;
        };
        for f in files.flatten() {
            let path = f.path();
            if path.extension().is_some_and(|e| e == "toml") {
                out.push(Entry {
                    protocol: protocol.to_string(),
                    description: description(&path),
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
        let registry = Registry::builtin();
        let entries = list(&root, &registry);
        let crash = entries
            .iter()
            .find(|e| {
                e.protocol == "raft" && e.path.file_name().is_some_and(|n| n == "leader-crash.toml")
            })
            .expect("raft/leader-crash.toml is listed");
        assert!(!crash.description.is_empty(), "its description is read");
        for name in registry.names() {
            assert!(
                entries.iter().any(|e| e.protocol == name),
                "{name} ships no scenario"
            );
        }
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
