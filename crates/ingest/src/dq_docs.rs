//! What each data-quality rule (`DQ-…`) means, in the words `auditor rules show` and the reports
//! give an inspector: a finding must be something they can look up, whether it comes from the
//! catalogue or from ingest itself.

use crate::quality::DqRule;

/// A data-quality rule's title and what it checks, Chinese and English.
pub struct DqDocs {
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub what_zh: &'static str,
    pub what_en: &'static str,
    pub fix_zh: &'static str,
    pub fix_en: &'static str,
}

impl DqRule {
    /// The rule whose id is `id` (`DQ-DATE-INVALID`), case-insensitively.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.id().eq_ignore_ascii_case(id.trim()))
    }

    pub fn docs(self) -> DqDocs {
        let (title_zh, title_en, what_zh, what_en) = self.texts();
        let (fix_zh, fix_en) = self.fix();
        DqDocs {
            title_zh,
            title_en,
            what_zh,
            what_en,
            fix_zh,
            fix_en,
        }
    }

    fn texts(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Self::DateInvalid => (
                "日期无法识别",
                "Date cannot be read",
                "日期栏填写的内容不是一个能识别的日期（如“2024-13-01”“去年”“同上”）。常见写法（2024-03-05、2024/3/5、2024年3月5日、20240305、Excel 日期）都能识别。依赖这个日期的规则（备案时限、许可有效期等）对这一行无法判断；只写了年份或年月（“2019年”“2019年3月”）而从未备案的，按该年或该月最后一天计仍已超过备案时限的，照样报出。",
                "A date cell holds something that is not a date that can be read (\"2024-13-01\", \"last year\", a ditto mark). The usual spellings (2024-03-05, 2024/3/5, 2024年3月5日, 20240305, Excel dates) are all read. Rules that need this date (filing deadlines, licence validity) cannot judge the row, except that a device never filed whose date gives only a year or a month (2019年, 2019年3月) is reported late when even that year's or month's last day is past the limit.",
            ),
            Self::TimeInvalid => (
                "时间无法识别",
                "Time cannot be read",
                "单独的时间栏填写的内容不是能识别的时间（如“25:70”）。日期照常使用，只是缺少时间。",
                "A time column holds something that is not a time (\"25:70\"). The row's date is still used; only the time is lost.",
            ),
            Self::NumberInvalid => (
                "数量无法识别",
                "Number cannot be read",
                "数量、金额等数字栏填写的内容不是数字。依赖数量的规则（账物相符、购销对账）对这一行无法计算。",
                "A quantity or amount cell does not hold a number. Rules that add up quantities (stock reconciliation, purchase matching) cannot count the row.",
            ),
            Self::FlagInvalid => (
                "是否栏无法识别",
                "Yes/no cell cannot be read",
                "“是否”类栏目（如“身份证查验”）填写的既不是“是/否”也不是“√/×”等常见写法。",
                "A yes/no column (such as 身份证查验, ID checked) holds neither yes nor no in any of the usual spellings (是/否, √/×, Y/N).",
            ),
            Self::SexInvalid => (
                "性别无法识别",
                "Sex cannot be read",
                "性别栏填写的不是“男/女”或国家标准代码 1/2。",
                "A sex cell holds neither 男/女 (male/female) nor the national codes 1/2.",
            ),
            Self::GestationInvalid => (
                "孕周无法识别",
                "Gestational age cannot be read",
                "孕周栏无法识别，或不在合理范围内（0 周或超过 45 周）。支持 16周、16+2、16周2天、十六周 等写法；只写数字的按表头单位（周或天）理解。依赖孕周的规则（14 周以上证明、双人签字）对这一行无法判断。",
                "A gestational age cannot be read, or is out of range (0, or over 45 weeks). 16周, 16+2, 16周2天 and 十六周 are read; a bare number counts in the unit its header names (weeks or days). Rules that need it (the 14-week certificate, dual signatures) cannot judge the row.",
            ),
            Self::PersonIdInvalid => (
                "身份证号无效",
                "Invalid resident ID number",
                "身份证号不符合国家标准 GB 11643：位数不对、出生日期不存在或校验位错误。号码在报告中始终隐去，只显示前后几位。实名登记类规则会把无效号码当作未登记。“证件类型”一栏写明护照、港澳台通行证等其他证件的，号码不按身份证校验，也不报本项。",
                "A resident ID number does not follow GB 11643: wrong length, an impossible birth date or a wrong check character. The number is never shown in full. Real-name rules treat an invalid number as none. A row whose 证件类型 names another document (passport, travel permit) is not checked against it and not reported here.",
            ),
            Self::UsccInvalid => (
                "统一社会信用代码无效",
                "Invalid unified social credit code",
                "统一社会信用代码不符合国家标准 GB 32100：不是 18 位、含不允许的字母或校验位错误。按代码查机构资质名录会查不到，只能按名称查。",
                "A unified social credit code does not follow GB 32100: not 18 characters, a letter that is not allowed, or a wrong check character. The institution cannot be found by code in the registry, only by name.",
            ),
            Self::ApprovalNoInvalid => (
                "药品批准文号格式不对",
                "Drug approval number malformed",
                "药品批准文号不是“国药准字H12345678”这类格式。无法据此判断是不是终止妊娠药品时，按药品名称判断。",
                "A drug approval number is not of the form 国药准字H12345678. Where it cannot tell whether the drug is a termination drug, the drug's name is used.",
            ),
            Self::TraceCodeInvalid => (
                "药品追溯码格式不对",
                "Drug trace code malformed",
                "药品追溯码不是 20 位数字码（或可识别的 GS1 码）。",
                "A drug trace code is not a 20-digit code (or a GS1 code that can be read).",
            ),
            Self::RequiredMissing => (
                "必填项为空",
                "Required cell empty",
                "这类台账必须填写的栏目在这一行是空的，或只写了“无”“/”“—”等占位符。",
                "A cell this kind of ledger must fill is empty on this row, or holds only a placeholder such as 无, / or —.",
            ),
            Self::DuplicateRow => (
                "重复登记",
                "Row entered twice",
                "这一行与本表前面某一行的每一栏都相同，可能是重复录入，会让数量、例数多算。",
                "Every cell of this row equals an earlier row of the sheet: most likely entered twice, which inflates quantities and counts.",
            ),
            Self::HeaderRepeated => (
                "表头重复出现",
                "Header repeated",
                "表格中间又出现了一次表头（常见于多页打印表合并），这一行不作为记录。",
                "The header appears again inside the table (pages of a printed form pasted together); the row is not read as a record.",
            ),
            Self::ColumnDuplicate => (
                "同一栏目出现两次",
                "Column appears twice",
                "两列表头对应同一个栏目，只用了第一列。",
                "Two columns map to the same field; only the first is read.",
            ),
            Self::ColumnMissing => (
                "缺少必需的栏目",
                "Required column missing",
                "这类台账必须有的栏目在表头中找不到，整张表都缺这一项。",
                "A column this kind of ledger must have is not in the header: the whole sheet lacks it.",
            ),
            Self::NoRecords => (
                "表中没有记录",
                "No records",
                "找到了表头，但表头下面没有任何记录，本表没有可检查的内容，不能当作“未发现问题”。",
                "The header was found but no record follows it: nothing could be checked, which is not the same as a clean ledger.",
            ),
            Self::CellError => (
                "单元格是公式错误值或未计算的公式",
                "Cell holds a formula error or an uncalculated formula",
                "单元格里是公式算出的错误值（#REF!、#N/A、#VALUE! 等），或是文件中没有计算结果的公式，没有可用的内容，检查时按空白处理。",
                "The cell holds a formula's error value (#REF!, #N/A, #VALUE! …), or a formula saved without its result: there is no value, and it is read as empty.",
            ),
        }
    }

    fn fix(self) -> (&'static str, &'static str) {
        match self {
            Self::DuplicateRow => (
                "核对原始记录，删除重复录入的一行；确实发生了两次的，在备注中写明。",
                "Check the source records and delete the row entered twice; if it really happened twice, say so in the remarks.",
            ),
            Self::HeaderRepeated | Self::ColumnDuplicate => (
                "整理表格：只保留一行表头，删去重复的栏目。",
                "Tidy the sheet: keep one header row and remove the repeated column.",
            ),
            Self::ColumnMissing => (
                "在台账中补上这一栏并逐行填写；栏目名称写法不同的，可改用常见名称。",
                "Add the column to the ledger and fill it on every row; if it exists under another name, use a common header.",
            ),
            Self::CellError => (
                "找到公式出错的原因（引用的工作表或单元格被删除、查找不到），改正公式，或把公式换成原始记录中的内容；未计算的公式，在 Excel 中打开文件并保存即可。",
                "Find why the formula fails (a referenced sheet or cell deleted, a lookup with no match) and fix it, or replace the formula with the value from the source records; for an uncalculated formula, open and save the file in Excel.",
            ),
            Self::NoRecords => (
                "确认上传的是不是正确的表格；确实没有业务的，按要求填写“本月无”并签字。",
                "Check that the right sheet was uploaded; if there was no activity, state so (本月无) and sign, as required.",
            ),
            _ => (
                "对照原始记录（申请单、处方、票据、证件）把这一格改成正确、完整的内容。",
                "Correct the cell from the source records (request forms, prescriptions, invoices, certificates).",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_quality_rule_has_docs_in_both_languages_and_is_found_by_its_id() {
        for rule in DqRule::ALL {
            let d = rule.docs();
            for text in [
                d.title_zh, d.title_en, d.what_zh, d.what_en, d.fix_zh, d.fix_en,
            ] {
                assert!(!text.is_empty(), "{}", rule.id());
            }
            assert_eq!(DqRule::from_id(&rule.id().to_lowercase()), Some(rule));
        }
        assert_eq!(DqRule::from_id("DQ-NOPE"), None);
    }
}
