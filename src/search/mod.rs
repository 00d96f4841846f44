//! Searching: query words → tantivy query → best passage per article → snippets.

mod bonus;
mod checked;
pub mod collect;
mod cover;
pub mod explain;
mod known;
mod maxscore;
pub mod query;
pub mod snippet;
mod stats;
mod sum;
pub mod syntax;

use rayon::prelude::*;
use tantivy::TantivyDocument;
use tantivy::schema::Value;

use crate::api::{Answer, Kind, SearchRequest, SearchResults, Sort};
use crate::article::Date;
use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::ingest::walk::path_text;

/// How many of `n` flexible requirements a passage must meet at first: all of one or two, two
/// of three or four, one of more. Passages meeting more of the telling words still rank first
/// (each word met adds its bonus, [`query::weigh`]). A question of five words or more is a
/// verbose query: the page that answers it rarely shares many of its words (askers write 不见
/// where pages write 丢失), and the one telling word it does share must be enough.
fn initial_minimum(n: usize) -> usize {
    match n {
        0..=2 => n,
        3..=4 => 2,
        _ => 1,
    }
}

/// Ranked answers to `request`, worked out on a thread of rayon's pool. A search shares its
/// segments, its dictionary look-ups, its second pass and its answers' text out among the
/// pool's threads; called from outside the pool, each of those steps would wake a pool
/// thread and put the caller to sleep until it is done. Run on a pool thread, the search
/// takes part in each step itself (a third of the context switches). A search called from
/// inside the pool (a library user's own parallel loop) runs in place.
pub fn search(handle: &IndexHandle, request: &SearchRequest) -> Result<SearchResults> {
    rayon::scope(|_| search_on_pool(handle, request))
}

fn search_on_pool(handle: &IndexHandle, request: &SearchRequest) -> Result<SearchResults> {
    request.check()?;
    let mut parsed = syntax::parse(&request.query);
    parsed.filters.add_request(request);
    let mut plan = query::plan(&parsed, &handle.features);
    if plan.is_empty() {
        return Err(Error::EmptyQuery { query: request.query.clone() });
    }
    let searcher = handle.reader.searcher();
    let stats = stats::Statistics::new(&searcher);
    query::weigh(&mut plan, &handle.fields, &stats);
    let tantivy = |e| crate::index::tantivy_error(&handle.dir, e);
    let flexible = plan.flexible();
    let order = if request.sort == Sort::Date || plan.requirements.is_empty() {
        collect::Order::Date
    } else {
        collect::Order::Score
    };
    let needed = request.offset.saturating_add(request.limit);
    let mut minimum = initial_minimum(flexible);
    let mut relaxed = None;
    // how many answers held the words required before fewer were
    let mut held_by = 0;
    let by_score = order == collect::Order::Score;
    let (groups, total, total_exact, q) = loop {
        if by_score
            && !request.exact
            && let Some((groups, total)) =
                pruned(handle, &searcher, &stats, &plan, minimum, needed, request.collapse).map_err(tantivy)?
        {
            break (groups, total, false, None);
        }
        let q = query::build(&handle.fields, &handle.features, &plan, minimum, query::Scope::SCAN);
        let groups =
            searcher.search_with_statistics_provider(&*q, &collect::BestPassagePerArticle, &stats).map_err(tantivy)?;
        // ranked by relevance, a page not filled by answers holding that many words goes on
        // with answers holding fewer (they rank by score among the others); sorted by date,
        // fewer are required only when no answer holds that many
        let enough = if by_score { groups.len() >= needed } else { !groups.is_empty() };
        if enough || minimum <= 1 {
            if groups.len() <= held_by {
                relaxed = None; // requiring fewer words found nothing more
            }
            let (groups, total) = collect::rank(groups, order, needed, request.collapse);
            break (groups, total, true, Some(q));
        }
        held_by = groups.len();
        let held = if minimum == flexible { format!("all {flexible}") } else { format!("{minimum} of the {flexible}") };
        minimum = if minimum > 2 { minimum.div_ceil(2) } else { 1 };
        relaxed = Some(match groups.len() {
            0 => format!("no answer holds {held} words; showing answers with at least {minimum} of them"),
            1 => format!("only 1 answer holds {held} words; showing answers with at least {minimum} of them too"),
            n => format!("only {n} answers hold {held} words; showing answers with at least {minimum} of them too"),
        });
    };
    // what scored the answers, for explanations: the query of an exhaustive search, or the
    // whole query for a pruned one (which scored each side with that side's part of it)
    let scored_by = q.or_else(|| {
        request.explain.then(|| query::build(&handle.fields, &handle.features, &plan, minimum, query::Scope::SCAN))
    });
    let terms = query::highlight_terms(&plan);
    let f = handle.fields;
    // each answer's stored text and snippet, shared out among rayon's threads, in order
    let hits = groups
        .par_iter()
        .enumerate()
        .skip(request.offset)
        .map(|(i, g)| {
            let doc: TantivyDocument = searcher.doc(g.doc).map_err(tantivy)?;
            let text =
                |field| doc.get_first(field).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_string);
            let body = text(f.body).or_else(|| text(f.teaser_summary)).unwrap_or_default();
            let snip = snippet::snippet(&body, &terms, request.snippet_chars, &handle.features);
            let explain = match &scored_by {
                Some(q) if request.explain => {
                    let weight = if g.teaser { collect::TEASER_WEIGHT } else { 1.0 };
                    let e = q.explain(&searcher, g.doc).map_err(tantivy)?;
                    Some(explain::explain(&e, &handle.index.schema(), weight))
                }
                _ => None,
            };
            Ok(Answer {
                rank: i + 1,
                score: g.score,
                kind: if g.teaser { Kind::Teaser } else { Kind::Article },
                title: text(f.title).or_else(|| text(f.teaser_title)).unwrap_or_default(),
                section: text(f.section),
                snippet: snip.text,
                highlights: snip.highlights,
                date: doc.get_first(f.date).and_then(|v| v.as_u64()).and_then(Date::from_number),
                source: text(f.source),
                path: text(f.file)
                    .and_then(|p| crate::index::schema::key_path(&p))
                    .map(|p| path_text(&p))
                    .unwrap_or_default(),
                url: text(f.url),
                similar: g.similar,
                region: doc.get_all(f.region).filter_map(|v| v.as_str()).map(str::to_string).collect(),
                explain,
            })
        })
        .collect::<Result<Vec<Answer>>>()?;
    Ok(SearchResults { query: request.query.clone(), total, total_exact, hits, relaxed, notes: plan.notes })
}

