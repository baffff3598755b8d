//! The cells of a ledger sheet that the typed table does not hold, kept only when a report
//! copies the sheet (the xlsx report): the title rows, the header as written, rows that are not
//! records (column numbers, 合计, 制表人, repeated headers) and, in each record, the cells no field
//! reads (序号, 丈夫姓名, 备注…) or whose value was a placeholder or could not be typed.
//!
//! Everything here is masked as it is kept, so a copy shows a ledger's layout and wording but
//! never a raw personal number: columns whose header or field names a person, a phone or an ID
//! are masked as such, and every other cell has ID and mobile numbers masked in its text.

use auditor_model::ident::mask::{mask_name, mask_phone};

use crate::likely_names::mask_likely_names;
use crate::redact::{personal_numbers, personal_numbers_anywhere};
use crate::row::RawRow;
use crate::spec::FieldType;

/// A sheet's cells outside the typed table, in row order.
#[derive(Debug, Clone, Default)]
pub struct SourceCells {
    pub rows: Vec<SourceRow>,
    /// Per sheet column, how a record's cell there is masked.
    masks: Vec<Mask>,
}

/// One row's kept cells.
#[derive(Debug, Clone)]
pub struct SourceRow {
    /// Row number as the user sees it (1-based).
    pub number: u32,
    /// Whether the row is a record of the table (its other cells are in the typed columns).
    pub record: bool,
    /// (column, text as shown, masked), in column order.
    pub cells: Vec<(u32, String)>,
}

/// How a cell of a record is masked, by what its column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mask {
    /// ID and mobile numbers in the text.
    Numbers,
    /// A person's name: its first character kept.
    Name,
    Phone,
    /// An ID document's number, valid or not: nothing of it kept but its length.
    Id,
    /// A column whose field wants a value (a date, a number, 是/否): a cell kept there could
    /// not be read as one, and a shifted row may have put a person's number or name in it.
    /// Every ID-, phone- or name-shaped part is masked.
    Value,
}

impl Mask {
    /// The mask for a column from its field's type, when a field reads it.
    pub(crate) fn of_field(kind: FieldType) -> Self {
        match kind {
            FieldType::Name | FieldType::Names => Self::Name,
            FieldType::Phone => Self::Phone,
            FieldType::PersonId => Self::Id,
            FieldType::Date
            | FieldType::Datetime
            | FieldType::Time
            | FieldType::Number
            | FieldType::Quantity
            | FieldType::Integer
            | FieldType::Bool
            | FieldType::Gestation
            | FieldType::Sex => Self::Value,
            _ => Self::Numbers,
        }
    }

    /// The mask for a column no field reads, from its header's words: 丈夫姓名, 联系电话,
    /// 配偶身份证号. Erring towards masking costs a copy some legibility, never privacy.
    pub(crate) fn of_header(header: &str) -> Self {
        let h = header.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
        if has(&["身份证", "证件号", "证件号码", "id no", "id card"]) {
            Self::Id
        } else if has(&["电话", "手机", "联系方式", "phone", "mobile", "tel"]) {
            Self::Phone
        } else if has(&[
            "姓名",
            "名字",
            "孕妇",
            "患者",
            "病人",
            "受检",
            "丈夫",
            "配偶",
            "家属",
            "联系人",
            "name",
        ]) {
            Self::Name
        } else {
            Self::Numbers
        }
    }

    fn apply(self, text: &str) -> String {
        match self {
            Self::Numbers => personal_numbers(text).into_owned(),
            Self::Name => mask_name(text),
            Self::Phone => mask_phone(text),
            Self::Id => "*".repeat(text.trim().chars().count()),
            Self::Value => mask_likely_names(&personal_numbers_anywhere(text)).into_owned(),
        }
    }
}

impl SourceCells {
    pub(crate) fn new(masks: Vec<Mask>) -> Self {
        Self {
            rows: Vec::new(),
            masks,
        }
    }

    /// The same masks and no rows, for a fork reading a later stretch.
    pub(crate) fn empty_like(&self) -> Self {
        Self::new(self.masks.clone())
    }

    /// A row that is not a record: every cell, with only the numbers in its text masked (a
    /// title or a footer names no patient in the name column's place).
    pub(crate) fn keep_row(&mut self, row: &RawRow<'_>) {
        let cells = row
            .cells()
            .iter()
            .map(|(col, v)| (*col, Mask::Numbers.apply(&row.display(v))))
            .filter(|(_, text)| !text.is_empty())
            .collect();
        self.rows.push(SourceRow {
            number: row.number,
            record: false,
            cells,
        });
    }

    /// A record's cells for which `typed(col)` is false (no field holds a value from them),
    /// masked by their column.
    pub(crate) fn keep_record(&mut self, row: &RawRow<'_>, typed: impl Fn(u32) -> bool) {
        let cells: Vec<(u32, String)> = row
            .cells()
            .iter()
            .filter(|(col, _)| !typed(*col))
            .map(|(col, v)| {
                let mask = self
                    .masks
                    .get(*col as usize)
                    .copied()
                    .unwrap_or(Mask::Numbers);
                (*col, mask.apply(&row.display(v)))
            })
            .filter(|(_, text)| !text.is_empty())
            .collect();
        if !cells.is_empty() {
            self.rows.push(SourceRow {
                number: row.number,
                record: true,
                cells,
            });
        }
    }

    pub(crate) fn append(&mut self, part: Self) {
        self.rows.extend(part.rows);
    }
}

#[cfg(test)]
mod tests {
    use super::Mask;

    #[test]
    fn a_header_names_what_its_column_holds() {
        assert_eq!(Mask::of_header("丈夫姓名"), Mask::Name);
        assert_eq!(Mask::of_header("配偶身份证号"), Mask::Id);
        assert_eq!(Mask::of_header("联系电话"), Mask::Phone);
        assert_eq!(Mask::of_header("序号"), Mask::Numbers);
        assert_eq!(Mask::of_header("备注"), Mask::Numbers);
    }

    #[test]
    fn masks_keep_no_personal_number() {
        assert_eq!(Mask::Name.apply("王小芳"), "王**");
        assert_eq!(Mask::Phone.apply("13812345678"), "138****5678");
        assert_eq!(Mask::Id.apply("32010219920315024"), "*****************");
        assert_eq!(
            Mask::Numbers.apply("复查，身份证320102199203150249"),
            "复查，身份证3201**********0249"
        );
        assert_eq!(Mask::Numbers.apply("1"), "1");
        // A shifted row's phone, ID or name where a value was due.
        assert_eq!(Mask::Value.apply("13800005678"), "138******78");
        assert_eq!(Mask::Value.apply("柏雪莲 2026.10.5"), "柏** 2026.10.5");
        assert_eq!(Mask::Value.apply("2024-02-30"), "2024-02-30");
    }
}
