//! How the front end looks for this user: light or dark panels and the size of their text,
//! kept in a small file so that they hold from one run to the next.
//!
//! The file is `$CLUSTERSIM_CONFIG_DIR/front-end.toml`, else
//! `$XDG_CONFIG_HOME/clustersim/front-end.toml`, else `~/.config/clustersim/front-end.toml`.
//! A missing file means the defaults; a file that cannot be read is reported once and the
//! defaults are used, never a crash. Screenshots (`--screenshot`) neither read nor write it, so
//! that they look the same on every machine.

use bevy::prelude::*;
use bevy_egui::egui;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The smallest and the largest text scale offered.
pub const TEXT_SCALE_RANGE: (f32, f32) = (0.75, 2.0);
/// How much one press of A− or A+ changes the text scale.
pub const TEXT_SCALE_STEP: f32 = 0.125;

/// The look of the panels.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ViewSettings {
    /// Light panels instead of dark ones.
    pub light: bool,
    /// The panels' text and controls, as a factor of their usual size.
    pub text_scale: f32,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            light: false,
            text_scale: 1.0,
        }
    }
}

/// Where the settings live, if anywhere (see the module documentation).
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct SettingsFile(pub Option<PathBuf>);

impl ViewSettings {
    /// The settings in `path`; the defaults if there is no such file. A file that is there but
    /// cannot be read or understood is an error that says so.
    pub fn load(path: &Path) -> Result<ViewSettings, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let s: ViewSettings =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(s.clamped())
    }

    /// Writes the settings to `path` whole or not at all, making its folder if needed.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = toml::to_string(self).map_err(|e| e.to_string())?;
        scenarios::atomic::write_atomic(path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The text scale within its range.
    pub fn clamped(self) -> ViewSettings {
        let s = if self.text_scale.is_finite() {
            self.text_scale
        } else {
            1.0
        };
        ViewSettings {
            text_scale: s.clamp(TEXT_SCALE_RANGE.0, TEXT_SCALE_RANGE.1),
            ..self
        }
    }

    /// Larger (`steps` > 0) or smaller text.
    pub fn scaled(self, steps: f32) -> ViewSettings {
        ViewSettings {
            text_scale: self.text_scale + steps * TEXT_SCALE_STEP,
            ..self
        }
        .clamped()
    }

    /// Applies the settings to the panels.
    pub fn apply(&self, ctx: &egui::Context) {
        ctx.set_visuals(if self.light {
            egui::Visuals::light()
        } else {
            egui::Visuals::dark()
        });
        ctx.set_zoom_factor(self.text_scale);
    }
}

/// The settings file's path from the environment (see the module documentation).
pub fn default_path() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let dir = var("CLUSTERSIM_CONFIG_DIR")
        .or_else(|| var("XDG_CONFIG_HOME").map(|d| d.join("clustersim")))
        .or_else(|| var("HOME").map(|h| h.join(".config").join("clustersim")))?;
    Some(dir.join("front-end.toml"))
}

/// Applies the settings to the panels whenever they change, and writes them to the settings
/// file (if there is one).
pub fn apply_and_keep(
    mut contexts: bevy_egui::EguiContexts,
    settings: Res<ViewSettings>,
    file: Res<SettingsFile>,
    mut applied: Local<Option<ViewSettings>>,
) {
    if *applied == Some(*settings) {
        return;
    }
    let Ok(ctx) = contexts.ctx_mut() else { return };
    settings.apply(ctx);
    if applied.is_some()
        && let Some(path) = &file.0
        && let Err(e) = settings.save(path)
    {
        warn!("the front end's settings were not saved: {e}");
    }
    *applied = Some(*settings);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_round_trip_and_a_bad_file_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep").join("front-end.toml");
        assert_eq!(ViewSettings::load(&path), Ok(ViewSettings::default()));
        let s = ViewSettings {
            light: true,
            text_scale: 1.25,
        };
        s.save(&path).unwrap();
        assert_eq!(ViewSettings::load(&path), Ok(s));
        std::fs::write(&path, "light = \"yes\"\n").unwrap();
        let e = ViewSettings::load(&path).unwrap_err();
        assert!(e.contains("front-end.toml") && e.contains("light"), "{e}");
        std::fs::write(&path, "text_scale = 40.0\n").unwrap();
        assert_eq!(
            ViewSettings::load(&path).unwrap().text_scale,
            TEXT_SCALE_RANGE.1
        );
    }

    #[test]
    fn text_grows_and_shrinks_in_steps_within_its_range() {
        let s = ViewSettings::default();
        assert_eq!(s.scaled(2.0).text_scale, 1.25);
        assert_eq!(s.scaled(-100.0).text_scale, TEXT_SCALE_RANGE.0);
        assert_eq!(s.scaled(100.0).text_scale, TEXT_SCALE_RANGE.1);
    }
}
