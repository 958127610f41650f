//! Checking the names a file uses against the protocol's [`super::vocabulary::Vocabulary`]:
//! metrics in `[[expect]]`, claims, fields and kinds in `[[assert]]`, kinds in
//! `degrade-link`.

use super::Protocol;
use crate::diag::{Diagnostic, suggest};
use crate::scenario::{Claim, Scenario};
use std::ops::Range;

/// Every name in `s` that `p`'s runs never use, located, with the closest name they do use.
pub(crate) fn check(
    s: &Scenario,
    p: &dyn Protocol,
    span: &dyn Fn(Range<usize>) -> Option<Range<usize>>,
) -> Vec<Diagnostic> {
    let file = &s.origin.file;
    let text = s.origin.text.as_deref();
    let name = p.name();
    let caps = p.capabilities();
    let vocab = p.vocabulary();
    let mut out = Vec::new();
    let unknown = |sp: Range<usize>, what: &str, got: &str, known: &[&str]| {
        let hint = suggest(got, known.iter().copied())
            .map(|s| format!("; did you mean \"{s}\"?"))
            .unwrap_or_default();
        Diagnostic::at(
            file,
            text,
            span(sp),
            format!("protocol \"{name}\" reports no {what} \"{got}\"{hint}"),
        )
    };
    let metrics = vocab.metric_names(
        caps.leader || s.checks.leader_within.is_some(),
        caps.convergence && s.checks.converged_by.is_some(),
        caps.clients,
    );
    let metric_refs: Vec<&str> = metrics.iter().map(String::as_str).collect();
    for e in &s.expect {
        let m = e.metric.get_ref();
        if !metric_refs.contains(&m.as_str()) {
            out.push(unknown(e.metric.span(), "metric", m, &metric_refs));
        }
    }
    let kinds_of = |sp: Range<usize>, kinds: &[String]| -> Vec<Diagnostic> {
        kinds
            .iter()
            .filter(|k| !vocab.kinds.contains(&k.as_str()))
            .map(|k| unknown(sp.clone(), "message kind", k, &vocab.kinds))
            .collect()
    };
    for f in &s.faults {
        if let Some(k) = &f.kinds {
            out.extend(kinds_of(k.span(), k.get_ref()));
        }
    }
    for n in &s.nemesis {
        if let Some(k) = &n.kinds {
            out.extend(kinds_of(k.span(), k.get_ref()));
        }
    }
    let end = s.run.end();
    for a in &s.asserts {
        let Ok(typed) = a.typed(end) else { continue };
        let needs = match &typed.claim {
            Claim::Leader
            | Claim::NoLeader
            | Claim::LeaderIs(_)
            | Claim::LeaderIsNot(_)
            | Claim::Elections(_)
            | Claim::Term(_) => (!caps.leader).then_some("it has no leader"),
            Claim::OpsCompleted(_) => (!caps.clients).then_some("it has no client operations"),
            Claim::Converged => (!caps.convergence).then_some("it has no notion of convergence"),
            _ => None,
        };
        if let Some(why) = needs {
            out.push(Diagnostic::at(
                file,
                text,
                span(a.that.span()),
                format!(
                    "protocol \"{name}\" cannot be asserted `that = \"{}\"`: {why}",
                    a.that.get_ref()
                ),
            ));
        }
        match &typed.claim {
            Claim::FieldNumber { field, .. }
            | Claim::FieldText { field, .. }
            | Claim::FieldsEqual(field)
                if !vocab.fields.contains(&field.as_str()) =>
            {
                let sp = a.field.as_ref().map_or(a.that.span(), |f| f.span());
                out.push(unknown(sp, "view field", field, &vocab.fields));
            }
            Claim::Messages { kinds, .. } => {
                let sp = a.kinds.as_ref().map_or(a.that.span(), |k| k.span());
                out.extend(kinds_of(sp, kinds));
            }
            _ => {}
        }
    }
    out
}
