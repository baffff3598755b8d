//! Columnar storage of typed records. A million-row ledger must fit in a few tens of megabytes,
//! so each field is stored in a vector of its own type, text in one buffer per column, and a
//! missing value as a sentinel rather than an `Option` of a larger type.

use std::collections::HashMap;

use auditor_model::ident::resident_id::Sex;
use chrono::{NaiveDate, NaiveDateTime};

use crate::spec::FieldType;

/// Text cells of one column. Ledger columns are mostly repetitive (drug names, doctors, units,
/// masked names), so a column starts interned: one `u32` per cell and each distinct value once.
/// A column that turns out mostly unique (exam numbers) switches to one shared buffer with an
/// end offset per cell.
#[derive(Debug, Clone)]
pub struct TextColumn {
    mode: TextMode,
    /// Cells seen before the column may give up interning.
    probe: usize,
}

#[derive(Debug, Clone)]
enum TextMode {
    Interned {
        ids: Ids,
        values: Vec<Box<str>>,
        index: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
    },
    Arena {
        buf: String,
        ends: Vec<u32>,
    },
}

/// Dictionary ids: two bytes each while the dictionary is small, as ledger columns mostly are
/// (doctors, drugs, units), four once it grows past 65,536 values.
#[derive(Debug, Clone)]
enum Ids {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Ids {
    fn push(&mut self, id: u32) {
        match self {
            Self::Narrow(v) => match u16::try_from(id) {
                Ok(narrow) => v.push(narrow),
                Err(_) => {
                    let mut wide: Vec<u32> = Vec::with_capacity(v.capacity().max(v.len() + 1));
                    wide.extend(v.iter().map(|x| u32::from(*x)));
                    wide.push(id);
                    *self = Self::Wide(wide);
                }
            },
            Self::Wide(v) => v.push(id),
        }
    }

