//! Where a command writes a file, decided once and checked before any work starts.
//!
//! A regular file (or a new path) is replaced whole or not at all: written to a temporary
//! file beside it and renamed into place ([`crate::atomic`]). Anything else must survive the
//! write: `-` is standard output; a character device (`/dev/null`) or a FIFO is written
//! through, never replaced by a regular file; a symbolic link is followed and its target
//! written, so the link stays a link. A directory, a block device or a socket is refused.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// A resolved output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Standard output (`-`).
    Stdout,
    /// A character device or a FIFO, written in place.
    Through(PathBuf),
    /// A regular file or a new path (a symbolic link's target), replaced atomically.
    Replace(PathBuf),
}

/// How many symbolic links deep a path may go.
const MAX_LINKS: usize = 40;

impl Output {
    /// Resolves what `path` names and checks that it can be written: the directory exists
    /// and takes new files. The error says what is wrong, in words.
    pub fn resolve(path: &Path) -> Result<Output, String> {
        if path.as_os_str() == "-" {
            return Ok(Output::Stdout);
        }
        let shown = path.display();
        let target = follow_links(path)?;
        match std::fs::metadata(&target) {
            Ok(m) => {
                let t = m.file_type();
                if t.is_char_device() || t.is_fifo() {
                    return Ok(Output::Through(target));
                }
                if t.is_dir() {
                    return Err(format!("{shown} is a directory, not a file"));
                }
                if !t.is_file() {
                    return Err(format!(
                        "{shown} is neither a regular file, a character device nor a FIFO"
                    ));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{shown}: {e}")),
        }
        probe_directory(&target).map_err(|e| format!("{shown}: {e}"))?;
        Ok(Output::Replace(target))
    }

    /// Like [`Output::resolve`], and an existing regular file is refused unless `force`.
    pub fn resolve_new(path: &Path, force: bool) -> Result<Output, String> {
        let out = Output::resolve(path)?;
        if let Output::Replace(p) = &out
            && !force
            && p.exists()
        {
            return Err(format!(
                "{} exists; give --force to replace it",
                path.display()
            ));
        }
        Ok(out)
    }

    /// Writes `bytes`.
    pub fn write(&self, bytes: &[u8]) -> io::Result<()> {
        self.write_with(|w| w.write_all(bytes))
    }

    /// Writes whatever `fill` writes: in place, or atomically for a regular file.
    pub fn write_with(
        &self,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        match self {
            Output::Stdout => {
                let mut out = io::stdout().lock();
                fill(&mut out)?;
                out.flush()
            }
            Output::Through(p) => {
                let mut out = BufWriter::new(OpenOptions::new().write(true).open(p)?);
                fill(&mut out)?;
                out.flush()
            }
            Output::Replace(p) => crate::atomic::write_atomic_with(p, |w| fill(w)),
        }
    }

    /// A writer that streams into the output: for a regular file a temporary file that
    /// [`Streaming::finish`] renames into place (dropped unfinished, it is removed).
    pub fn stream(&self) -> io::Result<Streaming> {
        Ok(match self {
            Output::Stdout => Streaming {
                out: Some(Box::new(BufWriter::new(io::stdout()))),
                rename: None,
            },
            Output::Through(p) => Streaming {
                out: Some(Box::new(BufWriter::new(
                    OpenOptions::new().write(true).open(p)?,
                ))),
                rename: None,
            },
            Output::Replace(p) => {
                let tmp = crate::atomic::temp_path(p);
                let file = File::create(&tmp)?;
                crate::interrupt::remove_on_interrupt(&tmp);
                Streaming {
                    out: Some(Box::new(BufWriter::with_capacity(1 << 16, file))),
                    rename: Some((tmp, p.clone())),
                }
            }
        })
    }

    /// The output as a person names it.
    pub fn shown(&self) -> String {
        match self {
            Output::Stdout => "standard output".to_string(),
            Output::Through(p) | Output::Replace(p) => p.display().to_string(),
        }
    }
}

/// A writer into an [`Output`] that appears whole on [`Streaming::finish`].
pub struct Streaming {
    out: Option<Box<dyn Write + Send>>,
    rename: Option<(PathBuf, PathBuf)>,
}

impl Write for Streaming {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.out {
            Some(o) => o.write(buf),
            None => Err(io::Error::other("output already finished")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Some(o) => o.flush(),
            None => Ok(()),
        }
    }
}

impl Streaming {
    /// Flushes, and renames a temporary file into place.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(mut out) = self.out.take() {
            out.flush()?;
            drop(out);
        }
        if let Some((tmp, path)) = self.rename.take() {
            let r = File::open(&tmp)
                .and_then(|f| f.sync_all())
                .and_then(|_| std::fs::rename(&tmp, &path));
            crate::interrupt::forget(&tmp);
            if r.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            r?;
        }
        Ok(())
    }
}

