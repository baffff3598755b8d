//! The registries among the inputs — institutions (机构资质名录) and staff (人员资质名录) — and
//! how a ledger's words find an entry in them. Codes first (credit code, licence or staff
//! number); a name only when no code matched, and then the finding says so, because names are
//! written loosely and two people may share one.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use auditor_ingest::Table;
use auditor_model::Dataset;
use chrono::NaiveDate;

use super::Field;

/// How an entry was found: by a code, or only by a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Matched {
    Code,
    Name,
    /// By a name the registry gives to several entries: the first was taken.
    SharedName,
}

impl Matched {
    /// Words appended to a message when the match rests on a name alone, for records that
    /// could have given a code.
    pub(crate) fn note(self) -> (&'static str, &'static str) {
        match self {
            Self::Code => ("", ""),
            Self::Name => (
                "（按名称匹配，未按代码）",
                " (matched by name, not by a code)",
            ),
            Self::SharedName => (
                "（名录中有同名者，按名称匹配到第一条）",
                " (the registry has several entries of this name; the first was taken)",
            ),
        }
    }

    /// The note for ledgers that name people, where a name is the usual key: only a name
    /// shared by several people is worth a word.
    pub(crate) fn person_note(self) -> (&'static str, &'static str) {
        match self {
            Self::SharedName => self.note(),
            Self::Code | Self::Name => ("", ""),
        }
    }
}

/// The names a person's cell holds, one by one: a cell may name two people (Alt+Enter,
/// "张伟、李娜"). A space separates names only when every part around it is a name of two or
/// more characters: "吴 静" is one person spaced out, "张伟 李娜" two.
///
/// A "+" joins two names as "、" does (张伟+李娜), and a bracketed note after a name is the
/// clerk's, not part of it: "张伟（签）" is 张伟, "李娜(复核)" is 李娜.
pub(crate) fn names_in(cell: Option<&str>) -> Vec<String> {
    let Some(cell) = cell else {
        return Vec::new();
    };
    let cell = cell.replace(['+', '＋'], "、");
    let spaced: Vec<&str> = cell
        .split([' ', '\u{3000}'])
        .filter(|p| !p.is_empty())
        .collect();
    let names = if spaced.len() > 1 && spaced.iter().any(|p| p.chars().count() < 2) {
        auditor_ingest::value::parse_names(&spaced.concat())
    } else {
        auditor_ingest::value::parse_names(&cell)
    };
    names
        .iter()
        .flat_map(|n| split_joined(n))
        .filter_map(|n| {
            let bare = without_note(n);
            (!bare.is_empty() && !is_no_name(bare)).then(|| bare.to_owned())
        })
        .collect()
}

/// Words that join two names ("王强和李娜"); a split is taken only where both sides are
/// names of two or more characters, so 王和平 stays one person.
const JOINING_WORDS: [char; 3] = ['和', '与', '及'];

/// A cell part naming two people joined by 和/与/及, as two; anything else as it is.
fn split_joined(name: &str) -> Vec<&str> {
    let is_name = |s: &str| {
        let n = s.chars().count();
        (2..=6).contains(&n) && s.chars().all(is_letter)
    };
    for (at, c) in name.char_indices() {
        if JOINING_WORDS.contains(&c) {
            let (left, right) = (&name[..at], &name[at + c.len_utf8()..]);
            if is_name(without_note(left)) && is_name(without_note(right)) {
                return vec![left, right];
            }
        }
    }
    vec![name]
}

/// `char::is_alphabetic`, answered at once for ASCII and the common CJK ideographs: it runs
/// on two signer cells of every exam, and the general lookup is slow for CJK.
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphabetic()
}

/// Whether a cell is one name as it stands — letters only, no note, no second name, no
/// placeholder or ditto mark — so two such cells that differ name two people without parsing.
pub(crate) fn is_plain_name(cell: &str) -> bool {
    cell.chars().all(is_letter)
        && !cell.contains(JOINING_WORDS)
        && !is_no_name(cell)
        && !is_ditto(cell)
}

