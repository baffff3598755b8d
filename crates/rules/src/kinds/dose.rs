//! Turning a dispensing row's quantity into a dose: a mass as written (200mg, 600µg), tablets
//! by the strength of one (规格 25mg, or the drug's only strength in the reference), boxes by
//! the strength and the count a box holds (25mg×6片). What cannot be read is said, not guessed.

use auditor_ingest::column::Column;
use auditor_ingest::value::fold_width;

use super::Field;
use super::drug_ledger::qty_text;
use crate::reference::Drug;

/// The unit a ceiling is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mass {
    Mg,
    Ug,
}

impl Mass {
    pub(crate) fn to_ug(self, v: f64) -> f64 {
        match self {
            Self::Mg => v * 1000.0,
            Self::Ug => v,
        }
    }

    /// A dose in micrograms, in this unit: "300mg", "800µg".
    pub(crate) fn show(self, ug: f64) -> String {
        match self {
            Self::Mg => format!("{}mg", qty_text(ug / 1000.0)),
            Self::Ug => format!("{}µg", qty_text(ug)),
        }
    }
}

/// How a row's quantity became a dose.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Amount {
    /// A mass as written, in micrograms.
    Written { ug: f64, text: String },
    /// `count` units (片) of `per_unit` micrograms each.
    Units {
        count: f64,
        unit: String,
        per_unit: f64,
    },
    /// `count` packs (盒) of `per_pack` units of `per_unit` micrograms.
    Packs {
        count: f64,
        unit: String,
        per_pack: f64,
        per_unit: f64,
    },
}

/// Why a row's quantity could not be converted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Unconverted {
    NoUnit,
    UnknownUnit(String),
    /// A count of tablets with no strength on the row, of a drug in several strengths.
    NoStrength {
        generic: String,
        known: Vec<String>,
    },
    /// A count of boxes whose strength does not say how many tablets one holds.
    NoPackCount(String),
}

/// Words of a count of tablets or capsules.
const UNIT_WORDS: [&str; 10] = [
    "片", "粒", "颗", "枚", "丸", "tablet", "tablets", "tab", "tabs", "capsule",
];
/// Words of a count of packs.
const PACK_WORDS: [&str; 7] = ["盒", "板", "瓶", "袋", "box", "boxes", "pack"];

impl Amount {
    /// The dose of `qty` `unit` of `drug`, given the row's 规格 `strength`.
    pub(crate) fn of(
        qty: f64,
        unit: &str,
        strength: Option<&str>,
        drug: &Drug,
    ) -> Result<Self, Unconverted> {
        let folded = fold_width(unit.trim()).to_lowercase();
        if folded.is_empty() {
            return Err(Unconverted::NoUnit);
        }
        if let Some(per) = mass_unit(&folded) {
            return Ok(Self::Written {
                ug: qty * per,
                text: format!("{}{}", qty_text(qty), unit.trim()),
            });
        }
        let is_unit = UNIT_WORDS.contains(&folded.as_str());
        let is_pack = PACK_WORDS.contains(&folded.as_str());
        if !is_unit && !is_pack {
            return Err(Unconverted::UnknownUnit(unit.trim().to_owned()));
        }
        let per_unit =
            strength
                .and_then(first_mass)
                .or_else(|| match drug.unit_strengths.as_slice() {
                    [only] => first_mass(only),
                    _ => None,
                });
        let Some(per_unit) = per_unit else {
            return Err(Unconverted::NoStrength {
                generic: drug.generic.clone(),
                known: drug.unit_strengths.clone(),
            });
        };
        if is_unit {
            return Ok(Self::Units {
                count: qty,
                unit: unit.trim().to_owned(),
                per_unit,
            });
        }
        let Some(per_pack) = strength.and_then(pack_count) else {
            return Err(Unconverted::NoPackCount(unit.trim().to_owned()));
        };
        Ok(Self::Packs {
            count: qty,
            unit: unit.trim().to_owned(),
            per_pack,
            per_unit,
        })
    }

    pub(crate) fn micrograms(&self) -> f64 {
        match self {
            Self::Written { ug, .. } => *ug,
            Self::Units {
                count, per_unit, ..
            } => count * per_unit,
            Self::Packs {
                count,
                per_pack,
                per_unit,
                ..
            } => count * per_pack * per_unit,
        }
    }

