//! Raft's tests, as one test binary: each module is one concern (the paper's rules, the known
//! bugs, the checkers, disk recovery, ...), and one binary links once per build instead of
//! once per file, which is most of what a rebuild costs (mutation testing rebuilds for every
//! mutant).

mod common;

mod apply;
mod bugs;
mod checkers;
mod cluster;
mod disk;
mod figure8;
mod harness;
mod metrics;
mod model;
mod paper;
mod view;
