//! Reading a scenario file and checking everything that can be checked without the protocol.

use super::section::diagnostic_from_toml;
use super::{Action, FaultEvent, Origin, PlannedFault, Scenario, Selector};
use crate::diag::Diagnostic;
use crate::duration::DurationStr;
use crate::error::ScenarioError;
use sim_core::Time;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

/// Why a torn write needs syncs that take time.
const TORN_NEEDS_SYNC_TIME: &str = "a torn write needs `[cluster] disk_sync` above zero: only a sync that takes time can be interrupted by a crash";

/// Largest scenario file read (a guard against feeding the loader something absurd).
pub const MAX_FILE_BYTES: usize = 16 << 20;

impl Scenario {
    /// Reads and validates the scenario file at `path`.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| ScenarioError::io(&shown, e))?;
        if meta.len() > MAX_FILE_BYTES as u64 {
            return Err(ScenarioError::io(
                &shown,
                format!(
                    "{} bytes is larger than a scenario file may be ({MAX_FILE_BYTES})",
                    meta.len()
                ),
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| ScenarioError::io(&shown, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            ScenarioError::one(Diagnostic::at(
                &shown,
                None,
                None,
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            ))
        })?;
        Scenario::from_str(&shown, &text)
    }

    /// Parses and validates scenario text; `file` names it in diagnostics.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(ScenarioError::one(Diagnostic::at(
                file,
                None,
                None,
                "larger than a scenario file may be",
            )));
        }
        let mut s: Scenario = toml::from_str(text)
            .map_err(|e| ScenarioError::one(diagnostic_from_toml(file, Some(text), &e, "")))?;
        s.origin = Origin {
            file: file.to_string(),
            text: Some(Arc::from(text)),
            edits: None,
        };
        let problems = s.validate();
        if problems.is_empty() {
            Ok(s)
        } else {
            Err(ScenarioError::Invalid(problems))
        }
    }

    /// Everything wrong with the scenario that does not depend on the protocol.
    pub fn validate(&self) -> Vec<Diagnostic> {
        let mut v = Validator {
            file: &self.origin.file,
            text: self.origin.text.as_deref(),
            out: Vec::new(),
        };
        v.scenario(self);
        v.out
    }
}

struct Validator<'a> {
    file: &'a str,
    text: Option<&'a str>,
    out: Vec<Diagnostic>,
}

/// A span is only meaningful for a scenario read from text; `0..0` marks "built in code".
fn real(span: Range<usize>) -> Option<Range<usize>> {
    (span != (0..0)).then_some(span)
}

