//! Signed, expiring tokens for the links Laksana emails: a link that opens a report as its reporter,
//! one that confirms an account's email address, one that sets a new password. A token names what it
//! is for, whom it concerns and until when it is good, and carries an HMAC-SHA256 of those under the
//! deployment's secret, so that nobody can make one or stretch one, and a token made for one purpose
//! is refused for another.
//!
//! The format is `{subject}.{expires}.{mac}`: the subject (letters, digits, `:` and `-` only, so the
//! token needs no escaping in a URL), the expiry in seconds since the epoch, and 128 bits of the MAC
//! in hex. The purpose is signed but not written: the page that reads a token knows what it expects.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::Timestamp;

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Act as the reporter of the report named by the subject (its public id), as the follow-up code
    /// does.
    Report,
    /// Confirm the email address of an account (subject: [`account_subject`]).
    ConfirmEmail,
    /// Set a new password for an account (subject: [`account_subject`] of its current password hash,
    /// so the token stops working once the password changed).
    ResetPassword,
    /// Set the first password of an account an admin made (subject as for [`Purpose::ResetPassword`]).
    Invite,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::Report => "report",
            Purpose::ConfirmEmail => "confirm-email",
            Purpose::ResetPassword => "reset-password",
            Purpose::Invite => "invite",
        }
    }

    /// How long a token for this purpose stays good after it is made.
    pub fn lifetime_secs(self) -> i64 {
        match self {
            // Long enough to follow a report through its deadlines and confirm its resolution.
            Purpose::Report => 60 * 24 * 3600,
            Purpose::ConfirmEmail => 2 * 24 * 3600,
            Purpose::ResetPassword => 3600,
            // Staff start when they start: a week to take up an invitation.
            Purpose::Invite => 7 * 24 * 3600,
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is not valid")]
    Invalid,
    #[error("the link has expired")]
    Expired,
}

/// The deployment's signing key: at least 32 bytes, shared by every instance.
#[derive(Clone)]
pub struct LinkKey(Vec<u8>);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    /// A key from secret bytes; `None` when shorter than 32 bytes.
    pub fn new(secret: &[u8]) -> Option<LinkKey> {
        (secret.len() >= 32).then(|| LinkKey(secret.to_vec()))
    }

    fn mac(&self, purpose: Purpose, subject: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        for part in [purpose.label(), subject, &expires.to_string()] {
            mac.update(part.as_bytes());
            // A separator that no part contains keeps ("a", "bc") and ("ab", "c") apart.
            mac.update(&[0]);
        }
        mac
    }

    /// A token for `purpose` and `subject`, good for the purpose's lifetime from `now`.
    ///
    /// # Panics
    /// When `subject` holds a character other than ASCII letters, digits, `:` and `-`: subjects are
    /// made by this crate's callers, never taken from input.
    pub fn sign(&self, purpose: Purpose, subject: &str, now: Timestamp) -> String {
        assert!(subject_ok(subject), "token subjects are made of letters, digits, ':' and '-'");
        let expires = now.as_micros() / 1_000_000 + purpose.lifetime_secs();
        let tag = self.mac(purpose, subject, expires).finalize().into_bytes();
        format!("{subject}.{expires}.{}", hex::encode(&tag[..16]))
    }

    /// The subject of `token` if it was made for `purpose` under this key and has not expired at
    /// `now`.
    pub fn verify(&self, purpose: Purpose, token: &str, now: Timestamp) -> Result<String, LinkError> {
        let mut parts = token.trim().splitn(3, '.');
        let (Some(subject), Some(expires), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(LinkError::Invalid);
        };
        // Only the digits as signed: `+5` or `05` would be the same number under another spelling.
        let expires: i64 = expires.parse().ok().filter(|e: &i64| e.to_string() == expires).ok_or(LinkError::Invalid)?;
        let tag = hex::decode(tag).map_err(|_| LinkError::Invalid)?;
        if !subject_ok(subject) || tag.len() != 16 {
            return Err(LinkError::Invalid);
        }
        // Compared in constant time, so the MAC cannot be found a byte at a time.
        self.mac(purpose, subject, expires).verify_truncated_left(&tag).map_err(|_| LinkError::Invalid)?;
        if now.as_micros() / 1_000_000 > expires {
            return Err(LinkError::Expired);
        }
        Ok(subject.to_owned())
    }
}

