//! The generic picture of a tree-sync node for inspectors and the front end (which draws the
//! parent links as the tree).

use crate::node::TreeNode;
use sim_core::{NodeView, RoleClass, Table};

/// `root` (acts as root), `inner` (has children), `leaf`, or `detached` (looking for a
/// parent).
pub(crate) fn role(node: &TreeNode) -> &'static str {
    if node.is_root() {
        "root"
    } else if node.parent().is_none() {
        "detached"
    } else if node.children().is_empty() {
        "leaf"
    } else {
        "inner"
    }
}

/// The root leads the tree (with `elect_root` it is elected); attached nodes follow it; a
/// detached node belongs to no tree.
fn class(node: &TreeNode) -> RoleClass {
    if node.is_root() {
        RoleClass::Leader
    } else if node.parent().is_none() {
        RoleClass::Other
    } else {
        RoleClass::Follower
    }
}

pub(crate) fn view(node: &TreeNode) -> NodeView {
    let sub = node.subtree();
    let label = match node.global() {
        Some(g) if node.is_root() => format!("root: {g}"),
        _ => format!("value {}", node.value()),
    };
    let parent = node
        .parent()
        .map_or_else(|| "-".to_string(), |p| p.to_string());
    let children: Vec<String> = node.children().iter().map(|(c, _)| c.to_string()).collect();
    let mut v = NodeView::new(role(node), label)
        .class(class(node))
        .field("value", node.value())
        .field(
            "root",
            node.root()
                .map_or_else(|| "-".to_string(), |r| r.to_string()),
        )
        .field("parent", parent)
        .field("children", children.join(" "))
        .field(
            "depth",
            node.depth()
                .map_or_else(|| "-".to_string(), |d| d.to_string()),
        )
        .field("subtree", sub)
        .field(
            "global",
            node.global_summary()
                .map_or_else(|| "-".to_string(), |g| g.to_string()),
        )
        .field("round", node.stamp())
        .field("lowest root heard of", node.lowest_heard())
        .field("messages sent", node.sent());
    let rows: Vec<Vec<String>> = node
        .children()
        .iter()
        .map(|(c, info)| {
            vec![
                c.to_string(),
                info.agg.map_or_else(|| "-".to_string(), |a| a.to_string()),
                info.heard.to_string(),
            ]
        })
        .collect();
    let marked = vec![false; rows.len()];
    v = v.table(Table {
        name: "children".into(),
        columns: ["child", "subtree", "last heard"]
            .map(String::from)
            .to_vec(),
        rows,
        marked,
    });
    v
}
