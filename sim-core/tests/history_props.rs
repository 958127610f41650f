//! Properties of the checker on generated histories.
//!
//! - A sequential run whose operations' intervals are then widened is linearizable; changing
//!   one read's result to a value never written makes it not linearizable, and the
//!   explanation keeps that read.
//! - On small random histories the checker agrees with a brute-force search over all orders.
//! - Splitting a key-value history by key gives the same answer as checking it whole.

use proptest::prelude::*;
use sim_core::Time;
use sim_core::history::models::{
    CasRegister, KvInput, KvModel, KvOutput, RegisterInput, RegisterOp, RegisterOutput,
};
use sim_core::history::{
    Budget, Completion, History, Model, OpId, Operation, ProcessId, Step, Verdict, check, explain,
};
use std::collections::BTreeMap;

/// How a generated operation ends.
#[derive(Clone, Copy, Debug)]
enum Fate {
    Ok,
    /// Did not happen.
    Fail,
    /// Happened; the client gave up (or never heard back).
    InfoHappened,
    /// Did not happen; the client gave up (or never heard back).
    InfoLost,
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        6 => Just(Fate::Ok),
        1 => Just(Fate::Fail),
        1 => Just(Fate::InfoHappened),
        1 => Just(Fate::InfoLost),
    ]
}

/// One generated operation: what, on which key, how it ended, and how far its interval
/// reaches before and after its linearization point.
#[derive(Clone, Debug)]
struct Gen {
    kind: u8,
    key: bool,
    value: u8,
    fate: Fate,
    before: u64,
    after: u64,
    gave_up: bool,
}

fn gens(max: usize) -> impl Strategy<Value = Vec<Gen>> {
    let one = (
        0u8..3,
        any::<bool>(),
        0u8..4,
        fate(),
        0u64..3000,
        0u64..3000,
        any::<bool>(),
    )
        .prop_map(|(kind, key, value, fate, before, after, gave_up)| Gen {
            kind,
            key,
            value,
            fate,
            before,
            after,
            gave_up,
        });
    prop::collection::vec(one, 1..max)
}

/// Runs `gens` sequentially on `model`, one operation every 1000 ns, and records each with its
/// interval widened around that instant. `input` makes the `i`-th operation's input.
fn sequential_run<M: Model>(
    model: &M,
    gens: &[Gen],
    input: impl Fn(usize, &Gen) -> M::Input,
    output: impl Fn(&M::State, &M::Input) -> M::Output,
) -> History<M::Input, M::Output> {
    let mut states: BTreeMap<M::Key, M::State> = BTreeMap::new();
    let mut h = History::new();
    for (i, g) in gens.iter().enumerate() {
        let at = 5_000 + 1_000 * i as u64;
        let inp = input(i, g);
        let state = states
            .entry(model.key(&inp))
            .or_insert_with(|| model.init());
        let out = output(state, &inp);
        let happened = matches!(g.fate, Fate::Ok | Fate::InfoHappened);
        if happened {
            let next = model.step(state, &inp, Some(&out)).apply(state);
            *state = next.expect("the generated output is the model's own");
        }
        let (from, to) = (at - g.before, at + g.after);
        let (completion, completed) = match g.fate {
            Fate::Ok => (Completion::Ok(out), Some(to)),
            Fate::Fail => (Completion::Fail, Some(to)),
            Fate::InfoHappened | Fate::InfoLost => (Completion::Info, g.gave_up.then_some(to)),
        };
        // One process per operation keeps the processes single-threaded whatever the widths.
        h.push(
            ProcessId(i as u64),
            inp,
            completion,
            Time(from),
            completed.map(Time),
        )
        .unwrap();
    }
    h
}

fn kv_run(gens: &[Gen]) -> History<KvInput, KvOutput> {
    sequential_run(
        &KvModel,
        gens,
        |i, g| {
            let key = if g.key { "a" } else { "b" }.to_owned();
            match g.kind {
                0 => KvInput::Get { key },
                1 => KvInput::Put {
                    key,
                    value: format!("p{i};"),
                },
                _ => KvInput::Append {
                    key,
                    value: format!("v{i};"),
                },
            }
        },
        |state, input| match input {
            KvInput::Get { .. } => KvOutput::Value(state.to_string()),
            _ => KvOutput::Done,
        },
    )
}

