//! Writing actions recorded during a live session back into a scenario file: the original text
//! (comments and layout kept) with the actions appended to its `[[faults]]`, the session's
//! seed, and no recorded fingerprints (they were for the file without the actions).

use super::{FaultEvent, Scenario};

/// The text of `scenario`'s file with `faults` appended to its fault schedule and `seed` as its
/// seed. Loading the result gives the scenario with those faults after its own, in order.
pub fn append_faults(
    scenario: &Scenario,
    faults: &[FaultEvent],
    seed: u64,
) -> Result<String, String> {
    let original = match &scenario.origin.text {
        Some(text) => text.to_string(),
        None => scenario.to_toml().map_err(|e| e.to_string())?,
    };
    let mut doc: toml_edit::DocumentMut = original
        .parse()
        .map_err(|e| format!("{}: {e}", scenario.origin.file))?;
    doc["seed"] = toml_edit::value(seed as i64);
    doc.remove("recorded");
    let mut tables = Vec::new();
    for f in faults {
        let text = toml::to_string(f).map_err(|e| format!("fault {f:?}: {e}"))?;
        let table: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
        tables.push(table.as_table().clone());
    }
    match doc.get_mut("faults") {
        None => {
            let mut array = toml_edit::ArrayOfTables::new();
            for t in tables {
                array.push(t);
            }
            doc["faults"] = toml_edit::Item::ArrayOfTables(array);
        }
        Some(toml_edit::Item::ArrayOfTables(array)) => {
            for t in tables {
                array.push(t);
            }
        }
        Some(toml_edit::Item::Value(toml_edit::Value::Array(array))) => {
            for t in tables {
                array.push(t.into_inline_table());
            }
        }
        Some(_) => return Err("`faults` is neither an array of tables nor an array".into()),
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::DurationStr;
    use crate::scenario::{Action, Selector};
    use toml::Spanned;

    const FILE: &str = r#"# a comment that must survive
name = "t"
seed = 3

[protocol]
name = "raft"

[cluster]
nodes = 3

[[faults]]
at = "1s"
action = "crash"
nodes = [0]

[run]
duration = "5s"

[[recorded]]
seed = 3
fingerprint = "0x0000000000000001"
"#;

    fn crash(at_ns: u64, node: u32) -> FaultEvent {
        let mut f = FaultEvent::new(DurationStr(sim_core::Duration(at_ns)), Action::Crash);
        f.nodes = Some(Spanned::new(0..0, Selector::Nodes(vec![node])));
        f
    }

    #[test]
    fn appended_faults_load_after_the_files_own_with_the_new_seed() {
        let s = Scenario::from_str("t.toml", FILE).unwrap();
        let mut submit = FaultEvent::new(DurationStr(sim_core::Duration(7)), Action::Submit);
        submit.command = Some(Spanned::new(0..0, "put x 1".to_string()));
        let added = [crash(1_234_567_891, 2), submit];
        let text = append_faults(&s, &added, 99).unwrap();
        assert!(text.starts_with("# a comment that must survive"), "{text}");
        let back = Scenario::from_str("t2.toml", &text).unwrap();
        assert_eq!(back.seed, 99);
        assert!(back.recorded.is_empty());
        assert_eq!(back.faults.len(), 3);
        assert_eq!(back.faults[0], s.faults[0]);
        assert_eq!(back.faults[1], added[0]);
        assert_eq!(back.faults[1].at.get_ref().nanos(), 1_234_567_891);
        assert_eq!(back.faults[2], added[1]);
    }

    #[test]
    fn a_file_without_faults_gets_a_schedule() {
        let text = FILE.replace(
            "[[faults]]\nat = \"1s\"\naction = \"crash\"\nnodes = [0]\n",
            "",
        );
        let s = Scenario::from_str("t.toml", &text).unwrap();
        assert!(s.faults.is_empty());
        let out = append_faults(&s, &[crash(5, 1)], 3).unwrap();
        let back = Scenario::from_str("t2.toml", &out).unwrap();
        assert_eq!(back.faults, vec![crash(5, 1)]);
    }
}
