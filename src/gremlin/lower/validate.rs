//! Checks TinkerPop makes before a traversal runs: modulator counts, modulators
//! without their step, and the verification strategies of the source.

use plexus_planner::gremlin::{GArg, GStep, GTraversal};
use plexus_storage::{Error, Result, Value};

/// Steps that accept a single `by()`.
const ONE_BY: &[&str] =
    &["aggregate", "store", "dedup", "groupCount", "sack", "valueMap", "propertyMap", "sample", "elementMap"];

fn invalid(step: &GStep, message: String) -> Error {
    Error::argument("InvalidTraversal", message).at(step.pos)
}

pub fn check(t: &GTraversal) -> Result<()> {
    check_steps(t)?;
    for s in &t.source {
        if s.name != "withStrategies" {
            continue;
        }
        for a in &s.args {
            if let GArg::Strategy(name, config) = a {
                strategy(t, s, name, config)?;
            }
        }
    }
    Ok(())
}

fn check_steps(t: &GTraversal) -> Result<()> {
    for s in &t.steps {
        let bys = s.modulator("by").count();
        if ONE_BY.contains(&s.name.as_str()) && bys > 1 {
            let mut name = s.name.clone();
            name[..1].make_ascii_uppercase();
            return Err(invalid(s, format!("{name} step can only have one by modulator")));
        }
        if s.name != "repeat" && s.modulators.iter().any(|(m, _)| m.ends_with("_before")) {
            return Err(invalid(s, "The repeat()-traversal was not defined".to_string()));
        }
        for a in s.args.iter().chain(s.modulators.iter().flat_map(|(_, a)| a)) {
            if let GArg::Traversal(child) = a {
                check_steps(child)?;
            }
        }
    }
    Ok(())
}

fn uses_strategy(t: &GTraversal, name: &str) -> bool {
    t.source
        .iter()
        .any(|s| s.name == "withStrategies" && s.args.iter().any(|a| matches!(a, GArg::Strategy(n, _) if n == name)))
}

fn config_flag(config: &[(String, GArg)], key: &str) -> bool {
    config.iter().any(|(k, v)| k == key && matches!(v, GArg::Value(Value::Boolean(true))))
}

fn every_step(t: &GTraversal, f: &mut dyn FnMut(&GStep) -> Result<()>) -> Result<()> {
    for s in &t.steps {
        f(s)?;
        for a in s.args.iter().chain(s.modulators.iter().flat_map(|(_, a)| a)) {
            if let GArg::Traversal(child) = a {
                every_step(child, f)?;
            }
        }
    }
    Ok(())
}

fn strategy(t: &GTraversal, source: &GStep, name: &str, config: &[(String, GArg)]) -> Result<()> {
    match name {
        "ReadOnlyStrategy" if t.writes() => {
            Err(invalid(source, "The provided traversal has a mutating step and thus is not read only".into()))
        }
        "VertexProgramRestrictionStrategy" if uses_strategy(t, "VertexProgramStrategy") => {
            Err(invalid(source, "The TraversalSource does not allow the use of a GraphComputer".into()))
        }
        "EdgeLabelVerificationStrategy" if config_flag(config, "throwException") => every_step(t, &mut |s| {
            let navigates = matches!(s.name.as_str(), "out" | "in" | "both" | "outE" | "inE" | "bothE");
            if navigates && s.args.is_empty() {
                Err(invalid(
                    s,
                    format!(
                        "The provided traversal contains a vertex step without any specified edge label: {}()",
                        s.name
                    ),
                ))
            } else {
                Ok(())
            }
        }),
        "ReservedKeysVerificationStrategy" if config_flag(config, "throwException") => {
            let keys: Vec<String> = match config.iter().find(|(k, _)| k == "keys") {
                Some((_, GArg::Value(Value::List(items)))) => {
                    items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
                }
                _ => vec!["id".to_string(), "label".to_string()],
            };
            every_step(t, &mut |s| {
                if s.name == "property" {
                    if let Some(key) = s.args.iter().find_map(GArg::as_str) {
                        if keys.iter().any(|k| k == key) {
                            return Err(invalid(
                                s,
                                format!("The provided traversal is setting a property with a reserved key: {key}"),
                            ));
                        }
                    }
                }
                Ok(())
            })
        }
        _ => Ok(()),
    }
}