fn register_run(gens: &[Gen]) -> History<RegisterInput, RegisterOutput> {
    sequential_run(
        &CasRegister,
        gens,
        |_, g| RegisterInput {
            key: Some(if g.key { "a" } else { "b" }.to_owned()),
            op: match g.kind {
                0 => RegisterOp::Read,
                1 => RegisterOp::Write(i64::from(g.value)),
                _ => RegisterOp::Cas {
                    expected: i64::from(g.value % 2),
                    new: i64::from(g.value),
                },
            },
        },
        |state, input| match input.op {
            RegisterOp::Read => RegisterOutput::Read(*state),
            RegisterOp::Write(_) => RegisterOutput::Written,
            RegisterOp::Cas { expected, .. } => RegisterOutput::Cas(*state == Some(expected)),
        },
    )
}

/// The ok reads of a history (those whose output can be falsified).
fn ok_reads<I, O>(h: &History<I, O>, is_read: impl Fn(&I) -> bool) -> Vec<OpId> {
    h.ops()
        .iter()
        .filter(|op| matches!(op.completion, Completion::Ok(_)) && is_read(&op.input))
        .map(|op| op.id)
        .collect()
}

/// `h` with operation `id` answering `output` instead.
fn with_output<I: Clone, O: Clone>(h: &History<I, O>, id: OpId, output: O) -> History<I, O> {
    let mut out = History::new();
    for op in h.ops() {
        let completion = if op.id == id {
            Completion::Ok(output.clone())
        } else {
            op.completion.clone()
        };
        out.push(
            op.process,
            op.input.clone(),
            completion,
            op.invoked,
            op.completed,
        )
        .unwrap();
    }
    out
}

