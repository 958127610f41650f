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
  clustersim lincheck history.edn --model kv --budget 100000000   # search steps

Exits 0 when linearizable, 1 when not (printing a small set of operations that cannot be
ordered, as a timeline), 2 when the budget ran out (unknown) or on error. An empty history,
or one with no operation the model reads, is an error.")]
pub struct Args {
    /// The history, one EDN map per event (`{:process 0, :type :invoke, :f :read, ...}`).
    history: PathBuf,
    /// The model.
    #[arg(long, value_enum)]
    model: ModelName,
    /// How long to search before answering "unknown": a time such as 30s (then no step
    /// cap), or a number of search steps (default 10000000).
    #[arg(long)]
    budget: Option<BudgetArg>,
}

/// `--budget`: a wall-clock time or a number of search steps.
#[derive(Clone, Copy, Debug)]
pub enum BudgetArg {
    /// Search for at most this long.
    Time(DurationStr),
    /// Search for at most this many steps.
    Steps(u64),
}

impl std::str::FromStr for BudgetArg {
    type Err = String;
    fn from_str(s: &str) -> Result<BudgetArg, String> {
        if let Ok(n) = s.trim().parse::<u64>() {
            return if n == 0 {
                Err("a budget of 0 steps searches nothing; give 1 or more".into())
            } else {
                Ok(BudgetArg::Steps(n))
            };
        }
        s.parse::<DurationStr>()
            .map(BudgetArg::Time)
            .map_err(|e| format!("expected a time such as 30s or a number of steps: {e}"))
    }
}

pub fn run(a: Args) -> u8 {
    let text = match std::fs::read_to_string(&a.history) {
        Ok(t) => t,
        Err(e) => return super::fail(format!("{}: {e}", a.history.display())),
    };
    let budget = match a.budget {
        None => Budget::default(),
        Some(BudgetArg::Steps(n)) => Budget::steps(n),
        Some(BudgetArg::Time(t)) => {
            Budget::unlimited().with_time_limit(std::time::Duration::from_nanos(t.nanos()))
        }
    };
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
    if history.is_empty() {
        return super::fail(format!(
            "{file}: no operation to check (an empty history, or none the model reads: each \
             needs :process as a number, :type, :f and :value)"
        ));
    }
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
            let which = match (report.exhausted, budget.max_time) {
                (Some(sim_core::history::Exhausted::Time), Some(t)) => {
                    format!(
                        "the time budget of {}",
                        DurationStr(sim_core::Duration(t.as_nanos() as u64))
                    )
                }
                _ => format!(
                    "the budget of {} search steps (raise it with --budget)",
                    budget.max_steps.unwrap_or(report.steps)
                ),
            };
            err!(
                "unknown: {which} ran out after {} search steps",
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
