//! The scene plugin: nodes, links and messages as 2-D entities, kept in step with the session
//! each frame.
//!
//! [`SceneSyncPlugin`] computes the frame ([`crate::frame::build`]) and moves plain entities
//! (transforms, sprite colours, label text); it runs headless too, which is what the benchmark
//! measures. [`ScenePlugin`] adds what needs a renderer: the camera and the node discs' meshes
//! and materials.

use crate::frame::{self, Frame, MsgState};
use crate::layout::Layout;
use crate::palette;
use crate::playback::{Playback, PlaybackSet, Sim};
use bevy::prelude::*;

/// The layout of the session shown, and for which session it was made.
#[derive(Resource, Clone, Debug)]
pub struct SceneLayout {
    /// Node positions.
    pub layout: Layout,
    /// The session generation it belongs to.
    pub generation: u64,
}

/// The frame drawn this frame (read by input and panels).
#[derive(Resource, Clone, Debug, Default)]
pub struct CurrentFrame(pub Frame);

/// The part of the window the scene may use, in world units (the panels cover the rest), and
/// how far the user zoomed and panned it: everything drawn and every click goes through it.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct SceneRect {
    /// Lower-left corner.
    pub min: Vec2,
    /// Upper-right corner.
    pub max: Vec2,
    /// Magnification (1: the whole layout fits).
    pub zoom: f32,
    /// The layout point at the centre of the scene.
    pub pan: Vec2,
}

impl Default for SceneRect {
    fn default() -> Self {
        SceneRect {
            min: Vec2::new(-640.0, -400.0),
            max: Vec2::new(640.0, 400.0),
            zoom: 1.0,
            pan: Vec2::ZERO,
        }
    }
}

/// The closest and the farthest the scene zooms.
pub const ZOOM_RANGE: (f32, f32) = (0.5, 60.0);

impl SceneRect {
    fn scale(&self) -> f32 {
        ((self.max - self.min) / 2.0).min_element().max(1.0) * self.zoom
    }
    fn centre(&self) -> Vec2 {
        (self.min + self.max) / 2.0
    }
    /// Layout coordinates to world coordinates.
    pub fn to_world(&self, p: Vec2) -> Vec2 {
        self.centre() + (p - self.pan) * self.scale()
    }
    /// World coordinates to layout coordinates.
    pub fn to_layout(&self, w: Vec2) -> Vec2 {
        (w - self.centre()) / self.scale() + self.pan
    }
    /// A layout length in world units.
    pub fn length(&self, l: f32) -> f32 {
        l * self.scale()
    }
    /// Zooms by `factor` keeping the layout point under `world` where it is, as a map does
    /// under the mouse wheel.
    pub fn zoom_at(&mut self, world: Vec2, factor: f32) {
        let fixed = self.to_layout(world);
        self.zoom = (self.zoom * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        self.pan = fixed - (world - self.centre()) / self.scale();
    }
    /// Moves the scene by `delta` world units, as a drag does.
    pub fn pan_by(&mut self, delta: Vec2) {
        self.pan -= delta / self.scale();
    }
    /// Back to the whole layout in view.
    pub fn reset_view(&mut self) {
        self.zoom = 1.0;
        self.pan = Vec2::ZERO;
    }
}

/// A node (the parent of its disc, ring and label).
#[derive(Component, Clone, Copy, Debug)]
pub struct NodeVisual(pub usize);

/// A node's colours, applied to its materials when they change.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct NodeLook {
    /// Fill.
    pub fill: Color,
    /// Ring.
    pub ring: Color,
}

/// The text under a node.
#[derive(Component, Clone, Copy, Debug)]
pub struct NodeLabel(pub usize);

/// A link sprite.
#[derive(Component, Clone, Copy, Debug)]
pub struct LinkVisual(pub usize);

/// A pooled message sprite.
#[derive(Component, Clone, Copy, Debug)]
pub struct MsgVisual(pub usize);

/// Scene entities of the current session, despawned when another is opened.
#[derive(Component, Clone, Copy, Debug)]
pub struct SceneEntity;

