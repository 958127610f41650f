//! The panels plugin: egui controls around the scene. A top bar (open, seed, play, step,
//! speed), the charts and the space-time diagram on the left, the inspector and the actions on
//! the right, the timeline at the bottom, the scenario picker, and the window that explains a
//! violation. It reads the session and sends [`Request`]s.

use crate::actions::{UserAction, status_name};
use crate::history::ANY_LABEL;
use crate::input::{Hover, Selection};
use crate::library;
use crate::panel_data::{self, PanelData};
use crate::playback::{Playback, Request, SPEED_MAX, SPEED_MIN, Sim};
use crate::scene::{SceneRect, SceneSet};
use crate::{lamport, timeline};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::egui::{self, Color32, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use egui_plot::{Line, Plot};
use scenarios::registry::CheckResult;
use sim_core::{NodeStatus, Time as SimTime};
use std::path::PathBuf;

/// Widths and heights of the panels, in logical pixels.
pub const TOP: f32 = 36.0;
/// Left panel width.
pub const LEFT: f32 = 340.0;
/// Right panel width.
pub const RIGHT: f32 = 330.0;
/// Bottom panel height.
pub const BOTTOM: f32 = 70.0;

/// The panels' data for this frame.
#[derive(Resource, Clone, Debug, Default)]
pub struct Panels(pub PanelData);

/// Text fields and choices of the panels.
#[derive(Resource, Clone, Debug)]
pub struct PanelState {
    open_path: String,
    seed: String,
    save_path: String,
    command: String,
    step_label: String,
    picker: bool,
    /// Width of the space-time diagram's window, milliseconds.
    pub diagram_ms: f64,
    verdicts: Vec<CheckResult>,
    verdicts_at: Option<(u64, u64, f64)>,
    verdict_series: Vec<[f64; 3]>,
    generation: Option<u64>,
}

impl Default for PanelState {
    fn default() -> Self {
        PanelState {
            open_path: String::new(),
            seed: String::new(),
            save_path: "session.toml".into(),
            command: "put x 1".into(),
            step_label: ANY_LABEL.into(),
            picker: false,
            diagram_ms: 40.0,
            verdicts: Vec::new(),
            verdicts_at: None,
            verdict_series: Vec::new(),
            generation: None,
        }
    }
}

/// Data for the panels, computed each frame after the scene (no renderer needed).
pub struct PanelDataPlugin;

impl Plugin for PanelDataPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Panels>()
            .init_resource::<PanelState>()
            .add_systems(Update, compute_panels.after(SceneSet));
    }
}

/// The panels.
pub struct PanelsPlugin;

impl Plugin for PanelsPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(PanelDataPlugin)
            .add_systems(Update, fit_scene.before(SceneSet))
            .add_systems(
                EguiPrimaryContextPass,
                (
                    verdicts,
                    top_bar,
                    left_panel,
                    right_panel,
                    bottom_panel,
                    windows,
                )
                    .chain(),
            );
    }
}

/// Computes the charts, diagram and markers at the cursor.
pub fn compute_panels(sim: Option<Res<Sim>>, state: Res<PanelState>, mut out: ResMut<Panels>) {
    let Some(sim) = sim else { return };
    let s = sim.session();
    let in_flight = s.run().in_flight();
    let span = sim_core::Duration((state.diagram_ms * 1e6) as u64);
    out.0 = panel_data::compute(&s, &in_flight, span);
}

/// Keeps the scene clear of the panels.
fn fit_scene(window: Single<&Window, With<PrimaryWindow>>, mut rect: ResMut<SceneRect>) {
    let (w, h) = (window.width(), window.height());
    let new = SceneRect {
        min: Vec2::new(-w / 2.0 + LEFT, -h / 2.0 + BOTTOM),
        max: Vec2::new(w / 2.0 - RIGHT, h / 2.0 - TOP),
    };
    if *rect != new {
        *rect = new;
    }
}

/// A fixed, framed area of the screen.
fn fixed(
    ctx: &egui::Context,
    id: &str,
    pos: egui::Pos2,
    size: egui::Vec2,
    add: impl FnOnce(&mut egui::Ui),
) {
    egui::Area::new(egui::Id::new(id))
        .fixed_pos(pos)
        .order(egui::Order::Middle)
        .show(ctx, |ui| {
            egui::Frame::side_top_panel(ui.style())
                .inner_margin(6.0)
                .show(ui, |ui| {
                    ui.set_width(size.x - 12.0);
                    ui.set_height(size.y - 12.0);
                    add(ui);
                });
        });
}

