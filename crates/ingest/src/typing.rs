//! Typing one cell into its field's column: dates, numbers, identifiers, names and phones
//! (masked at the door), ID numbers (hashed at the door). A cell that cannot be typed becomes an
//! [`Issue`], reported by the sheet as a data-quality finding naming the cell.

use auditor_model::CellRef;
use auditor_model::ident::{approval_no, mask, resident_id, trace_code, uscc};
use chrono::NaiveTime;

use crate::column::{Column, PersonKey, days_from_date, secs_from_datetime};
use crate::own_names::OwnNames;
use crate::privacy::IdHasher;
use crate::quality::DqRule;
use crate::row::{RawRow, RawValue};
use crate::spec::{DatasetSpec, FieldType};
use crate::value::{
    from_excel_serial, parse_bool, parse_datetime_text, parse_gestation, parse_month_end,
    parse_names, parse_period_end, parse_quantity, parse_sex, parse_time_text, plausible_serial,
};

pub(crate) struct Issue {
    pub(crate) rule: DqRule,
    pub(crate) field: usize,
    pub(crate) col: u32,
    /// The offending value as it may be shown (masked for personal data).
    pub(crate) shown: String,
    pub(crate) reason: Option<(String, String)>,
    /// The value was stored anyway (organisation codes): the cell must not also be blanked.
    pub(crate) kept: bool,
}

