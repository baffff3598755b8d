//! An upload a restart or a crash cut off stays queued or processing for ever unless someone
//! says otherwise: the scheduler fails those that arrived long enough ago, with a message
//! saying why, and the same file can then be uploaded again.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::uploads::NewUpload;
use auditor_store::users::NewUser;
use chrono::{NaiveDate, TimeDelta};
use sea_orm::EntityTrait;

#[tokio::test]
async fn uploads_cut_off_long_ago_are_failed_and_may_be_uploaded_again() {
    let dir = std::env::temp_dir().join(format!("auditor-stale-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&Store::sqlite_url(&dir)).await.unwrap();
    let user = store
        .add_user(&NewUser {
            email: "h@x",
            password_hash: "x",
            role: Role::Institution,
            region: None,
            institution_uscc: Some("123709214950000011"),
            institution_name: Some("医院"),
        })
        .await
        .unwrap();
    let org = store.institution("123709214950000011", None).await.unwrap();
    let new = NewUpload {
        sha256: "x",
        file_name: "exams.xlsx",
        size: 1,
        mode: "official",
        uploader_id: user.id,
        institution_id: Some(org.id),
        region_code: &org.region_code,
        pack: "national",
        as_of: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    };
    let stuck = store.create_upload(&new).await.unwrap();
    store
        .set_upload_status(stuck.id, "processing")
        .await
        .unwrap();
    // Cut off before it arrived: nothing to fail yet.
    let before = auditor_store::now() - TimeDelta::minutes(30);
    assert_eq!(store.fail_stale_uploads(before).await.unwrap(), 0);
    assert_eq!(
        store.duplicate_upload(&new).await.unwrap().map(|u| u.id),
        Some(stuck.id)
    );
    // Long enough after: failed, with the reason, and no longer a duplicate of a new upload.
    let after = auditor_store::now() + TimeDelta::minutes(1);
    assert_eq!(store.fail_stale_uploads(after).await.unwrap(), 1);
    let failed = auditor_store::entity::upload::Entity::find_by_id(stuck.id)
        .one(&store.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failed.status, "failed");
    assert_eq!(
        failed.error_zh.as_deref(),
        Some("处理被中断（服务器重启或处理超时），请重新上传该文件")
    );
    assert!(failed.finished_at.is_some());
    assert_eq!(store.duplicate_upload(&new).await.unwrap(), None);
    // A finished upload is never touched.
    assert_eq!(store.fail_stale_uploads(after).await.unwrap(), 0);
    std::fs::remove_dir_all(&dir).ok();
}
