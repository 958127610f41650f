//! The reproductions' claims, on fewer seeds (and, for Demers, fewer sites) than the examples
//! run: the efficient broadcast meets its targets under partitions; the rumor-mongering table
//! has the paper's shape.

use broadcast::repro::{demers, efficient};
use broadcast::{Loss, Stop};
use sim_core::Duration;

#[test]
fn efficient_broadcast_meets_the_targets_under_partitions() {
    let setup = efficient::Setup::default();
    for seed in 0..3 {
        let r = efficient::run(&setup, seed).expect("the run completes");
        let m = &r.metrics;
        assert!(r.delivered_everywhere, "seed {seed}: {:?}", r.disagreement);
        assert_eq!(r.cuts.len(), 3, "three cuts, each healed");
        assert!(
            m.broadcasts > 1_800,
            "seed {seed}: {} broadcasts",
            m.broadcasts
        );
        assert!(m.messages_per_broadcast < 20.0, "seed {seed}: {m:?}");
        assert!(
            m.latency_median < Duration::from_secs(1),
            "seed {seed}: {m:?}"
        );
        assert!(m.latency_max < Duration::from_secs(2), "seed {seed}: {m:?}");
        assert!(r.meets_targets());
        // The cuts really cost something: the slowest delivery waited for a heal.
        assert!(m.latency_max > Duration::from_secs(1), "seed {seed}: {m:?}");
    }
}

#[test]
fn efficient_broadcast_without_cuts_is_bounded_by_the_tree() {
    let mut setup = efficient::Setup::default();
    setup.nemesis.first = None;
    let r = efficient::run(&setup, 7).expect("the run completes");
    // Leaf to root to leaf: two batch intervals and two link delays at most.
    let bound = Duration(2 * (setup.batch.0 + setup.latency.0));
    assert!(r.metrics.latency_max <= bound, "{:?}", r.metrics);
    assert!(r.delivered_everywhere);
}

#[test]
fn demers_table_has_the_papers_shape() {
    let setup = demers::Setup {
        sites: 400,
        ..demers::Setup::default()
    };
    let rows = demers::sweep(&setup, &[1, 2, 3, 4, 5], 30, 1).expect("runs complete");
    let of = |variant: &str| -> Vec<&demers::Row> {
        rows.iter().filter(|r| r.variant == variant).collect()
    };
    let (fc, bc) = (of("feedback/counter"), of("blind/coin"));
    assert_eq!((fc.len(), bc.len()), (5, 5));
    for rs in [&fc, &bc] {
        for w in rs.windows(2) {
            assert!(
                w[1].residue < w[0].residue,
                "residue falls as k grows: {rows:?}"
            );
            assert!(
                w[1].traffic > w[0].traffic,
                "traffic grows with k: {rows:?}"
            );
        }
    }
    for (f, b) in fc.iter().zip(&bc) {
        assert!(
            f.residue < b.residue,
            "feedback/counter beats blind/coin at k={}",
            f.k
        );
    }
    // Blind/coin with k = 1 almost never spreads; push rumors follow s = exp(-m) roughly.
    assert!(bc[0].residue > 0.9);
    for r in fc.iter().chain(&bc).skip(1) {
        let predicted = (-r.traffic).exp();
        assert!(
            (r.residue - predicted).abs() < 0.5 * predicted + 0.01,
            "{r:?}: exp(-m) = {predicted}"
        );
    }
    let text = demers::table(&rows);
    assert!(text.contains("feedback/counter") && text.contains("published"));
    let csv = demers::csv(&rows);
    assert_eq!(csv.lines().count(), 11);
    assert!(csv.starts_with("variant,k,seeds,residue"));
}

#[test]
fn demers_feedback_counter_matches_table_1() {
    let setup = demers::Setup::default();
    let rows = demers::sweep(&setup, &[1, 2, 3], 40, 2).expect("runs complete");
    for r in rows.iter().filter(|r| r.variant == "feedback/counter") {
        let [s, m, _, t_last] = r.published.expect("a published row");
        assert!((r.traffic - m).abs() < 0.1 * m, "{r:?}");
        assert!((r.residue - s).abs() < 0.4 * s, "{r:?}");
        assert!((r.t_last - t_last).abs() < 1.0, "{r:?}");
    }
    // Read asynchronously, counters lose interest sooner and leave more sites behind.
    let plain = demers::Setup {
        synchronous: false,
        ..setup
    };
    let async_rows = demers::sweep(&plain, &[2], 40, 2).expect("runs complete");
    let sync_k2 = rows
        .iter()
        .find(|r| r.variant == "feedback/counter" && r.k == 2);
    let async_k2 = async_rows.iter().find(|r| r.variant == "feedback/counter");
    assert!(async_k2.expect("a row").residue > 1.3 * sync_k2.expect("a row").residue);
}

#[test]
fn demers_runs_repeat_exactly_and_do_not_depend_on_threads() {
    let setup = demers::Setup {
        sites: 200,
        ..demers::Setup::default()
    };
    let a = demers::run(&setup, Loss::Feedback, Stop::Counter, 2, 5).expect("completes");
    let b = demers::run(&setup, Loss::Feedback, Stop::Counter, 2, 5).expect("completes");
    assert_eq!(a, b);
    let one = demers::sweep(&setup, &[2], 6, 1).expect("completes");
    let two = demers::sweep(&setup, &[2], 6, 2).expect("completes");
    assert_eq!(one, two);
}
