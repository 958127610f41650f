//! Which nodes a fault acts on. A selector is resolved when the fault fires, not when the file
//! is read: `leader` is whoever leads at that moment, `random` is drawn from the faults stream
//! then.

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A set of server nodes, named explicitly or by a rule resolved at the moment of the fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// These nodes (`3` or `[0, 1]`).
    Nodes(Vec<u32>),
    /// The node the protocol says leads at that moment (by default, the running server whose
    /// view has [`sim_core::RoleClass::Leader`], the highest epoch if several do); nothing if
    /// there is none.
    Leader,
    /// One running server that is not the leader, drawn from the faults stream: "a follower",
    /// whichever server leads on the seed. Nothing if no server leads.
    Follower,
    /// Every running server that is not the leader. Nothing if no server leads.
    Followers,
    /// One server drawn from the faults stream among those the action can affect.
    Random,
    /// `{ random = K }`: K distinct servers drawn from the faults stream among those the
    /// action can affect (all of them if fewer can be).
    RandomK(u32),
    /// `{ fraction = F }`: that share of the servers (rounded down, at least one), drawn as
    /// `{ random = K }` is: a tenth of the cluster whatever its size. Kept in parts per
    /// million.
    Fraction(u32),
    /// A majority of the servers (`n/2 + 1`), drawn from the faults stream. Within one fault,
    /// `majority` and `minority` are complementary.
    Majority,
    /// The servers not in `majority`.
    Minority,
    /// Every server that is down at that moment (for `restart`).
    AllCrashed,
    /// Every server.
    All,
    /// The leader before the last change of leader, as the runner saw it: the isolated or
    /// deposed leader, to reconnect or restart. Nothing before the second leader.
    OldLeader,
    /// Every server down at that moment, stopped ones included.
    Crashed,
    /// Every server that the partitions in force keep from reaching a majority of the
    /// servers (itself included) both ways: an isolated node, the minority side of a split.
    Disconnected,
    /// The nodes the fault labelled so touched when it fired (`label = "L1"` on an earlier
    /// fault).
    Label(String),
    /// Every node any of these selects (`["leader", "follower"]`, `["old-leader", 3]`).
    Union(Vec<Selector>),
}

/// The names of the rule selectors, as written in files.
pub const SELECTOR_NAMES: [&str; 11] = [
    "leader",
    "follower",
    "followers",
    "old-leader",
    "random",
    "majority",
    "minority",
    "crashed",
    "all-crashed",
    "disconnected",
    "all",
];

impl Selector {
    /// The explicit node ids, if any.
    pub fn explicit(&self) -> &[u32] {
        match self {
            Selector::Nodes(v) => v,
            _ => &[],
        }
    }

    /// The selector and, for a union, every selector in it, rules and ids alike: what
    /// validation checks one by one.
    pub fn leaves(&self) -> Vec<&Selector> {
        match self {
            Selector::Union(v) => v.iter().flat_map(Selector::leaves).collect(),
            other => vec![other],
        }
    }

    fn name(&self) -> Option<&'static str> {
        Some(match self {
            Selector::Nodes(_)
            | Selector::RandomK(_)
            | Selector::Fraction(_)
            | Selector::Label(_)
            | Selector::Union(_) => {
                return None;
            }
            Selector::OldLeader => "old-leader",
            Selector::Crashed => "crashed",
            Selector::Disconnected => "disconnected",
            Selector::Leader => "leader",
            Selector::Follower => "follower",
            Selector::Followers => "followers",
            Selector::Random => "random",
            Selector::Majority => "majority",
            Selector::Minority => "minority",
            Selector::AllCrashed => "all-crashed",
            Selector::All => "all",
        })
    }

    fn from_name(s: &str) -> Option<Selector> {
        Some(match s {
            "leader" => Selector::Leader,
            "follower" => Selector::Follower,
            "followers" => Selector::Followers,
            "random" => Selector::Random,
            "majority" => Selector::Majority,
            "minority" => Selector::Minority,
            "all-crashed" => Selector::AllCrashed,
            "all" => Selector::All,
            "old-leader" => Selector::OldLeader,
            "crashed" => Selector::Crashed,
            "disconnected" => Selector::Disconnected,
            _ => return None,
        })
    }
}

