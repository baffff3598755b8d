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

/// Words a group header may end with that only say "about": 购置情况, 证明材料, 患者信息. The
/// group's head noun is what remains (购置, 证明, 患者), and a sub-header joins it.
const GROUP_FILLERS: [&str; 15] = [
    "情况", "信息", "材料", "资料", "记录", "登记", "项目", "内容", "明细", "栏", "签名", "签字",
    "签章", "时间", "日期",
];

/// Sub-headers that say little without the group above them: 日期 under 处方 is 处方日期, 机关
/// under 备案情况 is 备案机关, 姓名 under 操作医师 is the operator's name.
const VAGUE_SUB_HEADERS: [&str; 21] = [
    "日期",
    "时间",
    "日期时间",
    "号",
    "类型",
    "种类",
    "类别",
    "名称",
    "单位",
    "机关",
    "部门",
    "机构",
    "医师",
    "姓名",
    "签名",
    "签字",
    "地址",
    "电话",
    "结果",
    "结论",
    "人",
];

/// Whether a sub-header needs its group to say which field it is: a generic word, or a mark
/// (1, 2, 甲, 乙, a).
pub fn says_little_alone(sub: &str) -> bool {
    let s = crate::header::normalize_header(sub);
    VAGUE_SUB_HEADERS.contains(&s.as_str()) || is_mark(&s)
}

/// A column mark: a number, or one character (甲, 乙, 主, a).
fn is_mark(s: &str) -> bool {
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())) || s.chars().count() == 1
}

/// Readings of sub-header `sub` joined to the group header `group` above it, best first: the
/// group as written, then without the words that only say "about" (购置情况 → 购置, 检查时间 →
/// 检查), then each tail of those (查验登记证明 → 证明, 医师签名 → 签名), since a Chinese
/// header names its head noun last.
pub fn group_readings(group: &str, sub: &str) -> Vec<String> {
    let mut stems = vec![crate::header::normalize_header(group)];
    loop {
        let last = stems[stems.len() - 1].clone();
        let stripped = GROUP_FILLERS
            .iter()
            .find_map(|w| last.strip_suffix(w).filter(|s| !s.is_empty()));
        match stripped {
            Some(s) => stems.push(s.to_owned()),
            None => break,
        }
    }
    for stem in stems.clone() {
        let chars: Vec<char> = stem.chars().collect();
        for start in 1..chars.len().saturating_sub(1) {
            stems.push(chars[start..].iter().collect());
        }
    }
    let mut out: Vec<String> = Vec::new();
    for stem in stems {
        for reading in crate::header::header_candidates(&format!("{stem}{sub}")) {
            if !out.contains(&reading) {
                out.push(reading);
            }
        }
    }
    out
}

/// Words of a group header over the signers' columns: 签字, 双人签名, 检查医师, 操作人员.
const SIGNING_GROUP_WORDS: [&str; 7] = ["签名", "签字", "签章", "医师", "操作", "人员", "双人"];

/// Words of a sub-header naming a signer's role under such a group: 操作 / 复核, 主操作 / 副操作.
const SIGNER_ROLE_WORDS: [&str; 11] = [
    "操作", "复核", "记录", "审核", "核对", "助手", "检查", "报告", "诊断", "主", "副",
];

/// The signer a sub-header of a signing group names by its place, when it names a role or is
/// a mark (签字 → 操作 / 复核, 双人签名 → 甲 / 乙): the first place is 签名1, the second 签名2.
/// A register's own words for the two signers vary too much for aliases; their order does not.
pub fn signer_by_place(group: &str, sub: &str, place: usize) -> Option<String> {
    let g = crate::header::normalize_header(group);
    let s = crate::header::normalize_header(sub);
    let signing = SIGNING_GROUP_WORDS.iter().any(|w| g.contains(w));
    let role = is_mark(&s) || SIGNER_ROLE_WORDS.iter().any(|w| s.contains(w));
    (signing && role && place < 2).then(|| format!("签名{}", place + 1))
}

/// Fields naming one signer each, and the field naming every signer of the record: a second
/// column naming a signer (记录员 beside 复核医师, both second signers) is read as that.
const SIGNER_FIELDS: [(&str, &str); 2] = [("op1_id", "signatures"), ("op2_id", "signatures")];

/// The field a second column naming signer field `field` is read as, when the dataset has it.
pub fn extra_signer_field(spec: &crate::spec::DatasetSpec, field: usize) -> Option<usize> {
    let name = spec.fields[field].name.as_str();
    SIGNER_FIELDS
        .iter()
        .find(|(f, _)| *f == name)
        .and_then(|(_, all)| spec.field_index(all))
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
