//! Rows below a header that hold something other than a record, whatever column their text
//! lands in: a sign-off line dated in the date column (2026-04-02 | 填表人：王强 | 审核人：李娜),
//! a numbered note under 填表说明 (1 | 本表由登记员每日填写。), and an unused line of a printed
//! form (a 序号 and the form's empty boxes, □是 □否).

use crate::row::{RawRow, RawValue};
use crate::typing::to_datetime;

use super::rows::{is_blank, is_sign_off};

/// Most cells such a row fills: a number, a date and two sign-offs.
const MAX_CELLS: usize = 4;

/// Whether the row is a dated sign-off, a numbered note or an unused form line.
pub(super) fn is_not_a_record(row: &RawRow<'_>) -> bool {
    let filled: Vec<&RawValue<'_>> = row
        .cells()
        .iter()
        .map(|(_, v)| v)
        .filter(|v| !is_blank(row, v))
        .take(MAX_CELLS + 1)
        .collect();
    if filled.is_empty() || filled.len() > MAX_CELLS {
        return false;
    }
    let kinds: Vec<Kind> = filled.iter().map(|v| kind(row, v)).collect();
    let count = |k: Kind| kinds.iter().filter(|&&x| x == k).count();
    let only = |allowed: &[Kind]| kinds.iter().all(|k| allowed.contains(k));
    // Two people sign a ledger off; one 经办人：王五 beside a date may be a record's own cell.
    let dated_sign_offs = count(Kind::SignOff) >= 2 && only(&[Kind::SignOff, Kind::Date]);
    let note = count(Kind::Sentence) == 1 && only(&[Kind::Sentence, Kind::Number]);
    let unused_form_line = count(Kind::EmptyBoxes) >= 1 && only(&[Kind::EmptyBoxes, Kind::Number]);
    dated_sign_offs || note || unused_form_line
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A sequence number: 1, 12, （3）, 4.
    Number,
    Date,
    /// 填表人：王强, 审核人：
    SignOff,
    /// A sentence of a note: long, and punctuated as prose.
    Sentence,
    /// Only a printed form's boxes and their option words, none ticked: □是 □否.
    EmptyBoxes,
    Other,
}

/// Shortest text taken for a note's sentence.
const SENTENCE_MIN_CHARS: usize = 10;

fn kind(row: &RawRow<'_>, v: &RawValue<'_>) -> Kind {
    match v {
        RawValue::Int(_) | RawValue::Float(_) => return Kind::Number,
        RawValue::DateTime(_) => return Kind::Date,
        RawValue::Text { .. } | RawValue::Shared(_) => {}
        _ => return Kind::Other,
    }
    let text = row.text(v).trim();
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.trim_matches(|c: char| matches!(c, '(' | ')' | '（' | '）' | '.' | '、'));
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        return Kind::Number;
    }
    if is_sign_off(&compact) {
        return Kind::SignOff;
    }
    if is_empty_boxes(&compact) {
        return Kind::EmptyBoxes;
    }
    if to_datetime(v, text).is_some() {
        return Kind::Date;
    }
    let prose = compact.contains(['。', '，', '；', '：']) || compact.ends_with('.');
    if prose && compact.chars().count() >= SENTENCE_MIN_CHARS {
        return Kind::Sentence;
    }
    Kind::Other
}

/// Boxes a printed form leaves empty, and the marks that tick one.
const EMPTY_BOXES: [char; 3] = ['□', '☐', '▢'];
const TICKS: [char; 11] = ['☑', '☒', '■', '√', '✓', '✔', '×', '✗', '✘', '▇', '●'];

/// "□是 □否", "是□ 否□", "□有 □无": boxes and short option words, nothing ticked.
fn is_empty_boxes(text: &str) -> bool {
    const MAX_CHARS: usize = 12;
    text.contains(EMPTY_BOXES)
        && !text.contains(TICKS)
        && text.chars().count() <= MAX_CHARS
        && !text.chars().any(|c| c.is_ascii_digit())
}
