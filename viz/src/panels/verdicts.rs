//! The checks on the run so far: re-run now and then rather than every frame, because the
//! end-of-run checks cost a pass over the history, and playback must stop on a violation.

use super::PanelState;
use crate::playback::{Playback, Request, Sim};
use crate::protocols::Protocols;
use bevy::prelude::*;

/// Re-runs the end-of-run checks on the run so far now and then, and stops playback when
/// linearizability fails.
pub(super) fn verdicts(
    sim: Option<Res<Sim>>,
    real: Res<Time<Real>>,
    playback: Res<Playback>,
    protocols: Option<Res<Protocols>>,
    mut state: ResMut<PanelState>,
    mut out: MessageWriter<Request>,
) {
    let Some(sim) = sim else { return };
    if state.generation != Some(sim.generation) {
        state.generation = Some(sim.generation);
        state.verdicts.clear();
        state.check_lines.clear();
        state.verdicts_at = None;
        state.verdict_series.clear();
        // A scenario of another protocol: offer a command that protocol takes.
        let name = sim.session().run().protocol().to_string();
        if name != state.command_protocol {
            let example = protocols
                .as_ref()
                .and_then(|p| p.0.get(&name))
                .map_or("", |p| p.example_command());
            state.command = example.to_string();
            state.command_protocol = name;
        }
    }
    let s = sim.session();
    let steps = s.live().steps();
    let now = real.elapsed_secs_f64();
    let due = match state.verdicts_at {
        None => true,
        Some((g, st, at)) => g != sim.generation || (st != steps && now - at > 0.5),
    };
    if !due {
        return;
    }
    state.verdicts_at = Some((sim.generation, steps, now));
    state.verdicts = s.verdicts();
    state.check_lines = crate::check_list::checks(&s, &state.verdicts);
    let passed = state.verdicts.iter().filter(|c| c.passed).count() as f64;
    let failed = state.verdicts.len() as f64 - passed;
    let t = s.cursor.0 as f64 / 1e9;
    state.verdict_series.retain(|p| p[0] < t);
    state.verdict_series.push([t, passed, failed]);
    if let Some(bad) = state
        .verdicts
        .iter()
        .find(|c| !c.passed && c.name.starts_with("linearizable"))
        && playback.playing
    {
        out.write(Request::StopOn(bad.name.clone(), bad.detail.clone()));
    }
}
