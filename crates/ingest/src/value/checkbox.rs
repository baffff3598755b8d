//! A yes/no answered on a printed form: the form prints both options with a box each and the
//! clerk ticks one (□是 ☑否, ■是 □否, 是□ 否☑), or writes a tick beside the option meant
//! (√是, 否 √).

/// Marks that tick a box or an option.
const TICKS: [char; 8] = ['☑', '☒', '■', '√', '✓', '✔', '▇', '●'];
/// A box left empty.
const EMPTY: [char; 3] = ['□', '☐', '▢'];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Ticked,
    Empty,
    Option(bool),
}

/// The option ticked, when exactly one meaning is: `None` for a form left empty, both options
/// ticked, or anything that is not such a form.
pub(super) fn ticked_choice(s: &str) -> Option<bool> {
    let mut tokens = Vec::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        let token = match c {
            c if TICKS.contains(&c) => Token::Ticked,
            c if EMPTY.contains(&c) => Token::Empty,
            '是' | '有' | '已' => Token::Option(true),
            '否' | '无' | '未' => Token::Option(false),
            // Option words of more than one character (已查验) keep the meaning of their first.
            _ if matches!(tokens.last(), Some(Token::Option(_))) => continue,
            _ => return None,
        };
        tokens.push(token);
    }
    let marks = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Option(_)))
        .count();
    let options = tokens.len() - marks;
    if marks == 0 || options == 0 || marks > options {
        return None;
    }
    // The form puts every mark on the same side of its option: the first token says which.
    let before = !matches!(tokens.first(), Some(Token::Option(_)));
    let mut chosen: Option<bool> = None;
    for (i, t) in tokens.iter().enumerate() {
        let Token::Option(meaning) = *t else { continue };
        let mark = if before {
            i.checked_sub(1).map(|j| tokens[j])
        } else {
            tokens.get(i + 1).copied()
        };
        if mark == Some(Token::Ticked) {
            if chosen.is_some_and(|c| c != meaning) {
                return None;
            }
            chosen = Some(meaning);
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::ticked_choice;

    #[test]
    fn the_ticked_option_is_the_answer() {
        for (form, answer) in [
            ("□是 ☑否", Some(false)),
            ("□是 ■否", Some(false)),
            ("☑是 □否", Some(true)),
            ("■是 □否", Some(true)),
            ("√是", Some(true)),
            ("是 √", Some(true)),
            ("否 √", Some(false)),
            ("是□ 否☑", Some(false)),
            ("□是 □否", None),
            ("☑是 ☑否", None),
            ("是否", None),
            ("√", None),
            ("王强√", None),
        ] {
            assert_eq!(ticked_choice(form), answer, "{form}");
        }
    }
}
