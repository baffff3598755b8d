//! `--pack` as users type it: the built-in name in any case (Guangxi, HENAN), or the region's
//! Chinese name (广西, 河南省, 全国) as the pack's own title begins.

use auditor_rules::Pack;

/// The built-in pack name `typed` means, or `typed` itself when it means none (or several),
/// so the "unknown pack" error names what the user wrote.
pub fn resolve(typed: &str) -> String {
    let t = typed.trim();
    let names: Vec<&str> = Pack::builtin_names().collect();
    if let Some(n) = names.iter().find(|n| n.eq_ignore_ascii_case(t)) {
        return (*n).to_owned();
    }
    if t.is_ascii() {
        return typed.to_owned();
    }
    // 广西规则包, 河南省, 广西壮族自治区: the region alone, at least two characters.
    let mut region = t.strip_suffix("规则包").unwrap_or(t);
    for suffix in ["壮族自治区", "自治区", "省", "市"] {
        region = region.strip_suffix(suffix).unwrap_or(region);
    }
    if region.chars().count() < 2 {
        return typed.to_owned();
    }
    let matches: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| Pack::builtin(n).is_ok_and(|p| p.zh.starts_with(region)))
        .collect();
    match matches.as_slice() {
        [one] => (*one).to_owned(),
        _ => typed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn a_pack_is_found_by_its_name_in_any_case_or_its_region_in_chinese() {
        assert_eq!(resolve("Guangxi"), "guangxi");
        assert_eq!(resolve("HENAN"), "henan");
        assert_eq!(resolve(" national "), "national");
        assert_eq!(resolve("广西"), "guangxi");
        assert_eq!(resolve("广西壮族自治区"), "guangxi");
        assert_eq!(resolve("河南省"), "henan");
        assert_eq!(resolve("山东规则包"), "shandong");
        assert_eq!(resolve("全国"), "national");
        // Nothing meant: what was typed, for the error to name.
        assert_eq!(resolve("hubei"), "hubei");
        assert_eq!(resolve("湖北"), "湖北");
        assert_eq!(resolve("省"), "省");
    }
}
