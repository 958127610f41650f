//! The per-frame update of the front end (scene sync plus panel data), everything a frame
//! computes besides rendering: with 100 servers and at least 5,000 messages in flight, and with
//! the 2,000 nodes of `tree_sync/scale.toml` while it plays (every frame takes steps, so the
//! nodes are drawn anew).

use bevy::prelude::*;
use criterion::{Criterion, criterion_group, criterion_main};
use scenarios::{Registry, Scenario};
use std::sync::Arc;
use viz::panels::PanelDataPlugin;
use viz::playback::{Playback, PlaybackPlugin, Sim};
use viz::scene::{CurrentFrame, SceneSyncPlugin};
use viz::session::Session;

/// 100 Raft servers on a slow network with a fast heartbeat: thousands of messages in flight.
const BUSY: &str = r#"
name = "bench: 100 servers, slow network"
[protocol]
name = "raft"
[protocol.params]
heartbeat = "2ms"
[cluster]
nodes = 100
[network]
latency = "300ms..500ms"
[run]
duration = "20s"
"#;

/// Messages in flight the benchmark needs.
const IN_FLIGHT: usize = 5_000;

fn busy_session() -> Session {
    let scenario = Scenario::from_str("bench.toml", BUSY).expect("the benchmark scenario");
    let mut s = Session::new(Arc::new(Registry::builtin()), scenario, Some(1)).expect("a session");
    let mut t = sim_core::Time(0);
    while s.run().in_flight().len() < IN_FLIGHT {
        t += sim_core::Duration::from_millis(50);
        assert!(t.0 < 20_000_000_000, "never {IN_FLIGHT} messages in flight");
        s.seek(t).expect("stepping");
    }
    s
}

fn frame(c: &mut Criterion) {
    let session = busy_session();
    let in_flight = session.run().in_flight().len();
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .add_plugins((PlaybackPlugin, SceneSyncPlugin, PanelDataPlugin))
        .insert_resource(Sim::new(session, 0));
    // Spawn the entity pools first; the benchmark measures frames after that.
    for _ in 0..3 {
        app.update();
    }
    let drawn = app.world().resource::<CurrentFrame>().0.messages.len();
    assert!(drawn >= IN_FLIGHT, "{drawn} messages drawn");
    eprintln!("100 servers, {in_flight} messages in flight, {drawn} drawn");
    c.bench_function(
        "frame: scene sync + panel data, 100 nodes, 5000+ messages",
        |b| b.iter(|| app.update()),
    );
}

/// Virtual time per frame while the 2,000-node run plays: a few steps every frame.
const PLAY_SPEED: f64 = 0.001;

fn frame_2000(c: &mut Criterion) {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/tree_sync/scale.toml");
    let scenario = Scenario::load(&file).expect("the shipped 2,000-node scenario");
    let mut session =
        Session::new(Arc::new(Registry::builtin()), scenario, None).expect("a session");
    session
        .seek(sim_core::Time(300_000_000))
        .expect("stepping to 300 ms");
    let nodes = session.run().node_count();
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_millis(16),
        ))
        .add_plugins((PlaybackPlugin, SceneSyncPlugin, PanelDataPlugin))
        .insert_resource(Sim::new(session, 0));
    {
        let mut p = app.world_mut().resource_mut::<Playback>();
        p.playing = true;
        p.speed = PLAY_SPEED;
    }
    for _ in 0..3 {
        app.update();
    }
    let drawn = app.world().resource::<CurrentFrame>().0.nodes.len();
    assert_eq!(drawn, nodes as usize);
    eprintln!("{nodes} nodes drawn, playing at {PLAY_SPEED}x");
    c.bench_function("frame: scene sync + panel data, 2000 nodes, playing", |b| {
        b.iter(|| app.update())
    });
}

criterion_group!(benches, frame, frame_2000);
criterion_main!(benches);
