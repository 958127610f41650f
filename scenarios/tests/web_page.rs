//! `clustersim export --format html`: the page carries the run that `clustersim run` makes,
//! and in headless Chromium it steps, seeks, selects, shows verdicts and draws what is at the
//! cursor. The browser tests are skipped with a message where Chromium is missing, except under
//! CI (`CI=true`), where they fail.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const FILE: &str = "raft/leader-crash.toml";
const TOUR: &str = "synod/tour-dueling-proposers.toml";
const RECORDED: &str = "0x437d91db7e612922";
const CHROMIUM: &str = "/usr/bin/chromium";

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn clustersim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_clustersim"))
}

type Page = (tempfile::TempDir, PathBuf, Value);

/// The exported page of the shipped leader-crash scenario, made once.
fn page() -> &'static Page {
    static PAGE: OnceLock<Page> = OnceLock::new();
    PAGE.get_or_init(|| export(FILE))
}

/// The exported page of the synod tour, made once.
fn tour_page() -> &'static Page {
    static PAGE: OnceLock<Page> = OnceLock::new();
    PAGE.get_or_init(|| export(TOUR))
}

fn export(file: &str) -> Page {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.html");
    clustersim()
        .arg("export")
        .arg(scenario(file))
        .args(["--format", "html", "-q", "-o"])
        .arg(&path)
        .assert()
        .success();
    let html = std::fs::read_to_string(&path).unwrap();
    let data = embedded_data(&html);
    (dir, path, data)
}

/// The JSON the page's script reads.
fn embedded_data(html: &str) -> Value {
    let open = r#"<script type="application/json" id="run-data">"#;
    let start = html.find(open).expect("the data element") + open.len();
    let end = start + html[start..].find("</script>").expect("its end");
    serde_json::from_str(&html[start..end]).expect("the data is JSON")
}

fn records(d: &Value) -> &Vec<Value> {
    d["records"].as_array().unwrap()
}

fn steps(d: &Value) -> Vec<(u64, usize)> {
    d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s[0].as_u64().unwrap(), s[1].as_u64().unwrap() as usize))
        .collect()
}

#[test]
fn the_page_carries_the_run_that_clustersim_run_makes() {
    let (_, _, d) = page();
    assert_eq!(d["fingerprint"], RECORDED);
    assert_eq!(d["protocol"], "raft");
    assert_eq!(d["servers"], 5);
    // Every trace record, in the order and number of the JSON Lines export of the same run.
    let jsonl = clustersim()
        .arg("export")
        .arg(scenario(FILE))
        .args(["--format", "jsonl", "-q"])
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(jsonl.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let recs = records(d);
    assert_eq!(recs.len(), lines.len());
    for (r, l) in recs.iter().zip(&lines) {
        assert_eq!(r[1], l["t"], "time of {l}");
    }
    // Steps cover the records in order, each starting where the last one ended.
    let s = steps(d);
    assert_eq!(s[0].1, 0);
    assert!(s.windows(2).all(|w| w[0].1 <= w[1].1 && w[0].0 <= w[1].0));
    // The crash of the leader at 2s is told in words.
    let crash = recs
        .iter()
        .find(|r| r[0] == "fault")
        .expect("a fault record");
    assert_eq!(crash[1], 2_000_000_000u64);
    assert!(crash[7].as_str().unwrap().starts_with("crash n"), "{crash}");
    // Every check of the run is there, passed.
    let checks = d["checks"].as_array().unwrap();
    for name in ["linearizable", "leader_within 1s", "converged_by 6s"] {
        let c = checks
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {checks:?}"));
        assert_eq!(c["passed"], true, "{c}");
    }
}

#[test]
fn a_run_too_large_for_the_limit_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.html");
    let assert = clustersim()
        .arg("export")
        .arg(scenario(FILE))
        .args(["--format", "html", "-q", "--max-size", "1", "-o"])
        .arg(&out)
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        err.contains("more than 1.0 MiB of the 1.0 MiB allowed (--max-size)"),
        "{err}"
    );
    assert!(err.contains("shorten the run"), "{err}");
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no leftovers"
    );
}

/// Chromium, or `None` (with a message) where it is missing outside CI.
fn chromium() -> Option<&'static str> {
    if Path::new(CHROMIUM).exists() {
        return Some(CHROMIUM);
    }
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "CI=true but {CHROMIUM} is missing: install Debian's chromium package"
    );
    eprintln!("skipped: {CHROMIUM} is not installed (apt-get install chromium)");
    None
}

