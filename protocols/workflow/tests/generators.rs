//! Generated workflows: deterministic for a seed, acyclic, and of the promised shape.

use sim_core::{Duration, SimRng, Stream};
use workflow::dag::generate::{self, Shape};
use workflow::{RuntimeSpec, SizeSpec, TaskId, TaskParams, Workflow};

fn rng(seed: u64) -> SimRng {
    SimRng::new(seed, Stream::Workload)
}

fn params(runtime: &str, size: &str) -> TaskParams {
    TaskParams {
        runtime: runtime.parse().unwrap(),
        output_size: size.parse().unwrap(),
        priority: None,
    }
}

fn ids(raw: &[u32]) -> Vec<TaskId> {
    raw.iter().map(|i| TaskId(*i)).collect()
}

/// Checks what every generated workflow must satisfy: parents before children in the order,
/// one output per task read by each child, and sorted adjacency.
fn check_well_formed(w: &Workflow) {
    let mut pos = vec![usize::MAX; w.len()];
    for (i, t) in w.topological_order().iter().enumerate() {
        pos[t.index()] = i;
    }
    assert!(pos.iter().all(|p| *p != usize::MAX));
    for t in w.ids() {
        assert!(w.parents(t).windows(2).all(|p| p[0] < p[1]));
        assert!(w.children(t).windows(2).all(|p| p[0] < p[1]));
        assert_eq!(w.task(t).outputs.len(), 1);
        let out = w.task(t).outputs[0];
        assert_eq!(w.file(out).producer, Some(t));
        for (c, bytes) in w.children(t).iter().zip(w.child_bytes(t)) {
            assert!(pos[t.index()] < pos[c.index()]);
            assert!(w.task(*c).inputs.contains(&out));
            assert_eq!(*bytes, w.file(out).size);
        }
    }
}

#[test]
fn chain_is_a_line() {
    let w = generate::chain(5, &params("2s", "100"), &mut rng(1)).unwrap();
    check_well_formed(&w);
    assert_eq!(w.len(), 5);
    assert_eq!(w.edge_count(), 4);
    assert_eq!(w.entry_tasks(), ids(&[0]));
    assert_eq!(w.exit_tasks(), ids(&[4]));
    assert_eq!(w.topological_order(), ids(&[0, 1, 2, 3, 4]).as_slice());
    assert_eq!(w.critical_path(), Duration::from_secs(10));
    assert_eq!(w.lower_bound(100), Duration::from_secs(10));
    // 5 runs of 2 s and 4 transfers of 100 bytes at 1 ms per byte.
    let ranks = w.upward_ranks(Duration::from_millis);
    assert_eq!(ranks[0], Duration::from_millis(10_000 + 4 * 100));
    assert_eq!(ranks[4], Duration::from_secs(2));
    assert_eq!(w.files().iter().map(|f| f.size).sum::<u64>(), 500);
}

#[test]
fn fork_join_fans_out_and_back_in() {
    let w = generate::fork_join(8, &params("1s..3s", "0"), &mut rng(2)).unwrap();
    check_well_formed(&w);
    assert_eq!(w.len(), 10);
    assert_eq!(w.edge_count(), 16);
    let source = w.task_named("source").unwrap();
    let sink = w.task_named("sink").unwrap();
    assert_eq!(w.entry_tasks(), vec![source]);
    assert_eq!(w.exit_tasks(), vec![sink]);
    assert_eq!(w.children(source).len(), 8);
    assert_eq!(w.parents(sink).len(), 8);
    let longest_middle = w
        .ids()
        .filter(|t| *t != source && *t != sink)
        .map(|t| w.task(t).runtime)
        .max()
        .unwrap();
    let expect = w.task(source).runtime + longest_middle + w.task(sink).runtime;
    assert_eq!(w.critical_path(), expect);
}

#[test]
fn map_reduce_shuffles_all_to_all() {
    let w = generate::map_reduce(4, 3, &params("1s", "10"), &mut rng(3)).unwrap();
    check_well_formed(&w);
    assert_eq!(w.len(), 9);
    assert_eq!(w.edge_count(), 4 + 4 * 3 + 3);
    let merge = w.task_named("merge").unwrap();
    assert_eq!(w.parents(merge).len(), 3);
    for r in 0..3 {
        let t = w.task_named(&format!("reduce{r}")).unwrap();
        assert_eq!(w.parents(t).len(), 4);
        assert_eq!(w.task(t).inputs.len(), 4);
    }
    assert_eq!(w.critical_path(), Duration::from_secs(4));
}

