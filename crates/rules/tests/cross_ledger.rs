//! The person-linkage rules beyond their fixtures: the other direction of X-DRUG-NO-TOP, one
//! finding per US-SHOPPING episode in a whole run, a rule skipped without a register it joins,
//! and, on a few thousand generated rows, hash joins that find exactly what comparing every
//! pair of rows finds.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use auditor_ingest::Table;
use auditor_model::Finding;
use auditor_rules::{Catalogue, DrugCatalog, Pack, Skipped, evaluate};
use chrono::{Duration, NaiveDate};

use common::fixture;

fn tables(files: &[(&str, &str)]) -> Vec<Table> {
    common::csv_tables(files)
}

/// Runs the national pack over CSV texts given as (file name, contents).
fn run(files: &[(&str, &str)], as_of: NaiveDate) -> (Vec<Finding>, Vec<Skipped>) {
    evaluate(
        &Catalogue::builtin().unwrap(),
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &tables(files),
        as_of,
    )
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Per finding of `rule` on `file`: its row and its evidence as sorted `file:row`.
fn found(findings: &[Finding], rule: &str, file: &str) -> BTreeMap<u32, Vec<String>> {
    findings
        .iter()
        .filter(|f| f.rule == rule && f.file == file)
        .map(|f| {
            let mut related: Vec<String> = f
                .related
                .iter()
                .map(|e| format!("{}:{}", e.file, e.row.unwrap_or_default()))
                .collect();
            related.sort();
            (f.row.unwrap_or_default(), related)
        })
        .collect()
}

#[test]
fn a_medical_abortion_without_a_drug_dispensed_within_the_window_fires_on_the_termination() {
    let terminations = fixture("X-DRUG-NO-TOP", "terminations.csv");
    let violating = fixture("X-DRUG-NO-TOP", "violating.csv");
    let compliant = fixture("X-DRUG-NO-TOP", "compliant.csv");
    let as_of = day("2024-06-30");
    // Against violating.csv: 刘芳's 药物流产 (2) is 15 days after her only dispensing
    // (violating.csv:3); 赵敏 (4), 孙悦 (5), 郑洁 (6) and 冯雪 (7) were given nothing there.
    // 陈静's 负压吸引术 (3) and 何娟's 钳刮术 (8) are not medical abortions.
    let (findings, _) = run(
        &[
            ("violating.csv", &violating),
            ("terminations.csv", &terminations),
        ],
        as_of,
    );
    let got = found(&findings, "X-DRUG-NO-TOP", "terminations.csv");
    let want: BTreeMap<u32, Vec<String>> = [
        (2, vec!["violating.csv:3".to_owned()]),
        (4, vec![]),
        (5, vec![]),
        (6, vec![]),
        (7, vec![]),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    // Against compliant.csv: 赵敏 and 孙悦 were given the drug 14 days from their procedure,
    // 刘芳 and 郑洁 the same day; only 冯雪 (7) has none.
    let (findings, _) = run(
        &[
            ("compliant.csv", &compliant),
            ("terminations.csv", &terminations),
        ],
        as_of,
    );
    let got = found(&findings, "X-DRUG-NO-TOP", "terminations.csv");
    assert_eq!(got.keys().copied().collect::<Vec<_>>(), [7]);
    let message = &findings
        .iter()
        .find(|f| f.rule == "X-DRUG-NO-TOP" && f.file == "terminations.csv")
        .unwrap()
        .message;
    assert!(
        message.contains("药物流产") && message.contains("14"),
        "{message}"
    );
}

#[test]
fn every_register_a_rule_judges_gets_the_findings_it_gets_alone() {
    // The index a cross-ledger rule builds from every table is built once per rule and used
    // for each register it judges: a second register must not see the first one's state.
    let terminations = fixture("X-DRUG-NO-TOP", "terminations.csv");
    let violating = fixture("X-DRUG-NO-TOP", "violating.csv");
    let as_of = day("2024-06-30");
    let (alone, _) = run(
        &[
            ("violating.csv", &violating),
            ("terminations.csv", &terminations),
        ],
        as_of,
    );
    let want = found(&alone, "X-DRUG-NO-TOP", "terminations.csv");
    assert_eq!(want.keys().copied().collect::<Vec<_>>(), [2, 4, 5, 6, 7]);
    let (together, _) = run(
        &[
            ("a.csv", &terminations),
            ("violating.csv", &violating),
            ("b.csv", &terminations),
        ],
        as_of,
    );
    assert_eq!(found(&together, "X-DRUG-NO-TOP", "a.csv"), want);
    assert_eq!(found(&together, "X-DRUG-NO-TOP", "b.csv"), want);
}

#[test]
fn a_scan_shopping_episode_is_one_finding_in_the_whole_run_whichever_file_comes_first() {
    let hospital = fixture("US-SHOPPING", "violating.csv");
    let clinic = fixture("US-SHOPPING", "clinic.csv");
    let as_of = day("2024-06-30");
    for files in [
        [("violating.csv", &hospital), ("clinic.csv", &clinic)],
        [("clinic.csv", &clinic), ("violating.csv", &hospital)],
    ] {
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let (findings, _) = run(&files, as_of);
        let mut rows: Vec<(String, u32)> = findings
            .iter()
            .filter(|f| f.rule == "US-SHOPPING")
            .map(|f| (f.file.clone(), f.row.unwrap_or_default()))
            .collect();
        rows.sort();
        // 赵敏's episode ends at the clinic.
        assert_eq!(
            rows,
            [
                ("clinic.csv".to_owned(), 7),
                ("violating.csv".to_owned(), 3),
                ("violating.csv".to_owned(), 5),
                ("violating.csv".to_owned(), 7),
            ]
        );
        let zhao = found(&findings, "US-SHOPPING", "clinic.csv");
        assert_eq!(zhao[&7], ["violating.csv:8", "violating.csv:9"]);
    }
}

#[test]
fn a_rule_joining_a_register_that_is_not_among_the_inputs_is_skipped_and_says_which() {
    let terminations = fixture("X-US-THEN-TOP", "violating.csv");
    let (findings, skipped) = run(&[("terminations.csv", &terminations)], day("2024-06-30"));
    assert!(!findings.iter().any(|f| f.rule == "X-US-THEN-TOP"));
    let note = skipped.iter().find(|s| s.rule == "X-US-THEN-TOP").unwrap();
    assert!(note.zh.contains("us_exam"), "{note:?}");
}

#[test]
fn a_pregnancy_register_alone_reports_its_pregnancies_without_an_outcome_and_says_what_it_could_not_search()
 {
    let mut pregnancies = fixture("X-PREG-NO-OUTCOME", "violating.csv");
    // 8 流失 (lost) at 17 weeks; 9 a birth the register states itself.
    pregnancies.push_str(
        "2023-12-01,YC2023007,吴倩,370921198804250146,2023-08-01,,流失,,青山县妇幼保健院\n\
         2023-09-01,YC2023008,郑洁,370921199311080040,2023-04-01,22周,顺产,2024-01-05,青山县妇幼保健院\n",
    );
    let (findings, skipped) = run(&[("pregnancies.csv", &pregnancies)], day("2024-12-31"));
    let ours: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "X-PREG-NO-OUTCOME")
        .collect();
    assert_eq!(
        ours.iter().map(|f| f.row).collect::<Vec<_>>(),
        [
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            Some(6),
            Some(7),
            Some(8)
        ],
        "{ours:?}"
    );
    assert_eq!(
        ours[6].message,
        "孕情无结果：登记时孕17+3周（末次月经 2023-08-01），应于 2024-06-18（末次月经后 44 周加 2 周）前有妊娠结局，至 2024-12-31 孕情登记中仍无妊娠结局；本次未导入出生登记和终止妊娠登记，未与之核对；孕情登记的结局为“流失”"
    );
    let note = skipped
        .iter()
        .find(|s| s.rule == "X-PREG-NO-OUTCOME")
        .unwrap();
    assert!(
        note.zh
            .starts_with("孕情结局未与出生登记和终止妊娠登记核对（本次未导入）"),
        "{note:?}"
    );

    // With the birth register only, the finding says the termination register was not searched.
    let births = fixture("X-PREG-NO-OUTCOME", "births.csv");
    let (findings, _) = run(
        &[("pregnancies.csv", &pregnancies), ("births.csv", &births)],
        day("2024-12-31"),
    );
    let first = findings
        .iter()
        .find(|f| f.rule == "X-PREG-NO-OUTCOME")
        .unwrap();
    assert!(
        first.message.contains(
            "在出生登记（births.csv）中未找到其分娩记录；本次未导入终止妊娠登记，未与之核对"
        ),
        "{first:?}"
    );
}

#[test]
fn messages_name_no_one_in_full() {
    let (findings, _) = run(
        &[
            ("violating.csv", &fixture("X-US-THEN-TOP", "violating.csv")),
            ("exams.csv", &fixture("X-US-THEN-TOP", "exams.csv")),
        ],
        day("2024-06-30"),
    );
    let ours: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "X-US-THEN-TOP")
        .collect();
    assert_eq!(ours.len(), 5);
    for f in ours {
        for text in [&f.message, &f.message_en] {
            assert!(
                !text.contains("370921") && !text.contains("王丽") && !text.contains("刘芳"),
                "{text}"
            );
        }
    }
    let liu = findings
        .iter()
        .find(|f| f.rule == "X-US-THEN-TOP" && f.row == Some(4))
        .unwrap();
    assert!(
        liu.message.contains("刘*")
            && liu.message.contains("青山县康宁门诊部")
            && liu.message.contains("exams.csv 第 3 行")
            && liu.message.contains("不在同一机构")
            && liu.message.contains("不足 7 天"),
        "{}",
        liu.message
    );
}

