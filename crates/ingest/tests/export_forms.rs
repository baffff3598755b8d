//! Files as systems and Excel export them, beyond plain CSV and workbooks: web pages saved as
//! .xls, Excel 2003 XML, classic-Mac line ends, numbers kept as text with `="…"` or `'`, a UTF-8
//! file with a GBK part, formula errors. Each is read end to end and checked to the cell.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::fmt::Write as _;
use std::io::Write as _;

use auditor_ingest::{Format, InputReport};

mod reading;

use auditor_model::Dataset;
use reading::{findings, read_bytes, values};

const HEADER: [&str; 6] = [
    "检查日期",
    "姓名",
    "身份证号",
    "孕周",
    "操作医师",
    "复核医师",
];

/// Three exams: a complete one, one without a second signer, one signed twice by one person.
const EXAMS: [[&str; 6]; 3] = [
    [
        "2026-03-05",
        "张丽",
        "370921199102111023",
        "16周",
        "王强",
        "李娜",
    ],
    [
        "2026-03-05",
        "刘芳",
        "370921199203121044",
        "16周",
        "王强",
        "",
    ],
    [
        "2026-03-06",
        "赵敏",
        "370921199304151066",
        "12周",
        "王强",
        "王强",
    ],
];

fn exam_csv(line_end: &str) -> String {
    let mut csv = format!("B超检查登记表{line_end}{}{line_end}", HEADER.join(","));
    for row in EXAMS {
        csv.push_str(&row.join(","));
        csv.push_str(line_end);
    }
    csv
}

fn assert_three_exams(r: &InputReport, first_row: u32) {
    assert_eq!(r.error, None);
    let t = &r.tables[0];
    assert_eq!(t.dataset, Dataset::UsExam);
    assert_eq!(t.rows, [first_row, first_row + 1, first_row + 2]);
    assert_eq!(values(r, "name"), ["张*", "刘*", "赵*"]);
    assert_eq!(values(r, "op2_id"), ["李娜", "", "王强"]);
    assert_eq!(
        values(r, "exam_ts"),
        [
            "2026-03-05 00:00:00",
            "2026-03-05 00:00:00",
            "2026-03-06 00:00:00"
        ]
    );
}

#[test]
fn classic_mac_line_ends_are_line_breaks() {
    // Item 16: Excel for Mac's "CSV (Macintosh)", in GBK.
    let text = exam_csv("\r");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let r = read_bytes("mac.csv", &gbk);
    assert_eq!(r.encoding, Some("GBK"));
    assert_three_exams(&r, 3);
    assert_eq!(r.sheets[0].header_row, Some(2));
    assert_eq!(r.sheets[0].unmapped, Vec::<String>::new());
    // The same in UTF-8.
    let r = read_bytes("mac-utf8.csv", exam_csv("\r").as_bytes());
    assert_eq!(r.encoding, Some("UTF-8"));
    assert_three_exams(&r, 3);
}

#[test]
fn numbers_kept_as_text_by_an_export_read_as_the_text() {
    // Item 3: `="…"` written bare and quoted, and Excel's leading apostrophe, on IDs and dates.
    let csv = "检查日期,姓名,身份证号,孕周,操作医师,复核医师\n\
        =\"2026-03-05\",张丽,=\"370921199102111023\",16周,王强,李娜\n\
        '2026-03-05,刘芳,'370921199203121044,16周,王强,李娜\n\
        \"=\"\"2026-03-06 09:30:00\"\"\",赵敏,\"=\"\"370921199304151066\"\"\",12周,王强,李娜\n";
    let r = read_bytes("marks.csv", csv.as_bytes());
    assert_eq!(findings(&r), []);
    assert_eq!(
        values(&r, "exam_ts"),
        [
            "2026-03-05 00:00:00",
            "2026-03-05 00:00:00",
            "2026-03-06 09:30:00"
        ]
    );
    assert_eq!(
        values(&r, "id_no"),
        ["3709** 1991 女", "3709** 1992 女", "3709** 1993 女"]
    );
}

#[test]
fn a_utf8_file_with_a_gbk_part_is_read_line_by_line() {
    // Item 17: two monthly exports joined with `copy /b`, the second in GBK.
    let mut bytes = exam_csv("\n").into_bytes();
    let (gbk, _, _) =
        encoding_rs::GBK.encode("2026-04-01,孙燕,370921199102111023,10周,王强,李娜\n");
    bytes.extend_from_slice(&gbk);
    let r = read_bytes("joined.csv", &bytes);
    assert_eq!(r.error, None);
    assert_eq!(r.encoding, Some("UTF-8+GB18030"));
    assert_eq!(values(&r, "name"), ["张*", "刘*", "赵*", "孙*"]);
    assert_eq!(
        r.sheets[0].notes,
        [(
            "文件中有 1 行（第 6 行）不是 UTF-8 编码，已按 GBK/GB18030 读取：文件可能由不同编码的文件拼接而成，请核对这些行的内容".to_owned(),
            "1 lines (line 6) are not UTF-8 and were read as GBK/GB18030: the file may join files of different encodings; check those lines".to_owned(),
        )]
    );
}

