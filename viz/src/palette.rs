//! Colours: by role class for nodes, by kind for messages, and for states at a glance. A node
//! of class `other` (a leaderless protocol's peer) and a message kind get a colour from their
//! names, the same on every run.

use bevy::color::Color;
use sim_core::NodeView;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// A crashed node.
pub const DOWN: Color = Color::srgb(0.22, 0.22, 0.24);
/// Ring of a crashed node.
pub const DOWN_RING: Color = Color::srgb(0.85, 0.15, 0.15);
/// Ring of a node that has not started yet.
pub const STARTING_RING: Color = Color::srgb(0.55, 0.56, 0.6);
/// Ring of a paused node.
pub const PAUSED_RING: Color = Color::srgb(0.35, 0.75, 1.0);
/// Ring of a running node with a cut link, and a cut link.
pub const CUT: Color = Color::srgb(1.0, 0.55, 0.0);
/// Ring of a running node.
pub const RING: Color = Color::srgb(0.92, 0.92, 0.92);
/// A lit tick of a node's timer ring.
pub const TIMER: Color = Color::srgb(0.16, 0.17, 0.2);
/// An edge of the spanning tree a protocol built.
pub const TREE: Color = Color::srgb(0.45, 0.85, 0.6);
/// A link that works.
pub const LINK: Color = Color::srgb(0.33, 0.35, 0.4);
/// Ring of the selected node.
pub const SELECTED: Color = Color::srgb(0.6, 1.0, 0.3);
/// Ring of a node that the guided tour's stop points at.
pub const TOUR: Color = Color::srgb(0.37, 0.83, 1.0);
/// Background.
pub const BACKGROUND: Color = Color::srgb(0.08, 0.09, 0.11);

/// Fill colour of a node: by its role's class, so a leader looks like a leader whatever the
/// protocol calls it; the roles of class `other` are told apart by name. The exported web page
/// draws the same colours (`scenarios::palette`).
pub fn node_color(view: &NodeView) -> Color {
    srgb(scenarios::palette::node_rgb(view))
}

/// The same colour for the panels, which egui draws.
pub fn egui_color(c: Color) -> bevy_egui::egui::Color32 {
    let s = c.to_srgba();
    bevy_egui::egui::Color32::from_rgba_unmultiplied(
        (s.red * 255.0) as u8,
        (s.green * 255.0) as u8,
        (s.blue * 255.0) as u8,
        (s.alpha * 255.0) as u8,
    )
}

/// Colour of a message kind.
pub fn kind_color(kind: &str) -> Color {
    srgb(scenarios::palette::kind_rgb(kind))
}

fn srgb([r, g, b]: scenarios::palette::Rgb) -> Color {
    Color::srgb(r, g, b)
}

static KINDS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// The one `'static` copy of a kind name (there are a handful per protocol).
pub fn intern(kind: &str) -> &'static str {
    let mut set = KINDS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = set.get(kind) {
        return k;
    }
    let k: &'static str = Box::leak(kind.to_string().into_boxed_str());
    set.insert(k);
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::RoleClass;

    #[test]
    fn names_get_stable_distinct_colours() {
        assert_eq!(kind_color("AppendEntries"), kind_color("AppendEntries"));
        assert_ne!(kind_color("AppendEntries"), kind_color("RequestVote"));
        let view = |role: &str, class| NodeView::new(role, "").class(class);
        // Unusual names, same classes: same colours.
        assert_eq!(
            node_color(&view("kapitän", RoleClass::Leader)),
            node_color(&view("leader", RoleClass::Leader))
        );
        assert_eq!(
            node_color(&view("matrose", RoleClass::Follower)),
            node_color(&view("follower", RoleClass::Follower))
        );
        assert_ne!(
            node_color(&view("leader", RoleClass::Leader)),
            node_color(&view("leader", RoleClass::Follower)),
            "the class decides, not the name"
        );
        assert_ne!(
            node_color(&view("infected", RoleClass::Other)),
            node_color(&view("susceptible", RoleClass::Other))
        );
        assert_eq!(intern("Vote"), intern(&String::from("Vote")));
    }
}