/// What stands in a signature's place but names nobody: the traditional forms of 无 (無, 沒有),
/// and entries without a letter at all (0, ?, …).
/// A ditto mark is left to [`is_ditto`], whose finding says what it is.
fn is_no_name(name: &str) -> bool {
    !is_ditto(name)
        && (matches!(name, "無" | "沒有" | "暫無" | "没" | "沒") || !name.chars().any(is_letter))
}

/// A name without the bracketed note after it ("张伟（签）" → "张伟"); a name that is only a
/// note is empty.
fn without_note(name: &str) -> &str {
    let Some(body) = name.strip_suffix([')', '）']) else {
        return name;
    };
    match body.rfind(['(', '（']) {
        Some(at) => body[..at].trim(),
        None => name,
    }
}

/// Whether a name is a ditto mark (同上, 〃): a signature must be the person's own, so "same as
/// above" signs nothing.
pub(crate) fn is_ditto(name: &str) -> bool {
    matches!(
        name.trim(),
        "同上" | "仝上" | "同前" | "〃" | "″" | "\"" | "”" | "''" | "々"
    )
}

/// What a ditto mark in a signature, operator or prescriber column is: no signature.
pub(crate) fn ditto_fault(name: &str) -> (String, String) {
    (
        format!("签名栏写“{name}”，不是本人签名"),
        format!("the signature reads {name} (ditto), not a signature"),
    )
}

/// Names compared without white space and with brackets of either width:
/// "XX县 妇幼保健院（分院）" = "XX县妇幼保健院(分院)". The dot between the parts of a
/// transcribed name is typed as whatever the keyboard gives (·, •, ‧, ・, ., -): any of them is
/// the one separator, so "阿依古丽•买买提" = "阿依古丽·买买提". A traditional character is its
/// simplified form: 王強 = 王强.
pub(crate) fn normal_name(s: &str) -> String {
    normal_chars(s).collect()
}

/// The characters of [`normal_name`], for comparing names without building them.
pub(crate) fn normal_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !c.is_whitespace()).map(|c| match c {
        '（' => '(',
        '）' => ')',
        '\u{B7}' | '\u{2022}' | '\u{2027}' | '\u{30FB}' | '\u{FF65}' | '\u{22C5}' | '\u{2219}'
        | '\u{387}' | '\u{2E31}' | '.' | '\u{FF0E}' | '-' | '\u{FF0D}' | '\u{2010}'
        | '\u{2011}' => '\u{B7}',
        _ => super::simplified::simplified(c),
    })
}

/// Whether `text` contains any of `words`.
pub(crate) fn contains_any(text: Option<&str>, words: &[String]) -> bool {
    text.is_some_and(|t| words.iter().any(|w| t.contains(w.as_str())))
}

/// One institution of the registry, as the rules need it.
pub(crate) struct Institution<'t> {
    pub name: &'t str,
    pub class: Option<&'t str>,
    pub profit_type: Option<&'t str>,
    pub scopes: Option<&'t str>,
    /// 母婴保健技术服务许可项目, e.g. "助产、结扎、终止妊娠".
    pub mch_items: Option<&'t str>,
    pub mch_valid_to: Option<NaiveDate>,
    /// The end of the registry's plain 有效期 (有效期至): whichever licence it is, an
    /// institution past it holds no licence item either.
    pub valid_to: Option<NaiveDate>,
    /// Which optional columns the entry's own registry table has.
    pub has: InstColumns,
}

/// The optional columns of an institution registry table the rules read. A table without a
/// column says nothing on its question: the entry is not judged on it (and the run's notes say
/// so), rather than read as lacking what the column would have said. An empty cell in a column
/// the table has is the registry's word, and is judged.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct InstColumns {
    pub scopes: bool,
    pub mch_items: bool,
}

