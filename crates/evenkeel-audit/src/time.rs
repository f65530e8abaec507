//! Times as exports give them (RFC 3339, `2026-01-05 10:00:00`, a bare date, Unix seconds or
//! milliseconds), normalised to UTC, and the ISO week a turn falls in for the trends.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses an export's time; `None` when it is not one of the accepted forms.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        // Milliseconds since 1970 have 13 digits for any date after 2001.
        let secs = if s.len() >= 12 { n / 1000 } else { n };
        return Utc.timestamp_opt(secs, 0).single();
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f %z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
}

/// RFC 3339 in UTC, seconds precision: what the outputs carry.
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// ISO week, `2026-W02`: weeks start on Monday, as support rotas do.
pub fn week(t: DateTime<Utc>) -> String {
    let w = t.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_exports_write() {
        let want = "2026-01-05T10:00:00Z";
        for s in ["2026-01-05T10:00:00Z", "2026-01-05T11:00:00+01:00", "2026-01-05 10:00:00", "2026-01-05T10:00:00.000Z", "1767607200", "1767607200000", "2026-01-05 10:00"] {
            assert_eq!(parse(s).map(format).as_deref(), Some(want), "{s}");
        }
        assert_eq!(parse("2026-01-05").map(format).as_deref(), Some("2026-01-05T00:00:00Z"));
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn iso_weeks_cross_years() {
        assert_eq!(week(parse("2026-01-05").unwrap()), "2026-W02");
        assert_eq!(week(parse("2027-01-01").unwrap()), "2026-W53");
    }
}
