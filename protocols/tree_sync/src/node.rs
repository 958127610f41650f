//! The tree-sync node: state, rounds down the tree and reports up it. Finding a new parent is
//! in `repair`.

use crate::aggregate::Aggregate;
use crate::config::{Bug, Config, Value};
use crate::message::Msg;
use serde::Serialize;
use sim_core::{Ctx, Duration, Message, Node, NodeId, NodeView, Time};
use std::collections::BTreeMap;

/// What a tree-sync node's one timer means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Timer {
    /// The periodic round: the root starts one; the others check their parent and children.
    Tick,
}

/// What a parent knows of one child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Child {
    /// The child's last reported subtree aggregate (`None` before its first report).
    pub agg: Option<Aggregate>,
    /// When (on this node's clock) the child was last heard from.
    pub heard: Time,
}

/// A parent offered to a node that lost its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Offered {
    pub(crate) stamp: Time,
    pub(crate) path: Vec<NodeId>,
}

/// A node of hierarchical sync: keeps a value, its place in a spanning tree, its children's
/// subtree aggregates and the root's aggregate of the whole tree.
///
/// # How it runs
/// Every `period` the root starts a round: it sends `Down` (its stamp, the path `[root]` and
/// the aggregate of its subtree, which is the whole tree) to its children. A node that gets a
/// newer round from its parent adopts it, forwards it to its children with itself added to
/// the path, and answers its parent with a `Report` of its subtree's aggregate. So aggregates
/// move up one level per round and the root's aggregate reaches everyone in one.
///
/// A child whose next round is overdue (a period and a half since the last) sends its parent
/// a digest on its tick: its subtree's aggregate and the newest round it saw. A parent that
/// has a newer round answers with it, so a lost message delays the child by a tick instead of
/// costing it its parent, and the parent's record of the subtree is refreshed either way.
///
/// A node that hears no new round from its parent for `parent_timeout` leaves it and, on
/// each tick, probes its neighbours; it attaches to the best neighbour that offers a round
/// *newer* than the newest it saw itself (then that neighbour cannot be below it, since the
/// node forwarded nothing newer), breaking remaining ties by depth. Paths carried down catch
/// any loop a stale offer could still make.
#[derive(Clone, Debug)]
pub struct TreeNode {
    pub(crate) id: NodeId,
    pub(crate) n: u32,
    pub(crate) cfg: Config,
    pub(crate) value: i64,
    pub(crate) parent: Option<NodeId>,
    /// Root first, this node last; empty until the first round arrives.
    pub(crate) path: Vec<NodeId>,
    /// The newest round seen, and when (local clock) it arrived.
    pub(crate) stamp: Time,
    pub(crate) fresh_at: Time,
    /// When (local clock) this node last asked its parent for an overdue round.
    pub(crate) asked_at: Option<Time>,
    pub(crate) children: BTreeMap<NodeId, Child>,
    pub(crate) global: Option<Aggregate>,
    pub(crate) offers: BTreeMap<NodeId, Offered>,
    pub(crate) sent: u64,
    pub(crate) parent_changes: u64,
}

impl TreeNode {
    /// Sets this node's value (a sensor reading, a load figure); it reaches the root's
    /// aggregate within a round per level.
    pub fn set_value(&mut self, value: i64, _ctx: &mut Ctx<'_, Self>) {
        self.value = value;
    }

    /// True for the configured root.
    pub fn is_root(&self) -> bool {
        self.id == self.cfg.root
    }

    /// True if the node is in the tree (the root, or a node with a parent).
    pub fn is_attached(&self) -> bool {
        self.is_root() || self.parent.is_some()
    }

    /// The aggregate of this node's subtree, from its value and its children's last reports.
    pub fn subtree(&self) -> Aggregate {
        self.children
            .values()
            .filter_map(|c| c.agg)
            .fold(Aggregate::of(self.value), |a, c| a.merged(&c))
    }

    /// The node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's value.
    pub fn value(&self) -> i64 {
        self.value
    }

    /// The node's parent.
    pub fn parent(&self) -> Option<NodeId> {
        self.parent
    }

    /// The node's children, with what it knows of each.
    pub fn children(&self) -> &BTreeMap<NodeId, Child> {
        &self.children
    }

    /// The path from the root to this node, as last learned (empty if not known).
    pub fn path(&self) -> &[NodeId] {
        &self.path
    }

