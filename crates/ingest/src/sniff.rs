//! What a file really is, from its bytes rather than its name: a renamed PDF must be called a
//! PDF, and an encrypted workbook must not be mistaken for a corrupt one.

use crate::error::InputError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Csv,
    /// A web page holding a table, saved as .xls by web systems' "export to Excel".
    Html,
    /// Excel 2003's XML Spreadsheet (`SpreadsheetML`), as .xml or renamed .xls.
    SpreadsheetMl,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Xlsb => "xlsb",
            Self::Xls => "xls",
            Self::Ods => "ods",
            Self::Csv => "csv",
            Self::Html => "html",
            Self::SpreadsheetMl => "xml",
        }
    }
}

const CFB: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What the first bytes say a file is: a zip (xlsx, xlsb, ods — told apart by [`zip_kind`]),
/// a compound file (xls, or an encrypted workbook — see [`is_encrypted_ooxml`]), or text.
pub fn sniff(head: &[u8]) -> Result<Format, InputError> {
    if head.is_empty() {
        return Err(InputError::Empty);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(&CFB) {
        return Ok(Format::Xls);
    }
    let binary: [(&[u8], &'static str); 10] = [
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "an image"),
        (b"\xFF\xD8\xFF", "an image"),
        (b"GIF8", "an image"),
        (b"Rar!", "an archive"),
        (b"7z\xBC\xAF", "an archive"),
        (b"\x1F\x8B", "an archive"),
        (b"MZ", "an executable"),
        (b"\x7FELF", "an executable"),
        (b"{\\rtf", "a Word document"),
    ];
    if let Some((_, what)) = binary.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Err(InputError::NotSpreadsheet(what));
    }
    // Text: UTF-16 exports carry a BOM; anything else with NUL bytes is binary.
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Ok(Format::Csv);
    }
    if head.contains(&0) {
        return Err(InputError::NotSpreadsheet("binary data"));
    }
    Ok(markup_kind(head).unwrap_or(Format::Csv))
}

/// Whether text is markup a spreadsheet can be read from: it starts (after a BOM and blank
/// space) with a tag, and names the `SpreadsheetML` namespace or is a web page. A CSV file never
/// starts with `<html`, `<!doctype html` or `<table`.
fn markup_kind(head: &[u8]) -> Option<Format> {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &text[start..];
    if text.first() != Some(&b'<') {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if has(b"urn:schemas-microsoft-com:office:spreadsheet") && has(b"<workbook") {
        return Some(Format::SpreadsheetMl);
    }
    let web_page = [
        b"<html".as_slice(),
        b"<!doctype html",
        b"<table",
        b"<meta",
        b"<head",
    ]
    .iter()
    .any(|tag| lower.starts_with(tag))
        || (lower.starts_with(b"<?xml") || lower.starts_with(b"<!--")) && has(b"<html");
    web_page.then_some(Format::Html)
}

/// Which workbook a zip archive holds, from its member names.
pub fn zip_kind<R: std::io::Read + std::io::Seek>(
    archive: &zip::ZipArchive<R>,
) -> Result<Format, InputError> {
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("content.xml") {
        Ok(Format::Ods)
    } else if has("word/document.xml") {
        Err(InputError::NotSpreadsheet("a Word document"))
    } else {
        Err(InputError::NotSpreadsheet("an archive"))
    }
}

/// Office encrypts a workbook by wrapping it in a compound file with an `EncryptedPackage`
/// stream; the directory names are UTF-16.
pub fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes
        .windows(needle.len())
        .any(|w| w[0] == b'E' && w == needle.as_slice())
}
