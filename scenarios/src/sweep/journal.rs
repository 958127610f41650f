//! The journal of a sweep that writes to a file: every finished run, one JSON line each, as it
//! finishes, beside the output (`OUT.journal`). An interrupted sweep leaves it behind; the same
//! command with `--resume` reads it back, runs only what is missing, and writes the output an
//! uninterrupted sweep would have written, byte for byte. A finished sweep removes it.
//!
//! The first line is the sweep's [`Provenance`]: a journal of another scenario, other `--set`
//! values, other seeds or another shard is refused. A last line cut short by the interrupt is
//! ignored (its run is done again).

use super::provenance::Provenance;
use super::table::Row;
use crate::hex::Hex64;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One finished run as a journal line. Metrics are kept as the bits of their `f64`, so that
/// every value (NaN and infinities too) reads back exactly.
#[derive(Serialize, Deserialize)]
struct Line {
    job: u64,
    params: Vec<(String, String)>,
    seed: u64,
    passed: bool,
    fingerprint: u64,
    metrics: BTreeMap<String, u64>,
    failed_checks: Vec<String>,
}

impl Line {
    fn of(r: &Row) -> Line {
        Line {
            job: r.job,
            params: r.params.clone(),
            seed: r.seed,
            passed: r.passed,
            fingerprint: r.fingerprint.0,
            metrics: r
                .metrics
                .iter()
                .map(|(k, v)| (k.clone(), v.to_bits()))
                .collect(),
            failed_checks: r.failed_checks.clone(),
        }
    }

    fn row(self) -> Row {
        Row {
            job: self.job,
            params: self.params,
            seed: self.seed,
            passed: self.passed,
            fingerprint: Hex64(self.fingerprint),
            metrics: self
                .metrics
                .into_iter()
                .map(|(k, b)| (k, f64::from_bits(b)))
                .collect(),
            failed_checks: self.failed_checks,
        }
    }
}

/// An open journal, appended to from every worker thread.
pub struct Journal {
    path: PathBuf,
    out: Mutex<BufWriter<File>>,
}

impl Journal {
    /// Where the journal of an output file is kept.
    pub fn path_for(out: &Path) -> PathBuf {
        let mut name = out.file_name().unwrap_or_default().to_os_string();
        name.push(".journal");
        out.with_file_name(name)
    }

    /// Starts the journal of a new sweep. A journal already there belongs to an interrupted
    /// sweep: it is kept, and the caller is told to resume it or remove it.
    pub fn create(path: &Path, origin: &Provenance) -> Result<Journal, String> {
        if path.exists() {
            return Err(format!(
                "{} holds the runs of an interrupted sweep: add --resume to continue it, or \
                 remove it to start again",
                path.display()
            ));
        }
        let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let j = Journal {
            path: path.to_path_buf(),
            out: Mutex::new(BufWriter::new(file)),
        };
        j.write_line(&serde_json::to_string(origin).unwrap_or_default())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(j)
    }

    /// Reopens the journal of an interrupted sweep of `origin`: the runs it holds, and the
    /// journal, to go on appending to. A missing journal starts a new one.
    pub fn resume(path: &Path, origin: &Provenance) -> Result<(Journal, Vec<Row>), String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Journal::create(path, origin).map(|j| (j, Vec::new()));
            }
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let mut lines = text.split_inclusive('\n');
        let first = lines.next().unwrap_or("");
        let header: Option<Provenance> = serde_json::from_str(first.trim_end()).ok();
        match header {
            Some(h) if h == *origin => {}
            Some(h) => {
                return Err(format!(
                    "{} is the journal of another sweep ({}, digest {}, seeds {}, shard {}), \
                     not of this one ({}, digest {}, seeds {}, shard {})",
                    path.display(),
                    h.scenario,
                    h.digest,
                    h.seeds,
                    h.shard,
                    origin.scenario,
                    origin.digest,
                    origin.seeds,
                    origin.shard
                ));
            }
            None => return Err(format!("{} is not a sweep journal", path.display())),
        }
        let mut rows = BTreeMap::new();
        let mut kept = first.len();
        for l in lines {
            // A line without its newline was cut short by the interrupt: its run is redone.
            if !l.ends_with('\n') {
                break;
            }
            let line: Line = serde_json::from_str(l.trim_end()).map_err(|e| {
                format!(
                    "{}: a line that is not a finished run ({e}); remove the journal to start \
                     again",
                    path.display()
                )
            })?;
            rows.insert(line.job, line.row());
            kept += l.len();
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|f| {
                f.set_len(kept as u64)?;
                Ok(f)
            })
            .and_then(|mut f| {
                use std::io::Seek as _;
                f.seek(std::io::SeekFrom::End(0))?;
                Ok(f)
            })
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let j = Journal {
            path: path.to_path_buf(),
            out: Mutex::new(BufWriter::new(file)),
        };
        Ok((j, rows.into_values().collect()))
    }

    /// Records a finished run (written through at once: an interrupt loses nothing that
    /// finished).
    pub fn record(&self, row: &Row) -> Result<(), String> {
        let line = serde_json::to_string(&Line::of(row)).unwrap_or_default();
        self.write_line(&line)
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }

    fn write_line(&self, line: &str) -> std::io::Result<()> {
        let mut out = match self.out.lock() {
            Ok(o) => o,
            Err(poisoned) => poisoned.into_inner(),
        };
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        out.flush()
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sweep is written: the journal goes.
    pub fn remove(self) -> Result<(), String> {
        drop(self.out);
        std::fs::remove_file(&self.path).map_err(|e| format!("{}: {e}", self.path.display()))
    }
}
