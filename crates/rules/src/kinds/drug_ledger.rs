//! What the drug-channel reconciliations read from a purchase/stock ledger (D1) row: the kind of
//! movement, its quantity, the drug, batch and counterparty. Shared by `stock_recon`,
//! `purchase_match` and `drug_vs_cases`, so the three count a row the same way.

use auditor_ingest::Table;
use auditor_ingest::column::Column;
use chrono::{Datelike, NaiveDate};

use auditor_model::Dataset;

use super::registry::normal_name;
use super::{Context, Field};
use crate::catalogue::Rule;

/// The D1 fields the reconciliations read (canonical names of `rules/datasets/drug_txn.toml`).
pub(crate) const D1_FIELDS: [&str; 14] = [
    "txn_date",
    "txn_type",
    "generic_name",
    "strength",
    "batch_no",
    "qty",
    "qty_in",
    "qty_out",
    "balance",
    "opening",
    "supplier_name",
    "supplier_uscc",
    "buyer_name",
    "buyer_uscc",
];

/// The cells a finding shows of a D1 row given as evidence.
pub(crate) const D1_EVIDENCE: [&str; 8] = [
    "txn_date", "txn_type", "batch_no", "qty", "qty_in", "qty_out", "opening", "balance",
];

/// What a row's 类型 means, from the rule's parameters. A type listed whole is what its list
/// says ("退货入库" a receipt); any other is read by the words it contains (销售出库 and 售出 are
/// issues, 采购入库 a receipt), except returns (销售退回 holds 销售), which move nothing here.
pub(crate) struct Types {
    receipt: Vec<String>,
    issue: Vec<String>,
    write_off: Vec<String>,
    count: Vec<String>,
    returns: Vec<String>,
    /// Rows that only carry the balance to a new page (承前页): no movement.
    carry: Vec<String>,
    /// Counts that state the stock a period starts from (上月结存, 期初): the previous
    /// period's closing stock, whatever day they are dated.
    opening: Vec<String>,
}

/// The movement a type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Receipt,
    Issue,
    WriteOff,
    Count,
}

/// Words of a return, when its type is not listed whole.
const RETURN_WORDS: [&str; 4] = ["退回", "退货", "退库", "冲销"];

impl Types {
    pub(crate) fn of(rule: &Rule) -> Self {
        let returns = if rule.params.contains_key("return_words") {
            rule.param_list("return_words")
        } else {
            RETURN_WORDS.iter().map(|w| (*w).to_owned()).collect()
        };
        Self {
            receipt: rule.param_list("receipt_types"),
            issue: rule.param_list("issue_types"),
            write_off: rule.param_list("write_off_types"),
            count: rule.param_list("count_types"),
            returns,
            carry: rule.param_list("carry_types"),
            opening: rule.param_list("opening_types"),
        }
    }

    /// Whether type `kind` (trimmed) states the stock a period starts from.
    pub(crate) fn is_opening(&self, kind: &str) -> bool {
        self.opening.iter().any(|t| t == kind)
    }

    /// Whether type `kind` (trimmed) brings a balance forward: a count or opening stock
    /// (上月结存), or a page's carried balance (承前页).
    pub(crate) fn brings_forward(&self, kind: &str) -> bool {
        self.carry.iter().any(|t| t == kind) || self.kind_of(kind) == Some(Kind::Count)
    }

    /// The movement of type `kind` (trimmed, not empty): by a list naming it whole, else by the
    /// words it contains; `None` for a return or a type naming no movement.
    pub(crate) fn kind_of(&self, kind: &str) -> Option<Kind> {
        if self.opening.iter().any(|t| t == kind) {
            return Some(Kind::Count);
        }
        let lists = [
            (&self.count, Kind::Count),
            (&self.write_off, Kind::WriteOff),
            (&self.receipt, Kind::Receipt),
            (&self.issue, Kind::Issue),
        ];
        if let Some((_, k)) = lists.iter().find(|(l, _)| l.iter().any(|t| t == kind)) {
            return Some(*k);
        }
        if self.returns.iter().any(|w| kind.contains(w.as_str())) {
            return None;
        }
        lists
            .iter()
            .find(|(l, _)| l.iter().any(|t| kind.contains(t.as_str())))
            .map(|(_, k)| *k)
    }
}

