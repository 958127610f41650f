//! What the exported page carries: the run's trace records (each with its sentence), the step
//! each one belongs to, the node views wherever they changed, and the verdicts. It is written
//! into the page as one JSON document; the page's script reads nothing else.

use serde::Serialize;
use serde::ser::{SerializeTuple, Serializer};
use sim_core::NodeView;

/// Everything the page shows.
#[derive(Debug, Default, Serialize)]
pub struct PageData {
    /// The scenario's name.
    pub title: String,
    /// The scenario's description.
    pub description: String,
    /// The scenario file, as given.
    pub file: String,
    /// The protocol's registered name.
    pub protocol: String,
    /// The run's seed.
    pub seed: u64,
    /// Servers and clients.
    pub nodes: u32,
    /// Servers (ids `0..servers`).
    pub servers: u32,
    /// The virtual time the run ended at, in nanoseconds.
    pub end: u64,
    /// The run's fingerprint, as `clustersim run` prints it.
    pub fingerprint: String,
    /// Links to draw between servers (none when there are too many to draw).
    pub edges: Vec<(u32, u32)>,
    /// Message kinds, numbered by first appearance; records refer to them by number.
    pub kinds: Vec<String>,
    /// The colour of each kind, as CSS.
    pub kind_colours: Vec<String>,
    /// The colour of each role class, as CSS, by the class's name.
    pub class_colours: Vec<(String, String)>,
    /// Every trace record, in trace order.
    pub records: Vec<Record>,
    /// Per step, its time and the position of its first record: stepping moves by steps.
    pub steps: Vec<(u64, u32)>,
    /// Where a node's view changed: `(steps done, node, view)`, the view a position in
    /// `views` (`-1`: the node is down).
    pub changes: Vec<(u32, u32, i64)>,
    /// Distinct views, each kept once.
    pub views: Vec<ShownView>,
    /// The checks judged at the end of the run.
    pub checks: Vec<Verdict>,
    /// The invariant the run stopped on, in words.
    pub violation: Option<String>,
    /// The guided tour's stops that the run reached, in time order.
    pub tour: Vec<TourStop>,
    /// How many of the tour's stops the run never reached.
    pub tour_missed: usize,
}

/// A stop of the guided tour, placed in the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TourStop {
    /// Virtual time in nanoseconds.
    pub at: u64,
    /// What it says.
    pub text: String,
    /// Nodes to highlight.
    pub nodes: Vec<u32>,
    /// Whether playing pauses here.
    pub pause: bool,
}

/// One trace record, written as an array: `[tells, time, a, b, kind, due, message, sentence,
/// payload, mark]`. `a` and `b` are the sender and receiver of a message, or the node of anything
/// else (`-1`: none); `kind` numbers a message kind (`-1`: not a message).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// What it tells of ([`crate::narrate::Tells::name`]).
    pub tells: &'static str,
    /// Virtual time in nanoseconds.
    pub time: u64,
    /// Sender, or the node.
    pub a: i64,
    /// Receiver.
    pub b: i64,
    /// Message kind number.
    pub kind: i64,
    /// Arrival time of a sent message.
    pub due: Option<u64>,
    /// Message number, which ties a send to its delivery or drop.
    pub message: Option<u64>,
    /// The sentence of the event log.
    pub sentence: String,
    /// A sent message's contents, shortened.
    pub payload: Option<String>,
    /// A typed mark's kind (`elected`, `committed`), for the timeline's markers.
    pub mark: Option<&'static str>,
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(10)?;
        t.serialize_element(self.tells)?;
        t.serialize_element(&self.time)?;
        t.serialize_element(&self.a)?;
        t.serialize_element(&self.b)?;
        t.serialize_element(&self.kind)?;
        t.serialize_element(&self.due)?;
        t.serialize_element(&self.message)?;
        t.serialize_element(&self.sentence)?;
        t.serialize_element(&self.payload)?;
        t.serialize_element(&self.mark)?;
        t.end()
    }
}

/// The rows of a view's table that the page keeps: the newest ones.
pub const TABLE_ROWS: usize = 16;

/// A node's view as the page shows it: a [`NodeView`] with long tables cut to their last
/// [`TABLE_ROWS`] rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownView {
    /// The role in the protocol's words.
    pub role: String,
    /// The role's class, which sets the colour.
    pub class: String,
    /// The epoch (term, ballot round).
    pub epoch: Option<u64>,
    /// The node's fill colour, as CSS.
    pub colour: String,
    /// The label drawn beside the node.
    pub label: String,
    /// Key facts.
    pub fields: Vec<(String, String)>,
    /// Tables, newest rows only.
    pub tables: Vec<ShownTable>,
}

/// A view's table, cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownTable {
    /// Title.
    pub name: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// The last rows.
    pub rows: Vec<Vec<String>>,
    /// Which of them are emphasised.
    pub marked: Vec<bool>,
    /// How many earlier rows were left out.
    pub omitted: usize,
}

impl ShownView {
    /// The page's form of `v`.
    pub fn of(v: &NodeView) -> ShownView {
        ShownView {
            role: v.role.clone(),
            class: v.class.name().to_string(),
            epoch: v.epoch,
            colour: crate::palette::css(crate::palette::node_rgb(v)),
            label: v.label.clone(),
            fields: v.fields.clone(),
            tables: v
                .tables
                .iter()
                .map(|t| {
                    let omitted = t.rows.len().saturating_sub(TABLE_ROWS);
                    ShownTable {
                        name: t.name.clone(),
                        columns: t.columns.clone(),
                        rows: t.rows[omitted..].to_vec(),
                        marked: t.marked.iter().skip(omitted).copied().collect(),
                        omitted,
                    }
                })
                .collect(),
        }
    }
}

/// A check's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// What was checked.
    pub name: String,
    /// Whether it held.
    pub passed: bool,
    /// What was found.
    pub detail: String,
}

impl PageData {
    /// The JSON the page reads, safe inside a `<script>` element: no `<` is left that could
    /// close it.
    pub fn to_script_json(&self) -> Result<String, serde_json::Error> {
        Ok(serde_json::to_string(self)?.replace('<', "\\u003c"))
    }
}
