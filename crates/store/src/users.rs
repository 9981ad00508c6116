//! Accounts, their role grants, sessions and login throttling (roles: docs/ARCHITECTURE.md).
//!
//! Passwords are argon2id PHC strings, hashed and checked on the blocking pool so a login never stalls
//! the async runtime. Session tokens are 256 random bits; only their SHA-256 is stored.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use laksana_core::Timestamp;
use laksana_core::access::{Grant, Role};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::audit::{self, Act, DEPLOYMENT, Subject};
use crate::sql::Tx;
use crate::{Db, Result, StoreError};

/// How long a password check waits for a free hasher before the request is refused as busy.
const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Password hashes (argon2id, 19 MiB and tens of milliseconds of CPU each) computed at once: one per
/// core. A flood of sign-ins then waits here, a few kilobytes per request, instead of taking a thread
/// and 19 MiB each and starving everything else.
static HASHERS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
});

/// Runs `f` (a password hash or check) on the blocking pool once a hasher is free.
async fn with_hasher<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let busy = || StoreError::Unavailable("too many sign-ins at once; try again shortly".into());
    let _permit = tokio::time::timeout(HASH_WAIT, HASHERS.acquire()).await.map_err(|_| busy())?.map_err(|_| busy())?;
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Unavailable(format!("password hashing stopped: {e}")))
}
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// An account, without its password hash.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub language: String,
    pub disabled_at: Option<i64>,
}

/// A new account.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub language: String,
    pub password: Option<String>,
}

fn normalise_email(email: &str) -> Result<String> {
    let e = email.trim().to_lowercase();
    if !laksana_core::ids::plausible_email(&e) {
        return Err(StoreError::Invalid(format!("{email:?} is not an email address")));
    }
    Ok(e)
}

/// Hashes a password with argon2id on the blocking pool.
pub async fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::Invalid(format!("a password needs at least {MIN_PASSWORD_CHARS} characters")));
    }
    let password = password.to_owned();
    with_hasher(move || {
        let bytes: [u8; 16] = rand::rng().random();
        let salt = SaltString::encode_b64(&bytes)?;
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await?
    .map_err(|e| StoreError::Invalid(format!("password: {e}")))
}

async fn verify_password(password: &str, hash: Option<String>) -> Result<bool> {
    // Unknown accounts are checked against a fixed hash, so the answer takes as long either way.
    const DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2bqVwU3LX0ZLbbcN4e8jDvMyGzFV2cxbQVrWeSQHZ3Q";
    let password = password.to_owned();
    let found = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY.to_owned());
    let ok = with_hasher(move || {
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await?;
    Ok(ok && found)
}

/// Creates an account; a taken email is a conflict. The act is recorded, by `actor`, in the
/// deployment's audit chain.
pub async fn create(db: &Db, new: &NewUser, actor: &str, now: Timestamp) -> Result<User> {
    let hash = password_hash_of(new).await?;
    let mut tx = db.begin().await?;
    let user = create_in(&mut tx, new, hash, true, actor, now).await?;
    tx.commit().await?;
    Ok(user)
}

/// Creates a staff account with its first role, in one transaction: both or neither.
pub async fn create_with_grant(db: &Db, new: &NewUser, g: &Grant, actor: &str, now: Timestamp) -> Result<User> {
    let hash = password_hash_of(new).await?;
    let mut tx = db.begin().await?;
    let user = create_in(&mut tx, new, hash, true, actor, now).await?;
    grant_in(&mut tx, user.id, g, actor, now).await?;
    tx.commit().await?;
    Ok(user)
}

pub(crate) async fn password_hash_of(new: &NewUser) -> Result<Option<String>> {
    Ok(match &new.password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    })
}

/// Inserts an account; `confirmed` says whether its email address counts as confirmed already (an
/// account an administrator made) or waits for the emailed link (one a citizen opened).
pub(crate) async fn create_in(
    tx: &mut Tx,
    new: &NewUser,
    hash: Option<String>,
    confirmed: bool,
    actor: &str,
    now: Timestamp,
) -> Result<User> {
    let email = normalise_email(&new.email)?;
    let language = if new.language.is_empty() { "id" } else { new.language.as_str() };
    let display_name = new.display_name.trim();
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO users (email, display_name, password_hash, language, created_at, email_confirmed_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &args![
                email.as_str(),
                display_name,
                &hash,
                language,
                now.as_micros(),
                confirmed.then_some(now.as_micros())
            ],
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(format!("an account with email {email} exists already")),
            other => other,
        })?;
    let act = Act {
        jurisdiction: DEPLOYMENT.into(),
        subject: Subject::User(id),
        kind: "created",
        actor: actor.into(),
        at: now.as_micros(),
        data: serde_json::json!({ "email": email, "display_name": display_name, "password_set": hash.is_some() }),
    };
    audit::record(tx, &[act]).await?;
    Ok(User {
        id,
        email,
        display_name: display_name.to_owned(),
        phone: None,
        language: language.to_owned(),
        disabled_at: None,
    })
}

