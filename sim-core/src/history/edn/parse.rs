//! A reader for EDN text: the subset Jepsen and Knossos histories are written in, and enough
//! of the rest (tags, discards, comments, characters) to read any well-formed file.

use super::{Edn, EdnError, Pos, Value};

/// Collections may nest this deep; deeper input is refused rather than risking the stack.
const MAX_DEPTH: u32 = 128;

/// Reads every top-level form in `text`.
pub fn parse(text: &str) -> Result<Vec<Edn>, EdnError> {
    let mut p = Parser {
        text,
        at: 0,
        pos: Pos { line: 1, column: 1 },
        depth: 0,
    };
    let mut forms = Vec::new();
    loop {
        p.skip_blank();
        if p.peek().is_none() {
            return Ok(forms);
        }
        if let Some(form) = p.item()? {
            forms.push(form);
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    at: usize,
    /// Position of the next character.
    pos: Pos,
    depth: u32,
}

/// Characters that may appear in symbols and keywords after the first.
fn is_symbol_char(c: char) -> bool {
    c.is_alphanumeric() || ".*+!-_?$%&=<>/'#:".contains(c)
}

/// How a character is shown in an error message.
fn show(c: Option<char>) -> String {
    match c {
        None => "the end of the input".to_owned(),
        Some('\n') => "the end of the line".to_owned(),
        Some(c) => format!("`{c}`"),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.text[self.at..].chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        if c == '\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else {
            self.pos.column += 1;
        }
        Some(c)
    }

    fn error<T>(
        &self,
        pos: Pos,
        expected: impl Into<String>,
        found: String,
    ) -> Result<T, EdnError> {
        Err(EdnError::Syntax {
            pos,
            expected: expected.into(),
            found,
        })
    }

    /// Skips whitespace, commas and comments.
    fn skip_blank(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ',' {
                self.bump();
            } else if c == ';' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else {
                break;
            }
        }
    }

    /// Reads one form; `None` if it was discarded with `#_`.
    fn item(&mut self) -> Result<Option<Edn>, EdnError> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return self.error(start, "a value", show(None));
        };
        let value = match c {
            '(' | '[' | '{' => {
                self.bump();
                self.collection(start, c)?
            }
            ')' | ']' | '}' => return self.error(start, "a value", show(Some(c))),
            '"' => Value::Str(self.string()?),
            '\\' => Value::Char(self.character()?),
            ':' => {
                self.bump();
                let name = self.token();
                if name.is_empty() {
                    return self.error(self.pos, "a keyword name after `:`", show(self.peek()));
                }
                Value::Keyword(name)
            }
            '#' => return self.dispatch(start),
            c if c.is_ascii_digit()
                || ((c == '-' || c == '+') && self.peek2().is_some_and(|d| d.is_ascii_digit())) =>
            {
                self.number(start)?
            }
            c if is_symbol_char(c) => match self.token().as_str() {
                "nil" => Value::Nil,
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                sym => Value::Symbol(sym.to_owned()),
            },
            c => return self.error(start, "a value", show(Some(c))),
        };
        Ok(Some(Edn { value, pos: start }))
    }

    /// Reads what follows `#`: a set, a discard, a symbolic number or a tagged value.
    fn dispatch(&mut self, start: Pos) -> Result<Option<Edn>, EdnError> {
        self.bump();
        match self.peek() {
            Some('{') => {
                self.bump();
                let value = self.collection(start, '#')?;
                Ok(Some(Edn { value, pos: start }))
            }
            Some('_') => {
                self.bump();
                self.skip_blank();
                self.item()?;
                Ok(None)
            }
            Some('#') => {
                self.bump();
                let value = match self.token().as_str() {
                    "Inf" => Value::Float(f64::INFINITY),
                    "-Inf" => Value::Float(f64::NEG_INFINITY),
                    "NaN" => Value::Float(f64::NAN),
                    other => {
                        return self.error(
                            start,
                            "`##Inf`, `##-Inf` or `##NaN`",
                            format!("`##{other}`"),
                        );
                    }
                };
                Ok(Some(Edn { value, pos: start }))
            }
            Some(c) if c.is_alphabetic() => {
                let tag = self.token();
                self.skip_blank();
                match self.item()? {
                    Some(inner) => Ok(Some(Edn {
                        value: Value::Tagged(tag, Box::new(inner)),
                        pos: start,
                    })),
                    None => self.error(
                        start,
                        format!("a value after the tag `#{tag}`"),
                        "a discarded form".to_owned(),
                    ),
                }
            }
            c => self.error(self.pos, "`{`, `_`, `#` or a tag name after `#`", show(c)),
        }
    }

    /// Reads the items of a collection whose opening character (`#` for a set) was consumed.
    fn collection(&mut self, start: Pos, open: char) -> Result<Value, EdnError> {
        let (close, what) = match open {
            '(' => (')', "list"),
            '[' => (']', "vector"),
            '{' => ('}', "map"),
            _ => ('}', "set"),
        };
        if self.depth >= MAX_DEPTH {
            return self.error(
                start,
                format!("at most {MAX_DEPTH} levels of nesting"),
                "deeper nesting".to_owned(),
            );
        }
        self.depth += 1;
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            match self.peek() {
                Some(c) if c == close => {
                    self.bump();
                    break;
                }
                None => {
                    return self.error(
                        self.pos,
                        format!("`{close}` to close the {what} opened at {start}"),
                        show(None),
                    );
                }
                Some(c @ (')' | ']' | '}')) => {
                    return self.error(
                        self.pos,
                        format!("`{close}` to close the {what} opened at {start}"),
                        show(Some(c)),
                    );
                }
                Some(_) => {
                    if let Some(item) = self.item()? {
                        items.push(item);
                    }
                }
            }
        }
        self.depth -= 1;
        Ok(match open {
            '(' => Value::List(items),
            '[' => Value::Vector(items),
            '{' => {
                if items.len() % 2 == 1 {
                    let key = &items[items.len() - 1];
                    return self.error(
                        key.pos,
                        format!(
                            "a value for the key {} in the map opened at {start}",
                            key.value.describe()
                        ),
                        "the end of the map".to_owned(),
                    );
                }
                let mut entries = Vec::with_capacity(items.len() / 2);
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    entries.push((k, v));
                }
                Value::Map(entries)
            }
            _ => Value::Set(items),
        })
    }

    /// Reads a run of symbol characters.
    fn token(&mut self) -> String {
        let from = self.at;
        while self.peek().is_some_and(is_symbol_char) {
            self.bump();
        }
        self.text[from..self.at].to_owned()
    }

    fn number(&mut self, start: Pos) -> Result<Value, EdnError> {
        let text = self.token();
        let found = format!("`{text}`");
        if let Some(int) = text.strip_suffix('N') {
            return int
                .parse()
                .map(Value::Int)
                .or_else(|_| self.error(start, "an integer that fits in 64 bits", found));
        }
        let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            return text
                .parse()
                .map(Value::Int)
                .or_else(|_| self.error(start, "an integer that fits in 64 bits", found));
        }
        let float = text.strip_suffix('M').unwrap_or(&text);
        if float
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
            && let Ok(x) = float.parse::<f64>()
        {
            return Ok(Value::Float(x));
        }
        self.error(start, "a number", found)
    }

    fn string(&mut self) -> Result<String, EdnError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            let here = self.pos;
            match self.bump() {
                None => {
                    return self.error(
                        self.pos,
                        format!("`\"` to close the string opened at {start}"),
                        show(None),
                    );
                }
                Some('"') => return Ok(out),
                Some('\\') => {
                    let c = match self.bump() {
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some(c @ ('"' | '\\')) => c,
                        Some('u') => self.unicode(here)?,
                        c => {
                            return self.error(
                                here,
                                "an escape: \\n \\t \\r \\b \\f \\\" \\\\ or \\uXXXX",
                                show(c),
                            );
                        }
                    };
                    out.push(c);
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// Reads the four hex digits of a `\u` escape starting at `start`.
    fn unicode(&mut self, start: Pos) -> Result<char, EdnError> {
        let mut code = 0u32;
        for _ in 0..4 {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    self.bump();
                    code = code * 16 + d;
                }
                None => {
                    return self.error(self.pos, "four hex digits after \\u", show(self.peek()));
                }
            }
        }
        char::from_u32(code).map_or_else(
            || self.error(start, "a Unicode scalar value", format!("\\u{code:04x}")),
            Ok,
        )
    }

    fn character(&mut self) -> Result<char, EdnError> {
        let start = self.pos;
        self.bump();
        let Some(first) = self.bump() else {
            return self.error(self.pos, "a character after `\\`", show(None));
        };
        let mut name = String::from(first);
        while self.peek().is_some_and(char::is_alphanumeric) && first.is_alphanumeric() {
            name.extend(self.bump());
        }
        match name.as_str() {
            "newline" => Ok('\n'),
            "space" => Ok(' '),
            "tab" => Ok('\t'),
            "return" => Ok('\r'),
            _ if name.chars().count() == 1 => Ok(first),
            _ if name.starts_with('u') && name.len() == 5 => u32::from_str_radix(&name[1..], 16)
                .ok()
                .and_then(char::from_u32)
                .map_or_else(
                    || self.error(start, "a character", format!("`\\{name}`")),
                    Ok,
                ),
            _ => self.error(
                start,
                "a character such as \\a, \\newline or \\u0041",
                format!("`\\{name}`"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Value {
        let mut forms = parse(text).unwrap();
        assert_eq!(forms.len(), 1, "{text}");
        forms.remove(0).value
    }

    #[test]
    fn reads_a_jepsen_operation() {
        let v = one(r#"{:process 0, :type :invoke, :f :cas, :value [1 -2], :key "k\"1"}"#);
        assert_eq!(v.get("process").unwrap().value, Value::Int(0));
        assert_eq!(
            v.get("type").unwrap().value,
            Value::Keyword("invoke".into())
        );
        assert_eq!(v.get("key").unwrap().value, Value::Str("k\"1".into()));
        let Value::Vector(items) = &v.get("value").unwrap().value else {
            panic!("not a vector");
        };
        assert_eq!(items[1].value, Value::Int(-2));
        assert_eq!(
            items[1].pos,
            Pos {
                line: 1,
                column: 48
            }
        );
    }

    #[test]
    fn reads_the_rest_of_edn() {
        assert_eq!(
            one("#{1 2}"),
            Value::Set(vec![
                Edn {
                    value: Value::Int(1),
                    pos: Pos { line: 1, column: 3 }
                },
                Edn {
                    value: Value::Int(2),
                    pos: Pos { line: 1, column: 5 }
                }
            ])
        );
        assert_eq!(one("[#_ 1 ; comment\n 2]").to_string(), "[2]");
        assert_eq!(
            one("(a/b 1.5 \\x \\newline nil true)").to_string(),
            "(a/b 1.5 \\x \\newline nil true)"
        );
        assert_eq!(one("#inst \"2020\"").to_string(), "#inst \"2020\"");
        assert_eq!(one("12N"), Value::Int(12));
        assert_eq!(one("\"\\u0041\\n\""), Value::Str("A\n".into()));
    }

    #[test]
    fn written_values_read_back() {
        let text = r#"{:a [1 "x\ty" #{:k}], :b (nil false -3.25)}"#;
        assert_eq!(one(text).to_string(), text);
    }

    fn syntax_error(text: &str) -> (u32, u32, String, String) {
        match parse(text) {
            Err(EdnError::Syntax {
                pos,
                expected,
                found,
            }) => (pos.line, pos.column, expected, found),
            other => panic!("{text}: expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_line_column_and_expectation() {
        let (line, col, expected, found) = syntax_error("{:a 1}\n{:process 0, :type}");
        assert_eq!((line, col), (2, 14));
        assert!(
            expected.contains("a value for the key `:type`"),
            "{expected}"
        );
        assert_eq!(found, "the end of the map");

        let (line, col, expected, _) = syntax_error("[1 2\n 3");
        assert_eq!((line, col), (2, 3));
        assert!(
            expected.contains("`]` to close the vector opened at line 1, column 1"),
            "{expected}"
        );

        let (line, col, _, found) = syntax_error("{:a \"abc}\n");
        assert_eq!((line, col), (2, 1));
        assert_eq!(found, "the end of the input");

        let (line, col, expected, found) = syntax_error("  [1 99999999999999999999]");
        assert_eq!((line, col), (1, 6));
        assert_eq!(expected, "an integer that fits in 64 bits");
        assert_eq!(found, "`99999999999999999999`");

        let (_, col, _, found) = syntax_error("(1 ]");
        assert_eq!((col, found.as_str()), (4, "`]`"));

        let (_, _, expected, _) = syntax_error("\"\\q\"");
        assert!(expected.starts_with("an escape"), "{expected}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        assert!(matches!(parse(&text), Err(EdnError::Syntax { .. })));
    }
}
