//! A pod template's containers: requests and limits, probes with their defaults (k8s-semantics
//! 3.1), and the `preStop` sleep that delays termination.

use super::quantity::{cpu_milli, memory_mib};
use crate::model::k8s::{ContainerSpec, Probe};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::{as_string, check_ignored_block, object};
use crate::scenario::yaml::Node;

/// Container fields `kubectl get -o yaml` prints that the simulator does not model.
const IGNORED: &[&str] = &[
    "image",
    "imagePullPolicy",
    "command",
    "args",
    "workingDir",
    "ports",
    "env",
    "envFrom",
    "volumeMounts",
    "volumeDevices",
    "securityContext",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "resizePolicy",
    "stdin",
    "stdinOnce",
    "tty",
];

/// A field of an ignored handler, with its own fields (`None`: a value, not checked).
type HandlerField = (&'static str, Option<&'static [&'static str]>);

/// The handlers of a probe or a lifecycle hook, accepted but not modelled, with their fields:
/// a misspelt key in one is still an unknown field.
const HANDLERS: &[HandlerField] = &[
    ("httpGet", Some(&["path", "port", "host", "scheme", "httpHeaders"])),
    ("tcpSocket", Some(&["port", "host"])),
    ("exec", Some(&["command"])),
    ("grpc", Some(&["port", "service"])),
    ("sleep", Some(&["seconds"])),
];

/// Checks the keys of the handlers `names` of `node` (a probe or a hook) that are not modelled.
fn check_handlers(node: &Node, path: &str, names: &[&str], d: &mut Diagnostics) {
    for (name, fields) in HANDLERS.iter().filter(|(n, _)| names.contains(n)) {
        if let (Some(n), Some(fields)) = (node.get(name), fields) {
            let fields: Vec<HandlerField> = fields.iter().map(|f| (*f, None)).collect();
            check_ignored_block(n, &format!("{path}.{name}"), &fields, d);
        }
    }
}

/// One container and, for a `preStop` sleep, its seconds.
pub struct ReadContainer {
    /// The container.
    pub spec: ContainerSpec,
    /// `restartPolicy: Always` (an init container that is a sidecar).
    pub restart_always: bool,
    /// Seconds the `preStop` hook sleeps, if it is a sleep.
    pub pre_stop_s: Option<u32>,
}

/// Reads one container of `containers` or `initContainers`.
pub fn read_container(node: &Node, path: &str, init: bool, d: &mut Diagnostics) -> Option<ReadContainer> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("name", "the container's name", d);
    let mut spec = ContainerSpec {
        name: String::new(),
        cpu_request_milli: None,
        memory_request_mib: None,
        cpu_limit_milli: None,
        memory_limit_mib: None,
        startup_probe: None,
        readiness_probe: None,
        liveness_probe: None,
    };
    let resources_path = o.child("resources");
    if let Some(n) = o.field("resources") {
        read_resources(n, &resources_path, &mut spec, d);
    }
    let mut probes_ok = true;
    for (name, slot, must_succeed_once) in [
        ("readinessProbe", &mut spec.readiness_probe, false),
        ("livenessProbe", &mut spec.liveness_probe, true),
        ("startupProbe", &mut spec.startup_probe, true),
    ] {
        let p = o.child(name);
        if let Some(n) = o.field(name) {
            *slot = read_probe(n, &p, must_succeed_once, d);
            probes_ok &= slot.is_some();
        }
    }
    let lifecycle_path = o.child("lifecycle");
    let pre_stop_s = o.field("lifecycle").and_then(|n| read_lifecycle(n, &lifecycle_path, d));
    let restart_always = if init {
        o.one_of("restartPolicy", &["Always"], d).is_some()
    } else {
        false
    };
    o.ignore(IGNORED);
    o.finish(d);
    spec.name = name?;
    probes_ok.then_some(ReadContainer {
        spec,
        restart_always,
        pre_stop_s,
    })
}

/// `resources.requests` and `resources.limits` (`cpu`, `memory`; others ignored). A limit without
/// a request makes the request equal to the limit, as the API server defaults it.
fn read_resources(node: &Node, path: &str, spec: &mut ContainerSpec, d: &mut Diagnostics) {
    let Some(mut o) = object(node, path, d) else { return };
    let mut amounts = [(None, None), (None, None)];
    for (i, name) in ["requests", "limits"].into_iter().enumerate() {
        let p = o.child(name);
        let Some(n) = o.field(name) else { continue };
        let Some(mut r) = object(n, &p, d) else { continue };
        let cpu_path = r.child("cpu");
        let cpu = r.field("cpu").and_then(|n| cpu_milli(n, &cpu_path, d));
        let mem_path = r.child("memory");
        let mem = r.field("memory").and_then(|n| memory_mib(n, &mem_path, d));
        r.ignore(&["ephemeral-storage", "hugepages-2Mi", "hugepages-1Gi", "nvidia.com/gpu"]);
        r.finish(d);
        amounts[i] = (cpu, mem);
    }
    o.ignore(&["claims"]);
    o.finish(d);
    let [(cpu_req, mem_req), (cpu_lim, mem_lim)] = amounts;
    spec.cpu_request_milli = cpu_req.or(cpu_lim);
    spec.memory_request_mib = mem_req.or(mem_lim);
    spec.cpu_limit_milli = cpu_lim;
    spec.memory_limit_mib = mem_lim;
    for (req, lim, what) in [
        (spec.cpu_request_milli, cpu_lim, "cpu"),
        (spec.memory_request_mib, mem_lim, "memory"),
    ] {
        if let (Some(req), Some(lim)) = (req, lim) {
            if req > lim {
                d.error(
                    node.loc,
                    &format!("{path}.requests.{what}"),
                    format!("must be less than or equal to {what} limit"),
                    None,
                );
            }
        }
    }
}

/// A probe with the API defaults (period 10, timeout 1, success 1, failure 3); liveness and
/// startup probes must have `successThreshold` 1.
fn read_probe(node: &Node, path: &str, must_succeed_once: bool, d: &mut Diagnostics) -> Option<Probe> {
    let mut o = object(node, path, d)?;
    let defaults = Probe::default();
    let probe = Probe {
        initial_delay_s: o.int("initialDelaySeconds", 0, i64::from(i32::MAX), d).unwrap_or(0) as u32,
        period_s: o.int("periodSeconds", 1, i64::from(i32::MAX), d).unwrap_or(10) as u32,
        timeout_s: o.int("timeoutSeconds", 1, i64::from(i32::MAX), d).unwrap_or(1) as u32,
        success_threshold: o.int("successThreshold", 1, i64::from(i32::MAX), d).unwrap_or(1) as u32,
        failure_threshold: o.int("failureThreshold", 1, i64::from(i32::MAX), d).unwrap_or(3) as u32,
    };
    debug_assert_eq!(Probe::default(), defaults);
    let success_loc = o.key_loc("successThreshold");
    check_handlers(node, path, &["httpGet", "tcpSocket", "exec", "grpc"], d);
    o.ignore(&["httpGet", "tcpSocket", "exec", "grpc", "terminationGracePeriodSeconds"]);
    o.finish(d);
    if must_succeed_once && probe.success_threshold != 1 {
        d.error(
            success_loc,
            &format!("{path}.successThreshold"),
            "must be 1",
            Some("liveness and startup probes pass on one success".into()),
        );
        return None;
    }
    Some(probe)
}

/// `lifecycle`: the seconds of a `preStop` sleep (`sleep: {seconds: N}`, or an exec command
/// `["sleep", "N"]` / `["/bin/sh", "-c", "sleep N"]`); other hooks are ignored.
fn read_lifecycle(node: &Node, path: &str, d: &mut Diagnostics) -> Option<u32> {
    let mut o = object(node, path, d)?;
    let pre_stop_path = o.child("preStop");
    let pre_stop = o.field("preStop");
    if let Some(n) = node.get("postStart") {
        check_ignored_block(n, &format!("{path}.postStart"), HANDLERS, d);
    }
    o.ignore(&["postStart", "stopSignal"]);
    o.finish(d);
    let mut h = object(pre_stop?, &pre_stop_path, d)?;
    let mut seconds = None;
    let sleep_path = h.child("sleep");
    if let Some(n) = h.field("sleep") {
        if let Some(mut s) = object(n, &sleep_path, d) {
            seconds = s.required_int("seconds", 0, 86_400, "how long the hook sleeps", d);
            s.finish(d);
        }
    }
    let exec_path = h.child("exec");
    if let Some(n) = h.field("exec") {
        if let Some(mut e) = object(n, &exec_path, d) {
            let command: Vec<String> = e
                .list("command", d)
                .iter()
                .filter_map(|(p, n)| as_string(n, p, d))
                .collect();
            e.finish(d);
            seconds = sleep_command(&command).map(i64::from);
            if seconds.is_none() {
                d.ignored.push((exec_path.clone(), n.loc));
            }
        }
    }
    check_handlers(pre_stop?, &pre_stop_path, &["httpGet", "tcpSocket"], d);
    h.ignore(&["httpGet", "tcpSocket"]);
    h.finish(d);
    seconds.map(|s| s as u32)
}

/// The seconds of `sleep N` run directly or through a shell.
fn sleep_command(command: &[String]) -> Option<u32> {
    let words: Vec<&str> = match command {
        [shell, flag, script] if shell.ends_with("sh") && flag == "-c" => script.split_whitespace().collect(),
        _ => command.iter().map(String::as_str).collect(),
    };
    match words.as_slice() {
        [sleep, n] if sleep.ends_with("sleep") => n.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    fn read(yaml: &str) -> (Option<ReadContainer>, Diagnostics) {
        let tree = parse(yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        (read_container(&tree, "c", false, &mut d), d)
    }

    #[track_caller]
    fn check_sleep(command: &[&str], expected: Option<u32>) {
        let c: Vec<String> = command.iter().map(|s| s.to_string()).collect();
        assert_eq!(sleep_command(&c), expected, "{command:?}");
    }

    #[test]
    fn a_misspelt_key_in_an_ignored_probe_or_hook_handler_is_an_error() {
        for (yaml, field, meant) in [
            (
                "{name: a, readinessProbe: {httpGet: {pat: /, port: 80}}}",
                "c.readinessProbe.httpGet.pat",
                "path",
            ),
            (
                "{name: a, livenessProbe: {tcpSocket: {prt: 80}}}",
                "c.livenessProbe.tcpSocket.prt",
                "port",
            ),
            (
                "{name: a, lifecycle: {postStart: {exec: {comand: [x]}}}}",
                "c.lifecycle.postStart.exec.comand",
                "command",
            ),
            (
                "{name: a, lifecycle: {preStop: {httpGet: {pth: /}}}}",
                "c.lifecycle.preStop.httpGet.pth",
                "path",
            ),
        ] {
            let (_, d) = read(yaml);
            let errors: Vec<_> = d.errors.iter().map(|e| (e.path.as_str(), e.help.clone())).collect();
            assert_eq!(
                errors,
                vec![(field, Some(format!("did you mean `{meant}`?")))],
                "{yaml}"
            );
        }
        let (c, d) =
            read("{name: a, readinessProbe: {httpGet: {path: /, port: 80, httpHeaders: [{name: x, value: y}]}}}");
        assert!(c.is_some() && d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.ignored[0].0, "c.readinessProbe.httpGet");
    }

    #[test]
    fn pre_stop_sleeps_are_recognised() {
        check_sleep(&["sleep", "15"], Some(15));
        check_sleep(&["/bin/sleep", "5"], Some(5));
        check_sleep(&["/bin/sh", "-c", "sleep 20"], Some(20));
        check_sleep(&["sh", "-c", "sleep 3"], Some(3));
        check_sleep(&["/bin/sh", "-c", "nginx -s quit"], None);
        check_sleep(&["sleep"], None);
        let (c, d) = read("{name: a, lifecycle: {preStop: {sleep: {seconds: 7}}}}");
        assert_eq!(c.expect("reads").pre_stop_s, Some(7), "{:?}", d.errors);
    }

    #[test]
    fn probes_take_the_api_defaults_and_limits_default_requests() {
        let (c, d) = read(
            "{name: app, image: nginx, resources: {limits: {cpu: '1', memory: 1Gi}}, \
             readinessProbe: {httpGet: {path: /}, periodSeconds: 5}, livenessProbe: {}}",
        );
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let c = c.expect("reads").spec;
        assert_eq!((c.cpu_request_milli, c.memory_request_mib), (Some(1000), Some(1024)));
        assert_eq!(
            c.readiness_probe.map(|p| (p.period_s, p.failure_threshold)),
            Some((5, 3))
        );
        assert_eq!(c.liveness_probe, Some(Probe::default()));
        let (c, d) = read("{name: a, startupProbe: {successThreshold: 2}}");
        assert!(c.is_none());
        assert_eq!(d.errors[0].message, "must be 1");
        let (_, d) = read("{name: a, resources: {requests: {cpu: '2'}, limits: {cpu: '1'}}}");
        assert_eq!(d.errors[0].message, "must be less than or equal to cpu limit");
    }
}
