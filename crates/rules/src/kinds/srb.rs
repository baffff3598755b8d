//! `sex_ratio`: live births by sex pooled per institution and period over every birth table of
//! the run, judged by the exact binomial test against the normal sex ratio at birth with
//! Benjamini–Hochberg control, and flagged only when the exact interval clears the normal band.
//! Also gives the per-institution points of the funnel plot ([`points`]).

use std::collections::HashMap;

use auditor_ingest::Table;
use auditor_ingest::column::{Column, days_from_date};
use chrono::Datelike;

use super::{Check, Context, Hit, Hits};
use crate::catalogue::Rule;
use crate::stats;

/// The birth-register fields the check reads.
pub struct Fields<'a> {
    pub sex: &'a str,
    pub live: &'a str,
    pub date: &'a str,
    pub institution: &'a str,
    pub institution_code: &'a str,
}

/// How births are pooled in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Year,
    Quarter,
    Month,
    /// Every date of the run together.
    All,
}

/// The rule's parameters, checked when the catalogue loads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub period: Period,
    pub confidence: f64,
    /// The normal ratio the test is against, boys per 100 girls.
    pub p0_srb: f64,
    pub q: f64,
    pub band_low: f64,
    pub band_high: f64,
    pub min_births: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            period: Period::Year,
            confidence: 0.95,
            p0_srb: 105.0,
            q: 0.05,
            band_low: 103.0,
            band_high: 107.0,
            min_births: 200,
        }
    }
}

impl Params {
    pub fn of(rule: &Rule) -> Result<Self, String> {
        let d = Self::default();
        let number = |name: &str, default: f64| -> Result<f64, String> {
            match rule.params.get(name) {
                None => Ok(default),
                Some(toml::Value::Float(x)) => Ok(*x),
                Some(toml::Value::Integer(i)) => Ok(*i as f64),
                Some(v) => Err(format!("parameter {name} must be a number, not {v}")),
            }
        };
        let period = match rule.param_str("period").unwrap_or("year") {
            "year" => Period::Year,
            "quarter" => Period::Quarter,
            "month" => Period::Month,
            "all" => Period::All,
            other => {
                return Err(format!(
                    "parameter period must be year, quarter, month or all, not \"{other}\""
                ));
            }
        };
        let p = Self {
            period,
            confidence: number("confidence", d.confidence)?,
            p0_srb: number("p0_srb", d.p0_srb)?,
            q: number("q", d.q)?,
            band_low: number("band_low", d.band_low)?,
            band_high: number("band_high", d.band_high)?,
            min_births: u64::try_from(rule.param_int("min_births").unwrap_or(200))
                .map_err(|_| "parameter min_births must not be negative".to_owned())?,
        };
        if p.confidence.is_nan() || p.confidence <= 0.0 || p.confidence >= 1.0 {
            return Err("parameter confidence must lie between 0 and 1".to_owned());
        }
        if p.q.is_nan() || p.q <= 0.0 || p.q > 1.0 {
            return Err("parameter q must lie in (0, 1]".to_owned());
        }
        if p.p0_srb.is_nan() || p.p0_srb <= 0.0 || p.band_low <= 0.0 || p.band_low > p.band_high {
            return Err(
                "parameters p0_srb, band_low and band_high must be positive, band_low ≤ band_high"
                    .to_owned(),
            );
        }
        Ok(p)
    }
}

/// One institution in one period: its births by sex and what the tests say of them.
#[derive(Debug, Clone, PartialEq)]
pub struct SrbPoint {
    /// The institution's name (its USCC when no row or title names it).
    pub institution: String,
    pub institution_code: Option<String>,
    /// "2023", "2023-Q1", "2023-03", or empty when all dates are pooled.
    pub period: String,
    pub boys: u64,
    pub girls: u64,
    /// Live births whose sex is not recorded: not counted in the ratio.
    pub unknown_sex: u64,
    pub stillbirths: u64,
    /// Boys per 100 girls: infinite with no girls, NaN with no births of known sex.
    pub srb: f64,
    /// The exact interval of the ratio at the rule's confidence.
    pub ci: (f64, f64),
    /// The two-sided exact binomial test against the normal ratio.
    pub p_value: f64,
    /// Benjamini–Hochberg adjusted over every institution-period of the run.
    pub p_adjusted: f64,
    pub flagged: bool,
    /// Where the finding is reported: the table (index into the run's tables) and record of
    /// the institution's latest birth in the period.
    pub last: (usize, usize),
    /// Indices of the tables its births come from, in run order.
    pub tables: Vec<usize>,
}

impl SrbPoint {
    /// Live births of known sex.
    pub fn births(&self) -> u64 {
        self.boys + self.girls
    }
}

