//! Records are stored in runs of consecutive rows; any row can be read back as it was stored.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::uploads::{NewUpload, RUN, SheetResult};
use auditor_store::users::NewUser;
use chrono::NaiveDate;

#[tokio::test]
async fn every_row_of_a_long_sheet_reads_back() {
    let dir = std::env::temp_dir().join(format!("auditor-records-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&Store::sqlite_url(&dir)).await.unwrap();
    let user = store
        .add_user(&NewUser {
            email: "a@x",
            password_hash: "x",
            role: Role::Admin,
            region: None,
            institution_uscc: None,
            institution_name: None,
        })
        .await
        .unwrap();
    let up = store
        .create_upload(&NewUpload {
            sha256: "x",
            file_name: "x.csv",
            size: 1,
            mode: "official",
            uploader_id: user.id,
            institution_id: None,
            region_code: "",
            pack: "national",
            as_of: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
        })
        .await
        .unwrap();
    // Rows 2, 4, 6 …: ledgers skip rows (title rows, blank lines), so runs are not dense.
    let n = 2 * RUN as i32 + 7;
    let records: Vec<(i32, String)> = (1..=n)
        .map(|i| (2 * i, format!(r#"{{"exam_no":"E{i}"}}"#)))
        .collect();
    let sheet = SheetResult {
        name: "s".into(),
        dataset: Some("us_exam".into()),
        header_row: Some(1),
        institution: String::new(),
        records,
    };
    store
        .store_results(
            &up,
            vec![sheet],
            Vec::new(),
            &std::collections::HashSet::new(),
        )
        .await
        .unwrap();
    let sheet_id = store.sheets_of(up.id).await.unwrap()[0].id;
    let wanted = [2, 2 * RUN as i32, 2 * RUN as i32 + 2, 2 * n, 3];
    let got = store.records_of(sheet_id, &wanted).await.unwrap();
    assert_eq!(got.len(), 4, "row 3 does not exist");
    assert_eq!(got[&2], r#"{"exam_no":"E1"}"#);
    assert_eq!(got[&(2 * RUN as i32)], format!(r#"{{"exam_no":"E{RUN}"}}"#));
    assert_eq!(
        got[&(2 * RUN as i32 + 2)],
        format!(r#"{{"exam_no":"E{}"}}"#, RUN + 1)
    );
    assert_eq!(got[&(2 * n)], format!(r#"{{"exam_no":"E{n}"}}"#));
    std::fs::remove_dir_all(&dir).ok();
}
