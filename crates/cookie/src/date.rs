//! RFC 6265bis §5.1.1 "Dates": the cookie-date algorithm, on bytes.

use crate::time::Time;

/// RFC 6265bis §5.1.1: `delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E`.
fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// Parses a cookie-date (the value of an `Expires` attribute). `None` means the
/// algorithm failed and the attribute is ignored.
pub fn parse_cookie_date(input: &[u8]) -> Option<Time> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<i64> = None;

    // Step 1: "Using the grammar below, divide the cookie-date into date-tokens."
    // Step 2: "Process each date-token sequentially in the order the date-tokens
    // appear in the cookie-date".
    for token in input.split(|&b| is_delimiter(b)).filter(|t| !t.is_empty()) {
        // Step 2.1: the first token that matches `time` sets hour, minute, second.
        if time.is_none()
            && let Some(t) = match_time(token)
        {
            time = Some(t);
            continue;
        }
        // Step 2.2: day-of-month = 1*2DIGIT ( non-digit *OCTET ).
        if day.is_none()
            && let Some((d, _)) = leading_digits(token, 1, 2)
        {
            day = Some(d as u32);
            continue;
        }
        // Step 2.3: month = ( "jan" / … / "dec" ) *OCTET, case-insensitive.
        if month.is_none()
            && let Some(m) = match_month(token)
        {
            month = Some(m);
            continue;
        }
        // Step 2.4: year = 2*4DIGIT ( non-digit *OCTET ).
        if year.is_none()
            && let Some((y, _)) = leading_digits(token, 2, 4)
        {
            year = Some(y as i64);
            continue;
        }
    }

    let (hour, minute, second) = time?;
    let mut year = year?;
    // Step 3: "If the year-value is greater than or equal to 70 and less than or
    // equal to 99, increment the year-value by 1900."
    if (70..=99).contains(&year) {
        year += 1900;
    }
    // Step 4: "If the year-value is greater than or equal to 0 and less than or
    // equal to 69, increment the year-value by 2000."
    if (0..=69).contains(&year) {
        year += 2000;
    }
    // Step 5: abort if a field is missing or out of range.
    let day = day?;
    let month = month?;
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Step 6: "If the parsed-cookie-date does not exist, abort these steps".
    Time::from_utc(year, month, day, hour, minute, second)
}

/// `min..=max` leading digits, followed by the end or by a non-digit (and then
/// anything). Returns the number and the rest.
fn leading_digits(token: &[u8], min: usize, max: usize) -> Option<(u64, &[u8])> {
    let n = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    let (digits, rest) = token.split_at(n);
    let value = digits
        .iter()
        .fold(0u64, |acc, &b| acc * 10 + u64::from(b - b'0'));
    Some((value, rest))
}

/// `time = hms-time ( non-digit *OCTET )`, `hms-time = time-field ":" time-field ":" time-field`,
/// `time-field = 1*2DIGIT`.
fn match_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let (h, rest) = leading_digits(token, 1, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (m, rest) = leading_digits(rest, 1, 2)?;
    let rest = rest.strip_prefix(b":")?;
    // After the seconds: nothing, or a non-digit followed by anything, which
    // `leading_digits` guarantees by counting every leading digit.
    let (s, _) = leading_digits(rest, 1, 2)?;
    Some((h as u32, m as u32, s as u32))
}

fn match_month(token: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let prefix = token.get(..3)?;
    MONTHS
        .iter()
        .position(|m| prefix.eq_ignore_ascii_case(&m[..]))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<String> {
        parse_cookie_date(s.as_bytes()).map(Time::to_http_date)
    }

    #[test]
    fn common_formats() {
        assert_eq!(
            parse("Wed, 09 Jun 2021 10:18:14 GMT").unwrap(),
            "Wed, 09 Jun 2021 10:18:14 GMT"
        );
        assert_eq!(
            parse("Wednesday, 09-Jun-21 10:18:14 GMT").unwrap(),
            "Wed, 09 Jun 2021 10:18:14 GMT"
        );
        assert_eq!(
            parse("Wed Jun  9 10:18:14 2021").unwrap(),
            "Wed, 09 Jun 2021 10:18:14 GMT"
        );
        assert_eq!(
            parse("Thu, 01 Jan 1970 00:00:00 GMT").unwrap(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }

    #[test]
    fn failures() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("Wed, 09 Jun 2021"), None); // no time
        assert_eq!(parse("31 Feb 2021 10:00:00"), None); // no such date
        assert_eq!(parse("09 Jun 1600 10:00:00"), None); // before 1601
        assert_eq!(parse("09 Jun 2021 24:00:00"), None);
        assert_eq!(parse("09 Jun 2021 10:00:000"), None); // 3-digit seconds
    }

    #[test]
    fn two_digit_years() {
        assert_eq!(
            parse("1 Jan 70 00:00:00").unwrap(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            parse("1 Jan 69 00:00:00").unwrap(),
            "Tue, 01 Jan 2069 00:00:00 GMT"
        );
    }
}
