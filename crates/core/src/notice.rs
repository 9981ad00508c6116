//! What people are told and when (issue "who gets what"): one [`Notice`] per occasion, rendered in the
//! recipient's language. The texts carry no reporter identity: a notice to staff names the report, not
//! the person who made it.

use serde::{Deserialize, Serialize};

/// A recipient's language; Indonesian unless they chose English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Lang {
        if s.trim().to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Id }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
}

/// Who a notice is for; resolved to addresses when it is sent, so a change of staff between the event
/// and the delivery reaches the people on duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Audience {
    /// The report's reporter (their email, or their account's).
    Reporter { report_id: i64 },
    /// The officers of an agency.
    Officers { agency_id: i64 },
    /// The heads of an agency.
    AgencyHeads { agency_id: i64 },
    /// The jurisdiction's leaders.
    Leaders { jurisdiction_id: String },
    /// The jurisdiction's operators.
    Operators { jurisdiction_id: String },
}

/// An occasion to tell someone something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// To the reporter: the report arrived.
    Received { public_id: String, follow_up_code: Option<String>, verify_by: String },
    /// To the reporter: the desk needs more information.
    NeedsInfo { public_id: String, question: String, reply_by: String },
    /// To the reporter: the agency has a plan.
    InProgress { public_id: String, plan: String, resolve_by: String },
    /// To the reporter: resolved; confirm or reopen, and rate it.
    Resolved { public_id: String, evidence: String, survey_url: String, confirm_by: String },
    /// To the reporter: closed.
    Closed { public_id: String },
    /// To the reporter: archived or forwarded elsewhere.
    Ended { public_id: String, reason: String },
    /// To the reporter of a duplicate: follow the original instead.
    Duplicate { public_id: String, original: String },
    /// To officers: a report was sent to their agency.
    NewDisposition { public_id: String, service: String, plan_by: String },
    /// To officers: one working day left.
    Reminder { public_id: String, clock: String, deadline: String },
    /// To officers and the agency head (level 1) or the leader (level 2): a deadline passed.
    Overdue { public_id: String, clock: String, deadline: String, level: i64 },
    /// To operators: an agency handed a report back.
    HandedBack { public_id: String, reason: String },
    /// To staff: the reporter reopened a resolution.
    Reopened { public_id: String, reason: String },
}

impl Notice {
    pub fn public_id(&self) -> &str {
        match self {
            Notice::Received { public_id, .. }
            | Notice::NeedsInfo { public_id, .. }
            | Notice::InProgress { public_id, .. }
            | Notice::Resolved { public_id, .. }
            | Notice::Closed { public_id }
            | Notice::Ended { public_id, .. }
            | Notice::Duplicate { public_id, .. }
            | Notice::NewDisposition { public_id, .. }
            | Notice::Reminder { public_id, .. }
            | Notice::Overdue { public_id, .. }
            | Notice::HandedBack { public_id, .. }
            | Notice::Reopened { public_id, .. } => public_id,
        }
    }

