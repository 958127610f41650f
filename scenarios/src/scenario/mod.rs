//! The scenario file: one TOML document that says which protocol runs with which parameters,
//! on which cluster and network, under which faults and workload, for how long, and what the
//! run must show.
//!
//! [`Scenario::from_str`] reads and validates a file; every problem is reported with file,
//! line and column ([`crate::diag::Diagnostic`]). The tables owned by a protocol
//! (`[protocol.params]`, `[workload]`) are kept as TOML and read by the protocol's registry
//! entry with [`Scenario::params`] and [`Scenario::workload`], which keep pointing into the
//! file when the protocol's own types reject a value.

mod append;
mod asserts;
mod checks;
mod explore;
mod faults;
mod load;
pub(crate) mod locate;
mod model;
mod narration;
mod nemesis;
mod network;
mod phases;
mod schedule;
mod section;
mod selector;
mod set;
mod topology;

pub use append::append_faults;
pub use asserts::{
    AssertEntry, AssertProblem, Assertion, Bound, CLAIMS, Claim, Expected, NodeRef, When,
};
pub use checks::{Checks, Expect};
pub use explore::{ExploreSection, FaultKind};
pub use faults::{
    Action, Bridge, FaultAction, FaultEvent, FaultPlan, FaultProblem, LinkChange, NotAServer,
    OneWay, PartitionShape, PlannedFault, RecordTarget, StorageKind, UpGuard, check_server,
};
pub use model::{MAX_DEPTH, ModelSection, Strategy};
pub use narration::{Happening, Moment, NarrationEntry, Placed, Stop, What, place};
pub use nemesis::{Nemesis, NemesisKind};
pub(crate) use network::LinkPatch;
pub use network::{LatencySpec, LinkSpec, NetworkSection, NodeList};
pub use phases::RunSection;
pub use schedule::{ScheduleSection, ScheduleStep};
pub use seeds::Recorded;
pub use selector::{SELECTOR_NAMES, Selector};
pub use set::{SetEdits, apply_sets, parse_literal, set_path};
pub use topology::TopologySpec;

mod seeds;

use crate::duration::DurationStr;
use crate::error::ScenarioError;
use serde::{Deserialize, Serialize};
use sim_core::Limits;
use std::sync::Arc;
use toml::Spanned;

/// The seed a scenario runs with when neither the file nor the command line names one.
pub const DEFAULT_SEED: u64 = 7;

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, shown in reports.
    pub name: String,
    /// What the scenario shows, for people browsing the library.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The seed `clustersim run` uses without `--seed`.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The protocol and its parameters.
    pub protocol: ProtocolSection,
    /// The servers and how they are connected.
    #[serde(default)]
    pub cluster: Cluster,
    /// The network.
    #[serde(default)]
    pub network: NetworkSection,
    /// Timed faults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultEvent>,
    /// Randomized faults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nemesis: Vec<Nemesis>,
    /// The client workload, read by the protocol (KV protocols: `kv::WorkloadConfig`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<toml::Table>,
    /// How long to run.
    pub run: RunSection,
    /// What the run must show.
    #[serde(default)]
    pub checks: Checks,
    /// Bounds on metrics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<Expect>,
    /// Claims judged at instants or over windows of the run (`[[assert]]`).
    #[serde(default, rename = "assert", skip_serializing_if = "Vec::is_empty")]
    pub asserts: Vec<AssertEntry>,
    /// Engine limits (see `sim_core::Limits`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// Bounds for `clustersim explore` (ignored by the other commands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explore: Option<ExploreSection>,
    /// Bounds for `clustersim model` (ignored by the other commands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelSection>,
    /// An explicit order of events, replayed instead of the clock's (see [`ScheduleSection`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleSection>,
    /// A guided tour over the run (`[[narration]]`), for the front end and the web page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub narration: Vec<NarrationEntry>,
    /// Seeds whose fingerprints are pinned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recorded: Vec<Recorded>,
    /// Where the scenario was read from (not part of the scenario's value).
    #[serde(skip)]
    pub origin: Origin,
}

fn default_seed() -> u64 {
    DEFAULT_SEED
}

/// `[protocol]`: the protocol's registered name and its own parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolSection {
    /// Registered name (`clustersim new` lists them).
    pub name: Spanned<String>,
    /// The protocol's `Config`, as the protocol defines it; absent fields take its defaults.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub params: toml::Table,
}

/// `[cluster]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Number of servers (clients, if the workload has any, are added after them).
    #[serde(default = "default_nodes")]
    pub nodes: Spanned<u32>,
    /// How the servers are connected, for protocols that use a topology.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<Spanned<TopologySpec>>,
    /// How long each disk sync takes (`"9ms"`); a server's messages sent after a sync leave
    /// when it completes. Zero, the default, makes syncs instantaneous.
    #[serde(default, skip_serializing_if = "is_zero_duration")]
    pub disk_sync: DurationStr,
}

