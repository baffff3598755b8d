//! `--format xlsx`: a workbook an inspector can work in — the findings (filter, frozen header),
//! a summary, then a copy of every ledger sheet with the offending cells filled and annotated,
//! each at the address its finding names, so that `H17` in a finding is `H17` in the copy.

use auditor_ingest::{Catalog, Table};
use auditor_model::Severity;
use rust_xlsxwriter::{Color, Format, FormatBorder, Url, Workbook, Worksheet, XlsxError};

use super::columns::{self, HEADERS, values};
use super::rule_book::{Outcome, RuleBook};
use super::sheet_copy::{self, SheetCopy};
use super::sheet_name::{SheetNames, quoted};
use super::{Report, Summary};
use crate::Lang;

const FINDINGS: &str = "发现 Findings";
const SUMMARY: &str = "摘要 Summary";
const WIDTHS: [f64; 12] = [
    26.0, 12.0, 12.0, 36.0, 14.0, 7.0, 12.0, 70.0, 70.0, 40.0, 34.0, 50.0,
];
/// Excel keeps at most 65,530 links per sheet; findings past this are written without one.
const MAX_LINKS: usize = 65_000;

/// The formats shared by every sheet of the report.
pub struct Formats {
    pub header: Format,
    pub title: Format,
    pub offending: Format,
    /// Text that a spreadsheet would take for a formula if retyped (`=`, `+`, `-`, `@`, a tab):
    /// a string cell is never evaluated, and Excel's quote prefix keeps it text when a user
    /// edits it, while the cell shows exactly what was written, with no apostrophe in it.
    pub quoted: Format,
    pub offending_quoted: Format,
    /// A date, and a date with its time to the minute or to the second.
    pub date: [Format; 3],
    pub offending_date: [Format; 3],
}

/// The number formats of [`Formats::date`]: a date alone, a time to the minute, to the second.
pub const DATE_FORMATS: [&str; 3] = ["yyyy-mm-dd", "yyyy-mm-dd hh:mm", "yyyy-mm-dd hh:mm:ss"];

impl Formats {
    fn new() -> Self {
        // Excel's own "Bad" cell style: light red fill, dark red text.
        let offending = Format::new()
            .set_background_color(Color::RGB(0x00FF_C7CE))
            .set_font_color(Color::RGB(0x009C_0006));
        Self {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0x00D9_E1F2))
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(14),
            quoted: Format::new().set_quote_prefix(),
            offending_quoted: offending.clone().set_quote_prefix(),
            date: DATE_FORMATS.map(|f| Format::new().set_num_format(f)),
            offending_date: DATE_FORMATS.map(|f| offending.clone().set_num_format(f)),
            offending,
        }
    }

    /// The format of a text cell: quote-prefixed when it would read as a formula, filled when
    /// a finding names it, `None` for plain text.
    pub fn text(&self, s: &str, offending: bool) -> Option<&Format> {
        match (looks_like_formula(s), offending) {
            (true, true) => Some(&self.offending_quoted),
            (true, false) => Some(&self.quoted),
            (false, true) => Some(&self.offending),
            (false, false) => None,
        }
    }
}

/// The leading characters OWASP lists for formula injection (see `escape::spreadsheet_text`,
/// which the CSV report still uses: a CSV cell has no format to carry a quote prefix).
fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Writes `text` as a string cell (never a formula), with [`Formats::text`]'s format.
pub fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(f) => ws.write_string_with_format(row, col, text, f)?,
        None => ws.write_string(row, col, text)?,
    };
    Ok(())
}

