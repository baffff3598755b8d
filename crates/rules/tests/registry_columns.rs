//! A registry table without the column a rule reads says nothing on that question: no finding,
//! and a note in the run saying what was not checked. An empty cell in a column the table has is
//! the registry's word: the finding stays, and says the registry records nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::Finding;
use auditor_rules::Skipped;
use chrono::NaiveDate;

/// Runs the national pack over CSV texts given as (file name, contents).
fn run(files: &[(&str, &str)]) -> (Vec<Finding>, Vec<Skipped>) {
    common::judge(
        "national",
        files,
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    )
}

/// (row, Chinese message, English message) of a rule's findings.
fn hits(findings: &[Finding], rule: &str) -> Vec<(Option<u32>, String, String)> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.row, f.message.clone(), f.message_en.clone()))
        .collect()
}

/// The notes of a rule, Chinese and English.
fn notes(skipped: &[Skipped], rule: &str) -> Vec<(String, String)> {
    skipped
        .iter()
        .filter(|s| s.rule == rule)
        .map(|s| (s.zh.clone(), s.en.clone()))
        .collect()
}

const SALES: &str = "日期,类型,通用名称,规格,批准文号,批号,有效期至,数量,单位,供货单位,购货单位,购货单位统一社会信用代码,追溯码\n\
    2024-03-04,购进,米非司酮片,25mg,国药准字H20010123,230801,2026-07-31,50,盒,鲁康制药有限公司,,,81000230801000000101\n\
    2024-03-11,销售,米非司酮片,25mg,国药准字H20010123,230801,2026-07-31,10,盒,,青山县人民医院,12370921493000011C,81000230801000000102\n\
    2024-03-12,销售,米非司酮片,25mg,国药准字H20010123,230801,2026-07-31,5,盒,,青山县中医医院,123709214930000296,81000230801000000103\n";

const NO_ITEMS: &str = "机构名称,统一社会信用代码,机构类别,诊疗科目\n\
    青山县人民医院,12370921493000011C,综合医院,妇产科\n";

const EMPTY_ITEMS: &str = "机构名称,统一社会信用代码,机构类别,母婴保健许可项目,母婴保健许可有效期至\n\
    青山县人民医院,12370921493000011C,综合医院,,\n\
    青山县中医医院,123709214930000296,中医医院,助产、结扎,2026-12-31\n";

#[test]
fn a_buyer_in_a_registry_without_licence_items_is_not_judged_on_them_and_the_run_says_so() {
    let (findings, skipped) = run(&[("sale.csv", SALES), ("reg.csv", NO_ITEMS)]);
    // 青山县人民医院 (row 3) is in a registry that cannot tell; 青山县中医医院 (row 4) is in none.
    assert_eq!(
        hits(&findings, "DRUG-BUYER-QUALIFIED"),
        [(
            Some(4),
            "终止妊娠药品只售给有资质的单位：向不具备资质的单位销售终止妊娠药品“米非司酮片”（米非司酮）：购货单位“123709214930000296”不在机构名录中，无法证明其资质".to_owned(),
            "Termination drugs sold only to qualified buyers: termination drug \"米非司酮片\" (米非司酮) sold to an unqualified buyer: buyer \"123709214930000296\" is not in the institution registry, so its qualification cannot be shown".to_owned(),
        )]
    );
    assert_eq!(
        notes(&skipped, "DRUG-BUYER-QUALIFIED"),
        [(
            "DRUG-BUYER-QUALIFIED：机构名录缺少“母婴保健许可项目”列，无法判断 1 条记录的购货单位是否持有终止妊娠许可项目，本次未按许可项目检查（sale.csv）".to_owned(),
            "DRUG-BUYER-QUALIFIED: the institution registry has no licence-items column: whether the buyer holds the 终止妊娠 licence item was not checked for 1 record (sale.csv)".to_owned(),
        )]
    );
}

