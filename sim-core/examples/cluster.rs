//! A five-node cluster gossiping the largest value it has seen, under faults: a crash and
//! restart (the node recovers what it synced to disk), a partition and its heal, a paused node,
//! a drifting clock and a lossy network. Prints what happened and the run's fingerprint.
//!
//! `cargo run --release -p sim-core --example cluster -- [--seed N] [--trace FILE.jsonl]`

use serde::Serialize;
use sim_core::trace::JsonlSink;
use sim_core::{
    CheckView, Checker, Ctx, DiskKey, Duration, Fault, Latency, LinkModel, Message, NetworkConfig,
    Node, NodeId, NodeView, Outcome, PartitionSpec, SimConfig, Simulation, Time, TraceEvent,
    TraceSink,
};
use std::process::ExitCode;

/// The only message: "the largest value I know is this".
#[derive(Clone, Debug, Serialize)]
struct Gossip(u64);

impl Message for Gossip {
    fn kind(&self) -> &'static str {
        "Gossip"
    }
    fn size(&self) -> u64 {
        16
    }
}

#[derive(Clone, Debug)]
struct MaxGossip {
    max: u64,
}

const PERIOD: (Duration, Duration) = (Duration::from_millis(20), Duration::from_millis(40));

impl MaxGossip {
    fn learn(&mut self, value: u64, ctx: &mut Ctx<'_, Self>) {
        if value > self.max {
            self.max = value;
            ctx.disk().put(DiskKey("max", 0), value);
            ctx.disk().sync();
        }
    }
}

impl Node for MaxGossip {
    type Message = Gossip;
    type Timer = ();
    type Record = u64;
    type Config = ();

    fn start(_id: NodeId, _: &(), ctx: &mut Ctx<'_, Self>) -> Self {
        let mut node = MaxGossip { max: 0 };
        match ctx.disk().get(DiskKey("max", 0)).copied() {
            Some(v) => {
                node.max = v;
                ctx.annotate(format!("recovered max {v} from disk"));
            }
            None => {
                let v = ctx.rng().below(1_000_000);
                node.learn(v, ctx);
                ctx.annotate(format!("started with value {v}"));
            }
        }
        let after = ctx.rng().duration_between(PERIOD.0, PERIOD.1);
        ctx.set_timer(after, ());
        node
    }

    fn on_message(&mut self, from: NodeId, Gossip(v): Gossip, ctx: &mut Ctx<'_, Self>) {
        if v > self.max {
            ctx.annotate(format!("learned {v} from {from}"));
        }
        self.learn(v, ctx);
    }

    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        let n = ctx.node_count();
        let peer = NodeId((ctx.id().0 + 1 + ctx.rng().below(u64::from(n) - 1) as u32) % n);
        ctx.send(peer, Gossip(self.max));
        let after = ctx.rng().duration_between(PERIOD.0, PERIOD.1);
        ctx.set_timer(after, ());
    }

    fn view(&self) -> NodeView {
        NodeView::new("gossip", format!("max {}", self.max)).field("max", self.max)
    }
}

/// The invariant: a node's max never decreases, not even across a crash (it syncs every new
/// max before going on). Incremental: only the node an event touched is looked at.
#[derive(Clone, Default)]
struct MaxNeverShrinks {
    highest: Vec<u64>,
}

impl Checker<MaxGossip> for MaxNeverShrinks {
    fn name(&self) -> &str {
        "max never decreases"
    }

    fn check(&mut self, view: &CheckView<'_, MaxGossip>) -> Result<(), String> {
        let Some(id) = view.touched else {
            return Ok(());
        };
        let Some(node) = view.nodes.get(id) else {
            return Ok(());
        };
        if self.highest.len() < view.nodes.len() {
            self.highest.resize(view.nodes.len(), 0);
        }
        let before = &mut self.highest[id.index()];
        if node.max < *before {
            return Err(format!("{id} went from max {before} back to {}", node.max));
        }
        *before = node.max;
        Ok(())
    }
}