pub fn render_xlsx(
    report: &Report,
    book: &RuleBook,
    tables: &[Table],
    catalog: &Catalog,
) -> anyhow::Result<Vec<u8>> {
    let formats = Formats::new();
    let mut names = SheetNames::default();
    names.reserve(FINDINGS);
    names.reserve(SUMMARY);
    let copies: Vec<SheetCopy<'_>> = tables
        .iter()
        .map(|t| {
            let name = names.for_copy(&t.file, t.sheet.as_deref());
            SheetCopy::new(t, name, header_row_of(report, t), catalog)
        })
        .collect();

    let mut wb = Workbook::new();
    write_findings(wb.add_worksheet(), report, &copies, &formats)?;
    write_summary(wb.add_worksheet(), report, book, &copies, &formats)?;
    for copy in &copies {
        let sheet = wb.add_worksheet_with_constant_memory()?;
        sheet_copy::write(sheet, copy, &report.findings, book, &formats)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// The header row the input's sheet report gives for this table's sheet.
fn header_row_of(report: &Report, t: &Table) -> Option<u32> {
    let sheet = t.sheet.as_deref().unwrap_or("");
    report
        .inputs
        .iter()
        .filter(|i| i.file == t.file)
        .flat_map(|i| &i.sheets)
        .find(|s| s.sheet == sheet && s.dataset == Some(t.dataset))
        .and_then(|s| s.header_row)
}

fn write_findings(
    ws: &mut Worksheet,
    report: &Report,
    copies: &[SheetCopy<'_>],
    formats: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(FINDINGS)?;
    for (col, (header, width)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = col as u16;
        ws.write_string_with_format(0, col, *header, &formats.header)?;
        ws.set_column_width(col, width)?;
    }
    let mut links = 0;
    for (i, f) in report.findings.iter().enumerate() {
        let row = i as u32 + 1;
        for (col, value) in values(f).iter().enumerate() {
            let c = col as u16;
            match (col, f.row) {
                (columns::ROW, Some(n)) => {
                    ws.write_number(row, c, f64::from(n))?;
                }
                _ if value.is_empty() => {}
                _ => write_text(ws, row, c, value, formats.text(value, false))?,
            }
        }
        // The cells link to the same cells in the copy of their sheet.
        let target = copies
            .iter()
            .find(|c| c.table.file == f.file && c.table.sheet == f.sheet);
        if let (Some(copy), Some(cell), Some(_)) = (target, f.cells.first(), f.row)
            && links < MAX_LINKS
        {
            let url = Url::new(format!("internal:{}!{cell}", quoted(&copy.name)))
                .set_text(columns::cells_text(f));
            ws.write_url(row, columns::CELLS as u16, url)?;
            links += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(
        0,
        0,
        report.findings.len() as u32,
        (HEADERS.len() - 1) as u16,
    )?;
    Ok(())
}

fn write_summary(
    ws: &mut Worksheet,
    report: &Report,
    book: &RuleBook,
    copies: &[SheetCopy<'_>],
    formats: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY)?;
    ws.set_column_width(0, 36.0)?;
    for col in 1..=6 {
        ws.set_column_width(col, 18.0)?;
    }
    ws.write_string_with_format(
        0,
        0,
        "两非合规审计报告 / Compliance audit report",
        &formats.title,
    )?;
    // Institutions are named in Chinese whatever the language: one list, not two.
    let audited = report
        .context
        .institutions_line(Lang::Zh, crate::context::NAMED_IN_PRINT)
        .unwrap_or_else(|| "台账未注明 / not stated in the ledgers".to_owned());
    let about = [
        ("被检查单位 institution audited", audited),
        (
            "工具 tool",
            format!("{} {}", report.tool.name, report.tool.version),
        ),
        (
            "规则包 pack",
            format!("{} {}", report.pack.name, report.pack.version),
        ),
        ("判定日期 as of", report.as_of.clone()),
        ("生成时间 generated", report.context.generated_at.clone()),
    ];
    let mut row = 2;
    for (label, value) in about {
        ws.write_string(row, 0, label)?;
        write_text(ws, row, 1, &value, formats.text(&value, false))?;
        row += 1;
    }

    row += 1;
    ws.write_string_with_format(row, 0, "级别 severity", &formats.header)?;
    ws.write_string_with_format(row, 1, "发现数 findings", &formats.header)?;
    let s: &Summary = &report.summary;
    let counts = [s.critical, s.high, s.medium, s.low];
    for (severity, count) in Severity::ALL.iter().zip(counts) {
        row += 1;
        ws.write_string(row, 0, columns::severity_label(*severity))?;
        ws.write_number(row, 1, count as f64)?;
    }
    row += 1;
    ws.write_string(row, 0, "合计 total")?;
    ws.write_number(row, 1, s.total as f64)?;
    if let Some((zh, en)) = report.unreadable_warning() {
        row += 1;
        ws.write_string_with_format(row, 0, format!("{zh} / {en}"), &formats.offending)?;
    }
    if s.unlisted > 0 {
        row += 1;
        ws.write_string(row, 0, "其中未逐一列出 of them not listed one by one")?;
        ws.write_number(row, 1, s.unlisted as f64)?;
    }

    row += 2;
    let heads = [
        "文件 file",
        "工作表 sheet",
        "数据集 dataset",
        "表头行 header row",
        "记录数 records",
        "副本 copy",
        "说明 remark",
        "SHA-256",
    ];
    for (col, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *h, &formats.header)?;
    }
    ws.set_column_width(6, 40.0)?;
    ws.set_column_width(7, 66.0)?;
    for input in &report.inputs {
        row += 1;
        write_text(ws, row, 0, &input.file, formats.text(&input.file, false))?;
        if let Some(sha) = &input.sha256 {
            ws.write_string(row, 7, sha)?;
        }
        if let Some(e) = &input.error {
            let text = format!("{} / {}", e.message, e.message_en);
            write_text(ws, row, 6, &text, formats.text(&text, false))?;
        }
        for (i, sheet) in input.sheets.iter().enumerate() {
            if i > 0 {
                row += 1;
                write_text(ws, row, 0, &input.file, formats.text(&input.file, false))?;
            }
            write_text(ws, row, 1, &sheet.sheet, formats.text(&sheet.sheet, false))?;
            if let Some(d) = sheet.dataset {
                ws.write_string(row, 2, d.as_str())?;
            }
            if let Some(h) = sheet.header_row {
                ws.write_number(row, 3, f64::from(h))?;
            }
            ws.write_number(row, 4, sheet.rows as f64)?;
            let copy = copies.iter().find(|c| {
                c.table.file == input.file
                    && c.table.sheet.as_deref().unwrap_or("") == sheet.sheet
                    && Some(c.table.dataset) == sheet.dataset
            });
            if let Some(copy) = copy {
                ws.write_url(
                    row,
                    5,
                    Url::new(format!("internal:{}!A1", quoted(&copy.name))).set_text(&copy.name),
                )?;
                if copy.truncated() {
                    ws.write_string(
                        row,
                        6,
                        "副本超出 Excel 行数上限，已截断 / the copy stops at Excel's row limit",
                    )?;
                }
            } else if sheet.dataset.is_none() {
                let text = format!(
                    "未识别的台账 / not a known ledger: {}",
                    sheet.headers.join(", ")
                );
                write_text(ws, row, 6, &text, formats.text(&text, false))?;
            }
        }
    }

    if !report.notes.is_empty() {
        row += 2;
        ws.write_string_with_format(row, 0, "注 notes", &formats.header)?;
        for note in &report.notes {
            row += 1;
            let text = format!("{} / {}", note.message, note.message_en);
            write_text(ws, row, 0, &text, formats.text(&text, false))?;
        }
    }
    row = write_rules_applied(ws, row, report, book, formats)?;
    // Nothing to sign for when nothing was read.
    if report.unreadable() == report.inputs.len() {
        return Ok(());
    }
    write_signatures(ws, row, formats)
}

/// Every rule the run applied and what it came to, so that a clean workbook says what the
/// ledgers were checked against. Returns the last row written.
fn write_rules_applied(
    ws: &mut Worksheet,
    mut row: u32,
    report: &Report,
    book: &RuleBook,
    formats: &Formats,
) -> Result<u32, XlsxError> {
    let applied = book.applied(&report.inputs);
    if applied.is_empty() {
        return Ok(row);
    }
    row += 2;
    let heads = [
        "适用规则 rule applied",
        "级别 severity",
        "结果 result",
        "名称 title",
    ];
    for (col, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *h, &formats.header)?;
    }
    for rule in applied {
        row += 1;
        let (zh, en) = Outcome::of(report, &rule.id).text();
        ws.write_string(row, 0, &rule.id)?;
        ws.write_string(row, 1, columns::severity_label(rule.severity))?;
        ws.write_string(row, 2, format!("{zh} / {en}"))?;
        let title = format!("{} / {}", rule.title.zh, rule.title.en);
        write_text(ws, row, 3, &title, formats.text(&title, false))?;
    }
    Ok(row)
}

/// Lines to sign when the summary is printed, as on the html report.
fn write_signatures(ws: &mut Worksheet, mut row: u32, formats: &Formats) -> Result<(), XlsxError> {
    row += 2;
    ws.write_string_with_format(row, 0, "签字确认 signatures", &formats.header)?;
    for who in [
        "检查人员 1（签字）inspector 1 (signature)",
        "检查人员 2（签字）inspector 2 (signature)",
        "被检查单位负责人（签字）head of the institution (signature)",
    ] {
        row += 2;
        ws.write_string(row, 0, who)?;
        ws.write_string(row, 2, "日期 date")?;
    }
    Ok(())
}