// ---- generated ledgers, judged against a nested-loop reference ----

/// A small deterministic generator: the same rows on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// A valid GB 11643 number of a woman (even 17th digit).
fn woman_id(n: u64) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let birth = day("1985-01-01") + Duration::days((n * 37 % 6000) as i64);
    let body = format!("370921{}{:03}", birth.format("%Y%m%d"), (n % 450) * 2 + 100);
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

struct Row {
    person: Option<u64>,
    day: i64,
    ga_days: i64,
    text: String,
}

fn ga_text(days: i64) -> String {
    if days % 7 == 0 {
        format!("{}周", days / 7)
    } else {
        format!("{}+{}", days / 7, days % 7)
    }
}

fn date_of(offset: i64) -> NaiveDate {
    day("2024-01-01") + Duration::days(offset)
}

fn generate(rng: &mut Lcg, n: usize, people: u64, days: u64) -> Vec<Row> {
    (0..n)
        .map(|_| Row {
            // One row in 20 without an ID number: it links to nothing.
            person: (rng.next(20) != 0).then(|| rng.next(people)),
            day: rng.next(days) as i64,
            ga_days: 49 + rng.next(180) as i64,
            text: String::new(),
        })
        .collect()
}

fn csv(header: &str, rows: &[Row], line: impl Fn(&Row, &str) -> String) -> String {
    let mut out = format!("{header}\n");
    for r in rows {
        let id = r.person.map(woman_id).unwrap_or_default();
        out.push_str(&line(r, &id));
        out.push('\n');
    }
    out
}

