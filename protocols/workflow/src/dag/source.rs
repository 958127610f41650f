//! Where a scenario's workflow comes from: a recorded WfFormat instance or a generator.

use super::error::WorkflowError;
use super::generate::{GENERATORS, Shape, TaskParams};
use super::graph::Workflow;
use super::spec::{RuntimeSpec, SizeSpec};
use super::wfformat;
use serde::{Deserialize, Serialize};
use sim_core::SimRng;
use std::path::{Path, PathBuf};

/// The `workflow` entry of a scenario file, so that one scenario format covers both replaying
/// a real workflow and sweeping synthetic ones.
///
/// In TOML, either `{ wfformat = "instances/montage.json" }` (a path relative to the scenario
/// file) or `{ generator = "layered", width = 10, depth = 5, edge_probability = 0.3,
/// runtime = "1s..5s", output_size = "1000..2000" }`; `runtime` (default `"1s"`),
/// `output_size` (bytes, default 0) and `priority` (default: drawn from 0..=9) apply to every
/// generator. Unknown fields, fields of another generator and impossible values are rejected
/// while reading, with the field named.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SourceFields", into = "SourceFields")]
pub enum WorkflowSource {
    /// A WfCommons WfFormat 1.5 instance.
    WfFormat {
        /// The instance file, relative to the scenario file's folder unless absolute.
        path: PathBuf,
    },
    /// A synthetic workflow.
    Generated {
        /// The DAG's shape and its parameters.
        shape: Shape,
        /// What each task is given.
        tasks: TaskParams,
    },
}

impl WorkflowSource {
    /// Rejects parameters that cannot make a workflow, naming the field and what was expected.
    pub fn validate(&self) -> Result<(), WorkflowError> {
        match self {
            WorkflowSource::WfFormat { path } => {
                if path.as_os_str().is_empty() {
                    return Err(WorkflowError::new(
                        "",
                        "wfformat",
                        "empty path (expected the path of a WfFormat JSON file)",
                    ));
                }
                Ok(())
            }
            WorkflowSource::Generated { shape, .. } => shape.validate(),
        }
    }

    /// Makes the workflow: reads the instance (its path taken relative to `base_dir`, the
    /// scenario file's folder) or generates it from `rng`, the run's workload stream.
    pub fn load(&self, base_dir: &Path, rng: &mut SimRng) -> Result<Workflow, WorkflowError> {
        self.validate()?;
        match self {
            WorkflowSource::WfFormat { path } => {
                let full = base_dir.join(path);
                let origin = full.display().to_string();
                let text = std::fs::read_to_string(&full).map_err(|e| {
                    WorkflowError::new(
                        origin.clone(),
                        "",
                        format!("cannot read the WfFormat instance: {e}"),
                    )
                })?;
                wfformat::parse(&text, &origin)
            }
            WorkflowSource::Generated { shape, tasks } => shape.generate(tasks, rng),
        }
    }
}

/// The flat form a scenario writes; checked into a [`WorkflowSource`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wfformat: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    depth: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edge_probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mappers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reducers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    runtime: Option<RuntimeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output_size: Option<SizeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    priority: Option<i64>,
}

impl SourceFields {
    /// The shape fields that are set, by name.
    fn shape_fields(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        for (name, present) in [
            ("length", self.length.is_some()),
            ("width", self.width.is_some()),
            ("depth", self.depth.is_some()),
            ("edge_probability", self.edge_probability.is_some()),
            ("mappers", self.mappers.is_some()),
            ("reducers", self.reducers.is_some()),
        ] {
            if present {
                set.push(name);
            }
        }
        set
    }
}

/// The fields each generator takes, with what each means (for "missing field" messages).
fn generator_fields(generator: &str) -> &'static [(&'static str, &'static str)] {
    match generator {
        "chain" => &[("length", "the number of tasks")],
        "fork-join" => &[("width", "the number of parallel tasks")],
        "layered" => &[
            ("width", "the number of tasks per layer"),
            ("depth", "the number of layers"),
            (
                "edge_probability",
                "the chance of each extra edge from the previous layer, in 0..=1",
            ),
        ],
        "map-reduce" => &[
            ("mappers", "the number of map tasks"),
            ("reducers", "the number of reduce tasks"),
        ],
        _ => &[],
    }
}

