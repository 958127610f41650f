//! The model checker: shortest counterexamples and state counts known by hand, deduplication,
//! thread-count independence, and `[schedule]` replay through `run` and `check`.

use scenarios::model::{self, Budget, Report, Verdict};
use scenarios::registry::{Adapter, Driver, Registry, Run};
use scenarios::scenario::{ModelSection, Scenario, Strategy};
use serde::Serialize;
use sim_core::model::StateHasher;
use sim_core::{
    CheckView, Ctx, DiskKey, Duration, FnChecker, Message, Node, NodeId, NodeView, SimConfig,
    Simulation,
};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Serialize)]
struct Ping(u64);

impl Message for Ping {
    fn kind(&self) -> &'static str {
        "Ping"
    }
}

/// Node 0 sends pings 1 and 2 to node 1 at start, and ping 3 when its one timer fires. Node 1
/// keeps what it got, on disk. Every state is one set of pings delivered and whether the
/// timer fired: 4 states before it fires, 8 after, 12 in all.
#[derive(Clone, Debug)]
struct Toy {
    seen: BTreeSet<u64>,
}

impl Node for Toy {
    type Message = Ping;
    type Timer = ();
    type Record = u64;
    type Config = ();

    fn start(id: NodeId, _: &(), ctx: &mut Ctx<'_, Self>) -> Self {
        if id == NodeId(0) {
            ctx.send(NodeId(1), Ping(1));
            ctx.send(NodeId(1), Ping(2));
            ctx.set_timer(Duration::from_millis(500), ());
        }
        // What it kept on disk, read back without checking checksums.
        Toy {
            seen: ctx.disk().range("seen").map(|(_, v)| *v).collect(),
        }
    }

    fn on_message(&mut self, _: NodeId, Ping(k): Ping, ctx: &mut Ctx<'_, Self>) {
        self.seen.insert(k);
        ctx.disk().put(DiskKey("seen", k), k);
        ctx.disk().sync();
    }

    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        ctx.send(NodeId(1), Ping(3));
    }

    fn view(&self) -> NodeView {
        NodeView::new("toy", "")
    }

    fn model_state(&self, h: &mut StateHasher) -> bool {
        h.put_debug(&self.seen);
        true
    }
}

#[derive(Clone)]
struct Plain;
impl Adapter<Toy> for Plain {}

/// The toy, started, with the invariant "ping 3 never arrives before ping 1" when `strict`.
fn toy(strict: bool) -> Box<dyn Run> {
    let mut sim: Simulation<Toy> = Simulation::new(SimConfig::default(), vec![(); 2]).unwrap();
    if strict {
        sim.add_checker(FnChecker::new("in order", |v: &CheckView<'_, Toy>| match v
            .nodes
            .get(NodeId(1))
        {
            Some(n) if n.seen.contains(&3) && !n.seen.contains(&1) => {
                Err("ping 3 arrived before ping 1".to_string())
            }
            _ => Ok(()),
        }));
    }
    let mut run: Box<dyn Run> = Box::new(Driver::new("toy", sim, 2, Plain));
    run.start_all().unwrap();
    run
}

fn bounds(depth: u32) -> ModelSection {
    ModelSection {
        depth,
        timers_per_node: 1,
        ..ModelSection::default()
    }
}

fn search(run: Box<dyn Run>, strategy: Strategy, b: &ModelSection) -> Report {
    let b = ModelSection {
        strategy,
        ..b.clone()
    };
    model::search(run, &b, &Budget::default(), &|_, _, _| {})
}

fn schedule(r: &Report) -> Vec<String> {
    match &r.verdict {
        Verdict::Violated(c) => c.steps.iter().map(ToString::to_string).collect(),
        other => panic!("expected a violation, got {other:?}"),
    }
}

#[test]
fn the_shortest_counterexample_is_the_one_known_by_hand() {
    for strategy in [Strategy::Bfs, Strategy::Iddfs] {
        let r = search(toy(true), strategy, &bounds(6));
        // Fire the timer, deliver its ping: two steps; nothing shorter breaks the order.
        assert_eq!(schedule(&r), ["fire t0", "deliver m2"], "{strategy:?}");
        match &r.verdict {
            Verdict::Violated(c) => {
                assert_eq!(c.check, "invariant in order");
                assert_eq!(c.detail, "ping 3 arrived before ping 1");
            }
            _ => unreachable!(),
        }
    }
    // One step is not enough: the search is exhaustive to depth 1 and finds nothing.
    let r = search(toy(true), Strategy::Bfs, &bounds(1));
    assert!(matches!(r.verdict, Verdict::Exhausted), "{:?}", r.verdict);
    assert_eq!(r.unique, 4, "the start, and one state per choice");
}