#[test]
fn layered_tasks_always_have_a_parent_in_the_layer_before() {
    let (width, depth) = (6u32, 5u32);
    for seed in 0..20 {
        let w = generate::layered(width, depth, 0.3, &params("1s", "0"), &mut rng(seed)).unwrap();
        check_well_formed(&w);
        assert_eq!(w.len(), (width * depth) as usize);
        for t in w.ids() {
            let layer = t.0 / width;
            assert_eq!(w.task(t).name, format!("l{layer}t{}", t.0 % width));
            if layer == 0 {
                assert!(w.parents(t).is_empty());
            } else {
                assert!(
                    !w.parents(t).is_empty(),
                    "seed {seed}: {} has no parent",
                    t.0
                );
                assert!(w.parents(t).iter().all(|p| p.0 / width == layer - 1));
            }
        }
        assert_eq!(w.critical_path(), Duration::from_secs(u64::from(depth)));
    }
}

#[test]
fn layered_edge_probability_spans_one_parent_to_all() {
    let p = params("1s", "0");
    let sparse = generate::layered(7, 4, 0.0, &p, &mut rng(9)).unwrap();
    assert_eq!(sparse.edge_count(), 7 * 3);
    let dense = generate::layered(7, 4, 1.0, &p, &mut rng(9)).unwrap();
    assert_eq!(dense.edge_count(), 7 * 7 * 3);
    let half = generate::layered(20, 10, 0.5, &p, &mut rng(9)).unwrap();
    // One sure parent plus about half of the 19 others, for 180 tasks.
    let edges = half.edge_count();
    assert!((180 * 8..=180 * 12).contains(&edges), "{edges}");
}

#[test]
fn same_seed_same_workflow_other_seed_another() {
    let p = params("1s..9s", "1000..2000");
    let shapes = [
        Shape::Chain { length: 30 },
        Shape::ForkJoin { width: 30 },
        Shape::Layered {
            width: 10,
            depth: 6,
            edge_probability: 0.4,
        },
        Shape::MapReduce {
            mappers: 8,
            reducers: 5,
        },
    ];
    for shape in shapes {
        let a = shape.generate(&p, &mut rng(42)).unwrap();
        let b = shape.generate(&p, &mut rng(42)).unwrap();
        let c = shape.generate(&p, &mut rng(43)).unwrap();
        assert_eq!(a, b, "{shape:?}");
        assert_ne!(a, c, "{shape:?}");
        assert_eq!(a.name(), shape.generator());
    }
    // The layered edges themselves depend on the seed.
    let fixed = params("1s", "0");
    let layered = Shape::Layered {
        width: 10,
        depth: 6,
        edge_probability: 0.4,
    };
    let a = layered.generate(&fixed, &mut rng(1)).unwrap();
    let b = layered.generate(&fixed, &mut rng(2)).unwrap();
    let parents = |w: &Workflow| w.ids().map(|t| w.parents(t).to_vec()).collect::<Vec<_>>();
    assert_ne!(parents(&a), parents(&b));
}

#[test]
fn runtimes_sizes_and_priorities_follow_their_specs() {
    let uniform = params("1s..5s", "1000..2000");
    let w = generate::fork_join(500, &uniform, &mut rng(5)).unwrap();
    let runtimes: Vec<Duration> = w.tasks().iter().map(|t| t.runtime).collect();
    assert!(
        runtimes
            .iter()
            .all(|r| (Duration::from_secs(1)..=Duration::from_secs(5)).contains(r))
    );
    assert!(runtimes.iter().any(|r| *r < Duration::from_secs(2)));
    assert!(runtimes.iter().any(|r| *r > Duration::from_secs(4)));
    assert!(w.files().iter().all(|f| (1000..=2000).contains(&f.size)));
    let prios: Vec<i64> = w.tasks().iter().map(|t| t.priority).collect();
    assert!(prios.iter().all(|p| (0..=9).contains(p)));
    assert!(prios.contains(&0) && prios.contains(&9));

    let exp = TaskParams {
        runtime: "exp(3s)".parse().unwrap(),
        output_size: SizeSpec::Fixed(7),
        priority: Some(4),
    };
    let w = generate::chain(4000, &exp, &mut rng(6)).unwrap();
    let mean = w.total_work().as_secs_f64() / 4000.0;
    assert!((2.8..3.2).contains(&mean), "{mean}");
    assert!(w.tasks().iter().all(|t| t.priority == 4));
    assert!(w.files().iter().all(|f| f.size == 7));
    assert_eq!(
        exp.runtime,
        RuntimeSpec::Exponential {
            mean: Duration::from_secs(3)
        }
    );
}

