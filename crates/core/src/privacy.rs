//! Who may see a report and its reporter (see docs/ARCHITECTURE.md, Privacy).

use std::fmt;

/// The privacy level a reporter chooses; an operator may raise it, never lower it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Privacy {
    /// Public report, the reporter's display name shown.
    #[default]
    Publik,
    /// Public report, no reporter shown to anyone but operators and the ombudsman.
    Anonim,
    /// Not public at all: never listed, never in Open311 GET.
    Rahasia,
}

/// A privacy change that would lower the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("privacy may only be raised: {from} cannot become {to}")]
pub struct LowerPrivacy {
    pub from: Privacy,
    pub to: Privacy,
}

impl Privacy {
    pub const ALL: [Privacy; 3] = [Privacy::Publik, Privacy::Anonim, Privacy::Rahasia];

    pub fn as_str(self) -> &'static str {
        match self {
            Privacy::Publik => "publik",
            Privacy::Anonim => "anonim",
            Privacy::Rahasia => "rahasia",
        }
    }

    /// Accepts the Indonesian names and their English equivalents.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "publik" | "public" => Some(Privacy::Publik),
            "anonim" | "anonymous" => Some(Privacy::Anonim),
            "rahasia" | "confidential" | "private" => Some(Privacy::Rahasia),
            _ => None,
        }
    }

    /// Whether the report appears in public lists, public pages and Open311 GET.
    pub fn is_listed_publicly(self) -> bool {
        self != Privacy::Rahasia
    }

    /// Whether the public may see the reporter's display name.
    pub fn shows_reporter_publicly(self) -> bool {
        self == Privacy::Publik
    }

    /// Raises the level to `to`; lowering is refused.
    pub fn raise(self, to: Privacy) -> Result<Privacy, LowerPrivacy> {
        if to >= self { Ok(to) } else { Err(LowerPrivacy { from: self, to }) }
    }
}

impl fmt::Display for Privacy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raising_is_allowed() {
        for a in Privacy::ALL {
            for b in Privacy::ALL {
                assert_eq!(a.raise(b).is_ok(), b >= a, "{a} -> {b}");
            }
        }
    }

    #[test]
    fn rahasia_is_never_listed() {
        assert!(!Privacy::Rahasia.is_listed_publicly());
        assert!(Privacy::Anonim.is_listed_publicly());
        assert!(!Privacy::Anonim.shows_reporter_publicly());
        assert_eq!(Privacy::parse(" Public "), Some(Privacy::Publik));
    }

    #[test]
    fn names_in_indonesian_and_english() {
        for (text, privacy) in [
            ("publik", Privacy::Publik),
            ("public", Privacy::Publik),
            ("anonim", Privacy::Anonim),
            ("Anonymous", Privacy::Anonim),
            ("rahasia", Privacy::Rahasia),
            ("confidential", Privacy::Rahasia),
            (" PRIVATE ", Privacy::Rahasia),
        ] {
            assert_eq!(Privacy::parse(text), Some(privacy), "{text}");
        }
        for text in ["", "secret", "pub"] {
            assert_eq!(Privacy::parse(text), None, "{text}");
        }
        for (privacy, name) in Privacy::ALL.into_iter().zip(["publik", "anonim", "rahasia"]) {
            assert_eq!((privacy.as_str(), privacy.to_string()), (name, name.to_owned()));
            assert_eq!(serde_json::to_value(privacy).unwrap(), name);
        }
    }

    #[test]
    fn who_the_public_sees() {
        // (listed publicly, reporter shown publicly)
        for (privacy, listed, shown) in
            [(Privacy::Publik, true, true), (Privacy::Anonim, true, false), (Privacy::Rahasia, false, false)]
        {
            assert_eq!(privacy.is_listed_publicly(), listed, "{privacy}");
            assert_eq!(privacy.shows_reporter_publicly(), shown, "{privacy}");
        }
    }

    #[test]
    fn raising_gives_the_new_level_and_lowering_says_why_not() {
        assert_eq!(Privacy::Publik.raise(Privacy::Rahasia), Ok(Privacy::Rahasia));
        assert_eq!(Privacy::Publik.raise(Privacy::Anonim), Ok(Privacy::Anonim));
        assert_eq!(Privacy::Anonim.raise(Privacy::Anonim), Ok(Privacy::Anonim), "keeping the level is fine");
        let err = Privacy::Rahasia.raise(Privacy::Publik).unwrap_err();
        assert_eq!(err, LowerPrivacy { from: Privacy::Rahasia, to: Privacy::Publik });
        assert_eq!(err.to_string(), "privacy may only be raised: rahasia cannot become publik");
    }
}