pub(crate) fn issue_message(
    issue: &Issue,
    f: &crate::spec::FieldSpec,
    cell: CellRef,
) -> (String, String) {
    // What a cell held is quoted, but a shifted row puts an ID number, a phone or a name where
    // a date or a week was due: whatever looks like one is masked first.
    let masked = crate::redact::personal_numbers_anywhere(&issue.shown);
    let masked = crate::likely_names::mask_likely_names(&masked);
    let v: &str = &masked;
    let (what_zh, what_en) = match issue.rule {
        DqRule::CellError if v == crate::row::UNCALCULATED => {
            return (
                format!(
                    "{cell}「{}」是公式，但文件中没有它的计算结果（生成文件的程序没有计算公式），按空白处理：请在 Excel 中打开并保存后再检查",
                    f.zh
                ),
                format!(
                    "{cell} {} ({}) is a formula saved without its result (the program that wrote the file did not calculate it): read as empty; open and save the file in Excel, then check again",
                    f.en, f.name
                ),
            );
        }
        DqRule::CellError => {
            return (
                format!("{cell}「{}」是公式错误值“{v}”，没有内容，按空白处理", f.zh),
                format!(
                    "{cell} {} ({}) holds the formula error {v}, not a value: read as empty",
                    f.en, f.name
                ),
            );
        }
        DqRule::RequiredMissing => {
            return (
                format!("{cell}「{}」为空，该项必填", f.zh),
                format!("{cell} {} ({}) is empty but required", f.en, f.name),
            );
        }
        DqRule::DateInvalid => ("不是有效日期", "is not a valid date"),
        DqRule::TimeInvalid => ("不是有效时间", "is not a valid time"),
        DqRule::NumberInvalid => ("不是有效数值", "is not a valid number"),
        DqRule::FlagInvalid => ("应为“是/否”", "is not a yes/no value"),
        DqRule::SexInvalid => ("应为“男/女”", "is not 男/女 (male/female)"),
        DqRule::GestationInvalid => ("不是有效孕周", "is not a valid gestational age"),
        DqRule::PersonIdInvalid => (
            "不是有效的居民身份证号",
            "is not a valid resident ID number",
        ),
        DqRule::UsccInvalid => (
            "不是有效的统一社会信用代码",
            "is not a valid unified social credit code",
        ),
        DqRule::ApprovalNoInvalid => (
            "不是有效的药品批准文号",
            "is not a valid drug approval number",
        ),
        DqRule::TraceCodeInvalid => (
            "不是有效的药品追溯码",
            "is not a valid drug traceability code",
        ),
        _ => ("有误", "is invalid"),
    };
    let (rz, re) = issue
        .reason
        .clone()
        .map_or((String::new(), String::new()), |(z, e)| {
            (format!("：{z}"), format!(": {e}"))
        });
    (
        format!("{cell}「{}」的值“{v}”{what_zh}{rz}", f.zh),
        format!("{cell} {} ({}) \"{v}\" {what_en}{re}", f.en, f.name),
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the cell's context"
)]
pub(crate) fn store(
    column: &mut Column,
    spec: &DatasetSpec,
    field: usize,
    col: u32,
    row: &RawRow<'_>,
    v: &RawValue<'_>,
    companion: Option<(u32, &RawValue<'_>)>,
    bare_is_days: bool,
    title_year: Option<i32>,
    hasher: &IdHasher,
    scratch: &mut String,
    own_names: &OwnNames<'_>,
) -> Result<(), Issue> {
    if let RawValue::Error(code) = *v {
        // An error is no value, whatever the column: the rules see the cell as missing.
        return Err(Issue {
            rule: DqRule::CellError,
            field,
            col,
            shown: code.to_owned(),
            reason: None,
            kept: false,
        });
    }
    let f = &spec.fields[field];
    // Numbers and dates need their text only to be quoted in a finding; rendering it for every
    // cell would cost an allocation per cell on million-row ledgers.
    let text = if v.is_text() || matches!(column, Column::Text(_) | Column::Person(_)) {
        row.display(v)
    } else {
        std::borrow::Cow::Borrowed("")
    };
    let text: &str = &text; // row text is stored trimmed
    let shown = || row.display(v).trim().to_owned();
    let fail = |rule: DqRule, shown: String, reason: Option<(String, String)>| Issue {
        rule,
        field,
        col,
        shown,
        reason,
        kept: false,
    };
    match (column, f.kind) {
        (Column::Text(t), FieldType::Names | FieldType::TraceCodes) => {
            // Most cells hold one name or one code: no list to build. A signer's column holds
            // no phone or ID number worth keeping: one typed there is masked.
            if !lists_several(text) {
                if f.kind == FieldType::Names {
                    t.push(&crate::redact::personal_numbers_anywhere(text));
                } else {
                    t.push(text);
                }
                if f.kind == FieldType::TraceCodes
                    && let Err(e) = trace_code::validate_trace_code(text)
                {
                    return keep_value(fail(
                        DqRule::TraceCodeInvalid,
                        text.to_owned(),
                        Some((e.zh(), e.en())),
                    ));
                }
                return Ok(());
            }
            let parts = parse_names(text);
            if f.kind == FieldType::Names {
                t.push(&crate::redact::personal_numbers_anywhere(&parts.join("、")));
                return Ok(());
            }
            t.push(&parts.join(","));
            // The list is kept whole; the finding names the first code that is not valid.
            for p in &parts {
                if let Err(e) = trace_code::validate_trace_code(p) {
                    return keep_value(fail(
                        DqRule::TraceCodeInvalid,
                        p.clone(),
                        Some((e.zh(), e.en())),
                    ));
                }
            }
            Ok(())
        }
        (Column::Text(t), FieldType::Uscc | FieldType::ApprovalNo | FieldType::TraceCode) => {
            let checked = match f.kind {
                FieldType::Uscc => uscc::validate_uscc(text).map_err(|e| (DqRule::UsccInvalid, e)),
                FieldType::ApprovalNo => approval_no::validate_approval_no(text)
                    .map_err(|e| (DqRule::ApprovalNoInvalid, e)),
                _ => {
                    trace_code::validate_trace_code(text).map_err(|e| (DqRule::TraceCodeInvalid, e))
                }
            };
            match checked {
                Ok(normal) => {
                    t.push(&normal);
                    Ok(())
                }
                Err((rule, e)) => {
                    // Organisation codes are not personal data: keep what was written so rules
                    // can still match it, and report it.
                    t.push(text);
                    keep_value(fail(rule, text.to_owned(), Some((e.zh(), e.en()))))
                }
            }
        }
        // Privacy at the door: names and phones are kept only masked (rules need to know that a
        // name is there, never what it is; people are linked by id_hash), and an address only
        // down to its county.
        (Column::Text(t), FieldType::Name) => {
            mask::mask_name_into(text, scratch);
            t.push(scratch);
            Ok(())
        }
        (Column::Text(t), FieldType::Phone) => {
            phone_for_storage(text, scratch);
            t.push(scratch);
            Ok(())
        }
        (Column::Text(t), FieldType::Staff) => {
            t.push(&crate::redact::personal_numbers_anywhere(text));
            Ok(())
        }
        (Column::Text(t), FieldType::Address) => {
            t.push(county_of(text));
            Ok(())
        }
        // Free text is kept, but never an ID number or a phone typed into it, nor the names
        // the record's name columns hold.
        (Column::Text(t), _) => {
            let redacted = crate::redact::personal_numbers(text);
            match own_names.mask_in(&redacted) {
                Some(masked) => t.push(&masked),
                None => t.push(&redacted),
            }
            Ok(())
        }
        (Column::Date(d), _) => {
            let date = if f.period_end {
                period_end(v, text)
            } else {
                to_datetime(v, text)
                    .or_else(|| yearless(v, row, title_year))
                    .map(|(date, _)| date)
                    // 已备案（2026.7.20）: the day the words give.
                    .or_else(|| crate::vague::done_on(text))
            };
            match date {
                Some(date) => {
                    d.push(days_from_date(date));
                    Ok(())
                }
                None => Err(fail(DqRule::DateInvalid, shown(), None)),
            }
        }
        (Column::DateTime(d), _) => {
            match to_datetime(v, text).or_else(|| yearless(v, row, title_year)) {
                Some((date, time)) => {
                    // The time of a date written without one comes from its time column; a time
                    // that cannot be read is reported on its own cell, the date kept.
                    let companion = companion.filter(|(_, cv)| !is_placeholder_value(row, cv));
                    let from_companion = match (time, companion) {
                        (None, Some((c, cv))) => Some((c, cv, to_time(cv, &row.display(cv)))),
                        _ => None,
                    };
                    let time = time
                        .or_else(|| from_companion.and_then(|(_, _, t)| t))
                        .unwrap_or(NaiveTime::MIN);
                    d.push(secs_from_datetime(date.and_time(time)));
                    match from_companion {
                        Some((c, cv, None)) => keep_value(Issue {
                            rule: DqRule::TimeInvalid,
                            field,
                            col: c,
                            shown: row.display(cv).trim().to_owned(),
                            reason: None,
                            kept: true,
                        }),
                        _ => Ok(()),
                    }
                }
                None => Err(fail(DqRule::DateInvalid, shown(), None)),
            }
        }
        (Column::Time(t), _) => match to_time(v, text) {
            Some(time) => {
                t.push(chrono::Timelike::num_seconds_from_midnight(&time) as i32);
                Ok(())
            }
            None => Err(fail(DqRule::TimeInvalid, shown(), None)),
        },
        (Column::Number(n), FieldType::Gestation) => {
            let parsed = match *v {
                RawValue::Int(i) => Some(if bare_is_days {
                    i as f64
                } else {
                    i as f64 * 7.0
                }),
                RawValue::Float(x) => Some(if bare_is_days { x } else { x * 7.0 }),
                _ => parse_gestation(text, bare_is_days),
            };
            match parsed {
                Some(days) if plausible_gestation(days) => {
                    n.push(days);
                    Ok(())
                }
                Some(_) => Err(fail(
                    DqRule::GestationInvalid,
                    shown(),
                    Some((
                        format!("超出 1 天至 {MAX_GESTATION_WEEKS} 周的可能范围"),
                        format!("outside the possible 1 day to {MAX_GESTATION_WEEKS} weeks"),
                    )),
                )),
                None => Err(fail(DqRule::GestationInvalid, shown(), None)),
            }
        }
        (Column::Number(n), _) => {
            let parsed = match *v {
                RawValue::Int(i) => Some(i as f64),
                RawValue::Float(x) => Some(x),
                _ => parse_quantity(text).map(|(x, _)| x),
            };
            match parsed.filter(|x| f.kind != FieldType::Integer || x.fract() == 0.0) {
                Some(x) => {
                    n.push(x);
                    Ok(())
                }
                None => Err(fail(DqRule::NumberInvalid, shown(), None)),
            }
        }
        (Column::Quantity(n, units), _) => {
            let parsed = match *v {
                RawValue::Int(i) => Some((i as f64, String::new())),
                RawValue::Float(x) => Some((x, String::new())),
                _ => parse_quantity(text),
            };
            match parsed {
                Some((x, unit)) => {
                    n.push(x);
                    units.push(&unit);
                    Ok(())
                }
                None => Err(fail(DqRule::NumberInvalid, shown(), None)),
            }
        }
        (Column::Flag(b), FieldType::Sex) => {
            let parsed = match *v {
                RawValue::Int(1) => Some(true),
                RawValue::Int(2) => Some(false),
                _ => parse_sex(text),
            };
            match parsed {
                Some(male) => {
                    b.push(u8::from(male));
                    Ok(())
                }
                None => Err(fail(DqRule::SexInvalid, shown(), None)),
            }
        }
        (Column::Flag(b), _) => {
            let parsed = match *v {
                RawValue::Bool(x) => Some(x),
                RawValue::Int(1) => Some(true),
                RawValue::Int(0) => Some(false),
                _ => parse_bool(text),
            };
            match parsed {
                Some(x) => {
                    b.push(u8::from(x));
                    Ok(())
                }
                None => Err(fail(DqRule::FlagInvalid, shown(), None)),
            }
        }
        // A cell holding the number among other text (身份证号/联系电话 in one column) is
        // the person its one valid number names.
        (Column::Person(p), _) => match resident_id::parse_resident_id(text)
            .or_else(|e| crate::value::embedded_id(text).ok_or(e))
        {
            Ok(id) => {
                use chrono::Datelike;
                p.push(Some(PersonKey {
                    id_hash: hasher.pseudonym(&id.normalized),
                    sex: Some(id.sex),
                    birth_year: id.birth.year() as u16,
                    region: id.region,
                }));
                Ok(())
            }
            // The raw number never leaves this function: the finding shows it masked. A label
            // written with it (身份证号：…) is no part of the number, nor of its length.
            Err(e) => {
                let (written, e) = match crate::value::number_written(text) {
                    Some(number) => (
                        number,
                        resident_id::parse_resident_id(number).err().unwrap_or(e),
                    ),
                    None => (text, e),
                };
                Err(fail(
                    DqRule::PersonIdInvalid,
                    mask::mask_id(&auditor_model::ident::normalize(written)),
                    Some(crate::value::id_as_number(v, text).unwrap_or_else(|| (e.zh(), e.en()))),
                ))
            }
        },
    }
}

/// A date written without its year (3月5日, 3.5) in a sheet whose title gives the year.
fn yearless(
    v: &RawValue<'_>,
    row: &RawRow<'_>,
    year: Option<i32>,
) -> Option<(chrono::NaiveDate, Option<NaiveTime>)> {
    crate::value::parse_yearless(&row.display(v), year?)
}

/// No pregnancy lasts beyond about 45 weeks: a larger age is a typing slip or a number read in
/// the wrong unit, and rules must not reason from it.
const MAX_GESTATION_WEEKS: u32 = 45;

fn plausible_gestation(days: f64) -> bool {
    days > 0.0 && days <= f64::from(MAX_GESTATION_WEEKS * 7)
}

/// A phone kept to its first three and last two characters ("138******34"): enough to tell
/// two numbers apart on screen, and few enough distinct values to store compactly.
/// Written into `out` (cleared first), a buffer reused from cell to cell.
fn phone_for_storage(phone: &str, out: &mut String) {
    out.clear();
    // Nearly every phone is ASCII digits: bytes are characters, no decoding needed.
    if phone.is_ascii() && phone.len() >= 7 {
        let n = phone.len();
        out.push_str(&phone[..3]);
        out.extend(std::iter::repeat_n('*', n - 5));
        out.push_str(&phone[n - 2..]);
        return;
    }
    let n = phone.chars().count();
    if n < 7 {
        out.extend(std::iter::repeat_n('*', n));
        return;
    }
    out.extend(
        phone
            .chars()
            .enumerate()
            .map(|(i, c)| if i < 3 || i + 2 >= n { c } else { '*' }),
    );
}

/// Whether a names or codes cell lists several (、 , ， ; ； / | newline, space, tab between
/// them), decided on the bytes: most cells hold one name, and a search per separator character
/// cost more than typing the cell.
fn lists_several(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &c)| match c {
        b',' | b';' | b'/' | b'|' | b'\n' | b' ' | b'\t' => true,
        // 、 is E3 80 81; ， and ； are EF BC 8C and EF BC 9B.
        0xE3 => b.get(i + 1..i + 3) == Some(&[0x80, 0x81]),
        0xEF => matches!(b.get(i + 1..i + 3), Some([0xBC, 0x8C | 0x9B])),
        _ => false,
    })
}

