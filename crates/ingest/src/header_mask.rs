//! Header lists as they are shown and stored: the cells of an unrecognised sheet's likeliest
//! header row, and a recognised sheet's columns left unread. When no row is a header (a
//! headerless export, a file read as one line) that "header" is a record: a person's ID number,
//! name and phone. A cell is shown as written only when it may be a label; numbers that may be
//! a person's are always masked, and in a row that is evidently data (dates, ID or phone
//! numbers, few labels) every short Chinese name is masked as on screen (张*).

use std::borrow::Cow;

use auditor_model::ident::mask::mask_name;

use crate::header::normalize_header;
use crate::redact::personal_numbers_anywhere;
use crate::spec::Catalog;
use crate::value::parse_datetime_text;

/// `cells`, one header row (or list of headers), masked for showing and storing.
pub(crate) fn mask_header_cells(catalog: &Catalog, cells: Vec<String>) -> Vec<String> {
    let data_like = is_data_like(catalog, &cells);
    cells
        .into_iter()
        .map(|cell| mask_cell(catalog, &cell, data_like).into_owned())
        .collect()
}

/// Whether the cells read as a record rather than as headers: one holds a date, an ID-shaped
/// number or a mobile number, and fewer than half are labels a ledger uses.
fn is_data_like(catalog: &Catalog, cells: &[String]) -> bool {
    let words: Vec<&str> = cells.iter().flat_map(|c| words(c)).collect();
    if words.is_empty() {
        return false;
    }
    let labels = words.iter().filter(|w| is_label(catalog, w)).count();
    let personal = words
        .iter()
        .any(|w| is_date(w) || personal_numbers_anywhere(w) != *w);
    personal && labels * 2 < words.len()
}

/// A cell with its personal numbers masked and, in a data-like row, its short Chinese names.
fn mask_cell<'c>(catalog: &Catalog, cell: &'c str, data_like: bool) -> Cow<'c, str> {
    let numbers = personal_numbers_anywhere(cell);
    if !data_like || !words(&numbers).any(|w| is_name_like(catalog, w)) {
        return numbers;
    }
    // Names are masked word by word; what separates them (a line break, a space) stays.
    let mut out = String::with_capacity(numbers.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if is_name_like(catalog, word) {
            out.push_str(&mask_name(word));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in numbers.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    Cow::Owned(out)
}

fn words(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(char::is_whitespace).filter(|w| !w.is_empty())
}

/// A header any ledger of the catalogue uses (姓名, 检查日期, 孕妇姓名).
fn is_label(catalog: &Catalog, word: &str) -> bool {
    let normalized = normalize_header(word);
    !catalog.lookup(&normalized).is_empty() || !catalog.lookup_contained(&normalized).is_empty()
}

/// Two to four Chinese characters (a middle dot allowed, for minority names) that are no label.
fn is_name_like(catalog: &Catalog, word: &str) -> bool {
    let mut han = 0;
    for c in word.chars() {
        match c {
            '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3134f}' => {
                han += 1;
            }
            '·' | '•' | '・' | '．' => {}
            _ => return false,
        }
    }
    (2..=4).contains(&han) && !is_label(catalog, word)
}

/// A date as ledgers write it (2026-03-05, 2026/3/5, 2026年3月5日, with or without a time).
fn is_date(word: &str) -> bool {
    word.bytes().filter(u8::is_ascii_digit).count() >= 4 && parse_datetime_text(word).is_some()
}

#[cfg(test)]
mod tests {
    use super::mask_header_cells;
    use crate::spec::Catalog;

    fn masked(cells: &[&str]) -> Vec<String> {
        let catalog = Catalog::builtin().unwrap();
        mask_header_cells(&catalog, cells.iter().map(|c| (*c).to_owned()).collect())
    }

    #[test]
    fn a_record_taken_for_a_header_shows_no_person() {
        assert_eq!(
            masked(&[
                "2026-03-05",
                "张丽",
                "370921199102111023",
                "16周",
                "王强",
                "欧阳娜娜",
                "13812345678",
                "宫内妊娠",
            ]),
            [
                "2026-03-05",
                "张*",
                "3709**********1023",
                "16周",
                "王*",
                "欧***",
                "138******78",
                "宫***",
            ]
        );
    }

    #[test]
    fn a_header_keeps_its_labels_and_loses_only_numbers() {
        assert_eq!(
            masked(&[
                "检查日期",
                "姓名",
                "身份证号",
                "370921199901191189",
                "操作医师",
                "临床诊断"
            ]),
            [
                "检查日期",
                "姓名",
                "身份证号",
                "3709**********1189",
                "操作医师",
                "临床诊断"
            ]
        );
        // No date, ID or phone: a header with unknown labels is shown as written.
        assert_eq!(
            masked(&["病区", "床号", "主管护士"]),
            ["病区", "床号", "主管护士"]
        );
    }

    #[test]
    fn records_run_together_in_one_cell_are_masked_word_by_word() {
        assert_eq!(
            masked(&["宫内妊娠\r2026-03-05 张丽\r370921199102111023"]),
            ["宫***\r2026-03-05 张*\r3709**********1023"]
        );
    }
}