impl Institution<'_> {
    /// Whether it holds licence item `item` on `day` (on its last valid day it still does; an
    /// entry without an end date is taken as valid).
    pub(crate) fn holds_item_on(&self, item: &ItemWords, day: Option<NaiveDate>) -> ItemStatus {
        if !self.has.mch_items {
            return ItemStatus::NoColumn;
        }
        if self.mch_items.is_none() {
            return ItemStatus::Unrecorded;
        }
        if !item.held_in(self.mch_items) {
            return ItemStatus::Lacking;
        }
        let Some(on) = day else {
            return ItemStatus::Held;
        };
        // The earliest end past the day: the item's own, or the registry's plain 有效期.
        [
            (self.mch_valid_to, Lapse::Item),
            (self.valid_to, Lapse::Licence),
        ]
        .into_iter()
        .filter_map(|(to, lapse)| to.filter(|to| *to < on).map(|to| (to, lapse)))
        .min_by_key(|(to, _)| *to)
        .map_or(ItemStatus::Held, |(to, lapse)| {
            ItemStatus::Expired(to, lapse)
        })
    }
}

/// Which end date a licence lapsed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lapse {
    /// The licence item's own (母婴保健许可有效期).
    Item,
    /// The registry's plain 有效期 (有效期至), not said to be the item's.
    Licence,
}

impl Lapse {
    /// How a message names what lapsed: "{name}的终止妊娠许可已于…过期" or "{name}的许可（名录
    /// “有效期”）已于…过期".
    pub(crate) fn words(self, item: &str) -> (String, String) {
        match self {
            Self::Item => (format!("{item}许可"), format!("{item} licence")),
            Self::Licence => (
                "许可（机构名录所载有效期）".to_owned(),
                "licence (the registry's validity date)".to_owned(),
            ),
        }
    }
}

/// A licence item as registries write it: its own name (终止妊娠) or a kind of it that a
/// registry lists instead (人工流产、中期引产, 药物流产, 终止早孕), from the rule's `licence_item`
/// and `item_words` parameters.
pub(crate) struct ItemWords {
    pub name: String,
    words: Vec<String>,
}

impl ItemWords {
    pub(crate) fn of(rule: &crate::catalogue::Rule, default: &str) -> Self {
        let name = rule.param_str("licence_item").unwrap_or(default).to_owned();
        let mut words = rule.param_list("item_words");
        words.push(name.clone());
        Self { name, words }
    }

