//! Reading real WfCommons instances, and every way a WfFormat document can be wrong.

use serde_json::{Value, json};
use sim_core::Duration;
use workflow::dag::wfformat;
use workflow::{TaskId, Workflow, WorkflowError};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/wfcommons/"
);

fn read(file: &str) -> String {
    std::fs::read_to_string(format!("{DATA}{file}"))
        .unwrap_or_else(|e| panic!("cannot read {DATA}{file}: {e}"))
}

fn load(file: &str) -> Workflow {
    wfformat::parse(&read(file), file).unwrap_or_else(|e| panic!("{e}"))
}

fn secs(s: f64) -> Duration {
    Duration((s * 1e9).round() as u64)
}

/// What each instance must read as: the README's table, and facts computed from the JSON
/// independently (edges, entry and exit tasks, files, critical path and total work in ns).
struct Expected {
    file: &'static str,
    tasks: usize,
    machines: &'static [(&'static str, u32, Option<u32>)],
    makespan: Duration,
    edges: usize,
    entries: usize,
    exits: usize,
    files: usize,
    workflow_inputs: usize,
    critical_path_ns: u64,
    total_work_ns: u64,
}

const INSTANCES: [Expected; 6] = [
    Expected {
        file: "helloworld-forkjoin-10-chameleon.json",
        tasks: 10,
        machines: &[("ubuntu", 64, Some(1200))],
        makespan: Duration(437_000_000_000),
        edges: 16,
        entries: 1,
        exits: 1,
        files: 11,
        workflow_inputs: 1,
        critical_path_ns: 307_360_000_000,
        total_work_ns: 1_028_704_000_000,
    },
    Expected {
        file: "1000genome-chameleon-2ch-100k-001.json",
        tasks: 52,
        machines: &[("pegasus-5", 48, Some(1200))],
        makespan: Duration(776_000_000_000),
        edges: 76,
        entries: 22,
        exits: 28,
        files: 64,
        workflow_inputs: 12,
        critical_path_ns: 204_686_000_000,
        total_work_ns: 2_771_295_000_000,
    },
    Expected {
        file: "blast-chameleon-small-001.json",
        tasks: 43,
        machines: &[
            ("worker-1.novalocal", 24, None),
            ("worker-2.novalocal", 24, None),
        ],
        makespan: Duration(1_279_300_000_000),
        edges: 120,
        entries: 1,
        exits: 2,
        files: 127,
        workflow_inputs: 5,
        critical_path_ns: 10_413_171_000,
        total_work_ns: 382_912_720_000,
    },
    Expected {
        file: "montage-chameleon-2mass-01d-001.json",
        tasks: 103,
        machines: &[("mem", 48, Some(3033))],
        makespan: Duration(1_362_000_000_000),
        edges: 231,
        entries: 21,
        exits: 4,
        files: 183,
        workflow_inputs: 35,
        critical_path_ns: 21_122_000_000,
        total_work_ns: 362_633_000_000,
    },
    Expected {
        file: "seismology-chameleon-100p-001.json",
        tasks: 101,
        machines: &[
            ("compute-5", 48, Some(1575)),
            ("compute-7", 48, Some(1825)),
            ("compute-3", 48, Some(1200)),
        ],
        makespan: Duration(354_000_000_000),
        edges: 100,
        entries: 100,
        exits: 1,
        files: 304,
        workflow_inputs: 203,
        critical_path_ns: 2_840_000_000,
        total_work_ns: 71_893_000_000,
    },
    Expected {
        file: "epigenomics-chameleon-ilmn-1seq-50k-001.json",
        tasks: 241,
        machines: &[("compute-3", 48, Some(1380)), ("compute-7", 48, Some(1200))],
        makespan: Duration(872_000_000_000),
        edges: 298,
        entries: 1,
        exits: 1,
        files: 304,
        workflow_inputs: 5,
        critical_path_ns: 137_144_000_000,
        total_work_ns: 3_532_960_000_000,
    },
];

