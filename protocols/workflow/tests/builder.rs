//! The builder is the only way to a `Workflow`: everything it refuses, it refuses by name.

use sim_core::Duration;
use workflow::{Machine, Recorded, TaskId, WorkflowBuilder};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[test]
fn a_diamond_builds_with_sorted_adjacency_and_shared_data() {
    let mut b = WorkflowBuilder::new("diamond");
    let top = b.add_task("top", secs(1), 0);
    let right = b.add_task("right", secs(5), 0);
    let left = b.add_task("left", secs(2), 0);
    let bottom = b.add_task("bottom", secs(1), 0);
    let input = b.add_file("in", 1);
    let out = b.add_file("top.out", 100);
    let extra = b.add_file("top.extra", 50);
    b.add_input(top, input);
    b.add_output(top, out);
    b.add_output(top, extra);
    for mid in [right, left] {
        b.add_edge(top, mid);
        b.add_edge(mid, bottom);
        b.add_input(mid, out);
    }
    b.add_input(left, extra);
    b.add_edge(top, right); // twice: kept once
    let w = b.build().unwrap();
    assert_eq!(w.children(top), &[TaskId(1), TaskId(2)]);
    assert_eq!(w.parents(bottom), &[TaskId(1), TaskId(2)]);
    assert_eq!(w.edge_count(), 4);
    assert_eq!(w.child_bytes(top), &[100, 150]);
    assert_eq!(w.child_bytes(right), &[0]);
    assert_eq!(w.topological_order(), &[top, right, left, bottom]);
    assert_eq!(w.file(input).producer, None);
    assert_eq!(w.file(out).producer, Some(top));
    assert_eq!(w.critical_path(), secs(7));
    assert_eq!(w.total_work(), secs(9));
    assert_eq!(w.lower_bound(1), secs(9));
    assert_eq!(w.lower_bound(2), secs(7)); // 4.5 s of spread work is less than the path
    // 1 s per 100 bytes: through the left, 1 + 1.5 + 2 + 1 = 5.5 s, shorter than 7 s.
    let r = w.upward_ranks(|b| Duration(b * 10_000_000));
    assert_eq!(r[top.index()], secs(8));
    assert_eq!(r[left.index()], secs(3));
}

#[test]
fn cycles_are_named_from_the_lowest_task() {
    let mut b = WorkflowBuilder::new("loop");
    let x = b.add_task("x", secs(1), 0);
    let a = b.add_task("a", secs(1), 0);
    let c = b.add_task("c", secs(1), 0);
    let d = b.add_task("d", secs(1), 0);
    b.add_edge(x, a);
    b.add_edge(a, c);
    b.add_edge(c, d);
    b.add_edge(d, a);
    let e = b.build().unwrap_err();
    assert_eq!(e.path, "tasks[1]");
    assert!(e.message.contains("cycle: a -> c -> d -> a"), "{e}");

    let mut b = WorkflowBuilder::new("self");
    let s = b.add_task("s", secs(1), 0);
    b.add_edge(s, s);
    assert!(b.build().unwrap_err().message.contains("cycle: s -> s"));
}

#[test]
fn unknown_and_duplicate_ids_are_refused() {
    let mut b = WorkflowBuilder::new("w");
    let a = b.add_task("a", secs(1), 0);
    b.add_edge(a, TaskId(7));
    let e = b.build().unwrap_err();
    assert_eq!(e.path, "edges");
    assert!(e.message.contains("unknown task#7"), "{e}");

    let mut b = WorkflowBuilder::new("w");
    b.add_task("a", secs(1), 0);
    b.add_task("a", secs(1), 0);
    let e = b.build().unwrap_err();
    assert_eq!(e.path, "tasks[1]");
    assert!(
        e.message
            .contains("task name \"a\" used twice, also by tasks[0]"),
        "{e}"
    );

    let mut b = WorkflowBuilder::new("w");
    b.add_file("f", 1);
    b.add_file("f", 2);
    assert!(
        b.build()
            .unwrap_err()
            .message
            .contains("file name \"f\" used twice")
    );

    let mut b = WorkflowBuilder::new("w");
    let a = b.add_task("a", secs(1), 0);
    b.add_input(a, workflow::FileId(3));
    let e = b.build().unwrap_err();
    assert_eq!(e.path, "tasks[0]");
    assert!(e.message.contains("unknown input file#3"), "{e}");
}

#[test]
fn a_file_has_at_most_one_producer_and_inputs_come_from_parents() {
    let mut b = WorkflowBuilder::new("w");
    let a = b.add_task("a", secs(1), 0);
    let c = b.add_task("c", secs(1), 0);
    let f = b.add_file("f", 1);
    b.add_output(a, f);
    b.add_output(c, f);
    let e = b.build().unwrap_err();
    assert_eq!(e.path, "files[0]");
    assert!(
        e.message.contains("written by two tasks, \"a\" and \"c\""),
        "{e}"
    );

    let mut b = WorkflowBuilder::new("w");
    let a = b.add_task("a", secs(1), 0);
    let c = b.add_task("c", secs(1), 0);
    let f = b.add_file("f", 1);
    b.add_output(a, f);
    b.add_input(c, f);
    let e = b.build().unwrap_err();
    assert_eq!(e.path, "tasks[1]");
    assert!(e.message.contains("not one of its parents"), "{e}");
}

#[test]
fn recorded_placements_must_fit() {
    let mut b = WorkflowBuilder::new("w");
    b.add_task("a", secs(1), 0);
    b.set_recorded(Recorded {
        makespan: secs(1),
        machines: vec![Machine {
            name: "m".into(),
            cores: 1,
            speed_mhz: None,
        }],
        task_machine: vec![Some(1)],
    });
    let e = b.build().unwrap_err();
    assert_eq!(e.path, "recorded");
    assert!(
        e.message.contains("machine index 1 (expected below 1)"),
        "{e}"
    );
}

#[test]
fn an_empty_workflow_has_nothing_to_wait_for() {
    let w = WorkflowBuilder::new("empty").build().unwrap();
    assert!(w.is_empty());
    assert_eq!(w.critical_path(), Duration::ZERO);
    assert_eq!(w.lower_bound(0), Duration::ZERO);
    assert!(w.upward_ranks(|_| Duration::ZERO).is_empty());
}
