//! The space-time diagram (after Lamport): one vertical line per node, time flowing down to the
//! cursor at the bottom, each message an arrow from its sender's line at the send time to its
//! receiver's line at the arrival time. It follows the same cursor as the animation.

use crate::history::MarkKind;
use crate::palette;
use crate::panel_data::MarkerKind;
use crate::panel_data::{Arrow, ArrowState, PanelData};
use crate::timeline::marker_color;
use bevy_egui::egui::{self, Color32, Pos2, Sense, Stroke, Vec2};

/// Most node lines the diagram draws: beyond, lines are closer than a few pixels and the
/// arrows a solid block.
pub const MAX_COLUMNS: usize = 24;

/// The nodes the diagram draws, in id order: every node of a cluster of up to
/// [`MAX_COLUMNS`]. Of a larger one: the selected node, then the nodes it exchanged the most
/// messages with in the window, then the nodes with the most messages in the window (the
/// first nodes if the window is quiet).
pub fn columns(nodes: usize, selected: Option<usize>, arrows: &[Arrow]) -> Vec<usize> {
    if nodes <= MAX_COLUMNS {
        return (0..nodes).collect();
    }
    // Per node: messages with the selected node, and messages in all.
    let mut with_selected = vec![0u32; nodes];
    let mut total = vec![0u32; nodes];
    for a in arrows {
        let (from, to) = (a.from.index(), a.to.index());
        for (n, other) in [(from, to), (to, from)] {
            if n >= nodes {
                continue;
            }
            total[n] += 1;
            if selected == Some(other) {
                with_selected[n] += 1;
            }
        }
    }
    let mut chosen: Vec<usize> = (0..nodes).collect();
    chosen.sort_by_key(|&n| {
        (
            std::cmp::Reverse(selected == Some(n)),
            std::cmp::Reverse(with_selected[n]),
            std::cmp::Reverse(total[n]),
            n,
        )
    });
    chosen.truncate(MAX_COLUMNS);
    chosen.sort_unstable();
    chosen
}

/// Draws the diagram with a line for each node of `columns` (ids in increasing order), and the
/// messages between them.
pub fn show(ui: &mut egui::Ui, columns: &[usize], data: &PanelData, height: f32) {
    let nodes = columns.len();
    let column = |n: usize| columns.binary_search(&n).ok();
    let size = Vec2::new(ui.available_width(), height);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let p = ui.painter_at(rect);
    p.rect_filled(rect, 2.0, Color32::from_gray(20));
    if nodes == 0 {
        return;
    }
    let (from, to) = data.window;
    let span = (to - from).max(1e-12);
    let top = rect.top() + 14.0;
    let y = |t: f64| top + ((t - from) / span).clamp(0.0, 1.0) as f32 * (rect.bottom() - 4.0 - top);
    // The time axis on the left: virtual time, flowing down to the cursor.
    let gutter = 44.0;
    let tick = tick_step(span);
    let mut t = (from / tick).ceil() * tick;
    while t <= to + tick * 1e-9 {
        let ty = y(t);
        p.line_segment(
            [
                Pos2::new(rect.left() + gutter - 4.0, ty),
                Pos2::new(rect.left() + gutter, ty),
            ],
            Stroke::new(1.0, Color32::from_gray(120)),
        );
        p.text(
            Pos2::new(rect.left() + gutter - 6.0, ty),
            egui::Align2::RIGHT_CENTER,
            tick_label(t, tick),
            egui::FontId::monospace(9.0),
            Color32::from_gray(150),
        );
        t += tick;
    }
    let step = (rect.width() - gutter) / nodes as f32;
    let x = |n: usize| rect.left() + gutter + step * (n as f32 + 0.5);
    for (n, id) in columns.iter().enumerate() {
        p.line_segment(
            [Pos2::new(x(n), top), Pos2::new(x(n), rect.bottom())],
            Stroke::new(1.0, Color32::from_gray(70)),
        );
        if step >= 14.0 || n % ((14.0 / step).ceil() as usize).max(1) == 0 {
            p.text(
                Pos2::new(x(n), rect.top() + 1.0),
                egui::Align2::CENTER_TOP,
                format!("n{id}"),
                egui::FontId::monospace(9.0),
                Color32::from_gray(170),
            );
        }
    }
    let pointer = response.hover_pos();
    let mut tip: Option<String> = None;
    for a in &data.arrows {
        let (Some(f), Some(t)) = (column(a.from.index()), column(a.to.index())) else {
            continue;
        };
        let (fx, tx) = (x(f), x(t));
        let (sy, ey) = (y(a.sent), y(a.end));
        let color = palette::egui_color(palette::kind_color(&a.kind));
        let (start, end) = (Pos2::new(fx, sy), Pos2::new(tx, ey));
        let end = match a.state {
            ArrowState::InFlight => start + (end - start) * 0.999,
            _ => end,
        };
        let stroke = match a.state {
            ArrowState::Delivered => Stroke::new(1.0, color),
            ArrowState::InFlight => Stroke::new(1.0, color.gamma_multiply(0.6)),
            ArrowState::Dropped => Stroke::new(1.0, Color32::from_rgb(200, 60, 60)),
        };
        p.line_segment([start, end], stroke);
        match a.state {
            ArrowState::Dropped => {
                let d = 3.0;
                p.line_segment([end - Vec2::splat(d), end + Vec2::splat(d)], stroke);
                p.line_segment([end + Vec2::new(-d, d), end + Vec2::new(d, -d)], stroke);
            }
            _ => {
                p.circle_filled(end, 1.5, color);
            }
        }
        if let Some(q) = pointer
            && distance(q, start, end) < 3.0
        {
            tip = Some(format!(
                "{} n{} -> n{}  sent {:.6}s, {} {:.6}s",
                a.kind,
                a.from.0,
                a.to.0,
                a.sent,
                match a.state {
                    ArrowState::Delivered => "arrived",
                    ArrowState::InFlight => "in flight at",
                    ArrowState::Dropped => "lost",
                },
                a.end
            ));
        }
    }
    for d in &data.dots {
        let kind = match d.kind {
            MarkKind::Election => MarkerKind::Election,
            MarkKind::Commit => MarkerKind::Commit,
            MarkKind::Fault => MarkerKind::Scheduled,
            MarkKind::Progress => continue,
            MarkKind::Note => {
                if let Some(n) = d.node.and_then(|n| column(n.index())) {
                    p.circle_filled(Pos2::new(x(n), y(d.at)), 2.0, Color32::from_gray(200));
                }
                continue;
            }
        };
        let c = marker_color(kind);
        match d.node {
            Some(n) => {
                if let Some(col) = column(n.index()) {
                    p.circle_filled(Pos2::new(x(col), y(d.at)), 3.5, c);
                }
            }
            None => {
                p.line_segment(
                    [
                        Pos2::new(rect.left(), y(d.at)),
                        Pos2::new(rect.right(), y(d.at)),
                    ],
                    Stroke::new(1.0, c),
                );
            }
        }
        if let Some(q) = pointer
            && (q.y - y(d.at)).abs() < 3.0
            && d.node
                .is_none_or(|n| column(n.index()).is_some_and(|c| (q.x - x(c)).abs() < 5.0))
        {
            tip = Some(format!("{:.6}s  {}", d.at, d.text));
        }
    }
    p.line_segment(
        [
            Pos2::new(rect.left(), y(to)),
            Pos2::new(rect.right(), y(to)),
        ],
        Stroke::new(1.5, Color32::WHITE),
    );
    if let Some(t) = tip {
        response.on_hover_text(t);
    }
}

