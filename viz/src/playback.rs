//! The playback plugin: the only place the session changes. Other plugins ask for changes by
//! sending [`Request`]s; each frame this plugin applies them, then, while playing, moves the
//! cursor by speed times the frame's duration and takes every step due up to it.

use crate::actions::UserAction;
use crate::protocols::Protocols;
use crate::session::{Halt, Saved, Session, violation_text};
use bevy::prelude::*;
use sim_core::{Duration as SimDuration, Time as SimTime};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// The session being shown (read-only outside this plugin). The run handle is `Send` but not
/// `Sync`, so the session sits behind a mutex; only this plugin takes it mutably, without
/// locking.
#[derive(Resource)]
pub struct Sim {
    session: Mutex<Session>,
    /// Bumped whenever a different session is opened, so the scene lays out again.
    pub generation: u64,
}

impl Sim {
    /// Wraps a session.
    pub fn new(session: Session, generation: u64) -> Sim {
        Sim {
            session: Mutex::new(session),
            generation,
        }
    }

    /// The session, to read.
    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn session_mut(&mut self) -> &mut Session {
        self.session.get_mut().unwrap_or_else(|e| e.into_inner())
    }
}

/// Slowest playback: a thousandth of real time.
pub const SPEED_MIN: f64 = 1e-3;
/// Fastest playback: a thousand times real time.
pub const SPEED_MAX: f64 = 1e3;
/// Most steps taken in one frame, so that a busy stretch slows playback instead of freezing
/// the window.
pub const STEPS_PER_FRAME: u64 = 20_000;
/// Most steps searched by "step to the next event of a kind".
pub const SEARCH_STEPS: u64 = 2_000_000;

/// How the session plays.
#[derive(Resource, Clone, Debug)]
pub struct Playback {
    /// Moving on its own.
    pub playing: bool,
    /// Virtual seconds per real second.
    pub speed: f64,
    /// Why it stopped by itself (a violation, the end), or what the last request did.
    pub status: String,
    /// A violation or failed check that stopped it, with the checker's explanation.
    pub stopped_on: Option<(String, String)>,
    /// Sub-nanosecond remainder carried between frames.
    carry: f64,
    /// The last save, for the panels.
    pub saved: Option<Result<Saved, String>>,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            playing: false,
            speed: 0.1,
            status: String::new(),
            stopped_on: None,
            carry: 0.0,
            saved: None,
        }
    }
}

/// A change asked of the playback.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum Request {
    /// Play or pause.
    TogglePlay,
    /// Pause, saying why.
    Pause(String),
    /// Stop on a failed check: its name and explanation.
    StopOn(String, String),
    /// Take one step.
    StepForward,
    /// Go back one step.
    StepBack,
    /// Step until a trace record with this label (see `history::record_label`).
    StepToLabel(String),
    /// Go to this virtual time.
    Seek(SimTime),
    /// Go to the end of the run (or to the violation it stops on).
    SeekEnd,
    /// Set the speed (clamped to 1/1000x..1000x).
    SetSpeed(f64),
    /// Apply an action at the cursor and record it.
    Act(UserAction),
    /// Open a scenario file with a seed (the file's when `None`).
    Open(PathBuf, Option<u64>),
    /// Save the session as a scenario file.
    Save(PathBuf),
    /// Go to the guided tour's next stop.
    TourNext,
    /// Go to the guided tour's previous stop.
    TourPrevious,
}

/// The playback plugin. Opening a file needs a [`Protocols`] resource, the registry to build
/// its run with.
pub struct PlaybackPlugin;

/// Playback runs first in each frame; everything else reads what it left.
#[derive(SystemSet, Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlaybackSet;

impl Plugin for PlaybackPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Playback>()
            .add_message::<Request>()
            .configure_sets(Update, PlaybackSet)
            .add_systems(
                Update,
                (apply_requests, advance).chain().in_set(PlaybackSet),
            );
    }
}

