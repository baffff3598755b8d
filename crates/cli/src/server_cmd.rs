//! `auditor serve`, `auditor migrate`, `auditor users add` and `auditor tokens create`: the
//! server and its administration. All of them find the database the same way: `DATABASE_URL`
//! when set (PostgreSQL or SQLite), else `auditor.db` in the data directory.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use auditor_server::{AppState, Config, Engine};
use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::users::NewUser;
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct DbArgs {
    /// 数据目录（SQLite 数据库、上传文件、密钥）/ data directory (SQLite database, uploads, key)
    #[arg(long, env = "AUDITOR_DATA_DIR", default_value = "auditor-data")]
    pub(crate) data_dir: PathBuf,
    /// 数据库地址，如 `postgres://user@host/db`；缺省为数据目录中的 SQLite / database URL; SQLite in the data directory by default
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址 / address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    #[command(flatten)]
    db: DbArgs,
    /// 单个上传文件的上限（MB）/ largest upload, in MB
    #[arg(long, default_value_t = 200)]
    max_upload_mb: u64,
    /// 不设置 Cookie 的 Secure 标志（仅用于纯 HTTP 的本地测试）/ cookies without Secure, for plain-HTTP local tests only
    #[arg(long)]
    insecure_cookies: bool,
    #[command(flatten)]
    mail: crate::notify_cmd::MailArgs,
    /// 调度器和发件箱检查间隔（秒）/ seconds between looks at the schedules and the outbox
    #[arg(long, default_value_t = 30)]
    tick_secs: u64,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 回滚全部迁移 / revert every migration
    #[arg(long)]
    down: bool,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// 添加用户，密码从标准输入读取或自动生成 / add a user; the password is read from stdin or generated
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    email: String,
    /// admin | inspector | institution
    #[arg(long)]
    role: String,
    /// 检查员的行政区划代码，如 37、3709、370921 / an inspector's region code
    #[arg(long)]
    region: Option<String>,
    /// 机构用户的统一社会信用代码 / an institution user's credit code
    #[arg(long)]
    institution: Option<String>,
    /// 机构名称（首次创建该机构时使用）/ the institution's name, when it is new
    #[arg(long)]
    name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// 为用户创建 API 令牌 / make an API token for a user
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    email: String,
    /// 令牌用途 / what the token is for
    #[arg(long, default_value = "api")]
    name: String,
}

pub(crate) fn fail(message: &str) -> ExitCode {
    eprintln!("auditor: {message}");
    ExitCode::from(2)
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动运行时 / cannot start the runtime: {e}"))
}

pub(crate) async fn open(db: &DbArgs) -> Result<Store, String> {
    std::fs::create_dir_all(&db.data_dir).map_err(|e| {
        format!(
            "无法创建数据目录 {0} / cannot create the data directory {0}: {e}",
            db.data_dir.display()
        )
    })?;
    let url = db
        .database_url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| Store::sqlite_url(&db.data_dir));
    Store::open(&url).await.map_err(|e| {
        format!(
            "无法打开数据库 / cannot open the database ({}): {e}",
            redact(&url)
        )
    })
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

pub(crate) fn id_key(data_dir: &Path) -> Result<Vec<u8>, String> {
    if let Ok(key) = std::env::var(crate::key::ENV)
        && !key.trim().is_empty()
    {
        return Ok(key.trim().as_bytes().to_vec());
    }
    let (key, created) = auditor_ingest::privacy::load_or_create_key(data_dir)?;
    if let Some(path) = created {
        println!(
            "已生成身份证号哈希密钥 {0}，请备份 / made the ID hashing key {0}; back it up",
            path.display()
        );
    }
    Ok(key)
}