#[test]
fn the_six_instances_read_as_recorded() {
    for want in &INSTANCES {
        let w = load(want.file);
        let f = want.file;
        assert_eq!(w.len(), want.tasks, "{f}: tasks");
        let rec = w.recorded().expect("an execution record");
        let machines: Vec<(&str, u32, Option<u32>)> = rec
            .machines
            .iter()
            .map(|m| (m.name.as_str(), m.cores, m.speed_mhz))
            .collect();
        assert_eq!(machines, want.machines, "{f}: machines");
        assert_eq!(rec.makespan, want.makespan, "{f}: makespan");
        assert_eq!(w.edge_count(), want.edges, "{f}: edges");
        assert_eq!(w.entry_tasks().len(), want.entries, "{f}: entry tasks");
        assert_eq!(w.exit_tasks().len(), want.exits, "{f}: exit tasks");
        assert_eq!(w.files().len(), want.files, "{f}: files");
        let inputs = w.files().iter().filter(|x| x.producer.is_none()).count();
        assert_eq!(inputs, want.workflow_inputs, "{f}: workflow inputs");
        assert_eq!(
            w.critical_path(),
            Duration(want.critical_path_ns),
            "{f}: critical path"
        );
        assert_eq!(
            w.total_work(),
            Duration(want.total_work_ns),
            "{f}: total work"
        );
        // Every task ran on a machine of the recording.
        assert!(
            rec.task_machine.iter().all(|m| m.is_some()),
            "{f}: placements"
        );
        // The topological order puts every parent before its children.
        let mut pos = vec![usize::MAX; w.len()];
        for (i, t) in w.topological_order().iter().enumerate() {
            pos[t.index()] = i;
        }
        for t in w.ids() {
            for p in w.parents(t) {
                assert!(pos[p.index()] < pos[t.index()], "{f}: order");
            }
        }
    }
}

#[test]
fn tasks_keep_their_recorded_runtime_priority_and_machine() {
    let w = load("1000genome-chameleon-2ch-100k-001.json");
    let t = w.task_named("individuals_ID0000001").unwrap();
    assert_eq!(w.task(t).runtime, Duration(53_600_000_000));
    assert_eq!(w.task(t).priority, 20);
    assert_eq!(w.recorded().unwrap().task_machine[t.index()], Some(0));
    let inputs: Vec<&str> = w
        .task(t)
        .inputs
        .iter()
        .map(|f| w.file(*f).name.as_str())
        .collect();
    assert_eq!(inputs.len(), 2);
    assert!(inputs.contains(&"ALL.chr21.100000.vcf") && inputs.contains(&"columns.txt"));
    assert_eq!(
        w.file(w.task(t).inputs[0]).size + w.file(w.task(t).inputs[1]).size,
        1_014_442_803
            + w.files()
                .iter()
                .find(|f| f.name == "columns.txt")
                .unwrap()
                .size
    );
    // Blast records no priorities: they read as 0. Its split task runs 0.054023 s, exactly.
    let b = load("blast-chameleon-small-001.json");
    assert!(b.tasks().iter().all(|t| t.priority == 0));
    let split = b.task_named("split_fasta_ID000001").unwrap();
    assert_eq!(b.task(split).runtime, Duration(54_023_000));
    assert_eq!(b.children(split).len(), 40);
    // Placements follow the recorded node names.
    let s = load("seismology-chameleon-100p-001.json");
    let first = s.task_named("sG1IterDecon_ID0000001").unwrap();
    assert_eq!(s.recorded().unwrap().task_machine[first.index()], Some(0));
}

#[test]
fn upward_ranks_charge_the_bytes_each_child_reads() {
    // Independently computed: with 1 ns per byte, the fork-join instance's source ranks
    // 307.36 s of run time plus 2 x 9090909 bytes (its output to a worker, the worker's to the
    // sink), and montage's longest path carries 21.143764454 s - 21.122 s of data.
    let one_ns_per_byte = |b: u64| Duration(b);
    let fj = load("helloworld-forkjoin-10-chameleon.json");
    let ranks = fj.upward_ranks(one_ns_per_byte);
    let source = fj.task_named("cpuhog_forkjoin_00000001").unwrap();
    assert_eq!(fj.entry_tasks(), vec![source]);
    assert_eq!(ranks[source.index()], Duration(307_378_181_820));
    assert_eq!(ranks.iter().max(), Some(&Duration(307_378_181_820)));
    assert_eq!(fj.critical_path(), Duration(307_360_000_000));
    let m = load("montage-chameleon-2mass-01d-001.json");
    let r = m.upward_ranks(one_ns_per_byte);
    assert_eq!(r.iter().max(), Some(&Duration(21_143_764_454)));
    let p = m.task_named("mProject_ID0000001").unwrap();
    assert_eq!(r[p.index()], Duration(19_059_789_900));
    // A rank is never less than the task's own run time plus its best child's rank.
    for t in m.ids() {
        for c in m.children(t) {
            assert!(r[t.index()] >= m.task(t).runtime.saturating_add(r[c.index()]));
        }
    }
}

