//! Storage: tokens and audits, in SQLite (the default: one file, created and migrated on first
//! start) or PostgreSQL (`--db postgres://...`, so several instances can share it). The same
//! migrations and the same queries serve both, through sqlx's `Any` driver; placeholders are
//! written `$1, $2, ...`, which both databases accept.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::time::Duration;
use subtle::ConstantTimeEq;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot migrate the database {url}: {source}")]
    Migrate { url: String, source: sqlx::migrate::MigrateError },
    #[error("database: {0}")]
    Query(#[from] sqlx::Error),
}

/// Who may do what. Each role includes the ones below it: a lead may also check replies, an
/// admin may do everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Agent,
    Lead,
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Lead => "lead",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "agent" => Ok(Role::Agent),
            "lead" => Ok(Role::Lead),
            "admin" => Ok(Role::Admin),
            _ => Err(format!("unknown role `{s}` (expected admin, lead or agent)")),
        }
    }
}

/// A token's record, without the token.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TokenInfo {
    pub id: String,
    pub role: Role,
    pub name: String,
    pub created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
}

/// An audit's record.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditRecord {
    pub id: String,
    #[serde(skip)]
    pub owner: String,
    pub file_name: String,
    pub status: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub progress: AuditProgress,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct AuditProgress {
    pub bytes_read: i64,
    pub bytes_total: i64,
    pub conversations: i64,
    pub agent_turns: i64,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    pub url: String,
    /// Tokens verified in the last [`TOKEN_CACHE_TTL`]: a check is microseconds of analysis,
    /// and a database round trip per request would cost more than the analysis itself.
    cache: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (TokenInfo, std::time::Instant)>>>,
}

/// How long a verified token is trusted without asking the database again. A token revoked
/// through this instance stops at once; through another instance sharing the database, within
/// this time.
pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(5);

