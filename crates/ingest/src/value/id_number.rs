//! An ID number that a spreadsheet stored as a number: Excel keeps 15 significant digits, so an
//! 18-digit ID typed into a number cell loses its last three (370921199003120020 becomes
//! 370921199003120000, shown as 3.70921E+17). Its check digit then fails, and saying only that
//! would send the clerk to check a digit that is not the fault.

use crate::row::RawValue;

/// Why an invalid ID number is invalid, when the cause is its storage as a number: (zh, en).
/// `None` when the cell gives no sign of it.
pub fn id_as_number(v: &RawValue<'_>, text: &str) -> Option<(String, String)> {
    const FIFTEEN_DIGITS: f64 = 1e14;
    #[expect(clippy::cast_precision_loss, reason = "only the magnitude is compared")]
    let numeric = match *v {
        RawValue::Int(i) => (i.unsigned_abs() as f64) >= FIFTEEN_DIGITS,
        RawValue::Float(f) => f.abs() >= FIFTEEN_DIGITS,
        _ => false,
    };
    let t = text.trim();
    // A CSV saved from Excel holds the number as Excel showed it: 3.70921E+17.
    let scientific =
        t.contains(['e', 'E']) && t.parse::<f64>().is_ok_and(|f| f.abs() >= FIFTEEN_DIGITS);
    // Or written out with the lost digits as zeros: 18 digits ending in 000.
    let zeroed = t.len() == 18 && t.bytes().all(|b| b.is_ascii_digit()) && t.ends_with("000");
    if numeric || scientific {
        Some((
            "该单元格以数字格式保存，末几位已丢失（Excel 只保留 15 位有效数字），请将该列设为文本后重新录入".to_owned(),
            "the cell was stored as a number and lost its last digits (Excel keeps 15 significant digits); set the column to text and enter the number again".to_owned(),
        ))
    } else if zeroed {
        Some((
            "末三位为 000，疑似曾以数字格式保存而丢失末几位（Excel 只保留 15 位有效数字），请核对原件后将该列设为文本重新录入".to_owned(),
            "it ends in 000, as an ID stored as a number does once its last digits are lost (Excel keeps 15 significant digits); check the original, set the column to text and enter it again".to_owned(),
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_cell_or_its_printout_is_told_apart_from_a_wrong_digit() {
        let number = id_as_number(&RawValue::Float(3.709_211_990_031_2e17), "");
        assert!(number.is_some_and(|(zh, _)| zh.starts_with("该单元格以数字格式保存")));
        assert!(id_as_number(&RawValue::Int(370_921_199_003_120_000), "").is_some());
        let text = RawValue::Shared("");
        let e = id_as_number(&text, "4.10105E+17");
        assert!(e.is_some_and(|(zh, _)| zh.starts_with("该单元格以数字格式保存")));
        let zeros = id_as_number(&text, "410105199001011000");
        assert!(zeros.is_some_and(|(zh, _)| zh.starts_with("末三位为 000")));
        // A wrong check digit typed as text, and a short number, are not this.
        assert_eq!(id_as_number(&text, "370921199003120021"), None);
        assert_eq!(id_as_number(&RawValue::Int(12345), ""), None);
    }
}
