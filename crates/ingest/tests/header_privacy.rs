//! A data row taken for a header must not show the person it records: the header lists a
//! sheet report keeps (and every report prints and the server stores) are masked.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use auditor_ingest::{Catalog, IdHasher, Ingest, InputError, InputReport};

fn read(name: &str, csv: &str) -> InputReport {
    let dir = std::env::temp_dir().join(format!("auditor-header-privacy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, csv).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, name);
    std::fs::remove_file(&path).ok();
    r
}

#[test]
fn a_headerless_export_lists_its_first_record_masked() {
    let r = read(
        "headerless.csv",
        "2026-03-05,张丽,370921199102111023,16周,王强,欧阳娜娜,13812345678\n\
         2026-03-05,刘芳,370921199203121044,16周,王强,,13912345678\n",
    );
    assert_eq!(r.error, Some(InputError::NoRecognisedSheet));
    assert_eq!(
        r.sheets[0].headers,
        [
            "2026-03-05",
            "张*",
            "3709**********1023",
            "16周",
            "王*",
            "欧***",
            "138******78"
        ]
    );
}

#[test]
fn an_id_typed_into_a_header_row_is_masked_among_the_unread_columns() {
    let r = read(
        "header-with-id.csv",
        "检查日期,姓名,身份证号,孕周,操作医师,复核医师,370921199901191189\n\
         2026-03-05,张丽,370921199102111023,16周,王强,李娜,宫内妊娠\n",
    );
    assert_eq!(r.error, None);
    assert_eq!(r.sheets[0].unmapped, ["3709**********1189"]);
}