/// Milliseconds since 1970.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// A random identifier: `bytes` random bytes in hex.
pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("the operating system has randomness");
    hex::encode(b)
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates. `url`: `sqlite://PATH`, a plain
    /// file path (SQLite), or `postgres://...`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let url = normalise(url);
        let sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            // SQLite serialises writers anyway; one connection avoids "database is locked".
            .max_connections(if sqlite { 1 } else { 16 })
            .acquire_timeout(Duration::from_secs(5))
            .connect(&url)
            .await
            .map_err(|source| StoreError::Connect { url: redact_url(&url), source })?;
        if sqlite {
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
            sqlx::query("PRAGMA busy_timeout = 5000").execute(&pool).await?;
        }
        MIGRATOR.run(&pool).await.map_err(|source| StoreError::Migrate { url: redact_url(&url), source })?;
        Ok(Store { pool, url: redact_url(&url), cache: Default::default() })
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Creates a token and returns it with its record. The token is only ever shown here.
    pub async fn create_token(&self, role: Role, name: &str) -> Result<(String, TokenInfo), StoreError> {
        let token = format!("ek_{}", random_hex(32));
        let info = TokenInfo { id: random_hex(8), role, name: name.to_string(), created_at: now_ms(), revoked_at: None };
        sqlx::query("INSERT INTO tokens (id, hash, role, name, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&info.id)
            .bind(hash_token(&token))
            .bind(role.name())
            .bind(&info.name)
            .bind(info.created_at)
            .execute(&self.pool)
            .await?;
        Ok((token, info))
    }

    /// The live token's record, if `token` is one.
    pub async fn verify(&self, token: &str) -> Result<Option<TokenInfo>, StoreError> {
        let hash = hash_token(token);
        if let Some((info, at)) = self.cache.lock().expect("not poisoned").get(&hash) {
            if at.elapsed() < TOKEN_CACHE_TTL {
                return Ok(Some(info.clone()));
            }
        }
        let found = self.verify_in_database(&hash).await?;
        let mut cache = self.cache.lock().expect("not poisoned");
        match &found {
            Some(info) => {
                if cache.len() > 10_000 {
                    cache.clear();
                }
                cache.insert(hash, (info.clone(), std::time::Instant::now()));
            }
            None => {
                cache.remove(&hash);
            }
        }
        Ok(found)
    }

    async fn verify_in_database(&self, hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        let row = sqlx::query("SELECT id, hash, role, name, created_at, revoked_at FROM tokens WHERE hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let stored: String = row.try_get("hash")?;
        // The lookup is by hash; the comparison is repeated in constant time all the same.
        if !bool::from(stored.as_bytes().ct_eq(hash.as_bytes())) {
            return Ok(None);
        }
        let info = token_info(&row)?;
        Ok(info.revoked_at.is_none().then_some(info))
    }

    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let rows = sqlx::query("SELECT id, role, name, created_at, revoked_at FROM tokens ORDER BY created_at, id").fetch_all(&self.pool).await?;
        rows.iter().map(|r| token_info(r).map_err(StoreError::from)).collect()
    }

    /// Revokes a token; false when there is no live token with this id.
    pub async fn revoke_token(&self, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(now_ms()).bind(id).execute(&self.pool).await?;
        self.cache.lock().expect("not poisoned").retain(|_, (info, _)| info.id != id);
        Ok(r.rows_affected() > 0)
    }

    pub async fn create_audit(&self, id: &str, owner: &str, file_name: &str, bytes_total: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audits (id, owner, file_name, status, created_at, bytes_read, bytes_total, conversations, agent_turns) \
             VALUES ($1, $2, $3, 'queued', $4, 0, $5, 0, 0)",
        )
        .bind(id)
        .bind(owner)
        .bind(file_name)
        .bind(now_ms())
        .bind(bytes_total)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn audit_progress(&self, id: &str, p: AuditProgress) -> Result<(), StoreError> {
        sqlx::query("UPDATE audits SET status = 'running', bytes_read = $1, bytes_total = $2, conversations = $3, agent_turns = $4 WHERE id = $5")
            .bind(p.bytes_read)
            .bind(p.bytes_total)
            .bind(p.conversations)
            .bind(p.agent_turns)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn audit_done(&self, id: &str, p: AuditProgress, summary: &str, report: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE audits SET status = 'done', finished_at = $1, bytes_read = $2, bytes_total = $3, conversations = $4, agent_turns = $5, \
             summary = $6, report = $7 WHERE id = $8",
        )
        .bind(now_ms())
        .bind(p.bytes_read)
        .bind(p.bytes_total)
        .bind(p.conversations)
        .bind(p.agent_turns)
        .bind(summary)
        .bind(report)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn audit_failed(&self, id: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE audits SET status = 'failed', finished_at = $1, error = $2 WHERE id = $3").bind(now_ms()).bind(error).bind(id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn audit(&self, id: &str) -> Result<Option<AuditRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {AUDIT_COLUMNS} FROM audits WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| audit_record(&r)).transpose().map_err(StoreError::from)
    }

    /// Audits newest first; `owner` limits them to one token's.
    pub async fn audits(&self, owner: Option<&str>) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = match owner {
            Some(o) => sqlx::query(&format!("SELECT {AUDIT_COLUMNS} FROM audits WHERE owner = $1 ORDER BY created_at DESC, id LIMIT 200")).bind(o).fetch_all(&self.pool).await?,
            None => sqlx::query(&format!("SELECT {AUDIT_COLUMNS} FROM audits ORDER BY created_at DESC, id LIMIT 200")).fetch_all(&self.pool).await?,
        };
        rows.iter().map(|r| audit_record(r).map_err(StoreError::from)).collect()
    }

    pub async fn audit_summary(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.text_column(id, "summary").await
    }

    pub async fn audit_report(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.text_column(id, "report").await
    }

    async fn text_column(&self, id: &str, column: &'static str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(&format!("SELECT {column} FROM audits WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
        Ok(match row {
            Some(r) => r.try_get::<Option<String>, _>(column)?,
            None => None,
        })
    }
}

/// One practice attempt of a trainee.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attempt {
    pub scenario: String,
    pub at: i64,
    pub score: i64,
    pub stance: String,
    pub met: Vec<String>,
    pub missed: Vec<String>,
    pub risky: Vec<String>,
}

/// One quiz answer of a trainee.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuizAnswer {
    pub item: String,
    pub at: i64,
    pub answer: String,
    pub truth: String,
}

impl Attempt {
    /// The record of a reply scored against `scenario`.
    pub fn scored(scenario: &str, sc: &evenkeel_coach::score::Score) -> Attempt {
        Attempt {
            scenario: scenario.to_string(),
            at: now_ms(),
            score: sc.percent as i64,
            stance: sc.analysis.stance.name().to_string(),
            met: sc.criteria.iter().filter(|c| c.met).map(|c| c.name.to_string()).collect(),
            missed: sc.criteria.iter().filter(|c| !c.met).map(|c| c.name.to_string()).collect(),
            risky: sc.risky_cues.iter().map(|c| c.name().to_string()).collect(),
        }
    }

