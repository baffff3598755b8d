//! A record's own people named in its free text: a clerk writes "王芳宫内单活胎" in the
//! conclusion or "王芳本人拒绝查验" in the remarks. Names are kept only masked, so the name a
//! record holds in its name columns is masked wherever its free text repeats it. Other names
//! in prose cannot be told from words and are left as written.

use auditor_model::ident::mask::mask_name;

use crate::row::RawRow;
use crate::spec::DatasetSpec;

/// Name fields a record may have: the woman, her husband, a relative who signed.
const MAX: usize = 4;

/// The names written in a record's name columns, as the cells hold them.
#[derive(Debug, Default)]
pub struct OwnNames<'r> {
    names: [&'r str; MAX],
    len: usize,
}

impl<'r> OwnNames<'r> {
    /// The names in `row`'s cells of the dataset's name fields; `values[field]` is the index
    /// of the field's cell among the row's cells.
    pub fn of_record(spec: &DatasetSpec, values: &[Option<usize>], row: &'r RawRow<'_>) -> Self {
        let mut own = Self::default();
        for field in &spec.names {
            if let Some(Some(i)) = values.get(*field)
                && let Some((_, v)) = row.cells().get(*i)
            {
                own.add(row.text(v));
            }
        }
        own
    }

    /// Adds `name` when it is long enough to be told from a word: one character (a lone
    /// surname) would mask every occurrence of that character.
    pub fn add(&mut self, name: &'r str) {
        let name = name.trim();
        if self.len < MAX && name.chars().count() >= 2 && !self.names[..self.len].contains(&name) {
            self.names[self.len] = name;
            self.len += 1;
        }
    }

    /// `text` with each of the names masked as the name columns hold it (王芳 → 王*), or
    /// `None` when it names none of them.
    pub fn mask_in(&self, text: &str) -> Option<String> {
        // Every text cell of every record comes through here: an ASCII cell (an exam number, a
        // model) names no one written in Chinese, and that is told without searching.
        if self.len == 0 || text.is_ascii() {
            return None;
        }
        let mut out: Option<String> = None;
        for name in &self.names[..self.len] {
            let current = out.as_deref().unwrap_or(text);
            if current.contains(name) {
                out = Some(current.replace(name, &mask_name(name)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_own_names_are_masked_in_its_free_text() {
        let mut own = OwnNames::default();
        own.add(" 王芳 ");
        own.add("陈建国");
        own.add("李");
        assert_eq!(
            own.mask_in("王芳宫内单活胎，丈夫陈建国陪同").as_deref(),
            Some("王*宫内单活胎，丈夫陈**陪同")
        );
        assert_eq!(own.mask_in("宫内单活胎"), None);
        // A one-character name masks nothing.
        assert_eq!(own.mask_in("李医生复核"), None);
        assert_eq!(OwnNames::default().mask_in("王芳"), None);
    }
}
