//! 孕情登记 (`pregnancy`): one row per pregnancy registered at the county maternal and child
//! health centre, each of a woman who had an ultrasound exam at the county hospital 1 to 6
//! weeks after registering (see [`super::linked`]).

use chrono::{Datelike, Days};

use super::lcg::Lcg;
use super::linked::{ExamPerson, birth_of, gestation_text};
use super::us_exam::age_at;
use super::{BAD_DATES, Cell, Column, FieldType};

/// Which exam row of each [`super::linked::LINK_STRIDE`] a pregnancy takes its woman from.
pub const EXAM_OFFSET: u64 = 7;
/// Days from registration to the exam, inclusive.
pub const DAYS_BEFORE_EXAM: (u32, u32) = (7, 42);
/// Gestational age at registration in days, inclusive: 8 to 20 weeks.
pub const GA_AT_REG: (u32, u32) = (8 * 7, 20 * 7);

pub const TITLES: &[&[(u16, &str)]] = &[
    &[(0, "XX县孕情登记表")],
    &[(0, "填报单位：XX县妇幼保健院"), (8, "填报人：陈雪梅")],
];

/// Every header is an alias in `rules/datasets/pregnancy.toml`.
pub const COLUMNS: &[Column] = &[
    Column::new("登记日期", 11.0, FieldType::Date).required(),
    Column::text("登记编号", 14.0),
    Column::text("姓名", 8.0),
    Column::text("身份证号", 20.0).pattern("^[0-9]{17}[0-9Xx]$"),
    Column::new("年龄", 5.0, FieldType::Integer),
    Column::new("末次月经", 11.0, FieldType::Date),
    Column::new("预产期", 11.0, FieldType::Date),
    Column::text("登记孕周", 9.0).pattern(r"^[0-9]{1,2}(\+[0-6]|周([0-6]天)?)$"),
    Column::text("结局", 10.0),
    Column::new("结局日期", 11.0, FieldType::Date),
];

/// Pregnancy `j`: the woman of `exam`, registered 1–6 weeks before it at 8–20 weeks (her LMP
/// and due date follow from those). Most outcomes are still open (blank); the rest are a birth
/// or miscarriage some time after the exam.
pub fn row(rng: &mut Lcg, exam: &ExamPerson, j: u64) -> Vec<Cell> {
    let before = rng.range(DAYS_BEFORE_EXAM.0, DAYS_BEFORE_EXAM.1);
    let day = exam.day - Days::new(u64::from(before));
    let date = if rng.chance(50) {
        Cell::Text((*rng.pick(BAD_DATES)).to_owned())
    } else {
        Cell::Date(day)
    };
    let ga = rng.range(GA_AT_REG.0, GA_AT_REG.1);
    let lmp = day - Days::new(u64::from(ga));
    let edd = lmp + Days::new(280);
    let age = birth_of(&exam.id).map_or(Cell::Empty, |b| Cell::Int(i64::from(age_at(b, day))));

    let (outcome, outcome_date) = match rng.below(10) {
        0..=6 => (Cell::Empty, Cell::Empty),
        7 | 8 => (
            Cell::Text((*rng.pick(&["活产", "足月分娩", "剖宫产"])).to_owned()),
            Cell::Date(lmp + Days::new(u64::from(rng.range(259, 290)))),
        ),
        _ => (
            Cell::Text("自然流产".to_owned()),
            Cell::Date(exam.day + Days::new(u64::from(rng.range(3, 30)))),
        ),
    };

    vec![
        date,
        Cell::Text(format!("YQ{}{:06}", day.year(), j + 1)),
        Cell::Text(exam.name.clone()),
        Cell::Text(exam.id.clone()),
        age,
        Cell::Date(lmp),
        Cell::Date(edd),
        Cell::Text(gestation_text(ga, rng.below(3))),
        outcome,
        outcome_date,
    ]
}
