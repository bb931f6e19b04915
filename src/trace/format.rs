//! Formatting shared by the output files: simulated seconds, wall-clock timestamps and
//! fixed-precision numbers.

use std::io::Write as _;

use chrono::{DateTime, SecondsFormat};

/// The ISO 8601 UTC time of simulated `time_ms` for a run anchored at `start_epoch_ms`.
pub fn timestamp(start_epoch_ms: i64, time_ms: u64) -> String {
    let ms = start_epoch_ms.saturating_add(time_ms as i64);
    DateTime::from_timestamp_millis(ms).map_or_else(String::new, |t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Simulated milliseconds as seconds: `90` or `7337.855` (at most three decimals, none when whole).
pub fn seconds(ms: u64) -> String {
    into_string(|b| push_seconds(b, ms))
}

/// A float with three decimals, trailing zeros trimmed (`12.5`, `0`, `100`).
pub fn number(v: f64) -> String {
    into_string(|b| push_fixed(b, v, 3))
}

/// A cost with six decimals (micro-dollars), trailing zeros trimmed.
pub fn usd(v: f64) -> String {
    into_string(|b| push_fixed(b, v, 6))
}

fn into_string(f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut b = Vec::with_capacity(24);
    f(&mut b);
    String::from_utf8(b).expect("formatters write ASCII")
}

/// Appends an integer as `Display` would write it.
pub fn push_int<I: itoa::Integer>(out: &mut Vec<u8>, v: I) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// Appends [`seconds`]`(ms)`.
pub fn push_seconds(out: &mut Vec<u8>, ms: u64) {
    push_int(out, ms / 1000);
    let frac = ms % 1000;
    if frac != 0 {
        let digits = [
            b'.',
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        out.extend_from_slice(&digits);
    }
}

/// Appends `v` rounded to `decimals` places (at most 6), trailing zeros trimmed, without `-0`
/// ([`number`] with 3, [`usd`] with 6). Integer arithmetic on the scaled value: this is on the hot
/// path of every CSV row, and float formatting was a quarter of a long run's time.
pub fn push_fixed(out: &mut Vec<u8>, v: f64, decimals: u32) {
    debug_assert!(decimals <= 6);
    let scale = 10i64.pow(decimals);
    let x = v * scale as f64;
    let scaled = x.round();
    // Near a tie the product's own rounding may decide wrongly: let exact formatting decide.
    let near_tie = ((x - x.trunc()).abs() - 0.5).abs() < 1e-6;
    if !scaled.is_finite() || scaled.abs() >= 9e15 || near_tie {
        let start = out.len();
        write!(out, "{v:.*}", decimals as usize).expect("writing to a Vec cannot fail");
        while out.len() > start && out[out.len() - 1] == b'0' {
            out.pop();
        }
        while out.len() > start && out[out.len() - 1] == b'.' {
            out.pop();
        }
        if &out[start..] == b"-0" {
            out.truncate(start);
            out.push(b'0');
        }
        return;
    }
    let n = scaled as i64;
    let (whole, mut frac) = ((n / scale).unsigned_abs(), (n % scale).unsigned_abs());
    if n < 0 {
        out.push(b'-');
    }
    push_int(out, whole);
    if frac != 0 {
        let mut width = decimals as usize;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        let mut digits = [b'.'; 7];
        for d in digits[1..=width].iter_mut().rev() {
            *d = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.extend_from_slice(&digits[..=width]);
    }
}

/// Writes the cells of one CSV row into a reusable buffer, the way `csv::Writer` with its
/// defaults (`QuoteStyle::Necessary`, `,`, `"` doubled, `\n`) writes them. The trace files'
/// column tables (`trace::columns`) format each cell through one of its methods.
pub struct RowWriter {
    buf: Vec<u8>,
    start_epoch_ms: i64,
    /// The last day a timestamp fell on (days since the epoch) and its `YYYY-MM-DDT` prefix:
    /// only the time of day is formatted per row.
    last_day: Option<(i64, [u8; 11])>,
}

const MS_PER_DAY: i64 = 86_400_000;

impl RowWriter {
    /// An empty row for a run anchored at `start_epoch_ms` (the `timestamp` cells).
    pub fn new(start_epoch_ms: i64) -> Self {
        RowWriter {
            buf: Vec::with_capacity(1024),
            start_epoch_ms,
            last_day: None,
        }
    }

    /// The wall-clock start of the run, ms since the Unix epoch.
    pub fn start_epoch_ms(&self) -> i64 {
        self.start_epoch_ms
    }

    /// The bytes written since the last `clear`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Empties the row (keeps its capacity and the timestamp cache).
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    /// The field separator.
    pub fn delimiter(&mut self) {
        self.buf.push(b',');
    }

    /// The record terminator.
    pub fn end_record(&mut self) {
        self.buf.push(b'\n');
    }

    /// Free text, quoted when it holds `,`, `"`, `\r` or `\n` (csv-core's `Necessary` rule),
    /// with its quotes doubled.
    pub fn text(&mut self, s: &str) {
        let bytes = s.as_bytes();
        if !bytes.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            self.buf.extend_from_slice(bytes);
            return;
        }
        self.buf.push(b'"');
        for &b in bytes {
            if b == b'"' {
                self.buf.push(b'"');
            }
            self.buf.push(b);
        }
        self.buf.push(b'"');
    }

    /// Text that cannot need quotes (a fixed identifier: no `,`, `"`, `\r` or `\n`).
    pub fn plain(&mut self, s: &str) {
        debug_assert!(!s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')), "{s:?}");
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// An integer.
    pub fn int<I: itoa::Integer>(&mut self, v: I) {
        push_int(&mut self.buf, v);
    }

    /// An integer, or nothing.
    pub fn opt_int<I: itoa::Integer>(&mut self, v: Option<I>) {
        if let Some(v) = v {
            self.int(v);
        }
    }

    /// [`number`].
    pub fn number(&mut self, v: f64) {
        push_fixed(&mut self.buf, v, 3);
    }

    /// [`number`], or nothing.
    pub fn opt_number(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.number(v);
        }
    }

    /// [`usd`].
    pub fn usd(&mut self, v: f64) {
        push_fixed(&mut self.buf, v, 6);
    }

    /// [`seconds`].
    pub fn seconds(&mut self, ms: u64) {
        push_seconds(&mut self.buf, ms);
    }

    /// [`seconds`], or nothing.
    pub fn opt_seconds(&mut self, ms: Option<u64>) {
        if let Some(ms) = ms {
            self.seconds(ms);
        }
    }

    /// [`timestamp`] of simulated `time_ms`: the date formatted once per day, the time of day
    /// by arithmetic.
    pub fn timestamp(&mut self, time_ms: u64) {
        let ms = self.start_epoch_ms.saturating_add(time_ms as i64);
        let day = ms.div_euclid(MS_PER_DAY);
        let prefix = match self.last_day {
            Some((d, prefix)) if d == day => prefix,
            _ => {
                // chrono writes the date; a year outside 0000-9999 (or no date at all) has
                // another shape, and takes the slow path every time.
                let text = DateTime::from_timestamp_millis(day * MS_PER_DAY)
                    .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
                    .unwrap_or_default();
                let prefix = (text.len() == 20).then(|| <[u8; 11]>::try_from(&text.as_bytes()[..11]));
                let Some(Ok(prefix)) = prefix else {
                    self.buf
                        .extend_from_slice(timestamp(self.start_epoch_ms, time_ms).as_bytes());
                    return;
                };
                self.last_day = Some((day, prefix));
                prefix
            }
        };
        let second_of_day = ms.rem_euclid(MS_PER_DAY) / 1000;
        let (h, m, sec) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
        let two = |n: i64| [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        self.buf.extend_from_slice(&prefix);
        self.buf.extend_from_slice(&two(h));
        self.buf.push(b':');
        self.buf.extend_from_slice(&two(m));
        self.buf.push(b':');
        self.buf.extend_from_slice(&two(sec));
        self.buf.push(b'Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The formatters as they were before the `RowWriter` (allocating, through `format!`): the
    /// reference the fast ones must equal byte for byte.
    mod reference {
        pub fn seconds(ms: u64) -> String {
            if ms.is_multiple_of(1000) {
                (ms / 1000).to_string()
            } else {
                format!("{}.{:03}", ms / 1000, ms % 1000)
            }
        }

        pub fn fixed(v: f64, decimals: u32) -> String {
            let scale = 10i64.pow(decimals);
            let x = v * scale as f64;
            let scaled = x.round();
            let near_tie = ((x - x.trunc()).abs() - 0.5).abs() < 1e-6;
            if !scaled.is_finite() || scaled.abs() >= 9e15 || near_tie {
                let s = format!("{v:.*}", decimals as usize);
                let s = s.trim_end_matches('0').trim_end_matches('.');
                return if s == "-0" { "0".to_string() } else { s.to_string() };
            }
            let n = scaled as i64;
            let (whole, mut frac) = ((n / scale).abs(), (n % scale).abs());
            let mut out = String::with_capacity(24);
            if n < 0 {
                out.push('-');
            }
            out.push_str(&whole.to_string());
            if frac != 0 {
                let mut width = decimals as usize;
                while frac % 10 == 0 {
                    frac /= 10;
                    width -= 1;
                }
                out.push('.');
                out.push_str(&format!("{frac:0width$}"));
            }
            out
        }

        /// What `csv::Writer` (defaults) writes for one record.
        pub fn csv_record(fields: &[&str]) -> Vec<u8> {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(fields).unwrap();
            w.into_inner().unwrap()
        }
    }

    fn edge_values() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            0.0005,
            -0.0005,
            0.0004999,
            -0.0004999,
            0.0000005,
            -0.0000005,
            0.0015,
            2.675,
            47.2375,
            99.9995,
            99.9996,
            1.0e15,
            9.0e12,
            9.0e9,
            8.999_999_999_999e12,
            -8.999_999_999_999e12,
            123_456_789.123_456_5,
            4_294_967_295.0,
            i64::MAX as f64,
            i64::MIN as f64,
            1e300,
            -1e-300,
        ];
        for k in 0..=20 {
            let p = 10f64.powi(k);
            v.extend([p, -p, 1.0 / p, -1.0 / p, p + 0.5, p - 0.0005, 0.5 / p, 1.5e-6 * p]);
        }
        v
    }

    fn random_values(seed: u64, n: usize) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|i| match i % 6 {
                // Utilization-like percents and rates.
                0 => rng.random_range(0.0..200.0),
                // Ticks of exactly-representable and tie-prone thousandths and millionths.
                1 => rng.random_range(-2_000_000i64..2_000_000) as f64 / 1000.0 + 0.0005,
                2 => rng.random_range(-2_000_000_000i64..2_000_000_000) as f64 / 1e6,
                // Any magnitude, either sign.
                3 => {
                    let m: f64 = rng.random_range(-1.0..1.0);
                    m * 10f64.powi(rng.random_range(-12..20))
                }
                // Any bit pattern (NaN, infinities and subnormals included).
                4 => f64::from_bits(rng.random()),
                _ => rng.random_range(0.0..1e7_f64).round() / 8.0,
            })
            .collect()
    }

    #[test]
    fn fast_numbers_equal_the_reference() {
        let values: Vec<f64> = edge_values().into_iter().chain(random_values(7, 300_000)).collect();
        for v in values {
            assert_eq!(
                number(v),
                reference::fixed(v, 3),
                "number({v:e}) bits {:#x}",
                v.to_bits()
            );
            assert_eq!(usd(v), reference::fixed(v, 6), "usd({v:e}) bits {:#x}", v.to_bits());
        }
    }

    #[test]
    fn fast_seconds_and_integers_equal_the_reference() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let edges = [0, 1, 9, 10, 999, 1000, 1001, 59_999, 86_400_000, u64::MAX - 1, u64::MAX];
        let randoms: Vec<u64> = (0..100_000)
            .map(|i| {
                if i % 2 == 0 {
                    rng.random_range(0..10_000_000_000)
                } else {
                    rng.random()
                }
            })
            .collect();
        for ms in edges.into_iter().chain(randoms) {
            assert_eq!(seconds(ms), reference::seconds(ms), "{ms}");
            let mut row = RowWriter::new(0);
            row.int(ms);
            row.int(ms as i64);
            row.int(ms as u32);
            row.int(ms as u16);
            let want = format!("{ms}{}{}{}", ms as i64, ms as u32, ms as u16);
            assert_eq!(row.as_bytes(), want.as_bytes());
        }
    }

    #[test]
    fn the_row_writer_quotes_text_as_the_csv_crate_does() {
        let texts = [
            "",
            " ",
            " lead",
            "trail ",
            "plain",
            "a,b",
            "say \"hi\"",
            "\"",
            "\"\"",
            "line\nbreak",
            "cr\rhere",
            "crlf\r\n",
            ",",
            "tab\there",
            "#comment",
            "semi;colon",
            "quote\"and,comma",
            "é ünïcode, “curly”",
            "'single'",
        ];
        for a in texts {
            for b in texts {
                let mut row = RowWriter::new(0);
                row.text(a);
                row.delimiter();
                row.text(b);
                row.delimiter();
                row.number(1.5);
                row.end_record();
                assert_eq!(row.as_bytes(), reference::csv_record(&[a, b, "1.5"]), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn timestamps_are_cached_per_day_and_equal_the_reference() {
        let start = 1_767_571_200_000;
        let mut row = RowWriter::new(start);
        for t in [
            0,
            0,
            90_000,
            90_000,
            90_500,
            0,
            u64::MAX / 4,
            90_000,
            86_399_999,
            86_400_000,
        ] {
            row.clear();
            row.timestamp(t);
            assert_eq!(row.as_bytes(), timestamp(start, t).as_bytes(), "{t}");
        }
        // Random instants around many anchors, before 1970 too, across day and year boundaries.
        let mut rng = ChaCha8Rng::seed_from_u64(3339);
        for _ in 0..200 {
            let start = rng.random_range(-5_000_000_000_000i64..200_000_000_000_000);
            let mut row = RowWriter::new(start);
            let mut t = 0u64;
            for _ in 0..200 {
                t += rng.random_range(0..40_000_000u64);
                row.clear();
                row.timestamp(t);
                assert_eq!(row.as_bytes(), timestamp(start, t).as_bytes(), "{start} {t}");
            }
        }
    }

    #[test]
    fn formats_numbers_and_times() {
        assert_eq!(seconds(90_000), "90");
        assert_eq!(seconds(7_337_855), "7337.855");
        assert_eq!(seconds(500), "0.500");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(100.0), "100");
        assert_eq!(number(0.0004), "0");
        assert_eq!(number(-0.0001), "0");
        assert_eq!(number(1.23456), "1.235");
        assert_eq!(usd(0.0123426), "0.012343");
        assert_eq!(timestamp(1_767_571_200_000, 90_000), "2026-01-05T00:01:30Z");
        assert_eq!(number(-12.5), "-12.5");
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(-0.05), "-0.05");
        assert_eq!(number(1234567.0001), "1234567");
        assert_eq!(number(99.9996), "100");
        assert_eq!(usd(41472.0), "41472");
        assert_eq!(usd(1.110461), "1.110461");
        assert_eq!(number(f64::NAN), "NaN");
        // 47.2375 is stored just below the tie: exact formatting rounds it down.
        assert_eq!(number(47.2375), format!("{:.3}", 47.2375_f64));
    }
}
