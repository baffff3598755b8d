//! Readings of a header that no alias names as written, tried after every alias-shaped reading
//! failed: the ways clerks vary a header that are rules rather than words, so the alias lists
//! need not spell every combination. Each reading is a normalised header (see
//! [`crate::header::normalize_header`]).

/// Who a register is about: 孕妇姓名, 顾客姓名 and 就诊者姓名 are that person's name. Staff and
/// relatives (父亲姓名, 医师姓名) are not in the list, so their names never become the subject's.
const SUBJECT_WORDS: [&str; 17] = [
    "孕妇",
    "孕产妇",
    "产妇",
    "妇女",
    "女方",
    "就诊者",
    "就诊人",
    "患者",
    "病人",
    "受检者",
    "受检人",
    "受术者",
    "顾客",
    "客户",
    "购药人",
    "购买人",
    "服务对象",
];

/// The imaging word a `us_exam` header may start with: B超医生 and 彩超医师 are the operator, as
/// 医师 is; 彩超诊断 is the conclusion, as 诊断 is.
const MODALITY_WORDS: [&str; 5] = ["b超", "彩超", "超声", "黑白超", "彩色多普勒"];

/// Words naming an attribute of a party or thing rather than the thing: 购货单位地址 is not the
/// buyer, 供货方资质 not the supplier. A Chinese header names its head noun last, so an
/// attribute word after an alias makes the header that attribute's.
pub const ATTRIBUTE_WORDS: [&str; 21] = [
    "地址",
    "电话",
    "手机",
    "资质",
    "许可证",
    "许可",
    "证号",
    "证书",
    "联系人",
    "联系",
    "账号",
    "帐号",
    "开户",
    "邮编",
    "传真",
    "法人",
    "负责人",
    "代表",
    "税号",
    "信用代码",
    "有效期",
];

/// More readings of the normalised header `h`, loosest last.
pub fn loose_readings(h: &str) -> Vec<String> {
    let mut out = Vec::new();
    // A date header written with 时间 (购买时间, 处方时间) and a time header written with 日期.
    if let Some(stem) = h.strip_suffix("时间") {
        out.push(format!("{stem}日期"));
    } else if let Some(stem) = h.strip_suffix("日期") {
        out.push(format!("{stem}时间"));
    }
    // 核验 is 查验: 是否核验, 身份核验.
    if h.contains("核验") {
        out.push(h.replace("核验", "查验"));
    }
    if let Some(stem) = h.strip_suffix("姓名")
        && !stem.is_empty()
    {
        // Whose name it is first (检查者姓名 is the examiner), then the subject's name.
        out.push(stem.to_owned());
        if SUBJECT_WORDS.contains(&stem) {
            out.push("姓名".to_owned());
        }
    }
    for word in MODALITY_WORDS {
        if let Some(rest) = h.strip_prefix(word)
            && !rest.is_empty()
        {
            out.push(rest.to_owned());
        }
    }
    out
}

/// Whether `header`, which contains `alias`, names an attribute of what the alias names: an
/// attribute word after the alias (购货单位地址), not before it (许可证有效期 is a date).
pub fn names_an_attribute(header: &str, alias: &str) -> bool {
    let Some(at) = header.find(alias) else {
        return false;
    };
    let after = &header[at + alias.len()..];
    ATTRIBUTE_WORDS.iter().any(|w| after.contains(w))
}

/// Headers that are a field's second-best source: used only when no column names the field
/// itself. (dataset, field, normalised headers). An exam room's 启用日期 or 安装日期 is later
/// than the purchase, so a filing deadline counted from it is never earlier than the true one:
/// it can miss a late filing but never report a timely one as late.
pub const STAND_INS: [(&str, &str, &[&str]); 1] = [(
    "us_device",
    "purchase_date",
    &[
        "启用日期",
        "启用时间",
        "安装日期",
        "安装时间",
        "投入使用日期",
        "使用日期",
        "开始使用日期",
        "装机日期",
        "验收日期",
    ],
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_follow_the_clerks_variations() {
        assert_eq!(loose_readings("购买时间"), ["购买日期"]);
        assert_eq!(loose_readings("到货日期"), ["到货时间"]);
        assert_eq!(loose_readings("是否核验"), ["是否查验"]);
        assert_eq!(loose_readings("孕妇姓名"), ["孕妇", "姓名"]);
        assert_eq!(loose_readings("父亲姓名"), ["父亲"]);
        assert_eq!(loose_readings("b超医师"), ["医师"]);
        assert_eq!(loose_readings("姓名"), Vec::<String>::new());
        assert_eq!(loose_readings("b超"), Vec::<String>::new());
    }

    #[test]
    fn an_attribute_of_a_party_is_not_the_party() {
        assert!(names_an_attribute("购货单位地址", "购货单位"));
        assert!(names_an_attribute("供货方资质", "供货方"));
        assert!(names_an_attribute("供货单位联系电话", "供货单位"));
        assert!(!names_an_attribute("药品通用名", "通用名"));
        assert!(!names_an_attribute("购货单位许可证号", "购货单位许可证号"));
        assert!(!names_an_attribute("许可证有效期", "有效期"));
        assert!(!names_an_attribute("出入库类别", "出入库"));
    }
}
