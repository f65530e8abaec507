//! `evenkeel serve` and `evenkeel token`: the terminal side of `evenkeel-server`.

use crate::setup;
use anyhow::{Context, Result};
use evenkeel_server::store::{Role, Store};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Where tokens and audits live unless `--db` says otherwise: a SQLite file in the current
/// folder, created on first start.
pub const DEFAULT_DB: &str = "evenkeel.db";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Database: a SQLite file (created and migrated on first start) or `postgres://...` so that
    /// several instances can share one database.
    #[arg(long, value_name = "URL", env = "EVENKEEL_DB", default_value = DEFAULT_DB)]
    db: String,
    /// Folder for uploaded exports and audit outputs.
    #[arg(long, value_name = "DIR", default_value = "evenkeel-data")]
    data_dir: PathBuf,
    /// No access control: a local, single-user mode. Said loudly at start.
    #[arg(long)]
    open: bool,
    /// Largest audit upload, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = 1024)]
    max_upload_mb: u64,
    /// Time limit for a request, in seconds (uploads excepted).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

pub fn serve(setup: &setup::Options, args: Args) -> Result<ExitCode> {
    let (engine, _) = setup::engine(setup)?;
    let mut config = evenkeel_server::Config::new(&args.db, args.data_dir);
    config.addr = args.addr;
    config.open = args.open;
    config.max_upload = args.max_upload_mb.saturating_mul(1 << 20);
    config.timeout = Duration::from_secs(args.timeout.max(1));
    runtime()?.block_on(evenkeel_server::serve(engine, config))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token; it is printed once, on the last line.
    Create {
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A note to tell tokens apart (whose, what for).
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, value_name = "URL", env = "EVENKEEL_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// List tokens (never the tokens themselves: only their hashes are stored).
    List {
        #[arg(long, value_name = "URL", env = "EVENKEEL_DB", default_value = DEFAULT_DB)]
        db: String,
    },
    /// Revoke a token by its id.
    Revoke {
        id: String,
        #[arg(long, value_name = "URL", env = "EVENKEEL_DB", default_value = DEFAULT_DB)]
        db: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

pub fn token(cmd: TokenCommand) -> Result<ExitCode> {
    runtime()?.block_on(async {
        match cmd {
            TokenCommand::Create { role, name, db } => {
                let store = Store::open(&db).await?;
                let (token, info) = store.create_token(role, &name).await?;
                eprintln!("created a token with the {} role (id {}) in {}; it is shown only now:", info.role.name(), info.id, store.url);
                println!("{token}");
            }
            TokenCommand::List { db } => {
                let store = Store::open(&db).await?;
                println!("{:<18} {:<6} {:<14} {:<8} name", "id", "role", "created (ms)", "state");
                for t in store.list_tokens().await? {
                    let state = if t.revoked_at.is_some() { "revoked" } else { "live" };
                    println!("{:<18} {:<6} {:<14} {:<8} {}", t.id, t.role.name(), t.created_at, state, t.name);
                }
            }
            TokenCommand::Revoke { id, db } => {
                let store = Store::open(&db).await?;
                if !store.revoke_token(&id).await? {
                    anyhow::bail!("no live token with id `{id}` in {}", store.url);
                }
                eprintln!("revoked token {id}");
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
