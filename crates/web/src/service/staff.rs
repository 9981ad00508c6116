//! A jurisdiction's staff accounts, for every transport: inviting someone (an account with one role,
//! and an email whose link sets its first password), and which accounts an admin of the jurisdiction
//! may manage.

use laksana_core::access::Grant;
use laksana_core::link::{self, Purpose};
use laksana_core::notice::Notice;
use laksana_store::outbox::{EMAIL_JOB, EmailPayload};
use laksana_store::users::{self, NewUser, User};

use super::{Caller, ServiceError, ServiceResult};
use crate::state::{AppState, JurisdictionInfo};

/// Creates a staff account with `grant` in `j` and, when it has no password, emails it an invitation
/// whose link (good for a week, once) sets the first one.
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    j: &JurisdictionInfo,
    new: &NewUser,
    grant: &Grant,
) -> ServiceResult<User> {
    let now = state.clock().now();
    let user = users::create_with_grant(state.db(), new, grant, &caller.actor, now).await?;
    if new.password.is_none() {
        let token = state.links().sign(Purpose::Invite, &link::account_subject(user.id, ""), now);
        let until = now.plus_seconds(Purpose::Invite.lifetime_secs()).to_utc().with_timezone(&j.tz);
        let notice = Notice::Invited {
            url: format!("{}/sandi/baru?t={token}", state.config().public_url.trim_end_matches('/')),
            valid_until: until.format("%d-%m-%Y %H:%M").to_string(),
            jurisdiction: j.jurisdiction.name.clone(),
            role: grant.role.as_str().into(),
        };
        let payload =
            EmailPayload { to: user.email.clone(), language: user.language.clone(), notice, reporter_of: None };
        let job = (EMAIL_JOB.to_owned(), serde_json::to_string(&payload).expect("notices always serialise"));
        laksana_store::jobs::enqueue_all(state.db(), &[job], now).await?;
    }
    Ok(user)
}

/// The account `user_id`, if an admin of `jurisdiction_id` may manage it: it works in this
/// jurisdiction and in no other (an account that also works elsewhere is the deployment's to manage,
/// with `laksana user`).
pub async fn managed_here(state: &AppState, jurisdiction_id: &str, user_id: i64) -> ServiceResult<User> {
    let user =
        users::get(state.db(), user_id).await?.ok_or_else(|| ServiceError::NotFound("no such account".into()))?;
    let grants = users::grants_of(state.db(), user_id).await?;
    if !grants.iter().any(|g| g.jurisdiction_id.as_deref() == Some(jurisdiction_id)) {
        return Err(ServiceError::NotFound("no such account in this jurisdiction".into()));
    }
    if grants.iter().any(|g| g.jurisdiction_id.as_deref() != Some(jurisdiction_id)) {
        return Err(ServiceError::Forbidden(
            "the account also works outside this jurisdiction; a deployment administrator manages it (laksana user)"
                .into(),
        ));
    }
    Ok(user)
}
