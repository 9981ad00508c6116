//! Parts of a report that carry their own rules.

use std::fmt;

/// How a report reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Open311,
    Api,
    Sms,
    Whatsapp,
    Email,
    WalkIn,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Web,
        Channel::Open311,
        Channel::Api,
        Channel::Sms,
        Channel::Whatsapp,
        Channel::Email,
        Channel::WalkIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Open311 => "open311",
            Channel::Api => "api",
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Email => "email",
            Channel::WalkIn => "walk_in",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A report's description: at most 4,000 characters of plain text, not blank.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Description(String);

/// Why a description was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DescriptionError {
    #[error("description must not be empty")]
    Empty,
    #[error("description is {0} characters; at most 4000 are allowed")]
    TooLong(usize),
    #[error("description must be plain text, not HTML")]
    Html,
}

impl Description {
    pub const MAX_CHARS: usize = 4_000;

    pub fn parse(s: &str) -> Result<Self, DescriptionError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DescriptionError::Empty);
        }
        let n = s.chars().count();
        if n > Self::MAX_CHARS {
            return Err(DescriptionError::TooLong(n));
        }
        if looks_like_html(s) {
            return Err(DescriptionError::Html);
        }
        // Control characters other than line breaks and tabs only ever cause trouble downstream.
        let clean: String = s.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t')).collect();
        Ok(Self(clean))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A `<` followed by a letter, `/` or `!` opens a tag; "< 5 meter" or "a<b" in prose does not.
fn looks_like_html(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions() {
        assert_eq!(Description::parse("  "), Err(DescriptionError::Empty));
        assert_eq!(Description::parse(&"a".repeat(4001)), Err(DescriptionError::TooLong(4001)));
        assert!(Description::parse(&"é".repeat(4000)).is_ok(), "the limit counts characters, not bytes");
        assert_eq!(Description::parse("<script>alert(1)</script>"), Err(DescriptionError::Html));
        assert!(Description::parse("Lubang < 5 meter dari halte").is_ok());
    }
}
