//! Jepsen EDN import and export: files from other tools read here, histories recorded here
//! readable there, and errors that say where and what.

use sim_core::Time;
use sim_core::history::edn::{EdnError, Pos, read_history, write_history};
use sim_core::history::models::{
    CasRegister, KvModel, RegisterInput, RegisterOp, RegisterOutput, SetInput, SetModel, SetOutput,
};
use sim_core::history::{Budget, Completion, History, ProcessId, Recorder, Verdict, check};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/testdata/porcupine-kv/"
);

#[test]
fn porcupine_files_are_written_back_byte_for_byte() {
    for name in ["c01-ok", "c10-bad"] {
        let text = std::fs::read_to_string(format!("{DIR}{name}.txt")).unwrap();
        let history = read_history(&KvModel, &text).unwrap();
        assert_eq!(write_history(&KvModel, &history), text, "{name}");
    }
}

#[test]
fn register_history_with_keys_fail_info_and_nemesis() {
    let text = r#"
; a Knossos-style history: comments, a nemesis, and an operation never completed
[{:process 0, :type :invoke, :f :write, :key "a", :value 1}
 {:process :nemesis, :type :info, :f :start, :value nil}
 {:process 1, :type :invoke, :f :cas, :key "a", :value [1 2]}
 {:process 0, :type :ok, :f :write, :key "a", :value 1}
 {:process 1, :type :fail, :f :cas, :key "a", :value [1 2]}
 {:process 2, :type :invoke, :f :read, :key "a", :value nil}
 {:process 2, :type :ok, :f :read, :key "a", :value 1}
 {:process 3, :type :invoke, :f :write, :value 7}
 {:process 4, :type :invoke, :f :read, :value nil}
 {:process 4, :type :ok, :f :read, :value nil}]
"#;
    let h = read_history(&CasRegister, text).unwrap();
    assert_eq!(h.len(), 5);
    let ops = h.ops();
    assert_eq!(
        ops[0].input,
        RegisterInput {
            key: Some("a".into()),
            op: RegisterOp::Write(1)
        }
    );
    // Event times are positions in the file, the nemesis included.
    assert_eq!((ops[0].invoked, ops[0].completed), (Time(0), Some(Time(3))));
    assert_eq!(
        ops[1].input.op,
        RegisterOp::Cas {
            expected: 1,
            new: 2
        }
    );
    assert_eq!(ops[1].completion, Completion::Fail);
    assert_eq!(
        ops[2].completion,
        Completion::Ok(RegisterOutput::Read(Some(1)))
    );
    assert_eq!(ops[3].input.key, None);
    assert_eq!(
        (ops[3].completion.clone(), ops[3].completed),
        (Completion::Info, None)
    );
    // A nil read is "value unknown", as Knossos reads it.
    assert_eq!(ops[4].completion, Completion::Info);
    assert_eq!(
        check(&CasRegister, &h, &Budget::default()).verdict,
        Verdict::Linearizable
    );
}

#[test]
fn recorded_histories_round_trip_for_every_model() {
    let mut r = Recorder::new();
    let w = r
        .invoke(
            ProcessId(0),
            RegisterInput::single(RegisterOp::Write(3)),
            Time(100),
        )
        .unwrap();
    let c = r
        .invoke(
            ProcessId(1),
            RegisterInput::single(RegisterOp::Cas {
                expected: 3,
                new: 4,
            }),
            Time(150),
        )
        .unwrap();
    r.complete(w, Completion::Ok(RegisterOutput::Written), Time(200))
        .unwrap();
    r.complete(c, Completion::Info, Time(300)).unwrap();
    let rd = r
        .invoke(
            ProcessId(2),
            RegisterInput::single(RegisterOp::Read),
            Time(400),
        )
        .unwrap();
    r.complete(rd, Completion::Ok(RegisterOutput::Read(Some(4))), Time(500))
        .unwrap();
    let h = r.finish();
    let text = write_history(&CasRegister, &h);
    assert_eq!(
        text.lines().next().unwrap(),
        "{:process 0, :type :invoke, :f :write, :value 3}"
    );
    assert!(
        text.contains("{:process 1, :type :info, :f :cas, :value [3 4]}"),
        "{text}"
    );
    let back = read_history(&CasRegister, &text).unwrap();
    let shape = |h: &History<RegisterInput, RegisterOutput>| {
        h.ops()
            .iter()
            .map(|op| (op.process, op.input.clone(), op.completion.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&back), shape(&h));

    let mut s = History::new();
    s.push(
        ProcessId(0),
        SetInput::Add(5),
        Completion::Ok(SetOutput::Added),
        Time(0),
        Some(Time(2)),
    )
    .unwrap();
    let seen = SetOutput::Read([5, 6].into_iter().collect());
    s.push(
        ProcessId(1),
        SetInput::Read,
        Completion::Ok(seen),
        Time(1),
        Some(Time(3)),
    )
    .unwrap();
    let text = write_history(&SetModel, &s);
    assert!(
        text.ends_with("{:process 1, :type :ok, :f :read, :value #{5 6}}\n"),
        "{text}"
    );
    // The events were at times 0, 1, 2, 3, which are also their positions.
    assert_eq!(read_history(&SetModel, &text).unwrap(), s);
}

#[test]
fn operations_that_touch_stay_concurrent_when_written() {
    // The read is invoked at the instant the write completes: concurrent, so the read may
    // come first and see nothing.
    let mut h = History::new();
    let write = RegisterInput::single(RegisterOp::Write(1));
    let read = RegisterInput::single(RegisterOp::Read);
    h.push(
        ProcessId(0),
        write,
        Completion::Ok(RegisterOutput::Written),
        Time(0),
        Some(Time(10)),
    )
    .unwrap();
    h.push(
        ProcessId(1),
        read,
        Completion::Ok(RegisterOutput::Read(None)),
        Time(10),
        Some(Time(20)),
    )
    .unwrap();
    assert_eq!(
        check(&CasRegister, &h, &Budget::default()).verdict,
        Verdict::Linearizable
    );
    let text = write_history(&CasRegister, &h);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].contains(":process 1, :type :invoke"), "{text}");
    assert!(lines[2].contains(":process 0, :type :ok"), "{text}");
}

