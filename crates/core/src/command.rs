//! What a person asks to do to a report: an action with every input it requires (see
//! docs/ARCHITECTURE.md, Lifecycle).

use std::fmt;

use crate::PublicId;
use crate::status::{Action, ArchiveReason};

/// Free text a person typed for an action (a reason, a plan, evidence) or a comment: 1 to 5,000
/// characters of plain text (no HTML markup, no bidirectional formatting characters), no control
/// characters except line breaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    pub const MAX_CHARS: usize = 5_000;

    pub fn parse(s: &str) -> Result<Text, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            return Err("contains control characters".into());
        }
        if let Some(e) = crate::report::plain_text_error(s) {
            return Err(e.into());
        }
        Ok(Text(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Text::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An archive reason a person may choose; `duplicate` goes through [`Command::MarkDuplicate`], which
/// names the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManualArchive {
    Spam,
    Incomplete,
    OutOfScope,
    Withdrawn,
}

impl From<ManualArchive> for ArchiveReason {
    fn from(m: ManualArchive) -> Self {
        match m {
            ManualArchive::Spam => ArchiveReason::Spam,
            ManualArchive::Incomplete => ArchiveReason::Incomplete,
            ManualArchive::OutOfScope => ArchiveReason::OutOfScope,
            ManualArchive::Withdrawn => ArchiveReason::Withdrawn,
        }
    }
}

/// An action with the inputs it requires; a command that parses is complete.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Accept the report and send it to an agency (the service's own when none is named).
    Verify {
        agency_id: Option<i64>,
        note: Option<Text>,
    },
    /// Ask the reporter for missing information; the question is shown to them.
    RequestInfo {
        question: Text,
    },
    /// The reporter's answer to a request for information.
    ProvideInfo {
        answer: Text,
    },
    /// Send (or re-send) the report to an agency.
    Dispose {
        agency_id: i64,
        note: Option<Text>,
    },
    /// The agency says the report is not theirs; it goes back to the operators.
    HandBack {
        reason: Text,
    },
    /// The agency's follow-up plan, shown to the reporter.
    Plan {
        plan: Text,
    },
    /// Done, with evidence (and optionally the URL of an "after" photo).
    Resolve {
        evidence: Text,
        photo_url: Option<String>,
    },
    /// The reporter accepts the resolution, optionally rating it 1–5.
    Confirm {
        rating: Option<crate::limits::Rating>,
    },
    /// The reporter says it is not resolved.
    Reopen {
        reason: Text,
    },
    /// Not this government's authority; forwarded to another body, closed here.
    ForwardNotAuthority {
        to: Text,
    },
    Archive {
        reason: ManualArchive,
        note: Option<Text>,
    },
    /// The same problem as an earlier report; the reporter is told and follows the original.
    MarkDuplicate {
        of: PublicId,
    },
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Verify { .. } => Action::Verify,
            Command::RequestInfo { .. } => Action::RequestInfo,
            Command::ProvideInfo { .. } => Action::InfoGiven,
            Command::Dispose { .. } => Action::Dispose,
            Command::HandBack { .. } => Action::HandBack,
            Command::Plan { .. } => Action::Plan,
            Command::Resolve { .. } => Action::Resolve,
            Command::Confirm { .. } => Action::Confirm,
            Command::Reopen { .. } => Action::Reopen,
            Command::ForwardNotAuthority { .. } => Action::ForwardNotAuthority,
            Command::Archive { reason, .. } => Action::Archive((*reason).into()),
            Command::MarkDuplicate { .. } => Action::Archive(ArchiveReason::Duplicate),
        }
    }

    /// The event kind recorded for it.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Verify { .. } => "verify",
            Command::RequestInfo { .. } => "request_info",
            Command::ProvideInfo { .. } => "provide_info",
            Command::Dispose { .. } => "dispose",
            Command::HandBack { .. } => "hand_back",
            Command::Plan { .. } => "plan",
            Command::Resolve { .. } => "resolve",
            Command::Confirm { .. } => "confirm",
            Command::Reopen { .. } => "reopen",
            Command::ForwardNotAuthority { .. } => "forward_not_authority",
            Command::Archive { .. } => "archive",
            Command::MarkDuplicate { .. } => "mark_duplicate",
        }
    }

    /// The text shown on the public timeline (and to the reporter), if any.
    pub fn public_note(&self) -> Option<String> {
        match self {
            Command::RequestInfo { question } => Some(question.to_string()),
            Command::Plan { plan } => Some(plan.to_string()),
            Command::Resolve { evidence, .. } => Some(evidence.to_string()),
            Command::ForwardNotAuthority { to } => Some(crate::notice::forwarded_note(to.as_str())),
            Command::MarkDuplicate { of } => Some(crate::notice::duplicate_note(Some(of.as_str()))),
            Command::Reopen { reason } => Some(reason.to_string()),
            _ => None,
        }
    }

    /// Text seen by staff only.
    pub fn internal_note(&self) -> Option<String> {
        match self {
            Command::Verify { note, .. } | Command::Dispose { note, .. } | Command::Archive { note, .. } => {
                note.as_ref().map(Text::to_string)
            }
            Command::HandBack { reason } => Some(reason.to_string()),
            // The reporter's answer may carry personal details: staff only.
            Command::ProvideInfo { answer } => Some(answer.to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Text {
        Text::parse(s).unwrap()
    }

    fn id() -> PublicId {
        PublicId::parse("K7QM-3XR9").unwrap()
    }

    #[test]
    fn text_is_trimmed_and_must_not_be_blank() {
        assert_eq!(text("  Jalan berlubang \n").as_str(), "Jalan berlubang");
        assert_eq!(text("  Jalan berlubang ").to_string(), "Jalan berlubang");
        for blank in ["", " ", "\n\t "] {
            assert_eq!(Text::parse(blank), Err("must not be empty".to_owned()), "{blank:?}");
        }
    }

    #[test]
    fn text_is_plain_text_without_markup_or_bidi_controls() {
        assert!(Text::parse("<img src=x onerror=alert(1)>").is_err());
        assert!(Text::parse("Sudah diperbaiki \u{202E}gnol").unwrap_err().contains("bidirectional"));
        assert_eq!(text("Jarak < 5 m dari halte").as_str(), "Jarak < 5 m dari halte");
    }

    #[test]
    fn text_holds_at_most_5000_characters() {
        assert_eq!(Text::MAX_CHARS, 5_000);
        // Characters, not bytes: 'é' is two bytes.
        assert_eq!(text(&"é".repeat(5_000)).as_str().chars().count(), 5_000);
        assert_eq!(Text::parse(&"é".repeat(5_001)), Err("must be at most 5000 characters".to_owned()));
        assert!(Text::parse(&"a".repeat(5_001)).is_err());
        // Surrounding blanks do not count.
        assert!(Text::parse(&format!("  {}  ", "a".repeat(5_000))).is_ok());
    }

    #[test]
    fn text_refuses_control_characters_but_keeps_line_breaks_and_tabs() {
        for ok in ["baris satu\nbaris dua", "baris satu\r\nbaris dua", "kolom\tkolom"] {
            assert_eq!(text(ok).as_str(), ok);
        }
        for bad in ["a\u{0}b", "a\u{7}b", "a\u{1b}[31mb", "a\u{7f}b", "a\u{85}b", "a\u{8}b"] {
            assert_eq!(Text::parse(bad), Err("contains control characters".to_owned()), "{bad:?}");
        }
    }

    #[test]
    fn text_from_json_follows_the_same_rules() {
        assert_eq!(serde_json::from_str::<Text>(r#"" ok ""#).unwrap(), text("ok"));
        assert_eq!(serde_json::to_string(&text("ok")).unwrap(), r#""ok""#);
        for bad in [r#""""#, r#""a\u0007b""#] {
            assert!(serde_json::from_str::<Text>(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Text>(&format!("\"{}\"", "a".repeat(5_001))).is_err());
    }

    #[test]
    fn manual_archive_reasons_map_to_the_same_archive_reason() {
        for (m, r) in [
            (ManualArchive::Spam, ArchiveReason::Spam),
            (ManualArchive::Incomplete, ArchiveReason::Incomplete),
            (ManualArchive::OutOfScope, ArchiveReason::OutOfScope),
            (ManualArchive::Withdrawn, ArchiveReason::Withdrawn),
        ] {
            assert_eq!(ArchiveReason::from(m), r);
        }
    }

    /// Every command with its action, its event name (the same as its JSON `action` tag), the note
    /// shown on the public timeline and to the reporter, and the note only staff see.
    #[test]
    fn what_each_command_does_and_shows() {
        type Case = (Command, Action, &'static str, Option<&'static str>, Option<&'static str>);
        let cases: Vec<Case> = vec![
            (Command::Verify { agency_id: None, note: None }, Action::Verify, "verify", None, None),
            (
                Command::Verify { agency_id: Some(3), note: Some(text("cek lokasi")) },
                Action::Verify,
                "verify",
                None,
                Some("cek lokasi"),
            ),
            (
                Command::RequestInfo { question: text("Di RT berapa?") },
                Action::RequestInfo,
                "request_info",
                Some("Di RT berapa?"),
                None,
            ),
            (
                Command::ProvideInfo { answer: text("RT 03, rumah Pak Budi") },
                Action::InfoGiven,
                "provide_info",
                None,
                Some("RT 03, rumah Pak Budi"),
            ),
            (Command::Dispose { agency_id: 4, note: None }, Action::Dispose, "dispose", None, None),
            (
                Command::Dispose { agency_id: 4, note: Some(text("prioritas")) },
                Action::Dispose,
                "dispose",
                None,
                Some("prioritas"),
            ),
            (
                Command::HandBack { reason: text("bukan jalan kota") },
                Action::HandBack,
                "hand_back",
                None,
                Some("bukan jalan kota"),
            ),
            (Command::Plan { plan: text("Ditambal Senin") }, Action::Plan, "plan", Some("Ditambal Senin"), None),
            (
                Command::Resolve { evidence: text("Sudah ditambal"), photo_url: Some("https://x.test/a.jpg".into()) },
                Action::Resolve,
                "resolve",
                Some("Sudah ditambal"),
                None,
            ),
            (
                Command::Confirm { rating: Some(crate::limits::Rating::new(5).unwrap()) },
                Action::Confirm,
                "confirm",
                None,
                None,
            ),
            (
                Command::Reopen { reason: text("Masih berlubang") },
                Action::Reopen,
                "reopen",
                Some("Masih berlubang"),
                None,
            ),
            (
                Command::ForwardNotAuthority { to: text("BBPJN") },
                Action::ForwardNotAuthority,
                "forward_not_authority",
                Some("Diteruskan ke / forwarded to: BBPJN"),
                None,
            ),
            (
                Command::Archive { reason: ManualArchive::Spam, note: None },
                Action::Archive(ArchiveReason::Spam),
                "archive",
                None,
                None,
            ),
            (
                Command::Archive { reason: ManualArchive::Withdrawn, note: Some(text("ditarik pelapor")) },
                Action::Archive(ArchiveReason::Withdrawn),
                "archive",
                None,
                Some("ditarik pelapor"),
            ),
            (
                Command::MarkDuplicate { of: id() },
                Action::Archive(ArchiveReason::Duplicate),
                "mark_duplicate",
                Some("Sama dengan laporan / duplicate of K7QM-3XR9"),
                None,
            ),
        ];
        for (cmd, action, name, public, internal) in cases {
            assert_eq!(cmd.action(), action, "{cmd:?}");
            assert_eq!(cmd.name(), name, "{cmd:?}");
            let json = serde_json::to_value(&cmd).unwrap();
            assert_eq!(json["action"], name, "the event name is the command's JSON action");
            assert_eq!(serde_json::from_value::<Command>(json).unwrap(), cmd);
            assert_eq!(cmd.public_note().as_deref(), public, "public note of {name}");
            assert_eq!(cmd.internal_note().as_deref(), internal, "internal note of {name}");
        }
    }
}
