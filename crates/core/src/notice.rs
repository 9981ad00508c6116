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

/// What a client is told right after a submission (Open311's `service_notice`, the API's `notice`),
/// in the reporter's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// The submission was a retry: the first report is returned.
    Retry { public_id: String },
    /// A new report; when it will be verified (a date and the working days until then), and the
    /// follow-up code to keep.
    Received { public_id: String, verify_by: Option<(String, i64)>, follow_up_code: Option<String> },
}

impl Receipt {
    pub fn render(&self, lang: Lang) -> String {
        let id = lang == Lang::Id;
        match self {
            Receipt::Retry { public_id } if id => {
                format!("Laporan ini sudah diterima sebelumnya. Nomor laporan: {public_id}.")
            }
            Receipt::Retry { public_id } => format!("This report was received before. Report number: {public_id}."),
            Receipt::Received { public_id, verify_by, follow_up_code } => {
                let head = match (verify_by, id) {
                    (Some((date, days)), true) => format!(
                        "Laporan diterima dan akan diverifikasi paling lambat {date} ({days} hari kerja). Simpan nomor laporan {public_id} untuk memantau."
                    ),
                    (Some((date, days)), false) => format!(
                        "Report received; it will be verified by {date} ({days} working days). Keep the report number {public_id} to follow it."
                    ),
                    (None, true) => format!("Laporan diterima. Nomor laporan: {public_id}."),
                    (None, false) => format!("Report received. Report number: {public_id}."),
                };
                match (follow_up_code, id) {
                    (Some(c), true) => format!("{head} Kode pantau (rahasiakan): {c}."),
                    (Some(c), false) => format!("{head} Follow-up code (keep it secret): {c}."),
                    (None, _) => head,
                }
            }
        }
    }
}

/// The public note of a report marked as a duplicate, in both languages (the public timeline has no
/// single reader): it names the original only when `original` is given, i.e. when the public may see it.
pub fn duplicate_note(original: Option<&str>) -> String {
    match original {
        Some(o) => format!("Sama dengan laporan / duplicate of {o}"),
        None => "Sama dengan laporan lain / duplicate of another report".to_owned(),
    }
}

/// The public note of a report forwarded to the body responsible, in both languages.
pub fn forwarded_note(to: &str) -> String {
    format!("Diteruskan ke / forwarded to: {to}")
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
    /// To a citizen who opened an account: the link that confirms their email address.
    ConfirmAccount { url: String, valid_until: String },
    /// To the owner of an address someone tried to open a second account with.
    AccountExists { sign_in_url: String, reset_url: String },
    /// To an account's owner who asked for a new password: the link that sets one.
    ResetPassword { url: String, valid_until: String },
    /// To someone an admin gave a staff account: the link that sets its first password.
    Invited { url: String, valid_until: String, jurisdiction: String, role: String },
}

