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
  clustersim lincheck history.edn --model kv --json

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
    /// Print the verdict as JSON: file, model, verdict (linearizable, not linearizable,
    /// unknown), operations, keys, steps, and the explanation of a violation.
    #[arg(long)]
    pub(crate) json: bool,
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
    let verdict = match a.model {
        ModelName::Kv => judge(&KvModel, &text, &budget, &file),
        ModelName::Cas => judge(&CasRegister, &text, &budget, &file),
        ModelName::Set => judge(&SetModel, &text, &budget, &file),
    };
    let j = match verdict {
        Ok(j) => j,
        Err(e) => return super::fail(e),
    };
    if a.json {
        let v = serde_json::json!({
            "file": file,
            "model": format!("{:?}", a.model).to_lowercase(),
            "verdict": j.verdict,
            "operations": j.operations,
            "keys": j.keys,
            "steps": j.steps,
            "explanation": j.explanation,
        });
        out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        match j.code {
            0 | 1 => out!("{}", j.text),
            _ => err!("{}", j.text),
        }
    }
    j.code
}

/// A history judged: the verdict, its figures, the text a person reads, and the exit code.
struct Judged {
    verdict: &'static str,
    operations: usize,
    keys: usize,
    steps: u64,
    explanation: Option<String>,
    text: String,
    code: u8,
}

fn judge<M: EdnCodec>(
    model: &M,
    text: &str,
    budget: &Budget,
    file: &str,
) -> Result<Judged, String> {
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
            return Err(format!(
                "{file}:{}:{}: expected {expected}, found {found}",
                pos.line, pos.column
            ));
        }
    };
    if history.is_empty() {
        return Err(format!(
            "{file}: no operation to check (an empty history, or none the model reads: each \
             needs :process as a number, :type, :f and :value)"
        ));
    }
    let report = check(model, &history, budget);
    let mut j = Judged {
        verdict: "",
        operations: history.len(),
        keys: report.partitions.len(),
        steps: report.steps,
        explanation: None,
        text: String::new(),
        code: 0,
    };
    match report.verdict {
        Verdict::Linearizable => {
            j.verdict = "linearizable";
            j.text = format!(
                "linearizable: {} operations, {} keys, {} search steps",
                j.operations, j.keys, j.steps
            );
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
            j.verdict = "unknown";
            j.text = format!("unknown: {which} ran out after {} search steps", j.steps);
            j.code = 2;
        }
        Verdict::NotLinearizable => {
            j.verdict = "not linearizable";
            j.text = match report
                .violation()
                .map(|v| explain(model, &history, &v.key, budget))
            {
                Some(Ok(e)) => e.to_string(),
                Some(Err(e)) => format!("not linearizable (no explanation: {e})"),
                None => "not linearizable".to_string(),
            };
            j.explanation = Some(j.text.clone());
            j.code = 1;
        }
    }
    Ok(j)
}
