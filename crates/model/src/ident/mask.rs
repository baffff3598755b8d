//! Masks for personal data shown on screen or in reports (DOMAIN.md §4 design 3).
//! Every masked character becomes one `*`, so the length stays visible but not the content.

/// Masks an identifier, keeping the first 4 and last 4 characters:
/// `11010519491231002X` → `1101**********002X`. Shorter than 9 characters: all stars.
pub fn mask_id(normalized: &str) -> String {
    keep_ends(normalized, 4, 4, 9)
}

/// Masks a personal name, keeping its first character: `张三` → `张*`, `欧阳娜娜` → `欧***`.
/// Surrounding whitespace is trimmed first.
pub fn mask_name(name: &str) -> String {
    let mut out = String::new();
    mask_name_into(name, &mut out);
    out
}

/// [`mask_name`] into a buffer the caller reuses (it is cleared first): ingest masks every
/// name of a million-row ledger and keeps none of the masks it builds.
pub fn mask_name_into(name: &str, out: &mut String) {
    out.clear();
    let mut chars = name.trim().chars();
    if let Some(first) = chars.next() {
        out.push(first);
        out.extend(chars.map(|_| '*'));
    }
}

/// Masks a phone number: an 11-character mobile keeps 3 + 4 (`13812341234` → `138****1234`);
/// other lengths keep the first 3 and last 2. Numbers shorter than 7 characters, where that
/// would hide almost nothing, become all stars. Surrounding whitespace is trimmed first.
pub fn mask_phone(phone: &str) -> String {
    let phone = phone.trim();
    if phone.chars().count() == 11 {
        keep_ends(phone, 3, 4, 11)
    } else {
        keep_ends(phone, 3, 2, 7)
    }
}

/// Keeps `head` leading and `tail` trailing characters and stars the rest; when `s` has fewer
/// than `min_len` characters, stars everything.
fn keep_ends(s: &str, head: usize, tail: usize, min_len: usize) -> String {
    let len = s.chars().count();
    if len < min_len {
        return "*".repeat(len);
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < head || i >= len - tail { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(mask_id("32010219900307123X"), "3201**********123X");
        assert_eq!(mask_id("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_id("91350100M000100Y43"), "9135**********0Y43");
        assert_eq!(mask_id("123456789"), "1234*6789");
        assert_eq!(mask_id("12345678"), "********");
        assert_eq!(mask_id(""), "");
    }

    #[test]
    fn names() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("李"), "李");
        assert_eq!(mask_name(" 王小明 "), "王**");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn phones() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone(" 13812341234 "), "138****1234");
        assert_eq!(mask_phone("051083001234"), "051*******34");
        assert_eq!(mask_phone("83001234"), "830***34");
        assert_eq!(mask_phone("1234567"), "123**67");
        assert_eq!(mask_phone("120110"), "******");
        assert_eq!(mask_phone(""), "");
    }
}
