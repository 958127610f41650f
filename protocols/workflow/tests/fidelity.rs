//! The six recorded WfCommons instances on their recorded machines: with one slot per core and a
//! network that costs next to nothing, the engine adds almost nothing to the workflow's own
//! critical path, and every recorded makespan (which includes a real scheduler's queueing and
//! file staging) is longer than the simulated one.

mod common;

use common::instance;
use workflow::Policy;
use workflow::fidelity::fidelity;

#[test]
fn each_instance_runs_within_its_bounds_on_its_recorded_machines() {
    let instances = [
        ("1000genome-chameleon-2ch-100k-001.json", 1, 48),
        ("blast-chameleon-small-001.json", 2, 48),
        ("epigenomics-chameleon-ilmn-1seq-50k-001.json", 2, 96),
        ("helloworld-forkjoin-10-chameleon.json", 1, 64),
        ("montage-chameleon-2mass-01d-001.json", 1, 48),
        ("seismology-chameleon-100p-001.json", 3, 144),
    ];
    for (name, agents, slots) in instances {
        let w = instance(name);
        let limit = sim_core::Duration::from_secs(5_000);
        let f = fidelity(w, Policy::CriticalPath, limit).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((f.agents, f.slots), (agents, slots), "{name}");
        assert!(f.simulated_s >= f.lower_bound_s, "{name}: {f:?}");
        // Dispatch, heartbeats and result commits cost milliseconds per level of the DAG.
        assert!(
            f.simulated_s < f.lower_bound_s + 1.0,
            "{name}: the engine adds {:.3} s to the bound: {f:?}",
            f.simulated_s - f.lower_bound_s
        );
        assert!(f.simulated_s < f.recorded_s, "{name}: {f:?}");
    }
}
