//! 终止妊娠手术登记 (`termination`): one row per termination at the county hospital, each of a
//! woman who had an ultrasound exam there 1 to 40 days before (see [`super::linked`]).

use chrono::{Datelike, Days};

use super::lcg::Lcg;
use super::linked::{ExamPerson, birth_of, gestation_text};
use super::us_exam::age_at;
use super::{BAD_DATES, Cell, Column, FieldType};

/// Which exam row of each [`super::linked::LINK_STRIDE`] a termination takes its woman from.
pub const EXAM_OFFSET: u64 = 3;
/// Days from the exam to the procedure, inclusive: about three quarters fall within 30.
pub const DAYS_AFTER_EXAM: (u32, u32) = (1, 40);

pub const TITLES: &[&[(u16, &str)]] = &[
    &[(0, "XX县人民医院终止妊娠手术登记表")],
    &[(0, "填报单位：XX县人民医院"), (10, "填报人：王秀兰")],
];

/// Every header is an alias in `rules/datasets/termination.toml`.
pub const COLUMNS: &[Column] = &[
    Column::new("手术日期", 11.0, FieldType::Date).required(),
    Column::text("病历号", 13.0),
    Column::text("姓名", 8.0),
    Column::text("身份证号", 20.0).pattern("^[0-9]{17}[0-9Xx]$"),
    Column::new("年龄", 5.0, FieldType::Integer),
    Column::new("末次月经", 11.0, FieldType::Date),
    Column::text("孕周", 8.0).pattern(r"^[0-9]{1,2}(\+[0-6]|周([0-6]天)?)$"),
    Column::text("术式", 16.0),
    Column::text("原因", 16.0),
    Column::text("证明类型", 14.0),
    Column::text("证明编号", 16.0),
    Column::text("出具单位", 22.0),
    Column::text("施术者", 9.0),
    Column::text("查验", 5.0),
];

const SURGEONS: &[&str] = &["王秀兰", "赵丽华", "孙红梅", "吴晓静", "郑玉霞", "冯淑珍"];
/// Where a certificate comes from: a hospital's medical diagnosis or the health authority.
const CERTS: &[(&str, &str, &str)] = &[
    ("医学诊断证明", "YX", "XX县人民医院"),
    ("医学诊断证明", "YX", "XX市妇幼保健院"),
    ("终止妊娠证明", "ZZ", "XX县卫生健康委员会"),
    ("计划生育证明", "JS", "XX县卫生健康委员会"),
];
const REASONS_EARLY: &[&str] = &["本人要求", "避孕失败", "稽留流产", "社会因素"];
const REASONS_CERTIFIED: &[&str] = &["胎儿严重畸形", "孕妇患严重疾病", "胎死宫内", "稽留流产"];

const EARLY_SURGERY: &[&str] = &["负压吸引术", "无痛人流"];
const INDUCTION: &[&str] = &[
    "依沙吖啶羊膜腔内注射引产",
    "水囊引产",
    "米非司酮配伍米索前列醇引产",
];

/// The usual method at a gestational age.
fn method(ga_days: u32, rng: &mut Lcg) -> &'static str {
    let pool: &[&'static str] = match ga_days / 7 {
        0..=6 => &["药物流产"],
        7..=9 => EARLY_SURGERY,
        10..=13 => &["钳刮术"],
        _ => INDUCTION,
    };
    pool[rng.below(pool.len() as u32) as usize]
}

/// Termination `j`: the woman of `exam`, operated 1–40 days after it, her gestational age the
/// exam's plus the days since (or 6–12 weeks where the exam stated none). Half hold a
/// certificate (type, number, issuer); the other half write 无. Consistency with the exam wins
/// over realism: obstetric exams run to 40 weeks, so some terminations are implausibly late.
pub fn row(rng: &mut Lcg, exam: &ExamPerson, j: u64) -> Vec<Cell> {
    let after = rng.range(DAYS_AFTER_EXAM.0, DAYS_AFTER_EXAM.1);
    let day = exam.day + Days::new(u64::from(after));
    let date = if rng.chance(50) {
        Cell::Text((*rng.pick(BAD_DATES)).to_owned())
    } else {
        Cell::Date(day)
    };
    let ga_exam = exam.ga_days.unwrap_or_else(|| rng.range(6 * 7, 12 * 7));
    let ga = ga_exam + after;
    let lmp = day - Days::new(u64::from(ga));
    let age = birth_of(&exam.id).map_or(Cell::Empty, |b| Cell::Int(i64::from(age_at(b, day))));

    let certified = rng.chance(5000);
    let reason = if certified {
        rng.pick(REASONS_CERTIFIED)
    } else {
        rng.pick(REASONS_EARLY)
    };
    let (cert_type, cert_no, issuer) = if certified {
        let (kind, prefix, issuer) = *rng.pick(CERTS);
        (
            Cell::Text(kind.to_owned()),
            Cell::Text(format!("{prefix}{}{:05}", day.year(), rng.below(100_000))),
            Cell::Text(issuer.to_owned()),
        )
    } else {
        (
            Cell::Text("无".to_owned()),
            Cell::Text("无".to_owned()),
            Cell::Empty,
        )
    };
    let checked = if rng.chance(200) { "否" } else { "是" };

    vec![
        date,
        Cell::Text(format!("ZZ{}{:06}", day.year(), j + 1)),
        Cell::Text(exam.name.clone()),
        Cell::Text(exam.id.clone()),
        age,
        Cell::Date(lmp),
        Cell::Text(gestation_text(ga, rng.below(3))),
        Cell::Text(method(ga, rng).to_owned()),
        Cell::Text((*reason).to_owned()),
        cert_type,
        cert_no,
        issuer,
        Cell::Text((*rng.pick(SURGEONS)).to_owned()),
        Cell::Text(checked.to_owned()),
    ]
}
