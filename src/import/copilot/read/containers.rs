//! The task's containers: `image` (the main container), `sidecars`, their health checks and
//! ports, and `platform`.

use super::fields::{Ctx, join};
use crate::import::copilot::count::Keyed;
use crate::import::copilot::manifest::{Container, ContainerHealthCheck, Platform};
use crate::import::copilot::tree::{Node, Value};

/// `image` fields ecsim does not model.
const IMAGE_IGNORED: &[&str] = &["credentials", "labels", "depends_on", "docker_labels"];
/// Sidecar fields ecsim does not model.
const SIDECAR_IGNORED: &[&str] = &[
    "credentials",
    "variables",
    "env_file",
    "secrets",
    "mount_points",
    "labels",
    "depends_on",
    "command",
    "entrypoint",
];

/// The main container, from `image`.
pub fn read_main(root: &Node, name: &str, ctx: &mut Ctx) -> Container {
    let mut container = Container {
        name: name.to_string(),
        image: format!("{name}:built-by-copilot"),
        port: None,
        essential: true,
        health_check: None,
        key: "image".into(),
    };
    let Some(image) = root.get("image") else {
        return container;
    };
    if !ctx.keys(
        image,
        "image",
        &["build", "location", "port", "healthcheck"],
        IMAGE_IGNORED,
    ) {
        return container;
    }
    if let Some(location) = image.get("location") {
        container.image = ctx.string(location, "image.location").unwrap_or_default();
    }
    container.port = image.get("port").and_then(|p| read_port(p, "image.port", ctx));
    container.health_check = image
        .get("healthcheck")
        .and_then(|h| read_health_check(h, "image.healthcheck", ctx));
    container
}

/// `sidecars`, in file order.
pub fn read_sidecars(root: &Node, ctx: &mut Ctx) -> Vec<Container> {
    let Some(node) = root.get("sidecars") else {
        return Vec::new();
    };
    let Value::Map(entries) = &node.value else {
        ctx.error(
            node,
            "sidecars",
            format!("expected a mapping of sidecar names, found {}", node.kind_words()),
            None,
        );
        return Vec::new();
    };
    let mut sidecars = Vec::new();
    for (name, sidecar) in entries {
        let path = join("sidecars", name);
        if !ctx.keys(
            sidecar,
            &path,
            &["image", "port", "essential", "healthcheck"],
            SIDECAR_IGNORED,
        ) {
            continue;
        }
        let image = match sidecar.get("image") {
            Some(
                i @ Node {
                    value: Value::Map(_), ..
                },
            ) => {
                ctx.keys(i, &join(&path, "image"), &["location", "build"], &["credentials"]);
                i.get("location")
                    .and_then(|l| ctx.string(l, &join(&path, "image.location")))
                    .unwrap_or_else(|| format!("{name}:built-by-copilot"))
            }
            Some(i) => ctx.string(i, &join(&path, "image")).unwrap_or_default(),
            None => {
                ctx.error(sidecar, &path, format!("sidecar `{name}` needs an `image`"), None);
                continue;
            }
        };
        let essential = sidecar
            .get("essential")
            .and_then(|e| ctx.boolean(e, &join(&path, "essential")))
            .unwrap_or(true);
        sidecars.push(Container {
            name: name.clone(),
            image,
            port: sidecar
                .get("port")
                .and_then(|p| read_port(p, &join(&path, "port"), ctx)),
            essential,
            health_check: sidecar
                .get("healthcheck")
                .and_then(|h| read_health_check(h, &join(&path, "healthcheck"), ctx)),
            key: ctx.origin(sidecar, &path),
        });
    }
    sidecars
}

/// A port: `8080` or `8080/tcp`.
fn read_port(node: &Node, path: &str, ctx: &mut Ctx) -> Option<Keyed<u16>> {
    let text = node.text().unwrap_or_default();
    let number = text.split_once('/').map_or(text, |(p, _)| p);
    match number.parse::<u16>() {
        Ok(p) if p > 0 => Some(Keyed::new(p, ctx.origin(node, path))),
        _ => {
            let message = format!("expected a port such as 8080 or 8080/tcp, found {}", node.kind_words());
            ctx.error(node, path, message, None);
            None
        }
    }
}

/// A container `healthcheck`, with Copilot's defaults for what it leaves out (B1).
fn read_health_check(node: &Node, path: &str, ctx: &mut Ctx) -> Option<Keyed<ContainerHealthCheck>> {
    let fields = ["command", "interval", "retries", "timeout", "start_period"];
    if !ctx.keys(node, path, &fields, &[]) {
        return None;
    }
    let command = match node.get("command").map(|c| &c.value) {
        Some(Value::Seq(items)) => items.iter().filter_map(|i| i.text().map(str::to_string)).collect(),
        Some(Value::Scalar { text, .. }) => vec!["CMD-SHELL".to_string(), text.clone()],
        _ => vec!["CMD-SHELL".into(), "curl -f http://localhost/ || exit 1".into()],
    };
    let seconds = |key: &str, default: u64, min: u64, max: u64, ctx: &mut Ctx| -> u64 {
        let Some(n) = node.get(key) else { return default };
        let key_path = join(path, key);
        match ctx.seconds(n, &key_path) {
            Some(s) if (min..=max).contains(&s) => s,
            Some(s) => {
                ctx.error(
                    n,
                    &key_path,
                    format!("{s}s is outside {min}s to {max}s, ECS's limits"),
                    None,
                );
                default
            }
            None => default,
        }
    };
    let interval_s = seconds("interval", 10, 5, 300, ctx);
    let timeout_s = seconds("timeout", 5, 2, 60, ctx);
    let start_period_s = seconds("start_period", 0, 0, 300, ctx);
    let retries = node
        .get("retries")
        .and_then(|r| ctx.uint(r, &join(path, "retries"), 1, 10))
        .unwrap_or(2) as u32;
    let check = ContainerHealthCheck {
        command,
        interval_s,
        retries,
        timeout_s,
        start_period_s,
    };
    Some(Keyed::new(check, ctx.origin(node, path)))
}

