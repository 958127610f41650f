//! The broadcast node: its state, the engine's entry points, and delivery. Each variant's
//! behaviour lives in its own module (`flood`, `rumor`, `tree`, `anti_entropy`, `workload`).

use crate::config::{Config, Dissemination, KnownBug};
use crate::growth::grow_gently;
use crate::id::{Delivery, Item, MsgId};
use crate::log_index::LogIndex;
use crate::message::Msg;
use crate::prepared::Prepared;
use crate::rumor::RumorState;
use crate::seen::{Digest, Seen};
use crate::tree::TreeState;
use serde::Serialize;
use sim_core::{Ctx, Mark, Node, NodeId, NodeView, Time};
use std::collections::VecDeque;

/// What a broadcast node's timers mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Timer {
    /// Push hot rumors (rumor mongering).
    Rumor,
    /// Start an anti-entropy exchange.
    AntiEntropy,
    /// Send the tree batch collected so far.
    Flush,
    /// Make the next broadcast of the built-in workload.
    Workload,
}

/// Messages and bytes a node has sent, for the traffic metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    /// Messages sent.
    pub messages: u64,
    /// Bytes sent.
    pub bytes: u64,
    /// Messages that carried at least one broadcast ("update messages" in Demers' tables).
    pub updates: u64,
}

/// A node of the broadcast family; the [`Config`] picks the variant.
///
/// # Order of calls
/// The engine calls [`Node::start`] (fresh state; a restarted node is a new incarnation that
/// remembers nothing and numbers its broadcasts afresh), then `on_message` / `on_timer`. The
/// driver makes a broadcast with `Simulation::input(node, label, |n, ctx| { n.broadcast(v,
/// ctx); })`, or the configured [`crate::Workload`] makes them. Every delivery is appended to
/// [`BroadcastNode::deliveries`], which the checkers and the metrics read.
#[derive(Clone, Debug)]
pub struct BroadcastNode {
    pub(crate) id: NodeId,
    pub(crate) n: u32,
    pub(crate) incarnation: u32,
    pub(crate) cfg: Prepared,
    next_seq: u32,
    /// Every broadcast delivered in this incarnation, held as the digest anti-entropy sends.
    pub(crate) seen: Digest,
    /// Where each broadcast seen was first delivered in `log`, for resending it
    /// (anti-entropy, rumors) without keeping a second copy. Brought up to date only when
    /// something is to be resent ([`BroadcastNode::index_log`]): a flood never resends, and
    /// searching the log at every delivery cost a flood's nodes a cache miss or two each.
    store: LogIndex,
    /// How many of `log`'s deliveries `store` has taken in.
    indexed: u32,
    log: Vec<Delivery>,
    /// Ids received within the anti-entropy settle time, oldest first (empty without one).
    pub(crate) recent: VecDeque<(Time, MsgId)>,
    originated: Vec<(MsgId, u64)>,
    pub(crate) rumor: RumorState,
    /// The spanning tree's state, for the tree broadcast only (boxed: most nodes have none).
    pub(crate) tree: Option<Box<TreeState>>,
    pub(crate) traffic: Traffic,
    pub(crate) workload_made: u64,
    /// Offsets of the periodic work within its period, drawn once per incarnation.
    pub(crate) rumor_offset: u64,
    pub(crate) ae_offset: u64,
}

