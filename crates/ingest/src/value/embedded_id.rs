//! An ID number written among other text in one cell: a column headed 身份证号/联系电话 holds
//! "370921199102111023/13812345678", another "身份证：370921199102111023". The person is the one
//! valid 18-character number in the cell; the rest is not read.

use auditor_model::ident::resident_id::{ResidentId, parse_resident_id};

/// The valid 18-character resident ID number among other text in `text`, read as a run of 17
/// digits and a digit or X with no digit on either side. `None` when there is none, when it
/// fails its check, or when two different such numbers are written: such a cell names no
/// single person.
pub fn embedded_id(text: &str) -> Option<ResidentId> {
    let mut seen: Option<String> = None;
    let mut run = String::new();
    // A trailing sentinel ends the last run like any other separator.
    for c in text.chars().chain(std::iter::once(' ')) {
        let folded = match u32::from(c) {
            cp @ 0xFF10..=0xFF19 => char::from_u32(cp - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if folded.is_ascii_digit() {
            run.push(folded);
            continue;
        }
        if run.len() == 17 && matches!(folded, 'X' | 'x' | 'Ｘ' | 'ｘ') {
            run.push('X');
            continue;
        }
        if run.len() == 18 {
            if seen.as_ref().is_some_and(|s| *s != run) {
                return None;
            }
            seen = Some(std::mem::take(&mut run));
        }
        run.clear();
    }
    parse_resident_id(&seen?).ok()
}

/// The number in a cell that also holds a label or a note (身份证号：37098319950101002): its
/// one run of 8 or more digits (a last X included), when there is other text beside it. `None`
/// for a cell that is the number alone, or holds no such run or two of them.
pub fn number_written(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut start = None;
    for (i, b) in bytes
        .iter()
        .enumerate()
        .chain(std::iter::once((bytes.len(), &b' ')))
    {
        let in_run = b.is_ascii_digit() || (start.is_some() && matches!(b, b'X' | b'x'));
        match (in_run, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 8 {
                    runs.push(&text[s..i]);
                }
                start = None;
            }
            _ => {}
        }
    }
    match runs.as_slice() {
        [one] if one.len() < text.trim().len() => Some(one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<String> {
        embedded_id(text).map(|id| id.normalized)
    }

    #[test]
    fn the_one_valid_number_among_other_text_is_read() {
        let id = Some("370921199102111023".to_owned());
        assert_eq!(read("370921199102111023/13812345678"), id);
        assert_eq!(read("13812345678 370921199102111023"), id);
        assert_eq!(read("身份证：370921199102111023（本人）"), id);
        assert_eq!(read("３７０９２１１９９１０２１１１０２３；电话略"), id);
        assert_eq!(
            read("11010519491231002x 13800000000"),
            Some("11010519491231002X".to_owned())
        );
    }

    #[test]
    fn the_number_written_beside_a_label_is_told_apart() {
        assert_eq!(
            number_written("身份证号：37098319950101002"),
            Some("37098319950101002")
        );
        assert_eq!(number_written("37098319950101002"), None);
        assert_eq!(
            number_written("电话13800000000 身份证37098319950101002"),
            None
        );
        assert_eq!(number_written("拒绝提供"), None);
    }

    #[test]
    fn no_number_two_people_or_a_longer_run_is_no_one() {
        // A check digit that fails, two different numbers (valid or not), a run of 19 digits,
        // none at all.
        assert_eq!(read("370921199102111024/13812345678"), None);
        assert_eq!(read("370921199102111023、11010519491231002X"), None);
        assert_eq!(read("370921199102111023、370921199102111024"), None);
        assert_eq!(read("3709211991021110231"), None);
        assert_eq!(read("拒绝提供"), None);
        // The same number twice is still one person.
        assert_eq!(
            read("370921199102111023 / 370921199102111023"),
            Some("370921199102111023".to_owned())
        );
    }
}
