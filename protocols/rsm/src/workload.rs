//! What drives the simulated clients: when they ask (the [`Load`], the same for every
//! machine) and what they ask for (the machine's [`Workload`]).

use crate::StateMachine;
use serde::{Deserialize, Serialize};
use sim_core::time_text::human;
use sim_core::{Duration, InvalidParam, SimRng, Time};
use std::fmt;
use std::marker::PhantomData;

/// A state machine's client workload: how many clients, their pacing and patience, and the
/// operations they draw.
pub trait Workload: Clone + fmt::Debug + PartialEq + Send + Sync + 'static {
    /// The machine whose operations are drawn. Naming it here lets a cluster builder infer
    /// the machine from the workload it is given.
    type Machine: StateMachine<Workload = Self>;

    /// The clients' pacing, patience and number.
    fn load(&self) -> Load;

    /// Checks what serde cannot; errors name the field below the workload's table. A
    /// workload with fields of its own checks them and then [`Load::validate`].
    fn validate(&self) -> Result<(), InvalidParam> {
        self.load().validate()
    }

    /// Draws `client`'s operation number `seq` (from 1), or `None` when the workload has
    /// nothing more to ask. Draws come from the node's random stream, so the same seed asks the
    /// same things.
    fn draw(
        &self,
        client: u64,
        seq: u64,
        rng: &mut SimRng,
    ) -> Option<<Self::Machine as StateMachine>::Input>;

    /// Stamps a drawn operation with the client's clock (`local_time`, its own reading) as the
    /// client issues it: an operation that carries a time (a ledger record) gets it here. By
    /// default it is left as drawn.
    fn stamp(&self, _op: &mut <Self::Machine as StateMachine>::Input, _local_time: Time) {}
}

/// The workload of a machine whose operations come from the system itself rather than from
/// simulated clients (a workflow coordinator's assignments, proposed by its leader): no
/// clients, nothing drawn.
pub struct NoClients<S>(PhantomData<S>);

impl<S> Default for NoClients<S> {
    fn default() -> Self {
        NoClients(PhantomData)
    }
}

impl<S> Clone for NoClients<S> {
    fn clone(&self) -> Self {
        NoClients(PhantomData)
    }
}

impl<S> PartialEq for NoClients<S> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<S> fmt::Debug for NoClients<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NoClients")
    }
}

impl<S: StateMachine<Workload = NoClients<S>>> Workload for NoClients<S> {
    type Machine = S;

    fn load(&self) -> Load {
        Load {
            clients: 0,
            pacing: Pacing::default(),
            timeout: Duration::from_millis(500),
            attempts: 1,
            ops_per_client: 0,
            start: Duration::ZERO,
            record: false,
        }
    }

    fn draw(&self, _: u64, _: u64, _: &mut SimRng) -> Option<S::Input> {
        None
    }
}

/// The part of a workload every machine shares: who asks, how often, and how patiently.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Load {
    /// How many client nodes (they follow the servers in id order).
    pub clients: u32,
    /// When each client issues its next operation.
    pub pacing: Pacing,
    /// How long a client waits for an answer before it retries at another server.
    pub timeout: Duration,
    /// How many times an operation is sent before the client gives up on it (its outcome is
    /// then unknown to the history) and moves on.
    pub attempts: u32,
    /// The most operations each client issues; 0 for no limit.
    pub ops_per_client: u64,
    /// When clients begin, so the cluster can elect a leader first.
    pub start: Duration,
    /// Whether to record every operation for the linearizability check.
    pub record: bool,
}

impl Load {
    /// Checks what serde cannot; errors name the scenario field (`workload.<name>`).
    pub fn validate(&self) -> Result<(), InvalidParam> {
        if self.attempts == 0 {
            return Err(InvalidParam::new(
                "attempts",
                "is 0; expected at least 1 (the first try)",
            ));
        }
        if self.timeout == Duration::ZERO {
            return Err(InvalidParam::new(
                "timeout",
                "is 0; expected a positive duration such as \"500ms\"",
            ));
        }
        if let Pacing::Rate { per_second } = self.pacing
            && !(per_second.is_finite() && per_second > 0.0)
        {
            return Err(InvalidParam::new(
                "pacing.per_second",
                format!("is {per_second}; expected a positive rate"),
            ));
        }
        Ok(())
    }
}

/// How a client paces its operations. A client has one operation open at a time (a history
/// process is sequential), so an open-loop arrival that finds it busy waits its turn.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Pacing {
    /// The next operation follows the previous answer after a pause.
    Closed {
        /// The pause.
        #[serde(with = "human", default)]
        think: Duration,
    },
    /// Operations arrive as a Poisson process.
    Rate {
        /// Mean arrivals per virtual second, per client.
        per_second: f64,
    },
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing::Closed {
            think: Duration::from_millis(10),
        }
    }
}
