//! A node's generic view in the inspector: any protocol's fields and tables drawn the same way,
//! so the front end needs no code per protocol.

use bevy_egui::egui::{self, Color32, RichText};

/// A node's generic view: fields, then tables with marked rows emphasised.
pub(super) fn show(ui: &mut egui::Ui, n: usize, v: &sim_core::NodeView) {
    ui.label(format!("{}: {}", v.role, v.label));
    ui.label(RichText::new(typed_summary(v)).small());
    // Columns wrap within the panel's width rather than widen it: each gets at most its share
    // of the width once the gaps between columns are taken off.
    let width = ui.available_width();
    let gap = ui.spacing().item_spacing.x;
    let share =
        |columns: usize| (width - gap * (columns.max(1) - 1) as f32) / columns.max(1) as f32;
    egui::Grid::new(("fields", n))
        .striped(true)
        .max_col_width((width - gap) * 0.55)
        .show(ui, |ui| {
            for (k, val) in &v.fields {
                ui.label(k);
                ui.label(RichText::new(val).monospace());
                ui.end_row();
            }
        });
    for t in &v.tables {
        ui.label(RichText::new(format!("{} ({} rows)", t.name, t.rows.len())).strong());
        let first = t.rows.len().saturating_sub(200);
        egui::Grid::new(("table", n, &t.name))
            .striped(true)
            .max_col_width(share(t.columns.len()))
            .show(ui, |ui| {
                for c in &t.columns {
                    ui.label(RichText::new(c).underline());
                }
                ui.end_row();
                for (i, row) in t.rows.iter().enumerate().skip(first) {
                    let marked = t.marked.get(i).copied().unwrap_or(false);
                    for cell in row {
                        let text = RichText::new(cell).monospace();
                        ui.label(if marked {
                            text.color(Color32::from_rgb(90, 200, 110)).strong()
                        } else {
                            text.weak()
                        });
                    }
                    ui.end_row();
                }
            });
        if t.marked.iter().any(|m| *m) {
            ui.label(RichText::new("green rows: committed, chosen or answered").small());
        }
    }
}

/// The typed fields every protocol fills, in one line: `class leader · epoch 4 · commit
/// index 17`, so a student sees what the tools read.
fn typed_summary(v: &sim_core::NodeView) -> String {
    let mut parts = vec![format!("class {}", v.class.name())];
    if let Some(e) = v.epoch {
        parts.push(format!("epoch {e}"));
    }
    if let Some(p) = v.progress {
        parts.push(format!("{} {}", p.what, p.value));
    }
    parts.join(" · ")
}
