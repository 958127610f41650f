//! Shrinking a failing explored scenario while the same check still fails first.
//!
//! The steps, repeated until a round changes nothing (at most [`ROUNDS`] rounds, at most
//! [`MAX_RUNS`] runs in all):
//!
//! 1. delta debugging (Zeller's ddmin) over the explicit fault schedule;
//! 2. a shorter run: the safety phase ends just after an invariant violation, and otherwise
//!    the phases are halved while the failure stays (the liveness phase is kept when the check
//!    judges progress or the state the run ends in, such as a leader, convergence, or
//!    broadcast agreement, since a shorter one would fail for want of time; only invariants
//!    and linearizability hold for every prefix of a run);
//! 3. fewer clients, then fewer operations per client (protocols with clients);
//! 4. fewer servers, down to the smallest size `[explore] nodes` allows (faults naming removed
//!    servers go with them);
//! 5. a simpler network: constant latency, then no loss, then no duplication.
//!
//! Every candidate runs with the failing seed, one after another, so the result depends only
//! on the scenario, the seed and the failure.

use super::{Finding, Prepared, judge};
use crate::duration::DurationStr;
use crate::registry::Registry;
use crate::scenario::{FaultEvent, LatencySpec, Scenario, Selector};
use sim_core::Duration;
use toml::Spanned;

/// Most shrinking rounds.
pub const ROUNDS: usize = 4;
/// Most runs one shrink may spend.
pub const MAX_RUNS: u64 = 4000;

const MS: u64 = 1_000_000;

/// A shrunk failure.
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// The smallest scenario found that still fails the same check first.
    pub scenario: Scenario,
    /// What it finds.
    pub finding: Finding,
    /// How many faults the failing scenario had before shrinking.
    pub faults_before: usize,
    /// How many runs shrinking took.
    pub runs: u64,
}

struct Shrinker<'a> {
    registry: &'a Registry,
    seed: u64,
    check: String,
    runs: u64,
}