fn apply_requests(
    mut requests: MessageReader<Request>,
    mut playback: ResMut<Playback>,
    mut commands: Commands,
    sim: Option<ResMut<Sim>>,
    protocols: Option<Res<Protocols>>,
) {
    let mut sim = sim;
    for r in requests.read() {
        if let Request::Open(path, seed) = r {
            let Some(protocols) = &protocols else {
                playback.status = "no protocols to open a scenario with".into();
                continue;
            };
            match Session::open(protocols.0.clone(), path, *seed) {
                Ok(mut session) => {
                    let generation = sim.as_ref().map_or(0, |s| s.generation + 1);
                    *playback = Playback {
                        speed: playback.speed,
                        ..Playback::default()
                    };
                    opened(&mut playback, &mut session, path);
                    match sim.as_mut() {
                        Some(s) => {
                            *s.session_mut() = session;
                            s.generation = generation;
                        }
                        None => commands.insert_resource(Sim::new(session, generation)),
                    }
                }
                Err(e) => playback.status = e,
            }
            continue;
        }
        let Some(sim) = sim.as_mut() else {
            continue;
        };
        let s = sim.session_mut();
        let result: Result<Option<Halt>, String> = match r {
            Request::Open(..) => Ok(None),
            Request::TogglePlay => {
                playback.playing = !playback.playing && !s.live().is_done();
                if playback.playing {
                    playback.stopped_on = None;
                }
                Ok(None)
            }
            Request::Pause(why) => {
                playback.playing = false;
                playback.status = why.clone();
                Ok(None)
            }
            Request::StopOn(name, detail) => {
                playback.playing = false;
                playback.stopped_on = Some((name.clone(), detail.clone()));
                playback.status = format!("stopped: {name} failed");
                Ok(None)
            }
            Request::StepForward => {
                playback.playing = false;
                s.step().map(|step| match step {
                    scenarios::runner::LiveStep::Violated(v) => Some(Halt::Violation(v)),
                    scenarios::runner::LiveStep::Ended => Some(Halt::End),
                    _ => None,
                })
            }
            Request::StepBack => {
                playback.playing = false;
                let steps = s.live().steps().saturating_sub(1);
                s.seek_step(steps).map(|()| None)
            }
            Request::StepToLabel(label) => {
                playback.playing = false;
                match s.step_until_label(label, SEARCH_STEPS) {
                    Ok(Some(found)) => {
                        playback.status = format!("stepped to {found}");
                        Ok(s.live().violation().cloned().map(Halt::Violation))
                    }
                    Ok(None) => {
                        playback.status = format!("no {label} ahead");
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
            Request::Seek(t) => s.seek(*t),
            Request::SeekEnd => {
                playback.playing = false;
                let end = s.end();
                s.seek(end)
            }
            Request::TourNext | Request::TourPrevious => {
                playback.playing = false;
                let moved = if *r == Request::TourNext {
                    crate::tour::next(s)
                } else {
                    crate::tour::previous(s)
                };
                match moved {
                    Ok(Some((i, halt))) => {
                        playback.status = format!("tour: stop {}", i + 1);
                        Ok(halt)
                    }
                    Ok(None) => {
                        playback.status = "tour: no stop that way".into();
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
            Request::SetSpeed(v) => {
                playback.speed = v.clamp(SPEED_MIN, SPEED_MAX);
                Ok(None)
            }
            Request::Act(action) => match s.act(action) {
                Ok(t) => {
                    playback.status = format!("{action} at {t}");
                    Ok(s.live().violation().cloned().map(Halt::Violation))
                }
                Err(e) => Err(e),
            },
            Request::Save(path) => {
                let saved = s.save(path);
                playback.status = match &saved {
                    Ok(r) if r.session == r.replay => format!(
                        "saved {}: replays to {} like the session",
                        r.path.display(),
                        r.replay
                    ),
                    Ok(r) => format!(
                        "saved {}, but it replays to {} where the session gives {}",
                        r.path.display(),
                        r.replay,
                        r.session
                    ),
                    Err(e) => e.clone(),
                };
                playback.saved = Some(saved);
                Ok(None)
            }
        };
        match result {
            Ok(halt) => on_halt(&mut playback, halt),
            Err(e) => {
                playback.playing = false;
                playback.status = e;
            }
        }
    }
}

/// Sets the status for a session just opened from `path`; a found or known failure
/// (`expect_failure`) is played to its failure and stops there with the explanation.
pub fn opened(playback: &mut Playback, session: &mut Session, path: &std::path::Path) {
    playback.status = format!("opened {}", path.display());
    if !session.expects_failure() {
        return;
    }
    match session.seek_failure() {
        Ok(Some((check, why))) => {
            playback.status = format!("{}: stopped at the failure of {check}", path.display());
            playback.stopped_on = Some((check, why));
        }
        Ok(None) => {
            playback.status = format!(
                "{}: expects a failure, but this seed breaks nothing",
                path.display()
            );
        }
        Err(e) => playback.status = e,
    }
}

fn on_halt(playback: &mut Playback, halt: Option<Halt>) {
    match halt {
        None | Some(Halt::Budget) => {}
        Some(Halt::End) => {
            playback.playing = false;
            playback.status = "the run is over".into();
        }
        Some(Halt::Violation(v)) => {
            playback.playing = false;
            playback.status = format!("invariant {} violated at {}", v.checker, v.time);
            playback.stopped_on = Some(violation_text(&v));
        }
    }
}

/// Moves the cursor by speed x frame time while playing.
fn advance(time: Res<Time>, mut playback: ResMut<Playback>, sim: Option<ResMut<Sim>>) {
    let Some(mut sim) = sim else {
        return;
    };
    if !playback.playing {
        return;
    }
    let nanos = time.delta_secs_f64() * playback.speed * 1e9 + playback.carry;
    let whole = nanos.floor();
    playback.carry = nanos - whole;
    let s = sim.session_mut();
    let from = s.cursor;
    let target = s.cursor + SimDuration(whole as u64);
    match s.advance_to(target, STEPS_PER_FRAME) {
        Ok(halt) => {
            on_halt(&mut playback, halt);
            // A stop of the guided tour that asks for it pauses the play where it is.
            let (placed, _) = crate::tour::stops(s);
            if let Some((number, stop)) = crate::tour::pause_between(&placed, from, s.cursor) {
                let at = stop.at;
                playback.playing = false;
                playback.status = format!("tour: paused at stop {}", number + 1);
                if let Err(e) = s.seek(at) {
                    playback.status = e;
                }
            }
        }
        Err(e) => {
            playback.playing = false;
            playback.status = e;
        }
    }
}
