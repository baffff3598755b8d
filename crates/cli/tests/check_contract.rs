//! `auditor check` as other tools see it: options, exit codes, JSON schema v1, privacy of output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use common::{auditor, fixture, json_of, located};
use serde_json::Value;

#[test]
fn json_report_follows_schema_v1_and_locates_every_finding() {
    let gbk = fixture("drug_txn_gbk.csv");
    let out = auditor(
        &["check", "--format", "json", "--as-of", "2024-06-30", &gbk],
        Some("k1"),
    );
    // DRUG-SALE-FIELDS (high) fires: this ledger has no 生产企业 column.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json_of(&out);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"]["name"], "auditor");
    assert_eq!(r["as_of"], "2024-06-30");
    assert_eq!(r["pack"]["name"], "national");
    assert_eq!(r["pack"]["version"], "2024.1");
    let input = &r["inputs"][0];
    assert_eq!(input["file"], gbk.as_str());
    assert_eq!(input["encoding"], "GBK");
    assert_eq!(input["error"], Value::Null);
    assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(input["sheets"][0]["dataset"], "drug_txn");
    assert_eq!(input["sheets"][0]["header_row"], 3);
    assert_eq!(input["sheets"][0]["rows"], 5);
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let quality: Vec<_> = located(&r)
        .into_iter()
        .filter(|(rule, _, _)| rule.starts_with("DQ-"))
        .collect();
    assert_eq!(
        quality,
        vec![
            ("DQ-DATE-INVALID".to_owned(), 6, s(&["A6"])),
            ("DQ-USCC-INVALID".to_owned(), 7, s(&["K7"])),
            ("DQ-TRACE-CODE-INVALID".to_owned(), 7, s(&["L7"])),
            ("DQ-DUPLICATE-ROW".to_owned(), 8, s(&["A8"])),
        ]
    );
    let rows: Vec<u64> = located(&r)
        .iter()
        .filter(|(rule, _, _)| rule == "DRUG-SALE-FIELDS")
        .map(|(_, row, _)| *row)
        .collect();
    // The missing 生产企业 column is one sheet-level finding (no row); row 6 also lacks its date.
    assert_eq!(rows, [0, 6]);
    assert_eq!(
        r["notes"][0]["rule"], "DRUG-BUYER-QUALIFIED",
        "no registry among the inputs"
    );
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DQ-DATE-INVALID")
        .unwrap();
    assert_eq!(f["severity"], "low");
    assert_eq!(f["dataset"], "drug_txn");
    assert_eq!(f["file"], gbk.as_str());
    assert_eq!(f["sheet"], Value::Null);
    assert!(f["message"].as_str().unwrap().contains("2024-02-30"), "{f}");
    assert!(
        f["message_en"]
            .as_str()
            .unwrap()
            .contains("not a valid date"),
        "{f}"
    );
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    assert_eq!(
        r["summary"],
        serde_json::json!({"critical": 0, "high": 2, "medium": 1, "low": 3, "total": 6})
    );
}

#[test]
fn exit_code_follows_fail_on() {
    // A registry whose only finding is medium (an invalid credit code); no rule judges it.
    let path = std::env::temp_dir().join(format!("auditor-failon-{}.csv", std::process::id()));
    std::fs::write(
        &path,
        "机构名称,统一社会信用代码,机构类别\nXX县人民医院,91350100M000100Y44,综合医院\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    for (fail_on, code) in [("critical", 0), ("high", 0), ("medium", 1), ("low", 1)] {
        let out = auditor(
            &["check", "--format", "json", "--fail-on", fail_on, file],
            Some("k"),
        );
        assert_eq!(out.status.code(), Some(code), "--fail-on {fail_on}");
    }
}