#[test]
fn lower_bounds_take_the_larger_of_critical_path_and_spread_work() {
    let fj = load("helloworld-forkjoin-10-chameleon.json");
    assert_eq!(fj.lower_bound(64), secs(307.36));
    assert_eq!(fj.lower_bound(1), secs(1028.704));
    let b = load("blast-chameleon-small-001.json");
    assert_eq!(b.lower_bound(48), Duration(10_413_171_000));
    assert_eq!(b.lower_bound(2), Duration(191_456_360_000));
    assert_eq!(b.lower_bound(0), Duration::MAX);
    // The recorded makespans respect the bound on the recorded cores.
    for want in &INSTANCES {
        let w = load(want.file);
        let cores: u32 = w.recorded().unwrap().machines.iter().map(|m| m.cores).sum();
        assert!(w.lower_bound(cores) <= want.makespan, "{}", want.file);
    }
}

#[test]
fn truncated_instances_are_errors_never_panics() {
    let text = read("helloworld-forkjoin-10-chameleon.json");
    let mut cuts: Vec<usize> = (0..text.len()).step_by(7).collect();
    let end = text.trim_end().len();
    cuts.extend(end.saturating_sub(300)..end);
    for n in cuts {
        let Some(prefix) = text.get(..n) else {
            continue;
        };
        let e = wfformat::parse(prefix, "cut.json").expect_err("a truncated file is an error");
        assert_eq!(e.origin, "cut.json");
        assert!(!e.path.is_empty() && !e.message.is_empty(), "{e}");
    }
    assert!(wfformat::parse(&text, "whole.json").is_ok());
}

/// A three-task chain a -> b -> c with one workflow input, used to write each kind of error.
fn tiny() -> Value {
    json!({
        "name": "tiny",
        "schemaVersion": "1.5",
        "workflow": {
            "specification": {
                "tasks": [
                    {"id": "a", "name": "a", "parents": [], "children": ["b"],
                     "inputFiles": ["in"], "outputFiles": ["x"]},
                    {"id": "b", "name": "b", "parents": ["a"], "children": ["c"],
                     "inputFiles": ["x"], "outputFiles": ["y"]},
                    {"id": "c", "name": "c", "parents": ["b"], "children": [],
                     "inputFiles": ["y"], "outputFiles": []}
                ],
                "files": [
                    {"id": "in", "sizeInBytes": 10},
                    {"id": "x", "sizeInBytes": 20},
                    {"id": "y", "sizeInBytes": 30}
                ]
            },
            "execution": {
                "makespanInSeconds": 7.5,
                "machines": [{"nodeName": "m1", "cpu": {"coreCount": 4, "speedInMHz": 2000}}],
                "tasks": [
                    {"id": "a", "runtimeInSeconds": 1.0, "machines": ["m1"]},
                    {"id": "b", "runtimeInSeconds": 2.5, "priority": 3},
                    {"id": "c", "runtimeInSeconds": 0.000000001}
                ]
            }
        }
    })
}

fn parse(doc: &Value) -> Result<Workflow, WorkflowError> {
    wfformat::parse(&doc.to_string(), "tiny.json")
}

/// Asserts that `doc` fails at exactly `path` with a message containing each of `needles`.
fn fails_at(doc: &Value, path: &str, needles: &[&str]) -> WorkflowError {
    let e = parse(doc).expect_err("expected an error");
    assert_eq!(e.origin, "tiny.json", "{e}");
    assert_eq!(e.path, path, "{e}");
    for n in needles {
        assert!(e.message.contains(n), "{e:?} lacks {n:?}");
    }
    let line = e.to_string();
    assert!(!line.contains('\n'), "{line}");
    assert!(line.starts_with("tiny.json: workflow"), "{line}");
    e
}

