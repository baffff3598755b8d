//! Header generality: the same ledger written the way different clerks write it — 号/号码/编号,
//! 签名/签字 suffixes, full-width brackets with units, spaces and line breaks inside a header,
//! English headers — is recognised as the same dataset with the same fields.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use auditor_ingest::{Catalog, IdHasher, Ingest};
use auditor_model::Dataset;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes a CSV with one title line, the header, and one data row of placeholders.
fn detect(headers: &[&str]) -> (Option<Dataset>, Vec<String>) {
    // Tests run in parallel: each sheet gets a file of its own.
    static SHEETS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("auditor-headers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.csv", SHEETS.fetch_add(1, Ordering::Relaxed)));
    let quoted: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
    let data = vec!["x"; headers.len()].join(",");
    std::fs::write(
        &path,
        format!("某某单位台账\n{}\n{data}\n", quoted.join(",")),
    )
    .unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "h.csv");
    std::fs::remove_file(&path).ok();
    let Some(table) = r.tables.first() else {
        return (None, Vec::new());
    };
    let mapped = table
        .fields
        .iter()
        .zip(&table.columns)
        .filter(|(_, c)| c.is_some())
        .map(|(f, _)| f.clone())
        .collect();
    (Some(table.dataset), mapped)
}

fn check(dataset: Dataset, headers: &[&str], must_map: &[&str]) {
    let (found, mapped) = detect(headers);
    assert_eq!(found, Some(dataset), "headers {headers:?}");
    for f in must_map {
        assert!(
            mapped.iter().any(|m| m == f),
            "{headers:?}: {f} not mapped; mapped {mapped:?}"
        );
    }
}

#[test]
fn drug_txn_headers() {
    let fields = [
        "txn_date",
        "txn_type",
        "generic_name",
        "batch_no",
        "qty",
        "buyer_name",
        "buyer_uscc",
    ];
    check(
        Dataset::DrugTxn,
        &[
            "日期",
            "类型",
            "通用名称",
            "规格",
            "批准文号",
            "批号",
            "有效期至",
            "数量",
            "购货单位",
            "购货单位统一社会信用代码",
        ],
        &fields,
    );
    check(
        Dataset::DrugTxn,
        &[
            "销售日期",
            "业务类型",
            "药品通用名",
            "规格",
            "批准文号",
            "生产批号",
            "有效期",
            "数量（盒）",
            "购货单位名称",
            "购货单位信用代码",
        ],
        &fields,
    );
    check(
        Dataset::DrugTxn,
        &[
            "Date",
            "Type",
            "Generic Name",
            "Strength",
            "Approval No.",
            "Batch No",
            "Expiry",
            "Quantity",
            "Buyer",
            "Buyer USCC",
        ],
        &fields,
    );
    check(
        Dataset::DrugTxn,
        &[
            "日 期",
            "类\n型",
            "通用\n名称",
            "批 号",
            "数量(支)",
            "购货单位",
            "统一社会信用代码（购货单位）",
        ],
        &[
            "txn_date",
            "txn_type",
            "generic_name",
            "batch_no",
            "qty",
            "buyer_name",
        ],
    );
}

#[test]
fn drug_dispense_headers() {
    let fields = [
        "rx_no",
        "patient_id",
        "product",
        "prescriber_id",
        "dispense_date",
    ];
    check(
        Dataset::DrugDispense,
        &[
            "处方号",
            "开具日期",
            "姓名",
            "身份证号",
            "药品",
            "批号",
            "剂量",
            "处方医师",
            "发药日期",
        ],
        &fields,
    );
    check(
        Dataset::DrugDispense,
        &[
            "处方编号",
            "处方日期",
            "患者姓名",
            "身份证号码",
            "药品名称",
            "批号",
            "剂量(mg)",
            "处方医师（签名）",
            "发药日期",
        ],
        &fields,
    );
    check(
        Dataset::DrugDispense,
        &[
            "处方号码",
            "开方日期",
            "姓名",
            "身份证",
            "药品名称",
            "批号",
            "处方医生签字",
            "调配日期",
        ],
        &["rx_no", "patient_id", "product", "prescriber_id"],
    );
}

