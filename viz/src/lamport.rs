//! The space-time diagram (after Lamport): one vertical line per node, time flowing down to the
//! cursor at the bottom, each message an arrow from its sender's line at the send time to its
//! receiver's line at the arrival time. It follows the same cursor as the animation.

use crate::history::MarkKind;
use crate::palette;
use crate::panel_data::MarkerKind;
use crate::panel_data::{ArrowState, PanelData};
use crate::timeline::marker_color;
use bevy_egui::egui::{self, Color32, Pos2, Sense, Stroke, Vec2};

/// Draws the diagram for `nodes` nodes.
pub fn show(ui: &mut egui::Ui, nodes: usize, data: &PanelData, height: f32) {
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
    let step = rect.width() / nodes as f32;
    let x = |n: usize| rect.left() + step * (n as f32 + 0.5);
    for n in 0..nodes {
        p.line_segment(
            [Pos2::new(x(n), top), Pos2::new(x(n), rect.bottom())],
            Stroke::new(1.0, Color32::from_gray(70)),
        );
        if step >= 14.0 || n % ((14.0 / step).ceil() as usize).max(1) == 0 {
            p.text(
                Pos2::new(x(n), rect.top() + 1.0),
                egui::Align2::CENTER_TOP,
                format!("n{n}"),
                egui::FontId::monospace(9.0),
                Color32::from_gray(170),
            );
        }
    }
    let pointer = response.hover_pos();
    let mut tip: Option<String> = None;
    for a in &data.arrows {
        let (fx, tx) = (x(a.from.index()), x(a.to.index()));
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
                if let Some(n) = d.node {
                    p.circle_filled(
                        Pos2::new(x(n.index()), y(d.at)),
                        2.0,
                        Color32::from_gray(200),
                    );
                }
                continue;
            }
        };
        let c = marker_color(kind);
        match d.node {
            Some(n) => {
                p.circle_filled(Pos2::new(x(n.index()), y(d.at)), 3.5, c);
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
            && d.node.is_none_or(|n| (q.x - x(n.index())).abs() < 5.0)
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

fn distance(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
    (p - (a + ab * t)).length()
}
