//! Loading scenario files: every error is located and explained, and a scenario survives a
//! trip to TOML and back.

mod common;
mod library;

use proptest::prelude::*;
use scenarios::DurationStr;
use scenarios::hex::Hex64;
use scenarios::scenario::{
    Action, Expect, FaultEvent, LatencySpec, LinkSpec, Nemesis, NemesisKind, NodeList, Recorded,
    RunSection, Selector,
};
use scenarios::{Scenario, ScenarioError};
use std::sync::LazyLock;
use toml::Spanned;

const GOOD: &str = r#"
name = "ok"
[protocol]
name = "toy"
[run]
duration = "1s"
"#;

fn err(text: &str) -> String {
    match Scenario::from_str("bad.toml", text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn defaults() {
    let s = Scenario::from_str("ok.toml", GOOD).unwrap();
    assert_eq!(s.seed, 7);
    assert_eq!(s.cluster.servers(), 5);
    assert!(s.checks.invariants);
    assert_eq!(s.run.end().0, 1_000_000_000);
}

#[test]
fn unknown_keys_are_located_with_a_suggestion() {
    let e = err(&GOOD.replace("[run]", "[cluster]\nnodez = 3\n[run]"));
    assert!(e.contains("bad.toml:6:1: unknown field `nodez`"), "{e}");
    assert!(e.contains("did you mean `nodes`?"), "{e}");
    let e = err(&format!("{GOOD}\nsede = 3\n"));
    assert!(e.contains("unknown field `sede`"), "{e}");
}

#[test]
fn durations_need_units_and_sense() {
    let e = err(&GOOD.replace("\"1s\"", "\"-5ms\""));
    assert!(
        e.contains("bad.toml:6:12") && e.contains("cannot be negative"),
        "{e}"
    );
    let e = err(&GOOD.replace("\"1s\"", "150"));
    assert!(e.contains("needs a unit") && e.contains("\"150ms\""), "{e}");
    let e = err(&GOOD.replace("\"1s\"", "\"1 fortnight\""));
    assert!(e.contains("unknown unit"), "{e}");
    let e = err(&GOOD.replace("\"1s\"", "\"0s\""));
    assert!(e.contains("run.duration must be longer than zero"), "{e}");
}

#[test]
fn unknown_actions_and_selectors_suggest() {
    let f = "\n[[faults]]\nat = \"1s\"\naction = \"crsh\"\nnodes = 1\n";
    let e = err(&format!("{GOOD}{f}"));
    assert!(
        e.contains("unknown variant `crsh`") && e.contains("did you mean `crash`?"),
        "{e}"
    );
    let f = "\n[[faults]]\nat = \"500ms\"\naction = \"crash\"\nnodes = \"leadr\"\n";
    let e = err(&format!("{GOOD}{f}"));
    assert!(e.contains("did you mean \"leader\"?"), "{e}");
    assert!(e.contains("bad.toml:11:9"), "{e}");
}

#[test]
fn faults_are_checked_against_their_action_and_the_cluster() {
    let text = format!(
        "{GOOD}[cluster]\nnodes = 3\n\
         [[faults]]\nat = \"500ms\"\naction = \"crash\"\nnodes = 3\n\
         [[faults]]\nat = \"500ms\"\naction = \"heal\"\nnodes = 1\n\
         [[faults]]\nat = \"2s\"\naction = \"pause\"\nnodes = 1\n\
         [[faults]]\nat = \"500ms\"\naction = \"partition\"\n\
         [[faults]]\nat = \"500ms\"\naction = \"crash\"\nnodes = \"all-crashed\"\n\
         [[faults]]\nat = \"500ms\"\naction = \"clock-drift\"\nnodes = 0\nrate = 0.0\n"
    );
    let e = err(&text);
    for want in [
        "node 3 is not a server (the servers are 0 to 2); faults never target clients",
        "`nodes` does not apply to action \"heal\"",
        "fires at 2s, but the run ends at 1s",
        "a partition takes exactly one of",
        "`all-crashed` selects crashed nodes",
        "clock rate must be in",
    ] {
        assert!(e.contains(want), "missing {want:?} in\n{e}");
    }
    // All six, each with its own position.
    assert_eq!(e.matches("error: bad.toml:").count(), 6, "{e}");
}

#[test]
fn run_phases_are_one_form_or_the_other() {
    let e = err(&GOOD.replace("duration = \"1s\"", "safety = \"1s\""));
    assert!(
        e.contains("`safety` needs a `liveness` phase") && e.contains("help:"),
        "{e}"
    );
    let e = err(&GOOD.replace(
        "duration = \"1s\"",
        "duration = \"1s\"\nsafety = \"1s\"\nliveness = \"1s\"",
    ));
    assert!(e.contains("not both"), "{e}");
    let e = err(&GOOD.replace("[run]\nduration = \"1s\"", "[run]"));
    assert!(e.contains("[run] needs `duration`"), "{e}");
    let ok = GOOD.replace("duration = \"1s\"", "safety = \"1s\"\nliveness = \"2s\"");
    let s = Scenario::from_str("x", &ok).unwrap();
    assert_eq!(
        (s.run.heal_at().unwrap().0, s.run.end().0),
        (1_000_000_000, 3_000_000_000)
    );
}

#[test]
fn network_and_probabilities() {
    let e = err(&format!("{GOOD}[network]\nloss = 1.5\n"));
    assert!(e.contains("network.loss must be a probability"), "{e}");
    let e = err(&format!(
        "{GOOD}[network]\nlatency = {{ dist = \"uniform\", min = \"5ms\", max = \"1ms\" }}\n"
    ));
    assert!(e.contains("a uniform delay needs min <= max"), "{e}");
    let e = err(&format!(
        "{GOOD}[network]\nlatency = {{ dist = \"gaussian\", mean = \"5ms\" }}\n"
    ));
    assert!(e.contains("unknown variant `gaussian`"), "{e}");
    let s = Scenario::from_str(
        "x",
        &format!("{GOOD}[network]\nlatency = \"1ms..5ms\"\nfifo = true\n[[network.links]]\nfrom = 0\nto = [1, 2]\nboth_ways = true\nloss = 0.5\n"),
    )
    .unwrap();
    let net = s.network.to_sim();
    assert!(net.fifo);
    assert_eq!(net.overrides.len(), 4);
    assert_eq!(net.overrides[0].model.loss, 0.5);
    assert_eq!(net.overrides[0].model.latency, net.default.latency);
}

#[test]
fn protocol_params_errors_point_into_the_file() {
    #[derive(serde::Deserialize, Default, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Params {
        #[serde(default)]
        period_ms: u64,
    }
    let text = GOOD.replace(
        "name = \"toy\"",
        "name = \"toy\"\n[protocol.params]\nperiod_ms = \"fast\"",
    );
    let s = Scenario::from_str("p.toml", &text).unwrap();
    let e = s.params::<Params>().unwrap_err().to_string();
    assert!(e.contains("p.toml:6:13: in [protocol.params]"), "{e}");
    let text = GOOD.replace(
        "name = \"toy\"",
        "name = \"toy\"\n[protocol.params]\nperiod_mz = 3",
    );
    let s = Scenario::from_str("p.toml", &text).unwrap();
    let e = s.params::<Params>().unwrap_err().to_string();
    assert!(
        e.contains("p.toml:6:1") && e.contains("did you mean `period_ms`?"),
        "{e}"
    );
    // Built in code: no position, but the section is named.
    let mut s = Scenario::new("x", "toy", 3, DurationStr::from_millis(10));
    s.protocol
        .params
        .insert("period_ms".into(), toml::Value::Boolean(true));
    let e = s.params::<Params>().unwrap_err().to_string();
    assert!(e.contains("in [protocol.params]"), "{e}");
    assert!(
        Scenario::new("x", "toy", 3, DurationStr::from_millis(10))
            .params::<Params>()
            .is_ok()
    );
}

#[test]
fn unknown_protocol_suggests_a_registered_name() {
    let s = Scenario::from_str("u.toml", &GOOD.replace("\"toy\"", "\"tyo\"")).unwrap();
    let e = common::registry().resolve(&s).err().unwrap().to_string();
    assert!(
        e.contains("u.toml:4:8: unknown protocol \"tyo\", did you mean \"toy\"?"),
        "{e}"
    );
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "\0",
        "[[[",
        "name = ",
        "protocol = 3",
        "[run]\nduration = {}",
        "a.b.c = 1\na = 2",
    ] {
        let r = Scenario::from_str("g.toml", text);
        assert!(matches!(r, Err(ScenarioError::Invalid(_))), "{text:?}");
    }
}