#[test]
fn hash_joins_find_what_comparing_every_pair_finds() {
    let mut rng = Lcg(20_240_630);
    let people = 400;
    let exams = generate(&mut rng, 3000, people, 200);
    let mut terminations = generate(&mut rng, 700, people, 200);
    for t in &mut terminations {
        t.text = match rng.next(6) {
            0 => "医学诊断证明".to_owned(),
            1 | 2 => "药物流产".to_owned(),
            _ => "负压吸引术".to_owned(),
        };
    }
    let mut dispenses = generate(&mut rng, 600, people, 200);
    for d in &mut dispenses {
        d.text = ["米非司酮片", "米索前列醇片", "阿莫西林胶囊"][rng.next(3) as usize].to_owned();
    }
    let exam_csv = csv(
        "检查时间,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人",
        &exams,
        |r, id| {
            format!(
                "{} 09:00,E{},某某,{id},{},产科B超,张伟,李娜",
                date_of(r.day),
                r.day,
                ga_text(r.ga_days)
            )
        },
    );
    let top_csv = csv(
        "手术日期,病历号,姓名,身份证号,孕周,术式,证明类型,证明编号",
        &terminations,
        |r, id| {
            let (method, cert) = if r.text == "医学诊断证明" {
                ("钳刮术", "医学诊断证明,ZM1")
            } else {
                (r.text.as_str(), ",")
            };
            format!(
                "{},T{},某某,{id},{},{method},{cert}",
                date_of(r.day),
                r.day,
                ga_text(r.ga_days)
            )
        },
    );
    let rx_csv = csv(
        "发药日期,处方号,姓名,身份证号,药品名称,数量,处方医师",
        &dispenses,
        |r, id| format!("{},R{},某某,{id},{},3,刘敏", date_of(r.day), r.day, r.text),
    );
    let (findings, skipped) = run(
        &[
            ("exams.csv", &exam_csv),
            ("terminations.csv", &top_csv),
            ("dispenses.csv", &rx_csv),
        ],
        day("2024-12-31"),
    );
    assert!(
        !skipped
            .iter()
            .any(|s| s.rule.starts_with("X-") && s.rule != "X-PREG-NO-OUTCOME"),
        "{skipped:?}"
    );
    // Data rows start on line 2.
    let line = |i: usize| i as u32 + 2;

    // X-US-THEN-TOP: a termination without a certificate 0-30 days after a scan at 12+ weeks.
    let mut want: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for (ti, t) in terminations.iter().enumerate() {
        if t.text == "医学诊断证明" || t.person.is_none() {
            continue;
        }
        let mut related: Vec<String> = exams
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.person == t.person && e.ga_days >= 84 && (0..=30).contains(&(t.day - e.day))
            })
            .map(|(ei, _)| format!("exams.csv:{}", line(ei)))
            .collect();
        if !related.is_empty() {
            related.sort();
            want.insert(line(ti), related);
        }
    }
    assert!(want.len() > 20, "the generated rows exercise the rule");
    assert_eq!(found(&findings, "X-US-THEN-TOP", "terminations.csv"), want);

    // X-DRUG-NO-TOP, both ways, ±14 days.
    let drug = |d: &Row| d.text != "阿莫西林胶囊";
    let mut want: BTreeSet<u32> = BTreeSet::new();
    for (di, d) in dispenses.iter().enumerate() {
        if d.person.is_none() || !drug(d) {
            continue;
        }
        if !terminations
            .iter()
            .any(|t| t.person == d.person && (t.day - d.day).abs() <= 14)
        {
            want.insert(line(di));
        }
    }
    let got: BTreeSet<u32> = found(&findings, "X-DRUG-NO-TOP", "dispenses.csv")
        .into_keys()
        .collect();
    assert!(want.len() > 20);
    assert_eq!(got, want);
    let mut want: BTreeSet<u32> = BTreeSet::new();
    for (ti, t) in terminations.iter().enumerate() {
        if t.person.is_none() || t.text != "药物流产" {
            continue;
        }
        if !dispenses
            .iter()
            .any(|d| drug(d) && d.person == t.person && (t.day - d.day).abs() <= 14)
        {
            want.insert(line(ti));
        }
    }
    let got: BTreeSet<u32> = found(&findings, "X-DRUG-NO-TOP", "terminations.csv")
        .into_keys()
        .collect();
    assert!(want.len() > 20);
    assert_eq!(got, want);

    // US-SHOPPING on one register naming no institution: scans never come from two known
    // institutions, so nothing fires, however many scans a woman had.
    assert!(!findings.iter().any(|f| f.rule == "US-SHOPPING"));
}

