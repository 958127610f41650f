//! The scenario picker: the shipped library grouped by protocol, plus a path field, so a user
//! can open a scenario without the command line.

use super::PanelState;
use crate::library;
use crate::playback::{Playback, Request};
use bevy::prelude::*;
use bevy_egui::egui::{self, RichText};
use scenarios::Registry;
use std::path::PathBuf;

/// The egui id of the picker's window (the screenshot's sidecar reports where it was).
pub const PICKER_ID: &str = "picker";

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
    // The list is read once per opening: every file's description is parsed.
    let entries = state
        .library
        .get_or_insert_with(|| {
            library::root()
                .map(|root| library::list(&root, registry))
                .unwrap_or_default()
        })
        .clone();
    let screen = ctx.content_rect();
    egui::Window::new("Open a scenario")
        .id(egui::Id::new(PICKER_ID))
        .open(&mut open)
        .default_pos(egui::pos2(420.0, 60.0))
        .default_width(460.0)
        // The window stays on the screen; the list scrolls inside it.
        .max_height((screen.height() - 140.0).max(200.0))
        .show(ctx, |ui| {
            if entries.is_empty() {
                ui.label("no scenario library found (run from the repository root)");
            }
            let list_height = (screen.height() - 260.0).max(120.0);
            egui::ScrollArea::vertical()
                .max_height(list_height)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
                    for group in entries.chunk_by(|a, b| a.protocol == b.protocol) {
                        let protocol = &group[0].protocol;
                        let title = format!("{protocol} ({} files)", group.len());
                        egui::CollapsingHeader::new(RichText::new(title).strong())
                            .id_salt(("picker", protocol))
                            .default_open(true)
                            .show(ui, |ui| {
                                for e in group {
                                    entry(ui, e, state, out);
                                }
                            });
                    }
                });
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
    if !state.picker && open_run {
        // Read afresh the next time: files may have been saved meanwhile.
        state.library = None;
    }
}

/// One file: its name, which opens it, and its description.
fn entry(
    ui: &mut egui::Ui,
    e: &library::Entry,
    state: &mut PanelState,
    out: &mut MessageWriter<Request>,
) {
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
    if !e.description.is_empty() {
        ui.label(RichText::new(&e.description).small().weak());
    }
}
