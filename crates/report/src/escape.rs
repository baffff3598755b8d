//! Escaping of user text (file names, sheet names, ledger values, messages quoting them) for the
//! formats that carry it: spreadsheet cells, where text can turn into a formula, and markup.

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

/// Text for HTML or XML, in element content and in quoted attributes. Characters XML 1.0 cannot
/// carry (most control characters) become U+FFFD, so a stray byte in a ledger cannot make a
/// `JUnit` report unreadable.
pub fn markup(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c) || !xml_char(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if !xml_char(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'')
}

/// The characters XML 1.0 allows (the `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::{markup, spreadsheet_text};

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

    #[test]
    fn markup_escapes_every_special_character_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            markup(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(markup("行\u{1}7\u{b}"), "行\u{fffd}7\u{fffd}");
        assert_eq!(markup("第二人为空\n"), "第二人为空\n");
        assert!(matches!(markup("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