#[test]
fn scan_shopping_over_two_registers_finds_what_a_plain_search_finds() {
    let mut rng = Lcg(13_024);
    let registers = [("a.csv", "青山县人民医院"), ("b.csv", "青山县康宁门诊部")];
    let scans: Vec<Vec<Row>> = registers
        .iter()
        .map(|_| generate(&mut rng, 1200, 250, 60))
        .collect();
    let texts: Vec<String> = registers
        .iter()
        .zip(&scans)
        .map(|((_, inst), rows)| {
            let body = csv(
                "检查时间,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人",
                rows,
                |r, id| {
                    format!(
                        "{} 09:00,E{},某某,{id},{},产科B超,张伟,李娜",
                        date_of(r.day),
                        r.day,
                        ga_text(r.ga_days)
                    )
                },
            );
            format!("{inst}B超检查登记表,,,,,,,\n{body}")
        })
        .collect();
    let (findings, _) = run(
        &[(registers[0].0, &texts[0]), (registers[1].0, &texts[1])],
        day("2024-06-30"),
    );
    // Title row, header, then data from line 3. Same order as the rule: day, file, row.
    let mut by_person: BTreeMap<u64, Vec<(i64, usize, u32)>> = BTreeMap::new();
    for (f, rows) in scans.iter().enumerate() {
        for (i, r) in rows.iter().enumerate() {
            if let Some(p) = r.person
                && (91..=174).contains(&r.ga_days)
            {
                by_person
                    .entry(p)
                    .or_default()
                    .push((r.day, f, i as u32 + 3));
            }
        }
    }
    let mut want: BTreeMap<(String, u32), Vec<String>> = BTreeMap::new();
    for list in by_person.values_mut() {
        list.sort_unstable();
        let mut i = 0;
        while i < list.len() {
            let window: Vec<_> = list[i..]
                .iter()
                .take_while(|s| s.0 <= list[i].0 + 14)
                .copied()
                .collect();
            let places: BTreeSet<usize> = window.iter().map(|s| s.1).collect();
            if window.len() >= 3 && places.len() >= 2 {
                let (last, others) = window.split_last().unwrap();
                let mut related: Vec<String> = others
                    .iter()
                    .map(|s| format!("{}:{}", registers[s.1].0, s.2))
                    .collect();
                related.sort();
                want.insert((registers[last.1].0.to_owned(), last.2), related);
                i += window.len();
            } else {
                i += 1;
            }
        }
    }
    let mut got: BTreeMap<(String, u32), Vec<String>> = BTreeMap::new();
    for (file, _) in registers {
        for (row, related) in found(&findings, "US-SHOPPING", file) {
            got.insert((file.to_owned(), row), related);
        }
    }
    assert!(want.len() > 10, "the generated rows exercise the rule");
    assert_eq!(got, want);
}

