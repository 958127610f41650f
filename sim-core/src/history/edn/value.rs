//! EDN values as read from a file, each with the place it was read from so that errors can
//! point at it.

use std::fmt;

/// A line and column in the input, both counted from 1 (columns in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A value and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Edn {
    /// The value.
    pub value: Value,
    /// Where it starts; [`Pos::default`] for values built in code.
    pub pos: Pos,
}

impl Edn {
    /// A value built in code, with no position.
    pub fn new(value: Value) -> Edn {
        Edn {
            value,
            pos: Pos::default(),
        }
    }
}

/// The EDN data types (those Jepsen histories use, plus enough of the rest to skip over them).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `nil`.
    Nil,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string, unescaped.
    Str(String),
    /// A character such as `\a`.
    Char(char),
    /// A keyword, without its leading colon: `:read` is `Keyword("read")`.
    Keyword(String),
    /// A symbol.
    Symbol(String),
    /// `( ... )`.
    List(Vec<Edn>),
    /// `[ ... ]`.
    Vector(Vec<Edn>),
    /// `#{ ... }`.
    Set(Vec<Edn>),
    /// `{ ... }`, entries in file order.
    Map(Vec<(Edn, Edn)>),
    /// `#tag value`, such as a record literal `#jepsen.history.Op{...}`.
    Tagged(String, Box<Edn>),
}

impl Value {
    /// A short description for error messages: the value itself if short, else its type.
    pub fn describe(&self) -> String {
        let text = self.to_string();
        if text.chars().count() <= 40 {
            format!("`{text}`")
        } else {
            match self {
                Value::Str(_) => "a long string".to_owned(),
                Value::List(_) => "a list".to_owned(),
                Value::Vector(_) => "a vector".to_owned(),
                Value::Set(_) => "a set".to_owned(),
                Value::Map(_) => "a map".to_owned(),
                Value::Tagged(tag, _) => format!("a `#{tag}` value"),
                _ => "a long value".to_owned(),
            }
        }
    }

    /// The value of `:name` in a map (or a record literal), if this is one.
    pub fn get(&self, name: &str) -> Option<&Edn> {
        match self {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, Value::Keyword(kw) if kw == name))
                .map(|(_, v)| v),
            Value::Tagged(_, inner) => inner.value.get(name),
            _ => None,
        }
    }
}

/// Writes a string literal with EDN escapes.
fn write_str(s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c if c.is_control() => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// Writes items separated by spaces.
fn write_seq(items: &[Edn], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{}", item.value)?;
    }
    Ok(())
}

/// Writes the value as EDN text that reads back to the same value; maps in Jepsen's style,
/// entries separated by `, `.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) if x.is_finite() && x.fract() == 0.0 => write!(f, "{x:.1}"),
            Value::Float(x) if x.is_finite() => write!(f, "{x}"),
            Value::Float(x) if x.is_nan() => f.write_str("##NaN"),
            Value::Float(x) if *x > 0.0 => f.write_str("##Inf"),
            Value::Float(_) => f.write_str("##-Inf"),
            Value::Str(s) => write_str(s, f),
            Value::Char(c) => match c {
                '\n' => f.write_str("\\newline"),
                ' ' => f.write_str("\\space"),
                '\t' => f.write_str("\\tab"),
                '\r' => f.write_str("\\return"),
                c => write!(f, "\\{c}"),
            },
            Value::Keyword(k) => write!(f, ":{k}"),
            Value::Symbol(s) => f.write_str(s),
            Value::List(items) => {
                f.write_str("(")?;
                write_seq(items, f)?;
                f.write_str(")")
            }
            Value::Vector(items) => {
                f.write_str("[")?;
                write_seq(items, f)?;
                f.write_str("]")
            }
            Value::Set(items) => {
                f.write_str("#{")?;
                write_seq(items, f)?;
                f.write_str("}")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} {}", k.value, v.value)?;
                }
                f.write_str("}")
            }
            Value::Tagged(tag, inner) => write!(f, "#{tag} {}", inner.value),
        }
    }
}