    /// Subject and plain-text body in `lang`.
    pub fn render(&self, lang: Lang) -> (String, String) {
        let id = lang == Lang::Id;
        let pick = |a: String, b: String| if id { a } else { b };
        match self {
            Notice::Received { public_id, follow_up_code, verify_by } => {
                let code = follow_up_code.as_deref().map_or(String::new(), |c| {
                    pick(
                        format!("\nKode pantau (rahasiakan): {c}\n"),
                        format!("\nFollow-up code (keep it secret): {c}\n"),
                    )
                });
                (
                    pick(format!("Laporan {public_id} diterima"), format!("Report {public_id} received")),
                    pick(
                        format!(
                            "Terima kasih. Laporan Anda tercatat dengan nomor {public_id}.{code}\nLaporan akan diverifikasi paling lambat {verify_by}."
                        ),
                        format!(
                            "Thank you. Your report is registered as {public_id}.{code}\nIt will be verified by {verify_by}."
                        ),
                    ),
                )
            }
            Notice::NeedsInfo { public_id, question, reply_by } => (
                pick(
                    format!("Laporan {public_id}: mohon informasi tambahan"),
                    format!("Report {public_id}: more information needed"),
                ),
                pick(
                    format!(
                        "Petugas membutuhkan informasi tambahan:\n\n{question}\n\nMohon jawab paling lambat {reply_by}; tanpa jawaban laporan diarsipkan."
                    ),
                    format!(
                        "The desk needs more information:\n\n{question}\n\nPlease answer by {reply_by}; without an answer the report is archived."
                    ),
                ),
            ),
            Notice::InProgress { public_id, plan, resolve_by } => (
                pick(
                    format!("Laporan {public_id} sedang ditindaklanjuti"),
                    format!("Report {public_id} is in progress"),
                ),
                pick(
                    format!("Rencana tindak lanjut:\n\n{plan}\n\nTarget selesai: {resolve_by}."),
                    format!("Follow-up plan:\n\n{plan}\n\nTarget: {resolve_by}."),
                ),
            ),
            Notice::Resolved { public_id, evidence, survey_url, confirm_by } => (
                pick(
                    format!("Laporan {public_id} telah diselesaikan"),
                    format!("Report {public_id} has been resolved"),
                ),
                pick(
                    format!(
                        "{evidence}\n\nKonfirmasi atau buka kembali paling lambat {confirm_by}. Beri penilaian: {survey_url}"
                    ),
                    format!("{evidence}\n\nConfirm or reopen by {confirm_by}. Rate the service: {survey_url}"),
                ),
            ),
            Notice::Closed { public_id } => (
                pick(format!("Laporan {public_id} ditutup"), format!("Report {public_id} closed")),
                pick("Laporan Anda telah ditutup. Terima kasih.".into(), "Your report is closed. Thank you.".into()),
            ),
            Notice::Ended { public_id, reason } => (
                pick(
                    format!("Laporan {public_id} tidak dilanjutkan"),
                    format!("Report {public_id} will not be pursued"),
                ),
                pick(format!("Alasan: {reason}"), format!("Reason: {reason}")),
            ),
            Notice::Duplicate { public_id, original } => (
                pick(
                    format!("Laporan {public_id} digabung dengan {original}"),
                    format!("Report {public_id} merged into {original}"),
                ),
                pick(
                    format!(
                        "Masalah yang sama sudah dilaporkan sebagai {original}. Anda akan menerima kabar dari laporan itu."
                    ),
                    format!("The same problem was already reported as {original}. You will receive its updates."),
                ),
            ),
            Notice::NewDisposition { public_id, service, plan_by } => (
                pick(format!("Disposisi baru: {public_id}"), format!("New disposition: {public_id}")),
                pick(
                    format!(
                        "Laporan {public_id} ({service}) didisposisikan ke instansi Anda. Rencana tindak lanjut paling lambat {plan_by}."
                    ),
                    format!(
                        "Report {public_id} ({service}) was assigned to your agency. Follow-up plan due by {plan_by}."
                    ),
                ),
            ),
            Notice::Reminder { public_id, clock, deadline } => (
                pick(
                    format!("Pengingat: {public_id} jatuh tempo {deadline}"),
                    format!("Reminder: {public_id} due {deadline}"),
                ),
                pick(
                    format!("Tenggat {clock} laporan {public_id} tinggal satu hari kerja ({deadline})."),
                    format!("One working day left on the {clock} deadline of report {public_id} ({deadline})."),
                ),
            ),
            Notice::Overdue { public_id, clock, deadline, level } => (
                pick(
                    format!("Terlambat (eskalasi {level}): {public_id}"),
                    format!("Overdue (escalation {level}): {public_id}"),
                ),
                pick(
                    format!("Tenggat {clock} laporan {public_id} terlewati ({deadline}). Tingkat eskalasi: {level}."),
                    format!(
                        "The {clock} deadline of report {public_id} passed ({deadline}). Escalation level: {level}."
                    ),
                ),
            ),
            Notice::HandedBack { public_id, reason } => (
                pick(format!("Dikembalikan: {public_id}"), format!("Handed back: {public_id}")),
                pick(
                    format!("Instansi mengembalikan laporan untuk didisposisi ulang:\n\n{reason}"),
                    format!("The agency handed the report back for re-disposition:\n\n{reason}"),
                ),
            ),
            Notice::Reopened { public_id, reason } => (
                pick(format!("Dibuka kembali: {public_id}"), format!("Reopened: {public_id}")),
                pick(
                    format!("Pelapor membuka kembali laporan:\n\n{reason}"),
                    format!("The reporter reopened the report:\n\n{reason}"),
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages() {
        let n = Notice::Received {
            public_id: "K7QM-3XR9".into(),
            follow_up_code: Some("ABCD".into()),
            verify_by: "01-12-2026".into(),
        };
        let (s_id, b_id) = n.render(Lang::Id);
        let (s_en, b_en) = n.render(Lang::En);
        assert!(s_id.contains("diterima") && b_id.contains("ABCD"));
        assert!(s_en.contains("received") && b_en.contains("ABCD"));
        assert_eq!(Lang::parse("en-US"), Lang::En);
        assert_eq!(Lang::parse("id"), Lang::Id);
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(serde_json::from_str::<Notice>(&json).unwrap(), n);
    }
}