    /// Whether a registry's items name the item or a kind of it.
    pub(crate) fn held_in(&self, items: Option<&str>) -> bool {
        contains_any(items, &self.words)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemStatus {
    Held,
    /// The registry lists items for it, and not this one.
    Lacking,
    /// The registry's items cell for it is empty: the registry records none.
    Unrecorded,
    /// Its registry table has no items column: not judged.
    NoColumn,
    Expired(NaiveDate, Lapse),
}

/// Every institution registry among the inputs, indexed by credit code, licence number and
/// normalised name.
#[derive(Default)]
pub(crate) struct Institutions<'t> {
    list: Vec<Institution<'t>>,
    by_code: HashMap<&'t str, usize>,
    by_name: HashMap<String, usize>,
}

impl<'t> Institutions<'t> {
    pub(crate) fn of(tables: &'t [Table]) -> Self {
        let mut out = Self::default();
        for t in tables.iter().filter(|t| t.dataset == Dataset::Institution) {
            let (names, usccs, licences) = (
                Field::of(t, "name"),
                Field::of(t, "uscc"),
                Field::of(t, "mi_licence_no"),
            );
            let (classes, profit, scopes) = (
                Field::of(t, "inst_class"),
                Field::of(t, "profit_type"),
                Field::of(t, "scopes"),
            );
            let (items, valid_to) = (Field::of(t, "mch_items"), Field::of(t, "mch_valid_to"));
            let licence_to = Field::of(t, "valid_to");
            let has = InstColumns {
                scopes: scopes.is_present(),
                mch_items: items.is_present(),
            };
            for i in 0..t.len() {
                let at = out.list.len();
                let name = names.text(i).unwrap_or("");
                // The first entry wins: a registry listing one code twice is a registry problem,
                // not a reason to judge by the later line.
                for code in [usccs.text(i), licences.text(i)].into_iter().flatten() {
                    out.by_code.entry(code).or_insert(at);
                }
                if !name.is_empty() {
                    out.by_name.entry(normal_name(name)).or_insert(at);
                }
                out.list.push(Institution {
                    name,
                    class: classes.text(i),
                    profit_type: profit.text(i),
                    scopes: scopes.text(i),
                    mch_items: items.text(i),
                    mch_valid_to: valid_to.date(i),
                    valid_to: licence_to.date(i),
                    has,
                });
            }
        }
        out
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The entry a code names, else the one a name names.
    pub(crate) fn find(
        &self,
        code: Option<&str>,
        name: Option<&str>,
    ) -> Option<(&Institution<'t>, Matched)> {
        // Without a registry among the inputs, skip normalising a name per record.
        if self.list.is_empty() {
            return None;
        }
        if let Some(&i) = code.and_then(|c| self.by_code.get(c)) {
            return Some((&self.list[i], Matched::Code));
        }
        let name = normal_name(name?);
        // "XX县人民医院（妇产科）": the department in brackets is where in the institution,
        // not another institution; a branch (分院) is not stripped.
        let &i = self
            .by_name
            .get(&name)
            .or_else(|| self.by_name.get(without_department(&name)?))?;
        Some((&self.list[i], Matched::Name))
    }
}

/// Words a department's name ends in (妇产科, 超声室, 计生门诊, 体检中心, 住院部, 一病区).
const DEPARTMENT_ENDS: [&str; 6] = ["科", "室", "门诊", "中心", "部", "病区"];

/// A normalised institution name without the department in brackets after it.
fn without_department(name: &str) -> Option<&str> {
    let body = name.strip_suffix(')')?;
    let at = body.rfind('(')?;
    let department = &body[at + 1..];
    (at > 0 && DEPARTMENT_ENDS.iter().any(|w| department.ends_with(w))).then(|| &name[..at])
}

/// One person of the staff registry, as the rules need them.
pub(crate) struct Member<'t> {
    pub name: &'t str,
    /// 执业类别 of a 医师执业证书: "临床", "中医", "口腔", "公共卫生" (some registries write the
    /// level here instead).
    pub category: Option<&'t str>,
    /// 医师级别: "执业医师", "执业助理医师" (or "护士" in a registry of all staff).
    pub level: Option<&'t str>,
    /// 执业范围, e.g. "妇产科专业".
    pub scope: Option<&'t str>,
    /// 执业地点.
    pub site: Option<&'t str>,
    /// 母婴保健技术考核合格证 items.
    pub mch_items: Option<&'t str>,
    pub mch_valid_to: Option<NaiveDate>,
    /// 超声上岗证.
    pub us_cert: Option<&'t str>,
    /// Which optional columns the person's own registry table has.
    pub has: StaffColumns,
}

/// The optional columns of a staff registry table the rules read, as [`InstColumns`].
#[derive(Debug, Clone, Copy, Default)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "one independent flag per column of the table"
)]
pub(crate) struct StaffColumns {
    pub category: bool,
    pub level: bool,
    pub scope: bool,
    pub mch_items: bool,
    pub us_cert: bool,
}

/// Every staff registry among the inputs, indexed by staff number, practice certificate number
/// and name. Ledgers sign by name or by staff number, so both are keys.
#[derive(Default)]
pub(crate) struct Staff<'t> {
    list: Vec<Member<'t>>,
    by_code: HashMap<&'t str, usize>,
    by_name: HashMap<String, usize>,
    shared: std::collections::HashSet<String>,
}

