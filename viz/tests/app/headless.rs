//! The app's logic without a window: `MinimalPlugins`, time moved by hand one frame at a time.

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use scenarios::Scenario;
use scenarios::registry::Registry;
use scenarios::runner::{RunOptions, run_scenario};
use sim_core::{NodeStatus, Time as SimTime};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use viz::actions::UserAction;
use viz::history::MarkKind;
use viz::playback::{Playback, PlaybackPlugin, Request, Sim};
use viz::protocols::Protocols;
use viz::scene::{CurrentFrame, MsgVisual, SceneSyncPlugin};
use viz::session::Session;

const FRAME: Duration = Duration::from_millis(16);

fn library(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(file)
}

fn app(file: &str, seed: Option<u64>) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(TimeUpdateStrategy::ManualDuration(FRAME))
        .add_plugins(PlaybackPlugin)
        .insert_resource(Protocols::new(Registry::builtin()))
        .insert_resource(Sim::new(open(file, seed), 0));
    // The first update's time step is zero.
    app.update();
    app
}

fn open(file: &str, seed: Option<u64>) -> Session {
    Session::open(Arc::new(Registry::builtin()), &library(file), seed).unwrap()
}

fn session(app: &App) -> std::sync::MutexGuard<'_, Session> {
    app.world().resource::<Sim>().session()
}

fn send(app: &mut App, r: Request) {
    app.world_mut().write_message(r);
    app.update();
}

fn play(app: &mut App, speed: f64) {
    let mut p = app.world_mut().resource_mut::<Playback>();
    p.playing = true;
    p.speed = speed;
}

#[test]
fn playback_advances_virtual_time_by_speed_times_frame_time() {
    for speed in [0.001, 0.5, 3.0] {
        let mut app = app("raft/happy-path.toml", None);
        play(&mut app, speed);
        let start = session(&app).cursor;
        let frames = 25u32;
        for _ in 0..frames {
            app.update();
        }
        let moved = session(&app).cursor.0 - start.0;
        let expected = (FRAME.as_secs_f64() * speed * 1e9 * f64::from(frames)).round() as u64;
        // Whole nanoseconds per frame, the fractions carried over: never off by more than one.
        assert!(
            moved.abs_diff(expected) <= 1,
            "speed {speed}: moved {moved} ns, expected {expected} ns"
        );
        let s = session(&app);
        assert!(
            s.run().now() <= s.cursor,
            "speed {speed}: the run went past the cursor"
        );
        assert!(
            s.live().next_time().is_none_or(|t| t > s.cursor),
            "speed {speed}: a step due before the cursor was not taken"
        );
    }
}

#[test]
fn pausing_stops_the_cursor() {
    let mut app = app("raft/happy-path.toml", None);
    play(&mut app, 1.0);
    app.update();
    send(&mut app, Request::TogglePlay);
    let at = session(&app).cursor;
    for _ in 0..5 {
        app.update();
    }
    assert_eq!(session(&app).cursor, at);
}

#[test]
fn seeking_back_then_forward_reproduces_the_same_fingerprint() {
    let mut app = app("raft/leader-crash.toml", Some(3));
    let late = SimTime(2_500_000_000);
    let early = SimTime(900_000_000);
    send(&mut app, Request::Seek(late));
    let fp_late = session(&app).fingerprint();
    assert_eq!(session(&app).cursor, late);
    send(&mut app, Request::Seek(early));
    assert_eq!(session(&app).cursor, early);
    let fp_early = session(&app).fingerprint();
    assert_ne!(fp_early, fp_late);
    // The rewound state is the one a fresh run reaches at that time.
    let mut fresh = open("raft/leader-crash.toml", Some(3));
    fresh.seek(early).unwrap();
    assert_eq!(fresh.fingerprint(), fp_early);
    assert_eq!(fresh.live().steps(), session(&app).live().steps());
    send(&mut app, Request::Seek(late));
    assert_eq!(session(&app).fingerprint(), fp_late);
    // One step back and one forward again.
    let steps = session(&app).live().steps();
    send(&mut app, Request::StepBack);
    assert_eq!(session(&app).live().steps(), steps - 1);
    send(&mut app, Request::StepForward);
    assert_eq!(session(&app).live().steps(), steps);
    assert_eq!(session(&app).fingerprint(), fp_late);
}