/// Ranks in two passes: the [`query::candidates`] union picks the passages that can score
/// best (MaxScore skips the rest, [`maxscore`]), then the full query — exclusions, filters and
/// phrases included — scores only those, and answers are grouped and folded as usual. The
/// second pass scores passages and teasers with the query's part for their own fields, and
/// reads the postings of the first pass's terms from where the first pass found them
/// ([`known`]).
/// `None` (rank every match) when the plan has no words, when the first pass finds fewer
/// passages than it asked for (few matches: the exhaustive pass is cheap), when paging asks
/// for too many, or when the candidates hold fewer answers than wanted (exclusions removed
/// them: the first pass meets region, source, title and date filters itself).
///
/// The first pass counts the words met and requires as many as the full query, but does
/// not see the bigram field, phrases or region tags, so it can miss a passage the full
/// ranking would show: on the 220 benchmark queries over 100k generated articles, 210 get
/// the same ten answers in the same order as exhaustive ranking and 99.3% of the ten are
/// shared (`querybench --agreement`).
fn pruned(
    handle: &IndexHandle,
    searcher: &tantivy::Searcher,
    stats: &stats::Statistics,
    plan: &query::Plan,
    minimum: usize,
    needed: usize,
    collapse: bool,
) -> tantivy::Result<Option<(Vec<collect::Group>, usize)>> {
    let Some(sets) = query::candidates(&handle.fields, &handle.features, plan, minimum) else {
        return Ok(None);
    };
    let k = needed.saturating_mul(CANDIDATES_PER_ANSWER).max(MIN_CANDIDATES);
    if k > MAX_CANDIDATES {
        return Ok(None);
    }
    let top = maxscore::top_k(
        searcher,
        stats,
        maxscore::Known { learned: &handle.learned, stored: &handle.maxima },
        &sets,
        k,
    )?;
    if top.len() < k {
        return Ok(None);
    }
    let known = stats.take_places();
    let side = |side: query::Side| {
        let scope = query::Scope { access: query::Access::Seek(&known), sides: std::slice::from_ref(&side) };
        query::build(&handle.fields, &handle.features, plan, minimum, scope)
    };
    let [passages, teasers] = query::Side::BOTH;
    let addresses: Vec<_> = top.into_iter().map(|(_, a)| a).collect();
    let groups = collect::rescore(searcher, stats, &*side(passages), || side(teasers), &addresses)?;
    let (groups, total) = collect::rank(groups, collect::Order::Score, needed, collapse);
    Ok((groups.len() >= needed).then_some((groups, total)))
}

/// Passages the first pass of a pruned search hands to the second, per answer wanted (an
/// article has several passages and teasers on other pages, and near-duplicates fold). Since
/// the first pass counts the words met, 100 candidates agree with exhaustive ranking more often
/// than 400 did without (209 against 201 of 220 queries), in less time.
const CANDIDATES_PER_ANSWER: usize = 10;
/// At least this many candidates, however few answers are wanted.
const MIN_CANDIDATES: usize = 100;
/// Deep pages rank exhaustively.
const MAX_CANDIDATES: usize = 20_000;
