//! How a stock ledger keeps its running balance (结存): per batch, as a wholesaler's ledger
//! does, or per product — one balance for a drug and strength across all its batches, as a
//! hospital pharmacy's 进销存 book does. And which drug and date a balance brought forward
//! (上月结存, 承前页) continues when it leaves them blank.
//!
//! The ledger tells by itself: where the batch changes from one balance to the next of the same
//! drug, a per-product book carries the previous balance on (30 of batch A, then 10 of batch B
//! received: 40), a per-batch book starts the new batch on its own (10). Each such change
//! votes for the reading it fits and the other does not; a change both fit (the previous batch
//! ran out) says nothing; so does a count or opening stock that names no batch (per product).
//! A ledger without a 批号 column is per product by construction.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::drug_ledger::{Ledger, Types};

/// One ledger sheet's reading.
pub(crate) struct Scope {
    /// One balance per drug and strength, across batches.
    pub per_product: bool,
    /// Per row, the row its drug (name and 规格) is read from: itself, or for a balance
    /// brought forward that names none, the nearest row above naming one (the drug it
    /// continues), else the nearest below (the sheet's first drug).
    name_from: Vec<usize>,
    /// Likewise for the date.
    date_from: Vec<usize>,
}

impl Scope {
    pub(crate) fn of(ledger: &Ledger<'_>, types: &Types, tolerance: f64) -> Self {
        let n = ledger.table.len();
        let forward = |i: usize| ledger.type_text(i).is_some_and(|k| types.brings_forward(k));
        let named = |i: usize| {
            ledger
                .products
                .text(i)
                .is_some_and(|p| !p.trim().is_empty())
        };
        let dated = |i: usize| ledger.dates.date(i).is_some();
        let mut name_from: Vec<usize> = (0..n).collect();
        let mut date_from: Vec<usize> = (0..n).collect();
        for i in (0..n).filter(|&i| forward(i)) {
            if !named(i) {
                name_from[i] = neighbour(i, n, named).unwrap_or(i);
            }
            if !dated(i) {
                date_from[i] = neighbour(i, n, dated).unwrap_or(i);
            }
        }
        let mut scope = Self {
            per_product: false,
            name_from,
            date_from,
        };
        scope.per_product = !ledger.has_batches() || scope.votes(ledger, types, tolerance) > 0;
        scope
    }

    /// The drug named for row `i`.
    pub(crate) fn product<'t>(&self, ledger: &Ledger<'t>, i: usize) -> Option<&'t str> {
        ledger.products.text(self.name_from[i])
    }

    /// The 规格 of row `i`: its own, else that of the row it takes its drug from.
    pub(crate) fn strength(&self, ledger: &Ledger<'_>, i: usize) -> String {
        if ledger.strength_text(i).is_empty() {
            ledger.strength(self.name_from[i])
        } else {
            ledger.strength(i)
        }
    }

    pub(crate) fn date(&self, ledger: &Ledger<'_>, i: usize) -> Option<NaiveDate> {
        ledger.dates.date(self.date_from[i])
    }

    /// Changes of batch fitting a per-product balance less those fitting a per-batch one.
    fn votes(&self, ledger: &Ledger<'_>, types: &Types, tolerance: f64) -> i64 {
        let close = |a: f64, b: f64| (a - b).abs() <= tolerance + 1e-9;
        // Per drug: the batch and balance of its last row; per drug and batch, its balance.
        let mut product: HashMap<(&str, String), (&str, f64)> = HashMap::new();
        let mut batch: HashMap<(&str, String, &str), f64> = HashMap::new();
        let mut votes = 0;
        for i in 0..ledger.table.len() {
            let Some(name) = self.product(ledger, i).map(str::trim) else {
                continue;
            };
            let drug = (name, self.strength(ledger, i));
            let lot = ledger.batch(i);
            let m = ledger.movement(types, i);
            let delta = m.received - m.issued - m.written_off;
            // A count or opening stock of no batch, in a ledger of batches, counts the drug.
            if m.counted.is_some() && lot.is_empty() {
                votes += 1;
            }
            let stated = m.counted.map(|(q, _)| q).or(m.balance);
            let Some(balance) = stated else {
                // A row without a balance still moves both books.
                if let Some(p) = product.get_mut(&drug) {
                    p.1 += delta;
                }
                *batch.entry((drug.0, drug.1.clone(), lot)).or_default() += delta;
                continue;
            };
            if m.counted.is_none()
                && !lot.is_empty()
                && let Some(&(last_lot, last)) = product.get(&drug)
                && last_lot != lot
            {
                let own = batch
                    .get(&(drug.0, drug.1.clone(), lot))
                    .copied()
                    .unwrap_or(0.0);
                match (close(balance, last + delta), close(balance, own + delta)) {
                    (true, false) => votes += 1,
                    (false, true) => votes -= 1,
                    _ => {}
                }
            }
            batch.insert((drug.0, drug.1.clone(), lot), balance);
            product.insert(drug, (lot, balance));
        }
        votes
    }
}

/// The nearest row above `i` that `has`, else the nearest below.
fn neighbour(i: usize, n: usize, has: impl Fn(usize) -> bool) -> Option<usize> {
    (0..i)
        .rev()
        .find(|&j| has(j))
        .or_else(|| (i + 1..n).find(|&j| has(j)))
}