#[test]
fn an_interactive_crash_saved_as_a_scenario_replays_to_the_same_fingerprint() {
    let seed = 4;
    let mut app = app("raft/happy-path.toml", Some(seed));
    send(&mut app, Request::Seek(SimTime(1_000_000_000)));
    let leader = session(&app).run().leader().expect("a leader by 1s").0;
    send(&mut app, Request::Act(UserAction::Crash(leader)));
    assert_eq!(
        session(&app).run().statuses()[leader as usize],
        NodeStatus::Down,
        "{}",
        app.world().resource::<Playback>().status
    );
    play(&mut app, 2.0);
    for _ in 0..10 {
        app.update();
    }
    send(&mut app, Request::Pause("check".into()));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crash.toml");
    send(&mut app, Request::Save(out.clone()));
    let saved = app
        .world()
        .resource::<Playback>()
        .saved
        .clone()
        .expect("saved")
        .expect("save worked");
    assert_eq!(saved.session, saved.replay);
    // Independently: the file holds the crash and `clustersim run` of it gives the session's
    // fingerprint at the end of the run.
    let file = Scenario::load(&out).unwrap();
    assert_eq!(file.seed, seed);
    let crash = file
        .faults
        .iter()
        .find(|f| f.action.get_ref().name() == "crash")
        .unwrap_or_else(|| panic!("{:?}", file.faults));
    // Written as a duration a person reads: in seconds, to the nanosecond if it must be
    // (`1.000000001s`, not `1000000.001us`).
    let at = crash.at.get_ref().to_string();
    assert!(at.starts_with('1') && at.ends_with('s'), "{at}");
    assert!(
        !at.ends_with("us") && !at.ends_with("ns") && !at.ends_with("ms"),
        "{at}"
    );
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains(&format!("at = \"{at}\""))
    );
    let replay = run_scenario(&Registry::builtin(), &file, &RunOptions::default())
        .unwrap()
        .report
        .fingerprint;
    let session_end = session(&app)
        .live()
        .clone()
        .finish()
        .unwrap()
        .report
        .fingerprint;
    assert_eq!(replay, session_end);
    let untouched = run_scenario(
        &Registry::builtin(),
        &Scenario::load(&library("raft/happy-path.toml")).unwrap(),
        &RunOptions {
            seed: Some(seed),
            ..RunOptions::default()
        },
    )
    .unwrap()
    .report
    .fingerprint;
    assert_ne!(replay, untouched, "the crash changed nothing");
}

#[test]
fn a_command_the_protocol_refuses_is_not_recorded_and_one_it_takes_is() {
    // Broadcast takes no key-value command: refused, said so, and neither applied nor saved.
    let mut bcast = app("broadcast/efficient.toml", None);
    let before = session(&bcast).run().trace().len();
    send(
        &mut bcast,
        Request::Act(UserAction::Submit("put x 1".into())),
    );
    let status = bcast.world().resource::<Playback>().status.clone();
    assert!(
        status.contains("refuses") && status.contains("put x 1"),
        "{status}"
    );
    assert!(session(&bcast).actions().is_empty());
    assert_eq!(session(&bcast).run().trace().len(), before);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("refused.toml");
    send(&mut bcast, Request::Save(out.clone()));
    let file = Scenario::load(&out).unwrap();
    assert!(file.faults.is_empty(), "{:?}", file.faults);
    // Raft takes it: applied and recorded.
    let mut raft = app("raft/happy-path.toml", None);
    send(&mut raft, Request::Seek(SimTime(1_000_000_000)));
    send(
        &mut raft,
        Request::Act(UserAction::Submit("put x 1".into())),
    );
    let actions = session(&raft).actions().to_vec();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0].action.get_ref().name(), "submit");
}

#[test]
fn every_running_server_shows_how_far_its_next_timer_is() {
    let mut app = app("raft/happy-path.toml", None);
    app.add_plugins(SceneSyncPlugin);
    send(&mut app, Request::Seek(SimTime(1_200_000_000)));
    app.update();
    let frame = app.world().resource::<CurrentFrame>().0.clone();
    let servers = session(&app).run().server_count() as usize;
    let timers = session(&app).run().pending_timers();
    for i in 0..servers {
        let (set, due) = frame.nodes[i]
            .timer
            .expect("a running Raft server has a timer");
        // The node's earliest pending timer, drawn as set and due.
        let next = timers.iter().find(|t| t.node.index() == i).expect("listed");
        assert_eq!((set, due), (next.set_at, next.due_at));
        let p = frame.timer_progress(i).unwrap();
        let expected = (frame.cursor.0 - set.0) as f32 / (due.0 - set.0) as f32;
        assert!((p - expected).abs() < 1e-4, "n{i}: {p} against {expected}");
    }
}

