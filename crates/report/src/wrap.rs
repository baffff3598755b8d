//! Lines for a terminal: text folded to a width counted as a terminal shows it, a Chinese
//! character taking two columns. English breaks between words, Chinese between characters.

/// The columns `c` takes on a terminal: two for the wide East Asian ranges, one otherwise.
fn char_width(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// The columns `s` takes on a terminal.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` followed by spaces up to `columns` (nothing added when it is already that wide).
pub fn pad(s: &str, columns: usize) -> String {
    let mut out = s.to_owned();
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(width(s))));
    out
}

/// `text` folded into lines of at most `max` columns: the first begins with `first`, the
/// others with `indent` spaces. Each line ends with a newline.
pub fn fold(first: &str, text: &str, indent: usize, max: usize) -> String {
    let mut out = String::new();
    let mut line = first.to_owned();
    let mut used = width(first);
    let mut fresh = true;
    for token in tokens(text) {
        let w = width(token);
        let space = token.starts_with(' ');
        if used + w > max && !fresh {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
            used = indent;
            fresh = true;
            if space {
                continue;
            }
        }
        // A word longer than a whole line is cut where the line ends.
        if used + w > max && !space {
            for c in token.chars() {
                let cw = char_width(c);
                if used + cw > max && !fresh {
                    out.push_str(line.trim_end());
                    out.push('\n');
                    line = " ".repeat(indent);
                    used = indent;
                }
                line.push(c);
                used += cw;
                fresh = false;
            }
            continue;
        }
        line.push_str(token);
        used += w;
        fresh = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// Characters a line never ends with: opening brackets and quotes.
const OPENING: &str = "（(「『“‘《【〈[";
/// Characters a line never starts with: closing brackets and quotes, and punctuation.
const CLOSING: &str = "）)」』”’》】〉]，。、；：！？,.;:!?";

/// The pieces a line may break between: a run of spaces, a word (a run of narrow
/// characters: a number, a file name), or a wide character, each with the brackets and
/// punctuation that must stay on its line.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if prev.is_some_and(|p| breaks_between(p, c)) {
            out.push(&text[start..i]);
            start = i;
        }
        prev = Some(c);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Whether a line may break between `a` and `b`.
fn breaks_between(a: char, b: char) -> bool {
    match (a == ' ', b == ' ') {
        (true, true) => false,
        (true, false) | (false, true) => true,
        (false, false) => {
            !OPENING.contains(a)
                && !CLOSING.contains(b)
                && (char_width(a) == 2 || char_width(b) == 2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_characters_take_two_columns() {
        assert_eq!(width("高"), 2);
        assert_eq!(width("US-DUAL-SIGN"), 12);
        assert_eq!(width("第 3 行"), 7);
        assert_eq!(pad("严重", 6), "严重  ");
        assert_eq!(pad("high", 2), "high");
    }

    #[test]
    fn english_breaks_between_words_and_chinese_between_characters() {
        assert_eq!(
            fold("- ", "one two three four", 2, 10),
            "- one two\n  three\n  four\n"
        );
        assert_eq!(fold("", "甲乙丙丁戊己", 2, 6), "甲乙丙\n  丁戊\n  己\n");
        // Nothing is lost or reordered, and no line is wider than asked.
        let text = "第 12 行：B超检查仅一人签字（操作者 张*），另一签名为空 / row 12: signed by one person only";
        let folded = fold("高     ", text, 7, 40);
        assert!(folded.lines().all(|l| width(l) <= 40), "{folded}");
        let joined: String = folded.split_whitespace().collect();
        let expected: String = format!("高{text}").split_whitespace().collect();
        assert_eq!(joined, expected);
    }

    #[test]
    fn brackets_and_punctuation_stay_with_their_words() {
        assert_eq!(
            tokens("未核对（a.csv）。好"),
            ["未", "核", "对", "（a.csv）。", "好"]
        );
        // The line may break inside the brackets, never just after the opening one.
        assert_eq!(fold("", "甲乙（丙丁）", 0, 8), "甲乙（丙\n丁）\n");
        assert_eq!(fold("", "甲乙丙（丁）", 0, 8), "甲乙丙\n（丁）\n");
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut() {
        assert_eq!(fold("", "abcdefghij", 0, 4), "abcd\nefgh\nij\n");
    }
}