/// Whether `s` can be a fault's label: a word of letters, digits, `-` and `_`.
pub fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Nodes(v) => {
                let ids: Vec<String> = v.iter().map(|i| format!("n{i}")).collect();
                f.write_str(&ids.join(","))
            }
            Selector::RandomK(k) => write!(f, "random {k}"),
            Selector::Fraction(ppm) => write!(f, "random {}%", f64::from(*ppm) / 1e4),
            Selector::Label(l) => write!(f, "label {l}"),
            Selector::Union(v) => {
                let parts: Vec<String> = v.iter().map(Selector::to_string).collect();
                f.write_str(&parts.join(" + "))
            }
            other => f.write_str(other.name().unwrap_or("?")),
        }
    }
}

impl Serialize for Selector {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Selector::Nodes(v) if v.len() == 1 => s.serialize_u32(v[0]),
            Selector::Nodes(v) => v.serialize(s),
            Selector::RandomK(k) => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("random", k)?;
                m.end()
            }
            Selector::Fraction(ppm) => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("fraction", &(f64::from(*ppm) / 1e6))?;
                m.end()
            }
            Selector::Label(l) => s.serialize_str(l),
            Selector::Union(v) => v.serialize(s),
            other => s.serialize_str(other.name().unwrap_or("?")),
        }
    }
}

impl<'de> Deserialize<'de> for Selector {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Selector;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a node id (3), a list of node ids ([0, 1]), { random = K }, { fraction = F }, \
                     the label of an earlier fault, or one of \"leader\", \"follower\", \"followers\", \
                     \"old-leader\", \"random\", \"majority\", \"minority\", \"crashed\", \
                     \"all-crashed\", \"disconnected\", \"all\"",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Selector, E> {
                u32::try_from(v)
                    .map(|v| Selector::Nodes(vec![v]))
                    .map_err(|_| E::custom(format!("node ids are 0 or more, got {v}")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Selector, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Selector, E> {
                // Any other word names a label; the validator checks that an earlier fault
                // has it, and suggests a rule's name for a misspelt one.
                match Selector::from_name(v) {
                    Some(s) => Ok(s),
                    None if is_label(v) => Ok(Selector::Label(v.to_string())),
                    None => Err(E::custom(format!(
                        "{v:?} is neither a selector nor a label (expected a node id, a list \
                         of node ids, the label of an earlier fault, or one of {})",
                        SELECTOR_NAMES.map(|s| format!("\"{s}\"")).join(", ")
                    ))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Selector, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "expected { random = K } or { fraction = F }, got an empty table",
                    ));
                };
                let sel = match key.as_str() {
                    "random" => {
                        let k: u32 = map.next_value()?;
                        if k == 0 {
                            return Err(de::Error::custom(
                                "{ random = 0 } selects nobody; expected K of 1 or more",
                            ));
                        }
                        Selector::RandomK(k)
                    }
                    "fraction" => {
                        let f: f64 = map.next_value()?;
                        if !(f > 0.0 && f <= 1.0) {
                            return Err(de::Error::custom(format!(
                                "{{ fraction = {f} }}: expected a share of the servers above 0 \
                                 and at most 1 (0.1 for a tenth)"
                            )));
                        }
                        Selector::Fraction((f * 1e6).round().max(1.0) as u32)
                    }
                    other => {
                        return Err(de::Error::custom(format!(
                            "unknown key {other:?} in a selector table; expected \
                             {{ random = K }} or {{ fraction = F }}"
                        )));
                    }
                };
                if map.next_key::<String>()?.is_some() {
                    return Err(de::Error::custom(
                        "expected one key, `random` or `fraction`, in a selector table",
                    ));
                }
                Ok(sel)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Selector, A::Error> {
                // A list of ids is `Nodes`; a list with a rule or a label in it is a union.
                let mut parts = Vec::new();
                while let Some(part) = seq.next_element::<Selector>()? {
                    parts.push(part);
                }
                if parts.iter().all(|p| matches!(p, Selector::Nodes(_))) {
                    return Ok(Selector::Nodes(
                        parts.iter().flat_map(|p| p.explicit().to_vec()).collect(),
                    ));
                }
                Ok(Selector::Union(parts))
            }
        }
        d.deserialize_any(V)
    }
}