#[test]
fn us_exam_headers() {
    let fields = ["exam_ts", "id_no", "ga_weeks", "op1_id", "op2_id"];
    check(
        Dataset::UsExam,
        &["检查时间", "姓名", "身份证号", "孕周", "操作医师", "第二人"],
        &fields,
    );
    check(
        Dataset::UsExam,
        &[
            "检查日期",
            "受检者姓名",
            "身份证号码",
            "孕周",
            "操作医师（签名）",
            "第二人签名",
        ],
        &fields,
    );
    check(
        Dataset::UsExam,
        &[
            "检查日期",
            "姓 名",
            "身份证\n号码",
            "孕 周",
            "操作医师签字",
            "复核医师签字",
        ],
        &fields,
    );
    check(
        Dataset::UsExam,
        &[
            "Exam date",
            "Name",
            "ID number",
            "Gestational weeks",
            "Operator",
            "Second operator",
        ],
        &fields,
    );
}

#[test]
fn us_device_headers() {
    let fields = [
        "device_name",
        "purchase_date",
        "filed_date",
        "location",
        "operators",
    ];
    check(
        Dataset::UsDevice,
        &[
            "设备名称",
            "型号",
            "出厂编号",
            "购置日期",
            "备案日期",
            "使用场所",
            "操作人员",
        ],
        &fields,
    );
    check(
        Dataset::UsDevice,
        &[
            "设备名称",
            "规格型号",
            "出厂号",
            "购买日期",
            "备案时间",
            "使用地点",
            "操作人员名单",
        ],
        &fields,
    );
}

#[test]
fn termination_headers() {
    let fields = ["proc_date", "id_no", "ga_weeks", "method", "surgeon_id"];
    check(
        Dataset::Termination,
        &[
            "手术日期",
            "病历号",
            "姓名",
            "身份证号",
            "孕周",
            "术式",
            "证明类型",
            "证明编号",
            "施术者",
        ],
        &fields,
    );
    check(
        Dataset::Termination,
        &[
            "手术日期",
            "住院号",
            "姓名",
            "身份证号码",
            "孕周",
            "手术方式",
            "证明编码",
            "手术医师（签名）",
        ],
        &fields,
    );
}

#[test]
fn registry_headers() {
    check(
        Dataset::Institution,
        &[
            "机构名称",
            "统一社会信用代码",
            "执业许可证登记号",
            "诊疗科目",
            "有效期至",
        ],
        &["name", "uscc", "scopes", "valid_to"],
    );
    check(
        Dataset::Staff,
        &[
            "姓名",
            "身份证号",
            "医师执业证书编码",
            "执业类别",
            "执业范围",
            "执业地点",
        ],
        &["name", "practice_cert_no", "scope"],
    );
}

#[test]
fn a_repeated_header_belongs_to_the_group_on_its_left() {
    // The second 有效期至 follows the 母婴保健 licence columns: it is that licence's expiry.
    check(
        Dataset::Institution,
        &[
            "机构名称",
            "统一社会信用代码",
            "诊疗科目",
            "有效期至",
            "母婴保健技术服务执业许可证号",
            "许可项目",
            "有效期至",
        ],
        &["valid_to", "mch_licence_no", "mch_items", "mch_valid_to"],
    );
}

#[test]
fn births_and_pregnancies() {
    check(
        Dataset::Birth,
        &[
            "出生日期",
            "母亲姓名",
            "母亲身份证号",
            "新生儿性别",
            "出生医学证明编号",
            "分娩机构",
        ],
        &["birth_date", "sex", "birth_cert_no"],
    );
    check(
        Dataset::Pregnancy,
        &[
            "建册日期",
            "姓名",
            "身份证号",
            "末次月经",
            "登记孕周",
            "妊娠结局",
            "结局日期",
        ],
        &["reg_date", "lmp", "outcome_type"],
    );
}

