//! The shell's `:commands`: parsing them and the help text.

/// A parsed `:command` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command<'a> {
    /// Show the help text.
    Help,
    /// Leave the shell.
    Quit,
    /// Show the plan of a query without running it.
    Explain(&'a str),
    /// Run a query and show its plan with row counts and times.
    Profile(&'a str),
    /// Set a parameter to the value of a Cypher expression.
    Param { name: &'a str, expr: &'a str },
    /// List the parameters.
    Params,
    /// Forget all parameters.
    Clear,
    /// Read statements as Gremlin traversals from now on.
    Gremlin,
    /// Read statements as Cypher from now on.
    Cypher,
}

/// Shown by `:help`.
pub const HELP: &str = "\
Type Cypher statements, or Gremlin traversals (`g.V()...`), ending with `;`
(they may span several lines; several on one line run in order). A statement
starting with `g.` is always Gremlin. Results show values in Cypher literal
form: vertices as nodes, edges as relationships, paths, lists and maps.

Commands:
  :help                     show this help
  :explain <query>          show the plan of <query> without running it
  :profile <query>          run <query> and show its plan with rows and times
  :param <name> => <expr>   evaluate the Cypher expression <expr> and store it
                            as parameter $<name>, e.g. :param limit => 10
  :params                   list the parameters
  :clear                    forget all parameters
  :gremlin, :cypher         read statements in that language from now on
  :quit, :exit              leave the shell (or press Ctrl-D)

Ctrl-C clears the statement being typed. A committed statement is in the
data directory's WAL before its result prints (unless the shell was started
with --in-memory).";

/// Parse a line starting with `:`. A trailing `;` is ignored.
pub fn parse(line: &str) -> Result<Command<'_>, String> {
    let line = line.trim().trim_end_matches(';').trim_end();
    let body = line.strip_prefix(':').ok_or_else(|| format!("not a command: {line}"))?;
    let (word, arg) = match body.find(char::is_whitespace) {
        Some(i) => (&body[..i], body[i..].trim()),
        None => (body, ""),
    };
    let no_arg = |cmd: Command<'static>| {
        if arg.is_empty() {
            Ok(cmd)
        } else {
            Err(format!(":{word} takes no argument"))
        }
    };
    let query = || {
        if arg.is_empty() {
            Err(format!("usage: :{word} <query>"))
        } else {
            Ok(arg)
        }
    };
    match word {
        "help" | "h" | "?" => no_arg(Command::Help),
        "quit" | "exit" | "q" => no_arg(Command::Quit),
        "params" => no_arg(Command::Params),
        "clear" => no_arg(Command::Clear),
        "gremlin" => no_arg(Command::Gremlin),
        "cypher" => no_arg(Command::Cypher),
        "explain" => query().map(Command::Explain),
        "profile" => query().map(Command::Profile),
        "param" => {
            let (name, expr) =
                split_assignment(arg, "=>").ok_or_else(|| "usage: :param <name> => <expression>".to_string())?;
            Ok(Command::Param { name, expr })
        }
        _ => Err(format!("unknown command :{word}; type :help for the list")),
    }
}

/// Split `name <sep> expr` where name is an identifier, optionally in backticks.
pub fn split_assignment<'a>(text: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let (name, expr) = text.split_once(sep)?;
    let name = name.trim();
    let name = name.strip_prefix('`').and_then(|n| n.strip_suffix('`')).unwrap_or(name);
    let expr = expr.trim();
    let valid = !name.is_empty() && !name.contains('`') && !expr.is_empty();
    valid.then_some((name, expr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_commands() {
        assert_eq!(parse(":help"), Ok(Command::Help));
        assert_eq!(parse("  :quit  "), Ok(Command::Quit));
        assert_eq!(parse(":exit;"), Ok(Command::Quit));
        assert_eq!(parse(":params"), Ok(Command::Params));
        assert_eq!(parse(":gremlin"), Ok(Command::Gremlin));
        assert_eq!(parse(":cypher;"), Ok(Command::Cypher));
        assert_eq!(parse(":clear"), Ok(Command::Clear));
    }

    #[test]
    fn query_commands_keep_the_query_and_drop_the_semicolon() {
        assert_eq!(parse(":explain MATCH (n) RETURN n;"), Ok(Command::Explain("MATCH (n) RETURN n")));
        assert_eq!(parse(":profile RETURN 1"), Ok(Command::Profile("RETURN 1")));
        assert!(parse(":explain").is_err());
    }

    #[test]
    fn param_takes_name_and_expression() {
        assert_eq!(parse(":param x => 1 + 2"), Ok(Command::Param { name: "x", expr: "1 + 2" }));
        assert_eq!(parse(":param `my x`=>[1, 2]"), Ok(Command::Param { name: "my x", expr: "[1, 2]" }));
        assert_eq!(parse(":param m => {a: 'x => y'}"), Ok(Command::Param { name: "m", expr: "{a: 'x => y'}" }));
        assert!(parse(":param x").is_err());
        assert!(parse(":param => 1").is_err());
        assert!(parse(":param x =>").is_err());
    }

    #[test]
    fn unknown_commands_and_stray_arguments_are_errors() {
        assert!(parse(":frobnicate").unwrap_err().contains("unknown command :frobnicate"));
        assert!(parse(":help me").is_err());
        assert!(parse(":").is_err());
    }

    #[test]
    fn split_assignment_with_equals() {
        assert_eq!(split_assignment("n=1", "="), Some(("n", "1")));
        assert_eq!(split_assignment("s='a=b'", "="), Some(("s", "'a=b'")));
        assert_eq!(split_assignment("=1", "="), None);
    }
}