/// The address down to its county or district ("山东省泰安市宁阳县文庙街道…" -> "山东省泰安市宁阳县"):
/// enough to route and count, without the house number.
fn county_of(address: &str) -> &str {
    // One pass over the characters: the first 县, 区 or 旗 ends the county; failing those,
    // the first 市 ends the city.
    let mut city = None;
    for (i, c) in address.char_indices() {
        match c {
            '县' | '区' | '旗' => return &address[..i + c.len_utf8()],
            '市' if city.is_none() => city = Some(i + c.len_utf8()),
            _ => {}
        }
    }
    city.map_or("", |end| &address[..end])
}

/// Whether a cell holds only a placeholder ("/", 无, —), as blank as an empty cell.
fn is_placeholder_value(row: &RawRow<'_>, v: &RawValue<'_>) -> bool {
    v.is_text() && crate::value::is_placeholder_trimmed(row.text(v))
}

/// An issue whose value has already been stored: reported, but the cell is not blanked.
fn keep_value(issue: Issue) -> Result<(), Issue> {
    Err(Issue {
        kept: true,
        ..issue
    })
}

pub(crate) fn to_datetime(
    v: &RawValue,
    text: &str,
) -> Option<(chrono::NaiveDate, Option<NaiveTime>)> {
    let split =
        |t: chrono::NaiveDateTime| (t.date(), (t.time() != NaiveTime::MIN).then_some(t.time()));
    match *v {
        RawValue::DateTime(serial) => from_excel_serial(serial).map(split),
        RawValue::Float(x) if plausible_serial(x) => from_excel_serial(x).map(split),
        RawValue::Int(i) if plausible_serial(i as f64) => from_excel_serial(i as f64).map(split),
        RawValue::Int(i) if (19_000_101..=21_001_231).contains(&i) => {
            parse_datetime_text(&i.to_string())
        }
        _ => parse_datetime_text(text),
    }
}

