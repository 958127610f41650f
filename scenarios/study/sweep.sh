#!/usr/bin/env bash
# The sync study, end to end: every variant at every size it runs at, one `clustersim sweep`
# per (variant, size) so that each has its own peak memory; then the table, the fits and the
# plots. See docs/src/results/sync-study.md.
#
#   bash scenarios/study/sweep.sh OUTDIR [CLUSTERSIM]
#
# OUTDIR gets one CSV per (variant, size), resources.csv (CPU seconds, peak RSS and events of
# each), study.csv (table.awk), fit.txt (fit.awk) and three log-log plots. CLUSTERSIM is the
# binary (default: target/release/clustersim). STUDY_SIZES_MAX caps the sizes (for a quick
# run: STUDY_SIZES_MAX=1000); JOBS runs that many sweeps at once (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:?usage: sweep.sh OUTDIR [CLUSTERSIM]}"
bin="${2:-target/release/clustersim}"
max="${STUDY_SIZES_MAX:-1000000}"
jobs="${JOBS:-2}"
[ -x "$bin" ] || { echo "sweep.sh: no executable at $bin (cargo build --release -p scenarios --bin clustersim)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "sweep.sh: GNU time (/usr/bin/time) is needed for peak memory" >&2; exit 2; }
mkdir -p "$out"

# variant file, sizes, seeds at sizes up to 1,000, seeds above.
plan() {
    cat <<'EOF'
flat 10,100,1000,3000,5000,7000
relay 10,100,1000,3000
gossip 10,100,1000,3000
tree-broadcast 10,100,1000,3000
tree-sync 10,100,1000,10000,100000,1000000
layered 10,100,1000,10000,100000,1000000
gossip-scale 10000,100000,1000000
tree-broadcast-scale 10000,100000,1000000
tree-sync-leader-crash 100,1000,10000
tree-sync-root-crash 100,1000,10000
tree-sync-tenth-crash 100,1000,10000
layered-leader-crash 100,1000,10000
layered-root-crash 100,1000,10000
layered-tenth-crash 100,1000,10000
EOF
}

# The biggest first, so that the long runs overlap the short ones.
plan | while read -r variant sizes; do
    for n in ${sizes//,/ }; do
        if [ "$n" -le "$max" ]; then echo "$n $variant"; fi
    done
done | sort -k1,1nr >"$out/jobs"

run_one() {
    local n="$1" variant="$2" out="$3" bin="$4" seeds=5
    if [ "$n" -gt 1000 ]; then seeds=2; fi
    if [ "$n" -gt 10000 ]; then seeds=1; fi
    local csv="$out/$variant-$n.csv"
    # One thread a sweep: its peak memory is then one run's, and two sweeps share two cores.
    /usr/bin/time -f "%U %S %M" -o "$csv.time" \
        "$bin" sweep "scenarios/study/$variant.toml" --set "cluster.nodes=$n" \
        --seeds "1..=$seeds" --threads 1 -q --out "$csv" >/dev/null
    echo "$variant $n done" >&2
}
export -f run_one
xargs -P "$jobs" -L 1 bash -c 'run_one "$0" "$1" "$2" "$3"' <<<"$(sed "s|\$| $out $bin|" "$out/jobs")"

# resources.csv: CPU seconds, peak RSS and events of each (variant, size), and events per
# CPU second.
{
    echo "variant,nodes,seeds,cpu_s,peak_rss_mb,rss_per_node_bytes,events_per_run,events_per_cpu_s"
    while read -r n variant; do
        csv="$out/$variant-$n.csv"
        read -r user sys kb <"$csv.time"
        awk -F, -v v="$variant" -v n="$n" -v u="$user" -v s="$sys" -v kb="$kb" '
            /^#/ { next }
            !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
            { runs++; ev += $(c["events"]) }
            END {
                cpu = u + s
                printf "%s,%d,%d,%.2f,%.1f,%.0f,%.0f,%.0f\n", v, n, runs, cpu, kb / 1024, kb * 1024 / n, ev / runs, ev / cpu
            }' "$csv"
    done <"$out/jobs" | sort -t, -k1,1 -k2,2n
} >"$out/resources.csv"

# The table and the fits over the per-node workload's variants (the ten-change and fault runs
# have their own workloads).
order="flat relay gossip tree-broadcast tree-sync layered"
files=()
for v in $order; do
    for n in 10 100 1000 3000 5000 7000 10000 100000 1000000; do
        if [ -f "$out/$v-$n.csv" ]; then files+=("$out/$v-$n.csv"); fi
    done
done
awk -f scenarios/study/table.awk "${files[@]}" >"$out/study.csv"
awk -f scenarios/study/fit.awk "$out/study.csv" | tee "$out/fit.txt"
for y in messages_per_update hot_spot_msgs_per_s latency_mean_ms; do
    "$bin" plot "$out/study.csv" --x nodes --y "$y" --series variant --log --out "$out/$y.png"
done
