# The sync study's table: one row per variant and cluster size, each figure the mean over the
# seeds of the sweep files given (any number, from `clustersim sweep` on scenarios/study/).
#   awk -f scenarios/study/table.awk flat.csv relay.csv ... > study.csv
BEGIN {
    FS = ","; OFS = ","
    n = split("updates messages_per_update bytes_per_update hot_spot_msgs_per_s hot_spot_bytes_per_s update_latency_ms_mean update_latency_ms_p99 update_latency_ms_max staleness_mean_ms staleness_max_ms updates_incomplete events", want, " ")
    print "variant", "nodes", "runs", "updates", "messages_per_update", "bytes_per_update", \
        "hot_spot_msgs_per_s", "hot_spot_bytes_per_s", "latency_mean_ms", "latency_p99_ms", \
        "latency_max_ms", "staleness_mean_ms", "staleness_max_ms", "updates_incomplete", "events"
}
FNR == 1 { variant = ""; delete col }
/^# scenario: / { variant = $0; sub(/^# scenario: (study: )?/, "", variant); gsub(/,/, ";", variant); next }
/^#/ { next }
!("job" in col) {
    for (i = 1; i <= NF; i++) col[$i] = i
    if (!("cluster.nodes" in col)) { print FILENAME ": no cluster.nodes column (sweep with --set cluster.nodes=...)" > "/dev/stderr"; exit 1 }
    next
}
{
    key = variant SUBSEP $(col["cluster.nodes"])
    if (!(key in runs)) { order[++keys] = key }
    runs[key]++
    for (k = 1; k <= n; k++) if (want[k] in col) sum[key, k] += $(col[want[k]])
}
END {
    for (i = 1; i <= keys; i++) {
        key = order[i]; split(key, part, SUBSEP)
        line = part[1] OFS part[2] OFS runs[key]
        for (k = 1; k <= n; k++) line = line OFS sprintf("%.6g", sum[key, k] / runs[key])
        print line
    }
}