fn spanned<T>(v: T) -> Spanned<T> {
    Spanned::new(0..0, v)
}

fn ms(n: u64) -> DurationStr {
    DurationStr::from_millis(n)
}

prop_compose! {
    fn latency()(kind in 0..4u8, a in 0..50u64, b in 0..50u64, sigma in 0.0..2.0f64) -> LatencySpec {
        let text = match kind {
            0 => format!("\"{a}ms\""),
            1 => format!("\"{}ms..{}ms\"", a.min(b), a.max(b)),
            2 => format!("{{ dist = \"log-normal\", median = \"{a}ms\", sigma = {sigma:?}, offset = \"{b}us\" }}"),
            _ => format!("{{ dist = \"exponential\", mean = \"{a}ms\" }}"),
        };
        let doc: toml::Table = toml::from_str(&format!("l = {text}")).unwrap();
        doc["l"].clone().try_into().unwrap()
    }
}

fn selector() -> impl Strategy<Value = Selector> {
    prop_oneof![
        prop::collection::vec(0..3u32, 0..3).prop_map(Selector::Nodes),
        Just(Selector::Leader),
        Just(Selector::Random),
        Just(Selector::Majority),
        Just(Selector::Minority),
        Just(Selector::All),
    ]
}

fn fault() -> impl Strategy<Value = FaultEvent> {
    (
        0..900u64,
        0..5u8,
        selector(),
        0.5..2.0f64,
        proptest::option::of(latency()),
    )
        .prop_map(|(at, kind, sel, rate, lat)| {
            let action = [
                Action::Crash,
                Action::ClockDrift,
                Action::Partition,
                Action::DegradeLink,
                Action::Heal,
            ][kind as usize];
            let mut f = FaultEvent::new(ms(at), action);
            match action {
                Action::Crash => f.nodes = Some(spanned(sel)),
                Action::ClockDrift => {
                    f.nodes = Some(spanned(sel));
                    f.rate = Some(rate);
                }
                Action::Partition => {
                    // A server is in one group at most: node 2 is the other group's.
                    let sel = match sel {
                        Selector::Nodes(v) => {
                            Selector::Nodes(v.into_iter().filter(|&n| n != 2).collect())
                        }
                        s => s,
                    };
                    f.groups = Some(spanned(vec![sel, Selector::Nodes(vec![2])]))
                }
                Action::DegradeLink => {
                    f.from = Some(spanned(sel));
                    f.to = Some(spanned(Selector::Nodes(vec![1])));
                    f.latency = lat;
                    f.loss = Some(rate / 4.0);
                }
                _ => {}
            }
            f
        })
}

