//! The front end as a library call: `clustersim-viz` is `main(Registry::builtin())`, as
//! `clustersim` is `scenarios::cli::main(Registry::builtin())`, so that a protocol defined
//! outside this repository gets the same front end by passing its own registry.

use crate::capture::{CapturePlugin, CaptureTo};
use crate::playback::{Playback, Sim, opened};
use crate::protocols::Protocols;
use crate::session::Session;
use bevy::prelude::*;
use bevy_egui::EguiPlugin;
use clap::Parser;
use scenarios::Registry;
use std::path::PathBuf;
use std::process::ExitCode;

/// Watch, step, rewind, inspect and break a simulated cluster.
#[derive(Parser, Debug)]
#[command(
    name = "clustersim-viz",
    version,
    after_help = "\
Examples:
  clustersim-viz                                   (pick from the scenario library)
  clustersim-viz scenarios/raft/leader-crash.toml
  clustersim-viz scenarios/raft/leader-crash.toml --seed 42
  clustersim-viz scenarios/raft/happy-path.toml --at 1.2s --screenshot shot.png
  clustersim-viz scenarios/paxos/happy-path.toml --at 1s --select 0

Keys: space play/pause, right arrow step, left arrow step back, up/down arrows speed x2 / /2."
)]
struct Args {
    /// A scenario file (without one, a picker lists the shipped library).
    file: Option<PathBuf>,
    /// Seed (default: the file's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Start at this virtual time (`1.2s`, `350ms`), paused. Without it, a file with
    /// `expect_failure` (a shrunk or known failure) opens at its failure.
    #[arg(long, value_name = "TIME")]
    at: Option<scenarios::DurationStr>,
    /// Save a PNG of the window (and OUT.png.json with what was drawn where), then exit.
    /// Without a file, the picture is of the scenario picker.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// Open with node N selected, its state in the inspector.
    #[arg(long, value_name = "N", requires = "file")]
    select: Option<usize>,
}

/// Parses the command line and runs the front end with the protocols of `registry`.
pub fn main(registry: Registry) -> ExitCode {
    let args = Args::parse();
    let protocols = Protocols::new(registry);
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: "clustersim-viz".into(),
            resolution: (1280, 800).into(),
            ..default()
        }),
        ..default()
    }))
    .add_plugins(EguiPlugin::default())
    .insert_resource(protocols.clone())
    .add_plugins(crate::VizPlugins);
    if let Some(file) = &args.file {
        let mut session = match Session::open(protocols.0.clone(), file, args.seed) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        let mut playback = Playback::default();
        match args.at {
            Some(at) => {
                if let Err(e) = session.seek(sim_core::Time(at.nanos())) {
                    eprintln!("{}: {e}", file.display());
                    return ExitCode::from(1);
                }
                playback.status = format!("opened {}", file.display());
            }
            None => opened(&mut playback, &mut session, file),
        }
        if let Some(n) = args.select {
            let nodes = session.run().statuses().len();
            if n >= nodes {
                eprintln!("--select {n}: the cluster has nodes 0 to {}", nodes - 1);
                return ExitCode::from(2);
            }
            app.insert_resource(crate::input::Selection::Node(n));
        }
        app.insert_resource(Sim::new(session, 0));
        app.insert_resource(playback);
    }
    // A screenshot looks the same on every machine: it neither reads nor writes the settings.
    if args.screenshot.is_none()
        && let Some(path) = crate::settings::default_path()
    {
        match crate::settings::ViewSettings::load(&path) {
            Ok(view) => {
                app.insert_resource(view);
            }
            Err(e) => eprintln!("the front end's settings are not used: {e}"),
        }
        app.insert_resource(crate::settings::SettingsFile(Some(path)));
    }
    if let Some(out) = args.screenshot {
        app.insert_resource(CaptureTo(out))
            .add_plugins(CapturePlugin);
    }
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
