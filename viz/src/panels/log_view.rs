//! The event log section of the left panel: the last events up to the cursor as sentences, the
//! next few greyed, each clickable to seek to it.

use crate::event_log::{self, LineKind, LogLine};
use crate::history::MarkKind;
use crate::playback::Request;
use crate::session::Session;
use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, RichText};

/// Lines shown up to the cursor.
const BEFORE: usize = 12;
/// Lines shown past it.
const AFTER: usize = 3;

/// Draws the log of `session` around its cursor.
pub(super) fn show(ui: &mut egui::Ui, session: &Session, out: &mut MessageWriter<Request>) {
    ui.label(RichText::new("What happened").strong());
    let (past, ahead) = event_log::around(&session.history, session.cursor, BEFORE, AFTER);
    if past.is_empty() && ahead.is_empty() {
        ui.label(RichText::new("nothing yet: step or play").weak());
    }
    for line in &past {
        row(ui, line, false, out);
    }
    for line in &ahead {
        row(ui, line, true, out);
    }
}

/// One line: its time and sentence, in its kind's colour (weak when still ahead).
fn row(ui: &mut egui::Ui, line: &LogLine, ahead: bool, out: &mut MessageWriter<Request>) {
    let ms = line.at.0 as f64 / 1e6;
    let mut text = RichText::new(format!("{ms:>9.3} ms  {}", line.text))
        .small()
        .monospace();
    text = match colour(line.kind) {
        Some(c) if !ahead => text.color(c),
        _ if ahead => text.weak(),
        _ => text,
    };
    let clicked = ui
        .add(egui::Label::new(text).sense(egui::Sense::click()))
        .on_hover_text("seek here")
        .clicked();
    if clicked {
        out.write(Request::Seek(line.at));
    }
}

/// The colour of a kind of line, as the timeline's markers use them.
fn colour(kind: LineKind) -> Option<Color32> {
    match kind {
        LineKind::Send | LineKind::Deliver => None,
        LineKind::Drop => Some(Color32::from_rgb(230, 110, 90)),
        LineKind::Mark(MarkKind::Fault) => Some(Color32::from_rgb(240, 150, 60)),
        LineKind::Mark(MarkKind::Election) => Some(Color32::from_rgb(235, 200, 60)),
        LineKind::Mark(MarkKind::Commit) => Some(Color32::from_rgb(90, 200, 110)),
        LineKind::Mark(MarkKind::Note | MarkKind::Progress) => {
            Some(Color32::from_rgb(150, 180, 230))
        }
    }
}
