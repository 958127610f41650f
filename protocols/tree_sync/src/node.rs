//! The tree-sync node: state, rounds down the tree and reports up it. Finding a new parent is
//! in `repair`.

use crate::aggregate::Aggregate;
use crate::config::{Bug, Config, Value};
use crate::message::{Msg, Round};
use crate::summary::Summary;
use litemap::LiteMap;
use serde::Serialize;
use sim_core::{Ctx, Duration, Mark, Message, Node, NodeId, NodeView, Time};
use std::collections::BTreeMap;

/// What a tree-sync node's timers mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Timer {
    /// The periodic round: the root starts one; the others check their parent and children.
    Tick,
    /// The node's value changes (the configured workload).
    Change,
}

/// What a parent knows of one child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Child {
    /// The child's last reported subtree summary (`None` before its first report).
    pub agg: Option<Summary>,
    /// When (on this node's clock) the child was last heard from.
    pub heard: Time,
}

/// A parent offered to a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Offered {
    pub(crate) round: Round,
    pub(crate) path: Vec<NodeId>,
}

/// A node of hierarchical sync: keeps a value, its place in a spanning tree, its children's
/// subtree aggregates and the root's aggregate of the whole tree.
///
/// # How it runs
/// Every `period` the root starts a round: it sends `Down` (the round — its id and stamp —,
/// the path `[root]` and the aggregate of its subtree, which is the whole tree) to its
/// children. A node that gets a newer round from its parent adopts it, forwards it to its
/// children with itself added to the path, and answers its parent with a `Report` of its
/// subtree's aggregate. So aggregates move up one level per round and the root's aggregate
/// reaches everyone in one.
///
/// A child whose next round is overdue (a period and a half since the last) sends its parent
/// a digest on its tick: its subtree's aggregate and the newest round it saw. A parent that
/// has a newer round answers with it, so a lost message delays the child by a tick instead of
/// costing it its parent, and the parent's record of the subtree is refreshed either way.
///
/// A node that hears no new round from its parent for `parent_timeout` leaves it and, on
/// each tick, probes its neighbours; it attaches to the best neighbour whose round it
/// prefers to the newest it saw itself (then that neighbour cannot be below it, since the
/// node forwarded nothing it prefers), breaking remaining ties by depth. Paths carried down
/// catch any loop a stale offer could still make.
///
/// # Root election (`Config::elect_root`)
/// Rounds are preferred by root id (lower first), then by stamp (newer first), and a node
/// only ever takes a round of a root with a lower id than its own: otherwise it would be the
/// better root. A node that has probed for `parent_timeout` without finding a parent (a
/// restarted node: since it started) acts as root and announces itself to its neighbours. Every
/// node remembers the lowest root id it has heard of (carried by every message but offers);
/// a node in a tree whose root is above that id probes one neighbour per tick (a root: all of
/// them) and moves, with its subtree, to a neighbour that offers a lower root. So the lowest
/// live id that can be reached becomes the root, after a root crash, after it restarts, and
/// after a partition heals. A node never takes a round of a root no newer than the newest
/// round of that root it has held, so a dead root's last rounds cannot come back.
#[derive(Clone, Debug)]
pub struct TreeNode {
    pub(crate) id: NodeId,
    pub(crate) n: u32,
    pub(crate) cfg: Config,
    pub(crate) value: i64,
    pub(crate) parent: Option<NodeId>,
    /// True while this node acts as root (the fixed root always does).
    pub(crate) leads: bool,
    /// Root first, this node last; empty until the first round arrives.
    pub(crate) path: Vec<NodeId>,
    /// The round this node follows (for a root, its own latest); kept when the parent is
    /// lost, as the round an offer must beat.
    pub(crate) round: Option<Round>,
    /// The newest stamp held of each root, so that no older round of it is ever taken again.
    pub(crate) known: LiteMap<NodeId, Time>,
    /// The lowest root id heard of.
    pub(crate) lowest: NodeId,
    /// When (local clock) the newest round arrived.
    pub(crate) fresh_at: Time,
    /// When (local clock) this node last lost its parent (or started without one).
    pub(crate) detached_at: Time,
    /// Which neighbour the next probe of a node in a tree goes to.
    pub(crate) probe_next: usize,
    /// When (local clock) this node last asked its parent for an overdue round.
    pub(crate) asked_at: Option<Time>,
    pub(crate) children: LiteMap<NodeId, Child>,
    pub(crate) global: Option<Summary>,
    pub(crate) offers: BTreeMap<NodeId, Offered>,
    pub(crate) sent: u64,
    pub(crate) bytes: u64,
    pub(crate) parent_changes: u64,
}

