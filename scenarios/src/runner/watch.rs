//! Watching for a leader (`leader_within`) and for convergence (`converged_by`) by probing the
//! cluster at a fixed virtual-time period.

use crate::duration::DurationStr;
use crate::registry::{CheckResult, Metrics, Run};
use crate::scenario::Scenario;
use sim_core::{Duration, NodeId, Time};

/// The probe period when the file does not give one.
pub const DEFAULT_PROBE: Duration = Duration::from_millis(1);

/// How often the runner looks at the cluster: `[checks] probe`, or [`DEFAULT_PROBE`].
pub(crate) fn probe_period(s: &Scenario) -> Duration {
    s.checks
        .probe
        .as_ref()
        .map_or(DEFAULT_PROBE, |p| Duration(p.get_ref().nanos()))
}

/// The first probe after `t`: probes land on multiples of the period, so extra agenda items
/// never shift them.
pub(crate) fn probe_after(t: Time, period: Duration) -> Time {
    let p = period.0.max(1);
    Time((t.0 / p + 1).saturating_mul(p))
}

/// Waiting for something since a time.
#[derive(Clone, Debug)]
struct Watch {
    since: Time,
    /// Why it started, for reports.
    reason: String,
    /// A node that does not count (an isolated old leader that still believes it leads).
    exclude: Option<NodeId>,
    /// Whether the watch began with the loss of a leader (not the start or a heal).
    after_loss: bool,
    found: Option<(Time, Option<NodeId>)>,
}

impl Watch {
    fn new(since: Time, reason: impl Into<String>, exclude: Option<NodeId>) -> Watch {
        Watch {
            since,
            reason: reason.into(),
            exclude,
            after_loss: false,
            found: None,
        }
    }
}

/// The runner's watches.
#[derive(Clone)]
pub(crate) struct Watches {
    probe: Duration,
    leader: Option<Watch>,
    convergence: Option<Watch>,
    /// Waiting, since the last fault, for the cluster to converge again (only while
    /// convergence is watched).
    recovery: Option<Watch>,
    /// Time from each leader loss (or the start, or the heal) to the next leader, in ms.
    elections: Vec<f64>,
    /// Time from each leader loss alone to the next leader, in ms: the failover time the Raft
    /// paper's Figure 16 plots.
    failovers: Vec<f64>,
}

impl Watches {
    /// The watches of `s`. A protocol that elects leaders (`has_leader`) is watched for its
    /// leader in every run, for the `leader_election_ms` metrics; `leader_within` only adds
    /// the check.
    pub(crate) fn new(s: &Scenario, has_leader: bool) -> Watches {
        let probe = probe_period(s);
        let start = "the start";
        Watches {
            probe,
            leader: (has_leader || s.checks.leader_within.is_some())
                .then(|| Watch::new(Time::ZERO, start, None)),
            convergence: s
                .checks
                .converged_by
                .as_ref()
                .map(|_| Watch::new(Time::ZERO, start, None)),
            recovery: None,
            elections: Vec::new(),
            failovers: Vec::new(),
        }
    }

    /// A fault at `t`: if convergence is watched, wait for the cluster to converge again, for
    /// `recovery_ms` (a later fault restarts the wait).
    pub(crate) fn disrupted(&mut self, t: Time) {
        if self.convergence.is_some() {
            self.recovery = Some(Watch::new(
                t,
                format!("the fault at {}", DurationStr(Duration(t.0))),
                None,
            ));
        }
    }

    fn pending(&self) -> bool {
        [&self.leader, &self.convergence, &self.recovery]
            .iter()
            .any(|w| w.as_ref().is_some_and(|w| w.found.is_none()))
    }

    /// When to probe next after `t`, if anything still waits.
    pub(crate) fn next_probe(&mut self, t: Time) -> Option<Time> {
        self.pending().then(|| probe_after(t, self.probe))
    }

    /// The leader was crashed, paused or isolated at `t`: wait for a new one.
    pub(crate) fn leader_lost(&mut self, t: Time, old: NodeId, isolated: bool) {
        if let Some(w) = &mut self.leader {
            *w = Watch::new(
                t,
                format!("losing leader {old} at {}", DurationStr(Duration(t.0))),
                isolated.then_some(old),
            );
            w.after_loss = true;
        }
    }