/// Loads the page with the scripted actions `actions` (`step,seek:2s,select:1`), and returns
/// the document as the script left it; with `shot`, also a 1280x1000 screenshot there.
fn browse(browser: &str, actions: &str, shot: Option<&Path>) -> String {
    browse_page(page(), browser, actions, shot)
}

fn browse_page(page: &Page, browser: &str, actions: &str, shot: Option<&Path>) -> String {
    let (dir, path, _) = page;
    let profile = tempfile::tempdir_in(dir.path()).unwrap();
    let url = format!("file://{}#do={actions}", path.display());
    let mut cmd = std::process::Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=1280,1000",
        "--virtual-time-budget=5000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    match shot {
        Some(p) => cmd.arg(format!("--screenshot={}", p.display())),
        None => cmd.arg("--dump-dom"),
    };
    let out = cmd.arg(&url).output().expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The value of `data-NAME` on the body.
fn body_data(dom: &str, name: &str) -> String {
    let body = &dom[dom.find("<body").unwrap()..];
    let body = &body[..body.find('>').unwrap()];
    let key = format!("data-{name}=\"");
    let at = body.find(&key).unwrap_or_else(|| panic!("{key} in {body}")) + key.len();
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

/// The text inside the element with this id (tags stripped).
fn text_of(dom: &str, id: &str) -> String {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id}"));
    let start = at + dom[at..].find('>').unwrap() + 1;
    // Far enough for any panel; the next section ends it.
    let end = dom[start..]
        .find("</section>")
        .map_or(dom.len(), |e| start + e);
    let mut text = String::new();
    let mut in_tag = false;
    for c in dom[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
}

#[test]
fn stepping_seeking_and_selecting_move_the_cursor_where_the_data_says() {
    let Some(browser) = chromium() else { return };
    let (_, _, d) = page();
    let recs = records(d);
    let s = steps(d);
    assert_eq!(body_data(&browse(browser, "", None), "step"), "0");
    // Three steps forward and one back: the status tells the last record of step 2.
    let dom = browse(browser, "step,step,step,back", None);
    assert_eq!(body_data(&dom, "ready"), "1");
    assert_eq!(body_data(&dom, "step"), "2");
    let last = recs[s[2].1 - 1][7].as_str().unwrap();
    assert!(text_of(&dom, "status").contains(last), "{last}");
    // Seek past the crash and select the crashed node: every step up to that time is done,
    // and the inspector says it is down.
    let crash = recs.iter().find(|r| r[0] == "fault").unwrap()[7]
        .as_str()
        .unwrap();
    let crashed: u32 = crash["crash n".len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let dom = browse(browser, &format!("seek:2.5s,select:{crashed}"), None);
    let by = s.iter().filter(|st| st.0 <= 2_500_000_000).count();
    assert_eq!(body_data(&dom, "step"), by.to_string());
    assert_eq!(body_data(&dom, "time"), "2500000000");
    assert!(text_of(&dom, "inspector").contains(&format!("n{crashed} is down.")));
    // Before the end every check reads pending; at the end each has its verdict.
    assert!(text_of(&dom, "checks").contains("pending linearizable"));
    let dom = browse(browser, "end", None);
    assert_eq!(body_data(&dom, "step"), s.len().to_string());
    let checks = text_of(&dom, "checks");
    assert!(checks.contains("PASS linearizable"), "{checks}");
    assert!(!checks.contains("pending"), "{checks}");
    // A click on a line of the event log seeks to that record's step.
    let dom = browse(browser, "seek:1s,record:0", None);
    assert_eq!(body_data(&dom, "step"), "1");
}

/// Decodes a PNG screenshot into (width, RGB pixels).
fn pixels(path: &Path) -> (usize, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let px = buf[..info.buffer_size()]
        .chunks(step)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    (info.width as usize, px)
}

/// Pixels within 12 of `rgb` on every channel, in the scene's part of the window.
fn count_colour(shot: &(usize, Vec<[u8; 3]>), rgb: [u8; 3]) -> usize {
    let (width, px) = shot;
    px.iter()
        .enumerate()
        .filter(|(i, p)| {
            let (x, y) = (i % width, i / width);
            // The scene: left of the side panel, below the timeline, above the legend.
            x < 740
                && (175..560).contains(&y)
                && p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 12)
        })
        .count()
}

#[test]
fn the_scene_draws_the_leader_and_the_messages_in_flight_at_the_cursor() {
    let Some(browser) = chromium() else { return };
    let (dir, _, d) = page();
    let recs = records(d);
    let s = steps(d);
    let colour = |css: &str| -> [u8; 3] {
        let v = u32::from_str_radix(&css[1..], 16).unwrap();
        [(v >> 16) as u8, (v >> 8) as u8, v as u8]
    };
    let leader = colour(
        d["class_colours"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[0] == "leader")
            .unwrap()[1]
            .as_str()
            .unwrap(),
    );
    // At the start nobody leads; just after the first election, one node is drawn as leader.
    let start = dir.path().join("start.png");
    browse(browser, "start", Some(&start));
    let elected = recs
        .iter()
        .find(|r| r[0] == "mark" && r[9] == "elected")
        .unwrap()[1]
        .as_u64()
        .unwrap();
    let after = dir.path().join("elected.png");
    let at = format!("{}us", elected / 1000 + 1);
    let dom = browse(browser, &format!("seek:{at}"), None);
    browse(browser, &format!("seek:{at}"), Some(&after));
    let before = count_colour(&pixels(&start), leader);
    let now = count_colour(&pixels(&after), leader);
    // A node is a disc of radius 18: about 1,000 pixels.
    assert!(
        before < 100,
        "leader-coloured pixels at the start: {before}"
    );
    assert!(
        now > 700,
        "leader-coloured pixels after the election: {now}"
    );
    // The messages in flight are those sent by the cursor's step and not yet arrived by it.
    let t: u64 = body_data(&dom, "time").parse().unwrap();
    let done_steps = s.iter().filter(|st| st.0 <= t).count();
    let done = s.get(done_steps).map_or(recs.len(), |st| st.1);
    let mut arrival = std::collections::BTreeMap::new();
    for (i, r) in recs.iter().enumerate() {
        if r[0] == "deliver" || r[0] == "drop" {
            arrival.entry(r[6].as_u64().unwrap()).or_insert(i);
        }
    }
    let in_flight = recs[..done]
        .iter()
        .filter(|r| r[0] == "send")
        .filter(|r| match arrival.get(&r[6].as_u64().unwrap()) {
            Some(&a) => a >= done,
            None => r[5].as_u64().is_some_and(|due| due > t),
        })
        .count();
    assert!(
        in_flight > 0,
        "the new leader's first messages are on their way"
    );
    assert_eq!(body_data(&dom, "in-flight"), in_flight.to_string());
}

#[test]
fn every_shipped_tour_reaches_all_its_stops() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut tours = 0;
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        for f in files {
            let f = f.unwrap().path();
            let is_tour = f
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("tour-") && n.ends_with(".toml"));
            if !is_tour {
                continue;
            }
            tours += 1;
            let rel = f.strip_prefix(root).unwrap().to_str().unwrap().to_string();
            let (_, _, d) = export(&rel);
            let stops = d["tour"].as_array().unwrap();
            assert_eq!(d["tour_missed"], 0, "{rel}: a stop never happens");
            assert!(stops.len() >= 5, "{rel}: {} stops", stops.len());
            let times: Vec<u64> = stops.iter().map(|s| s["at"].as_u64().unwrap()).collect();
            assert!(
                times.windows(2).all(|w| w[0] <= w[1]),
                "{rel}: in time order"
            );
            assert!(
                stops
                    .iter()
                    .skip(1)
                    .all(|s| !s["nodes"].as_array().unwrap().is_empty()),
                "{rel}: every stop after the first points at a node"
            );
        }
    }
    // Raft: election, replication, leader crash, partition; single-decree Paxos; gossip.
    assert_eq!(tours, 6);
}