/// What the rule's parameters say a normal ratio is, for drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Norms {
    pub p0_srb: f64,
    pub band_low: f64,
    pub band_high: f64,
}

/// The funnel plot's data: every institution-period of the run, and the norms.
#[derive(Debug, Clone, PartialEq)]
pub struct SexRatio {
    pub points: Vec<SrbPoint>,
    pub norms: Norms,
}

/// The sex-ratio points of the run under the pack's first sex-ratio rule (with its parameters
/// as the pack sets them); `None` when there are no birth tables or no such rule.
pub fn for_pack(
    catalogue: &crate::Catalogue,
    pack: &crate::Pack,
    tables: &[Table],
) -> Option<SexRatio> {
    let rule = catalogue
        .rules
        .iter()
        .filter(|r| pack.selects(&r.id))
        .find(|r| matches!(r.check, Check::SexRatio { .. }))
        .map(|r| pack.apply(r))?;
    let params = Params::of(&rule).ok()?;
    let points = points(tables, &rule);
    (!points.is_empty()).then_some(SexRatio {
        points,
        norms: Norms {
            p0_srb: params.p0_srb,
            band_low: params.band_low,
            band_high: params.band_high,
        },
    })
}

/// Every institution-period of the tables of the rule's datasets, in order of institution
/// then period; empty when the rule's check is not `sex_ratio`.
pub fn points(tables: &[Table], rule: &Rule) -> Vec<SrbPoint> {
    let Check::SexRatio {
        sex,
        live,
        date,
        institution,
        institution_code,
    } = &rule.check
    else {
        return Vec::new();
    };
    let Ok(params) = Params::of(rule) else {
        return Vec::new();
    };
    let fields = Fields {
        sex,
        live,
        date,
        institution,
        institution_code,
    };
    survey(tables, rule, &fields, &params).points
}

/// Births that could not be placed in an institution-period, per table.
#[derive(Default, Clone, Copy)]
struct Unplaced {
    no_institution: usize,
    no_date: usize,
}

struct Survey {
    points: Vec<SrbPoint>,
    unplaced: Vec<Unplaced>,
}

#[derive(Default)]
struct Tally {
    boys: u64,
    girls: u64,
    unknown_sex: u64,
    stillbirths: u64,
    /// (birth date as a day number, table, record) of the latest counted birth.
    last: Option<(i32, usize, usize)>,
    tables: Vec<usize>,
}

/// An institution: its USCC where known, else its name.
type InstKey<'t> = &'t str;

