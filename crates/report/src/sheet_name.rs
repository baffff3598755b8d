//! Worksheet names for the xlsx report: Excel allows at most 31 UTF-16 units, none of
//! `[ ] : * ? / \`, no apostrophe at either end, and no two names equal ignoring case.

/// Names already given in one workbook, to keep the next one unique.
#[derive(Default)]
pub struct SheetNames {
    taken: Vec<String>,
}

const MAX_UNITS: usize = 31;

impl SheetNames {
    /// Reserve a fixed name (the findings and summary sheets).
    pub fn reserve(&mut self, name: &str) {
        self.taken.push(name.to_lowercase());
    }

    /// A unique, valid name for the copy of `sheet` of input `file`: the file's name without
    /// directories and extension, then the sheet's name (CSV inputs have none).
    pub fn for_copy(&mut self, file: &str, sheet: Option<&str>) -> String {
        let stem = file_stem(file);
        let wanted = match sheet {
            Some(s) if !s.is_empty() => format!("{stem}-{s}"),
            _ => stem.to_owned(),
        };
        let base = clean(&wanted);
        let mut n = 1;
        let mut name = truncate(&base, MAX_UNITS);
        while self.is_taken(&name) {
            n += 1;
            let suffix = format!("~{n}");
            name = format!("{}{suffix}", truncate(&base, MAX_UNITS - suffix.len()));
        }
        self.taken.push(name.to_lowercase());
        name
    }

    fn is_taken(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        // Excel reserves "History" for its change tracking.
        lower == "history" || self.taken.contains(&lower)
    }
}

fn file_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    }
}

fn clean(s: &str) -> String {
    let replaced: String = s
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = replaced.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    if trimmed.is_empty() {
        "Sheet".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// At most `units` UTF-16 units, never splitting a character, and no apostrophe left at the end.
fn truncate(s: &str, units: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        used += c.len_utf16();
        if used > units {
            break;
        }
        out.push(c);
    }
    let end = out.trim_end_matches(|c: char| c == '\'' || c.is_whitespace());
    end.to_owned()
}

/// A sheet name as a formula or link refers to it: quoted, inner apostrophes doubled.
pub fn quoted(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::{SheetNames, quoted};

    #[test]
    fn names_are_derived_from_file_and_sheet_and_kept_valid() {
        let mut names = SheetNames::default();
        names.reserve("发现 Findings");
        assert_eq!(
            names.for_copy("fixtures/rules/US-DUAL-SIGN/violating.csv", None),
            "violating"
        );
        assert_eq!(
            names.for_copy("C:\\台账\\药品.xlsx", Some("3月")),
            "药品-3月"
        );
        assert_eq!(names.for_copy("a.xlsx", Some("[x]:*?/\\")), "a-_x______");
        assert_eq!(names.for_copy("'q'.csv", None), "q");
        assert_eq!(names.for_copy("History.csv", None), "History~2");
    }

    #[test]
    fn long_or_repeated_names_stay_unique_within_31_units() {
        let mut names = SheetNames::default();
        let long = "超声检查登记表二〇二四年第一季度全院汇总含各科室分表及备注说明";
        let first = names.for_copy(&format!("{long}.xlsx"), Some("Sheet1"));
        let second = names.for_copy(&format!("{long}.xlsx"), Some("Sheet1"));
        assert_eq!(first.encode_utf16().count(), 31);
        assert!(second.encode_utf16().count() <= 31);
        assert!(second.ends_with("~2"), "{second}");
        assert_ne!(first.to_lowercase(), second.to_lowercase());
        let mut names = SheetNames::default();
        names.reserve("发现 Findings");
        assert_eq!(names.for_copy("发现 FINDINGS.csv", None), "发现 FINDINGS~2");
        // A character outside the BMP takes two units and is never split.
        let emoji = "😀".repeat(20);
        assert_eq!(names.for_copy(&emoji, None).encode_utf16().count(), 30);
    }

    #[test]
    fn quoting_doubles_apostrophes() {
        assert_eq!(quoted("O'Neil 台账"), "'O''Neil 台账'");
    }
}