/// The audit chains an act on a user's account belongs to: every jurisdiction they hold a role in,
/// and the deployment's for an account without one (or with a deployment-wide role).
async fn chains_of(tx: &mut Tx, user_id: i64) -> Result<Vec<String>> {
    let rows: Vec<(Option<String>,)> =
        tx.fetch_all("SELECT DISTINCT jurisdiction_id FROM role_grants WHERE user_id = $1", &args![user_id]).await?;
    let mut chains: Vec<String> = rows.into_iter().map(|(j,)| j.unwrap_or_else(|| DEPLOYMENT.to_owned())).collect();
    if chains.is_empty() {
        chains.push(DEPLOYMENT.to_owned());
    }
    chains.sort();
    chains.dedup();
    Ok(chains)
}

const USER_COLUMNS: &str = "id, email, display_name, phone, language, disabled_at";

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>> {
    let email = email.trim().to_lowercase();
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    Ok(on_db!(db, |pool, DB| sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&email).fetch_optional(pool).await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(on_db!(db, |pool, DB| sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?))
}

/// Sets (or replaces) a password and ends every session of the account; the
/// act is recorded, by `actor`, in the chains of the jurisdictions the account works in.
pub async fn set_password(db: &Db, email: &str, password: &str, actor: &str, now: Timestamp) -> Result<()> {
    let hash = hash_password(password).await?;
    let email = email.trim().to_lowercase();
    let mut tx = db.begin().await?;
    let (id,): (i64,) = tx
        .fetch_optional(
            "UPDATE users SET password_hash = $1 WHERE email = $2 RETURNING id",
            &args![hash.as_str(), email.as_str()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    // Every session of the account ends: a password change is often a response to a compromise.
    tx.execute("DELETE FROM sessions WHERE user_id = $1", &args![id]).await?;
    record_on_account(&mut tx, id, &email, "password_set", actor, now).await?;
    tx.commit().await
}

/// Gives a role; the agency must belong to the jurisdiction. The act is recorded, by `actor`, in the
/// chain of the grant's jurisdiction (the deployment's for a deployment-wide role).
pub async fn grant(db: &Db, user_id: i64, g: &Grant, actor: &str, now: Timestamp) -> Result<()> {
    let mut tx = db.begin().await?;
    grant_in(&mut tx, user_id, g, actor, now).await?;
    tx.commit().await
}

async fn grant_in(tx: &mut Tx, user_id: i64, g: &Grant, actor: &str, now: Timestamp) -> Result<()> {
    if let (Some(agency), Some(j)) = (g.agency_id, &g.jurisdiction_id) {
        let found: Option<(i64,)> = tx
            .fetch_optional("SELECT id FROM agencies WHERE id = $1 AND jurisdiction_id = $2", &args![agency, j])
            .await?;
        if found.is_none() {
            return Err(StoreError::Invalid(format!("agency {agency} is not an agency of {j}")));
        }
    }
    if let Some(j) = &g.jurisdiction_id {
        let found: Option<(String,)> =
            tx.fetch_optional("SELECT id FROM jurisdictions WHERE id = $1", &args![j]).await?;
        if found.is_none() {
            return Err(StoreError::Invalid(format!("jurisdiction {j} does not exist")));
        }
    }
    let email: Option<(String,)> = tx.fetch_optional("SELECT email FROM users WHERE id = $1", &args![user_id]).await?;
    let (email,) = email.ok_or_else(|| StoreError::Invalid(format!("user {user_id} does not exist")))?;
    let (id,): (i64,) = tx
        .fetch_one(
            "INSERT INTO role_grants (user_id, role, jurisdiction_id, agency_id, created_at) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
            &args![user_id, g.role.as_str(), &g.jurisdiction_id, g.agency_id, now.as_micros()],
        )
        .await?;
    let act = Act {
        jurisdiction: g.jurisdiction_id.clone().unwrap_or_else(|| DEPLOYMENT.to_owned()),
        subject: Subject::Grant(id),
        kind: "granted",
        actor: actor.into(),
        at: now.as_micros(),
        data: serde_json::json!({ "user_id": user_id, "email": email, "role": g.role.as_str(), "agency_id": g.agency_id }),
    };
    audit::record(tx, &[act]).await
}

/// Disables (or, with `disabled` false, enables again) an account by email: a disabled account cannot
/// sign in, its sessions end now, and API keys bound to it stop working at once (see
/// [`active_grants`] and `apikeys::find`). The act is recorded, by `actor`, in the chains of the
/// jurisdictions the account works in. Returns the account's id.
pub async fn set_disabled(db: &Db, email: &str, disabled: bool, actor: &str, now: Timestamp) -> Result<i64> {
    let email = email.trim().to_lowercase();
    let mut tx = db.begin().await?;
    let at = disabled.then_some(now.as_micros());
    let (id,): (i64,) = tx
        .fetch_optional("UPDATE users SET disabled_at = $1 WHERE email = $2 RETURNING id", &args![at, email.as_str()])
        .await?
        .ok_or(StoreError::NotFound)?;
    if disabled {
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &args![id]).await?;
    }
    let kind = if disabled { "disabled" } else { "enabled" };
    record_on_account(&mut tx, id, &email, kind, actor, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Records an act on account `id` in the chain of every jurisdiction it works in.
pub(crate) async fn record_on_account(
    tx: &mut Tx,
    id: i64,
    email: &str,
    kind: &'static str,
    actor: &str,
    now: Timestamp,
) -> Result<()> {
    let acts: Vec<Act> = chains_of(tx, id)
        .await?
        .into_iter()
        .map(|j| Act {
            jurisdiction: j,
            subject: Subject::User(id),
            kind,
            actor: actor.into(),
            at: now.as_micros(),
            data: serde_json::json!({ "email": email }),
        })
        .collect();
    audit::record(tx, &acts).await
}

/// Removes an account's grant of `role` in `jurisdiction_id` (every such grant, whatever its
/// agency); how many were removed. Each removal is recorded, by `actor`, in that jurisdiction's chain.
pub async fn revoke_grant(
    db: &Db,
    user_id: i64,
    role: Role,
    jurisdiction_id: Option<&str>,
    actor: &str,
    now: Timestamp,
) -> Result<u64> {
    let mut tx = db.begin().await?;
    let removed: Vec<(i64, Option<i64>)> = tx
        .fetch_all(
            "DELETE FROM role_grants WHERE user_id = $1 AND role = $2 AND jurisdiction_id IS NOT DISTINCT FROM $3
             RETURNING id, agency_id",
            &args![user_id, role.as_str(), jurisdiction_id],
        )
        .await?;
    let acts: Vec<Act> = removed
        .iter()
        .map(|(id, agency_id)| Act {
            jurisdiction: jurisdiction_id.unwrap_or(DEPLOYMENT).to_owned(),
            subject: Subject::Grant(*id),
            kind: "revoked",
            actor: actor.into(),
            at: now.as_micros(),
            data: serde_json::json!({ "user_id": user_id, "role": role.as_str(), "agency_id": agency_id }),
        })
        .collect();
    audit::record(&mut tx, &acts).await?;
    tx.commit().await?;
    Ok(removed.len() as u64)
}

/// The grants of an account that may act now: `None` when it is disabled or gone. Read on every use
/// of a key bound to the account, so disabling it takes effect at once on every instance.
pub async fn active_grants(db: &Db, user_id: i64) -> Result<Option<Vec<Grant>>> {
    // One query: no row, the account is disabled or gone; a row without a role, it has no grant.
    let rows: Vec<(Option<String>, Option<String>, Option<i64>)> = on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT g.role, g.jurisdiction_id, g.agency_id FROM users u
             LEFT JOIN role_grants g ON g.user_id = u.id
             WHERE u.id = $1 AND u.disabled_at IS NULL ORDER BY g.id",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?
    });
    if rows.is_empty() {
        return Ok(None);
    }
    rows.into_iter()
        .filter_map(|(role, jurisdiction_id, agency_id)| role.map(|r| (r, jurisdiction_id, agency_id)))
        .map(|row| grant_of(user_id, row))
        .collect::<Result<_>>()
        .map(Some)
}

pub async fn grants_of(db: &Db, user_id: i64) -> Result<Vec<Grant>> {
    let rows: Vec<(String, Option<String>, Option<i64>)> = on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT role, jurisdiction_id, agency_id FROM role_grants WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(pool)
            .await?
    });
    rows.into_iter().map(|row| grant_of(user_id, row)).collect()
}

