//! `clustersim plot`: charts of sweep results as SVG or PNG (by the output's extension).
//!
//! Text is drawn with DejaVu Sans, bundled (`assets/DejaVuSans.ttf`, Bitstream Vera license),
//! so no system font library is needed.

use crate::output::Output;
use crate::sweep::table::Table;
use plotters::prelude::*;
use std::path::Path;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Registers the bundled font with plotters once.
fn register_font() -> Result<(), String> {
    static ONCE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
            .map_err(|_| "the bundled font could not be read".to_string())
    })
    .clone()
}

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotSpec {
    /// Column for the horizontal axis (with `cdf`: one curve per distinct value, optional).
    pub x: Option<String>,
    /// Column for the vertical axis (with `cdf`: the values whose distribution is drawn).
    pub y: String,
    /// Draw the cumulative distribution of `y`.
    pub cdf: bool,
    /// For a scatter plot: one group of points, in its own colour, per value of this column.
    pub series: Option<String>,
    /// Chart title.
    pub title: Option<String>,
    /// Both axes logarithmic (a scatter plot with a numeric x): growth laws show as lines
    /// whose slope is the exponent. Points with a value of zero or less are left out.
    pub log: bool,
}

/// A series of points with a label.
struct Series {
    label: String,
    points: Vec<(f64, f64)>,
}

fn number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The points to draw, and the x-axis labels of a categorical x column.
fn series(t: &Table, spec: &PlotSpec) -> Result<(Vec<Series>, Option<Vec<String>>), String> {
    let col = |name: &str| {
        t.column(name).ok_or_else(|| {
            let hint = crate::diag::suggest(name, t.columns.iter().map(String::as_str))
                .map(|s| format!(", did you mean \"{s}\"?"))
                .unwrap_or_default();
            format!(
                "no column \"{name}\"{hint} (columns: {})",
                t.columns.join(", ")
            )
        })
    };
    let y = col(&spec.y)?;
    let x = spec.x.as_deref().map(col).transpose()?;
    // Distinct x values in order of first appearance.
    let mut keys: Vec<String> = Vec::new();
    if let Some(x) = x {
        for r in &t.rows {
            if !keys.contains(&r[x]) {
                keys.push(r[x].clone());
            }
        }
    }
    let numeric_x = x.is_some() && keys.iter().all(|k| number(k).is_some());
    if spec.cdf {
        let groups: Vec<Option<String>> = if x.is_some() {
            keys.iter().cloned().map(Some).collect()
        } else {
            vec![None]
        };
        let mut out = Vec::new();
        for g in groups {
            let runs: Vec<&Vec<String>> = t
                .rows
                .iter()
                .filter(|r| g.as_ref().is_none_or(|g| x.is_some_and(|x| &r[x] == g)))
                .collect();
            let mut ys: Vec<f64> = runs.iter().filter_map(|r| number(&r[y])).collect();
            ys.sort_by(f64::total_cmp);
            // A fraction of all runs: a run without the value (no new leader, say) keeps the
            // curve below 1 instead of vanishing from it.
            let points = steps(&ys, runs.len());
            let name = match (&g, &spec.x) {
                (Some(g), Some(xn)) => format!("{xn} = {g}"),
                _ => spec.y.clone(),
            };
            let label = format!("{name} ({})", counted(runs.len(), ys.len()));
            out.push(Series { label, points });
        }
        return Ok((out, None));
    }
    let x = x.ok_or("a scatter plot needs --x (or use --cdf)")?;
    let group = spec.series.as_deref().map(col).transpose()?;
    // Distinct group values in order of first appearance (one group when there is none).
    let mut groups: Vec<Option<&str>> = Vec::new();
    for r in &t.rows {
        let g = group.map(|g| r[g].as_str());
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let mut out = Vec::new();
    for g in groups {
        let rows: Vec<(usize, &Vec<String>)> = t
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| group.map(|c| r[c].as_str()) == g)
            .collect();
        let points: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|&(i, r)| {
                let xv = if numeric_x {
                    number(&r[x])?
                } else {
                    keys.iter().position(|k| k == &r[x])? as f64 + jitter(i)
                };
                Some((xv, number(&r[y])?))
            })
            .collect();
        let name = match (g, &spec.series) {
            (Some(v), Some(name)) => format!("{name} = {v}"),
            _ => spec.y.clone(),
        };
        let label = format!("{name} ({})", counted(rows.len(), points.len()));
        out.push(Series { label, points });
    }
    let labels = (!numeric_x).then_some(keys);
    Ok((out, labels))
}

