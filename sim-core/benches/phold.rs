//! PHOLD, the standard discrete-event benchmark: N nodes, J messages per node in circulation;
//! each delivery sends one new message to a uniformly random node after 1 ms + exponential
//! (mean 1 ms). Measured side by side with two bare loops doing the same work with nothing but a
//! `BinaryHeap` of (time, seq, destination) and a generator: `bare-heap` draws through the
//! engine's `SimRng`, and `bare-chacha8` is the reference loop of the engine's performance
//! targets, one `rand_chacha::ChaCha8Rng` drawn directly (the stronger baseline). The bench
//! profile builds them with thin LTO; `CARGO_PROFILE_BENCH_LTO=fat` gives the reference's fat
//! LTO.

#[path = "support/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};
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

/// Deliveries measured per benchmark iteration.
const BATCH: u64 = 200_000;

#[derive(Clone, Debug, Serialize)]
struct Token;

impl Message for Token {
    fn kind(&self) -> &'static str {
        "token"
    }
}

#[derive(Clone)]
struct Phold {
    nodes: u64,
}

impl Node for Phold {
    type Message = Token;
    type Timer = ();
    type Record = ();
    type Config = (u64, u32);

    fn start(_id: NodeId, &(nodes, per_node): &(u64, u32), ctx: &mut Ctx<'_, Self>) -> Self {
        for _ in 0..per_node {
            let to = NodeId(ctx.rng().below(nodes) as u32);
            ctx.send(to, Token);
        }
        Phold { nodes }
    }

    fn on_message(&mut self, _from: NodeId, msg: Token, ctx: &mut Ctx<'_, Self>) {
        let to = NodeId(ctx.rng().below(self.nodes) as u32);
        ctx.send(to, msg);
    }

    fn on_timer(&mut self, _timer: (), _ctx: &mut Ctx<'_, Self>) {}

    fn view(&self) -> NodeView {
        NodeView::new("phold", "")
    }
}

fn phold_sim(nodes: u32, per_node: u32) -> Simulation<Phold> {
    let ms = Duration::from_millis(1);
    let config = SimConfig {
        seed: 1,
        network: NetworkConfig {
            default: LinkModel::with_latency(Latency::exponential(ms).plus(ms)),
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config, vec![(u64::from(nodes), per_node); nodes as usize])
        .expect("valid phold config");
    // Run the start events, so that every measured event is a delivery.
    for _ in 0..nodes {
        sim.step().expect("start");
    }
    sim
}

/// The same work with nothing but a heap and a random generator.
struct Bare {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    rng: SimRng,
    seq: u64,
    nodes: u64,
}

impl Bare {
    fn new(nodes: u32, per_node: u32) -> Bare {
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
    fn step(&mut self) -> u32 {
        let Reverse((t, _, dest)) = self.heap.pop().expect("phold never drains");
        self.send(t);
        dest
    }
}

/// The reference loop: a heap of (time, seq, destination) and one ChaCha8 generator, drawn
/// without any wrapper: a destination by multiply-shift, a delay of 1 ms plus an exponential
/// of mean 1 ms by `-ln(u)`.
struct BareChaCha8 {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    rng: ChaCha8Rng,
    seq: u64,
    nodes: u64,
}

impl BareChaCha8 {
    fn new(nodes: u32, per_node: u32) -> BareChaCha8 {
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
    fn step(&mut self) -> u32 {
        let Reverse((t, _, dest)) = self.heap.pop().expect("phold never drains");
        self.send(t);
        dest
    }
}

/// The three loops for every (N, J), measured with `M`, in the group `name`.
fn phold<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(10);
    for (nodes, per_node) in [(16u32, 16u32), (1024, 4), (100_000, 1)] {
        let label = format!("N={nodes},J={per_node}");
        let mut sim = phold_sim(nodes, per_node);
        group.bench_function(BenchmarkId::new("clustersim", &label), |b| {
            b.iter(|| {
                for _ in 0..BATCH {
                    sim.step().expect("phold step");
                }
            })
        });
        let mut bare = Bare::new(nodes, per_node);
        group.bench_function(BenchmarkId::new("bare-heap", &label), |b| {
            b.iter(|| {
                let mut sum = 0u64;
                for _ in 0..BATCH {
                    sum = sum.wrapping_add(u64::from(bare.step()));
                }
                sum
            })
        });
        let mut reference = BareChaCha8::new(nodes, per_node);
        group.bench_function(BenchmarkId::new("bare-chacha8", &label), |b| {
            b.iter(|| {
                let mut sum = 0u64;
                for _ in 0..BATCH {
                    sum = sum.wrapping_add(u64::from(reference.step()));
                }
                sum
            })
        });
    }
    group.finish();
}

/// Group `phold` in wall time, then group `phold-cpu` in the thread's CPU time (see
/// `support/cpu_time.rs`), which is what to read on a machine shared with other work.
fn main() {
    let mut wall = Criterion::default().configure_from_args();
    phold(&mut wall, "phold");
    match CpuTime::available() {
        Some(cpu) => {
            let mut c = Criterion::default()
                .with_measurement(cpu)
                .configure_from_args();
            phold(&mut c, "phold-cpu");
        }
        None => eprintln!("phold-cpu skipped: this system does not report per-thread CPU time"),
    }
    Criterion::default().configure_from_args().final_summary();
}
