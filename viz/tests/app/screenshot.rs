//! The real window, rendered by Mesa's software Vulkan driver under Xvfb: a Raft scenario at a
//! moment with a leader and messages in flight is saved as a PNG, and the picture must show the
//! nodes and messages in their colours where the scene put them. The scenario picker and a
//! Multi-Paxos leader's inspector are captured too, and held to the window by the panel
//! rectangles the sidecar reports.
//!
//! Needs `xvfb-run` (packages xvfb, mesa-vulkan-drivers, libvulkan1). Without it the tests are
//! skipped with a message, except under CI (`CI=true`), where they fail. The PNGs are kept in
//! `target/screenshots/` (CI keeps them as artifacts).

use std::path::{Path, PathBuf};
use std::process::Command;
use viz::capture::{Expected, PanelRect, sidecar};
use viz::panels::{LEFT, RIGHT, TOP};

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

/// Runs the front end under Xvfb with `args` and a screenshot to `target/screenshots/NAME`;
/// the sidecar and the picture, or `None` (with a message) where Xvfb is missing outside CI.
fn capture(name: &str, args: &[&str]) -> Option<(Expected, image::RgbImage)> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !have("xvfb-run") {
        assert!(
            !ci,
            "CI=true but xvfb-run is missing: install xvfb mesa-vulkan-drivers libvulkan1"
        );
        eprintln!(
            "skipped: xvfb-run is not installed (apt-get install xvfb mesa-vulkan-drivers libvulkan1)"
        );
        return None;
    }
    let dir = out_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join(name);
    let _ = std::fs::remove_file(&png);
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_clustersim-viz"))
        .args(args)
        .arg("--screenshot")
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
    Some((expected, img))
}

fn library(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(file)
        .to_string_lossy()
        .into_owned()
}

/// The rectangle the sidecar gives for panel `name`.
fn panel<'a>(expected: &'a Expected, name: &str) -> &'a PanelRect {
    expected
        .panels
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", expected.panels))
}

#[test]
fn the_picker_fits_the_window_and_its_list_scrolls() {
    let Some((expected, _)) = capture("picker.png", &[]) else {
        return;
    };
    let picker = panel(&expected, "picker");
    assert!(
        picker.y >= 0.0 && picker.y + picker.height <= expected.height as f32,
        "the picker runs off an {}-pixel window: {picker:?}",
        expected.height
    );
}

#[test]
fn the_inspector_keeps_its_width_for_a_multi_paxos_leader() {
    let scenario = library("paxos/happy-path.toml");
    let Some((expected, _)) = capture(
        "paxos-inspector.png",
        &[scenario.as_str(), "--at", "1s", "--select", "1"],
    ) else {
        return;
    };
    let inspector = panel(&expected, "inspector");
    // The panel's frame adds nothing beyond RIGHT; a pixel of rounding either way.
    let scale = expected.width as f32 / 1280.0;
    assert!(
        inspector.width <= (RIGHT + 1.0) * scale,
        "the inspector grew to {} pixels (at most {})",
        inspector.width,
        RIGHT * scale
    );
    assert!(
        inspector.x + inspector.width <= expected.width as f32 + 1.0,
        "{inspector:?}"
    );
}

#[test]
fn a_raft_cluster_with_a_leader_and_messages_in_flight_is_drawn() {
    let scenario = library("raft/happy-path.toml");
    let Some((expected, img)) =
        capture("raft-happy-path.png", &[scenario.as_str(), "--at", "1.2s"])
    else {
        return;
    };
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
