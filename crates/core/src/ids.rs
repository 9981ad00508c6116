//! Identifiers that arrive from outside: jurisdiction slugs, service codes and public report ids.

use std::fmt;

use rand::Rng;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IdError {
    #[error("{what} must not be empty")]
    Empty { what: &'static str },
    #[error("{what} is longer than {max} characters")]
    TooLong { what: &'static str, max: usize },
    #[error("{what} may contain only letters, digits, '.', '-' and '_'")]
    BadCharacter { what: &'static str },
}

fn check_slug(s: &str, what: &'static str, max: usize) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { what });
    }
    if s.chars().count() > max {
        return Err(IdError::TooLong { what, max });
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
        return Err(IdError::BadCharacter { what });
    }
    Ok(())
}

macro_rules! slug_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parses a client-supplied value.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                check_slug(s, $what, $max)?;
                Ok(Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Read access as a string; the value stays as parsed.
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

slug_type!(
    /// A jurisdiction's slug, e.g. `tangerangkota.go.id`; also its Open311 `jurisdiction_id`.
    JurisdictionId, "jurisdiction_id", 100
);
slug_type!(
    /// A service (category) code, unique within a jurisdiction, e.g. `jalan-rusak`.
    ServiceCode, "service_code", 64
);

/// Crockford base 32 without the letters a caller could mishear (I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PUBLIC_ID_LEN: usize = 8;

/// A report's public id: eight characters a citizen can read over the phone, shown as `K7QM-3XR9`.
///
/// Parsing forgives what people do when they type one: lower case, a missing dash, and O/I/L typed
/// for 0/1/1.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct PublicId(String);

impl PublicId {
    /// A fresh random id (40 bits). The store retries on the rare collision.
    pub fn generate<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut s = String::with_capacity(PUBLIC_ID_LEN + 1);
        for i in 0..PUBLIC_ID_LEN {
            if i == 4 {
                s.push('-');
            }
            s.push(ALPHABET[rng.random_range(0..32)] as char);
        }
        Self(s)
    }

    /// Parses what a person or client typed; `None` if it cannot be a public id.
    pub fn parse(s: &str) -> Option<Self> {
        let mut out = String::with_capacity(PUBLIC_ID_LEN + 1);
        let mut n = 0;
        for c in s.trim().chars() {
            if c == '-' || c == ' ' {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => c,
                _ => return None,
            };
            if n == 4 {
                out.push('-');
            }
            out.push(c);
            n += 1;
            if n > PUBLIC_ID_LEN {
                return None;
            }
        }
        (n == PUBLIC_ID_LEN).then_some(Self(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for PublicId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublicId::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a report id like K7QM-3XR9")))
    }
}

/// Read access as a string; the value stays as parsed.
impl std::ops::Deref for PublicId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for PublicId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for PublicId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for PublicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `s` (trimmed) can be an email address to write to: one `@` with something on each side, no
/// whitespace, at most 200 characters. Whether it reaches anyone only sending can tell.
pub fn plausible_email(s: &str) -> bool {
    let s = s.trim();
    let shape =
        s.split_once('@').is_some_and(|(user, host)| !user.is_empty() && !host.is_empty() && !host.contains('@'));
    shape && !s.contains(char::is_whitespace) && s.chars().count() <= 200
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn public_id_forgives_typing() {
        let id = PublicId::parse("k7qm3xr9").unwrap();
        assert_eq!(id.as_str(), "K7QM-3XR9");
        assert_eq!(PublicId::parse("K7QM-3XRO").unwrap().as_str(), "K7QM-3XR0");
        assert!(PublicId::parse("K7QM-3XR").is_none());
        assert!(PublicId::parse("K7QM-3XR99").is_none());
        assert!(PublicId::parse("K7QM-3XR!").is_none());
        assert!(PublicId::parse("K7QM-3XRU").is_none());
    }

    #[test]
    fn slugs_refuse_bad_input() {
        assert!(ServiceCode::parse("jalan-rusak").is_ok());
        assert_eq!(ServiceCode::parse(""), Err(IdError::Empty { what: "service_code" }));
        assert!(ServiceCode::parse("jalan rusak").is_err());
        assert!(JurisdictionId::parse("tangerangkota.go.id").is_ok());
    }

    #[test]
    fn public_ids_read_like_they_are_typed() {
        for (typed, id) in [
            ("K7QM-3XR9", "K7QM-3XR9"),
            (" k7qm-3xr9 ", "K7QM-3XR9"),
            ("K7QM 3XR9", "K7QM-3XR9"),
            ("k-7-q-m-3-x-r-9", "K7QM-3XR9"),
            // O is 0; I and L are 1.
            ("oOiI-lL00", "0011-1100"),
            ("ABCD-EFGH", "ABCD-EFGH"),
            ("JKMN-PQRS", "JKMN-PQRS"),
            ("TVWX-YZ00", "TVWX-YZ00"),
        ] {
            assert_eq!(PublicId::parse(typed).map(|p| p.to_string()), Some(id.to_owned()), "{typed}");
        }
        // U is not in the alphabet; neither is anything outside ASCII, even a letter whose code ends
        // like one that is ('Ł' is U+0141, 'A' is 0x41).
        for bad in ["", "----", "K7QM-3XRU", "K7QM-3XRŁ", "K7QM-3XR9é", "K7QM_3XR9", "K7QM-3XR9-0"] {
            assert_eq!(PublicId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn generated_ids_look_like_k7qm_3xr9() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let ids: Vec<PublicId> = (0..50).map(|_| PublicId::generate(&mut rng)).collect();
        for id in &ids {
            let s = id.as_str();
            assert_eq!(s.len(), 9, "{s}");
            assert_eq!(s.as_bytes()[4], b'-', "{s}");
            assert!(s.chars().filter(|c| *c != '-').all(|c| ALPHABET.contains(&(c as u8))), "{s}");
        }
        let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
    }

    #[test]
    fn public_ids_in_json() {
        let id: PublicId = serde_json::from_str(r#""k7qm3xr9""#).unwrap();
        assert_eq!(id.as_str(), "K7QM-3XR9");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""K7QM-3XR9""#);
        let err = serde_json::from_str::<PublicId>(r#""nope""#).unwrap_err();
        assert!(err.to_string().contains("\"nope\" is not a report id like K7QM-3XR9"), "{err}");
    }

    #[test]
    fn slug_rules() {
        for ok in ["a", "kota.go.id", "jalan_rusak", "jalan-rusak", "A1.b-2_c"] {
            assert_eq!(JurisdictionId::parse(ok).map(|j| j.to_string()), Ok(ok.to_owned()));
            assert_eq!(ServiceCode::parse(ok).map(|c| c.as_str().to_owned()), Ok(ok.to_owned()));
        }
        for bad in ["jalan rusak", "jalan/rusak", "jälan", "a:b", "a+b", "a\n"] {
            assert_eq!(ServiceCode::parse(bad), Err(IdError::BadCharacter { what: "service_code" }), "{bad:?}");
            assert_eq!(JurisdictionId::parse(bad), Err(IdError::BadCharacter { what: "jurisdiction_id" }), "{bad:?}");
        }
        assert_eq!(JurisdictionId::parse(""), Err(IdError::Empty { what: "jurisdiction_id" }));
        assert_eq!(
            IdError::BadCharacter { what: "service_code" }.to_string(),
            "service_code may contain only letters, digits, '.', '-' and '_'"
        );
        let code = ServiceCode::parse("jalan-rusak").unwrap();
        assert_eq!(AsRef::<str>::as_ref(&code), "jalan-rusak");
        assert_eq!(serde_json::to_string(&code).unwrap(), r#""jalan-rusak""#);
        let j = JurisdictionId::parse("kota.go.id").unwrap();
        assert_eq!(AsRef::<str>::as_ref(&j), "kota.go.id");
        assert_eq!(j.as_str(), "kota.go.id");
    }

    #[test]
    fn slug_lengths() {
        assert!(JurisdictionId::parse(&"j".repeat(100)).is_ok());
        assert_eq!(
            JurisdictionId::parse(&"j".repeat(101)),
            Err(IdError::TooLong { what: "jurisdiction_id", max: 100 })
        );
        assert!(ServiceCode::parse(&"s".repeat(64)).is_ok());
        assert_eq!(ServiceCode::parse(&"s".repeat(65)), Err(IdError::TooLong { what: "service_code", max: 64 }));
        assert_eq!(
            IdError::TooLong { what: "service_code", max: 64 }.to_string(),
            "service_code is longer than 64 characters"
        );
    }

    proptest! {
        #[test]
        fn generated_ids_parse_to_themselves(seed in any::<u64>()) {
            use rand::SeedableRng;
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let id = PublicId::generate(&mut rng);
            prop_assert_eq!(PublicId::parse(id.as_str()), Some(id.clone()));
            prop_assert_eq!(PublicId::parse(&id.as_str().to_lowercase().replace('-', "")), Some(id));
        }
    }

    #[test]
    fn plausible_emails() {
        for ok in ["siti@warga.test", " budi@kota.go.id ", "a@localhost"] {
            assert!(plausible_email(ok), "{ok:?}");
        }
        for bad in
            ["", "siti", "@warga.test", "siti@", "si ti@warga.test", "a@b@c", &format!("{}@x.id", "a".repeat(200))]
        {
            assert!(!plausible_email(bad), "{bad:?}");
        }
    }
}