/// Each header maps to exactly the fields listed, no more: an alias added for one field must
/// not take another field's column.
fn check_exact(dataset: Dataset, headers: &[&str], fields: &[&str]) {
    let (found, mapped) = detect(headers);
    assert_eq!(found, Some(dataset), "headers {headers:?}");
    assert_eq!(mapped, fields, "headers {headers:?}");
}

#[test]
fn us_exam_conclusions_as_clerks_head_them() {
    for conclusion in [
        "诊断意见",
        "超声意见",
        "检查意见",
        "超声结论",
        "诊断结论",
        "报告结论",
        "B超结果",
        "B超诊断",
        "彩超提示",
        "超声报告",
        "报告内容",
        "超声检查结果",
        "检查结果",
    ] {
        check_exact(
            Dataset::UsExam,
            &["检查日期", "姓名", "检查项目", conclusion],
            &["exam_ts", "name", "exam_item", "findings"],
        );
    }
    // 超声所见 is what was seen, kept apart from the conclusion drawn.
    check_exact(
        Dataset::UsExam,
        &["检查日期", "姓名", "超声所见", "超声结论"],
        &["exam_ts", "name", "findings", "description"],
    );
    // The report's number is still the number.
    check_exact(
        Dataset::UsExam,
        &["检查日期", "姓名", "超声报告单号", "超声报告"],
        &["exam_ts", "exam_no", "name", "findings"],
    );
}

#[test]
fn drug_txn_dates_and_quantities_by_their_movement() {
    for date in ["销售日期", "出库日期", "购进日期"] {
        check_exact(
            Dataset::DrugTxn,
            &[date, "通用名称", "批号", "入库数量", "出库数量"],
            &["txn_date", "generic_name", "batch_no", "qty_in", "qty_out"],
        );
    }
}

/// The column a `us_exam` header alone maps to, beside the columns every register has.
fn us_exam_field_of(header: &str) -> Vec<String> {
    let base = ["检查时间", "姓名", "身份证号", "孕周"];
    let mut headers = base.to_vec();
    headers.push(header);
    let (found, mapped) = detect(&headers);
    assert_eq!(found, Some(Dataset::UsExam), "{header}");
    mapped
        .into_iter()
        .filter(|f| !["exam_ts", "name", "id_no", "ga_weeks"].contains(&f.as_str()))
        .collect()
}

#[test]
fn a_header_that_is_only_a_signature_word_is_the_signatures_column() {
    for header in [
        "签名",
        "签字",
        "双签",
        "双人签字",
        "双人签名",
        "医师签名",
        "签名（双人）",
    ] {
        assert_eq!(us_exam_field_of(header), ["signatures"], "{header}");
    }
    // A signature word after whom signs is still dropped.
    assert_eq!(us_exam_field_of("操作医师签名"), ["op1_id"]);
    assert_eq!(us_exam_field_of("第二人签名"), ["op2_id"]);
    assert_eq!(us_exam_field_of("操作医师（签名）"), ["op1_id"]);
    assert_eq!(us_exam_field_of("复核医师签字"), ["op2_id"]);
}

#[test]
fn second_signer_headers_are_op2_id() {
    for header in [
        "复核者",
        "记录医师",
        "复核签名",
        "二签",
        "复核人",
        "复核医师",
        "第二签名",
        "第二签字人",
        "复核签字",
        "复核员",
        "记录医生",
        "第二签字",
    ] {
        assert_eq!(us_exam_field_of(header), ["op2_id"], "{header}");
    }
    // Beside a first operator's column, as registers have them.
    check_exact(
        Dataset::UsExam,
        &[
            "检查日期",
            "姓名",
            "身份证号",
            "孕周",
            "检查医师",
            "二签",
            "是否查验身份证",
        ],
        &[
            "exam_ts",
            "name",
            "id_no",
            "ga_weeks",
            "op1_id",
            "op2_id",
            "id_checked",
        ],
    );
    check_exact(
        Dataset::UsExam,
        &["检查日期", "姓名", "身份证号", "孕周", "操作者", "复核者"],
        &["exam_ts", "name", "id_no", "ga_weeks", "op1_id", "op2_id"],
    );
}