fn html_table() -> String {
    let mut html = String::from(
        "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><head><meta charset=\"gb2312\">\
         <style>td { mso-number-format:'\\@'; }</style></head><body>\n<table border=1>\n\
         <tr><td colspan=6>B超检查登记表</td></tr>\n<tr>",
    );
    for h in HEADER {
        write!(html, "<th>{h}</th>").unwrap();
    }
    html.push_str("</tr>\n");
    for row in EXAMS {
        html.push_str("<tr>");
        for cell in row {
            // Cells as web systems write them: styled, an entity, a line break, no end tag.
            write!(
                html,
                "<td style=\"mso-number-format:'\\@'\">{}&nbsp;",
                cell.replace('张', "<b>张</b>")
            )
            .unwrap();
        }
        html.push('\n');
    }
    html.push_str("</table></body></html>");
    html
}

#[test]
fn a_web_page_saved_as_xls_is_read_as_a_sheet() {
    // Item 29: a GB2312 HTML table, as web systems' "export to Excel" saves it.
    let html = html_table();
    let (gbk, _, _) = encoding_rs::GBK.encode(&html);
    let r = read_bytes("export.xls", &gbk);
    assert_eq!(r.format, Some(Format::Html));
    assert_three_exams(&r, 3);
    assert_eq!(r.sheets[0].name, "");
    // The same findings (none) as the same table in CSV.
    let csv = read_bytes("export.csv", exam_csv("\n").as_bytes());
    assert_eq!(findings(&r), findings(&csv));
}

#[test]
fn spans_in_a_web_table_place_cells_where_excel_does() {
    // A two-row header: 签名 spans two columns over 操作/复核, 检查日期 spans two rows.
    let html = "<table><tr><th rowspan=2>检查日期</th><th rowspan=\"2\">姓名</th>\
        <th rowspan=2>身份证号</th><th colspan=2>签名</th></tr>\
        <tr><th>操作医师</th><th>复核医师</th></tr>\
        <tr><td>2026-03-05<td>张丽<td>370921199102111023<td>王强<td>李娜</tr>\
        <tr><td>2026-03-06<td>刘&#33459;<td>370921199203121044<td>王强<td></tr></table>";
    let r = read_bytes("spans.xls", html.as_bytes());
    assert_eq!(r.format, Some(Format::Html));
    assert_eq!(r.error, None);
    assert_eq!(r.tables[0].rows, [3, 4]);
    assert_eq!(values(&r, "name"), ["张*", "刘*"]);
    assert_eq!(values(&r, "op1_id"), ["王强", "王强"]);
    assert_eq!(values(&r, "op2_id"), ["李娜", ""]);
}

fn spreadsheetml(rows: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n\
         <Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" \
         xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">\n\
         <Worksheet ss:Name=\"封面\"><Table><Row><Cell><Data ss:Type=\"String\">说明</Data></Cell></Row></Table>\
         <WorksheetOptions xmlns=\"urn:schemas-microsoft-com:office:excel\"><Visible>SheetHidden</Visible></WorksheetOptions></Worksheet>\n\
         <Worksheet ss:Name=\"3月\"><Table>{rows}</Table></Worksheet></Workbook>"
    )
}

fn ss_row(index: Option<u32>, cells: &[(&str, &str)]) -> String {
    let mut row = match index {
        Some(i) => format!("<Row ss:Index=\"{i}\">"),
        None => "<Row>".to_owned(),
    };
    for (kind, text) in cells {
        if text.is_empty() {
            row.push_str("<Cell/>");
        } else {
            write!(row,
                "<Cell><Data ss:Type=\"{kind}\">{text}</Data><Comment><Data>批注</Data></Comment></Cell>"
            ).unwrap();
        }
    }
    row + "</Row>"
}

