//! The right panel: what is selected and what a user can do to it (crash, pause, cut a link),
//! the cluster-wide actions, the recorded actions and the runner's notes.

use super::{BOTTOM, PanelState, RIGHT, TOP, fixed, node_view, screen};
use crate::actions::{UserAction, status_name};
use crate::input::Selection;
use crate::playback::{Playback, Request, Sim};
use bevy::prelude::*;
use bevy_egui::EguiContexts;
use bevy_egui::egui::{self, RichText};
use sim_core::NodeStatus;
use std::path::PathBuf;

/// The inspector and the actions on the right.
#[allow(clippy::too_many_arguments)]
pub(super) fn right_panel(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    playback: Res<Playback>,
    mut selection: ResMut<Selection>,
    mut state: ResMut<PanelState>,
    mut out: MessageWriter<Request>,
) {
    let Some(sim) = sim else { return };
    let Some((ctx, r)) = screen(&mut contexts) else {
        return;
    };
    let s = sim.session();
    let run = s.run();
    let pos = egui::pos2(r.right() - RIGHT, r.top() + TOP);
    let size = egui::vec2(RIGHT, r.height() - TOP - BOTTOM);
    let mut send = |r: Request| {
        out.write(r);
    };
    fixed(&ctx, "right", pos, size, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            tour_box(ui, &s, &mut send);
            ui.label(RichText::new("Inspector").strong());
            match selection.clone() {
                Selection::None => {
                    ui.label("Click a node, a link or a message. Drag with the right button across the cluster to split it in two.");
                }
                Selection::Node(n) => {
                    let status = run.statuses().get(n).copied();
                    ui.label(RichText::new(format!("n{n} ({})", status_name(status))).strong());
                    if let Some(damage) = run.disk_damage().get(n).filter(|d| !d.is_empty()) {
                        ui.label(RichText::new("Disk damage").strong());
                        for (key, what) in damage {
                            ui.label(format!("{}/{}: {what}", key.0, key.1));
                        }
                    }
                    let server = (n as u32) < run.server_count();
                    if server {
                        ui.horizontal(|ui| {
                            if status == Some(NodeStatus::Down) {
                                if ui.button("restart").clicked() {
                                    send(Request::Act(UserAction::Restart(n as u32)));
                                }
                            } else if ui.button("crash").clicked() {
                                send(Request::Act(UserAction::Crash(n as u32)));
                            }
                            if status == Some(NodeStatus::Paused) {
                                if ui.button("resume").clicked() {
                                    send(Request::Act(UserAction::Resume(n as u32)));
                                }
                            } else if status == Some(NodeStatus::Up) && ui.button("pause").clicked() {
                                send(Request::Act(UserAction::Pause(n as u32)));
                            }
                        });
                    }
                    match run.views().get(n).cloned().flatten() {
                        None => {
                            ui.label("down: no state to show");
                        }
                        Some(v) => node_view::show(ui, n, &v),
                    }
                }
                Selection::Message(id, m, text) => {
                    ui.label(RichText::new(format!("{} #{} n{} -> n{}", m.kind, id.0, m.from.0, m.to.0)).strong());
                    ui.label(format!("sent {}, due {}", m.sent_at, m.due_at));
                    ui.add(egui::Label::new(RichText::new(text).monospace()).wrap());
                }
                Selection::Link(a, b) => {
                    ui.label(RichText::new(format!("link n{a} <-> n{b}")).strong());
                    ui.horizontal(|ui| {
                        if ui.button("cut").clicked() {
                            send(Request::Act(UserAction::CutLink(a, b)));
                        }
                        if ui.button("heal").clicked() {
                            send(Request::Act(UserAction::HealLink(a, b)));
                        }
                    });
                }
            }
            if ui.small_button("clear selection").clicked() {
                *selection = Selection::None;
            }
            ui.separator();
            super::legend::show(ui, &s, sim.generation, &mut state.legend);
            ui.separator();
            ui.label(RichText::new("Cluster").strong());
            ui.horizontal(|ui| {
                if ui.button("heal all").clicked() {
                    send(Request::Act(UserAction::HealAll));
                }
                if let Some(l) = run.leader() {
                    ui.label(format!("leader n{}", l.0));
                }
            });
            ui.horizontal(|ui| {
                let typed =
                    ui.add(egui::TextEdit::singleline(&mut state.command).desired_width(150.0));
                let entered =
                    typed.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button("submit").clicked() || entered {
                    send(Request::Act(UserAction::Submit(state.command.clone())));
                }
            });
            ui.separator();
            ui.label(RichText::new(format!("Recorded actions ({})", s.actions().len())).strong());
            for f in s.actions() {
                ui.label(RichText::new(format!("{} {}", f.at.get_ref(), f.action.get_ref().name())).monospace());
            }
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut state.save_path).desired_width(170.0));
                if ui.button("Save as scenario").clicked() {
                    send(Request::Save(PathBuf::from(state.save_path.trim())));
                }
            });
            if !playback.status.is_empty() {
                ui.label(RichText::new(&playback.status).italics());
            }
            ui.separator();
            ui.label(RichText::new("Runner").strong());
            for n in s.live().notes().iter().rev().take(30) {
                ui.label(RichText::new(format!("{}  {}", n.at, n.text)).small());
            }
        });
    });
}

/// The guided tour's stop at the cursor, and the buttons that move between stops.
fn tour_box(ui: &mut egui::Ui, s: &crate::session::Session, send: &mut impl FnMut(Request)) {
    let total = s.scenario.narration.len();
    if total == 0 {
        return;
    }
    let (placed, _) = crate::tour::stops(s);
    let at = crate::tour::current(&placed, s.cursor);
    let heading = match at {
        Some(i) => format!("Guided tour: stop {} of {total}", i + 1),
        None => format!("Guided tour: {total} stops"),
    };
    ui.label(RichText::new(heading).strong());
    let text = at.map_or("Press \"next stop\" to begin.", |i| placed[i].text.as_str());
    ui.label(RichText::new(text).size(15.0));
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                at.is_some_and(|i| i > 0),
                egui::Button::new("previous stop"),
            )
            .on_hover_text("the stop before this one (P)")
            .clicked()
        {
            send(Request::TourPrevious);
        }
        if ui
            .button("next stop")
            .on_hover_text("the next stop; the run goes on until it happens (N)")
            .clicked()
        {
            send(Request::TourNext);
        }
    });
    ui.separator();
}