#[test]
fn the_scene_draws_one_sprite_per_message_in_flight() {
    let mut app = app("raft/happy-path.toml", None);
    app.add_plugins(SceneSyncPlugin);
    send(&mut app, Request::Seek(SimTime(1_200_000_000)));
    app.update();
    app.update();
    let in_flight = session(&app).run().in_flight().len();
    assert!(in_flight > 0, "nothing in flight at 1.2s");
    let drawn = app.world().resource::<CurrentFrame>().0.messages.len();
    assert!(drawn >= in_flight, "{drawn} drawn, {in_flight} in flight");
    let mut q = app
        .world_mut()
        .query_filtered::<&Visibility, With<MsgVisual>>();
    let visible = q
        .iter(app.world())
        .filter(|v| **v != Visibility::Hidden)
        .count();
    assert_eq!(visible, drawn);
}

/// Opens `file` from inside the app, as the Open button does, and returns the app and the
/// failure playback stopped on.
fn open_stopped(file: &str) -> (App, String, String) {
    let mut app = app("raft/happy-path.toml", None);
    send(&mut app, Request::Open(library(file), None));
    let (check, why) = app
        .world()
        .resource::<Playback>()
        .stopped_on
        .clone()
        .expect("stopped on the failure");
    (app, check, why)
}

#[test]
fn a_shrunk_failure_opens_at_its_violating_event_with_the_explanation() {
    let (app, check, why) = open_stopped("raft/shrunk-forget-vote.toml");
    assert_eq!(check, "invariant Election Safety");
    assert!(why.contains("both leaders of term"), "{why}");
    // The file's description names the event: t=491.127ms.
    let s = session(&app);
    assert!(
        (491_127_000..491_128_000).contains(&s.cursor.0),
        "cursor at {}",
        s.cursor
    );
    assert_eq!(s.live().violation().map(|v| v.time), Some(s.cursor));
    assert!(s.cursor < s.end());
    // Why, not only what: the bug the file injects and the faults that led there.
    assert_eq!(s.scenario.bugs(), ["forget-vote"]);
    let faults: Vec<&str> = s
        .history
        .marks
        .iter()
        .filter(|m| m.kind == MarkKind::Fault && m.at <= s.cursor)
        .map(|m| m.text.as_str())
        .collect();
    assert!(
        !faults.is_empty() && faults.iter().all(|f| f.starts_with("restart n")),
        "{faults:?}"
    );
}

#[test]
fn a_model_checker_counterexample_opens_at_its_violation_and_steps_through_it() {
    let (app, check, why) = open_stopped("raft/model-forget-vote.toml");
    assert_eq!(check, "invariant Election Safety");
    assert!(why.contains("both leaders of term 1"), "{why}");
    let mut s = session(&app);
    // One step per choice of the [schedule]; the last one breaks the invariant.
    let steps = s.live().steps();
    assert_eq!(steps, 8);
    s.seek_step(steps - 1).unwrap();
    assert!(
        s.live().violation().is_none(),
        "a step earlier, nothing is broken yet"
    );
    s.seek_step(steps).unwrap();
    assert_eq!(
        s.live().violation().map(|v| v.checker.as_str()),
        Some("Election Safety")
    );
}

#[test]
fn a_failure_judged_at_the_end_opens_at_the_end() {
    let (app, check, why) = open_stopped("raft/shrunk-stale-read.toml");
    assert_eq!(check, "linearizable");
    assert!(why.contains("not linearizable"), "{why}");
    let s = session(&app);
    assert_eq!(s.cursor, s.end());
    assert!(s.live().violation().is_none());
}

#[test]
fn stepping_to_the_next_election_mark_stops_when_a_leader_is_elected() {
    let mut s = open("raft/happy-path.toml", None);
    let found = s.step_until_label("mark elected", 1_000_000).unwrap();
    assert_eq!(found.as_deref(), Some("mark elected"));
    let run = s.live().run();
    let leader = run.leader().expect("the step stopped at an election");
    let view = run.views()[leader.index()].clone().unwrap();
    assert_eq!(view.class, sim_core::RoleClass::Leader);
    assert_eq!(view.epoch, Some(1), "the first election is of term 1");
    // The same step again goes on to a later election or to the end, never back.
    let at = run.now();
    let _ = s.step_until_label("mark elected", 1_000).unwrap();
    assert!(s.live().run().now() >= at);
}