#[test]
fn unreadable_inputs_exit_2_and_the_others_are_still_reported() {
    let good = fixture("us_exam_title_rows.xlsx");
    let pdf = fixture("pdf_renamed.xlsx");
    let empty = fixture("empty.xlsx");
    let out = auditor(
        &["check", "--format", "json", &good, &pdf, &empty],
        Some("k"),
    );
    assert_eq!(out.status.code(), Some(2));
    let r = json_of(&out);
    assert_eq!(r["inputs"][0]["sheets"][0]["dataset"], "us_exam");
    assert_eq!(r["inputs"][0]["sheets"][0]["rows"], 5);
    let pdf_err = r["inputs"][1]["error"]["message"].as_str().unwrap();
    assert!(
        pdf_err.contains(&pdf) && pdf_err.contains("PDF"),
        "{pdf_err}"
    );
    let pdf_en = r["inputs"][1]["error"]["message_en"].as_str().unwrap();
    assert!(pdf_en.contains("PDF document"), "{pdf_en}");
    assert!(
        r["inputs"][2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("文件为空")
    );
    // The reason reaches the person at the terminal too, in both languages.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("不是电子表格") && err.contains("not a spreadsheet"),
        "{err}"
    );
    // What was received is on record even when it could not be read: a renamed PDF's digest,
    // and the empty file's, the SHA-256 of nothing.
    assert_eq!(r["inputs"][1]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(
        r["inputs"][2]["sha256"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

/// A report over inputs some of which could not be read says so before its counts, so that few
/// findings are not taken for a clean result; with nothing read, there is nothing to sign.
#[test]
fn reports_say_which_inputs_went_unread_and_nothing_read_is_not_signed() {
    let good = fixture("us_exam_title_rows.xlsx");
    let pdf = fixture("pdf_renamed.xlsx");
    let out = auditor(&["check", "--format", "table", &good, &pdf], Some("k"));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("\n！ 1 个输入文件无法读取，未经检查；本报告不包括其内容\n发现 "),
        "{table}"
    );
    assert_eq!(table.matches("\n  SHA-256 ").count(), 2, "{table}");
    let out = auditor(&["check", "--format", "html", &good, &pdf], Some("k"));
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        html.contains(
            "<p class=\"warning\">1 个输入文件无法读取，未经检查；本报告不包括其内容</p>"
        ),
        "{html}"
    );
    assert!(
        html.contains("签字确认"),
        "the ledger that was read is signed for"
    );
    let out = auditor(
        &["check", "--format", "html", "--lang", "en", &pdf],
        Some("k"),
    );
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        html.contains("1 input could not be read and was not checked")
            && html.contains("Nothing was checked: no input could be read."),
        "{html}"
    );
    assert!(!html.contains("Signatures"), "{html}");
}

#[test]
fn every_broken_input_is_named_with_its_reason() {
    let cases = [
        ("truncated.xlsx", "损坏", "damaged"),
        ("encrypted.xlsx", "加密", "encrypted"),
        ("not_a_sheet.xlsx", "压缩包", "archive"),
        ("unrecognised.csv", "识别", "known ledger"),
    ];
    for (name, zh, en) in cases {
        let path = fixture(name);
        let out = auditor(&["check", "--format", "json", &path], Some("k"));
        assert_eq!(out.status.code(), Some(2), "{name}");
        let r = json_of(&out);
        let e = &r["inputs"][0]["error"];
        let (m, m_en) = (
            e["message"].as_str().unwrap(),
            e["message_en"].as_str().unwrap(),
        );
        assert!(m.contains(&path) && m.contains(zh), "{name}: {m}");
        assert!(m_en.contains(&path) && m_en.contains(en), "{name}: {m_en}");
    }
}

#[test]
fn unrecognised_sheet_lists_the_headers_it_saw() {
    let out = auditor(
        &["check", "--format", "json", &fixture("unrecognised.csv")],
        Some("k"),
    );
    let r = json_of(&out);
    let sheet = &r["inputs"][0]["sheets"][0];
    assert_eq!(sheet["dataset"], Value::Null);
    assert_eq!(
        sheet["headers"],
        serde_json::json!(["商品", "颜色", "尺寸"])
    );
}

#[test]
fn raw_id_numbers_never_reach_any_output() {
    let files = [
        fixture("us_exam_title_rows.xlsx"),
        fixture("drug_dispense_placeholders.xlsx"),
    ];
    for format in ["json", "table"] {
        let mut args = vec!["check", "--format", format];
        args.extend(files.iter().map(String::as_str));
        let out = auditor(&args, None);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for raw in [
            "11010519491231002X",
            "110105199003070025",
            "320102198805120042",
            "110105199003070024",
        ] {
            assert!(
                !all.contains(raw),
                "{format} output contains a raw ID number"
            );
        }
        assert!(
            all.contains("1101**********0024"),
            "the invalid number is shown masked"
        );
    }
}

#[test]
fn without_a_key_the_run_says_it_uses_a_random_one() {
    let out = auditor(
        &[
            "check",
            "--format",
            "json",
            &fixture("us_exam_title_rows.xlsx"),
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("AUDITOR_ID_KEY") && err.contains("随机密钥") && err.contains("random key"),
        "{err}"
    );
    let out = auditor(
        &[
            "check",
            "--format",
            "json",
            &fixture("us_exam_title_rows.xlsx"),
        ],
        Some("k"),
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("AUDITOR_ID_KEY"));
}

#[test]
fn fingerprints_do_not_depend_on_the_key() {
    let f = fixture("drug_dispense_placeholders.xlsx");
    let a = json_of(&auditor(
        &["check", "--format", "json", &f],
        Some("key-one"),
    ));
    let b = json_of(&auditor(
        &["check", "--format", "json", &f],
        Some("key-two"),
    ));
    let prints = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!prints(&a).is_empty());
    assert_eq!(prints(&a), prints(&b));
}

#[test]
fn fingerprints_survive_reordered_rows() {
    let dir = std::env::temp_dir().join(format!("auditor-fp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let header = "检查日期,检查号,姓名,身份证号,操作医师,第二人\n";
    let rows = [
        "2024-03-01,E1,张三,11010519491231002X,李娜,王强\n",
        "2024-02-30,E2,李四,110105199003070025,李娜,王强\n",
    ];
    let first = dir.join("a.csv");
    let second = dir.join("b.csv");
    std::fs::write(&first, format!("{header}{}{}", rows[0], rows[1])).unwrap();
    std::fs::write(&second, format!("{header}{}{}", rows[1], rows[0])).unwrap();
    let a = json_of(&auditor(
        &["check", "--format", "json", first.to_str().unwrap()],
        Some("k"),
    ));
    let b = json_of(&auditor(
        &["check", "--format", "json", second.to_str().unwrap()],
        Some("k"),
    ));
    assert_eq!(a["findings"][0]["row"], 3);
    assert_eq!(b["findings"][0]["row"], 2);
    assert_eq!(
        a["findings"][0]["fingerprint"],
        b["findings"][0]["fingerprint"]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn usage_errors_exit_2_with_a_bilingual_message() {
    let f = fixture("us_exam_title_rows.xlsx");
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &["check", "--as-of", "2024/06/30", &f],
            "YYYY-MM-DD",
            "日期",
        ),
        (
            &["check", "--pack", "atlantis", &f],
            "unknown rule pack",
            "未知的规则包",
        ),
        (
            &["check", "--fail-on", "severe", &f],
            "unknown severity",
            "未知的严重程度",
        ),
        (
            &["check", "--dataset", "ledger", &f],
            "unknown dataset",
            "未知的数据集",
        ),
    ];
    for (args, en, zh) in cases {
        let out = auditor(args, Some("k"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(en) && err.contains(zh), "{args:?}: {err}");
    }
    let out = auditor(&["check"], Some("k"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn table_report_in_chinese_and_english() {
    let f = fixture("drug_txn_gbk.csv");
    let zh = auditor(&["check", "--format", "table", &f], Some("k"));
    let zh = String::from_utf8_lossy(&zh.stdout);
    assert!(zh.contains("规则包 national 2024.1"), "{zh}");
    assert!(zh.contains("drug_txn, 表头行 3, 5 条记录"), "{zh}");
    assert!(
        zh.contains("发现 6 项：严重 0 · 高 2 · 中 1 · 低 3"),
        "{zh}"
    );
    assert!(
        zh.contains("A6「日期」的值“2024-02-30”不是有效日期"),
        "{zh}"
    );
    // A finding is its severity, rule and place, then its message on the next line.
    assert!(
        zh.contains(" 行6\n         终止妊娠药品购销记录要素齐全：必填项为空或无效：日期\n"),
        "{zh}"
    );
    assert!(
        zh.contains("表中没有“生产企业”列，全部 5 条记录都缺少该项"),
        "{zh}"
    );
    assert!(
        zh.contains("\n注：DRUG-BUYER-QUALIFIED 需要机构名录"),
        "{zh}"
    );
    // Whom it audited (the title rows' 填报单位), and every rule applied with its count.
    assert!(zh.contains("\n被检查单位 XX医药有限公司\n"), "{zh}");
    assert!(
        zh.contains("适用规则 7 条（括号内为发现数，- 为未能检查）：DRUG-BUYER-QUALIFIED (-), DRUG-NO-RETAIL (0),"),
        "{zh}"
    );
    // Worst first, and no line wider than 120 terminal columns (a Chinese character is two).
    let severities: Vec<&str> = zh
        .lines()
        .filter_map(|l| ["高 ", "中 ", "低 "].into_iter().find(|s| l.starts_with(s)))
        .collect();
    assert_eq!(
        severities,
        ["高 ", "高 ", "中 ", "低 ", "低 ", "低 "],
        "{zh}"
    );
    assert!(zh.lines().all(|l| columns(l) <= 120), "{zh}");
    let en = auditor(
        &["check", "--format", "table", "--lang", "en", &f],
        Some("k"),
    );
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(
        en.contains("6 findings: critical 0 · high 2 · medium 1 · low 3"),
        "{en}"
    );
    assert!(
        en.contains("A6 Date (txn_date) \"2024-02-30\" is not a valid date"),
        "{en}"
    );
    assert!(
        en.contains("\n7 rules applied (findings in brackets, - not judged): "),
        "{en}"
    );
    assert!(en.lines().all(|l| columns(l) <= 120), "{en}");
}

/// The terminal columns a line takes, a Chinese character two.
fn columns(line: &str) -> usize {
    line.chars()
        .map(|c| if u32::from(c) >= 0x1100 { 2 } else { 1 })
        .sum()
}

#[test]
fn output_option_writes_the_report_to_a_file() {
    let path = std::env::temp_dir().join(format!("auditor-out-{}.json", std::process::id()));
    let out = auditor(
        &[
            "check",
            "--format",
            "json",
            "--output",
            path.to_str().unwrap(),
            &fixture("us_exam_title_rows.xlsx"),
        ],
        Some("k"),
    );
    // Row 5's second signature is 无: US-DUAL-SIGN (high) fails the run at the default --fail-on.
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let r: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(r["inputs"][0]["sheets"][0]["header_row"], 3);
    assert_eq!(
        located(&r),
        vec![(
            "US-DUAL-SIGN".to_owned(),
            5,
            vec!["G5".to_owned(), "H5".to_owned()]
        )]
    );
    let f = &r["findings"][0];
    assert_eq!(f["severity"], "high");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("B超检查双人操作、双人签字："),
        "{f}"
    );
    assert!(f["citation"].as_str().unwrap().contains("三(三)2"), "{f}");
    std::fs::remove_file(&path).ok();
}

#[test]
fn a_file_that_makes_the_parser_panic_is_reported_as_damaged_without_a_trace() {
    // The first 80 % of this .xls makes calamine's compound-file reader slice past its end.
    let whole = std::fs::read(fixture("us_device.xls")).unwrap();
    let path = std::env::temp_dir().join(format!("auditor-cut-{}.xls", std::process::id()));
    std::fs::write(&path, &whole[..whole.len() * 8 / 10]).unwrap();
    let out = auditor(
        &["check", "--format", "json", path.to_str().unwrap()],
        Some("k"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("已损坏") && err.contains("damaged"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("internal error") && !err.contains("backtrace"),
        "{err}"
    );
    let r = json_of(&out);
    assert!(
        r["inputs"][0]["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("damaged")
    );
    std::fs::remove_file(&path).ok();
}

#[test]
fn timings_name_each_phase_on_stderr_and_leave_the_report_alone() {
    let file = fixture("us_exam_title_rows.xlsx");
    let plain = auditor(&["check", "--format", "json", &file], Some("k"));
    let timed = auditor(
        &["check", "--format", "json", "--timings", &file],
        Some("k"),
    );
    assert_eq!(timed.status.code(), plain.status.code());
    assert_eq!(json_of(&timed), json_of(&plain));
    let stderr = String::from_utf8(timed.stderr).unwrap();
    let phases: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("用时 / timings"))
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        phases,
        ["start-up", "read", "rules", "render", "write", "total"],
        "{stderr}"
    );
    assert!(!String::from_utf8(plain.stderr).unwrap().contains("timings"));
}

/// A row entered twice gives its finding twice; each is its own case, with its own fingerprint,
/// and a second run gives the same two.
#[test]
fn a_row_entered_twice_gives_two_fingerprints() {
    let dir = std::env::temp_dir().join(format!("auditor-twice-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("exams.csv");
    std::fs::write(
        &path,
        "检查日期,姓名,身份证号,孕周,操作医师,复核医师,结论\n\
         2026-03-05,张丽,370921199102111023,16周,王强,,宫内妊娠\n\
         2026-03-05,张丽,370921199102111023,16周,王强,,宫内妊娠\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let prints = || -> Vec<(u64, String)> {
        let r = json_of(&auditor(
            &["check", "--format", "json", "--as-of", "2026-11-30", file],
            Some("k"),
        ));
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "US-DUAL-SIGN")
            .map(|f| {
                (
                    f["row"].as_u64().unwrap(),
                    f["fingerprint"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let (first, again) = (prints(), prints());
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        first.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        [2, 3],
        "{first:?}"
    );
    assert_ne!(first[0].1, first[1].1);
    assert_eq!(again, first);
}