/// The empirical CDF of the sorted `ys` as a staircase over `runs` runs: flat between values,
/// a jump of 1/runs at each one, from 0 at the smallest.
fn steps(ys: &[f64], runs: usize) -> Vec<(f64, f64)> {
    let n = runs.max(1) as f64;
    let mut out = Vec::with_capacity(ys.len() * 2 + 1);
    if let Some(&first) = ys.first() {
        out.push((first, 0.0));
    }
    for (i, &v) in ys.iter().enumerate() {
        out.push((v, i as f64 / n));
        out.push((v, (i + 1) as f64 / n));
    }
    out
}

/// How many runs a curve or group stands for, and how many of them had no value.
fn counted(runs: usize, with_value: usize) -> String {
    let runs_text = crate::text::count(runs as u64, "run");
    match runs - with_value.min(runs) {
        0 => runs_text,
        missing => format!("{runs_text}, {missing} without a value"),
    }
}

/// A small horizontal offset for the point of row `i` on a categorical axis, so that equal
/// values do not hide each other: spread evenly over [-0.2, 0.2] by the golden ratio, the same
/// for the same row every time.
fn jitter(i: usize) -> f64 {
    let golden = 0.618_033_988_749_895;
    ((i as f64 * golden).fract() - 0.5) * 0.4
}

fn bounds(series: &[Series]) -> Option<((f64, f64), (f64, f64))> {
    let pts = series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return None;
    }
    let pad = |a: f64, b: f64| {
        if a == b {
            (a - 1.0, b + 1.0)
        } else {
            (a - (b - a) * 0.05, b + (b - a) * 0.05)
        }
    };
    Some((pad(x0, x1), pad(y0, y1)))
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    t: &Table,
    spec: &PlotSpec,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let (mut series, labels) = series(t, spec)?;
    if spec.log {
        if spec.cdf || labels.is_some() {
            return Err(
                "--log draws a scatter plot of a numeric --x, not a CDF or categories".to_string(),
            );
        }
        for s in &mut series {
            s.points = s
                .points
                .iter()
                .filter(|&&(x, y)| x > 0.0 && y > 0.0)
                .map(|&(x, y)| (x.log10(), y.log10()))
                .collect();
        }
    }
    let ((mut x0, mut x1), (y0, y1)) =
        bounds(&series).ok_or(format!("no numeric values in column \"{}\"", spec.y))?;
    if let Some(l) = &labels {
        // Every category has its place, half a category wide on each side.
        (x0, x1) = (-0.5, l.len() as f64 - 0.5);
    }
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let title = spec
        .title
        .clone()
        .unwrap_or_else(|| match (&spec.x, spec.cdf) {
            (_, true) => format!("CDF of {}", spec.y),
            (Some(x), false) => format!("{} by {x}", spec.y),
            (None, false) => spec.y.clone(),
        });
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(e)?;
    let scale = if spec.log { " (log scale)" } else { "" };
    let xdesc = if spec.cdf {
        spec.y.clone()
    } else {
        format!("{}{scale}", spec.x.clone().unwrap_or_default())
    };
    let ydesc = if spec.cdf {
        "fraction of runs".to_string()
    } else {
        format!("{}{scale}", spec.y)
    };
    let mut mesh = chart.configure_mesh();
    if let Some(l) = &labels {
        // Ticks every tenth of a category, labelled only at the categories themselves, and no
        // light grid lines between them.
        mesh.x_labels(l.len() * 10 + 1)
            .light_line_style(TRANSPARENT);
    }
    mesh.x_desc(xdesc)
        .y_desc(ydesc)
        .label_style(("sans-serif", 13));
    let formatter = |v: &f64| match &labels {
        Some(l) if (v - v.round()).abs() < 1e-6 && *v >= -1e-6 => {
            l.get(v.round() as usize).cloned().unwrap_or_default()
        }
        Some(_) => String::new(),
        None if spec.log => decade(*v),
        None => format!("{v}"),
    };
    let y_formatter = |v: &f64| {
        if spec.log { decade(*v) } else { format!("{v}") }
    };
    mesh.x_label_formatter(&formatter);
    mesh.y_label_formatter(&y_formatter);
    mesh.draw().map_err(e)?;
    for (i, s) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        if spec.cdf {
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err(e)?
                .label(s.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
        } else {
            if spec.log {
                // A growth law is a line here: joining the sizes shows its slope.
                let mut line = s.points.clone();
                line.sort_by(|a, b| a.0.total_cmp(&b.0));
                chart
                    .draw_series(LineSeries::new(line, color.stroke_width(1)))
                    .map_err(e)?;
            }
            chart
                .draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(e)?
                .label(s.label.clone())
                .legend(move |(x, y)| Circle::new((x + 8, y), 3, color.filled()));
        }
    }
    chart
        .configure_series_labels()
        .position(emptiest_corner(&series, (x0, x1), (y0, y1)))
        .label_font(("sans-serif", 13))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