impl Notice {
    /// The report the notice is about; empty for a message about an account.
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
            Notice::ConfirmAccount { .. }
            | Notice::AccountExists { .. }
            | Notice::ResetPassword { .. }
            | Notice::Invited { .. } => "",
        }
    }

    /// Subject and body in `lang` for the report's own reporter, with `link`, a signed address of
    /// their report's page that stands for the follow-up code, and `token`, its signature: every
    /// notice ends with the link (the resolved one at the page's confirm-and-rate part), and the
    /// resolved notice's survey address carries the token, which is the reporter's one invitation to
    /// the satisfaction survey.
    pub fn render_for_reporter(&self, lang: Lang, link: &str, token: &str) -> (String, String) {
        let (notice, link) = match self {
            Notice::Resolved { public_id, evidence, confirm_by, survey_url } => (
                Notice::Resolved {
                    public_id: public_id.clone(),
                    evidence: evidence.clone(),
                    survey_url: format!("{survey_url}?t={token}"),
                    confirm_by: confirm_by.clone(),
                },
                format!("{link}#konfirmasi"),
            ),
            other => (other.clone(), link.to_owned()),
        };
        let (subject, body) = notice.render(lang);
        let tail = match lang {
            Lang::Id => format!(
                "Lihat dan tanggapi laporan Anda: {link}\n(Tautan ini pribadi: jangan diteruskan kepada orang lain.)"
            ),
            Lang::En => format!("See and answer your report: {link}\n(This link is personal: do not forward it.)"),
        };
        (subject, format!("{body}\n\n{tail}"))
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
                        "{evidence}\n\nKonfirmasi atau buka kembali paling lambat {confirm_by}.\n\nBantu kami menilai pelayanan ini dalam survei kepuasan masyarakat (SKM, sembilan pertanyaan): {survey_url}"
                    ),
                    format!(
                        "{evidence}\n\nConfirm or reopen by {confirm_by}.\n\nHelp us judge this service in the community satisfaction survey (nine questions): {survey_url}"
                    ),
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
            Notice::ConfirmAccount { url, valid_until } => (
                pick("Konfirmasi alamat email Anda".into(), "Confirm your email address".into()),
                pick(
                    format!(
                        "Terima kasih telah mendaftar. Buka tautan ini untuk mengonfirmasi alamat email Anda (berlaku sampai {valid_until}):\n\n{url}\n\nJika Anda tidak mendaftar, abaikan email ini."
                    ),
                    format!(
                        "Thank you for signing up. Open this link to confirm your email address (valid until {valid_until}):\n\n{url}\n\nIf you did not sign up, ignore this message."
                    ),
                ),
            ),
            Notice::AccountExists { sign_in_url, reset_url } => (
                pick("Anda sudah memiliki akun".into(), "You already have an account".into()),
                pick(
                    format!(
                        "Seseorang mencoba mendaftar dengan alamat email ini, yang sudah memiliki akun. Masuk di {sign_in_url}, atau minta kata sandi baru di {reset_url}.\n\nJika itu bukan Anda, abaikan email ini."
                    ),
                    format!(
                        "Someone tried to sign up with this address, which already has an account. Sign in at {sign_in_url}, or ask for a new password at {reset_url}.\n\nIf that was not you, ignore this message."
                    ),
                ),
            ),
            Notice::Invited { url, valid_until, jurisdiction, role } => (
                pick(format!("Akun Laksana Anda di {jurisdiction}"), format!("Your Laksana account at {jurisdiction}")),
                pick(
                    format!(
                        "Anda diberi akun Laksana di {jurisdiction} dengan peran {role}. Buka tautan ini untuk membuat kata sandi Anda (berlaku sampai {valid_until}, satu kali):\n\n{url}\n\nLalu masuk di halaman Masuk dengan alamat email ini."
                    ),
                    format!(
                        "You have been given a Laksana account at {jurisdiction} with the role {role}. Open this link to choose your password (valid until {valid_until}, once):\n\n{url}\n\nThen sign in with this email address."
                    ),
                ),
            ),
            Notice::ResetPassword { url, valid_until } => (
                pick("Kata sandi baru".into(), "A new password".into()),
                pick(
                    format!(
                        "Buka tautan ini untuk membuat kata sandi baru (berlaku sampai {valid_until}, satu kali):\n\n{url}\n\nJika Anda tidak memintanya, abaikan email ini; kata sandi Anda tetap."
                    ),
                    format!(
                        "Open this link to choose a new password (valid until {valid_until}, once):\n\n{url}\n\nIf you did not ask for it, ignore this message; your password stays as it is."
                    ),
                ),
            ),
        }
    }
}

#[cfg(test)]
mod receipt_tests {
    use super::*;

    #[test]
    fn receipts_in_both_languages() {
        let r = Receipt::Received {
            public_id: "K7QM-3XR9".into(),
            verify_by: Some(("02-12-2026".into(), 3)),
            follow_up_code: Some("7QK2M9XR4T".into()),
        };
        assert_eq!(
            r.render(Lang::Id),
            "Laporan diterima dan akan diverifikasi paling lambat 02-12-2026 (3 hari kerja). Simpan nomor laporan K7QM-3XR9 untuk memantau. Kode pantau (rahasiakan): 7QK2M9XR4T."
        );
        assert_eq!(
            r.render(Lang::En),
            "Report received; it will be verified by 02-12-2026 (3 working days). Keep the report number K7QM-3XR9 to follow it. Follow-up code (keep it secret): 7QK2M9XR4T."
        );
        let bare = Receipt::Received { public_id: "K7QM-3XR9".into(), verify_by: None, follow_up_code: None };
        assert_eq!(bare.render(Lang::Id), "Laporan diterima. Nomor laporan: K7QM-3XR9.");
        assert_eq!(bare.render(Lang::En), "Report received. Report number: K7QM-3XR9.");
        let retry = Receipt::Retry { public_id: "K7QM-3XR9".into() };
        assert_eq!(retry.render(Lang::Id), "Laporan ini sudah diterima sebelumnya. Nomor laporan: K7QM-3XR9.");
        assert_eq!(retry.render(Lang::En), "This report was received before. Report number: K7QM-3XR9.");
    }

