//! `kubectl rollout undo`, `pause` and `resume` on the timeline (issue 20, k8s-semantics 2.8):
//! an undo after a stuck rollout restores the old pods, a pause holds a rollout mid-way (scaling
//! goes on) and a resume finishes it, and mistakes in the events are located errors.

use crate::support::{RunOutput, column, load_text, root, run_to_strings};

/// The scenario of `scenarios/eks-rollout-undo.yaml` (a bad image at 5m, stuck at 8 old and 5
/// new pods) with its operator's events replaced by `events`.
fn stuck_rollout(events: &str) -> String {
    let text = std::fs::read_to_string(root().join("scenarios/eks-rollout-undo.yaml")).expect("scenario");
    let head = text.split("\nevents:\n").next().expect("events block");
    let bad_image = "  - {at: 5m, updateDeployment: {name: eks-api, image: example/api:2-broken, neverReady: true}}";
    format!("{head}\nevents:\n{bad_image}\n{events}\n")
}

/// A Deployment of 10 pods on Fargate rolling out a good image at 5m, one pod at a time
/// (maxSurge 1, maxUnavailable 0), then `events`.
fn slow_rollout(events: &str) -> String {
    format!(
        r#"
name: pause
duration: 40m
traceInterval: 10s
availabilityZones: [us-east-1a, us-east-1b]
eks:
  fargateProfiles:
    - {{fargateProfileName: web, selectors: [{{namespace: web}}]}}
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {{name: web, namespace: web}}
      spec:
        replicas: 10
        selector: {{matchLabels: {{app: web}}}}
        strategy: {{rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}}}
        template:
          metadata: {{labels: {{app: web}}}}
          spec:
            containers:
              - {{name: app, image: "example/web:1", resources: {{requests: {{cpu: 250m, memory: 512Mi}}}}}}
load:
  web:
    requestsPerSecond: [{{constant: 100}}]
events:
  - {{at: 5m, updateDeployment: {{name: web, image: "example/web:2"}}}}
{events}
"#
    )
}

fn run(name: &str, text: &str) -> RunOutput {
    match load_text(name, text) {
        Ok(loaded) => run_to_strings(&loaded),
        Err(e) => panic!("{}", e.rendered),
    }
}

fn errors(text: &str) -> String {
    match load_text("rollout.yaml", text) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.rendered,
    }
}

/// `(time_s, message)` of the events.csv rows of `kind`.
fn events_of(out: &RunOutput, kind: &str) -> Vec<(f64, String)> {
    out.events
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(2) == Some(kind))
        .map(|l| (l.split(',').next().unwrap().parse().unwrap(), l.to_string()))
        .collect()
}

/// The last services.csv value of `col`.
fn last(out: &RunOutput, col: &str) -> String {
    column(&out.services, col, None).last().expect("rows").clone()
}

/// Pods of ReplicaSet `rs` (`name:N`) alive at the end, and those it deleted.
fn pods(out: &RunOutput, rs: &str) -> (usize, usize) {
    let defs = column(&out.tasks, "task_definition", None);
    let stopped = column(&out.tasks, "stopped_s", None);
    let of_rs = || defs.iter().zip(&stopped).filter(|(d, _)| *d == rs);
    (
        of_rs().filter(|(_, s)| s.is_empty()).count(),
        of_rs().filter(|(_, s)| !s.is_empty()).count(),
    )
}

/// services.csv's `running` in the rows from `from_s` to `to_s` seconds.
fn running_between(out: &RunOutput, from_s: f64, to_s: f64) -> Vec<u32> {
    let times = column(&out.services, "time_s", None);
    let running = column(&out.services, "running", None);
    times
        .iter()
        .zip(&running)
        .filter(|(t, _)| (from_s..=to_s).contains(&t.parse::<f64>().unwrap()))
        .map(|(_, r)| r.parse().unwrap())
        .collect()
}