/// Link thickness and message size, in pixels.
const LINK_WIDTH: f32 = 2.0;
const CUT_WIDTH: f32 = 3.0;
const TREE_WIDTH: f32 = 3.5;
const MSG_MIN: f32 = 5.0;
/// Beyond this many nodes, a disc is drawn with 12 sides instead of 32.
const MANY_NODES: usize = 200;
/// Clusters up to this size label every node at any zoom.
pub const LABELS_ALWAYS: usize = 40;
/// From this on-screen node radius (pixels) on, every node is labelled.
pub const LABEL_RADIUS: f32 = 9.0;

/// Systems that keep plain scene entities in step with the session (no renderer needed).
pub struct SceneSyncPlugin;

/// The scene's systems, after playback.
#[derive(SystemSet, Clone, Debug, PartialEq, Eq, Hash)]
pub struct SceneSet;

impl Plugin for SceneSyncPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<CurrentFrame>()
            .init_resource::<SceneRect>()
            .configure_sets(Update, SceneSet.after(PlaybackSet))
            .add_systems(
                Update,
                (relayout, build_frame, sync_nodes, sync_links, sync_messages)
                    .chain()
                    .in_set(SceneSet),
            );
    }
}

/// The scene with its renderer parts: camera, node meshes and materials.
pub struct ScenePlugin;

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(SceneSyncPlugin)
            .init_resource::<SharedMaterials>()
            .insert_resource(ClearColor(palette::BACKGROUND))
            .add_systems(Startup, spawn_camera)
            .add_systems(
                Update,
                (dress_nodes, paint_nodes, show_timer_ticks)
                    .chain()
                    .after(SceneSet),
            );
    }
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn(Camera2d);
}

/// Lays the scene out again when another session is opened.
fn relayout(
    mut commands: Commands,
    sim: Option<Res<Sim>>,
    current: Option<Res<SceneLayout>>,
    old: Query<Entity, With<SceneEntity>>,
) {
    let Some(sim) = sim else {
        return;
    };
    if current.is_some_and(|c| c.generation == sim.generation) {
        return;
    }
    for e in &old {
        commands.entity(e).despawn();
    }
    let session = sim.session();
    let run = session.run();
    let servers = run.server_count() as usize;
    let clients = run.node_count() as usize - servers;
    // A grid topology is drawn as its grid; any other from its edges.
    let layout = match session
        .scenario
        .cluster
        .topology
        .as_ref()
        .map(|t| t.get_ref())
    {
        Some(scenarios::scenario::TopologySpec::Grid { rows, cols })
            if (*rows as usize) * (*cols as usize) == servers =>
        {
            Layout::grid_of(*rows as usize, *cols as usize, clients)
        }
        _ => Layout::new(servers, clients, &run.topology()),
    };
    for i in 0..run.node_count() as usize {
        commands.spawn((
            SceneEntity,
            NodeVisual(i),
            NodeLook {
                fill: Color::NONE,
                ring: Color::NONE,
            },
            Transform::from_xyz(0.0, 0.0, 1.0),
            Visibility::default(),
        ));
        commands.spawn((
            SceneEntity,
            NodeLabel(i),
            Text2d::new(format!("n{i}")),
            TextFont::from_font_size(12.0),
            TextColor(Color::srgb(0.85, 0.87, 0.9)),
            Transform::from_xyz(0.0, 0.0, 4.0),
        ));
    }
    commands.insert_resource(SceneLayout {
        layout,
        generation: sim.generation,
    });
}