    /// Hops from the root, if known.
    pub fn depth(&self) -> Option<usize> {
        self.path.len().checked_sub(1)
    }

    /// The root's aggregate of the whole tree as last disseminated to this node (for the root,
    /// the aggregate of its last round).
    pub fn global(&self) -> Option<Aggregate> {
        self.global
    }

    /// The newest round this node has seen (the root's stamp).
    pub fn stamp(&self) -> Time {
        self.stamp
    }

    /// Messages this incarnation has sent.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// How many times this incarnation has changed parent.
    pub fn parent_changes(&self) -> u64 {
        self.parent_changes
    }

    /// True if `path` could be a path from the root to `sender`: it starts at the root, ends
    /// at the sender, repeats no node and is shorter than the cluster.
    pub(crate) fn is_valid_path(&self, path: &[NodeId], sender: NodeId) -> bool {
        if path.first() != Some(&self.cfg.root)
            || path.last() != Some(&sender)
            || path.len() >= self.n as usize
        {
            return false;
        }
        let mut sorted = path.to_vec();
        sorted.sort_unstable();
        sorted.windows(2).all(|w| w[0] != w[1])
    }

    pub(crate) fn send(&mut self, to: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        debug_assert!(msg.size() > 0);
        self.sent += 1;
        ctx.send(to, msg);
    }

    /// The root starts a round.
    fn start_round(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.stamp = ctx.now();
        self.fresh_at = ctx.local_time();
        let global = self.subtree();
        self.global = Some(global);
        self.path = vec![self.id];
        self.send_down(global, ctx);
    }

    fn send_down(&mut self, global: Aggregate, ctx: &mut Ctx<'_, Self>) {
        let kids: Vec<NodeId> = self.children.keys().copied().collect();
        for c in kids {
            let msg = Msg::Down {
                stamp: self.stamp,
                path: self.path.clone(),
                global,
            };
            self.send(c, msg, ctx);
        }
    }

    /// A round from `from`: adopt and forward it if it is new and comes from the parent.
    fn on_down(
        &mut self,
        from: NodeId,
        stamp: Time,
        path: Vec<NodeId>,
        global: Aggregate,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if self.is_root() || self.parent != Some(from) {
            // It takes this node for its child; it is not.
            self.send(from, Msg::Unlink, ctx);
            return;
        }
        if !self.is_valid_path(&path, from) {
            return;
        }
        if path.contains(&self.id) {
            ctx.annotate(format!("loop through {from} detected; leaving it"));
            self.send(from, Msg::Unlink, ctx);
            self.detach(ctx);
            return;
        }
        if stamp <= self.stamp {
            return;
        }
        self.stamp = stamp;
        self.fresh_at = ctx.local_time();
        self.path = path;
        self.path.push(self.id);
        self.global = Some(global);
        self.send_down(global, ctx);
        self.report(ctx);
    }

    /// Sends the parent this node's digest: its subtree's aggregate and its newest round.
    pub(crate) fn report(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let Some(parent) = self.parent {
            let msg = Msg::Report {
                agg: self.subtree(),
                stamp: self.stamp,
            };
            self.send(parent, msg, ctx);
        }
    }

    /// Hands the current round to `child`, whose digest shows it missed it.
    fn catch_up(&mut self, child: NodeId, ctx: &mut Ctx<'_, Self>) {
        if let Some(global) = self.global
            && !self.path.is_empty()
        {
            let msg = Msg::Down {
                stamp: self.stamp,
                path: self.path.clone(),
                global,
            };
            self.send(child, msg, ctx);
        }
    }

    /// A digest from a node that takes this one for its parent.
    fn on_report(&mut self, from: NodeId, agg: Aggregate, stamp: Time, ctx: &mut Ctx<'_, Self>) {
        if self.parent == Some(from) || self.path.contains(&from) || !agg.is_consistent() {
            // An ancestor cannot be a child: refuse the link rather than close a loop.
            self.send(from, Msg::Unlink, ctx);
            return;
        }
        let heard = ctx.local_time();
        self.children.insert(
            from,
            Child {
                agg: Some(agg),
                heard,
            },
        );
        if self.cfg.has(Bug::NoCatchUp) || !self.is_attached() {
            return;
        }
        if stamp < self.stamp {
            self.catch_up(from, ctx);
        } else if self.is_overdue(heard) {
            // The child is as far behind as this node: the round was lost above here, so
            // ask for it now rather than at this node's next tick.
            self.ask(ctx);
        }
    }

