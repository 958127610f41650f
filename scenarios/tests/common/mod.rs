//! The tests' registry: the Toy protocol of the `toy` example (servers follow the lowest id
//! they hear), which is not in the shipped registry. The example's module is included here,
//! so the book's worked example and these tests run one copy of Toy.

#![allow(dead_code)]

#[path = "../../examples/toy/protocol.rs"]
mod toy;

pub use toy::*;

use scenarios::{Registry, Scenario};

pub fn registry() -> Registry {
    Registry::empty().with(Box::new(ToyProtocol))
}

pub fn scenario(text: &str) -> Scenario {
    Scenario::from_str("test.toml", text).unwrap_or_else(|e| panic!("{e}"))
}