/// Computes this frame's drawing from the session. Nodes and links change only when the run
/// takes a step; messages move with the cursor every frame.
pub fn build_frame(
    sim: Option<Res<Sim>>,
    layout: Option<Res<SceneLayout>>,
    playback: Res<Playback>,
    mut out: ResMut<CurrentFrame>,
    mut drawn_at: Local<Option<(u64, u64)>>,
) {
    let (Some(sim), Some(layout)) = (sim, layout) else {
        return;
    };
    if layout.generation != sim.generation {
        return;
    }
    let s = sim.session();
    let fall = sim_core::Duration((0.6 * playback.speed.max(1e-3) * 1e9) as u64);
    let in_flight = s.run().in_flight();
    let key = (sim.generation, s.live().steps());
    if *drawn_at == Some(key) {
        out.0.messages = frame::messages(&s.history, &layout.layout, s.cursor, fall, &in_flight);
        out.0.cursor = s.cursor;
    } else {
        out.0 = frame::build(
            s.run(),
            &s.history,
            &layout.layout,
            s.cursor,
            fall,
            &in_flight,
        );
        *drawn_at = Some(key);
    }
    let (placed, _) = crate::tour::stops(&s);
    let pointed = crate::tour::current(&placed, s.cursor).map_or(&[][..], |i| &placed[i].nodes[..]);
    for (i, n) in out.0.nodes.iter_mut().enumerate() {
        n.highlighted = pointed.iter().any(|p| p.index() == i);
    }
}

fn sync_nodes(
    frame: Res<CurrentFrame>,
    rect: Res<SceneRect>,
    selection: Option<Res<crate::input::Selection>>,
    mut nodes: Query<(&NodeVisual, &mut Transform, &mut NodeLook), Without<NodeLabel>>,
    mut labels: Query<
        (&NodeLabel, &mut Transform, &mut Text2d, &mut Visibility),
        Without<NodeVisual>,
    >,
) {
    let f = &frame.0;
    let r = rect.length(f.radius);
    for (n, mut t, mut look) in &mut nodes {
        let Some(d) = f.nodes.get(n.0) else { continue };
        let w = rect.to_world(d.pos);
        t.translation = w.extend(1.0);
        t.scale = Vec3::splat(r.max(1.0));
        let selected = selection
            .as_deref()
            .is_some_and(|s| *s == crate::input::Selection::Node(n.0));
        let ring = if selected {
            palette::SELECTED
        } else if d.highlighted {
            palette::TOUR
        } else {
            d.ring
        };
        let new = NodeLook { fill: d.fill, ring };
        if *look != new {
            *look = new;
        }
    }
    // Labels make a wall of text in a large cluster: they appear once the nodes are drawn
    // large enough to carry them (zoom in), and always on the selected node and on the nodes
    // a guided tour's stop points at.
    let every_label = f.nodes.len() <= LABELS_ALWAYS || r >= LABEL_RADIUS;
    for (n, mut t, mut text, mut shown) in &mut labels {
        let Some(d) = f.nodes.get(n.0) else { continue };
        let selected = selection
            .as_deref()
            .is_some_and(|s| *s == crate::input::Selection::Node(n.0));
        let want = if every_label || selected || d.highlighted {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        };
        if *shown != want {
            *shown = want;
        }
        let w = rect.to_world(d.pos) - Vec2::new(0.0, r + 10.0);
        t.translation = w.extend(4.0);
        if text.0 != d.label {
            text.0.clone_from(&d.label);
        }
    }
}

fn sync_links(
    mut commands: Commands,
    frame: Res<CurrentFrame>,
    rect: Res<SceneRect>,
    mut links: Query<(&LinkVisual, &mut Transform, &mut Sprite, &mut Visibility)>,
) {
    let f = &frame.0;
    let mut have = 0;
    for (l, mut t, mut sprite, mut vis) in &mut links {
        have = have.max(l.0 + 1);
        let Some(d) = f.links.get(l.0) else {
            *vis = Visibility::Hidden;
            continue;
        };
        let (a, b) = (
            rect.to_world(f.nodes[d.a].pos),
            rect.to_world(f.nodes[d.b].pos),
        );
        let (width, color) = match (d.cut, d.tree) {
            (true, _) => (CUT_WIDTH, palette::CUT),
            (false, true) => (TREE_WIDTH, palette::TREE),
            (false, false) => (LINK_WIDTH, palette::LINK),
        };
        // Tree edges lie over the other links.
        *t = link_transform(a, b, if d.tree { 0.05 } else { 0.0 });
        sprite.custom_size = Some(Vec2::new(a.distance(b), width));
        sprite.color = color;
        *vis = Visibility::Inherited;
    }
    for i in have..f.links.len() {
        commands.spawn((
            SceneEntity,
            LinkVisual(i),
            Sprite::from_color(palette::LINK, Vec2::ONE),
            Transform::default(),
            Visibility::Hidden,
        ));
    }
}

