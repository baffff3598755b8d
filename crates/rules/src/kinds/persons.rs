//! People across ledgers: every record of a dataset indexed once by the keyed hash of the ID
//! number it names (`PersonKey::id_hash`), never by a name or a raw number, so cross-ledger
//! rules join in one pass instead of comparing every pair of rows.

use auditor_ingest::Table;
use auditor_ingest::column::days_from_date;
use auditor_model::Dataset;

use super::registry::normal_name;
use super::{Context, Field, Link};

/// Where a ledger keeps the fields that link its people. The joined side of a cross-ledger rule
/// reads these fixed names, as the registry rules read the registries' (`registry.rs`).
pub(crate) struct Ledger {
    pub dataset: Dataset,
    pub person: &'static str,
    pub date: &'static str,
    pub gestation: &'static str,
    pub institution: &'static str,
}

pub(crate) const US_EXAM: Ledger = Ledger {
    dataset: Dataset::UsExam,
    person: "id_no",
    date: "exam_ts",
    gestation: "ga_weeks",
    institution: "inst_name",
};

pub(crate) const TERMINATION: Ledger = Ledger {
    dataset: Dataset::Termination,
    person: "id_no",
    date: "proc_date",
    gestation: "ga_weeks",
    institution: "inst_name",
};

/// Births are linked through the mother.
pub(crate) const BIRTH: Ledger = Ledger {
    dataset: Dataset::Birth,
    person: "mother_id_no",
    date: "birth_date",
    gestation: "ga_weeks",
    institution: "inst_name",
};

pub(crate) const DRUG_DISPENSE: Ledger = Ledger {
    dataset: Dataset::DrugDispense,
    person: "patient_id",
    date: "dispense_date",
    gestation: "ga_days",
    institution: "inst_name",
};

/// The fields a ledger's linkage reads, for `Check::fields`.
pub(crate) fn fields_of(ledger: &Ledger) -> Vec<&'static str> {
    vec![
        ledger.person,
        ledger.date,
        ledger.gestation,
        ledger.institution,
    ]
}

/// One dated record of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Visit {
    /// Index into [`Context::tables`].
    pub table: usize,
    pub record: usize,
    /// Days since 0001-01-01, as `Column::Date` stores them.
    pub day: i32,
    /// Gestational age in whole days, when the record gives one.
    pub ga: Option<u16>,
}

/// Each person's records of one ledger, oldest first: one flat list sorted by person and date,
/// rather than a map of small lists, so a million records cost one allocation and one sort.
#[derive(Default)]
pub(crate) struct PersonIndex {
    /// The person of each visit, sorted; aligned with `visits`.
    keys: Vec<[u8; 16]>,
    visits: Vec<Visit>,
}

impl PersonIndex {
    /// The records of every table of `ledger` in the run that name a person and a date and that
    /// `keep` accepts. One pass over the rows, one sort.
    pub(crate) fn build(
        ctx: &Context<'_>,
        ledger: &Ledger,
        mut keep: impl FnMut(&Visit) -> bool,
    ) -> Self {
        let mut all: Vec<([u8; 16], Visit)> = Vec::new();
        for (t, table) in ctx.tables.iter().enumerate() {
            if table.dataset != ledger.dataset {
                continue;
            }
            let (Some(people), Some(dates)) =
                (table.column(ledger.person), table.column(ledger.date))
            else {
                continue;
            };
            let ga = table.column(ledger.gestation);
            for record in 0..table.len() {
                let (Some(person), Some(date)) = (people.person(record), dates.date(record)) else {
                    continue;
                };
                let visit = Visit {
                    table: t,
                    record,
                    day: days_from_date(date),
                    ga: ga
                        .and_then(|c| c.number(record))
                        .filter(|d| *d >= 0.0 && *d < f64::from(u16::MAX))
                        .map(|d| d as u16),
                };
                if keep(&visit) {
                    all.push((person.id_hash, visit));
                }
            }
        }
        all.sort_unstable_by_key(|(k, v)| (*k, v.day, v.table, v.record));
        let (keys, visits) = all.into_iter().unzip();
        Self { keys, visits }
    }

    /// Every person's records, in no particular order of persons.
    pub(crate) fn people(&self) -> impl Iterator<Item = &[Visit]> {
        let mut start = 0;
        self.keys.chunk_by(|a, b| a == b).map(move |run| {
            let list = self.visits.get(start..start + run.len()).unwrap_or(&[]);
            start += run.len();
            list
        })
    }

