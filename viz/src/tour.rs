//! The guided tour of the open scenario (`[[narration]]`): its stops placed in the run as far
//! as the session has seen it, the stop at the cursor, and moving from stop to stop. A stop
//! that waits for a mark is placed once the run has made that mark, so going to the next stop
//! may run the simulation forward until it happens.

use crate::session::{Halt, Session};
use scenarios::scenario::{Happening, Placed, place};
use sim_core::Time;

/// How many steps "next stop" may take looking for a stop that has not happened yet.
pub const SEARCH_STEPS: u64 = 2_000_000;

/// The stops placed so far, in time order, and how many have not happened (yet).
pub fn stops(s: &Session) -> (Vec<Placed>, usize) {
    if s.scenario.narration.is_empty() {
        return (Vec::new(), 0);
    }
    let Ok(stops) = s.scenario.tour() else {
        return (Vec::new(), 0);
    };
    let happened: Vec<Happening> = s
        .history
        .marks
        .iter()
        .filter_map(crate::history::Mark::happening)
        .collect();
    let (placed, waiting) = place(&stops, &happened);
    (placed, waiting.len())
}

/// The position of the stop at or before `t` among `placed`.
pub fn current(placed: &[Placed], t: Time) -> Option<usize> {
    placed.partition_point(|p| p.at <= t).checked_sub(1)
}

/// Goes to the stop after the cursor's, running the simulation forward if it has not happened
/// yet; `Ok(None)` when there is none.
pub fn next(s: &mut Session) -> Result<Option<(usize, Option<Halt>)>, String> {
    let from = s.cursor;
    let mut taken = 0;
    // Stops move only when a mark or remark is seen: placing them again after every step
    // would make a long search quadratic.
    let mut marks_seen = usize::MAX;
    loop {
        if s.history.marks.len() != marks_seen {
            marks_seen = s.history.marks.len();
            let (placed, waiting) = stops(s);
            let i = current(&placed, from).map_or(0, |i| i + 1);
            if let Some(stop) = placed.get(i) {
                let halt = s.seek(stop.at)?;
                return Ok(Some((i, halt)));
            }
            if waiting == 0 {
                return Ok(None);
            }
        }
        if s.live().is_done() || taken >= SEARCH_STEPS {
            return Ok(None);
        }
        s.step()?;
        taken += 1;
    }
}

/// Goes to the stop before the cursor's; `Ok(None)` when there is none.
pub fn previous(s: &mut Session) -> Result<Option<(usize, Option<Halt>)>, String> {
    let (placed, _) = stops(s);
    let Some(i) = current(&placed, s.cursor).and_then(|i| i.checked_sub(1)) else {
        return Ok(None);
    };
    let halt = s.seek(placed[i].at)?;
    Ok(Some((i, halt)))
}

/// The first stop that asks to pause at a time in `(from, to]`, with its position.
pub fn pause_between(placed: &[Placed], from: Time, to: Time) -> Option<(usize, &Placed)> {
    placed
        .iter()
        .enumerate()
        .find(|(_, p)| p.pause && p.at > from && p.at <= to)
}