#[test]
fn an_empty_licence_items_cell_says_the_registry_records_none() {
    let (findings, skipped) = run(&[("sale.csv", SALES), ("reg.csv", EMPTY_ITEMS)]);
    assert_eq!(
        hits(&findings, "DRUG-BUYER-QUALIFIED"),
        [
            (
                Some(3),
                "终止妊娠药品只售给有资质的单位：向不具备资质的单位销售终止妊娠药品“米非司酮片”（米非司酮）：购货单位“青山县人民医院”在名录中未载明许可项目，无法证明其持有终止妊娠许可项目".to_owned(),
                "Termination drugs sold only to qualified buyers: termination drug \"米非司酮片\" (米非司酮) sold to an unqualified buyer: the registry records no licence items for buyer \"青山县人民医院\", so no 终止妊娠 (termination) licence item is shown".to_owned(),
            ),
            (
                Some(4),
                "终止妊娠药品只售给有资质的单位：向不具备资质的单位销售终止妊娠药品“米非司酮片”（米非司酮）：购货单位“青山县中医医院”无终止妊娠许可项目".to_owned(),
                "Termination drugs sold only to qualified buyers: termination drug \"米非司酮片\" (米非司酮) sold to an unqualified buyer: buyer \"青山县中医医院\" holds no 终止妊娠 (termination) licence item".to_owned(),
            ),
        ]
    );
    assert_eq!(notes(&skipped, "DRUG-BUYER-QUALIFIED"), []);
}

#[test]
fn with_two_registries_each_entry_is_judged_by_its_own_table() {
    // 青山县人民医院 is in the table without items, 青山县中医医院 in the one with them.
    let with_items = "机构名称,统一社会信用代码,机构类别,母婴保健许可项目\n\
        青山县中医医院,123709214930000296,中医医院,助产、结扎\n";
    let (findings, skipped) = run(&[
        ("sale.csv", SALES),
        ("reg_a.csv", NO_ITEMS),
        ("reg_b.csv", with_items),
    ]);
    let rows: Vec<Option<u32>> = hits(&findings, "DRUG-BUYER-QUALIFIED")
        .into_iter()
        .map(|h| h.0)
        .collect();
    assert_eq!(rows, [Some(4)]);
    assert_eq!(notes(&skipped, "DRUG-BUYER-QUALIFIED").len(), 1);
    assert!(
        notes(&skipped, "DRUG-BUYER-QUALIFIED")[0].0.starts_with(
            "DRUG-BUYER-QUALIFIED：机构名录缺少“母婴保健许可项目”列，无法判断 1 条记录"
        )
    );
}

const DISPENSED: &str = "青山县人民医院终止妊娠药品使用登记\n\
    发药日期,处方号,开具日期,科别,姓名,身份证号,药品名称,规格,批号,数量,单位,处方医师,孕周,剂量\n\
    2024-03-05,MZ1,2024-03-05,妇产科,王丽,370921199603140025,米非司酮片,25mg,230801,6,片,刘敏,7周,150mg\n\
    2024-03-06,MZ2,2024-03-06,妇产科,刘芳,370921199311080040,米索前列醇片,0.2mg,230801,3,片,刘敏,7周,0.6mg\n";

#[test]
fn a_dispensing_institution_in_a_registry_without_licence_items_is_noted_not_accused() {
    let (findings, skipped) = run(&[("disp.csv", DISPENSED), ("reg.csv", NO_ITEMS)]);
    assert_eq!(hits(&findings, "DRUG-USE-APPROVED-INST"), []);
    assert_eq!(
        notes(&skipped, "DRUG-USE-APPROVED-INST"),
        [(
            "DRUG-USE-APPROVED-INST：机构名录缺少“母婴保健许可项目”列，无法判断 2 条记录的机构是否持有终止妊娠许可项目，本次未按许可项目检查（disp.csv）".to_owned(),
            "DRUG-USE-APPROVED-INST: the institution registry has no licence-items column: whether the institution holds the 终止妊娠 licence item was not checked for 2 records (disp.csv)".to_owned(),
        )]
    );

    let (findings, skipped) = run(&[("disp.csv", DISPENSED), ("reg.csv", EMPTY_ITEMS)]);
    let msg = "终止妊娠药品只在获准机构使用：机构“青山县人民医院”在名录中未载明许可项目，无法证明其持有终止妊娠母婴保健技术服务许可项目";
    let msg_en = "Termination drugs used only at approved institutions: the registry records no licence items for institution \"青山县人民医院\", so no 终止妊娠 maternal and child health licence item is shown";
    assert_eq!(
        hits(&findings, "DRUG-USE-APPROVED-INST"),
        [
            (Some(3), msg.to_owned(), msg_en.to_owned()),
            (Some(4), msg.to_owned(), msg_en.to_owned()),
        ]
    );
    assert_eq!(notes(&skipped, "DRUG-USE-APPROVED-INST"), []);
}

const DEVICES: &str = "青山县人民医院超声设备备案登记表\n\
    设备名称,型号,出厂编号,购置日期,备案日期,使用场所,操作人员\n\
    彩超,P9,LP9-1,2024-01-01,2024-01-10,B超室,张伟、李娜\n";