struct Args {
    seed: u64,
    trace: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seed: 7,
        trace: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => {
                let v = it.next().ok_or("--seed needs a number")?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: expected an unsigned integer, got {v:?}"))?;
            }
            "--trace" => args.trace = Some(it.next().ok_or("--trace needs a file name")?),
            "-h" | "--help" => {
                println!("usage: cluster [--seed N] [--trace FILE.jsonl]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(args)
}

fn ms(n: u64) -> Time {
    Time(n * 1_000_000)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let args = parse_args()?;
    let mut link = LinkModel::with_latency(Latency::log_normal(Duration::from_millis(5), 0.5));
    link.loss = 0.05;
    link.duplicate = 0.01;
    let config = SimConfig {
        seed: args.seed,
        network: NetworkConfig {
            default: link,
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim: Simulation<MaxGossip> =
        Simulation::new(config, vec![(); 5]).map_err(|e| e.to_string())?;
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    sim.add_checker(MaxNeverShrinks::default());
    let n = NodeId;
    let faults = [
        (ms(150), Fault::Crash { node: n(4) }),
        (ms(400), Fault::Restart { node: n(4) }),
        (
            ms(500),
            Fault::Partition {
                spec: PartitionSpec::Groups(vec![vec![n(0), n(1)], vec![n(2), n(3), n(4)]]),
            },
        ),
        (ms(900), Fault::HealAll),
        (ms(950), Fault::Pause { node: n(2) }),
        (ms(1100), Fault::Resume { node: n(2) }),
        (
            ms(1200),
            Fault::ClockDrift {
                node: n(1),
                rate: 1.25,
            },
        ),
    ];
    for (at, f) in faults {
        sim.schedule(at, f).map_err(|e| e.to_string())?;
    }
    let outcome = sim.run_until(ms(2000)).map_err(|e| e.to_string())?;

    println!("clustersim engine demo: 5 nodes gossip the largest value they have seen");
    println!(
        "seed {}, 2s of virtual time, 5% loss, 1% duplication\n",
        args.seed
    );
    println!("what happened:");
    for r in sim.trace().records() {
        let line = match &r.event {
            TraceEvent::Fault { fault, detail } => {
                let who: Vec<String> = fault.nodes().iter().map(|n| n.to_string()).collect();
                format!("fault {} {} {}", fault.name(), who.join(","), detail)
            }
            TraceEvent::Annotate {
                node: Some(node),
                text,
            } => format!("{node}: {text}"),
            _ => continue,
        };
        println!("  {:>10}  {}", r.time.to_string(), line.trim_end());
    }
    let s = sim.stats();
    println!("\ncounters:");
    println!(
        "  events {}  sent {}  delivered {}  duplicated {}",
        s.events, s.sent, s.delivered, s.duplicated
    );
    println!(
        "  dropped: loss {}  partition {}  node down {}  timers fired {}  faults {}",
        s.dropped_loss, s.dropped_partition, s.dropped_node_down, s.timers_fired, s.faults
    );
    println!("\nfinal state:");
    let maxes: Vec<Option<u64>> = sim.nodes().iter().map(|n| n.map(|n| n.max)).collect();
    for (i, m) in maxes.iter().enumerate() {
        match m {
            Some(m) => println!("  n{i}: max {m}"),
            None => println!("  n{i}: down"),
        }
    }
    let converged = maxes.windows(2).all(|w| w[0] == w[1]);
    println!("  converged: {}", if converged { "yes" } else { "no" });
    println!("\nfingerprint {:016x}", sim.fingerprint());

    if let Some(path) = args.trace {
        let mut sink = JsonlSink::create(&path).map_err(|e| format!("{path}: {e}"))?;
        for r in sim.trace().records() {
            sink.write_record(r).map_err(|e| format!("{path}: {e}"))?;
        }
        sink.finish().map_err(|e| format!("{path}: {e}"))?;
        println!("trace written to {path}");
    }
    if let Outcome::Violated(v) = outcome {
        eprintln!(
            "{v}\nreproduce: cargo run --release -p sim-core --example cluster -- --seed {}",
            args.seed
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
