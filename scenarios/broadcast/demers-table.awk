# Averages a `clustersim sweep` of scenarios/broadcast/demers.toml over its seeds, one line per k:
# awk -f scenarios/broadcast/demers-table.awk results.csv
BEGIN { FS = "," }
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{ k = $c["broadcast.dissemination.k"]; n[k]++; r[k] += $c["residue"]; m[k] += $c["update_traffic_per_node"]; a[k] += $c["t_ave_rounds"]; l[k] += $c["t_last_rounds"] }
END { printf "%2s %9s %8s %7s %7s %5s\n", "k", "residue", "traffic", "t_ave", "t_last", "seeds"; for (k = 1; k <= 5; k++) printf "%2d %9.4f %8.2f %7.2f %7.2f %5d\n", k, r[k]/n[k], m[k]/n[k], a[k]/n[k], l[k]/n[k], n[k] }
