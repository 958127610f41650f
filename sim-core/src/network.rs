//! The simulated network: per-link delay, loss, duplication, FIFO order, bandwidth, and
//! directed partitions.
//!
//! For each send the network draws from the network stream in a fixed order: loss (only if the
//! link's loss is above zero), delay, duplication (only if above zero), the duplicate's delay.
//! A blocked link draws nothing.

use crate::latency::Latency;
use crate::net_rng::NetRng;
use crate::partition::Partition;
use crate::rng::Draw;
use crate::{Duration, NodeId, SimError, Time};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How one directed link behaves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkModel {
    /// One-way delay.
    pub latency: Latency,
    /// Probability that a message is lost, in `[0, 1]`.
    #[serde(default)]
    pub loss: f64,
    /// Probability that a message is delivered twice, in `[0, 1]`.
    #[serde(default)]
    pub duplicate: f64,
    /// Bytes per second the link can carry; a message then waits for the link to be free and
    /// for its own transmission time. `None` means unlimited.
    #[serde(default)]
    pub bandwidth: Option<u64>,
}

impl LinkModel {
    /// A lossless, unlimited link with the given delay.
    pub fn with_latency(latency: Latency) -> LinkModel {
        LinkModel {
            latency,
            loss: 0.0,
            duplicate: 0.0,
            bandwidth: None,
        }
    }

    /// Rejects probabilities outside `[0, 1]`, a zero bandwidth and impossible delays.
    pub fn validate(&self) -> Result<(), SimError> {
        for (name, p) in [("loss", self.loss), ("duplicate", self.duplicate)] {
            if !(0.0..=1.0).contains(&p) {
                return Err(SimError::Invalid {
                    what: name.to_string(),
                    why: format!("a probability in [0, 1] was expected, got {p}"),
                });
            }
        }
        if self.bandwidth == Some(0) {
            return Err(SimError::Invalid {
                what: "bandwidth".into(),
                why: "must be at least 1 byte per second (omit it for unlimited)".into(),
            });
        }
        self.latency.validate()
    }
}

impl Default for LinkModel {
    /// 1 ms constant delay, nothing lost.
    fn default() -> Self {
        LinkModel::with_latency(Latency::constant(Duration::from_millis(1)))
    }
}

/// The network's configuration at the start of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// The model of every link without an override.
    #[serde(default)]
    pub default: LinkModel,
    /// Deliver messages on each directed link in the order they were sent.
    #[serde(default)]
    pub fifo: bool,
    /// Models for particular directed links.
    #[serde(default)]
    pub overrides: Vec<LinkOverride>,
}

/// A model for one directed link (`from -> to`) that replaces the default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkOverride {
    /// Sending node.
    pub from: NodeId,
    /// Receiving node.
    pub to: NodeId,
    /// The link's model.
    pub model: LinkModel,
}

/// Why the network did not deliver a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// The link's loss probability struck.
    Loss,
    /// The link was cut when the message was sent or when it arrived.
    Partition,
    /// The receiver was crashed when the message arrived.
    NodeDown,
}

impl DropReason {
    /// Stable name for the trace.
    pub const fn as_str(self) -> &'static str {
        match self {
            DropReason::Loss => "loss",
            DropReason::Partition => "partition",
            DropReason::NodeDown => "node-down",
        }
    }
    pub(crate) const fn code(self) -> u8 {
        self as u8
    }
}

/// What the network decided for one send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Routing {
    /// Not sent on: the reason.
    Dropped(DropReason),
    /// Delivered at the first time, and a duplicate at the second if any.
    Deliver(Time, Option<Time>),
}

/// Message kinds and what they suffer on top of their link's model.
type KindExtra = (Vec<String>, LinkModel);

/// The network's state during a run.
#[derive(Clone, Debug)]
pub(crate) struct Network {
    default: LinkModel,
    overrides: BTreeMap<(NodeId, NodeId), LinkModel>,
    fifo: bool,
    /// Latest delivery time per link, for FIFO order.
    last_due: BTreeMap<(NodeId, NodeId), Time>,
    /// When each bandwidth-limited link is next free.
    busy_until: BTreeMap<(NodeId, NodeId), Time>,
    /// Extra delay, loss and duplication for some message kinds on some links, in the order
    /// they were imposed ([`crate::Fault::DegradeKinds`]).
    kind_extras: BTreeMap<(NodeId, NodeId), Vec<KindExtra>>,
    pub(crate) partition: Partition,
}

impl Network {
    pub(crate) fn new(config: &NetworkConfig, nodes: u32) -> Result<Network, SimError> {
        config.default.validate()?;
        let mut overrides = BTreeMap::new();
        for o in &config.overrides {
            for n in [o.from, o.to] {
                if n.0 >= nodes {
                    return Err(SimError::UnknownNode { node: n, nodes });
                }
            }
            o.model.validate()?;
            overrides.insert((o.from, o.to), o.model.clone());
        }
        Ok(Network {
            default: config.default.clone(),
            overrides,
            fifo: config.fifo,
            last_due: BTreeMap::new(),
            busy_until: BTreeMap::new(),
            kind_extras: BTreeMap::new(),
            partition: Partition::new(nodes),
        })
    }

    /// The model in force on `from -> to`.
    #[inline]
    pub(crate) fn model(&self, from: NodeId, to: NodeId) -> &LinkModel {
        if self.overrides.is_empty() {
            return &self.default;
        }
        self.overrides.get(&(from, to)).unwrap_or(&self.default)
    }

    pub(crate) fn set_default(&mut self, model: LinkModel) {
        self.default = model;
    }

