//! The generic picture of a broadcast node for inspectors and the front end.

use crate::config::Dissemination;
use crate::node::BroadcastNode;
use sim_core::{NodeView, RoleClass, Table};

/// Deliveries listed in the view's table (the most recent ones).
const RECENT: usize = 16;

/// The node's role, for colour: tree position for the tree broadcast; otherwise its epidemic
/// state — `susceptible` (has seen nothing), `infected` (has something and, for rumors, is
/// still spreading it), `removed` (a rumor node that lost interest in everything it knows).
pub(crate) fn role(node: &BroadcastNode) -> &'static str {
    if let Dissemination::Tree(_) = node.cfg.dissemination {
        let links = node.tree_links();
        return match (links.parent, links.children.is_empty()) {
            _ if links.depth.is_none() => "detached",
            (None, _) => "root",
            (Some(_), false) => "inner",
            (Some(_), true) => "leaf",
        };
    }
    if node.seen.is_empty() {
        "susceptible"
    } else if matches!(node.cfg.dissemination, Dissemination::Rumor(_)) && node.rumor.hot.is_empty()
    {
        "removed"
    } else {
        "infected"
    }
}

fn variant(node: &BroadcastNode) -> &'static str {
    match (&node.cfg.dissemination, node.cfg.anti_entropy.is_some()) {
        (Dissemination::None, _) => "anti-entropy",
        (Dissemination::BestEffort, false) => "best-effort",
        (Dissemination::Reliable, false) => "reliable",
        (Dissemination::Rumor(_), false) => "rumor",
        (Dissemination::Tree(_), _) => "efficient",
        (Dissemination::BestEffort, true) => "best-effort + anti-entropy",
        (Dissemination::Reliable, true) => "reliable + anti-entropy",
        (Dissemination::Rumor(_), true) => "rumor + anti-entropy",
    }
}

pub(crate) fn view(node: &BroadcastNode) -> NodeView {
    let delivered = node.deliveries().len();
    // Broadcast has no leader: a tree's root is fixed by configuration, not elected.
    let mut v = NodeView::new(role(node), format!("{delivered} delivered"))
        .class(RoleClass::Other)
        .progress("delivered", delivered as u64)
        .field("variant", variant(node))
        .field("delivered", delivered)
        .field("broadcast here", node.originated().len())
        .field("incarnation", node.incarnation);
    if let Dissemination::Rumor(_) = node.cfg.dissemination {
        v = v.field("hot rumors", node.rumor.hot.len());
    }
    if let Dissemination::Tree(_) = node.cfg.dissemination {
        let parent = node
            .tree_parent()
            .map_or_else(|| "-".to_string(), |p| p.to_string());
        let children: Vec<String> = node.tree_children().iter().map(|c| c.to_string()).collect();
        v = v
            .field("parent", parent)
            .field("children", children.join(" "));
    }
    if node.cfg.anti_entropy.is_some() {
        v = v.field("digest origins", node.seen.origins());
    }
    let t = node.traffic();
    v = v
        .field("messages sent", t.messages)
        .field("bytes sent", t.bytes);
    let start = delivered.saturating_sub(RECENT);
    let rows: Vec<Vec<String>> = node.deliveries()[start..]
        .iter()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.payload.to_string(),
                (d.at - d.sent_at).to_string(),
                d.hops.to_string(),
            ]
        })
        .collect();
    let marked = node.deliveries()[start..]
        .iter()
        .map(|d| d.id.origin == node.id)
        .collect();
    v.table(Table {
        name: "recent deliveries".into(),
        columns: ["id", "payload", "latency", "hops"]
            .map(String::from)
            .to_vec(),
        rows,
        marked,
    })
}