impl BroadcastNode {
    /// Broadcasts `payload`: delivers it here at once and starts spreading it. Returns its id.
    pub fn broadcast(&mut self, payload: u64, ctx: &mut Ctx<'_, Self>) -> MsgId {
        let id = MsgId {
            origin: self.id,
            incarnation: self.incarnation,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        self.originated.push((id, payload));
        let item = Item {
            id,
            payload,
            sent_at: ctx.now(),
            hops: 0,
        };
        self.accept(item, None, ctx);
        if self.cfg.dissemination == Dissemination::BestEffort {
            self.send_to_all_neighbours(item, None, ctx);
        }
        id
    }

    /// Takes in a broadcast that arrived from `from` (`None`: made here). The first copy is
    /// delivered, stored and handed to the dissemination; later copies are dropped (unless
    /// the duplicate-delivery bug is on). Returns whether it was new.
    pub(crate) fn accept(
        &mut self,
        item: Item,
        from: Option<NodeId>,
        ctx: &mut Ctx<'_, Self>,
    ) -> bool {
        if self.seen.contains(item.id) {
            if self.cfg.has(KnownBug::DeliverDuplicates) {
                self.record(item, ctx);
            }
            return false;
        }
        // Asked first, so that a set a digest in flight shares is copied only for news.
        self.seen.make_mut().insert(item.id);
        self.record(item, ctx);
        if self
            .cfg
            .anti_entropy
            .as_ref()
            .is_some_and(|a| a.settle > sim_core::Duration::ZERO)
        {
            self.recent.push_back((ctx.now(), item.id));
        }
        match &self.cfg.dissemination {
            Dissemination::None | Dissemination::BestEffort => {}
            Dissemination::Reliable if from.is_some() && self.cfg.has(KnownBug::NoRelay) => {}
            Dissemination::Reliable => self.send_to_all_neighbours(item, from, ctx),
            Dissemination::Rumor(_) => self.heat(item.id, ctx),
            Dissemination::Tree(_) => self.enqueue(item, from, ctx),
        }
        true
    }

    fn record(&mut self, item: Item, ctx: &mut Ctx<'_, Self>) {
        grow_gently(&mut self.log);
        self.log.push(Delivery {
            id: item.id,
            payload: item.payload,
            sent_at: item.sent_at,
            at: ctx.now(),
            hops: item.hops,
        });
        ctx.mark(Mark::Delivered {
            count: self.log.len() as u64,
        });
    }

    /// Brings the index of the log up to date, for [`BroadcastNode::stored`]. A repeated
    /// delivery (the duplicate-delivery bug) keeps the first one's place.
    pub(crate) fn index_log(&mut self) {
        for at in self.indexed as usize..self.log.len() {
            self.store.insert(&self.log, at, self.log[at].id);
        }
        self.indexed = u32::try_from(self.log.len()).expect("fewer than 2^32 deliveries");
    }

    /// The broadcast `id` as first received, and when, if it has been seen. Reads the index
    /// as [`BroadcastNode::index_log`] last left it.
    pub(crate) fn stored(&self, id: MsgId) -> Option<(Item, Time)> {
        debug_assert_eq!(self.indexed as usize, self.log.len(), "index_log first");
        let d = &self.log[self.store.get(&self.log, id)?];
        let item = Item {
            id: d.id,
            payload: d.payload,
            sent_at: d.sent_at,
            hops: d.hops,
        };
        Some((item, d.at))
    }

    /// The node's digest, shared until the next new broadcast.
    pub(crate) fn digest(&self) -> Digest {
        self.seen.clone()
    }

    /// Sends `msg`, counting it in the node's traffic.
    pub(crate) fn send(&mut self, to: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        use sim_core::Message;
        self.traffic.messages += 1;
        self.traffic.bytes += msg.size();
        self.traffic.updates += u64::from(msg.carries_updates());
        ctx.send(to, msg);
    }

    /// The copy of `item` to send one hop further (with the payload changed if the
    /// corrupt-relay bug is on and this node is not the origin).
    pub(crate) fn onward(&self, mut item: Item) -> Item {
        item.hops += 1;
        if self.cfg.has(KnownBug::CorruptRelay) && item.id.origin != self.id {
            item.payload = item.payload.wrapping_add(1);
        }
        item
    }

    // ---- inspection ---------------------------------------------------------------------

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The incarnation this state belongs to (0 until the first restart).
    pub fn incarnation(&self) -> u32 {
        self.incarnation
    }

    /// Every delivery in this incarnation, in order (append-only).
    pub fn deliveries(&self) -> &[Delivery] {
        &self.log
    }

    /// Every broadcast this incarnation made, with its payload, in order (append-only).
    pub fn originated(&self) -> &[(MsgId, u64)] {
        &self.originated
    }

    /// The broadcasts seen (also the node's anti-entropy digest).
    pub fn seen(&self) -> &Seen {
        &self.seen
    }

    /// True if `id` has been delivered here.
    pub fn has_delivered(&self, id: MsgId) -> bool {
        self.seen.contains(id)
    }

    /// Messages and bytes sent by this incarnation.
    pub fn traffic(&self) -> Traffic {
        self.traffic
    }

    /// Rumors this node is still spreading.
    pub fn hot_rumors(&self) -> usize {
        self.rumor.hot.len()
    }

    /// The configuration the node runs with.
    pub fn config(&self) -> &Config {
        &self.cfg
    }
}

impl Node for BroadcastNode {
    type Message = Msg;
    type Timer = Timer;
    type Record = ();
    type Config = Prepared;

    fn start(id: NodeId, config: &Prepared, ctx: &mut Ctx<'_, Self>) -> Self {
        let n = ctx.node_count();
        let mut node = BroadcastNode {
            id,
            n,
            incarnation: ctx.incarnation(),
            cfg: config.clone(),
            next_seq: 0,
            seen: Digest::default(),
            store: LogIndex::default(),
            indexed: 0,
            log: Vec::new(),
            recent: VecDeque::new(),
            originated: Vec::new(),
            rumor: RumorState::default(),
            tree: None,
            traffic: Traffic::default(),
            workload_made: 0,
            rumor_offset: 0,
            ae_offset: 0,
        };
        if let Dissemination::Rumor(r) = &node.cfg.dissemination {
            node.rumor_offset = crate::periodic::offset(r.phase, r.period, ctx.rng());
        }
        if let Dissemination::Tree(t) = &node.cfg.dissemination {
            node.tree = Some(Box::new(TreeState::new(
                node.cfg.overlay.tree_links(id, n, t.root),
            )));
        }
        node.start_anti_entropy(ctx);
        node.start_workload(ctx);
        node
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        match msg {
            Msg::Flood { item } => {
                self.accept(item, Some(from), ctx);
            }
            Msg::Batch { items } => {
                for item in items {
                    self.accept(item, Some(from), ctx);
                }
            }
            Msg::Rumor { items } => self.on_rumor(from, items, ctx),
            Msg::Feedback { known, useful } => self.on_feedback(&known, &useful, ctx),
            Msg::Digest {
                seen,
                fresh,
                direction,
            } => self.on_digest(from, &seen, &fresh, direction, ctx),
            Msg::Reply { items, want } => self.on_reply(from, items, &want, ctx),
            Msg::Repair { items } => self.accept_repair(items, from, ctx),
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Rumor => self.rumor_tick(ctx),
            Timer::AntiEntropy => self.anti_entropy_tick(ctx),
            Timer::Flush => self.flush_timer(ctx),
            Timer::Workload => self.workload_tick(ctx),
        }
    }

    fn view(&self) -> NodeView {
        crate::view::view(self)
    }
}