fn is_zero_duration(d: &DurationStr) -> bool {
    d.nanos() == 0
}

fn default_nodes() -> Spanned<u32> {
    Spanned::new(0..0, 5)
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            nodes: default_nodes(),
            topology: None,
            disk_sync: DurationStr::default(),
        }
    }
}

impl Cluster {
    /// Number of servers.
    pub fn servers(&self) -> u32 {
        *self.nodes.get_ref()
    }
}

/// The file a scenario came from and its text, so that protocol-owned tables can be read with
/// positions. Two scenarios are equal whatever their origins.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The file name as given (or a description such as `"x.toml with --set a=b"`).
    pub file: String,
    /// The text that was parsed.
    pub text: Option<Arc<str>>,
    /// The `--set` values the text was edited with, to point problems back at the file or
    /// at the `--set` argument (see [`SetEdits::remap`]).
    pub edits: Option<Arc<SetEdits>>,
}

impl Origin {
    /// `e` with every problem located where the user can see it: in the file as written, or at
    /// the `--set` argument that caused it, when the scenario was edited by `--set`.
    pub fn remap(&self, e: ScenarioError) -> ScenarioError {
        match (&self.edits, e) {
            (Some(edits), ScenarioError::Invalid(ds)) => {
                ScenarioError::Invalid(ds.into_iter().map(|d| edits.remap(d)).collect())
            }
            (_, e) => e,
        }
    }
}

impl PartialEq for Origin {
    fn eq(&self, _: &Origin) -> bool {
        true
    }
}

impl Scenario {
    /// The tour's stops, read and checked; the problems with them, each located.
    pub fn tour(&self) -> Result<Vec<Stop>, Vec<narration::Problem>> {
        // Clients follow the servers, as many as the workload asks for.
        let clients = self
            .workload
            .as_ref()
            .and_then(|w| w.get("clients"))
            .and_then(toml::Value::as_integer)
            .map_or(0, |c| u32::try_from(c).unwrap_or(0));
        let nodes = self.cluster.servers().saturating_add(clients);
        let end = self.run.end();
        let mut stops = Vec::new();
        let mut problems = Vec::new();
        for (i, n) in self.narration.iter().enumerate() {
            match n.stop(i, nodes, end) {
                Ok(s) => stops.push(s),
                Err(p) => problems.extend(p),
            }
        }
        if problems.is_empty() {
            Ok(stops)
        } else {
            Err(problems)
        }
    }

    /// A minimal scenario of `protocol` on `servers` servers for `duration`, for building in code.
    pub fn new(
        name: &str,
        protocol: &str,
        servers: u32,
        duration: crate::duration::DurationStr,
    ) -> Scenario {
        Scenario {
            name: name.to_string(),
            description: String::new(),
            seed: DEFAULT_SEED,
            protocol: ProtocolSection {
                name: Spanned::new(0..0, protocol.to_string()),
                params: toml::Table::new(),
            },
            cluster: Cluster {
                nodes: Spanned::new(0..0, servers),
                ..Cluster::default()
            },
            network: NetworkSection::default(),
            faults: Vec::new(),
            nemesis: Vec::new(),
            workload: None,
            run: RunSection::for_duration(duration),
            checks: Checks::default(),
            expect: Vec::new(),
            asserts: Vec::new(),
            limits: None,
            explore: None,
            model: None,
            schedule: None,
            narration: Vec::new(),
            recorded: Vec::new(),
            origin: Origin::default(),
        }
    }

    /// The protocol's registered name.
    pub fn protocol_name(&self) -> &str {
        self.protocol.name.get_ref()
    }

    /// The known bugs the file injects, by name: the protocol parameter `bugs`, which every
    /// protocol with named bugs takes (`bugs = ["forget-vote"]`). Empty when there are none.
    pub fn bugs(&self) -> Vec<String> {
        self.protocol
            .params
            .get("bugs")
            .and_then(toml::Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The scenario as TOML text (comments and layout of the original are not kept).
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let text = toml::to_string(self)?;
        if self.schedule.is_none() {
            return Ok(text);
        }
        Ok(schedule::one_step_per_line(&text))
    }

    /// The `[[assert]]` entries, typed. Call on a validated scenario (entries that do not
    /// read are left out).
    pub fn assertions(&self) -> Vec<Assertion> {
        let end = self.run.end();
        self.asserts
            .iter()
            .filter_map(|a| a.typed(end).ok())
            .collect()
    }

    /// The engine configuration for one seed.
    pub fn sim_config(&self, seed: u64) -> sim_core::SimConfig {
        sim_core::SimConfig {
            seed,
            network: self.network.to_sim(),
            limits: self.limits.unwrap_or_default(),
            disk_sync: self.cluster.disk_sync.into(),
        }
    }
}
