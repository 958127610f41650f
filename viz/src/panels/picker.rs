//! The scenario picker: the shipped library grouped by protocol, plus a path field, so a user
//! can open a scenario without the command line.

use super::PanelState;
use crate::library;
use crate::playback::{Playback, Request};
use bevy::prelude::*;
use bevy_egui::egui::{self, RichText};
use scenarios::Registry;
use std::path::PathBuf;

/// The "Open a scenario" window, listing what the protocols of `registry` ship; `open_run`
/// says whether a run is open, so the window can only be closed when there is something to
/// return to.
pub(super) fn show(
    ctx: &egui::Context,
    registry: &Registry,
    open_run: bool,
    playback: &Playback,
    state: &mut PanelState,
    out: &mut MessageWriter<Request>,
) {
    let mut open = true;
    egui::Window::new("Open a scenario")
        .open(&mut open)
        .default_pos(egui::pos2(420.0, 120.0))
        .show(ctx, |ui| {
            match library::root() {
                Some(root) => {
                    let mut last = String::new();
                    for e in library::list(&root, registry) {
                        if e.protocol != last {
                            ui.label(RichText::new(&e.protocol).strong());
                            last = e.protocol.clone();
                        }
                        let name = e
                            .path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        if ui.link(name).clicked() {
                            out.write(Request::Open(e.path.clone(), None));
                            state.picker = false;
                            state.seed.clear();
                        }
                    }
                }
                None => {
                    ui.label("no scenario library found (run from the repository root)");
                }
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.label("file");
                ui.add(egui::TextEdit::singleline(&mut state.open_path).desired_width(220.0));
                if ui.button("Open").clicked() {
                    out.write(Request::Open(PathBuf::from(state.open_path.trim()), None));
                    state.picker = false;
                    state.seed.clear();
                }
            });
            if !playback.status.is_empty() {
                ui.label(RichText::new(&playback.status).italics());
            }
        });
    if !open && open_run {
        state.picker = false;
    }
}