prop_compose! {
    fn scenario()(
        name in "[a-z][a-z -]{0,12}",
        description in ".{0,30}",
        seed in 0..i64::MAX as u64,
        nodes in 3..9u32,
        lat in latency(),
        loss in 0.0..1.0f64,
        fifo in any::<bool>(),
        faults in prop::collection::vec(fault(), 0..4),
        nemesis in prop::collection::vec((0..7u8, 1..500u64, 1..500u64), 0..3),
        phased in any::<bool>(),
        within in proptest::option::of(1..500u64),
        expect_max in proptest::option::of(0.0..100.0f64),
        recorded in prop::collection::btree_map(0..1000u64, proptest::option::of(any::<u64>()), 0..3),
        param in proptest::option::of(0..100i64),
    ) -> Scenario {
        let mut s = Scenario::new(&name, "toy", nodes, ms(1000));
        s.description = description;
        s.seed = seed;
        s.network.latency = lat;
        s.network.loss = loss;
        s.network.fifo = fifo;
        s.network.links.push(LinkSpec { from: NodeList::One(0), to: NodeList::Many(vec![1, 2]), both_ways: fifo, latency: None, loss: Some(loss / 2.0), duplicate: None, bandwidth: Some(1000) });
        s.faults = faults;
        let kinds = [NemesisKind::RandomPartition, NemesisKind::MajoritiesRing, NemesisKind::CrashRestart, NemesisKind::Pause, NemesisKind::ClockDrift, NemesisKind::FlakyLinks, NemesisKind::DiskFaults];
        s.nemesis = nemesis.into_iter().map(|(k, i, d)| {
            let disk = kinds[k as usize] == NemesisKind::DiskFaults;
            Nemesis {
                kind: spanned(kinds[k as usize]), interval: spanned(ms(i)),
                duration: (!disk).then(|| spanned(ms(d))),
                from: None, until: Some(spanned(ms(900))), drift: None, loss: None, links: None, kinds: None,
                corrupt: disk.then_some(0.25), lost_write: None, torn_write: None,
                misdirected_write: disk.then_some(0.5), read_error: None,
                record: disk.then(|| "log".to_string()),
            }
        }).collect();
        if phased {
            s.run = RunSection { duration: None, safety: Some(spanned(ms(1000))), liveness: Some(spanned(ms(500))) };
        }
        s.checks.leader_within = within.map(|w| spanned(ms(w)));
        if let Some(m) = expect_max {
            s.expect.push(Expect { metric: spanned("beats".into()), min: None, max: Some(m) });
        }
        s.recorded = recorded.into_iter().map(|(seed, fp)| Recorded { seed, fingerprint: fp.map(Hex64) }).collect();
        if let Some(p) = param {
            s.protocol.params.insert("period_ms".into(), toml::Value::Integer(p));
        }
        s
    }
}

