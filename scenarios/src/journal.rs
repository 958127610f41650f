//! The journal of a long job (a sweep into a file, an exploration): every finished run, one
//! JSON line each, written as it finishes. An interrupted job leaves it behind; the same
//! command with `--resume` reads it back, does only what is missing, and writes what an
//! uninterrupted job would have written, byte for byte. A finished job removes it.
//!
//! The first line is the job's [`Provenance`]: a journal of another scenario, other `--set`
//! values, other seeds or another shard is refused. A last line cut short by the interrupt is
//! ignored (its run is done again).

use crate::sweep::provenance::Provenance;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// An open journal, appended to from every worker thread.
pub struct Journal {
    path: PathBuf,
    out: Mutex<BufWriter<File>>,
}

impl Journal {
    /// Where the journal of an output file is kept (`OUT.journal`).
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
                "{} holds the runs of an interrupted job: add --resume to continue it, or \
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

    /// Reopens the journal of an interrupted job of `origin`: the runs it holds, and the
    /// journal, to go on appending to. A missing journal starts a new one.
    pub fn resume<T: DeserializeOwned>(
        path: &Path,
        origin: &Provenance,
    ) -> Result<(Journal, Vec<T>), String> {
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
                    "{} is the journal of another job ({}, digest {}, seeds {}, shard {}), \
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
            None => return Err(format!("{} is not a journal", path.display())),
        }
        let mut rows = Vec::new();
        let mut kept = first.len();
        for l in lines {
            // A line without its newline was cut short by the interrupt: its run is redone.
            if !l.ends_with('\n') {
                break;
            }
            let line: T = serde_json::from_str(l.trim_end()).map_err(|e| {
                format!(
                    "{}: a line that is not a finished run ({e}); remove the journal to start \
                     again",
                    path.display()
                )
            })?;
            rows.push(line);
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
        Ok((j, rows))
    }

    /// Records a finished run (written through at once: an interrupt loses nothing that
    /// finished).
    pub fn record<T: Serialize>(&self, run: &T) -> Result<(), String> {
        let line = serde_json::to_string(run).unwrap_or_default();
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

    /// The job's output is written: the journal goes.
    pub fn remove(self) -> Result<(), String> {
        drop(self.out);
        std::fs::remove_file(&self.path).map_err(|e| format!("{}: {e}", self.path.display()))
    }
}
