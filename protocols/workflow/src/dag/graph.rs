//! The validated DAG and the builder that is the only way to make one.

use super::error::WorkflowError;
use super::task::{File, FileId, Recorded, Task, TaskId};
use sim_core::Duration;
use std::collections::{BTreeMap, VecDeque};

/// Most tasks (and most files) a workflow may hold: ids are `u32`, and a limit keeps a typo in
/// a generator's parameters from exhausting memory.
pub const MAX_TASKS: usize = 4_000_000;

/// A workflow that is known to be well formed: ids in range, names unique, no cycle, each file
/// written by at most one task, and each task's inputs written by its parents.
///
/// Adjacency is stored both ways as sorted vectors, with the bytes each edge carries, and a
/// topological order is computed once, so that schedulers and rankings walk plain slices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    name: String,
    tasks: Vec<Task>,
    files: Vec<File>,
    parents: Vec<Vec<TaskId>>,
    children: Vec<Vec<TaskId>>,
    /// Aligned with `children`: bytes of the parent's outputs that each child reads.
    child_bytes: Vec<Vec<u64>>,
    order: Vec<TaskId>,
    recorded: Option<Recorded>,
}

impl Workflow {
    /// What the workflow is called (the instance name, or the generator's).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// All tasks, indexed by [`TaskId`].
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }
    /// One task.
    pub fn task(&self, id: TaskId) -> &Task {
        &self.tasks[id.index()]
    }
    /// All files, indexed by [`FileId`].
    pub fn files(&self) -> &[File] {
        &self.files
    }
    /// One file.
    pub fn file(&self, id: FileId) -> &File {
        &self.files[id.index()]
    }
    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }
    /// Whether the workflow has no task at all (nothing to schedule).
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
    /// The tasks that must finish before `id` may start, sorted.
    pub fn parents(&self, id: TaskId) -> &[TaskId] {
        &self.parents[id.index()]
    }
    /// The tasks that wait for `id`, sorted.
    pub fn children(&self, id: TaskId) -> &[TaskId] {
        &self.children[id.index()]
    }
    /// Bytes that each child of `id` reads from `id`'s outputs, aligned with
    /// [`Workflow::children`]: what has to move when they run on different machines.
    pub fn child_bytes(&self, id: TaskId) -> &[u64] {
        &self.child_bytes[id.index()]
    }
    /// Number of dependency edges.
    pub fn edge_count(&self) -> usize {
        self.parents.iter().map(Vec::len).sum()
    }
    /// Every task after all its parents; ties broken by id, so the order is the same each run.
    pub fn topological_order(&self) -> &[TaskId] {
        &self.order
    }
    /// Tasks with no parent: ready as soon as the run starts.
    pub fn entry_tasks(&self) -> Vec<TaskId> {
        self.ids().filter(|t| self.parents(*t).is_empty()).collect()
    }
    /// Tasks with no child: the run is over when they all are.
    pub fn exit_tasks(&self) -> Vec<TaskId> {
        self.ids()
            .filter(|t| self.children(*t).is_empty())
            .collect()
    }
    /// All task ids in order.
    pub fn ids(&self) -> impl Iterator<Item = TaskId> + '_ {
        (0..self.tasks.len() as u32).map(TaskId)
    }
    /// The task called `name`, if any (a linear search: for tests and user input, not hot
    /// paths).
    pub fn task_named(&self, name: &str) -> Option<TaskId> {
        self.tasks
            .iter()
            .position(|t| t.name == name)
            .map(|i| TaskId(i as u32))
    }
    /// How a real execution went, when the workflow was read from a recording.
    pub fn recorded(&self) -> Option<&Recorded> {
        self.recorded.as_ref()
    }
    /// Sum of all run times: the work a cluster has to absorb.
    pub fn total_work(&self) -> Duration {
        self.tasks
            .iter()
            .fold(Duration::ZERO, |acc, t| acc.saturating_add(t.runtime))
    }
}

/// Collects tasks, files and edges, then checks them all at once in [`WorkflowBuilder::build`].
///
/// Ids are handed out by `add_task` and `add_file`; edges and file uses may name any id, and an
/// id that was never handed out is reported by `build`.
#[derive(Clone, Debug, Default)]
pub struct WorkflowBuilder {
    name: String,
    tasks: Vec<Task>,
    files: Vec<File>,
    edges: Vec<(TaskId, TaskId)>,
    recorded: Option<Recorded>,
}