proptest! {
    #[test]
    fn round_trip_through_toml(s in scenario()) {
        prop_assert!(s.validate().is_empty(), "{:?}", s.validate());
        let text = s.to_toml().unwrap();
        let back = Scenario::from_str("rt.toml", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &s, "{}", text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = Scenario::from_str("fuzz.toml", &text);
    }
}

/// Every shipped scenario of every registered protocol, to mutate: keys, tables and values of
/// each kind. Read once, not once per case.
static LIBRARY: LazyLock<Vec<String>> = LazyLock::new(|| {
    library::every_shipped()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    /// What the fuzz target checks, on mutations of a real scenario: no panic, and a scenario
    /// that loads also loads again after being written back.
    #[test]
    fn mutated_library_files_never_panic(which in any::<prop::sample::Index>(), edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..8)) {
        let text = which.get(&LIBRARY[..]);
        let mut bytes = text.as_bytes().to_vec();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len().max(1));
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Ok(s) = Scenario::from_str("m.toml", text)
        {
            let again = s.to_toml().unwrap();
            let back = Scenario::from_str("again.toml", &again);
            prop_assert!(back.is_ok(), "{:?}\n{}", back.err().map(|e| e.to_string()), again);
            prop_assert_eq!(back.unwrap(), s);
        }
    }
}

/// Partitions that explicit ids show to be impossible are refused where they are written.
#[test]
fn impossible_partitions_are_located() {
    for (shape, want) in [
        ("groups = [[0, 1], [1, 2]]", "n1 is in two groups"),
        (
            "one_way = { from = 2, to = 2 }",
            "a one-way cut from n2 to itself",
        ),
        (
            "bridge = { left = [0, 1], node = 1 }",
            "the bridge n1 is inside its `left` side",
        ),
    ] {
        let f = format!("\n[[faults]]\nat = \"500ms\"\naction = \"partition\"\n{shape}\n");
        let e = err(&format!("{GOOD}{f}"));
        assert!(e.contains(want) && e.contains("bad.toml:"), "{shape}: {e}");
    }
}
