//! `clustersim lincheck`.

use crate::duration::DurationStr;
use sim_core::history::edn::{EdnCodec, read_history};
use sim_core::history::models::{CasRegister, KvModel, SetModel};
use sim_core::history::{Budget, Verdict, check, explain};
use std::path::PathBuf;

/// The sequential model a history is judged against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelName {
    /// Key-value store: get, put, append.
    Kv,
    /// Compare-and-set register: read, write, cas (optionally per key).
    Cas,
    /// Set: add, read.
    Set,
}

/// Check a Jepsen EDN history for linearizability.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim lincheck history.edn --model kv
  clustersim lincheck history.edn --model cas --budget 30s

Exits 0 when linearizable, 1 when not (printing a small set of operations that cannot be
ordered, as a timeline), 2 when the budget ran out (unknown) or on error.")]
pub struct Args {
    /// The history, one EDN map per event (`{:process 0, :type :invoke, :f :read, ...}`).
    history: PathBuf,
    /// The model.
    #[arg(long, value_enum)]
    model: ModelName,
    /// Wall-clock limit, such as 10s; past it the answer is "unknown".
    #[arg(long)]
    budget: Option<DurationStr>,
}

pub fn run(a: Args) -> u8 {
    let text = match std::fs::read_to_string(&a.history) {
        Ok(t) => t,
        Err(e) => return super::fail(format!("{}: {e}", a.history.display())),
    };
    let mut budget = Budget::default();
    if let Some(b) = a.budget {
        budget = budget.with_time_limit(std::time::Duration::from_nanos(b.nanos()));
    }
    let file = a.history.display().to_string();
    match a.model {
        ModelName::Kv => judge(&KvModel, &text, &budget, &file),
        ModelName::Cas => judge(&CasRegister, &text, &budget, &file),
        ModelName::Set => judge(&SetModel, &text, &budget, &file),
    }
}

fn judge<M: EdnCodec>(model: &M, text: &str, budget: &Budget, file: &str) -> u8 {
    let history = match read_history(model, text) {
        Ok(h) => h,
        Err(e) => {
            let pos = e.pos();
            let (expected, found) = match &e {
                sim_core::history::edn::EdnError::Syntax {
                    expected, found, ..
                }
                | sim_core::history::edn::EdnError::Op {
                    expected, found, ..
                } => (expected, found),
            };
            return super::fail(format!(
                "{file}:{}:{}: expected {expected}, found {found}",
                pos.line, pos.column
            ));
        }
    };
    let report = check(model, &history, budget);
    match report.verdict {
        Verdict::Linearizable => {
            out!(
                "linearizable: {} operations, {} keys, {} search steps",
                history.len(),
                report.partitions.len(),
                report.steps
            );
            0
        }
        Verdict::Unknown => {
            err!(
                "unknown: the budget ran out ({:?}) after {} search steps",
                report.exhausted,
                report.steps
            );
            2
        }
        Verdict::NotLinearizable => {
            match report
                .violation()
                .map(|v| explain(model, &history, &v.key, budget))
            {
                Some(Ok(e)) => out!("{e}"),
                Some(Err(e)) => out!("not linearizable (no explanation: {e})"),
                None => out!("not linearizable"),
            }
            1
        }
    }
}