impl WorkflowBuilder {
    /// An empty workflow called `name`.
    pub fn new(name: impl Into<String>) -> WorkflowBuilder {
        WorkflowBuilder {
            name: name.into(),
            ..WorkflowBuilder::default()
        }
    }

    /// Adds a task with no files yet.
    pub fn add_task(
        &mut self,
        name: impl Into<String>,
        runtime: Duration,
        priority: i64,
    ) -> TaskId {
        self.tasks.push(Task {
            name: name.into(),
            runtime,
            priority,
            inputs: Vec::new(),
            outputs: Vec::new(),
        });
        TaskId(self.tasks.len() as u32 - 1)
    }

    /// Adds a file of `size` bytes; its producer is set by [`WorkflowBuilder::add_output`].
    pub fn add_file(&mut self, name: impl Into<String>, size: u64) -> FileId {
        self.files.push(File {
            name: name.into(),
            size,
            producer: None,
        });
        FileId(self.files.len() as u32 - 1)
    }

    /// Makes `child` wait for `parent`. Adding the same edge twice adds it once.
    pub fn add_edge(&mut self, parent: TaskId, child: TaskId) {
        self.edges.push((parent, child));
    }

    /// `task` reads `file`.
    pub fn add_input(&mut self, task: TaskId, file: FileId) {
        if let Some(t) = self.tasks.get_mut(task.index()) {
            t.inputs.push(file);
        }
    }

    /// `task` writes `file`.
    pub fn add_output(&mut self, task: TaskId, file: FileId) {
        if let Some(t) = self.tasks.get_mut(task.index()) {
            t.outputs.push(file);
        }
    }

    /// Attaches how a real run went.
    pub fn set_recorded(&mut self, recorded: Recorded) {
        self.recorded = Some(recorded);
    }

    /// Checks everything and freezes the workflow.
    ///
    /// Fails on a task or file id never handed out, two tasks or two files with the same name,
    /// a file written by two tasks, an input written by a task that is not a parent, a recorded
    /// run that does not fit the tasks, or a cycle (named: `"a -> b -> a"`).
    pub fn build(self) -> Result<Workflow, WorkflowError> {
        let WorkflowBuilder {
            name,
            mut tasks,
            mut files,
            mut edges,
            recorded,
        } = self;
        let err = |path: String, message: String| Err(WorkflowError::new("", path, message));
        let n = tasks.len();
        if n > MAX_TASKS || files.len() > MAX_TASKS {
            return err(
                String::new(),
                format!(
                    "{} tasks and {} files (expected at most {MAX_TASKS} of each)",
                    n,
                    files.len()
                ),
            );
        }
        unique_names(tasks.iter().map(|t| t.name.as_str()), "task")?;
        unique_names(files.iter().map(|f| f.name.as_str()), "file")?;
        let task_ok = |t: TaskId| t.index() < n;
        for (p, c) in &edges {
            for t in [p, c] {
                if !task_ok(*t) {
                    return err(
                        "edges".to_string(),
                        format!("unknown {t} (expected one of the {n} tasks added)"),
                    );
                }
            }
            if p == c {
                let name = &tasks[p.index()].name;
                return err(
                    format!("tasks[{}]", p.0),
                    format!(
                        "cycle: {name} -> {name} (expected a DAG: a task cannot depend on itself)"
                    ),
                );
            }
        }
        edges.sort_unstable();
        edges.dedup();
        let mut parents = vec![Vec::new(); n];
        let mut children = vec![Vec::new(); n];
        for &(p, c) in &edges {
            children[p.index()].push(c);
            parents[c.index()].push(p);
        }
        for list in &mut parents {
            list.sort_unstable();
        }
        // `children` is already sorted: edges were sorted by (parent, child).

        // Files: ids in range, one producer each.
        let nf = files.len();
        for (i, task) in tasks.iter_mut().enumerate() {
            for (kind, list) in [("input", &mut task.inputs), ("output", &mut task.outputs)] {
                if let Some(bad) = list.iter().find(|f| f.index() >= nf) {
                    return err(
                        format!("tasks[{i}]"),
                        format!(
                            "task {:?} names unknown {kind} {bad} (expected one of the {nf} files added)",
                            task.name
                        ),
                    );
                }
                list.sort_unstable();
                list.dedup();
            }
        }
        for (i, task) in tasks.iter().enumerate() {
            for f in &task.outputs {
                let file = &mut files[f.index()];
                if let Some(other) = file.producer {
                    return err(
                        format!("files[{}]", f.0),
                        format!(
                            "file {:?} is written by two tasks, {:?} and {:?} (expected at most one producer)",
                            file.name,
                            tasks[other.index()].name,
                            task.name
                        ),
                    );
                }
                file.producer = Some(TaskId(i as u32));
            }
        }

        let order = topological_order(&tasks, &parents, &children)?;

        // Every input written by a task must come from a parent, else it may not exist yet.
        let mut child_bytes: Vec<Vec<u64>> = children.iter().map(|c| vec![0; c.len()]).collect();
        for (i, task) in tasks.iter().enumerate() {
            let tid = TaskId(i as u32);
            for f in &task.inputs {
                let file = &files[f.index()];
                let Some(p) = file.producer else { continue };
                if p == tid {
                    return err(
                        format!("tasks[{i}]"),
                        format!("task {:?} reads its own output {:?}", task.name, file.name),
                    );
                }
                match children[p.index()].binary_search(&tid) {
                    Ok(pos) => {
                        let b = &mut child_bytes[p.index()][pos];
                        *b = b.saturating_add(file.size);
                    }
                    Err(_) => {
                        return err(
                            format!("tasks[{i}]"),
                            format!(
                                "task {:?} reads file {:?}, written by task {:?}, which is not one of its parents (expected the producer of every input among the parents)",
                                task.name,
                                file.name,
                                tasks[p.index()].name
                            ),
                        );
                    }
                }
            }
        }

        if let Some(rec) = &recorded {
            if rec.task_machine.len() != n {
                return err(
                    "recorded".into(),
                    format!(
                        "{} task placements for {n} tasks (expected one per task)",
                        rec.task_machine.len()
                    ),
                );
            }
            if let Some(m) = rec
                .task_machine
                .iter()
                .flatten()
                .find(|m| **m >= rec.machines.len())
            {
                return err(
                    "recorded".into(),
                    format!("machine index {m} (expected below {})", rec.machines.len()),
                );
            }
        }

        Ok(Workflow {
            name,
            tasks,
            files,
            parents,
            children,
            child_bytes,
            order,
            recorded,
        })
    }
}

