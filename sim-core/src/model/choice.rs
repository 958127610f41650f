//! One step of an explicit schedule: which enabled event happens next.

use crate::{MessageId, NodeId, TimerId};
use std::fmt;
use std::str::FromStr;

/// What happens next in a run driven by choice instead of by the clock.
///
/// A message or timer is named by the number the engine gave it. Those numbers are handed out
/// in the order things happen, so they are stable along one schedule: replaying the same
/// choices from the same start hands out the same numbers, which is what makes a schedule
/// written to a file replay exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Choice {
    /// The message arrives (it is dropped if its receiver is down).
    Deliver(MessageId),
    /// The network loses the message.
    Lose(MessageId),
    /// The network makes a second copy of the message, which stays in flight beside it.
    Duplicate(MessageId),
    /// The timer fires, however early that is by the clock.
    Fire(TimerId),
    /// The node crashes: memory, timers and unsynced writes are lost.
    Crash(NodeId),
    /// A crashed node starts again from its disk.
    Restart(NodeId),
    /// The node's `k`-th disk record (in key order) is corrupted: its bytes change (as the
    /// record type's `Corruptible` says) and its checksum no longer matches. A running node
    /// sees it at its next read, which for most protocols is the restart after a crash.
    Corrupt(NodeId, u32),
}

impl Choice {
    /// The verb of the choice, as a schedule writes it.
    pub fn verb(self) -> &'static str {
        match self {
            Choice::Deliver(_) => "deliver",
            Choice::Lose(_) => "lose",
            Choice::Duplicate(_) => "duplicate",
            Choice::Fire(_) => "fire",
            Choice::Crash(_) => "crash",
            Choice::Restart(_) => "restart",
            Choice::Corrupt(..) => "corrupt",
        }
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = self.verb();
        match self {
            Choice::Deliver(m) | Choice::Lose(m) | Choice::Duplicate(m) => {
                write!(f, "{verb} m{}", m.0)
            }
            Choice::Fire(t) => write!(f, "{verb} t{}", t.0),
            Choice::Crash(n) | Choice::Restart(n) => write!(f, "{verb} {n}"),
            Choice::Corrupt(n, k) => write!(f, "{verb} {n} r{k}"),
        }
    }
}

/// Why a schedule step could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "expected a step such as \"deliver m3\", \"lose m3\", \"duplicate m3\", \"fire t2\", \
     \"crash n1\", \"restart n1\" or \"corrupt n1 r0\", got {0:?}"
)]
pub struct BadChoice(pub String);

impl FromStr for Choice {
    type Err = BadChoice;

    fn from_str(s: &str) -> Result<Choice, BadChoice> {
        let bad = || BadChoice(s.to_string());
        let mut words = s.split_whitespace();
        let (Some(verb), Some(what), record) = (words.next(), words.next(), words.next()) else {
            return Err(bad());
        };
        if words.next().is_some() || record.is_some() != (verb == "corrupt") {
            return Err(bad());
        }
        let number = |word: &str, prefix: char| -> Result<u64, BadChoice> {
            word.strip_prefix(prefix)
                .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|digits| digits.parse().ok())
                .ok_or_else(bad)
        };
        let small = |word: &str, prefix: char| -> Result<u32, BadChoice> {
            u32::try_from(number(word, prefix)?).map_err(|_| bad())
        };
        let node = || small(what, 'n').map(NodeId);
        let number = |prefix: char| number(what, prefix);
        Ok(match verb {
            "deliver" => Choice::Deliver(MessageId(number('m')?)),
            "lose" => Choice::Lose(MessageId(number('m')?)),
            "duplicate" => Choice::Duplicate(MessageId(number('m')?)),
            "fire" => Choice::Fire(TimerId(number('t')?)),
            "crash" => Choice::Crash(node()?),
            "restart" => Choice::Restart(node()?),
            "corrupt" => Choice::Corrupt(node()?, small(record.unwrap_or_default(), 'r')?),
            _ => return Err(bad()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_reads_back_as_written() {
        let all = [
            Choice::Deliver(MessageId(3)),
            Choice::Lose(MessageId(0)),
            Choice::Duplicate(MessageId(12)),
            Choice::Fire(TimerId(7)),
            Choice::Crash(NodeId(1)),
            Choice::Restart(NodeId(4)),
            Choice::Corrupt(NodeId(2), 5),
        ];
        for c in all {
            assert_eq!(c.to_string().parse::<Choice>(), Ok(c), "{c}");
        }
    }

    #[test]
    fn malformed_steps_are_refused_with_the_text() {
        for s in [
            "",
            "deliver",
            "deliver 3",
            "deliver t3",
            "fire m1",
            "crash n",
            "crash n1 now",
            "launch n1",
            "crash n99999999999",
            "corrupt n1",
            "corrupt n1 2",
            "corrupt n1 r2 now",
            "restart n1 r2",
        ] {
            let err = s.parse::<Choice>().unwrap_err();
            assert_eq!(err.0, s);
        }
    }
}
