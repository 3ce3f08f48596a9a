//! Time as the cookie engine sees it: whole seconds since the Unix epoch, UTC.
//!
//! The engine never reads the system clock: every operation takes `now` as a value.

use std::fmt;

/// An instant, in seconds since 1970-01-01T00:00:00Z. Cookie dates have a
/// resolution of one second, and every year between 1601 and 9999 fits.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Time(i64);

/// RFC 6265bis §5.5: the cookie age limit SHOULD be no more than 400 days.
pub const FOUR_HUNDRED_DAYS: i64 = 400 * 24 * 60 * 60;

impl Time {
    /// The earliest representable time: an expiry "in the past" for every clock.
    pub const EARLIEST: Time = Time(i64::MIN);
    /// The latest representable time: the expiry of a session cookie.
    pub const LATEST: Time = Time(i64::MAX);

    /// An instant from seconds since the Unix epoch.
    pub const fn from_unix(seconds: i64) -> Time {
        Time(seconds)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// This instant plus `seconds` (saturating).
    pub const fn plus(self, seconds: i64) -> Time {
        Time(self.0.saturating_add(seconds))
    }

    /// Seconds from `earlier` to `self` (saturating).
    pub const fn since(self, earlier: Time) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Builds a UTC instant from calendar fields, or `None` if the date does not
    /// exist (Feb 30) or a field is out of range.
    pub fn from_utc(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Time> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Time(
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second),
        ))
    }

    /// The calendar fields (year, month, day, hour, minute, second) in UTC.
    pub fn to_utc(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // secs is in 0..86400, so the casts below cannot truncate.
        (
            y,
            m,
            d,
            (secs / 3600) as u32,
            ((secs % 3600) / 60) as u32,
            (secs % 60) as u32,
        )
    }

    /// The IMF-fixdate (RFC 1123) form, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`, as an
    /// `Expires` attribute writes it.
    pub fn to_http_date(self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, m, d, hh, mm, ss) = self.to_utc();
        let weekday = DAYS
            .get(self.0.div_euclid(86_400).rem_euclid(7) as usize)
            .copied()
            .unwrap_or("???");
        let month = MONTHS.get(m as usize - 1).copied().unwrap_or("???");
        format!("{weekday}, {d:02} {month} {y:04} {hh:02}:{mm:02}:{ss:02} GMT")
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Time::EARLIEST => f.write_str("the earliest representable time"),
            Time::LATEST => f.write_str("the latest representable time"),
            t => f.write_str(&t.to_http_date()),
        }
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        let t = Time::from_utc(1994, 11, 6, 8, 49, 37).unwrap();
        assert_eq!(t.unix(), 784_111_777);
        assert_eq!(t.to_http_date(), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            Time::from_utc(1601, 1, 1, 0, 0, 0).unwrap().to_utc(),
            (1601, 1, 1, 0, 0, 0)
        );
        assert_eq!(
            Time::from_utc(2000, 2, 29, 0, 0, 0).unwrap().to_http_date(),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        assert!(Time::from_utc(1900, 2, 29, 0, 0, 0).is_none());
        assert!(Time::from_utc(2021, 4, 31, 0, 0, 0).is_none());
    }
}