/// The distance between the time axis's ticks for a window of `span` seconds: 1, 2 or 5 times
/// a power of ten, four to ten ticks in the window.
pub fn tick_step(span: f64) -> f64 {
    let raw = span / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power)
}

/// A tick's time, in seconds or milliseconds, with the decimals its step needs.
pub fn tick_label(t: f64, step: f64) -> String {
    if step >= 1.0 {
        return format!("{t:.0}s");
    }
    let ms = t * 1e3;
    let decimals = (-(step * 1e3).log10().floor()).max(0.0) as usize;
    format!("{ms:.decimals$}ms")
}

fn distance(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
    (p - (a + ab * t)).length()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::NodeId;

    fn arrow(from: u32, to: u32) -> Arrow {
        Arrow {
            from: NodeId(from),
            to: NodeId(to),
            sent: 0.0,
            end: 0.0,
            kind: "m".into(),
            state: ArrowState::Delivered,
        }
    }

    #[test]
    fn the_time_axis_has_round_ticks_labelled_with_the_decimals_they_need() {
        let near = |a: f64, b: f64| assert!((a - b).abs() < 1e-12 * b, "{a} against {b}");
        near(tick_step(0.040), 0.01);
        near(tick_step(2.0), 0.5);
        near(tick_step(0.0012), 0.0005);
        near(tick_step(30.0), 10.0);
        assert_eq!(tick_label(1.23, 0.01), "1230ms");
        assert_eq!(tick_label(1.2345, 0.0005), "1234.5ms");
        assert_eq!(tick_label(20.0, 10.0), "20s");
    }

    #[test]
    fn a_small_cluster_shows_every_node() {
        assert_eq!(columns(5, Some(3), &[]), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_large_cluster_shows_the_selected_node_and_its_busiest_peers() {
        // Node 100 talks to 30 peers, most with 700 and 5; others talk among themselves.
        let mut arrows: Vec<Arrow> = (0..30).map(|i| arrow(100, 200 + i)).collect();
        arrows.extend((0..5).map(|_| arrow(700, 100)));
        arrows.extend((0..3).map(|_| arrow(100, 5)));
        arrows.extend((0..50).map(|_| arrow(1, 2)));
        let shown = columns(2000, Some(100), &arrows);
        assert_eq!(shown.len(), MAX_COLUMNS);
        assert!(shown.contains(&100) && shown.contains(&700) && shown.contains(&5));
        assert!(
            !shown.contains(&1),
            "nodes that never spoke to n100 are left out"
        );
        assert!(shown.windows(2).all(|w| w[0] < w[1]), "in id order");
        // Without a selection, the busiest nodes.
        let busiest = columns(2000, None, &arrows);
        assert!(busiest.contains(&1) && busiest.contains(&2) && busiest.contains(&100));
        // A quiet window: the first nodes.
        assert_eq!(
            columns(2000, None, &[]),
            (0..MAX_COLUMNS).collect::<Vec<_>>()
        );
    }
}