/// One pass to learn which USCC each named institution has, one to count: a hash join, so a
/// million births cost two scans.
fn survey(tables: &[Table], rule: &Rule, f: &Fields<'_>, params: &Params) -> Survey {
    let judged: Vec<(usize, &Table)> = tables
        .iter()
        .enumerate()
        .filter(|(_, t)| rule.datasets.contains(&t.dataset))
        .collect();
    // Some ledgers name an institution only by name (or in their title rows), others give
    // the USCC too: the name is resolved to the code wherever a row shows both.
    let mut code_of: HashMap<&str, &str> = HashMap::new();
    for (_, t) in &judged {
        let (Some(names), Some(codes)) = (t.column(f.institution), t.column(f.institution_code))
        else {
            continue;
        };
        for i in 0..t.len() {
            if let (Some(n), Some(c)) = (names.text(i), codes.text(i)) {
                code_of.entry(n).or_insert(c);
            }
        }
    }
    let mut tallies: HashMap<(InstKey<'_>, i32), Tally> = HashMap::new();
    let mut names: HashMap<InstKey<'_>, (&str, Option<&str>)> = HashMap::new();
    let mut unplaced = vec![Unplaced::default(); tables.len()];
    for &(ti, t) in &judged {
        let (sex, live, date) = (t.column(f.sex), t.column(f.live), t.column(f.date));
        let (name_col, code_col) = (t.column(f.institution), t.column(f.institution_code));
        let title = Some(t.institution.trim()).filter(|s| !s.is_empty());
        for i in 0..t.len() {
            let name = name_col.and_then(|c| c.text(i)).or(title);
            let code = code_col
                .and_then(|c| c.text(i))
                .or_else(|| name.and_then(|n| code_of.get(n).copied()));
            let Some(key) = code.or(name) else {
                unplaced[ti].no_institution += 1;
                continue;
            };
            let day = date.and_then(|c| c.date(i));
            let period = match (params.period, day) {
                (Period::All, _) => 0,
                (Period::Year, Some(d)) => d.year() * 100,
                (Period::Quarter, Some(d)) => d.year() * 100 + (d.month0() / 3 + 1) as i32,
                (Period::Month, Some(d)) => d.year() * 100 + d.month() as i32,
                (_, None) => {
                    unplaced[ti].no_date += 1;
                    continue;
                }
            };
            let entry = names.entry(key).or_insert((name.unwrap_or(key), code));
            if entry.1.is_none() {
                entry.1 = code;
            }
            let tally = tallies.entry((key, period)).or_default();
            if tally.tables.last() != Some(&ti) {
                tally.tables.push(ti);
            }
            // A stillbirth is recorded as 否; a blank 活产 cell is a live birth, as registers
            // usually note only the exceptions.
            if matches!(live, Some(Column::Flag(v)) if v.get(i) == Some(&0)) {
                tally.stillbirths += 1;
                continue;
            }
            match sex {
                Some(Column::Flag(v)) if v.get(i) == Some(&1) => tally.boys += 1,
                Some(Column::Flag(v)) if v.get(i) == Some(&0) => tally.girls += 1,
                _ => {
                    tally.unknown_sex += 1;
                    continue;
                }
            }
            let at = (day.map_or(i32::MIN, days_from_date), ti, i);
            if tally.last.is_none_or(|l| at > l) {
                tally.last = Some(at);
            }
        }
    }
    let p0 = stats::share_of_srb(params.p0_srb);
    let mut points: Vec<SrbPoint> = tallies
        .into_iter()
        .map(|((key, period), t)| {
            let (name, code) = names.get(key).copied().unwrap_or((key, None));
            let n = t.boys + t.girls;
            let (lo, hi) = stats::clopper_pearson(t.boys, n, params.confidence);
            SrbPoint {
                institution: name.to_owned(),
                institution_code: code.map(str::to_owned),
                period: period_label(params.period, period),
                boys: t.boys,
                girls: t.girls,
                unknown_sex: t.unknown_sex,
                stillbirths: t.stillbirths,
                srb: if n == 0 {
                    f64::NAN
                } else {
                    stats::srb_of_share(t.boys as f64 / n as f64)
                },
                ci: (stats::srb_of_share(lo), stats::srb_of_share(hi)),
                p_value: stats::binom_test_two_sided(t.boys, n, p0),
                p_adjusted: 1.0,
                flagged: false,
                last: t.last.map_or((usize::MAX, 0), |(_, ti, i)| (ti, i)),
                tables: t.tables,
            }
        })
        .collect();
    points.sort_by(|a, b| {
        (&a.institution, &a.institution_code, &a.period).cmp(&(
            &b.institution,
            &b.institution_code,
            &b.period,
        ))
    });
    // The family is every institution-period with a birth of known sex: small ones too, so
    // pooling choices cannot shrink the correction.
    let tested: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].births() > 0)
        .collect();
    let adjusted = stats::benjamini_hochberg(
        &tested
            .iter()
            .map(|&i| points[i].p_value)
            .collect::<Vec<_>>(),
    );
    for (&i, adj) in tested.iter().zip(adjusted) {
        let p = &mut points[i];
        p.p_adjusted = adj;
        p.flagged = adj <= params.q
            && p.births() >= params.min_births
            && (p.ci.0 > params.band_high || p.ci.1 < params.band_low);
    }
    Survey { points, unplaced }
}

fn period_label(period: Period, key: i32) -> String {
    let (year, part) = (key / 100, key % 100);
    match period {
        Period::All => String::new(),
        Period::Year => year.to_string(),
        Period::Quarter => format!("{year}-Q{part}"),
        Period::Month => format!("{year}-{part:02}"),
    }
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let mut hits = Hits::default();
    // Validated when the catalogue loaded.
    let Ok(params) = Params::of(rule) else {
        return hits;
    };
    let Some(this) = ctx.tables.iter().position(|t| std::ptr::eq(t, table)) else {
        return hits;
    };
    // Every birth register is counted once per run, not once per register judged.
    let survey = ctx
        .cache
        .get_or_build("survey", || survey(ctx.tables, rule, f, &params));
    let tested = survey.points.iter().filter(|p| p.births() > 0).count();
    // An institution-period is one finding in the whole run, reported by the table that holds
    // its latest birth, however many files its births span.
    let mut mine: Vec<&SrbPoint> = survey
        .points
        .iter()
        .filter(|p| p.flagged && p.last.0 == this)
        .collect();
    mine.sort_by_key(|p| p.last.1);
    for p in mine {
        let (zh, en) = message(p, &params, tested, ctx.tables);
        hits.push(Hit {
            record: Some(p.last.1),
            fields: vec![f.sex.to_owned()],
            zh,
            en,
            related: Vec::new(),
        });
    }
    let u = survey.unplaced.get(this).copied().unwrap_or_default();
    if u.no_institution + u.no_date > 0 {
        hits.unjudged = Some((
            format!(
                "{} 条出生记录未计入机构出生性别比（{} 条无分娩机构，{} 条无出生日期）",
                u.no_institution + u.no_date,
                u.no_institution,
                u.no_date
            ),
            format!(
                "{} births not counted in the institutions' sex ratios ({} without an institution, {} without a birth date)",
                u.no_institution + u.no_date,
                u.no_institution,
                u.no_date
            ),
        ));
    }
    hits
}

