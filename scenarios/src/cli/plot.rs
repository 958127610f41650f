//! `clustersim plot`.

use crate::plot::{PlotSpec, plot};
use crate::sweep::table::Table;
use std::path::PathBuf;

/// Draw sweep results (a CSV from `clustersim sweep`) as an SVG or PNG chart.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim plot results.csv --x raft.heartbeat --y op_latency_ms_p99 -o latency.svg
  clustersim plot results.csv --y leader_election_ms_max --cdf -o elections.png
  clustersim plot results.csv --x raft.election_timeout --y leader_election_ms_max --cdf
  clustersim plot results.csv --x ledger.block_timeout --y commit_ms_p50 --series ledger.block_size
  clustersim plot study.csv --x nodes --y messages_per_update --series variant --log

A scatter plot puts each run at (x, y); a non-numeric x is drawn as categories. --cdf draws
the cumulative distribution of y, one curve per value of --x when given.")]
pub struct Args {
    /// Results file (CSV).
    csv: PathBuf,
    /// Column for the horizontal axis (with --cdf: one curve per value).
    #[arg(long)]
    x: Option<String>,
    /// Column for the vertical axis (with --cdf: the values whose distribution is drawn).
    #[arg(long)]
    y: String,
    /// Draw the cumulative distribution of y.
    #[arg(long)]
    cdf: bool,
    /// Scatter plot: one group of points, in its own colour, per value of this column.
    #[arg(long, conflicts_with = "cdf")]
    series: Option<String>,
    /// Chart title.
    #[arg(long)]
    title: Option<String>,
    /// Both axes logarithmic (a scatter plot with a numeric --x): a growth law N^k is a line
    /// of slope k. Values of zero or less are left out.
    #[arg(long, conflicts_with = "cdf")]
    log: bool,
    /// Output file, .svg or .png (default: Y.svg).
    #[arg(short, long)]
    out: Option<PathBuf>,
}

pub fn run(a: Args) -> u8 {
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.svg", a.y)));
    if let Err(e) = crate::output::Output::resolve(&out) {
        return super::fail(e);
    }
    let text = match std::fs::read_to_string(&a.csv) {
        Ok(t) => t,
        Err(e) => return super::fail(format!("{}: {e}", a.csv.display())),
    };
    let table = match Table::parse_csv(&text) {
        Ok(t) => t,
        Err(e) => return super::fail(format!("{}: {e}", a.csv.display())),
    };
    let spec = PlotSpec {
        x: a.x,
        y: a.y,
        cdf: a.cdf,
        series: a.series,
        title: a.title,
        log: a.log,
    };
    match plot(&table, &spec, &out) {
        Ok(()) if out.as_os_str() == "-" => 0,
        Ok(()) => {
            out!("wrote {}", out.display());
            0
        }
        Err(e) => super::fail(e),
    }
}
