//! `--explain`: why an answer ranks where it does, read off tantivy's score explanation: which
//! word matched in which field for how much, the bonus for the words met, the region bonus, how
//! much of the answer's title and heading the query says.

use serde_json::Value;
use tantivy::schema::Schema;

use crate::api::{Explanation, Part};

/// `Term=Term(field=3, type=Str, "医保")` → `title:医保`.
fn term_label(context: &str, schema: &Schema) -> Option<String> {
    let field: u32 = context.split("field=").nth(1)?.split(',').next()?.trim().parse().ok()?;
    let text = context.rsplit_once(", \"").map(|(_, t)| t.trim_end_matches(")").trim_end_matches('"'))?;
    let name = schema.get_field_name(tantivy::schema::Field::from_field_id(field));
    Some(format!("{name}:{text}"))
}

fn walk(node: &Value, schema: &Schema, factor: f32, parts: &mut Vec<Part>) {
    let description = node["description"].as_str().unwrap_or("");
    let value = node["value"].as_f64().unwrap_or(0.0) as f32;
    let details = node["details"].as_array();
    if description.starts_with("TermQuery") {
        let label = node["context"]
            .as_array()
            .and_then(|c| c.iter().filter_map(Value::as_str).find_map(|c| term_label(c, schema)))
            .unwrap_or_else(|| "term".into());
        parts.push(Part { why: label, score: value * factor });
        return;
    }
    if description == super::cover::EXPLAINED {
        parts.push(Part { why: "the query says its title and heading".into(), score: value * factor });
        return;
    }
    if description.starts_with("Phrase") {
        parts.push(Part { why: "exact sequence".into(), score: value * factor });
        return;
    }
    if description == "Const" {
        if value > 0.0 {
            parts
                .push(Part { why: "bonus (a word met, or a place the answer is about)".into(), score: value * factor });
        }
        return;
    }
    let factor = description
        .strip_prefix("Boost x")
        .and_then(|b| b.split_whitespace().next())
        .and_then(|b| b.parse::<f32>().ok())
        .map_or(factor, |b| factor * b);
    for d in details.into_iter().flatten() {
        walk(d, schema, factor, parts);
    }
}

/// The parts of a tantivy explanation, same labels merged, largest first.
pub fn explain(explanation: &tantivy::query::Explanation, schema: &Schema, weight: f32) -> Explanation {
    let value = serde_json::to_value(explanation).unwrap_or(Value::Null);
    let mut raw = Vec::new();
    walk(&value, schema, weight, &mut raw);
    let mut parts: Vec<Part> = Vec::new();
    for p in raw {
        match parts.iter_mut().find(|q| q.why == p.why) {
            Some(q) => q.score += p.score,
            None => parts.push(p),
        }
    }
    parts.sort_by(|a, b| b.score.total_cmp(&a.score));
    Explanation { score: explanation.value() * weight, parts }
}
