//! Wall-clock text (ISO 8601), command-line durations and date checks.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `2020-08-01T14:25:23.162Z` for a wall-clock time (UTC, milliseconds).
pub fn iso8601(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (the HTTP `Date` format, IMF-fixdate).
pub fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, m, day) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS
        .get(usize::try_from(days.rem_euclid(7)).unwrap_or(0))
        .unwrap_or(&"Thu");
    let month = MONTHS
        .get(usize::try_from(m.saturating_sub(1)).unwrap_or(0))
        .unwrap_or(&"Jan");
    format!(
        "{weekday}, {day:02} {month} {y:04} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Now plus `skew_ms` (negative: behind), as [`http_date`] text.
pub fn http_date_skewed(skew_ms: i64) -> String {
    let now = SystemTime::now();
    let skew = Duration::from_millis(skew_ms.unsigned_abs());
    let t = if skew_ms >= 0 {
        now.checked_add(skew)
    } else {
        now.checked_sub(skew)
    };
    http_date(t.unwrap_or(now))
}

/// A signed command-line duration in milliseconds: `0`, `3600s`, `-90s`, `500ms`.
pub fn parse_skew(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t == "0" {
        return Ok(0);
    }
    let (negative, rest) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let ms =
        i64::try_from(parse_duration(rest)?.as_millis()).map_err(|_| "too large".to_owned())?;
    Ok(if negative { -ms } else { ms })
}

/// Now, as [`iso8601`] text.
pub fn now_iso() -> String {
    iso8601(SystemTime::now())
}

/// Milliseconds since the Unix epoch.
pub fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
}

/// Whole seconds, rounded up, never below 1 (what a protocol field in seconds can say).
pub fn ceil_secs(d: Duration) -> u64 {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    s.max(1)
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// A command-line duration: `300` or `300s` (seconds), `250ms` (milliseconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (digits, scale_ms) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000)
    } else {
        (t, 1000)
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 300, 30s or 250ms)"))?;
    if n == 0 {
        return Err(format!("`{text}`: a duration must be above zero"));
    }
    let d = Duration::from_millis(n.saturating_mul(scale_ms));
    if d > Duration::from_secs(30 * 86_400) {
        return Err(format!("`{text}`: at most 30 days"));
    }
    Ok(d)
}

/// True for an existing calendar date written `YYYY-MM-DD`.
pub fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_596_291_923_162);
        assert_eq!(iso8601(t), "2020-08-01T14:25:23.162Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(iso8601(leap), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn http_dates_and_skews() {
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_skew("0"), Ok(0));
        assert_eq!(parse_skew("3600s"), Ok(3_600_000));
        assert_eq!(parse_skew("-90s"), Ok(-90_000));
        assert!(parse_skew("soon").is_err());
    }

    #[test]
    fn durations_and_dates() {
        assert_eq!(parse_duration("300"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("99999999999999999").is_err());
        assert!(parse_duration("fast").is_err());
        assert_eq!(ceil_secs(Duration::from_millis(250)), 1);
        assert_eq!(ceil_secs(Duration::from_millis(1500)), 2);
        assert!(is_iso_date("2016-08-01"));
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2016-13-01"));
        assert!(!is_iso_date("2016-8-01"));
        assert!(!is_iso_date("01/08/2016"));
    }
}
