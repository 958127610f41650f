//! A second replicated state machine, small on purpose: named integer registers with
//! compare-and-set, checked against sim-core's `CasRegister` model. It proves that Raft and
//! Multi-Paxos replicate something other than the key-value store, and it is the example the
//! book's chapter on replicating a new state machine walks through.

use rsm::{Digest, Load, Pacing, StateMachine, Workload};
use serde::{Deserialize, Serialize};
use sim_core::history::models::{CasRegister, RegisterInput, RegisterOp, RegisterOutput};
use sim_core::{Duration, SimRng, Table};
use std::collections::BTreeMap;
use std::fmt;

/// Registers by name. With `STRICT = false` a compare-and-set swaps whatever the register
/// holds: a broken machine that the linearizability check must catch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registers<const STRICT: bool = true> {
    values: BTreeMap<String, i64>,
}

/// The correct machine.
pub type Cas = Registers<true>;
/// The machine whose compare-and-set ignores the expected value.
pub type Lenient = Registers<false>;

fn key(op: &RegisterInput) -> &str {
    op.key.as_deref().unwrap_or_default()
}

impl<const STRICT: bool> StateMachine for Registers<STRICT> {
    type Input = RegisterInput;
    type Output = RegisterOutput;
    type Snapshot = BTreeMap<String, i64>;
    type Model = CasRegister;
    type Workload = RegisterWorkload<STRICT>;

    fn apply(&mut self, op: &RegisterInput) -> RegisterOutput {
        let current = self.values.get(key(op)).copied();
        match op.op {
            RegisterOp::Read => RegisterOutput::Read(current),
            RegisterOp::Write(v) => {
                self.values.insert(key(op).to_owned(), v);
                RegisterOutput::Written
            }
            RegisterOp::Cas { expected, new } => {
                if STRICT && current != Some(expected) {
                    return RegisterOutput::Cas(false);
                }
                self.values.insert(key(op).to_owned(), new);
                RegisterOutput::Cas(true)
            }
        }
    }

    fn is_read(op: &RegisterInput) -> bool {
        op.op == RegisterOp::Read
    }

    fn query(&self, op: &RegisterInput) -> Option<RegisterOutput> {
        Self::is_read(op).then(|| RegisterOutput::Read(self.values.get(key(op)).copied()))
    }

    fn snapshot(&self) -> BTreeMap<String, i64> {
        self.values.clone()
    }

    fn restore(snapshot: &BTreeMap<String, i64>) -> Self {
        Registers {
            values: snapshot.clone(),
        }
    }

    fn approx_bytes(&self) -> u64 {
        Self::snapshot_bytes(&self.values)
    }

    fn snapshot_bytes(snapshot: &BTreeMap<String, i64>) -> u64 {
        snapshot.keys().map(|k| k.len() as u64 + 24).sum()
    }

    fn input_bytes(op: &RegisterInput) -> u64 {
        key(op).len() as u64 + 17
    }

    fn output_bytes(_: &RegisterOutput) -> u64 {
        9
    }

    fn digest<D: Digest>(op: &RegisterInput, digest: &mut D) {
        match op.op {
            RegisterOp::Read => digest.word(0),
            RegisterOp::Write(v) => {
                digest.word(1);
                digest.word(v as u64);
            }
            RegisterOp::Cas { expected, new } => {
                digest.word(2);
                digest.word(expected as u64);
                digest.word(new as u64);
            }
        }
        digest.bytes(key(op).as_bytes());
    }

    fn describe(op: &RegisterInput, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = key(op);
        match op.op {
            RegisterOp::Read => write!(f, "read {k}"),
            RegisterOp::Write(v) => write!(f, "write {k}={v}"),
            RegisterOp::Cas { expected, new } => write!(f, "cas {k} {expected}->{new}"),
        }
    }

    fn table(&self, rows: usize) -> Table {
        let mut table = Table {
            name: "registers".into(),
            columns: vec!["register".into(), "value".into()],
            ..Table::default()
        };
        for (k, v) in self.values.iter().take(rows) {
            table.rows.push(vec![k.clone(), v.to_string()]);
            table.marked.push(false);
        }
        table
    }

    fn model() -> CasRegister {
        CasRegister
    }
}

/// Clients that read, write and compare-and-set a few registers with values from a small
/// range, so that compare-and-sets both succeed and fail.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisterWorkload<const STRICT: bool = true> {
    /// Client nodes.
    pub clients: u32,
    /// Registers `r0`, `r1`, ...
    pub registers: u64,
    /// Values are drawn from `0..values`.
    pub values: u64,
    /// The clients' pacing, timeouts and limits, when not the defaults below.
    pub load: Option<Load>,
    /// Every operation writes its own number to `r0` instead: a history then shows which
    /// number each operation was drawn for.
    pub numbered: bool,
}

impl<const STRICT: bool> Workload for RegisterWorkload<STRICT> {
    type Machine = Registers<STRICT>;

    fn load(&self) -> Load {
        if let Some(load) = self.load {
            return load;
        }
        Load {
            clients: self.clients,
            pacing: Pacing::Closed {
                think: Duration::from_millis(5),
            },
            timeout: Duration::from_millis(300),
            attempts: 10,
            ops_per_client: 0,
            start: Duration::from_millis(300),
            record: true,
        }
    }

    fn draw(&self, _client: u64, seq: u64, rng: &mut SimRng) -> Option<RegisterInput> {
        if self.numbered {
            return Some(RegisterInput {
                key: Some("r0".into()),
                op: RegisterOp::Write(seq as i64),
            });
        }
        let key = Some(format!("r{}", rng.below(self.registers)));
        let kind = rng.below(10);
        let mut value = || rng.below(self.values) as i64;
        let op = match kind {
            0..4 => RegisterOp::Read,
            4..7 => RegisterOp::Write(value()),
            _ => RegisterOp::Cas {
                expected: value(),
                new: value(),
            },
        };
        Some(RegisterInput { key, op })
    }
}