    /// True if at local time `now` the next round is overdue: a period and a half since the
    /// last, so that latency jitter on a round that is merely late asks for nothing.
    fn is_overdue(&self, now: Time) -> bool {
        !self.is_root()
            && now.saturating_since(self.fresh_at)
                > self.cfg.period + Duration(self.cfg.period.0 / 2)
    }

    /// Sends the parent a digest that asks for the round this node missed (a lost `Down`
    /// or `Report`, or a parent that is gone); at most once per half period, however many
    /// children ask through this node.
    fn ask(&mut self, ctx: &mut Ctx<'_, Self>) {
        let now = ctx.local_time();
        let half = Duration(self.cfg.period.0 / 2);
        if self
            .asked_at
            .is_some_and(|t| now.saturating_since(t) < half)
        {
            return;
        }
        self.asked_at = Some(now);
        self.report(ctx);
    }

    /// The periodic work.
    fn tick(&mut self, ctx: &mut Ctx<'_, Self>) {
        let now = ctx.local_time();
        let timeout = self.cfg.child_timeout;
        if !self.cfg.has(Bug::KeepDeadChildren) {
            self.children
                .retain(|_, c| now.saturating_since(c.heard) <= timeout);
        }
        if self.is_root() {
            self.start_round(ctx);
        } else {
            if let Some(p) = self.parent
                && now.saturating_since(self.fresh_at) > self.cfg.parent_timeout
            {
                ctx.annotate(format!("no round from parent {p}; looking for another"));
                self.send(p, Msg::Unlink, ctx);
                self.detach(ctx);
            }
            if self.parent.is_none() {
                if !self.cfg.has(Bug::NoRepair) {
                    self.seek_parent(ctx);
                }
            } else if self.is_overdue(now) && !self.cfg.has(Bug::NoCatchUp) {
                self.ask(ctx);
            }
        }
        ctx.set_timer(self.cfg.period, Timer::Tick);
    }
}

impl Node for TreeNode {
    type Message = Msg;
    type Timer = Timer;
    type Record = ();
    type Config = Config;

    fn start(id: NodeId, config: &Config, ctx: &mut Ctx<'_, Self>) -> Self {
        let n = ctx.node_count();
        let value = match config.value {
            Value::Id => i64::from(id.0),
            Value::Constant(v) => v,
            Value::Random { min, max } => {
                let span = (i128::from(max) - i128::from(min)) as u64;
                (i128::from(min) + i128::from(ctx.rng().between(0, span))) as i64
            }
        };
        let mut node = TreeNode {
            id,
            n,
            cfg: config.clone(),
            value,
            parent: None,
            path: Vec::new(),
            stamp: Time::ZERO,
            fresh_at: ctx.local_time(),
            asked_at: None,
            children: BTreeMap::new(),
            global: None,
            offers: BTreeMap::new(),
            sent: 0,
            parent_changes: 0,
        };
        if ctx.incarnation() == 0 {
            // The first tree is the overlay's breadth-first tree; a restarted node instead
            // looks for a parent, since the tree has moved on without it.
            let links = config.overlay.tree_links(id, n, config.root);
            node.parent = links.parent;
            let heard = ctx.local_time();
            for c in links.children {
                node.children.insert(c, Child { agg: None, heard });
            }
        }
        if node.is_root() {
            node.path = vec![id];
        }
        let period = config.period.0.max(1);
        let first = Duration(1 + ctx.rng().below(period));
        ctx.set_timer(first, Timer::Tick);
        node
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        if from == self.id {
            // No link runs from a node to itself; nothing here could make sense of one.
            return;
        }
        match msg {
            Msg::Down {
                stamp,
                path,
                global,
            } => self.on_down(from, stamp, path, global, ctx),
            Msg::Report { agg, stamp } => self.on_report(from, agg, stamp, ctx),
            Msg::Probe { stamp } => self.on_probe(from, stamp, ctx),
            Msg::Offer { stamp, path } => self.on_offer(from, stamp, path),
            Msg::Unlink => self.on_unlink(from, ctx),
        }
    }

    fn on_timer(&mut self, Timer::Tick: Timer, ctx: &mut Ctx<'_, Self>) {
        self.tick(ctx);
    }

    fn view(&self) -> NodeView {
        crate::view::view(self)
    }
}
