//! Where each node is drawn, chosen from the protocol's topology edges and the node count, so
//! that a protocol registered later is laid out without changes here.
//!
//! Coordinates are in a square from -1 to 1 on both axes (the scene scales it to the window).
//! Servers fill the upper part; clients, if any, sit on a row at the bottom.

use bevy::math::Vec2;
use sim_core::NodeId;

/// How the servers were arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutKind {
    /// On a circle: a small complete (or empty) graph.
    Circle,
    /// Levels of a tree, root on top.
    Tree,
    /// A spring embedding of a sparse graph.
    Force,
    /// Rows and columns: many nodes.
    Grid,
}

/// Node positions and the disc radius that keeps them apart.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Which arrangement was used for the servers.
    pub kind: LayoutKind,
    /// Position of node `i` (servers, then clients).
    pub pos: Vec<Vec2>,
    /// Radius of a node's disc, in layout units.
    pub radius: f32,
}

/// Largest complete graph drawn on a circle (beyond it, a grid is easier to read).
const CIRCLE_MAX: usize = 40;
/// Largest sparse graph given a spring layout (beyond it, a grid).
const FORCE_MAX: usize = 80;
/// A tree with more leaves than this is drawn in rings around its root.
const RADIAL_LEAVES: f32 = 24.0;
/// A disc's radius as a share of the distance to its nearest neighbour.
const RADIUS_SHARE: f32 = 0.36;
/// Largest radius, so that a three-node cluster does not draw plates.
const RADIUS_MAX: f32 = 0.09;

impl Layout {
    /// Lays out `servers` servers connected by `edges` (pairs of server ids) and `clients`
    /// clients.
    pub fn new(servers: usize, clients: usize, edges: &[(NodeId, NodeId)]) -> Layout {
        let area = Area::for_clients(clients);
        let adj = adjacency(servers, edges);
        let undirected: usize = adj.iter().map(Vec::len).sum::<usize>() / 2;
        let complete = undirected == servers * servers.saturating_sub(1) / 2;
        let (kind, pos) = if servers <= 1 {
            (LayoutKind::Circle, vec![area.center(); servers])
        } else if (complete || undirected == 0) && servers <= CIRCLE_MAX {
            (LayoutKind::Circle, circle(servers, &area))
        } else if undirected == servers - 1 && connected(&adj) {
            (LayoutKind::Tree, tree(&adj, &area))
        } else if servers <= FORCE_MAX {
            (LayoutKind::Force, force(&adj, &area))
        } else {
            (LayoutKind::Grid, grid(servers, &area))
        };
        Layout::finish(kind, pos, clients)
    }

    /// Lays out a cluster whose topology is a `rows` x `cols` grid (server `r * cols + c` in
    /// row `r`, column `c`) in that very grid, so that neighbours are drawn side by side.
    pub fn grid_of(rows: usize, cols: usize, clients: usize) -> Layout {
        let area = Area::for_clients(clients);
        let pos = grid_cells(rows * cols, rows, cols, &area);
        Layout::finish(LayoutKind::Grid, pos, clients)
    }

    /// Adds the clients' row under the servers and sizes the discs.
    fn finish(kind: LayoutKind, mut pos: Vec<Vec2>, clients: usize) -> Layout {
        if clients > 0 {
            let y = -0.9;
            let step = 1.9 / clients as f32;
            pos.extend((0..clients).map(|i| Vec2::new(-0.95 + step * (i as f32 + 0.5), y)));
        }
        let nearest = min_distance(&pos).unwrap_or(1.0);
        let mut radius = (nearest * RADIUS_SHARE).min(RADIUS_MAX);
        // Keep every disc inside the square.
        for p in &pos {
            let room = 1.0 - p.x.abs().max(p.y.abs());
            radius = radius.min(room.max(0.0));
        }
        Layout { kind, pos, radius }
    }