/// The error for `text`, which must be an op-level (not syntax) error.
fn op_error(text: &str) -> (Pos, String, String) {
    match read_history(&CasRegister, text) {
        Err(EdnError::Op {
            pos,
            expected,
            found,
        }) => (pos, expected, found),
        other => panic!("expected an error for {text}, got {other:?}"),
    }
}

fn at(line: u32, column: u32) -> Pos {
    Pos { line, column }
}

#[test]
fn bad_operations_are_reported_where_they_are() {
    let (pos, expected, found) = op_error(
        "{:process 0, :type :invoke, :f :read, :value nil}\n\
         {:process 0, :type :done, :f :read, :value 1}",
    );
    assert_eq!(pos, at(2, 20));
    assert!(
        expected.contains("`:invoke`, `:ok`, `:fail` or `:info`"),
        "{expected}"
    );
    assert_eq!(found, "`:done`");

    let (pos, expected, found) = op_error("{:process 0, :type :invoke, :f :cas, :value [1]}");
    assert_eq!(pos, at(1, 45));
    assert!(expected.contains("[expected new]"), "{expected}");
    assert_eq!(found, "`[1]`");

    let (pos, expected, _) = op_error(r#"{:process 0, :type :invoke, :f :write, :value "x"}"#);
    assert_eq!(pos, at(1, 47));
    assert!(expected.contains("an integer"), "{expected}");

    let (pos, expected, _) = op_error("{:process 0, :type :invoke, :f :frob, :value 1}");
    assert_eq!(pos, at(1, 32));
    assert!(
        expected.contains("`:read`, `:write` or `:cas`"),
        "{expected}"
    );

    let (pos, expected, found) = op_error("\n  {:process 2, :type :ok, :f :read, :value 1}");
    assert_eq!(pos, at(2, 3));
    assert!(expected.contains("an invocation by p2"), "{expected}");
    assert_eq!(found, "`:ok`");

    let (pos, expected, _) = op_error(
        "{:process 0, :type :invoke, :f :read, :value nil}\n\
         {:process 0, :type :ok, :f :write, :value 1}",
    );
    assert_eq!(pos, at(2, 28));
    assert!(
        expected.contains("`:f :read`, as in the invocation at line 1, column 1"),
        "{expected}"
    );

    let (pos, expected, found) = op_error(
        "{:process 0, :type :invoke, :f :read, :value nil}\n\
         {:process 0, :type :invoke, :f :read, :value nil}",
    );
    assert_eq!(pos, at(2, 1));
    assert!(
        expected.contains("a completion for p0's operation invoked at line 1, column 1"),
        "{expected}"
    );
    assert_eq!(found, "another invocation");

    let (pos, expected, _) = op_error("{:type :invoke, :f :read}");
    assert_eq!(pos, at(1, 1));
    assert_eq!(expected, "a `:process`");

    let (_, expected, found) = op_error("[1 2]");
    assert!(expected.starts_with("an operation map"), "{expected}");
    assert_eq!(found, "`1`");
}

#[test]
fn bad_text_is_a_syntax_error_with_its_position() {
    let text = "{:process 0, :type :invoke,\n :f :get, :key \"k}\n";
    let err = read_history(&KvModel, text).unwrap_err();
    assert!(matches!(err, EdnError::Syntax { .. }), "{err:?}");
    assert_eq!(err.pos(), at(3, 1));
    assert_eq!(
        err.to_string(),
        "line 3, column 1: expected `\"` to close the string opened at line 2, column 16, \
         found the end of the input"
    );
    let err = read_history(&KvModel, "{:process 0 :type}").unwrap_err();
    assert_eq!(err.pos(), at(1, 13));
}

#[test]
fn kv_reads_nil_as_the_empty_string_and_needs_a_key() {
    let text = "{:process 0, :type :invoke, :f :get, :key 3, :value nil}\n\
                {:process 0, :type :ok, :f :get, :key 3, :value nil}\n";
    let h = read_history(&KvModel, text).unwrap();
    assert_eq!(
        h.ops()[0].input,
        sim_core::history::models::KvInput::Get { key: "3".into() }
    );
    assert_eq!(
        h.ops()[0].completion,
        Completion::Ok(sim_core::history::models::KvOutput::Value(String::new()))
    );
    let err =
        read_history(&KvModel, "{:process 0, :type :invoke, :f :get, :value nil}").unwrap_err();
    assert_eq!(err.pos(), at(1, 32));
    assert!(err.to_string().contains("a `:key`"), "{err}");
}
