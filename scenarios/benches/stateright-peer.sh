#!/usr/bin/env bash
# The peer figure beside `cargo bench -p scenarios --bench model`: builds Stateright's own
# Single Decree Paxos example (the crate `stateright` from crates.io, pinned below) in a scratch
# directory, model-checks it breadth-first with 2 and 3 clients on every core, and prints the
# states it generated and the CPU time it took. Nothing of Stateright is kept in this
# repository; the scratch directory is removed at the end.
#
#   bash scenarios/benches/stateright-peer.sh
set -euo pipefail

version="0.31.0"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Fetch the published crate through cargo, then build its example from a copy.
mkdir -p "$work/fetch/src"
cat >"$work/fetch/Cargo.toml" <<TOML
[package]
name = "fetch-stateright"
version = "0.0.0"
edition = "2021"
[dependencies]
stateright = "=$version"
TOML
echo 'fn main() {}' >"$work/fetch/src/main.rs"
manifest="$(cd "$work/fetch" && env -u CARGO_TARGET_DIR cargo metadata -q --format-version 1 |
  python3 -c 'import json, sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "stateright"))')"
cp -r "$(dirname "$manifest")" "$work/stateright"
(cd "$work/stateright" && env -u CARGO_TARGET_DIR cargo build -q --release --example paxos)

for clients in 2 3; do
  echo "stateright $version examples/paxos check $clients (bfs, unordered non-duplicating network, $(nproc) threads):"
  /usr/bin/time -f "  CPU %U s user + %S s system, %e s wall, peak %M KB" \
    "$work/stateright/target/release/examples/paxos" check "$clients" 2>&1 |
    grep -E '^(Done|  CPU)'
done