    /// The attempt as the coach's planner reads it.
    pub fn past(self) -> evenkeel_coach::plan::Past {
        evenkeel_coach::plan::Past { scenario: self.scenario, at_ms: self.at, score: self.score as u32, met: self.met, missed: self.missed, risky: self.risky }
    }
}

fn split(s: String) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect()
}

impl Store {
    pub async fn record_attempt(&self, trainee: &str, a: &Attempt) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO coach_attempts (id, trainee, scenario, at, score, stance, met, missed, risky) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(random_hex(12))
            .bind(trainee)
            .bind(&a.scenario)
            .bind(a.at)
            .bind(a.score)
            .bind(&a.stance)
            .bind(a.met.join(","))
            .bind(a.missed.join(","))
            .bind(a.risky.join(","))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A trainee's attempts, oldest first.
    pub async fn attempts(&self, trainee: &str) -> Result<Vec<Attempt>, StoreError> {
        let rows = sqlx::query("SELECT scenario, at, score, stance, met, missed, risky FROM coach_attempts WHERE trainee = $1 ORDER BY at, id").bind(trainee).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Attempt {
                    scenario: r.try_get("scenario")?,
                    at: r.try_get("at")?,
                    score: r.try_get("score")?,
                    stance: r.try_get("stance")?,
                    met: split(r.try_get("met")?),
                    missed: split(r.try_get("missed")?),
                    risky: split(r.try_get("risky")?),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    pub async fn record_quiz(&self, trainee: &str, q: &QuizAnswer) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO coach_quiz (id, trainee, item, at, answer, truth) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(random_hex(12))
            .bind(trainee)
            .bind(&q.item)
            .bind(q.at)
            .bind(&q.answer)
            .bind(&q.truth)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A trainee's quiz answers, oldest first.
    pub async fn quiz_answers(&self, trainee: &str) -> Result<Vec<QuizAnswer>, StoreError> {
        let rows = sqlx::query("SELECT item, at, answer, truth FROM coach_quiz WHERE trainee = $1 ORDER BY at, id").bind(trainee).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(QuizAnswer { item: r.try_get("item")?, at: r.try_get("at")?, answer: r.try_get("answer")?, truth: r.try_get("truth")? }))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }
}

const AUDIT_COLUMNS: &str = "id, owner, file_name, status, created_at, finished_at, bytes_read, bytes_total, conversations, agent_turns, error";

fn token_info(r: &AnyRow) -> Result<TokenInfo, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(TokenInfo {
        id: r.try_get("id")?,
        role: role.parse().map_err(|e: String| sqlx::Error::Decode(e.into()))?,
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

fn audit_record(r: &AnyRow) -> Result<AuditRecord, sqlx::Error> {
    Ok(AuditRecord {
        id: r.try_get("id")?,
        owner: r.try_get("owner")?,
        file_name: r.try_get("file_name")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
        finished_at: r.try_get("finished_at")?,
        progress: AuditProgress {
            bytes_read: r.try_get("bytes_read")?,
            bytes_total: r.try_get("bytes_total")?,
            conversations: r.try_get("conversations")?,
            agent_turns: r.try_get("agent_turns")?,
        },
        error: r.try_get("error")?,
    })
}

/// `evenkeel.db` → `sqlite://evenkeel.db?mode=rwc` (created on first start).
fn normalise(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return url.to_string();
    }
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if path.contains("mode=") {
        format!("sqlite://{path}")
    } else if path.contains('?') {
        format!("sqlite://{path}&mode=rwc")
    } else {
        format!("sqlite://{path}?mode=rwc")
    }
}

/// A URL fit for messages: the password replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalised_and_passwords_hidden() {
        assert_eq!(normalise("evenkeel.db"), "sqlite://evenkeel.db?mode=rwc");
        assert_eq!(normalise("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db?mode=rwc");
        assert_eq!(normalise("postgres://u:p@h/db"), "postgres://u:p@h/db");
        assert_eq!(redact_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn tokens_hash_the_same_and_differently() {
        assert_eq!(hash_token("a"), hash_token("a"));
        assert_ne!(hash_token("a"), hash_token("b"));
        assert_eq!(hash_token("a").len(), 64);
    }
}