#[test]
fn an_excel_2003_xml_spreadsheet_is_read_sheet_by_sheet() {
    // Item 29: SpreadsheetML, with a hidden cover sheet, a skipped row, typed cells and an
    // error value in the second signer's column (item 25).
    let header: Vec<(&str, &str)> = HEADER.iter().map(|h| ("String", *h)).collect();
    let rows = [
        ss_row(None, &header),
        ss_row(
            Some(3),
            &[
                ("DateTime", "2026-03-05T00:00:00.000"),
                ("String", "张丽"),
                ("String", "370921199102111023"),
                ("Number", "16"),
                ("String", "王强"),
                ("String", "李&amp;娜"),
            ],
        ),
        ss_row(
            None,
            &[
                ("DateTime", "2026-03-06T09:30:00.000"),
                ("String", "刘芳"),
                ("Number", "370921199203121044"),
                ("Number", "12"),
                ("String", "王强"),
                ("Error", "#REF!"),
            ],
        ),
    ]
    .concat();
    let r = read_bytes("book.xml", spreadsheetml(&rows).as_bytes());
    assert_eq!(r.format, Some(Format::SpreadsheetMl));
    assert_eq!(r.error, None);
    let names: Vec<(&str, bool)> = r
        .sheets
        .iter()
        .map(|s| (s.name.as_str(), s.hidden))
        .collect();
    assert_eq!(names, [("封面", true), ("3月", false)]);
    assert_eq!(r.tables[0].rows, [3, 4]);
    assert_eq!(
        values(&r, "exam_ts"),
        ["2026-03-05 00:00:00", "2026-03-06 09:30:00"]
    );
    assert_eq!(values(&r, "id_no"), ["3709** 1991 女", "3709** 1992 女"]);
    // Gestational ages are kept in days.
    assert_eq!(values(&r, "ga_weeks"), ["112", "84"]);
    assert_eq!(values(&r, "op2_id"), ["李&娜", ""]);
    assert_eq!(
        findings(&r),
        [(
            "DQ-CELL-ERROR".to_owned(),
            Some(4),
            "F4「第二人」是公式错误值“#REF!”，没有内容，按空白处理".to_owned()
        )]
    );
}

/// A workbook written by hand, as Excel saves formula errors: `t="e"` cells.
fn xlsx_with_errors() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="登记" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in files {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    let cell = |r: &str, v: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#);
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    sheet.push_str(r#"<row r="1">"#);
    for (h, col) in HEADER.iter().zip(["A", "B", "C", "D", "E", "F"]) {
        sheet.push_str(&cell(&format!("{col}1"), h));
    }
    sheet.push_str("</row>");
    write!(sheet,
        r#"<row r="2">{}{}<c r="C2" t="e"><f>VLOOKUP(B2,Sheet2!A:B,2,0)</f><v>#N/A</v></c>{}{}{}</row>"#,
        cell("A2", "2026-03-05"),
        cell("B2", "张丽"),
        cell("D2", "16周"),
        cell("E2", "王强"),
        cell("F2", "李娜"),
    ).unwrap();
    write!(sheet,
        r#"<row r="3"><c r="A3" t="e"><v>#VALUE!</v></c>{}{}{}{}<c r="F3" t="e"><f>Sheet2!X9</f><v>#REF!</v></c></row>"#,
        cell("B3", "刘芳"),
        cell("C3", "370921199203121044"),
        cell("D3", "16周"),
        cell("E3", "王强"),
    ).unwrap();
    // A formula saved without its result, as report generators write them.
    write!(
        sheet,
        r#"<row r="4">{}{}{}{}{}<c r="F4"><f>E4</f></c></row>"#,
        cell("A4", "2026-03-06"),
        cell("B4", "赵敏"),
        cell("C4", "370921199304151066"),
        cell("D4", "12周"),
        cell("E4", "王强"),
    )
    .unwrap();
    sheet.push_str("</sheetData></worksheet>");
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(sheet.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_formula_error_is_no_value_and_is_named_in_its_finding() {
    // Item 25: #N/A in the ID, #VALUE! in the date, #REF! in the second signer; item 18: a
    // formula without its result in the second signer.
    let r = read_bytes("errors.xlsx", &xlsx_with_errors());
    assert_eq!(r.error, None);
    assert_eq!(values(&r, "op2_id"), ["李娜", "", ""]);
    assert_eq!(
        values(&r, "id_no"),
        ["", "3709** 1992 女", "3709** 1993 女"]
    );
    assert_eq!(
        values(&r, "exam_ts"),
        ["2026-03-05 00:00:00", "", "2026-03-06 00:00:00"]
    );
    assert_eq!(
        findings(&r),
        [
            (
                "DQ-CELL-ERROR".to_owned(),
                Some(2),
                "C2「身份证号」是公式错误值“#N/A”，没有内容，按空白处理".to_owned()
            ),
            (
                "DQ-CELL-ERROR".to_owned(),
                Some(3),
                "A3「检查时间」是公式错误值“#VALUE!”，没有内容，按空白处理".to_owned()
            ),
            (
                "DQ-CELL-ERROR".to_owned(),
                Some(3),
                "F3「第二人」是公式错误值“#REF!”，没有内容，按空白处理".to_owned()
            ),
            (
                "DQ-CELL-ERROR".to_owned(),
                Some(4),
                "F4「第二人」是公式，但文件中没有它的计算结果（生成文件的程序没有计算公式），按空白处理：请在 Excel 中打开并保存后再检查".to_owned()
            ),
        ]
    );
}
