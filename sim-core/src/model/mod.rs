//! Runs driven by choice instead of by the clock: the engine side of the model checker
//! (`clustersim model`) and of a scenario's `[schedule]`.
//!
//! Normally the clock orders events. Here, whoever drives the run picks the next event among
//! those enabled ([`Simulation::pending`](crate::Simulation::pending)) and takes it
//! ([`Simulation::take`](crate::Simulation::take)): any message in flight may arrive next, or be
//! lost or duplicated; any live timer may fire, however early; a node may crash or restart. The
//! event runs through the same code, the same checkers and the same trace as in a timed run.
//! [`Simulation::state_hash`](crate::Simulation::state_hash) tells states apart.
//!
//! # Order of calls
//! 1. Build the simulation as for a timed run, with its checkers.
//! 2. [`Simulation::start_all`](crate::Simulation::start_all): every node starts.
//! 3. Repeatedly: look at what is pending, [`take`](crate::Simulation::take) one choice.

mod choice;
mod drive;
mod state_hash;
pub(crate) mod symmetry;

pub use choice::{BadChoice, Choice};
pub use drive::Pending;
pub use state_hash::{StateHash, StateHasher};
pub use symmetry::{MAX_RENAMINGS, Renaming, Symmetry};

#[cfg(test)]
mod tests;