#[test]
fn ten_thousand_layered_tasks_generate_and_rank() {
    let w = generate::layered(100, 100, 0.05, &params("1s..2s", "1000"), &mut rng(7)).unwrap();
    assert_eq!(w.len(), 10_000);
    let edges = w.edge_count();
    // One sure parent plus about 5 of the 99 others, for 9,900 tasks.
    assert!((9_900 * 5..=9_900 * 7).contains(&edges), "{edges}");
    let ranks = w.upward_ranks(|b| Duration(b * 1_000));
    let cp = w.critical_path();
    assert!(
        cp >= Duration::from_secs(100) && cp <= Duration::from_secs(200),
        "{cp}"
    );
    let top = *ranks.iter().max().unwrap();
    assert!(
        top >= cp.saturating_add(Duration(99 * 1_000_000)),
        "{top} vs {cp}"
    );
    assert_eq!(
        w.lower_bound(10),
        cp.max(Duration(w.total_work().0.div_ceil(10)))
    );
}

#[test]
fn impossible_parameters_are_rejected_by_field() {
    let p = params("1s", "0");
    let cases: [(Shape, &str, &str); 7] = [
        (Shape::Chain { length: 0 }, "length", "expected at least 1"),
        (Shape::ForkJoin { width: 0 }, "width", "expected at least 1"),
        (
            Shape::Layered {
                width: 0,
                depth: 3,
                edge_probability: 0.5,
            },
            "width",
            "expected at least 1",
        ),
        (
            Shape::Layered {
                width: 3,
                depth: 0,
                edge_probability: 0.5,
            },
            "depth",
            "expected at least 1",
        ),
        (
            Shape::Layered {
                width: 3,
                depth: 3,
                edge_probability: 1.5,
            },
            "edge_probability",
            "expected a probability in 0..=1",
        ),
        (
            Shape::Layered {
                width: 3,
                depth: 3,
                edge_probability: f64::NAN,
            },
            "edge_probability",
            "expected a probability in 0..=1",
        ),
        (
            Shape::MapReduce {
                mappers: 2,
                reducers: 0,
            },
            "reducers",
            "expected at least 1",
        ),
    ];
    for (shape, field, expect) in cases {
        let e = shape.generate(&p, &mut rng(0)).unwrap_err();
        assert_eq!(e.path, field, "{e}");
        assert!(e.message.contains(expect), "{e}");
        assert!(e.to_string().contains(shape.generator()), "{e}");
    }
    let huge = Shape::Layered {
        width: 100_000,
        depth: 100_000,
        edge_probability: 0.0,
    };
    assert!(
        huge.validate()
            .unwrap_err()
            .message
            .contains("expected at most")
    );
}

#[test]
fn runtime_and_size_text_round_trips() {
    for text in [
        "2s",
        "1s..5s",
        "exp(3s)",
        "150ms..300ms",
        "exp(1.5ms)",
        "0s",
    ] {
        let spec: RuntimeSpec = text.parse().unwrap();
        assert_eq!(spec.to_string(), text);
    }
    assert_eq!(
        "1s..5s".parse::<RuntimeSpec>().unwrap(),
        RuntimeSpec::Uniform {
            min: Duration::from_secs(1),
            max: Duration::from_secs(5)
        }
    );
    for bad in ["exp(3)", "5s..1s", "fast", "exp 3s", ""] {
        assert!(bad.parse::<RuntimeSpec>().is_err(), "{bad}");
    }
    assert_eq!("1000".parse::<SizeSpec>(), Ok(SizeSpec::Fixed(1000)));
    assert_eq!(
        "1000..2000".parse::<SizeSpec>(),
        Ok(SizeSpec::Uniform {
            min: 1000,
            max: 2000
        })
    );
    assert!(
        "2000..1000"
            .parse::<SizeSpec>()
            .unwrap_err()
            .contains("lower bound")
    );
    assert!(
        "1kB"
            .parse::<SizeSpec>()
            .unwrap_err()
            .contains("whole number of bytes")
    );
    // Fixed draws nothing: the stream is where it was.
    let mut a = rng(8);
    let mut b = rng(8);
    assert_eq!(RuntimeSpec::Fixed(Duration(5)).sample(&mut a), Duration(5));
    assert_eq!(SizeSpec::Fixed(5).sample(&mut a), 5);
    assert_eq!(a.next_u64(), b.next_u64());
}
