//! Accounts citizens open themselves: signing up, confirming the email address, setting a new
//! password through an emailed link. The links are signed by the web layer; this module keeps what
//! they are bound to (the address, the current password hash) and the deployment's signing secret.

use laksana_core::Timestamp;
use rand::Rng;

use crate::users::{self, NewUser, User};
use crate::{Db, Result, StoreError};

/// What a sign-up did.
#[derive(Debug, Clone, PartialEq)]
pub enum SignUp {
    /// A new account, waiting for its email address to be confirmed.
    Created(User),
    /// The address has an account already; nothing changed. Its owner is told by email, and the
    /// visitor sees the same answer as for a new account, so that sign-up never tells who has one.
    Exists(User),
}

/// Opens an account for a citizen. Its password is hashed like every other; the account cannot sign
/// in until [`confirm_email`].
pub async fn sign_up(db: &Db, new: &NewUser, now: Timestamp) -> Result<SignUp> {
    // Hashed first either way, so that the answer takes as long for a taken address as for a free one.
    let hash = users::password_hash_of(new).await?;
    if let Some(user) = users::find_by_email(db, &new.email).await? {
        return Ok(SignUp::Exists(user));
    }
    let mut tx = db.begin().await?;
    match users::create_in(&mut tx, new, hash, false, "public", now).await {
        Ok(user) => {
            tx.commit().await?;
            Ok(SignUp::Created(user))
        }
        // Opened by someone else between the look-up and the insert.
        Err(StoreError::Conflict(_)) => {
            drop(tx);
            users::find_by_email(db, &new.email).await?.map(SignUp::Exists).ok_or(StoreError::NotFound)
        }
        Err(e) => Err(e),
    }
}

/// What an account's links are bound to: its email address (to confirm it) and its password hash (to
/// replace it), with whether the address is confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Bindings {
    pub user: User,
    pub password_hash: String,
    pub confirmed: bool,
}

/// The [`Bindings`] of account `user_id`, if it exists and is not disabled.
pub async fn bindings(db: &Db, user_id: i64) -> Result<Option<Bindings>> {
    let row: Option<(Option<String>, Option<i64>)> = on_db!(db, |pool, DB| {
        sqlx::query_as("SELECT password_hash, email_confirmed_at FROM users WHERE id = $1 AND disabled_at IS NULL")
            .bind(user_id)
            .fetch_optional(pool)
            .await?
    });
    let Some((hash, confirmed)) = row else { return Ok(None) };
    Ok(users::get(db, user_id).await?.map(|user| Bindings {
        user,
        password_hash: hash.unwrap_or_default(),
        confirmed: confirmed.is_some(),
    }))
}

/// Marks the email address of account `user_id` confirmed (again is harmless); `false` when it was
/// already. The act is recorded in the deployment's audit chain.
pub async fn confirm_email(db: &Db, user_id: i64, now: Timestamp) -> Result<bool> {
    let mut tx = db.begin().await?;
    let row: Option<(String,)> = tx
        .fetch_optional(
            "UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL RETURNING email",
            &args![now.as_micros(), user_id],
        )
        .await?;
    let Some((email,)) = row else { return Ok(false) };
    users::record_on_account(&mut tx, user_id, &email, "email_confirmed", &format!("user:{user_id}"), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Sets a new password for `user` through an emailed link, if its password hash is still `old_hash`
/// (the one the link was made for): `false` when it changed since, i.e. the link is spent. Every
/// session ends and the address counts as confirmed (the link reached it), in the same transaction,
/// recorded as `password_reset`.
pub async fn reset_password(db: &Db, user: &User, old_hash: &str, password: &str, now: Timestamp) -> Result<bool> {
    let hash = users::hash_password(password).await?;
    let mut tx = db.begin().await?;
    // An account without a password has NULL, which a link made for "" stands for.
    let n = tx
        .execute(
            "UPDATE users SET password_hash = $1, email_confirmed_at = COALESCE(email_confirmed_at, $2)
             WHERE id = $3 AND COALESCE(password_hash, '') = $4",
            &args![hash.as_str(), now.as_micros(), user.id, old_hash],
        )
        .await?;
    if n == 0 {
        return Ok(false);
    }
    tx.execute("DELETE FROM sessions WHERE user_id = $1", &args![user.id]).await?;
    users::record_on_account(&mut tx, user.id, &user.email, "password_reset", "link", now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The deployment's secret `name`, made (256 random bits, hex) by whichever instance asks first and
/// then the same for every instance.
pub async fn deployment_secret(db: &Db, name: &str, now: Timestamp) -> Result<Vec<u8>> {
    let fresh: [u8; 32] = rand::rng().random();
    let mut tx = db.begin().await?;
    tx.execute(
        "INSERT INTO deployment_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        &args![name, hex::encode(fresh).as_str(), now.as_micros()],
    )
    .await?;
    let (value,): (String,) =
        tx.fetch_one("SELECT value FROM deployment_secrets WHERE name = $1", &args![name]).await?;
    tx.commit().await?;
    hex::decode(value.trim()).map_err(|e| StoreError::Corrupt(format!("deployment secret {name:?}: {e}")))
}
