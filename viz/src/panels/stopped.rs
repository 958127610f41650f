//! The window that explains why playback stopped (a violated check): what broke, the known bug
//! the file injects, the faults that led there (each one a link to its moment), and the command
//! line that reproduces it, so a failure seen in the front end can be replayed headlessly.

use crate::history::MarkKind;
use crate::playback::{Playback, Request, Sim};
use bevy::prelude::*;
use bevy_egui::egui::{self, RichText};

/// The "Stopped: ..." window, shown while playback is stopped on a violation.
pub(super) fn show(
    ctx: &egui::Context,
    sim: Option<&Sim>,
    playback: &Playback,
    out: &mut MessageWriter<Request>,
) {
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
                    let bugs = s.scenario.bugs();
                    if !bugs.is_empty() {
                        ui.label(
                            RichText::new(format!("injected bug: {}", bugs.join(", "))).strong(),
                        );
                    }
                    let faults: Vec<_> = s
                        .history
                        .marks
                        .iter()
                        .filter(|m| m.kind == MarkKind::Fault && m.at <= s.cursor)
                        .collect();
                    if faults.is_empty() {
                        ui.label("no fault was injected before this point");
                    } else {
                        ui.label(RichText::new("faults before it (click to go there)").strong());
                    }
                    for m in faults {
                        let text = format!("{:>10.3} ms  {}", m.at.0 as f64 / 1e6, m.text);
                        let link = ui.add(
                            egui::Label::new(RichText::new(text).monospace())
                                .sense(egui::Sense::click()),
                        );
                        if link.clicked() {
                            out.write(Request::Seek(m.at));
                        }
                    }
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
