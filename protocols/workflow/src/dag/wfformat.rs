//! Reads WfCommons WfFormat 1.5 instances: real workflows, with the run times, machines and
//! makespan of a recorded execution, so that simulated schedules can be compared with reality.
//!
//! What is read: `workflow.specification.tasks[]` (`id`, `parents`, `children`, `inputFiles`,
//! `outputFiles`), `workflow.specification.files[]` (`id`, `sizeInBytes`),
//! `workflow.execution.tasks[]` (`id`, `runtimeInSeconds`, `priority`, `machines`),
//! `workflow.execution.machines[]` (`nodeName`, `cpu.coreCount`, `cpu.speedInMHz`) and
//! `workflow.execution.makespanInSeconds`. Everything else is ignored.
//!
//! A task is named by its WfFormat `id` (unique, unlike `name`). A task with no `priority` gets
//! 0; a task listed on several machines is placed on the first. `children` may be left out, in
//! which case `parents` alone define the edges; where both are given they must agree. Run times
//! are rounded to the nearest nanosecond.
//!
//! Every error names the JSON path where it was found and what was expected there; no input
//! makes the reader panic.

use super::error::WorkflowError;
use super::graph::{Workflow, WorkflowBuilder};
use super::task::{FileId, Machine, Recorded, TaskId};
use serde_json::Value;
use sim_core::Duration;
use std::collections::{BTreeMap, BTreeSet};

/// A value of the document and where it is, so that every error can say where.
#[derive(Clone, Copy)]
struct At<'v, 'p> {
    value: &'v Value,
    path: &'p str,
    origin: &'v str,
}

/// How a JSON value is described in "found ..." messages.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.len() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Paths are built only on the way to an error or a child, and kept alive by the caller.
type Path = String;

impl<'v> At<'v, '_> {
    fn err(&self, message: impl Into<String>) -> WorkflowError {
        WorkflowError::new(self.origin, self.path, message)
    }

    fn expected(&self, what: &str) -> WorkflowError {
        self.err(format!("expected {what}, found {}", kind(self.value)))
    }

    fn child_path(&self, key: &str) -> Path {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The field `key`, or `None` when absent or null.
    fn opt(&self, key: &str) -> Result<Option<(&'v Value, Path)>, WorkflowError> {
        let Value::Object(map) = self.value else {
            return Err(self.expected("an object"));
        };
        Ok(map
            .get(key)
            .filter(|v| !v.is_null())
            .map(|v| (v, self.child_path(key))))
    }

    /// The field `key`, which must be there; `what` says what it should hold.
    fn req(&self, key: &str, what: &str) -> Result<(&'v Value, Path), WorkflowError> {
        self.opt(key)?
            .ok_or_else(|| self.err(format!("missing `{key}` (expected {what})")))
    }

    fn str(&self, what: &str) -> Result<&'v str, WorkflowError> {
        self.value.as_str().ok_or_else(|| self.expected(what))
    }

    fn array(&self, what: &str) -> Result<&'v [Value], WorkflowError> {
        self.value
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| self.expected(what))
    }

    fn u64(&self, what: &str) -> Result<u64, WorkflowError> {
        match self.value {
            Value::Number(n) => n
                .as_u64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < u64::MAX as f64)
                        .map(|f| f as u64)
                })
                .ok_or_else(|| self.expected(what)),
            _ => Err(self.expected(what)),
        }
    }

    fn u32(&self, what: &str) -> Result<u32, WorkflowError> {
        u32::try_from(self.u64(what)?).map_err(|_| self.expected(what))
    }

    fn i64(&self, what: &str) -> Result<i64, WorkflowError> {
        self.value.as_i64().ok_or_else(|| self.expected(what))
    }

    /// Seconds as a JSON number, rounded to the nearest nanosecond.
    fn seconds(&self) -> Result<Duration, WorkflowError> {
        const WHAT: &str = "a finite, non-negative number of seconds";
        let secs = self.value.as_f64().ok_or_else(|| self.expected(WHAT))?;
        if !secs.is_finite() || secs < 0.0 {
            return Err(self.expected(WHAT));
        }
        let nanos = (secs * 1e9).round();
        if nanos >= u64::MAX as f64 {
            return Err(self.err(format!(
                "{secs} s is too long (expected at most about 584 years)"
            )));
        }
        Ok(Duration(nanos as u64))
    }
}

/// Runs `f` on each element of the array at `at`, with its path `path[i]`.
fn each<'v>(
    at: At<'v, '_>,
    what: &str,
    mut f: impl FnMut(usize, At<'v, '_>) -> Result<(), WorkflowError>,
) -> Result<(), WorkflowError> {
    for (i, value) in at.array(what)?.iter().enumerate() {
        let path = format!("{}[{i}]", at.path);
        f(
            i,
            At {
                value,
                path: &path,
                origin: at.origin,
            },
        )?;
    }
    Ok(())
}

