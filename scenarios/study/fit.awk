# Growth exponents and crossings from the study's table (table.awk's output): for each
# variant, the least-squares slope of log(figure) against log(N) for messages per update, the
# hot spot's messages per second and the mean latency; and the N at which its messages per
# update cross flat all-to-all's (N - 1), interpolated in log-log between the sizes measured.
#   awk -f scenarios/study/fit.awk study.csv
BEGIN { FS = "," }
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
    v = $(col["variant"]); x = log($(col["nodes"]))
    if (!(v in seen)) { seen[v] = 1; names[++count] = v }
    k = ++pts[v]; px[v, k] = $(col["nodes"])
    py[v, k] = $(col["messages_per_update"])
    split("messages_per_update hot_spot_msgs_per_s latency_mean_ms", f, " ")
    for (j = 1; j <= 3; j++) {
        y = $(col[f[j]])
        if (y > 0) { sx[v, j] += x; sy[v, j] += log(y); sxx[v, j] += x * x; sxy[v, j] += x * log(y); m[v, j]++ }
    }
}
function slope(v, j,   d) {
    if (m[v, j] < 2) return "-"
    d = m[v, j] * sxx[v, j] - sx[v, j] * sx[v, j]
    return d == 0 ? "-" : sprintf("%.2f", (m[v, j] * sxy[v, j] - sx[v, j] * sy[v, j]) / d)
}
# Where the variant's messages per update equal N - 1 (flat's): the first pair of measured sizes
# between which the sign of log(y) - log(N - 1) changes, interpolated linearly in log N.
function crossing(v,   k, a, b, xa, xb, t, below, above) {
    for (k = 1; k < pts[v]; k++) {
        if (px[v, k] < 2 || px[v, k + 1] < 2) continue
        a = log(py[v, k]) - log(px[v, k] - 1); b = log(py[v, k + 1]) - log(px[v, k + 1] - 1)
        if (a == 0) return px[v, k]
        if ((a > 0) != (b > 0) || b == 0) {
            xa = log(px[v, k]); xb = log(px[v, k + 1]); t = a / (a - b)
            return sprintf("%.0f", exp(xa + t * (xb - xa)))
        }
        if (a < 0) below++; else above++
    }
    if (below && !above) return "never: cheaper at every N measured"
    if (above && !below) return "never: dearer at every N measured"
    return "-"
}
END {
    printf "%-32s %10s %10s %10s  %s\n", "variant", "messages", "hot spot", "latency", "crosses flat at N"
    for (i = 1; i <= count; i++) {
        v = names[i]
        printf "%-32s %10s %10s %10s  %s\n", v, slope(v, 1), slope(v, 2), slope(v, 3), (v ~ /^flat/ ? "-" : crossing(v))
    }
}