/// A row's effect on the stock, in the ledger's units.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Movement {
    pub received: f64,
    pub issued: f64,
    /// Issued to another unit (a buyer is named): a transfer, not a dispensing to patients.
    pub to_buyer: bool,
    pub written_off: f64,
    /// A stock count (盘点/期初): the quantity found, and the field it was read from.
    pub counted: Option<(f64, &'static str)>,
    /// The running balance (结存) the ledger wrote after this row.
    pub balance: Option<f64>,
    /// The opening stock (期初) a monthly summary line states before its movements.
    pub opening: Option<f64>,
}

/// One D1 sheet's columns, looked up once.
pub(crate) struct Ledger<'t> {
    pub table: &'t Table,
    pub dates: Field<'t>,
    pub kinds: Field<'t>,
    pub products: Field<'t>,
    strengths: Field<'t>,
    batches: Field<'t>,
    qty: Option<&'t Column>,
    qty_in: Option<&'t Column>,
    qty_out: Option<&'t Column>,
    balance: Option<&'t Column>,
    opening: Option<&'t Column>,
    units: Field<'t>,
    pub supplier_name: Field<'t>,
    pub supplier_uscc: Field<'t>,
    pub buyer_name: Field<'t>,
    pub buyer_uscc: Field<'t>,
}

impl<'t> Ledger<'t> {
    pub(crate) fn of(table: &'t Table) -> Self {
        Self {
            table,
            dates: Field::of(table, "txn_date"),
            kinds: Field::of(table, "txn_type"),
            products: Field::of(table, "generic_name"),
            strengths: Field::of(table, "strength"),
            batches: Field::of(table, "batch_no"),
            qty: table.column("qty"),
            qty_in: table.column("qty_in"),
            qty_out: table.column("qty_out"),
            balance: table.column("balance"),
            opening: table.column("opening"),
            units: Field::of(table, "unit"),
            supplier_name: Field::of(table, "supplier_name"),
            supplier_uscc: Field::of(table, "supplier_uscc"),
            buyer_name: Field::of(table, "buyer_name"),
            buyer_uscc: Field::of(table, "buyer_uscc"),
        }
    }

    pub(crate) fn strength(&self, i: usize) -> String {
        normal_strength(self.strengths.text(i).unwrap_or(""))
    }

