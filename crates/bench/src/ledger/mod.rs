//! What the generated ledgers contain: the two datasets the budgets are written for, as clerks
//! keep them (title rows above the header, Chinese headers the catalog's aliases map, typed date
//! cells), with about 1% deliberately bad cells so the data-quality path does real work too;
//! and two ledgers whose women are those of the exams, for the cross-ledger rules
//! ([`linked`]: `Kind::Termination.rows(n)` goes with `Kind::UsExam.rows(10 * n)`).

mod drug_txn;
mod ids;
mod lcg;
mod linked;
mod pregnancy;
mod termination;
mod us_exam;

use self::linked::LINK_STRIDE;

use chrono::{NaiveDate, NaiveDateTime};

use self::lcg::Lcg;
use self::linked::ExamPeople;

/// How CSV cells hold dates and times: written with chrono, read back by Python's `strptime`
/// in the Table Schema, both of which take these directives.
pub const DATE_FORMAT: &str = "%Y-%m-%d";
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M";

/// What a column holds, as a Frictionless Table Schema type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Date,
    DateTime,
}

/// One generated column: its header, its xlsx width, and what an equivalent Table Schema
/// demands of it. The constraints follow the catalog (`rules/datasets/*.toml`): `required` where
/// the catalog requires the field, a `pattern` where the auditor validates the field's shape.
pub struct Column {
    pub header: &'static str,
    pub width: f64,
    pub ty: FieldType,
    pub required: bool,
    /// A Python regular expression the whole cell must match.
    pub pattern: Option<&'static str>,
}

impl Column {
    pub const fn new(header: &'static str, width: f64, ty: FieldType) -> Self {
        Self {
            header,
            width,
            ty,
            required: false,
            pattern: None,
        }
    }

    pub const fn text(header: &'static str, width: f64) -> Self {
        Self::new(header, width, FieldType::String)
    }

    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub const fn pattern(mut self, pattern: &'static str) -> Self {
        self.pattern = Some(pattern);
        self
    }
}

/// One cell as the writers see it; each writer renders it the way its format would hold it.
pub enum Cell {
    Text(String),
    Int(i64),
    /// Two decimals (prices, amounts).
    Money(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Kind {
    UsExam,
    DrugTxn,
    /// Linked to the exams: see [`Kind::rows_for`].
    Termination,
    /// Linked to the exams: see [`Kind::rows_for`].
    Pregnancy,
}

impl Kind {
    /// The catalog's dataset name, used in file names and the report.
    pub fn name(self) -> &'static str {
        match self {
            Self::UsExam => "us_exam",
            Self::DrugTxn => "drug_txn",
            Self::Termination => "termination",
            Self::Pregnancy => "pregnancy",
        }
    }

    pub fn sheet_name(self) -> &'static str {
        match self {
            Self::UsExam => "B超检查登记",
            Self::DrugTxn => "购销台账",
            Self::Termination => "终止妊娠登记",
            Self::Pregnancy => "孕情登记",
        }
    }

    /// Rows above the header, each a list of (column, text).
    pub fn title_rows(self) -> &'static [&'static [(u16, &'static str)]] {
        match self {
            Self::UsExam => us_exam::TITLES,
            Self::DrugTxn => drug_txn::TITLES,
            Self::Termination => termination::TITLES,
            Self::Pregnancy => pregnancy::TITLES,
        }
    }

    /// The columns, in order: the header row, xlsx widths and the Table Schema's fields.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::UsExam => us_exam::COLUMNS,
            Self::DrugTxn => drug_txn::COLUMNS,
            Self::Termination => termination::COLUMNS,
            Self::Pregnancy => pregnancy::COLUMNS,
        }
    }

    /// Whether the ledger's women are those of an exam ledger.
    pub fn is_linked(self) -> bool {
        matches!(self, Self::Termination | Self::Pregnancy)
    }

    /// The rows of this kind's ledger in a run of `scale` (`--rows`) rows: `scale` for the
    /// independent ledgers; `scale / LINK_STRIDE` for the linked ones, whose women are those of
    /// the `scale`-row exam ledger, which is why `scale` must then be a multiple of
    /// `LINK_STRIDE`.
    pub fn rows_for(self, scale: u64) -> Result<u64, String> {
        if !self.is_linked() {
            return Ok(scale);
        }
        if scale == 0 || !scale.is_multiple_of(LINK_STRIDE) {
            return Err(format!(
                "{}: --rows {scale} is not a positive multiple of {LINK_STRIDE}; a linked ledger \
                 has one row per {LINK_STRIDE} exams of the {scale}-row us_exam ledger",
                self.name()
            ));
        }
        Ok(scale / LINK_STRIDE)
    }

    /// The `n` data rows, always the same for the same `n`. A linked kind's `n` rows are of the
    /// women of `Kind::UsExam.rows(LINK_STRIDE * n)`.
    pub fn rows(self, n: u64) -> Rows {
        let mut rng = Lcg::new(match self {
            Self::UsExam => 0x5553,
            Self::DrugTxn => 0x4454,
            Self::Termination => 0x544F,
            Self::Pregnancy => 0x5052,
        });
        let state = match self {
            Self::UsExam => State::UsExam,
            Self::DrugTxn => State::DrugTxn(drug_txn::Counterparties::new(&mut rng)),
            Self::Termination => State::Termination(ExamPeople::new(n, termination::EXAM_OFFSET)),
            Self::Pregnancy => State::Pregnancy(ExamPeople::new(n, pregnancy::EXAM_OFFSET)),
        };
        Rows {
            n,
            i: 0,
            rng,
            state,
        }
    }
}

