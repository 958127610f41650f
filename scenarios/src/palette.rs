//! The colours a run is drawn in, shared by the front end and the exported web page so that a
//! leader, a candidate or an `AppendEntries` looks the same in both: roles by their class,
//! message kinds (and roles of class `other`) by a hue taken from their name, the same on every
//! run.

use sim_core::{NodeView, RoleClass};

/// An sRGB colour, each channel in `0.0..=1.0`.
pub type Rgb = [f32; 3];

/// Saturation and lightness of a message kind's colour.
const KIND_SL: (f32, f32) = (0.85, 0.62);
/// Saturation and lightness of a role of class `other`.
const OTHER_SL: (f32, f32) = (0.55, 0.6);

/// The colour of a role class; `None` for [`RoleClass::Other`], whose roles are told apart by
/// name.
pub fn class_rgb(class: RoleClass) -> Option<Rgb> {
    Some(match class {
        RoleClass::Leader => [0.95, 0.75, 0.1],
        RoleClass::Candidate => [0.85, 0.35, 0.85],
        // Pale: asking around, not yet campaigning.
        RoleClass::PreCandidate => [0.93, 0.75, 0.95],
        RoleClass::Follower => [0.2, 0.55, 0.9],
        RoleClass::Client => [0.45, 0.7, 0.45],
        RoleClass::Other => return None,
    })
}

/// The fill colour of a node: by its role's class, so that a leader looks like a leader
/// whatever the protocol calls it.
pub fn node_rgb(view: &NodeView) -> Rgb {
    class_rgb(view.class).unwrap_or_else(|| hsl(hue(&view.role), OTHER_SL.0, OTHER_SL.1))
}

/// The colour of a message kind.
pub fn kind_rgb(kind: &str) -> Rgb {
    hsl(hue(kind), KIND_SL.0, KIND_SL.1)
}

/// A hue in degrees from a name's FNV-1a hash: stable across runs and platforms.
pub fn hue(name: &str) -> f32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    (h % 360) as f32
}

/// Converts hue (degrees), saturation and lightness to sRGB.
pub fn hsl(hue: f32, saturation: f32, lightness: f32) -> Rgb {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue.rem_euclid(360.0) / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    [r + m, g + m, b + m]
}

/// A colour as CSS (`#rrggbb`).
pub fn css(c: Rgb) -> String {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", byte(c[0]), byte(c[1]), byte(c[2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsl_converts_the_primary_and_grey_colours() {
        assert_eq!(css(hsl(0.0, 1.0, 0.5)), "#ff0000");
        assert_eq!(css(hsl(120.0, 1.0, 0.5)), "#00ff00");
        assert_eq!(css(hsl(240.0, 1.0, 0.5)), "#0000ff");
        assert_eq!(css(hsl(300.0, 1.0, 0.25)), "#800080");
        assert_eq!(css(hsl(77.0, 0.0, 0.6)), "#999999");
    }

    #[test]
    fn a_kind_keeps_its_colour_and_kinds_differ() {
        assert_eq!(kind_rgb("AppendEntries"), kind_rgb("AppendEntries"));
        assert_ne!(kind_rgb("AppendEntries"), kind_rgb("RequestVote"));
        // FNV-1a of the empty name is its offset basis.
        assert_eq!(hue(""), (0x811c_9dc5u32 % 360) as f32);
    }

    #[test]
    fn roles_of_class_other_are_told_apart_by_name() {
        let mut a = NodeView::new("acceptor", "");
        let b = NodeView::new("learner", "");
        assert_ne!(node_rgb(&a), node_rgb(&b));
        a.class = RoleClass::Leader;
        assert_eq!(node_rgb(&a), [0.95, 0.75, 0.1]);
    }
}
