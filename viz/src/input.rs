//! The input plugin: keyboard shortcuts, clicking nodes, links and messages to inspect them,
//! hovering a message for its label, and dragging a line across the cluster to split it into
//! two partitions. It only reads the session and sends [`Request`]s.

use crate::actions::UserAction;
use crate::frame::MsgDraw;
use crate::playback::{Playback, Request, Sim};
use crate::scene::{CurrentFrame, SceneLayout, SceneRect, SceneSet};
use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::EguiContexts;
use sim_core::MessageId;

/// What was clicked, for the inspector.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A node, by index.
    Node(usize),
    /// A message: its number and drawing at the click, and its content then.
    Message(MessageId, Box<MsgDraw>, String),
    /// A link between two servers.
    Link(u32, u32),
}

/// Whether the keyboard-help overlay is open (`?` or F1 toggles it, Escape closes it).
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HelpShown(pub bool);

/// The message under the pointer, for its label.
#[derive(Resource, Clone, Debug, Default)]
pub struct Hover(pub Option<MsgDraw>);

/// A line being dragged across the cluster (world coordinates).
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct SplitDrag {
    /// Where the drag began.
    pub start: Option<Vec2>,
    /// Where the pointer is.
    pub end: Vec2,
}

/// A drag that moves the scene: the left button pressed on empty space, or the middle button
/// anywhere; the last pointer position in world units.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct PanDrag(pub Option<Vec2>);

/// The split line's sprite.
#[derive(Component)]
struct SplitLine;

/// The input plugin.
pub struct InputPlugin;

impl Plugin for InputPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Selection>()
            .init_resource::<HelpShown>()
            .init_resource::<Hover>()
            .init_resource::<SplitDrag>()
            .init_resource::<PanDrag>()
            .add_systems(Startup, spawn_split_line)
            .add_systems(
                Update,
                (keys, zoom_and_pan, pointer, draw_split)
                    .chain()
                    .after(SceneSet),
            );
    }
}

/// The speed factor of one press of the up or down arrow.
const SPEED_STEP: f64 = 2.0;

fn keys(
    keys: Res<ButtonInput<KeyCode>>,
    playback: Res<Playback>,
    mut contexts: EguiContexts,
    mut selection: ResMut<Selection>,
    mut help: ResMut<HelpShown>,
    mut rect: ResMut<SceneRect>,
    mut out: MessageWriter<Request>,
) {
    if contexts
        .ctx_mut()
        .is_ok_and(|c| c.egui_wants_keyboard_input())
    {
        return;
    }
    if keys.just_pressed(KeyCode::Escape) {
        // First the overlay, then the selection.
        if help.0 {
            help.0 = false;
        } else if *selection != Selection::None {
            *selection = Selection::None;
        }
    }
    let question = keys.just_pressed(KeyCode::Slash)
        && (keys.pressed(KeyCode::ShiftLeft) || keys.pressed(KeyCode::ShiftRight));
    if keys.just_pressed(KeyCode::F1) || question {
        help.0 = !help.0;
    }
    if keys.just_pressed(KeyCode::Home) {
        out.write(Request::Seek(sim_core::Time::ZERO));
    }
    if keys.just_pressed(KeyCode::End) {
        out.write(Request::SeekEnd);
    }
    if keys.just_pressed(KeyCode::Space) {
        out.write(Request::TogglePlay);
    }
    if keys.just_pressed(KeyCode::ArrowRight) {
        out.write(Request::StepForward);
    }
    if keys.just_pressed(KeyCode::ArrowLeft) {
        out.write(Request::StepBack);
    }
    if keys.just_pressed(KeyCode::KeyN) {
        out.write(Request::TourNext);
    }
    if keys.just_pressed(KeyCode::KeyP) {
        out.write(Request::TourPrevious);
    }
    if keys.just_pressed(KeyCode::Digit0) {
        rect.reset_view();
    }
    if keys.just_pressed(KeyCode::ArrowUp) {
        out.write(Request::SetSpeed(playback.speed * SPEED_STEP));
    }
    if keys.just_pressed(KeyCode::ArrowDown) {
        out.write(Request::SetSpeed(playback.speed / SPEED_STEP));
    }
}

/// How much one line of the mouse wheel zooms.
const WHEEL_STEP: f32 = 1.15;

/// The mouse wheel zooms around the pointer; dragging empty space with the left button, or
/// anything with the middle one, moves the scene.
#[allow(clippy::too_many_arguments)]
fn zoom_and_pan(
    mut wheel: MessageReader<MouseWheel>,
    buttons: Res<ButtonInput<MouseButton>>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform)>,
    mut contexts: EguiContexts,
    layout: Option<Res<SceneLayout>>,
    frame: Res<CurrentFrame>,
    mut rect: ResMut<SceneRect>,
    mut drag: ResMut<PanDrag>,
) {
    let world = pointer_world(&window, (camera.0, camera.1), &mut contexts);
    let lines: f32 = wheel
        .read()
        .map(|w| match w.unit {
            MouseScrollUnit::Line => w.y,
            MouseScrollUnit::Pixel => w.y / 40.0,
        })
        .sum();
    if let Some(w) = world
        && lines != 0.0
    {
        rect.zoom_at(w, WHEEL_STEP.powf(lines));
    }
    let Some(w) = world else {
        drag.0 = None;
        return;
    };
    let on_something = layout.as_ref().is_some_and(|l| {
        let p = rect.to_layout(w);
        l.layout.node_at(p).is_some() || frame.0.message_at(p, l.layout.radius * 0.6).is_some()
    });
    if buttons.just_pressed(MouseButton::Middle)
        || (buttons.just_pressed(MouseButton::Left) && !on_something)
    {
        drag.0 = Some(w);
    }
    if !buttons.pressed(MouseButton::Middle) && !buttons.pressed(MouseButton::Left) {
        drag.0 = None;
    }
    if let Some(last) = drag.0 {
        rect.pan_by(w - last);
        // The scene moved under the pointer: the world point under it is now `w` again.
        drag.0 = Some(w);
    }
}

