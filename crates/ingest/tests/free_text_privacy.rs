//! No column keeps a raw ID number or phone, even one typed into free text: a report's
//! conclusion or a remark is stored with such numbers masked, and codes are kept as written.
//! The record's own name, repeated in its free text, is masked there as in its name column.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod reading;

#[test]
fn numbers_typed_into_a_conclusion_are_stored_masked() {
    let csv = "检查时间,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人,结论\n\
        2024-03-01 08:30,13020240001,王芳,320102199203150249,20周,产科B超,张伟,李娜,\
        王芳（身份证320102199203150249）宫内单活胎 电话13812345678\n\
        2024-03-01 09:10,13020240002,李静,11010519491231002X,18周,产科B超,张伟,李娜,宫内单活胎\n";
    let r = reading::read_bytes("conclusion.csv", csv.as_bytes());
    assert_eq!(r.error, None);
    let t = &r.tables[0];
    assert_eq!(
        t.display("findings", 0),
        "王*（身份证3201**********0249）宫内单活胎 电话138******78"
    );
    assert_eq!(t.display("findings", 1), "宫内单活胎");
    // An exam number that looks like a mobile number is a code: kept as written.
    assert_eq!(t.display("exam_no", 0), "13020240001");
    for i in 0..t.len() {
        for field in &t.fields {
            let shown = t.display(field, i);
            assert!(
                !shown.contains("320102199203150249")
                    && !shown.contains("13812345678")
                    && !shown.contains("王芳"),
                "{field} of record {i}: {shown}"
            );
        }
    }
}

/// A shifted row puts an ID number in the date column, a phone in 孕周 and a name in
/// 身份证查验: the findings saying those values are invalid quote them masked.
#[test]
fn a_shifted_rows_personal_data_is_quoted_masked_in_findings() {
    let csv = "检查时间,姓名,身份证号,孕周,身份证查验,操作医师,第二人\n\
        370983199104229067,王芳,320102199203150249,13800005678,阮秋菊,张伟,李娜\n";
    let r = reading::read_bytes("shifted.csv", csv.as_bytes());
    let messages: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "A2「检查时间」的值“3709**********9067”不是有效日期",
            "D2「孕周」的值“138******78”不是有效孕周：超出 1 天至 45 周的可能范围",
            "E2「身份证查验」的值“阮**”应为“是/否”",
        ]
    );
    for f in &r.findings {
        for raw in ["370983199104229067", "13800005678", "阮秋菊"] {
            assert!(!f.message_en.contains(raw), "{}", f.message_en);
        }
    }
}

/// A staff column holds a name or a staff number, which rules match against the registry and
/// keep as written; a phone or an ID number typed there is a person's, and is stored masked.
#[test]
fn a_phone_typed_into_a_staff_column_is_stored_masked() {
    let csv = "检查时间,姓名,身份证号,孕周,操作医师,第二人\n\
        2026-03-05,王芳,320102199203150249,16周,张伟,13583837007\n\
        2026-03-05,李静,11010519491231002X,16周,张伟,320102199203150249\n";
    let r = reading::read_bytes("staff.csv", csv.as_bytes());
    let t = &r.tables[0];
    assert_eq!(t.display("op1_id", 0), "张伟");
    assert_eq!(t.display("op2_id", 0), "135******07");
    assert_eq!(t.display("op2_id", 1), "3201**********0249");
}
