//! Multi-Paxos's tests, as one test binary: each module is one concern (single-decree Paxos,
//! clusters under faults, the known bugs, catching up, robustness), and one binary links once
//! per build instead of once per file, which is most of what a rebuild costs (mutation testing
//! rebuilds for every mutant).

mod common;

mod bugs;
mod catch_up;
mod checkers;
mod clients;
mod cluster;
mod disk;
mod quiet;
mod records;
mod robustness;
mod server;
mod snapshots;
mod synod;