#[test]
fn undo_after_a_stuck_rollout_restores_the_old_pods() {
    // Without the operator: stuck at 8 old + 5 broken pods to the end.
    let stuck = run("stuck.yaml", &stuck_rollout(""));
    assert_eq!(
        (last(&stuck, "running"), last(&stuck, "healthy")),
        ("13".into(), "8".into())
    );
    assert_eq!(pods(&stuck, "eks-api:2"), (5, 0));

    let undo = stuck_rollout("  - {at: 20m, rolloutUndo: {deployment: eks-api}}");
    let out = run("undo.yaml", &undo);
    let rollback = events_of(&out, "rollback_started");
    assert_eq!(rollback.len(), 1, "{}", out.events);
    assert_eq!(rollback[0].0, 1200.0);
    assert!(
        rollback[0]
            .1
            .contains("kubectl rollout undo: eks-api rolled back to revision 1"),
        "{}",
        rollback[0].1
    );
    // Revision 1's ReplicaSet is the new one again (revision 3): its 8 pods stay, 2 more start,
    // the 5 broken pods go, and the Deployment completes.
    assert!(rollback[0].1.contains("(revision 3)"), "{}", rollback[0].1);
    let completed = events_of(&out, "deployment_completed");
    assert_eq!(completed.len(), 1, "{}", out.events);
    assert!(completed[0].0 > 1200.0 && completed[0].1.contains("ReplicaSet eks-api:1 is available"));
    assert_eq!(
        (last(&out, "running"), last(&out, "healthy")),
        ("10".into(), "10".into())
    );
    assert_eq!(pods(&out, "eks-api:2"), (0, 5));
    assert_eq!(pods(&out, "eks-api:1").0, 10);
    // The RollingUpdate rules hold during the undo: never more than D + maxSurge pods.
    assert!(running_between(&out, 1200.0, 1800.0).iter().all(|&r| r <= 13));
}

#[test]
fn undo_to_a_revision_and_its_refusals() {
    // `toRevision: 2` is the broken revision itself: kubectl skips the rollback.
    let same = run(
        "same.yaml",
        &stuck_rollout("  - {at: 20m, rolloutUndo: {deployment: eks-api, toRevision: 2}}"),
    );
    let refused = events_of(&same, "deployment_not_started");
    assert_eq!(refused.len(), 1, "{}", same.events);
    assert!(
        refused[0]
            .1
            .contains("skipped rollback (current template already matches revision 2)")
    );
    assert_eq!(last(&same, "healthy"), "8");
    // A revision that does not exist, and an undo of a paused Deployment, change nothing.
    let events = "  - {at: 16m, rolloutUndo: {deployment: eks-api, toRevision: 7}}\n  \
                  - {at: 17m, rolloutPause: {deployment: eks-api}}\n  \
                  - {at: 18m, rolloutUndo: {deployment: eks-api}}";
    let out = run("refused.yaml", &stuck_rollout(events));
    let refused = events_of(&out, "deployment_not_started");
    assert_eq!(refused.len(), 2, "{}", out.events);
    assert!(refused[0].1.contains("unable to find specified revision 7 in history"));
    assert!(
        refused[1]
            .1
            .contains("you cannot rollback a paused deployment; resume it first")
    );
    assert_eq!(
        (last(&out, "running"), last(&out, "healthy")),
        ("13".into(), "8".into())
    );
    // `toRevision: 1` undoes as the plain undo does, and so does kubectl's default 0.
    for event in [
        "{deployment: eks-api, toRevision: 1}",
        "{deployment: eks-api, toRevision: 0}",
    ] {
        let text = stuck_rollout(&format!("  - {{at: 20m, rolloutUndo: {event}}}"));
        let out = run("to-one.yaml", &text);
        assert_eq!(last(&out, "healthy"), "10", "{event}");
        assert_eq!(events_of(&out, "rollback_started").len(), 1, "{event}");
    }
    // A second undo goes back to revision 2 (the broken one), now numbered 4.
    let twice = stuck_rollout(
        "  - {at: 20m, rolloutUndo: {deployment: eks-api}}\n  - {at: 25m, rolloutUndo: {deployment: eks-api}}",
    );
    let out = run("twice.yaml", &twice);
    let rollback = events_of(&out, "rollback_started");
    assert_eq!(rollback.len(), 2, "{}", out.events);
    assert!(rollback[1].1.contains("rolled back to revision 2") && rollback[1].1.contains("(revision 4)"));
    assert_eq!(last(&out, "running"), "13");
}