#[test]
fn a_small_document_reads_exactly() {
    let w = parse(&tiny()).unwrap();
    assert_eq!(w.name(), "tiny");
    let ids: Vec<TaskId> = ["a", "b", "c"]
        .iter()
        .map(|n| w.task_named(n).unwrap())
        .collect();
    assert_eq!(w.topological_order(), ids.as_slice());
    assert_eq!(w.task(ids[1]).priority, 3);
    assert_eq!(w.task(ids[0]).priority, 0);
    assert_eq!(w.task(ids[2]).runtime, Duration(1));
    assert_eq!(w.critical_path(), Duration(3_500_000_001));
    let ranks = w.upward_ranks(|b| Duration(b * 1_000));
    assert_eq!(ranks[ids[0].index()], Duration(3_500_000_001 + 50_000));
    assert_eq!(w.child_bytes(ids[0]), &[20]);
    let rec = w.recorded().unwrap();
    assert_eq!(rec.makespan, Duration(7_500_000_000));
    assert_eq!(rec.task_machine, vec![Some(0), None, None]);
}

#[test]
fn text_that_is_not_json_is_located_by_line_and_column() {
    let e = wfformat::parse("{\n  \"workflow\": {,\n}", "broken.json").unwrap_err();
    assert_eq!(e.origin, "broken.json");
    assert_eq!(e.path, "line 2, column 16");
    assert!(e.message.contains("not JSON"), "{e}");
    assert!(
        e.message.contains("expected a WfFormat 1.5 document"),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("broken.json: line 2, column 16: not JSON")
    );
    // A number too large for a double is rejected as it is read, also located.
    let text = tiny().to_string().replace("2.5", "1e999");
    let e = wfformat::parse(&text, "big.json").unwrap_err();
    assert!(e.path.starts_with("line 1, column "), "{e}");
    assert!(e.message.contains("number out of range"), "{e}");
    let e = wfformat::parse("[1, 2]", "array.json").unwrap_err();
    assert_eq!(e.path, "");
    assert!(
        e.message.contains("expected an object, found an array"),
        "{e}"
    );
}

#[test]
fn a_cycle_is_named() {
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][0]["parents"] = json!(["c"]);
    d["workflow"]["specification"]["tasks"][2]["children"] = json!(["a"]);
    fails_at(
        &d,
        "workflow.specification.tasks[0]",
        &["cycle: a -> b -> c -> a", "expected a DAG"],
    );
}

#[test]
fn an_unknown_parent_is_located() {
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][1]["parents"] = json!(["a", "zz"]);
    fails_at(
        &d,
        "workflow.specification.tasks[1].parents[1]",
        &["unknown task \"zz\"", "expected the id of a task"],
    );
}

#[test]
fn negative_run_times_are_rejected() {
    let mut d = tiny();
    d["workflow"]["execution"]["tasks"][1]["runtimeInSeconds"] = json!(-2.0);
    fails_at(
        &d,
        "workflow.execution.tasks[1].runtimeInSeconds",
        &["expected a finite, non-negative number of seconds", "-2"],
    );
    d["workflow"]["execution"]["tasks"][1]["runtimeInSeconds"] = json!("fast");
    fails_at(
        &d,
        "workflow.execution.tasks[1].runtimeInSeconds",
        &[
            "expected a finite, non-negative number of seconds",
            "\"fast\"",
        ],
    );
    let mut d = tiny();
    d["workflow"]["execution"]["makespanInSeconds"] = json!(-1);
    fails_at(
        &d,
        "workflow.execution.makespanInSeconds",
        &["non-negative"],
    );
}

#[test]
fn a_task_without_an_execution_record_is_rejected() {
    let mut d = tiny();
    d["workflow"]["execution"]["tasks"]
        .as_array_mut()
        .unwrap()
        .pop();
    fails_at(
        &d,
        "workflow.specification.tasks[2]",
        &[
            "task \"c\" has no execution record",
            "workflow.execution.tasks",
        ],
    );
    let mut d = tiny();
    d["workflow"]["execution"]["tasks"][2]["id"] = json!("ghost");
    fails_at(
        &d,
        "workflow.execution.tasks[2].id",
        &["unknown task \"ghost\""],
    );
}

#[test]
fn a_file_without_a_size_is_rejected() {
    let mut d = tiny();
    d["workflow"]["specification"]["files"][1]
        .as_object_mut()
        .unwrap()
        .remove("sizeInBytes");
    fails_at(
        &d,
        "workflow.specification.files[1]",
        &["missing `sizeInBytes`", "expected the file's size in bytes"],
    );
    d["workflow"]["specification"]["files"][1]["sizeInBytes"] = json!(-5);
    fails_at(
        &d,
        "workflow.specification.files[1].sizeInBytes",
        &["non-negative integer", "-5"],
    );
}

