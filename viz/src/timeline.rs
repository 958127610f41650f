//! The timeline widget: the whole run as a bar, the cursor, how far the run is known, and
//! markers for the fault schedule, recorded actions, elections, commits and violations.
//! Clicking or dragging on it asks to seek there.

use crate::panel_data::{Marker, MarkerKind};
use bevy_egui::egui::{self, Color32, Pos2, Rect, Sense, Stroke, Vec2};

/// Colour of a marker kind.
pub fn marker_color(kind: MarkerKind) -> Color32 {
    match kind {
        MarkerKind::Scheduled => Color32::from_rgb(255, 140, 0),
        MarkerKind::Recorded => Color32::from_rgb(255, 80, 200),
        MarkerKind::Election => Color32::from_rgb(242, 191, 26),
        MarkerKind::Commit => Color32::from_rgb(90, 200, 110),
        MarkerKind::Violation => Color32::from_rgb(230, 40, 40),
    }
}

/// Draws the timeline; returns the time (seconds) the user clicked or dragged to.
pub fn show(
    ui: &mut egui::Ui,
    end: f64,
    cursor: f64,
    known: f64,
    markers: &[Marker],
) -> Option<f64> {
    let size = Vec2::new(ui.available_width(), 44.0);
    let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
    let p = ui.painter_at(rect);
    let end = end.max(1e-9);
    let x = |t: f64| rect.left() + (t / end).clamp(0.0, 1.0) as f32 * rect.width();
    let bar = Rect::from_min_max(
        Pos2::new(rect.left(), rect.center().y - 4.0),
        Pos2::new(rect.right(), rect.center().y + 4.0),
    );
    p.rect_filled(bar, 3.0, Color32::from_gray(45));
    let seen = Rect::from_min_max(bar.min, Pos2::new(x(known), bar.max.y));
    p.rect_filled(seen, 3.0, Color32::from_gray(75));
    let done = Rect::from_min_max(bar.min, Pos2::new(x(cursor), bar.max.y));
    p.rect_filled(done, 3.0, Color32::from_rgb(70, 110, 170));
    let mut hovered: Option<&Marker> = None;
    let pointer = response.hover_pos();
    for m in markers {
        let mx = x(m.at);
        let (top, bottom) = match m.kind {
            MarkerKind::Scheduled | MarkerKind::Recorded => (rect.top() + 2.0, bar.top()),
            MarkerKind::Violation => (rect.top(), rect.bottom()),
            MarkerKind::Election | MarkerKind::Commit => (bar.bottom(), rect.bottom() - 2.0),
        };
        let width = if m.kind == MarkerKind::Commit {
            1.0
        } else {
            2.0
        };
        p.line_segment(
            [Pos2::new(mx, top), Pos2::new(mx, bottom)],
            Stroke::new(width, marker_color(m.kind)),
        );
        if pointer.is_some_and(|q| (q.x - mx).abs() < 3.0) {
            hovered = Some(m);
        }
    }
    let cx = x(cursor);
    p.line_segment(
        [Pos2::new(cx, rect.top()), Pos2::new(cx, rect.bottom())],
        Stroke::new(2.0, Color32::WHITE),
    );
    if let Some(m) = hovered {
        response
            .clone()
            .on_hover_text(format!("{:.6}s  {}", m.at, m.text));
    }
    if (response.clicked() || response.dragged())
        && let Some(q) = response.interact_pointer_pos()
    {
        let t = ((q.x - rect.left()) / rect.width()).clamp(0.0, 1.0) as f64 * end;
        return Some(t);
    }
    None
}
