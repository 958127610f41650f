//! The `workflow` entry of a scenario file, read from TOML.

use serde::{Deserialize, Serialize};
use sim_core::{Duration, SimRng, Stream};
use std::path::Path;
use workflow::{RuntimeSpec, Shape, SizeSpec, TaskParams, WorkflowSource};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/wfcommons/"
);

#[derive(Debug, Serialize, Deserialize)]
struct Scenario {
    workflow: WorkflowSource,
}

fn read(text: &str) -> Result<WorkflowSource, String> {
    toml::from_str::<Scenario>(text)
        .map(|s| s.workflow)
        .map_err(|e| e.to_string())
}

fn fails(text: &str, needles: &[&str]) {
    let e = read(text).expect_err(text);
    for n in needles {
        assert!(e.contains(n), "{e:?} lacks {n:?}");
    }
}

#[test]
fn a_wfformat_source_loads_relative_to_the_scenario() {
    let s = read(r#"workflow = { wfformat = "helloworld-forkjoin-10-chameleon.json" }"#).unwrap();
    let w = s
        .load(Path::new(DATA), &mut SimRng::new(1, Stream::Workload))
        .unwrap();
    assert_eq!(w.len(), 10);
    assert_eq!(w.recorded().unwrap().makespan, Duration::from_secs(437));
    let missing = WorkflowSource::WfFormat {
        path: "no-such-file.json".into(),
    };
    let e = missing
        .load(Path::new(DATA), &mut SimRng::new(1, Stream::Workload))
        .unwrap_err();
    assert!(e.origin.ends_with("no-such-file.json"), "{e}");
    assert!(e.message.contains("cannot read"), "{e}");
}

#[test]
fn a_generator_source_reads_every_field() {
    let s = read(
        r#"
        [workflow]
        generator = "layered"
        width = 4
        depth = 3
        edge_probability = 0.25
        runtime = "1s..5s"
        output_size = "1000..2000"
        priority = 7
        "#,
    )
    .unwrap();
    assert_eq!(
        s,
        WorkflowSource::Generated {
            shape: Shape::Layered {
                width: 4,
                depth: 3,
                edge_probability: 0.25
            },
            tasks: TaskParams {
                runtime: RuntimeSpec::Uniform {
                    min: Duration::from_secs(1),
                    max: Duration::from_secs(5)
                },
                output_size: SizeSpec::Uniform {
                    min: 1000,
                    max: 2000
                },
                priority: Some(7),
            },
        }
    );
    let a = s
        .load(Path::new("."), &mut SimRng::new(3, Stream::Workload))
        .unwrap();
    let b = s
        .load(Path::new("."), &mut SimRng::new(3, Stream::Workload))
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.len(), 12);
    assert!(a.tasks().iter().all(|t| t.priority == 7));
    // Defaults: one second per task, no data, drawn priorities; sizes may be plain integers.
    let s = read(r#"workflow = { generator = "chain", length = 3, output_size = 5 }"#).unwrap();
    let WorkflowSource::Generated { tasks, .. } = &s else {
        panic!("{s:?}")
    };
    assert_eq!(tasks.runtime, RuntimeSpec::Fixed(Duration::from_secs(1)));
    assert_eq!(tasks.output_size, SizeSpec::Fixed(5));
    assert_eq!(tasks.priority, None);
}

#[test]
fn sources_round_trip_through_toml() {
    for text in [
        r#"workflow = { wfformat = "a/b.json" }"#,
        r#"workflow = { generator = "fork-join", width = 9, runtime = "exp(2s)" }"#,
        r#"workflow = { generator = "map-reduce", mappers = 3, reducers = 2, output_size = "1..9" }"#,
        r#"workflow = { generator = "layered", width = 2, depth = 2, edge_probability = 1.0 }"#,
    ] {
        let s = read(text).unwrap();
        let written = toml::to_string(&Scenario {
            workflow: s.clone(),
        })
        .unwrap();
        assert_eq!(read(&written).unwrap(), s, "{written}");
    }
}

#[test]
fn a_misspelt_generator_gets_a_suggestion() {
    fails(
        r#"workflow = { generator = "layred", width = 2, depth = 2, edge_probability = 0.5 }"#,
        &["unknown generator \"layred\"; did you mean \"layered\"?"],
    );
    fails(
        r#"workflow = { generator = "forkjoin", width = 2 }"#,
        &["did you mean \"fork-join\"?"],
    );
    fails(
        r#"workflow = { generator = "random", width = 2 }"#,
        &[
            "unknown generator \"random\" (expected one of \"chain\", \"fork-join\", \"layered\", \"map-reduce\")",
        ],
    );
}

#[test]
fn wrong_missing_and_misplaced_fields_are_named() {
    fails(
        r#"workflow = { generator = "chain", lenght = 3 }"#,
        &["unknown field `lenght`"],
    );
    fails(
        r#"workflow = { generator = "chain", length = 3, width = 2 }"#,
        &["`width` does not apply to generator \"chain\" (its fields: length)"],
    );
    fails(
        r#"workflow = { generator = "layered", width = 3, edge_probability = 0.5 }"#,
        &["generator \"layered\" needs `depth` (the number of layers)"],
    );
    fails(
        r#"workflow = { wfformat = "x.json", runtime = "1s" }"#,
        &["`runtime` applies to generators only"],
    );
    fails(
        r#"workflow = { wfformat = "x.json", generator = "chain", length = 1 }"#,
        &["both `wfformat` and `generator`"],
    );
    fails(
        r#"workflow = { }"#,
        &["no workflow given", "expected `wfformat"],
    );
}

#[test]
fn impossible_values_are_rejected_with_the_field() {
    fails(
        r#"workflow = { generator = "fork-join", width = 0 }"#,
        &["width", "0 (expected at least 1)"],
    );
    fails(
        r#"workflow = { generator = "layered", width = 2, depth = 2, edge_probability = 1.5 }"#,
        &["edge_probability", "expected a probability in 0..=1"],
    );
    fails(
        r#"workflow = { generator = "chain", length = -1 }"#,
        &["length"],
    );
    fails(
        r#"workflow = { generator = "chain", length = 2, runtime = "fast" }"#,
        &["invalid duration \"fast\"", "exp(MEAN)"],
    );
    fails(
        r#"workflow = { generator = "chain", length = 2, runtime = "5s..1s" }"#,
        &["lower bound exceeds the upper bound"],
    );
    fails(
        r#"workflow = { generator = "chain", length = 2, output_size = -3 }"#,
        &["a size cannot be negative"],
    );
    fails(
        r#"workflow = { generator = "chain", length = 2, output_size = "9..1" }"#,
        &["lower bound exceeds the upper bound"],
    );
    fails(
        r#"workflow = { wfformat = "" }"#,
        &["wfformat", "expected the path of a WfFormat JSON file"],
    );
    // Built in code, the same checks run before anything is generated.
    let s = WorkflowSource::Generated {
        shape: Shape::MapReduce {
            mappers: 0,
            reducers: 1,
        },
        tasks: TaskParams::default(),
    };
    let e = s.validate().unwrap_err();
    assert_eq!(e.path, "mappers");
    assert!(
        s.load(Path::new("."), &mut SimRng::new(0, Stream::Workload))
            .is_err()
    );
}