#[test]
fn the_tour_moves_from_stop_to_stop_and_playing_pauses_at_the_next() {
    let Some(browser) = chromium() else { return };
    let (_, _, d) = tour_page();
    let stops = d["tour"].as_array().unwrap();
    let at = |i: usize| stops[i]["at"].as_u64().unwrap().to_string();
    let dom = browse_page(tour_page(), browser, "", None);
    assert_eq!(
        body_data(&dom, "tour-stop"),
        "1",
        "the stop at 0s shows at once"
    );
    let dom = browse_page(
        tour_page(),
        browser,
        "tour:next,tour:next,tour:next,tour:prev",
        None,
    );
    assert_eq!(body_data(&dom, "tour-stop"), "3");
    assert_eq!(body_data(&dom, "time"), at(2));
    let text = stops[2]["text"].as_str().unwrap();
    assert!(text_of(&dom, "tour-text").contains(&text[..40]), "{text}");
    // Played from the start, the page stops at the second stop, which asks for a pause.
    let dom = browse_page(tour_page(), browser, "speed:1e6,play", None);
    assert_eq!(body_data(&dom, "tour-stop"), "2");
    assert_eq!(body_data(&dom, "time"), at(1));
    assert!(text_of(&dom, "play").contains("play"), "paused");
}
