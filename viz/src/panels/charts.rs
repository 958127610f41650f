//! The left panel: the event log, the space-time diagram and the charts (message rate,
//! progress per server, checks over time), everything that shows the run as a whole rather than
//! one node.

use super::{BOTTOM, LEFT, PanelState, Panels, TOP, fixed, screen};
use crate::input::Selection;
use crate::lamport;
use crate::playback::{Request, Sim};
use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, Color32, RichText};
use egui_plot::{Corner, Legend, Line, Plot};

/// The diagram, the charts and the verdict list on the left.
pub(super) fn left_panel(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    panels: Res<Panels>,
    mut state: ResMut<PanelState>,
    selection: Res<Selection>,
    mut out: MessageWriter<Request>,
) {
    let Some(sim) = sim else { return };
    let Some((ctx, r)) = screen(&mut contexts) else {
        return;
    };
    let s = sim.session();
    let data = &panels.0;
    let pos = egui::pos2(r.left(), r.top() + TOP);
    let size = egui::vec2(LEFT, r.height() - TOP - BOTTOM);
    fixed(&ctx, "left", pos, size, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            super::log_view::show(ui, &s, &mut out);
            ui.separator();
            ui.label(RichText::new("Space-time diagram").strong());
            ui.horizontal(|ui| {
                ui.label("window");
                ui.add(
                    egui::Slider::new(&mut state.diagram_ms, 1.0..=2000.0)
                        .logarithmic(true)
                        .suffix(" ms"),
                );
            });
            let nodes = s.run().node_count() as usize;
            let selected = match *selection {
                Selection::Node(n) => Some(n),
                _ => None,
            };
            let shown = lamport::columns(nodes, selected, &data.arrows);
            if shown.len() < nodes {
                let which = match selected {
                    Some(n) => format!("n{n}, its busiest peers, then the busiest nodes"),
                    None => "the busiest nodes; select one to follow it".into(),
                };
                ui.label(
                    RichText::new(format!("{} of {nodes} nodes: {which}", shown.len())).small(),
                );
            }
            lamport::show(ui, &shown, data, 250.0);
            ui.separator();
            ui.label(RichText::new("Messages per second").strong());
            Plot::new("rate")
                .height(90.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .x_axis_label("virtual time (s)")
                .y_axis_label("messages/s")
                .show(ui, |p| {
                    p.line(Line::new("sent/s", data.rate.clone()));
                });
            let what = s.progress_label.unwrap_or("messages delivered");
            ui.label(RichText::new(format!("{what} per server")).strong());
            Plot::new("progress")
                .height(130.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .x_axis_label("virtual time (s)")
                .y_axis_label(what)
                .legend(Legend::default().position(Corner::LeftTop))
                .show(ui, |p| {
                    for (n, series) in data.progress.iter().enumerate() {
                        // One colour per server; no line across the time it was down.
                        let color = server_color(n);
                        for piece in up_segments(series) {
                            p.line(Line::new(format!("n{n}"), piece.to_vec()).color(color));
                        }
                    }
                });
            ui.label(RichText::new("Checks on the run so far").strong());
            Plot::new("verdicts")
                .height(70.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .include_y(0.0)
                .show(ui, |p| {
                    let pass: Vec<[f64; 2]> =
                        state.verdict_series.iter().map(|v| [v[0], v[1]]).collect();
                    let fail: Vec<[f64; 2]> =
                        state.verdict_series.iter().map(|v| [v[0], v[2]]).collect();
                    p.line(Line::new("passing", pass).color(Color32::from_rgb(90, 200, 110)));
                    p.line(Line::new("failing", fail).color(Color32::from_rgb(230, 60, 60)));
                });
            for c in &state.check_lines {
                use crate::check_list::CheckState;
                let (mark, color) = match c.state {
                    CheckState::Pass => ("PASS", Color32::from_rgb(90, 200, 110)),
                    CheckState::Fail => ("FAIL", Color32::from_rgb(230, 60, 60)),
                    CheckState::Pending => ("....", Color32::from_rgb(150, 150, 160)),
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(mark).color(color).monospace());
                    ui.label(&c.name);
                })
                .response
                .on_hover_text(&c.detail);
            }
        });
    });
}

/// A colour per server, far apart for neighbours (golden-angle hues).
fn server_color(n: usize) -> Color32 {
    let [r, g, b] = scenarios::palette::hsl((n as f32 * 137.5) % 360.0, 0.7, 0.6);
    Color32::from_rgb((r * 255.0) as u8, (g * 255.0) as u8, (b * 255.0) as u8)
}

/// The runs of a series between its gaps (samples taken while the node was down are NaN).
pub fn up_segments(series: &[[f64; 2]]) -> impl Iterator<Item = &[[f64; 2]]> {
    series
        .split(|p| p[1].is_nan())
        .filter(|piece| !piece.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_breaks_where_the_node_was_down() {
        let nan = f64::NAN;
        let s = [[0.0, 1.0], [1.0, 2.0], [2.0, nan], [3.0, nan], [4.0, 5.0]];
        let pieces: Vec<Vec<f64>> = up_segments(&s)
            .map(|p| p.iter().map(|q| q[0]).collect())
            .collect();
        assert_eq!(pieces, vec![vec![0.0, 1.0], vec![4.0]]);
        assert_ne!(server_color(0), server_color(1));
    }
}