#[test]
fn pause_holds_a_rollout_mid_way_and_resume_finishes_it() {
    let plain = run("plain.yaml", &slow_rollout(""));
    let done = events_of(&plain, "deployment_completed");
    assert_eq!(done.len(), 1, "{}", plain.events);
    assert!(done[0].0 > 420.0 && done[0].0 < 1200.0, "{done:?}");

    let events = "  - {at: 7m, rolloutPause: {deployment: web}}\n  - {at: 25m, rolloutResume: {deployment: web}}";
    let out = run("paused.yaml", &slow_rollout(events));
    let done = events_of(&out, "deployment_completed");
    assert_eq!(done.len(), 1, "{}", out.events);
    assert!(done[0].0 > 1500.0, "completed at {} while paused", done[0].0);
    // While paused (after the pod that was starting at 7m is Ready), no old pod is deleted and
    // no new one created: the mix of revisions holds.
    let (new_end, _) = pods(&out, "web:2");
    assert_eq!(new_end, 10);
    let created = column(&out.tasks, "created_s", None);
    let stopped = column(&out.tasks, "stopped_s", None);
    let in_pause = |s: &String| s.parse::<f64>().is_ok_and(|t| t > 540.0 && t < 1500.0);
    assert_eq!(created.iter().filter(|s| in_pause(s)).count(), 0, "{}", out.tasks);
    assert_eq!(stopped.iter().filter(|s| in_pause(s)).count(), 0, "{}", out.tasks);
    let old_at_pause = column(&out.tasks, "task_definition", None)
        .iter()
        .zip(&stopped)
        .filter(|(d, s)| *d == "web:1" && s.parse::<f64>().is_ok_and(|t| t >= 1500.0))
        .count();
    assert!(
        old_at_pause > 0 && old_at_pause < 10,
        "{old_at_pause} old pods at resume"
    );
    // No progress deadline while paused, though the pause lasts longer than 600 s.
    assert!(events_of(&out, "deployment_stalled").is_empty(), "{}", out.events);
    assert_eq!(last(&out, "running"), "10");
}

#[test]
fn a_paused_deployment_still_scales() {
    let events = "  - {at: 7m, rolloutPause: {deployment: web}}\n  \
                  - {at: 10m, updateDeployment: {name: web, replicas: 16}}\n  \
                  - {at: 25m, rolloutResume: {deployment: web}}";
    let out = run("scaled.yaml", &slow_rollout(events));
    // kubectl scale while paused: both ReplicaSets grow in proportion, the rollout stays put.
    let during = running_between(&out, 900.0, 1490.0);
    assert!(during.iter().all(|&r| r >= 16), "{during:?}");
    let created = column(&out.tasks, "created_s", None);
    let defs = column(&out.tasks, "task_definition", None);
    let grown = |rs: &str| {
        defs.iter()
            .zip(&created)
            .filter(|(d, c)| *d == rs && c.parse::<f64>().is_ok_and(|t| t == 600.0))
            .count()
    };
    assert!(grown("web:1") > 0 && grown("web:2") > 0, "{}", out.tasks);
    assert_eq!(events_of(&out, "deployment_completed").len(), 1);
    assert_eq!((last(&out, "running"), pods(&out, "web:2").0), ("16".into(), 16));
}

#[test]
fn rollout_mistakes_are_located_with_the_fix() {
    let rendered = errors(&stuck_rollout(
        "  - {at: 20m, rolloutUndo: {deployment: eks-apj}}\n  \
         - {at: 21m, rolloutPause: {}}\n  \
         - {at: 22m, rolloutUndo: {deployment: eks-api, toRevision: -1}}\n  \
         - {at: 23m, rolloutResume: {deployment: eks-api, toRevision: 1}}\n  \
         - {at: 24m, rolloutPause: {name: eks-api}}",
    ));
    assert!(rendered.contains("error: no Deployment named `eks-apj`"), "{rendered}");
    assert!(
        rendered.contains("field: events[1].rolloutUndo.deployment"),
        "{rendered}"
    );
    assert!(rendered.contains("help: did you mean `eks-api`?"), "{rendered}");
    assert!(rendered.contains("rollout.yaml:47:"), "{rendered}");
    assert!(
        rendered.contains("field: events[2].rolloutPause.deployment"),
        "{rendered}"
    );
    assert!(
        rendered.contains("field: events[3].rolloutUndo.toRevision"),
        "{rendered}"
    );
    assert!(
        rendered.contains("field: events[4].rolloutResume.toRevision"),
        "{rendered}"
    );
    // `updateDeployment`'s `name`, by habit: one error with the fix.
    assert!(
        rendered.contains("error: rolloutPause names the Deployment by `deployment`, not `name`"),
        "{rendered}"
    );
    assert!(rendered.contains("help: write `deployment: eks-api`"), "{rendered}");
    assert_eq!(rendered.matches("events[5]").count(), 1, "{rendered}");
}
