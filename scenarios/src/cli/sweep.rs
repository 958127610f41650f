//! `clustersim sweep`.

use crate::journal::Journal;
use crate::output::Output;
use crate::registry::Registry;
use crate::sweep::Sweep;
use crate::sweep::grid::{parse_seeds, parse_set};
use crate::sweep::provenance::Provenance;
use crate::sweep::shard::Shard;
use crate::sweep::table::{RowLine, Table, to_json};
use std::path::PathBuf;

/// Run every combination of parameters times every seed on all cores; write one row per run.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim sweep scenarios/raft/leader-crash.toml --seeds 1..1000 --out results.csv
  clustersim sweep FILE --seeds 1..=100 --set raft.heartbeat=20ms,50ms \\
      --set raft.election_timeout=150ms..300ms,300ms..600ms --out results.json
  clustersim sweep FILE --seeds 1..1000 --shard 0/4 --out shard-0.csv   # on machine 0 of 4
  clustersim merge shard-*.csv -o all.csv
  clustersim sweep FILE --seeds 1..100 --out results.csv --json -q   # summary as JSON
  clustersim sweep FILE --seeds 1..1000 --out results.csv --resume   # after an interrupt

Grammar: --seeds takes N, A..B (B excluded), A..=B, A..B:STEP, or a comma list of these.
--set KEY=VALUES takes a comma list; integer ranges A..B, A..=B, A..B:STEP and decimal
ranges A..B:STEP expand; anything else is one value (150ms..300ms is one pair value).
KEY is a dotted path in the file; a first segment naming the protocol means its parameters
(raft.heartbeat = protocol.params.heartbeat); faults.0.at indexes arrays.
Rows are in (combination, seed) order whatever the number of threads (RAYON_NUM_THREADS or
--threads) or shards; shards are numbered from 0 and take every N-th job.
A sweep into a file journals each finished run in OUT.journal; Ctrl-C stops it with the
journal kept (exit 130), --resume continues it, and the finished output replaces the journal.
Exits 1 when a run failed a check (0 with --allow-failures), and 2 when a run stopped with an
error (a limit exceeded), which is reported as an error, not a failed check.")]
pub struct Args {
    /// The scenario file.
    file: PathBuf,
    /// Seeds (default: the file's `seed`).
    #[arg(long)]
    seeds: Option<String>,
    /// A swept parameter: KEY=VALUES (repeatable; the first varies slowest).
    #[arg(long = "set", value_name = "KEY=VALUES")]
    sets: Vec<String>,
    /// Output file, .csv or .json (default, or `-`: CSV on standard output).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Run only shard I of N (I from 0): every N-th job starting at I.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Exit 0 even when runs fail a check (a sweep that maps where a protocol breaks).
    #[arg(long)]
    allow_failures: bool,
    /// Continue an interrupted sweep from its journal (OUT.journal): only the missing runs
    /// are done, and the output is the one an uninterrupted sweep writes.
    #[arg(long)]
    resume: bool,
    /// Print the summary as JSON on standard output (runs, failed, errors, the first failure
    /// and error with the command that reproduces each); the rows go to --out.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Finished rows waiting for the ones before them, and the position of the next row the
/// journal takes.
#[derive(Default)]
struct InOrder {
    next: usize,
    waiting: std::collections::BTreeMap<u64, crate::sweep::table::Row>,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    if a.json && a.out.as_deref().is_none_or(|p| p.as_os_str() == "-") {
        return super::fail(
            "--json prints the summary on standard output: give the rows a file with --out",
        );
    }
    let out = match super::output(a.out.as_deref()) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let file = a.file.display().to_string();
    let text = match std::fs::read_to_string(&a.file) {
        Ok(t) => t,
        Err(e) => return super::fail(format!("{file}: {e}")),
    };
    let base = match crate::Scenario::from_str(&file, &text) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let seeds = match a.seeds.as_deref().map(parse_seeds).transpose() {
        Ok(s) => s.unwrap_or_else(|| vec![base.seed]),
        Err(e) => return super::fail(e),
    };
    let mut params = Vec::new();
    for s in &a.sets {
        match parse_set(s) {
            Ok(p) => params.push(p),
            Err(e) => return super::fail(e),
        }
    }
    let shard = match a.shard.as_deref().map(str::parse::<Shard>).transpose() {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let sweep = match Sweep::prepare(registry, &file, &text, &params, &seeds, shard) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let mut origin = Provenance::of(
        &base.name,
        &text,
        &a.sets,
        a.seeds.as_deref().unwrap_or(&base.seed.to_string()),
        (sweep.combos.len() * seeds.len()) as u64,
    );
    if let Some(s) = shard {
        origin.shard = format!("{}/{}", s.index, s.count);
    }
    // A sweep into a file keeps a journal of its finished runs, so that an interrupt loses
    // none of them and --resume continues from them.
    let journal_path = match &out {
        Output::Replace(p) => Some(Journal::path_for(p)),
        _ if a.resume => {
            return super::fail("--resume continues a sweep into a file: give --out FILE");
        }
        _ => None,
    };
    let (journal, done) = match &journal_path {
        Some(p) if a.resume => match Journal::resume::<RowLine>(p, &origin) {
            Ok((j, lines)) => {
                let mut rows: Vec<_> = lines.into_iter().map(RowLine::row).collect();
                rows.sort_by_key(|r| r.job);
                rows.dedup_by_key(|r| r.job);
                (Some(j), rows)
            }
            Err(e) => return super::fail(e),
        },
        Some(p) => match Journal::create(p, &origin) {
            Ok(j) => (Some(j), Vec::new()),
            Err(e) => return super::fail(e),
        },
        None => (None, Vec::new()),
    };
    if journal.is_some() {
        crate::interrupt::stop_gracefully();
    }
    let done_jobs: std::collections::BTreeSet<u64> = done.iter().map(|r| r.job).collect();
    let bar = progress(sweep.jobs.len() as u64, a.quiet);
    bar.inc(done_jobs.len() as u64);
    let tick = || bar.inc(1);
    let is_done = |job: u64| done_jobs.contains(&job);
    // Rows go to the journal in canonical order, each as soon as every row before it is done:
    // the journal is always a prefix of the output (and a few finished rows wait in memory).
    let order: Vec<u64> = sweep.jobs.iter().map(|j| j.index).collect();
    let pending = std::sync::Mutex::new(InOrder::default());
    let record = |row: &crate::sweep::table::Row| {
        let Some(j) = &journal else {
            return Ok(());
        };
        let mut p = pending
            .lock()
            .map_err(|_| "the journal's lock".to_string())?;
        p.waiting.insert(row.job, row.clone());
        while let Some(&next) = order.get(p.next) {
            if done_jobs.contains(&next) {
                p.next += 1;
            } else if let Some(r) = p.waiting.remove(&next) {
                j.record(&RowLine::of(&r))?;
                p.next += 1;
            } else {
                break;
            }
        }
        Ok(())
    };
    let go = || sweep.run_some(registry, &is_done, &record, &tick);
    let ran = match a.threads {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(go),
            Err(e) => return super::fail(format!("--threads {n}: {e}")),
        },
        None => go(),
    };
    bar.finish_and_clear();
    let ran = match ran {
        Ok(r) => r,
        Err(e) => return super::fail(e),
    };
    if crate::interrupt::requested() {
        let kept = journal
            .as_ref()
            .map(|j| {
                format!(
                    ": they are kept in {}, and the same command with --resume continues",
                    j.path().display()
                )
            })
            .unwrap_or_default();
        err!(
            "interrupted after {} of {} runs{kept}",
            done.len() + ran.len(),
            sweep.jobs.len()
        );
        return 130;
    }
    let mut rows = done;
    rows.extend(ran);
    rows.sort_by_key(|r| r.job);
    let json = a
        .out
        .as_ref()
        .is_some_and(|p| p.extension().is_some_and(|e| e == "json"));
    let text = if json {
        to_json(&rows, &origin)
    } else {
        origin.csv_lines() + &Table::from_rows(&rows).to_csv()
    };
    if let Err(e) = super::emit(&out, &text) {
        return super::fail(e);
    }
    if let Some(j) = journal
        && let Err(e) = j.remove()
    {
        return super::fail(e);
    }
    let is_error = |r: &&crate::sweep::table::Row| {
        r.failed_checks
            .first()
            .is_some_and(|c| c.starts_with("error: "))
    };
    let errors: Vec<_> = rows.iter().filter(is_error).collect();
    let failed: Vec<_> = rows.iter().filter(|r| !r.passed && !is_error(r)).collect();
    let first = |row: Option<&&crate::sweep::table::Row>| {
        let row = row?;
        let job = sweep.jobs.iter().find(|j| j.index == row.job)?;
        Some((
            row.job,
            row.failed_checks.join("; "),
            sweep.reproduce(&file, job),
        ))
    };
    let firsts = [
        ("failure", first(failed.first())),
        ("error", first(errors.first())),
    ];
    if a.json {
        let as_json = |f: &Option<(u64, String, String)>| match f {
            Some((job, checks, repro)) => {
                serde_json::json!({"job": job, "checks": checks, "reproduce": repro})
            }
            None => serde_json::Value::Null,
        };
        let v = serde_json::json!({
            "runs": rows.len(),
            "failed": failed.len(),
            "errors": errors.len(),
            "first_failure": as_json(&firsts[0].1),
            "first_error": as_json(&firsts[1].1),
            "out": out.shown(),
        });
        out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        err!(
            "{}, {} failed a check{}",
            crate::text::count(rows.len() as u64, "run"),
            failed.len(),
            if errors.is_empty() {
                String::new()
            } else {
                format!(", {} stopped with an error", errors.len())
            }
        );
        for (what, f) in &firsts {
            if let Some((job, checks, repro)) = f {
                err!("first {what} (job {job}): {checks}");
                err!("reproduce: {repro}");
            }
        }
    }
    if !errors.is_empty() {
        2
    } else if !failed.is_empty() && !a.allow_failures {
        1
    } else {
        0
    }
}

/// The progress bar, with the time left; hidden when asked or when stderr is not a terminal.
fn progress(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} runs  {elapsed_precise} elapsed, about {eta} left",
    ) {
        bar.set_style(style);
    }
    bar
}