fn screen(contexts: &mut EguiContexts) -> Option<(egui::Context, egui::Rect)> {
    let ctx = contexts.ctx_mut().ok()?.clone();
    let r = ctx.content_rect();
    Some((ctx, r))
}

/// Re-runs the end-of-run checks on the run so far now and then, and stops playback when
/// linearizability fails.
fn verdicts(
    sim: Option<Res<Sim>>,
    real: Res<Time<Real>>,
    playback: Res<Playback>,
    mut state: ResMut<PanelState>,
    mut out: MessageWriter<Request>,
) {
    let Some(sim) = sim else { return };
    if state.generation != Some(sim.generation) {
        state.generation = Some(sim.generation);
        state.verdicts.clear();
        state.verdicts_at = None;
        state.verdict_series.clear();
    }
    let s = sim.session();
    let steps = s.live().steps();
    let now = real.elapsed_secs_f64();
    let due = match state.verdicts_at {
        None => true,
        Some((g, st, at)) => g != sim.generation || (st != steps && now - at > 0.5),
    };
    if !due {
        return;
    }
    state.verdicts_at = Some((sim.generation, steps, now));
    state.verdicts = s.verdicts();
    let passed = state.verdicts.iter().filter(|c| c.passed).count() as f64;
    let failed = state.verdicts.len() as f64 - passed;
    let t = s.cursor.0 as f64 / 1e9;
    state.verdict_series.retain(|p| p[0] < t);
    state.verdict_series.push([t, passed, failed]);
    if let Some(bad) = state
        .verdicts
        .iter()
        .find(|c| !c.passed && c.name.starts_with("linearizable"))
        && playback.playing
    {
        out.write(Request::StopOn(bad.name.clone(), bad.detail.clone()));
    }
}

fn top_bar(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    playback: Res<Playback>,
    mut state: ResMut<PanelState>,
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
            ui.label(RichText::new(&s.scenario.name).strong());
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
                .on_hover_text("step back (left arrow)")
                .clicked()
            {
                out.write(Request::StepBack);
            }
            let play = if playback.playing { "⏸" } else { "▶" };
            if ui
                .button(play)
                .on_hover_text("play / pause (space)")
                .clicked()
            {
                out.write(Request::TogglePlay);
            }
            if ui
                .button("⏭")
                .on_hover_text("step one event (right arrow)")
                .clicked()
            {
                out.write(Request::StepForward);
            }
            let mut labels: Vec<String> = vec![
                ANY_LABEL.into(),
                "timer".into(),
                "drop".into(),
                "fault".into(),
                "remark".into(),
            ];
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
                .text("x real time");
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

fn left_panel(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    panels: Res<Panels>,
    mut state: ResMut<PanelState>,
) {
    let Some(sim) = sim else { return };
    let Some((ctx, r)) = screen(&mut contexts) else {
        return;
    };
    let s = sim.session();
    let data = &panels.0;
    let pos = egui::pos2(r.left(), r.top() + TOP);
    let size = egui::vec2(LEFT, r.height() - TOP - BOTTOM);
    fixed(&ctx, "left", pos, size, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.label(RichText::new("Space-time diagram").strong());
            ui.horizontal(|ui| {
                ui.label("window");
                ui.add(
                    egui::Slider::new(&mut state.diagram_ms, 1.0..=2000.0)
                        .logarithmic(true)
                        .suffix(" ms"),
                );
            });
            lamport::show(ui, s.run().node_count() as usize, data, 250.0);
            ui.separator();
            ui.label(RichText::new("Messages per second").strong());
            Plot::new("rate")
                .height(90.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .show(ui, |p| {
                    p.line(Line::new("sent/s", data.rate.clone()));
                });
            let what = s.progress_label.unwrap_or("messages delivered");
            ui.label(RichText::new(format!("{what} per server")).strong());
            Plot::new("progress")
                .height(110.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .show(ui, |p| {
                    for (n, series) in data.progress.iter().enumerate() {
                        p.line(Line::new(format!("n{n}"), series.clone()));
                    }
                });
            ui.label(RichText::new("Checks on the run so far").strong());
            Plot::new("verdicts")
                .height(70.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .include_y(0.0)
                .show(ui, |p| {
                    let pass: Vec<[f64; 2]> =
                        state.verdict_series.iter().map(|v| [v[0], v[1]]).collect();
                    let fail: Vec<[f64; 2]> =
                        state.verdict_series.iter().map(|v| [v[0], v[2]]).collect();
                    p.line(Line::new("passing", pass).color(Color32::from_rgb(90, 200, 110)));
                    p.line(Line::new("failing", fail).color(Color32::from_rgb(230, 60, 60)));
                });
            for c in &state.verdicts {
                let (mark, color) = if c.passed {
                    ("PASS", Color32::from_rgb(90, 200, 110))
                } else {
                    ("FAIL", Color32::from_rgb(230, 60, 60))
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(mark).color(color).monospace());
                    ui.label(&c.name);
                })
                .response
                .on_hover_text(&c.detail);
            }
        });
    });
}

