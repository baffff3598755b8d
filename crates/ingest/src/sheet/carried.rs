//! Rows that only bring a balance forward: 上月结存, 期初结存 at the top of a stock ledger, 承前页
//! at the top of a page. They state the stock the book starts from, not a movement, and often
//! leave the drug name (it continues the drug above) or the date blank: such a row is not a
//! record missing its required entries. The rules read the balance it carries
//! (DRUG-STOCK-RECON's `count_types` and `carry_types` name the same words).

use crate::row::RawRow;

/// The words, written alone in a cell, that make a row a balance brought forward.
const CARRIED: [&str; 11] = [
    "上月结存",
    "期初结存",
    "上期结存",
    "期初",
    "期初余额",
    "上年结转",
    "承前页",
    "承上页",
    "接上页",
    "上页结转",
    "过次页",
];

/// Whether some cell of `row` is one of the words of a balance brought forward.
pub(super) fn carries_balance(row: &RawRow<'_>) -> bool {
    row.cells().iter().any(|(_, v)| {
        v.is_text() && {
            let text = row.text(v).trim();
            CARRIED.contains(&text)
        }
    })
}
