//! Test protocols shared by the integration tests.
#![allow(dead_code)]

use serde::Serialize;
use sim_core::{
    Ctx, DiskKey, Duration, Message, Node, NodeId, NodeView, SimConfig, Simulation, Time,
};

/// What the test nodes send.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Note {
    /// A numbered note.
    Ping(u64),
    /// An answer to a ping.
    Pong(u64),
    /// A note that says something is on the sender's disk.
    Stored(u64),
}

impl Message for Note {
    fn kind(&self) -> &'static str {
        match self {
            Note::Ping(_) => "Ping",
            Note::Pong(_) => "Pong",
            Note::Stored(_) => "Stored",
        }
    }

    fn promises_durability(&self) -> bool {
        matches!(self, Note::Stored(_))
    }
}

/// A passive node driven by the test through `Simulation::input`: it records everything that
/// happens to it, so tests can assert the exact sequence.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// (time, from, note) of every delivered message, in delivery order.
    pub received: Vec<(Time, NodeId, Note)>,
    /// (time, tag) of every fired timer.
    pub fired: Vec<(Time, u32)>,
    /// What `start` found on disk under ("value", i).
    pub recovered: Vec<(u64, u64)>,
}

impl Node for Recorder {
    type Message = Note;
    type Timer = u32;
    type Record = u64;
    type Config = ();

    fn start(_id: NodeId, _config: &(), ctx: &mut Ctx<'_, Self>) -> Self {
        let recovered = ctx.disk().range("value").map(|(i, v)| (i, *v)).collect();
        Recorder {
            recovered,
            ..Recorder::default()
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Note, ctx: &mut Ctx<'_, Self>) {
        self.received.push((ctx.now(), from, msg));
    }

    fn on_timer(&mut self, tag: u32, ctx: &mut Ctx<'_, Self>) {
        self.fired.push((ctx.now(), tag));
    }

    fn view(&self) -> NodeView {
        NodeView::new("recorder", format!("{} received", self.received.len()))
            .field("received", self.received.len())
    }
}

/// An active node: on a randomized tick it bumps a counter (persisted, synced every other
/// tick), pings a random peer, and answers pings with pongs.
#[derive(Clone, Debug)]
pub struct Beacon {
    pub counter: u64,
    pub pongs: u64,
    pub last_seen: Vec<u64>,
}

/// The tick period range of a beacon.
pub const TICK: (Duration, Duration) = (Duration::from_millis(5), Duration::from_millis(15));

impl Node for Beacon {
    type Message = Note;
    type Timer = ();
    type Record = u64;
    type Config = ();

    fn start(_id: NodeId, _config: &(), ctx: &mut Ctx<'_, Self>) -> Self {
        let counter = ctx.disk().get(DiskKey("counter", 0)).copied().unwrap_or(0);
        let after = ctx.rng().duration_between(TICK.0, TICK.1);
        ctx.set_timer(after, ());
        if counter > 0 {
            ctx.annotate(format!("recovered counter {counter}"));
        }
        Beacon {
            counter,
            pongs: 0,
            last_seen: vec![0; ctx.node_count() as usize],
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Note, ctx: &mut Ctx<'_, Self>) {
        match msg {
            Note::Ping(c) => {
                if let Some(seen) = self.last_seen.get_mut(from.index()) {
                    *seen = (*seen).max(c);
                }
                ctx.send(from, Note::Pong(c));
            }
            Note::Pong(_) => self.pongs += 1,
            Note::Stored(_) => {}
        }
    }

    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        self.counter += 1;
        ctx.disk().put(DiskKey("counter", 0), self.counter);
        if self.counter.is_multiple_of(2) {
            ctx.disk().sync();
        }
        let n = u64::from(ctx.node_count());
        let peer = NodeId(ctx.rng().below(n) as u32);
        if peer != ctx.id() {
            ctx.send(peer, Note::Ping(self.counter));
        }
        if self.counter.is_multiple_of(10) {
            ctx.annotate(format!("counter reached {}", self.counter));
        }
        let after = ctx.rng().duration_between(TICK.0, TICK.1);
        ctx.set_timer(after, ());
    }

    fn view(&self) -> NodeView {
        NodeView::new("beacon", format!("c={}", self.counter))
            .field("counter", self.counter)
            .field("pongs", self.pongs)
    }
}

/// A simulation of `n` nodes of type `N` (all with unit config) over the default network.
pub fn sim<N: Node<Config = ()>>(seed: u64, n: usize) -> Simulation<N> {
    let config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    Simulation::new(config, vec![(); n]).expect("valid test config")
}

pub fn ms(n: u64) -> Time {
    Time(n * 1_000_000)
}
