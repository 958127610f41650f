//! Feeds arbitrary bytes to the scenario loader and, when they load, to the steps that follow
//! loading (writing the scenario back as TOML and reading it again, reading the protocol's own
//! tables). None of it may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scenarios::{Registry, Scenario};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = Scenario::from_str("fuzz.toml", text) else {
        return;
    };
    if let Ok(again) = s.to_toml() {
        let back = Scenario::from_str("again.toml", &again);
        assert!(back.is_ok(), "a loaded scenario must load again after writing: {again}");
    }
    let _ = Registry::builtin().resolve(&s);
    let _ = s.params::<toml::Table>();
});