impl<'t> Staff<'t> {
    pub(crate) fn of(tables: &'t [Table]) -> Self {
        let mut out = Self::default();
        for t in tables.iter().filter(|t| t.dataset == Dataset::Staff) {
            let (names, numbers, certs) = (
                Field::of(t, "name"),
                Field::of(t, "staff_no"),
                Field::of(t, "practice_cert_no"),
            );
            let (category, scope, site) = (
                Field::of(t, "category"),
                Field::of(t, "scope"),
                Field::of(t, "site"),
            );
            let level = Field::of(t, "level");
            let (items, valid_to, us_cert) = (
                Field::of(t, "mch_items"),
                Field::of(t, "mch_valid_to"),
                Field::of(t, "us_cert_no"),
            );
            let has = StaffColumns {
                category: category.is_present(),
                level: level.is_present(),
                scope: scope.is_present(),
                mch_items: items.is_present(),
                us_cert: us_cert.is_present(),
            };
            for i in 0..t.len() {
                let at = out.list.len();
                let name = names.text(i).unwrap_or("");
                for code in [numbers.text(i), certs.text(i)].into_iter().flatten() {
                    out.by_code.entry(code).or_insert(at);
                }
                if !name.is_empty() {
                    match out.by_name.entry(normal_name(name)) {
                        Entry::Occupied(e) => {
                            out.shared.insert(e.key().clone());
                        }
                        Entry::Vacant(e) => {
                            e.insert(at);
                        }
                    }
                }
                out.list.push(Member {
                    name,
                    category: category.text(i),
                    level: level.text(i),
                    scope: scope.text(i),
                    site: site.text(i),
                    mch_items: items.text(i),
                    mch_valid_to: valid_to.date(i),
                    us_cert: us_cert.text(i),
                    has,
                });
            }
        }
        out
    }

    /// The person a ledger's entry names: by staff or certificate number, else by name.
    pub(crate) fn find(&self, entry: &str) -> Option<(&Member<'t>, Matched)> {
        if self.list.is_empty() {
            return None;
        }
        if let Some(&i) = self.by_code.get(entry) {
            return Some((&self.list[i], Matched::Code));
        }
        let key = normal_name(entry);
        let &i = self.by_name.get(&key)?;
        let matched = if self.shared.contains(&key) {
            Matched::SharedName
        } else {
            Matched::Name
        };
        Some((&self.list[i], matched))
    }
}

/// A registry column a rule reads, named as the run's notes name it when a table lacks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    pub registry_zh: &'static str,
    pub registry_en: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// What was not checked, in the note's last words ("本次未按许可项目检查").
    pub topic: &'static str,
}

pub(crate) const INST_ITEMS: Column = Column {
    registry_zh: "机构名录",
    registry_en: "institution registry",
    zh: "母婴保健许可项目",
    en: "licence-items",
    topic: "许可项目",
};
pub(crate) const INST_SCOPES: Column = Column {
    registry_zh: "机构名录",
    registry_en: "institution registry",
    zh: "诊疗科目",
    en: "licensed-departments",
    topic: "诊疗科目",
};
pub(crate) const STAFF_ITEMS: Column = Column {
    registry_zh: "人员名录",
    registry_en: "staff registry",
    zh: "考核项目",
    en: "MCH-certified-items",
    topic: "考核项目",
};
pub(crate) const STAFF_SCOPE: Column = Column {
    registry_zh: "人员名录",
    registry_en: "staff registry",
    zh: "执业范围",
    en: "practice-scope",
    topic: "执业范围",
};
pub(crate) const STAFF_US_CERT: Column = Column {
    registry_zh: "人员名录",
    registry_en: "staff registry",
    zh: "超声上岗证号",
    en: "ultrasound-post-certificate",
    topic: "超声上岗证",
};
pub(crate) const STAFF_LEVEL: Column = Column {
    registry_zh: "人员名录",
    registry_en: "staff registry",
    zh: "医师级别”或“执业类别",
    en: "physician-level or practice-category",
    topic: "医师资格",
};