/// Where the legend hides the fewest points: the corner of the chart (a third of its width
/// and of its height) holding the fewest, the upper right on a tie.
fn emptiest_corner(series: &[Series], x: (f64, f64), y: (f64, f64)) -> SeriesLabelPosition {
    let third = |v: f64, (a, b): (f64, f64)| {
        let t = (v - a) / (b - a).max(f64::MIN_POSITIVE);
        if t < 1.0 / 3.0 {
            -1
        } else if t > 2.0 / 3.0 {
            1
        } else {
            0
        }
    };
    let corners = [
        (SeriesLabelPosition::UpperRight, (1, 1)),
        (SeriesLabelPosition::UpperLeft, (-1, 1)),
        (SeriesLabelPosition::LowerRight, (1, -1)),
        (SeriesLabelPosition::LowerLeft, (-1, -1)),
    ];
    let count = |c: (i32, i32)| {
        series
            .iter()
            .flat_map(|s| &s.points)
            .filter(|&&(px, py)| (third(px, x), third(py, y)) == c)
            .count()
    };
    corners
        .into_iter()
        .min_by_key(|&(_, c)| count(c))
        .map_or(SeriesLabelPosition::UpperRight, |(p, _)| p)
}

/// The label of a tick at `v` on a logarithmic axis: `10^v` at whole decades (`1`, `100`,
/// `10k`, `1M`, `0.01`), nothing between them.
fn decade(v: f64) -> String {
    if (v - v.round()).abs() > 1e-6 {
        return String::new();
    }
    match v.round() as i32 {
        e @ 0..=2 => format!("{}", 10u32.pow(e as u32)),
        e @ 3..=5 => format!("{}k", 10u32.pow(e as u32 - 3)),
        e @ 6..=8 => format!("{}M", 10u32.pow(e as u32 - 6)),
        e @ 9..=11 => format!("{}G", 10u32.pow(e as u32 - 9)),
        e => format!("1e{e}"),
    }
}

