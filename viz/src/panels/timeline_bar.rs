//! The bottom panel: the timeline with its markers, where a click or a drag seeks.

use super::{BOTTOM, Panels, fixed, screen};
use crate::playback::{Request, Sim};
use crate::timeline;
use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, RichText};
use sim_core::Time as SimTime;

/// The timeline along the bottom of the window.
pub(super) fn bottom_panel(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    panels: Res<Panels>,
    mut out: MessageWriter<Request>,
) {
    let Some(sim) = sim else { return };
    let Some((ctx, r)) = screen(&mut contexts) else {
        return;
    };
    let s = sim.session();
    let pos = egui::pos2(r.left(), r.bottom() - BOTTOM);
    fixed(&ctx, "bottom", pos, egui::vec2(r.width(), BOTTOM), |ui| {
        let secs = |t: SimTime| t.0 as f64 / 1e9;
        let known = s
            .samples
            .last()
            .map_or(secs(s.cursor), |x| secs(x.at).max(secs(s.cursor)));
        if let Some(t) = timeline::show(ui, secs(s.end()), secs(s.cursor), known, &panels.0.markers)
        {
            out.write(Request::Seek(SimTime((t * 1e9) as u64)));
        }
        ui.label(
            RichText::new("markers: orange faults ahead, pink recorded actions, gold elections, green commits, red violations; click or drag to seek")
                .small()
                .weak(),
        );
    });
}