    /// The row's quantity and how it was read, for a message: "6片 × 25mg".
    pub(crate) fn text(&self) -> (String, String) {
        let t = match self {
            Self::Written { text, .. } => text.clone(),
            Self::Units {
                count,
                unit,
                per_unit,
            } => format!("{}{unit} × {}", qty_text(*count), ug_text(*per_unit)),
            Self::Packs {
                count,
                unit,
                per_pack,
                per_unit,
            } => format!(
                "{}{unit} × {} × {}",
                qty_text(*count),
                qty_text(*per_pack),
                ug_text(*per_unit)
            ),
        };
        (t.clone(), t)
    }
}

impl Unconverted {
    pub(crate) fn text(&self) -> (String, String) {
        match self {
            Self::NoUnit => (
                "数量没有写单位".to_owned(),
                "the quantity has no unit".to_owned(),
            ),
            Self::UnknownUnit(u) => (
                format!("单位“{u}”不是片、粒、盒，也不是毫克或微克"),
                format!("the unit \"{u}\" is neither tablets, capsules, boxes nor a mass"),
            ),
            Self::NoStrength { generic, known } => (
                format!("规格未写，{generic}有 {} 等规格", known.join("、")),
                format!(
                    "no strength is given, and {generic} comes in {}",
                    known.join(", ")
                ),
            ),
            Self::NoPackCount(u) => (
                format!("单位是“{u}”，规格未写每{u}片数"),
                format!(
                    "the unit is \"{u}\" and the strength does not say how many tablets it holds"
                ),
            ),
        }
    }
}

/// Micrograms as a strength is written: "25mg", "200µg".
fn ug_text(ug: f64) -> String {
    if ug >= 1000.0 {
        format!("{}mg", qty_text(ug / 1000.0))
    } else {
        format!("{}µg", qty_text(ug))
    }
}

/// Micrograms per one of a mass unit ("mg", "毫克", "µg", "微克", "g"), lower-cased.
fn mass_unit(unit: &str) -> Option<f64> {
    match unit {
        "mg" | "毫克" => Some(1000.0),
        "µg" | "μg" | "ug" | "mcg" | "微克" => Some(1.0),
        "g" | "克" => Some(1_000_000.0),
        _ => None,
    }
}

/// The first mass a text states, in micrograms: "25mg×6片" is 25 000, "0.2mg" 200,
/// "200μg" 200.
pub(crate) fn first_mass(text: &str) -> Option<f64> {
    let folded = fold_width(text).to_lowercase();
    let chars: Vec<char> = folded.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
            i += 1;
        }
        let number: String = chars[start..i].iter().collect();
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let rest: String = chars[j..].iter().collect();
        // Longest units first: "mg" before "g".
        for unit in ["毫克", "微克", "mcg", "mg", "µg", "μg", "ug", "g", "克"] {
            if rest.starts_with(unit)
                && let (Ok(v), Some(per)) = (number.parse::<f64>(), mass_unit(unit))
            {
                return Some(v * per);
            }
        }
    }
    None
}

/// How many tablets a pack holds, by the strength's "×6片" ("25mg×6片/盒", "0.2mg*3片").
pub(crate) fn pack_count(text: &str) -> Option<f64> {
    let folded = fold_width(text).to_lowercase();
    let after = folded.split(['×', '*', 'x']).nth(1)?;
    let digits: String = after
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.parse().ok().filter(|n: &f64| *n > 0.0)
}

/// The unit of row `i`'s quantity: written in the cell ("6片"), else in the 单位 column.
pub(crate) fn written_unit(qty: Option<&Column>, units: Field<'_>, i: usize) -> String {
    let in_cell = match qty {
        Some(Column::Quantity(_, u)) => u.get(i),
        _ => "",
    };
    if in_cell.is_empty() {
        units.text(i).unwrap_or("").to_owned()
    } else {
        in_cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{first_mass, pack_count};

    #[test]
    fn masses_and_pack_counts_are_read_from_strengths() {
        assert_eq!(first_mass("25mg×6片"), Some(25_000.0));
        assert_eq!(first_mass("0.2mg"), Some(200.0));
        assert_eq!(first_mass("200μg"), Some(200.0));
        assert_eq!(first_mass("２００ｍｇ"), Some(200_000.0));
        assert_eq!(first_mass("每片"), None);
        assert_eq!(pack_count("25mg×6片/盒"), Some(6.0));
        assert_eq!(pack_count("0.2mg*3片"), Some(3.0));
        assert_eq!(pack_count("25mg"), None);
    }
}