fn assert_falsified_read_is_caught<M: Model>(
    model: &M,
    bad: &History<M::Input, M::Output>,
    read: OpId,
) {
    let report = check(model, bad, &Budget::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let key = &report.violation().unwrap().key;
    let e = explain(model, bad, key, &Budget::default()).unwrap();
    // Without the falsified read the history is a widened sequential run, so no core can
    // leave it out.
    assert!(e.ops.iter().any(|op| op.id == read), "{e}");
}

proptest! {
    #[test]
    fn widened_kv_runs_are_linearizable_and_a_false_read_is_not(
        gens in gens(40),
        pick in any::<prop::sample::Index>(),
    ) {
        let h = kv_run(&gens);
        prop_assert_eq!(check(&KvModel, &h, &Budget::default()).verdict, Verdict::Linearizable);
        let reads = ok_reads(&h, |i| matches!(i, KvInput::Get { .. }));
        prop_assume!(!reads.is_empty());
        let read = *pick.get(&reads);
        let bad = with_output(&h, read, KvOutput::Value("never written".into()));
        assert_falsified_read_is_caught(&KvModel, &bad, read);
    }

    #[test]
    fn widened_register_runs_are_linearizable_and_a_false_read_is_not(
        gens in gens(40),
        pick in any::<prop::sample::Index>(),
    ) {
        let h = register_run(&gens);
        prop_assert_eq!(check(&CasRegister, &h, &Budget::default()).verdict, Verdict::Linearizable);
        let reads = ok_reads(&h, |i| i.op == RegisterOp::Read);
        prop_assume!(!reads.is_empty());
        let read = *pick.get(&reads);
        let bad = with_output(&h, read, RegisterOutput::Read(Some(-1)));
        assert_falsified_read_is_caught(&CasRegister, &bad, read);
    }
}

// ---- agreement with brute force ----

/// Whether some order of the operations that respects real time (and leaves out any info
/// operations it likes) is a legal run of `model`: every order is tried.
fn brute_force<M: Model>(model: &M, h: &History<M::Input, M::Output>) -> bool {
    let ops: Vec<&Operation<M::Input, M::Output>> = h
        .ops()
        .iter()
        .filter(|op| !matches!(op.completion, Completion::Fail))
        .collect();
    fn go<M: Model>(
        model: &M,
        ops: &[&Operation<M::Input, M::Output>],
        placed: &mut Vec<bool>,
        state: &M::State,
    ) -> bool {
        let must_place = |i: usize| matches!(ops[i].completion, Completion::Ok(_));
        if (0..ops.len()).all(|i| placed[i] || !must_place(i)) {
            return true;
        }
        for c in 0..ops.len() {
            if placed[c] {
                continue;
            }
            // Every operation that ended before `c` began must already be placed.
            let blocked = (0..ops.len()).any(|r| {
                !placed[r] && r != c && ops[r].deadline().is_some_and(|d| d < ops[c].invoked)
            });
            if blocked {
                continue;
            }
            let Some(next) = model
                .step(state, &ops[c].input, ops[c].completion.output())
                .apply(state)
            else {
                continue;
            };
            placed[c] = true;
            let found = go(model, ops, placed, &next);
            placed[c] = false;
            if found {
                return true;
            }
        }
        false
    }
    go(model, &ops, &mut vec![false; ops.len()], &model.init())
}

fn random_register_history() -> impl Strategy<Value = History<RegisterInput, RegisterOutput>> {
    let op = (0u8..3, 0i64..3, 0i64..3, 0u8..4, 0u64..30, 0u64..15, fate());
    prop::collection::vec(op, 1..7).prop_map(|ops| {
        let mut h = History::new();
        for (i, (kind, a, b, out, from, len, fate)) in ops.into_iter().enumerate() {
            let (op, output) = match kind {
                0 => (
                    RegisterOp::Read,
                    RegisterOutput::Read((out < 3).then_some(i64::from(out))),
                ),
                1 => (RegisterOp::Write(a), RegisterOutput::Written),
                _ => (
                    RegisterOp::Cas {
                        expected: a,
                        new: b,
                    },
                    RegisterOutput::Cas(out % 2 == 0),
                ),
            };
            let (completion, completed) = match fate {
                Fate::Ok => (Completion::Ok(output), Some(from + len)),
                Fate::Fail => (Completion::Fail, Some(from + len)),
                Fate::InfoHappened => (Completion::Info, Some(from + len)),
                Fate::InfoLost => (Completion::Info, None),
            };
            let input = RegisterInput::single(op);
            h.push(
                ProcessId(i as u64),
                input,
                completion,
                Time(from),
                completed.map(Time),
            )
            .unwrap();
        }
        h
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn checker_agrees_with_brute_force(h in random_register_history()) {
        let expected = if brute_force(&CasRegister, &h) {
            Verdict::Linearizable
        } else {
            Verdict::NotLinearizable
        };
        prop_assert_eq!(check(&CasRegister, &h, &Budget::default()).verdict, expected);
    }
}

// ---- partitioning ----

/// The key-value store as one object, so that nothing is split by key.
struct WholeKv;

impl Model for WholeKv {
    type State = BTreeMap<String, String>;
    type Input = KvInput;
    type Output = KvOutput;
    type Key = ();

    fn init(&self) -> Self::State {
        BTreeMap::new()
    }

    fn step(
        &self,
        state: &Self::State,
        input: &KvInput,
        output: Option<&KvOutput>,
    ) -> Step<Self::State> {
        let current = state.get(input.key()).map_or("", String::as_str);
        let with = |v: String| {
            let mut next = state.clone();
            next.insert(input.key().to_owned(), v);
            Step::To(next)
        };
        match (input, output) {
            (KvInput::Get { .. }, Some(KvOutput::Value(v))) => (v == current).into(),
            (KvInput::Get { .. }, _) => Step::Unchanged,
            (KvInput::Put { value, .. }, _) => with(value.clone()),
            (KvInput::Append { value, .. }, _) => with(format!("{current}{value}")),
        }
    }

    fn key(&self, _input: &KvInput) {}
}

proptest! {
    #[test]
    fn splitting_by_key_does_not_change_the_answer(
        gens in gens(14),
        swap in any::<(prop::sample::Index, prop::sample::Index)>(),
    ) {
        let h = kv_run(&gens);
        // Give one read the result of another (perhaps on the other key): sometimes still
        // linearizable, often not.
        let reads = ok_reads(&h, |i| matches!(i, KvInput::Get { .. }));
        prop_assume!(!reads.is_empty());
        let (to, from) = (*swap.0.get(&reads), *swap.1.get(&reads));
        let output = h.get(from).unwrap().completion.output().unwrap().clone();
        let h = with_output(&h, to, output);
        let split = check(&KvModel, &h, &Budget::default()).verdict;
        let whole = check(&WholeKv, &h, &Budget::default()).verdict;
        prop_assert_ne!(split, Verdict::Unknown);
        prop_assert_eq!(split, whole);
    }
}