#[test]
fn a_device_is_not_judged_on_departments_a_registry_does_not_list() {
    let no_scopes = "机构名称,统一社会信用代码,机构类别,母婴保健许可项目\n\
        青山县人民医院,12370921493000011C,综合医院,终止妊娠\n";
    let (findings, skipped) = run(&[("dev.csv", DEVICES), ("reg.csv", no_scopes)]);
    assert_eq!(hits(&findings, "US-DEVICE-IN-SCOPE"), []);
    assert_eq!(
        notes(&skipped, "US-DEVICE-IN-SCOPE"),
        [(
            "US-DEVICE-IN-SCOPE：机构名录缺少“诊疗科目”列，无法判断 1 条记录的机构诊疗科目是否含医学影像/超声，本次未按诊疗科目检查（dev.csv）".to_owned(),
            "US-DEVICE-IN-SCOPE: the institution registry has no licensed-departments column: whether the institution is licensed for 医学影像/超声 was not checked for 1 record (dev.csv)".to_owned(),
        )]
    );

    let empty_scopes = "机构名称,统一社会信用代码,机构类别,诊疗科目\n\
        青山县人民医院,12370921493000011C,综合医院,\n";
    let (findings, _) = run(&[("dev.csv", DEVICES), ("reg.csv", empty_scopes)]);
    assert_eq!(
        hits(&findings, "US-DEVICE-IN-SCOPE"),
        [(
            Some(3),
            "超声设备只配备在有相应诊疗科目的机构：机构“青山县人民医院”的诊疗科目（名录未载明）中没有医学影像/超声".to_owned(),
            "Ultrasound devices only at institutions licensed for them: institution \"青山县人民医院\" has no 医学影像/超声 among its licensed departments (the registry records none for it)".to_owned(),
        )]
    );
}

const OPERATIONS: &str = "施术机构,手术日期,病历号,姓名,身份证号,年龄,孕周,术式,施术者\n\
    青山县人民医院,2024-04-02,ZY2404021,王丽,370921199603140025,28,7周,药物流产,刘敏\n";

const INSTITUTIONS: &str = "机构名称,统一社会信用代码,机构类别,母婴保健许可项目,母婴保健许可有效期至\n\
    青山县人民医院,12370921493000011C,综合医院,助产、结扎、终止妊娠,2026-12-31\n";

#[test]
fn a_surgeon_in_a_staff_registry_without_certified_items_is_not_judged_on_them() {
    let staff = "姓名,工号,医师执业证书编码,执业类别,执业范围,执业地点\n\
        刘敏,QS0101,110370921000101,执业医师,妇产科专业,青山县人民医院\n";
    let (findings, skipped) = run(&[
        ("ops.csv", OPERATIONS),
        ("inst.csv", INSTITUTIONS),
        ("staff.csv", staff),
    ]);
    assert_eq!(hits(&findings, "TOP-INST-LICENSED"), []);
    assert_eq!(
        notes(&skipped, "TOP-INST-LICENSED"),
        [(
            "TOP-INST-LICENSED：人员名录缺少“考核项目”列，无法判断 1 条记录的施术人员是否持有终止妊娠考核合格证，本次未按考核项目检查（ops.csv）".to_owned(),
            "TOP-INST-LICENSED: the staff registry has no MCH-certified-items column: whether the operator holds the 终止妊娠 qualification was not checked for 1 record (ops.csv)".to_owned(),
        )]
    );

    let staff = "姓名,工号,医师执业证书编码,执业类别,执业范围,执业地点,考核项目\n\
        刘敏,QS0101,110370921000101,执业医师,妇产科专业,青山县人民医院,\n";
    let (findings, skipped) = run(&[
        ("ops.csv", OPERATIONS),
        ("inst.csv", INSTITUTIONS),
        ("staff.csv", staff),
    ]);
    assert_eq!(
        hits(&findings, "TOP-INST-LICENSED"),
        [(
            Some(2),
            "终止妊娠手术由持证机构和持证人员施行：施术人员“刘敏”在人员名录中未载明考核项目，无法证明其持有终止妊娠考核合格证".to_owned(),
            "Terminations performed by licensed institutions and staff: the staff registry records no certified items for \"刘敏\", so no 终止妊娠 qualification is shown".to_owned(),
        )]
    );
    assert_eq!(notes(&skipped, "TOP-INST-LICENSED"), []);
}