/// `unknown generator "layred"; did you mean "layered"?`, or the list of names when nothing
/// is close.
fn unknown_generator(name: &str) -> String {
    let closest = GENERATORS
        .iter()
        .map(|g| (strsim::levenshtein(name, g), *g))
        .min();
    match closest {
        Some((d, g)) if d <= 2.max(g.len() / 3) => {
            format!("unknown generator {name:?}; did you mean {g:?}?")
        }
        _ => format!(
            "unknown generator {name:?} (expected one of {})",
            GENERATORS
                .iter()
                .map(|g| format!("{g:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A field a generator needs, for the message when it is absent.
struct Missing<'a> {
    generator: &'a str,
    field: &'static str,
    allowed: &'static [(&'static str, &'static str)],
}

impl Missing<'_> {
    /// The value, or an error naming the field and what it means.
    fn take<T>(&self, value: Option<T>) -> Result<T, WorkflowError> {
        value.ok_or_else(|| {
            let meaning = self
                .allowed
                .iter()
                .find(|(a, _)| *a == self.field)
                .map_or("a value", |(_, m)| *m);
            WorkflowError::new(
                "",
                self.field,
                format!(
                    "generator {:?} needs `{}` ({meaning})",
                    self.generator, self.field
                ),
            )
        })
    }
}

impl TryFrom<SourceFields> for WorkflowSource {
    type Error = WorkflowError;

    fn try_from(f: SourceFields) -> Result<WorkflowSource, WorkflowError> {
        let err = |path: &str, message: String| Err(WorkflowError::new("", path, message));
        let source = match (&f.wfformat, &f.generator) {
            (Some(_), Some(_)) => {
                return err(
                    "generator",
                    "both `wfformat` and `generator` are set (expected one of them)".into(),
                );
            }
            (None, None) => {
                return err(
                    "",
                    "no workflow given (expected `wfformat = \"instance.json\"` or `generator = \"chain\" | \"fork-join\" | \"layered\" | \"map-reduce\"`)".into(),
                );
            }
            (Some(path), None) => {
                let mut extra = f.shape_fields();
                for (name, present) in [
                    ("runtime", f.runtime.is_some()),
                    ("output_size", f.output_size.is_some()),
                    ("priority", f.priority.is_some()),
                ] {
                    if present {
                        extra.push(name);
                    }
                }
                if let Some(field) = extra.first() {
                    return err(
                        field,
                        format!(
                            "`{field}` applies to generators only (a `wfformat` instance brings its own tasks)"
                        ),
                    );
                }
                WorkflowSource::WfFormat { path: path.clone() }
            }
            (None, Some(generator)) => {
                let allowed = generator_fields(generator);
                if allowed.is_empty() {
                    return err("generator", unknown_generator(generator));
                }
                if let Some(field) = f
                    .shape_fields()
                    .into_iter()
                    .find(|x| !allowed.iter().any(|(a, _)| a == x))
                {
                    let names: Vec<&str> = allowed.iter().map(|(a, _)| *a).collect();
                    return err(
                        field,
                        format!(
                            "`{field}` does not apply to generator {generator:?} (its fields: {})",
                            names.join(", ")
                        ),
                    );
                }
                let need = |field: &'static str| Missing {
                    generator,
                    field,
                    allowed,
                };
                let shape = match generator.as_str() {
                    "chain" => Shape::Chain {
                        length: need("length").take(f.length)?,
                    },
                    "fork-join" => Shape::ForkJoin {
                        width: need("width").take(f.width)?,
                    },
                    "layered" => Shape::Layered {
                        width: need("width").take(f.width)?,
                        depth: need("depth").take(f.depth)?,
                        edge_probability: need("edge_probability").take(f.edge_probability)?,
                    },
                    _ => Shape::MapReduce {
                        mappers: need("mappers").take(f.mappers)?,
                        reducers: need("reducers").take(f.reducers)?,
                    },
                };
                WorkflowSource::Generated {
                    shape,
                    tasks: TaskParams {
                        runtime: f.runtime.unwrap_or_default(),
                        output_size: f.output_size.unwrap_or_default(),
                        priority: f.priority,
                    },
                }
            }
        };
        source.validate()?;
        Ok(source)
    }
}

impl From<WorkflowSource> for SourceFields {
    fn from(s: WorkflowSource) -> SourceFields {
        match s {
            WorkflowSource::WfFormat { path } => SourceFields {
                wfformat: Some(path),
                ..SourceFields::default()
            },
            WorkflowSource::Generated { shape, tasks } => {
                let mut f = SourceFields {
                    generator: Some(shape.generator().to_string()),
                    runtime: Some(tasks.runtime),
                    output_size: Some(tasks.output_size),
                    priority: tasks.priority,
                    ..SourceFields::default()
                };
                match shape {
                    Shape::Chain { length } => f.length = Some(length),
                    Shape::ForkJoin { width } => f.width = Some(width),
                    Shape::Layered {
                        width,
                        depth,
                        edge_probability,
                    } => {
                        f.width = Some(width);
                        f.depth = Some(depth);
                        f.edge_probability = Some(edge_probability);
                    }
                    Shape::MapReduce { mappers, reducers } => {
                        f.mappers = Some(mappers);
                        f.reducers = Some(reducers);
                    }
                }
                f
            }
        }
    }
}