#[test]
fn doctor_headers_by_role_whatever_the_doctor_word() {
    // 医生 is 医师; an imaging word before it (B超, 彩超) leaves the operator.
    for first in ["B超医生", "彩超医生", "彩超医师", "B超医师"] {
        assert_eq!(us_exam_field_of(first), ["op1_id"], "{first}");
    }
    for second in ["报告医生", "审核医生", "诊断医生", "复核医生"] {
        assert_eq!(us_exam_field_of(second), ["op2_id"], "{second}");
    }
    for surgeon in ["主刀医生", "施术医生", "手术医生"] {
        check_exact(
            Dataset::Termination,
            &["手术日期", "姓名", "术式", surgeon],
            &["proc_date", "name", "method", "surgeon_id"],
        );
    }
}

#[test]
fn the_subjects_name_under_whatever_the_register_calls_her() {
    for header in ["孕妇姓名", "就诊者姓名", "受检者姓名", "产妇姓名"] {
        check_exact(
            Dataset::UsExam,
            &["检查日期", header, "身份证号", "超声提示"],
            &["exam_ts", "name", "id_no", "findings"],
        );
    }
    // Whose name it is, when the stem names someone: the examiner's, not the woman's.
    assert_eq!(us_exam_field_of("检查者姓名"), ["op1_id"]);
    // A relative's or a staff member's name is never the subject's.
    assert_eq!(us_exam_field_of("丈夫姓名"), Vec::<String>::new());
}

#[test]
fn purchase_dates_as_device_registers_head_them() {
    for header in ["购买时间", "购置时间", "到货日期", "发票日期", "购买日期"] {
        check_exact(
            Dataset::UsDevice,
            &["设备名称", "出厂编号", header, "备案时间"],
            &["device_name", "serial_no", "purchase_date", "filed_date"],
        );
    }
    // 启用日期 and 安装日期 are later than the purchase: the purchase date only when no
    // column names the purchase itself.
    for header in ["启用日期", "安装日期", "安装时间"] {
        check_exact(
            Dataset::UsDevice,
            &["设备名称", "出厂编号", header, "备案日期"],
            &["device_name", "serial_no", "purchase_date", "filed_date"],
        );
    }
    let (_, mapped) = detect(&["设备名称", "启用日期", "出厂编号", "购置日期", "备案日期"]);
    assert_eq!(
        mapped,
        ["device_name", "serial_no", "purchase_date", "filed_date"]
    );
}

#[test]
fn an_attribute_of_a_party_is_not_the_party() {
    check_exact(
        Dataset::DrugTxn,
        &[
            "日期",
            "通用名称",
            "批号",
            "数量",
            "购货单位地址",
            "供货方资质",
        ],
        &["txn_date", "generic_name", "batch_no", "qty"],
    );
    check_exact(
        Dataset::DrugTxn,
        &[
            "日期",
            "通用名称",
            "批号",
            "数量",
            "购货单位名称",
            "购货单位地址",
        ],
        &["txn_date", "generic_name", "batch_no", "qty", "buyer_name"],
    );
}

#[test]
fn a_bare_credit_code_is_the_counterpartys() {
    // A sales ledger: the buyer's code.
    check_exact(
        Dataset::DrugTxn,
        &[
            "销售日期",
            "通用名称",
            "批号",
            "数量",
            "购货单位名称",
            "统一社会信用代码",
        ],
        &[
            "txn_date",
            "generic_name",
            "batch_no",
            "qty",
            "buyer_name",
            "buyer_uscc",
        ],
    );
    // A purchase ledger: the supplier's.
    check_exact(
        Dataset::DrugTxn,
        &[
            "购进日期",
            "通用名称",
            "批号",
            "数量",
            "供货单位",
            "信用代码",
        ],
        &[
            "txn_date",
            "generic_name",
            "batch_no",
            "qty",
            "supplier_name",
            "supplier_uscc",
        ],
    );
    // Both parties named: the code belongs to the party on its left.
    check_exact(
        Dataset::DrugTxn,
        &[
            "日期",
            "通用名称",
            "供货单位",
            "统一社会信用代码",
            "购货单位",
            "数量",
        ],
        &[
            "txn_date",
            "generic_name",
            "qty",
            "supplier_name",
            "supplier_uscc",
            "buyer_name",
        ],
    );
    // The buyer's code has its own column: the bare one is not taken for it.
    check_exact(
        Dataset::DrugTxn,
        &[
            "日期",
            "通用名称",
            "购货单位",
            "购货单位信用代码",
            "统一社会信用代码",
        ],
        &["txn_date", "generic_name", "buyer_name", "buyer_uscc"],
    );
}

