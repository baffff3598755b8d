//! Files built to hurt the reader: cells at the extreme corner of a sheet (calamine's dense read
//! would try to allocate rows x columns), zip members that claim or hide gigabytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::io::Write;
use std::path::{Path, PathBuf};

use auditor_ingest::{Catalog, IdHasher, Ingest, InputError, InputReport};
use auditor_model::Dataset;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("auditor-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn read(path: &Path) -> InputReport {
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    Ingest::new(&catalog, &hasher).read_path(path, "hostile.xlsx")
}

fn exam_workbook() -> rust_xlsxwriter::Workbook {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["检查日期", "姓名", "身份证号", "操作医师", "第二人"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws.write(1, 0, "2024-03-01").unwrap();
    ws.write(1, 1, "张三").unwrap();
    wb
}

#[test]
fn a_cell_in_the_last_corner_does_not_blow_up_memory() {
    let mut wb = exam_workbook();
    let ws = wb.worksheet_from_index(0).unwrap();
    ws.write(1_048_575, 16_383, "XFD1048576").unwrap();
    let path = scratch("corner.xlsx");
    wb.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 20_000);
    let r = read(&path);
    assert_eq!(r.error, None);
    assert_eq!(r.sheets[0].dataset, Some(Dataset::UsExam));
    assert_eq!(
        r.sheets[0].rows, 1,
        "the far cell lies beyond the column limit and is ignored"
    );
}

/// Rewrites the uncompressed size a zip declares for `member`, in its local and central headers.
fn declare_size(zip: &mut [u8], member: &str, size: u32) {
    let name = member.as_bytes();
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        let (sig, name_at, size_at) = match &zip[i..i + 4] {
            b"PK\x03\x04" => ("local", 30, 22),
            b"PK\x01\x02" => ("central", 46, 24),
            _ => continue,
        };
        let len_at = if sig == "local" { 26 } else { 28 };
        let len = u16::from_le_bytes([zip[i + len_at], zip[i + len_at + 1]]) as usize;
        if zip.get(i + name_at..i + name_at + len) == Some(name) {
            zip[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "{member} found in both headers");
}

#[test]
fn a_member_declaring_gigabytes_is_refused_before_parsing() {
    let mut bytes = exam_workbook().save_to_buffer().unwrap();
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 0xFFFF_FF00);
    let path = scratch("bomb.xlsx");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&bytes)
        .unwrap();
    let r = read(&path);
    match r.error {
        Some(InputError::Oversized { entry, size, .. }) => {
            assert_eq!(entry, "xl/worksheets/sheet1.xml");
            assert_eq!(size, 0xFFFF_FF00);
        }
        other => panic!("expected Oversized, got {other:?}"),
    }
    let e = InputError::Oversized {
        entry: "x".into(),
        size: 1,
        limit: 0,
    };
    assert!(e.zh().contains("压缩炸弹") && e.en().contains("zip bomb"));
}

#[test]
fn a_member_hiding_its_real_size_is_cut_off_and_reported_corrupt() {
    let mut bytes = exam_workbook().save_to_buffer().unwrap();
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 40);
    let path = scratch("liar.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let r = read(&path);
    assert!(
        matches!(r.error, Some(InputError::Corrupt(_))),
        "{:?}",
        r.error
    );
}

#[test]
fn too_many_members_are_refused() {
    let path = scratch("many.xlsx");
    let bytes = exam_workbook().save_to_buffer().unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let mut ingest = Ingest::new(&catalog, &hasher);
    ingest.limits.max_zip_entries = 3;
    let r = ingest.read_path(&path, "many.xlsx");
    assert!(
        matches!(r.error, Some(InputError::TooManyEntries { limit: 3, .. })),
        "{:?}",
        r.error
    );
}

/// Every fixture cut short at many lengths and with bytes flipped: each read ends in a report
/// (readable or with its reason), never a panic.
#[test]
fn damaged_copies_of_every_fixture_never_panic() {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures", "ingest"]
        .iter()
        .collect();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let ingest = Ingest::new(&catalog, &hasher);
    let mut reads = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_owned();
        if !["xlsx", "xls", "ods", "csv", "tsv"].contains(&ext.as_str()) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for tenth in 1..10 {
            let mut damaged = bytes[..bytes.len() * tenth / 10].to_vec();
            let copy = scratch(&format!("cut{tenth}.{ext}"));
            std::fs::write(&copy, &damaged).unwrap();
            let _ = ingest.read_path(&copy, "cut");
            // Flip a run of bytes in the middle of the full file instead.
            damaged.clone_from(&bytes);
            let at = bytes.len() * tenth / 10;
            for b in damaged.iter_mut().skip(at).take(16) {
                *b ^= 0x5A;
            }
            std::fs::write(&copy, &damaged).unwrap();
            let _ = ingest.read_path(&copy, "flipped");
            reads += 2;
        }
    }
    assert!(reads >= 200, "{reads} damaged reads");
}

/// A workbook whose sheet is one cell of 80 MB of one letter: about 80 KB packed, a thousand
/// times over what any spreadsheet's XML expands. Refused before anything is parsed, with a
/// message naming the member, rather than read into memory.
#[test]
fn a_member_expanding_a_thousandfold_is_refused_as_a_zip_bomb() {
    let path = scratch("bomb.xlsx");
    let source = exam_workbook().save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(source)).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).unwrap();
        let name = member.name().unwrap().into_owned();
        out.start_file(name.as_str(), options).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            out.write_all(b"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>").unwrap();
            let block = vec![b'A'; 1 << 20];
            for _ in 0..80 {
                out.write_all(&block).unwrap();
            }
            out.write_all(b"</t></is></c></row></sheetData></worksheet>")
                .unwrap();
        } else {
            std::io::copy(&mut member, &mut out).unwrap();
        }
    }
    out.finish().unwrap();
    let r = read(&path);
    let Some(InputError::Inflated {
        entry,
        size,
        packed,
    }) = &r.error
    else {
        panic!("{:?}", r.error);
    };
    assert_eq!(entry, "xl/worksheets/sheet1.xml");
    assert!(
        *size > 80 << 20 && *packed < 1 << 20,
        "{size} from {packed}"
    );
    let e = r.error.as_ref().unwrap();
    assert!(e.zh().contains("疑似压缩炸弹") && e.en().contains("zip bomb"));
}
