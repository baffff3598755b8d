//! Escaping of user text (file names, sheet names, ledger values, messages quoting them) for the
//! formats that carry it: spreadsheet cells, where text can turn into a formula.

use std::borrow::Cow;

/// A text cell that a spreadsheet program would take for a formula gets a leading `'`, as OWASP
/// advises against CSV injection: text starting with `=`, `+`, `-`, `@`, or with a tab or carriage
/// return (which some programs strip before looking). Every text cell of a csv or xlsx report
/// passes through here, since any of them may quote a value from a ledger.
pub fn spreadsheet_text(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_text;

    #[test]
    fn text_a_spreadsheet_would_run_as_a_formula_is_quoted() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(spreadsheet_text(risky), format!("'{risky}"));
        }
        for plain in ["张伟", "H17", "2024-03-01", "", " =1", "'已转义", "a=b"] {
            assert_eq!(spreadsheet_text(plain), plain);
        }
    }
}
