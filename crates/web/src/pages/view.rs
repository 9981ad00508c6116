//! Small pieces the pages share: how a report shows in a list, its status colour and words, URLs.

use chrono_tz::Tz;
use laksana_core::status::Colour;
use laksana_core::{Status, Timestamp};
use laksana_store::reports::Report;

use super::Tr;

/// What the citizen's report page and the staff work view both show of a report.
#[derive(Debug, Clone)]
pub struct Facts {
    pub public_id: String,
    pub service: String,
    pub description: String,
    /// Its address and district, as far as known.
    pub place: String,
    pub requested: String,
    pub status: String,
    pub status_key: &'static str,
    pub colour: &'static str,
    pub agency: Option<String>,
    /// The current deadline of an open report, and the working days left (negative: late).
    pub deadline: Option<String>,
    pub days_left: Option<i64>,
}

impl Facts {
    pub fn new(t: &Tr, r: &Report, j: &crate::state::JurisdictionInfo, now: Timestamp) -> Self {
        let deadline = r.deadline_at.filter(|_| r.status.is_open()).map(Timestamp::from_micros);
        Facts {
            public_id: r.public_id.to_string(),
            service: r.service_name.clone(),
            description: r.description.clone(),
            place: [r.address.clone(), r.district_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(", "),
            requested: t.datetime(Timestamp::from_micros(r.requested_at), j.tz),
            status: status_text(t, r.status),
            status_key: r.status.as_str(),
            colour: colour_class(r.status),
            agency: r.agency_name.clone(),
            deadline: deadline.map(|d| t.date(d, j.tz)),
            days_left: deadline.map(|d| j.calendar.working_days_left(now, d)),
        }
    }
}

/// `s` encoded for a query string.
pub fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|q| q[1..].to_owned()).unwrap_or_default()
}

/// The origin a CSP must allow for a tile URL template (`https://{s}.tile.openstreetmap.org/…` →
/// `https://*.tile.openstreetmap.org`); `None` for anything that is not http(s).
pub fn origin_of(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next()?.replace("{s}", "*");
    let ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:*".contains(c));
    ok.then(|| format!("{scheme}://{host}"))
}

/// The CSS class of a status's traffic-light colour (the status is always also written out).
pub fn colour_class(status: Status) -> &'static str {
    match status.colour() {
        Colour::Red => "red",
        Colour::Yellow => "yellow",
        Colour::Green => "green",
        Colour::Grey => "grey",
    }
}

/// A status in words, in the visitor's language.
pub fn status_text(t: &Tr, status: Status) -> String {
    t.get(&format!("status-{}", status.as_str()))
}

/// A report as one line of a public list. Never carries reporter identity (the store's `Report` has none).
#[derive(Debug, Clone)]
pub struct Card {
    pub public_id: String,
    pub service: String,
    pub status: String,
    pub colour: &'static str,
    pub when: String,
    pub place: String,
    pub excerpt: String,
}

impl Card {
    pub fn new(t: &Tr, r: &Report, tz: Tz) -> Self {
        let place = r.district_name.clone().or_else(|| r.address.clone()).unwrap_or_default();
        Card {
            public_id: r.public_id.to_string(),
            service: r.service_name.clone(),
            status: status_text(t, r.status),
            colour: colour_class(r.status),
            when: t.date(Timestamp::from_micros(r.requested_at), tz),
            place,
            excerpt: excerpt(&r.description, 140),
        }
    }
}

/// The first `max` characters of `text`, cut at a word, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

/// Where a map of jurisdiction `j` opens, as `lat,lon` for a `data-center` attribute: the middle of its
/// districts (empty without districts: the script then shows the whole country).
pub(super) fn map_center(j: &crate::state::JurisdictionInfo) -> String {
    j.districts.center().map(|(lat, lon)| format!("{lat:.5},{lon:.5}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_templates_become_csp_origins() {
        assert_eq!(
            origin_of("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.openstreetmap.org")
        );
        assert_eq!(origin_of("http://127.0.0.1:8081/{z}/{x}/{y}.png").as_deref(), Some("http://127.0.0.1:8081"));
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("https://evil.example; script-src *"), None);
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("lampu jalan mati", 100), "lampu jalan mati");
        assert_eq!(excerpt("lampu jalan mati total", 13), "lampu jalan…");
    }
}
