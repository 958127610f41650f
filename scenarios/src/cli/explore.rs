//! `clustersim explore`.

use crate::explore::shards::Findings;
use crate::explore::{self, Exploration, Failure, Prepared, write};
use crate::journal::Journal;
use crate::registry::Registry;
use crate::sweep::provenance::Provenance;
use crate::sweep::shard::Shard;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Search for runs that break a protocol under faults drawn from each seed, and shrink each
/// kind of failure to a small scenario file.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim explore scenarios/raft/explore.toml --seeds 1000
  clustersim explore scenarios/raft/explore.toml --time 5m --out found/
  clustersim explore bug.toml --seeds 17..=17          # one seed again, shrunk again
  clustersim explore scenarios/raft/explore.toml --seeds 200 --json -q
  clustersim explore FILE --seeds 4000 --shard 0/4 --out found/   # on machine 0 of 4
  clustersim merge found/shard-*.json -o found/                   # then shrink, once

For each seed the file's [explore] bounds give the cluster size, latency, loss, duplication,
partitions, crashes, pauses, clock drift and workload (see README); the run has a safety phase
under those faults, a heal, and a liveness phase, and is judged by every invariant,
linearizability and progress after the heal. The first failure of each check is shrunk and
written to OUT/shrunk-CHECK.toml, which `clustersim run` and `clustersim check` replay.
--seeds N runs seeds 0..N; ranges and lists are as in `sweep`. --time stops starting seeds
after that much wall-clock time (the failures are those of the seeds that ran). Ctrl-C stops
starting seeds and reports the failures found so far, unshrunk, and exits 130; with --seeds,
the seeds done are journaled in OUT/explore.journal and --resume goes on from them.
Exits 1 when a failure was found, 0 when none, 2 on a usage or file error.")]
pub struct Args {
    /// The scenario file (protocol, parameters with any `bugs`, [run] phases, [explore] bounds).
    file: PathBuf,
    /// Seeds: N (the seeds 0..N), or ranges and lists as in `sweep` (`5..10`, `1,4,9`).
    #[arg(long, conflicts_with = "time")]
    seeds: Option<String>,
    /// Explore seeds from 0 upwards for this long (`30s`, `5m`).
    #[arg(long)]
    time: Option<String>,
    /// Where failing and shrunk scenarios are written (default: FILE_STEM-found).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS).
    #[arg(long)]
    threads: Option<usize>,
    /// Report failures without shrinking them.
    #[arg(long)]
    no_shrink: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Print the report as JSON: seeds run, seconds, failures (seed, check, detail,
    /// reproduce), coverage per milestone, warnings, and the files written.
    #[arg(long)]
    pub(crate) json: bool,
    /// Continue an interrupted exploration from its journal (OUT/explore.journal): only the
    /// seeds it lacks are run, and the files written are those of an uninterrupted one.
    #[arg(long, requires = "seeds")]
    resume: bool,
    /// Run only shard I of N (I from 0): every N-th seed of the list, starting at the I-th.
    /// Nothing is shrunk: the findings go to OUT/shard-I-of-N.json, and `clustersim merge`
    /// joins the shards and shrinks as one machine would.
    #[arg(long, value_name = "I/N", requires = "seeds")]
    shard: Option<String>,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    let base = match super::load(&a.file, &[]) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let prepared = match Prepared::new(registry, base) {
        Ok(p) => p,
        Err(e) => return super::fail(e),
    };
    let shard = match a.shard.as_deref().map(str::parse::<Shard>).transpose() {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let mut seeds: Box<dyn Iterator<Item = u64> + Send> =
        match (&a.seeds, &a.time) {
            (Some(text), _) => {
                let list: Box<dyn Iterator<Item = u64> + Send> = match text.trim().parse::<u64>() {
                    Ok(n) => Box::new(0..n),
                    Err(_) => match crate::sweep::grid::parse_seeds(text) {
                        Ok(v) => Box::new(v.into_iter()),
                        Err(e) => return super::fail(e),
                    },
                };
                match shard {
                    // The same seeds on every machine: every N-th of the list.
                    Some(s) => Box::new(list.enumerate().filter_map(move |(i, seed)| {
                        (i as u64 % s.count == s.index).then_some(seed)
                    })),
                    None => list,
                }
            }
            (None, Some(_)) => Box::new(0..u64::MAX),
            (None, None) => {
                return super::fail("give --seeds N (or a range) or --time (such as 5m)");
            }
        };
    let budget = match super::time_budget(a.time.as_deref()) {
        Ok(b) => b,
        Err(e) => return super::fail(e),
    };
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| super::beside_stem(&a.file, "-found"));
    if let Err(e) = crate::output::check_directory(&out) {
        return super::fail(e);
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => return super::fail(format!("--threads: {e}")),
    };
    // A list of seeds is journaled as it is explored, so that an interrupt loses nothing and
    // --resume goes on.
    let made_out = !out.exists();
    let (journal, journaled) = match &a.seeds {
        Some(_) => match open_journal(&a, &prepared, shard, &out) {
            Ok((j, lines)) => (Some(j), lines),
            Err(e) => return super::fail(e),
        },
        None => (None, Vec::new()),
    };
    let done: std::collections::BTreeSet<u64> = journaled.iter().map(|l| l.seed).collect();
    if !done.is_empty() {
        seeds = Box::new(seeds.filter(move |s| !done.contains(s)));
    }
    let journal_error = Mutex::new(None);
    let record = |line: &explore::SeedLine| {
        if let Some(j) = &journal
            && let Err(e) = j.record(line)
            && let Ok(mut first) = journal_error.lock()
        {
            first.get_or_insert(e);
        }
    };
    // An interrupt stops starting seeds; what was found is still reported.
    crate::interrupt::stop_gracefully();
    let start = explore::wall_clock_now();
    let deadline = budget.map(|b| start + b);
    let bar = progress(a.quiet);
    let failed = AtomicU64::new(0);
    let first = Mutex::new(None);
    let tick = |f: bool| {
        if f {
            let n = failed.fetch_add(1, Ordering::Relaxed) + 1;
            bar.set_message(format!("{n} failing"));
            if let Ok(mut first) = first.lock() {
                first.get_or_insert_with(|| start.elapsed());
            }
        }
        bar.inc(1);
    };
    bar.inc(journaled.len() as u64);
    let found = pool.install(|| {
        explore::explore_journaled(registry, &prepared, &mut seeds, deadline, &tick, &record)
    });
    bar.finish_and_clear();
    if let Ok(Some(e)) = journal_error.lock().map(|mut e| e.take()) {
        return super::fail(e);
    }
    let found = found.with_journaled(&journaled);
    let secs = start.elapsed().as_secs_f64();
    if !a.json {
        report(&a.file, &found, secs, first.lock().ok().and_then(|f| *f));
        report_coverage(&found, prepared.caps.marks);
    }
    if crate::interrupt::requested() {
        if a.json {
            let v = as_json(&a.file, &found, secs, prepared.caps.marks, &[]);
            out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        let kept = journal
            .as_ref()
            .map(|j| {
                format!(
                    "; the seeds done are kept in {}, and the same command with --resume goes on",
                    j.path().display()
                )
            })
            .unwrap_or_default();
        err!(
            "interrupted after {}: the failures above are not shrunk (each reproduce command \
             replays one){kept}",
            crate::text::count(found.ran as u64, "seed")
        );
        return 130;
    }
    // Shrinking is not journaled: an interrupt from here on exits at once.
    crate::interrupt::stop_at_once();
    if let Some(j) = journal
        && let Err(e) = j.remove()
    {
        return super::fail(e);
    }
    if made_out && found.failures.is_empty() && shard.is_none() {
        // Only the journal was there: an exploration that found nothing leaves no directory.
        let _ = std::fs::remove_dir(&out);
    }
    if let Some(s) = shard {
        return write_findings(&a, &prepared, &found, s, &out, secs);
    }
    let how = Conclusion {
        file: &a.file,
        out: &out,
        no_shrink: a.no_shrink,
        json: a.json,
        secs,
    };
    pool.install(|| conclude(registry, &prepared, &found, &how))
}

/// The journal of an exploration of a list of seeds, in OUT: a new one, or (`--resume`) the
/// one an interrupted exploration left, with the seeds it holds.
fn open_journal(
    a: &Args,
    prepared: &Prepared,
    shard: Option<Shard>,
    out: &Path,
) -> Result<(Journal, Vec<explore::SeedLine>), String> {
    let origin = provenance(a, prepared, shard)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join("explore.journal");
    if a.resume {
        Journal::resume(&path, &origin)
    } else {
        Journal::create(&path, &origin).map(|j| (j, Vec::new()))
    }
}

/// What is explored: the scenario, a digest of its text, the seeds and the shard.
fn provenance(a: &Args, prepared: &Prepared, shard: Option<Shard>) -> Result<Provenance, String> {
    let text =
        std::fs::read_to_string(&a.file).map_err(|e| format!("{}: {e}", a.file.display()))?;
    let seeds = a.seeds.clone().unwrap_or_default();
    let jobs = match seeds.trim().parse::<u64>() {
        Ok(n) => n,
        Err(_) => crate::sweep::grid::parse_seeds(&seeds).map_or(0, |v| v.len() as u64),
    };
    let mut origin = Provenance::of(&prepared.base.name, &text, &[], &seeds, jobs);
    if let Some(s) = shard {
        origin.shard = format!("{}/{}", s.index, s.count);
    }
    Ok(origin)
}

/// What [`conclude`] needs beside the exploration.
pub(crate) struct Conclusion<'a> {
    /// The explored file, as named.
    pub file: &'a Path,
    /// The directory for failing and shrunk scenarios.
    pub out: &'a Path,
    /// Write the failing scenarios without shrinking them.
    pub no_shrink: bool,
    /// The report is JSON.
    pub json: bool,
    /// Seconds the exploration took.
    pub secs: f64,
}

/// Writes a failing scenario per kind of failure, shrunk unless asked otherwise, and the JSON
/// report when asked; the exit code (1 when something failed). One machine's exploration ends
/// here, and so does the merge of a sharded one.
pub(crate) fn conclude(
    registry: &Registry,
    prepared: &Prepared,
    found: &Exploration,
    how: &Conclusion<'_>,
) -> u8 {
    let mut saved = Vec::new();
    if !found.failures.is_empty() {
        if let Err(e) = std::fs::create_dir_all(how.out) {
            return super::fail(format!("{}: {e}", how.out.display()));
        }
        let file = how.file.display().to_string();
        let todo = explore::distinct(&found.failures);
        let results: Vec<Result<Saved, String>> = {
            use rayon::prelude::*;
            todo.par_iter()
                .map(|g| save(registry, prepared, g, how.out, &file, how.no_shrink))
                .collect()
        };
        for r in results {
            match r {
                Ok(s) if how.json => saved.push(s),
                Ok(s) => out!("{}", s.text),
                Err(e) => return super::fail(e),
            }
        }
    }
    if how.json {
        let v = as_json(how.file, found, how.secs, prepared.caps.marks, &saved);
        out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    }
    u8::from(!found.failures.is_empty())
}

/// A shard's end: its findings, unshrunk, to OUT/shard-I-of-N.json.
fn write_findings(
    a: &Args,
    prepared: &Prepared,
    found: &Exploration,
    shard: Shard,
    out: &Path,
    secs: f64,
) -> u8 {
    let origin = match provenance(a, prepared, Some(shard)) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let file = a.file.display().to_string();
    let findings = Findings::of(origin, &file, found);
    if let Err(e) = std::fs::create_dir_all(out) {
        return super::fail(format!("{}: {e}", out.display()));
    }
    let path = out.join(Findings::file_name(shard.index, shard.count));
    let body = serde_json::to_string_pretty(&findings).unwrap_or_default() + "\n";
    if let Err(e) = crate::atomic::write_atomic(&path, body.as_bytes()) {
        return super::fail(format!("{}: {e}", path.display()));
    }
    if a.json {
        let v = as_json(&a.file, found, secs, prepared.caps.marks, &[]);
        out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        out!(
            "findings of shard {}/{} written to {}; when every shard is done: clustersim merge {}/shard-*.json -o {}",
            shard.index,
            shard.count,
            path.display(),
            out.display(),
            out.display()
        );
    }
    u8::from(!found.failures.is_empty())
}

/// The report as JSON (see `--json`).
fn as_json(
    file: &Path,
    found: &Exploration,
    secs: f64,
    expected: &[sim_core::MarkKind],
    saved: &[Saved],
) -> serde_json::Value {
    let failures: Vec<_> = found
        .failures
        .iter()
        .map(|f| {
            serde_json::json!({
                "seed": f.seed,
                "check": f.finding.check,
                "detail": f.finding.detail,
                "reproduce": reproduce(file, f.seed),
            })
        })
        .collect();
    let coverage: serde_json::Map<String, serde_json::Value> = sim_core::MarkKind::ALL
        .into_iter()
        .filter(|k| expected.contains(k) || found.coverage.reached(*k) > 0)
        .map(|k| (k.name().to_string(), found.coverage.reached(k).into()))
        .collect();
    let warnings: Vec<String> = found
        .coverage
        .missing(expected)
        .into_iter()
        .map(|k| format!("no seed reached `{}`", k.name()))
        .collect();
    serde_json::json!({
        "file": file.display().to_string(),
        "seeds": found.ran,
        "seconds": secs,
        "failures": failures,
        "coverage": coverage,
        "warnings": warnings,
        "saved": saved.iter().map(|s| &s.files).collect::<Vec<_>>(),
    })
}

fn reproduce(file: &Path, seed: u64) -> String {
    format!(
        "clustersim explore {} --seeds {seed}..={seed} --no-shrink",
        file.display()
    )
}

/// What was explored and found, with a reproduce command per failure.
fn report(file: &Path, found: &Exploration, secs: f64, first: Option<std::time::Duration>) {
    let rate = found.ran as f64 / secs.max(1e-9);
    out!(
        "explored {} in {secs:.1}s ({rate:.0} seeds/s); {} failed",
        crate::text::count(found.ran as u64, "seed"),
        found.failures.len()
    );
    if let (Some(f), Some(t)) = (found.failures.first(), first) {
        out!(
            "first failure: seed {} ({} run), {:.2}s after the start",
            f.seed,
            crate::text::count(f.seed + 1, "seed"),
            t.as_secs_f64()
        );
    }
    report_failures(file, found);
}

/// Each failure (the first twenty) with the command that replays it.
pub(crate) fn report_failures(file: &Path, found: &Exploration) {
    const SHOWN: usize = 20;
    for f in found.failures.iter().take(SHOWN) {
        out!(
            "  seed {}: {}: {}",
            f.seed,
            f.finding.check,
            f.finding.detail.lines().next().unwrap_or("")
        );
        out!("    reproduce: {}", reproduce(file, f.seed));
    }
    if found.failures.len() > SHOWN {
        out!("  ... and {} more", found.failures.len() - SHOWN);
    }
}

/// How many seeds reached each milestone, and a warning for each milestone the protocol's runs
/// should reach that none did: the file's clusters may never do the work its checks judge.
fn report_coverage(found: &Exploration, expected: &[sim_core::MarkKind]) {
    out!("coverage: {}", found.coverage.summary(expected));
    for kind in found.coverage.missing(expected) {
        out!(
            "warning: no seed reached `{}`: the checks judged runs that never got that far \
             (look at the file's [explore] bounds, workload and run phases)",
            kind.name()
        );
    }
}

/// What [`save`] wrote for one kind of failure: the lines a person reads, and the files by
/// role (`check`, `seed`, `failing`, and `shrunk` when it was shrunk).
struct Saved {
    text: String,
    files: serde_json::Value,
}

/// Writes the failing scenario of the first failure of `group` (failures of one check) and,
/// unless `no_shrink`, the smallest shrunk form of the group's first few.
fn save(
    registry: &Registry,
    p: &Prepared,
    group: &[&Failure],
    out: &Path,
    file: &str,
    no_shrink: bool,
) -> Result<Saved, String> {
    let f = group[0];
    let failing = explore::derive::derive(p, f.seed);
    let seed_path = out.join(format!("seed-{}.toml", f.seed));
    let header = format!(
        "Seed {} of `clustersim explore {file}`: {}.",
        f.seed, f.finding.check
    );
    write::write_scenario(&seed_path, &failing, &header)?;
    let mut text = format!(
        "{}: seed {} ({} faults)\n  reproduce: clustersim run {} --seed {}",
        f.finding.check,
        f.seed,
        failing.faults.len(),
        seed_path.display(),
        f.seed
    );
    let mut files = serde_json::json!({
        "check": f.finding.check,
        "seed": f.seed,
        "failing": seed_path.display().to_string(),
        "shrunk": null,
    });
    if no_shrink {
        return Ok(Saved { text, files });
    }
    let Some((seed, shrunk)) = explore::shrink_best(registry, p, group) else {
        text.push_str("\n  shrinking lost the failure (the run budget ran out)");
        return Ok(Saved { text, files });
    };
    let path = out.join(format!("shrunk-{}.toml", write::slug(&f.finding.check)));
    write::write_shrunk(
        registry,
        &path,
        &shrunk.scenario,
        seed,
        &shrunk.finding,
        file,
        shrunk.faults_before,
    )?;
    text.push_str(&format!(
        "\n  shrunk (seed {seed}, the smallest of the first {}) from {} to {} faults, {} servers, {} of virtual time ({} runs): {}\n  replay: clustersim run {}",
        group.len(),
        shrunk.faults_before,
        shrunk.scenario.faults.len(),
        shrunk.scenario.cluster.servers(),
        crate::DurationStr(sim_core::Duration(shrunk.scenario.run.end().0)),
        shrunk.runs,
        shrunk.finding.detail.lines().next().unwrap_or(""),
        path.display()
    ));
    files["shrunk"] = path.display().to_string().into();
    Ok(Saved { text, files })
}

/// Seeds done, seeds per second and failures found; hidden when asked or when stderr is not a
/// terminal.
fn progress(quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::no_length();
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos} seeds  {per_sec}  {msg}  {elapsed_precise}",
    ) {
        bar.set_style(style);
    }
    bar.set_message("0 failing");
    bar
}
