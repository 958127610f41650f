//! The `[network]` section: the default link model, FIFO order, and per-link overrides. It maps
//! onto [`sim_core::NetworkConfig`]; durations are written with units.

use crate::duration::DurationStr;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sim_core::{Dist, LinkModel, LinkOverride, NetworkConfig, NodeId};
use std::fmt;

/// A latency distribution as written in a file: a table with `dist = "..."` and its
/// parameters, or a shorthand string: `"5ms"` (constant) or `"1ms..5ms"` (uniform).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "kebab-case", deny_unknown_fields)]
enum LatencyTable {
    Constant {
        value: DurationStr,
        #[serde(default, skip_serializing_if = "is_zero")]
        offset: DurationStr,
    },
    Uniform {
        min: DurationStr,
        max: DurationStr,
        #[serde(default, skip_serializing_if = "is_zero")]
        offset: DurationStr,
    },
    Normal {
        mean: DurationStr,
        std_dev: DurationStr,
        #[serde(default, skip_serializing_if = "is_zero")]
        offset: DurationStr,
    },
    Exponential {
        mean: DurationStr,
        #[serde(default, skip_serializing_if = "is_zero")]
        offset: DurationStr,
    },
    LogNormal {
        median: DurationStr,
        sigma: f64,
        #[serde(default, skip_serializing_if = "is_zero")]
        offset: DurationStr,
    },
    Pareto {
        scale: DurationStr,
        shape: f64,
        #[serde(default, skip_serializing_if = "is_zero")]
        offset: DurationStr,
    },
}

fn is_zero(d: &DurationStr) -> bool {
    d.nanos() == 0
}

/// A link's one-way delay: [`sim_core::Latency`] with durations that carry units.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencySpec(LatencyTable);

impl LatencySpec {
    /// A constant delay.
    pub fn constant(d: DurationStr) -> LatencySpec {
        LatencySpec(LatencyTable::Constant {
            value: d,
            offset: DurationStr::default(),
        })
    }

    /// The engine's form.
    pub fn to_sim(&self) -> sim_core::Latency {
        use LatencyTable as L;
        let (dist, offset) = match self.0.clone() {
            L::Constant { value, offset } => (Dist::Constant { value: value.0 }, offset),
            L::Uniform { min, max, offset } => (
                Dist::Uniform {
                    min: min.0,
                    max: max.0,
                },
                offset,
            ),
            L::Normal {
                mean,
                std_dev,
                offset,
            } => (
                Dist::Normal {
                    mean: mean.0,
                    std_dev: std_dev.0,
                },
                offset,
            ),
            L::Exponential { mean, offset } => (Dist::Exponential { mean: mean.0 }, offset),
            L::LogNormal {
                median,
                sigma,
                offset,
            } => (
                Dist::LogNormal {
                    median: median.0,
                    sigma,
                },
                offset,
            ),
            L::Pareto {
                scale,
                shape,
                offset,
            } => (
                Dist::Pareto {
                    scale: scale.0,
                    shape,
                },
                offset,
            ),
        };
        sim_core::Latency {
            offset: offset.0,
            dist,
        }
    }
}

impl Default for LatencySpec {
    /// 1 ms constant, as the engine's default link.
    fn default() -> Self {
        LatencySpec::constant(DurationStr::from_millis(1))
    }
}

impl Serialize for LatencySpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for LatencySpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LatencySpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a latency: \"5ms\", \"1ms..5ms\", or a table such as \
                     { dist = \"log-normal\", median = \"5ms\", sigma = 0.5 }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LatencySpec, E> {
                let offset = DurationStr::default();
                match v.split_once("..") {
                    Some((a, b)) => Ok(LatencySpec(LatencyTable::Uniform {
                        min: a.parse().map_err(E::custom)?,
                        max: b.parse().map_err(E::custom)?,
                        offset,
                    })),
                    None => Ok(LatencySpec(LatencyTable::Constant {
                        value: v.parse().map_err(E::custom)?,
                        offset,
                    })),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LatencySpec, A::Error> {
                LatencyTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(LatencySpec)
            }
        }
        d.deserialize_any(V)
    }
}

/// The `[network]` section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    /// Delay of every link without an override.
    #[serde(default)]
    pub latency: LatencySpec,
    /// Probability that a message is lost.
    #[serde(default)]
    pub loss: f64,
    /// Probability that a message is delivered twice.
    #[serde(default)]
    pub duplicate: f64,
    /// Bytes per second each link carries (unlimited when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<u64>,
    /// Deliver the messages of each directed link in send order.
    #[serde(default)]
    pub fifo: bool,
    /// Per-link overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkSpec>,
}

/// An override for the links from each node of `from` to each node of `to` (and back when
/// `both_ways`); what it leaves out is taken from the default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// Sending nodes.
    pub from: NodeList,
    /// Receiving nodes.
    pub to: NodeList,
    /// Also override the reverse direction.
    #[serde(default)]
    pub both_ways: bool,
    /// Delay on these links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySpec>,
    /// Loss on these links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    /// Duplication on these links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
    /// Bandwidth of these links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<u64>,
}

/// One node id or a list of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, expecting = "a node id or a list of node ids")]
pub enum NodeList {
    /// One node.
    One(u32),
    /// Several.
    Many(Vec<u32>),
}

impl NodeList {
    /// The ids.
    pub fn ids(&self) -> Vec<u32> {
        match self {
            NodeList::One(i) => vec![*i],
            NodeList::Many(v) => v.clone(),
        }
    }
}

/// A link model written with optional fields over a base model.
pub(crate) struct LinkPatch<'a> {
    pub latency: &'a Option<LatencySpec>,
    pub loss: Option<f64>,
    pub duplicate: Option<f64>,
    pub bandwidth: Option<u64>,
}

impl LinkPatch<'_> {
    /// The base model with the given fields replaced.
    pub(crate) fn over(&self, base: &LinkModel) -> LinkModel {
        LinkModel {
            latency: self
                .latency
                .as_ref()
                .map_or_else(|| base.latency.clone(), LatencySpec::to_sim),
            loss: self.loss.unwrap_or(base.loss),
            duplicate: self.duplicate.unwrap_or(base.duplicate),
            bandwidth: self.bandwidth.or(base.bandwidth),
        }
    }
}

impl NetworkSection {
    /// The default link model.
    pub fn default_link(&self) -> LinkModel {
        LinkModel {
            latency: self.latency.to_sim(),
            loss: self.loss,
            duplicate: self.duplicate,
            bandwidth: self.bandwidth,
        }
    }

    /// The engine's network configuration. Later overrides of the same link replace earlier
    /// ones.
    pub fn to_sim(&self) -> NetworkConfig {
        let default = self.default_link();
        let mut overrides: Vec<LinkOverride> = Vec::new();
        for l in &self.links {
            let model = LinkPatch {
                latency: &l.latency,
                loss: l.loss,
                duplicate: l.duplicate,
                bandwidth: l.bandwidth,
            }
            .over(&default);
            let mut pairs = Vec::new();
            for a in l.from.ids() {
                for b in l.to.ids() {
                    if a != b {
                        pairs.push((a, b));
                        if l.both_ways {
                            pairs.push((b, a));
                        }
                    }
                }
            }
            for (a, b) in pairs {
                overrides.retain(|o| (o.from, o.to) != (NodeId(a), NodeId(b)));
                overrides.push(LinkOverride {
                    from: NodeId(a),
                    to: NodeId(b),
                    model: model.clone(),
                });
            }
        }
        NetworkConfig {
            default,
            fifo: self.fifo,
            overrides,
        }
    }
}