#[allow(clippy::too_many_arguments)]
fn right_panel(
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
            ui.label(RichText::new("Inspector").strong());
            match selection.clone() {
                Selection::None => {
                    ui.label("Click a node, a link or a message. Drag with the right button across the cluster to split it in two.");
                }
                Selection::Node(n) => {
                    let status = run.statuses().get(n).copied();
                    ui.label(RichText::new(format!("n{n} ({})", status_name(status))).strong());
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
                        Some(v) => view_ui(ui, n, &v),
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
                ui.add(egui::TextEdit::singleline(&mut state.command).desired_width(150.0));
                if ui.button("submit").clicked() {
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

/// A node's generic view: fields, then tables with marked rows emphasised.
fn view_ui(ui: &mut egui::Ui, n: usize, v: &sim_core::NodeView) {
    ui.label(format!("{}: {}", v.role, v.label));
    egui::Grid::new(("fields", n)).striped(true).show(ui, |ui| {
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
            ui.label(RichText::new("green rows are committed").small());
        }
    }
}

fn bottom_panel(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    panels: Res<Panels>,
    mut out: MessageWriter<Request>,
) {
    let Some(sim) = sim else { return };
    let Some((ctx, r)) = screen(&mut contexts) else {
        return;
    };
    let s = sim.session();
    let pos = egui::pos2(r.left(), r.bottom() - BOTTOM);
    fixed(&ctx, "bottom", pos, egui::vec2(r.width(), BOTTOM), |ui| {
        let secs = |t: SimTime| t.0 as f64 / 1e9;
        let known = s
            .samples
            .last()
            .map_or(secs(s.cursor), |x| secs(x.at).max(secs(s.cursor)));
        if let Some(t) = timeline::show(ui, secs(s.end()), secs(s.cursor), known, &panels.0.markers)
        {
            out.write(Request::Seek(SimTime((t * 1e9) as u64)));
        }
        ui.label(
            RichText::new("markers: orange faults ahead, pink recorded actions, gold elections, green commits, red violations; click or drag to seek")
                .small()
                .weak(),
        );
    });
}

#[allow(clippy::too_many_arguments)]
fn windows(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    playback: Res<Playback>,
    hover: Res<Hover>,
    mut state: ResMut<PanelState>,
    mut out: MessageWriter<Request>,
) {
    let Some((ctx, _)) = screen(&mut contexts) else {
        return;
    };
    if state.picker || sim.is_none() {
        let mut open = true;
        egui::Window::new("Open a scenario")
            .open(&mut open)
            .default_pos(egui::pos2(420.0, 120.0))
            .show(&ctx, |ui| {
                match library::root() {
                    Some(root) => {
                        let mut last = String::new();
                        for e in library::list(&root) {
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
        if !open && sim.is_some() {
            state.picker = false;
        }
    }
    if let Some((name, detail)) = &playback.stopped_on {
        egui::Window::new(format!("Stopped: {name}"))
            .default_pos(egui::pos2(400.0, 200.0))
            .default_width(560.0)
            .show(&ctx, |ui| {
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
    if let Some(m) = &hover.0
        && let Some(p) = ctx.pointer_hover_pos()
    {
        egui::Area::new(egui::Id::new("hover"))
            .fixed_pos(p + egui::vec2(14.0, 14.0))
            .order(egui::Order::Tooltip)
            .interactable(false)
            .show(&ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(format!(
                        "{} #{}  n{} -> n{}\nsent {}  due {}",
                        m.kind, m.id.0, m.from.0, m.to.0, m.sent_at, m.due_at
                    ));
                });
            });
    }
}