/// A count as shown: below 5 only as "<5", since small cells can single out a family
/// (DOMAIN §4.6).
pub fn shown(count: u64) -> String {
    if (1..5).contains(&count) {
        "<5".to_owned()
    } else {
        count.to_string()
    }
}

/// A ratio to one decimal; "∞" with no girls.
pub fn ratio(srb: f64) -> String {
    if srb.is_finite() {
        format!("{srb:.1}")
    } else {
        "∞".to_owned()
    }
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

fn message(p: &SrbPoint, params: &Params, tested: usize, tables: &[Table]) -> (String, String) {
    let inst = match &p.institution_code {
        Some(code) if code != &p.institution => format!("{}（{code}）", p.institution),
        _ => p.institution.clone(),
    };
    let inst_en = match &p.institution_code {
        Some(code) if code != &p.institution => format!("{} ({code})", p.institution),
        _ => p.institution.clone(),
    };
    let (period_zh, period_en) = match params.period {
        Period::All => (String::new(), String::new()),
        Period::Year => (format!(" {} 年", p.period), format!(", {}", p.period)),
        Period::Quarter | Period::Month => (format!(" {}", p.period), format!(", {}", p.period)),
    };
    let above = p.ci.0 > params.band_high;
    let (side_zh, side_en) = if above {
        ("高于", "above")
    } else {
        ("低于", "below")
    };
    // 95, 99.8: rounded so 0.95 × 100 never shows as 94.99999999999999.
    let conf = (params.confidence * 1000.0).round() / 10.0;
    // Sorted, so the message does not depend on the order the files were given in.
    let mut files: Vec<&str> = p
        .tables
        .iter()
        .filter_map(|&i| tables.get(i).map(|t| t.file.as_str()))
        .collect();
    files.sort_unstable();
    files.dedup();
    let (files_zh, files_en) = if files.len() > 1 {
        (
            format!("；合并了 {} 的出生记录", files.join("、")),
            format!("; births pooled from {}", files.join(", ")),
        )
    } else {
        (String::new(), String::new())
    };
    let (unknown_zh, unknown_en) = if p.unknown_sex > 0 {
        (
            format!("；另有 {} 例性别不详未计入", shown(p.unknown_sex)),
            format!("; {} of unknown sex not counted", shown(p.unknown_sex)),
        )
    } else {
        (String::new(), String::new())
    };
    let zh = format!(
        "{inst}{period_zh}活产 {n} 例（男 {m}、女 {f}），出生性别比 {srb}，{conf}% 精确置信区间 {lo}–{hi} \
         整体{side_zh}正常范围 {bl}–{bh}；与 {p0} 比较的双侧精确二项检验经 Benjamini–Hochberg 校正 p = {padj}\
         （q = {q}，本次共 {tested} 个机构-期间）{unknown_zh}{files_zh}",
        n = p.births(),
        m = shown(p.boys),
        f = shown(p.girls),
        srb = ratio(p.srb),
        lo = ratio(p.ci.0),
        hi = ratio(p.ci.1),
        bl = params.band_low,
        bh = params.band_high,
        p0 = params.p0_srb,
        padj = p_text(p.p_adjusted),
        q = params.q,
    );
    let en = format!(
        "{inst_en}{period_en}: {n} live births ({m} boys, {f} girls), sex ratio at birth {srb}; \
         the exact {conf}% confidence interval {lo}–{hi} lies wholly {side_en} the normal band \
         {bl}–{bh}; two-sided exact binomial test against {p0}, Benjamini–Hochberg adjusted \
         p = {padj} (q = {q}, {tested} institution-periods in this run){unknown_en}{files_en}",
        n = p.births(),
        m = shown(p.boys),
        f = shown(p.girls),
        srb = ratio(p.srb),
        lo = ratio(p.ci.0),
        hi = ratio(p.ci.1),
        bl = params.band_low,
        bh = params.band_high,
        p0 = params.p0_srb,
        padj = p_text(p.p_adjusted),
        q = params.q,
    );
    (zh, en)
}