fn link_transform(a: Vec2, b: Vec2, z: f32) -> Transform {
    let mid = (a + b) / 2.0;
    let angle = (b - a).to_angle();
    Transform::from_translation(mid.extend(z)).with_rotation(Quat::from_rotation_z(angle))
}

fn sync_messages(
    mut commands: Commands,
    frame: Res<CurrentFrame>,
    rect: Res<SceneRect>,
    mut msgs: Query<(&MsgVisual, &mut Transform, &mut Sprite, &mut Visibility)>,
) {
    let f = &frame.0;
    let size = rect.length(f.radius * 0.35).max(MSG_MIN);
    let mut have = 0;
    for (m, mut t, mut sprite, mut vis) in &mut msgs {
        have = have.max(m.0 + 1);
        let Some(d) = f.messages.get(m.0) else {
            if *vis != Visibility::Hidden {
                *vis = Visibility::Hidden;
            }
            continue;
        };
        t.translation = rect.to_world(d.pos).extend(3.0);
        let s = if d.state == MsgState::Duplicate {
            size * 0.8
        } else {
            size
        };
        t.rotation = Quat::from_rotation_z(std::f32::consts::FRAC_PI_4);
        if sprite.custom_size != Some(Vec2::splat(s)) {
            sprite.custom_size = Some(Vec2::splat(s));
        }
        if sprite.color != d.color {
            sprite.color = d.color;
        }
        if *vis != Visibility::Inherited {
            *vis = Visibility::Inherited;
        }
    }
    for i in have..f.messages.len() {
        commands.spawn((
            SceneEntity,
            MsgVisual(i),
            Sprite::from_color(Color::WHITE, Vec2::splat(size)),
            Transform::from_xyz(0.0, 0.0, 3.0),
            Visibility::Hidden,
        ));
    }
}

/// One material per colour, shared by every disc of that colour. Discs that share a mesh and
/// a material are drawn in one batch: with a material per disc, 2,000 nodes were 4,000 draw
/// calls, each costly under a software renderer.
#[derive(Resource, Default)]
struct SharedMaterials(std::collections::BTreeMap<[u8; 4], Handle<ColorMaterial>>);

impl SharedMaterials {
    fn get(
        &mut self,
        materials: &mut Assets<ColorMaterial>,
        color: Color,
    ) -> Handle<ColorMaterial> {
        let key = color.to_srgba().to_u8_array();
        self.0
            .entry(key)
            .or_insert_with(|| materials.add(ColorMaterial::from_color(color)))
            .clone()
    }
}

/// Node discs: a ring and a fill, children of the node, with materials shared by colour.
#[derive(Component, Clone, Copy, Debug)]
struct Dressed {
    fill: Entity,
    ring: Entity,
}

/// One tick of a node's timer ring: the `k`-th of [`TIMER_TICKS`] around node `node`.
#[derive(Component, Clone, Copy, Debug)]
struct TimerTick {
    node: usize,
    k: usize,
}

/// Ticks around a node; the first of them light up as its next timer runs.
const TIMER_TICKS: usize = 24;

/// Clusters up to this many nodes get timer rings (a tick is a sprite).
const TIMER_RINGS_MAX: usize = 120;

/// The ticks of node `node`'s timer ring, on its ring band (radius 1 is the disc's edge),
/// clockwise from the top, hidden until its timer runs.
fn timer_ticks(commands: &mut Commands, node: usize) -> Vec<Entity> {
    (0..TIMER_TICKS)
        .map(|k| {
            let angle = std::f32::consts::FRAC_PI_2
                - std::f32::consts::TAU * (k as f32 + 0.5) / TIMER_TICKS as f32;
            let at = Vec2::from_angle(angle) * 1.09;
            commands
                .spawn((
                    TimerTick { node, k },
                    Sprite::from_color(palette::TIMER, Vec2::new(0.14, 0.25)),
                    Transform::from_translation(at.extend(0.05))
                        .with_rotation(Quat::from_rotation_z(angle)),
                    Visibility::Hidden,
                ))
                .id()
        })
        .collect()
}

