//! Synthetic workflows of the classic shapes, for sweeps where a recorded instance is too few.
//!
//! Every draw comes from the `rng` passed in, in a fixed order (task by task, in id order:
//! runtime, output size, priority, then that task's edges), so the same seed gives the same
//! workflow.

use super::error::WorkflowError;
use super::graph::{MAX_TASKS, Workflow, WorkflowBuilder};
use super::spec::{RuntimeSpec, SizeSpec};
use super::task::TaskId;
use sim_core::SimRng;

/// Highest priority a generated task draws when its priority is not fixed (lowest is 0).
pub const MAX_DRAWN_PRIORITY: u64 = 9;

/// What every generated task is given: how long it runs, how much it writes, how urgent it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskParams {
    /// Run time of each task.
    pub runtime: RuntimeSpec,
    /// Size of the one file each task writes (read by all its children).
    pub output_size: SizeSpec,
    /// One priority for all tasks; `None` draws each uniformly from `0..=9`.
    pub priority: Option<i64>,
}

/// The shape of a generated DAG: the dependency patterns that workflow schedulers are usually
/// compared on.
///
/// Scenarios write it through [`crate::WorkflowSource`], which checks it as it is read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// `length` tasks, each waiting for the one before: no parallelism at all.
    Chain {
        /// Number of tasks.
        length: u32,
    },
    /// A source, `width` tasks in parallel, then a sink: perfect parallelism in the middle.
    ForkJoin {
        /// Number of parallel tasks.
        width: u32,
    },
    /// `depth` layers of `width` tasks; each task beyond the first layer has one parent drawn
    /// from the layer before, and each other task of that layer with `edge_probability`.
    Layered {
        /// Tasks per layer.
        width: u32,
        /// Number of layers.
        depth: u32,
        /// Chance of each extra edge from the previous layer, in `0..=1`.
        edge_probability: f64,
    },
    /// A split task, `mappers` in parallel, `reducers` that each read every mapper, and a final
    /// merge: an all-to-all shuffle in the middle.
    MapReduce {
        /// Number of map tasks.
        mappers: u32,
        /// Number of reduce tasks.
        reducers: u32,
    },
}

/// The generator names a scenario may use, in the order they are documented.
pub const GENERATORS: [&str; 4] = ["chain", "fork-join", "layered", "map-reduce"];

impl Shape {
    /// The generator's name as a scenario writes it.
    pub fn generator(&self) -> &'static str {
        match self {
            Shape::Chain { .. } => "chain",
            Shape::ForkJoin { .. } => "fork-join",
            Shape::Layered { .. } => "layered",
            Shape::MapReduce { .. } => "map-reduce",
        }
    }

    /// How many tasks the shape makes, computed without overflow so that absurd parameters
    /// are caught by the limit check rather than by running out of memory.
    pub fn task_count(&self) -> u64 {
        match *self {
            Shape::Chain { length } => u64::from(length),
            Shape::ForkJoin { width } => u64::from(width) + 2,
            Shape::Layered { width, depth, .. } => u64::from(width) * u64::from(depth),
            Shape::MapReduce { mappers, reducers } => u64::from(mappers) + u64::from(reducers) + 2,
        }
    }

    /// Rejects parameters that make no workflow, naming the field and what it must be.
    pub fn validate(&self) -> Result<(), WorkflowError> {
        let origin = format!("generator {:?}", self.generator());
        let at_least_one = |field: &str, v: u32| {
            if v == 0 {
                Err(WorkflowError::new(
                    origin.clone(),
                    field,
                    "0 (expected at least 1)",
                ))
            } else {
                Ok(())
            }
        };
        match *self {
            Shape::Chain { length } => at_least_one("length", length)?,
            Shape::ForkJoin { width } => at_least_one("width", width)?,
            Shape::Layered {
                width,
                depth,
                edge_probability,
            } => {
                at_least_one("width", width)?;
                at_least_one("depth", depth)?;
                if !(0.0..=1.0).contains(&edge_probability) {
                    return Err(WorkflowError::new(
                        origin,
                        "edge_probability",
                        format!("{edge_probability} (expected a probability in 0..=1)"),
                    ));
                }
            }
            Shape::MapReduce { mappers, reducers } => {
                at_least_one("mappers", mappers)?;
                at_least_one("reducers", reducers)?;
            }
        }
        if self.task_count() > MAX_TASKS as u64 {
            return Err(WorkflowError::new(
                origin,
                "",
                format!("{} tasks (expected at most {MAX_TASKS})", self.task_count()),
            ));
        }
        Ok(())
    }

    /// Generates the workflow, drawing from `rng` only.
    pub fn generate(
        &self,
        params: &TaskParams,
        rng: &mut SimRng,
    ) -> Result<Workflow, WorkflowError> {
        self.validate()?;
        let mut g = Gen::new(self.generator(), params);
        match *self {
            Shape::Chain { length } => {
                let mut prev = None;
                for i in 0..length {
                    let t = g.task(format!("t{i}"), rng);
                    if let Some(p) = prev {
                        g.edge(p, t);
                    }
                    prev = Some(t);
                }
            }
            Shape::ForkJoin { width } => {
                let source = g.task("source".into(), rng);
                let middle: Vec<TaskId> = (0..width)
                    .map(|i| g.task(format!("work{i}"), rng))
                    .collect();
                let sink = g.task("sink".into(), rng);
                for &m in &middle {
                    g.edge(source, m);
                    g.edge(m, sink);
                }
            }
            Shape::Layered {
                width,
                depth,
                edge_probability,
            } => {
                let mut prev: Vec<TaskId> = Vec::new();
                for k in 0..depth {
                    let mut layer = Vec::with_capacity(width as usize);
                    for i in 0..width {
                        let t = g.task(format!("l{k}t{i}"), rng);
                        if !prev.is_empty() {
                            let first = rng.index(prev.len());
                            for (j, &p) in prev.iter().enumerate() {
                                if j == first || rng.chance(edge_probability) {
                                    g.edge(p, t);
                                }
                            }
                        }
                        layer.push(t);
                    }
                    prev = layer;
                }
            }
            Shape::MapReduce { mappers, reducers } => {
                let split = g.task("split".into(), rng);
                let maps: Vec<TaskId> = (0..mappers)
                    .map(|i| g.task(format!("map{i}"), rng))
                    .collect();
                let reduces: Vec<TaskId> = (0..reducers)
                    .map(|i| g.task(format!("reduce{i}"), rng))
                    .collect();
                let merge = g.task("merge".into(), rng);
                for &m in &maps {
                    g.edge(split, m);
                    for &r in &reduces {
                        g.edge(m, r);
                    }
                }
                for &r in &reduces {
                    g.edge(r, merge);
                }
            }
        }
        g.finish()
    }
}

