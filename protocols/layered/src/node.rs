//! The layered node: its state, the periodic sync up the layers, and what it does with the
//! syncs and redirects it receives.

use crate::config::{Bug, Config};
use crate::layout::Layout;
use crate::message::Msg;
use crate::siblings::{Layer, Sibling};
use serde::Serialize;
use sim_core::{Ctx, Duration, Mark, Node, NodeId, NodeView, Time};
use tree_sync::Summary;
use tree_sync::{Changes, Value};

/// What a layered node's timers mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Timer {
    /// The periodic sync.
    Tick,
    /// The node's value changes (the configured workload).
    Change,
}

/// Messages and bytes a node has sent, for the hot-spot figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sent {
    /// Messages sent.
    pub messages: u64,
    /// Bytes sent.
    pub bytes: u64,
}

/// A node of the layered group hierarchy.
///
/// # How it runs
/// Ids are cut into groups of `g` consecutive ids (layer 0). Every period a node sends its
/// value to the other members of its group, so each member knows its group's aggregate. A
/// group is led by its lowest live member; the leaders of `g` neighbouring groups form a
/// layer-1 group and exchange their groups' aggregates the same way, and so on: the leader of
/// a layer-`ℓ` group takes part in layer `ℓ + 1`. Whoever takes part in the top layer (one
/// group over the whole cluster) knows the global aggregate, and every sync carries the
/// freshest global its sender holds, so the global comes back down one layer per sync.
///
/// # Failures
/// A sibling not heard from for `timeout` counts as gone: its summary leaves the aggregate,
/// and if it led, the next lowest live id of its group leads in its place and starts
/// syncing one layer up. Its new siblings accept it once the old leader has been silent for
/// `timeout` (or at once, if it has a lower id, as a restarted leader does). A node that
/// syncs with a block whose leader fell silent tries that block's next id each period; a node
/// that gets a sync for a layer it does not take part in answers with the leader it knows
/// ([`Msg::Leader`]).
///
/// Every summary carries its as-of time (see [`Summary`]), so each node knows how stale its
/// view of the whole may be.
#[derive(Clone, Debug)]
pub struct LayeredNode {
    pub(crate) id: NodeId,
    pub(crate) layout: Layout,
    pub(crate) period: Duration,
    pub(crate) timeout: Duration,
    keep_dead: bool,
    no_reelection: bool,
    /// How the value changes, if it does.
    changes: Option<Changes>,
    pub(crate) value: i64,
    /// What the node knows of its siblings at each layer it takes part in or once did.
    pub(crate) layers: Vec<Layer>,
    /// The highest layer the node took part in at its last sync.
    pub(crate) top: u8,
    pub(crate) global: Option<Summary>,
    pub(crate) sent: Sent,
    /// How many times the node started leading a group it did not lead at its previous sync.
    pub(crate) promotions: u64,
}

impl LayeredNode {
    /// Sets this node's value (a reading, a load figure); the next sync carries it.
    pub fn set_value(&mut self, value: i64, _ctx: &mut Ctx<'_, Self>) {
        self.value = value;
    }

    /// The node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's value.
    pub fn value(&self) -> i64 {
        self.value
    }

    /// The freshest summary of the whole cluster this node holds.
    pub fn global(&self) -> Option<Summary> {
        self.global
    }

    /// The highest layer the node took part in at its last sync (0: a plain member).
    pub fn top_layer(&self) -> u8 {
        self.top
    }

    /// The hierarchy's shape as this node computes it.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// True if the node took part in the top layer at its last sync: it computes the global
    /// summary itself.
    pub fn is_root_group(&self) -> bool {
        self.top == self.layout.top
    }

    /// What the node knows of its siblings at `layer`, if it ever took part in it.
    pub fn layer(&self, layer: u8) -> Option<&Layer> {
        self.layers.get(usize::from(layer))
    }

    /// Messages and bytes sent by this incarnation.
    pub fn sent(&self) -> Sent {
        self.sent
    }

    /// How many times this incarnation started leading a group.
    pub fn promotions(&self) -> u64 {
        self.promotions
    }

