//! The generic picture of a layered node for inspectors and the front end.

use crate::node::LayeredNode;
use sim_core::{NodeView, RoleClass, Table};

/// `root` (leads the top group), `leader` (leads a group below the top), or `member`.
pub(crate) fn role(node: &LayeredNode) -> &'static str {
    let top = node.top_layer();
    if node.is_root_group()
        && node
            .layer(top)
            .is_some_and(|t| t.siblings().all(|(_, s)| s.rep > node.id()))
    {
        "root"
    } else if top > 0 {
        "leader"
    } else {
        "member"
    }
}

pub(crate) fn view(node: &LayeredNode) -> NodeView {
    let role = role(node);
    let class = match role {
        "root" => RoleClass::Leader,
        "leader" => RoleClass::Follower,
        _ => RoleClass::Other,
    };
    let global = node
        .global()
        .map_or_else(|| "-".to_string(), |g| g.to_string());
    let label = match node.global() {
        Some(g) if role == "root" => format!("root: {}", g.agg),
        _ => format!("value {}", node.value()),
    };
    let mut rows = Vec::new();
    for layer in 0..=node.top_layer() {
        if let Some(t) = node.layer(layer) {
            for (slot, s) in t.siblings() {
                rows.push(vec![
                    layer.to_string(),
                    slot.to_string(),
                    s.rep.to_string(),
                    s.summary.map_or_else(|| "-".to_string(), |x| x.to_string()),
                    s.heard.to_string(),
                ]);
            }
        }
    }
    let marked = vec![false; rows.len()];
    NodeView::new(role, label)
        .class(class)
        .field("value", node.value())
        .field("layers", u32::from(node.top_layer()) + 1)
        .field("global", global)
        .field("promotions", node.promotions())
        .field("messages sent", node.sent().messages)
        .table(Table {
            name: "siblings".into(),
            columns: ["layer", "slot", "representative", "summary", "last heard"]
                .map(String::from)
                .to_vec(),
            rows,
            marked,
        })
}
