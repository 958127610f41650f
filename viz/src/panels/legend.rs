//! The legend: what the colours of the scene mean for the run that is open. Roles by their
//! class, the message kinds this run sends, and the rings of nodes that are down, paused or cut
//! off.

use crate::palette;
use crate::session::Session;
use bevy_egui::egui::{self, Color32, RichText};
use sim_core::{NodeView, RoleClass};
use std::collections::BTreeSet;

/// Sends looked at for the kinds listed (the latest ones, so the legend stays cheap on a long
/// run).
const RECENT_SENDS: usize = 2_000;

/// Draws the legend of `session`'s run.
pub(super) fn show(ui: &mut egui::Ui, session: &Session) {
    egui::CollapsingHeader::new(RichText::new("Legend").strong())
        .default_open(true)
        .show(ui, |ui| {
            let run = session.run();
            let views: Vec<NodeView> = run.views().into_iter().flatten().collect();
            let classes: BTreeSet<RoleClass> = views.iter().map(|v| v.class).collect();
            ui.horizontal_wrapped(|ui| {
                for class in RoleClass::ALL.iter().filter(|c| classes.contains(c)) {
                    // A class's colour, taken from a view of that class.
                    let Some(view) = views.iter().find(|v| v.class == *class) else {
                        continue;
                    };
                    let name = match class {
                        RoleClass::Other => view.role.as_str(),
                        _ => class.name(),
                    };
                    swatch(
                        ui,
                        Glyph::Disc,
                        palette::egui_color(palette::node_color(view)),
                        name,
                    );
                }
            });
            ui.horizontal_wrapped(|ui| {
                swatch(
                    ui,
                    Glyph::Ring,
                    palette::egui_color(palette::DOWN_RING),
                    "down",
                );
                swatch(
                    ui,
                    Glyph::Ring,
                    palette::egui_color(palette::PAUSED_RING),
                    "paused",
                );
                swatch(
                    ui,
                    Glyph::Ring,
                    palette::egui_color(palette::CUT),
                    "cut off",
                );
            });
            let sent = &session.history.sent;
            let kinds: BTreeSet<&str> = sent[sent.len().saturating_sub(RECENT_SENDS)..]
                .iter()
                .map(|s| s.kind.as_str())
                .collect();
            ui.horizontal_wrapped(|ui| {
                for kind in kinds {
                    swatch(
                        ui,
                        Glyph::Diamond,
                        palette::egui_color(palette::kind_color(kind)),
                        kind,
                    );
                }
            });
        });
}

/// The shapes the scene draws: a node, a node's ring, a message.
#[derive(Clone, Copy)]
enum Glyph {
    Disc,
    Ring,
    Diamond,
}

/// A shape in its colour, painted as the scene draws it, and its meaning.
fn swatch(ui: &mut egui::Ui, glyph: Glyph, color: Color32, what: &str) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    let (c, r) = (rect.center(), 5.0);
    let painter = ui.painter();
    match glyph {
        Glyph::Disc => {
            painter.circle_filled(c, r, color);
        }
        Glyph::Ring => {
            painter.circle_stroke(c, r - 1.0, egui::Stroke::new(2.0, color));
        }
        Glyph::Diamond => {
            let points = vec![
                c + egui::vec2(0.0, -r),
                c + egui::vec2(r, 0.0),
                c + egui::vec2(0.0, r),
                c + egui::vec2(-r, 0.0),
            ];
            painter.add(egui::Shape::convex_polygon(
                points,
                color,
                egui::Stroke::NONE,
            ));
        }
    }
    ui.label(RichText::new(what).small());
}
