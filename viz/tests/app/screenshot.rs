//! The real window, rendered by Mesa's software Vulkan driver under Xvfb: a Raft scenario at a
//! moment with a leader and messages in flight is saved as a PNG, and the picture must show the
//! nodes and messages in their colours where the scene put them.
//!
//! Needs `xvfb-run` (packages xvfb, mesa-vulkan-drivers, libvulkan1). Without it the test is
//! skipped with a message, except under CI (`CI=true`), where it fails. The PNG is kept at
//! `target/screenshots/raft-happy-path.png` (CI keeps it as an artifact).

use std::path::{Path, PathBuf};
use std::process::Command;
use viz::capture::{Expected, sidecar};
use viz::panels::{LEFT, TOP};

fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

fn out_dir() -> PathBuf {
    // tests run with the package as working directory; the workspace target is one up.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("screenshots")
}

/// Colours closer than this (sum of channel differences) count as the same.
const TOLERANCE: u32 = 60;

fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter()
        .zip(b)
        .map(|(x, y)| u32::from(x.abs_diff(y)))
        .sum::<u32>()
        <= TOLERANCE
}

#[test]
fn a_raft_cluster_with_a_leader_and_messages_in_flight_is_drawn() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !have("xvfb-run") {
        assert!(
            !ci,
            "CI=true but xvfb-run is missing: install xvfb mesa-vulkan-drivers libvulkan1"
        );
        eprintln!(
            "skipped: xvfb-run is not installed (apt-get install xvfb mesa-vulkan-drivers libvulkan1)"
        );
        return;
    }
    let dir = out_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("raft-happy-path.png");
    let _ = std::fs::remove_file(&png);
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/raft/happy-path.toml");
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_clustersim-viz"))
        .arg(&scenario)
        .args(["--at", "1.2s", "--screenshot"])
        .arg(&png)
        .output()
        .expect("running xvfb-run");
    assert!(
        out.status.success(),
        "clustersim-viz failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Expected =
        serde_json::from_str(&std::fs::read_to_string(sidecar(&png)).unwrap()).unwrap();
    let img = image::open(&png).expect("a PNG").to_rgb8();
    assert_eq!(
        (img.width(), img.height()),
        (expected.width, expected.height)
    );
    let at = |x: u32, y: u32| {
        img.get_pixel(x.min(img.width() - 1), y.min(img.height() - 1))
            .0
    };

    // Not blank: many distinct colours.
    let mut colours: Vec<[u8; 3]> = img.pixels().step_by(97).map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 50,
        "only {} distinct colours",
        colours.len()
    );

    // A leader, drawn in the leader's colour, and every node in its colour at its centre.
    let leader = expected.leader.expect("a leader at 1.2s");
    assert_eq!(expected.nodes.len(), 8, "5 servers and 3 clients");
    let leader_rgb = expected.nodes[leader as usize].rgb;
    for (i, n) in expected.nodes.iter().enumerate() {
        let got = at(n.x, n.y);
        assert!(
            close(got, n.rgb),
            "{}: expected {:?} at ({}, {}), got {got:?}",
            n.what,
            n.rgb,
            n.x,
            n.y
        );
        if i != leader as usize && i < 5 {
            assert!(
                !close(n.rgb, leader_rgb),
                "{} has the leader's colour",
                n.what
            );
        }
    }

    // Messages in flight, each in its kind's colour where it should be.
    assert!(
        !expected.messages.is_empty(),
        "no message in flight clear of the nodes"
    );
    let mut matched = 0;
    for m in &expected.messages {
        let got = at(m.x, m.y);
        if close(got, m.rgb) {
            matched += 1;
        } else {
            eprintln!(
                "{}: expected {:?} at ({}, {}), got {got:?}",
                m.what, m.rgb, m.x, m.y
            );
        }
    }
    assert!(
        matched * 10 >= expected.messages.len() * 9,
        "only {matched} of {} messages drawn where expected",
        expected.messages.len()
    );
    // Message colours differ from the background (a corner of the scene, clear of the panels).
    let background = at(LEFT as u32 + 8, TOP as u32 + 8);
    assert!(expected.messages.iter().all(|m| !close(m.rgb, background)));
}
