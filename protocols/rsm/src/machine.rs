//! What a replicated service must say about itself for Raft and Multi-Paxos to replicate it.

use crate::Workload;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sim_core::Table;
use sim_core::history::Model;
use std::fmt;

/// A deterministic service that consensus replicates: every replica applies the same
/// operations in the same order and so holds the same state.
///
/// Implementations must be deterministic in the sense of the simulator (ordered maps, no
/// randomness, no clocks): the checkers compare replicas with `==`, and the run's fingerprint
/// depends on the sizes and encodings given here. Client sessions (exactly-once application of
/// retried requests) are not the machine's concern: [`Store`](crate::Store) adds them around
/// it.
pub trait StateMachine: Wire + Default {
    /// A client operation, as it travels to the servers and into their logs.
    type Input: Wire + sim_core::Corruptible;
    /// What an operation returns to its client.
    type Output: Wire;
    /// The state as shipped to a lagging replica and kept on disk instead of the log prefix
    /// it replaces.
    type Snapshot: Clone + fmt::Debug + PartialEq + Eq + Serialize + Send + Sync + 'static;
    /// The sequential specification that clients' histories are checked against for
    /// linearizability.
    type Model: Model<Input = Self::Input, Output = Self::Output>;
    /// What the simulated clients of this service ask for, and how often.
    type Workload: Workload<Machine = Self>;

    /// Applies a committed operation and returns its result.
    fn apply(&mut self, op: &Self::Input) -> Self::Output;

    /// Whether `op` only reads, so that a protocol that can confirm its leadership may answer
    /// it without a log entry (Raft's ReadIndex, Multi-Paxos's leases).
    fn is_read(op: &Self::Input) -> bool;

    /// Answers a read without changing the state; `None` when `op` is not a read.
    fn query(&self, op: &Self::Input) -> Option<Self::Output>;

    /// The state as of now, for a snapshot.
    fn snapshot(&self) -> Self::Snapshot;

    /// The state a snapshot holds.
    fn restore(snapshot: &Self::Snapshot) -> Self;

    /// Approximate bytes of the state, for snapshot transfer sizes and inspectors.
    fn approx_bytes(&self) -> u64;

    /// Approximate bytes of a snapshot on the wire; equal to [`approx_bytes`] of the state it
    /// was taken from.
    ///
    /// [`approx_bytes`]: StateMachine::approx_bytes
    fn snapshot_bytes(snapshot: &Self::Snapshot) -> u64;

    /// Bytes of an operation's own fields on the wire and on disk (a command adds a fixed
    /// header for the client and sequence number).
    fn input_bytes(op: &Self::Input) -> u64;

    /// Bytes of a result's own fields on the wire (a reply adds a fixed header).
    fn output_bytes(output: &Self::Output) -> u64;

    /// Feeds the operation to a protocol's digest: first one word naming the operation's
    /// kind, then its fields. Log digests let checkers compare replicas' logs in one step, so
    /// different operations must feed different sequences.
    fn digest<D: Digest>(op: &Self::Input, digest: &mut D);

    /// Writes the operation for people (views, log tables): short, one line.
    fn describe(op: &Self::Input, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// Writes an operation's answer for people (a client's recent operations): by default its
    /// `Debug` form.
    fn describe_output(out: &Self::Output, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{out:?}")
    }

    /// The state as a table for inspectors (the front end, exports), at most `rows` rows:
    /// views are generic, so this is how a machine shows what it holds.
    fn table(&self, rows: usize) -> Table;

    /// The model the linearizability checker runs.
    fn model() -> Self::Model;
}

/// What travels between simulated nodes and into their logs and traces: cloned, compared,
/// encoded and decoded, and shared across the threads of a sweep. Every type with these
/// properties has it.
pub trait Wire:
    Clone + fmt::Debug + PartialEq + Eq + Serialize + DeserializeOwned + Send + Sync + 'static
{
}

impl<T> Wire for T where
    T: Clone + fmt::Debug + PartialEq + Eq + Serialize + DeserializeOwned + Send + Sync + 'static
{
}

/// Where [`StateMachine::digest`] feeds an operation: each protocol folds the pieces into its
/// own hash, so the machine names its fields once and every protocol's digests cover them.
pub trait Digest {
    /// A word: the operation's kind first, then any numeric field.
    fn word(&mut self, word: u64);
    /// A variable-length field (the digest includes its length).
    fn bytes(&mut self, bytes: &[u8]);
}
