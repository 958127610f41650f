//! The panels plugin: egui controls around the scene. A top bar (open, seed, play, step,
//! speed), the charts and the space-time diagram on the left, the inspector and the actions on
//! the right, the timeline at the bottom, the scenario picker, and the window that explains a
//! violation. It reads the session and sends [`Request`]s.

mod charts;
mod help;
mod hover;
mod inspector;
mod legend;
mod log_view;
mod node_view;
mod picker;
pub use picker::PICKER_ID;
mod stopped;
mod timeline_bar;
mod top_bar;
mod verdicts;

use crate::history::ANY_LABEL;
use crate::input::Hover;
use crate::panel_data::{self, PanelData};
use crate::playback::{Playback, Request, Sim};
use crate::protocols::Protocols;
use crate::scene::{SceneRect, SceneSet};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::egui;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};
use scenarios::registry::CheckResult;

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
    /// Every check of the file and where it stands, gathered with the verdicts.
    check_lines: Vec<crate::check_list::CheckLine>,
    verdicts_at: Option<(u64, u64, f64)>,
    verdict_series: Vec<[f64; 3]>,
    generation: Option<u64>,
    /// The protocol the command box's example was last taken from.
    command_protocol: String,
    /// The picker's list, read when it opens.
    library: Option<Vec<crate::library::Entry>>,
    /// The legend, gathered when the run moves.
    legend: Option<legend::LegendData>,
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
            check_lines: Vec::new(),
            verdicts_at: None,
            verdict_series: Vec::new(),
            generation: None,
            command_protocol: String::new(),
            library: None,
            legend: None,
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

/// The panels. The picker lists what the protocols of the [`Protocols`] resource ship, so the
/// app must have one.
pub struct PanelsPlugin;

impl Plugin for PanelsPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(PanelDataPlugin)
            .add_systems(Update, fit_scene.before(SceneSet))
            .add_systems(
                EguiPrimaryContextPass,
                (
                    crate::settings::apply_and_keep,
                    verdicts::verdicts,
                    top_bar::top_bar,
                    charts::left_panel,
                    inspector::right_panel,
                    timeline_bar::bottom_panel,
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
        ..*rect
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
                    // Long lines (a Multi-Paxos acceptor's state) wrap: unwrapped, they widened
                    // the panel over the cluster it describes.
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
                    add(ui);
                });
        });
}

fn screen(contexts: &mut EguiContexts) -> Option<(egui::Context, egui::Rect)> {
    let ctx = contexts.ctx_mut().ok()?.clone();
    let r = ctx.content_rect();
    Some((ctx, r))
}

/// The floating windows, drawn after the panels so they sit on top: the picker, the violation
/// window, the hover tooltip and the keys overlay.
#[allow(clippy::too_many_arguments)]
fn windows(
    mut contexts: EguiContexts,
    sim: Option<Res<Sim>>,
    playback: Res<Playback>,
    hover: Res<Hover>,
    protocols: Res<Protocols>,
    mut state: ResMut<PanelState>,
    mut help: ResMut<crate::input::HelpShown>,
    mut view: ResMut<crate::settings::ViewSettings>,
    mut out: MessageWriter<Request>,
) {
    let Some((ctx, _)) = screen(&mut contexts) else {
        return;
    };
    if state.picker || sim.is_none() {
        picker::show(
            &ctx,
            &protocols.0,
            sim.is_some(),
            &playback,
            &mut state,
            &mut out,
        );
    }
    stopped::show(&ctx, sim.as_deref(), &playback, &mut out);
    hover::show(&ctx, &hover);
    help::show(&ctx, &mut help.0, &mut view);
}