#[test]
fn pregnancy_outcomes_are_found_as_a_plain_search_finds_them() {
    let mut rng = Lcg(442);
    let people = 300;
    // Dates are days from 2024-01-01, reaching back almost two years.
    let mut pregnancies = generate(&mut rng, 900, people, 640);
    for p in &mut pregnancies {
        p.day -= 640;
        p.ga_days = 60 + rng.next(100) as i64;
        p.text = ["", "", "", "失访", "分娩"][rng.next(5) as usize].to_owned();
    }
    let mut births = generate(&mut rng, 300, people, 640);
    let mut terminations = generate(&mut rng, 300, people, 640);
    for r in births.iter_mut().chain(terminations.iter_mut()) {
        r.day -= 400;
    }
    let reg_csv = csv(
        "登记日期,登记编号,姓名,身份证号,末次月经,登记孕周,妊娠结局",
        &pregnancies,
        |r, id| {
            format!(
                "{},Y{},某某,{id},{},{},{}",
                date_of(r.day + r.ga_days),
                r.day,
                date_of(r.day),
                ga_text(r.ga_days),
                r.text
            )
        },
    );
    let birth_csv = csv(
        "出生日期,新生儿性别,母亲姓名,母亲身份证号",
        &births,
        |r, id| format!("{},女,某某,{id}", date_of(r.day)),
    );
    let top_csv = csv(
        "手术日期,病历号,姓名,身份证号,术式",
        &terminations,
        |r, id| format!("{},T{},某某,{id},负压吸引术", date_of(r.day), r.day),
    );
    let as_of = day("2024-06-30");
    let (findings, _) = run(
        &[
            ("pregnancies.csv", &reg_csv),
            ("births.csv", &birth_csv),
            ("terminations.csv", &top_csv),
        ],
        as_of,
    );
    let as_of_day = (as_of - day("2024-01-01")).num_days();
    let mut want: BTreeSet<u32> = BTreeSet::new();
    for (i, p) in pregnancies.iter().enumerate() {
        let deadline = p.day + 322;
        if p.person.is_none() || p.ga_days < 98 || deadline >= as_of_day || p.text == "分娩" {
            continue;
        }
        let ended = births
            .iter()
            .chain(&terminations)
            .any(|r| r.person == p.person && (p.day..=deadline).contains(&r.day));
        if !ended {
            want.insert(i as u32 + 2);
        }
    }
    let got: BTreeSet<u32> = found(&findings, "X-PREG-NO-OUTCOME", "pregnancies.csv")
        .into_keys()
        .collect();
    assert!(want.len() > 20, "the generated rows exercise the rule");
    assert_eq!(got, want);
}
