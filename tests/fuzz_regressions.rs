//! The inputs that once made a fuzz target fail (`fuzz/regressions/TARGET/`), replayed through
//! the same checks as the fuzz targets (`fuzz/checks.rs`): each must now pass them.

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

#[test]
fn inputs_that_once_failed_a_fuzz_target_now_pass() {
    type Check = fn(&[u8]);
    let targets: [(&str, Check); 3] =
        [("parse_page", checks::parse_page), ("query", checks::query), ("snippet", checks::snippet)];
    let mut replayed = 0;
    for (target, check) in targets {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            if std::panic::catch_unwind(|| check(&input)).is_err() {
                panic!("{} fails again", path.display());
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no input found under fuzz/regressions");
}
