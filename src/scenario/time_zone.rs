//! IANA time zone names, as the scheduled actions' `Timezone`, a diurnal load's `timezone` and
//! `charts.timeZone` take them: one parser, so every field accepts the same names and a
//! misspelt one gets the same suggestion.

use chrono_tz::{TZ_VARIANTS, Tz};

use super::diag::{Diagnostics, closest};
use super::reader::as_string;
use super::yaml::Node;

/// The zone a string node names; an unknown name is an error at the value, with its help.
pub fn read_time_zone(node: &Node, path: &str, d: &mut Diagnostics) -> Option<Tz> {
    let text = as_string(node, path, d)?;
    match parse_time_zone(&text) {
        Ok(tz) => Some(tz),
        Err(help) => {
            d.error(node.loc, path, format!("unknown time zone `{text}`"), Some(help));
            None
        }
    }
}

/// The zone named `text` (exactly, as AWS reads it), or the help for an error: the name it
/// most likely meant (the same letters in another case, or one within a few edits), else
/// examples of the form.
pub fn parse_time_zone(text: &str) -> Result<Tz, String> {
    if let Ok(tz) = text.parse::<Tz>() {
        return Ok(tz);
    }
    let names = || TZ_VARIANTS.iter().map(|tz| tz.name());
    let meant = names()
        .find(|name| name.eq_ignore_ascii_case(text))
        .or_else(|| closest(text, names()));
    Err(match meant {
        Some(name) => format!("did you mean `{name}`? (an IANA name, as AWS takes it)"),
        None => "use an IANA name such as UTC, Asia/Seoul or America/New_York".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_exactly_and_misspellings_get_the_nearest_name() {
        assert_eq!(parse_time_zone("Asia/Seoul"), Ok(chrono_tz::Asia::Seoul));
        assert_eq!(parse_time_zone("UTC"), Ok(chrono_tz::UTC));
        let help = |text| parse_time_zone(text).expect_err(text);
        assert_eq!(
            help("Asia/Seol"),
            "did you mean `Asia/Seoul`? (an IANA name, as AWS takes it)"
        );
        assert_eq!(
            help("asia/seoul"),
            "did you mean `Asia/Seoul`? (an IANA name, as AWS takes it)"
        );
        assert_eq!(
            help("Mars/Olympus_Mons"),
            "use an IANA name such as UTC, Asia/Seoul or America/New_York"
        );
    }
}
