//! Who may see a report and its reporter (DESIGN §6).

use std::fmt;

/// The privacy level a reporter chooses; an operator may raise it, never lower it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Privacy {
    /// Public report, the reporter's display name shown.
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
}