/// The questions a rule could not put to a registry on one sheet, because the entry's own
/// registry table lacks the column: each counted over the records, for the run's notes.
#[derive(Default)]
pub(crate) struct Unasked {
    gaps: Vec<(Column, String, String, usize)>,
}

impl Unasked {
    /// One record whose question `what` (e.g. "是否持有终止妊娠许可项目") went unasked for lack
    /// of `column`.
    pub(crate) fn add(&mut self, column: Column, what: (&str, &str)) {
        match self
            .gaps
            .iter_mut()
            .find(|g| g.0 == column && g.1 == what.0)
        {
            Some(gap) => gap.3 += 1,
            None => self
                .gaps
                .push((column, what.0.to_owned(), what.1.to_owned(), 1)),
        }
    }

    /// The note for the run, one clause per missing column, naming the rule: the note stands
    /// apart from the rule's findings in a report.
    pub(crate) fn note(&self, rule: &str) -> Option<(String, String)> {
        let notes = self.gaps.iter().map(|(c, zh, en, n)| {
            let records = if *n == 1 { "record" } else { "records" };
            (
                format!(
                    "{}缺少“{}”列，无法判断 {n} 条记录{zh}，本次未按{}检查",
                    c.registry_zh, c.zh, c.topic
                ),
                format!(
                    "the {} has no {} column: {en} was not checked for {n} {records}",
                    c.registry_en, c.en
                ),
            )
        });
        notes
            .fold(None, |acc, n| join_notes(acc, Some(n)))
            .map(|(zh, en)| (format!("{rule}：{zh}"), format!("{rule}: {en}")))
    }
}

/// Two notes of one rule on one sheet as one.
pub(crate) fn join_notes(
    a: Option<(String, String)>,
    b: Option<(String, String)>,
) -> Option<(String, String)> {
    match (a, b) {
        (Some((az, ae)), Some((bz, be))) => Some((format!("{az}；{bz}"), format!("{ae}; {be}"))),
        (a, b) => a.or(b),
    }
}

/// The institution a record belongs to: its own column when the ledger has one (a county's
/// merged ledger), else the 填报单位 of the sheet's title rows.
pub(crate) fn ledger_owner<'t>(table: &'t Table, column: Field<'t>, i: usize) -> Option<&'t str> {
    column
        .text(i)
        .or_else(|| (!table.institution.is_empty()).then_some(table.institution.as_str()))
}

#[cfg(test)]
mod tests {
    use super::{names_in, normal_name};

    #[test]
    fn a_cell_names_people_without_the_clerks_notes() {
        let names = |c: &str| names_in(Some(c));
        assert_eq!(names("张伟（签）"), ["张伟"]);
        assert_eq!(names("张伟 李娜（复核）"), ["张伟", "李娜"]);
        assert_eq!(names("张伟+李娜"), ["张伟", "李娜"]);
        assert_eq!(names("张伟(签字)、李娜"), ["张伟", "李娜"]);
        assert_eq!(names("吴 静"), ["吴静"]);
        assert_eq!(names("（签）"), Vec::<String>::new());
        assert_eq!(names("王强和李娜"), ["王强", "李娜"]);
        assert_eq!(names("王强（签）与李娜"), ["王强", "李娜"]);
        assert_eq!(names("王和平"), ["王和平"]);
        assert_eq!(names("和珅"), ["和珅"]);
        assert_eq!(names("無"), Vec::<String>::new());
        assert_eq!(names("0"), Vec::<String>::new());
    }

    #[test]
    fn names_compare_without_spaces_and_bracket_width() {
        assert_eq!(
            normal_name("XX县 妇幼保健院（分院）"),
            normal_name("XX县妇幼保健院(分院)")
        );
        assert_ne!(normal_name("XX县人民医院"), normal_name("XX县中医医院"));
    }
}
