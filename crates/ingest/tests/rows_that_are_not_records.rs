//! Rows under a header that are not records, and tables a sheet holds besides the one read:
//! numbered 填表说明 lines, a dated sign-off whose labels land in the staff columns, unused
//! printed-form lines (a 序号 and empty boxes), a second table beside or above the register.
//! Also the date spellings clerks add a weekday or a two-digit year to.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod reading;

use auditor_model::Dataset;
use reading::{findings, values};

const EXAM_HEADER: &str = "序号,检查日期,姓名,孕周,操作医师,复核医师,身份证查验\n";

#[test]
fn numbered_notes_under_the_table_are_not_exams() {
    // Item 30: the number in the 序号 column, the sentence in the date column.
    let r = read(
        "notes.csv",
        &format!(
            "{EXAM_HEADER}\
             1,2026-03-05,张丽,16周,王强,李娜,是\n\
             2,2026-03-06,李红,18周,王强,李娜,是\n\
             ,,,,,,\n\
             填表说明：,,,,,,\n\
             1,本表由超声科登记员每日填写，每月5日前报县卫健局。,,,,,\n\
             2,“孕周”按末次月经推算；不详的写“不详”。,,,,,\n\
             3,严禁进行非医学需要的胎儿性别鉴定。,,,,,\n"
        ),
    );
    assert_eq!(r.tables[0].rows, [2, 3]);
    assert_eq!(findings(&r), []);
}

#[test]
fn a_dated_sign_off_in_the_staff_columns_is_a_footer() {
    // Item 12: the fill-in date under 检查日期, the two sign-offs under the staff columns.
    let r = read(
        "footer.csv",
        &format!(
            "{EXAM_HEADER}\
             1,2026-03-05,张丽,16周,王强,李娜,是\n\
             ,2026-04-02,,,填表人：王强,审核人：李娜,\n"
        ),
    );
    assert_eq!(r.tables[0].rows, [2]);
    assert_eq!(findings(&r), []);
}

#[test]
fn one_sign_off_beside_a_date_is_still_a_record() {
    // A sign-off alone beside a date may be the record's own cell: the row stays a record.
    let r = read(
        "one_sign_off.csv",
        &format!(
            "{EXAM_HEADER}\
             1,2026-03-05,张丽,16周,王强,李娜,是\n\
             ,2026-04-02,,,审核人：李娜,,\n"
        ),
    );
    assert_eq!(r.tables[0].rows, [2, 3]);
}

#[test]
fn unused_printed_form_lines_are_not_exams_and_ticked_boxes_are_answers() {
    // Item 11: rows holding only the 序号 and the printed 是/否 boxes are unused lines; in a
    // filled row the ticked box is the answer.
    let r = read(
        "form.csv",
        &format!(
            "{EXAM_HEADER}\
             1,2026-03-05,张丽,16周,王强,李娜,☑是 □否\n\
             2,2026-03-06,李红,18周,王强,李娜,□是 ☑否\n\
             3,2026-03-07,刘芳,20周,王强,李娜,否 √\n\
             4,,,,,,□是 □否\n\
             5,,,,,,□是 □否\n"
        ),
    );
    assert_eq!(r.tables[0].rows, [2, 3, 4]);
    assert_eq!(values(&r, "id_checked"), ["是", "否", "否"]);
    assert_eq!(findings(&r), []);
}

#[test]
fn a_second_copy_of_the_header_beside_the_first_is_named_as_unchecked() {
    // Item 20: two register halves side by side; the right half is not read as duplicate
    // columns (nor its 检查日期 as a time), and the note says it was not checked.
    let r = read(
        "halves.csv",
        "检查日期,姓名,孕周,操作医师,复核医师,,检查日期,姓名,孕周,操作医师,复核医师\n\
         2026-03-05,张丽,16周,王强,李娜,,2026-03-06,李红,18周,王强,\n",
    );
    assert_eq!(r.sheets[0].dataset, Some(Dataset::UsExam));
    assert_eq!(values(&r, "exam_ts"), ["2026-03-05 00:00:00"]);
    assert_eq!(findings(&r), []);
    assert_eq!(
        r.sheets[0]
            .notes
            .iter()
            .map(|(zh, _)| zh.as_str())
            .collect::<Vec<_>>(),
        [
            "第 1 行表头在 G–K 列又出现了一次：这是与 A–E 列并排的第二张表，只检查了 A–E 列，G–K 列的记录未检查，请把它移到单独的工作表再检查"
        ]
    );
}

#[test]
fn a_ledger_stacked_above_the_register_is_named_as_unchecked() {
    // Item 10: a device list above the exam register on the same sheet.
    let r = read(
        "stacked.csv",
        "一、超声设备备案情况,,,,\n\
         设备名称,型号,购置日期,备案日期,使用场所\n\
         B超机,DC-30,2026-01-10,2026-03-20,超声科\n\
         ,,,,\n\
         二、B超检查登记,,,,\n\
         检查日期,姓名,孕周,超声提示,操作医师,复核医师,身份证查验\n\
         2026-03-05,张丽,16周,宫内妊娠,王强,李娜,是\n",
    );
    assert_eq!(r.sheets[0].dataset, Some(Dataset::UsExam));
    assert_eq!(r.sheets[0].header_row, Some(6));
    assert_eq!(r.tables[0].rows, [7]);
    assert_eq!(
        r.sheets[0]
            .notes
            .iter()
            .map(|(zh, _)| zh.as_str())
            .collect::<Vec<_>>(),
        [
            "第 2 行起还有一张“超声设备备案登记”表（第 3–3 行），与本表在同一工作表中，未检查；请把它移到单独的工作表再检查"
        ]
    );
}

#[test]
fn dates_with_a_weekday_a_two_digit_year_or_a_system_timestamp() {
    // Items 8 and 22.
    let r = read(
        "dates.csv",
        "检查日期,姓名,操作医师,复核医师\n\
         2026年3月5日(星期四),张丽,王强,李娜\n\
         2026-03-05 周四,张丽,王强,李娜\n\
         2026/3/5 9:30 AM,张丽,王强,李娜\n\
         2026/3/5 2:30 PM,张丽,王强,李娜\n\
         2026-03-05 09:30:00+08:00,张丽,王强,李娜\n\
         20260305093000,张丽,王强,李娜\n\
         26-3-5,张丽,王强,李娜\n",
    );
    assert_eq!(
        values(&r, "exam_ts"),
        [
            "2026-03-05 00:00:00",
            "2026-03-05 00:00:00",
            "2026-03-05 09:30:00",
            "2026-03-05 14:30:00",
            "2026-03-05 09:30:00",
            "2026-03-05 09:30:00",
            "2026-03-05 00:00:00",
        ]
    );
    let dq: Vec<_> = findings(&r)
        .into_iter()
        .filter(|(rule, _, _)| rule.starts_with("DQ-DATE") || rule.starts_with("DQ-TIME"))
        .collect();
    assert_eq!(dq, []);
}

fn read(name: &str, csv: &str) -> auditor_ingest::InputReport {
    reading::read_bytes(name, csv.as_bytes())
}
