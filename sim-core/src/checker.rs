//! Invariant checkers: a god's-eye view of every node after each event.
//!
//! A checker is told which node the event touched, so it can check incrementally what that
//! event could have changed instead of re-scanning the whole cluster.

use crate::node::Node;
use crate::nodes::Nodes;
use crate::{NodeId, Time};
use dyn_clone::DynClone;
use serde::Serialize;
use std::fmt;

/// What a checker sees after an event.
pub struct CheckView<'a, N: Node> {
    /// Virtual time of the event.
    pub time: Time,
    /// Number of the event in the run (1 for the first).
    pub event: u64,
    /// The node whose state the event may have changed, if any (a partition changes none).
    pub touched: Option<NodeId>,
    /// Every node's state (none for a node that is down).
    pub nodes: Nodes<'a, N>,
}

/// An invariant over the states of all nodes, checked after every event.
///
/// Checkers are cloned with the simulation (a checkpoint carries its checkers' memory).
pub trait Checker<N: Node>: DynClone + Send + Sync {
    /// The invariant's name, as reports print it.
    fn name(&self) -> &str;
    /// Returns a description of the violation if the invariant no longer holds.
    fn check(&mut self, view: &CheckView<'_, N>) -> Result<(), String>;

    /// The checker as `Any`, for a checker that also observes (who led which term, when) and
    /// whose observations a harness reads back with [`Simulation::checker`](crate::Simulation::checker).
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
}

dyn_clone::clone_trait_object!(<N> Checker<N> where N: Node);

/// A checker made from a name and a closure; handy for one-off invariants in tests.
#[derive(Clone)]
pub struct FnChecker<F> {
    name: String,
    f: F,
}

impl<F> FnChecker<F> {
    /// Wraps `f` under the given name.
    pub fn new(name: impl Into<String>, f: F) -> FnChecker<F> {
        FnChecker {
            name: name.into(),
            f,
        }
    }
}

impl<N, F> Checker<N> for FnChecker<F>
where
    N: Node,
    F: FnMut(&CheckView<'_, N>) -> Result<(), String> + Clone + Send + Sync + 'static,
{
    fn name(&self) -> &str {
        &self.name
    }
    fn check(&mut self, view: &CheckView<'_, N>) -> Result<(), String> {
        (self.f)(view)
    }
}

/// The first broken invariant of a run, with everything needed to reproduce it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    /// Which checker.
    pub checker: String,
    /// When.
    pub time: Time,
    /// After which event (1 for the first).
    pub event: u64,
    /// The run's seed.
    pub seed: u64,
    /// What is wrong.
    pub description: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invariant `{}` violated at {} (event {}, seed {}): {}",
            self.checker, self.time, self.event, self.seed, self.description
        )
    }
}

impl std::error::Error for Violation {}