#[test]
fn a_retail_sales_book_is_a_sales_ledger_and_a_dispensing_register_stays_one() {
    // The tester's pharmacy book: 销售日期 is the sales ledger's date. The dispensing register
    // would take more columns (顾客姓名 as the patient, 身份证号, 处方医师) but has no date.
    // A customer's own name is no buyer organisation: it stays unread rather than be quoted
    // unmasked in buyer findings.
    check_exact(
        Dataset::DrugTxn,
        &[
            "销售日期",
            "药品名称",
            "规格",
            "批号",
            "数量",
            "顾客姓名",
            "身份证号",
            "处方医院",
            "处方医师",
            "销售人员",
        ],
        &[
            "txn_date",
            "generic_name",
            "strength",
            "batch_no",
            "qty",
            "handler",
        ],
    );
    check_exact(
        Dataset::DrugTxn,
        &["销售日期", "顾客姓名", "药品名称", "数量", "单价", "金额"],
        &["txn_date", "generic_name", "qty", "unit_price", "amount"],
    );
    check_exact(
        Dataset::DrugDispense,
        &["发药日期", "处方号", "患者", "开方医生", "药品名称", "数量"],
        &[
            "dispense_date",
            "rx_no",
            "patient_name",
            "product",
            "qty",
            "prescriber_id",
        ],
    );
    check_exact(
        Dataset::DrugDispense,
        &[
            "日期",
            "处方号",
            "顾客姓名",
            "处方时间",
            "药品名称",
            "调剂人",
        ],
        &[
            "dispense_date",
            "rx_date",
            "rx_no",
            "patient_name",
            "product",
            "pharmacist_id",
        ],
    );
}

#[test]
fn other_synonyms_the_tester_met() {
    check_exact(
        Dataset::Termination,
        &[
            "手术日期",
            "姓名",
            "14周以上证明",
            "出具证明单位",
            "是否核验",
        ],
        &[
            "proc_date",
            "name",
            "cert_type",
            "cert_issuer",
            "id_checked",
        ],
    );
    check_exact(
        Dataset::DrugTxn,
        &[
            "日期",
            "品名规格",
            "批号",
            "数量",
            "购进价",
            "销售对象",
            "复核人",
            "收货人",
        ],
        &[
            "txn_date",
            "generic_name",
            "batch_no",
            "qty",
            "unit_price",
            "buyer_name",
            "handler",
            "approver",
        ],
    );
    check_exact(
        Dataset::Pregnancy,
        &["早孕建册日期", "姓名", "末次月经", "分娩医院"],
        &["reg_date", "name", "lmp", "outcome_inst"],
    );
}

#[test]
fn a_register_whose_date_is_not_recognised_stays_that_register() {
    // No exam_ts alias names 超声登录日, so us_exam lacks its required date, while a birth
    // register finds all of its own (出生日期 — the woman's — and 性别) among five columns.
    // Nine us_exam columns still outweigh them: the register stays us_exam, its date missing.
    let (found, _) = detect(&[
        "超声登录日",
        "出生日期",
        "姓名",
        "身份证号",
        "性别",
        "孕周",
        "检查项目",
        "操作医师",
        "复核医师",
        "超声提示",
        "超声所见",
    ]);
    assert_eq!(found, Some(Dataset::UsExam));
}