impl Validator<'_> {
    fn err(&mut self, span: Option<Range<usize>>, msg: impl Into<String>) -> &mut Diagnostic {
        let span = span.and_then(real);
        self.out
            .push(Diagnostic::at(self.file, self.text, span, msg));
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    fn probability(&mut self, what: &str, p: Option<f64>, span: Option<Range<usize>>) {
        if let Some(p) = p
            && !(0.0..=1.0).contains(&p)
        {
            self.err(
                span,
                format!("{what} must be a probability in [0, 1], got {p}"),
            );
        }
    }

    fn positive(&mut self, what: &str, d: &Spanned<DurationStr>) {
        if d.get_ref().nanos() == 0 {
            self.err(Some(d.span()), format!("{what} must be longer than zero"));
        }
    }

    fn scenario(&mut self, s: &Scenario) {
        let servers = s.cluster.servers();
        if servers == 0 {
            self.err(
                Some(s.cluster.nodes.span()),
                "a cluster needs at least one node",
            );
        }
        let limits = s.limits.unwrap_or_default();
        if servers > limits.max_nodes {
            self.err(
                Some(s.cluster.nodes.span()),
                format!(
                    "{servers} nodes is more than limits.max_nodes ({})",
                    limits.max_nodes
                ),
            );
        }
        self.network(s, servers);
        self.run(s);
        let horizon = s.run.fault_horizon();
        let syncs_take_time = s.cluster.disk_sync.nanos() > 0;
        self.labels(&s.faults, servers);
        for f in &s.faults {
            let horizon = if *f.action.get_ref() == super::Action::Submit {
                // A client command is no fault: it may come in the liveness phase too.
                s.run.end()
            } else {
                horizon
            };
            self.fault(f, servers, horizon, s.run.heal_at().is_some());
            if *f.action.get_ref() == super::Action::TornWrite && !syncs_take_time {
                self.err(Some(f.action.span()), TORN_NEEDS_SYNC_TIME);
            }
        }
        for n in &s.nemesis {
            self.nemesis(n, horizon);
            if n.torn_write.is_some_and(|r| r > 0.0) && !syncs_take_time {
                self.err(Some(n.kind.span()), TORN_NEEDS_SYNC_TIME);
            }
        }
        if let Some(p) = &s.checks.probe {
            self.positive("checks.probe", p);
        }
        if let Some(m) = &s.checks.messages_per_op_max
            && !(m.get_ref().is_finite() && *m.get_ref() > 0.0)
        {
            self.err(
                Some(m.span()),
                "messages_per_op_max must be a number above 0",
            );
        }
        for e in &s.expect {
            match (e.min, e.max) {
                (None, None) => {
                    self.err(
                        Some(e.metric.span()),
                        "an expectation needs `min`, `max` or both",
                    );
                }
                (Some(a), Some(b)) if a > b => {
                    self.err(
                        Some(e.metric.span()),
                        format!("min ({a}) is above max ({b})"),
                    );
                }
                _ => {}
            }
        }
        for a in &s.asserts {
            match a.typed(s.run.end()) {
                Ok(_) => self.assertion_nodes(a, &s.faults, servers),
                Err(problems) => {
                    for p in problems {
                        self.err(Some(p.span), p.message);
                    }
                }
            }
        }
        self.model(s);
        self.schedule(s);
        if let Err(problems) = s.tour() {
            for (span, message) in problems {
                self.err(span, message);
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for r in &s.recorded {
            if !seen.insert(r.seed) {
                self.err(None, format!("seed {} is recorded twice", r.seed));
            }
        }
    }

    /// Labels are unique, and what names one comes after the fault that has it; guards can
    /// be met.
    fn labels(&mut self, faults: &[FaultEvent], servers: u32) {
        let mut defined: std::collections::BTreeMap<&str, (&FaultEvent, bool)> =
            std::collections::BTreeMap::new();
        for f in faults {
            let refs = f
                .selectors()
                .into_iter()
                .flat_map(|(s, sp)| s.leaves().into_iter().map(move |l| (l, sp.clone())))
                .filter_map(|(sel, span)| match sel {
                    Selector::Label(l) => Some((l.as_str(), span, false)),
                    _ => None,
                })
                .chain(
                    f.partition
                        .as_ref()
                        .map(|p| (p.get_ref().as_str(), p.span(), true)),
                )
                .collect::<Vec<_>>();
            for (label, span, needs_partition) in refs {
                match defined.get(label) {
                    Some((earlier, _)) if earlier.at.get_ref() > f.at.get_ref() => {
                        self.err(
                            Some(span),
                            format!(
                                "the fault labelled {label:?} fires at {}, after this one at {}",
                                earlier.at.get_ref(),
                                f.at.get_ref()
                            ),
                        );
                    }
                    Some((_, false)) if needs_partition => {
                        self.err(
                            Some(span),
                            format!("the fault labelled {label:?} is not a partition"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        let names = defined.keys().copied().chain(
                            if needs_partition {
                                &[][..]
                            } else {
                                &super::SELECTOR_NAMES[..]
                            }
                            .iter()
                            .copied(),
                        );
                        let hint = crate::diag::suggest(label, names)
                            .map(|s| format!(", did you mean \"{s}\"?"))
                            .unwrap_or_default();
                        let what = if needs_partition {
                            "a partition"
                        } else {
                            "a selector"
                        };
                        self.err(
                            Some(span),
                            format!(
                                "no earlier fault has label {label:?}{hint} (expected {what}: a \
                                 rule such as \"leader\", node ids, or the `label` of a fault \
                                 above this one)"
                            ),
                        );
                    }
                }
            }
            if let Some(l) = &f.label {
                let partition = *f.action.get_ref() == super::Action::Partition;
                if !super::selector::is_label(l.get_ref()) {
                    self.err(
                        Some(l.span()),
                        "a label is a word of letters, digits, `-` and `_`",
                    );
                } else if super::SELECTOR_NAMES.contains(&l.get_ref().as_str()) {
                    self.err(
                        Some(l.span()),
                        format!("{:?} is a selector's name; pick another label", l.get_ref()),
                    );
                } else if defined.insert(l.get_ref(), (f, partition)).is_some() {
                    self.err(
                        Some(l.span()),
                        format!("label {:?} is given to two faults", l.get_ref()),
                    );
                }
            }
            if let Some(b) = &f.if_up_below
                && (*b.get_ref() == 0 || *b.get_ref() > servers)
            {
                self.err(
                    Some(b.span()),
                    format!(
                        "if_up_below = {} can never or always hold with {servers} servers \
                         (expected 1..={servers})",
                        b.get_ref()
                    ),
                );
            }
            if let Some(a) = &f.if_up_above
                && *a.get_ref() >= servers
            {
                self.err(
                    Some(a.span()),
                    format!(
                        "if_up_above = {} can never hold with {servers} servers (expected \
                         0..{servers})",
                        a.get_ref()
                    ),
                );
            }
        }
    }

    /// The node an assertion names is a server, or the label of a fault.
    fn assertion_nodes(&mut self, a: &super::AssertEntry, faults: &[FaultEvent], servers: u32) {
        let Some(node) = &a.node else { return };
        match node.get_ref() {
            super::NodeRef::Id(n) if *n >= servers => {
                self.err(
                    Some(node.span()),
                    format!(
                        "node {n} is not a server: the servers are 0 to {}",
                        servers.saturating_sub(1)
                    ),
                );
            }
            super::NodeRef::Label(l)
                if !faults
                    .iter()
                    .any(|f| f.label.as_ref().is_some_and(|x| x.get_ref() == l)) =>
            {
                let labels = faults
                    .iter()
                    .filter_map(|f| f.label.as_ref().map(|x| x.get_ref().as_str()));
                let hint = crate::diag::suggest(l, labels)
                    .map(|s| format!(", did you mean \"{s}\"?"))
                    .unwrap_or_default();
                self.err(
                    Some(node.span()),
                    format!(
                        "no fault has label {l:?}{hint} (expected a node id or a fault's label)"
                    ),
                );
            }
            _ => {}
        }
    }

    fn model(&mut self, s: &Scenario) {
        if let Some(m) = &s.model
            && !(1..=super::MAX_DEPTH).contains(&m.depth)
        {
            let span = self.span_of(&["model", "depth"]);
            self.err(
                span,
                format!(
                    "model.depth must be between 1 and {}, got {}",
                    super::MAX_DEPTH,
                    m.depth
                ),
            );
        }
    }

    /// A schedule's steps read, and nothing in the file needs a clock.
    fn schedule(&mut self, s: &Scenario) {
        let Some(schedule) = &s.schedule else {
            return;
        };
        if let Err(problems) = schedule.steps() {
            for (span, message) in problems {
                self.err(Some(span), message);
            }
        }
        for c in s.choice_conflicts() {
            let span = c.span.or_else(|| self.span_of(&c.path));
            self.err(span, format!("with a [schedule], {}", c.message));
        }
    }

    /// The span of the value at `path`, found in the text only when a problem is reported.
    fn span_of(&self, path: &[&str]) -> Option<Range<usize>> {
        self.text.and_then(|t| super::locate::span_of(t, path))
    }

    /// One link model's values, each problem at the value that causes it (`at` is the path of
    /// the table that holds them: `network`, or `network.links.I`).
    fn link(&mut self, at: &[&str], m: &sim_core::LinkModel, given: [bool; 4]) {
        let [latency, loss, duplicate, bandwidth] = given;
        let name = at.join(".");
        let path = |key: &'static str| [at, &[key]].concat();
        for (key, p, here) in [
            ("loss", m.loss, loss),
            ("duplicate", m.duplicate, duplicate),
        ] {
            if here && !(0.0..=1.0).contains(&p) {
                let span = self.span_of(&path(key));
                self.err(
                    span,
                    format!("{name}.{key} must be a probability in [0, 1], got {p}"),
                );
            }
        }
        if bandwidth && m.bandwidth == Some(0) {
            let span = self.span_of(&path("bandwidth"));
            self.err(
                span,
                format!(
                    "{name}.bandwidth must be at least 1 byte per second (leave it out for unlimited)"
                ),
            );
        }
        if latency && let Err(e) = m.latency.validate() {
            let why = match e {
                sim_core::SimError::Invalid { why, .. } => why,
                other => other.to_string(),
            };
            let span = self.span_of(&path("latency"));
            self.err(span, format!("{name}.latency: {why}"));
        }
    }

    fn network(&mut self, s: &Scenario, servers: u32) {
        let n = &s.network;
        let default = n.default_link();
        self.link(&["network"], &default, [true; 4]);
        for (i, l) in n.links.iter().enumerate() {
            let index = i.to_string();
            let ends = [("from", l.from.ids()), ("to", l.to.ids())];
            for (key, id) in ends
                .iter()
                .flat_map(|(k, ids)| ids.iter().map(move |i| (*k, *i)))
            {
                if id >= servers {
                    let span = self.span_of(&["network", "links", &index, key]);
                    self.err(
                        span,
                        format!(
                            "network.links.{i} names node {id}, but the servers are 0 to {}",
                            servers.saturating_sub(1)
                        ),
                    );
                }
            }
            let model = super::LinkPatch {
                latency: &l.latency,
                loss: l.loss,
                duplicate: l.duplicate,
                bandwidth: l.bandwidth,
            }
            .over(&default);
            let given = [
                l.latency.is_some(),
                l.loss.is_some(),
                l.duplicate.is_some(),
                l.bandwidth.is_some(),
            ];
            self.link(&["network", "links", &index], &model, given);
        }
    }

    fn run(&mut self, s: &Scenario) {
        let r = &s.run;
        match (&r.duration, &r.safety, &r.liveness) {
            (Some(d), None, None) => self.positive("run.duration", d),
            (None, Some(a), Some(b)) => {
                self.positive("run.safety", a);
                self.positive("run.liveness", b);
            }
            (Some(d), _, _) => {
                self.err(Some(d.span()), "give either `duration`, or `safety` and `liveness`, not both")
                    .help = Some("`duration` is a run without phases; `safety` then `liveness` is a run with a heal between them".into());
            }
            (None, Some(a), None) => {
                self.err(
                    Some(a.span()),
                    "`safety` needs a `liveness` phase after the heal",
                )
                .help = Some("add for example `liveness = \"5s\"`".into());
            }
            (None, None, Some(b)) => {
                self.err(
                    Some(b.span()),
                    "`liveness` needs a `safety` phase before it",
                );
            }
            (None, None, None) => {
                self.err(None, "[run] needs `duration` (or `safety` and `liveness`)")
                    .help = Some("add for example `duration = \"10s\"`".into());
            }
        }
    }

    fn fault(&mut self, f: &FaultEvent, servers: u32, horizon: Time, phased: bool) {
        self.fault_time(f, horizon, phased);
        if let Err(problems) = PlannedFault::from_event(f) {
            for p in problems {
                self.err(Some(p.span), p.message);
            }
        }
        self.fault_values(f);
        self.fault_targets(f, servers);
    }

    /// A fault must fire before the faults end (the heal, or the end of the run). Jitter is
    /// drawn from `[0, jitter)`, so the latest a fault can fire is 1ns short of `at + jitter`.
    fn fault_time(&mut self, f: &FaultEvent, horizon: Time, phased: bool) {
        let jitter = f.jitter.as_ref().map_or(0, |j| j.get_ref().nanos());
        let at = Time(
            f.at.get_ref()
                .nanos()
                .saturating_add(jitter.saturating_sub(1)),
        );
        let phased = phased && *f.action.get_ref() != super::Action::Submit;
        if at > horizon || (phased && at == horizon) {
            let phase = if phased {
                "the safety phase ends"
            } else {
                "the run ends"
            };
            self.err(
                Some(f.at.span()),
                format!(
                    "this fault fires at {}{}, but {phase} at {}",
                    f.at.get_ref(),
                    f.jitter
                        .as_ref()
                        .map(|j| format!(" plus up to {}", j.get_ref()))
                        .unwrap_or_default(),
                    DurationStr(sim_core::Duration(horizon.0))
                ),
            );
        }
    }

    /// Rates, probabilities and bandwidths in their ranges.
    fn fault_values(&mut self, f: &FaultEvent) {
        if *f.action.get_ref() == Action::ClockDrift
            && let Some(rate) = f.rate
        {
            let (lo, hi) = sim_core::fault::DRIFT_RANGE;
            if !(rate.is_finite() && (lo..=hi).contains(&rate)) {
                self.err(
                    Some(f.action.span()),
                    format!("clock rate must be in [{lo}, {hi}], got {rate}"),
                );
            }
        }
        self.probability("loss", f.loss, Some(f.action.span()));
        self.probability("duplicate", f.duplicate, Some(f.action.span()));
        if f.bandwidth == Some(0) {
            self.err(
                Some(f.action.span()),
                "bandwidth must be at least 1 byte per second",
            );
        }
    }

    /// Selectors name servers, `all-crashed` only restarts, a bridge is one node.
    fn fault_targets(&mut self, f: &FaultEvent, servers: u32) {
        let action = *f.action.get_ref();
        for (sel, span) in f.selectors() {
            for e in sel.non_servers(servers) {
                self.err(Some(span.clone()), e.to_string());
            }
            if *sel == Selector::AllCrashed && action != Action::Restart {
                self.err(
                    Some(span.clone()),
                    "`all-crashed` selects crashed nodes: it only goes with action \"restart\"",
                );
            }
            if let Selector::RandomK(k) = sel
                && *k > servers
            {
                self.err(
                    Some(span.clone()),
                    format!(
                        "{{ random = {k} }} asks for more servers than the {servers} there are"
                    ),
                );
            }
        }
        self.partition_shapes(f);
        if let Some(b) = &f.bridge {
            let single = match &b.get_ref().node {
                Selector::Nodes(v) => v.len() == 1,
                Selector::Leader | Selector::Follower | Selector::Random => true,
                _ => false,
            };
            if !single {
                self.err(
                    Some(b.span()),
                    "the bridge `node` must be one node (an id, \"leader\", \"follower\" or \"random\")",
                );
            }
        }
    }

    /// What explicit ids show is impossible in a partition: a server in two groups, a one-way
    /// cut from a server to itself, a bridge inside one of its sides.
    fn partition_shapes(&mut self, f: &FaultEvent) {
        if let Some(g) = &f.groups {
            let mut seen = std::collections::BTreeSet::new();
            for sel in g.get_ref() {
                let group: std::collections::BTreeSet<u32> =
                    sel.explicit().iter().copied().collect();
                for n in group {
                    if !seen.insert(n) {
                        self.err(
                            Some(g.span()),
                            format!("n{n} is in two groups; a server is on one side only"),
                        );
                    }
                }
            }
        }
        if let Some(o) = &f.one_way {
            let o = o.get_ref();
            for n in o.from.explicit() {
                if o.to.explicit().contains(n)
                    && o.from.explicit().len() == 1
                    && o.to.explicit().len() == 1
                {
                    self.err(
                        Some(f.one_way.as_ref().map_or(f.action.span(), |x| x.span())),
                        format!("a one-way cut from n{n} to itself cuts nothing"),
                    );
                }
            }
        }
        if let Some(b) = &f.bridge {
            let (left, node) = (b.get_ref().left.explicit(), b.get_ref().node.explicit());
            if let [n] = node
                && left.contains(n)
            {
                self.err(
                    Some(b.span()),
                    format!("the bridge n{n} is inside its `left` side; it must reach both sides"),
                );
            }
        }
    }

    fn nemesis(&mut self, n: &super::Nemesis, horizon: Time) {
        self.positive("interval", &n.interval);
        let disk = *n.kind.get_ref() == super::NemesisKind::DiskFaults;
        match &n.duration {
            Some(d) if disk => {
                self.err(
                    Some(d.span()),
                    "`duration` does not apply to nemesis \"disk-faults\": damage to a disk is not undone",
                );
            }
            Some(d) => self.positive("duration", d),
            None if !disk => {
                self.err(
                    Some(n.kind.span()),
                    format!(
                        "nemesis \"{}\" needs `duration`, how long each strike lasts",
                        n.kind.get_ref().name()
                    ),
                );
            }
            None => {}
        }
        for (k, rate) in n.disk_rates() {
            if rate.is_some() && !disk {
                self.err(
                    Some(n.kind.span()),
                    format!(
                        "`{k}` does not apply to nemesis \"{}\" (only to \"disk-faults\")",
                        n.kind.get_ref().name()
                    ),
                );
            }
            self.probability(
                &format!("disk-faults rate `{k}`"),
                rate,
                Some(n.kind.span()),
            );
        }
        if n.record.is_some() && !disk {
            self.err(
                Some(n.kind.span()),
                format!(
                    "`record` does not apply to nemesis \"{}\" (only to \"disk-faults\")",
                    n.kind.get_ref().name()
                ),
            );
        }
        if disk && n.disk_rates().iter().all(|(_, r)| r.unwrap_or(0.0) == 0.0) {
            self.err(
                Some(n.kind.span()),
                "nemesis \"disk-faults\" needs a rate above 0: one of `corrupt`, `lost_write`, `torn_write`, `misdirected_write`, `read_error`",
            );
        }
        let from = n.from.as_ref().map_or(0, |f| f.get_ref().nanos());
        let until = n.until.as_ref().map_or(horizon.0, |u| u.get_ref().nanos());
        if let Some(u) = &n.until
            && u.get_ref().nanos() > horizon.0
        {
            self.err(
                Some(u.span()),
                "`until` is after the faults end (the heal or the end of the run)",
            );
        }
        if from >= until {
            let span = n.from.as_ref().map(|f| f.span()).unwrap_or(n.kind.span());
            self.err(
                Some(span),
                "this nemesis never strikes: `from` is not before `until`",
            );
        }
        if let Some(d) = n.drift
            && !(d.is_finite() && d > 0.0 && d < 1.0)
        {
            self.err(
                Some(n.kind.span()),
                format!("drift must be in (0, 1), got {d}"),
            );
        }
        self.probability("loss", n.loss, Some(n.kind.span()));
        if n.links == Some(0) {
            self.err(Some(n.kind.span()), "links must be at least 1");
        }
        if let Some(k) = &n.kinds
            && k.get_ref().is_empty()
        {
            self.err(
                Some(k.span()),
                "`kinds` lists no message kind; leave it out to lose every message",
            );
        }
        let (allowed, kind) = match n.kind.get_ref() {
            super::NemesisKind::ClockDrift => (["drift"].as_slice(), "clock-drift"),
            super::NemesisKind::FlakyLinks => {
                (["loss", "links", "kinds"].as_slice(), "flaky-links")
            }
            k => ([].as_slice(), k.name()),
        };
        for (k, set) in [
            ("drift", n.drift.is_some()),
            ("loss", n.loss.is_some()),
            ("links", n.links.is_some()),
            ("kinds", n.kinds.is_some()),
        ] {
            if set && !allowed.contains(&k) {
                self.err(
                    Some(n.kind.span()),
                    format!("`{k}` does not apply to nemesis \"{kind}\""),
                );
            }
        }
    }
}
