//! A Scheduled Job's `on.schedule` as the EventBridge schedule expression Copilot deploys: a
//! standard 5-field cron becomes `cron(...)` with `?` and 1-based days of the week, a preset
//! (`@daily`) its fixed cron, `@every 1h30m` a rate in minutes; `rate(...)` and `cron(...)` pass
//! through as written (Copilot's `awsSchedule`).

/// The expression for `schedule`, or why Copilot would refuse it. `None` means the job is
/// disabled (`none`).
pub fn expression(schedule: &str) -> Result<Option<String>, String> {
    let schedule = schedule.trim();
    if schedule == "none" {
        return Ok(None);
    }
    if (schedule.starts_with("rate(") || schedule.starts_with("cron(")) && schedule.ends_with(')') {
        return Ok(Some(schedule.to_string()));
    }
    if let Some(every) = schedule.strip_prefix("@every ") {
        return rate(every.trim()).map(Some);
    }
    if schedule.starts_with('@') {
        return preset(schedule).map(|c| Some(format!("cron({c})")));
    }
    standard_cron(schedule).map(Some)
}

/// `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly`, `@yearly` (`@annually`).
fn preset(schedule: &str) -> Result<&'static str, String> {
    Ok(match schedule {
        "@hourly" => "0 * * * ? *",
        "@daily" | "@midnight" => "0 0 * * ? *",
        "@weekly" => "0 0 ? * 1 *",
        "@monthly" => "0 0 1 * ? *",
        "@yearly" | "@annually" => "0 0 1 1 ? *",
        other => {
            return Err(format!(
                "`{other}` is not a preset schedule: use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually"
            ));
        }
    })
}

/// `@every D`: a whole number of minutes, at least one, as `rate(N minutes)`.
fn rate(duration: &str) -> Result<String, String> {
    let ms = super::duration::millis(duration)
        .ok_or_else(|| format!("`{duration}` is not a duration such as 15m or 1h30m"))?;
    if ms < 60_000 || ms % 60_000 != 0 {
        return Err(format!(
            "`@every {duration}` must be a whole number of minutes, at least 1 minute"
        ));
    }
    let minutes = ms / 60_000;
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    Ok(format!("rate({minutes} {unit})"))
}

/// A 5-field cron (minute hour day-of-month month day-of-week) as AWS's 6-field form.
fn standard_cron(schedule: &str) -> Result<String, String> {
    let mut fields: Vec<String> = schedule.split_whitespace().map(str::to_string).collect();
    if fields.len() != 5 {
        return Err(format!(
            "`{schedule}` is not a cron expression of 5 fields (minute hour day-of-month month day-of-week), a preset such as @daily, `@every 1h`, rate(...) or cron(...)"
        ));
    }
    let specified = |f: &str| !f.contains(['*', '?']);
    let (dom, dow) = (specified(&fields[2]), specified(&fields[4]));
    match (dom, dow) {
        (false, false) => {
            fields[2] = "*".into();
            fields[4] = "?".into();
        }
        (false, true) => fields[2] = "?".into(),
        (true, false) => fields[4] = "?".into(),
        (true, true) => {
            return Err(format!(
                "`{schedule}` gives both a day of the month and a day of the week; AWS cron takes one of them"
            ));
        }
    }
    // Standard cron counts Sunday as 0, AWS as 1.
    fields[4] = fields[4]
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if d < 9 => char::from_digit(d + 1, 10).unwrap_or(c),
            _ => c,
        })
        .collect();
    fields.push("*".into());
    Ok(format!("cron({})", fields.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(schedule: &str, expected: &str) {
        assert_eq!(expression(schedule), Ok(Some(expected.to_string())), "{schedule}");
    }

    #[test]
    fn schedules_translate_as_copilot_translates_them() {
        // The job manifest of the real fixtures and its generated parameters file.
        check("0 12 * * MON", "cron(0 12 ? * MON *)");
        check("0 9 * * 1-5", "cron(0 9 ? * 2-6 *)");
        check("0 9 1 * *", "cron(0 9 1 * ? *)");
        check("*/5 * * * *", "cron(*/5 * * * ? *)");
        check("@daily", "cron(0 0 * * ? *)");
        check("@weekly", "cron(0 0 ? * 1 *)");
        check("@every 1h30m", "rate(90 minutes)");
        check("@every 1m", "rate(1 minute)");
        check("rate(5 minutes)", "rate(5 minutes)");
        check("cron(0 2 * * ? *)", "cron(0 2 * * ? *)");
        assert_eq!(expression("none"), Ok(None));
    }

    #[test]
    fn schedules_copilot_refuses_are_errors() {
        for bad in ["0 9 1 * MON", "@every 30s", "@every 90s", "@fortnightly", "0 9 * *"] {
            assert!(expression(bad).is_err(), "{bad}");
        }
    }
}