impl Shrinker<'_> {
    /// Whether `s` still fails `check` first (false once the run budget is spent).
    fn fails(&mut self, s: &Scenario) -> bool {
        if self.runs >= MAX_RUNS || !s.validate().is_empty() {
            return false;
        }
        self.runs += 1;
        judge(self.registry, s, self.seed).is_some_and(|f| f.check == self.check)
    }

    /// `s` with its faults replaced.
    fn with_faults(s: &Scenario, faults: &[FaultEvent]) -> Scenario {
        let mut c = s.clone();
        c.faults = faults.to_vec();
        c
    }

    /// ddmin over the fault list of `s`.
    fn faults(&mut self, s: &mut Scenario) -> bool {
        let mut items = s.faults.clone();
        let before = items.len();
        if items.is_empty() {
            return false;
        }
        if self.fails(&Self::with_faults(s, &[])) {
            s.faults.clear();
            return true;
        }
        let mut n = 2usize;
        while items.len() >= 2 {
            let size = items.len().div_ceil(n);
            let parts: Vec<Vec<FaultEvent>> = items.chunks(size).map(<[_]>::to_vec).collect();
            let mut reduced = false;
            for part in &parts {
                if self.fails(&Self::with_faults(s, part)) {
                    items = part.clone();
                    n = 2;
                    reduced = true;
                    break;
                }
            }
            if !reduced && parts.len() > 2 {
                for i in 0..parts.len() {
                    let rest: Vec<FaultEvent> = parts
                        .iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i)
                        .flat_map(|(_, p)| p.iter().cloned())
                        .collect();
                    if self.fails(&Self::with_faults(s, &rest)) {
                        items = rest;
                        n = (n - 1).max(2);
                        reduced = true;
                        break;
                    }
                }
            }
            if !reduced {
                if n >= items.len() {
                    break;
                }
                n = (2 * n).min(items.len());
            }
        }
        if items.len() == 1 && self.fails(&Self::with_faults(s, &[])) {
            items.clear();
        }
        s.faults = items;
        s.faults.len() < before
    }

    /// Tries `candidate`; keeps it in `s` if it still fails.
    fn try_keep(&mut self, s: &mut Scenario, candidate: Scenario) -> bool {
        if candidate != *s && self.fails(&candidate) {
            *s = candidate;
            true
        } else {
            false
        }
    }

    /// A shorter run.
    fn shorten(&mut self, s: &mut Scenario, at: Option<sim_core::Time>) -> bool {
        let mut changed = false;
        let (safety, _) = phases(s);
        if let Some(t) = at {
            let cut = (t.0 / MS + 1) * MS;
            if cut < safety {
                changed |= self.try_keep(s, with_phases(s, cut, MS));
            } else {
                let live = (cut - safety).max(MS);
                changed |= self.try_keep(s, with_phases(s, safety, live));
            }
        }
        let liveness_target = ends_in_time(&self.check);
        loop {
            let (safety, liveness) = phases(s);
            let mut step = false;
            let half = (safety / 2 / MS) * MS;
            if half >= MS {
                step |= self.try_keep(s, with_phases(s, half, liveness));
            }
            let (safety, liveness) = phases(s);
            let half = (liveness / 2 / MS) * MS;
            if !liveness_target && half >= MS {
                step |= self.try_keep(s, with_phases(s, safety, half));
            }
            if !step {
                break;
            }
            changed = true;
        }
        changed
    }

    /// Fewer clients, then fewer operations per client.
    fn workload(&mut self, s: &mut Scenario) -> bool {
        let Some(w) = s.workload.clone() else {
            return false;
        };
        let mut changed = false;
        let get = |w: &toml::Table, k: &str| w.get(k).and_then(toml::Value::as_integer);
        if let Some(clients) = get(&w, "clients") {
            let lowest = i64::from(!self.check.starts_with("linearizable"));
            for c in lowest.min(clients)..clients {
                let mut cand = s.clone();
                set(&mut cand, "clients", c);
                if self.try_keep(s, cand) {
                    changed = true;
                    break;
                }
            }
        }
        let current = s
            .workload
            .as_ref()
            .and_then(|w| get(w, "ops_per_client"))
            .unwrap_or(0);
        let mut ops = 1;
        while ops <= 1024 && (current == 0 || ops < current) {
            let mut cand = s.clone();
            set(&mut cand, "ops_per_client", ops);
            if self.try_keep(s, cand) {
                changed = true;
                break;
            }
            ops *= 2;
        }
        changed
    }

    /// Fewer servers.
    fn servers(&mut self, s: &mut Scenario, min: u32) -> bool {
        let now = s.cluster.servers();
        for n in min..now {
            let mut cand = s.clone();
            cand.cluster.nodes = Spanned::new(0..0, n);
            cand.faults = s.faults.iter().filter_map(|f| within(f, n)).collect();
            if self.try_keep(s, cand) {
                return true;
            }
        }
        false
    }

    /// A simpler network.
    fn network(&mut self, s: &mut Scenario) -> bool {
        let mut changed = false;
        for ms in [1, 5] {
            let mut cand = s.clone();
            cand.network.latency = LatencySpec::constant(DurationStr::from_millis(ms));
            if self.try_keep(s, cand) {
                changed = true;
                break;
            }
        }
        let mut cand = s.clone();
        cand.network.loss = 0.0;
        changed |= self.try_keep(s, cand);
        let mut cand = s.clone();
        cand.network.duplicate = 0.0;
        changed |= self.try_keep(s, cand);
        changed
    }
}

/// Whether `check` needs the run's time to pass: every check but the invariants and
/// linearizability, which hold for each prefix of a run, judges progress or the state the run
/// ends in (a leader, convergence, broadcast agreement, one tree), and a shorter liveness
/// phase would fail it for want of time, whatever the protocol does.
fn ends_in_time(check: &str) -> bool {
    !(check.starts_with("invariant") || check.starts_with("linearizable"))
}