#[test]
fn a_node_whose_disk_was_damaged_is_marked() {
    let mut app = app("raft/damaged-follower.toml", None);
    app.add_plugins(SceneSyncPlugin);
    // n0's log entry 2 is corrupted at 2s; it restarts at 2.3s and repairs it by 6s.
    send(&mut app, Request::Seek(SimTime(2_100_000_000)));
    app.update();
    app.update();
    let frame = &app.world().resource::<CurrentFrame>().0;
    assert!(
        frame.nodes[0].label.ends_with("[disk damaged]"),
        "{}",
        frame.nodes[0].label
    );
    assert!(
        !frame.nodes[1].label.contains("disk damaged"),
        "{}",
        frame.nodes[1].label
    );
    let damage = session(&app).run().disk_damage();
    assert_eq!(damage[0].len(), 1);
    assert_eq!(damage[0][0].1.to_string(), "corrupt");
}

#[test]
fn next_stop_runs_the_tour_forward_and_previous_goes_back() {
    let mut app = app("synod/tour-dueling-proposers.toml", None);
    // The first stop is at 0s; the second waits for the first phase 1 to succeed, which the
    // session has not simulated yet: "next stop" runs the run until it happens.
    let (placed, waiting) = viz::tour::stops(&session(&app));
    assert_eq!((placed.len(), waiting), (1, 5));
    send(&mut app, Request::TourNext);
    let (placed, _) = viz::tour::stops(&session(&app));
    let cursor = session(&app).cursor;
    assert_eq!(viz::tour::current(&placed, cursor), Some(1));
    assert_eq!(cursor, placed[1].at, "the cursor is at the stop");
    assert!(placed[1].text.starts_with("Phase 1 done for n0"));
    assert_eq!(
        placed[1].nodes,
        vec![sim_core::NodeId(0)],
        "the mark's node"
    );
    let elected = session(&app)
        .history
        .marks
        .iter()
        .find(|m| m.typed == Some(sim_core::MarkKind::Elected))
        .map(|m| m.at);
    assert_eq!(elected, Some(cursor));
    send(&mut app, Request::TourPrevious);
    let (placed, _) = viz::tour::stops(&session(&app));
    assert_eq!(viz::tour::current(&placed, session(&app).cursor), Some(0));
}

#[test]
fn playing_pauses_at_a_stop_that_asks_for_it() {
    let mut app = app("synod/tour-dueling-proposers.toml", None);
    // Fast enough to pass several stops in a few frames.
    play(&mut app, 0.05);
    for _ in 0..40 {
        app.update();
        if !app.world().resource::<Playback>().playing {
            break;
        }
    }
    assert!(!app.world().resource::<Playback>().playing, "paused");
    let s = session(&app);
    let (placed, _) = viz::tour::stops(&s);
    // The first stop (at 0s) does not pause; the second does, and the cursor is on it.
    assert!(!placed[0].pause && placed[1].pause);
    assert_eq!(s.cursor, placed[1].at);
    drop(s);
    assert!(
        app.world()
            .resource::<Playback>()
            .status
            .contains("tour: paused at stop 2"),
        "{}",
        app.world().resource::<Playback>().status
    );
}

#[test]
fn the_checks_panel_lists_every_check_of_the_file_pending_until_the_end() {
    use viz::check_list::{CheckState, checks};
    let mut s = open("raft/leader-crash.toml", None);
    s.seek(SimTime(1_000_000_000)).unwrap();
    let lines = checks(&s, &s.verdicts());
    let state = |name: &str| {
        lines
            .iter()
            .find(|l| l.name == name)
            .unwrap_or_else(|| panic!("{name} in {lines:?}"))
            .state
    };
    assert_eq!(state("invariants"), CheckState::Pass);
    assert_eq!(
        state("linearizable"),
        CheckState::Pass,
        "the history so far"
    );
    for judged_at_the_end in ["leader_within 1s", "converged_by 6s"] {
        assert_eq!(state(judged_at_the_end), CheckState::Pending);
    }
    let end = s.end();
    s.seek(end).unwrap();
    let lines = checks(&s, &s.verdicts());
    assert!(lines.len() >= 4, "{lines:?}");
    assert!(
        lines.iter().all(|l| l.state == CheckState::Pass),
        "{lines:?}"
    );
}

