//! A tolerant tokenizer for the markup of web-page tables and Excel 2003 XML: tags and text, in
//! order, with comments, declarations and the content of `<script>`/`<style>` skipped. It never
//! fails: what is not a tag is text, and an unclosed tag ends the input. Web pages are often
//! not well-formed XML, so no XML parser is used.

/// One piece of markup.
#[derive(Debug, PartialEq)]
pub enum Token<'t> {
    /// An opening tag: its local name in lower case (`ss:Data` is `data`), its attributes as
    /// written, whether it closes itself (`<Cell/>`).
    Open {
        name: String,
        attrs: &'t str,
        closed: bool,
    },
    Close {
        name: String,
    },
    /// Text between tags, entities not yet decoded.
    Text(&'t str),
}

pub struct Tokens<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Tokens<'t> {
    pub fn new(text: &'t str) -> Self {
        Self { text, pos: 0 }
    }

    /// Moves past the first `end` (case-insensitive, ASCII) at or after `pos`, or to the end.
    fn skip_past(&mut self, end: &str) {
        let rest = &self.text.as_bytes()[self.pos..];
        let end = end.as_bytes();
        self.pos += rest
            .windows(end.len())
            .position(|w| w.eq_ignore_ascii_case(end))
            .map_or(rest.len(), |i| i + end.len());
    }
}

impl<'t> Iterator for Tokens<'t> {
    type Item = Token<'t>;

    fn next(&mut self) -> Option<Token<'t>> {
        loop {
            let rest = self.text.get(self.pos..)?;
            if rest.is_empty() {
                return None;
            }
            if !rest.starts_with('<') {
                let len = rest.find('<').unwrap_or(rest.len());
                self.pos += len;
                return Some(Token::Text(&rest[..len]));
            }
            if rest.starts_with("<!--") {
                self.skip_past("-->");
                continue;
            }
            if let Some(body) = rest.strip_prefix("<![CDATA[") {
                let len = body.find("]]>").unwrap_or(body.len());
                self.pos += "<![CDATA[".len() + len;
                self.skip_past("]]>");
                return Some(Token::Text(&body[..len]));
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                self.skip_past(">");
                continue;
            }
            let closing = rest.starts_with("</");
            let body_start = if closing { 2 } else { 1 };
            let name_len = rest[body_start..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len() - body_start);
            let raw_name = &rest[body_start..body_start + name_len];
            if raw_name.is_empty() || !raw_name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                // A lone '<' in text ("<16周").
                self.pos += 1;
                return Some(Token::Text("<"));
            }
            let name = local_name(raw_name);
            let after_name = body_start + name_len;
            let end = tag_end(&rest[after_name..]).map_or(rest.len(), |e| after_name + e);
            let inner = &rest[after_name..end.min(rest.len())];
            self.pos += (end + 1).min(rest.len());
            if closing {
                return Some(Token::Close { name });
            }
            let closed = inner.trim_end().ends_with('/');
            let attrs = inner.trim_end().trim_end_matches('/');
            if !closed && matches!(name.as_str(), "script" | "style") {
                self.skip_past(&format!("</{name}"));
                self.skip_past(">");
                continue;
            }
            return Some(Token::Open {
                name,
                attrs,
                closed,
            });
        }
    }
}

/// Where a tag's `>` is, quotes in attribute values skipped.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn local_name(raw: &str) -> String {
    raw.rsplit(':').next().unwrap_or(raw).to_ascii_lowercase()
}

/// The value of attribute `name` (its local name, any case: `ss:Index` is `index`), decoded.
pub fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let key_len = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let key = &rest[..key_len];
        rest = rest[key_len..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, len) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], (end + 2).min(after.len()))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], end)
                }
            };
            rest = &after[len..];
            value
        } else {
            ""
        };
        if local_name(key) == name {
            let mut out = String::new();
            decode_entities(value, &mut out);
            return Some(out);
        }
    }
}

/// Appends `text` to `out` with character references decoded (`&amp;`, `&#10;`, `&#x4E2D;`,
/// and the named ones a table's text uses); an unknown reference stays as written.
pub fn decode_entities(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = match name.strip_prefix('#') {
            Some(num) => {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                code.and_then(char::from_u32)
            }
            None => named(name),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "middot" => '·',
        "times" => '×',
        "yen" => '¥',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "le" => '≤',
        "ge" => '≥',
        "radic" => '√',
        "copy" => '©',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{Token, Tokens, attr, decode_entities};

    #[test]
    fn tags_text_and_skipped_parts() {
        let tokens: Vec<Token<'_>> = Tokens::new(
            "<!DOCTYPE html><!-- x --><style>td{a:b}</style><TD colspan=2>a&amp;b<br/></td>< 3",
        )
        .collect();
        assert_eq!(
            tokens,
            [
                Token::Open {
                    name: "td".to_owned(),
                    attrs: " colspan=2",
                    closed: false
                },
                Token::Text("a&amp;b"),
                Token::Open {
                    name: "br".to_owned(),
                    attrs: "",
                    closed: true
                },
                Token::Close {
                    name: "td".to_owned()
                },
                Token::Text("<"),
                Token::Text(" 3"),
            ]
        );
    }

    #[test]
    fn attributes_by_local_name_in_any_quoting() {
        let attrs = r#" ss:Index="3" ss:MergeAcross='1' style="mso-number-format:'\@'" x=7"#;
        assert_eq!(attr(attrs, "index").as_deref(), Some("3"));
        assert_eq!(attr(attrs, "mergeacross").as_deref(), Some("1"));
        assert_eq!(attr(attrs, "x").as_deref(), Some("7"));
        assert_eq!(attr(attrs, "name"), None);
    }

    #[test]
    fn references_are_decoded() {
        let mut out = String::new();
        decode_entities("阿依&middot;买买提&#10;&#x4E2D;&nbsp;&bogus; &", &mut out);
        assert_eq!(out, "阿依·买买提\n中 &bogus; &");
    }
}
