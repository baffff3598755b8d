//! Header generality: the same ledger written the way different clerks write it — 号/号码/编号,
//! 签名/签字 suffixes, full-width brackets with units, spaces and line breaks inside a header,
//! English headers — is recognised as the same dataset with the same fields.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod header_support;

use auditor_model::Dataset;
use header_support::{check, check_exact, us_exam_field_of};

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