#[test]
fn at_the_start_the_cluster_is_drawn_starting_and_a_crashed_node_down() {
    let mut app = app("raft/leader-crash.toml", None);
    app.add_plugins(SceneSyncPlugin);
    app.update();
    assert_eq!(session(&app).cursor, SimTime::ZERO);
    let frame = app.world().resource::<CurrentFrame>().0.clone();
    let starting = frame
        .nodes
        .iter()
        .filter(|n| n.label.ends_with(" starting"));
    // Nothing has run yet: no node is shown as crashed.
    assert_eq!(starting.count(), frame.nodes.len(), "{:?}", frame.nodes);
    assert!(
        frame
            .nodes
            .iter()
            .all(|n| n.ring == viz::palette::STARTING_RING)
    );
    // The leader crashes at 2s: then it is down, and the others are running.
    send(&mut app, Request::Seek(SimTime(2_100_000_000)));
    app.update();
    let frame = app.world().resource::<CurrentFrame>().0.clone();
    let down: Vec<&str> = frame
        .nodes
        .iter()
        .filter(|n| n.ring == viz::palette::DOWN_RING)
        .map(|n| n.label.as_str())
        .collect();
    assert_eq!(down.len(), 1, "{down:?}");
    assert!(down[0].ends_with(" down"));
    assert!(frame.nodes.iter().all(|n| !n.label.ends_with(" starting")));
}

#[test]
fn home_and_end_jump_to_the_ends_of_the_run() {
    let mut app = app("raft/happy-path.toml", None);
    send(&mut app, Request::Seek(SimTime(1_000_000_000)));
    send(&mut app, Request::SeekEnd);
    let end = session(&app).end();
    assert_eq!(session(&app).cursor, end);
    assert!(session(&app).live().is_done() || session(&app).run().now() <= end);
    send(&mut app, Request::Seek(SimTime::ZERO));
    assert_eq!(session(&app).cursor, SimTime::ZERO);
}

#[test]
fn a_grid_topology_is_laid_out_as_its_grid() {
    let mut app = app("tree_sync/happy-path.toml", None);
    app.add_plugins(SceneSyncPlugin);
    app.update();
    let scenario = session(&app).scenario.clone();
    let Some(scenarios::scenario::TopologySpec::Grid { rows, cols }) = scenario
        .cluster
        .topology
        .as_ref()
        .map(|t| t.get_ref().clone())
    else {
        panic!("the file's topology is a grid");
    };
    let layout = app.world().resource::<viz::scene::SceneLayout>();
    assert_eq!(layout.layout.kind, viz::layout::LayoutKind::Grid);
    let pos = &layout.layout.pos;
    let cols = cols as usize;
    for r in 0..rows as usize {
        for c in 1..cols {
            assert!((pos[r * cols + c].y - pos[r * cols].y).abs() < 1e-6);
            assert!(pos[r * cols + c].x > pos[r * cols + c - 1].x);
        }
    }
}

#[test]
fn the_spanning_tree_is_drawn_apart_from_the_other_links() {
    let mut app = app("tree_sync/happy-path.toml", None);
    app.add_plugins(SceneSyncPlugin);
    send(&mut app, Request::Seek(SimTime(2_000_000_000)));
    app.update();
    let frame = app.world().resource::<CurrentFrame>().0.clone();
    let servers = session(&app).run().server_count() as usize;
    let tree: Vec<(usize, usize)> = frame
        .links
        .iter()
        .filter(|l| l.tree)
        .map(|l| (l.a, l.b))
        .collect();
    // Every server is up and attached: a spanning tree has one edge fewer than nodes, and
    // connects them all.
    assert_eq!(tree.len(), servers - 1, "{tree:?}");
    let mut reached = vec![false; servers];
    reached[0] = true;
    for _ in 0..servers {
        for &(a, b) in &tree {
            if reached[a] || reached[b] {
                reached[a] = true;
                reached[b] = true;
            }
        }
    }
    assert!(reached.iter().all(|&r| r), "the tree spans the cluster");
    // Its edges are the overlay's: the grid's neighbours.
    let overlay = session(&app).run().topology();
    for (a, b) in &tree {
        assert!(
            overlay
                .iter()
                .any(|(x, y)| (x.index(), y.index()) == (*a, *b)
                    || (y.index(), x.index()) == (*a, *b)),
            "n{a}-n{b} is no link of the topology"
        );
    }
    assert!(
        frame.links.iter().any(|l| !l.tree),
        "the other links are drawn too"
    );
}