fn grant_of(user_id: i64, (role, jurisdiction_id, agency_id): (String, Option<String>, Option<i64>)) -> Result<Grant> {
    let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?} of user {user_id}")))?;
    Ok(Grant { role, jurisdiction_id, agency_id })
}

/// `(email, language)` of the active users holding `role` in a jurisdiction, or in one of its agencies.
pub async fn holders(
    db: &Db,
    role: Role,
    jurisdiction_id: Option<&str>,
    agency_id: Option<i64>,
) -> Result<Vec<(String, String)>> {
    Ok(on_db!(db, |pool, DB| {
        let mut q = sqlx::QueryBuilder::<DB>::new(
            "SELECT DISTINCT u.email, u.language FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.disabled_at IS NULL AND g.role = ",
        );
        q.push_bind(role.as_str());
        if let Some(j) = jurisdiction_id {
            q.push(" AND (g.jurisdiction_id = ").push_bind(j).push(" OR g.jurisdiction_id IS NULL)");
        }
        if let Some(a) = agency_id {
            q.push(" AND g.agency_id = ").push_bind(a);
        }
        q.push(" ORDER BY u.email");
        q.build_query_as::<(String, String)>().fetch_all(pool).await?
    }))
}

/// How a login attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Login {
    Ok(User),
    /// Wrong email or password, or a disabled account (never says which).
    Refused,
    /// The right password, but the account's email address is not confirmed yet.
    Unconfirmed(User),
}