/// The pointer in world coordinates, unless it is over a panel.
fn pointer_world(
    window: &Window,
    camera: (&Camera, &GlobalTransform),
    contexts: &mut EguiContexts,
) -> Option<Vec2> {
    if contexts.ctx_mut().is_ok_and(|c| c.is_pointer_over_egui()) {
        return None;
    }
    let p = window.cursor_position()?;
    camera.0.viewport_to_world_2d(camera.1, p).ok()
}

#[allow(clippy::too_many_arguments)]
fn pointer(
    buttons: Res<ButtonInput<MouseButton>>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform)>,
    mut contexts: EguiContexts,
    rect: Res<SceneRect>,
    frame: Res<CurrentFrame>,
    layout: Option<Res<SceneLayout>>,
    sim: Option<Res<Sim>>,
    mut selection: ResMut<Selection>,
    mut hover: ResMut<Hover>,
    mut drag: ResMut<SplitDrag>,
    mut out: MessageWriter<Request>,
) {
    let (Some(layout), Some(sim)) = (layout, sim) else {
        return;
    };
    let world = pointer_world(&window, (camera.0, camera.1), &mut contexts);
    let at = world.map(|w| rect.to_layout(w));
    let reach = layout.layout.radius * 0.6;
    hover.0 = at.and_then(|p| frame.0.message_at(p, reach).cloned());
    if let Some(w) = world {
        drag.end = w;
        if buttons.just_pressed(MouseButton::Right) {
            drag.start = Some(w);
        }
    }
    if buttons.just_released(MouseButton::Right)
        && let Some(start) = drag.start.take()
    {
        let (a, b) = (rect.to_layout(start), rect.to_layout(drag.end));
        if a.distance(b) > layout.layout.radius {
            let servers = sim.session().run().server_count() as usize;
            let groups = split(&layout.layout.pos[..servers], a, b);
            out.write(Request::Act(UserAction::Partition(groups)));
        }
    }
    let Some(p) = at else { return };
    if !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    *selection = if let Some(n) = layout.layout.node_at(p) {
        Selection::Node(n)
    } else if let Some(m) = frame.0.message_at(p, reach) {
        let text = sim
            .session()
            .run()
            .message_text(m.id)
            .unwrap_or_else(|| "(delivered or lost since)".into());
        Selection::Message(m.id, Box::new(m.clone()), text)
    } else if let Some(l) = frame.0.link_at(p, layout.layout.radius * 0.25) {
        Selection::Link(l.a as u32, l.b as u32)
    } else {
        Selection::None
    };
}

/// The servers on each side of the line through `a` and `b` (left side first).
pub fn split(servers: &[Vec2], a: Vec2, b: Vec2) -> Vec<Vec<u32>> {
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let dir = b - a;
    for (i, p) in servers.iter().enumerate() {
        if dir.perp_dot(*p - a) >= 0.0 {
            left.push(i as u32);
        } else {
            right.push(i as u32);
        }
    }
    vec![left, right]
}

fn spawn_split_line(mut commands: Commands) {
    commands.spawn((
        SplitLine,
        Sprite::from_color(Color::srgba(1.0, 0.55, 0.0, 0.9), Vec2::ONE),
        Transform::default(),
        Visibility::Hidden,
    ));
}

fn draw_split(
    drag: Res<SplitDrag>,
    mut line: Query<(&mut Transform, &mut Sprite, &mut Visibility), With<SplitLine>>,
) {
    for (mut t, mut sprite, mut vis) in &mut line {
        match drag.start {
            Some(a) => {
                let b = drag.end;
                t.translation = ((a + b) / 2.0).extend(5.0);
                t.rotation = Quat::from_rotation_z((b - a).to_angle());
                sprite.custom_size = Some(Vec2::new(a.distance(b), 2.0));
                *vis = Visibility::Inherited;
            }
            None => *vis = Visibility::Hidden,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_splits_the_nodes_by_side() {
        let pos = [
            Vec2::new(-0.5, 0.5),
            Vec2::new(0.5, 0.5),
            Vec2::new(-0.5, -0.5),
            Vec2::new(0.6, -0.4),
        ];
        // A vertical line, drawn upwards: the left half is on its left.
        let g = split(&pos, Vec2::new(0.0, -1.0), Vec2::new(0.0, 1.0));
        assert_eq!(g, vec![vec![0, 2], vec![1, 3]]);
        // A horizontal line, drawn rightwards: the upper half is on its left.
        let g = split(&pos, Vec2::new(-1.0, 0.0), Vec2::new(1.0, 0.0));
        assert_eq!(g, vec![vec![0, 1], vec![2, 3]]);
    }
}
