//! The pages' language: Indonesian by default, English on request. Strings live in Fluent files
//! (`crates/web/locales/{id,en}/main.ftl`), compiled into the binary. The choice is remembered in a
//! cookie set by the switch in every page's header; without it, `Accept-Language` decides.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use laksana_core::Timestamp;
pub use laksana_core::notice::Lang;
use serde::Deserialize;

use crate::auth::cookie_value;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "id",
        // No Unicode isolation marks around arguments: they would end up inside HTML attributes.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that remembers the language chosen with the switch.
pub const LANG_COOKIE: &str = "laksana_lang";

static ID: LazyLock<LanguageIdentifier> = LazyLock::new(|| "id".parse().expect("a valid language tag"));
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().expect("a valid language tag"));

/// The language of a request: the switch's cookie, else the first of `Accept-Language` we speak.
pub fn negotiate(headers: &HeaderMap) -> Lang {
    if let Some(v) = cookie_value(headers, LANG_COOKIE) {
        return Lang::parse(v);
    }
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut best: Option<(f32, Lang)> = None;
    for part in accept.split(',').take(20) {
        let mut bits = part.split(';');
        let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = bits.find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let lang = if tag == "id" || tag.starts_with("id-") || tag == "in" {
            Lang::Id
        } else if tag == "en" || tag.starts_with("en-") {
            Lang::En
        } else {
            continue;
        };
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::Id, |(_, l)| l)
}

/// Looks strings up in one language; what templates call as `t.get("key")`.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.lang {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    /// The text of `key`.
    pub fn get(&self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The text of `key` with one argument.
    pub fn arg(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.args(key, &[(name, value.to_string())])
    }

    /// The text of `key` with its arguments.
    pub fn args(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<std::borrow::Cow<'static, str>, FluentValue<'_>> =
            args.iter().map(|(k, v)| (std::borrow::Cow::Borrowed(*k), FluentValue::from(v.as_str()))).collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// A number of things, with Fluent's plural rules (`count` is the argument). Templates pass
    /// their arguments by reference.
    pub fn count(&self, key: &str, n: &i64) -> String {
        let mut map: HashMap<std::borrow::Cow<'static, str>, FluentValue<'_>> = HashMap::new();
        map.insert("count".into(), FluentValue::from(*n));
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// `at` as a date in `tz`, with the month's name in this language: "3 Desember 2026".
    pub fn date(&self, at: Timestamp, tz: Tz) -> String {
        let d = at.to_utc().with_timezone(&tz);
        format!("{} {} {}", d.day(), self.month(d.month()), d.year())
    }

    /// The month of `at` in `tz`, with its year: "Desember 2026".
    pub fn month_year(&self, at: Timestamp, tz: Tz) -> String {
        let d = at.to_utc().with_timezone(&tz);
        format!("{} {}", self.month(d.month()), d.year())
    }

    /// `at` as a date and time in `tz`: "3 Desember 2026, 14.05" (Indonesian writes a period).
    pub fn datetime(&self, at: Timestamp, tz: Tz) -> String {
        let d = at.to_utc().with_timezone(&tz);
        let sep = match self.lang {
            Lang::Id => '.',
            Lang::En => ':',
        };
        format!("{}, {:02}{sep}{:02}", self.date(at, tz), d.hour(), d.minute())
    }

    fn month(&self, m: u32) -> &'static str {
        const ID_MONTHS: [&str; 12] = [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ];
        const EN_MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let i = (m.clamp(1, 12) - 1) as usize;
        match self.lang {
            Lang::Id => ID_MONTHS[i],
            Lang::En => EN_MONTHS[i],
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct SwitchQuery {
    to: Option<String>,
    back: Option<String>,
}

/// `GET /bahasa?to=en&back=/path`: remembers the language for a year and goes back to the page. Works
/// without JavaScript (the switch is a link).
pub(super) async fn switch(Query(q): Query<SwitchQuery>) -> Response {
    let lang = Lang::parse(q.to.as_deref().unwrap_or("id"));
    let back = q.back.as_deref().filter(|b| is_local_path(b)).unwrap_or("/");
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.as_str());
    let mut res = Redirect::to(back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// A path on this server (so the switch and the sign-in cannot be used to send people elsewhere).
/// Browsers drop tabs and newlines from a URL and read `\` as `/`, so `/<TAB>/evil.example` would
/// become `//evil.example`: no control character or backslash is accepted anywhere in it.
pub(super) fn is_local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains(|c: char| c.is_control() || c == '\\')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(text: &str) -> BTreeSet<String> {
        text.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let id = keys(include_str!("../../locales/id/main.ftl"));
        let en = keys(include_str!("../../locales/en/main.ftl"));
        assert!(id.len() > 50, "{}", id.len());
        let only_id: Vec<_> = id.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&id).collect();
        assert!(only_id.is_empty() && only_en.is_empty(), "only in id: {only_id:?}; only in en: {only_en:?}");
    }

    #[test]
    fn every_key_resolves_in_both_languages() {
        for key in keys(include_str!("../../locales/id/main.ftl")) {
            for lang in [Lang::Id, Lang::En] {
                let text = Tr::new(lang).get(&key);
                assert!(!text.is_empty() && text != key, "{key} in {lang:?}: {text:?}");
            }
        }
    }

    #[test]
    fn the_language_comes_from_the_cookie_then_accept_language() {
        let mut h = HeaderMap::new();
        assert_eq!(negotiate(&h), Lang::Id, "Indonesian by default");
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("de-DE, en-GB;q=0.8, id;q=0.5"));
        assert_eq!(negotiate(&h), Lang::En);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en;q=0.3, id-ID"));
        assert_eq!(negotiate(&h), Lang::Id);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("fr, de"));
        assert_eq!(negotiate(&h), Lang::Id, "nothing we speak: Indonesian");
        h.insert(header::COOKIE, HeaderValue::from_static("laksana_lang=en"));
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("id"));
        assert_eq!(negotiate(&h), Lang::En, "the switch wins");
    }

    #[test]
    fn dates_have_indonesian_month_names_in_the_jurisdictions_zone() {
        // 2026-12-31 20:30 UTC is already 1 January 2027 in Jakarta (UTC+7).
        let at = laksana_core::time::parse_datetime("2026-12-31T20:30:00Z", chrono_tz::Asia::Jakarta).unwrap();
        assert_eq!(Tr::new(Lang::Id).datetime(at, chrono_tz::Asia::Jakarta), "1 Januari 2027, 03.30");
        assert_eq!(Tr::new(Lang::En).datetime(at, chrono_tz::Asia::Jakarta), "1 January 2027, 03:30");
        assert_eq!(Tr::new(Lang::Id).date(at, chrono_tz::Asia::Jayapura), "1 Januari 2027");
        assert_eq!(Tr::new(Lang::En).month_year(at, chrono_tz::Asia::Jakarta), "January 2027");
    }

    #[test]
    fn the_switch_only_goes_back_to_this_server() {
        assert!(is_local_path("/j/tangerangkota.go.id?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("/\t/evil.example"), "a browser drops the tab: //evil.example");
        assert!(!is_local_path("/\n/evil.example"));
        assert!(!is_local_path("/a\\b"));
    }
}