/// Checks a password. Throttling guesses is the caller's (see the web crate's sign-in throttle): a
/// lock kept on the account would let anyone lock anyone out, and only ever lock real accounts.
pub async fn login(db: &Db, email: &str, password: &str) -> Result<Login> {
    let email = email.trim().to_lowercase();
    // id, password hash, disabled at, email confirmed at.
    type Row = (i64, Option<String>, Option<i64>, Option<i64>);
    let row: Option<Row> = on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT id, password_hash, disabled_at, email_confirmed_at FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(pool)
            .await?
    });
    let Some((id, hash, disabled, confirmed)) = row else {
        // Checked anyway, so that an unknown email takes as long as a known one.
        verify_password(password, None).await?;
        return Ok(Login::Refused);
    };
    if verify_password(password, hash).await? && disabled.is_none() {
        let Some(user) = get(db, id).await? else { return Ok(Login::Refused) };
        return Ok(if confirmed.is_some() { Login::Ok(user) } else { Login::Unconfirmed(user) });
    }
    Ok(Login::Refused)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session and returns its token (the cookie value). `replaces` is the session the browser
/// had before, which ends: a login always gets a fresh token.
pub async fn start_session(
    db: &Db,
    user_id: i64,
    now: Timestamp,
    ttl_secs: i64,
    replaces: Option<&str>,
) -> Result<String> {
    let raw: [u8; 32] = rand::rng().random();
    let token = hex::encode(raw);
    let hash = token_hash(&token);
    let old = replaces.map(token_hash);
    in_write_tx!(db, |tx, DB| {
        if let Some(old) = &old {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(old).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
            .bind(user_id)
            .bind(now.as_micros())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(&hash)
            .bind(user_id)
            .bind(now.as_micros())
            .bind(now.plus_seconds(ttl_secs).as_micros())
            .execute(&mut *tx)
            .await?;
        Ok::<_, StoreError>(())
    })?;
    Ok(token)
}

/// The user of a live session.
pub async fn session_user(db: &Db, token: &str, now: Timestamp) -> Result<Option<User>> {
    let hash = token_hash(token);
    let sql = format!(
        "SELECT u.{} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        USER_COLUMNS.replace(", ", ", u.")
    );
    Ok(on_db!(db, |pool, DB| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&hash).bind(now.as_micros()).fetch_optional(pool).await?
    }))
}

pub async fn end_session(db: &Db, token: &str) -> Result<()> {
    let hash = token_hash(token);
    in_write_tx!(db, |tx, DB| {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash).execute(&mut *tx).await?;
        Ok(())
    })
}

/// An account that holds a role in a jurisdiction, with its roles there.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub user: User,
    pub grants: Vec<Grant>,
    /// Whether it has set a password (an invited account has not, until it takes up the invitation).
    pub has_password: bool,
}

/// The accounts holding a role in `jurisdiction_id`, by email, with those roles.
pub async fn members(db: &Db, jurisdiction_id: &str) -> Result<Vec<Member>> {
    type Row = (i64, String, String, Option<i64>, bool, String, Option<i64>);
    let rows: Vec<Row> = on_db!(db, |pool, DB| {
        sqlx::query_as(
            "SELECT u.id, u.email, u.display_name, u.disabled_at, u.password_hash IS NOT NULL, g.role, g.agency_id
             FROM role_grants g JOIN users u ON u.id = g.user_id
             WHERE g.jurisdiction_id = $1 ORDER BY u.email, g.id",
        )
        .bind(jurisdiction_id)
        .fetch_all(pool)
        .await?
    });
    let mut out: Vec<Member> = Vec::new();
    for (id, email, display_name, disabled_at, has_password, role, agency_id) in rows {
        let grant = grant_of(id, (role, Some(jurisdiction_id.to_owned()), agency_id))?;
        match out.last_mut().filter(|m| m.user.id == id) {
            Some(m) => m.grants.push(grant),
            None => out.push(Member {
                user: User { id, email, display_name, phone: None, language: String::new(), disabled_at },
                grants: vec![grant],
                has_password,
            }),
        }
    }
    Ok(out)
}
