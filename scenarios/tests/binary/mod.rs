//! Running the built `clustersim` binary from the end-to-end tests.
#![allow(dead_code)]

use std::process::{Command, Output};

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_clustersim");

/// Runs the binary with `args`, failing the test if it panicked.
pub fn cs(args: &[&str]) -> Output {
    cs_env(args, &[])
}

/// [`cs`] with extra environment variables.
pub fn cs_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?} panicked:\n{err}");
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}