    /// The node whose disc contains `p`, if any.
    pub fn node_at(&self, p: Vec2) -> Option<usize> {
        self.pos
            .iter()
            .enumerate()
            .map(|(i, q)| (i, q.distance_squared(p)))
            .filter(|(_, d)| *d <= self.radius * self.radius)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

#[derive(Clone, Copy)]
struct Area {
    min: Vec2,
    max: Vec2,
}

impl Area {
    /// The square the servers use, leaving a row at the bottom for the clients if any.
    fn for_clients(clients: usize) -> Area {
        let bottom = if clients > 0 { -0.72 } else { -0.95 };
        Area {
            min: Vec2::new(-0.95, bottom),
            max: Vec2::new(0.95, 0.95),
        }
    }
}

impl Area {
    fn center(&self) -> Vec2 {
        (self.min + self.max) / 2.0
    }
    fn half(&self) -> Vec2 {
        (self.max - self.min) / 2.0
    }
    /// Maps `[0, 1]^2` onto the area.
    fn at(&self, u: Vec2) -> Vec2 {
        self.min + (self.max - self.min) * u
    }
}

fn adjacency(n: usize, edges: &[(NodeId, NodeId)]) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in edges {
        let (a, b) = (a.index(), b.index());
        if a != b && a < n && b < n {
            adj[a].push(b);
            adj[b].push(a);
        }
    }
    for v in &mut adj {
        v.sort_unstable();
        v.dedup();
    }
    adj
}

fn connected(adj: &[Vec<usize>]) -> bool {
    let mut seen = vec![false; adj.len()];
    let mut stack = vec![0];
    seen[0] = true;
    while let Some(v) = stack.pop() {
        for &w in &adj[v] {
            if !seen[w] {
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    seen.iter().all(|&s| s)
}

fn circle(n: usize, area: &Area) -> Vec<Vec2> {
    let r = area.half().min_element() * 0.92;
    (0..n)
        .map(|i| {
            let a = std::f32::consts::FRAC_PI_2 - std::f32::consts::TAU * i as f32 / n as f32;
            area.center() + Vec2::new(a.cos(), a.sin()) * r
        })
        .collect()
}

fn grid(n: usize, area: &Area) -> Vec<Vec2> {
    let size = area.max - area.min;
    let cols = ((n as f32 * size.x / size.y).sqrt().ceil() as usize).max(1);
    let rows = n.div_ceil(cols);
    grid_cells(n, rows, cols, area)
}

/// `n` nodes row by row in `rows` x `cols` cells filling `area`.
fn grid_cells(n: usize, rows: usize, cols: usize, area: &Area) -> Vec<Vec2> {
    let (rows, cols) = (rows.max(1), cols.max(1));
    (0..n)
        .map(|i| {
            let (r, c) = (i / cols, i % cols);
            area.at(Vec2::new(
                (c as f32 + 0.5) / cols as f32,
                1.0 - (r as f32 + 0.5) / rows as f32,
            ))
        })
        .collect()
}

/// Levels from node 0 down; each leaf gets its own column, a parent sits over its children.
fn tree(adj: &[Vec<usize>], area: &Area) -> Vec<Vec2> {
    let n = adj.len();
    let mut parent = vec![usize::MAX; n];
    let mut depth = vec![0usize; n];
    let mut order = vec![0];
    parent[0] = 0;
    let mut k = 0;
    while k < order.len() {
        let v = order[k];
        k += 1;
        for &w in &adj[v] {
            if parent[w] == usize::MAX {
                parent[w] = v;
                depth[w] = depth[v] + 1;
                order.push(w);
            }
        }
    }
    let parents = &parent;
    let children = |v: usize| {
        adj[v]
            .iter()
            .copied()
            .filter(move |&w| parents[w] == v && w != 0)
    };
    // Column of each node: leaves left to right in depth-first order, parents centred.
    let mut col = vec![0f32; n];
    let mut next_leaf = 0f32;
    let mut stack = vec![(0usize, false)];
    while let Some((v, done)) = stack.pop() {
        if done {
            let kids: Vec<usize> = children(v).collect();
            if kids.is_empty() {
                col[v] = next_leaf;
                next_leaf += 1.0;
            } else {
                col[v] = kids.iter().map(|&c| col[c]).sum::<f32>() / kids.len() as f32;
            }
        } else {
            stack.push((v, true));
            let kids: Vec<usize> = children(v).collect();
            for &c in kids.iter().rev() {
                stack.push((c, false));
            }
        }
    }
    let leaves = next_leaf.max(1.0);
    let levels = depth.iter().max().copied().unwrap_or(0) + 1;
    if leaves > RADIAL_LEAVES {
        // Too many leaves for one row: rings around the root, one per level.
        let r = area.half().min_element() * 0.92 / (levels - 1).max(1) as f32;
        return (0..n)
            .map(|v| {
                let a = std::f32::consts::TAU * (col[v] + 0.5) / leaves;
                area.center() + Vec2::new(a.cos(), a.sin()) * r * depth[v] as f32
            })
            .collect();
    }
    (0..n)
        .map(|v| {
            area.at(Vec2::new(
                (col[v] + 0.5) / leaves,
                1.0 - (depth[v] as f32 + 0.5) / levels as f32,
            ))
        })
        .collect()
}

/// A deterministic spring embedding (Fruchterman-Reingold from a circle, fixed iterations),
/// spread afterwards to fill the area.
fn force(adj: &[Vec<usize>], area: &Area) -> Vec<Vec2> {
    let n = adj.len();
    let mut p: Vec<Vec2> = circle(
        n,
        &Area {
            min: Vec2::splat(-1.0),
            max: Vec2::splat(1.0),
        },
    );
    let k = (4.0 / n as f32).sqrt();
    let mut temp = 0.2f32;
    for _ in 0..200 {
        let mut d = vec![Vec2::ZERO; n];
        for i in 0..n {
            for j in (i + 1)..n {
                let delta = p[i] - p[j];
                let dist = delta.length().max(1e-3);
                let push = delta / dist * (k * k / dist);
                d[i] += push;
                d[j] -= push;
            }
        }
        for (i, nbrs) in adj.iter().enumerate() {
            for &j in nbrs {
                if j > i {
                    let delta = p[i] - p[j];
                    let dist = delta.length().max(1e-3);
                    let pull = delta / dist * (dist * dist / k);
                    d[i] -= pull;
                    d[j] += pull;
                }
            }
        }
        for i in 0..n {
            let len = d[i].length();
            if len > 0.0 {
                p[i] += d[i] / len * len.min(temp);
            }
        }
        temp *= 0.98;
    }
    fit(&p, area)
}

/// Scales points to fill `area` (keeping the aspect ratio).
fn fit(p: &[Vec2], area: &Area) -> Vec<Vec2> {
    let lo = p.iter().fold(Vec2::splat(f32::MAX), |a, b| a.min(*b));
    let hi = p.iter().fold(Vec2::splat(f32::MIN), |a, b| a.max(*b));
    let span = (hi - lo).max(Vec2::splat(1e-6));
    let scale = (area.half() * 2.0 * 0.92 / span).min_element();
    let mid = (lo + hi) / 2.0;
    p.iter()
        .map(|q| area.center() + (*q - mid) * scale)
        .collect()
}

fn min_distance(p: &[Vec2]) -> Option<f32> {
    let mut best: Option<f32> = None;
    for i in 0..p.len() {
        for j in (i + 1)..p.len() {
            let d = p[i].distance(p[j]);
            best = Some(best.map_or(d, |b| b.min(d)));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(n: u32) -> Vec<(NodeId, NodeId)> {
        let mut e = Vec::new();
        for a in 0..n {
            for b in (a + 1)..n {
                e.push((NodeId(a), NodeId(b)));
            }
        }
        e
    }

    fn binary_tree(n: u32) -> Vec<(NodeId, NodeId)> {
        (1..n).map(|i| (NodeId((i - 1) / 2), NodeId(i))).collect()
    }

    fn ring(n: u32) -> Vec<(NodeId, NodeId)> {
        (0..n).map(|i| (NodeId(i), NodeId((i + 1) % n))).collect()
    }

    /// Every disc lies inside the square, no two overlap, and a disc is big enough to see
    /// (at least 5 pixels across on an 800-pixel-high view).
    fn assert_readable(l: &Layout, what: &str) {
        assert!(
            l.radius >= 0.0125,
            "{what}: radius {} is too small",
            l.radius
        );
        for (i, p) in l.pos.iter().enumerate() {
            assert!(
                p.x.abs() + l.radius <= 1.0 + 1e-4 && p.y.abs() + l.radius <= 1.0 + 1e-4,
                "{what}: node {i} at {p} is off screen"
            );
            for (j, q) in l.pos.iter().enumerate().skip(i + 1) {
                assert!(
                    p.distance(*q) >= 2.0 * l.radius,
                    "{what}: nodes {i} and {j} overlap ({p} and {q}, radius {})",
                    l.radius
                );
            }
        }
    }

    #[test]
    fn every_node_on_screen_without_overlap_for_3_to_200_nodes() {
        for n in 3..=200u32 {
            let empty = Layout::new(n as usize, 0, &[]);
            assert_eq!(empty.pos.len(), n as usize);
            assert_readable(&empty, &format!("{n} nodes, no edges"));
            assert_readable(
                &Layout::new(n as usize, 0, &complete(n)),
                &format!("complete {n}"),
            );
            assert_readable(
                &Layout::new(n as usize, 0, &binary_tree(n)),
                &format!("tree {n}"),
            );
            assert_readable(&Layout::new(n as usize, 0, &ring(n)), &format!("ring {n}"));
            let with_clients = Layout::new(n as usize, 3, &complete(n));
            assert_eq!(with_clients.pos.len(), n as usize + 3);
            assert_readable(&with_clients, &format!("complete {n} with 3 clients"));
        }
    }

    #[test]
    fn the_arrangement_follows_the_edges() {
        assert_eq!(Layout::new(5, 0, &complete(5)).kind, LayoutKind::Circle);
        assert_eq!(Layout::new(15, 0, &binary_tree(15)).kind, LayoutKind::Tree);
        assert_eq!(Layout::new(12, 0, &ring(12)).kind, LayoutKind::Force);
        assert_eq!(Layout::new(150, 0, &ring(150)).kind, LayoutKind::Grid);
        assert_eq!(Layout::new(100, 0, &complete(100)).kind, LayoutKind::Grid);
    }

    #[test]
    fn a_tree_puts_the_root_on_top_and_children_below_their_parent() {
        let l = Layout::new(7, 0, &binary_tree(7));
        for i in 1..7usize {
            let parent = (i - 1) / 2;
            assert!(
                l.pos[parent].y > l.pos[i].y,
                "node {i} is not below {parent}"
            );
        }
        // A parent is centred over its two children.
        assert!((l.pos[1].x - (l.pos[3].x + l.pos[4].x) / 2.0).abs() < 1e-5);
    }

    #[test]
    fn a_grid_topology_is_drawn_as_that_grid() {
        // 3 rows of 4: server r * 4 + c sits in row r, column c.
        let l = Layout::grid_of(3, 4, 2);
        assert_eq!(l.kind, LayoutKind::Grid);
        assert_eq!(l.pos.len(), 12 + 2);
        for r in 0..3 {
            for c in 0..4 {
                let p = l.pos[r * 4 + c];
                assert!((p.y - l.pos[r * 4].y).abs() < 1e-6, "a row is level");
                assert!((p.x - l.pos[c].x).abs() < 1e-6, "a column is straight");
                if c > 0 {
                    assert!(p.x > l.pos[r * 4 + c - 1].x, "left to right");
                }
                if r > 0 {
                    assert!(p.y < l.pos[(r - 1) * 4 + c].y, "top to bottom");
                }
            }
        }
        assert_readable(&l, "a 3 x 4 grid with clients");
    }

    #[test]
    fn a_click_inside_a_disc_finds_its_node() {
        let l = Layout::new(5, 0, &complete(5));
        assert_eq!(l.node_at(l.pos[3] + Vec2::splat(l.radius * 0.5)), Some(3));
        assert_eq!(l.node_at(Vec2::new(0.0, 0.0)), None);
    }
}