/// Lights the ticks of each node's ring up to how far its next timer is along.
fn show_timer_ticks(frame: Res<CurrentFrame>, mut ticks: Query<(&TimerTick, &mut Visibility)>) {
    for (tick, mut v) in &mut ticks {
        let lit = frame
            .0
            .timer_progress(tick.node)
            .is_some_and(|p| (tick.k as f32) < p * TIMER_TICKS as f32);
        let want = if lit {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        };
        if *v != want {
            *v = want;
        }
    }
}

fn dress_nodes(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<ColorMaterial>>,
    mut shared: ResMut<SharedMaterials>,
    bare: Query<(Entity, &NodeVisual), Without<Dressed>>,
    all: Query<(), With<NodeVisual>>,
) {
    if bare.is_empty() {
        return;
    }
    let count = all.iter().count();
    // A software renderer pays for every triangle: a large cluster's small discs get fewer
    // sides, which at their size look just as round.
    let sides = if count > MANY_NODES { 12 } else { 32 };
    let circle = meshes.add(Circle::new(1.0).mesh().resolution(sides));
    let rings = count <= TIMER_RINGS_MAX;
    for (e, n) in &bare {
        if rings {
            let ticks = timer_ticks(&mut commands, n.0);
            commands.entity(e).add_children(&ticks);
        }
        let ring = commands
            .spawn((
                Mesh2d(circle.clone()),
                MeshMaterial2d(shared.get(&mut materials, palette::RING)),
                Transform::from_xyz(0.0, 0.0, 0.0).with_scale(Vec3::splat(1.18)),
            ))
            .id();
        let fill = commands
            .spawn((
                Mesh2d(circle.clone()),
                MeshMaterial2d(shared.get(&mut materials, palette::DOWN)),
                Transform::from_xyz(0.0, 0.0, 0.1),
            ))
            .id();
        commands
            .entity(e)
            .add_children(&[ring, fill])
            .insert(Dressed { fill, ring });
    }
}

/// Nodes whose look changed, or that were just dressed in their meshes.
type RestyledNodes<'w, 's> =
    Query<'w, 's, (&'static NodeLook, &'static Dressed), Or<(Changed<NodeLook>, Added<Dressed>)>>;

fn paint_nodes(
    mut materials: ResMut<Assets<ColorMaterial>>,
    mut shared: ResMut<SharedMaterials>,
    nodes: RestyledNodes,
    mut handles: Query<&mut MeshMaterial2d<ColorMaterial>>,
) {
    for (look, dressed) in &nodes {
        for (e, color) in [(dressed.fill, look.fill), (dressed.ring, look.ring)] {
            let want = shared.get(&mut materials, color);
            if let Ok(mut h) = handles.get_mut(e)
                && h.0 != want
            {
                h.0 = want;
            }
        }
    }
}

#[cfg(test)]
mod view_tests {
    use super::*;

    #[test]
    fn zooming_keeps_the_point_under_the_pointer_and_panning_follows_the_drag() {
        let mut r = SceneRect::default();
        let under = Vec2::new(120.0, -40.0);
        let before = r.to_layout(under);
        r.zoom_at(under, 3.0);
        assert!((r.to_layout(under) - before).length() < 1e-5);
        assert!((r.length(1.0) - 3.0 * SceneRect::default().length(1.0)).abs() < 1e-3);
        // A drag moves what is drawn by as much as the pointer moved.
        let p = Vec2::new(0.3, 0.2);
        let w = r.to_world(p);
        r.pan_by(Vec2::new(25.0, -10.0));
        assert!((r.to_world(p) - (w + Vec2::new(25.0, -10.0))).length() < 1e-3);
        // Zoom stays within its range, and resetting shows the whole layout again.
        r.zoom_at(under, 1e6);
        assert_eq!(r.zoom, ZOOM_RANGE.1);
        r.reset_view();
        assert_eq!(r, SceneRect::default());
    }
}
