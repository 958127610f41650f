//! PHOLD, the standard discrete-event benchmark, three ways: through the engine, and through
//! two bare loops that do the same work with nothing but a heap and a generator. Shared by the
//! criterion bench (`benches/phold.rs`) and the scale example (`examples/phold.rs`).

// Each user takes the parts it needs.
#![allow(dead_code)]

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng as _, SeedableRng};
use serde::Serialize;
use sim_core::latency::to_duration;
use sim_core::{
    Ctx, Duration, Latency, LinkModel, Message, NetworkConfig, Node, NodeId, NodeView, SimConfig,
    SimRng, Simulation, Stream,
};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// PHOLD's only message: it carries nothing.
#[derive(Clone, Debug, Serialize)]
pub struct Token;

impl Message for Token {
    fn kind(&self) -> &'static str {
        "token"
    }
}

/// A PHOLD node: all it keeps is the cluster's size, to pick where its messages go.
#[derive(Clone)]
pub struct Phold {
    nodes: u32,
}

impl Node for Phold {
    type Message = Token;
    type Timer = ();
    type Record = ();
    type Config = (u32, u32);

    fn start(_id: NodeId, &(nodes, per_node): &(u32, u32), ctx: &mut Ctx<'_, Self>) -> Self {
        for _ in 0..per_node {
            let to = NodeId(ctx.rng().below(u64::from(nodes)) as u32);
            ctx.send(to, Token);
        }
        Phold { nodes }
    }

    fn on_message(&mut self, _from: NodeId, msg: Token, ctx: &mut Ctx<'_, Self>) {
        let to = NodeId(ctx.rng().below(u64::from(self.nodes)) as u32);
        ctx.send(to, msg);
    }

    fn on_timer(&mut self, _timer: (), _ctx: &mut Ctx<'_, Self>) {}

    fn view(&self) -> NodeView {
        NodeView::new("phold", "")
    }
}

/// The engine's PHOLD with `nodes` nodes and `per_node` messages each, started: every event
/// from here on is a delivery.
pub fn phold_sim(nodes: u32, per_node: u32) -> Simulation<Phold> {
    let ms = Duration::from_millis(1);
    let config = SimConfig {
        seed: 1,
        network: NetworkConfig {
            default: LinkModel::with_latency(Latency::exponential(ms).plus(ms)),
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config, vec![(nodes, per_node); nodes as usize])
        .expect("valid phold config");
    // Run the start events, so that every measured event is a delivery.
    for _ in 0..nodes {
        sim.step().expect("start");
    }
    sim
}

/// How a bare loop draws a message's destination and delay.
pub trait Draws {
    /// A uniform destination among `nodes`.
    fn destination(&mut self, nodes: u64) -> u32;
    /// 1 ms plus an exponential of mean 1 ms, in nanoseconds.
    fn delay(&mut self) -> u64;
}

/// Through the engine's `SimRng` and its algorithms (Lemire's bounded draw, `libm`'s log).
pub struct SimRngDraws(SimRng);

impl Draws for SimRngDraws {
    #[inline]
    fn destination(&mut self, nodes: u64) -> u32 {
        self.0.below(nodes) as u32
    }

    #[inline]
    fn delay(&mut self) -> u64 {
        1_000_000 + to_duration(-libm::log(self.0.open_unit_f64()) * 1e6).0
    }
}

/// The reference: one ChaCha8 generator drawn without any wrapper, a destination by
/// multiply-shift and a delay by `-ln(u)`.
pub struct ChaChaDraws(ChaCha8Rng);

impl Draws for ChaChaDraws {
    #[inline]
    fn destination(&mut self, nodes: u64) -> u32 {
        ((u64::from(self.0.next_u32()) * nodes) >> 32) as u32
    }

    #[inline]
    fn delay(&mut self) -> u64 {
        // A uniform draw in (0, 1): 53 random bits, offset by half a step.
        let u = ((self.0.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        1_000_000 + (-u.ln() * 1e6) as u64
    }
}

/// The same work as the engine's PHOLD with nothing but a heap of (time, seq, destination)
/// and a random generator.
pub struct BareLoop<D> {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    draws: D,
    seq: u64,
    nodes: u64,
}

/// The bare loop drawing through `SimRng`.
pub type Bare = BareLoop<SimRngDraws>;

/// The reference loop of the engine's performance targets.
pub type BareChaCha8 = BareLoop<ChaChaDraws>;

impl Bare {
    pub fn new(nodes: u32, per_node: u32) -> Bare {
        BareLoop::start(
            nodes,
            per_node,
            SimRngDraws(SimRng::new(1, Stream::Network)),
        )
    }
}

impl BareChaCha8 {
    pub fn new(nodes: u32, per_node: u32) -> BareChaCha8 {
        BareLoop::start(nodes, per_node, ChaChaDraws(ChaCha8Rng::seed_from_u64(1)))
    }
}

impl<D: Draws> BareLoop<D> {
    fn start(nodes: u32, per_node: u32, draws: D) -> BareLoop<D> {
        let mut b = BareLoop {
            heap: BinaryHeap::new(),
            draws,
            seq: 0,
            nodes: u64::from(nodes),
        };
        for _ in 0..u64::from(nodes) * u64::from(per_node) {
            b.send(0);
        }
        b
    }

    #[inline]
    fn send(&mut self, now: u64) {
        let dest = self.draws.destination(self.nodes);
        let delay = self.draws.delay();
        self.seq += 1;
        self.heap.push(Reverse((now + delay, self.seq, dest)));
    }

    #[inline]
    pub fn step(&mut self) -> u32 {
        let Reverse((t, _, dest)) = self.heap.pop().expect("phold never drains");
        self.send(t);
        dest
    }
}