    pub(crate) fn set_link(&mut self, from: NodeId, to: NodeId, model: Option<LinkModel>) {
        match model {
            Some(m) => {
                self.overrides.insert((from, to), m);
            }
            None => {
                self.overrides.remove(&(from, to));
                self.kind_extras.remove(&(from, to));
            }
        }
    }

    /// Adds an extra model for messages of `kinds` on `from -> to`.
    pub(crate) fn degrade_kinds(
        &mut self,
        from: NodeId,
        to: NodeId,
        kinds: &[String],
        extra: LinkModel,
    ) {
        self.kind_extras
            .entry((from, to))
            .or_default()
            .push((kinds.to_vec(), extra));
    }

    /// Decides the fate of one message of `kind` sent now.
    #[inline]
    pub(crate) fn route(
        &mut self,
        from: NodeId,
        to: NodeId,
        kind: &str,
        size: u64,
        now: Time,
        rng: &mut NetRng,
    ) -> Routing {
        if self.partition.blocks(from, to) {
            return Routing::Dropped(DropReason::Partition);
        }
        let fifo = self.fifo;
        let model = if self.overrides.is_empty() {
            &self.default
        } else {
            self.overrides.get(&(from, to)).unwrap_or(&self.default)
        };
        if rng.chance(model.loss) {
            return Routing::Dropped(DropReason::Loss);
        }
        let sent = match model.bandwidth {
            None => now,
            Some(rate) => {
                let tx = Duration(transmission_nanos(size, rate));
                let free = self.busy_until.entry((from, to)).or_insert(Time::ZERO);
                let done = (*free).max(now) + tx;
                *free = done;
                done
            }
        };
        let mut first = sent + model.latency.sample_from(rng);
        let mut second = if rng.chance(model.duplicate) {
            Some(sent + model.latency.sample_from(rng))
        } else {
            None
        };
        if !self.kind_extras.is_empty()
            && let Some(extras) = self.kind_extras.get(&(from, to))
        {
            // Draws happen only for the kinds named, so other messages replay as before.
            for (kinds, extra) in extras {
                if !kinds.iter().any(|k| k == kind) {
                    continue;
                }
                if rng.chance(extra.loss) {
                    return Routing::Dropped(DropReason::Loss);
                }
                let base = first;
                first += extra.latency.sample_from(rng);
                second = second.map(|t| t + extra.latency.sample_from(rng));
                if second.is_none() && rng.chance(extra.duplicate) {
                    second = Some(base + extra.latency.sample_from(rng));
                }
            }
        }
        if !fifo {
            return Routing::Deliver(first, second);
        }
        let last = self.last_due.entry((from, to)).or_insert(Time::ZERO);
        let first = first.max(*last);
        *last = first;
        let second = second.map(|t| {
            let t = t.max(*last);
            *last = t;
            t
        });
        Routing::Deliver(first, second)
    }
}

/// Nanoseconds needed to put `size` bytes on a link of `rate` bytes per second (rounded up).
fn transmission_nanos(size: u64, rate: u64) -> u64 {
    let n = u128::from(size) * 1_000_000_000;
    let r = u128::from(rate.max(1));
    u64::try_from(n.div_ceil(r)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{SimRng, Stream};

    #[test]
    fn bandwidth_queues_messages_behind_each_other() {
        let mut model = LinkModel::with_latency(Latency::constant(Duration::from_millis(1)));
        model.bandwidth = Some(1_000_000); // 1 MB/s: 1000 bytes take 1 ms
        let config = NetworkConfig {
            default: model,
            ..NetworkConfig::default()
        };
        let mut net = Network::new(&config, 2).unwrap();
        let mut rng = NetRng::new(SimRng::new(1, Stream::Network));
        let route = |net: &mut Network, rng: &mut NetRng| {
            net.route(NodeId(0), NodeId(1), "m", 1000, Time::ZERO, rng)
        };
        let ms = |n: u64| Time(n * 1_000_000);
        assert_eq!(route(&mut net, &mut rng), Routing::Deliver(ms(2), None));
        assert_eq!(route(&mut net, &mut rng), Routing::Deliver(ms(3), None));
        // The reverse direction has its own queue.
        assert_eq!(
            net.route(NodeId(1), NodeId(0), "m", 1000, Time::ZERO, &mut rng),
            Routing::Deliver(ms(2), None)
        );
    }

    #[test]
    fn fifo_never_lets_a_later_send_overtake() {
        let config = NetworkConfig {
            default: LinkModel::with_latency(Latency::uniform(
                Duration::from_millis(1),
                Duration::from_millis(50),
            )),
            fifo: true,
            ..NetworkConfig::default()
        };
        let mut net = Network::new(&config, 2).unwrap();
        let mut rng = NetRng::new(SimRng::new(5, Stream::Network));
        let mut last = Time::ZERO;
        for i in 0..1000u64 {
            match net.route(NodeId(0), NodeId(1), "m", 10, Time(i * 100_000), &mut rng) {
                Routing::Deliver(t, None) => {
                    assert!(t >= last);
                    last = t;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn validation_names_the_bad_parameter() {
        let m = LinkModel {
            loss: 1.5,
            ..LinkModel::default()
        };
        let err = m.validate().unwrap_err().to_string();
        assert!(err.contains("loss") && err.contains("[0, 1]"), "{err}");
        let m = LinkModel::with_latency(Latency::uniform(Duration(5), Duration(1)));
        assert!(m.validate().unwrap_err().to_string().contains("min <= max"));
    }
}
