//! 终止妊娠药品购销台账 (`drug_txn`): a wholesaler's purchases and sales of mifepristone and
//! misoprostol, with buyers' credit codes and trace codes.

use chrono::{Datelike, Days, NaiveDate};

use super::ids::{USCC_CHARS, break_check, uscc};
use super::lcg::Lcg;
use super::{BAD_DATES, Cell, Column, FieldType, day_of};

pub const TITLES: &[&[(u16, &str)]] = &[
    &[(0, "终止妊娠药品购销台账")],
    &[(0, "填报单位：XX医药有限公司"), (10, "填报日期：2025年1月")],
];

/// Every header is an alias in `rules/datasets/drug_txn.toml`.
pub const COLUMNS: &[Column] = &[
    Column::new("日期", 11.0, FieldType::Date).required(),
    Column::text("类型", 6.0),
    Column::text("单据号", 16.0),
    Column::text("通用名称", 12.0).required(),
    Column::text("规格", 11.0),
    // The forms the auditor's approval number type accepts.
    Column::text("批准文号", 18.0).pattern("^国药准字([HZS][CJ]?|[BTFJ])[0-9]{8}$"),
    Column::text("批号", 9.0),
    Column::new("有效期至", 11.0, FieldType::Date),
    // A quantity with an optional unit, "10盒".
    Column::text("数量", 7.0).pattern(r"^[0-9]+(\.[0-9]+)?\s*[^0-9\s]*$"),
    Column::text("单位", 5.0),
    Column::new("单价", 8.0, FieldType::Number),
    Column::new("金额", 10.0, FieldType::Number),
    Column::text("供货单位", 24.0),
    Column::text("购货单位", 24.0),
    // GB 32100 alphabet with digits in the region code; the auditor also checks the MOD 31
    // check character.
    Column::text("购货单位统一社会信用代码", 21.0)
        .pattern("^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"),
    // 20-digit trace codes, comma-separated.
    Column::text("追溯码", 46.0).pattern("^[0-9]{20}(,[0-9]{20})*$"),
];

/// Generic name, strength, approval number (made up, in the valid format), unit price.
const DRUGS: &[(&str, &str, &str, f64)] = &[
    ("米非司酮片", "25mg×6片", "国药准字H20000530", 38.5),
    ("米非司酮片", "200mg×1片", "国药准字H20033551", 45.0),
    ("米索前列醇片", "0.2mg×3片", "国药准字H20000069", 26.8),
    ("卡前列甲酯栓", "0.5mg×1枚", "国药准字H10800005", 120.0),
    ("米非司酮胶囊", "25mg×6粒", "国药准字H20052349", 41.2),
];
const SUPPLIERS: &[&str] = &[
    "国药控股XX医药有限公司",
    "华润XX医药有限公司",
    "九州通XX医药有限公司",
];
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
const REGION: &str = "410526";

/// The buyers a wholesaler sells to, each with a credit code made once per ledger.
pub struct Counterparties {
    buyers: Vec<(String, String)>,
}

impl Counterparties {
    pub fn new(rng: &mut Lcg) -> Self {
        let mut buyers = vec![
            ("XX县人民医院".to_owned(), uscc(rng, "12", REGION)),
            ("XX县妇幼保健院".to_owned(), uscc(rng, "12", REGION)),
            ("XX县中医院".to_owned(), uscc(rng, "12", REGION)),
        ];
        for town in TOWNS {
            buyers.push((format!("XX县{town}卫生院"), uscc(rng, "12", REGION)));
        }
        for town in TOWNS {
            for kind in ["妇科诊所", "综合门诊部"] {
                let name = format!("XX县{town}{kind}");
                buyers.push((name, uscc(rng, "52", REGION)));
            }
        }
        Self { buyers }
    }
}

pub fn row(rng: &mut Lcg, parties: &Counterparties, i: u64, n: u64) -> Vec<Cell> {
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    let day = day_of(start, 1095, i, n);
    let date = if rng.chance(50) {
        Cell::Text((*rng.pick(BAD_DATES)).to_owned())
    } else {
        Cell::Date(day)
    };
    let purchase = rng.chance(2000);
    let (generic, strength, approval, price) = *rng.pick(DRUGS);
    let made = day - Days::new(u64::from(rng.range(30, 300)));
    let batch = format!(
        "{:02}{:02}{:03}",
        made.year() % 100,
        made.month(),
        rng.range(1, 40)
    );
    let expiry = made + Days::new(3 * 365);
    let qty = if purchase {
        rng.range(5, 50) * 10
    } else {
        rng.range(1, 30)
    };
    let amount = (f64::from(qty) * price * 100.0).round() / 100.0;

    let (supplier, buyer, buyer_code) = if purchase {
        (
            Cell::Text((*rng.pick(SUPPLIERS)).to_owned()),
            Cell::Empty,
            Cell::Empty,
        )
    } else {
        let (name, code) = rng.pick(&parties.buyers);
        let code = if rng.chance(30) {
            break_check(code, USCC_CHARS)
        } else {
            code.clone()
        };
        (Cell::Empty, Cell::Text(name.clone()), Cell::Text(code))
    };
    let codes = (0..rng.range(1, 3))
        .map(|_| {
            let len = if rng.chance(20) { 19 } else { 18 };
            format!("81{}", rng.digits(len))
        })
        .collect::<Vec<_>>()
        .join(",");

    vec![
        date,
        Cell::Text((if purchase { "购进" } else { "销售" }).to_owned()),
        Cell::Text(format!(
            "{}{}{:07}",
            if purchase { "CG" } else { "XS" },
            day.year(),
            i + 1
        )),
        Cell::Text(generic.to_owned()),
        Cell::Text(strength.to_owned()),
        Cell::Text(approval.to_owned()),
        Cell::Text(batch),
        Cell::Date(expiry),
        Cell::Text(format!("{qty}盒")),
        Cell::Text("盒".to_owned()),
        Cell::Money(price),
        Cell::Money(amount),
        supplier,
        buyer,
        buyer_code,
        Cell::Text(codes),
    ]
}
