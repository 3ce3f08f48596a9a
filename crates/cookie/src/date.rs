//! RFC 6265bis §5.1.1 "Dates": the cookie-date algorithm, on bytes.

use crate::time::Time;

/// RFC 6265bis §5.1.1: `delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E`.
const fn is_delimiter_byte(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// [`is_delimiter_byte`] for every byte: a table lookup instead of a chain of
/// range tests (whose branches mispredict on every token boundary).
static DELIMITERS: [bool; 256] = delimiter_table();

#[allow(clippy::indexing_slicing)] // `i` stays below 256, the table's length.
const fn delimiter_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = is_delimiter_byte(i as u8);
        i += 1;
    }
    table
}

fn is_delimiter(b: u8) -> bool {
    // Every u8 is an index of the table: the bounds check folds away.
    DELIMITERS.get(usize::from(b)).copied().unwrap_or(false)
}

/// Parses a cookie-date (the value of an `Expires` attribute). `None` means the
/// algorithm failed and the attribute is ignored.
pub fn parse_cookie_date(input: &[u8]) -> Option<Time> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<i64> = None;

    // Step 1: "Using the grammar below, divide the cookie-date into date-tokens."
    // (date-token = 1*non-delimiter: the maximal runs of non-delimiters.)
    // Step 2: "Process each date-token sequentially in the order the date-tokens
    // appear in the cookie-date".
    let mut rest = input;
    loop {
        let start = rest
            .iter()
            .position(|&b| !is_delimiter(b))
            .unwrap_or(rest.len());
        rest = rest.get(start..).unwrap_or_default();
        if rest.is_empty() {
            break;
        }
        let len = rest
            .iter()
            .position(|&b| is_delimiter(b))
            .unwrap_or(rest.len());
        let (token, tail) = rest.split_at(len);
        rest = tail;

        // The leading digits, counted once for all the productions below (a
        // count above 4 fails each of them).
        let digits = leading_digit_count(token);
        // Step 2.1: the first token that matches `time` sets hour, minute, second.
        if time.is_none()
            && let Some(t) = match_time(token, digits)
        {
            time = Some(t);
            continue;
        }
        // Step 2.2: day-of-month = 1*2DIGIT ( non-digit *OCTET ).
        if day.is_none() && (1..=2).contains(&digits) {
            day = Some(digits_value(token, digits));
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
        if year.is_none() && (2..=4).contains(&digits) {
            year = Some(i64::from(digits_value(token, digits)));
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

/// How many ASCII digits `token` starts with, counting no further than 5 (every
/// production takes at most 4).
fn leading_digit_count(token: &[u8]) -> usize {
    token
        .iter()
        .take(5)
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// The value of the first `n` (at most 4) bytes of `token`, all digits.
fn digits_value(token: &[u8], n: usize) -> u32 {
    token
        .iter()
        .take(n)
        .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'))
}

/// `time = hms-time ( non-digit *OCTET )`, `hms-time = time-field ":" time-field ":" time-field`,
/// `time-field = 1*2DIGIT`. `digits` is the token's leading-digit count.
fn match_time(token: &[u8], digits: usize) -> Option<(u32, u32, u32)> {
    let field = |s: &[u8], n: usize| (1..=2).contains(&n).then(|| digits_value(s, n));
    let h = field(token, digits)?;
    let rest = token.get(digits..)?.strip_prefix(b":")?;
    let n = leading_digit_count(rest);
    let m = field(rest, n)?;
    let rest = rest.get(n..)?.strip_prefix(b":")?;
    // After the seconds: nothing, or a non-digit followed by anything, which the
    // count guarantees by counting every leading digit (up to 5).
    let s = field(rest, leading_digit_count(rest))?;
    Some((h, m, s))
}

/// `month = ( "jan" / "feb" / … / "dec" ) *OCTET`, case-insensitively.
fn match_month(token: &[u8]) -> Option<u32> {
    let [a, b, c, ..] = *token else {
        return None;
    };
    // `| 0x20` lowercases ASCII letters; a non-letter never lands on one of the
    // lowercase month letters, because those are only reached from their
    // uppercase forms.
    let key = [a | 0x20, b | 0x20, c | 0x20];
    let month = match &key {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    };
    Some(month)
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
    fn months_match_case_insensitively_and_only_letters() {
        let names: [&[u8; 3]; 12] = [
            b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
            b"dec",
        ];
        for name in names {
            for at in 0..3 {
                for b in 0..=255u8 {
                    let mut token = *name;
                    token[at] = b;
                    // The oracle: std's ASCII case folding (the mutation may
                    // spell another month: "jan" → "jun").
                    let expected = names
                        .iter()
                        .position(|n| n.eq_ignore_ascii_case(&token))
                        .map(|m| m as u32 + 1);
                    assert_eq!(match_month(&token), expected, "{token:?}");
                }
            }
        }
        assert_eq!(match_month(b"JUNE"), Some(6));
        assert_eq!(match_month(b"ju"), None);
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