/// A required field of `at`, as an [`At`] that lives in `slot`.
macro_rules! field {
    ($at:expr, $key:expr, $what:expr, $slot:ident) => {{
        let (value, path) = $at.req($key, $what)?;
        $slot = path;
        At {
            value,
            path: &$slot,
            origin: $at.origin,
        }
    }};
}

/// A parsed specification task: what it references, with ids resolved.
#[derive(Default)]
struct SpecTask {
    id: String,
    parents: Vec<u32>,
    /// `None` when the instance does not list children.
    children: Option<Vec<u32>>,
    inputs: Vec<FileId>,
    outputs: Vec<FileId>,
}

/// Reads a WfFormat 1.5 document. `origin` (usually the file name) prefixes every error.
pub fn parse(text: &str, origin: &str) -> Result<Workflow, WorkflowError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        let mut message = e.to_string();
        if let Some(cut) = message.rfind(" at line ") {
            message.truncate(cut);
        }
        WorkflowError::new(
            origin,
            format!("line {}, column {}", e.line(), e.column()),
            format!("not JSON: {message} (expected a WfFormat 1.5 document)"),
        )
    })?;
    let root = At {
        value: &root,
        path: "",
        origin,
    };
    let name = match root.opt("name")? {
        Some((v, p)) => At {
            value: v,
            path: &p,
            origin,
        }
        .str("the workflow's name as a string")?
        .to_string(),
        None => origin.to_string(),
    };
    let (p_wf, p_spec, p_exec, p_files, p_tasks, p_etasks);
    let wf = field!(
        root,
        "workflow",
        "an object with `specification` and `execution`",
        p_wf
    );
    let spec = field!(
        wf,
        "specification",
        "an object with `tasks` and `files`",
        p_spec
    );
    let exec = field!(
        wf,
        "execution",
        "an object with `tasks`, `machines` and `makespanInSeconds`",
        p_exec
    );

    // Files.
    let mut builder = WorkflowBuilder::new(name);
    let mut file_ids: BTreeMap<String, (FileId, String)> = BTreeMap::new();
    let mut file_sizes: Vec<u64> = Vec::new();
    let files = field!(spec, "files", "an array of files", p_files);
    each(files, "an array of files", |_, f| {
        let id = {
            let p;
            field!(f, "id", "the file's id, a string", p).str("the file's id, a string")?
        };
        let size = {
            let p;
            field!(f, "sizeInBytes", "the file's size in bytes", p)
                .u64("a size in bytes, a non-negative integer")?
        };
        if let Some((_, first)) = file_ids.get(id) {
            return Err(f.err(format!(
                "file id {id:?} declared twice, first at {first} (expected unique ids)"
            )));
        }
        let fid = builder.add_file(id, size);
        file_ids.insert(id.to_string(), (fid, f.path.to_string()));
        file_sizes.push(size);
        Ok(())
    })?;

    // Specification tasks: ids first, so that parents and children may name later tasks.
    let tasks = field!(spec, "tasks", "an array of tasks", p_tasks);
    let mut task_ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut spec_tasks: Vec<SpecTask> = Vec::new();
    each(tasks, "an array of tasks", |i, t| {
        let p;
        let id = field!(t, "id", "the task's id, a string", p).str("the task's id, a string")?;
        if let Some(first) = task_ids.get(id) {
            return Err(t.err(format!(
                "task id {id:?} declared twice, first at {}[{first}] (expected unique ids)",
                tasks.path
            )));
        }
        task_ids.insert(id.to_string(), i as u32);
        spec_tasks.push(SpecTask {
            id: id.to_string(),
            ..SpecTask::default()
        });
        Ok(())
    })?;
    let mut producers: BTreeMap<FileId, String> = BTreeMap::new();
    each(tasks, "an array of tasks", |i, t| {
        let task_ref = |a: At<'_, '_>| -> Result<u32, WorkflowError> {
            let id = a.str("a task id, a string")?;
            task_ids.get(id).copied().ok_or_else(|| {
                a.err(format!(
                    "unknown task {id:?} (expected the id of a task in {})",
                    tasks.path
                ))
            })
        };
        let file_ref = |a: At<'_, '_>| -> Result<FileId, WorkflowError> {
            let id = a.str("a file id, a string")?;
            file_ids.get(id).map(|(f, _)| *f).ok_or_else(|| {
                a.err(format!(
                    "file {id:?} is not declared (expected the id of a file in {})",
                    files.path
                ))
            })
        };
        let list = |key: &str| t.opt(key);
        let mut parents = Vec::new();
        if let Some((v, p)) = list("parents")? {
            let a = At {
                value: v,
                path: &p,
                origin,
            };
            each(a, "an array of task ids", |_, x| {
                parents.push(task_ref(x)?);
                Ok(())
            })?;
        }
        let mut children = None;
        if let Some((v, p)) = list("children")? {
            let a = At {
                value: v,
                path: &p,
                origin,
            };
            let mut c = Vec::new();
            each(a, "an array of task ids", |_, x| {
                c.push(task_ref(x)?);
                Ok(())
            })?;
            children = Some(c);
        }
        let mut inputs = Vec::new();
        if let Some((v, p)) = list("inputFiles")? {
            let a = At {
                value: v,
                path: &p,
                origin,
            };
            each(a, "an array of file ids", |_, x| {
                inputs.push(file_ref(x)?);
                Ok(())
            })?;
        }
        let mut outputs = Vec::new();
        if let Some((v, p)) = list("outputFiles")? {
            let a = At {
                value: v,
                path: &p,
                origin,
            };
            each(a, "an array of file ids", |_, x| {
                let f = file_ref(x)?;
                if let Some(first) = producers.get(&f) {
                    return Err(x.err(format!(
                        "file {:?} is also an output of {first} (expected one producer per file)",
                        x.value.as_str().unwrap_or_default()
                    )));
                }
                producers.insert(f, format!("{}[{i}]", tasks.path));
                outputs.push(f);
                Ok(())
            })?;
        }
        let st = &mut spec_tasks[i];
        st.parents = parents;
        st.children = children;
        st.inputs = inputs;
        st.outputs = outputs;
        Ok(())
    })?;

    // Children lists must say the same as parents lists.
    let parent_sets: Vec<BTreeSet<u32>> = spec_tasks
        .iter()
        .map(|t| t.parents.iter().copied().collect())
        .collect();
    let child_sets: Vec<Option<BTreeSet<u32>>> = spec_tasks
        .iter()
        .map(|t| t.children.as_ref().map(|c| c.iter().copied().collect()))
        .collect();
    let producer_of: BTreeMap<FileId, u32> = spec_tasks
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.outputs.iter().map(move |f| (*f, i as u32)))
        .collect();
    for (i, t) in spec_tasks.iter().enumerate() {
        let here = format!("{}[{i}]", tasks.path);
        if let Some(children) = &t.children {
            for (j, c) in children.iter().enumerate() {
                if !parent_sets[*c as usize].contains(&(i as u32)) {
                    return Err(WorkflowError::new(
                        origin,
                        format!("{here}.children[{j}]"),
                        format!(
                            "task {:?} lists {:?} as a child, but {:?} does not list {:?} among its parents (expected children and parents to agree)",
                            t.id, spec_tasks[*c as usize].id, spec_tasks[*c as usize].id, t.id
                        ),
                    ));
                }
            }
        }
        for (j, p) in t.parents.iter().enumerate() {
            if let Some(Some(cs)) = child_sets.get(*p as usize)
                && !cs.contains(&(i as u32))
            {
                return Err(WorkflowError::new(
                    origin,
                    format!("{here}.parents[{j}]"),
                    format!(
                        "task {:?} lists {:?} as a parent, but {:?} does not list {:?} among its children (expected children and parents to agree)",
                        t.id, spec_tasks[*p as usize].id, spec_tasks[*p as usize].id, t.id
                    ),
                ));
            }
        }
        for (j, f) in t.inputs.iter().enumerate() {
            if let Some(&p) = producer_of.get(f)
                && !parent_sets[i].contains(&p)
            {
                let file = &builder_file_name(&file_ids, *f);
                let message = if p as usize == i {
                    format!("task {:?} reads its own output {file:?}", t.id)
                } else {
                    format!(
                        "file {file:?} is written by task {:?}, which is not among the parents of {:?} (expected the producer of every input among the parents)",
                        spec_tasks[p as usize].id, t.id
                    )
                };
                return Err(WorkflowError::new(
                    origin,
                    format!("{here}.inputFiles[{j}]"),
                    message,
                ));
            }
        }
    }

    // Execution: machines, then one record per task.
    let mut machines: Vec<Machine> = Vec::new();
    let mut machine_ids: BTreeMap<String, usize> = BTreeMap::new();
    if let Some((v, p)) = exec.opt("machines")? {
        let a = At {
            value: v,
            path: &p,
            origin,
        };
        each(a, "an array of machines", |_, m| {
            let (pn, pc, pcores);
            let name = field!(m, "nodeName", "the machine's name, a string", pn)
                .str("the machine's name, a string")?;
            let cpu = field!(m, "cpu", "an object with `coreCount`", pc);
            let cores = field!(cpu, "coreCount", "the number of cores", pcores)
                .u32("a number of cores, a non-negative integer")?;
            let speed_mhz = match cpu.opt("speedInMHz")? {
                Some((v, p)) => Some(
                    At {
                        value: v,
                        path: &p,
                        origin,
                    }
                    .u32("a clock speed in MHz, a non-negative integer")?,
                ),
                None => None,
            };
            if machine_ids.contains_key(name) {
                return Err(m.err(format!(
                    "machine {name:?} declared twice (expected unique `nodeName`s)"
                )));
            }
            machine_ids.insert(name.to_string(), machines.len());
            machines.push(Machine {
                name: name.to_string(),
                cores,
                speed_mhz,
            });
            Ok(())
        })?;
    }
    let n = spec_tasks.len();
    let mut runtime: Vec<Option<(Duration, i64)>> = vec![None; n];
    let mut task_machine: Vec<Option<usize>> = vec![None; n];
    let mut record_at: Vec<String> = vec![String::new(); n];
    let etasks = field!(exec, "tasks", "an array of task records", p_etasks);
    each(etasks, "an array of task records", |_, r| {
        let (pi, pr);
        let ida = field!(r, "id", "the task's id, a string", pi);
        let id = ida.str("the task's id, a string")?;
        let Some(&t) = task_ids.get(id) else {
            return Err(ida.err(format!(
                "unknown task {id:?} (expected the id of a task in {})",
                tasks.path
            )));
        };
        let t = t as usize;
        if runtime[t].is_some() {
            return Err(r.err(format!(
                "second execution record for task {id:?}, first at {} (expected one per task)",
                record_at[t]
            )));
        }
        let secs = field!(r, "runtimeInSeconds", "the task's run time in seconds", pr).seconds()?;
        let priority = match r.opt("priority")? {
            Some((v, p)) => At {
                value: v,
                path: &p,
                origin,
            }
            .i64("a priority, an integer")?,
            None => 0,
        };
        if let Some((v, p)) = r.opt("machines")? {
            let a = At {
                value: v,
                path: &p,
                origin,
            };
            let mut first = None;
            each(a, "an array of machine names", |_, m| {
                let name = m.str("a machine name, a string")?;
                let idx = machine_ids.get(name).copied().ok_or_else(|| {
                    m.err(format!(
                        "unknown machine {name:?} (expected the `nodeName` of a machine in {}.machines)",
                        exec.path
                    ))
                })?;
                first = first.or(Some(idx));
                Ok(())
            })?;
            task_machine[t] = first;
        }
        runtime[t] = Some((secs, priority));
        record_at[t] = r.path.to_string();
        Ok(())
    })?;
    let p_make;
    let makespan = field!(
        exec,
        "makespanInSeconds",
        "the recorded makespan in seconds",
        p_make
    )
    .seconds()?;

    for (i, t) in spec_tasks.iter().enumerate() {
        let Some((secs, priority)) = runtime[i] else {
            return Err(WorkflowError::new(
                origin,
                format!("{}[{i}]", tasks.path),
                format!(
                    "task {:?} has no execution record (expected an entry with \"id\": {:?} in {})",
                    t.id, t.id, etasks.path
                ),
            ));
        };
        let id = builder.add_task(t.id.clone(), secs, priority);
        for f in &t.inputs {
            builder.add_input(id, *f);
        }
        for f in &t.outputs {
            builder.add_output(id, *f);
        }
    }
    for (i, t) in spec_tasks.iter().enumerate() {
        for p in &t.parents {
            builder.add_edge(TaskId(*p), TaskId(i as u32));
        }
    }
    builder.set_recorded(Recorded {
        makespan,
        machines,
        task_machine,
    });
    builder.build().map_err(|e| {
        // The builder locates by `tasks[i]`, `files[i]` or `recorded`; the indices are those
        // of the specification's arrays, because tasks and files were added in their order.
        let path = match e.path.as_str() {
            "recorded" => exec.path.to_string(),
            "" | "edges" => tasks.path.to_string(),
            p => format!("{}.{p}", spec.path),
        };
        WorkflowError::new(origin, path, e.message)
    })
}

/// The declared id of file `f`.
fn builder_file_name(file_ids: &BTreeMap<String, (FileId, String)>, f: FileId) -> String {
    file_ids
        .iter()
        .find(|(_, (id, _))| *id == f)
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}