#[test]
fn a_state_reached_by_two_orders_is_counted_once() {
    for strategy in [Strategy::Bfs, Strategy::Iddfs] {
        let r = search(toy(false), strategy, &bounds(10));
        assert!(matches!(r.verdict, Verdict::Exhausted), "{:?}", r.verdict);
        // 4 states before the timer fires (subsets of {1, 2} delivered), 8 after (subsets of
        // {1, 2, 3}): 12, where the 16 orders of delivering and firing would give 41 nodes
        // of a tree.
        assert_eq!(r.unique, 12, "{strategy:?}");
        assert_eq!(r.at_depth_bound, 0);
        assert_eq!(r.depth.min(4), 4, "the longest schedule has 4 steps");
    }
    // Breadth-first generates each distinct state's successors once: 8 choices before the
    // timer fires (3 + 2 + 2 + 1) and 12 after (3 + 3 * 2 + 3 * 1).
    let r = search(toy(false), Strategy::Bfs, &bounds(10));
    assert_eq!(r.states, 20);
}

#[test]
fn bounds_on_losses_and_duplicates_widen_the_search() {
    let mut b = bounds(10);
    b.losses = 1;
    let lossy = search(toy(false), Strategy::Bfs, &b);
    assert!(matches!(lossy.verdict, Verdict::Exhausted));
    assert!(lossy.unique > 12, "{}", lossy.unique);
    b.losses = 0;
    b.duplicates = 1;
    let dup = search(toy(false), Strategy::Bfs, &b);
    assert!(dup.unique > 12, "{}", dup.unique);
    b.duplicates = 0;
    b.timers_per_node = 0;
    let no_timer = search(toy(false), Strategy::Bfs, &b);
    assert_eq!(no_timer.unique, 4, "only subsets of {{1, 2}} delivered");
}

#[test]
fn a_corrupted_record_is_read_back_after_a_restart() {
    // Node 1 never holds a ping nobody sent: pings are 1, 2 and 3.
    let sent_only = || {
        let mut sim: Simulation<Toy> = Simulation::new(SimConfig::default(), vec![(); 2]).unwrap();
        sim.add_checker(FnChecker::new(
            "sent only",
            |v: &CheckView<'_, Toy>| match v
                .nodes
                .get(NodeId(1))
                .and_then(|n| n.seen.iter().find(|k| !(1..=3).contains(*k)))
            {
                Some(k) => Err(format!("n1 holds ping {k}")),
                None => Ok(()),
            },
        ));
        let mut run: Box<dyn Run> = Box::new(Driver::new("toy", sim, 2, Plain));
        run.start_all().unwrap();
        run
    };
    let mut b = bounds(6);
    b.crashes = 1;
    let clean = search(sent_only(), Strategy::Bfs, &b);
    assert!(
        matches!(clean.verdict, Verdict::Exhausted),
        "{:?}",
        clean.verdict
    );
    b.corruptions = 1;
    for strategy in [Strategy::Bfs, Strategy::Iddfs] {
        let r = search(sent_only(), strategy, &b);
        // Ping 1 stored, then damaged (1 ^ 1 = 0) and read back by a restart; ping 2 damaged
        // reads as 3, which was sent, so it takes ping 1.
        assert_eq!(
            schedule(&r),
            ["deliver m0", "crash n1", "corrupt n1 r0", "restart n1"],
            "{strategy:?}"
        );
    }
}

fn library(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn raft_model(bug: Option<&str>) -> Scenario {
    let mut s = Scenario::load(&library("raft/model.toml")).unwrap();
    if let Some(bug) = bug {
        s.protocol
            .params
            .insert("bugs".into(), toml::Value::Array(vec![bug.into()]));
    }
    s
}

fn run_model(s: &Scenario, threads: usize) -> Report {
    let registry = Registry::builtin();
    let root = model::root(&registry, s).unwrap();
    let section = s.model.clone().unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| model::search(root, &section, &Budget::default(), &|_, _, _| {}))
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let s = raft_model(Some("forget-vote"));
    let one = run_model(&s, 1);
    let two = run_model(&s, 2);
    let three = run_model(&s, 3);
    for r in [&two, &three] {
        assert_eq!(schedule(r), schedule(&one));
        assert_eq!(
            (r.states, r.unique, r.depth),
            (one.states, one.unique, one.depth)
        );
        assert_eq!(r.reached, one.reached);
    }
}