/// Draws `spec` from `t` into `out` (`.svg` or `.png`; `-` is SVG on standard output). A
/// regular file appears whole; a FIFO or a device is written through.
pub fn plot(t: &Table, spec: &PlotSpec, out: &Path) -> Result<(), String> {
    register_font()?;
    const SIZE: (u32, u32) = (960, 600);
    let target = Output::resolve(out)?;
    let shown = |e: std::io::Error| format!("{}: {e}", out.display());
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        _ if target == Output::Stdout || ext == "svg" => {
            let mut text = String::new();
            draw(
                SVGBackend::with_string(&mut text, SIZE).into_drawing_area(),
                t,
                spec,
            )?;
            target.write(text.as_bytes()).map_err(shown)
        }
        "png" => {
            let (w, h) = SIZE;
            let mut rgb = vec![0u8; w as usize * h as usize * 3];
            draw(
                BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area(),
                t,
                spec,
            )?;
            let bytes = encode_png(&rgb, SIZE).map_err(|e| format!("encoding the PNG: {e}"))?;
            target.write(&bytes).map_err(shown)
        }
        _ => Err(format!(
            "{}: the output must end in .svg or .png",
            out.display()
        )),
    }
}

/// An RGB image as PNG bytes.
fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axes_are_labelled_at_whole_decades() {
        assert_eq!(decade(0.0), "1");
        assert_eq!(decade(2.0), "100");
        assert_eq!(decade(4.0), "10k");
        assert_eq!(decade(6.0), "1M");
        assert_eq!(decade(-2.0), "1e-2");
        assert_eq!(decade(2.5), "");
    }

    fn table() -> Table {
        Table::parse_csv("job,raft.heartbeat,seed,passed,fingerprint,lat,failed_checks\n0,20ms,1,true,0x1,3.5,\n1,20ms,2,true,0x2,4.5,\n2,50ms,1,true,0x3,9,\n").unwrap()
    }

    #[test]
    fn the_legend_goes_to_the_corner_with_fewest_points() {
        let s = |points: Vec<(f64, f64)>| Series {
            label: "s".into(),
            points,
        };
        // Rising curves fill the lower left and upper right: the legend goes upper left.
        let rising = [s(vec![(0.0, 0.0), (5.0, 5.0), (10.0, 10.0), (9.0, 9.5)])];
        assert!(matches!(
            emptiest_corner(&rising, (0.0, 10.0), (0.0, 10.0)),
            SeriesLabelPosition::UpperLeft
        ));
        // A point in every corner but the lower right.
        let three = [s(vec![(0.0, 0.0), (0.0, 10.0), (10.0, 10.0)])];
        assert!(matches!(
            emptiest_corner(&three, (0.0, 10.0), (0.0, 10.0)),
            SeriesLabelPosition::LowerRight
        ));
        // Nothing anywhere: the usual upper right.
        assert!(matches!(
            emptiest_corner(&[], (0.0, 1.0), (0.0, 1.0)),
            SeriesLabelPosition::UpperRight
        ));
    }

    #[test]
    fn a_series_column_splits_the_scatter_into_groups() {
        let spec = PlotSpec {
            x: Some("seed".into()),
            y: "lat".into(),
            cdf: false,
            series: Some("raft.heartbeat".into()),
            title: None,
            log: false,
        };
        let (groups, labels) = series(&table(), &spec).unwrap();
        assert_eq!(labels, None, "seeds are numbers");
        let got: Vec<(&str, &[(f64, f64)])> = groups
            .iter()
            .map(|g| (g.label.as_str(), g.points.as_slice()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "raft.heartbeat = 20ms (2 runs)",
                    &[(1.0, 3.5), (2.0, 4.5)][..]
                ),
                ("raft.heartbeat = 50ms (1 run)", &[(1.0, 9.0)][..]),
            ]
        );
        let bad = PlotSpec {
            series: Some("raft.hartbeat".into()),
            ..spec
        };
        let e = series(&table(), &bad).err().unwrap();
        assert!(e.contains("did you mean \"raft.heartbeat\""), "{e}");
    }

    #[test]
    fn a_log_log_scatter_draws_numeric_x_and_refuses_categories() {
        let dir = tempfile::tempdir().unwrap();
        let spec = PlotSpec {
            x: Some("seed".into()),
            y: "lat".into(),
            cdf: false,
            series: None,
            title: None,
            log: true,
        };
        let svg = dir.path().join("log.svg");
        plot(&table(), &spec, &svg).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.contains("seed (log scale)"), "{text}");
        // Seeds 1 and 2: the x axis runs from just below 10^0, its one labelled tick.
        assert!(text.contains(">\n1\n<") || text.contains(">1<"), "{text}");
        let categories = PlotSpec {
            x: Some("raft.heartbeat".into()),
            ..spec.clone()
        };
        let e = plot(&table(), &categories, &dir.path().join("c.svg")).unwrap_err();
        assert!(e.contains("--log"), "{e}");
    }

    #[test]
    fn svg_and_png_with_categorical_x_and_cdf() {
        let dir = tempfile::tempdir().unwrap();
        let spec = PlotSpec {
            x: Some("raft.heartbeat".into()),
            y: "lat".into(),
            cdf: false,
            series: None,
            title: None,
            log: false,
        };
        let svg = dir.path().join("a.svg");
        plot(&table(), &spec, &svg).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(
            text.starts_with("<svg") && text.contains("50ms") && text.contains("<circle"),
            "{}",
            &text[..200]
        );
        let png = dir.path().join("b.png");
        plot(
            &table(),
            &PlotSpec {
                cdf: true,
                series: None,
                ..spec.clone()
            },
            &png,
        )
        .unwrap();
        assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
        let bad = PlotSpec {
            y: "latt".into(),
            ..spec
        };
        let e = plot(&table(), &bad, &svg).unwrap_err();
        assert!(e.contains("did you mean \"lat\"?"), "{e}");
        assert!(
            plot(
                &table(),
                &PlotSpec {
                    y: "lat".into(),
                    x: None,
                    cdf: false,
                    series: None,
                    title: None,
                    log: false,
                },
                &svg
            )
            .is_err()
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_categorical_scatter_spreads_equal_points_around_their_category() {
        let spec = PlotSpec {
            x: Some("raft.heartbeat".into()),
            y: "lat".into(),
            cdf: false,
            series: None,
            title: None,
            log: false,
        };
        let t = Table::parse_csv(
            "job,raft.heartbeat,seed,passed,fingerprint,lat,failed_checks
0,20ms,1,true,0x1,3,
1,20ms,2,true,0x2,3,
2,50ms,1,true,0x3,3,
3,50ms,2,true,0x4,,x
",
        )
        .unwrap();
        let (groups, labels) = series(&t, &spec).unwrap();
        assert_eq!(labels, Some(vec!["20ms".to_string(), "50ms".to_string()]));
        assert_eq!(groups[0].label, "lat (4 runs, 1 without a value)");
        let xs: Vec<f64> = groups[0].points.iter().map(|p| p.0).collect();
        assert_eq!(xs.len(), 3);
        assert!(xs[0] != xs[1], "equal values drawn on one spot: {xs:?}");
        for (x, category) in xs.iter().zip([0.0, 0.0, 1.0]) {
            assert!((x - category).abs() <= 0.2, "{xs:?}");
        }
        // The same table is drawn the same way every time.
        assert_eq!(series(&t, &spec).unwrap().0[0].points, groups[0].points);
    }

    #[test]
    fn a_cdf_counts_runs_without_the_value_as_not_yet_reached() {
        let t = Table::parse_csv("job,p,seed,passed,fingerprint,ms,failed_checks\n0,a,1,true,0x1,10,\n1,a,2,false,0x2,,x\n2,a,3,true,0x3,30,\n3,a,4,true,0x4,20,\n").unwrap();
        let spec = PlotSpec {
            x: Some("p".into()),
            y: "ms".into(),
            cdf: true,
            series: None,
            title: None,
            log: false,
        };
        let (series, _) = series(&t, &spec).unwrap();
        // A staircase: flat between values, a step of one run in four at each.
        assert_eq!(
            series[0].points,
            vec![
                (10.0, 0.0),
                (10.0, 0.0),
                (10.0, 0.25),
                (20.0, 0.25),
                (20.0, 0.5),
                (30.0, 0.5),
                (30.0, 0.75)
            ]
        );
        assert_eq!(series[0].label, "p = a (4 runs, 1 without a value)");
    }
}
