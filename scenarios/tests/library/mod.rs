//! The registered protocols and their shipped scenario files (`scenarios/<protocol>/*.toml`),
//! read from the registry rather than listed by hand, so that a protocol added to the registry
//! is covered by every test that walks them. Each walk asserts a floor, so that an empty or
//! shrunken registry fails instead of passing vacuously.

#![allow(dead_code)]

use scenarios::Registry;
use scenarios::registry::Capabilities;
use std::path::PathBuf;

/// How many protocols the builtin registry holds at least: fewer means one was lost.
pub const BUILTIN: usize = 4;

/// Every registered protocol's name, asserting there are at least [`BUILTIN`].
pub fn protocols() -> Vec<&'static str> {
    let names = Registry::builtin().names();
    assert!(
        names.len() >= BUILTIN,
        "expected at least {BUILTIN} registered protocols, found {names:?}"
    );
    names
}

/// The registered protocols whose capabilities satisfy `want`, asserting there are at least
/// `at_least` of them.
pub fn protocols_that(want: impl Fn(Capabilities) -> bool, at_least: usize) -> Vec<&'static str> {
    let registry = Registry::builtin();
    let names: Vec<&'static str> = registry
        .iter()
        .filter(|p| want(p.capabilities()))
        .map(|p| p.name())
        .collect();
    assert!(
        names.len() >= at_least,
        "expected at least {at_least} such protocols, found {names:?}"
    );
    names
}

/// The folder of a protocol's shipped scenarios.
pub fn folder(protocol: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(protocol)
}

/// A protocol's shipped scenario files, sorted, asserting there is at least one.
pub fn shipped(protocol: &str) -> Vec<PathBuf> {
    let dir = folder(protocol);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} ships no scenario", dir.display());
    files
}

/// Every shipped scenario file of every registered protocol.
pub fn every_shipped() -> Vec<PathBuf> {
    protocols().into_iter().flat_map(shipped).collect()
}
