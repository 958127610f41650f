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

/// What the legend lists, gathered again only when the run takes a step: gathering reads every
/// node's view, too much for every frame of a large cluster.
#[derive(Clone, Debug)]
pub(super) struct LegendData {
    /// The session's generation and step count it was gathered at.
    at: (u64, u64),
    /// Role names with their colours, in class order.
    roles: Vec<(String, Color32)>,
    /// Message kinds sent lately with their colours.
    kinds: Vec<(String, Color32)>,
}

impl LegendData {
    fn gather(session: &Session, at: (u64, u64)) -> LegendData {
        let views: Vec<NodeView> = session.run().views().into_iter().flatten().collect();
        let classes: BTreeSet<RoleClass> = views.iter().map(|v| v.class).collect();
        let roles = RoleClass::ALL
            .iter()
            .filter(|c| classes.contains(c))
            .filter_map(|class| {
                // A class's colour, taken from a view of that class.
                let view = views.iter().find(|v| v.class == *class)?;
                let name = match class {
                    RoleClass::Other => view.role.clone(),
                    _ => class.name().to_string(),
                };
                Some((name, palette::egui_color(palette::node_color(view))))
            })
            .collect();
        let sent = &session.history.sent;
        let kinds: BTreeSet<&str> = sent[sent.len().saturating_sub(RECENT_SENDS)..]
            .iter()
            .map(|s| s.kind.as_str())
            .collect();
        let kinds = kinds
            .into_iter()
            .map(|k| (k.to_string(), palette::egui_color(palette::kind_color(k))))
            .collect();
        LegendData { at, roles, kinds }
    }
}

/// Draws the legend of `session`'s run (of the given generation), gathering it into `cache`
/// when the run has moved.
pub(super) fn show(
    ui: &mut egui::Ui,
    session: &Session,
    generation: u64,
    cache: &mut Option<LegendData>,
) {
    let at = (generation, session.live().steps());
    if cache.as_ref().is_none_or(|c| c.at != at) {
        *cache = Some(LegendData::gather(session, at));
    }
    let Some(data) = cache.as_ref() else {
        return;
    };
    egui::CollapsingHeader::new(RichText::new("Legend").strong())
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                for (name, color) in &data.roles {
                    swatch(ui, Glyph::Disc, *color, name);
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
            ui.horizontal_wrapped(|ui| {
                for (kind, color) in &data.kinds {
                    swatch(ui, Glyph::Diamond, *color, kind);
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
