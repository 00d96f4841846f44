//! Domain synonyms, applied at query time: a query word also matches the other members of its
//! group (医保 ⇄ 医疗保险 ⇄ 基本医疗保险). Groups live in `data/synonyms.txt`, one per line.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::normalize::normalize;

/// The synonym groups compiled into the binary.
pub const SYNONYMS: &str = include_str!("data/synonyms.txt");

/// The other members of the group of `word` (normalised), if it has one.
pub fn synonyms_of(word: &str) -> &'static [String] {
    static GROUPS: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let groups = GROUPS.get_or_init(|| {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for line in SYNONYMS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let members: Vec<String> = line.split_whitespace().map(normalize).collect();
            for m in &members {
                let others = members.iter().filter(|o| *o != m).cloned();
                map.entry(m.clone()).or_default().extend(others);
            }
        }
        map
    });
    groups.get(word).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_work_both_ways() {
        assert!(synonyms_of("医保").contains(&"医疗保险".to_string()));
        assert!(synonyms_of("医疗保险").contains(&"医保".to_string()));
        assert!(synonyms_of("基本医疗保险").contains(&"医保".to_string()));
        assert!(synonyms_of("报销比例").is_empty() || !synonyms_of("报销比例").contains(&"报销比例".to_string()));
        assert!(synonyms_of("火星").is_empty());
    }
}
