//! What the generated ledgers contain: the two datasets the budgets are written for, as clerks
//! keep them (title rows above the header, Chinese headers the catalog's aliases map, typed date
//! cells), with about 1% deliberately bad cells so the data-quality path does real work too.

mod drug_txn;
mod ids;
mod lcg;
mod us_exam;

use chrono::{NaiveDate, NaiveDateTime};

use self::lcg::Lcg;

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
}

impl Kind {
    /// The catalog's dataset name, used in file names and the report.
    pub fn name(self) -> &'static str {
        match self {
            Self::UsExam => "us_exam",
            Self::DrugTxn => "drug_txn",
        }
    }

    pub fn sheet_name(self) -> &'static str {
        match self {
            Self::UsExam => "B超检查登记",
            Self::DrugTxn => "购销台账",
        }
    }

    /// Rows above the header, each a list of (column, text).
    pub fn title_rows(self) -> &'static [&'static [(u16, &'static str)]] {
        match self {
            Self::UsExam => us_exam::TITLES,
            Self::DrugTxn => drug_txn::TITLES,
        }
    }

    /// The columns, in order: the header row, xlsx widths and the Table Schema's fields.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::UsExam => us_exam::COLUMNS,
            Self::DrugTxn => drug_txn::COLUMNS,
        }
    }

    /// The `n` data rows, always the same for the same `n`.
    pub fn rows(self, n: u64) -> Rows {
        let mut rng = Lcg::new(match self {
            Self::UsExam => 0x5553,
            Self::DrugTxn => 0x4454,
        });
        let state = match self {
            Self::UsExam => State::UsExam,
            Self::DrugTxn => State::DrugTxn(drug_txn::Counterparties::new(&mut rng)),
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
        let row = match &self.state {
            State::UsExam => us_exam::row(&mut self.rng, self.i, self.n),
            State::DrugTxn(parties) => drug_txn::row(&mut self.rng, parties, self.i, self.n),
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
        for kind in [Kind::UsExam, Kind::DrugTxn] {
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
}