    /// Who this node takes for the leader of its layer-`layer` group at local time `now`:
    /// the lowest id among itself and the siblings heard from within the timeout.
    pub fn leader_of(&self, layer: u8, now: Time) -> Option<NodeId> {
        let table = self.layers.get(usize::from(layer))?;
        if self.no_reelection {
            let first = self.layout.block(layer + 1, self.id) * self.layout.span(layer + 1);
            return Some(NodeId(first as u32));
        }
        let lowest = table
            .fresh(now, self.timeout)
            .map(|s| s.rep)
            .min()
            .map_or(self.id, |r| r.min(self.id));
        Some(lowest)
    }

    /// The highest layer this node takes part in at local time `now`: every layer up to the
    /// first whose group it does not lead.
    fn participation(&mut self, now: Time) -> u8 {
        let mut layer = 0u8;
        loop {
            if usize::from(layer) == self.layers.len() {
                self.layers
                    .push(Layer::new(&self.layout, layer, self.id, now));
            }
            if layer == self.layout.top || self.leader_of(layer, now) != Some(self.id) {
                return layer;
            }
            layer += 1;
        }
    }

    /// The summary of the group at `layer` (the node's block one level up): `own`, the
    /// node's block summary at that layer, with every sibling's heard within the timeout.
    fn group_summary(&self, layer: u8, own: Summary, now: Time) -> Summary {
        let Some(table) = self.layers.get(usize::from(layer)) else {
            return own;
        };
        table
            .siblings()
            .map(|(_, s)| s)
            .filter(|s| self.keep_dead || s.is_fresh(now, self.timeout))
            .filter_map(|s| s.summary)
            .fold(own, |acc, s| acc.merged(&s))
    }

    /// Takes `global` unless the one held is fresher. One as fresh replaces it too: two
    /// globals held back by the same oldest value have the same as-of time, and the later
    /// one is the better informed.
    fn adopt(&mut self, global: Summary, ctx: &mut Ctx<'_, Self>) {
        if self.global == Some(global) {
            return;
        }
        if self.global.is_none_or(|g| global.as_of >= g.as_of) {
            self.global = Some(global);
            ctx.mark(Mark::Converged {
                round: global.as_of.0,
            });
        }
    }

    fn send(&mut self, to: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        use sim_core::Message;
        self.sent.messages += 1;
        self.sent.bytes += msg.size();
        ctx.send(to, msg);
    }

    /// The periodic sync: summaries computed bottom-up, then one sync per sibling of every
    /// layer the node takes part in.
    fn tick(&mut self, ctx: &mut Ctx<'_, Self>) {
        let now = ctx.local_time();
        let top = self.participation(now);
        if top > self.top {
            self.promotions += u64::from(top - self.top);
        }
        self.top = top;
        let mut blocks = Vec::with_capacity(usize::from(top) + 1);
        let mut own = Summary::of(self.value, ctx.now());
        for layer in 0..=top {
            blocks.push(own);
            own = self.group_summary(layer, own, now);
        }
        if top == self.layout.top {
            self.adopt(own, ctx);
        }
        let global = self.global;
        for (layer, block) in (0..=top).zip(blocks) {
            let targets = self.targets(layer, now);
            for to in targets {
                self.send(
                    to,
                    Msg::Sync {
                        layer,
                        block,
                        global,
                    },
                    ctx,
                );
            }
        }
        ctx.set_timer(self.period, Timer::Tick);
    }

    /// Where this period's syncs of `layer` go: each sibling block's representative, or,
    /// for a block whose representative has fallen silent, the block's next id.
    fn targets(&mut self, layer: u8, now: Time) -> Vec<NodeId> {
        let (layout, timeout, id, fixed) = (self.layout, self.timeout, self.id, self.no_reelection);
        let Some(table) = self.layers.get_mut(usize::from(layer)) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(layout.group as usize);
        for (slot, sib) in table.slots.iter_mut().enumerate() {
            let Some(sib) = sib else { continue };
            if !fixed
                && !sib.is_fresh(now, timeout)
                && !std::mem::take(&mut sib.named)
                && let Some(ids) = layout.sibling_ids(layer, id, slot)
            {
                let next = sib.rep.0 + 1;
                sib.rep = NodeId(if next < ids.end { next } else { ids.start });
            }
            out.push(sib.rep);
        }
        out
    }