fn subject_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b':' || b == b'-')
}

/// The subject of an account token: the account's id and a digest of what the token is bound to (its
/// email address to confirm, or its current password hash), so that a token stops working when that
/// changes.
pub fn account_subject(user_id: i64, bound_to: &str) -> String {
    let digest = Sha256::digest(bound_to.as_bytes());
    format!("{user_id}:{}", hex::encode(&digest[..8]))
}

/// The account id in an account token's subject.
pub fn account_of(subject: &str) -> Option<i64> {
    subject.split_once(':').and_then(|(id, _)| id.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> LinkKey {
        LinkKey::new(&[7u8; 32]).expect("32 bytes make a key")
    }

    const NOW: Timestamp = Timestamp::from_micros(1_800_000_000_000_000);

    #[test]
    fn a_token_is_good_for_its_purpose_until_it_expires() {
        let t = key().sign(Purpose::Report, "K7QM-3XR9", NOW);
        assert_eq!(key().verify(Purpose::Report, &t, NOW), Ok("K7QM-3XR9".to_owned()));
        let last = NOW.plus_seconds(Purpose::Report.lifetime_secs());
        assert!(key().verify(Purpose::Report, &t, last).is_ok());
        assert_eq!(key().verify(Purpose::Report, &t, last.plus_seconds(1)), Err(LinkError::Expired));
        // Only URL-safe characters: the token goes into a query string as it is.
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-:.".contains(&b)), "{t}");
    }

    #[test]
    fn a_token_cannot_be_forged_stretched_or_reused_elsewhere() {
        let k = key();
        let t = k.sign(Purpose::Report, "K7QM-3XR9", NOW);
        assert_eq!(k.verify(Purpose::ConfirmEmail, &t, NOW), Err(LinkError::Invalid), "another purpose");
        let other = LinkKey::new(&[8u8; 32]).expect("32 bytes make a key");
        assert_eq!(other.verify(Purpose::Report, &t, NOW), Err(LinkError::Invalid), "another key");
        let (_, rest) = t.split_once('.').expect("three parts");
        assert_eq!(k.verify(Purpose::Report, &format!("AAAA-BBBB.{rest}"), NOW), Err(LinkError::Invalid));
        let parts: Vec<&str> = t.split('.').collect();
        let later = format!("{}.{}.{}", parts[0], parts[1].parse::<i64>().unwrap() + 86_400, parts[2]);
        assert_eq!(k.verify(Purpose::Report, &later, NOW), Err(LinkError::Invalid), "a stretched expiry");
        let respelt = format!("{}.+{}.{}", parts[0], parts[1], parts[2]);
        assert_eq!(k.verify(Purpose::Report, &respelt, NOW), Err(LinkError::Invalid), "the expiry respelt");
        for junk in ["", "x", "a.b", "a.1.zz", "K7QM-3XR9.1.00", "a b.1.00112233445566778899aabbccddeeff"] {
            assert_eq!(k.verify(Purpose::Report, junk, NOW), Err(LinkError::Invalid), "{junk:?}");
        }
        assert!(LinkKey::new(&[1u8; 31]).is_none(), "a short secret is refused");
    }

    #[test]
    fn account_subjects_change_with_what_they_are_bound_to() {
        let a = account_subject(42, "$argon2id$old");
        assert_eq!(account_of(&a), Some(42));
        assert_ne!(a, account_subject(42, "$argon2id$new"));
        assert!(subject_ok(&a));
    }
}
