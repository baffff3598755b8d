//! The `auditor` command.

mod as_of;
mod check;
mod key;
mod notes;
mod notify_cmd;
mod pack_name;
mod rules_cmd;
mod server_cmd;
mod timings;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "auditor",
    version,
    about = "两非合规审计 / compliance auditor for the \"two illegals\" campaign"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 离线检查台账文件 / check ledger files offline
    Check(check::CheckArgs),
    /// 规则目录 / the rule catalogue
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// 启动服务器 / run the server
    Serve(server_cmd::ServeArgs),
    /// 升级数据库结构 / bring the database schema up to date
    Migrate(server_cmd::MigrateArgs),
    /// 用户管理 / manage users
    #[command(subcommand)]
    Users(server_cmd::UsersCommand),
    /// API 令牌 / API tokens
    #[command(subcommand)]
    Tokens(server_cmd::TokensCommand),
    /// 检查组（接收摘要邮件）/ inspection teams (who receives digests)
    #[command(subcommand)]
    Teams(notify_cmd::TeamsCommand),
    /// 巡查计划 / sweep schedules
    #[command(subcommand)]
    Schedules(notify_cmd::SchedulesCommand),
    /// 巡查：按当前日期重新判断已存数据 / sweep: judge stored data again as of today
    Sweep(notify_cmd::SweepArgs),
}

fn main() -> ExitCode {
    // A parser that panics on a malformed file is reported as a damaged file by ingest; anything
    // else is a bug, told in one line without a trace.
    std::panic::set_hook(Box::new(|info| {
        if !auditor_ingest::guard::parsing() {
            let place = info.location().map(ToString::to_string).unwrap_or_default();
            eprintln!("auditor 内部错误，请报告 / internal error, please report ({place})");
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with success; usage errors are exit 2.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules(command) => rules_cmd::run(&command),
        Command::Serve(args) => server_cmd::serve(&args),
        Command::Migrate(args) => server_cmd::migrate(&args),
        Command::Users(command) => server_cmd::users(&command),
        Command::Tokens(command) => server_cmd::tokens(&command),
        Command::Teams(command) => notify_cmd::teams(&command),
        Command::Schedules(command) => notify_cmd::schedules(&command),
        Command::Sweep(args) => notify_cmd::sweep(&args),
    }
}
