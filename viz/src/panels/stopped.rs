//! The window that explains why playback stopped (a violated check), with the command line that
//! reproduces it, so a failure seen in the front end can be replayed headlessly.

use crate::playback::{Playback, Sim};
use bevy_egui::egui::{self, RichText};

/// The "Stopped: ..." window, shown while playback is stopped on a violation.
pub(super) fn show(ctx: &egui::Context, sim: Option<&Sim>, playback: &Playback) {
    if let Some((name, detail)) = &playback.stopped_on {
        egui::Window::new(format!("Stopped: {name}"))
            .default_pos(egui::pos2(400.0, 200.0))
            .default_width(560.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(400.0)
                    .show(ui, |ui| {
                        ui.label(RichText::new(detail).monospace());
                    });
                if let Some(sim) = &sim {
                    let s = sim.session();
                    if let Some(f) = &s.file {
                        ui.label(
                            RichText::new(format!(
                                "reproduce: clustersim run {} --seed {}",
                                f.display(),
                                s.seed
                            ))
                            .monospace(),
                        );
                    }
                }
            });
    }
}
