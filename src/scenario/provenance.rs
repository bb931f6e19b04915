//! What made a run, as the scenario file gives it: the SHA-256 of the file's bytes, the
//! `--set` overrides applied to it, and its header comment (the leading `#` block that says
//! what the scenario shows). `summary.json` carries these so a run directory says how to
//! reproduce it.

use sha2::{Digest, Sha256};

use crate::trace::summary::Provenance;

/// The provenance of the scenario `text` loaded with `overrides` (in the order applied).
pub fn provenance(text: &str, overrides: &[(String, String)]) -> Provenance {
    Provenance {
        ecsim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_sha256: sha256_hex(text.as_bytes()),
        overrides: overrides
            .iter()
            .map(|(path, value)| format!("{path}={value}"))
            .collect(),
        scenario_header: header_comment(text),
    }
}

/// Lowercase hex SHA-256 of `bytes`, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The leading comment block of a scenario: the `#` lines before its first other line (blank
/// lines before the block are skipped), each without its `#` and one following space. A bare `#`
/// line is an empty line of the text. Empty when the file does not start with a comment.
pub fn header_comment(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines().skip_while(|l| l.trim().is_empty()) {
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            break;
        };
        lines.push(comment.strip_prefix(' ').unwrap_or(comment).trim_end());
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_as_sha256sum_does() {
        // `printf 'abc' | sha256sum` (FIPS 180-2, appendix B.1).
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn the_header_is_the_leading_comment_block() {
        let check = |text: &str, expected: &str| assert_eq!(header_comment(text), expected, "{text:?}");
        check(
            "# What it shows.\n# Second line.\nname: x\n# later\n",
            "What it shows.\nSecond line.",
        );
        check(
            "\n\n#  indented text\n#\n# after a break\n#\nseed: 1\n",
            " indented text\n\nafter a break",
        );
        check("name: x\n# not a header\n", "");
        check("#no space\n", "no space");
        check("", "");
    }

    #[test]
    fn overrides_are_recorded_in_order_as_written() {
        let p = provenance(
            "seed: 1\n",
            &[
                ("ecs.services[0].desiredCount".into(), "8".into()),
                ("seed".into(), "42".into()),
            ],
        );
        assert_eq!(p.overrides, ["ecs.services[0].desiredCount=8", "seed=42"]);
        assert_eq!(p.ecsim_version, env!("CARGO_PKG_VERSION"));
        assert_eq!(p.scenario_sha256, sha256_hex(b"seed: 1\n"));
    }
}