    fn get(&self, i: usize) -> Option<u32> {
        match self {
            Self::Narrow(v) => v.get(i).map(|x| u32::from(*x)),
            Self::Wide(v) => v.get(i).copied(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Narrow(v) => v.len(),
            Self::Wide(v) => v.len(),
        }
    }

    fn capacity(&self) -> usize {
        match self {
            Self::Narrow(v) => v.capacity(),
            Self::Wide(v) => v.capacity(),
        }
    }

    fn reserve(&mut self, n: usize) {
        match self {
            Self::Narrow(v) => v.reserve(n),
            Self::Wide(v) => v.reserve(n),
        }
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// After this many cells a column whose distinct values exceed a quarter of its cells stops
/// interning: the dictionary would cost more than it saves.
const INTERN_PROBE: usize = 4096;

/// The probe of a column holding one stretch of a sheet read in parallel: each stretch is a
/// few thousand rows, so a mostly unique column must give up its dictionary early or every
/// stretch would pay for one.
const PART_PROBE: usize = 256;

impl Default for TextColumn {
    fn default() -> Self {
        Self {
            mode: TextMode::Interned {
                ids: Ids::Narrow(Vec::new()),
                values: Vec::new(),
                index: HashMap::default(),
            },
            probe: INTERN_PROBE,
        }
    }
}

impl TextColumn {
    pub fn reserve(&mut self, n: usize) {
        match &mut self.mode {
            TextMode::Interned { ids, .. } => ids.reserve(n),
            TextMode::Arena { ends, .. } => ends.reserve(n),
        }
    }

    pub fn push(&mut self, s: &str) {
        match &mut self.mode {
            TextMode::Interned { ids, values, index } => {
                let id = match index.get(s) {
                    Some(id) => *id,
                    None => {
                        let id = values.len() as u32;
                        values.push(s.into());
                        index.insert(s.into(), id);
                        id
                    }
                };
                ids.push(id);
                if ids.len() >= self.probe && values.len() * 4 > ids.len() {
                    self.switch_to_arena();
                }
            }
            TextMode::Arena { buf, ends } => {
                buf.push_str(s);
                ends.push(buf.len() as u32);
            }
        }
    }

    fn switch_to_arena(&mut self) {
        let TextMode::Interned { ids, values, .. } = &self.mode else {
            return;
        };
        // Size the buffer for the rows still expected (the ids were reserved for them) at the
        // average length so far, so it is not grown by doubling.
        let written: usize = ids
            .iter()
            .map(|id| values.get(id as usize).map_or(0, |v| v.len()))
            .sum();
        let average = written / ids.len().max(1) + 1;
        let mut buf = String::with_capacity(ids.capacity().max(ids.len()) * average);
        let mut ends = Vec::with_capacity(ids.capacity());
        for id in ids.iter() {
            buf.push_str(values.get(id as usize).map_or("", |v| v));
            ends.push(buf.len() as u32);
        }
        self.mode = TextMode::Arena { buf, ends };
    }

    /// An empty column for a later stretch of the same sheet: a buffer if this column is one
    /// already, else a dictionary that is quick to give up.
    fn empty_like(&self) -> Self {
        match &self.mode {
            TextMode::Arena { .. } => Self {
                mode: TextMode::Arena {
                    buf: String::new(),
                    ends: Vec::new(),
                },
                probe: INTERN_PROBE,
            },
            TextMode::Interned { .. } => Self {
                probe: PART_PROBE,
                ..Self::default()
            },
        }
    }

    /// Appends the cells of `other` after this column's, as if pushed one by one.
    fn append(&mut self, other: &TextColumn) {
        if matches!(self.mode, TextMode::Interned { .. })
            && matches!(other.mode, TextMode::Arena { .. })
        {
            self.switch_to_arena();
        }
        let probe = self.probe;
        match (&mut self.mode, &other.mode) {
            (
                TextMode::Interned { ids, values, index },
                TextMode::Interned {
                    ids: their_ids,
                    values: their_values,
                    ..
                },
            ) => {
                // Each distinct value of the stretch is looked up once, then its ids are mapped.
                let mapping: Vec<u32> = their_values
                    .iter()
                    .map(|v| match index.get(v) {
                        Some(id) => *id,
                        None => {
                            let id = values.len() as u32;
                            values.push(v.clone());
                            index.insert(v.clone(), id);
                            id
                        }
                    })
                    .collect();
                ids.reserve(their_ids.len());
                for id in their_ids.iter() {
                    ids.push(mapping.get(id as usize).copied().unwrap_or(0));
                }
                if ids.len() >= probe && values.len() * 4 > ids.len() {
                    self.switch_to_arena();
                }
            }
            (TextMode::Arena { buf, ends }, TextMode::Arena { buf: b, ends: e }) => {
                let base = buf.len() as u32;
                buf.push_str(b);
                ends.extend(e.iter().map(|end| base + end));
            }
            (TextMode::Arena { buf, ends }, TextMode::Interned { .. }) => {
                for i in 0..other.len() {
                    buf.push_str(other.get(i));
                    ends.push(buf.len() as u32);
                }
            }
            // Made a buffer above.
            (TextMode::Interned { .. }, TextMode::Arena { .. }) => {}
        }
    }

    pub fn get(&self, i: usize) -> &str {
        match &self.mode {
            TextMode::Interned { ids, values, .. } => ids
                .get(i)
                .and_then(|id| values.get(id as usize))
                .map_or("", |v| v),
            TextMode::Arena { buf, ends } => {
                let end = ends.get(i).copied().unwrap_or(0) as usize;
                let start = if i == 0 {
                    0
                } else {
                    ends.get(i - 1).copied().unwrap_or(0) as usize
                };
                buf.get(start..end).unwrap_or("")
            }
        }
    }

    pub fn len(&self) -> usize {
        match &self.mode {
            TextMode::Interned { ids, .. } => ids.len(),
            TextMode::Arena { ends, .. } => ends.len(),
        }
    }

    /// How many distinct values the column holds, when it keeps them in a dictionary: a rule
    /// that tests text can then test each value once and look records up by
    /// [`TextColumn::value_id`].
    pub fn distinct(&self) -> Option<usize> {
        match &self.mode {
            TextMode::Interned { values, .. } => Some(values.len()),
            TextMode::Arena { .. } => None,
        }
    }

    /// Record `i`'s place in the dictionary (below [`TextColumn::distinct`]); `None` when the
    /// column keeps no dictionary.
    pub fn value_id(&self, i: usize) -> Option<u32> {
        match &self.mode {
            TextMode::Interned { ids, .. } => ids.get(i),
            TextMode::Arena { .. } => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What is kept of a personal ID number: its keyed hash and the fields derived from it.
/// The number itself is gone once the row is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PersonKey {
    /// HMAC-SHA256 of the normalised number under the deployment key, truncated to 128 bits
    /// (see [`crate::IdHasher::pseudonym`]).
    pub id_hash: [u8; 16],
    /// `None` when the row names another document (passport, travel permit): its number says
    /// nothing of sex, birth or region, and rules reading those must skip the row.
    pub sex: Option<Sex>,
    /// 0 when the document is not a resident ID.
    pub birth_year: u16,
    /// The 6-digit administrative region of issue; 0 when the document is not a resident ID.
    pub region: u32,
}

impl PersonKey {
    pub fn id_hash_hex(&self) -> String {
        hex::encode(self.id_hash)
    }

    /// Whether the number is a resident ID's (GB 11643), so its sex, birth year and region
    /// were read from it.
    pub fn is_resident_id(&self) -> bool {
        self.sex.is_some()
    }
}

pub const NO_DATE: i32 = i32::MIN;
pub const NO_DATETIME: i64 = i64::MIN;
pub const NO_BOOL: u8 = 2;

/// One field's values, one per record.
#[derive(Debug, Clone)]
pub enum Column {
    Text(TextColumn),
    /// Days since 0001-01-01 (chrono's CE day number), `NO_DATE` when missing.
    Date(Vec<i32>),
    /// Seconds since 1970-01-01 in local (ledger) time, `NO_DATETIME` when missing.
    DateTime(Vec<i64>),
    /// Seconds since midnight, -1 when missing.
    Time(Vec<i32>),
    /// NaN when missing. Gestational ages are stored in days.
    Number(Vec<f64>),
    /// A number and its unit as written ("盒"); NaN when missing.
    Quantity(Vec<f64>, TextColumn),
    /// 0 = no (or female for sex), 1 = yes (male), `NO_BOOL` when missing.
    Flag(Vec<u8>),
    Person(Vec<Option<PersonKey>>),
}

impl Column {
    pub fn for_type(kind: FieldType) -> Self {
        match kind {
            FieldType::Text
            | FieldType::Name
            | FieldType::Names
            | FieldType::Staff
            | FieldType::Phone
            | FieldType::Address
            | FieldType::Uscc
            | FieldType::ApprovalNo
            | FieldType::TraceCode
            | FieldType::TraceCodes => Self::Text(TextColumn::default()),
            FieldType::Date => Self::Date(Vec::new()),
            FieldType::Datetime => Self::DateTime(Vec::new()),
            FieldType::Time => Self::Time(Vec::new()),
            FieldType::Number | FieldType::Integer | FieldType::Gestation => {
                Self::Number(Vec::new())
            }
            FieldType::Quantity => Self::Quantity(Vec::new(), TextColumn::default()),
            FieldType::Bool | FieldType::Sex => Self::Flag(Vec::new()),
            FieldType::PersonId => Self::Person(Vec::new()),
        }
    }

    /// An empty column of the same type, for a later stretch of the same sheet.
    pub(crate) fn empty_like(&self) -> Self {
        match self {
            Self::Text(t) => Self::Text(t.empty_like()),
            Self::Date(_) => Self::Date(Vec::new()),
            Self::DateTime(_) => Self::DateTime(Vec::new()),
            Self::Time(_) => Self::Time(Vec::new()),
            Self::Number(_) => Self::Number(Vec::new()),
            Self::Quantity(_, u) => Self::Quantity(Vec::new(), u.empty_like()),
            Self::Flag(_) => Self::Flag(Vec::new()),
            Self::Person(_) => Self::Person(Vec::new()),
        }
    }

    /// Appends the records of `other`, a column of the same type, after this column's.
    pub(crate) fn append(&mut self, other: Column) {
        match (self, other) {
            (Self::Text(t), Self::Text(o)) => t.append(&o),
            (Self::Date(v), Self::Date(o)) | (Self::Time(v), Self::Time(o)) => v.extend(o),
            (Self::DateTime(v), Self::DateTime(o)) => v.extend(o),
            (Self::Number(v), Self::Number(o)) => v.extend(o),
            (Self::Quantity(v, u), Self::Quantity(o, ou)) => {
                v.extend(o);
                u.append(&ou);
            }
            (Self::Flag(v), Self::Flag(o)) => v.extend(o),
            (Self::Person(v), Self::Person(o)) => v.extend(o),
            // Stretches of one sheet share their column types.
            _ => {}
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Self::Text(t) => t.len(),
            Self::Date(v) | Self::Time(v) => v.len(),
            Self::DateTime(v) => v.len(),
            Self::Number(v) | Self::Quantity(v, _) => v.len(),
            Self::Flag(v) => v.len(),
            Self::Person(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes room for `n` more records, so a large sheet does not grow its columns by doubling.
    pub fn reserve(&mut self, n: usize) {
        match self {
            Self::Text(t) => t.reserve(n),
            Self::Date(v) | Self::Time(v) => v.reserve(n),
            Self::DateTime(v) => v.reserve(n),
            Self::Number(v) => v.reserve(n),
            Self::Quantity(v, u) => {
                v.reserve(n);
                u.reserve(n);
            }
            Self::Flag(v) => v.reserve(n),
            Self::Person(v) => v.reserve(n),
        }
    }

    /// Appends the missing value of this column's type.
    pub fn push_missing(&mut self) {
        match self {
            Self::Text(t) => t.push(""),
            Self::Date(v) => v.push(NO_DATE),
            Self::DateTime(v) => v.push(NO_DATETIME),
            Self::Time(v) => v.push(-1),
            Self::Number(v) => v.push(f64::NAN),
            Self::Quantity(v, u) => {
                v.push(f64::NAN);
                u.push("");
            }
            Self::Flag(v) => v.push(NO_BOOL),
            Self::Person(v) => v.push(None),
        }
    }

    /// Whether record `i` has no value.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            Self::Text(t) => t.get(i).is_empty(),
            Self::Date(v) => v.get(i).is_none_or(|d| *d == NO_DATE),
            Self::DateTime(v) => v.get(i).is_none_or(|d| *d == NO_DATETIME),
            Self::Time(v) => v.get(i).is_none_or(|d| *d < 0),
            Self::Number(v) | Self::Quantity(v, _) => v.get(i).is_none_or(|d| d.is_nan()),
            Self::Flag(v) => v.get(i).is_none_or(|d| *d == NO_BOOL),
            Self::Person(v) => v.get(i).is_none_or(Option::is_none),
        }
    }

    /// Record `i` as text, for text columns; `None` when missing or not text.
    pub fn text(&self, i: usize) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t.get(i)).filter(|s| !s.is_empty()),
            _ => None,
        }
    }

    /// Record `i` as a date (the date part of a date-time); `None` when missing.
    pub fn date(&self, i: usize) -> Option<NaiveDate> {
        match self {
            Self::Date(v) => v
                .get(i)
                .filter(|d| **d != NO_DATE)
                .and_then(|d| date_from_days(*d)),
            Self::DateTime(v) => v
                .get(i)
                .filter(|d| **d != NO_DATETIME)
                .and_then(|d| datetime_from_secs(*d))
                .map(|t| t.date()),
            _ => None,
        }
    }

    /// Record `i`'s person (hashed ID number and what was derived from it), for person
    /// columns; cross-ledger rules link people only through it.
    pub fn person(&self, i: usize) -> Option<&PersonKey> {
        match self {
            Self::Person(v) => v.get(i).and_then(Option::as_ref),
            _ => None,
        }
    }

    /// Record `i` as a number (gestational ages in days); `None` when missing.
    pub fn number(&self, i: usize) -> Option<f64> {
        match self {
            Self::Number(v) | Self::Quantity(v, _) => v.get(i).copied().filter(|x| !x.is_nan()),
            _ => None,
        }
    }

    /// Record `i` as display text (dates ISO, flags 是/否, persons masked by region and year).
    pub fn display(&self, i: usize) -> String {
        if self.is_missing(i) {
            return String::new();
        }
        match self {
            Self::Text(t) => t.get(i).to_owned(),
            Self::Date(v) => date_from_days(v[i])
                .map(|d| d.to_string())
                .unwrap_or_default(),
            Self::DateTime(v) => datetime_from_secs(v[i])
                .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default(),
            Self::Time(v) => format!("{:02}:{:02}:{:02}", v[i] / 3600, v[i] / 60 % 60, v[i] % 60),
            Self::Number(v) => format_number(v[i]),
            Self::Quantity(v, u) => format!("{}{}", format_number(v[i]), u.get(i)),
            Self::Flag(v) => if v[i] == 1 { "是" } else { "否" }.to_owned(),
            Self::Person(v) => v[i]
                .map(|p| match p.sex {
                    Some(sex) => format!(
                        "{}** {} {}",
                        p.region / 100,
                        p.birth_year,
                        if sex == Sex::Male { "男" } else { "女" }
                    ),
                    // Nothing of the number may be shown, and nothing was read from it.
                    None => "其他证件".to_owned(),
                })
                .unwrap_or_default(),
        }
    }
}

pub fn days_from_date(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce()
}

pub fn date_from_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days)
}

pub fn secs_from_datetime(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

pub fn datetime_from_secs(secs: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.naive_utc())
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_column_round_trips() {
        let mut t = TextColumn::default();
        t.push("李娜");
        t.push("");
        t.push("王强");
        assert_eq!(
            (t.get(0), t.get(1), t.get(2), t.len()),
            ("李娜", "", "王强", 3)
        );
    }

    #[test]
    fn a_mostly_unique_column_switches_to_a_buffer_and_keeps_its_values() {
        let mut t = TextColumn::default();
        for i in 0..10_000 {
            t.push(&format!("E{i}"));
        }
        assert!(matches!(t.mode, TextMode::Arena { .. }));
        assert_eq!(
            (t.get(0), t.get(4095), t.get(9999), t.len()),
            ("E0", "E4095", "E9999", 10_000)
        );
        let mut r = TextColumn::default();
        for i in 0..10_000 {
            r.push(["李娜", "王强", ""][i % 3]);
        }
        assert!(matches!(r.mode, TextMode::Interned { .. }));
        assert_eq!(
            (r.get(0), r.get(1), r.get(2), r.get(9997)),
            ("李娜", "王强", "", "王强")
        );
    }

    #[test]
    fn a_dictionary_past_65536_values_widens_its_ids() {
        let mut t = TextColumn::default();
        // Each value five times, so it stays interned, but 70,000 distinct values in all.
        for i in 0..350_000 {
            t.push(&format!("v{}", i / 5));
        }
        assert!(matches!(
            t.mode,
            TextMode::Interned {
                ids: Ids::Wide(_),
                ..
            }
        ));
        assert_eq!(
            (t.get(0), t.get(4), t.get(5), t.get(349_999)),
            ("v0", "v0", "v1", "v69999")
        );
    }

    #[test]
    fn missing_values() {
        let mut c = Column::for_type(FieldType::Date);
        c.push_missing();
        assert!(c.is_missing(0));
        assert_eq!(c.display(0), "");
    }
}
