//! The cluster's topology (which servers are neighbours), for protocols that use one.
//!
//! Until the `topology` crate is part of the workspace the value is kept as written and handed
//! to the protocol untouched.

/// How the servers are connected, as written in `[cluster] topology = ...`.
pub type TopologySpec = toml::Value;
