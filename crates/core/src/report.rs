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
    #[error("description must not contain bidirectional formatting characters")]
    Bidi,
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
        if s.chars().any(is_bidi_control) {
            return Err(DescriptionError::Bidi);
        }
        // Control characters other than line breaks and tabs only ever cause trouble downstream.
        let clean: String = s.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t')).collect();
        Ok(Self(clean))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why `s` is not plain text as a person types it: HTML markup, or bidirectional formatting
/// characters. For every short field and comment, like [`Description`].
pub fn plain_text_error(s: &str) -> Option<&'static str> {
    if looks_like_html(s) {
        return Some("must be plain text, not HTML");
    }
    if s.chars().any(is_bidi_control) {
        return Some("must not contain bidirectional formatting characters");
    }
    None
}

/// Bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
/// U+2069): they make text display in another order than it is stored ("Trojan Source"), so a note
/// could read differently to staff than what it says; plain Indonesian or English text never needs them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A `<` followed by a letter, `/` or `!` opens a tag; "< 5 meter" or "3<5" in prose does not.
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
        assert_eq!(Description::parse("Jalan \u{202E}kaspur"), Err(DescriptionError::Bidi));
    }

    #[test]
    fn plain_text_refuses_markup_and_bidi_controls_only() {
        for bad in ["<b>penting</b>", "</p>", "<!-- x -->", "a\u{202E}b", "\u{2066}x", "\u{200F}", "\u{061C}"] {
            assert!(plain_text_error(bad).is_some(), "{bad:?}");
        }
        for ok in ["Jl. Merdeka No. 5 < 10 m", "Siti Rahmawati", "3<5", "< 5", "ok \u{2065} \u{2029}", "\u{202F}"] {
            assert_eq!(plain_text_error(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn channel_names_round_trip() {
        let names = ["web", "open311", "api", "sms", "whatsapp", "email", "walk_in"];
        for (c, name) in Channel::ALL.into_iter().zip(names) {
            assert_eq!(c.as_str(), name);
            assert_eq!(Channel::parse(name), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), name);
        }
        assert_eq!(Channel::parse("WhatsApp"), None);
        assert_eq!(Channel::parse(""), None);
    }

    #[test]
    fn a_description_is_trimmed_plain_text_of_at_most_4000_characters() {
        let d = Description::parse("  Jalan berlubang\n\tdi depan halte  ").unwrap();
        assert_eq!(d.as_str(), "Jalan berlubang\n\tdi depan halte");
        assert_eq!(d.to_string(), "Jalan berlubang\n\tdi depan halte");
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""Jalan berlubang\n\tdi depan halte""#);
        assert!(Description::parse(&"a".repeat(4_000)).is_ok());
        assert_eq!(Description::parse(&"é".repeat(4_001)), Err(DescriptionError::TooLong(4_001)));
        // Surrounding blanks do not count.
        assert!(Description::parse(&format!("  {}  ", "a".repeat(4_000))).is_ok());
        assert_eq!(
            DescriptionError::TooLong(4_001).to_string(),
            "description is 4001 characters; at most 4000 are allowed"
        );
    }

    #[test]
    fn control_characters_are_dropped_from_a_description() {
        let d = Description::parse("Jalan\u{0} ber\u{7}lubang\u{1b}\r\n").unwrap();
        assert_eq!(d.as_str(), "Jalan berlubang");
        let d = Description::parse("baris satu\r\nbaris dua").unwrap();
        assert_eq!(d.as_str(), "baris satu\r\nbaris dua");
    }

    #[test]
    fn markup_is_refused_but_a_less_than_sign_in_prose_is_not() {
        for html in ["<b>tebal</b>", "teks </p>", "<!-- komentar -->", "<img src=x>", "<A HREF=x>"] {
            assert_eq!(Description::parse(html), Err(DescriptionError::Html), "{html}");
        }
        for prose in ["Lubang < 5 meter", "3<5", "<3 kota ini", "a <= b", "ujung kalimat <"] {
            assert!(Description::parse(prose).is_ok(), "{prose}");
        }
    }
}