    /// Every link is restored: an old leader cut off from the others counts again if it still
    /// leads (cut off too briefly for anyone to time out, it never stopped leading).
    pub(crate) fn reconnected(&mut self) {
        if let Some(w) = &mut self.leader {
            w.exclude = None;
        }
    }

    /// The heal at `t`: wait again for a leader and for convergence.
    pub(crate) fn restart_all(&mut self, t: Time) {
        let reason = format!("the heal at {}", DurationStr(Duration(t.0)));
        if let Some(w) = &mut self.leader {
            *w = Watch::new(t, reason.clone(), None);
        }
        if let Some(w) = &mut self.convergence {
            *w = Watch::new(t, reason, None);
        }
    }

    /// Looks at the cluster at `t`.
    pub(crate) fn probe(&mut self, t: Time, run: &dyn Run) {
        if let Some(w) = &mut self.leader
            && w.found.is_none()
            && let Some(l) = run.leader()
            && Some(l) != w.exclude
        {
            w.found = Some((t, Some(l)));
            let took = (t - w.since).as_millis_f64();
            self.elections.push(took);
            if w.after_loss {
                self.failovers.push(took);
            }
        }
        let waiting = [&self.convergence, &self.recovery].iter().any(|w| {
            w.as_ref()
                .is_some_and(|w| w.found.is_none() && w.since <= t)
        });
        if waiting && run.converged() == Some(true) {
            for w in [&mut self.convergence, &mut self.recovery]
                .into_iter()
                .flatten()
            {
                if w.found.is_none() && w.since <= t {
                    w.found = Some((t, None));
                }
            }
        }
    }

    pub(crate) fn metrics(&self, m: &mut Metrics) {
        for e in &self.elections {
            m.sample("leader_election_ms", *e);
        }
        for f in &self.failovers {
            m.sample("failover_ms", *f);
        }
        if let Some(Watch {
            since,
            found: Some((t, _)),
            ..
        }) = &self.convergence
        {
            m.set("convergence_ms", (*t - *since).as_millis_f64());
        }
        if let Some(Watch {
            since,
            found: Some((t, _)),
            ..
        }) = &self.recovery
        {
            m.set("recovery_ms", (*t - *since).as_millis_f64());
        }
    }

    /// The `leader_within` and `converged_by` checks, with the run ended at `end`.
    pub(crate) fn judge(&self, s: &Scenario, end: Time) -> Vec<CheckResult> {
        let mut out = Vec::new();
        let one = |w: &Watch, limit: DurationStr, name: String, what: &str| match w.found {
            Some((t, who)) => {
                let took = t - w.since;
                let who = who.map(|n| format!(" ({n})")).unwrap_or_default();
                let detail = format!("{what}{who} {} after {}", DurationStr(took), w.reason);
                if took <= limit.0 {
                    CheckResult::pass(name, detail)
                } else {
                    CheckResult::fail(name, detail)
                }
            }
            None => CheckResult::fail(
                name,
                format!(
                    "no {what} in the {} between {} and the end of the run",
                    DurationStr(end - w.since),
                    w.reason
                ),
            ),
        };
        if let (Some(w), Some(limit)) = (&self.leader, &s.checks.leader_within) {
            let limit = *limit.get_ref();
            out.push(one(w, limit, leader_within_name(limit), "leader"));
        }
        if let (Some(w), Some(limit)) = (&self.convergence, &s.checks.converged_by) {
            let limit = *limit.get_ref();
            out.push(one(w, limit, converged_by_name(limit), "convergence"));
        }
        out
    }
}

fn leader_within_name(limit: DurationStr) -> String {
    format!("leader_within {limit}")
}

fn converged_by_name(limit: DurationStr) -> String {
    format!("converged_by {limit}")
}

/// The names of the watch checks a run of `s` reports.
pub(crate) fn names(s: &Scenario) -> Vec<String> {
    let leader = s.checks.leader_within.as_ref();
    let converged = s.checks.converged_by.as_ref();
    leader
        .map(|l| leader_within_name(*l.get_ref()))
        .into_iter()
        .chain(converged.map(|c| converged_by_name(*c.get_ref())))
        .collect()
}
