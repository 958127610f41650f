//! Rewriting `[[recorded]]` fingerprints in place, keeping the rest of the file's text
//! (comments, order, layout) as it was.

use crate::hex::Hex64;
use std::collections::BTreeMap;

/// `text` with the fingerprint of each recorded seed in `new` set; seeds not in `new` are
/// left alone.
pub fn set_fingerprints(text: &str, new: &BTreeMap<u64, Hex64>) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let Some(recorded) = doc
        .get_mut("recorded")
        .and_then(|r| r.as_array_of_tables_mut())
    else {
        return Ok(text.to_string());
    };
    for table in recorded.iter_mut() {
        let Some(seed) = table.get("seed").and_then(|s| s.as_integer()) else {
            continue;
        };
        if let Some(fp) = u64::try_from(seed).ok().and_then(|s| new.get(&s)) {
            table["fingerprint"] = toml_edit::value(fp.to_string());
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_and_layout() {
        let text = "# top\nname = \"x\" # trailing\n\n[[recorded]]\nseed = 1 # first\n\n[[recorded]]\nseed = 2\nfingerprint = \"0x01\"\n";
        let new = BTreeMap::from([(1, Hex64(0xab)), (2, Hex64(0xcd))]);
        let out = set_fingerprints(text, &new).unwrap();
        assert!(out.starts_with("# top\nname = \"x\" # trailing\n"), "{out}");
        assert!(
            out.contains("seed = 1 # first\nfingerprint = \"0x00000000000000ab\""),
            "{out}"
        );
        assert!(
            out.contains("fingerprint = \"0x00000000000000cd\""),
            "{out}"
        );
        assert!(!out.contains("0x01\""));
    }
}