/// Builds a generated workflow: one output file per task, read by every child.
struct Gen<'a> {
    builder: WorkflowBuilder,
    params: &'a TaskParams,
    /// The output file of each task, by task id.
    outputs: Vec<super::task::FileId>,
    origin: &'static str,
}

impl<'a> Gen<'a> {
    fn new(origin: &'static str, params: &'a TaskParams) -> Gen<'a> {
        Gen {
            builder: WorkflowBuilder::new(origin),
            params,
            outputs: Vec::new(),
            origin,
        }
    }

    fn task(&mut self, name: String, rng: &mut SimRng) -> TaskId {
        let runtime = self.params.runtime.sample(rng);
        let size = self.params.output_size.sample(rng);
        let priority = match self.params.priority {
            Some(p) => p,
            None => rng.between(0, MAX_DRAWN_PRIORITY) as i64,
        };
        let file = self.builder.add_file(format!("{name}.out"), size);
        let t = self.builder.add_task(name, runtime, priority);
        self.builder.add_output(t, file);
        self.outputs.push(file);
        t
    }

    fn edge(&mut self, parent: TaskId, child: TaskId) {
        self.builder.add_edge(parent, child);
        self.builder.add_input(child, self.outputs[parent.index()]);
    }

    fn finish(self) -> Result<Workflow, WorkflowError> {
        self.builder
            .build()
            .map_err(|e| e.with_origin(&format!("generator {:?}", self.origin)))
    }
}

/// A chain of `length` tasks.
pub fn chain(
    length: u32,
    params: &TaskParams,
    rng: &mut SimRng,
) -> Result<Workflow, WorkflowError> {
    Shape::Chain { length }.generate(params, rng)
}

/// A source, `width` parallel tasks and a sink.
pub fn fork_join(
    width: u32,
    params: &TaskParams,
    rng: &mut SimRng,
) -> Result<Workflow, WorkflowError> {
    Shape::ForkJoin { width }.generate(params, rng)
}

/// `depth` layers of `width` tasks with random edges between consecutive layers.
pub fn layered(
    width: u32,
    depth: u32,
    edge_probability: f64,
    params: &TaskParams,
    rng: &mut SimRng,
) -> Result<Workflow, WorkflowError> {
    Shape::Layered {
        width,
        depth,
        edge_probability,
    }
    .generate(params, rng)
}

/// A split, `mappers` maps, `reducers` reduces that read every map, and a merge.
pub fn map_reduce(
    mappers: u32,
    reducers: u32,
    params: &TaskParams,
    rng: &mut SimRng,
) -> Result<Workflow, WorkflowError> {
    Shape::MapReduce { mappers, reducers }.generate(params, rng)
}
