//! `clustersim export FILE --format html`: one self-contained web page that replays a run in
//! any browser, with nothing to install and no network: messages animated along the links, a
//! timeline to seek and step through, each node's view at the cursor, the space-time diagram
//! and the event log in words. A teacher puts the file on a course page; a student opens it.
//!
//! The page is the run's trace and the nodes' views where they changed ([`data`]), gathered by
//! stepping the run as the front end does ([`collect`]), written as JSON into a page whose
//! script and styles are in this folder (`player.js`, `player.css`, `page.html`).

pub mod collect;
pub mod data;

pub use collect::collect;
pub use data::PageData;

/// The page's skeleton; `{{TITLE}}`, `{{STYLE}}`, `{{DATA}}` and `{{SCRIPT}}` are filled in.
const PAGE: &str = include_str!("page.html");
/// The page's styles.
const STYLE: &str = include_str!("player.css");
/// The player.
const SCRIPT: &str = include_str!("player.js");

/// The largest page written unless asked otherwise, in MiB: a run that would make a larger one
/// is better cut shorter than opened slowly.
pub const DEFAULT_MAX_MIB: u64 = 32;

/// The page for `data`.
pub fn render(data: &PageData) -> Result<String, serde_json::Error> {
    let json = data.to_script_json()?;
    let title = escape(&data.title);
    Ok(fill(
        PAGE,
        &[
            ("TITLE", &title),
            ("STYLE", STYLE),
            ("SCRIPT", SCRIPT),
            ("DATA", &json),
        ],
    ))
}

/// `template` with each `{{NAME}}` replaced by its value, in one pass: a value is never
/// searched for markers, so text in the data stays text.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}").and_then(|close| {
            let name = &after[..close];
            values.iter().find(|v| v.0 == name).map(|v| (v.1, close))
        }) {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `s` with the characters HTML gives a meaning escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_cannot_close_its_script_element() {
        let data = PageData {
            title: "a <b> & \"c\"".into(),
            description: "</script><script>alert(1)</script> {{SCRIPT}}".into(),
            ..PageData::default()
        };
        let page = render(&data).unwrap();
        assert!(page.contains("<title>a &lt;b&gt; &amp; &quot;c&quot; · clustersim</title>"));
        assert_eq!(
            page.matches("</script>").count(),
            2,
            "only the page's own scripts close"
        );
        // A marker inside the data stays text.
        assert!(page.contains("\\u003c/script> {{SCRIPT}}"));
        assert_eq!(
            fill("{{A}}-{{B}}-{{C}}", &[("A", "{{B}}"), ("B", "b")]),
            "{{B}}-b-{{C}}"
        );
    }
}
