#!/bin/bash
# A sweep spread by GNU parallel over the machines listed in `hosts` (one sshlogin per line;
# `:` is this machine), one shard each, then merged and plotted.
set -euo pipefail
SEEDS=${SEEDS:-1..=2000}
parallel -j 4 --sshloginfile hosts clustersim sweep "$PWD/scenarios/raft/nemesis.toml" \
  --seeds "$SEEDS" --shard {}/4 -q --out "$PWD/shard-{}.csv" ::: 0 1 2 3
clustersim merge shard-*.csv -o all.csv
clustersim plot all.csv --y leader_election_ms_max --cdf -o elections.svg
