//! What a slot holds: a batch of client commands, a no-op filling a gap, or the marker a new
//! leader commits first.

use crate::Ballot;
use kv::KvMap;
use rsm::{Command, Digest, StateMachine};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// The value proposed for, accepted in and chosen for one slot.
///
/// Batches are shared (`Arc`), so sending one to every acceptor and keeping it in the
/// acceptor's, the disk's and the learner's tables costs no copies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(bound = "")]
pub enum Value<S: StateMachine = KvMap> {
    /// Nothing: fills a slot a previous leader left open, so later slots can be applied.
    Noop,
    /// The first slot a new leader proposes of its own: it marks the change of leader in the
    /// log (replicas count them) and commits the re-proposed slots before it.
    Leader(Ballot),
    /// Client commands, applied in order.
    Batch(Arc<Batch<S>>),
}

/// Client commands chosen together in one slot, with a digest of their content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(bound = "")]
pub struct Batch<S: StateMachine = KvMap> {
    /// A digest of the commands, so that checkers and replicas compare values cheaply.
    pub digest: u64,
    /// The commands.
    pub commands: Vec<Command<S>>,
}

impl<S: StateMachine> Value<S> {
    /// A batch of commands (at least one).
    pub fn batch(commands: Vec<Command<S>>) -> Value<S> {
        debug_assert!(!commands.is_empty(), "a batch holds at least one command");
        let mut h = Fnv::new(3);
        for c in &commands {
            h.command(c);
        }
        Value::Batch(Arc::new(Batch {
            digest: h.finish(),
            commands,
        }))
    }

    /// A digest that differs, with overwhelming probability, between different values.
    pub fn digest(&self) -> u64 {
        match self {
            Value::Noop => 1,
            Value::Leader(b) => {
                let mut h = Fnv::new(2);
                h.u64(b.round);
                h.u64(u64::from(b.node));
                h.finish()
            }
            Value::Batch(b) => b.digest,
        }
    }

    /// The commands, in order (none for a no-op or a leader marker).
    pub fn commands(&self) -> &[Command<S>] {
        match self {
            Value::Batch(b) => &b.commands,
            _ => &[],
        }
    }

    /// Bytes on the wire and on disk.
    pub fn size(&self) -> u64 {
        8 + self.commands().iter().map(Command::size).sum::<u64>()
    }
}

impl<S: StateMachine> fmt::Display for Value<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Noop => f.write_str("no-op"),
            Value::Leader(b) => write!(f, "leader {b}"),
            Value::Batch(b) => match b.commands.as_slice() {
                [one] => write!(f, "{one}"),
                [first, ..] => write!(f, "{first} (+{} more)", b.commands.len() - 1),
                [] => f.write_str("empty batch"),
            },
        }
    }
}

/// Folds a slot's value into the running digest of a replica's applied prefix.
pub fn chain<S: StateMachine>(prefix: u64, slot: u64, value: &Value<S>) -> u64 {
    let mut h = Fnv::new(prefix);
    h.u64(slot);
    h.u64(value.digest());
    h.finish()
}

/// 64-bit FNV-1a with a seed, over a fixed encoding: stable on every machine and release,
/// unlike the standard library's hasher.
struct Fnv(u64);

impl Fnv {
    fn new(seed: u64) -> Fnv {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.u64(seed);
        h
    }

    fn raw(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn u64(&mut self, n: u64) {
        self.raw(&n.to_le_bytes());
    }

    fn field(&mut self, bytes: &[u8]) {
        self.u64(bytes.len() as u64);
        self.raw(bytes);
    }

    fn command<S: StateMachine>(&mut self, c: &Command<S>) {
        self.u64(c.client);
        self.u64(c.seq);
        S::digest(&c.op, self);
    }

    fn finish(self) -> u64 {
        // A final avalanche so that nearby inputs spread over all bits.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// An operation's fields, as the state machine names them, fed to the batch digest: a word
/// as eight bytes, a field with its length first.
impl Digest for Fnv {
    #[inline]
    fn word(&mut self, word: u64) {
        self.u64(word);
    }

    #[inline]
    fn bytes(&mut self, bytes: &[u8]) {
        self.field(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kv::{Command, KvInput};

    fn put(client: u64, seq: u64, v: &str) -> Command {
        Command {
            client,
            seq,
            op: KvInput::Put {
                key: "k".into(),
                value: v.into(),
            },
        }
    }

    #[test]
    fn digests_tell_values_apart() {
        let a = Value::batch(vec![put(1, 1, "x")]);
        let b = Value::batch(vec![put(1, 1, "y")]);
        let a2 = Value::batch(vec![put(1, 1, "x")]);
        assert_eq!(a.digest(), a2.digest());
        assert_ne!(a.digest(), b.digest());
        assert_ne!(Value::<KvMap>::Noop.digest(), a.digest());
        assert_ne!(
            Value::<KvMap>::Leader(Ballot::new(1, 0)).digest(),
            Value::<KvMap>::Leader(Ballot::new(1, 1)).digest()
        );
        // A pinned value: the digest must not change between machines or releases.
        assert_eq!(
            Value::<KvMap>::Leader(Ballot::new(1, 0)).digest(),
            14_508_254_965_755_264_849
        );
    }

    #[test]
    fn the_chain_depends_on_order() {
        let a = Value::batch(vec![put(1, 1, "x")]);
        let b = Value::batch(vec![put(2, 1, "y")]);
        let ab = chain(chain(0, 0, &a), 1, &b);
        let ba = chain(chain(0, 0, &b), 1, &a);
        assert_ne!(ab, ba);
    }
}
