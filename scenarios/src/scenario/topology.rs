//! The cluster's topology (which servers are neighbours), for protocols that use one:
//! `[cluster] topology = { kind = "grid", rows = 5, cols = 5 }`.
//!
//! The value is the `topology` crate's [`TopologySpec`], so an unknown kind or field is an
//! error located in the file like any other. [`Scenario::build_topology`] builds the graph
//! from the run's seed (on the topology's own random stream), with an edge-list path read
//! relative to the scenario file.

use super::Scenario;
use crate::diag::Diagnostic;
use crate::error::ScenarioError;
use std::path::{Path, PathBuf};
use std::sync::Arc;
pub use topology::TopologySpec;
use topology::{Topology, topology_rng};

impl Scenario {
    /// The scenario's topology built for `seed`, or `None` when the file names none (every
    /// server may talk to every other). A topology that does not fit the cluster is an error
    /// pointing at `[cluster] topology`.
    pub fn build_topology(&self, seed: u64) -> Result<Option<Arc<Topology>>, ScenarioError> {
        let Some(spec) = &self.cluster.topology else {
            return Ok(None);
        };
        let resolved = self.resolve_paths(spec.get_ref());
        let n = self.cluster.servers();
        resolved
            .build(n, &mut topology_rng(seed))
            .map(|t| Some(Arc::new(t)))
            .map_err(|e| {
                ScenarioError::one(Diagnostic::at(
                    &self.origin.file,
                    self.origin.text.as_deref(),
                    real(spec.span()),
                    format!("in [cluster] topology: {e}"),
                ))
            })
    }

    /// The spec with an edge-list path made relative to the scenario file's directory.
    fn resolve_paths(&self, spec: &TopologySpec) -> TopologySpec {
        match spec {
            TopologySpec::EdgeList { path } if path.is_relative() => {
                let dir = Path::new(&self.origin.file)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                TopologySpec::EdgeList {
                    path: join(&dir, path),
                }
            }
            other => other.clone(),
        }
    }
}

fn join(dir: &Path, path: &Path) -> PathBuf {
    if dir.as_os_str().is_empty() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

fn real(span: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    (span != (0..0)).then_some(span)
}