    pub(crate) fn batch(&self, i: usize) -> &'t str {
        self.batches.text(i).map_or("", str::trim)
    }

    fn number(column: Option<&Column>, i: usize) -> Option<f64> {
        column.and_then(|c| c.number(i))
    }

    /// The unit of row `i`'s quantity: written in the cell ("10盒"), else in 单位.
    pub(crate) fn unit(&self, i: usize) -> String {
        [self.qty, self.qty_in]
            .into_iter()
            .flatten()
            .find_map(|c| match c {
                Column::Quantity(_, units) => Some(units.get(i)).filter(|u| !u.is_empty()),
                _ => None,
            })
            .or_else(|| self.units.text(i))
            .unwrap_or("")
            .to_owned()
    }

    /// The quantity of a receipt: 数量, or 入库数量 in a 进销存 layout.
    pub(crate) fn received(&self, i: usize) -> Option<f64> {
        Self::number(self.qty, i).or_else(|| Self::number(self.qty_in, i))
    }

    /// The quantity of an issue: 数量, or 出库数量.
    pub(crate) fn issued(&self, i: usize) -> Option<f64> {
        Self::number(self.qty, i).or_else(|| Self::number(self.qty_out, i))
    }

    pub(crate) fn has_buyer(&self, i: usize) -> bool {
        self.buyer_name.text(i).is_some() || self.buyer_uscc.text(i).is_some()
    }

    pub(crate) fn has_supplier(&self, i: usize) -> bool {
        self.supplier_name.text(i).is_some() || self.supplier_uscc.text(i).is_some()
    }

    /// Whether the sheet has a 批号 column.
    pub(crate) fn has_batches(&self) -> bool {
        self.batches.is_present()
    }

    /// The 规格 of row `i` as written (empty when blank).
    pub(crate) fn strength_text(&self, i: usize) -> &'t str {
        self.strengths.text(i).map_or("", str::trim)
    }

    /// The type of row `i`, when it has one.
    pub(crate) fn type_text(&self, i: usize) -> Option<&'t str> {
        self.kinds.text(i).map(str::trim).filter(|k| !k.is_empty())
    }

    /// Whether the sheet keeps its ins and outs in columns of their own (进销存), which tell an
    /// untyped row's movement.
    fn has_in_out(&self) -> bool {
        self.qty_in.is_some() || self.qty_out.is_some()
    }

    /// The movement of row `i`: by its type; without one, in a ledger of a single quantity
    /// column (a wholesaler's 销售记录), by the party it names — a buyer for an issue, a
    /// supplier for a receipt.
    pub(crate) fn kind(&self, types: &Types, i: usize) -> Option<Kind> {
        if let Some(k) = self.type_text(i) {
            return types.kind_of(k);
        }
        if self.has_in_out() {
            return None;
        }
        match (self.has_buyer(i), self.has_supplier(i)) {
            (true, false) => Some(Kind::Issue),
            (false, true) => Some(Kind::Receipt),
            _ => None,
        }
    }

    pub(crate) fn is_receipt(&self, types: &Types, i: usize) -> bool {
        self.kind(types, i) == Some(Kind::Receipt)
    }

    pub(crate) fn is_issue(&self, types: &Types, i: usize) -> bool {
        self.kind(types, i) == Some(Kind::Issue)
    }

    /// Row `i`'s effect on the stock. A row typed as a receipt, issue, write-off or count reads
    /// 数量 (or the in/out column); an untyped row of a 进销存 ledger reads its in and out
    /// columns. A type the rule does not know moves nothing but may still carry a balance.
    pub(crate) fn movement(&self, types: &Types, i: usize) -> Movement {
        let balance = Self::number(self.balance, i);
        let mut m = Movement {
            balance,
            opening: Self::number(self.opening, i),
            ..Movement::default()
        };
        match self.kind(types, i) {
            Some(Kind::Count) => {
                m.counted = Self::number(self.qty, i)
                    .map(|q| (q, "qty"))
                    .or_else(|| balance.map(|b| (b, "balance")));
            }
            Some(Kind::WriteOff) => {
                m.written_off = self.issued(i).unwrap_or(0.0);
            }
            Some(Kind::Receipt) => {
                m.received = self.received(i).unwrap_or(0.0);
            }
            Some(Kind::Issue) => {
                m.issued = self.issued(i).unwrap_or(0.0);
                m.to_buyer = self.has_buyer(i);
            }
            None if self.type_text(i).is_some() || !self.has_in_out() => {}
            None => {
                m.received = Self::number(self.qty_in, i).unwrap_or(0.0);
                m.issued = Self::number(self.qty_out, i).unwrap_or(0.0);
                m.to_buyer = m.issued > 0.0 && self.has_buyer(i);
            }
        }
        m
    }
}

/// The reconciliations' parameters as a rule file may set them: `numbers` non-negative
/// numbers, `period` "month" or "quarter". Checked when the catalogue loads, so a misspelt
/// value stops the run instead of silently judging by the default.
pub(crate) fn check_params(rule: &Rule, numbers: &[&str]) -> Result<(), String> {
    for name in numbers {
        if let Some(v) = rule.params.get(*name) {
            let n = v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
            if !n.is_some_and(|n| n >= 0.0) {
                return Err(format!(
                    "parameter \"{name}\" must be a number ≥ 0, not {v}"
                ));
            }
        }
    }
    match rule.params.get("period") {
        None => Ok(()),
        Some(v) if matches!(v.as_str(), Some("month" | "quarter")) => Ok(()),
        Some(v) => Err(format!(
            "parameter \"period\" must be \"month\" or \"quarter\", not {v}"
        )),
    }
}

