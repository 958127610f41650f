//! Screenshot mode (`--screenshot OUT.png`): after the window has settled, saves a PNG of it
//! and, next to it (`OUT.png.json`), where the nodes and messages were drawn and in which
//! colours, so that a test can check the picture against what the scene meant to draw. Then
//! the app exits.

use crate::frame::MsgState;
use crate::playback::Sim;
use crate::scene::{CurrentFrame, SceneRect};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiContexts, egui};
use serde::Serialize;
use std::path::PathBuf;

/// Frames to wait before capturing (text, egui and meshes need a few to appear).
const SETTLE_FRAMES: u32 = 40;

/// Where to save the screenshot.
#[derive(Resource, Clone, Debug)]
pub struct CaptureTo(pub PathBuf);

/// A spot of the picture and the colour expected there (sRGB, 0..255).
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Spot {
    /// What is drawn there (`node 2 leader`, `message AppendEntries`).
    pub what: String,
    /// Pixel column (physical pixels).
    pub x: u32,
    /// Pixel row.
    pub y: u32,
    /// Expected colour.
    pub rgb: [u8; 3],
}

/// The sidecar file: the picture's size and its expected spots.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Expected {
    /// Width in physical pixels.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// The virtual time shown.
    pub time: String,
    /// The leader then, if any.
    pub leader: Option<u32>,
    /// Node centres.
    pub nodes: Vec<Spot>,
    /// Messages in flight, away from nodes and from each other.
    pub messages: Vec<Spot>,
    /// Where the panels and windows were laid out, so a test can hold them to the screen.
    #[serde(default)]
    pub panels: Vec<PanelRect>,
}

/// A panel or window as egui laid it out, in physical pixels.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct PanelRect {
    /// Which: `inspector` (the right panel) or `picker` (the scenario window).
    pub name: String,
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// The egui areas the sidecar reports, by the id each is drawn under.
const PANELS: [(&str, &str); 2] = [("inspector", "right"), ("picker", crate::panels::PICKER_ID)];

/// The screenshot plugin (only in screenshot mode).
pub struct CapturePlugin;

impl Plugin for CapturePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Last, capture_when_settled);
    }
}

fn rgb(c: Color) -> [u8; 3] {
    let s = c.to_srgba();
    [
        (s.red * 255.0).round() as u8,
        (s.green * 255.0).round() as u8,
        (s.blue * 255.0).round() as u8,
    ]
}

#[allow(clippy::too_many_arguments)]
fn capture_when_settled(
    mut frames: Local<u32>,
    mut commands: Commands,
    to: Res<CaptureTo>,
    frame: Res<CurrentFrame>,
    rect: Res<SceneRect>,
    sim: Option<Res<Sim>>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut contexts: EguiContexts,
) {
    *frames += 1;
    if *frames != SETTLE_FRAMES {
        return;
    }
    let scale = window.scale_factor();
    let panels = match contexts.ctx_mut() {
        Ok(ctx) => PANELS
            .iter()
            .filter_map(|(name, id)| {
                let r = ctx.memory(|m| m.area_rect(egui::Id::new(*id)))?;
                Some(PanelRect {
                    name: name.to_string(),
                    x: r.left() * scale,
                    y: r.top() * scale,
                    width: r.width() * scale,
                    height: r.height() * scale,
                })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let (w, h) = (window.width(), window.height());
    let px = |p: Vec2| {
        let world = rect.to_world(p);
        (
            ((world.x + w / 2.0) * scale).round() as u32,
            ((h / 2.0 - world.y) * scale).round() as u32,
        )
    };
    let f = &frame.0;
    let nodes = f
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let (x, y) = px(n.pos);
            Spot {
                what: format!("node {i} {}", n.label),
                x,
                y,
                rgb: rgb(n.fill),
            }
        })
        .collect();
    let size = rect.length(f.radius * 0.35).max(5.0);
    let clear = |p: Vec2, skip: usize| {
        f.nodes
            .iter()
            .all(|n| rect.length(n.pos.distance(p)) > rect.length(f.radius) * 1.6 + size)
            && f.messages
                .iter()
                .enumerate()
                .all(|(j, m)| j == skip || rect.length(m.pos.distance(p)) > size * 1.5)
    };
    let messages = f
        .messages
        .iter()
        .enumerate()
        .filter(|(i, m)| m.state == MsgState::Flying && clear(m.pos, *i))
        .map(|(_, m)| {
            let (x, y) = px(m.pos);
            Spot {
                what: format!("message {} n{} -> n{}", m.kind, m.from.0, m.to.0),
                x,
                y,
                rgb: rgb(m.color),
            }
        })
        .collect();
    let expected = Expected {
        width: window.physical_width(),
        height: window.physical_height(),
        time: sim
            .as_ref()
            .map(|s| s.session().cursor.to_string())
            .unwrap_or_default(),
        leader: sim
            .as_ref()
            .and_then(|s| s.session().run().leader())
            .map(|l| l.0),
        nodes,
        messages,
        panels,
    };
    let path = to.0.clone();
    commands.spawn(Screenshot::primary_window()).observe(
        move |shot: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
            let code = match save(&shot.image, &path, &expected) {
                Ok(()) => {
                    info!("saved {}", path.display());
                    AppExit::Success
                }
                Err(e) => {
                    error!("{e}");
                    AppExit::from_code(1)
                }
            };
            exit.write(code);
        },
    );
}

fn save(image: &Image, path: &std::path::Path, expected: &Expected) -> Result<(), String> {
    let dynamic = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| format!("screenshot: {e}"))?;
    let mut png = std::io::Cursor::new(Vec::new());
    dynamic
        .to_rgb8()
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| format!("encoding {}: {e}", path.display()))?;
    scenarios::atomic::write_atomic(path, png.get_ref())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let json = serde_json::to_string_pretty(expected).map_err(|e| e.to_string())?;
    let side = sidecar(path);
    scenarios::atomic::write_atomic(&side, json.as_bytes())
        .map_err(|e| format!("{}: {e}", side.display()))
}

/// The sidecar file next to a screenshot.
pub fn sidecar(path: &std::path::Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}
