//! The network's random behaviour against analytic values, over at least 100,000 samples.
//!
//! Tolerances: means within 1.5% (for the heavy-tailed Pareto with shape 3, 3%); quantiles
//! within 2% of the analytic quantile; loss and duplication rates within 0.005 of the
//! configured probability. With 200,000 samples these bounds are several standard errors wide,
//! and any systematic error in a sampler (a wrong parameterisation, a missing factor of two)
//! is far outside them.

mod common;

use common::{Note, Recorder, ms};
use sim_core::latency::standard_normal_quantile;
use sim_core::{
    Dist, Duration, Latency, LinkModel, NetworkConfig, NodeId, SimConfig, SimRng, Simulation,
    Stream,
};

const SAMPLES: usize = 200_000;

fn samples(latency: &Latency) -> Vec<f64> {
    let mut rng = SimRng::new(2024, Stream::Network);
    let mut v: Vec<f64> = (0..SAMPLES)
        .map(|_| latency.sample(&mut rng).as_nanos() as f64)
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

fn close(what: &str, got: f64, want: f64, rel: f64) {
    let err = (got - want).abs() / want.abs().max(1.0);
    assert!(
        err <= rel,
        "{what}: got {got:.1}, want {want:.1} (rel. error {err:.4} > {rel})"
    );
}

fn check(latency: Latency, mean_tol: f64) {
    let v = samples(&latency);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    close(
        &format!("{latency:?} mean"),
        mean,
        latency.mean_nanos(),
        mean_tol,
    );
    for q in [0.1, 0.5, 0.9, 0.99] {
        if let Some(want) = latency.dist.quantile_nanos(q) {
            let want = want + latency.offset.as_nanos() as f64;
            close(
                &format!("{latency:?} p{}", q * 100.0),
                quantile(&v, q),
                want,
                0.02,
            );
        }
    }
}

const MS: Duration = Duration::from_millis(1);

#[test]
fn constant_is_constant() {
    let v = samples(&Latency::constant(Duration::from_micros(1500)));
    assert!(v.iter().all(|&x| x == 1_500_000.0));
}

#[test]
fn uniform_matches() {
    check(
        Latency::uniform(Duration::from_millis(5), Duration::from_millis(15)),
        0.015,
    );
    let v = samples(&Latency::uniform(MS, Duration::from_millis(3)));
    assert!(v.first().unwrap() >= &1e6 && v.last().unwrap() <= &3e6);
}

#[test]
fn exponential_matches_and_offsets_shift_it() {
    check(Latency::exponential(Duration::from_millis(10)), 0.015);
    check(Latency::exponential(MS).plus(MS), 0.015);
    let v = samples(&Latency::exponential(MS).plus(MS));
    assert!(v[0] >= 1e6, "an offset is a floor");
}

#[test]
fn normal_matches_its_quantiles_and_is_truncated_at_zero() {
    let lat = Latency::normal(Duration::from_millis(20), Duration::from_millis(4));
    check(lat.clone(), 0.015);
    let v = samples(&lat);
    for (q, z) in [(0.1, -1.2815515655), (0.5, 0.0), (0.9, 1.2815515655)] {
        close("normal quantile", quantile(&v, q), 20e6 + z * 4e6, 0.02);
        close("z", standard_normal_quantile(q), z, 1e-6);
    }
    // Mostly below zero: every draw is still >= 0 and the mean follows the truncation.
    let trunc = Latency::normal(MS, Duration::from_millis(2));
    let v = samples(&trunc);
    assert!(v[0] >= 0.0);
    close(
        "truncated mean",
        v.iter().sum::<f64>() / v.len() as f64,
        trunc.mean_nanos(),
        0.015,
    );
}

#[test]
fn log_normal_matches() {
    check(Latency::log_normal(Duration::from_millis(8), 0.5), 0.015);
}

#[test]
fn pareto_matches() {
    check(Latency::pareto(Duration::from_millis(2), 3.0), 0.03);
    let v = samples(&Latency::pareto(Duration::from_millis(2), 1.5));
    assert!(v[0] >= 2e6, "Pareto never goes below its scale");
    close(
        "pareto median",
        quantile(&v, 0.5),
        2e6 * 2f64.powf(1.0 / 1.5),
        0.02,
    );
}

#[test]
fn every_distribution_round_trips_through_serde() {
    for d in [
        Dist::Constant { value: MS },
        Dist::Uniform { min: MS, max: MS },
        Dist::Normal {
            mean: MS,
            std_dev: MS,
        },
        Dist::Exponential { mean: MS },
        Dist::LogNormal {
            median: MS,
            sigma: 0.5,
        },
        Dist::Pareto {
            scale: MS,
            shape: 2.0,
        },
    ] {
        let l = Latency {
            offset: MS,
            dist: d,
        };
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(serde_json::from_str::<Latency>(&json).unwrap(), l, "{json}");
    }
}

/// Sends `count` pings from node 0 to node 1 over a link with the given loss and duplication,
/// and returns the simulation after every message has landed.
fn flood(loss: f64, duplicate: f64, count: usize) -> Simulation<Recorder> {
    let mut model = LinkModel::with_latency(Latency::uniform(MS, Duration::from_millis(10)));
    model.loss = loss;
    model.duplicate = duplicate;
    let config = SimConfig {
        seed: 99,
        network: NetworkConfig {
            default: model,
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim = Simulation::<Recorder>::new(config, vec![(); 2]).unwrap();
    sim.run_until(ms(0)).unwrap();
    sim.input(NodeId(0), "flood", |_, ctx| {
        for i in 0..count as u64 {
            ctx.send(NodeId(1), Note::Ping(i));
        }
    })
    .unwrap();
    sim.run_until(ms(100)).unwrap();
    sim
}

#[test]
fn loss_and_duplication_rates_match_their_probabilities() {
    let sim = flood(0.1, 0.05, SAMPLES);
    let s = sim.stats();
    assert_eq!(s.sent, SAMPLES as u64);
    let loss = s.dropped_loss as f64 / s.sent as f64;
    let dup = s.duplicated as f64 / (s.sent - s.dropped_loss) as f64;
    assert!((loss - 0.1).abs() < 0.005, "loss rate {loss}");
    assert!((dup - 0.05).abs() < 0.005, "duplication rate {dup}");
    let received = sim.node(NodeId(1)).unwrap().received.len() as u64;
    assert_eq!(received, s.sent - s.dropped_loss + s.duplicated);
    assert_eq!(s.delivered, received);
}

#[test]
fn a_perfect_link_delivers_everything_once() {
    let sim = flood(0.0, 0.0, 10_000);
    let got = &sim.node(NodeId(1)).unwrap().received;
    assert_eq!(got.len(), 10_000);
    let mut ids: Vec<u64> = got
        .iter()
        .map(|(_, _, n)| match n {
            Note::Ping(i) => *i,
            Note::Pong(_) | Note::Stored(_) => panic!("only pings were sent"),
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 10_000);
}