/// The end of a period (for fields marked `period_end`): text is read as a period first
/// ("2021.1.1-2024.1.1", "至2023年5月1日", "2025年6月", "长期"); a number or a date cell as a
/// date first, then as a month alone (202612).
fn period_end(v: &RawValue, text: &str) -> Option<chrono::NaiveDate> {
    let as_date = || to_datetime(v, text).map(|(date, _)| date);
    match *v {
        RawValue::Text { .. } | RawValue::Shared(_) => parse_period_end(text).or_else(as_date),
        RawValue::Int(i) => as_date().or_else(|| parse_month_end(&i.to_string())),
        _ => as_date(),
    }
}

pub(crate) fn to_time(v: &RawValue, text: &str) -> Option<NaiveTime> {
    match *v {
        RawValue::DateTime(serial) | RawValue::Float(serial)
            if (0.0..1.0).contains(&serial.fract()) && serial >= 0.0 =>
        {
            from_excel_serial(serial + 1.0).map(|t| t.time())
        }
        _ => parse_time_text(text).or_else(|| parse_datetime_text(text).and_then(|(_, t)| t)),
    }
}

#[cfg(test)]
mod tests {
    use super::{county_of, lists_several, phone_for_storage};

    #[test]
    fn lists_are_told_from_single_values() {
        for one in [
            "张卫东",
            "8123456789012345678X",
            "Smith",
            "王（实习）",
            "李、",
        ] {
            assert_eq!(lists_several(one), one.ends_with('、'), "{one}");
        }
        for several in [
            "张卫东、李娜",
            "张卫东,李娜",
            "张卫东，李娜",
            "张卫东;李娜",
            "张卫东；李娜",
            "张卫东/李娜",
            "张卫东|李娜",
            "张卫东 李娜",
            "张卫东\t李娜",
            "张卫东\n李娜",
        ] {
            assert!(lists_several(several), "{several}");
        }
        // Bytes of 、，； inside other characters (E3 80 xx, EF BC xx) are not separators.
        assert!(!lists_several("　。〇ＡＢ"));
    }

    #[test]
    fn phones_keep_three_and_two() {
        let mut out = String::new();
        phone_for_storage("13812341234", &mut out);
        assert_eq!(out, "138******34");
        phone_for_storage("12345", &mut out);
        assert_eq!(out, "*****");
        phone_for_storage("0538-1234567", &mut out);
        assert_eq!(out, "053*******67");
        phone_for_storage("１３８１２３４１２３４", &mut out);
        assert_eq!(out, "１３８******３４");
    }

    #[test]
    fn addresses_are_cut_to_the_county() {
        assert_eq!(
            county_of("山东省泰安市宁阳县文庙街道1号"),
            "山东省泰安市宁阳县"
        );
        assert_eq!(county_of("南京市玄武区中山路8号"), "南京市玄武区");
        assert_eq!(county_of("泰安市某某路3号"), "泰安市");
        assert_eq!(county_of("某某村3组"), "");
    }
}
