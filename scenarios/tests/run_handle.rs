//! The `Run` handle of every registered protocol, built from the protocol's own template
//! (`clustersim new NAME`): checkpoints by `box_clone`, messages in flight and their text,
//! cut links, the drawn topology and commands typed by a person.

mod library;

use scenarios::Scenario;
use scenarios::registry::{Protocol, Registry, Run};
use sim_core::{Duration, Fault, MessageId, NodeId, PartitionSpec, Time};

fn build(p: &dyn Protocol, seed: u64) -> Box<dyn Run> {
    let s = Scenario::from_str(&format!("{}.toml", p.name()), p.template())
        .unwrap_or_else(|e| panic!("{}: {e}", p.name()));
    p.build(&s, seed)
        .unwrap_or_else(|e| panic!("{}: {e}", p.name()))
}

fn at_ms(ms: u64) -> Time {
    Time::ZERO + Duration::from_millis(ms)
}

#[test]
fn a_clone_runs_on_exactly_as_the_original() {
    let registry = Registry::builtin();
    for name in library::protocols() {
        let p = registry.get(name).unwrap();
        let mut original = build(p, 3);
        original.run_until(at_ms(300)).unwrap();
        let at_checkpoint = original.fingerprint();
        let mut copy = original.box_clone();
        assert_eq!(copy.fingerprint(), at_checkpoint, "{name}");
        // Single-decree Paxos decides within milliseconds: a new proposal is what happens
        // next.
        let nudge = |run: &mut Box<dyn scenarios::Run>| {
            if name == "synod" {
                run.submit("propose n2 7").unwrap();
            }
        };
        nudge(&mut original);
        nudge(&mut copy);
        original.run_until(at_ms(1500)).unwrap();
        copy.run_until(at_ms(1500)).unwrap();
        assert_ne!(
            original.fingerprint(),
            at_checkpoint,
            "{name}: nothing happened"
        );
        assert_eq!(copy.fingerprint(), original.fingerprint(), "{name}");
        assert_eq!(copy.stats(), original.stats(), "{name}");
        assert_eq!(copy.metrics(), original.metrics(), "{name}");
        // And a fresh run of the same seed agrees with both.
        let mut fresh = build(p, 3);
        fresh.run_until(at_ms(300)).unwrap();
        nudge(&mut fresh);
        fresh.run_until(at_ms(1500)).unwrap();
        assert_eq!(fresh.fingerprint(), original.fingerprint(), "{name}");
    }
}

#[test]
fn messages_in_flight_have_text_and_arrive_in_order() {
    let registry = Registry::builtin();
    for name in library::protocols() {
        let mut run = build(registry.get(name).unwrap(), 5);
        let mut seen = 0;
        while run.now() < at_ms(1000) && seen < 20 {
            run.step().unwrap();
            let flying = run.in_flight();
            for w in flying.windows(2) {
                assert!(w[0].due_at <= w[1].due_at, "{name}: not earliest first");
            }
            for m in &flying {
                assert!(
                    m.due_at >= run.now() && m.sent_at <= run.now(),
                    "{name}: {m:?}"
                );
                let text = run
                    .message_text(m.id)
                    .unwrap_or_else(|| panic!("{name}: no text for {m:?}"));
                assert!(!text.is_empty(), "{name}");
                seen += 1;
            }
        }
        assert!(seen > 0, "{name}: no message was ever in flight");
        assert_eq!(run.message_text(MessageId(u64::MAX)), None, "{name}");
    }
}

#[test]
fn cut_links_follow_partitions_and_heals() {
    let registry = Registry::builtin();
    for name in library::protocols() {
        let mut run = build(registry.get(name).unwrap(), 1);
        run.run_until(at_ms(50)).unwrap();
        let n = run.server_count();
        assert!(run.cut_links(n).is_empty(), "{name}");
        run.apply_now(Fault::Partition {
            spec: PartitionSpec::Groups(vec![vec![NodeId(0)]]),
        })
        .unwrap();
        let cut = run.cut_links(n);
        for other in 1..n {
            assert!(cut.contains(&(NodeId(0), NodeId(other))), "{name}: {cut:?}");
            assert!(cut.contains(&(NodeId(other), NodeId(0))), "{name}: {cut:?}");
        }
        assert!(!cut.contains(&(NodeId(1), NodeId(2))), "{name}: {cut:?}");
        run.apply_now(Fault::HealAll).unwrap();
        assert!(run.cut_links(n).is_empty(), "{name}");
    }
}

#[test]
fn the_topology_drawn_is_the_overlay() {
    let registry = Registry::builtin();
    let edges = |name: &str| build(registry.get(name).unwrap(), 1).topology();
    // broadcast's template: a ring of 8; tree_sync's: a 5 x 5 grid; the others: everyone.
    let ring = edges("broadcast");
    assert_eq!(ring.len(), 8);
    assert!(ring.contains(&(NodeId(0), NodeId(7))) && !ring.contains(&(NodeId(0), NodeId(2))));
    let grid = edges("tree_sync");
    assert_eq!(grid.len(), 2 * 5 * 4);
    assert!(grid.contains(&(NodeId(0), NodeId(5))) && !grid.contains(&(NodeId(4), NodeId(5))));
    // layered's template: 64 nodes in groups of 4. Its links are its groups', layer by layer:
    // 16 groups of 4 at layer 0, the 16 leaders of those in 4 groups at layer 1, the 4
    // leaders of those in one group at the top, 6 links a group.
    let groups = edges("layered");
    assert_eq!(groups.len(), (16 + 4 + 1) * 6);
    for inside in [(0, 3), (0, 4), (4, 12), (0, 16), (16, 48), (61, 63)] {
        assert!(
            groups.contains(&(NodeId(inside.0), NodeId(inside.1))),
            "{inside:?}"
        );
    }
    for across in [(3, 4), (1, 5), (4, 16), (17, 33)] {
        assert!(
            !groups.contains(&(NodeId(across.0), NodeId(across.1))),
            "{across:?}"
        );
    }
    // Every other protocol without a topology of its own: every pair of servers.
    for p in registry
        .iter()
        .filter(|p| !p.capabilities().topology && p.name() != "layered")
    {
        let servers = Scenario::from_str("t.toml", p.template())
            .unwrap()
            .cluster
            .servers() as usize;
        assert_eq!(
            edges(p.name()).len(),
            servers * (servers - 1) / 2,
            "{}",
            p.name()
        );
    }
}

