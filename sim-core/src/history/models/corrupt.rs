//! What the reference models' operations read as when a storage fault damaged the log
//! entry that carries them: the same kind of operation with a different value, so that a
//! replica applying it diverges visibly from its peers.

use super::kv::KvInput;
use super::register::{RegisterInput, RegisterOp};

/// A damaged operation reads as the same kind of operation with one character of its value
/// (or, for a read, its key) changed.
impl crate::Corruptible for KvInput {
    fn corrupted(&self, noise: u64) -> KvInput {
        match self {
            KvInput::Get { key } => KvInput::Get {
                key: flip_char(key, noise),
            },
            KvInput::Put { key, value } => KvInput::Put {
                key: key.clone(),
                value: flip_char(value, noise),
            },
            KvInput::Append { key, value } => KvInput::Append {
                key: key.clone(),
                value: flip_char(value, noise),
            },
        }
    }
}

/// `s` with the character at a position `noise` picks replaced by another (an empty string
/// gains one).
fn flip_char(s: &str, noise: u64) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return "?".to_string();
    }
    let i = (noise % chars.len() as u64) as usize;
    chars[i] = if chars[i] == '#' { '%' } else { '#' };
    chars.into_iter().collect()
}

/// A damaged operation reads as the same kind of operation with a value off by a few.
impl crate::Corruptible for RegisterInput {
    fn corrupted(&self, noise: u64) -> RegisterInput {
        let off = 1 + (noise % 7) as i64;
        let op = match &self.op {
            RegisterOp::Read => RegisterOp::Write(off),
            RegisterOp::Write(v) => RegisterOp::Write(v.wrapping_add(off)),
            RegisterOp::Cas { expected, new } => RegisterOp::Cas {
                expected: *expected,
                new: new.wrapping_add(off),
            },
        };
        RegisterInput {
            key: self.key.clone(),
            op,
        }
    }
}
