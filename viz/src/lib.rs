//! clustersim-viz: watch, step, rewind, inspect and break a simulated cluster.
//!
//! The app drives a scenario run through the scenario registry's [`scenarios::Run`] handle and
//! the scenarios crate's own runner ([`scenarios::runner::Live`]), so what it shows is what
//! `clustersim run` computes, and a protocol registered later shows without changes here.
//!
//! Plugins, one concern each: [`playback::PlaybackPlugin`] (the only writer of the session),
//! [`scene::ScenePlugin`] (nodes, links, messages), [`panels::PanelsPlugin`] (egui controls,
//! charts, inspector, timeline) and [`input::InputPlugin`] (keys, clicks, drags).

pub mod actions;
pub mod app;
pub mod capture;
pub mod check_list;
pub mod checkpoints;
pub mod event_log;
pub mod frame;
pub mod history;
pub mod input;
pub mod lamport;
pub mod layout;
pub mod library;
pub mod palette;
pub mod panel_data;
pub mod panels;
pub mod playback;
pub mod protocols;
pub mod scene;
pub mod session;
pub mod settings;
pub mod timeline;
pub mod tour;

pub use app::main;

use bevy::prelude::*;

/// The app's own plugins (with a window: add `DefaultPlugins` and `EguiPlugin` first, and a
/// [`protocols::Protocols`] resource for the sessions to be built with).
pub struct VizPlugins;

impl Plugin for VizPlugins {
    fn build(&self, app: &mut App) {
        app.init_resource::<settings::ViewSettings>()
            .init_resource::<settings::SettingsFile>()
            .add_plugins((
                playback::PlaybackPlugin,
                scene::ScenePlugin,
                panels::PanelsPlugin,
                input::InputPlugin,
            ));
    }
}