    /// The person's records, oldest first.
    fn of(&self, id_hash: &[u8; 16]) -> &[Visit] {
        let start = self.keys.partition_point(|k| k < id_hash);
        let end = start + self.keys[start..].partition_point(|k| k == id_hash);
        self.visits.get(start..end).unwrap_or(&[])
    }

    /// The person's records dated from `from` to `to`, both inclusive.
    pub(crate) fn between(&self, id_hash: &[u8; 16], from: i32, to: i32) -> &[Visit] {
        let list = self.of(id_hash);
        let start = list.partition_point(|v| v.day < from);
        let end = list.partition_point(|v| v.day <= to);
        list.get(start..end).unwrap_or(&[])
    }

    /// The person's record dated nearest to `day` (the earlier one on a tie).
    pub(crate) fn nearest(&self, id_hash: &[u8; 16], day: i32) -> Option<&Visit> {
        let list = self.of(id_hash);
        let at = list.partition_point(|v| v.day < day);
        let before = at.checked_sub(1).and_then(|i| list.get(i));
        match (before, list.get(at)) {
            (Some(b), Some(a)) if a.day - day < day - b.day => Some(a),
            (Some(b), _) => Some(b),
            (None, a) => a,
        }
    }
}

/// The index of `table` among the run's tables (it is one of them, borrowed).
pub(crate) fn position(ctx: &Context<'_>, table: &Table) -> Option<usize> {
    ctx.tables.iter().position(|t| std::ptr::eq(t, table))
}

/// A record's institution: its own column, else the ledger's 填报单位 from the title rows;
/// compared without spaces and with brackets of either width.
pub(crate) fn institution(table: &Table, field: Field<'_>, record: usize) -> Option<String> {
    field
        .text(record)
        .or(Some(table.institution.as_str()).filter(|s| !s.trim().is_empty()))
        .map(normal_name)
}

/// "exams.csv 第 3 行" / "exams.csv row 3".
pub(crate) fn place(table: &Table, record: usize) -> (String, String) {
    let row = table.rows.get(record).copied().unwrap_or_default();
    (
        format!("{} 第 {row} 行", table.file),
        format!("{} row {row}", table.file),
    )
}

/// A gestational age in days as written on ledgers: "16周", "16+3周" / "16 weeks", "16+3 weeks".
pub(crate) fn weeks(days: u16) -> (String, String) {
    let (w, d) = (days / 7, days % 7);
    if d == 0 {
        (format!("{w}周"), format!("{w} weeks"))
    } else {
        (format!("{w}+{d}周"), format!("{w}+{d} weeks"))
    }
}

/// A date stored as a day number, as ISO text.
pub(crate) fn date_text(day: i32) -> String {
    auditor_ingest::column::date_from_days(day)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The evidence link of a joined record: the cells that show who, when and how far along.
pub(crate) fn link(ledger: &Ledger, visit: &Visit) -> Link {
    Link {
        table: visit.table,
        record: visit.record,
        fields: vec![
            ledger.date.to_owned(),
            ledger.person.to_owned(),
            ledger.gestation.to_owned(),
            ledger.institution.to_owned(),
        ],
    }
}

/// The files of a dataset among the inputs, for messages that say where nothing was found.
pub(crate) fn files(ctx: &Context<'_>, dataset: Dataset) -> String {
    let mut names: Vec<&str> = ctx
        .tables
        .iter()
        .filter(|t| t.dataset == dataset)
        .map(|t| t.file.as_str())
        .collect();
    names.dedup();
    names.join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_linked_field_exists_in_its_dataset() {
        let catalog = auditor_ingest::Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
        for ledger in [US_EXAM, TERMINATION, BIRTH, DRUG_DISPENSE] {
            let spec = catalog
                .spec(ledger.dataset)
                .unwrap_or_else(|| panic!("{}", ledger.dataset));
            for field in [
                ledger.person,
                ledger.date,
                ledger.gestation,
                ledger.institution,
            ] {
                assert!(
                    spec.field_index(field).is_some(),
                    "{}: {field}",
                    ledger.dataset
                );
            }
        }
    }

    #[test]
    fn weeks_are_written_as_ledgers_write_them() {
        assert_eq!(weeks(112).0, "16周");
        assert_eq!(weeks(115).1, "16+3 weeks");
    }
}