pub fn serve(args: &ServeArgs) -> ExitCode {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(&e),
    };
    match rt.block_on(serve_async(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

async fn serve_async(args: &ServeArgs) -> Result<(), String> {
    let store = open(&args.db).await?;
    if store.count_users().await.map_err(|e| e.to_string())? == 0 {
        let password = auditor_server::password::generate_password()?;
        let hash = auditor_server::password::hash_password(&password)?;
        store
            .add_user(&NewUser {
                email: "admin@localhost",
                password_hash: &hash,
                role: Role::Admin,
                region: None,
                institution_uscc: None,
                institution_name: None,
            })
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "首次启动：管理员 admin@localhost 的密码是 {password}（只显示这一次）\nfirst start: the password of admin admin@localhost is {password} (shown only this once)"
        );
    }
    let today = auditor_server::routes::uploads::today_in_china();
    store
        .expire_waivers(today)
        .await
        .map_err(|e| e.to_string())?;
    let engine = Engine::load(&id_key(&args.db.data_dir)?)?;
    let config = Config {
        max_upload_bytes: args.max_upload_mb << 20,
        secure_cookies: !args.insecure_cookies,
        ..Config::default()
    };
    let state = AppState::new(store, engine, args.db.data_dir.clone(), config);
    let notifier = args.mail.notifier()?;
    if notifier.is_none() {
        println!(
            "未设置 AUDITOR_SMTP_URL：巡查照常运行，摘要邮件留在发件箱 / AUDITOR_SMTP_URL is not set: sweeps run, digests wait in the outbox"
        );
    }
    // The scheduler catches up once on runs missed while the server was down, then looks
    // every tick; the drain mails the outbox. Both stop with the server.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let background = tokio::spawn(auditor_server::scheduler::background(
        state.clone(),
        notifier,
        std::time::Duration::from_secs(args.tick_secs.max(1)),
        stopped,
    ));
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .map_err(|e| format!("无法监听 {0} / cannot listen on {0}: {e}", args.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("auditor 正在监听 / listening on http://{addr}");
    let app = auditor_server::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server: {e}"));
    let _ = stop.send(true);
    let _ = background.await;
    served
}

pub fn migrate(args: &MigrateArgs) -> ExitCode {
    let run = async {
        let store = open(&args.db).await?;
        if args.down {
            store.migrate_down().await.map_err(|e| e.to_string())?;
            println!("已回滚全部迁移 / every migration reverted");
        } else {
            println!("数据库已是最新 / the database is up to date");
        }
        Ok::<(), String>(())
    };
    match runtime().and_then(|rt| rt.block_on(run)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn read_password() -> Result<(String, bool), String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok((auditor_server::password::generate_password()?, true));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("stdin: {e}"))?;
    let pw = line.trim_end_matches(['\r', '\n']).to_owned();
    if pw.is_empty() {
        return Ok((auditor_server::password::generate_password()?, true));
    }
    if pw.chars().count() < 8 {
        return Err("密码至少 8 个字符 / a password needs at least 8 characters".into());
    }
    Ok((pw, false))
}

pub fn users(command: &UsersCommand) -> ExitCode {
    let UsersCommand::Add(args) = command;
    let Some(role) = Role::parse(&args.role) else {
        return fail(&format!(
            "--role 应为 admin、inspector 或 institution，收到 \"{0}\" / --role must be admin, inspector or institution, got \"{0}\"",
            args.role
        ));
    };
    let run = async {
        let (password, generated) = read_password()?;
        let hash = auditor_server::password::hash_password(&password)?;
        let store = open(&args.db).await?;
        let user = store
            .add_user(&NewUser {
                email: &args.email,
                password_hash: &hash,
                role,
                region: args.region.as_deref(),
                institution_uscc: args.institution.as_deref(),
                institution_name: args.name.as_deref(),
            })
            .await
            .map_err(|e| e.to_string())?;
        println!("已添加用户 / added user {} ({})", user.email, user.role);
        if generated {
            println!("密码 / password: {password}");
        }
        Ok::<(), String>(())
    };
    match runtime().and_then(|rt| rt.block_on(run)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

pub fn tokens(command: &TokensCommand) -> ExitCode {
    let TokensCommand::Create(args) = command;
    let run = async {
        let store = open(&args.db).await?;
        let user = store
            .user_by_email(&args.email)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("没有用户 {0} / no user {0}", args.email))?;
        let token = auditor_server::password::random_secret()?;
        store
            .add_token(user.id, &token, &args.name)
            .await
            .map_err(|e| e.to_string())?;
        println!("{token}");
        Ok::<(), String>(())
    };
    match runtime().and_then(|rt| rt.block_on(run)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}