#[test]
fn a_counterexample_replays_from_its_file_through_run_and_check() {
    let registry = Registry::builtin();
    let s = raft_model(Some("forget-vote"));
    let root = model::root(&registry, &s).unwrap();
    let r = run_model(&s, 2);
    let Verdict::Violated(found) = &r.verdict else {
        panic!("forget-vote not found: {:?}", r.verdict);
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cex.toml");
    model::write_counterexample(&registry, &path, &s, root.as_ref(), found, "test").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[schedule]"), "{text}");
    assert!(!text.contains("[model]"), "{text}");
    // `run` replays it to the same violation, after the same number of steps.
    let replayed = Scenario::load(&path).unwrap();
    let f = scenarios::runner::run_scenario(&registry, &replayed, &Default::default()).unwrap();
    let v = f
        .report
        .violation
        .as_ref()
        .expect("the replay breaks the invariant");
    assert_eq!(
        scenarios::registry::CheckResult::invariant_name(&v.checker),
        found.check
    );
    assert!(
        f.report.passed(),
        "expect_failure counts the violation as caught"
    );
    // The front end's stepper takes the same steps, one at a time, to the same run.
    let mut live = scenarios::runner::Live::new(&registry, &replayed, None).unwrap();
    let mut events = 0;
    let stopped = loop {
        match live.step().unwrap() {
            scenarios::runner::LiveStep::Event(_) => events += 1,
            scenarios::runner::LiveStep::Violated(v) => break v,
            other => panic!("a scheduled run has only its steps, got {other:?}"),
        }
    };
    assert_eq!(
        events + 1,
        found.steps.len(),
        "one step per scheduled choice"
    );
    assert_eq!(&stopped, v);
    let stepped = live.finish().unwrap();
    assert_eq!(stepped.report.fingerprint, f.report.fingerprint);
    // `check` finds its recorded fingerprint.
    let outcomes = scenarios::check::check_file(&registry, &path, false);
    assert!(
        outcomes
            .iter()
            .all(|o| o.verdict == scenarios::check::Verdict::Ok),
        "{outcomes:?}"
    );
    // A schedule whose note no longer fits is refused at that step, with where it is.
    let edited = text.replacen("deliver m", "deliver m9", 1);
    std::fs::write(&path, edited).unwrap();
    let s = Scenario::load(&path).unwrap();
    match scenarios::runner::run_scenario(&registry, &s, &Default::default()) {
        Err(e) => assert!(e.to_string().contains("schedule step"), "{e}"),
        Ok(_) => panic!("an edited schedule replayed"),
    }
}

#[test]
fn the_correct_protocol_has_no_violation_within_the_bounds() {
    let r = run_model(&raft_model(None), 2);
    assert!(matches!(r.verdict, Verdict::Exhausted), "{:?}", r.verdict);
    let reached: Vec<_> = r.reached.iter().map(|(k, _)| *k).collect();
    assert!(
        reached.contains(&sim_core::MarkKind::Elected),
        "{:?}",
        r.reached
    );
}

/// The least key of `run`'s state over `renamings`, as a search keys it.
fn least_hash(run: &dyn Run, renamings: &[sim_core::model::Renaming]) -> u128 {
    renamings
        .iter()
        .map(|r| {
            let nodes: Vec<u128> = (0..run.node_count())
                .map(|i| run.node_hash(NodeId(i), r).unwrap())
                .collect();
            run.state_hash_from(&nodes, r)
        })
        .min()
        .unwrap()
}

#[test]
fn renamed_copies_of_a_state_share_a_key_under_the_declared_symmetry() {
    use sim_core::model::{Choice, Pending, Renaming, Symmetry};
    let registry = Registry::builtin();
    let root = model::root(&registry, &raft_model(None)).unwrap();
    assert_eq!(root.symmetry(), Symmetry::Any(3));
    // n0 times out and asks for votes, or n1 does: the same state with names swapped.
    let election = |node: u32| {
        let mut run = root.box_clone();
        let timer = run
            .pending()
            .into_iter()
            .find_map(|p| match p {
                Pending::Timer { id, node: n } if n == NodeId(node) => Some(id),
                _ => None,
            })
            .unwrap();
        run.take(Choice::Fire(timer)).unwrap();
        run
    };
    let (a, b) = (election(0), election(1));
    let identity = [Renaming::identity()];
    assert_ne!(
        least_hash(a.as_ref(), &identity),
        least_hash(b.as_ref(), &identity)
    );
    let group = root.symmetry().renamings();
    assert_eq!(
        least_hash(a.as_ref(), &group),
        least_hash(b.as_ref(), &group)
    );
    // n0's vote request delivered to n1 is not n0's request delivered to n2 with names
    // swapped back: a state that differs in more than names keeps its own key.
    let deliver_first = |run: &dyn Run| {
        let mut run = run.box_clone();
        let m = run
            .pending()
            .into_iter()
            .find_map(|p| match p {
                Pending::Message { id, .. } => Some(id),
                _ => None,
            })
            .unwrap();
        run.take(Choice::Deliver(m)).unwrap();
        run
    };
    let delivered = deliver_first(a.as_ref());
    assert_ne!(
        least_hash(delivered.as_ref(), &group),
        least_hash(a.as_ref(), &group)
    );
    // With a client that tries the servers in order, only rotations are declared.
    let mut with_client = raft_model(None);
    with_client
        .workload
        .get_or_insert_default()
        .insert("clients".into(), toml::Value::Integer(1));
    let run = model::root(&registry, &with_client).unwrap();
    assert_eq!(run.symmetry(), Symmetry::Rotation(3));
}

#[test]
fn symmetry_searches_fewer_states_and_finds_the_same_bugs() {
    let with = |bug: Option<&str>| {
        let mut s = raft_model(bug);
        s.model.as_mut().unwrap().symmetry = true;
        s
    };
    let plain = run_model(&raft_model(None), 2);
    let reduced = run_model(&with(None), 2);
    assert!(
        matches!(reduced.verdict, Verdict::Exhausted),
        "{:?}",
        reduced.verdict
    );
    // Three interchangeable servers: close to a sixth of the states, never more than all.
    assert!(
        reduced.unique * 3 < plain.unique,
        "{} distinct with symmetry, {} without",
        reduced.unique,
        plain.unique
    );
    assert_eq!(
        reduced.reached, plain.reached,
        "milestones at the same depths"
    );
    let found = run_model(&with(Some("forget-vote")), 2);
    let unreduced = run_model(&raft_model(Some("forget-vote")), 2);
    let (Verdict::Violated(f), Verdict::Violated(u)) = (&found.verdict, &unreduced.verdict) else {
        panic!("forget-vote not found: {:?}", found.verdict);
    };
    assert_eq!(
        f.steps.len(),
        u.steps.len(),
        "a shortest schedule either way"
    );
    assert_eq!(f.check, u.check);
}

fn clustersim(args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clustersim"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_reports_found_stopped_and_refused_searches() {
    let dir = tempfile::tempdir().unwrap();
    let file = library("raft/model.toml");
    let file = file.to_str().unwrap();
    let cex = dir.path().join("cex.toml");
    let cex = cex.to_str().unwrap();
    let bug = "raft.bugs=[\"forget-vote\"]";
    let (code, out, err) = clustersim(&["model", file, "--set", bug, "--json", "-q", "-o", cex]);
    assert_eq!(code, Some(1), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "violated");
    assert_eq!(v["check"], "invariant Election Safety");
    assert_eq!(v["schedule"].as_array().map(Vec::len), Some(8));
    assert_eq!(v["counterexample"], cex);
    assert!(std::path::Path::new(cex).exists());
    // A memory bound below what the search needs stops it, and the report says it is
    // incomplete rather than claiming there is no violation.
    let (code, out, _) = clustersim(&[
        "model",
        file,
        "--set",
        "limits.max_memory=60000000",
        "--json",
        "-q",
    ]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "stopped");
    assert!(v["stopped"].as_str().unwrap().contains("max_memory"), "{v}");
    // So does --max-states.
    let (_, out, _) = clustersim(&["model", file, "--max-states", "100", "-q"]);
    assert!(
        out.contains("the search is incomplete: the --max-states budget"),
        "{out}"
    );
    // A file that needs a clock is refused where it says so.
    let timed = library("raft/leader-crash.toml");
    let (code, _, err) = clustersim(&["model", timed.to_str().unwrap(), "-q"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("leader-crash.toml:21:6: for the model checker, [[faults]]"),
        "{err}"
    );
    // A file written here, refused by `clustersim model` with exit 2; what it printed.
    let refused = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let (code, _, err) = clustersim(&["model", path.to_str().unwrap(), "-q"]);
        assert_eq!(code, Some(2), "{err}");
        err
    };
    // A protocol that does not define its state is refused at its name.
    let err = refused(
        "broadcast.toml",
        "name = \"b\"\n[protocol]\nname = \"broadcast\"\n[run]\nduration = \"1s\"\n",
    );
    assert!(
        err.contains("broadcast.toml:3:8: protocol \"broadcast\" does not define its nodes' state"),
        "{err}"
    );
    // Symmetry from a protocol that declares none, or beside corruptions, is refused at
    // `symmetry`.
    let err = refused(
        "paxos.toml",
        "name = \"p\"\n[protocol]\nname = \"paxos\"\n[run]\nduration = \"1s\"\n\
         [model]\nsymmetry = true\n",
    );
    assert!(
        err.contains("paxos.toml:7:12: protocol \"paxos\" does not declare which of its servers"),
        "{err}"
    );
    let err = refused(
        "raft.toml",
        "name = \"r\"\n[protocol]\nname = \"raft\"\n[workload]\nclients = 0\n\
         [run]\nduration = \"1s\"\n[model]\nsymmetry = true\ncorruptions = 1\n",
    );
    assert!(
        err.contains("raft.toml:9:12: symmetry with corruptions"),
        "{err}"
    );
}
