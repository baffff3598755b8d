//! Which way a purchase-and-sales ledger row moves a drug: out to a buyer (a sale), in from a
//! supplier (a purchase), or neither (a return, an internal issue, a stock count). Ledgers word
//! their 类型 every way — 销售, 销售出库, 售出, 发货, 销售（出库）— or have no type at all (a
//! wholesaler's 销售记录), so types are read by the words they contain, and a row without one
//! by the party it names.

use auditor_ingest::Table;

use super::Field;
use crate::catalogue::Rule;

/// Words of an outbound movement to another unit.
const SALE_WORDS: [&str; 7] = ["销售", "售出", "出库", "调出", "批发", "发货", "配送"];

/// Words of an inbound movement from a supplier.
const PURCHASE_WORDS: [&str; 7] = ["购进", "采购", "购入", "入库", "调入", "验收", "收货"];

/// Words of rows that are neither, whatever else they say: returns (销售退回 holds 销售),
/// issues inside the institution (科室领用出库 holds 出库), stock counts and write-offs.
const NEITHER_WORDS: [&str; 12] = [
    "退货", "退回", "退库", "冲销", "领用", "科室", "盘点", "期初", "结存", "报损", "报废", "销毁",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Sale,
    Purchase,
    Neither,
    /// No type (or one naming no direction) and no party to tell by.
    Unknown,
}

impl Direction {
    /// Whether a rule judging sales judges this row; a row that cannot be told is counted in
    /// `unknown`, for the run's note.
    pub(crate) fn is_sale_counting(self, unknown: &mut usize) -> bool {
        match self {
            Self::Sale => true,
            Self::Unknown => {
                *unknown += 1;
                false
            }
            Self::Purchase | Self::Neither => false,
        }
    }
}

/// The words a rule reads types by: its `sale_words`, `purchase_words` and `neither_words`
/// parameters, the built-in lists where it gives none.
pub(crate) struct TxnWords {
    sale: Vec<String>,
    purchase: Vec<String>,
    neither: Vec<String>,
}

impl TxnWords {
    pub(crate) fn of(rule: &Rule) -> Self {
        Self {
            sale: words(rule, "sale_words", &SALE_WORDS),
            purchase: words(rule, "purchase_words", &PURCHASE_WORDS),
            neither: words(rule, "neither_words", &NEITHER_WORDS),
        }
    }

    /// The direction of a row of type `kind` (`None` for a blank cell or no type column) that
    /// names a buyer, a supplier, or neither.
    pub(crate) fn direction(&self, kind: Option<&str>, buyer: bool, supplier: bool) -> Direction {
        let kind = kind.map(str::trim).filter(|k| !k.is_empty());
        if let Some(kind) = kind {
            let has = |list: &[String]| list.iter().any(|w| kind.contains(w.as_str()));
            if has(&self.neither) {
                return Direction::Neither;
            }
            if has(&self.purchase) {
                return Direction::Purchase;
            }
            if has(&self.sale) {
                return Direction::Sale;
            }
        }
        // No type, or one that names no direction (发出, 赠送): the party it names tells.
        match (buyer, supplier) {
            (true, _) => Direction::Sale,
            (false, true) => Direction::Purchase,
            (false, false) => Direction::Unknown,
        }
    }
}

/// Columns naming a supplier, looked up once per sheet.
pub(crate) struct Suppliers<'t>(Vec<Field<'t>>);

impl<'t> Suppliers<'t> {
    pub(crate) fn of(table: &'t Table, fields: &[String]) -> Self {
        Self(fields.iter().map(|f| Field::of(table, f)).collect())
    }

    /// Whether row `i` names its supplier.
    pub(crate) fn named(&self, i: usize) -> bool {
        self.0.iter().any(|f| f.text(i).is_some())
    }
}

fn words(rule: &Rule, param: &str, default: &[&str]) -> Vec<String> {
    if rule.params.contains_key(param) {
        rule.param_list(param)
    } else {
        default.iter().map(|w| (*w).to_owned()).collect()
    }
}

/// The run note of a rule that met rows whose direction it could not tell.
pub(crate) fn unjudged_note(rows: usize) -> Option<(String, String)> {
    (rows > 0).then(|| {
        (
            format!(
                "{rows} 条终止妊娠药品记录既无可辨认的业务类型，也未写购货或供货单位，无法判断是否为销售，未检查"
            ),
            if rows == 1 {
                "1 termination-drug record has no recognisable transaction type and names neither a buyer nor a supplier, so whether it is a sale cannot be told: not judged".to_owned()
            } else {
                format!(
                    "{rows} termination-drug records have no recognisable transaction type and name neither a buyer nor a supplier, so whether they are sales cannot be told: not judged"
                )
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> TxnWords {
        let list = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect();
        TxnWords {
            sale: list(&SALE_WORDS),
            purchase: list(&PURCHASE_WORDS),
            neither: list(&NEITHER_WORDS),
        }
    }

    #[test]
    fn types_are_read_by_the_words_they_contain() {
        let w = builtin();
        for sale in [
            "销售",
            "销售出库",
            "售出",
            "发货",
            "销售（出库）",
            " 批发 ",
            "配送",
            "调出",
        ] {
            assert_eq!(
                w.direction(Some(sale), false, false),
                Direction::Sale,
                "{sale}"
            );
        }
        for purchase in ["购进", "采购入库", "入库", "调入"] {
            assert_eq!(
                w.direction(Some(purchase), true, false),
                Direction::Purchase,
                "{purchase}"
            );
        }
        for neither in ["销售退回", "采购退货", "科室领用", "领用出库", "盘点"] {
            assert_eq!(
                w.direction(Some(neither), true, false),
                Direction::Neither,
                "{neither}"
            );
        }
    }

    #[test]
    fn a_row_without_a_type_is_told_by_the_party_it_names() {
        let w = builtin();
        assert_eq!(w.direction(None, true, false), Direction::Sale);
        assert_eq!(w.direction(Some(" "), false, true), Direction::Purchase);
        assert_eq!(w.direction(None, false, false), Direction::Unknown);
        assert_eq!(w.direction(Some("赠送"), true, false), Direction::Sale);
    }
}
