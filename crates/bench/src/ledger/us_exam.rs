//! B超检查登记 (`us_exam`): one row per ultrasound exam at a county hospital.

use chrono::{Datelike, Days, NaiveDate, NaiveTime};

use super::ids::{ID_CHECK_CHARS, break_check, female_id};
use super::lcg::Lcg;
use super::{BAD_DATES, Cell, Column, FieldType, day_of};

pub const TITLES: &[&[(u16, &str)]] = &[
    &[(0, "XX县人民医院B超检查登记表")],
    &[(0, "填报单位：XX县人民医院"), (9, "填报人：刘敏")],
];

/// Every header is an alias in `rules/datasets/us_exam.toml`.
pub const COLUMNS: &[Column] = &[
    Column::new("检查时间", 17.0, FieldType::DateTime).required(),
    Column::text("检查号", 14.0),
    Column::text("姓名", 8.0),
    // The auditor also checks the GB 11643 check character, which no pattern can.
    Column::text("身份证号", 20.0).pattern("^[0-9]{17}[0-9Xx]$"),
    Column::new("年龄", 5.0, FieldType::Integer),
    Column::text("住址", 30.0),
    Column::text("电话", 13.0),
    Column::text("检查项目", 12.0),
    // The forms the auditor's gestation type reads: "16+3", "16周", "16周3天".
    Column::text("孕周", 8.0).pattern(r"^[0-9]{1,2}(\+[0-6]|周([0-6]天)?)$"),
    Column::text("设备", 30.0),
    Column::text("操作医师", 9.0),
    Column::text("第二人", 9.0),
    Column::text("结论", 28.0),
];

pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程",
];
pub const GIVEN: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "丽娟", "晓燕", "婷婷", "雪梅", "海燕",
    "春梅", "桂兰", "玉兰", "慧", "琳", "倩", "颖", "佳琪", "欣怡", "梦瑶", "思雨", "雅婷", "子涵",
    "一诺", "文静", "红霞",
];
const REGIONS: &[&str] = &["410526", "410527", "410523", "410522", "410581"];
const TOWNS: &[&str] = &[
    "城关镇",
    "白道口镇",
    "留固镇",
    "上官镇",
    "牛屯镇",
    "万古镇",
    "高平镇",
    "王庄镇",
];
const VILLAGES: &[&str] = &[
    "东街村",
    "西街村",
    "前进村",
    "小河村",
    "李庄村",
    "王屯村",
    "刘庄村",
    "新庄村",
    "后营村",
];
const DOCTORS: &[&str] = &[
    "李建国",
    "王秀兰",
    "张卫东",
    "赵丽华",
    "陈志强",
    "孙红梅",
    "周海涛",
    "吴晓静",
];
const DEVICES: &[&str] = &[
    "GE Voluson E8 SN:VE8-190311",
    "迈瑞 DC-80 SN:DC80-21A0457",
    "飞利浦 EPIQ 7 SN:US21704352",
    "开立 S50 SN:S50-2009183",
];

/// An exam item, the range of gestational weeks it is done at (none for 妇科), and its
/// usual conclusions.
struct Item {
    name: &'static str,
    weeks: Option<(u32, u32)>,
    findings: &'static [&'static str],
}

const ITEMS: &[Item] = &[
    Item {
        name: "早孕B超",
        weeks: Some((6, 12)),
        findings: &[
            "宫内早孕，单活胎",
            "宫内早孕，可见胎芽及胎心",
            "宫内妊娠囊，未见胎芽",
        ],
    },
    Item {
        name: "产科B超",
        weeks: Some((13, 40)),
        findings: &[
            "宫内妊娠，单活胎，头位",
            "宫内妊娠，单活胎，臀位",
            "羊水偏少，建议复查",
        ],
    },
    Item {
        name: "胎儿系统B超",
        weeks: Some((20, 28)),
        findings: &["胎儿结构筛查未见明显异常", "单活胎，胎盘位于前壁"],
    },
    Item {
        name: "NT检查",
        weeks: Some((11, 13)),
        findings: &["NT 1.2mm，未见明显异常", "NT 1.6mm，未见明显异常"],
    },
    Item {
        name: "妇科B超",
        weeks: None,
        findings: &["子宫附件未见明显异常", "子宫肌瘤可能", "左侧附件区囊性包块"],
    },
];

pub fn name(rng: &mut Lcg) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// Where [`row`] puts the cells the linked ledgers take from an exam.
pub const NAME_COL: usize = 2;
pub const ID_COL: usize = 3;
pub const GA_COL: usize = 8;

/// The day of exam `i` of `n`, whether or not its 检查时间 cell was written as a bad date.
pub fn exam_day(i: u64, n: u64) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    day_of(start, 730, i, n)
}

pub fn row(rng: &mut Lcg, i: u64, n: u64) -> Vec<Cell> {
    let day = exam_day(i, n);
    let minutes = rng.range(8 * 60, 17 * 60 + 30);
    let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or_default();
    let exam_ts = if rng.chance(50) {
        Cell::Text((*rng.pick(BAD_DATES)).to_owned())
    } else {
        Cell::DateTime(day.and_time(time))
    };

    let age_years = rng.range(18, 44);
    let birth = day - Days::new(u64::from(age_years) * 365 + u64::from(rng.below(365)));
    let region = *rng.pick(REGIONS);
    let mut id = female_id(rng, region, birth);
    if rng.chance(50) {
        id = break_check(&id, ID_CHECK_CHARS);
    }
    let age = age_at(birth, day);

    let address = format!(
        "XX县{}{}{}组{}号",
        rng.pick(TOWNS),
        rng.pick(VILLAGES),
        rng.range(1, 12),
        rng.range(1, 120)
    );
    let phone = format!("1{}{}", rng.pick(&["3", "5", "8", "7"]), rng.digits(9));

    let item = rng.pick(ITEMS);
    let ga = match item.weeks {
        Some(_) if rng.chance(20) => Cell::Text("约十周".to_owned()),
        Some((lo, hi)) => {
            let (w, d) = (rng.range(lo, hi), rng.below(7));
            Cell::Text(match rng.below(3) {
                0 => format!("{w}+{d}"),
                1 => format!("{w}周"),
                _ => format!("{w}周{d}天"),
            })
        }
        None => Cell::Empty,
    };
    let op1 = rng.below(DOCTORS.len() as u32) as usize;
    let op2 = (op1 + 1 + rng.below(DOCTORS.len() as u32 - 1) as usize) % DOCTORS.len();

    vec![
        exam_ts,
        Cell::Text(format!("US{}{:07}", day.year(), i + 1)),
        Cell::Text(name(rng)),
        Cell::Text(id),
        Cell::Int(i64::from(age)),
        Cell::Text(address),
        Cell::Text(phone),
        Cell::Text(item.name.to_owned()),
        ga,
        Cell::Text((*rng.pick(DEVICES)).to_owned()),
        Cell::Text(DOCTORS[op1].to_owned()),
        Cell::Text(DOCTORS[op2].to_owned()),
        Cell::Text((*rng.pick(item.findings)).to_owned()),
    ]
}

/// Completed years, as the 年龄 column is filled in.
pub fn age_at(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}