/// Shrinks `failing` (which fails `finding.check` first with `seed`).
pub fn shrink(
    registry: &Registry,
    p: &Prepared,
    failing: &Scenario,
    seed: u64,
    finding: &Finding,
) -> Shrunk {
    let mut sh = Shrinker {
        registry,
        seed,
        check: finding.check.clone(),
        runs: 0,
    };
    let mut s = failing.clone();
    let focused = focus(&s, &finding.check);
    if sh.fails(&focused) {
        s = focused;
    }
    let mut at = finding.at;
    for _ in 0..ROUNDS {
        let mut changed = sh.faults(&mut s);
        changed |= sh.shorten(&mut s, at);
        changed |= sh.workload(&mut s);
        changed |= sh.servers(&mut s, p.bounds.nodes[0]);
        changed |= sh.network(&mut s);
        at = judge(registry, &s, seed).and_then(|f| f.at);
        if !changed {
            break;
        }
    }
    let finding = judge(registry, &s, seed).unwrap_or_else(|| finding.clone());
    Shrunk {
        scenario: s,
        finding,
        faults_before: failing.faults.len(),
        runs: sh.runs,
    }
}

/// `s` judged only by the failing check (and the invariants, which are always on): the other
/// checks may fail for other reasons in a shrunk run, and a replay expects only this one.
pub fn focus(s: &Scenario, check: &str) -> Scenario {
    let mut c = s.clone();
    let ch = &mut c.checks;
    let keep = |prefix: &str| check.starts_with(prefix);
    if !keep("linearizable") {
        ch.linearizable = None;
    }
    if !keep("leader_within") {
        ch.leader_within = None;
    }
    if !keep("converged_by") {
        ch.converged_by = None;
    }
    if !keep("messages_per_op_max") {
        ch.messages_per_op_max = None;
    }
    if !keep("expect ") {
        c.expect.clear();
    }
    c
}

fn phases(s: &Scenario) -> (u64, u64) {
    let n = |d: &Option<Spanned<DurationStr>>| d.as_ref().map_or(0, |d| d.get_ref().nanos());
    (n(&s.run.safety), n(&s.run.liveness))
}

/// `s` with new phase lengths; faults at or after the new heal are dropped.
fn with_phases(s: &Scenario, safety: u64, liveness: u64) -> Scenario {
    let mut c = s.clone();
    let d = |x| Some(Spanned::new(0..0, DurationStr(Duration(x))));
    c.run.safety = d(safety);
    c.run.liveness = d(liveness);
    c.faults.retain(|f| f.at.get_ref().nanos() < safety);
    c
}

fn set(s: &mut Scenario, key: &str, v: i64) {
    if let Some(w) = s.workload.as_mut() {
        w.insert(key.into(), toml::Value::Integer(v));
    }
}

/// `f` restricted to servers `0..n`; `None` if nothing of it is left.
fn within(f: &FaultEvent, n: u32) -> Option<FaultEvent> {
    let keep = |sel: &Selector| -> Option<Selector> {
        match sel {
            Selector::Nodes(v) => {
                let v: Vec<u32> = v.iter().copied().filter(|&x| x < n).collect();
                (!v.is_empty()).then_some(Selector::Nodes(v))
            }
            other => Some(other.clone()),
        }
    };
    let mut f = f.clone();
    for s in [&mut f.nodes, &mut f.isolate, &mut f.from, &mut f.to] {
        if let Some(sel) = s.take() {
            *s = Some(Spanned::new(0..0, keep(sel.get_ref())?));
        }
    }
    if let Some(g) = f.groups.take() {
        let groups: Vec<Selector> = g.get_ref().iter().filter_map(keep).collect();
        if groups.is_empty() {
            return None;
        }
        f.groups = Some(Spanned::new(0..0, groups));
    }
    if let Some(b) = f.bridge.take() {
        let mut b = b.into_inner();
        b.left = keep(&b.left)?;
        b.node = keep(&b.node)?;
        f.bridge = Some(Spanned::new(0..0, b));
    }
    if let Some(o) = f.one_way.take() {
        let mut o = o.into_inner();
        o.from = keep(&o.from)?;
        o.to = keep(&o.to)?;
        f.one_way = Some(Spanned::new(0..0, o));
    }
    Some(f)
}