    fn on_sync(
        &mut self,
        from: NodeId,
        layer: u8,
        block: Summary,
        global: Option<Summary>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if let Some(g) = global
            && g.agg.is_consistent()
            && g.as_of <= ctx.now()
        {
            self.adopt(g, ctx);
        }
        let layout = self.layout;
        if layer > layout.top
            || !layout.same_group(layer, from, self.id)
            || layout.block(layer, from) == layout.block(layer, self.id)
            || !block.agg.is_consistent()
        {
            return;
        }
        let now = ctx.local_time();
        if layer > self.top {
            // Not this node's layer (any more): point the sender at the leader it knows.
            if let Some(leader) = self.leader_of(self.top, now)
                && leader != self.id
            {
                self.send(from, Msg::Leader { layer, leader }, ctx);
            }
            return;
        }
        let (timeout, fixed) = (self.timeout, self.no_reelection);
        let slot = layout.slot(layer, from);
        let first = layout
            .sibling_ids(layer, self.id, slot)
            .map(|ids| NodeId(ids.start));
        let Some(sib) = self
            .layers
            .get_mut(usize::from(layer))
            .and_then(|t| t.get_mut(slot))
        else {
            return;
        };
        let takes = if fixed {
            Some(from) == first
        } else {
            from <= sib.rep || !sib.is_fresh(now, timeout)
        };
        if takes {
            *sib = Sibling {
                rep: from,
                summary: Some(block),
                heard: now,
                named: false,
            };
        }
    }

    fn on_leader(&mut self, from: NodeId, layer: u8, leader: NodeId, ctx: &mut Ctx<'_, Self>) {
        let layout = self.layout;
        if self.no_reelection
            || layer > self.top
            || !layout.same_group(layer, from, self.id)
            || layout.block(layer, leader) != layout.block(layer, from)
            || layout.block(layer, from) == layout.block(layer, self.id)
        {
            return;
        }
        let now = ctx.local_time();
        let timeout = self.timeout;
        let slot = layout.slot(layer, from);
        if let Some(sib) = self
            .layers
            .get_mut(usize::from(layer))
            .and_then(|t| t.get_mut(slot))
            && (sib.rep == from || !sib.is_fresh(now, timeout))
        {
            sib.rep = leader;
            sib.named = true;
        }
    }

    /// Sets the next change of the value after `begin` (not before now), if any.
    fn schedule_change(&mut self, begin: Time, ctx: &mut Ctx<'_, Self>) {
        let Some(changes) = &self.changes else {
            return;
        };
        let now = ctx.now();
        if let Some(wait) = changes.next_change(begin, now, ctx.rng()) {
            ctx.set_timer(wait, Timer::Change);
        }
    }
}

impl Node for LayeredNode {
    type Message = Msg;
    type Timer = Timer;
    type Record = ();
    type Config = Config;

    fn start(id: NodeId, config: &Config, ctx: &mut Ctx<'_, Self>) -> Self {
        let layout = Layout::new(config.group_size.max(2), ctx.node_count());
        let value = match config.value {
            Value::Id => i64::from(id.0),
            Value::Constant(v) => v,
            Value::Random { min, max } => {
                let span = (i128::from(max) - i128::from(min)) as u64;
                (i128::from(min) + i128::from(ctx.rng().between(0, span))) as i64
            }
        };
        let mut node = LayeredNode {
            id,
            layout,
            period: config.period,
            timeout: config.timeout,
            keep_dead: config.has(Bug::KeepDeadPeers),
            no_reelection: config.has(Bug::NoReelection),
            changes: config.changes.clone(),
            value,
            layers: vec![Layer::new(&layout, 0, id, ctx.local_time())],
            top: 0,
            global: None,
            sent: Sent::default(),
            promotions: 0,
        };
        // The leaders of the first sync are the lowest ids of their blocks (every sibling
        // counts as heard at the start); only later changes count as promotions.
        node.top = node.participation(ctx.local_time());
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
            return;
        }
        match msg {
            Msg::Sync {
                layer,
                block,
                global,
            } => self.on_sync(from, layer, block, global, ctx),
            Msg::Leader { layer, leader } => self.on_leader(from, layer, leader, ctx),
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
