//! `auditor teams add`, `auditor schedules add` and `auditor sweep --now`: notifications and
//! sweeps from the command line, on the same database as `auditor serve`.

use std::process::ExitCode;

use auditor_model::Severity;
use auditor_notify::{Mailer, RetryPolicy};
use auditor_server::scheduler::{Notifier, drain, parse_cron};
use auditor_server::{AppState, Config, Engine};
use auditor_store::teams::NewTeam;
use clap::{Args, Subcommand};

use crate::server_cmd::{DbArgs, fail, id_key, open, runtime};

/// Where mail goes: `AUDITOR_SMTP_URL`, the sender and the web app's address for links.
#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// SMTP 服务器，如 smtp://127.0.0.1:2525、smtp://user:pw@host:587?tls=required、smtps://host:465 / SMTP server URL
    #[arg(long, env = "AUDITOR_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// 发件人 / sender address
    #[arg(long, env = "AUDITOR_MAIL_FROM", default_value = "auditor@localhost")]
    pub mail_from: String,
    /// 邮件中链接的网址前缀 / the web app's address, for links in mail
    #[arg(
        long,
        env = "AUDITOR_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
}

impl MailArgs {
    /// The drain's settings, or `None` when no SMTP server is configured.
    pub fn notifier(&self) -> Result<Option<Notifier>, String> {
        let Some(url) = self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let mailer = Mailer::from_url(url, &self.mail_from).map_err(|e| e.to_string())?;
        Ok(Some(Notifier {
            mailer,
            policy: RetryPolicy::default(),
            public_url: self.public_url.clone(),
        }))
    }
}

#[derive(Debug, Subcommand)]
pub enum TeamsCommand {
    /// 添加检查组 / add an inspection team
    Add(TeamAddArgs),
}

#[derive(Debug, Args)]
pub struct TeamAddArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    name: String,
    /// 行政区划代码：辖区内机构的问题发给本组 / region code: findings of institutions within it reach the team
    #[arg(long)]
    region: String,
    /// 邮箱，可重复 / email address; repeat for several
    #[arg(long = "email", required = true)]
    emails: Vec<String>,
    /// 最低严重程度 / lowest severity mailed
    #[arg(long, default_value = "high")]
    min_severity: String,
    /// zh | en
    #[arg(long, default_value = "zh")]
    language: String,
}

#[derive(Debug, Subcommand)]
pub enum SchedulesCommand {
    /// 添加巡查计划 / add a sweep schedule
    Add(ScheduleAddArgs),
}

#[derive(Debug, Args)]
pub struct ScheduleAddArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    name: String,
    /// cron 表达式（北京时间），如 "0 8 * * *" 每天 8 点 / cron expression in Asia/Shanghai time, e.g. "0 8 * * *" daily at 08:00
    #[arg(long)]
    cron: String,
    /// 只巡查该行政区划 / sweep only this region
    #[arg(long)]
    region: Option<String>,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    mail: MailArgs,
    /// 立即巡查一次 / run one sweep now
    #[arg(long)]
    now: bool,
    /// 按该巡查计划的辖区巡查 / sweep the region of this schedule
    #[arg(long)]
    schedule: Option<String>,
}

pub fn teams(command: &TeamsCommand) -> ExitCode {
    let TeamsCommand::Add(args) = command;
    let min_severity: Severity = match args.min_severity.parse() {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let run = async {
        let store = open(&args.db).await?;
        let team = store
            .add_team(
                None,
                &NewTeam {
                    name: &args.name,
                    region_code: &args.region,
                    addresses: &args.emails,
                    min_severity,
                    language: &args.language,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "已添加检查组 / added team {} (#{}, region {}, {}+, {})",
            team.name, team.id, team.region_code, team.min_severity, team.language
        );
        Ok::<(), String>(())
    };
    match runtime().and_then(|rt| rt.block_on(run)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

pub fn schedules(command: &SchedulesCommand) -> ExitCode {
    let SchedulesCommand::Add(args) = command;
    let cron = match parse_cron(&args.cron) {
        Ok((cron, _)) => cron,
        Err((zh, en)) => return fail(&format!("{zh} / {en}")),
    };
    let run = async {
        let store = open(&args.db).await?;
        let s = store
            .add_schedule(
                None,
                &args.name,
                &cron,
                args.region.as_deref(),
                auditor_store::now(),
            )
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "已添加巡查计划 / added schedule {} (#{}): {} Asia/Shanghai{}",
            s.name,
            s.id,
            s.cron,
            s.region_code
                .map(|r| format!(", region {r}"))
                .unwrap_or_default()
        );
        Ok::<(), String>(())
    };
    match runtime().and_then(|rt| rt.block_on(run)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

pub fn sweep(args: &SweepArgs) -> ExitCode {
    if !args.now {
        return fail(
            "定时巡查由 auditor serve 执行；立即巡查请加 --now / scheduled sweeps run inside `auditor serve`; add --now to run one now",
        );
    }
    let run = async {
        let notifier = args.mail.notifier()?;
        let store = open(&args.db).await?;
        let schedule = match args.schedule.as_deref() {
            Some(name) => Some(
                store
                    .schedule_named(name)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("没有巡查计划 {name} / no schedule {name}"))?,
            ),
            None => None,
        };
        let engine = Engine::load(&id_key(&args.db.data_dir)?)?;
        let state = AppState::new(store, engine, args.db.data_dir.clone(), Config::default());
        let (run, summary) = auditor_server::sweep::run_now(&state, schedule.as_ref()).await?;
        println!(
            "巡查 #{} 完成 / sweep #{} done: {} new findings, {} reopened, {} resolved, {} digests queued",
            run.id,
            run.id,
            summary.opened,
            summary.merged.reopened,
            summary.merged.resolved,
            summary.digests
        );
        for (rule, n) in &summary.counts {
            println!("  {rule}: {n}");
        }
        if run.errors != "[]" {
            println!("错误 / errors: {}", run.errors);
        }
        match notifier {
            Some(n) => {
                let report = drain(&state, &n).await?;
                println!(
                    "邮件 / mail: {} sent, {} to retry, {} dead",
                    report.sent, report.retried, report.dead
                );
            }
            None => println!(
                "未设置 AUDITOR_SMTP_URL，摘要邮件留在发件箱 / AUDITOR_SMTP_URL is not set; the digests wait in the outbox"
            ),
        }
        Ok::<(), String>(())
    };
    match runtime().and_then(|rt| rt.block_on(run)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}
