//! Where a value sits in a scenario's text, by its path of keys, and which value a position of
//! the text belongs to. Problems found after parsing (a parameter out of range, a latency that
//! cannot be drawn) are pointed at the value that causes them, and problems in a document edited
//! by `--set` are pointed back at the file or at the `--set` argument.

use std::ops::Range;
use toml_edit::{Document, Item, Table, Value};

/// The span of the value at `path` in `text` (a key per table, a decimal index per array
/// element, as `--set` spells them); `None` when the text does not hold it or does not parse.
pub fn span_of(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let doc = Document::parse(text).ok()?;
    let mut here = Node::Item(doc.as_item());
    for seg in path {
        here = here.child(seg)?;
    }
    here.span()
}

/// The path of the innermost value whose span holds `offset`, if any.
pub fn path_at(text: &str, offset: usize) -> Option<Vec<String>> {
    let doc = Document::parse(text).ok()?;
    let mut path = Vec::new();
    find(Node::Item(doc.as_item()), offset, &mut path).then_some(path)
}

/// Depth first, since a table's own span may cover only its header.
fn find(node: Node<'_>, offset: usize, path: &mut Vec<String>) -> bool {
    for (seg, child) in node.children() {
        path.push(seg);
        if child.span().is_some_and(|s| s.contains(&offset)) {
            find(child, offset, path);
            return true;
        }
        if find(child, offset, path) {
            return true;
        }
        path.pop();
    }
    false
}

/// A table entry or an array element, as the document's two layers of types see it.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(i) => i.span(),
            Node::Table(t) => t.span(),
            Node::Value(v) => v.span(),
        }
    }

    fn child(self, seg: &str) -> Option<Node<'a>> {
        let index = seg.parse::<usize>().ok();
        match self {
            Node::Item(Item::Table(t)) | Node::Table(t) => t.get(seg).map(Node::Item),
            Node::Item(Item::ArrayOfTables(a)) => a.get(index?).map(Node::Table),
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::InlineTable(t) => t.get(seg).map(Node::Value),
                Value::Array(a) => a.get(index?).map(Node::Value),
                _ => None,
            },
            Node::Item(Item::None) => None,
        }
    }

    fn children(self) -> Vec<(String, Node<'a>)> {
        match self {
            Node::Item(Item::Table(t)) | Node::Table(t) => t
                .iter()
                .filter_map(|(k, _)| Some((k.to_string(), Node::Item(t.get(k)?))))
                .collect(),
            Node::Item(Item::ArrayOfTables(a)) => a
                .iter()
                .enumerate()
                .map(|(i, t)| (i.to_string(), Node::Table(t)))
                .collect(),
            Node::Item(Item::Value(v)) | Node::Value(v) => match v {
                Value::InlineTable(t) => t
                    .iter()
                    .filter_map(|(k, _)| Some((k.to_string(), Node::Value(t.get(k)?))))
                    .collect(),
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), Node::Value(v)))
                    .collect(),
                _ => Vec::new(),
            },
            Node::Item(Item::None) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"x\"\n[network]\nloss = 1.5\nlatency = { dist = \"uniform\", min = \"5ms\", max = \"1ms\" }\n[[faults]]\nat = \"1s\"\n[[faults]]\nat = \"2s\"\nnode = [1, 2]\n";

    #[test]
    fn finds_values_by_path_and_paths_by_position() {
        for path in [
            &["network", "loss"][..],
            &["network", "latency", "max"],
            &["faults", "1", "at"],
            &["faults", "1", "node", "1"],
        ] {
            let span = span_of(TEXT, path).unwrap();
            let back = path_at(TEXT, span.start).unwrap();
            assert_eq!(back, path, "{:?}", &TEXT[span]);
        }
        assert_eq!(
            &TEXT[span_of(TEXT, &["faults", "1", "at"]).unwrap()],
            "\"2s\""
        );
        assert_eq!(span_of(TEXT, &["network", "bandwidth"]), None);
        assert_eq!(span_of(TEXT, &["faults", "7"]), None);
        assert_eq!(span_of("not = = toml", &["not"]), None);
    }
}
