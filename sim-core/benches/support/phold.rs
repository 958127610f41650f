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

/// The same work with nothing but a heap and a random generator.
pub struct Bare {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    rng: SimRng,
    seq: u64,
    nodes: u64,
}

impl Bare {
    pub fn new(nodes: u32, per_node: u32) -> Bare {
        let mut b = Bare {
            heap: BinaryHeap::new(),
            rng: SimRng::new(1, Stream::Network),
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
        let dest = self.rng.below(self.nodes) as u32;
        let delay = 1_000_000 + to_duration(-libm::log(self.rng.open_unit_f64()) * 1e6).0;
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

/// The reference loop: a heap of (time, seq, destination) and one ChaCha8 generator, drawn
/// without any wrapper: a destination by multiply-shift, a delay of 1 ms plus an exponential
/// of mean 1 ms by `-ln(u)`.
pub struct BareChaCha8 {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    rng: ChaCha8Rng,
    seq: u64,
    nodes: u64,
}

impl BareChaCha8 {
    pub fn new(nodes: u32, per_node: u32) -> BareChaCha8 {
        let mut b = BareChaCha8 {
            heap: BinaryHeap::new(),
            rng: ChaCha8Rng::seed_from_u64(1),
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
        let dest = ((u64::from(self.rng.next_u32()) * self.nodes) >> 32) as u32;
        // A uniform draw in (0, 1): 53 random bits, offset by half a step.
        let u = ((self.rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let delay = 1_000_000 + (-u.ln() * 1e6) as u64;
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