impl sim_core::trace::TraceWriter for Streaming {
    fn finish(self: Box<Self>) -> io::Result<()> {
        Streaming::finish(*self)
    }
}

impl Drop for Streaming {
    /// An unfinished output is removed rather than left half-written.
    fn drop(&mut self) {
        if let Some((tmp, _)) = self.rename.take() {
            self.out = None;
            let _ = std::fs::remove_file(&tmp);
            crate::interrupt::forget(&tmp);
        }
    }
}

/// Checks, before any work, that `dir` is or can become a directory that takes new files: it
/// exists as one, or its nearest existing ancestor is one (where `create_dir_all` will make
/// it).
pub fn check_directory(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    let mut at = dir.to_path_buf();
    loop {
        match std::fs::metadata(&at) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => return Err(format!("{shown}: {} is not a directory", at.display())),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) => {}
            Err(e) => return Err(format!("{shown}: {e}")),
        }
        at = match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
    }
    probe_directory(&at.join("probe")).map_err(|e| format!("{shown}: {e}"))
}

/// The path `path` finally names, following symbolic links (a dangling link names its
/// target, which is then created).
fn follow_links(path: &Path) -> Result<PathBuf, String> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(format!(
        "{}: more than {MAX_LINKS} symbolic links deep",
        path.display()
    ))
}

/// Checks that the directory of `path` exists and takes a new file, by creating one there.
fn probe_directory(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let meta = std::fs::metadata(&dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("the directory {} cannot be used: {e}", dir.display()),
        )
    })?;
    if !meta.is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let probe = crate::atomic::temp_path(path);
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        // A temporary file left by an earlier run does not make the directory unwritable.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("cannot write in {}: {e}", dir.display()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_path_resolves_to_its_kind_of_output() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        assert_eq!(Output::resolve(&file), Ok(Output::Replace(file.clone())));
        assert_eq!(Output::resolve(Path::new("-")), Ok(Output::Stdout));
        assert_eq!(
            Output::resolve(Path::new("/dev/null")),
            Ok(Output::Through("/dev/null".into()))
        );
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("a.csv", &link).unwrap();
        assert_eq!(Output::resolve(&link), Ok(Output::Replace(file.clone())));
        Output::resolve(&link).unwrap().write(b"x").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
        let e = Output::resolve(dir.path()).unwrap_err();
        assert!(e.contains("is a directory"), "{e}");
        let e = Output::resolve(&dir.path().join("no/such/dir/x.csv")).unwrap_err();
        assert!(e.contains("cannot be used"), "{e}");
        let e = Output::resolve_new(&file, false).unwrap_err();
        assert!(e.contains("--force"), "{e}");
        assert!(Output::resolve_new(&file, true).is_ok());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_stream_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.jsonl");
        let out = Output::resolve(&file).unwrap();
        let mut s = out.stream().unwrap();
        s.write_all(b"half").unwrap();
        drop(s);
        assert!(!file.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut s = out.stream().unwrap();
        s.write_all(b"whole").unwrap();
        s.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "whole");
    }
}