/// `platform`: `os/arch` or `{osfamily, architecture}`; `None` for Linux x86_64 (Copilot then
/// writes no RuntimePlatform).
pub fn read_platform(root: &Node, ctx: &mut Ctx) -> Option<Keyed<Platform>> {
    let node = root.get("platform")?;
    let (os, arch) = match &node.value {
        Value::Map(_) => {
            if !ctx.keys(node, "platform", &["osfamily", "architecture"], &[]) {
                return None;
            }
            let os = node.get("osfamily").and_then(Node::text).unwrap_or("linux");
            let arch = node.get("architecture").and_then(Node::text).unwrap_or("x86_64");
            (os.to_lowercase(), arch.to_lowercase())
        }
        _ => {
            let text = ctx.string(node, "platform")?.to_lowercase();
            let (os, arch) = text.split_once('/').unwrap_or((text.as_str(), "x86_64"));
            (os.to_string(), arch.to_string())
        }
    };
    let cpu_architecture = match arch.as_str() {
        "x86_64" | "amd64" => "X86_64",
        "arm64" | "arm" => "ARM64",
        other => {
            let message = format!("`{other}` is not an architecture Copilot supports");
            ctx.error(node, "platform", message, Some("use x86_64 or arm64".into()));
            return None;
        }
    };
    let operating_system_family = match os.as_str() {
        "linux" => "LINUX".to_string(),
        "windows" => "WINDOWS_SERVER_2019_CORE".to_string(),
        w if w.starts_with("windows_server_") => w.to_uppercase(),
        other => {
            let message = format!("`{other}` is not an operating system family Copilot supports");
            ctx.error(node, "platform", message, Some("use linux or windows".into()));
            return None;
        }
    };
    if operating_system_family == "LINUX" && cpu_architecture == "X86_64" {
        return None;
    }
    let platform = Platform {
        operating_system_family,
        cpu_architecture: cpu_architecture.to_string(),
    };
    Some(Keyed::new(platform, ctx.origin(node, "platform")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::copilot::tree::parse;

    #[test]
    fn containers_read_with_copilots_defaults() {
        let tree = parse(
            "image: {location: nginx, port: 4000, healthcheck: {interval: 20s}}\nsidecars:\n  nginx: {image: proxy:1, port: 8080/tcp, essential: false}\n  log: {image: {build: ./Dockerfile}}\n",
        )
        .expect("valid");
        let mut ctx = Ctx::default();
        let main = read_main(&tree, "fe", &mut ctx);
        assert_eq!((main.image.as_str(), main.port.map(|p| p.value)), ("nginx", Some(4000)));
        let check = main.health_check.expect("checked").value;
        assert_eq!((check.interval_s, check.retries, check.timeout_s), (20, 2, 5));
        assert_eq!(check.command[1], "curl -f http://localhost/ || exit 1");
        let sidecars = read_sidecars(&tree, &mut ctx);
        let names: Vec<(&str, &str, bool)> = sidecars
            .iter()
            .map(|s| (s.name.as_str(), s.image.as_str(), s.essential))
            .collect();
        assert_eq!(
            names,
            [("nginx", "proxy:1", false), ("log", "log:built-by-copilot", true)]
        );
        assert_eq!(sidecars[0].port.as_ref().map(|p| p.value), Some(8080));
        assert!(ctx.problems.is_empty(), "{:?}", ctx.problems);
    }

    #[test]
    fn platforms_become_runtime_platforms() {
        let cases = [
            ("platform: linux/x86_64\n", None),
            ("platform: linux/arm64\n", Some(("LINUX", "ARM64"))),
            (
                "platform: windows/x86_64\n",
                Some(("WINDOWS_SERVER_2019_CORE", "X86_64")),
            ),
            (
                "platform: {osfamily: windows_server_2022_full, architecture: x86_64}\n",
                Some(("WINDOWS_SERVER_2022_FULL", "X86_64")),
            ),
        ];
        for (text, expected) in cases {
            let tree = parse(text).expect("valid");
            let mut ctx = Ctx::default();
            let platform = read_platform(&tree, &mut ctx).map(|p| p.value);
            let got = platform
                .as_ref()
                .map(|p| (p.operating_system_family.as_str(), p.cpu_architecture.as_str()));
            assert_eq!(got, expected, "{text}");
        }
    }
}