/// Strengths compared without spaces, case or full-width forms: "25 MG" = "25mg" = "２５ｍｇ".
pub(crate) fn normal_strength(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `raw` is `normal` once normalised by [`normal_name`], without allocating: called on
/// every row of a register.
pub(crate) fn is_named(raw: &str, normal: &str) -> bool {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .eq(normal.chars())
}

/// The institution a ledger belongs to, compared by [`normal_name`]: its 填报单位.
pub(crate) fn owner(table: &Table) -> String {
    normal_name(&table.institution)
}

/// The drug ledgers of the run that belong to the judged table's institution (`inst`, its
/// [`owner`]), with their indices: one institution's ledgers may come in several files, and a
/// ledger whose title names no institution stands alone.
pub(crate) fn own_ledgers<'c>(
    ctx: &'c Context<'_>,
    judged: usize,
    inst: &'c str,
) -> impl Iterator<Item = (usize, &'c Table)> + 'c {
    ctx.tables.iter().enumerate().filter(move |(t, other)| {
        if inst.is_empty() {
            *t == judged
        } else {
            other.dataset == Dataset::DrugTxn && owner(other) == inst
        }
    })
}

/// The calendar period a date falls in, by the rule's `period` parameter ("month" or
/// "quarter"): a sortable number and its name in Chinese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Period {
    year: i32,
    /// Month 1–12, or quarter 1–4.
    part: u32,
    quarter: bool,
}

impl Period {
    pub(crate) fn month(d: NaiveDate) -> Self {
        Self {
            year: d.year(),
            part: d.month(),
            quarter: false,
        }
    }

    pub(crate) fn quarter(d: NaiveDate) -> Self {
        Self {
            year: d.year(),
            part: (d.month() - 1) / 3 + 1,
            quarter: true,
        }
    }

    pub(crate) fn zh(self) -> String {
        if self.quarter {
            format!("{}年第{}季度", self.year, self.part)
        } else {
            format!("{}年{}月", self.year, self.part)
        }
    }

    pub(crate) fn en(self) -> String {
        if self.quarter {
            format!("{} Q{}", self.year, self.part)
        } else {
            format!("{}-{:02}", self.year, self.part)
        }
    }
}

/// A quantity as the ledger would write it: "10", "2.5".
pub(crate) fn qty_text(q: f64) -> String {
    auditor_ingest::column::format_number((q * 1000.0).round() / 1000.0)
}

/// Where a row is, for messages naming another ledger's row: "file 第N行" / "file row N".
pub(crate) fn row_ref(table: &Table, i: usize) -> (String, String) {
    let row = table.rows.get(i).copied().unwrap_or_default();
    (
        format!("{} 第{row}行", table.file),
        format!("{} row {row}", table.file),
    )
}

#[cfg(test)]
mod tests {
    use super::{is_named, normal_strength};
    use crate::kinds::registry::normal_name;

    #[test]
    fn strengths_compare_without_spaces_case_or_width() {
        assert_eq!(normal_strength("25 MG"), "25mg");
        assert_eq!(normal_strength("２５ｍｇ"), "25mg");
        assert_ne!(normal_strength("25mg"), normal_strength("200mg"));
    }

    #[test]
    fn names_are_compared_as_normal_name_compares_them() {
        for (raw, other) in [
            ("XX县 妇幼保健院（分院）", "XX县妇幼保健院(分院)"),
            ("青山县人民医院", "青山县人民医院"),
            ("青山县人民医院", "青山县中医医院"),
            ("", "青山县人民医院"),
        ] {
            assert_eq!(
                is_named(raw, &normal_name(other)),
                normal_name(raw) == normal_name(other)
            );
        }
    }
}