#[test]
fn an_undeclared_file_is_rejected() {
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][0]["outputFiles"] = json!(["x", "ghost"]);
    fails_at(
        &d,
        "workflow.specification.tasks[0].outputFiles[1]",
        &[
            "file \"ghost\" is not declared",
            "workflow.specification.files",
        ],
    );
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][2]["inputFiles"] = json!(["nope"]);
    fails_at(
        &d,
        "workflow.specification.tasks[2].inputFiles[0]",
        &["file \"nope\" is not declared"],
    );
}

#[test]
fn children_must_agree_with_parents() {
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][0]["children"] = json!(["b", "c"]);
    fails_at(
        &d,
        "workflow.specification.tasks[0].children[1]",
        &["\"a\" lists \"c\" as a child", "\"c\" does not list \"a\""],
    );
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][2]["parents"] = json!(["b", "a"]);
    fails_at(
        &d,
        "workflow.specification.tasks[2].parents[1]",
        &["\"c\" lists \"a\" as a parent", "\"a\" does not list \"c\""],
    );
    // Without `children` at all, the parents alone define the edges.
    let mut d = tiny();
    for t in d["workflow"]["specification"]["tasks"]
        .as_array_mut()
        .unwrap()
    {
        t.as_object_mut().unwrap().remove("children");
    }
    assert_eq!(parse(&d).unwrap().edge_count(), 2);
}

#[test]
fn other_inconsistencies_are_located() {
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][2]["id"] = json!("a");
    fails_at(
        &d,
        "workflow.specification.tasks[2]",
        &[
            "task id \"a\" declared twice",
            "workflow.specification.tasks[0]",
        ],
    );
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][2]["outputFiles"] = json!(["x"]);
    fails_at(
        &d,
        "workflow.specification.tasks[2].outputFiles[0]",
        &["also an output of workflow.specification.tasks[0]"],
    );
    let mut d = tiny();
    d["workflow"]["execution"]["tasks"][0]["machines"] = json!(["m9"]);
    fails_at(
        &d,
        "workflow.execution.tasks[0].machines[0]",
        &["unknown machine \"m9\""],
    );
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][1]["parents"] = json!("a");
    fails_at(
        &d,
        "workflow.specification.tasks[1].parents",
        &["expected an array of task ids, found the string \"a\""],
    );
    // c reads y, written by b; with b no longer its parent the data could not be there.
    let mut d = tiny();
    d["workflow"]["specification"]["tasks"][2]["parents"] = json!([]);
    d["workflow"]["specification"]["tasks"][1]["children"] = json!([]);
    fails_at(
        &d,
        "workflow.specification.tasks[2].inputFiles[0]",
        &["written by task \"b\"", "not among the parents of \"c\""],
    );
    let mut d = tiny();
    d["workflow"]["execution"]["tasks"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "a", "runtimeInSeconds": 1}));
    fails_at(
        &d,
        "workflow.execution.tasks[3]",
        &["second execution record for task \"a\""],
    );
    let mut d = tiny();
    d["workflow"].as_object_mut().unwrap().remove("execution");
    fails_at(&d, "workflow", &["missing `execution`"]);
}

/// Every value of the small document replaced by each wrong kind of value: always an `Err` or
/// an `Ok`, never a panic.
#[test]
fn any_value_replaced_by_anything_never_panics() {
    fn paths(v: &Value, at: Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let mut p = at.clone();
                    p.push(json!(k));
                    paths(x, p, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let mut p = at.clone();
                    p.push(json!(i));
                    paths(x, p, out);
                }
            }
            _ => {}
        }
    }
    fn slot<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
        path.iter().fold(v, |v, k| match k {
            Value::String(s) => &mut v[s.as_str()],
            _ => &mut v[k.as_u64().unwrap() as usize],
        })
    }
    let base = tiny();
    let mut all = Vec::new();
    paths(&base, Vec::new(), &mut all);
    let wrong = [
        json!(null),
        json!(-1),
        json!(1e300),
        json!(u64::MAX),
        json!("a"),
        json!([]),
        json!(["a", "b", "c", "zz"]),
        json!({}),
        json!(true),
    ];
    let mut errors = 0;
    for path in &all {
        for w in &wrong {
            let mut d = base.clone();
            *slot(&mut d, path) = w.clone();
            if let Err(e) = parse(&d) {
                errors += 1;
                assert!(!e.message.is_empty());
            }
        }
    }
    assert!(
        errors > all.len(),
        "{errors} errors for {} paths",
        all.len()
    );
}