#[test]
fn typed_commands_act_or_are_refused_with_the_expected_form() {
    let registry = Registry::builtin();
    // A command each protocol takes and one it refuses; a registered protocol without a row
    // fails the test, so that none goes untested.
    let commands = [
        ("raft", "put x 1", "delete x"),
        ("paxos", "append x 2", "put x"),
        ("broadcast", "broadcast n2 42", "broadcast n99 1"),
        ("tree_sync", "set n3 1000", "set n3 lots"),
        ("layered", "set n3 1000", "set n3 lots"),
        ("workflow", "drain n4", "drain n0"),
        ("ledger", "append model-v2 weights", "append"),
        ("synod", "propose n1 7", "propose n9 7"),
    ];
    for name in library::protocols() {
        let (_, good, bad) = commands
            .iter()
            .find(|(n, _, _)| *n == name)
            .copied()
            .unwrap_or_else(|| panic!("{name}: no typed commands to test"));
        let mut run = build(registry.get(name).unwrap(), 2);
        run.run_until(at_ms(600)).unwrap();
        let answer = run
            .submit(good)
            .unwrap_or_else(|e| panic!("{name}: {good}: {e}"));
        assert!(!answer.is_empty(), "{name}");
        let refusal = run.submit(bad).expect_err(bad);
        assert!(!refusal.is_empty(), "{name}");
        run.run_until(at_ms(2500)).unwrap();
        assert!(run.violation().is_none(), "{name}: {:?}", run.violation());
    }
}

#[test]
fn a_typed_broadcast_is_delivered_and_a_typed_value_reaches_the_root() {
    let registry = Registry::builtin();
    let mut run = build(registry.get("broadcast").unwrap(), 4);
    run.run_until(at_ms(2500)).unwrap();
    let before = run.metrics().get("broadcasts").unwrap();
    let answer = run.submit("broadcast 1 7").unwrap();
    assert!(answer.starts_with("n1 broadcast n1:"), "{answer}");
    run.run_until(at_ms(2900)).unwrap();
    let m = run.metrics();
    assert_eq!(m.get("broadcasts"), Some(before + 1.0));
    assert_eq!(m.get("residue"), Some(0.0));

    let mut run = build(registry.get("tree_sync").unwrap(), 4);
    run.run_until(at_ms(800)).unwrap();
    let sum = run.metrics().get("root_sum").unwrap();
    run.submit("set n24 1024").unwrap();
    run.run_until(at_ms(2000)).unwrap();
    // n24 held its id, 24; now 1024.
    assert_eq!(run.metrics().get("root_sum"), Some(sum + 1000.0));
}

/// Everything a run of a shipped scenario reports is in its protocol's vocabulary, which
/// `validate` checks files against: every metric, every server's view field, every message
/// kind sent, and every check's name (what `expect_failure` is checked against). Each file runs its first second (files of more than 64 servers are left to
/// the benchmarks).
#[test]
fn shipped_runs_use_only_the_names_their_protocol_declares() {
    use scenarios::runner::{RunOptions, TraceOut, run_scenario};
    use sim_core::TraceEvent;
    let registry = Registry::builtin();
    let mut checked = 0;
    for path in library::every_shipped() {
        let mut s = Scenario::load(&path).unwrap();
        if s.cluster.servers() > 64 {
            continue;
        }
        let p = registry.get(s.protocol_name()).unwrap();
        let one = scenarios::duration::DurationStr(Duration::from_secs(1));
        if s.run.end() > Time(one.nanos()) {
            s.run = scenarios::scenario::RunSection::for_duration(one);
        }
        let opts = RunOptions {
            trace: TraceOut::Memory,
            ..RunOptions::default()
        };
        let f = run_scenario(&registry, &s, &opts).unwrap();
        let vocab = p.vocabulary();
        let caps = p.capabilities();
        let names = vocab.metric_names(
            caps.leader || s.checks.leader_within.is_some(),
            caps.convergence && s.checks.converged_by.is_some(),
            caps.clients,
        );
        let file = path.display();
        let checks = scenarios::runner::check_names(&s, f.run.as_ref());
        for c in &f.report.checks {
            assert!(
                checks.contains(&c.name) || c.name.starts_with("expect_failure "),
                "{file}: check {:?} is not among the names `validate` knows: {checks:?}",
                c.name
            );
        }
        for m in f.report.metrics.keys() {
            assert!(names.contains(m), "{file}: metric {m} is not declared");
        }
        for v in f
            .run
            .views()
            .iter()
            .take(f.run.server_count() as usize)
            .flatten()
        {
            for (field, _) in &v.fields {
                assert!(
                    vocab.fields.contains(&field.as_str()),
                    "{file}: field {field:?} is not declared"
                );
            }
        }
        for r in f.run.trace().records() {
            if let TraceEvent::Send { kind, .. } = &r.event {
                assert!(
                    vocab.kinds.contains(&kind.as_str()),
                    "{file}: kind {kind} is not declared"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} files checked");
}