    #[test]
    fn a_hidden_original_is_not_named() {
        assert_eq!(duplicate_note(Some("K7QM-3XR9")), "Sama dengan laporan / duplicate of K7QM-3XR9");
        assert!(!duplicate_note(None).contains("K7QM"));
        assert_eq!(forwarded_note("BPN"), "Diteruskan ke / forwarded to: BPN");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reporter_gets_their_link() {
        let link = "https://x.test/laporan/K7QM-3XR9?t=K7QM-3XR9.1.ab";
        let resolved = Notice::Resolved {
            public_id: "K7QM-3XR9".into(),
            evidence: "Lampu diganti".into(),
            survey_url: "https://x.test/r/K7QM-3XR9/survey".into(),
            confirm_by: "05-12-2026".into(),
        };
        let (_, body) = resolved.render_for_reporter(Lang::Id, link, "K7QM-3XR9.1.ab");
        assert!(body.contains(&format!("{link}#konfirmasi")), "{body}");
        assert!(body.contains("https://x.test/r/K7QM-3XR9/survey?t=K7QM-3XR9.1.ab"), "{body}");
        let (_, plain) = resolved.render(Lang::En);
        assert!(plain.contains("survey") && !plain.contains("?t="), "others get no invitation: {plain}");
        let progress =
            Notice::InProgress { public_id: "K7QM-3XR9".into(), plan: "Besok".into(), resolve_by: "05-12-2026".into() };
        for lang in [Lang::Id, Lang::En] {
            let (subject, body) = progress.render_for_reporter(lang, link, "K7QM-3XR9.1.ab");
            let (plain_subject, plain_body) = progress.render(lang);
            assert_eq!(subject, plain_subject);
            assert!(body.starts_with(&plain_body) && body.ends_with(".)") && body.contains(link), "{body}");
        }
    }

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

    #[test]
    fn languages() {
        for (s, lang) in [("en", Lang::En), ("EN", Lang::En), (" en-GB ", Lang::En), ("english", Lang::En)] {
            assert_eq!(Lang::parse(s), lang, "{s}");
        }
        for s in ["id", "id-ID", "", "fr", "ne"] {
            assert_eq!(Lang::parse(s), Lang::Id, "{s}");
        }
        assert_eq!((Lang::Id.as_str(), Lang::En.as_str()), ("id", "en"));
        assert_eq!(Lang::default(), Lang::Id);
    }

    /// Every notice, with its subject and body in Indonesian and English.
    #[test]
    fn every_notice_in_both_languages() {
        let id = || "K7QM-3XR9".to_owned();
        let s = |x: &str| x.to_owned();
        let cases = [
            (
                Notice::Received { public_id: id(), follow_up_code: None, verify_by: s("01-12-2026") },
                (
                    "Laporan K7QM-3XR9 diterima",
                    "Terima kasih. Laporan Anda tercatat dengan nomor K7QM-3XR9.\nLaporan akan diverifikasi paling lambat 01-12-2026.",
                ),
                (
                    "Report K7QM-3XR9 received",
                    "Thank you. Your report is registered as K7QM-3XR9.\nIt will be verified by 01-12-2026.",
                ),
            ),
            (
                Notice::Received { public_id: id(), follow_up_code: Some(s("ABCD")), verify_by: s("01-12-2026") },
                (
                    "Laporan K7QM-3XR9 diterima",
                    "Terima kasih. Laporan Anda tercatat dengan nomor K7QM-3XR9.\nKode pantau (rahasiakan): ABCD\n\nLaporan akan diverifikasi paling lambat 01-12-2026.",
                ),
                (
                    "Report K7QM-3XR9 received",
                    "Thank you. Your report is registered as K7QM-3XR9.\nFollow-up code (keep it secret): ABCD\n\nIt will be verified by 01-12-2026.",
                ),
            ),
            (
                Notice::NeedsInfo { public_id: id(), question: s("Di RT berapa?"), reply_by: s("15-12-2026") },
                (
                    "Laporan K7QM-3XR9: mohon informasi tambahan",
                    "Petugas membutuhkan informasi tambahan:\n\nDi RT berapa?\n\nMohon jawab paling lambat 15-12-2026; tanpa jawaban laporan diarsipkan.",
                ),
                (
                    "Report K7QM-3XR9: more information needed",
                    "The desk needs more information:\n\nDi RT berapa?\n\nPlease answer by 15-12-2026; without an answer the report is archived.",
                ),
            ),
            (
                Notice::InProgress { public_id: id(), plan: s("Ditambal Senin"), resolve_by: s("09-12-2026") },
                (
                    "Laporan K7QM-3XR9 sedang ditindaklanjuti",
                    "Rencana tindak lanjut:\n\nDitambal Senin\n\nTarget selesai: 09-12-2026.",
                ),
                ("Report K7QM-3XR9 is in progress", "Follow-up plan:\n\nDitambal Senin\n\nTarget: 09-12-2026."),
            ),
            (
                Notice::Resolved {
                    public_id: id(),
                    evidence: s("Sudah ditambal"),
                    survey_url: s("https://x.test/s"),
                    confirm_by: s("20-12-2026"),
                },
                (
                    "Laporan K7QM-3XR9 telah diselesaikan",
                    "Sudah ditambal\n\nKonfirmasi atau buka kembali paling lambat 20-12-2026.\n\nBantu kami menilai pelayanan ini dalam survei kepuasan masyarakat (SKM, sembilan pertanyaan): https://x.test/s",
                ),
                (
                    "Report K7QM-3XR9 has been resolved",
                    "Sudah ditambal\n\nConfirm or reopen by 20-12-2026.\n\nHelp us judge this service in the community satisfaction survey (nine questions): https://x.test/s",
                ),
            ),
            (
                Notice::Closed { public_id: id() },
                ("Laporan K7QM-3XR9 ditutup", "Laporan Anda telah ditutup. Terima kasih."),
                ("Report K7QM-3XR9 closed", "Your report is closed. Thank you."),
            ),
            (
                Notice::Ended { public_id: id(), reason: s("spam") },
                ("Laporan K7QM-3XR9 tidak dilanjutkan", "Alasan: spam"),
                ("Report K7QM-3XR9 will not be pursued", "Reason: spam"),
            ),
            (
                Notice::Duplicate { public_id: id(), original: s("ABCD-EFGH") },
                (
                    "Laporan K7QM-3XR9 digabung dengan ABCD-EFGH",
                    "Masalah yang sama sudah dilaporkan sebagai ABCD-EFGH. Anda akan menerima kabar dari laporan itu.",
                ),
                (
                    "Report K7QM-3XR9 merged into ABCD-EFGH",
                    "The same problem was already reported as ABCD-EFGH. You will receive its updates.",
                ),
            ),
            (
                Notice::NewDisposition { public_id: id(), service: s("Jalan rusak"), plan_by: s("08-12-2026") },
                (
                    "Disposisi baru: K7QM-3XR9",
                    "Laporan K7QM-3XR9 (Jalan rusak) didisposisikan ke instansi Anda. Rencana tindak lanjut paling lambat 08-12-2026.",
                ),
                (
                    "New disposition: K7QM-3XR9",
                    "Report K7QM-3XR9 (Jalan rusak) was assigned to your agency. Follow-up plan due by 08-12-2026.",
                ),
            ),
            (
                Notice::Reminder { public_id: id(), clock: s("plan"), deadline: s("08-12-2026") },
                (
                    "Pengingat: K7QM-3XR9 jatuh tempo 08-12-2026",
                    "Tenggat plan laporan K7QM-3XR9 tinggal satu hari kerja (08-12-2026).",
                ),
                (
                    "Reminder: K7QM-3XR9 due 08-12-2026",
                    "One working day left on the plan deadline of report K7QM-3XR9 (08-12-2026).",
                ),
            ),
            (
                Notice::Overdue { public_id: id(), clock: s("resolution"), deadline: s("08-12-2026"), level: 2 },
                (
                    "Terlambat (eskalasi 2): K7QM-3XR9",
                    "Tenggat resolution laporan K7QM-3XR9 terlewati (08-12-2026). Tingkat eskalasi: 2.",
                ),
                (
                    "Overdue (escalation 2): K7QM-3XR9",
                    "The resolution deadline of report K7QM-3XR9 passed (08-12-2026). Escalation level: 2.",
                ),
            ),
            (
                Notice::HandedBack { public_id: id(), reason: s("Bukan jalan kota") },
                (
                    "Dikembalikan: K7QM-3XR9",
                    "Instansi mengembalikan laporan untuk didisposisi ulang:\n\nBukan jalan kota",
                ),
                ("Handed back: K7QM-3XR9", "The agency handed the report back for re-disposition:\n\nBukan jalan kota"),
            ),
            (
                Notice::Reopened { public_id: id(), reason: s("Masih berlubang") },
                ("Dibuka kembali: K7QM-3XR9", "Pelapor membuka kembali laporan:\n\nMasih berlubang"),
                ("Reopened: K7QM-3XR9", "The reporter reopened the report:\n\nMasih berlubang"),
            ),
        ];
        for (notice, (id_subject, id_body), (en_subject, en_body)) in cases {
            assert_eq!(notice.public_id(), "K7QM-3XR9", "{notice:?}");
            assert_eq!(notice.render(Lang::Id), (id_subject.to_owned(), id_body.to_owned()), "{notice:?}");
            assert_eq!(notice.render(Lang::En), (en_subject.to_owned(), en_body.to_owned()), "{notice:?}");
            let json = serde_json::to_string(&notice).unwrap();
            assert_eq!(serde_json::from_str::<Notice>(&json).unwrap(), notice);
        }
    }

    #[test]
    fn audiences_in_json() {
        let a = Audience::Officers { agency_id: 7 };
        assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::json!({"to": "officers", "agency_id": 7}));
        let a = Audience::Leaders { jurisdiction_id: "kota.go.id".into() };
        assert_eq!(serde_json::from_value::<Audience>(serde_json::to_value(&a).unwrap()).unwrap(), a);
    }
}
