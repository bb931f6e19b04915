//! Seeded mutations of the fixtures (a value replaced by one of another type, a key removed, the
//! text cut short): the import never panics and gives the same answer twice.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use ecsim::import::terraform::import;

use super::fixture;
use super::fixtures::FIXTURES;

/// Mutations per fixture.
const MUTATIONS: usize = 150;

/// Every node of `v`, as a path of object keys and list indexes.
fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                at.push(k.clone());
                paths(c, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                at.push(i.to_string());
                paths(c, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |node, key| match node {
        Value::Object(m) => m.get_mut(key).expect("a key of the path"),
        Value::Array(a) => &mut a[key.parse::<usize>().expect("an index")],
        _ => unreachable!("paths go through containers only"),
    })
}

fn mutate(rng: &mut ChaCha8Rng, doc: &Value) -> String {
    let mut doc = doc.clone();
    let mut all = Vec::new();
    paths(&doc, &mut Vec::new(), &mut all);
    let path = &all[rng.random_range(1..all.len())];
    match rng.random_range(0..6) {
        0 => *node_mut(&mut doc, path) = Value::Null,
        1 => *node_mut(&mut doc, path) = Value::from(-7),
        2 => *node_mut(&mut doc, path) = Value::from("x:y/z"),
        3 => *node_mut(&mut doc, path) = Value::Array(vec![Value::from(1), Value::Null]),
        4 => *node_mut(&mut doc, path) = serde_json::json!({"references": ["var.a", "aws_ecs_service.web"]}),
        _ => {
            let (last, parent) = path.split_last().expect("not the root");
            match node_mut(&mut doc, parent) {
                Value::Object(m) => {
                    m.remove(last);
                }
                Value::Array(a) => {
                    a.remove(last.parse::<usize>().expect("an index"));
                }
                _ => {}
            }
        }
    }
    let text = doc.to_string();
    if rng.random_range(0..10) == 0 {
        let cut = rng.random_range(0..text.len());
        return text.chars().take(cut).collect();
    }
    text
}

#[test]
fn mutated_terraform_json_never_panics_and_imports_the_same_way_twice() {
    let mut rng = ChaCha8Rng::seed_from_u64(18);
    let mut outcomes = [0usize; 2];
    for name in FIXTURES {
        let doc: Value = serde_json::from_str(&fixture(name)).expect("a fixture is JSON");
        for _ in 0..MUTATIONS {
            let text = mutate(&mut rng, &doc);
            let first = import(&text, name);
            let second = import(&text, name);
            match (&first, &second) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.scenario.to_yaml(""), b.scenario.to_yaml(""), "{text}");
                    outcomes[0] += 1;
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "{text}");
                    assert!(!a.message.is_empty(), "{text}");
                    outcomes[1] += 1;
                }
                _ => panic!("two imports of one text disagree:\n{text}"),
            }
        }
    }
    // Both kinds of outcome happen, so the mutations reach the mapping and its errors.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}
