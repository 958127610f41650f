//! The keyboard-help overlay: every key and pointer gesture the front end takes, in one
//! window that `?` or F1 opens and Escape closes, with the look of the panels (light or dark,
//! text size), which is kept between runs.

use bevy_egui::egui::{self, RichText};

/// Keys and gestures, with what each does.
pub const KEYS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("→  /  ←", "step one event forward / back"),
    ("Home  /  End", "jump to the start / the end"),
    ("↑  /  ↓", "double / halve the speed"),
    ("N  /  P", "the guided tour's next / previous stop"),
    ("Escape", "close this help, then clear the selection"),
    ("?  or  F1", "this help"),
    ("click a node, message or link", "inspect it"),
    (
        "drag with the right button",
        "split the cluster in two partitions",
    ),
    ("click or drag the timeline", "seek, backwards too"),
    ("mouse wheel", "zoom around the pointer"),
    ("drag empty space, or middle-drag", "move the scene"),
    ("0", "the whole layout in view again"),
];

/// Shows the overlay while `open`; its close button clears `open`.
pub fn show(ctx: &egui::Context, open: &mut bool, view: &mut crate::settings::ViewSettings) {
    if !*open {
        return;
    }
    egui::Window::new("Keys")
        .id(egui::Id::new("keyboard-help"))
        .open(open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            egui::Grid::new("keys").striped(true).show(ui, |ui| {
                for (key, does) in KEYS {
                    ui.label(RichText::new(*key).monospace().strong());
                    ui.label(*does);
                    ui.end_row();
                }
            });
            ui.separator();
            ui.horizontal(|ui| {
                ui.label("panels");
                let theme = if view.light { "dark" } else { "light" };
                if ui.button(theme).clicked() {
                    view.light = !view.light;
                }
                ui.label("text");
                if ui.button("A−").clicked() {
                    *view = view.scaled(-1.0);
                }
                ui.label(format!("{:.0}%", view.text_scale * 100.0));
                if ui.button("A+").clicked() {
                    *view = view.scaled(1.0);
                }
            })
            .response
            .on_hover_text("kept for the next run");
        });
}
