//! Headers as the clerks of real ledgers write them, beyond the catalogue's aliases: a role
//! word with 医生 or 姓名, a party's attribute that is not the party, a bare credit code, the
//! dates a device register buys by, and a retail sales book told from a dispensing register.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod header_support;

use auditor_model::Dataset;
use header_support::{check_exact, detect, us_exam_field_of};

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