const RX: &str = "青山县人民医院终止妊娠药品使用登记表,,,,,,,,,,,,\n\
    发药日期,处方号,开具日期,科别,姓名,身份证号,药品名称,规格,批号,数量,单位,处方医师,发药药师\n\
    2024-03-05,MZ5,2024-03-05,妇产科,王丽,370921199603140025,米非司酮片,25mg,230801,6,片,高红,陈静\n";

#[test]
fn a_prescriber_in_a_staff_registry_without_standing_columns_is_noted_not_accused() {
    // Names and numbers only: neither a physician's level or category nor a practice scope.
    let staff = "姓名,工号,医师执业证书编码,执业地点\n高红,QS1,110370921000301,青山县人民医院\n";
    let (findings, skipped) = run(&[("rx.csv", RX), ("staff.csv", staff)]);
    assert_eq!(hits(&findings, "DRUG-RX-OBGYN"), []);
    let got = notes(&skipped, "DRUG-RX-OBGYN");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].0.starts_with("DRUG-RX-OBGYN：人员名录缺少“医师级别”或“执业类别”列，无法判断 1 条记录的人员是否为医师，本次未按医师资格检查；人员名录缺少“执业范围”列"),
        "{got:?}"
    );
    assert!(
        got[0].1.starts_with("DRUG-RX-OBGYN: the staff registry has no physician-level or practice-category column: whether the person is a physician was not checked for 1 record; the staff registry has no practice-scope column"),
        "{got:?}"
    );

    // With the columns there and the cells empty, the registry's word stands.
    let staff = "姓名,工号,医师执业证书编码,执业地点,执业类别,医师级别,执业范围\n高红,QS1,110370921000301,青山县人民医院,,,\n";
    let (findings, skipped) = run(&[("rx.csv", RX), ("staff.csv", staff)]);
    let got = hits(&findings, "DRUG-RX-OBGYN");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Some(3));
    assert!(
        got[0]
            .1
            .contains("人员名录未载明“高红”的医师级别和执业类别，无法证明其为医师")
            && got[0].1.contains("“高红”的执业范围（名录未载明）"),
        "{got:?}"
    );
    assert_eq!(notes(&skipped, "DRUG-RX-OBGYN"), []);
}

/// Runs a province's pack over CSV texts.
fn run_pack(pack: &str, files: &[(&str, &str)]) -> (Vec<Finding>, Vec<Skipped>) {
    common::judge(pack, files, NaiveDate::from_ymd_opt(2024, 6, 30).unwrap())
}

#[test]
fn an_operator_is_not_judged_on_a_post_certificate_column_the_registry_lacks() {
    let exams = "青山县人民医院B超检查登记表,,,,,,,,,\n\
        检查日期,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人,超声所见,结论\n\
        2024-03-01 08:30,US001,王丽,370921199603140025,22周,产科B超,高红,,胎儿发育正常,单胎存活\n";
    // Anhui requires the post certificate.
    let staff = "姓名,工号,医师执业证书编码,执业类别,医师级别,执业范围,执业地点\n\
        高红,QS1,110370921000301,临床,执业医师,医学影像和放射治疗专业,青山县人民医院\n";
    let (findings, skipped) = run_pack("anhui", &[("exams.csv", exams), ("staff.csv", staff)]);
    assert_eq!(hits(&findings, "US-OPERATOR-LISTED"), []);
    assert_eq!(
        notes(&skipped, "US-OPERATOR-LISTED"),
        [(
            "US-OPERATOR-LISTED：人员名录缺少“超声上岗证号”列，无法判断 1 条记录的人员是否持有超声上岗证，本次未按超声上岗证检查（exams.csv）".to_owned(),
            "US-OPERATOR-LISTED: the staff registry has no ultrasound-post-certificate column: whether the person holds an ultrasound post certificate was not checked for 1 record (exams.csv)".to_owned(),
        )]
    );

    let staff = "姓名,工号,医师执业证书编码,执业类别,医师级别,执业范围,执业地点,超声上岗证号\n\
        高红,QS1,110370921000301,临床,执业医师,医学影像和放射治疗专业,青山县人民医院,\n";
    let (findings, skipped) = run_pack("anhui", &[("exams.csv", exams), ("staff.csv", staff)]);
    let got = hits(&findings, "US-OPERATOR-LISTED");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, Some(3));
    assert!(
        got[0].1.ends_with("人员名录未载明“高红”的超声上岗证")
            && got[0].2.ends_with(
                "the staff registry records no ultrasound post certificate for \"高红\""
            ),
        "{got:?}"
    );
    assert_eq!(notes(&skipped, "US-OPERATOR-LISTED"), []);
}