impl TreeNode {
    /// Sets this node's value (a sensor reading, a load figure); it reaches the root's
    /// aggregate within a round per level.
    pub fn set_value(&mut self, value: i64, _ctx: &mut Ctx<'_, Self>) {
        self.value = value;
    }

    /// True while this node acts as root.
    pub fn is_root(&self) -> bool {
        self.leads
    }

    /// True if the node is in a tree (a root, or a node with a parent).
    pub fn is_attached(&self) -> bool {
        self.leads || self.parent.is_some()
    }

    /// The aggregate of this node's subtree, from its value and its children's last reports.
    pub fn subtree(&self) -> Aggregate {
        self.children
            .values()
            .filter_map(|c| c.agg)
            .fold(Aggregate::of(self.value), |a, c| a.merged(&c.agg))
    }

    /// [`TreeNode::subtree`] with its as-of time, the value read at `now`.
    pub fn subtree_summary(&self, now: Time) -> Summary {
        self.children
            .values()
            .filter_map(|c| c.agg)
            .fold(Summary::of(self.value, now), |a, c| a.merged(&c))
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

    /// The node's children, with what it knows of each, by id.
    pub fn children(&self) -> &[(NodeId, Child)] {
        self.children.as_slice()
    }

    /// Whether `id` is among the node's children.
    pub fn has_child(&self, id: NodeId) -> bool {
        self.children.contains_key(&id)
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
        self.global.map(|g| g.agg)
    }

    /// [`TreeNode::global`] with the time its oldest value was read.
    pub fn global_summary(&self) -> Option<Summary> {
        self.global
    }

    /// The newest round this node has seen (`ZERO` before the first).
    pub fn stamp(&self) -> Time {
        self.round.map_or(Time::ZERO, |r| r.stamp)
    }

    /// The round this node follows, if any (kept, as the one to beat, after losing a parent).
    pub fn round(&self) -> Option<Round> {
        self.round
    }

    /// The root this node follows while it is in a tree (itself, when it acts as root).
    pub fn root(&self) -> Option<NodeId> {
        if self.leads {
            Some(self.id)
        } else if self.parent.is_some() {
            self.round.map(|r| r.root)
        } else {
            None
        }
    }

    /// The lowest root id this node has heard of.
    pub fn lowest_heard(&self) -> NodeId {
        self.lowest
    }

    /// Messages this incarnation has sent.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Bytes this incarnation has sent.
    pub fn bytes_sent(&self) -> u64 {
        self.bytes
    }

    /// How many times this incarnation has changed parent.
    pub fn parent_changes(&self) -> u64 {
        self.parent_changes
    }

    /// True if `path` could be a path from `root` to `sender`: it starts at the root, ends
    /// at the sender, repeats no node and is shorter than the cluster.
    pub(crate) fn is_valid_path(&self, path: &[NodeId], sender: NodeId, root: NodeId) -> bool {
        if path.first() != Some(&root)
            || path.last() != Some(&sender)
            || path.len() >= self.n as usize
        {
            return false;
        }
        let mut sorted = path.to_vec();
        sorted.sort_unstable();
        sorted.windows(2).all(|w| w[0] != w[1])
    }

    /// True if `root` may root a tree this node is in: a lower id than its own when roots
    /// are elected, the configured root otherwise.
    pub(crate) fn may_follow(&self, root: NodeId) -> bool {
        if self.cfg.elect_root {
            root < self.id
        } else {
            root == self.cfg.root
        }
    }

    /// True if `round` is newer than every round of its root this node has held.
    pub(crate) fn is_unseen(&self, round: &Round) -> bool {
        self.known.get(&round.root).is_none_or(|&s| round.stamp > s)
    }

    /// Notes that a root with id `root` exists (or existed).
    pub(crate) fn hear_of(&mut self, root: NodeId) {
        if self.cfg.elect_root && root.0 < self.n {
            self.lowest = self.lowest.min(root);
        }
    }

    /// True if this node is in a tree whose root is above the lowest id it has heard of, so
    /// that it should look for the better tree.
    pub(crate) fn is_suspect(&self) -> bool {
        self.cfg.elect_root && self.root().is_some_and(|r| self.lowest < r)
    }

    pub(crate) fn send(&mut self, to: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        debug_assert!(msg.size() > 0);
        self.sent += 1;
        self.bytes += msg.size();
        ctx.send(to, msg);
    }

    pub(crate) fn unlink(&mut self, to: NodeId, ctx: &mut Ctx<'_, Self>) {
        let lowest = self.lowest;
        self.send(to, Msg::Unlink { lowest }, ctx);
    }

    /// Sets the next change of the value after `begin` (not before now), if any.
    fn schedule_change(&mut self, begin: Time, ctx: &mut Ctx<'_, Self>) {
        let Some(changes) = &self.cfg.changes else {
            return;
        };
        let now = ctx.now();
        if let Some(wait) = changes.next_change(begin, now, ctx.rng()) {
            ctx.set_timer(wait, Timer::Change);
        }
    }

    /// The root starts a round.
    pub(crate) fn start_round(&mut self, ctx: &mut Ctx<'_, Self>) {
        let mut stamp = ctx.now();
        if let Some(&last) = self.known.get(&self.id)
            && stamp <= last
        {
            stamp = Time(last.0 + 1);
        }
        let round = Round {
            root: self.id,
            stamp,
        };
        self.round = Some(round);
        self.known.insert(self.id, stamp);
        self.fresh_at = ctx.local_time();
        let global = self.subtree_summary(ctx.now());
        self.global = Some(global);
        self.path = vec![self.id];
        self.send_down(global, ctx);
    }

    fn send_down(&mut self, global: Summary, ctx: &mut Ctx<'_, Self>) {
        let Some(round) = self.round else { return };
        let kids: Vec<NodeId> = self.children.keys().copied().collect();
        for c in kids {
            let msg = Msg::Down {
                round,
                path: self.path.clone(),
                global,
                lowest: self.lowest,
            };
            self.send(c, msg, ctx);
        }
    }

    /// A round from `from`: adopt and forward it if it is new and comes from the parent.
    fn on_down(
        &mut self,
        from: NodeId,
        round: Round,
        path: Vec<NodeId>,
        global: Summary,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if self.leads || self.parent != Some(from) {
            // It takes this node for its child; it is not.
            self.unlink(from, ctx);
            return;
        }
        if !self.is_valid_path(&path, from, round.root)
            || (!self.cfg.elect_root && round.root != self.cfg.root)
            || global.as_of > ctx.now()
        {
            return;
        }
        if path.contains(&self.id) {
            ctx.annotate(format!("loop through {from} detected; leaving it"));
            self.unlink(from, ctx);
            self.detach(ctx);
            return;
        }
        if !self.is_unseen(&round) {
            return;
        }
        if !self.may_follow(round.root) {
            // The parent gave up on the old root and follows one above this node, which
            // would be the better root itself.
            ctx.annotate(format!(
                "parent {from} now follows {}, above this node; acting as root",
                round.root
            ));
            self.unlink(from, ctx);
            self.detach(ctx);
            self.lead(ctx);
            return;
        }
        // A round the node has not held: newer from the same root, from a lower root, or —
        // when the parent gave up on the old root — from the root the parent follows now.
        self.round = Some(round);
        self.known.insert(round.root, round.stamp);
        self.fresh_at = ctx.local_time();
        self.path = path;
        self.path.push(self.id);
        self.global = Some(global);
        ctx.mark(Mark::Converged {
            round: round.stamp.0,
        });
        self.send_down(global, ctx);
        self.report(ctx);
    }

    /// Sends the parent this node's digest: its subtree's aggregate and its newest round.
    pub(crate) fn report(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let Some(parent) = self.parent {
            let msg = Msg::Report {
                agg: self.subtree_summary(ctx.now()),
                round: self.round,
                lowest: self.lowest,
            };
            self.send(parent, msg, ctx);
        }
    }

    /// Hands the current round to `child`, whose digest shows it missed it.
    fn catch_up(&mut self, child: NodeId, ctx: &mut Ctx<'_, Self>) {
        if let Some(global) = self.global
            && let Some(round) = self.round
            && !self.path.is_empty()
        {
            let msg = Msg::Down {
                round,
                path: self.path.clone(),
                global,
                lowest: self.lowest,
            };
            self.send(child, msg, ctx);
        }
    }

    /// A digest from a node that takes this one for its parent.
    fn on_report(
        &mut self,
        from: NodeId,
        agg: Summary,
        round: Option<Round>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if self.parent == Some(from)
            || self.path.contains(&from)
            || !agg.agg.is_consistent()
            || agg.as_of > ctx.now()
        {
            // An ancestor cannot be a child: refuse the link rather than close a loop.
            self.unlink(from, ctx);
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
        let behind = match (round, self.round) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(theirs), Some(mine)) => theirs.root != mine.root || theirs.stamp < mine.stamp,
        };
        if behind {
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
        !self.leads
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
        if let Some(p) = self.parent
            && now.saturating_since(self.fresh_at) > self.cfg.parent_timeout
        {
            ctx.annotate(format!("no round from parent {p}; looking for another"));
            self.unlink(p, ctx);
            self.detach(ctx);
        }
        let lost = !self.is_attached();
        if !(lost && self.cfg.has(Bug::NoRepair)) && self.take_best_offer(ctx) {
            // Attached (again, or to a tree under a lower root).
        } else if self.leads {
            self.start_round(ctx);
            if self.is_suspect() {
                self.probe_all(ctx);
            }
        } else if lost {
            if self.cfg.has(Bug::NoRepair) {
                self.offers.clear();
            } else if self.cfg.elect_root
                && now.saturating_since(self.detached_at) > self.cfg.parent_timeout
            {
                ctx.annotate(format!(
                    "no parent found for {}; acting as root",
                    self.cfg.parent_timeout
                ));
                self.lead(ctx);
            } else {
                self.probe_all(ctx);
            }
        } else {
            if self.is_overdue(now) && !self.cfg.has(Bug::NoCatchUp) {
                self.ask(ctx);
            }
            if self.is_suspect() {
                self.probe_one(ctx);
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
        // The fixed root always leads. With election, the configured root leads the first
        // tree only; a restarted node looks for a parent like any node that lost its own, and
        // acts as root only if it finds none for `parent_timeout`. (Were it to lead at once,
        // its former children, still reporting to it, would follow its round for a tick and
        // those with lower ids would take over as roots: churn all over its old subtree.)
        let leads = id == config.root && (ctx.incarnation() == 0 || !config.elect_root);
        let mut node = TreeNode {
            id,
            n,
            cfg: config.clone(),
            value,
            parent: None,
            leads,
            path: Vec::new(),
            round: None,
            known: LiteMap::new(),
            lowest: if leads {
                config.root.min(id)
            } else {
                config.root
            },
            fresh_at: ctx.local_time(),
            detached_at: ctx.local_time(),
            probe_next: 0,
            asked_at: None,
            children: LiteMap::new(),
            global: None,
            offers: BTreeMap::new(),
            sent: 0,
            bytes: 0,
            parent_changes: 0,
        };
        if ctx.incarnation() == 0 {
            // The first tree is the overlay's breadth-first tree; a restarted node instead
            // looks for a parent (or, with election, leads until it finds one), since the
            // tree has moved on without it.
            let links = config.overlay.tree_links(id, n, config.root);
            node.parent = links.parent;
            let heard = ctx.local_time();
            node.children = LiteMap::with_capacity(links.children.len());
            for c in links.children {
                node.children.insert(c, Child { agg: None, heard });
            }
        }
        if node.leads {
            node.path = vec![id];
        }
        // The first tree is told like every later attachment, so that what draws the tree
        // from the trace's marks sees it from the start (a mark is no part of the run).
        match (node.parent, node.leads) {
            (Some(parent), _) => ctx.mark(Mark::Joined { parent }),
            (None, true) => ctx.mark(Mark::Joined { parent: id }),
            (None, false) => {}
        }
        let period = config.period.0.max(1);
        let first = Duration(1 + ctx.rng().below(period));
        ctx.set_timer(first, Timer::Tick);
        if let Some(c) = &config.changes {
            node.schedule_change(Time::ZERO + c.start, ctx);
        }
        node
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        if from == self.id {
            // No link runs from a node to itself; nothing here could make sense of one.
            return;
        }
        match msg {
            Msg::Down {
                round,
                path,
                global,
                lowest,
            } => {
                self.hear_of(lowest);
                self.hear_of(round.root);
                self.on_down(from, round, path, global, ctx);
            }
            Msg::Report { agg, round, lowest } => {
                self.hear_of(lowest);
                if let Some(r) = round {
                    self.hear_of(r.root);
                }
                self.on_report(from, agg, round, ctx);
            }
            Msg::Probe {
                round,
                lowest,
                attached,
            } => {
                self.hear_of(lowest);
                if let Some(r) = round {
                    self.hear_of(r.root);
                }
                self.on_probe(from, round, attached, ctx);
            }
            Msg::Offer { round, path } => {
                self.hear_of(round.root);
                self.on_offer(from, round, path);
            }
            Msg::Unlink { lowest } => {
                self.hear_of(lowest);
                self.on_unlink(from, ctx);
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Tick => self.tick(ctx),
            Timer::Change => {
                self.value += 1;
                self.schedule_change(ctx.now(), ctx);
            }
        }
    }

    fn view(&self) -> NodeView {
        crate::view::view(self)
    }
}
