//! What a person asks to do to a report: an action with every input it requires (DESIGN §5).

use std::fmt;

use crate::PublicId;
use crate::status::{Action, ArchiveReason};

/// Free text a person typed for an action (a reason, a plan, evidence): 1 to 5,000 characters, no
/// control characters except line breaks.
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
        rating: Option<u8>,
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
            Command::ForwardNotAuthority { to } => Some(format!("Diteruskan ke / forwarded to: {to}")),
            Command::MarkDuplicate { of } => Some(format!("Sama dengan laporan / duplicate of {of}")),
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