enum State {
    UsExam,
    DrugTxn(drug_txn::Counterparties),
    Termination(ExamPeople),
    Pregnancy(ExamPeople),
}

pub struct Rows {
    n: u64,
    i: u64,
    rng: Lcg,
    state: State,
}

impl Iterator for Rows {
    type Item = Vec<Cell>;

    fn next(&mut self) -> Option<Vec<Cell>> {
        if self.i >= self.n {
            return None;
        }
        let row = match &mut self.state {
            State::UsExam => us_exam::row(&mut self.rng, self.i, self.n),
            State::DrugTxn(parties) => drug_txn::row(&mut self.rng, parties, self.i, self.n),
            State::Termination(people) => {
                termination::row(&mut self.rng, &people.next_person()?, self.i)
            }
            State::Pregnancy(people) => {
                pregnancy::row(&mut self.rng, &people.next_person()?, self.i)
            }
        };
        self.i += 1;
        Some(row)
    }
}

/// A date advancing with the row index over `span_days` from `start`, so the ledger is in
/// date order like a real one.
fn day_of(start: NaiveDate, span_days: u64, i: u64, n: u64) -> NaiveDate {
    let offset = i * span_days / n.max(1);
    start + chrono::Days::new(offset)
}

/// Dates a clerk might type that no reader can take: impossible days, a two-digit year, a note.
const BAD_DATES: &[&str] = &[
    "2023-02-29",
    "2024.13.05",
    "23/5/6",
    "待补录",
    "5月12日",
    "2024-06-31",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns describe the rows: one cell per column, of the column's type (or a deliberately
    /// bad date written as text), never empty where the column is required.
    #[test]
    fn columns_describe_the_generated_rows() {
        for kind in [
            Kind::UsExam,
            Kind::DrugTxn,
            Kind::Termination,
            Kind::Pregnancy,
        ] {
            let columns = kind.columns();
            for row in kind.rows(2_000) {
                assert_eq!(row.len(), columns.len(), "{}", kind.name());
                for (cell, column) in row.iter().zip(columns) {
                    let fits = match (cell, column.ty) {
                        (Cell::Empty, _) => !column.required,
                        (Cell::Text(_), FieldType::String)
                        | (Cell::Int(_), FieldType::Integer)
                        | (Cell::Money(_), FieldType::Number)
                        | (Cell::Date(_), FieldType::Date)
                        | (Cell::DateTime(_), FieldType::DateTime) => true,
                        (Cell::Text(t), FieldType::Date | FieldType::DateTime) => {
                            BAD_DATES.contains(&t.as_str())
                        }
                        _ => false,
                    };
                    assert!(fits, "{} {}", kind.name(), column.header);
                }
            }
        }
    }

    fn col(kind: Kind, header: &str) -> usize {
        kind.columns()
            .iter()
            .position(|c| c.header == header)
            .unwrap_or_else(|| panic!("{} has no column {header}", kind.name()))
    }

    fn text(row: &[Cell], c: usize) -> &str {
        match &row[c] {
            Cell::Text(s) => s,
            _ => "",
        }
    }

    fn date(row: &[Cell], c: usize) -> Option<NaiveDate> {
        match &row[c] {
            Cell::Date(d) => Some(*d),
            Cell::DateTime(t) => Some(t.date()),
            _ => None,
        }
    }

    fn days(row: &[Cell], c: usize) -> Option<i64> {
        linked::gestation_days(text(row, c)).map(i64::from)
    }

    /// Termination j and pregnancy j are of the woman of exam 10j+3 and 10j+7 of the exam
    /// ledger ten times their size: the same ID number and name, dates in the documented
    /// ranges of that exam's date (read from the exam's own cell), gestational ages that agree
    /// with the days in between and with the LMP.
    #[test]
    fn linked_rows_are_of_the_exam_women() {
        let n = 500;
        let exams: Vec<Vec<Cell>> = Kind::UsExam.rows(n * LINK_STRIDE).collect();
        let exam_name = col(Kind::UsExam, "姓名");
        let exam_id = col(Kind::UsExam, "身份证号");
        let exam_ts = col(Kind::UsExam, "检查时间");
        let exam_ga = col(Kind::UsExam, "孕周");

        let t = Kind::Termination;
        let (t_date, t_lmp, t_ga) = (col(t, "手术日期"), col(t, "末次月经"), col(t, "孕周"));
        let t_cert = col(t, "证明类型");
        let (mut within_30, mut beyond_30, mut certified, mut judged) = (0, 0, 0, 0);
        let terminations: Vec<Vec<Cell>> = t.rows(n).collect();
        assert_eq!(terminations.len() as u64, n);
        for (j, row) in terminations.iter().enumerate() {
            let exam = &exams[j * 10 + 3];
            assert_eq!(
                text(row, col(t, "身份证号")),
                text(exam, exam_id),
                "row {j}"
            );
            assert_eq!(text(row, col(t, "姓名")), text(exam, exam_name), "row {j}");
            assert!(!text(exam, exam_id).is_empty());
            if text(row, t_cert) != "无" {
                certified += 1;
            }
            // About 0.5% of either date is a deliberately bad cell.
            let (Some(exam_day), Some(day)) = (date(exam, exam_ts), date(row, t_date)) else {
                continue;
            };
            judged += 1;
            let after = (day - exam_day).num_days();
            assert!(
                (1..=40).contains(&after),
                "row {j}: {after} days after the exam"
            );
            if after <= 30 {
                within_30 += 1;
            } else {
                beyond_30 += 1;
            }
            let ga = days(row, t_ga).expect("termination gestation");
            if let Some(exam_ga) = days(exam, exam_ga) {
                assert_eq!(ga, exam_ga + after, "row {j}");
            }
            assert_eq!(date(row, t_lmp), Some(day - chrono::Days::new(ga as u64)));
        }
        assert!(judged > n * 9 / 10, "{judged}");
        assert!(within_30 > 0 && beyond_30 > 0, "{within_30} {beyond_30}");
        assert!((n * 2 / 5..=n * 3 / 5).contains(&certified), "{certified}");

        let p = Kind::Pregnancy;
        let (p_date, p_lmp, p_ga) = (col(p, "登记日期"), col(p, "末次月经"), col(p, "登记孕周"));
        let p_edd = col(p, "预产期");
        let (mut judged, mut open) = (0, 0);
        let pregnancies: Vec<Vec<Cell>> = p.rows(n).collect();
        assert_eq!(pregnancies.len() as u64, n);
        for (j, row) in pregnancies.iter().enumerate() {
            let exam = &exams[j * 10 + 7];
            assert_eq!(
                text(row, col(p, "身份证号")),
                text(exam, exam_id),
                "row {j}"
            );
            assert_eq!(text(row, col(p, "姓名")), text(exam, exam_name), "row {j}");
            if matches!(row[col(p, "结局")], Cell::Empty) {
                open += 1;
            }
            let (Some(exam_day), Some(day)) = (date(exam, exam_ts), date(row, p_date)) else {
                continue;
            };
            judged += 1;
            let before = (exam_day - day).num_days();
            assert!(
                (7..=42).contains(&before),
                "row {j}: registered {before} days before the exam"
            );
            let ga = days(row, p_ga).expect("gestation at registration");
            assert!((8 * 7..=20 * 7).contains(&ga), "row {j}: {ga} days");
            let lmp = day - chrono::Days::new(ga as u64);
            assert_eq!(date(row, p_lmp), Some(lmp));
            assert_eq!(date(row, p_edd), Some(lmp + chrono::Days::new(280)));
        }
        assert!(judged > n * 9 / 10, "{judged}");
        assert!(open > n / 2, "{open}");
    }

    /// `--rows` counts exams; the linked ledgers get a tenth, and a count that is not a
    /// multiple of ten is refused rather than silently unlinked.
    #[test]
    fn linked_row_counts_follow_the_exams() {
        assert_eq!(Kind::UsExam.rows_for(1_000_000), Ok(1_000_000));
        assert_eq!(Kind::Termination.rows_for(1_000_000), Ok(100_000));
        assert_eq!(Kind::Pregnancy.rows_for(2_000), Ok(200));
        assert!(Kind::Termination.rows_for(1_005).is_err());
        assert!(Kind::Pregnancy.rows_for(0).is_err());
    }
}
