//! The tooltip for the message under the pointer, so a user can read a message in flight
//! without selecting it.

use crate::input::Hover;
use bevy_egui::egui;

/// A small note next to the pointer naming the hovered message.
pub(super) fn show(ctx: &egui::Context, hover: &Hover) {
    if let Some(m) = &hover.0
        && let Some(p) = ctx.pointer_hover_pos()
    {
        egui::Area::new(egui::Id::new("hover"))
            .fixed_pos(p + egui::vec2(14.0, 14.0))
            .order(egui::Order::Tooltip)
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(format!(
                        "{} #{}  n{} -> n{}\nsent {}  due {}",
                        m.kind, m.id.0, m.from.0, m.to.0, m.sent_at, m.due_at
                    ));
                });
            });
    }
}