/// Fails on the first name used twice.
fn unique_names<'a>(names: impl Iterator<Item = &'a str>, what: &str) -> Result<(), WorkflowError> {
    let mut seen = BTreeMap::new();
    for (i, name) in names.enumerate() {
        if let Some(first) = seen.insert(name, i) {
            return Err(WorkflowError::new(
                "",
                format!("{what}s[{i}]"),
                format!(
                    "{what} name {name:?} used twice, also by {what}s[{first}] (expected unique names)"
                ),
            ));
        }
    }
    Ok(())
}

/// Kahn's algorithm, first-in first-out from the entry tasks in id order: O(V + E). On a cycle,
/// names one.
fn topological_order(
    tasks: &[Task],
    parents: &[Vec<TaskId>],
    children: &[Vec<TaskId>],
) -> Result<Vec<TaskId>, WorkflowError> {
    let n = tasks.len();
    let mut waiting: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut ready: VecDeque<TaskId> = (0..n as u32)
        .map(TaskId)
        .filter(|t| waiting[t.index()] == 0)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(t) = ready.pop_front() {
        order.push(t);
        for c in &children[t.index()] {
            waiting[c.index()] -= 1;
            if waiting[c.index()] == 0 {
                ready.push_back(*c);
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Every task left waiting has a parent that is also left waiting: walking parents from
    // one of them must come back to a task already seen, which closes a cycle.
    let Some(start) = (0..n).find(|i| waiting[*i] > 0) else {
        return Ok(order);
    };
    let mut seen_at = vec![usize::MAX; n];
    let mut walk = Vec::new();
    let mut at = start;
    while seen_at[at] == usize::MAX {
        seen_at[at] = walk.len();
        walk.push(at);
        let Some(p) = parents[at].iter().find(|p| waiting[p.index()] > 0) else {
            break;
        };
        at = p.index();
    }
    let mut cycle: Vec<usize> = walk[seen_at[at]..].to_vec();
    cycle.reverse(); // walked child -> parent; show parent -> child
    // Start at the lowest id, so the same cycle is named the same way however it was found.
    let lowest = (0..cycle.len()).min_by_key(|i| cycle[*i]).unwrap_or(0);
    cycle.rotate_left(lowest);
    cycle.push(cycle[0]);
    let names: Vec<&str> = cycle.iter().map(|i| tasks[*i].name.as_str()).collect();
    Err(WorkflowError::new(
        "",
        format!("tasks[{}]", cycle[0]),
        format!("cycle: {} (expected a DAG)", names.join(" -> ")),
    ))
}
