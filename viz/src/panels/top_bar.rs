//! The top bar: open, seed, play, step, speed — the controls a user reaches for first, kept
//! apart from the panels that only show the run.

use super::{PanelState, TOP, fixed, screen};
use crate::history::ANY_LABEL;
use crate::playback::{Playback, Request, SPEED_MAX, SPEED_MIN, Sim};
use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, RichText};

/// The most characters of the scenario's name the bar shows.
const NAME_CHARS: usize = 30;

/// The controls along the top of the window.
pub(super) fn top_bar(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    playback: Res<Playback>,
    mut state: ResMut<PanelState>,
    mut help: ResMut<crate::input::HelpShown>,
    mut out: MessageWriter<Request>,
) {
    let Some((ctx, r)) = screen(&mut contexts) else {
        return;
    };
    fixed(&ctx, "top", r.min, egui::vec2(r.width(), TOP), |ui| {
        ui.horizontal(|ui| {
            if ui.button("Open…").clicked() {
                state.picker = true;
            }
            let Some(sim) = &sim else {
                ui.label("no scenario open");
                return;
            };
            let s = sim.session();
            // A long name would push the clock off the bar: it is cut, and shown whole on hover.
            let name = &s.scenario.name;
            let shown: String = if name.chars().count() > NAME_CHARS {
                let mut cut: String = name.chars().take(NAME_CHARS - 1).collect();
                cut.push('…');
                cut
            } else {
                name.clone()
            };
            ui.label(RichText::new(shown).strong()).on_hover_text(name);
            ui.label("seed");
            if state.seed.is_empty() {
                state.seed = s.seed.to_string();
            }
            ui.add(egui::TextEdit::singleline(&mut state.seed).desired_width(60.0));
            if ui.button("Reload").clicked() {
                match (&s.file, state.seed.trim().parse::<u64>()) {
                    (Some(f), Ok(seed)) => {
                        out.write(Request::Open(f.clone(), Some(seed)));
                    }
                    (_, Err(_)) => {
                        out.write(Request::Pause(format!(
                            "seed {:?} is not a number",
                            state.seed
                        )));
                    }
                    (None, _) => {}
                }
            }
            ui.separator();
            if ui
                .button("⏮")
                .on_hover_text("jump to the start (Home)")
                .clicked()
            {
                out.write(Request::Seek(sim_core::Time::ZERO));
            }
            if ui
                .button("◀ step")
                .on_hover_text("step back one event (left arrow)")
                .clicked()
            {
                out.write(Request::StepBack);
            }
            let play = if playback.playing {
                "⏸ pause"
            } else {
                "▶ play"
            };
            if ui
                .button(play)
                .on_hover_text("play / pause (space)")
                .clicked()
            {
                out.write(Request::TogglePlay);
            }
            if ui
                .button("step ▶")
                .on_hover_text("step one event (right arrow)")
                .clicked()
            {
                out.write(Request::StepForward);
            }
            if ui
                .button("⏭")
                .on_hover_text("jump to the end (End)")
                .clicked()
            {
                out.write(Request::SeekEnd);
            }
            if ui.button("?").on_hover_text("the keys (? or F1)").clicked() {
                help.0 = !help.0;
            }
            let mut labels: Vec<String> = vec![
                ANY_LABEL.into(),
                "timer".into(),
                "drop".into(),
                "fault".into(),
                "remark".into(),
            ];
            // Typed milestones: "mark elected" stops at the next election.
            labels.extend(
                sim_core::MarkKind::ALL
                    .into_iter()
                    .map(|k| format!("mark {}", k.name())),
            );
            let mut kinds: Vec<&str> = s.history.sent.iter().map(|m| m.kind.as_str()).collect();
            kinds.sort_unstable();
            kinds.dedup();
            for k in kinds {
                labels.push(format!("send {k}"));
                labels.push(format!("deliver {k}"));
            }
            egui::ComboBox::from_id_salt("step-kind")
                .width(150.0)
                .selected_text(state.step_label.clone())
                .show_ui(ui, |ui| {
                    for l in labels {
                        ui.selectable_value(&mut state.step_label, l.clone(), l);
                    }
                });
            if ui
                .button("next")
                .on_hover_text("step to the next event of this kind")
                .clicked()
            {
                out.write(Request::StepToLabel(state.step_label.clone()));
            }
            ui.separator();
            let mut speed = playback.speed;
            let slider = egui::Slider::new(&mut speed, SPEED_MIN..=SPEED_MAX)
                .logarithmic(true)
                .text("x");
            if ui.add(slider).changed() {
                out.write(Request::SetSpeed(speed));
            }
            ui.separator();
            ui.label(RichText::new(format!("{} / {}", s.cursor, s.end())).monospace());
            ui.label(
                RichText::new(format!("fp {:016x}", s.fingerprint()))
                    .monospace()
                    .weak(),
            );
        });
    });
}
