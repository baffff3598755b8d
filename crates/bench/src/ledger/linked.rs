//! The people the linked ledgers (`termination`, `pregnancy`) share with the exams, for the
//! cross-ledger rules that join them by resident ID number.
//!
//! A linked ledger of `n` rows belongs with the `us_exam` ledger of [`LINK_STRIDE`]·`n` rows:
//! its row `j` is about the woman of exam row `LINK_STRIDE·j + offset` (3 for terminations, 7
//! for pregnancies), whose ID number, name, exam day and gestational age it takes from that
//! exam. The exam rows are produced again by the same deterministic iterator as the exam
//! ledger, one at a time, so nothing is held in memory.

use chrono::NaiveDate;

use super::us_exam::{self, GA_COL, ID_COL, NAME_COL};
use super::{Cell, Kind, Rows};

/// Exam rows per row of a linked ledger.
pub const LINK_STRIDE: u64 = 10;

/// What a linked row takes from its exam.
pub struct ExamPerson {
    pub name: String,
    /// As the exam has it, a wrong check character included.
    pub id: String,
    /// The exam's day (also for the few exams whose 检查时间 was written as a bad date).
    pub day: NaiveDate,
    /// Gestational age at the exam in days, where the exam states a readable one.
    pub ga_days: Option<u32>,
}

/// Walks the exam ledger and yields the person of every `LINK_STRIDE`-th exam from `offset`.
pub struct ExamPeople {
    exams: Box<Rows>,
    n_exams: u64,
    offset: u64,
    next_index: u64,
}

impl ExamPeople {
    /// The people of the exam ledger that goes with a linked ledger of `n` rows.
    pub fn new(n: u64, offset: u64) -> Self {
        let n_exams = n * LINK_STRIDE;
        Self {
            exams: Box::new(Kind::UsExam.rows(n_exams)),
            n_exams,
            offset,
            next_index: 0,
        }
    }

    pub fn next_person(&mut self) -> Option<ExamPerson> {
        let mut picked = None;
        for k in 0..LINK_STRIDE {
            let row = self.exams.next()?;
            if k == self.offset {
                picked = Some(row);
            }
        }
        let index = self.next_index + self.offset;
        self.next_index += LINK_STRIDE;
        let row = picked?;
        let text = |c: usize| match row.get(c) {
            Some(Cell::Text(s)) => s.clone(),
            _ => String::new(),
        };
        Some(ExamPerson {
            name: text(NAME_COL),
            id: text(ID_COL),
            day: us_exam::exam_day(index, self.n_exams),
            ga_days: gestation_days(&text(GA_COL)),
        })
    }
}

/// Days of a gestational age in the forms the exams write: "16+3", "16周", "16周3天".
pub fn gestation_days(text: &str) -> Option<u32> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let weeks: u32 = text.get(..digits)?.parse().ok()?;
    let rest = &text[digits..];
    let rest = rest.strip_prefix('周').or_else(|| rest.strip_prefix('+'))?;
    let rest = rest.strip_suffix('天').unwrap_or(rest);
    let days: u32 = if rest.is_empty() {
        0
    } else {
        rest.parse().ok()?
    };
    (days < 7).then_some(weeks * 7 + days)
}

/// A gestational age as a clerk writes it, in one of the forms the exams use.
pub fn gestation_text(days: u32, form: u32) -> String {
    let (w, d) = (days / 7, days % 7);
    match form % 3 {
        0 => format!("{w}+{d}"),
        1 if d == 0 => format!("{w}周"),
        _ => format!("{w}周{d}天"),
    }
}

/// The birth date in an 18-character ID number.
pub fn birth_of(id: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(id.get(6..14)?, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gestation_reads_and_writes_the_exam_forms() {
        assert_eq!(gestation_days("16+3"), Some(115));
        assert_eq!(gestation_days("16周"), Some(112));
        assert_eq!(gestation_days("16周3天"), Some(115));
        assert_eq!(gestation_days("约十周"), None);
        assert_eq!(gestation_days(""), None);
        for days in [56, 115, 140] {
            for form in 0..3 {
                assert_eq!(gestation_days(&gestation_text(days, form)), Some(days));
            }
        }
        assert_eq!(
            birth_of("11010519491231002X"),
            NaiveDate::from_ymd_opt(1949, 12, 31)
        );
    }
}
